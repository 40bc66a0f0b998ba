"""Names, organisations and places found by the rule extractor, on small strings."""

from __future__ import annotations

import itertools

import pytest

from casework.importers.extract.base import Mention
from casework.importers.extract.rules import RuleExtractor, default_extractor


def found(text: str) -> list[tuple[str, str]]:
    """(surface, kind) of every mention, in order."""
    return [(m.text, m.kind) for m in default_extractor().extract(text)]


def kinds_of(text: str, kind: str) -> list[str]:
    """Surfaces of the mentions of one kind."""
    return [m.text for m in default_extractor().extract(text) if m.kind == kind]


# ------------------------------------------------------------------ the contract


def test_name_and_shared_instance() -> None:
    assert RuleExtractor.name == "rules"
    assert default_extractor() is default_extractor()


def test_mentions_are_sorted_non_overlapping_and_exact() -> None:
    text = (
        "Judge Marc Durand told the Paris Criminal Court on 22 December 2017 that the DGSE's "
        "officer Henri M. received €120,000 in Switzerland. Durand said so."
    )
    ms = default_extractor().extract(text)
    assert ms, "expected mentions"
    assert all(isinstance(m, Mention) and m.extractor == "rules" for m in ms)
    assert all(text[m.start : m.end] == m.text for m in ms)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ms))


def test_empty_and_lowercase_text() -> None:
    assert default_extractor().extract("") == []
    assert default_extractor().extract("nothing here but lowercase words.") == []


# ------------------------------------------------------------------ people


@pytest.mark.parametrize(
    "name",
    ["Fiona McCallum", "Pierre-Marie Hamel", "Hélène Müller", "Wang Lei", "Priya Ramanathan"],
)
def test_full_names(name: str) -> None:
    assert kinds_of(f"Yesterday {name} arrived in town.", "person") == [name]


@pytest.mark.parametrize(
    "name", ["Henri M.", "Pierre-Marie H.", "Pierre-Mar H", "F. McCallum", "J. R. R. Tolkien"]
)
def test_partial_names_with_initials(name: str) -> None:
    assert kinds_of(f"The file says that {name} met the officer.", "person") == [name]


def test_quoted_partial_name() -> None:
    text = 'One of the men, "Pierre Marie H.", was arrested.'
    assert kinds_of(text, "person") == ["Pierre Marie H."]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Judge Marc Durand read the verdict.", "Marc Durand"),
        ("They met Mr Durand at noon.", "Durand"),
        ("The report by Dr. Smith was late.", "Smith"),
        ("Orders came from Colonel X last week.", "X"),
        ("MI5 chief Ken McCallum warned of the threat.", "Ken McCallum"),
        ("Foreign Secretary Boris Johnson met them.", "Boris Johnson"),
        ("Secretary of State John Kerry called.", "John Kerry"),
        ("It was built under King Nebuchadnezzar II.", "Nebuchadnezzar II"),
    ],
)
def test_titles_are_context_not_span(text: str, person: str) -> None:
    assert kinds_of(text, "person") == [person]


def test_title_alone_is_nothing() -> None:
    assert found("Daniel Ashcombe, Minister for Security, answered.") == [
        ("Daniel Ashcombe", "person")
    ]


def test_surname_after_full_name() -> None:
    text = "Marc Durand presided. Durand said the men had lied. Later Durand left."
    assert kinds_of(text, "person") == ["Marc Durand", "Durand", "Durand"]


def test_surname_before_full_name_is_resolved_too() -> None:
    text = "Durand spoke first. The presiding judge, Marc Durand, then read the verdict."
    assert kinds_of(text, "person") == ["Durand", "Marc Durand"]


def test_first_name_after_full_name() -> None:
    text = "To: Claire Vasseur\nCc: Tom Hartigan\n\nClaire,\nTom will send the note today."
    assert kinds_of(text, "person") == ["Claire Vasseur", "Tom Hartigan", "Claire", "Tom"]


