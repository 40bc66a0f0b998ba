"""Merge and do-not-merge rules, on strings."""

import pytest

from casework.db.normalise import normalise_name
from casework.importers.extract.base import Mention
from casework.importers.resolve import (
    CaseCandidate,
    Stated,
    choose_name,
    match_in_case,
    org_rule,
    person_norm,
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


# -- more merge and do-not-merge cases --------------------------------------------------


def ments(doc: str, spans: list[tuple[str, str]]) -> list[Mention]:
    """Mentions of `spans` ((surface, kind), in text order) in `doc`."""
    out, pos = [], 0
    for surface, kind in spans:
        start = doc.index(surface, pos)
        out.append(Mention(start, start + len(surface), surface, kind))
        pos = start + len(surface)
    return out


def groups(doc: str, spans: list[tuple[str, str]]) -> list[list[str]]:
    """The surfaces of each entity resolve_document makes, in order."""
    return [[m.text for m in e.mentions] for e in resolve_document(doc, ments(doc, spans))]


def test_three_spellings_of_pierre_marie_h_are_one_person() -> None:
    doc = "Pierre-Mar H was hired. Pierre Marie H. was paid. Pierre-Marie H said nothing."
    spans = [
        ("Pierre-Mar H", "person"),
        ("Pierre Marie H.", "person"),
        ("Pierre-Marie H", "person"),
    ]
    assert len(groups(doc, spans)) == 1


def test_mi5_and_mi6_in_one_document_stay_two_organisations() -> None:
    doc = "The Security Service (MI5) and the Secret Intelligence Service (MI6) met. MI5 left."
    spans = [
        ("Security Service", "organization"),
        ("MI5", "organization"),
        ("Secret Intelligence Service", "organization"),
        ("MI6", "organization"),
        ("MI5", "organization"),
    ]
    assert groups(doc, spans) == [
        ["Security Service", "MI5", "MI5"],
        ["Secret Intelligence Service", "MI6"],
    ]


def test_a_country_and_its_ruling_party_or_government_stay_apart() -> None:
    doc = "The Communist Party of China (CPC) rules China. The Government of Iraq asked Iraq."
    spans = [
        ("Communist Party of China", "organization"),
        ("CPC", "organization"),
        ("China", "place"),
        ("Government of Iraq", "organization"),
        ("Iraq", "place"),
    ]
    assert groups(doc, spans) == [
        ["Communist Party of China", "CPC"],
        ["China"],
        ["Government of Iraq"],
        ["Iraq"],
    ]


def test_two_people_sharing_a_surname_stay_apart() -> None:
    doc = "Wang Lei met Wang Jun. Later Wang Lei left."
    spans = [("Wang Lei", "person"), ("Wang Jun", "person"), ("Wang Lei", "person")]
    assert groups(doc, spans) == [["Wang Lei", "Wang Lei"], ["Wang Jun"]]


def test_acronym_and_short_form_join_their_full_names() -> None:
    doc = "Fiona McCallum of the Ministry of State Security spoke. McCallum said the MSS paid."
    spans = [
        ("Fiona McCallum", "person"),
        ("Ministry of State Security", "organization"),
        ("McCallum", "person"),
        ("MSS", "organization"),
    ]
    assert groups(doc, spans) == [
        ["Fiona McCallum", "McCallum"],
        ["Ministry of State Security", "MSS"],
    ]


def test_pet_name_and_middle_initial_join_within_a_document() -> None:
    doc = "Alexandra Younger spoke. Sandy Younger was right. Cheryl D. Mills and Cheryl Mills."
    spans = [
        ("Alexandra Younger", "person"),
        ("Sandy Younger", "person"),
        ("Cheryl D. Mills", "person"),
        ("Cheryl Mills", "person"),
    ]
    ents = resolve_document(doc, ments(doc, spans))
    assert [sorted(e.rules.values()) for e in ents] == [
        ["original", "pet name"],
        ["middle initial", "original"],
    ]


def test_pet_name_rule_needs_a_known_pair() -> None:
    assert person_rule("sandy younger", "alexandra younger") == "pet name"
    assert person_rule("bill burns", "william burns") == "pet name"
    assert person_rule("bill burns", "robert burns") is None
    assert person_rule("john a smith", "john b smith") is None
    assert person_rule("john a smith", "john smith") == "middle initial"


def test_surname_first_header_name_is_read_given_names_first() -> None:
    doc = "From: Mills, Cheryl D\n\nCheryl Mills met them. Thanks, Cheryl"
    spans = [("Mills, Cheryl D", "person"), ("Cheryl Mills", "person"), ("Cheryl", "person")]
    (ent,) = resolve_document(doc, ments(doc, spans))
    assert ent.rules == {
        "Mills, Cheryl D": "original",
        "Cheryl D Mills": "inverted",
        "Cheryl Mills": "middle initial",
        "Cheryl": "given name",
    }
    assert choose_name("person", None, [("Mills, Cheryl D", 2), ("Cheryl Mills", 1)]) == (
        "Cheryl Mills"
    )


def test_bracketed_translation_and_its_acronym_join() -> None:
    doc = (
        "the Federal Department of Justice and Police (Département fédéral de justice et "
        "police, DFJP) and the Paris Criminal Court (Tribunal correctionnel de Paris), and "
        "the Institut national des langues et civilisations orientales (Inalco)"
    )
    spans = [
        ("Federal Department of Justice and Police", "organization"),
        ("Département fédéral de justice et police", "organization"),
        ("DFJP", "organization"),
        ("Paris Criminal Court", "organization"),
        ("Tribunal correctionnel de Paris", "organization"),
        ("Institut national des langues et civilisations orientales", "organization"),
        ("Inalco", "organization"),
    ]
    assert [len(g) for g in groups(doc, spans)] == [3, 2, 2]


def test_news_agency_after_a_dateline_is_not_an_alias() -> None:
    doc = "GAZA (Reuters) - Talks stalled. ROME (Reuters) - Talks resumed."
    spans = [
        ("GAZA", "organization"),
        ("Reuters", "organization"),
        ("ROME", "organization"),
        ("Reuters", "organization"),
    ]
    assert groups(doc, spans) == [["GAZA"], ["Reuters", "Reuters"], ["ROME"]]


def test_nationality_embassy_joins_the_one_embassy_of_that_country() -> None:
    doc = "He met staff of the Embassy of China in Paris. The Chinese embassy declined."
    spans = [("Embassy of China in Paris", "organization"), ("Chinese embassy", "organization")]
    assert len(groups(doc, spans)) == 1
    doc = "the Embassy of Austria and the Australian embassy"
    spans = [("Embassy of Austria", "organization"), ("Australian embassy", "organization")]
    assert len(groups(doc, spans)) == 2


def test_an_initial_alone_joins_nobody() -> None:
    doc = "Derek H wrote. H replied."
    assert len(groups(doc, [("Derek H", "person"), ("H", "person")])) == 2


def test_case_match_by_full_names_only() -> None:
    # "Mitchell" picked up by George Mitchell's entity must not pull in Derek Mitchell.
    got = match_in_case(
        "person", {"derek j mitchell", "derek"}, [cand(1, "George Mitchell", "Mitchell", "Derek")]
    )
    assert got is None
    got = match_in_case("person", {"cheryl d mills"}, [cand(1, "Cheryl Mills", "Mills")])
    assert got == (1, "middle initial")
    assert match_in_case("person", {"h"}, [cand(1, "Derek H")]) is None


@pytest.mark.parametrize(
    ("acronym", "name", "fits"),
    [
        ("DGSE", "Directorate-General for External Security", True),
        ("fedpol", "Federal Office of Police", True),
        ("MI5", "Security Service", True),  # a designation with a digit
        ("AP", "PORT-AU-PRINCE", False),  # a dateline before the agency's byline
        ("AF", "Office of Public Diplomacy and Public Affairs", False),
    ],
)
def test_an_acronym_must_fit_the_name_it_defines(acronym: str, name: str, fits: bool) -> None:
    from casework.importers.resolve import acronym_fits

    assert acronym_fits(acronym, name) is fits


# -- stated records stay apart ------------------------------------------------------------


def stated_doc(*records: tuple[str, str]) -> tuple[str, list[Stated]]:
    """A document of one paragraph per (kind, name) record, each a stated entity."""
    text, stated = "", []
    for kind, name in records:
        if text:
            text += "\n\n"
        stated.append(Stated(kind, name, (), ((len(text), len(text) + len(name)),)))
        text += name
    return text, stated


@pytest.mark.parametrize(
    "records",
    [
        # nomenklatura-donations.ijson: two FtM Person records, merged by the surname rule
        [("person", "Herr Prof. Dr. Hermann Schnabel"), ("person", "Herr Prof. Dr. Schnabel")],
        [("person", "Hermann Schnabel"), ("person", "Hermann")],  # given name
        [("person", "Fiona McCallum"), ("person", "F. McCallum")],  # initials
        [("person", "Schnabel"), ("person", "Schnabel")],  # equal names, two records
        [("organization", "Ministry of State Security"), ("organization", "MSS")],
        [("organization", "Embassy of China"), ("organization", "Chinese embassy")],
    ],
)
def test_two_stated_records_never_join(records: list[tuple[str, str]]) -> None:
    text, stated = stated_doc(*records)
    ents = resolve_document(text, [], stated)
    assert [list(e.rules) for e in ents] == [[name] for _, name in records]


def test_stated_acronym_and_bracketed_records_stay_apart() -> None:
    text = "Directorate-General for External Security (DGSE)"
    stated = [
        Stated("organization", "Directorate-General for External Security", (), ((0, 41),)),
        Stated("organization", "DGSE", (), ((43, 47),)),
    ]
    assert len(resolve_document(text, [], stated)) == 2
    text = "Paris Criminal Court (Tribunal correctionnel de Paris)"
    stated = [
        Stated("organization", "Paris Criminal Court", (), ((0, 20),)),
        Stated("organization", "Tribunal correctionnel de Paris", (), ((22, 53),)),
    ]
    assert len(resolve_document(text, [], stated)) == 2


def test_an_extracted_mention_still_joins_a_stated_record() -> None:
    text, stated = stated_doc(("person", "Hermann Schnabel"), ("person", "Anna Berg"))
    text += "\n\nSchnabel paid. H. Schnabel signed. Hermann left."
    mentions = [
        m("Schnabel", text, "person", 1),
        m("H. Schnabel", text, "person"),
        m("Hermann", text, "person", 1),
    ]
    ents = resolve_document(text, mentions, stated)
    assert len(ents) == 2
    assert ents[0].rules == {
        "Hermann Schnabel": "original",
        "H. Schnabel": "initials",
        "Schnabel": "surname",
        "Hermann": "given name",
    }


# -- initials never stand for a different spelled-out name (FOIA e-mails) ----------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jacob J", "J. Jeffrey"),  # a surname initial against a given-name initial
        ("Jennifer J", "J Jeffrey"),
        ("Joshua J", "Jeffrey, J"),
        ("Jacob J", "Jim Jeffrey"),
        ("D'sa", "David S"),  # "D sa" / "David S": crossed the same way
        ("NEWS-Korea", "N. Korea"),  # N. is North: a place extraction took for a person
        ("Nancy Korea", "N. Korea"),
        ("Sam Sudan", "S. Sudan"),
    ],
)
def test_initials_do_not_cross_or_expand_a_compass_point(a: str, b: str) -> None:
    assert person_rule(person_norm(a), person_norm(b)) is None
    assert person_rule(person_norm(b), person_norm(a)) is None


