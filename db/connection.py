"""Opening a case file: created private (0600), WAL, foreign keys, busy timeout, temp in memory.

Every connection Casework makes goes through `open_case`, so the settings the
guarantees rest on (WAL readers never blocked, one writer at a time, mode=ro
for read-only) are set in one place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casework import __version__
from casework.db.schema import SCHEMA_VERSION, SchemaError, current_version, migrate

BUSY_TIMEOUT_MS = 5000


class CaseError(Exception):
    """A case file cannot be used; the message is one line for the user."""


def default_case_path() -> Path:
    """`$CASEWORK_DB`, else ./case.db."""
    return Path(os.environ.get("CASEWORK_DB") or "case.db")


def is_read_only(path: str | os.PathLike[str]) -> bool:
    """The file may not be written: no permission, or no write bit at all.

    The mode bits count even for root (who may write anyway): an analyst who
    ran `chmod a-w` on evidence meant it, so Casework opens it with mode=ro.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def open_case(
    path: str | os.PathLike[str], *, create: bool = False, readonly: bool = False
) -> sqlite3.Connection:
    """Open (or with `create`, make) a case file and bring its schema up to date.

    Read-only connections use `mode=ro`, so nothing about the file changes. A
    file that is not writable (`is_read_only`) is always opened that way; a
    writer learns it from `check_health`, before it writes anything.
    """
    p = Path(path)
    if not p.exists():
        if not create or readonly:
            raise CaseError(f"{p}: no such case file (create one with `casework import`)")
        _create_private(p)
    elif p.is_dir():
        raise CaseError(f"{p}: is a directory, not a case file")
    else:
        readonly = readonly or is_read_only(p)
    if readonly:
        uri = p.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(p, isolation_level=None, check_same_thread=False)
    try:
        _configure(conn, readonly=readonly)
        if readonly:
            version = current_version(conn)
            if version != SCHEMA_VERSION:
                raise SchemaError(
                    f"case file has schema version {version}, expected {SCHEMA_VERSION}"
                    " (open it once without --read-only to upgrade)"
                )
        else:
            migrate(conn, __version__)
    except SchemaError as exc:
        conn.close()
        raise CaseError(f"{p}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "malformed" in str(exc):
            raise CaseError(f"{p}: the case file is damaged ({exc}); nothing was written") from None
        raise CaseError(f"{p}: not a Casework case file ({exc})") from None
    return conn


def _create_private(p: Path) -> None:
    """Create the file 0600 before SQLite does, so -wal and -shm inherit it."""
    if p.parent and not p.parent.exists():
        raise CaseError(f"{p.parent}: no such directory")
    fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _configure(conn: sqlite3.Connection, *, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    # SQLite's own temporary files (big sorts, temp b-trees, statement journals)
    # would go to /var/tmp or $TMPDIR, outside the case's private folder:
    # unlinked at once, but case text on a shared disk all the same. In memory
    # instead. Measured: an import's 2 s batches are unchanged (150 MB writer
    # RSS on 5,000 FOIA files either way); the worst batch, a killed import's
    # backlog of 400k passages and 1.45M mentions, peaks at 172 MB instead of
    # 34 MB and takes 32 s instead of 26 s (SQLite's in-memory sorter allocates
    # per row and never merges runs), a price worth not spilling case text.
    conn.execute("PRAGMA temp_store=MEMORY")
    # Touch the file so a non-SQLite file fails here, with a clear message.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")


def private_tmp_dir(path: str | os.PathLike[str]) -> Path:
    """Where an import spools temporary data: `<case>-tmp`, next to the case, mode 0700."""
    return Path(str(path) + "-tmp")


@contextmanager
def import_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the case's import lock: a second importer is refused, not interleaved.

    Readers (the TUI, queries) never take it; WAL keeps them unblocked. While
    it is held, Python's temporary files go to `private_tmp_dir` (0700, on the
    case's own disk, not a shared /tmp); one a killed import left behind is
    removed here, on the next start, which is safe because we hold the lock.
    """
    lock_path = Path(str(path) + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CaseError(f"{path}: another import is running on this case") from None
        with _private_tmp(private_tmp_dir(path)):
            yield
    finally:
        os.close(fd)


@contextmanager
def _private_tmp(folder: Path) -> Iterator[None]:
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)  # whatever the umask
    except OSError:
        yield  # e.g. a read-only directory: the default temporary directory is used
        return
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)


def check_health(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> None:
    """Refuse to write into a damaged or read-only file, before anything is written.

    quick_check must say ok; then a write that is rolled back at once proves the
    connection may write (a `mode=ro` connection still accepts BEGIN IMMEDIATE).
    """
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise CaseError(f"{path}: the case file is damaged ({exc}); nothing was written") from None
    if rows != ["ok"]:
        raise CaseError(
            f"{path}: the case file is damaged ({_first_problem(rows)}); nothing was written"
        )
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise CaseError(
                f"{path}: the case file is read-only; nothing was written"
                " (import into a writable copy)"
            ) from None
        raise CaseError(f"{path}: cannot write to the case file ({exc})") from None


def _first_problem(rows: list[str]) -> str:
    """quick_check's first finding as one short line: one of its rows can hold hundreds,
    joined by newlines, under a `*** in database main ***` heading."""
    for row in rows:
        for line in str(row).splitlines():
            if line.strip() and not line.startswith("***"):
                return line.strip()[:120]
    return str(rows[0]).strip()[:120] if rows else "quick_check failed"


def checkpoint(conn: sqlite3.Connection) -> None:
    """Fold the WAL into the main file, so its size on disk is the case's size."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
