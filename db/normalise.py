"""The one normalisation of names, shared by what is stored and what is looked up.

Both the importer (aliases.norm) and search (the query) use `normalise_name`,
so a name and a query that differ only in case, accents, punctuation, hyphens,
honorifics or a possessive always meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "judge",
        "justice",
        "colonel",
        "col",
        "general",
        "gen",
        "major",
        "maj",
        "captain",
        "capt",
        "lieutenant",
        "lt",
        "commander",
        "cmdr",
        "admiral",
        "adm",
        "sergeant",
        "sgt",
        "president",
        "minister",
        "senator",
        "ambassador",
        "director",
        "inspector",
        "commissioner",
        "chief",
        "agent",
        "officer",
        "father",
        "rev",
        "reverend",
        "madame",
        "mme",
        "mademoiselle",
        "mlle",
        "monsieur",
        "m",
        "herr",
        "frau",
    ]
)

_APOSTROPHES = "\u2019\u2018\u02bc`\u00b4"
_POSSESSIVE = re.compile(r"(?:'s|')$")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Casefold and strip accents: 'Hélène' -> 'helene'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=262_144)
def normalise_name(name: str, *, strip_honorifics: bool = True) -> str:
    """'Judge Pierre-Marie H.' -> 'pierre marie h'; "DGSE's" -> 'dgse'."""
    text = fold(name).strip()
    for ch in _APOSTROPHES:
        text = text.replace(ch, "'")
    text = _POSSESSIVE.sub("", text)
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t != "_"]
    if strip_honorifics:
        while len(tokens) > 1 and tokens[0] in HONORIFICS:
            tokens.pop(0)
    return " ".join(tokens)


def last_token(norm: str) -> str:
    """The blocking key used to find candidates that share a surname."""
    parts = norm.rsplit(" ", 1)
    return parts[-1] if parts else ""
