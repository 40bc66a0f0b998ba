"""Schema of a case file and the migrations that bring older files up to date.

A case is one SQLite file readable by any SQLite tool. Source text is not
stored twice: passages tile their document (`lead` holds the whitespace before
each passage, `sources.tail` what follows the last one), so the full text is
their concatenation and mention offsets point into it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 5

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    title       TEXT,
    format      TEXT,
    sha256      TEXT,
    bytes       INTEGER,
    encoding    TEXT,
    published   TEXT,
    metadata    TEXT NOT NULL DEFAULT '{}',
    chars       INTEGER NOT NULL DEFAULT 0,
    tail        TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    reason      TEXT
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE passages (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    location  TEXT NOT NULL,
    lead      TEXT NOT NULL DEFAULT '',
    text      TEXT NOT NULL,
    UNIQUE (source_id, seq)
);

CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    norm       TEXT NOT NULL,
    value      TEXT,
    created_by TEXT NOT NULL DEFAULT 'extractor'
               CHECK (created_by IN ('extractor', 'import', 'analyst')),
    notes      TEXT NOT NULL DEFAULT '',
    mentions   INTEGER NOT NULL DEFAULT 0,
    sources    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entities_kind ON entities(kind, mentions DESC);
CREATE INDEX entities_value ON entities(kind, value) WHERE value IS NOT NULL;

CREATE TABLE aliases (
    id        INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    norm      TEXT NOT NULL,
    last      TEXT NOT NULL,
    rule      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (entity_id, alias)
);
CREATE INDEX aliases_norm ON aliases(norm);
CREATE INDEX aliases_last ON aliases(last);

CREATE TABLE mentions (
    id         INTEGER PRIMARY KEY,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL,
    extractor  TEXT NOT NULL,
    score      REAL NOT NULL DEFAULT 1.0
);
CREATE INDEX mentions_entity ON mentions(entity_id, passage_id);
CREATE INDEX mentions_passage ON mentions(passage_id);
CREATE INDEX mentions_source ON mentions(source_id, start);

CREATE TABLE links (
    id       INTEGER PRIMARY KEY,
    a        INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    b        INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    relation TEXT NOT NULL DEFAULT 'co-mentioned',
    weight   INTEGER NOT NULL DEFAULT 0,
    -- co-mentions are unordered (a < b); a typed relation reads "a relation b".
    CHECK (a < b OR relation != 'co-mentioned'),
    UNIQUE (a, b, relation)
);
CREATE INDEX links_b ON links(b);

CREATE TABLE link_evidence (
    link_id    INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    PRIMARY KEY (link_id, passage_id)
) WITHOUT ROWID;
CREATE INDEX link_evidence_passage ON link_evidence(passage_id);
"""

# Version 2: the same bytes under another path are stored once, with every path;
# and the most-mentioned listing (the explorer's first screen) gets its index.
_V2 = """
CREATE TABLE source_paths (
    path      TEXT PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    added_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX source_paths_source ON source_paths(source_id);
CREATE INDEX entities_mentions ON entities(mentions DESC);
"""

# Version 3: passages join the full-text index in batches (db/fts.py), not one
# commit at a time: an FTS5 commit writes a segment, and a segment per document
# was a third of the import's time. `fts_upto` is the last passage id indexed;
# new passage ids are always above it, and only indexed rows are deleted from it.
_V3 = """
DROP TRIGGER passages_ai;
DROP TRIGGER passages_ad;
INSERT INTO meta(key, value) SELECT 'fts_upto', coalesce(max(id), 0) FROM passages;
CREATE TRIGGER passages_ad AFTER DELETE ON passages
WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto') BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# Version 4: a 3-character prefix index, so a query ending in a common 3-letter prefix
# ("sta*") reads one posting list instead of merging thousands (30 -> 17 ms p95 at
# 1.26M passages, for 7% more file). The index is rebuilt from the passages.
_V4 = """
DROP TRIGGER passages_ad;
DROP TABLE passages_fts;
CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3'
);
INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
UPDATE meta SET value = (SELECT coalesce(max(id), 0) FROM passages) WHERE key = 'fts_upto';
CREATE TRIGGER passages_ad AFTER DELETE ON passages
WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto') BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""

# Version 5: counts, co-mention links and the full-text index are derived in batches
# (db/derived.py) above one watermark, `fts_upto`. Co-mentions move to a compact table
# of their own, (a, b, weight) with a < b and no row id: a third of the size of a
# `links` row with its two indexes, and no evidence rows (their evidence is the
# passages that mention both entities, read through the covering index
# mentions_passage). A passage naming more than 20 entities links none of them.
# Version 4 applied counts and links per document, so its backlog only needs
# indexing; its co-mentions are rebuilt under the new rule. The aliases' norm and
# last-token indexes go: the importer matches names in memory (db/writer.py), and
# no query reads aliases by them.
_V5 = """
INSERT INTO passages_fts(rowid, text) SELECT id, text FROM passages
WHERE id > (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto') ORDER BY id;
UPDATE meta SET value = (SELECT coalesce(max(id), 0) FROM passages) WHERE key = 'fts_upto';
DELETE FROM links WHERE relation = 'co-mentioned';
DROP INDEX mentions_passage;
CREATE INDEX mentions_passage ON mentions(passage_id, entity_id);
CREATE TABLE co_mentions (
    a      INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    b      INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    weight INTEGER NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX co_mentions_b ON co_mentions(b, a);
DROP INDEX aliases_norm;
DROP INDEX aliases_last;
"""


def _v5(conn: sqlite3.Connection) -> None:
    from casework.db import derived

    _run(conn, _V5)
    derived.rebuild_co_mentions(conn, derived.indexed_upto(conn))


def _run(conn: sqlite3.Connection, script: str) -> None:
    for statement in _statements(script):
        conn.execute(statement)


# Each entry upgrades a file from version N-1 to N; index 0 creates version 1.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [_V1, _V2, _V3, _V4, _v5]


class SchemaError(Exception):
    """The file is not a case this version of Casework can use."""


def current_version(conn: sqlite3.Connection) -> int:
    """0 for an empty database, else the version recorded in `meta`."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if not has_meta:
        others = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if others:
            raise SchemaError("not a Casework case file (no meta table)")
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        raise SchemaError("not a Casework case file (no schema version)")
    return int(row[0])


def migrate(conn: sqlite3.Connection, app_version: str) -> int:
    """Bring the schema to SCHEMA_VERSION in one transaction; return the version."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"case file has schema version {version}; this Casework knows up to "
            f"{SCHEMA_VERSION}: upgrade Casework"
        )
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in MIGRATIONS[version:]:
            if callable(step):
                step(conn)
            else:
                _run(conn, step)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('created', datetime('now'))")
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('casework_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (app_version,),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements, keeping trigger bodies whole."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
