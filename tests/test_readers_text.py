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
