"""HTML and XHTML: the visible text with paragraph breaks, plus title and date.

Built on the stdlib `html.parser`, which never raises on broken markup and
never fetches anything (no DTDs, no entities beyond the HTML5 named set), so a
saved web page, a mail body or a Word "Save as HTML" file all read the same way.
`html_to_text` and `TextBuilder` are shared with the mail and DOCX readers, and
`iso_date` with every reader that has to make sense of a stated date.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from casework.importers.readers.base import ReadError, ReadResult
from casework.importers.readers.text import decode

# Elements whose content is never shown to a reader of the page.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"}
    | {"audio", "video", "map", "datalist"}
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr", "keygen", "frame", "basefont", "isindex"}
)
# Block elements: each starts and ends a paragraph (a blank line in the text).
_BLOCK = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "center", "details"}
    | {"dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer"}
    | {"form", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr"}
    | {"html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section"}
    | {"summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "listing", "xmp"}
)
# Elements that start a new line but not a new paragraph.
_LINE = frozenset({"dd", "option", "optgroup", "textarea", "select"})
_CELL = frozenset({"td", "th"})
_PRE = frozenset({"pre", "listing", "xmp", "textarea", "plaintext"})
# Elements allowed in <head>; any other start tag there means the body has begun.
_HEAD_ONLY = frozenset(
    {"title", "meta", "link", "style", "script", "noscript", "base", "template", "head"}
)
# Meta names that state when a page was published, best first.
_DATE_KEYS = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish_date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
# WHATWG: these labels mean windows-1252 in practice.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-sjis": "shift_jis",
}


# ---------------------------------------------------------------------------
# Dates


_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YMD = re.compile(r"^(?:D:)?(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_YMD_COMPACT = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})(?:\d{2}(?:\d{2}(?:\d{2})?)?)?(?!\d)")
_DMY_DOTS = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_D_MONTH_Y = re.compile(
    rf"^(?:[a-z]+,?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(\d{{4}})\b",
    re.I,
)
_MONTH_D_Y = re.compile(
    rf"^(?:[a-z]+,?\s+)?({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I
)


def iso_date(value: str | None) -> str | None:
    """A stated date as YYYY-MM-DD, or None when it is not a plausible full date.

    Only unambiguous forms are accepted (ISO, compact, PDF "D:", RFC 2822,
    "5 April 2023", "April 5, 2023", "05.04.2023"); "04/05/2023" is refused
    because a wrong date is worse than none.
    """
    if not value:
        return None
    s = value.strip()
    if not s:
        return None
    for rx, order in (
        (_YMD, "ymd"),
        (_YMD_COMPACT, "ymd"),
        (_DMY_DOTS, "dmy"),
        (_D_MONTH_Y, "dMy"),
        (_MONTH_D_Y, "Mdy"),
    ):
        m = rx.match(s)
        if not m:
            continue
        a, b, c = m.groups()
        if order == "ymd":
            y, mo, d = int(a), int(b), int(c)
        elif order == "dmy":
            d, mo, y = int(a), int(b), int(c)
        elif order == "dMy":
            d, mo, y = int(a), _MONTHS[b.lower()], int(c)
        else:
            mo, d, y = _MONTHS[a.lower()], int(b), int(c)
        return _valid(y, mo, d)
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _valid(dt.year, dt.month, dt.day)


def _valid(y: int, mo: int, d: int) -> str | None:
    if not 1000 <= y <= 2999:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# Text assembly


class TextBuilder:
    """Accumulates text with collapsible spaces, line breaks and paragraph breaks.

    Breaks and separators are only written when more text follows, so a document
    never starts or ends with blank lines and runs of empty blocks leave one break.
    """

    def __init__(self) -> None:
        self._out: list[str] = []
        self._pending = 0  # 0 nothing, 1 newline, 2 paragraph break
        self._sep = ""  # " " or "\t" waiting to be written before the next text
        self._line_start = True

    def add(self, text: str, *, preformatted: bool = False) -> None:
        """Add text; outside preformatted text, whitespace runs count as one space."""
        if not text:
            return
        trailing = ""
        if not preformatted:
            text = _HTML_SPACE.sub(" ", text)
            if text.startswith(" "):
                self.separator(" ")
                text = text[1:]
            if text.endswith(" "):
                trailing, text = " ", text[:-1]
            if not text:
                return
        self._flush()
        self._out.append(text)
        self._line_start = text.endswith("\n")
        if trailing:
            self.separator(trailing)

    def separator(self, sep: str) -> None:
        """A space or tab between two pieces of text on one line."""
        if self._line_start or self._pending:
            return
        if sep == "\t" or not self._sep:
            self._sep = sep

    def newline(self) -> None:
        self._pending = max(self._pending, 1)
        self._sep = ""

    def paragraph(self) -> None:
        self._pending = 2
        self._sep = ""

    def _flush(self) -> None:
        if self._pending and self._out:
            self._out.append("\n" * self._pending)
            self._line_start = True
        elif self._sep and not self._line_start:
            self._out.append(self._sep)
        self._pending = 0
        self._sep = ""

    def text(self) -> str:
        return "".join(self._out).strip("\n")


# ---------------------------------------------------------------------------
# HTML


@dataclass(slots=True)
class HtmlDocument:
    text: str
    title: str | None = None
    published: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


class _Extractor(HTMLParser):
    """Visible text, title and meta tags from HTML, tolerant of any markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = TextBuilder()
        self._skip: list[str] = []  # open elements whose content is hidden
        self._pre = 0
        self._in_head = False
        self._title: list[str] | None = None
        self.title: str | None = None
        self.meta: dict[str, str] = {}
        self.times: list[tuple[bool, str]] = []  # (marked as publication date, datetime)
        self.lang: str | None = None
        self.canonical: str | None = None
        self._doctype_seen = False

    # Start and end tags --------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang") and not self.lang:
            self.lang = a["lang"].strip()[:35]
        if tag == "meta":
            self._meta(a)
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href", "").strip() or None
        if self._skip:
            if self._skip[-1] == "p" and tag in _BLOCK:
                self._skip.pop()  # a block start closes a hidden <p>, as browsers do
            else:
                if tag not in _VOID:
                    self._skip.append(tag)
                return
        if tag == "head":
            self._in_head = True
        elif self._in_head and tag not in _HEAD_ONLY:
            self._in_head = False
        if tag == "title":
            if self.title is None and self._title is None:
                self._title = []
            else:
                self._skip.append(tag)  # a second title is not shown either
            return
        if tag == "time":
            stamp = a.get("datetime", "").strip()
            if stamp:
                marked = "pubdate" in a or a.get("itemprop", "").lower() == "datepublished"
                self.times.append((marked, stamp))
        hidden = "hidden" in a or _display_none(a.get("style", ""))
        if tag in _SKIP or (hidden and tag not in _VOID):
            self._skip.append(tag)
            return
        if self._in_head:
            return
        self._open_close(tag, start=True)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag in self._skip:
                while self._skip and self._skip.pop() != tag:
                    pass
            return
        if tag == "title" and self._title is not None:
            title = _HTML_SPACE.sub(" ", "".join(self._title)).strip()
            self.title = title[:300] or None
            self._title = None
            return
        if tag == "head":
            self._in_head = False
            return
        if self._in_head:
            return
        self._open_close(tag, start=False)

    def _open_close(self, tag: str, *, start: bool) -> None:
        if tag in _BLOCK:
            self.out.paragraph()
        elif tag in _LINE or (tag == "br" and start):
            self.out.newline()
        elif tag in _CELL and start:
            self.out.separator("\t")
        if tag in _PRE:
            self._pre = self._pre + 1 if start else max(0, self._pre - 1)

    # Content -------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._title is not None:
            self._title.append(data)
            return
        if self._in_head:
            if not data.strip():
                return
            self._in_head = False  # text in <head>: the body began without a tag
        self.out.add(data, preformatted=self._pre > 0)

    def unknown_decl(self, data: str) -> None:
        if data.startswith("CDATA["):  # XHTML CDATA sections are text
            self.handle_data(data[6:])

    def parse_html_declaration(self, i: int) -> int:
        """A doctype ends at its own `>`, not at one in a quoted id or its internal subset.

        The stdlib stops at the first `>`, so `<!DOCTYPE html [<!ENTITY x "y">]>`
        left ` ]>` in the text. An unterminated subset falls back to that, so
        it cannot hide the rest of the page. Only the first doctype is scanned so:
        each scan may run to the end of the page, and a page of thousands of
        unclosed doctypes must stay linear.
        """
        if not self._doctype_seen and self.rawdata[i : i + 9].lower() == "<!doctype":
            self._doctype_seen = True
            end = _doctype_end(self.rawdata, i + 9)
            if end > 0:
                return end
        return super().parse_html_declaration(i)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """`<![foo ...]>` that the stdlib refuses with AssertionError: skip as a comment."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            j = self.rawdata.find(">", i)
            return -1 if j < 0 else j + 1

    # Meta ----------------------------------------------------------------

    def _meta(self, a: dict[str, str]) -> None:
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
        content = a.get("content")
        if content is None and "datetime" in a:
            content = a["datetime"]
        if key and content and key not in self.meta:
            self.meta[key] = content.strip()


_DOCTYPE_STOP = re.compile(r"""["'\[\]>]|<!--""")


