"""The passage full-text index's own integrity check.

Passages join the index in batches with the rest of what is derived from
them (db/derived.py).
"""

from __future__ import annotations

import sqlite3


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
