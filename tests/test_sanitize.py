"""Untrusted text becomes visible, never active, on every surface that prints it."""

import pytest

from casework.tui.sanitize import visible, visible_line
from casework.tui.text import highlight

PAYLOADS = [
    "A\x1b]52;c;UFdORUQ=\x07B",  # OSC 52 clipboard write
    "A\x1b]0;HACKED\x07B",  # window title
    "A\x1b[2JB",  # clear screen
    "A\x9b2JB",  # C1 CSI
    "A\x9d0;C1HACK\x9cB",  # C1 OSC
    "A\x00B",  # NUL
    "A\u202eEVIL\u202cB",  # bidi override
    "A\x1b]52;c;UFdORUQ=\x1b\\B",  # OSC 52 ended by ST
    "A\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\B",  # hyperlink
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_control_character_survives(payload: str) -> None:
    out = visible(payload)
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out and "\u202c" not in out
    assert out.startswith("A") and out.endswith("B")


def test_escapes_are_shown_in_a_recognisable_form() -> None:
    assert visible("a\x1b[2Jb") == "a␛[2Jb"
    assert visible("a\x00b\x7f") == "a␀b␡"
    assert visible("x\u202ey") == "x<U+202E>y"
    assert visible("x\x9by") == "x\\x9by"
    assert visible("tab\tnew\nline") == "tab\tnew\nline"
    assert visible_line("tab\tnew\nline") == "tab→new↵line"


def test_markup_is_text() -> None:
    content = highlight("[@click=app.quit]x[/] [b]y[/b]", [(0, 5, "bold")])
    assert content.plain == "[@click=app.quit]x[/] [b]y[/b]"


def test_highlight_offsets_survive_sanitising() -> None:
    text = "\x1b[31mHenri M.\x1b[0m met Pierre"
    start = text.index("Henri")
    content = highlight(text, [(start, start + 8, "reverse")])
    assert content.plain == "␛[31mHenri M.␛[0m met Pierre"
    spans = [(s.start, s.end) for s in content.spans]
    assert len(spans) == 1
    s, e = spans[0]
    assert content.plain[s:e] == "Henri M."
