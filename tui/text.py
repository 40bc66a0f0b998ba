"""Every string from a case reaches the screen through here, as Content, never markup.

`visible` (sanitize.py) makes controls visible first; highlights are applied to
the pieces between span boundaries, so offsets into the original text stay
right even where sanitising changes lengths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
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


# -- fitting Content to a width ------------------------------------------------------


def fit(content: Content, width: int) -> Content:
    """One line at most `width` cells, cut with … when longer."""
    if width <= 0:
        return Content("")
    return content.truncate(width, ellipsis=True) if content.cell_length > width else content


def clip_lines(content: Content, width: int, lines: int) -> Content:
    """`content` cut (with …) so that it wraps to at most `lines` lines at `width`.

    No newline is added: the list wraps the text itself, and the plain text stays
    a prefix of the original, filling the last line. The cut is found from one wrap
    and checked with a second; a search over prefixes is the fallback, as each wrap
    costs a fraction of a millisecond and a list holds dozens of these.
    """
    if width <= 0:
        return content
    if len(content.plain) > width * lines * 2:  # a huge snippet: never wrap all of it
        content = content[: width * lines * 2]
    wrapped = content.wrap(width)
    if len(wrapped) <= lines:
        return content
    cut = _end_of_line(content.plain, wrapped, lines)
    if cut is not None:
        text = content.plain
        room = width - wrapped[lines - 1].cell_length - 2  # a space and the …
        start = len(text) - len(text[cut:].lstrip())
        tries = [_cells_end(text, start, room)] if room > 0 and start < len(text) else []
        tries += [cut - drop for drop in range(4)]  # "…" may not fit after the last word
        for end in tries:
            clipped = content[:end].rstrip() + "…"
            if len(clipped.wrap(width)) <= lines:
                return clipped
    return _longest_prefix(content, width, lines)


def _end_of_line(text: str, wrapped: list[Content], lines: int) -> int | None:
    """Where the `lines`-th wrapped line ends in `text`, or None if it can't be found."""
    at = 0
    for line in wrapped[:lines]:
        found = text.find(line.plain, at)
        if found == -1:
            return None
        at = found + len(line.plain)
    return at


def _cells_end(text: str, start: int, room: int) -> int:
    """The end of the longest run of `text` from `start` that takes at most `room` cells."""
    end, used = start, 0
    while end < len(text) and used + cell_len(text[end]) <= room:
        used += cell_len(text[end])
        end += 1
    return end


def _longest_prefix(content: Content, width: int, lines: int) -> Content:
    low, high = 0, len(content.plain)
    while low < high:  # the longest prefix that still fits with its …
        mid = (low + high + 1) // 2
        if len((content[:mid].rstrip() + "…").wrap(width)) <= lines:
            low = mid
        else:
            high = mid - 1
    return content[:low].rstrip() + "…"


def spread(left: Content, right: Content, width: int, *, gap: int = 1) -> Content:
    """`left` then `right` flush with the right edge; `left` is cut to make room."""
    room = width - right.cell_length - gap
    if room < 1:
        return fit(left, width)
    left = fit(left, room)
    return left + Content(" " * (width - left.cell_length - right.cell_length)) + right


Item = Content | tuple[Content, Content]  # text, or (text, a tail kept when it is cut)


def _cut(item: Item, width: int) -> Content:
    if isinstance(item, Content):
        return fit(item, width)
    body, tail = item
    if body.cell_length + tail.cell_length <= width:
        return body + tail
    return fit(body, max(1, width - tail.cell_length)) + tail


def _length(item: Item) -> int:
    return (
        item.cell_length if isinstance(item, Content) else item[0].cell_length + item[1].cell_length
    )


def items_in_lines(
    lead: Content,
    items: Sequence[Item],
    width: int,
    lines: int,
    *,
    sep: str = ", ",
    unlisted: int = 0,
) -> tuple[list[Content], int]:
    """`lead` then `items` separated by `sep`, laid out in at most `lines` lines of `width`.

    An item longer than a line is cut with … (before its tail, if it has one); items
    that do not fit, and `unlisted` ones not even given, are counted in a "+N more".
    Returns (lines, left out).
    """

    def layout(pieces: Sequence[Item]) -> tuple[list[Content], int]:
        """Lines, and how many pieces fit in `lines` lines."""
        out: list[Content] = []
        line = lead
        fresh = True  # nothing on this line yet but the lead or the indent
        for i, piece in enumerate(pieces):
            glue = Content(sep if i < len(pieces) - 1 else "")
            mark = glue.rstrip().cell_length
            if not fresh and line.cell_length + _length(piece) + mark > width:
                out.append(line.rstrip())
                if len(out) >= lines:
                    return out, i
                line, fresh = Content("  "), True
            line = line + _cut(piece, width - line.cell_length - mark) + glue
            fresh = False
        out.append(line.rstrip())
        return out, len(pieces)

    laid, placed = layout(items)
    if placed == len(items) and not unlisted:
        return laid, 0
    for keep in range(placed, -1, -1):
        more = len(items) - keep + unlisted
        laid, fitted = layout([*items[:keep], Content.styled(f"+{more} more", "dim")])
        if fitted == keep + 1:
            return laid, more
    more = len(items) + unlisted
    return [fit(lead + Content.styled(f"+{more} more", "dim"), width)], more
