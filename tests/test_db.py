"""The case file itself: private, WAL, versioned, and refused when it is not a case."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from casework.db import derived, fts, queries
from casework.db.connection import CaseError, open_case
from casework.db.schema import SCHEMA_VERSION


def test_new_case_is_private_wal_and_versioned(case_path: Path) -> None:
    old = os.umask(0o022)
    try:
        conn = open_case(case_path, create=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(case_path.stat().st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION
    conn.execute("CREATE TABLE scratch(x)")  # forces the -wal file into existence
    for side in ("-wal", "-shm"):
        p = Path(str(case_path) + side)
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_opening_twice_does_not_migrate_again(case_path: Path) -> None:
    open_case(case_path, create=True).close()
    conn = open_case(case_path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "sources",
        "passages",
        "entities",
        "aliases",
        "mentions",
        "links",
        "link_evidence",
        "co_mentions",
        "passages_fts",
        "meta",
    } <= tables


def test_missing_file_is_an_error_unless_creating(case_path: Path) -> None:
    with pytest.raises(CaseError, match="no such case file"):
        open_case(case_path)
    assert not case_path.exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "notes.db"
    p.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(CaseError, match="not a Casework case file"):
        open_case(p)
    assert p.read_text().startswith("these are my notes")


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    with pytest.raises(CaseError, match="no meta table"):
        open_case(p)


def test_a_newer_schema_is_refused(case_path: Path) -> None:
    conn = open_case(case_path, create=True)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(CaseError, match="upgrade Casework"):
        open_case(case_path)


def test_read_only_connection_cannot_write(case_path: Path) -> None:
    open_case(case_path, create=True).close()
    conn = open_case(case_path, readonly=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")


def test_a_version_1_case_is_migrated_in_place(case_path: Path) -> None:
    from casework.db.schema import MIGRATIONS, _statements

    conn = sqlite3.connect(case_path)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO sources(path, imported_at, status) VALUES ('a.txt', 'x', 'ok')")
    conn.execute(
        'INSERT INTO passages(id, source_id, seq, start, "end", location, text) '
        "VALUES (1, 1, 0, 0, 22, '¶1', 'Henri Martel in Paris.')"
    )
    conn.commit()
    conn.close()
    upgraded = open_case(case_path)
    version = upgraded.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION == 5
    assert upgraded.execute("SELECT path FROM sources").fetchall() == [("a.txt",)]
    assert upgraded.execute("SELECT count(*) FROM source_paths").fetchone() == (0,)
    # v3: the passage indexed by the v1 trigger stays found, and deletable from the index.
    assert [h.id for h in queries.search(upgraded, "martel", kind="passage")] == [1]
    assert derived.indexed_upto(upgraded) == 1 and derived.pending(upgraded) == 0
    upgraded.execute("DELETE FROM sources")
    upgraded.commit()
    assert queries.search(upgraded, "martel", kind="passage") == []
    assert fts.check(upgraded) == []


def test_passages_join_the_full_text_index_in_batches(case_path: Path) -> None:
    """Stored at once, searchable after index_pending; ids never reuse an indexed one."""
    from casework.db.writer import CaseWriter, PassageRecord, SourceRecord

    conn = open_case(case_path, create=True)
    writer = CaseWriter(conn)

    def add(path: str, text: str) -> int:
        with writer.document():
            sid = writer.add_source(SourceRecord(path, None, "text", path, 1, None, None, {}))
            writer.add_passages(sid, [PassageRecord(0, 0, len(text), "¶1", "", text)])
        return sid

    first = add("a", "Claire Vasseur in Lyon.")
    assert queries.search(conn, "vasseur", kind="passage") == []
    assert derived.pending(conn) == 1
    assert writer.index_pending() == 1
    assert len(queries.search(conn, "vasseur", kind="passage")) == 1
    with writer.document():
        writer.remove_source(first)
    add("b", "Tom Hartigan in London.")  # must not reuse the indexed id 1
    writer.index_pending()
    assert [h.id for h in queries.search(conn, "hartigan", kind="passage")] == [2]
    assert queries.search(conn, "vasseur", kind="passage") == []
    assert fts.check(conn) == []


def test_a_version_4_case_keeps_its_counts_and_rebuilds_co_mentions(case_path: Path) -> None:
    """v4 counted and linked per document; v5 derives both in batches above `fts_upto`."""
    from casework.db.schema import MIGRATIONS, _statements

    conn = sqlite3.connect(case_path)
    for step in MIGRATIONS[:4]:
        for statement in _statements(step):
            conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    conn.execute("INSERT INTO sources(path, imported_at, status) VALUES ('a.txt', 'x', 'ok')")
    texts = ["Henri Martel met Claire Vasseur.", "Claire Vasseur and Henri Martel again."]
    for i, text in enumerate(texts, 1):
        conn.execute(
            'INSERT INTO passages(id, source_id, seq, start, "end", location, text) '
            "VALUES (?, 1, ?, 0, 1, '¶1', ?)",
            (i, i, text),
        )
    conn.execute(
        "INSERT INTO entities(id, kind, name, norm, mentions, sources) VALUES "
        "(1, 'person', 'Henri Martel', 'henri martel', 2, 1), "
        "(2, 'person', 'Claire Vasseur', 'claire vasseur', 2, 1)"
    )
    for eid, pid in [(1, 1), (2, 1), (1, 2), (2, 2)]:
        conn.execute(
            'INSERT INTO mentions(entity_id, passage_id, source_id, start, "end", text, extractor)'
            " VALUES (?, ?, 1, 0, 1, 'x', 'rules')",
            (eid, pid),
        )
    # v4 stored co-mention evidence, here with a wrong weight; its index saw only passage 1.
    conn.execute(
        "INSERT INTO links(id, a, b, relation, weight) VALUES (7, 1, 2, 'co-mentioned', 5)"
    )
    conn.execute("INSERT INTO link_evidence VALUES (7, 1), (7, 2)")
    conn.execute("INSERT INTO passages_fts(rowid, text) VALUES (1, ?)", (texts[0],))
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'fts_upto'")
    conn.commit()
    conn.close()
    upgraded = open_case(case_path)
    assert derived.pending(upgraded) == 0
    assert {h.id for h in queries.search(upgraded, "again", kind="passage")} == {2}
    assert upgraded.execute("SELECT count(*) FROM link_evidence").fetchone() == (0,)
    assert upgraded.execute("SELECT count(*) FROM links").fetchone() == (0,)
    assert upgraded.execute("SELECT a, b, weight FROM co_mentions").fetchall() == [(1, 2, 2)]
    assert [(e.name, e.mentions) for e in queries.list_entities(upgraded)] == [
        ("Claire Vasseur", 2),
        ("Henri Martel", 2),
    ]
    link = queries.entity_links(upgraded, 1)[0]
    assert (link.name, link.weight, link.evidence) == ("Claire Vasseur", 2, [1, 2])
    assert queries.integrity(upgraded) == (["ok"], [])
