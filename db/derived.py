"""What a case derives from its passages and mentions, brought up to date in batches.

A document's own rows (source, passages, mentions, new entities and aliases,
the relations it states) are written in its one transaction. What is derived
from them and shared by the whole case is not: the passage full-text index,
the counts on entities and aliases, and the co-mention links. Updating those
per document touched the same hub rows and index pages on every commit, and
wrote most of the import's WAL. Here they are applied set-based for every
passage above one watermark, `meta.fts_upto`, every few seconds of an import
and at its end; a killed import leaves a backlog that the next one applies.

Co-mention links live in `co_mentions` (a < b, weight) and keep no evidence
rows: their evidence is exactly the passages that mention both entities (see
`queries.co_mention_passages`), so a link's weight is that number of passages.
A passage naming more than MAX_PER_PASSAGE distinct entities (a distribution
list, a table) links none of them: a list is not evidence that any two of its
names belong together.
"""

from __future__ import annotations

import sqlite3

MAX_PER_PASSAGE = 20

# Pairs (a < b) of entities sharing a passage in a range of passage ids, and how
# many passages each pair shares. ?1 < passage_id <= ?2.
_PAIRS = f"""
SELECT x.entity_id AS a, y.entity_id AS b, count(DISTINCT x.passage_id) AS n
FROM mentions x
JOIN mentions y ON y.passage_id = x.passage_id AND y.entity_id > x.entity_id
WHERE x.passage_id > ?1 AND x.passage_id <= ?2 AND x.passage_id IN (
    SELECT passage_id FROM mentions WHERE passage_id > ?1 AND passage_id <= ?2
    GROUP BY passage_id HAVING count(DISTINCT entity_id) BETWEEN 2 AND {MAX_PER_PASSAGE}
)
GROUP BY x.entity_id, y.entity_id
"""

# The same pairs for one source's passages (a replaced document), up to ?2.
_SOURCE_PAIRS = f"""
SELECT x.entity_id AS a, y.entity_id AS b, count(DISTINCT x.passage_id) AS n
FROM mentions x
JOIN mentions y ON y.passage_id = x.passage_id AND y.entity_id > x.entity_id
WHERE x.source_id = ?1 AND x.passage_id <= ?2 AND x.passage_id IN (
    SELECT passage_id FROM mentions WHERE source_id = ?1 AND passage_id <= ?2
    GROUP BY passage_id HAVING count(DISTINCT entity_id) BETWEEN 2 AND {MAX_PER_PASSAGE}
)
GROUP BY x.entity_id, y.entity_id
"""