def test_initials_in_the_given_names_may_cross() -> None:
    # J. Christopher Stevens is John Christopher Stevens: the surname is spelled out in both.
    assert person_rule("j christopher stevens", "john c stevens") == "initials"
    assert person_rule("jim j", "jim jeffrey") == "initials"


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        # Jim Jeffrey's entity (FOIA): a short form it holds is no way in for others.
        ({"jacob j"}, ("Jim Jeffrey", "James F. Jeffrey", "J. Jeffrey", "Jim J")),
        ({"jennifer j"}, ("Jim Jeffrey", "Jeffrey, J")),
        ({"jim johnson"}, ("Jim Jeffrey", "Jim J")),
        ({"jim johnson", "jim j"}, ("Jim Jeffrey", "Jim J")),  # an equal short alias
        ({"derek h"}, ("Daniel H", "D H")),
        ({"news korea"}, ("N. Korea", "Korea")),
    ],
)
def test_case_match_refuses_a_short_form_bridge(mine: set[str], theirs: tuple[str, ...]) -> None:
    c = CaseCandidate(1, tuple(person_norm(n) for n in theirs), 627)
    assert match_in_case("person", mine, [c]) is None


def test_case_match_still_joins_consistent_short_forms() -> None:
    c = CaseCandidate(1, tuple(person_norm(n) for n in ("Jim Jeffrey", "Jeffrey, James F")), 9)
    assert match_in_case("person", {"jim j"}, [c]) == (1, "initials")
    assert match_in_case("person", {"j jeffrey"}, [c]) == (1, "initials")
    assert match_in_case("person", {"james jeffrey"}, [c]) == (1, "pet name")
    # written surname first, "Feltman Jeffrey D" does not count against "Jeff Feltman"
    c = CaseCandidate(2, ("jeffrey feltman", "feltman jeffrey d", "jeffrey d feltman"), 9)
    assert match_in_case("person", {"jeff feltman"}, [c]) == (2, "truncation")
    # nor "burns william j" (Burns, William J) against "Bill Burns": B is not the given name
    c = CaseCandidate(3, ("william j burns", "burns william j", "burns william"), 9)
    assert match_in_case("person", {"bill burns"}, [c]) == (3, "middle initial")
    c = CaseCandidate(4, ("alyce abdalla", "abdalla alyce n", "alyce n abdalla"), 9)
    assert match_in_case("person", {"abdalla alyce n"}, [c]) == (4, "normalised")


