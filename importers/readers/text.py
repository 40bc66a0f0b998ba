"""Plain text and Markdown: charset detection, then the text as it is."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

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


def _looks_binary(sample: bytes) -> bool:
    """Many NULs and non-text controls: a binary file, or UTF-16 without a BOM.

    A few stray controls (an escape sequence, a NUL in hostile text) stay text.
    """
    if not sample:
        return False
    odd = sum(1 for b in sample if b in _BINARY_BYTES)
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


_SUBJECT = re.compile(r"^\s*Subject:[ \t]*(\S.*)$", re.MULTILINE | re.IGNORECASE)
_HEADER = re.compile(r"^\s*(From|To|Sent|Date|Cc|Subject):", re.IGNORECASE)


def _first_line_title(text: str) -> str | None:
    """The first line, or for an e-mail saved as text its Subject."""
    head = text[:4000]
    if sum(1 for line in head.splitlines()[:40] if _HEADER.match(line)) >= 2:
        subject = _SUBJECT.search(head)
        if subject:
            return subject.group(1).strip()[:200]
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return None


def read_text(data: bytes, *, name: str) -> ReadResult:
    if not data.startswith(tuple(b for b, _ in _BOMS)) and _looks_binary(data[:8192]):
        enc = _utf16_without_bom(data)
        if enc is None:
            raise ReadError("binary data, not text")
        text = data.decode(enc, errors="replace")
        return ReadResult(text=text, format="text", title=_first_line_title(text), encoding=enc)
    text, encoding = decode(data)
    return ReadResult(text=text, format="text", title=_first_line_title(text), encoding=encoding)


def read_markdown(data: bytes, *, name: str) -> ReadResult:
    text, encoding = decode(data)
    heading = _MD_HEADING.search(text)
    title = heading.group(1)[:200] if heading else _first_line_title(text)
    return ReadResult(text=text, format="markdown", title=title, encoding=encoding)