def test_all_caps_speaker_label_of_known_person() -> None:
    text = "Reporter: Inès Roussel\n\nROUSSEL (live): The court has ruled."
    assert kinds_of(text, "person") == ["Inès Roussel", "ROUSSEL"]


def test_quotation_attribution() -> None:
    assert kinds_of('"We are ready," said Burns.', "person") == ["Burns"]


def test_nickname_inside_name() -> None:
    text = 'Brig. Gen. Richard "Tex" Coe will brief.'
    assert kinds_of(text, "person") == ['Richard "Tex" Coe']


# ------------------------------------------------------------------ organisations


@pytest.mark.parametrize(
    "org",
    [
        "Ministry of the Armed Forces",
        "Paris Criminal Court",
        "Halden Risk Advisory",
        "Bank Lindenhof AG",
        "Golden Harbour Trading Limited",
        "Federal Office of Police",
        "Intelligence and Security Committee of Parliament",
        "Syrian Democratic Forces",
        "House of Commons",
    ],
)
def test_organisation_names(org: str) -> None:
    assert kinds_of(f"A statement from the {org} followed.", "organization") == [org]


def test_embassy_of_country_in_city() -> None:
    text = "He met a first secretary at the Embassy of China in Paris."
    assert found(text) == [("Embassy of China in Paris", "organization")]


def test_demonym_embassy() -> None:
    assert found("The Chinese embassy declined to comment.") == [
        ("Chinese embassy", "organization")
    ]


def test_definition_gives_name_and_acronym() -> None:
    text = "He served in the Directorate-General for External Security (DGSE) for years."
    assert found(text) == [
        ("Directorate-General for External Security", "organization"),
        ("DGSE", "organization"),
    ]


@pytest.mark.parametrize("acronym", ["DGSE", "MI5", "MSS", "NATO", "CENTCOM"])
def test_acronyms_are_organisations(acronym: str) -> None:
    assert found(f"Officials of {acronym} declined to comment.") == [(acronym, "organization")]


def test_possessive_is_not_in_span() -> None:
    assert found("The DGSE's budget grew.") == [("DGSE", "organization")]
    assert found("They doubted the Kremlin's account.") == [("Kremlin", "organization")]


def test_news_outlets() -> None:
    assert kinds_of("Two sources told Reuters on Friday.", "organization") == ["Reuters"]
    assert kinds_of("By Martin Ashdown, The Evening Courier", "organization") == [
        "The Evening Courier"
    ]
    assert kinds_of("an interview with Radio Lutèce", "organization") == ["Radio Lutèce"]
    assert kinds_of("as reported by Le Quotidien de Paris", "organization") == [
        "Le Quotidien de Paris"
    ]


def test_french_institution_names() -> None:
    text = "the Tribunal correctionnel de Paris heard the case"
    assert found(text) == [("Tribunal correctionnel de Paris", "organization")]
    text = "he studied at the Institut national des langues et civilisations orientales (Inalco)"
    assert found(text) == [
        ("Institut national des langues et civilisations orientales", "organization"),
        ("Inalco", "organization"),
    ]
    assert found("a house in the Département du Rhône") == [("Département du Rhône", "place")]


def test_military_unit_numbers() -> None:
    text = "Airmen of the 158th Fighter Wing joined the 3rd Battalion."
    assert kinds_of(text, "organization") == ["158th Fighter Wing", "3rd Battalion"]


# ------------------------------------------------------------------ places


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("He flew to Paris on business.", "Paris", "Paris"),
        ("Relations with the UK have cooled.", "UK", "United Kingdom"),
        ("Officials in the US said so.", "US", "United States"),
        ("Troops of the United States left.", "United States", "United States"),
        ("Fighting in Raqqa continued.", "Raqqa", "Ar Raqqah"),
        ("A deal for the Middle East was signed.", "Middle East", "Middle East"),
        ("The river crosses Europe.", "Europe", "Europe"),
    ],
)
def test_gazetteer_places(text: str, surface: str, value: str) -> None:
    places = [m for m in default_extractor().extract(text) if m.kind == "place"]
    assert [(m.text, m.value) for m in places] == [(surface, value)]


