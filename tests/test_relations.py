"""Typed relations a sentence states, on strings."""

from __future__ import annotations

from casework.importers.extract.base import Mention
from casework.importers.relations import typed_relations
from casework.importers.resolve import resolve_document


def rels(text: str, spans: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    mentions, pos = [], 0
    for surface, kind in spans:
        start = text.index(surface, pos)
        mentions.append(Mention(start, start + len(surface), surface, kind))
        pos = start + len(surface)
    entities = resolve_document(text, mentions)
    return {
        (a.mentions[0].text, b.mentions[0].text, r)
        for a, b, r, _ in typed_relations(text, entities)
    }


def test_person_role_of_organisation() -> None:
    text = "Fiona McCallum, a senior officer of the Security Service, declined to comment."
    assert rels(text, [("Fiona McCallum", "person"), ("Security Service", "organization")]) == {
        ("Fiona McCallum", "Security Service", "role: officer")
    }


def test_organisation_title_before_a_name() -> None:
    text = "MI5 chief Ken Carter said so. The DGSE's former station chief, Henri M., retired."
    assert rels(
        text,
        [
            ("MI5", "organization"),
            ("Ken Carter", "person"),
            ("DGSE", "organization"),
            ("Henri M.", "person"),
        ],
    ) == {("Ken Carter", "MI5", "role: chief"), ("Henri M.", "DGSE", "role: station chief")}


def test_role_of_organisation_then_name() -> None:
    text = "The former head of MI6, Alexandra Younger, spoke."
    assert rels(text, [("MI6", "organization"), ("Alexandra Younger", "person")]) == {
        ("Alexandra Younger", "MI6", "role: head")
    }


def test_family() -> None:
    text = "Henri M.'s wife, Hélène M., was charged. Wang Jun, the brother of Wang Lei, fled."
    assert rels(
        text,
        [
            ("Henri M.", "person"),
            ("Hélène M.", "person"),
            ("Wang Jun", "person"),
            ("Wang Lei", "person"),
        ],
    ) == {("Henri M.", "Hélène M.", "family: wife"), ("Wang Lei", "Wang Jun", "family: brother")}


def test_where_something_happened() -> None:
    text = "Pierre-Marie H. was arrested in Paris. He had been posted to Brazzaville in 1985."
    assert rels(
        text, [("Pierre-Marie H.", "person"), ("Paris", "place"), ("Brazzaville", "place")]
    ) == {("Pierre-Marie H.", "Paris", "arrested in")}  # "He" is not a mention: no subject


def test_no_relation_across_sentences_or_without_a_pattern() -> None:
    text = "Henri M. left. Officer of MI5 said nothing. Henri M. met Wang Lei in Lyon."
    # "Officer of MI5" has no person before it in its sentence; "met Wang Lei in Lyon" puts
    # a name between the verb and the place, so no pattern claims it.
    assert (
        rels(
            text,
            [
                ("Henri M.", "person"),
                ("MI5", "organization"),
                ("Henri M.", "person"),
                ("Wang Lei", "person"),
                ("Lyon", "place"),
            ],
        )
        == set()
    )
    text = "Henri M. and the MI5 officers were there."
    assert rels(text, [("Henri M.", "person"), ("MI5", "organization")]) == set()
