"""Entity lists and link tables (CSV, TSV, JSON, JSON lines) as stated entities and links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PatternExtractor

from casework.db import queries
from casework.db.connection import open_case
from casework.importers.pipeline import import_paths
from casework.importers.readers import ReadError, reader_for
from casework.importers.readers.base import ReadResult
from casework.importers.readers.tables import guess_kind, read_csv

PEOPLE_CSV = """name,kind,aliases,notes
Henri Martin,person,H. Martin;Henri M.,Former station chief
DGSE,organization,Direction générale de la sécurité extérieure|Directorate-General for External Security,
"DOE, Jane",individual,"[""Jane Doe"", ""J. Doe""]",
Paris,place,,
Acme Holdings,,Acme,
Sea Breeze,vessel,,
2017-12-22,date,,
"""

LINKS_CSV = """source,target,relation
Henri Martin,DGSE,works for
Jane Doe,Henri Martin,wife
Acme Holdings,DGSE,supplier
Henri Martin,Jane Doe,family
Marc Durand,Société Générale,director
"""


def read(name: str, data: str | bytes) -> ReadResult:
    reader = reader_for(Path(name))
    assert reader is not None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return reader(raw, name=name)


def stated(result: ReadResult) -> dict[str, tuple[str, tuple[str, ...]]]:
    """name -> (kind, aliases)."""
    return {e.name: (e.kind, e.aliases) for e in result.entities}


def links(result: ReadResult) -> set[tuple[str, str, str]]:
    """(a name, relation, b name) for every stated relation."""
    names = {e.key: e.name for e in result.entities}
    return {(names[r.a], r.relation, names[r.b]) for r in result.relations}


def test_entity_list_states_kinds_and_aliases() -> None:
    result = read("people.csv", PEOPLE_CSV)
    got = stated(result)
    assert got["Henri Martin"] == ("person", ("H. Martin", "Henri M."))
    assert got["DGSE"] == (
        "organization",
        (
            "Direction générale de la sécurité extérieure",
            "Directorate-General for External Security",
        ),
    )
    assert got["DOE, Jane"] == ("person", ("Jane Doe", "J. Doe"))  # a comma is no separator
    assert got["Paris"] == ("place", ())
    assert got["Acme Holdings"][0] == "organization"  # no kind: guessed from "Holdings"
    assert got["Sea Breeze"][0] == "organization"  # an unknown kind is a party
    assert "2017-12-22" not in got  # dates are read by the extractor, with their value
    assert "2017-12-22" in result.text
    # Every stated span is the entity's name as written; other columns are kept as text.
    for span in result.spans:
        name = next(e.name for e in result.entities if e.key == span.key)
        assert result.text[span.start : span.end] == name
    assert "Notes: Former station chief" in result.text
    assert result.metadata["table"] == "entities"


def test_link_table_states_typed_links_with_kinds_from_the_file() -> None:
    result = read("links.csv", LINKS_CSV)
    got = stated(result)
    # One entity per name, whatever row names it; its kind from any row that implies one.
    assert len(result.entities) == 6
    assert got["Jane Doe"][0] == "person"  # "wife" and "family" link people
    assert got["Henri Martin"][0] == "person"  # "works for" implies a person
    assert got["DGSE"][0] == "organization"
    assert got["Marc Durand"][0] == "person"  # no row implies it: a given name says so
    assert got["Société Générale"][0] == "organization"
    assert links(result) == {
        ("Henri Martin", "employee", "DGSE"),
        ("Jane Doe", "wife", "Henri Martin"),
        ("Acme Holdings", "supplier", "DGSE"),
        ("Henri Martin", "family", "Jane Doe"),
        ("Marc Durand", "director", "Société Générale"),
    }
    # The evidence of a relation is its row's paragraph, which names both ends.
    for rel in result.relations:
        para = result.text[rel.start : rel.end]
        assert para.startswith("Link: ")
        assert "\n\n" not in para
    assert result.metadata["table"] == "links"


def test_stated_kinds_win_over_implied_ones() -> None:
    data = "from,to,relationship,from_kind,to_kind\nParis,Henri Martin,employee,person,person\n"
    got = stated(read("l.csv", data))
    assert got["Paris"][0] == "person"
    assert got["Henri Martin"][0] == "person"  # the row says so, "employee" would say org


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Jane Doe", "person"),
        ("DOE, Jane", "person"),
        ("Pierre-Marie Dupont", "person"),
        ("Acme Holdings", "organization"),
        ("Ministry of Defence", "organization"),
        ("Interpol", "organization"),
        ("Paris", "place"),
        ("Zorblax", "organization"),
    ],
)
def test_a_missing_kind_is_guessed_from_the_name(name: str, kind: str) -> None:
    assert guess_kind(name) == kind


def test_json_array_and_json_lines_tables() -> None:
    rows = [{"from": "Marc Durand", "to": "Société Générale", "relationship": "owns"}]
    result = read("links.json", json.dumps(rows))
    assert result.format == "json"
    assert links(result) == {("Marc Durand", "owner", "Société Générale")}

    lines = "\n".join(
        json.dumps(r)
        for r in (
            {"name": "Marc Durand", "kind": "person", "aliases": ["M. Durand"]},
            {"name": "Société Générale", "type": "company", "city": "Paris"},
        )
    )
    result = read("entities.jsonl", lines)
    assert result.format == "jsonl"
    assert stated(result) == {
        "Marc Durand": ("person", ("M. Durand",)),
        "Société Générale": ("organization", ()),
    }
    assert "City: Paris" in result.text


def test_tsv_and_semicolon_delimiters() -> None:
    result = read("p.tsv", "name\tkind\nJane Doe\tperson\n")
    assert result.format == "tsv"
    assert stated(result) == {"Jane Doe": ("person", ())}
    result = read("p.csv", "Name;Type;AKA\nDGSE;agency;Directorate\n")
    assert stated(result) == {"DGSE": ("organization", ("Directorate",))}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "empty file"),
        ("colour,size\nred,big\n", "no name column (expected name,kind,aliases"),
        ("name,kind\nJane,person,extra\n", "line 2: 3 fields but the header has 2"),
        ("name,kind\n,person\n", "every row has an empty name"),
        ("source,target\nA,\n", "every row has an empty source and target"),
    ],
)
def test_unreadable_tables_fail_with_a_reason(data: str, reason: str) -> None:
    with pytest.raises(ReadError, match="^" + reason.replace("(", r"\(")):
        read_csv(data.encode(), name="t.csv")


def test_entity_list_and_link_table_import_into_one_graph(tmp_path: Path) -> None:
    """The two tables meet in the case: the people of the link table are the listed people."""
    (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    (tmp_path / "links.csv").write_text(LINKS_CSV, encoding="utf-8")
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [tmp_path], extractor=PatternExtractor({}))
    assert summary.count("imported") == 2, summary.to_json()
    ents = {(e.kind, e.name): e for e in queries.list_entities(conn)}
    assert set(ents) == {
        ("person", "Henri Martin"),
        ("person", "Jane Doe"),
        ("person", "Marc Durand"),
        ("organization", "DGSE"),
        ("organization", "Acme Holdings"),
        ("organization", "Sea Breeze"),
        ("organization", "Société Générale"),
        ("place", "Paris"),
    }
    henri = ents[("person", "Henri Martin")]
    assert henri.sources == 2
    assert {"H. Martin", "Henri M."} <= set(henri.aliases)
    assert "DOE, Jane" in ents[("person", "Jane Doe")].aliases
    typed = {
        (link.name, link.relation)
        for link in queries.get_entity(conn, henri.id).links
        if link.relation != "co-mentioned"
    }
    assert typed == {("DGSE", "employee"), ("Jane Doe", "wife (of)"), ("Jane Doe", "family")}
    for link in queries.get_entity(conn, henri.id).links:
        assert link.evidence, link