def _doctype_end(raw: str, j: int) -> int:
    """Index past the `>` closing a doctype whose body starts at `j`, or -1 if none.

    Quoted literals and comments are skipped whole and `[...]` (the internal
    subset) is passed over; each step jumps with a regex, so this stays linear.
    """
    subset = False
    while True:
        m = _DOCTYPE_STOP.search(raw, j)
        if m is None:
            return -1
        token, j = m.group(), m.end()
        if token in ("'", '"'):
            close = raw.find(token, j)
            if close < 0:
                return -1
            j = close + 1
        elif token == "<!--":
            close = raw.find("-->", j)
            if close < 0:
                return -1
            j = close + 3
        elif token == "[":
            subset = True
        elif token == "]":
            subset = False
        elif not subset:  # ">"
            return j


def _display_none(style: str) -> bool:
    s = style.replace(" ", "").lower()
    return "display:none" in s or "visibility:hidden" in s


def _defuse(markup: str) -> str:
    """Escape each `<` after the last `>`: such tags never close.

    The stdlib parser rescans from every unclosed `<` to the end of the input,
    so `"<a " * 100_000` would take minutes; escaped, the text reads the same.
    """
    last = markup.rfind(">")
    if markup.find("<", last + 1) < 0:
        return markup
    return markup[: last + 1] + markup[last + 1 :].replace("<", "&lt;")


