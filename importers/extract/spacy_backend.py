"""Optional spaCy backend: `casework import --extractor spacy:MODEL`.

For analysts who have installed spaCy and a model themselves. Casework never
downloads one: `spacy.load` reads an installed package or a folder, and a
missing model is a clear error. Entity labels map onto Casework's kinds;
labels with no kind (NORP, PRODUCT, CARDINAL...) are dropped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from casework.importers.extract.base import Mention

LABELS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "MONEY": "money",
}


class SpacyUnavailable(Exception):
    """spaCy or the named model is not installed; the message says what to install."""


class SpacyExtractor:
    def __init__(self, model: str | Any) -> None:
        """`model` is an installed package name, a model folder, or a loaded pipeline."""
        if isinstance(model, str):
            try:
                import spacy
            except ImportError:
                raise SpacyUnavailable(
                    "spaCy is not installed (pip install spacy, then a model of your choice)"
                ) from None
            try:
                self.nlp = spacy.load(model)
            except OSError:
                raise SpacyUnavailable(
                    f"spaCy model {model!r} is not installed; Casework never downloads models"
                ) from None
            self.name = f"spacy:{model}"
        else:
            self.nlp = model
            self.name = f"spacy:{model.meta.get('name', 'pipeline')}"
        self.nlp.max_length = max(self.nlp.max_length, 5_000_000)

    def extract(self, text: str, *, doc_date: date | None = None) -> list[Mention]:
        doc = self.nlp(text)
        out: list[Mention] = []
        last_end = -1
        for ent in doc.ents:
            kind = LABELS.get(ent.label_)
            if kind is None or ent.start_char < last_end:
                continue
            surface = text[ent.start_char : ent.end_char]
            out.append(Mention(ent.start_char, ent.end_char, surface, kind, extractor=self.name))
            last_end = ent.end_char
        return out