def test_unknown_place_by_context() -> None:
    assert found("Near Ayn Isa, one strike destroyed a vehicle.") == [("Ayn Isa", "place")]
    assert kinds_of("Booker, of Cibolo, Texas, died.", "place") == ["Cibolo", "Texas"]


def test_place_suffix_and_prefix() -> None:
    assert found("a strike near Tabqa Dam today") == [("Tabqa Dam", "place")]
    assert found("residents of Camp Hurriya left") == [("Camp Hurriya", "place")]


def test_person_named_like_a_town() -> None:
    assert kinds_of("Lucas Mercier presents. Thanks, Lucas.", "person") == [
        "Lucas Mercier",
        "Lucas",
    ]


# ------------------------------------------------------------------ junk


@pytest.mark.parametrize(
    "text",
    [
        "However, the results were late.",
        "Interestingly, nobody came.",
        "The meeting ended. In the end, According to them it failed.",
        "On Monday in January they met.",
        "CONFIDENTIAL\nSUBJECT: budget\nUNCLASSIFIED",
        "From: somebody\nSubject: hello\nSent: later",
        "Q: Were you surprised?\nA: Yes.",
        "Chapter IV and Section XII apply.",
        "I think I know.",
        "The French and the Chinese disagreed; Mandarin is spoken.",
        "TRANSCRIPT OF RECORDED INTERVIEW",
        "Original Message",
        "USS Mahan sailed on.",
    ],
)
def test_junk_is_not_an_entity(text: str) -> None:
    names = [(t, k) for t, k in found(text) if k in ("person", "organization", "place")]
    assert names == []


def test_demonyms_never_emitted() -> None:
    text = "French, Chinese, British and Syrian officials met Iraqi Kurds."
    assert kinds_of(text, "person") == []
    assert kinds_of(text, "organization") == []
    assert kinds_of(text, "place") == []


def test_heading_place_in_capitals() -> None:
    text = "PARIS, 10 July 2020 (Albion Wire) — A court ruled."
    assert found(text)[:2] == [("PARIS", "place"), ("10 July 2020", "date")]


# ------------------------------------------------------------------ noise in real case files


@pytest.mark.parametrize(
    "text",
    [
        "      UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765918 "
        "Date: 08/31/2015",
        "From: H <HDR22@clintonemail.com>\nSent: Sun Jul 25 20:49:54 2010",
        "U.S. Department of State   SUBJECT TO AGREEMENT ON SENSITIVE INFORMATION & REDACTIONS.",
        "SBU\nThis email is UNCLASSIFIED.",
        "Sent: Friday, December 4, 2009 3:57 PM Eastern Standard Time",
        "RELEASE IN PART B6",
        "Importance: High\nAttachments: notes.docx",
    ],
)
def test_foia_artefacts_are_not_names(text: str) -> None:
    names = [(t, k) for t, k in found(text) if k in ("person", "organization", "place")]
    assert names in ([], [("U.S. Department of State", "organization")])


def test_release_stamp_gives_no_mention_at_all() -> None:
    stamp = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765918 "
    assert found(stamp + "Date: 08/31/2015\nHe met Kofi Annan.") == [("Kofi Annan", "person")]


def test_capitalised_schedule_words_split_names() -> None:
    text = "8:25 am ARRIVE State Department\n12:30 pm DEPART Private Residence"
    assert kinds_of(text, "organization") == ["State Department"]


def test_new_starts_known_names() -> None:
    assert found("He flew to New York to see the New York Times.") == [
        ("New York", "place"),
        ("New York Times", "organization"),
    ]


def test_mail_header_names_written_surname_first() -> None:
    text = "From: Mills, Cheryl D <MillsCD@state.gov>\nTo: Sullivan, Jacob J; Abedin, Huma\n"
    assert found(text) == [
        ("Mills, Cheryl D", "person"),
        ("Sullivan, Jacob J", "person"),
        ("Abedin, Huma", "person"),
    ]
    assert kinds_of("Cc: Paris, France", "person") == []


