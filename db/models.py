"""Plain records that queries return, so callers never see SQL rows.

`to_json()` gives the shapes documented in DESIGN.md section 4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, TypeVar, overload

R = TypeVar("R")


class RowList(Sequence[R], Generic[R]):
    """Records kept as plain tuples and made when read.

    A hub entity has tens of thousands of links and sources. As dataclasses they
    are as many objects for the cyclic garbage collector to walk on every full
    pass (250 ms pauses in the explorer, typing); tuples of ints and strings are
    dropped from its lists after their first pass.
    """

    __slots__ = ("_make", "_rows")

    def __init__(self, make: Callable[..., R], rows: list[tuple[Any, ...]]) -> None:
        self._make = make
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self._make(*row) for row in self._rows[index]]
        return self._make(*self._rows[index])

    def __iter__(self) -> Iterator[R]:
        make = self._make
        return (make(*row) for row in self._rows)

    def __repr__(self) -> str:
        return f"RowList({getattr(self._make, '__name__', '?')}, {len(self)} rows)"


@dataclass(frozen=True, slots=True)
class SearchHit:
    type: str  # "entity" | "passage"
    id: int
    name: str  # entity name, or a passage snippet
    kind: str  # entity kind, or "passage"
    score: float
    source_id: int | None = None
    matched: str | None = None  # the alias that matched, when not the name
    mentions: int = 0
    source_title: str | None = None
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    rule: str
    count: int


@dataclass(frozen=True, slots=True)
class EntitySummary:
    id: int
    kind: str
    name: str
    aliases: list[str]
    mentions: int
    sources: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MentionInPassage:
    """A mention with the passage that holds it; offsets are into the source text."""

    mention_id: int
    passage_id: int
    source_id: int
    source_title: str
    location: str
    start: int
    end: int
    text: str
    passage_start: int
    passage_text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "passage_id": self.passage_id,
            "source_id": self.source_id,
            "source_title": self.source_title,
            "location": self.location,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class LinkSummary:
    entity_id: int
    name: str
    kind: str
    relation: str
    weight: int
    evidence: list[int]

    @classmethod
    def from_row(
        cls,
        entity_id: int,
        name: str,
        kind: str,
        relation: str,
        weight: int,
        evidence: tuple[int, ...],
    ) -> LinkSummary:
        """From the tuple a RowList keeps (evidence as a tuple, which the collector ignores)."""
        return cls(entity_id, name, kind, relation, weight, list(evidence))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: int
    title: str
    mentions: int


@dataclass(slots=True)
class EntityDetail:
    id: int
    kind: str
    name: str
    value: str | None
    created_by: str
    notes: str
    aliases: list[Alias]
    mention_count: int
    source_count: int
    mentions: list[MentionInPassage] = field(default_factory=list)
    links: Sequence[LinkSummary] = field(default_factory=list)
    sources: Sequence[SourceRef] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "value": self.value,
            "aliases": [asdict(a) for a in self.aliases],
            "mention_count": self.mention_count,
            "source_count": self.source_count,
            "mentions": [m.to_json() for m in self.mentions],
            "links": [link.to_json() for link in self.links],
        }


@dataclass(frozen=True, slots=True)
class MentionRow:
    entity_id: int
    kind: str
    source_id: int
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class SourceSummary:
    id: int
    path: str
    title: str | None
    format: str | None
    status: str
    reason: str | None
    passages: int
    encoding: str | None = None
    published: str | None = None
    bytes: int | None = None
    also_at: list[str] = field(default_factory=list)  # other paths with the same bytes

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PassageRow:
    id: int
    source_id: int
    seq: int
    start: int
    end: int
    location: str
    text: str


@dataclass(frozen=True, slots=True)
class PassageEntity:
    """An entity mentioned in a passage, with the span that names it there."""

    entity_id: int
    name: str
    kind: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class PassageDetail:
    passage: PassageRow
    source_title: str
    entities: list[PassageEntity]


@dataclass(frozen=True, slots=True)
class CaseStats:
    sources: int
    failed: int
    passages: int
    entities: int
    mentions: int
    links: int
