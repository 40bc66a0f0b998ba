"""FollowTheMoney in and out: the reader, `casework export --format ftm`, and the round trip.

The export is checked with the `followthemoney` package itself (the `test` extra):
every line must survive the library's own parsing unchanged, validate against its
schema, carry its required properties and point only at entities of the right schema.
"""

from __future__ import annotations

import json
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import SPY_PATTERNS, SPY_VALUES, PatternExtractor

from casework.db import queries
from casework.db.connection import open_case
from casework.db.models import Alias
from casework.importers.ftm_export import EDGES, UNKNOWN, edge_for, entity_dict, iter_ftm
from casework.importers.pipeline import import_paths
from casework.importers.readers import ReadError, reader_for
from casework.importers.readers.base import ReadResult
from casework.importers.readers.ftm import RELATIONSHIPS, read_ftm
from casework.tui.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "ftm"


def ftm_line(ident: str, schema: str, caption: str | None = None, **props: Any) -> str:
    data: dict[str, Any] = {"id": ident, "schema": schema, "properties": props}
    if caption:
        data["caption"] = caption
    return json.dumps(data, ensure_ascii=False)


RECORDS = [
    ftm_line(
        "p-henri",
        "Person",
        "Henri Martin",
        name=["Henri MARTIN", "Henri Martin"],
        alias=["H. Martin"],
        weakAlias=["Riri"],
        firstName=["Henri"],
        birthDate=["1961-04-02"],
        nationality=["fr"],
    ),
    ftm_line("p-jane", "Person", name=["Jane Doe"], previousName=["Jane Smith"]),
    ftm_line("p-marc", "Person", name=["Marc Durand"]),
    ftm_line("o-dgse", "Organization", name=["DGSE"], alias=["Direction générale"]),
    ftm_line("c-acme", "Company", name=["Acme Holdings"], registrationNumber=["HRB 1234"]),
    ftm_line("c-shell", "Company", name=["Shell Two Ltd"]),
    ftm_line("a-paris", "Address", full=["1 Rue de Rivoli, Paris"], city=["Paris"]),
    ftm_line("own-1", "Ownership", owner=["p-henri"], asset=["c-acme"], percentage=["51"]),
    # Two owners of one asset: two owner links from one record.
    ftm_line("own-2", "Ownership", owner=["p-jane", "p-marc"], asset=["c-shell"]),
    ftm_line("dir-1", "Directorship", director=["p-marc"], organization=["c-acme"]),
    ftm_line("fam-1", "Family", person=["p-jane"], relative=["p-henri"], relationship=["wife"]),
    ftm_line("mem-1", "Membership", member=["p-jane"], organization=["o-dgse"]),
    ftm_line("emp-1", "Employment", employee=["p-henri"], employer=["o-dgse"], role=["officer"]),
    ftm_line("ul-1", "UnknownLink", subject=["c-acme"], object=["a-paris"], role=["registered at"]),
    ftm_line("ul-2", "UnknownLink", subject=["p-marc"], object=["p-henri"], role=["co-mentioned"]),
    ftm_line("dangling", "Ownership", owner=["p-nobody"], asset=["c-acme"]),
    ftm_line("s-1", "Sanction", entity=["p-henri"], program=["EU 2024/1"]),
    # A second fragment of p-jane: merged, not a second entity.
    ftm_line("p-jane", "Person", alias=["J. Doe"], country="gb"),
]
FTM_TEXT = "\n".join(RECORDS) + "\n"


def stated(result: ReadResult) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """FtM id -> (kind, name, aliases)."""
    return {e.key: (e.kind, e.name, e.aliases) for e in result.entities}


def relations(result: ReadResult) -> set[tuple[str, str, str]]:
    return {(r.a, r.relation, r.b) for r in result.relations}


# -- the reader ------------------------------------------------------------------------------