def indexed_upto(conn: sqlite3.Connection) -> int:
    """The last passage id whose derived data is applied."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_upto'").fetchone()
    return int(row[0]) if row else 0


def pending(conn: sqlite3.Connection) -> int:
    """Passages stored whose derived data is not applied yet."""
    upto = indexed_upto(conn)
    return int(conn.execute("SELECT count(*) FROM passages WHERE id > ?", (upto,)).fetchone()[0])


def apply_pending(conn: sqlite3.Connection) -> tuple[int, set[int]]:
    """Apply everything derived from passages above the watermark, in the caller's transaction.

    Returns how many passages that covered and the entities whose counts changed
    (their display names may need choosing again).
    """
    upto = indexed_upto(conn)
    top = conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]
    if top <= upto:
        return 0, set()
    n = conn.execute(
        "INSERT INTO passages_fts(rowid, text) SELECT id, text FROM passages "
        "WHERE id > ? AND id <= ? ORDER BY id",
        (upto, top),
    ).rowcount
    per_entity = conn.execute(
        "SELECT entity_id, count(*), count(DISTINCT source_id) FROM mentions"
        " WHERE passage_id > ? AND passage_id <= ? GROUP BY entity_id",
        (upto, top),
    ).fetchall()
    conn.executemany(
        "UPDATE entities SET mentions = mentions + ?, sources = sources + ? WHERE id = ?",
        [(m, s, eid) for eid, m, s in per_entity],
    )
    conn.execute(
        "UPDATE aliases SET count = count + d.n FROM (SELECT entity_id, text, count(*) AS n"
        " FROM mentions WHERE passage_id > ? AND passage_id <= ? GROUP BY entity_id, text) d"
        " WHERE aliases.entity_id = d.entity_id AND aliases.alias = d.text",
        (upto, top),
    )
    conn.execute(
        f"INSERT INTO co_mentions(a, b, weight) SELECT a, b, n FROM ({_PAIRS}) WHERE true"
        " ORDER BY a, b ON CONFLICT(a, b) DO UPDATE SET weight = weight + excluded.weight",
        (upto, top),
    )
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('fts_upto', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (str(top),),
    )
    return n, {eid for eid, _, _ in per_entity}


def withdraw_source(conn: sqlite3.Connection, source_id: int) -> set[int]:
    """Take a source's applied counts and co-mentions back out, before its rows go.

    Call after `apply_pending` in the same transaction, so every one of its
    passages is at or below the watermark. Returns the entities it touched.
    """
    upto = indexed_upto(conn)
    per_entity = conn.execute(
        "SELECT entity_id, count(*) FROM mentions WHERE source_id = ? AND passage_id <= ?"
        " GROUP BY entity_id",
        (source_id, upto),
    ).fetchall()
    conn.executemany(
        "UPDATE entities SET mentions = mentions - ?, sources = sources - 1 WHERE id = ?",
        [(n, eid) for eid, n in per_entity],
    )
    conn.execute(
        "UPDATE aliases SET count = count - d.n FROM (SELECT entity_id, text, count(*) AS n"
        " FROM mentions WHERE source_id = ? AND passage_id <= ? GROUP BY entity_id, text) d"
        " WHERE aliases.entity_id = d.entity_id AND aliases.alias = d.text",
        (source_id, upto),
    )
    conn.execute(
        f"UPDATE co_mentions SET weight = weight - d.n FROM ({_SOURCE_PAIRS}) d"
        " WHERE co_mentions.a = d.a AND co_mentions.b = d.b",
        (source_id, upto),
    )
    conn.execute("DELETE FROM co_mentions WHERE weight <= 0")
    # Stated (typed) links count their evidence rows.
    conn.execute(
        "UPDATE links SET weight = weight - (SELECT count(*) FROM link_evidence le "
        "JOIN passages p ON p.id = le.passage_id WHERE le.link_id = links.id "
        "AND p.source_id = ?1) WHERE id IN (SELECT le.link_id FROM link_evidence le "
        "JOIN passages p ON p.id = le.passage_id WHERE p.source_id = ?1)",
        (source_id,),
    )
    conn.execute("DELETE FROM links WHERE weight <= 0")
    return {eid for eid, _ in per_entity}


def recount(conn: sqlite3.Connection) -> None:
    """Recompute every count and co-mention link from the rows (a repair, not the import path).

    Applies the backlog first, so afterwards nothing is pending.
    """
    apply_pending(conn)
    upto = indexed_upto(conn)
    conn.execute(
        "UPDATE entities SET mentions = (SELECT count(*) FROM mentions m WHERE m.entity_id"
        " = entities.id), sources = (SELECT count(DISTINCT source_id) FROM mentions m"
        " WHERE m.entity_id = entities.id)"
    )
    conn.execute(
        "UPDATE aliases SET count = (SELECT count(*) FROM mentions m WHERE m.entity_id ="
        " aliases.entity_id AND m.text = aliases.alias)"
    )
    conn.execute(
        "UPDATE links SET weight = (SELECT count(*) FROM link_evidence le"
        " WHERE le.link_id = links.id)"
    )
    rebuild_co_mentions(conn, upto)


def rebuild_co_mentions(conn: sqlite3.Connection, upto: int) -> None:
    """Every co-mention weight again from the mentions of passages up to `upto`."""
    conn.execute("DELETE FROM co_mentions")
    conn.execute(
        f"INSERT INTO co_mentions(a, b, weight) SELECT a, b, n FROM ({_PAIRS}) WHERE true"
        " ORDER BY a, b",
        (0, upto),
    )
