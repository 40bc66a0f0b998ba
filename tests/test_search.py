"""Search behaviour on the demo case: fuzzy names, passages, and graceful limits."""

from __future__ import annotations

import threading

import pytest

from casework.db import queries
from casework.db.connection import open_case
from casework.db.names import NameIndex, score_name


@pytest.fixture(scope="module")
def conn(demo_db):
    return open_case(demo_db, readonly=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mcalum", "Fiona McCallum"),  # a typo and a missing letter
        ("pierre mari", "Pierre-Marie H."),  # a prefix being typed
        ("younger alex", "Alexandra Younger"),  # word order
        ("helene", "Hélène M."),  # diacritics
        ("DGSE", "DGSE"),
    ],
)
def test_names_are_found_despite_typos_order_and_accents(conn, query, expected) -> None:
    hits = queries.search(conn, query, kind=None, limit=10)
    assert hits[0].type == "entity" and hits[0].name == expected


def test_the_exact_name_is_first(conn) -> None:
    for entity in queries.list_entities(conn, kind="person", limit=20):
        hits = queries.search(conn, entity.name, limit=5)
        assert hits[0].id == entity.id, entity.name


def test_passages_match_every_word_as_a_prefix(conn) -> None:
    hits = queries.search(conn, "brazza posted", kind="passage")
    assert hits
    for h in hits:
        text = queries.get_passage(conn, h.id).passage.text.lower()
        assert "brazza" in text and "posted" in text


def test_an_unparseable_query_finds_no_passage_but_does_not_fail(conn) -> None:
    assert queries.search(conn, '"', kind="passage") == []
    assert isinstance(queries.search(conn, "AND OR NOT (", limit=5), list)


def test_ranking_that_takes_too_long_falls_back_to_document_order(conn, monkeypatch) -> None:
    ranked = queries.search(conn, "the", kind="passage", limit=20)
    monkeypatch.setattr(queries, "RANK_BUDGET", -1.0)  # every ranking is "too slow"
    unranked = queries.search(conn, "the", kind="passage", limit=20)
    assert len(unranked) == len(ranked) == 20
    ids = [h.id for h in unranked]
    assert ids == sorted(ids)


def test_a_cancelled_search_returns_quickly_and_empty(conn) -> None:
    cancel = threading.Event()
    cancel.set()
    assert queries.search(conn, "the", kind="passage", cancel=cancel) == []


def test_score_prefers_whole_words_and_forgives_typos() -> None:
    assert score_name("john smith", "john smith") == 100
    assert score_name("smith john", "john smith") > score_name("smith john", "john moorefield")
    assert score_name("mcalum", "fiona mccallum") > 75
    assert score_name("wang jun", "wang lei") < score_name("wang jun", "wang jun")


def test_short_queries_use_prefixes_most_mentioned_first() -> None:
    index = NameIndex(
        [
            (1, "Joan Rivers", "joan rivers", 1),
            (2, "John Smith", "john smith", 9),
            (3, "Anna Jo", "anna jo", 3),
            (4, "Pat Ojo", "pat ojo", 50),
        ]
    )
    # A whole word "Jo" first, then names with a word starting "jo", most mentioned first.
    assert [m.entity_id for m in index.search("jo")] == [3, 2, 1]


def test_short_fragments_are_not_prefixes_while_longer_words_remain() -> None:
    from casework.db.queries import fts_query

    assert fts_query("office of th") == '"office"*'
    assert fts_query("sullivan@s") == '"sullivan"*'
    assert fts_query("of") == '"of"'  # alone, a short word is searched as a whole word
    assert fts_query("Pierre-Marie") == '"Pierre"* "Marie"*'
