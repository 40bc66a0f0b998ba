"""Opening a case file: created private (0600), WAL, foreign keys, busy timeout.

Every connection Casework makes goes through `open_case`, so the settings the
guarantees rest on (WAL readers never blocked, one writer at a time, mode=ro
for read-only) are set in one place.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
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


def open_case(
    path: str | os.PathLike[str], *, create: bool = False, readonly: bool = False
) -> sqlite3.Connection:
    """Open (or with `create`, make) a case file and bring its schema up to date.

    Read-only connections use `mode=ro`, so nothing about the file changes.
    """
    p = Path(path)
    if not p.exists():
        if not create or readonly:
            raise CaseError(f"{p}: no such case file (create one with `casework import`)")
        _create_private(p)
    elif p.is_dir():
        raise CaseError(f"{p}: is a directory, not a case file")
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
    # Touch the file so a non-SQLite file fails here, with a clear message.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def import_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the case's import lock: a second importer is refused, not interleaved.

    Readers (the TUI, queries) never take it; WAL keeps them unblocked.
    """
    lock_path = Path(str(path) + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CaseError(f"{path}: another import is running on this case") from None
        yield
    finally:
        os.close(fd)


def check_health(conn: sqlite3.Connection, path: str | os.PathLike[str]) -> None:
    """Refuse to write into a damaged file: quick_check must say ok."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise CaseError(f"{path}: the case file is damaged ({exc}); nothing was written") from None
    if rows != ["ok"]:
        raise CaseError(f"{path}: the case file is damaged ({rows[0]}); nothing was written")
