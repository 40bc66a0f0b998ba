"""Merge and do-not-merge rules, on strings."""

import pytest

from casework.db.normalise import normalise_name
from casework.importers.extract.base import Mention
from casework.importers.resolve import (
    CaseCandidate,
    choose_name,
    match_in_case,
    org_rule,
    person_rule,
    resolve_document,
)


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        ("Pierre-Marie H.", "Pierre Marie H.", "normalised"),
        ("Pierre-Marie H.", "Pierre-Marie H", "normalised"),
        ("Pierre-Mar H", "Pierre-Marie H.", "truncation"),
        ("F. McCallum", "Fiona McCallum", "initials"),
        ("Hélène Müller", "Helene Muller", "normalised"),
        ("Judge Marc Durand", "Marc Durand", "normalised"),
        ("Fiona McCalum", "Fiona McCallum", "fuzzy"),
    ],
)
def test_same_person(a: str, b: str, rule: str) -> None:
    assert person_rule(normalise_name(a), normalise_name(b)) == rule


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Marc Durand", "Sophie Durand"),  # different given names
        ("Wang Lei", "Wang Jun"),
        ("Henri M.", "Hélène M."),
        ("Henri M.", "Henri D."),  # different initials
        ("Pierre-Marie H.", "Pierre H."),  # different number of names
    ],
)
def test_different_people_never_merge(a: str, b: str) -> None:
    assert person_rule(normalise_name(a), normalise_name(b)) is None


def test_mi5_and_mi6_stay_apart_and_dgse_dgsi_too() -> None:
    assert org_rule("mi5", "mi6") is None
    assert org_rule("dgse", "dgsi") is None
    assert org_rule("ministry of the armed forces", "ministry of the armed forces") == "normalised"
    assert org_rule("ministry of the armed force", "ministry of the armed forces") == "fuzzy"


def test_normalisation_handles_possessives_accents_and_hyphens() -> None:
    assert normalise_name("DGSE's") == "dgse"
    assert normalise_name("the DGSE’s") == "the dgse"
    assert normalise_name("Pierre-Marie  H.") == "pierre marie h"
    assert normalise_name("Mr Durand") == "durand"


def m(text: str, doc: str, kind: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = doc.index(text, start + 1)
    return Mention(start, start + len(text), text, kind)


def test_acronym_definition_joins_full_name_and_acronym() -> None:
    doc = "Officers of the Directorate-General for External Security (DGSE) said the DGSE's chief."
    ents = resolve_document(
        doc,
        [
            m("Directorate-General for External Security", doc, "organization"),
            m("DGSE", doc, "organization"),
            m("DGSE", doc, "organization", 1),
        ],
    )
    assert len(ents) == 1
    assert ents[0].rules == {
        "Directorate-General for External Security": "original",
        "DGSE": "acronym",
    }
    assert len(ents[0].mentions) == 3


def test_acronym_matching_initials_joins() -> None:
    doc = "The Ministry of State Security recruited him. The MSS paid."
    ents = resolve_document(
        doc, [m("Ministry of State Security", doc, "organization"), m("MSS", doc, "organization")]
    )
    assert len(ents) == 1


def test_surname_joins_the_latest_full_name_with_that_surname() -> None:
    doc = (
        "Judge Marc Durand opened. Durand asked. Reporter Sophie Durand wrote. "
        "Durand filed her copy."
    )
    ents = resolve_document(
        doc,
        [
            m("Marc Durand", doc, "person"),
            m("Durand", doc, "person", 1),
            m("Sophie Durand", doc, "person"),
            m("Durand", doc, "person", 3),
        ],
    )
    by_name = {e.mentions[0].text: e for e in ents}
    assert set(by_name) == {"Marc Durand", "Sophie Durand"}
    # Each surname-only mention went to the nearest preceding full name.
    assert [x.start for x in by_name["Marc Durand"].mentions] == [6, 26]
    assert len(by_name["Sophie Durand"].mentions) == 2


def test_truncated_spelling_joins_within_a_document() -> None:
    doc = "Pierre-Marie H. was arrested. Later Pierre-Mar H was released."
    ents = resolve_document(
        doc, [m("Pierre-Marie H.", doc, "person"), m("Pierre-Mar H", doc, "person")]
    )
    assert len(ents) == 1
    assert ents[0].rules["Pierre-Mar H"] == "truncation"


def test_dates_and_money_group_by_value() -> None:
    doc = "On 22 December 2017 (22/12/2017) he got €120,000, i.e. EUR 120,000."
    ents = resolve_document(
        doc,
        [
            Mention(3, 19, "22 December 2017", "date", value="2017-12-22"),
            Mention(21, 31, "22/12/2017", "date", value="2017-12-22"),
            Mention(40, 48, "€120,000", "money", value="EUR 120000"),
            Mention(55, 66, "EUR 120,000", "money", value="EUR 120000"),
        ],
    )
    assert sorted(len(e.mentions) for e in ents) == [2, 2]


def cand(eid: int, *names: str, mentions: int = 1) -> CaseCandidate:
    return CaseCandidate(eid, tuple(normalise_name(n) for n in names), mentions)


def test_case_match_exact_alias_wins() -> None:
    got = match_in_case("organization", {"dgse"}, [cand(1, "DGSE", "Directorate-General")])
    assert got == (1, "normalised")


def test_case_match_truncation_picks_the_one_compatible_person() -> None:
    got = match_in_case(
        "person",
        {normalise_name("Pierre-Mar H")},
        [cand(1, "Pierre-Marie H."), cand(2, "Henri M.")],
    )
    assert got == (1, "truncation")


def test_case_match_is_refused_when_ambiguous() -> None:
    # "Durand" alone could be either Durand: no merge.
    got = match_in_case("person", {"durand"}, [cand(1, "Marc Durand"), cand(2, "Sophie Durand")])
    assert got is None


def test_case_match_never_joins_mi5_to_mi6() -> None:
    assert match_in_case("organization", {"mi5"}, [cand(1, "MI6")]) is None


def test_display_name_prefers_the_fullest_person_spelling() -> None:
    assert choose_name("person", None, [("McCallum", 5), ("Fiona McCallum", 1)]) == "Fiona McCallum"
    assert choose_name("person", None, [("Pierre-Mar H", 1), ("Pierre-Marie H.", 3)]) == (
        "Pierre-Marie H."
    )
    assert choose_name("date", "2017-12-22", [("22 December 2017", 2)]) == "2017-12-22"
    assert choose_name("organization", None, [("DGSE", 5), ("Directorate-General", 1)]) == "DGSE"


def test_a_given_name_alone_joins_the_one_person_it_starts() -> None:
    doc = "Henri M. was posted to Brazzaville. 'Henri was careful,' a colleague said."
    ents = resolve_document(doc, [m("Henri M.", doc, "person"), m("Henri", doc, "person", 1)])
    assert len(ents) == 1 and ents[0].rules["Henri"] == "given name"


def test_a_given_name_shared_by_two_people_stays_apart() -> None:
    doc = "Marc Durand and Marc Leroy met. Marc left first."
    ents = resolve_document(
        doc,
        [
            m("Marc Durand", doc, "person"),
            m("Marc Leroy", doc, "person"),
            m("Marc", doc, "person", 2),
        ],
    )
    assert len(ents) == 3
