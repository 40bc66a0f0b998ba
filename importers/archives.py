"""Archives (.zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz) expanded into their files.

`expand` yields `(member path, bytes)` for each regular file, recursing into
archives inside archives, and never writes a member anywhere: members are read
into memory (a compressed tar's stream is spooled to an anonymous temporary
file, which has no name and vanishes when closed or when the process dies), so
a hostile member name such as `../../.bashrc` or `/etc/passwd` is only a string
to the caller. Names are normalised to relative POSIX paths inside the archive;
a name that would climb out of it is skipped.

Limits are checked from the declared sizes before the first member is read,
then again on the bytes actually produced, since an archive can lie: the sum of
declared sizes (`max_total`), a member's compression ratio (`max_ratio`), the
number of members (`max_members`) and the nesting depth (`max_depth`). The
checks of a nested archive happen when it is reached, so members before it may
already have been yielded when an `ArchiveError` is raised; a caller that wants
all-or-nothing imports collects the members first (`list(expand(...))`).

Time limit. Neither this module nor the readers can stop themselves after N
seconds: decompression and parsing run in C or in tight loops that a signal
cannot reliably interrupt, and a thread cannot be killed. The pipeline should
run each document's read step (`reader(data, name=...)`, and `expand` for an
archive) in a worker process, e.g. a `concurrent.futures.ProcessPoolExecutor`
with the "spawn" or "forkserver" context and `max_tasks_per_child=1` or a
long-lived worker that is replaced after a timeout, and wait with
`future.result(timeout=...)`. On timeout it terminates that worker (kill its
pid, then start a fresh one), records "timed out after N s" for the file and
goes on. Only picklable values cross the boundary: bytes in, `ReadResult` out
(a dataclass of str, dict and list). The worker may also set `RLIMIT_AS` so a
runaway read ends in MemoryError instead of swapping.
"""

from __future__ import annotations

import bz2
import io
import lzma
import posixpath
import re
import stat
import struct
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Protocol

from casework.importers.readers.base import ReadError

_ZIP_SUFFIXES = (".zip",)
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CHUNK = 1 << 20
_SPOOL_IN_MEMORY = 64 * 1024 * 1024
_ZIP_ENTRY_BYTES = 1024  # generous central-directory bytes per member, for the pre-check

# Skip reasons that are refusals of a hostile member, not a kind of file we do
# not read: the import reports these as failures the analyst must see.
ESCAPES = "path escapes the archive"
REFUSALS = frozenset({ESCAPES})


def is_refusal(reason: str | None) -> bool:
    """Whether a member's skip reason is a security refusal (a zip-slip name)."""
    return reason in REFUSALS


class ArchiveError(ReadError):
    """The archive as a whole is refused; str(exc) is a one-line reason."""


class DamagedArchive(ArchiveError):
    """Not a valid archive of its kind (as opposed to one refused for its limits).

    Inside another archive this only skips the member; limit errors always stop.
    """


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_total: int = 1_000_000_000  # bytes, all members at all depths together
    max_ratio: float = 200.0  # uncompressed / compressed, per member
    max_members: int = 10_000  # entries, all depths together
    max_depth: int = 3  # the archive given is depth 1
    # Members smaller than this skip the ratio test: a small file of spaces can
    # legitimately compress 500:1 and cannot be a bomb.
    ratio_min_size: int = 1024 * 1024


