"""Plain text and Markdown: charset detection, then the text as it is."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from casework.importers import headers  # a module, not names: headers imports readers too
from casework.importers.readers.base import ReadError, ReadResult

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM first, then strict UTF-8, then detection.

    Detection never fails outright: undecodable bytes become U+FFFD and the
    encoding says so, so no file is refused for its charset alone.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data[:1_000_000])
    if encoding:
        try:
            return data.decode(encoding, errors="replace"), encoding
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


# Short Western text is ambiguous between code pages; among equally good
# guesses, prefer the ones Western case material is most often written in.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "utf_8")


def _detect(sample: bytes) -> str | None:
    matches = list(from_bytes(sample))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    good = [m for m in matches if m.chaos <= best + 0.01]
    # A guess lists the code pages that decode the sample to the very same text
    # (`could_be_from_charset`): "Café" is cp1250 and cp1252 alike, so cp1252 counts.
    alike = {enc for m in good for enc in (m.encoding, *m.could_be_from_charset)}
    for enc in _PREFERRED:
        if enc in alike:
            return enc
    return good[0].encoding


_BINARY_BYTES = (
    frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D, 0x1E, 0x1F}
)
_BINARY_TABLE = bytes(sorted(_BINARY_BYTES))  # bytes.translate's set of bytes to delete


def _looks_binary(sample: bytes) -> bool:
    """Many NULs and non-text controls: a binary file, or UTF-16 without a BOM.

    A few stray controls (an escape sequence, a NUL in hostile text) stay text.
    """
    if not sample:
        return False
    odd = len(sample) - len(sample.translate(None, _BINARY_TABLE))  # in C: 8 KB per file
    return odd > max(4, len(sample) // 10)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'-be' when NULs sit on one side of most byte pairs (BOM-less UTF-16)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


_LINE = re.compile(r"[^\n]*\S[^\n]*")
_SEPARATOR = re.compile(r"^[-_ ]*(?:original message|forwarded message)[-_ ]*$", re.I)


def _title_and_date(text: str) -> tuple[str | None, str | None]:
    """(title, published): an e-mail's Subject and Sent date, else the first real line.

    E-mails saved as text and OCR'd releases (the FOIA corpus) open with a page
    banner ("UNCLASSIFIED U.S. Department of State Case No. ...") above the
    message's headers: the Subject names the document, the first message's
    Sent (or Date) header says when it was written. Without a Subject, the
    title is the first line that is neither a banner nor a header line.
    """
    head = headers.first_message(text)
    published = headers.sent_date(head.sent) if head else None
    if head and head.subject:
        return _one_line(head.subject), published
    for m in _LINE.finditer(text, 0, headers.HEAD_SCAN):
        if head and (head.start <= m.start() < head.end or headers.is_header_line(m.group())):
            continue  # an e-mail's headers, its own or a quoted message's, are not its title
        line = headers.strip_marks(m.group()).strip().lstrip("#").strip()
        if line and not headers.is_banner(line) and not _SEPARATOR.match(line):
            return _one_line(line), published
    return None, published


def _one_line(title: str) -> str:
    """Spaces collapsed (OCR's column gaps: "Fw:      Proposal"), at most 200 characters."""
    return " ".join(title.split())[:200]


def read_text(data: bytes, *, name: str) -> ReadResult:
    if not data.startswith(tuple(b for b, _ in _BOMS)) and _looks_binary(data[:8192]):
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise ReadError("binary data, not text")
        text = data.decode(encoding, errors="replace")
    else:
        text, encoding = decode(data)
    title, published = _title_and_date(text)
    return ReadResult(text=text, format="text", title=title, encoding=encoding, published=published)


def read_markdown(data: bytes, *, name: str) -> ReadResult:
    text, encoding = decode(data)
    title, published = _title_and_date(text)
    heading = _MD_HEADING.search(text)
    if heading:
        title = heading.group(1)[:200]
    return ReadResult(
        text=text, format="markdown", title=title, encoding=encoding, published=published
    )
