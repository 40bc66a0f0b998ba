"""E-mail header parties: who wrote to whom, from .eml text and OCR'd FOIA headers."""

from __future__ import annotations

import pytest

from casework.importers.headers import header_parties, parse_parties

FOIA = """      UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05758398

From:                             H <hrod17@clintonemail.com>
Sent:                             Monday, April 13, 2009 11:09 AM
To:                               'millscd@state.gov'
Subject:                          Re: Note for Secretary

Let's do Patsy. I'm ready.

    Original Message
From: Mills, Cheryl D <MillsCD@state.gov>
To: H
Cc: Abedin, Huma <AbedinH@state.gov>
Subject: FW: Note for Secretary

Print for HRC
"""


def names(text: str) -> dict[str, list[str]]:
    entities, spans, _ = header_parties(text)
    kinds = {e.key: e for e in entities}
    out: dict[str, list[str]] = {}
    for sp in spans:
        out.setdefault(kinds[sp.key].name, []).append(text[sp.start : sp.end])
    return out


def test_foia_headers_give_people_addresses_and_who_wrote_to_whom() -> None:
    entities, _, relations = header_parties(FOIA)
    by_key = {e.key: e for e in entities}
    assert {(e.kind, e.name) for e in entities} == {
        ("person", "H"),
        ("email", "hrod17@clintonemail.com"),
        ("email", "millscd@state.gov"),
        ("person", "Cheryl D Mills"),
        ("person", "Huma Abedin"),
        ("email", "abedinh@state.gov"),
    }
    # Spans are the name as written, at its place in the text.
    assert names(FOIA)["Cheryl D Mills"] == ["Mills, Cheryl D"]
    assert names(FOIA)["millscd@state.gov"] == ["millscd@state.gov", "MillsCD@state.gov"]
    rel = {(by_key[r.a].name, r.relation, by_key[r.b].name) for r in relations}
    assert ("H", "wrote to", "millscd@state.gov") in rel
    assert ("Cheryl D Mills", "wrote to", "H") in rel
    assert ("Cheryl D Mills", "wrote to", "Huma Abedin") in rel
    assert ("Cheryl D Mills", "uses address", "millscd@state.gov") in rel
    # Evidence: each relation's span is in the header block that states it.
    for r in relations:
        assert FOIA[r.start : r.end].strip()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Mills, Cheryl D <MillsCD@state.gov>, Sullivan, Jacob J <SullivanJJ@state.gov>",
            [("Cheryl D Mills", "millscd@state.gov"), ("Jacob J Sullivan", "sullivanjj@state.gov")],
        ),
        (
            "Haiti DLC Distro; Schwartz, Eric P; Powell, Catherine",
            [("Eric P Schwartz", None), ("Catherine Powell", None)],
        ),
        ("'cheryl.mills          Mills, Cheryl D            B6", [("Cheryl D Mills", None)]),
        ("Manzanares, 3 Robert (Bob)", []),  # OCR digits: not a name we trust
        ("Samantha_J._Powe", []),  # a user id
        ('"Claire Vasseur" <claire@example.org>', [("Claire Vasseur", "claire@example.org")]),
        ("undisclosed-recipients:;", []),
        # Outlook's bracketed address, also when redacted or cut short, and a comment.
        (
            "Mills, Cheryl D [mailto:MillsCD@state.gov], H [mailto:HDR22@clintonemail.com]",
            [("Cheryl D Mills", "millscd@state.gov"), ("H", "hdr22@clintonemail.com")],
        ),
        ("David Domenici [mailto:", [("David Domenici", None)]),
        ("PIR <preines", [("PIR", None)]),
        ("Klobuchar, Amy (Klobuchar)", [("Amy Klobuchar", None)]),
        ("'Jake.Sullivan", [("Jake Sullivan", None)]),
        # Distribution lists, mailboxes and user ids are not people.
        ("NEWS-Mahogany; NEA-Press-DL; SES-O; PA-Monitoring-Group-DL", []),
        ("OpsNewsTicker; OpsAlert; HAbedin; BStrider; Terry.duffy", []),
        (
            "McHale, Judith A; DiMartino; Barks-Ruggles, Erica J; Ban Ki-moon; O'Neill",
            [
                ("Judith A McHale", None),
                ("DiMartino", None),
                ("Erica J Barks-Ruggles", None),
                ("Ban Ki-moon", None),
                ("O'Neill", None),
            ],
        ),
    ],
)
def test_parse_parties(value: str, expected: list[tuple[str | None, str | None]]) -> None:
    assert [(p.name, p.address) for p in parse_parties(value)] == expected


def test_outlook_mailto_headers_link_the_sender_to_the_address() -> None:
    text = (
        "From: Mills, Cheryl D [mailto:MillsCD@state.gov]\n"
        "Sent: Friday, December 4, 2009 9:35 AM\n"
        "To: H; NEWS-Mahogany\n"
        "Subject: FW: trip\n"
    )
    entities, _, relations = header_parties(text)
    by_key = {e.key: e for e in entities}
    assert {(e.kind, e.name) for e in entities} == {
        ("person", "Cheryl D Mills"),
        ("email", "millscd@state.gov"),
        ("person", "H"),
    }
    rel = {(by_key[r.a].name, r.relation, by_key[r.b].name) for r in relations}
    assert rel == {
        ("Cheryl D Mills", "uses address", "millscd@state.gov"),
        ("Cheryl D Mills", "wrote to", "H"),
    }


def test_only_blocks_with_a_sender_count() -> None:
    assert header_parties("To: Claire Vasseur\nSubject: lunch\n\nSee you.") == ([], [], [])


def test_quoted_reply_headers_are_read_too() -> None:
    text = "> From: Claire Vasseur\n> To: Fiona McCallum\n> Date: 13 July 2020\n\n> Hello"
    entities, _, relations = header_parties(text)
    assert {e.name for e in entities} == {"Claire Vasseur", "Fiona McCallum"}
    assert [r.relation for r in relations] == ["wrote to"]


def test_upper_case_headers_count_too() -> None:
    from casework.importers.headers import has_headers

    text = "FROM: Claire Vasseur\nTO: Fiona McCallum\n\nHello"
    assert has_headers(text)
    assert not has_headers("A letter from Paris: nothing here.")
    assert {e.name for e in header_parties(text)[0]} == {"Claire Vasseur", "Fiona McCallum"}


def test_a_big_mailbox_of_headers_is_parsed_in_linear_time() -> None:
    """Each header line's line number was counted from the start of the text: quadratic.

    A 10,000-message mailbox took minutes and hit the import's time limit.
    """
    import time

    message = "From: Claire Vasseur <c@example.org>\nTo: Fiona McCallum\nSubject: n\n\nHello.\n\n"
    text = message * 20_000
    started = time.perf_counter()
    _, spans, relations = header_parties(text)
    assert time.perf_counter() - started < 5
    assert len(spans) == 3 * 20_000
    assert {r.relation for r in relations} == {"wrote to", "uses address"}