class _Budget:
    """What is left of the limits while expanding one archive and its children."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.bytes_left = limits.max_total
        self.members_left = limits.max_members

    def claim_members(self, n: int) -> None:
        if n > self.members_left:
            raise ArchiveError(f"archive has more than {self.limits.max_members} members")
        self.members_left -= n

    def check_declared(self, total: int) -> None:
        if total > self.bytes_left:
            raise ArchiveError(
                f"archive would expand to {_mb(total)}, over the {_mb(self.limits.max_total)} limit"
            )

    def take(self, n: int) -> None:
        if n > self.bytes_left:
            raise ArchiveError(
                f"archive expands to more than {_mb(self.limits.max_total)} (declared sizes lie?)"
            )
        self.bytes_left -= n


def is_archive(name: str) -> bool:
    """Whether `name` has an archive suffix that `expand` handles."""
    lower = name.lower()
    return lower.endswith(_ZIP_SUFFIXES + _TAR_SUFFIXES)


def expand(
    data: bytes,
    name: str,
    *,
    limits: ArchiveLimits = ArchiveLimits(),  # frozen, so safe to share
    skipped: list[tuple[str, str]] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield (member path, bytes) for each regular file, nested archives expanded.

    Directories, links, devices and unsafe paths are left out; pass a list as
    `skipped` to learn which and why, as (member path, reason) pairs.
    """
    yield from _expand(data, name, _Budget(limits), 1, "", skipped)


def _expand(
    data: bytes,
    name: str,
    budget: _Budget,
    depth: int,
    prefix: str,
    skipped: list[tuple[str, str]] | None,
) -> Iterator[tuple[str, bytes]]:
    if depth > budget.limits.max_depth:
        raise ArchiveError(f"archives nested deeper than {budget.limits.max_depth}")
    lower = name.lower()
    if lower.endswith(_ZIP_SUFFIXES):
        members = _zip_members(data, budget)
    elif lower.endswith(_TAR_SUFFIXES):
        members = _tar_members(data, budget)
    else:
        raise ArchiveError(f"not a supported archive ({name})")
    seen: set[str] = set()
    for raw_path, content in members:
        if isinstance(content, str):  # a reason to skip
            if skipped is not None:
                skipped.append((prefix + raw_path, content))
            continue
        path = _unique(raw_path, seen)  # a zip may hold one name twice
        if is_archive(path):
            try:
                yield from _expand(content, path, budget, depth + 1, f"{prefix}{path}/", skipped)
            except DamagedArchive as exc:
                if skipped is not None:
                    skipped.append((prefix + path, str(exc)))
        else:
            yield prefix + path, content


def _unique(path: str, seen: set[str]) -> str:
    """`path`, or `path (2)` and so on when an earlier member had the same path."""
    unique, n = path, 1
    while unique in seen:
        n += 1
        stem, dot, ext = path.rpartition(".")
        unique = f"{stem} ({n}).{ext}" if dot and stem and "/" not in ext else f"{path} ({n})"
    seen.add(unique)
    return unique


def safe_member_path(raw: str) -> str | None:
    """The member's path as a relative POSIX path inside the archive, or None if unsafe.

    Backslashes count as separators, a leading `/` or drive letter is dropped
    (as GNU tar does), `a/../b` becomes `b`, and a path that still climbs out
    (`../x`) is refused.
    """
    path = _CONTROL.sub("", raw).replace("\\", "/")
    path = _DRIVE.sub("", path).lstrip("/")
    if not path:
        return None
    path = posixpath.normpath(path)
    if path in (".", "..") or path.startswith("../"):
        return None
    return path


# ---------------------------------------------------------------------------
# zip


