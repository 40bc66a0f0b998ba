"""Splitting a document into passages that tile it, with offsets and a location.

A passage is a paragraph; a long paragraph is cut at sentence ends, and a
sentence longer than the cap at a space (or anywhere, for a 300 KB line). A
Markdown table is one passage per row: a row is one fact (a date, who, where),
and the evidence for a link should be that row, not the whole table.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

MAX_PASSAGE = 1200  # characters; above this a paragraph is split
TARGET = 700  # preferred size of the pieces of a split paragraph

_PARA_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-Þ])")
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TABLE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"[ \t]*\|[ \t:|-]*-[ \t:|-]*$")  # |---|:--:|


@dataclass(frozen=True, slots=True)
class Segment:
    seq: int
    start: int
    end: int
    location: str


def normalise_text(text: str) -> str:
    """NFC and Unix newlines; the result is what offsets point into.

    A lone surrogate (e.g. from a JSON "\\ud800" escape) becomes U+FFFD, one
    character for one so offsets hold: SQLite cannot store it, and one such
    document would otherwise stop the whole import at its write.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


def segment(text: str, page_starts: list[int] | None = None) -> list[Segment]:
    """Passages in order; `text[s.start:s.end]` has no leading or trailing space."""
    out: list[Segment] = []
    para = 0
    last_page = None
    for start, end in _paragraphs(text):
        page = _page_of(start, page_starts)
        if page != last_page:
            para = 0
            last_page = page
        para += 1
        pieces = _table_rows(text, start, end) or _split_long(text, start, end)
        for k, (s, e) in enumerate(pieces, 1):
            label = f"¶{para}" if len(pieces) == 1 else f"¶{para}.{k}"
            if page is not None:
                label = f"p.{page} {label}"
            out.append(Segment(len(out), s, e, label))
    return out


def _page_of(offset: int, page_starts: list[int] | None) -> int | None:
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        s, e = _trim(text, s, e)
        if s < e:
            out.append((s, e))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _table_rows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A Markdown table's rows (rules between them left out), or [] for any other paragraph."""
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        lines.append((pos, stop))
        pos = stop + 1
    if len(lines) < 2 or not all(_TABLE_ROW.match(text, s, e) for s, e in lines):
        return []
    if not any(_TABLE_RULE.match(text, s, e) for s, e in lines):
        return []
    rows = []
    for s, e in lines:
        if not _TABLE_RULE.match(text, s, e):
            for piece in _split_long(text, *_trim(text, s, e)):
                rows.append(piece)
    return rows


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_PASSAGE:
        return [(start, end)]
    cuts = [m.start() for m in _SENTENCE_END.finditer(text, start, end)]
    pieces: list[tuple[int, int]] = []
    s = start
    while end - s > MAX_PASSAGE:
        # The last sentence end within TARGET..MAX_PASSAGE, else within MAX_PASSAGE.
        limit = s + MAX_PASSAGE
        i = bisect.bisect_right(cuts, limit) - 1
        cut = cuts[i] if i >= 0 and cuts[i] > s + TARGET // 4 else None
        if cut is None:
            space = text.rfind(" ", s + TARGET // 2, limit)
            cut = space if space > s else limit
        a, b = _trim(text, s, cut)
        if a < b:
            pieces.append((a, b))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    a, b = _trim(text, s, end)
    if a < b:
        pieces.append((a, b))
    return pieces
