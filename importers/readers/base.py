"""The reader contract: bytes of one file in, decoded text and metadata out.

A reader either returns a `ReadResult` or raises `ReadError` with a one-line
reason the user will see next to the file's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

VALUE_KINDS = frozenset({"date", "money"})


class ReadError(Exception):
    """The file cannot be imported; str(exc) is a one-line reason."""


@dataclass(frozen=True, slots=True)
class StatedEntity:
    """An entity the document states outright: an e-mail header, a table row, an FtM record.

    `key` is unique within the document and ties spans and relations to it.
    `aliases` are further names it is known by (stored with rule "import").
    """

    key: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatedSpan:
    """Where the document names a stated entity: `text[start:end]` is the name as written."""

    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StatedRelation:
    """A relation the document states (Ownership, an e-mail's From/To), with its evidence span."""

    a: str
    b: str
    relation: str
    start: int
    end: int


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
    # What the document states outright. Span offsets point into `text`, so a reader
    # that states spans must return text already normalised (segment.normalise_text).
    entities: list[StatedEntity] = field(default_factory=list)
    spans: list[StatedSpan] = field(default_factory=list)
    relations: list[StatedRelation] = field(default_factory=list)
    # Kinds the extractor may add; None for all. Structured records (FtM, tables) state
    # their names, and extraction over their rendered properties only adds noise
    # ("LLC", sanction-programme ids as organisations); their dates and amounts still count.
    extract_kinds: frozenset[str] | None = None


class Reader(Protocol):
    def __call__(self, data: bytes, *, name: str) -> ReadResult: ...