def test_header_label_is_not_a_place_cue() -> None:
    assert kinds_of("From: Kennedy, Patrick F\nKennedy called.", "place") == []


def test_person_named_like_a_small_town_is_no_place_without_a_cue() -> None:
    text = "Bill Clinton's coalition held. The brand that Clinton built lasted."
    assert found(text) == [("Bill Clinton", "person"), ("Clinton", "person")]
    assert kinds_of("He lives in Clinton, Iowa.", "place") == ["Clinton", "Iowa"]


# ------------------------------------------------------------------ groups and regions


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Iraqi security forces have made progress.", "Iraqi security forces"),
        ("a setback for the Syrian opposition today", "Syrian opposition"),
        ("airstrikes by the Asad regime continued", "Asad regime"),
        ("On Jan. 8, Coalition military forces conducted strikes.", "Coalition military forces"),
        ("strikes against ISIL fighters near the town", "ISIL fighters"),
        ("the role the counter-ISIL coalition can play", "counter-ISIL coalition"),
        ("in support of the government of Iraq, they", "government of Iraq"),
        ("U.S. forces will join the exercise.", "U.S. forces"),
        ("They requested support from the Coalition.", "Coalition"),
    ],
)
def test_organised_groups_named_by_a_name(text: str, org: str) -> None:
    assert kinds_of(text, "organization") == [org]


@pytest.mark.parametrize(
    "text",
    [
        "the French authorities have not commented",
        "working with its French partners on this",
        "the Chinese intelligence service declined",
        "The Court has taken into account his age.",
    ],
)
def test_nationalities_and_back_references_are_no_organisations(text: str) -> None:
    assert kinds_of(text, "organization") == []


def test_government_of_a_country_and_its_people_are_two_things() -> None:
    text = "support of the Government of Iraq and the Iraqi people in their fight"
    assert kinds_of(text, "organization") == ["Government of Iraq"]


def test_compass_word_makes_a_region() -> None:
    assert found("He was killed in northern Iraq.") == [("northern Iraq", "place")]
    assert found("a ceasefire in Eastern Ukraine") == [("Eastern Ukraine", "place")]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("loader.\n.      Near Palmyra, one strike destroyed a tank.", "Palmyra"),
        ("the Syrian town of Dabiq was freed", "Dabiq"),
        ("welcomes the liberation of Tikrit today", "Tikrit"),
        ("the rehabilitation of the Ishtar Gate began", "Ishtar Gate"),
        ("a deployment to Andrews Air Force Base soon", "Andrews Air Force Base"),
    ],
)
def test_places_by_context_and_head_word(text: str, place: str) -> None:
    assert kinds_of(text, "place") == [place]


def test_office_of_an_organisation_is_not_a_person() -> None:
    assert found("Commander of CJTF-OIR said") == [("CJTF-OIR", "organization")]


def test_lowercase_short_form_defined_in_brackets() -> None:
    text = "the Federal Office of Police (fedpol) heard him.\nInspector Stefan Aebi, fedpol"
    assert kinds_of(text, "organization") == ["Federal Office of Police", "fedpol", "fedpol"]
    assert kinds_of("the Ministry of Defence (formerly) said", "organization") == [
        "Ministry of Defence"
    ]


def test_date_and_money_windows_skip_release_stamps() -> None:
    from casework.importers.extract.rules import _outside

    stamps = [(10, 20), (30, 40)]
    assert _outside([(0, 5), (8, 25), (12, 18), (28, 50), (60, 70)], stamps) == [
        (0, 5),
        (8, 10),
        (20, 25),
        (28, 30),
        (40, 50),
        (60, 70),
    ]
    text = (
        "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765918 "
        "Date: 08/31/2015\nSent: Friday, July 10, 2009 4:30 PM\n"
    )
    found = [(m.text, m.kind) for m in RuleExtractor().extract(text)]
    assert ("Friday, July 10, 2009", "date") in found
    assert not any("2015" in t or "2014" in t for t, _ in found)  # the stamp's own numbers