def test_things_become_stated_entities_with_their_names() -> None:
    result = read_ftm(FTM_TEXT.encode(), name="case.ftm.json")
    got = stated(result)
    assert got["p-henri"] == ("person", "Henri Martin", ("Henri MARTIN", "H. Martin", "Riri"))
    assert got["p-jane"] == ("person", "Jane Doe", ("J. Doe", "Jane Smith"))  # fragments merged
    assert got["o-dgse"] == ("organization", "DGSE", ("Direction générale",))
    assert got["c-acme"][:2] == ("organization", "Acme Holdings")
    assert got["a-paris"][:2] == ("place", "1 Rue de Rivoli, Paris")
    assert "s-1" not in got and "own-1" not in got  # a sanction is a note, an ownership a link
    assert result.metadata["records"] == 18 and result.metadata["entities"] == 17
    # Property values are lists, rendered as text the analyst can read and search.
    assert "Born: 1961-04-02" in result.text
    assert "Registration number: HRB 1234" in result.text
    assert "Program: EU 2024/1" in result.text
    assert "First name" not in result.text  # name parts restate the name
    assert "FtM" not in result.text  # "(FtM id ...)" made an organisation "FtM" everywhere
    for span in result.spans:
        assert result.text[span.start : span.end] == got[span.key][1]


def test_relationship_entities_become_typed_links_between_the_right_entities() -> None:
    result = read_ftm(FTM_TEXT.encode(), name="case.ftm.json")
    assert relations(result) == {
        ("p-henri", "owner", "c-acme"),
        ("p-jane", "owner", "c-shell"),
        ("p-marc", "owner", "c-shell"),
        ("p-marc", "director", "c-acme"),
        ("p-jane", "family", "p-henri"),
        ("p-jane", "member", "o-dgse"),
        ("p-henri", "employee", "o-dgse"),
        ("c-acme", "registered at", "a-paris"),
    }  # a co-mention is not stated (the paragraph makes it), a dangling side links nothing
    assert result.metadata["unresolved_relationships"] == 1
    for rel in result.relations:  # the evidence is the relationship's own paragraph
        para = result.text[rel.start : rel.end]
        assert "\n\n" not in para and f"(id {rel.a}" not in para
    own = next(r for r in result.relations if r.relation == "owner" and r.a == "p-henri")
    assert result.text[own.start : own.end].startswith("Ownership: Henri Martin owns 51% of Acme")


def test_a_person_without_a_name_is_named_by_its_parts() -> None:
    data = ftm_line("p-x", "Person", firstName=["Hélène"], lastName=["Martin"], gender=["female"])
    result = read_ftm(data.encode(), name="x.ftm")
    assert stated(result) == {"p-x": ("person", "Hélène Martin", ())}
    alone = ftm_line("p-y", "Person", firstName=["Hélène"])
    result = read_ftm(alone.encode(), name="y.ftm")
    assert not result.entities and "First name: Hélène" in result.text  # a note, parts shown


