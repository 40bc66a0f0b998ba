"""The passage full-text index, kept up to date in batches.

Documents are written one transaction each; indexing each one on its own
commit made FTS5 write and merge a segment per document. Instead the import
indexes what is pending every few hundred documents and at the end, and any
later import catches up after a crash. Until then a new passage is stored but
not yet found by passage search.
"""

from __future__ import annotations

import sqlite3


def indexed_upto(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_upto'").fetchone()
    return int(row[0]) if row else 0


def pending(conn: sqlite3.Connection) -> int:
    """Passages stored but not yet in the full-text index."""
    upto = indexed_upto(conn)
    return int(conn.execute("SELECT count(*) FROM passages WHERE id > ?", (upto,)).fetchone()[0])


def index_pending(conn: sqlite3.Connection) -> int:
    """Index every passage above `fts_upto` in one transaction; returns how many."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        upto = indexed_upto(conn)
        top = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
        n = 0
        if top > upto:
            n = conn.execute(
                "INSERT INTO passages_fts(rowid, text) SELECT id, text FROM passages "
                "WHERE id > ? ORDER BY id",
                (upto,),
            ).rowcount
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('fts_upto', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(top),),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return n


def check(conn: sqlite3.Connection) -> list[str]:
    """FTS5's own integrity check against the passages it indexes; [] when sound."""
    try:
        conn.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 0)")
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc):
            return []  # a read-only connection cannot run it; PRAGMA integrity_check still did
        return [f"full-text index: {exc}"]
    except sqlite3.DatabaseError as exc:
        return [f"full-text index: {exc}"]
    return []
