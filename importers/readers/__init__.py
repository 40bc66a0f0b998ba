"""Readers by file extension; `reader_for` is the one place that chooses."""

from __future__ import annotations

from pathlib import PurePath

from casework.importers.readers.base import Reader, ReadError, ReadResult
from casework.importers.readers.text import read_markdown, read_text

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}


def reader_for(path: PurePath) -> Reader | None:
    return READERS.get(path.suffix.lower())


__all__ = ["READERS", "ReadError", "ReadResult", "Reader", "reader_for"]
