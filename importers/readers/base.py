"""The reader contract: bytes of one file in, decoded text and metadata out.

A reader either returns a `ReadResult` or raises `ReadError` with a one-line
reason the user will see next to the file's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class ReadError(Exception):
    """The file cannot be imported; str(exc) is a one-line reason."""


@dataclass(slots=True)
class ReadResult:
    text: str
    format: str
    title: str | None = None
    encoding: str | None = None
    published: str | None = None  # ISO date, when the document states one
    metadata: dict[str, Any] = field(default_factory=dict)
    # Offsets where each page starts (page 1 first); None for unpaged formats.
    page_starts: list[int] | None = None


class Reader(Protocol):
    def __call__(self, data: bytes, *, name: str) -> ReadResult: ...
