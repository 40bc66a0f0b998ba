"""Plain text: charset detection on short Western text, which is ambiguous between code pages."""

from __future__ import annotations

import pytest

from casework.importers.readers.text import read_markdown, read_text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café", "latin-1"),  # 4 bytes: also "valid" UTF-16, cp037, cp1006...
        ("Zoë", "latin-1"),
        ("Résumé of Zoë", "cp1252"),
        ("€500 paid", "cp1252"),
        ("«Bonjour» dit-il.", "cp1252"),
    ],
)
def test_short_western_text_is_read_as_a_western_code_page(text: str, encoding: str) -> None:
    result = read_text(text.encode(encoding), name="note.txt")
    assert result.text == text
    assert result.encoding in ("cp1252", "latin_1", "iso8859_15")


def test_short_latin1_markdown_keeps_its_accents() -> None:
    result = read_markdown("# Titre\n\nCafé".encode("latin-1"), name="note.md")
    assert result.text == "# Titre\n\nCafé"
    assert result.title == "Titre"


def test_cyrillic_and_greek_are_not_taken_for_western() -> None:
    for text, encoding in [
        ("Иван Петров встретил Ольгу Смирнову в Киеве в 2019 году.", "cp1251"),
        ("Ο Γιώργος ζει στην Αθήνα και εργάζεται στο υπουργείο.", "cp1253"),
    ]:
        assert read_text(text.encode(encoding), name="x.txt").text == text


FOIA_PAGE = """      UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05000002 Date: 08/31/2015

                                                                RELEASE IN FULL

From:                           Verma, Richard R <VermaRR@state.gov>
Sent:                           Monday, December 21, 2009 4:02 PM
To:                             H; Burns, William J
{subject}
Arlen Specter would like to speak to either of you.

      UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05000002 Date: 08/31/2015
"""


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Subject:                        Hikers held by Iran", "Hikers held by Iran"),
        ("Subject                         Hikers held by Iran", "Hikers held by Iran"),  # OCR
        ("", "Arlen Specter would like to speak to either of you."),  # no subject: the body
        ("Subject:   Re:                                       B6", "Arlen Specter would"),
    ],
)
def test_foia_release_is_titled_by_its_subject_and_dated_by_its_sent_header(
    subject: str, title: str
) -> None:
    result = read_text(FOIA_PAGE.format(subject=subject).encode(), name="C05000002.txt")
    assert result.title is not None and result.title.startswith(title)
    assert result.published == "2009-12-21"  # not the banner's release date


def test_a_release_without_headers_is_titled_by_its_first_real_line() -> None:
    page = (
        "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05000003 "
        "Date: 02/13/2016\n\n   RELEASE IN\n   PART B6\n\n   CONFIDENTIAL\n\n"
        "   January 25, 2013\n\n"
        "A POSSIBLE US DIPLOMATIC INITIATIVE\n\nGeorgia-Russia relations are frozen.\n"
    )
    result = read_text(page.encode(), name="C05000003.txt")
    assert result.title == "January 25, 2013"
    assert result.published is None  # a date line is not a Sent header


def test_plain_text_keeps_its_first_line_and_no_date() -> None:
    result = read_text(b"Minutes of the board\n\nDate night was Friday.\n", name="m.txt")
    assert result.title == "Minutes of the board" and result.published is None


def test_email_saved_as_markdown_is_dated_too() -> None:
    text = "From: Claire Vasseur\nDate: Mon, 13 Jul 2020 18:30:00 +0200\nSubject: Paris\n\nHi"
    result = read_markdown(text.encode(), name="mail.md")
    assert (result.title, result.published) == ("Paris", "2020-07-13")


def test_release_title_skips_quoted_headers_and_column_marks() -> None:
    page = (
        "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05000004\n\n"
        "From:          H <hrod17@example.com>\n"
        "Sent:          Sunday, November 27, 2011 9:08 AM\n"
        "Subject:       Re:                      Class: CONFIDENTIAL — Reason: 1.4(D)\n\n"
        "     Original Message -----\n"
        "From: H [mailto:hdr22@example.com]\n"
        "Sent: Sunday, November 27, 2011 08:00 AM\n\n"
        "FYI -    on the      talks                         RELEASE IN PART B1\n"
    )
    result = read_text(page.encode(), name="C05000004.txt")
    assert (result.title, result.published) == ("FYI - on the talks", "2011-11-27")
