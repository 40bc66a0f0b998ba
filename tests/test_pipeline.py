"""The import end to end on small files: offsets, idempotence, replacement, failures."""

from pathlib import Path

import pytest

from casework.db import queries
from casework.db.connection import open_case
from casework.importers.pipeline import import_paths

DOC_A = """Spy trial verdict

PARIS — Two retired officers of the Directorate-General for External Security (DGSE), Henri M. and \
Pierre-Marie H., were convicted. The DGSE's former station chief said Fiona McCallum was absent.

McCallum declined to comment. Henri M. was paid €120,000 after 22 December 2017.
"""

DOC_B = """Wire copy

Pierre-Mar H, who worked in Beijing, met Henri M in Brazzaville in December 2017.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(DOC_A, encoding="utf-8")
    (d / "b.md").write_text(DOC_B, encoding="utf-8")
    (d / ".hidden.txt").write_text("Henri M. secret", encoding="utf-8")
    return d


def counts(conn) -> tuple[int, ...]:
    s = queries.stats(conn)
    return (s.sources, s.failed, s.passages, s.entities, s.mentions, s.links)


def test_every_mention_offset_points_at_its_text(folder, case_path, spy_extractor) -> None:
    conn = open_case(case_path, create=True)
    summary = import_paths(conn, [folder], extractor=spy_extractor)
    assert summary.count("imported") == 2
    sources = queries.list_sources(conn)
    assert len(sources) == 2  # the hidden file is skipped
    n = 0
    for src in sources:
        text = queries.source_text(conn, src.id)
        original = (folder / Path(src.path).name).read_text(encoding="utf-8")
        assert text == original
        for mention in queries.iter_mentions(conn, source_id=src.id):
            assert text[mention.start : mention.end] == mention.text
            n += 1
    assert n == summary.to_json()["mentions"] > 10


def test_spelling_variants_merge_across_documents(folder, case_path, spy_extractor) -> None:
    conn = open_case(case_path, create=True)
    import_paths(conn, [folder], extractor=spy_extractor)
    people = {e.name: e for e in queries.list_entities(conn, kind="person")}
    assert set(people) == {"Henri M.", "Pierre-Marie H.", "Fiona McCallum"}
    assert people["Pierre-Marie H."].sources == 2
    assert "Pierre-Mar H" in people["Pierre-Marie H."].aliases
    assert people["Fiona McCallum"].aliases == ["McCallum"]
    orgs = queries.list_entities(conn, kind="organization")
    assert [(o.name, o.mentions) for o in orgs] == [("DGSE", 3)]
    detail = queries.get_entity(conn, people["Pierre-Marie H."].id)
    rules = {a.alias: a.rule for a in detail.aliases}
    assert rules["Pierre-Mar H"] == "truncation"
    assert {s.title for s in detail.sources} == {"Spy trial verdict", "Wire copy"}


def test_links_carry_their_evidence_passages(folder, case_path, spy_extractor) -> None:
    conn = open_case(case_path, create=True)
    import_paths(conn, [folder], extractor=spy_extractor)
    henri = next(e for e in queries.list_entities(conn, kind="person") if e.name == "Henri M.")
    links = {link.name: link for link in queries.entity_links(conn, henri.id)}
    assert links["Pierre-Marie H."].weight == 2  # one passage in each document
    assert len(links["Pierre-Marie H."].evidence) == 2
    for pid in links["Brazzaville"].evidence:
        passage = queries.get_passage(conn, pid)
        assert "Brazzaville" in passage.passage.text and "Henri M" in passage.passage.text


def test_reimport_of_unchanged_files_changes_nothing(folder, case_path, spy_extractor) -> None:
    conn = open_case(case_path, create=True)
    import_paths(conn, [folder], extractor=spy_extractor)
    before = counts(conn)
    again = import_paths(conn, [folder], extractor=spy_extractor)
    assert again.count("unchanged") == 2 and again.count("imported") == 0
    assert counts(conn) == before
    assert queries.integrity(conn) == (["ok"], [])


def test_changed_file_replaces_its_rows(folder, case_path, spy_extractor) -> None:
    conn = open_case(case_path, create=True)
    import_paths(conn, [folder], extractor=spy_extractor)
    (folder / "b.md").write_text("Wire copy\n\nNothing about anyone here.\n", encoding="utf-8")
    summary = import_paths(conn, [folder], extractor=spy_extractor)
    assert summary.count("imported") == 1 and summary.count("unchanged") == 1
    names = {e.name for e in queries.list_entities(conn)}
    assert "Brazzaville" not in names and "Beijing" not in names  # orphans removed
    pm = next(e for e in queries.list_entities(conn, kind="person") if e.name.startswith("Pierre"))
    assert pm.sources == 1 and "Pierre-Mar H" not in pm.aliases
    assert queries.integrity(conn) == (["ok"], [])
    # And the case is exactly what a fresh import of the new files gives.
    fresh = open_case(case_path.with_name("fresh.db"), create=True)
    import_paths(fresh, [folder], extractor=spy_extractor)
    assert counts(conn)[:5] == counts(fresh)[:5]


def test_a_failing_file_is_recorded_and_the_rest_import(folder, case_path, spy_extractor) -> None:
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00junk" * 100)
    (folder / "image.jpg").write_bytes(b"\xff\xd8\xff")
    conn = open_case(case_path, create=True)
    summary = import_paths(conn, [folder], extractor=spy_extractor)
    assert summary.count("imported") == 2
    assert [(Path(f.path).name, f.reason) for f in summary.failed] == [
        ("bad.txt", "binary data, not text")
    ]
    assert [Path(f.path).name for f in summary.files if f.status == "skipped"] == ["image.jpg"]
    failed = queries.list_sources(conn, failed_only=True)
    assert [(Path(s.path).name, s.status, s.reason) for s in failed] == [
        ("bad.txt", "failed", "binary data, not text")
    ]


def test_an_extractor_crash_rolls_back_only_that_document(folder, case_path, spy_extractor):
    class Flaky:
        name = "flaky"

        def extract(self, text, *, doc_date=None):
            if "Wire copy" in text:
                raise ValueError("bug with secret text: Pierre-Mar H")
            return spy_extractor.extract(text)

    conn = open_case(case_path, create=True)
    summary = import_paths(conn, [folder], extractor=Flaky())
    assert summary.count("imported") == 1
    assert summary.failed[0].reason == "internal error (ValueError)"  # no document text
    assert queries.stats(conn).passages == 3
    assert queries.integrity(conn) == (["ok"], [])


def test_latin1_and_utf16_text_decode(tmp_path, case_path, spy_extractor) -> None:
    (tmp_path / "l1.txt").write_bytes("Hélène met Henri M. in Paris, été 2017.".encode("latin-1"))
    (tmp_path / "u16.txt").write_bytes("Henri M. à Paris.".encode("utf-16"))
    conn = open_case(case_path, create=True)
    summary = import_paths(
        conn, [tmp_path / "l1.txt", tmp_path / "u16.txt"], extractor=spy_extractor
    )
    assert summary.count("imported") == 2
    texts = {Path(s.path).name: queries.source_text(conn, s.id) for s in queries.list_sources(conn)}
    assert texts["l1.txt"].startswith("Hélène")
    assert texts["u16.txt"] == "Henri M. à Paris."


def test_stated_entities_and_relations_are_written_with_evidence(
    tmp_path, case_path, spy_extractor, monkeypatch
):
    from casework.importers import readers
    from casework.importers.readers.base import (
        ReadResult,
        StatedEntity,
        StatedRelation,
        StatedSpan,
    )

    def read_rec(data: bytes, *, name: str) -> ReadResult:
        text = data.decode()
        a, b = text.index("Acme Holdings"), text.index("Henri M.")
        return ReadResult(
            text=text,
            format="records",
            entities=[
                StatedEntity("c1", "organization", "Acme Holdings", ("ACME",)),
                StatedEntity("p1", "person", "Henri M.", ("henri.m@example.org",)),
            ],
            spans=[StatedSpan("c1", a, a + 13), StatedSpan("p1", b, b + 8)],
            relations=[StatedRelation("p1", "c1", "owner", b, b + 8)],
        )

    monkeypatch.setitem(readers.READERS, ".rec", read_rec)
    (tmp_path / "owners.rec").write_text("Company: Acme Holdings\n\nOwner: Henri M. of Paris\n")
    conn = open_case(case_path, create=True)
    summary = import_paths(conn, [tmp_path / "owners.rec"], extractor=spy_extractor)
    assert summary.count("imported") == 1
    orgs = queries.list_entities(conn, kind="organization")
    assert [(o.name, o.aliases) for o in orgs] == [("Acme Holdings", ["ACME"])]
    henri = next(e for e in queries.list_entities(conn, kind="person") if e.name == "Henri M.")
    detail = queries.get_entity(conn, henri.id)
    assert detail.created_by == "import"
    assert {a.alias: a.rule for a in detail.aliases}["henri.m@example.org"] == "import"
    owner = [link for link in detail.links if link.relation == "owner"]
    assert owner and owner[0].name == "Acme Holdings" and owner[0].evidence
    acme = queries.get_entity(conn, orgs[0].id)
    assert "owner (of)" in [link.relation for link in acme.links if link.name == "Henri M."]
    # Stated spans win over the extractor: "Henri M." is one mention, not two.
    assert henri.mentions == 1


def _snapshot_counts(conn):
    return (
        conn.execute("SELECT id, mentions, sources FROM entities ORDER BY id").fetchall(),
        conn.execute("SELECT id, count FROM aliases ORDER BY id").fetchall(),
        conn.execute("SELECT id, weight FROM links ORDER BY id").fetchall(),
        conn.execute("SELECT a, b, weight FROM co_mentions ORDER BY a, b").fetchall(),
    )


def test_incremental_counts_equal_a_full_recount(folder, case_path, spy_extractor) -> None:
    from casework.db.writer import CaseWriter

    conn = open_case(case_path, create=True)
    import_paths(conn, [folder], extractor=spy_extractor)
    (folder / "b.md").write_text("Wire\n\nHenri M met Henri M. and Fiona McCallum in Paris.\n")
    (folder / "c.txt").write_text(DOC_B)
    import_paths(conn, [folder], extractor=spy_extractor)
    incremental = _snapshot_counts(conn)
    assert incremental[0] and all(m > 0 for _, m, _ in incremental[0])
    CaseWriter(conn).recount()
    assert _snapshot_counts(conn) == incremental


def test_parallel_import_gives_the_same_case_as_serial(folder, tmp_path, spy_extractor) -> None:
    for i in range(12):
        (folder / f"extra{i:02}.txt").write_text(
            f"Note {i}\n\nHenri M. met Wang Lei in Paris.\n\nPierre-Mar H paid €120,000.\n"
        )
    serial = open_case(tmp_path / "serial.db", create=True)
    parallel = open_case(tmp_path / "parallel.db", create=True)
    s1 = import_paths(serial, [folder], extractor=spy_extractor, jobs=1)
    s2 = import_paths(parallel, [folder], extractor=spy_extractor, jobs=2)
    assert [f.path for f in s1.files] == [f.path for f in s2.files]
    assert counts(serial) == counts(parallel)
    assert [(e.name, e.mentions, e.aliases) for e in queries.list_entities(serial)] == [
        (e.name, e.mentions, e.aliases) for e in queries.list_entities(parallel)
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_duplicate_files_are_stored_once_with_both_paths(folder, case_path, spy_extractor, jobs):
    """With workers too, where the copy is read before its original is written."""
    (folder / "copy-of-a.txt").write_text(DOC_A, encoding="utf-8")
    conn = open_case(case_path, create=True)
    summary = import_paths(conn, [folder], extractor=spy_extractor, jobs=jobs)
    assert summary.count("imported") == 2 and summary.count("duplicate") == 1
    sources = queries.list_sources(conn)
    assert len(sources) == 2
    a = next(s for s in sources if s.path.endswith("/a.txt"))
    assert [Path(p).name for p in a.also_at] == ["copy-of-a.txt"]
    before = counts(conn)
    again = import_paths(conn, [folder], extractor=spy_extractor)
    assert again.count("unchanged") == 3 and counts(conn) == before
    # The copy changes: it becomes a document of its own and stops being a duplicate.
    (folder / "copy-of-a.txt").write_text(DOC_A + "\nPS: Wang Lei in Paris.\n", encoding="utf-8")
    import_paths(conn, [folder], extractor=spy_extractor)
    sources = queries.list_sources(conn)
    assert len(sources) == 3 and all(not s.also_at for s in sources)
