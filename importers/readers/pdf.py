"""PDF: the text layer page by page, so every passage knows its page number.

pypdf is pure Python (no poppler, no system binaries) and has its own caps on
decompressed stream sizes. Paragraph breaks are not marked in a PDF; they are
inferred from vertical gaps between lines larger than the page's usual line
spacing, which is what a reader's eye does.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
import unicodedata
from typing import Any

from casework.importers.readers.base import ReadError, ReadResult
from casework.importers.readers.html import iso_date

# pypdf reports recoverable damage as log warnings; without a handler Python
# would print them on stderr, over the TUI. Callers may still attach their own.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "\xad": ""}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_RUN = re.compile(r"\n{3,}")
_WORD_PREFIX = re.compile(r"^Microsoft (?:Word|PowerPoint|Excel) - ", re.I)
PARAGRAPH_GAP = 1.45  # a line gap this many times the usual one starts a paragraph


def read_pdf(data: bytes, *, name: str) -> ReadResult:
    """Reader for .pdf files; raises ReadError for damaged, encrypted or image-only PDFs."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError
    except ImportError as exc:  # pragma: no cover - pypdf is a declared dependency
        raise ReadError("PDF support is not installed (pypdf)") from exc

    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are locked only against editing: an empty user password opens them.
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise ReadError("PDF is encrypted (AES; cannot be decrypted here)") from exc
            if not opened:
                raise ReadError("PDF is encrypted (password required)")
        pages = list(reader.pages)
    except ReadError:
        raise
    except FileNotDecryptedError as exc:
        raise ReadError("PDF is encrypted (password required)") from exc
    except LimitReachedError as exc:
        raise ReadError("PDF stream exceeds the size limit") from exc
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise ReadError(_damage_reason(data)) from exc
    if not pages:
        raise ReadError("PDF has no pages")

    texts: list[str] = []
    failed_pages: list[int] = []
    for number, page in enumerate(pages, 1):
        try:
            texts.append(_page_text(page))
        except LimitReachedError as exc:
            raise ReadError(f"PDF page {number} exceeds the size limit") from exc
        except (MemoryError, RecursionError):
            raise
        except Exception:  # one broken page must not lose the rest
            texts.append("")
            failed_pages.append(number)
    if not any(ch.isalnum() for t in texts for ch in t):
        if failed_pages and len(failed_pages) == len(pages):
            raise ReadError(_damage_reason(data))
        raise ReadError("no text layer (scanned?)")

    page_starts: list[int] = []
    offset = 0
    for i, t in enumerate(texts):
        page_starts.append(offset)
        offset += len(t) + (2 if i < len(texts) - 1 else 0)
    text = "\n\n".join(texts)

    metadata: dict[str, Any] = {"pages": len(pages)}
    empty = sum(1 for t in texts if not t.strip())
    if empty:
        metadata["pages_without_text"] = empty
    if failed_pages:
        metadata["unreadable_pages"] = failed_pages[:100]
    title, published = _document_info(reader, metadata)
    return ReadResult(
        text=text,
        format="pdf",
        title=title,
        encoding=None,
        published=published,
        metadata=metadata,
        page_starts=page_starts,
    )


def _damage_reason(data: bytes) -> str:
    if b"%%EOF" not in data[-2048:]:
        return "PDF could not be parsed (truncated?)"
    return "PDF could not be parsed (damaged)"


def _page_text(page: Any) -> str:
    """One page's text, already NFC with \\n newlines so page offsets stay exact."""
    parts: list[tuple[str, float | None, float]] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: Any) -> None:
        y: float | None
        try:
            y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
            scale = abs(float(tm[3]) * float(cm[3])) or 1.0
            height = float(size or 0) * scale
        except (TypeError, ValueError, IndexError):
            y, height = None, 0.0
        parts.append((text, y, height))

    plain = page.extract_text(visitor_text=visit)
    joined = "".join(p[0] for p in parts)
    text = _with_paragraphs(parts) if joined == plain else plain
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LIGATURES)
    text = _CONTROL.sub(" ", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_RUN.sub("\n\n", text).strip()
    return unicodedata.normalize("NFC", text)


def _with_paragraphs(parts: list[tuple[str, float | None, float]]) -> str:
    """Join the text pieces, adding a blank line where the gap above a line is unusually big."""
    # Pieces that begin a line, with their vertical position.
    starts: list[tuple[int, float, float]] = []  # (piece index, y, height)
    at_line_start = True
    for i, (text, y, height) in enumerate(parts):
        if text.strip() and at_line_start and y is not None:
            starts.append((i, y, height))
        if text:
            at_line_start = text.endswith("\n") or (at_line_start and not text.strip())
    drops = [a[1] - b[1] for a, b in itertools.pairwise(starts)]
    usual = [d for d in drops if d > 0]
    breaks: set[int] = set()
    if len(usual) >= 2:
        step = statistics.median(usual)
        for (i, _y, height), drop in zip(starts[1:], drops, strict=False):
            if drop > step * PARAGRAPH_GAP or drop < -max(height, step):
                breaks.add(i)  # a gap, or a jump back up (next column or box)
    out: list[str] = []
    for i, (text, _y, _h) in enumerate(parts):
        if i in breaks:
            out.append("\n")
        out.append(text)
    return "".join(out)


def _document_info(reader: Any, metadata: dict[str, Any]) -> tuple[str | None, str | None]:
    """Title and creation date from the Info dictionary, which is often absent or junk."""
    try:
        info = reader.metadata
    except Exception:
        return None, None
    if not info:
        return None, None
    fields = {
        "author": "/Author",
        "subject": "/Subject",
        "keywords": "/Keywords",
        "creator": "/Creator",
        "producer": "/Producer",
    }
    for key, pdf_key in fields.items():
        value = _info_str(info, pdf_key)
        if value:
            metadata[key] = value[:1000]
    title = _info_str(info, "/Title")
    if title:
        title = _WORD_PREFIX.sub("", title).strip()[:300] or None
    modified = iso_date(_info_str(info, "/ModDate"))
    if modified:
        metadata["modified"] = modified
    return title, iso_date(_info_str(info, "/CreationDate"))


def _info_str(info: Any, key: str) -> str | None:
    try:
        value = info.get(key)
        if value is None:
            return None
        if hasattr(value, "get_object"):
            value = value.get_object()
        text = str(value)
    except Exception:
        return None
    text = _CONTROL.sub("", text).replace("\x00", "").strip()
    return text or None
