"""Property tests over hostile text: controls, format and bidi characters, markup.

Stored text is evidence, so import keeps it exactly (after the documented NFC
and newline normalisation); display is where it is made safe, and that must
never raise and never let a raw control through.
"""

from __future__ import annotations

import io
import itertools
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SPY_PATTERNS, PatternExtractor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pty_terminal import CSI, foreign_sequences
from rich.console import Console
from textual.content import Content
from textual.strip import Strip

from casework.db import queries
from casework.db.connection import open_case
from casework.db.writer import CaseWriter
from casework.importers.pipeline import import_data
from casework.importers.segment import normalise_text
from casework.tui.sanitize import controls_to_spaces, visible, visible_line
from casework.tui.text import highlight, plain

SPECIALS = [
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b]0;pwned\x1b\\",
    "\x1b]8;;file:///etc/passwd\x1b\\",
    "\x1b[2J",
    "\x1bP+q544e\x1b\\",
    "\x9b2J",
    "\x9d0;t\x9c",
    "\x00",
    "\x7f",
    "\r\n",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200b",
    "\ufeff",
    "[/]",
    "[@click=app.quit]",
    "[link=file:///etc/passwd]",
    "[bold]",
    "\\",
    "C:\\dir\\[a]",
    "Henri M.",
    "Paris",
    "\n\n",
]

# Control (Cc), format (Cf, bidi included), separators, letters, punctuation, symbols.
chars = st.characters(
    categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Lu", "Ll", "Lo", "Mn", "Nd", "Po", "Ps", "Pe", "Sm"]
)
pieces = st.one_of(st.sampled_from(SPECIALS), st.text(chars, min_size=1, max_size=8))
hostile_text = st.lists(pieces, max_size=25).map("".join)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def mostly_text(s: str) -> str:
    """Few enough controls that the text reader does not call the file binary (it refuses
    a file when more than a tenth of its bytes are such controls)."""
    return "word " * (2 * len(s.encode("utf-8")) + 1) + s


@pytest.fixture(scope="module")
def writer() -> Iterator[CaseWriter]:
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_case(Path(tmp) / "case.db", create=True)
        yield CaseWriter(conn)
        conn.close()


_keys = itertools.count()


@PROPERTY
@given(text=hostile_text)
def test_import_then_read_back_gives_the_same_text(writer: CaseWriter, text: str) -> None:
    text = mostly_text(text)
    key = f"doc{next(_keys)}.txt"
    outcome = import_data(writer, key, key, text.encode("utf-8"), PatternExtractor(SPY_PATTERNS))
    assert outcome.status == "imported", outcome.reason
    source = writer.conn.execute("SELECT id FROM sources WHERE path = ?", (key,)).fetchone()[0]
    assert queries.source_text(writer.conn, source) == normalise_text(text)
    for m in queries.iter_mentions(writer.conn, source_id=source):  # offsets still point right
        assert normalise_text(text)[m.start : m.end] == m.text


def written(content: Content) -> str:
    """What Textual writes for the content (widgets expand tabs before rendering)."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    return "\n".join(
        Strip(line.expand_tabs().render_segments()).render(console) for line in content.split()
    )


def assert_no_raw_control(out: str) -> None:
    assert foreign_sequences(out) == []
    text = CSI.sub("", out)
    for c in text:
        assert unicodedata.category(c) not in ("Cc", "Cs") or c == "\n", repr(c)
        assert c not in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@PROPERTY
@given(text=hostile_text, cuts=st.lists(st.integers(0, 400), max_size=6))
def test_display_never_raises_and_never_emits_a_raw_control(text: str, cuts: list[int]) -> None:
    bounds = sorted(c % (len(text) + 1) for c in cuts)
    spans = [(a, b, "reverse bold") for a, b in itertools.pairwise(bounds) if a < b]
    for content in (
        plain(text),
        highlight(text, spans),
        highlight(text, spans, one_line=True),
        Content(visible(text)),
    ):
        assert_no_raw_control(written(content))
    assert highlight(text, spans).plain == visible(text)  # highlights never change the text
    assert "\n" not in visible_line(text) and "\t" not in visible_line(text)
    assert_no_raw_control(controls_to_spaces(text).replace("\n", " "))