@pytest.mark.parametrize("name", ["case.ftm.json", "case.json", "case.jsonl", "case.ijson"])
def test_ftm_is_read_by_extension_or_by_content(name: str) -> None:
    reader = reader_for(Path(name))
    assert reader is not None
    result = reader(FTM_TEXT.encode(), name=name)
    assert result.format == "ftm"
    assert len(result.relations) == 8


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b'{"schema": "Person", "properties": {"name": ["X"]}}\n', "line 1: FtM entity without"),
        (
            b'{"id": "x", "schema": "Person", "properties": {}}\nnot json\n',
            "line 2: not valid JSON",
        ),
        (b'{"id": "x", "schema": "Person", "properties": {}}\n[1]\n', "line 2: not an FtM entity"),
    ],
)
def test_broken_ftm_fails_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match="^" + reason):
        read_ftm(data, name="x.ftm")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_ftm_import_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`casework import` then `entities` and `show`: the schemata, names and typed links."""
    (tmp_path / "case.ftm.json").write_text(FTM_TEXT, encoding="utf-8")
    db = str(tmp_path / "case.db")
    code, _, err = run(capsys, "import", str(tmp_path / "case.ftm.json"), "--db", db, "--jobs", "1")
    assert code == 0, err
    ents = {(e["kind"], e["name"]): e for e in run_json(capsys, "entities", "--db", db)}
    for key in [
        ("person", "Henri Martin"),
        ("person", "Jane Doe"),
        ("person", "Marc Durand"),
        ("organization", "DGSE"),
        ("organization", "Acme Holdings"),
        ("organization", "Shell Two Ltd"),
        ("place", "1 Rue de Rivoli, Paris"),
    ]:
        assert key in ents, sorted(ents)
    henri = ents[("person", "Henri Martin")]
    assert {"Henri MARTIN", "H. Martin", "Riri"} <= set(henri["aliases"])
    shown = run_json(capsys, "show", str(henri["id"]), "--db", db)
    typed = {(x["name"], x["relation"]) for x in shown["links"] if x["relation"] != "co-mentioned"}
    assert typed == {
        ("Acme Holdings", "owner"),
        ("DGSE", "employee"),
        ("Jane Doe", "family (of)"),
    }
    for link in shown["links"]:
        assert link["evidence"], link
    rivoli = ents[("place", "1 Rue de Rivoli, Paris")]
    shown = run_json(capsys, "show", str(rivoli["id"]), "--db", db)
    assert ("Acme Holdings", "registered at (of)") in {
        (x["name"], x["relation"]) for x in shown["links"]
    }


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared FtM corpus not present")
def test_the_shared_ftm_corpus_imports_with_its_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted(str(p) for p in CORPUS.iterdir() if p.suffix in (".json", ".ijson"))
    db = str(tmp_path / "ftm.db")
    summary = run_json(capsys, "import", *files, "--db", db, "--jobs", "1")
    assert summary["imported"] == len(files) == 4 and not summary["failed"]
    ents = run_json(capsys, "entities", "--db", db)
    assert "FtM" not in {e["name"] for e in ents}
    conn = open_case(Path(db), readonly=True)
    relations = Counter(r for _, _, r, _, _ in queries.iter_links(conn))
    # zala: 14 Ownership (3 repeat a pair), 4 Family, 3 Directorship; the donations: Payments.
    assert relations["owner"] == 11
    assert relations["family"] == 4
    assert relations["director"] == 3
    assert relations["payment"] > 100
    zakharov = next(e for e in ents if e["name"] == "Alexander Vyacheslavovich ZAKHAROV")
    assert len(zakharov["aliases"]) > 5
    shown = run_json(capsys, "show", str(zakharov["id"]), "--db", db)
    typed = Counter(x["relation"] for x in shown["links"] if x["relation"] != "co-mentioned")
    assert typed["owner"] >= 8 and typed["director"] == 2 and typed["family (of)"] == 4


# -- the export ------------------------------------------------------------------------------

SPY_DOC = """Marc Durand, an officer of the DGSE, was arrested in Paris on 22 December 2017.

Henri M.'s wife, Sophie Durand, said the DGSE paid €120,000.
"""


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A case from an FtM file, a link table and a text with relations the text states."""
    folder = tmp_path / "material"
    folder.mkdir()
    (folder / "case.ftm.json").write_text(FTM_TEXT, encoding="utf-8")
    (folder / "links.csv").write_text(
        "source,target,relation\nAcme Holdings,DGSE,supplier\n", encoding="utf-8"
    )
    (folder / "report.txt").write_text(SPY_DOC, encoding="utf-8")
    db = tmp_path / "case.db"
    conn = open_case(db, create=True)
    summary = import_paths(conn, [folder], extractor=PatternExtractor(SPY_PATTERNS, SPY_VALUES))
    assert summary.count("imported") == 3, summary.to_json()
    conn.close()
    return db


