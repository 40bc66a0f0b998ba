"""The import's progress line on a terminal: files, MB, rate and time left.

Plain text on stderr, redrawn in place; nothing is drawn when stderr is not a
terminal, so logs and pipes stay clean.

Counts are in the files given on the command line (after folders are walked):
an archive's members and an e-mail's attachments are outcomes of their own,
but they are parts of one file, so `n/N files` never passes N.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casework.tui.sanitize import visible_line


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02}:{s:02}" if h else f"{m}:{s:02}"


def file_key(path: Path) -> str:
    """The key the import gives a file on the command line (members are `key/member`)."""
    return str(path.resolve()) if path.exists() else str(path)


@dataclass(slots=True)
class Progress:
    total_files: int
    total_bytes: int
    files: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)
    # File key -> size, for `outcome`; empty when the caller uses `advance` itself.
    sizes: dict[str, int] = field(default_factory=dict)
    _done: set[str] = field(default_factory=set, init=False, repr=False)
    _current: str | None = field(default=None, init=False, repr=False)

    @classmethod
    def for_files(cls, files: Iterable[Path], skip: Iterable[str] = ()) -> Progress:
        """Progress over these files; `skip` keys (the case's own files) are never read."""
        own = set(skip)
        inside = tuple(k + os.sep for k in own)
        sizes: dict[str, int] = {}
        for key, size in _keys_and_sizes(files):
            if key not in own and not key.startswith(inside):
                sizes[key] = size
        return cls(len(sizes), sum(sizes.values()), sizes=sizes)

    def advance(self, size: int) -> None:
        """One more file given on the command line is done."""
        self.files += 1
        self.bytes += size

    def outcome(self, path: str, read: int, status: str = "imported") -> None:
        """Account for one import outcome (a file, a member or an attachment).

        A file is done when an outcome says it read the file's bytes (`read` >
        0, the last outcome of a file with members), when the file itself was
        settled without a document (skipped, failed, unchanged: it has no
        members), or when the next file's outcomes begin. Counting a file once
        only, whichever comes first, keeps the count from passing the total.
        """
        top = self._file_of(path)
        if top is None:
            return
        if self._current is not None and top != self._current:
            self._finish(self._current)
        self._current = top
        if read > 0 or (path == top and status != "imported"):
            self._finish(top)

    def _file_of(self, path: str) -> str | None:
        """The given file an outcome belongs to: the path itself, or a prefix of it."""
        key = path
        while key not in self.sizes:
            key, sep, _ = key.rpartition("/")
            if not sep or not key:
                return None
        return key

    def _finish(self, key: str) -> None:
        if key not in self._done:
            self._done.add(key)
            self.advance(self.sizes[key])

    def line(self, current: str, width: int | None = None) -> str:
        width = width or shutil.get_terminal_size((80, 24)).columns
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.bytes / elapsed
        left = (self.total_bytes - self.bytes) / rate if rate > 0 else 0
        mb, total_mb = self.bytes / 1e6, self.total_bytes / 1e6
        head = (
            f"{self.files}/{self.total_files} files  {mb:.1f}/{total_mb:.1f} MB  "
            f"{rate / 1e6:.1f} MB/s  ETA {_clock(left)}  "
        )
        room = max(0, width - len(head) - 1)
        return head + visible_line(current)[-room:] if room else head[: width - 1]


def _keys_and_sizes(files: Iterable[Path]) -> Iterator[tuple[str, int]]:
    """`file_key` and size of each file, resolving each folder once, not each file.

    `Path.resolve` walks every component in Python: 1.5 s for the 27,000 FOIA
    files before the first one was read. A file that is not a symbolic link
    resolves to its resolved folder plus its name.
    """
    folders: dict[Path, str] = {}
    for path in files:
        try:
            st = os.lstat(path)
        except OSError:
            yield str(path), 0  # missing: the import reports it under the path given
            continue
        if stat.S_ISLNK(st.st_mode):
            yield file_key(path), _size(path)
            continue
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = str(path.parent.resolve())
        yield os.path.join(folder, path.name), st.st_size


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