def test_a_short_form_in_a_document_bridges_nobody() -> None:
    doc = "J. Jeffrey arrived. Jim Jeffrey spoke. Jacob J wrote."
    spans = [("J. Jeffrey", "person"), ("Jim Jeffrey", "person"), ("Jacob J", "person")]
    assert groups(doc, spans) == [["J. Jeffrey", "Jim Jeffrey"], ["Jacob J"]]
    # "Jim J" takes Jim Jeffrey, and then is no bridge to Jim Johnson
    doc = "Jim J arrived. Jim Jeffrey spoke. Jim Johnson left."
    spans = [("Jim J", "person"), ("Jim Jeffrey", "person"), ("Jim Johnson", "person")]
    assert groups(doc, spans) == [["Jim J", "Jim Jeffrey"], ["Jim Johnson"]]


def test_stated_names_that_are_not_records_may_join() -> None:
    # e-mail header parties are keyed by spelling: "Cc: Meier" is Edward F Meier's surname
    text = "From: Meier, Edward F\nCc: Meier"
    stated = [
        Stated("person", "Edward F Meier", (), ((6, 21),), record=False),
        Stated("person", "Meier", (), ((26, 31),), record=False),
    ]
    (ent,) = resolve_document(text, [], stated)
    assert ent.rules["Meier"] == "surname"
    # as records (an FtM file, a table), the same two stay apart
    records = [Stated(s.kind, s.name, s.aliases, s.spans) for s in stated]
    assert len(resolve_document(text, [], records)) == 2


def test_compass_countries_are_the_gazetteers() -> None:
    from casework.importers.extract.lexicon import lexicon
    from casework.importers.resolve import COMPASS_COUNTRIES

    found = {
        f"{word[0].lower()} {normalise_name(name[len(word) + 1 :])}"
        for name, place in lexicon().places.items()
        if place.klass in ("country", "continent")
        for word in ("North", "South", "East", "West")
        if name.startswith(word + " ") and " " not in name[len(word) + 1 :]
    }
    assert found == COMPASS_COUNTRIES
