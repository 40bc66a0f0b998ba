"""Every string from a case reaches the screen through here, as Content, never markup.

`visible` (sanitize.py) makes controls visible first; highlights are applied to
the pieces between span boundaries, so offsets into the original text stay
right even where sanitising changes lengths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.content import Content

from casework.tui.sanitize import visible, visible_line

MENTION = "reverse bold"
CURRENT = "reverse bold underline"

KIND_LABELS = {
    "person": "person",
    "organization": "org",
    "place": "place",
    "date": "date",
    "money": "money",
    "passage": "¶",
}


def plain(text: str | None) -> Content:
    """One line of untrusted text: controls and newlines visible."""
    return Content(visible_line(text or ""))


def block(text: str | None) -> Content:
    """Untrusted text that may wrap over lines: newlines kept, other controls visible."""
    return Content(visible(text or ""))


def styled(text: str, style: str) -> Content:
    """Untrusted text in one style (bold, dim...)."""
    return Content.styled(visible_line(text), style)


def join(parts: Iterable[Content | tuple[str, str] | str]) -> Content:
    """Assemble pieces; a bare str here must be our own text, not a document's."""
    pieces: list[Content] = []
    for part in parts:
        if isinstance(part, Content):
            pieces.append(part)
        elif isinstance(part, tuple):
            pieces.append(Content.styled(visible_line(part[0]), part[1]))
        else:
            pieces.append(Content(part))
    return Content("").join(pieces)


def highlight(
    text: str, spans: Sequence[tuple[int, int, str]], *, one_line: bool = False
) -> Content:
    """Untrusted text with (start, end, style) spans, offsets into `text`."""
    clean = visible_line if one_line else visible
    pieces: list[Content] = []
    pos = 0
    for start, end, style in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            pieces.append(Content(clean(text[pos:start])))
        pieces.append(Content.styled(clean(text[start:end]), style))
        pos = end
    if pos < len(text):
        pieces.append(Content(clean(text[pos:])))
    return Content("").join(pieces)


def window(text: str, start: int, end: int, width: int = 240) -> tuple[str, int, int, bool, bool]:
    """A slice of `text` around [start, end) at most ~width long, cut at spaces.

    Returns (slice, new_start, new_end, cut_left, cut_right).
    """
    if len(text) <= width:
        return text, start, end, False, False
    room = max(0, width - (end - start))
    left = max(0, start - room // 3)
    right = min(len(text), end + room - (start - left))
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return text[left:right], start - left, end - left, left > 0, right < len(text)