def html_to_text(markup: str) -> HtmlDocument:
    """Visible text (paragraphs separated by blank lines), title, date and metadata."""
    parser = _Extractor()
    parser.feed(_defuse(markup))
    parser.close()
    meta = parser.meta
    title = parser.title or meta.get("og:title") or meta.get("twitter:title") or None
    if title:
        title = _HTML_SPACE.sub(" ", title).strip()[:300] or None
    published = None
    for key in _DATE_KEYS:
        published = iso_date(meta.get(key))
        if published:
            break
    if not published:
        for _marked, stamp in sorted(parser.times, key=lambda t: not t[0]):
            published = iso_date(stamp)
            if published:
                break
    metadata: dict[str, Any] = {}
    for out_key, keys in (
        ("author", ("author", "article:author", "dc.creator", "citation_author")),
        ("description", ("description", "og:description")),
        ("keywords", ("keywords",)),
        ("site", ("og:site_name",)),
    ):
        for key in keys:
            if meta.get(key):
                metadata[out_key] = meta[key][:1000]
                break
    url = parser.canonical or meta.get("og:url")
    if url:
        metadata["url"] = url[:2000]
    if parser.lang:
        metadata["lang"] = parser.lang
    return HtmlDocument(parser.out.text(), title, published, metadata)


# ---------------------------------------------------------------------------
# Bytes to text


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM, else the declared charset if it fits, else detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if m:
        label = m.group(1).decode("ascii", "replace").strip().lower()
        label = _CHARSET_ALIASES.get(label, label)
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            codec = None
        # A UTF-16 declaration in ASCII-compatible bytes is wrong by definition.
        if codec and not codec.startswith("utf-16") and not codec.startswith("utf-32"):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                pass
    return decode(data)


def read_html(data: bytes, *, name: str) -> ReadResult:
    """Reader for .html, .htm and .xhtml files."""
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("binary data, not HTML")
    markup, encoding = decode_html(data)
    doc = html_to_text(markup)
    if not doc.text.strip() and not doc.title:
        raise ReadError("no visible text in this page")
    return ReadResult(
        text=doc.text,
        format="html",
        title=doc.title,
        encoding=encoding,
        published=doc.published,
        metadata=doc.metadata,
    )
