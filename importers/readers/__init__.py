"""Readers by file extension; `reader_for` is the one place that chooses."""

from __future__ import annotations

from pathlib import PurePath

from casework.importers.readers.base import Reader, ReadError, ReadResult
from casework.importers.readers.docx import read_docx
from casework.importers.readers.ftm import read_ftm, read_json
from casework.importers.readers.html import read_html
from casework.importers.readers.mail import read_eml, read_mbox
from casework.importers.readers.pdf import read_pdf
from casework.importers.readers.tables import read_csv
from casework.importers.readers.text import read_markdown, read_text

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".eml": read_eml,
    ".mbox": read_mbox,
    ".ftm": read_ftm,
    ".ijson": read_ftm,
    ".json": read_json,  # FtM (e.g. .ftm.json) by content, else an entity or link table
    ".jsonl": read_json,
    ".ndjson": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
}


def reader_for(path: PurePath) -> Reader | None:
    return READERS.get(path.suffix.lower())


__all__ = ["READERS", "ReadError", "ReadResult", "Reader", "reader_for"]
