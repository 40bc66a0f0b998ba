"""Plain text and Markdown: charset detection, then the text as it is."""

from __future__ import annotations

import codecs
import re

from casework.importers.readers.base import ReadError, ReadResult
from charset_normalizer import from_bytes

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
    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace"), best.encoding
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def _first_line_title(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return None


def read_text(data: bytes, *, name: str) -> ReadResult:
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # NULs in a file with no UTF-16/32 BOM: probably binary, possibly BOM-less UTF-16.
        if data[:2] and (data[1:2] == b"\x00" or data[0:1] == b"\x00"):
            try:
                enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
                text = data.decode(enc)
                return ReadResult(
                    text=text, format="text", title=_first_line_title(text), encoding=enc
                )
            except UnicodeDecodeError:
                pass
        raise ReadError("binary data, not text")
    text, encoding = decode(data)
    return ReadResult(text=text, format="text", title=_first_line_title(text), encoding=encoding)


def read_markdown(data: bytes, *, name: str) -> ReadResult:
    text, encoding = decode(data)
    heading = _MD_HEADING.search(text)
    title = heading.group(1)[:200] if heading else _first_line_title(text)
    return ReadResult(text=text, format="markdown", title=title, encoding=encoding)
