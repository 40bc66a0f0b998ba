"""Date mentions and their ISO values, by a handful of precompiled patterns.

Values: "2017-12-22" (day), "2017-12" (month), "2017" (year). A day and month
with no year ("9 July") takes its year from `doc_date` when one is given and
is otherwise "--07-09" (the ISO 8601 / XML Schema form for a recurring
month-day), so the mention is kept and the value still says what is known.
Relative expressions ("yesterday", "last Friday", "next month") are only
emitted when `doc_date` is known, since their value depends on it.
Numeric dates are day-first ("22/12/2017") unless the first number cannot be
a day of a month read that way (then month-first: "08/31/2015").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from .lexicon import MONTHS, WEEKDAYS

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = (
    r"(?P<wd>(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?[ \t]+"
    r"(?:the[ \t]+)?)?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR4 = r"(?:19|20)\d\d"
_RANGE = r"(?:[ \t]*[-–][ \t]*\d{1,2}" + _ORD + r")?"
# Words that make a bare four-digit number a year ("in 2017", "since 2009", "mid-2016").
_YEAR_CUES = frozenset(
    """in since by during until till before after from of throughout early late mid spring
    summer autumn fall winter year circa c between born died""".split()
)
_PAIR_CUES = frozenset({"and", "to", "through", "until", "till"})
_YEAR_BEFORE = re.compile(r"(?:19|20)\d\d\D{1,10}$")

_DATE = re.compile(
    # The lookahead and the split by first character let the engine reject most
    # positions at once, and branches that share a start are merged: a many-branched
    # pattern tried at every position is what makes date finding slow.
    r"(?=[\dJFMASONDTW])\b" + _WEEKDAY + r"(?:(?=\d)(?:"
    # Year first: 2017-12-22 (ISO), 1985–1988 (two years), or a bare year ("in 2017").
    rf"(?P<iy>{_YEAR4})(?:(?P<i>-(?P<im>[01]\d)-(?P<id>[0-3]\d))(?![\d-])"
    rf"|[ \t]*[–-][ \t]*(?P<r2>{_YEAR4})\b"
    r"|(?P<y>)\b(?![-/.]\d|[ \t]*(?:%|percent|per cent)))"
    # 22/12/2017, 22.12.2017, 22-12-2017, 22/12/17
    r"|(?P<n1>\d{1,2})(?P<sep>[/.-])(?P<n2>\d{1,2})(?P=sep)(?P<ny>(?:19|20)\d\d|\d\d)"
    r"(?![\d/.-]\d)"
    # 22 December 2017, 22nd of December, 2017, 25-26 October 2016, or 9 July
    rf"|(?P<ad>\d{{1,2}}){_ORD}{_RANGE}[ \t]+(?:of[ \t]+)?(?P<mon>{_MONTH})"
    rf"(?:,?[ \t]+(?P<ay>{_YEAR4})\b|(?![ \t]*\d))"
    # December 22, 2017 / Dec. 22nd 2017 / July 9 / December 2017
    rf")|(?=[A-Z])(?P<mon2>{_MONTH})(?:[ \t]+(?P<bd>\d{{1,2}}){_ORD}{_RANGE}"
    rf"(?:,?[ \t]+(?P<by>{_YEAR4})\b|\b(?![,.]?[ \t]*(?:19|20)\d\d))"
    rf"|,?[ \t]+(?P<my>{_YEAR4})\b))"
)

_RELATIVE = re.compile(
    r"(?=[YyTtLlNn])\b(?:(?P<rel>[Yy]esterday|[Tt]oday|[Tt]omorrow)"
    r"|(?P<which>[Ll]ast|[Nn]ext|[Tt]his)[ \t]+(?P<unit>Monday|Tuesday|Wednesday|Thursday"
    r"|Friday|Saturday|Sunday|month|year))\b"
)


def _prev_word(text: str, pos: int) -> str:
    """The word before `pos`, across one space or hyphen ('' when there is none)."""
    i = pos - 1
    if i < 0 or text[i] not in " \t-":
        return ""
    j = i
    while j > 0 and text[j - 1].isalpha() and i - j < 12:
        j -= 1
    return text[j:i]


def _year_context(text: str, m: re.Match[str]) -> bool:
    """Is this bare four-digit number a year? Only after a cue word ('in 2017'), as the
    second of two years ('between 2015 and 2017'), or alone in a table cell."""
    cue = _prev_word(text, m.start()).lower()
    if cue in _PAIR_CUES:
        return _YEAR_BEFORE.search(text, max(0, m.start() - 20), m.start()) is not None
    return cue in _YEAR_CUES or _in_cell(text, m)


def _in_cell(text: str, m: re.Match[str]) -> bool:
    """A year alone in a table cell: "| 1948 |"."""
    before = text[max(0, m.start() - 3) : m.start()].strip(" \t")
    after = text[m.end() : m.end() + 3].strip(" \t")
    return before.endswith("|") and after.startswith("|")


def _month(name: str) -> int:
    """Month number of a month name or abbreviation ('Dec.' -> 12)."""
    return MONTHS[name.rstrip(".").lower()]


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """ISO string, or None when the parts do not make a real date."""
    try:
        if d is not None and m is not None:
            return date(y, m, d).isoformat()
        if m is not None:
            return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None
        return f"{y:04d}"
    except ValueError:
        return None


def _month_day(m: int, d: int, doc_date: date | None) -> str | None:
    """'9 July': with a document date, that year; else the recurring form '--07-09'."""
    if doc_date is not None:
        return _iso(doc_date.year, m, d)
    try:
        date(2000, m, d)  # leap year: accepts 29 February
    except ValueError:
        return None
    return f"--{m:02d}-{d:02d}"


# A run of digits and the digits that follow it closely on the same line.
_DIGITS = re.compile(r"\d(?:[^\d\n]{0,40}\d)*")


def digit_windows(text: str, before: int = 32, after: int = 24) -> list[tuple[int, int]]:
    """Merged text windows around runs of digits.

    Every date and (digit) money pattern contains a digit, so their big regexes only
    run inside these windows: most of a text has no digit nearby, and scanning it
    with a many-branched pattern is what would make extraction slow.
    """
    wins: list[tuple[int, int]] = []
    n = len(text)
    for m in _DIGITS.finditer(text):
        a, b = max(0, m.start() - before), min(n, m.end() + after)
        if wins and a <= wins[-1][1] + 40:
            wins[-1] = (wins[-1][0], b)
        else:
            wins.append((a, b))
    return wins


def find_dates(
    text: str, doc_date: date | None = None, windows: list[tuple[int, int]] | None = None
) -> Iterator[tuple[int, int, str]]:
    """(start, end, iso_value) of each date mention, in text order within each kind."""
    for a, b in digit_windows(text) if windows is None else windows:
        yield from _find(text, a, b, doc_date)
    if doc_date is not None:
        yield from _relative(text, doc_date)


def _find(text: str, a: int, b: int, doc_date: date | None) -> Iterator[tuple[int, int, str]]:
    """Absolute dates in text[a:b] (the pattern still sees the characters around it)."""
    for m in _DATE.finditer(text, a, b):
        g = m.group
        span = m.span()
        if g("iy"):
            if g("i"):
                value = _iso(int(g("iy")), int(g("im")), int(g("id")))
            elif g("r2"):
                if g("wd"):
                    continue
                yield m.start("iy"), m.end("iy"), g("iy")
                span, value = m.span("r2"), g("r2")
            else:
                if g("wd") or not _year_context(text, m):
                    continue
                value = g("iy")
        elif g("n1"):
            first, second, y = int(g("n1")), int(g("n2")), int(g("ny"))
            if y < 100:
                y += 2000 if y < 50 else 1900
            day, mon = (second, first) if second > 12 >= first else (first, second)
            value = _iso(y, mon, day)
        elif g("ad"):
            if g("ay"):
                value = _iso(int(g("ay")), _month(g("mon")), int(g("ad")))
            else:
                value = _month_day(_month(g("mon")), int(g("ad")), doc_date)
        elif g("bd"):
            if g("by"):
                value = _iso(int(g("by")), _month(g("mon2")), int(g("bd")))
            else:
                value = _month_day(_month(g("mon2")), int(g("bd")), doc_date)
        else:
            value = _iso(int(g("my")), _month(g("mon2")))
        if value is not None:
            yield span[0], span[1], value


def _relative(text: str, doc_date: date) -> Iterator[tuple[int, int, str]]:
    """'yesterday', 'last Friday', 'next month', resolved against the document date."""
    for m in _RELATIVE.finditer(text):
        rel = m.group("rel")
        if rel:
            delta = {"yesterday": -1, "today": 0, "tomorrow": 1}[rel.lower()]
            yield m.start(), m.end(), (doc_date + timedelta(days=delta)).isoformat()
            continue
        which, unit = m.group("which").lower(), m.group("unit").lower()
        if unit == "year":
            y = doc_date.year + {"last": -1, "next": 1, "this": 0}[which]
            yield m.start(), m.end(), f"{y:04d}"
        elif unit == "month":
            idx = (
                doc_date.year * 12 + doc_date.month - 1 + {"last": -1, "next": 1, "this": 0}[which]
            )
            yield m.start(), m.end(), f"{idx // 12:04d}-{idx % 12 + 1:02d}"
        else:
            target = WEEKDAYS[unit]
            diff = target - doc_date.weekday()
            if which == "last":
                diff = diff - 7 if diff >= 0 else diff
            elif which == "next":
                diff = diff + 7 if diff <= 0 else diff
            yield m.start(), m.end(), (doc_date + timedelta(days=diff)).isoformat()