def export(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "export", "--format", "ftm", "--db", str(db), *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def check_with_followthemoney(lines: list[dict[str, Any]]) -> None:
    """What FtM itself says of the lines; AssertionError with the first problems."""
    ftm = pytest.importorskip("followthemoney")
    from followthemoney.exc import InvalidData

    model = ftm.model
    by_id = {d["id"]: d for d in lines}
    assert len(by_id) == len(lines), "ids are unique"
    problems: list[Any] = []
    for data in lines:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data
        try:
            schema.validate(data)
        except InvalidData as exc:
            problems.append((data["id"], str(exc), getattr(exc, "errors", None)))
        # Parsing keeps every value as written: nothing unknown, stubbed or invalid dropped.
        proxy = model.get_proxy(data, cleaned=False)
        if proxy.to_dict()["properties"] != data["properties"]:
            problems.append((data["id"], "changed by FtM", proxy.to_dict()["properties"]))
        problems += [(data["id"], "missing", p) for p in schema.required if not proxy.get(p)]
        for prop in proxy.iterprops():
            if prop.type.name != "entity":
                continue
            for value in proxy.get(prop):
                other = by_id.get(value)
                if other is None:
                    problems.append((data["id"], "dangling", prop.name, value))
                elif not model.get(other["schema"]).is_a(prop.range):
                    problems.append((data["id"], prop.name, other["schema"], prop.range.name))
    assert not problems, problems[:5]


def names_by_id(lines: list[dict[str, Any]]) -> dict[str, str]:
    out = {}
    for d in lines:
        props = d["properties"]
        if "name" in props or "full" in props:
            out[d["id"]] = (props.get("name") or props["full"])[0]
    return out


def test_export_writes_valid_ftm_with_entities_and_links(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = export(capsys, case)
    check_with_followthemoney(lines)
    schemata = Counter(d["schema"] for d in lines)
    names = names_by_id(lines)
    by_name = {names[d["id"]]: d for d in lines if d["id"] in names}
    assert by_name["Henri Martin"]["schema"] == "Person"
    assert by_name["DGSE"]["schema"] == "Organization"
    assert by_name["Acme Holdings"]["schema"] == "Company"  # owned: an Ownership's asset
    assert by_name["Paris"]["schema"] == "Address"
    assert by_name["1 Rue de Rivoli, Paris"]["properties"] == {"full": ["1 Rue de Rivoli, Paris"]}
    henri = by_name["Henri Martin"]["properties"]
    assert henri["name"] == ["Henri Martin"]
    assert {"Henri MARTIN", "H. Martin", "Riri"} <= set(henri["alias"] + henri["weakAlias"])
    assert "Riri" in henri["weakAlias"]  # one word of a person: a weak alias
    assert not any(d["casework"].get("kind") in ("date", "money") for d in lines)
    assert "2017-12-22" not in names.values()

    def link(schema: str, role: str | None = None, **ends: str) -> dict[str, Any]:
        for d in lines:
            props = d["properties"]
            if (
                d["schema"] == schema
                and all(names.get(props.get(p, [""])[0]) == n for p, n in ends.items())
                and (role is None or props.get("role") == [role])
            ):
                return d
        raise AssertionError(f"no {schema} {role} {ends}")

    assert link("Ownership", owner="Henri Martin", asset="Acme Holdings")
    assert link("Directorship", director="Marc Durand", organization="Acme Holdings")
    assert link("Membership", member="Jane Doe", organization="DGSE")
    assert link("Employment", employee="Henri Martin", employer="DGSE")
    assert link("Family", person="Jane Doe", relative="Henri Martin")
    # Relations the text states: a role, a family tie, a place.
    officer = link("Employment", employee="Marc Durand", employer="DGSE")
    assert officer["properties"]["role"] == ["officer"]
    assert officer["casework"]["relation"] == "role: officer"
    assert officer["casework"]["evidence"] == [
        {"source": SPY_DOC.splitlines()[0], "location": "¶1"}  # a text's title: its first line
    ]
    # "Henri M." in the text stays apart from the record's "Henri Martin": across documents a
    # partial name never joins a full one (it could be Henri Moreau).
    wife = link("Family", person="Henri M.", relative="Sophie Durand")
    assert wife["properties"]["relationship"] == ["wife"]
    arrested = link("UnknownLink", "arrested in", subject="Marc Durand", object="Paris")
    assert arrested["casework"]["relation"] == "arrested in"
    assert link("UnknownLink", "supplier", subject="Acme Holdings", object="DGSE")
    co = [d for d in lines if d["properties"].get("role") == ["co-mentioned"]]
    assert co and all(d["schema"] == "UnknownLink" for d in co)
    assert co[0]["casework"]["weight"] >= 1 and co[0]["casework"]["evidence"]
    # Henri Martin, Jane Doe, Marc Durand from the records; Henri M., Sophie Durand from the text
    assert schemata["Person"] == 5 and schemata["Company"] == 2


def test_export_ids_are_stable_and_differ_between_cases(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export(capsys, case)
    assert export(capsys, case) == first
    ids = [d["id"] for d in first]
    prefix = ids[0].rsplit("-", 1)[0]
    assert prefix.startswith("casework-") and all(i.startswith(prefix + "-") for i in ids)
    conn = open_case(case, readonly=True)
    entity_ids = {e.id for e in queries.list_entities(conn) if e.kind not in ("date", "money")}
    assert {f"{prefix}-e{i}" for i in entity_ids} == {i for i in ids if "-e" in i[len(prefix) :]}
    other = tmp_path / "other.db"
    open_case(other, create=True).close()
    conn = open_case(other)
    conn.execute("UPDATE meta SET value = '1999-01-01 00:00:00' WHERE key = 'created'")
    conn.close()
    (tmp_path / "one.csv").write_text("name,kind\nJane Doe,person\n", encoding="utf-8")
    run(capsys, "import", str(tmp_path / "one.csv"), "--db", str(other), "--jobs", "1")
    assert export(capsys, other)[0]["id"].rsplit("-", 1)[0] != prefix


def test_export_to_a_file_is_private_and_summarised(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "case.ftm.json"
    code, text, err = run(capsys, "export", "--db", str(case), "-o", str(out))
    assert code == 0, err
    assert text.startswith("exported ") and " entities, " in text and str(out) in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    summary = run_json(capsys, "export", "--db", str(case), "-o", str(out), "--no-co-mentions")
    typed = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert summary["format"] == "ftm" and summary["entities"] + summary["links"] == len(typed)
    assert len(typed) < len(lines)
    assert not any(d["properties"].get("role") == ["co-mentioned"] for d in typed)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "{tmp}/missing.db"], "no such case file"),
        (["-o", "{tmp}/no/such/dir/out.json"], "No such file or directory"),
        (["-o", "{tmp}"], "is a directory"),
    ],
)
def test_export_errors_are_one_line(
    args: list[str], message: str, case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", "--db", str(case), *(a.format(tmp=tmp_path) for a in args)]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_reimporting_the_export_gives_back_entities_and_links(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export.ftm.json"
    assert run(capsys, "export", "--db", str(case), "-o", str(out))[0] == 0
    again = tmp_path / "again.db"
    conn = open_case(again, create=True)
    summary = import_paths(conn, [out], extractor=PatternExtractor({}))
    assert summary.count("imported") == 1, summary.to_json()

    def graph(db: Path, *, mapped: bool) -> tuple[Counter[tuple[str, str]], set[Any]]:
        c = open_case(db, readonly=True)
        ents = {e.id: (e.kind, e.name) for e in queries.list_entities(c)}
        ents = {i: k for i, k in ents.items() if k[0] not in ("date", "money")}
        links = set()
        for a, b, relation, _, evidence in queries.iter_links(c):
            if a not in ents or b not in ents:
                continue
            assert evidence
            ends = (ents[a], ents[b])
            if relation == "co-mentioned":
                ends = tuple(sorted(ends))
            elif mapped:  # what FtM can name: the relation as the reader reads it back
                edge, _ = edge_for(relation, ents[a][0], ents[b][0])
                relation = RELATIONSHIPS[edge.schema][2] or relation
            links.add((ends[0], relation, ends[1]))
        return Counter(ents.values()), links

    before_ents, before_links = graph(case, mapped=True)
    after_ents, after_links = graph(again, mapped=False)
    assert after_ents == before_ents
    assert after_links == before_links
    assert (("person", "Marc Durand"), "employee", ("organization", "DGSE")) in after_links
    assert (("person", "Marc Durand"), "arrested in", ("place", "Paris")) in after_links


def test_relations_map_to_the_schema_that_fits_the_ends() -> None:
    assert edge_for("owner", "person", "organization") == (EDGES["owner"], None)
    assert edge_for("role: officer", "person", "organization") == (EDGES["employee"], "officer")
    assert edge_for("role: chairman", "person", "organization") == (EDGES["director"], "chairman")
    assert edge_for("role: member", "person", "organization") == (EDGES["member"], "member")
    assert edge_for("family: wife", "person", "person") == (EDGES["family"], "wife")
    assert edge_for("wife", "person", "person") == (EDGES["family"], "wife")
    assert edge_for("son of", "person", "person") == (EDGES["family"], "son")
    # Employment needs a person and an organization; Family two people.
    assert edge_for("employee", "organization", "organization") == (UNKNOWN, "employee")
    assert edge_for("family", "person", "organization") == (UNKNOWN, "family")
    assert edge_for("owner", "person", "place") == (UNKNOWN, "owner")
    assert edge_for("role: founder", "person", "organization") == (UNKNOWN, "role: founder")
    assert edge_for("arrested in", "person", "place") == (UNKNOWN, "arrested in")
    # Every schema the export writes is read back as the relation it came from.
    for relation, edge in EDGES.items():
        assert RELATIONSHIPS[edge.schema][2] == relation


def test_entity_names_aliases_and_notes() -> None:
    person = queries.ExportEntity(
        7,
        "person",
        "Pierre-Marie H.",
        "Met the handler twice.",
        "extractor",
        30,
        8,
        [
            Alias("Pierre Marie H.", "normalised", 3),
            Alias("Pierre-Mar H", "truncation", 1),
            Alias("H.", "surname", 2),
        ],
    )
    data = entity_dict(person, "casework-abc")
    assert data["id"] == "casework-abc-e7" and data["schema"] == "Person"
    assert data["properties"] == {
        "name": ["Pierre-Marie H."],
        "alias": ["Pierre Marie H."],
        "weakAlias": ["Pierre-Mar H", "H."],
        "notes": ["Met the handler twice."],
    }
    assert data["casework"] == {
        "kind": "person",
        "created_by": "extractor",
        "mentions": 30,
        "sources": 8,
    }
    place = queries.ExportEntity(
        9, "place", "Paris", "", "extractor", 3, 1, [Alias("PARIS", "x", 1)]
    )
    assert entity_dict(place, "c")["properties"] == {"full": ["Paris"], "alias": ["PARIS"]}
    org = queries.ExportEntity(3, "organization", "Acme", "", "import", 1, 1, [])
    assert entity_dict(org, "c", company=True)["schema"] == "Company"


def test_every_exported_value_is_a_list_of_strings(case: Path) -> None:
    """FtM's rule, kept by the exporter without the library (it writes plain JSON)."""
    conn = open_case(case, readonly=True)
    lines = list(iter_ftm(conn))
    assert lines
    for d in lines:
        for values in d["properties"].values():
            assert isinstance(values, list) and values
            assert all(isinstance(v, str) and v for v in values)


def test_structured_records_state_their_names_and_keep_distinct_records_apart(
    tmp_path: Path,
) -> None:
    """Only dates and amounts are extracted from records; two records never merge by rule."""
    records = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Henri Martin"]}},
        {"id": "p2", "schema": "Person", "properties": {"name": ["Henri M."]}},
        {
            "id": "o1",
            "schema": "Organization",
            "properties": {
                "name": ["Acme LLC"],
                "notes": ["Met John Smith of Globex Corporation in Lyon on 3 March 2019."],
            },
        },
    ]
    path = tmp_path / "records.ftm"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    conn = open_case(tmp_path / "case.db", create=True)
    import_paths(conn, [path])  # the real built-in extractor
    by_origin = Counter((e.kind, e.name) for e in queries.list_entities(conn))
    assert by_origin[("person", "Henri Martin")] == by_origin[("person", "Henri M.")] == 1
    named = {name for kind, name in by_origin if kind not in ("date", "money")}
    assert named == {"Henri Martin", "Henri M.", "Acme LLC"}  # no "Lyon", no "John Smith of..."
    assert any(k == "date" for k, _ in by_origin)  # "3 March 2019" still counts
    conn.close()
