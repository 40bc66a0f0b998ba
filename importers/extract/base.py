"""The extractor contract: text in, mentions out, offsets into that same text.

Extractors are pure functions of the text (plus an optional document date for
relative dates), so they can be tested on strings and swapped (`--extractor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

KINDS = ("person", "organization", "place", "date", "money")


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of text naming an entity.

    `text == source_text[start:end]` always holds. `value` carries the
    normalised form where a kind has one: ISO date ("2017-12-22", "2017-12",
    "2017"), money ("EUR 120000"), a gazetteer's canonical place name
    ("United Kingdom" for "UK"). For names it is None and resolution decides.
    """

    start: int
    end: int
    text: str
    kind: str
    score: float = 1.0
    value: str | None = None
    extractor: str = "rules"


class Extractor(Protocol):
    """Anything with a name and an `extract` method is an extractor."""

    name: str

    def extract(self, text: str, *, doc_date: date | None = None) -> list[Mention]:
        """Mentions in `text`, sorted by start, non-overlapping."""
        ...
