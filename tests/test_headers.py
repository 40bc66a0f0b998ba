"""E-mail header parties: who wrote to whom, from .eml text and OCR'd FOIA headers."""

from __future__ import annotations

import pytest

from casework.importers.headers import (
    first_message,
    header_parties,
    is_banner,
    parse_parties,
    sent_date,
    strip_marks,
)

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


# -- the first message's subject and date -----------------------------------------------


def test_first_message_is_the_top_block_not_the_quoted_one() -> None:
    head = first_message(FOIA)
    assert head is not None
    assert head.subject == "Re: Note for Secretary"
    assert head.sent == "Monday, April 13, 2009 11:09 AM"
    assert FOIA[head.start :].startswith("From:")


def test_ocr_headers_without_colons_and_with_redaction_codes() -> None:
    text = (
        "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05000001 "
        "Date: 08/31/2015\n\n          RELEASE IN PART B6\n\n"
        "From:                    Sullivan, Jacob J <SullivanJJ@state.gov>\n"
        ". Sent                   Friday, December 4, 20093:31 AM          B6\n"
        "To:\n"
        "Subject                  Iran                                      B6\n\n"
        "The EU meets in the coming days.\n"
    )
    head = first_message(text)
    assert head is not None
    assert head.subject == "Iran"
    assert sent_date(head.sent) == "2009-12-04"


def test_a_memo_names_itself_in_re_and_a_bare_reply_names_nothing() -> None:
    memo = "CONFIDENTIAL\n\n  For: Hillary\n  From: Sid\n  Re: Libya security\n\nSOURCE: x\n"
    head = first_message(memo)
    assert head is not None and head.subject == "Libya security" and head.sent is None
    reply = "From: Russo, Robert V\nSent: Monday, January 16, 2012 1:09 PM\nSubject:   Re:   B6\n"
    head = first_message(reply)
    assert head is not None and head.subject is None


def test_prose_is_not_a_header_block() -> None:
    assert first_message("Subject to approval, the plan goes ahead.\nTo be decided.\n") is None
    assert first_message("From the start we knew.\nDate night was Friday.\n") is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("Monday, April 13, 2009 11:09 AM", "2009-04-13"),
        ("Wednesday, August 08, 2012 11:57 AM", "2012-08-08"),
        ("Friday, December 4,2009 3:31 AM", "2009-12-04"),
        ("Sunday, May 1, 201112:36 PM", "2011-05-01"),
        ("19/10/2012 07:36 PM", "2012-10-19"),
        ("Mon, 13 Jul 2020 18:30:00 +0200", "2020-07-13"),
        ("Monday, Se•tember 21, 2009 8:19 AM", None),  # OCR lost the month
        ("December 2009", None),  # a month is not the day a message was sent
        ("", None),
        (None, None),
    ],
)
def test_sent_date(value: str | None, iso: str | None) -> None:
    assert sent_date(value) == iso


@pytest.mark.parametrize(
    ("line", "banner"),
    [
        ("UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765907", True),
        ("U.S. Department of State Case No. F-2014-20439 Doc No. C05765907 Date: 08/31/2015", True),
        ("RELEASE IN FULL", True),
        ("RELEASE IN PART B5", True),
        ("RELEASE", True),
        ("PART B6", True),
        ("B1,1.4(B),1.4(D)", True),
        ("CONFIDENTIAL", True),
        ("SENSITIVE BUT UNCLASSIFIED/FOR OFFICIAL USE ONLY", True),
        ("Classified by DAS, A/GIS, DoS on 08/27/2015 — Class: CONFIDENTIAL", True),
        ("Date: 08/31/2015", True),
        ("2", True),
        ("Fw: Karzai Press Conference (UNCLASSIFIED)", False),
        ("In case no one calls, go ahead.", False),
        ("SECRET DEALS IN PARIS", False),
        ("PART ONE: the arrest", False),
        ("Unclassified documents show the plan", False),
    ],
)
def test_is_banner(line: str, banner: bool) -> None:
    assert is_banner(line) is banner


@pytest.mark.parametrize(
    ("line", "stripped"),
    [
        ("Talking Points                      RELEASE IN FULL", "Talking Points"),
        ("Beyond the Earthquake:     [RELEASE IN PART B6", "Beyond the Earthquake:"),
        ("Fw: Update      Classified by DAS, A/GIS, DoS on 12/31/2015 - Class:", "Fw: Update"),
        (
            "Fw: Israel readout          — Class: CONFIDENTIAL — Reason: 1.4(B),",
            "Fw: Israel readout",
        ),
        ("Iran                              B6", "Iran"),
        ("Release the hostages now", "Release the hostages now"),
        ("Plan B6 is ready", "Plan B6 is ready"),
    ],
)
def test_strip_marks_takes_a_column_mark_off_a_line(line: str, stripped: str) -> None:
    assert strip_marks(line) == stripped


def test_long_runs_of_spaces_stay_linear() -> None:
    """OCR lines hold long runs of spaces; trying every split of each run was quadratic."""
    import time

    line = ("word" + " " * 3_000) * 6 + "end"  # within HEAD_SCAN
    start = time.perf_counter()
    assert strip_marks(line) == line
    assert not is_banner(line)
    head = first_message(f"From: a\nSubject: {line}\n")
    assert head is not None and head.subject == line
    assert time.perf_counter() - start < 1