def _zip_members(data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes | str]]:
    """Check the whole central directory against the limits, then read members."""
    limits = budget.limits
    _zip_precheck(data, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        raise DamagedArchive("not a valid zip archive") from exc
    except NotImplementedError as exc:
        raise DamagedArchive("zip archive uses an unsupported feature") from exc
    budget.claim_members(len(infos))
    wanted: list[tuple[zipfile.ZipInfo, str | None]] = []
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size >= limits.ratio_min_size:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise ArchiveError(
                    f"member {_short(info.filename)} compresses {ratio:.0f}:1 "
                    f"(over {limits.max_ratio:.0f}:1, zip bomb?)"
                )
        wanted.append((info, _zip_skip_reason(info)))
    budget.check_declared(total)
    return _zip_read(zf, wanted, budget)


def _zip_read(
    zf: zipfile.ZipFile, wanted: list[tuple[zipfile.ZipInfo, str | None]], budget: _Budget
) -> Iterator[tuple[str, bytes | str]]:
    with zf:
        for info, reason in wanted:
            path = safe_member_path(info.filename)
            if path is None:
                yield info.filename, ESCAPES
                continue
            if reason:
                yield path, reason
                continue
            try:
                with zf.open(info) as fh:
                    content = _read_capped(fh, info.file_size, budget)
            except ArchiveError:
                raise
            except RuntimeError:  # zipfile: "File ... is encrypted, password required"
                yield path, "encrypted"
                continue
            except NotImplementedError:
                yield path, "unsupported compression method"
                continue
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
                yield path, f"damaged ({_short(str(exc), 60)})"
                continue
            yield path, content


def _zip_skip_reason(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode:  # Unix: the file type is in the high bits
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            return "symbolic link"
        if kind and kind != stat.S_IFREG:
            return "not a regular file"
    if info.flag_bits & 0x1:
        return "encrypted"
    return None


def _zip_precheck(data: bytes, limits: ArchiveLimits) -> None:
    """Bound the member count from the end record before zipfile builds every ZipInfo.

    zipfile parses the whole central directory up front; a 200 MB directory
    of tiny entries would cost gigabytes of memory before any limit applied.
    """
    tail_start = max(0, len(data) - (65_535 + 22))
    at = len(data)
    while True:  # the end record whose comment length reaches exactly the end of the file
        at = data.rfind(b"PK\x05\x06", tail_start, at)
        if at < 0:
            return  # zipfile will say what is wrong
        if len(data) - at < 22:
            continue
        fields = struct.unpack("<4s4H2LH", data[at : at + 22])
        if at + 22 + fields[7] == len(data):
            break
    entries, cd_size = fields[4], fields[5]
    locator = at - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (record,) = struct.unpack("<Q", data[locator + 8 : locator + 16])
        if record + 56 <= len(data) and data[record : record + 4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack("<QQ", data[record + 32 : record + 48])
    if entries > limits.max_members:
        raise ArchiveError(f"archive has more than {limits.max_members} members")
    if cd_size > limits.max_members * _ZIP_ENTRY_BYTES + _CHUNK:
        raise ArchiveError("zip directory is implausibly large")


# ---------------------------------------------------------------------------
# tar


def _tar_members(data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes | str]]:
    """Decompress the stream with a cap, list every header, check, then read."""
    limits = budget.limits
    spool = _decompress_capped(data, budget)
    try:
        tar = tarfile.open(fileobj=spool, mode="r:")  # noqa: SIM115 - closed by _tar_read
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        spool.close()
        raise DamagedArchive("not a valid tar archive") from exc
    members: list[tarfile.TarInfo] = []
    try:
        while True:
            if len(members) >= limits.max_members:
                if tar.next() is not None:
                    raise ArchiveError(f"archive has more than {limits.max_members} members")
                break
            info = tar.next()
            if info is None:
                break
            members.append(info)
    except ArchiveError:
        tar.close()
        spool.close()
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        tar.close()
        spool.close()
        raise DamagedArchive("tar archive is damaged (truncated?)") from exc
    try:
        budget.claim_members(len(members))
        budget.check_declared(sum(m.size for m in members if m.isreg() and not m.sparse))
    except ArchiveError:
        tar.close()
        spool.close()
        raise
    return _tar_read(tar, spool, members, budget)


def _tar_read(
    tar: tarfile.TarFile, spool: IO[bytes], members: list[tarfile.TarInfo], budget: _Budget
) -> Iterator[tuple[str, bytes | str]]:
    try:
        for info in members:
            if info.isdir():
                continue
            path = safe_member_path(info.name)
            if path is None:
                yield info.name, ESCAPES
                continue
            if info.issym():
                yield path, "symbolic link"
                continue
            if info.islnk():
                yield path, "hard link"
                continue
            if not info.isreg():
                yield path, "not a regular file"
                continue
            if info.sparse:
                yield path, "sparse file"
                continue
            try:
                fh = tar.extractfile(info)
                if fh is None:
                    yield path, "not a regular file"
                    continue
                content = _read_capped(fh, info.size, budget)
            except ArchiveError:
                raise
            except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
                yield path, f"damaged ({_short(str(exc), 60)})"
                continue
            yield path, content
    finally:
        tar.close()
        spool.close()


def _decompress_capped(data: bytes, budget: _Budget) -> IO[bytes]:
    """The tar stream, gz/bz2/xz undone by magic bytes, stopped at the size and ratio caps.

    tarfile on a compressed stream would inflate all of it just to list the
    headers; doing it here first means a bomb stops after max_total bytes, or
    as soon as the ratio is exceeded, and listing the tar is then only seeks.
    Concatenated streams (pigz, pbzip2) are followed to the end.
    """
    limits = budget.limits
    if _new_decompressor(data) is None:
        return io.BytesIO(data)  # members are counted against the budget as they are read
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
    ratio_cap = max(limits.max_ratio * len(data), limits.ratio_min_size)
    produced = 0
    try:
        for chunk in _inflate(data):
            produced += len(chunk)
            if produced > ratio_cap:
                raise ArchiveError(
                    f"archive compresses more than {limits.max_ratio:.0f}:1 (compression bomb?)"
                )
            if produced > budget.bytes_left:
                raise ArchiveError(
                    f"archive expands to more than {_mb(limits.max_total)} (compression bomb?)"
                )
            spool.write(chunk)
    except ArchiveError:
        spool.close()
        raise
    except (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError) as exc:
        spool.close()
        raise DamagedArchive("compressed archive is damaged (truncated?)") from exc
    spool.seek(0)
    return spool  # type: ignore[return-value]


class _Inflater(Protocol):
    eof: bool
    unused_data: bytes

    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


def _new_decompressor(data: bytes) -> tuple[_Inflater, bool] | None:
    """A decompressor for the stream's magic bytes, and whether it is zlib-style."""
    if data.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(wbits=31), True  # type: ignore[return-value]
    if data.startswith(b"BZh"):
        return bz2.BZ2Decompressor(), False  # type: ignore[return-value]
    if data.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMADecompressor(), False  # type: ignore[return-value]
    return None


def _inflate(data: bytes) -> Iterator[bytes]:
    """Decompressed chunks of at most _CHUNK bytes; raises EOFError if the stream is cut."""
    pending = data
    while pending:
        made = _new_decompressor(pending)
        if made is None:
            if pending.strip(b"\x00"):
                raise EOFError("trailing garbage after the compressed stream")
            return  # zero padding after the last stream, as tape blocking leaves
        decompressor, zlib_style = made
        while not decompressor.eof:
            if zlib_style:
                chunk = decompressor.decompress(pending, _CHUNK)
                pending = decompressor.unconsumed_tail  # type: ignore[attr-defined]
            else:
                chunk = decompressor.decompress(pending, _CHUNK)
                pending = b""
            if chunk:
                yield chunk
            elif not decompressor.eof and not pending and _starved(decompressor, zlib_style):
                raise EOFError("compressed stream ends early")
        pending = decompressor.unused_data


def _starved(decompressor: _Inflater, zlib_style: bool) -> bool:
    """No output, no input left and not at the end: the stream was cut short."""
    if zlib_style:
        return True
    return bool(getattr(decompressor, "needs_input", True))


# ---------------------------------------------------------------------------
# helpers


def _read_capped(fh: IO[bytes], declared: int, budget: _Budget) -> bytes:
    """Read a member, refusing to produce more than declared or than the budget allows."""
    chunks: list[bytes] = []
    got = 0
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        got += len(chunk)
        if got > declared:
            raise ArchiveError("archive member is larger than it declares (corrupt or hostile)")
        budget.take(len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


def _mb(n: int | float) -> str:
    return f"{n / 1_000_000:,.0f} MB" if n >= 1_000_000 else f"{n:,.0f} bytes"


def _short(text: str, width: int = 80) -> str:
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
