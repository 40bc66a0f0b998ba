"""The import's progress line on a terminal: files, MB, rate and time left.

Plain text on stderr, redrawn in place; nothing is drawn when stderr is not a
terminal, so logs and pipes stay clean.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field

from casework.tui.sanitize import visible_line


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02}:{s:02}" if h else f"{m}:{s:02}"


@dataclass(slots=True)
class Progress:
    total_files: int
    total_bytes: int
    files: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.monotonic)

    def advance(self, size: int) -> None:
        self.files += 1
        self.bytes += size

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
