"""Typed relations a sentence states outright, found between resolved mentions.

Co-mention links say "these appear together"; these say how: a role
("Fiona McCallum, an officer of the Security Service", "MI5 chief Ken
McCallum"), family ("Henri M.'s wife, Hélène M."), a place something happened
("was arrested in Paris"). Each pattern looks only at the words between two
mentions in one sentence, so it stays precise; what it misses is still a
co-mention. Relations are directed: (a, b, relation) reads "a <relation> b".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from casework.importers.resolve import DocEntity

ROLES = (
    "agent|ambassador|analyst|assistant|boss|chair|chairman|chairwoman|chief|commander|consul|"
    "consultant|deputy|diplomat|director|director general|director-general|employee|envoy|"
    "founder|handler|head|leader|manager|member|minister|officer|official|operative|owner|"
    "partner|president|prosecutor|secretary|spokesman|spokeswoman|spokesperson|"
    "station chief|head of station|staff member|specialist|technician|translator"
)
FAMILY = (
    "wife|husband|spouse|partner|son|daughter|brother|sister|father|mother|cousin|uncle|aunt|"
    "nephew|niece|brother-in-law|sister-in-law|son-in-law|daughter-in-law"
)
PLACE_VERBS = (
    "arrested|detained|born|based|posted|stationed|killed|died|jailed|imprisoned|tried|"
    "convicted|sentenced|recruited|met|lived|lives|living|worked|works|raised|buried|"
    "hiding|questioned"
)

_MOD = (
    r"(?:(?:the|a|an|its|his|her|their)\s+)?"
    r"(?:(?:former|then|ex-|retired|senior|chief|deputy|acting)\s+)*"
)
# "Fiona McCallum, an officer of the Security Service (MI5)" / "X, head of station at Y"
_PERSON_ROLE_ORG = re.compile(
    rf"^\s*,\s*{_MOD}(?P<role>{ROLES})\s+(?:of|at|for|in|with)\s+(?:the\s+)?$", re.I
)
# "MI5 chief Ken McCallum" / "the DGSE's former station chief, Henri M."
_ORG_ROLE_PERSON = re.compile(rf"^(?:'s|’s)?\s+{_MOD}(?P<role>{ROLES})\s*,?\s*$", re.I)
# "the former head of MI6, Alexandra Younger"
_ROLE_ORG_PERSON_BEFORE = re.compile(rf"{_MOD}(?P<role>{ROLES})\s+of\s+(?:the\s+)?$", re.I)
# "Henri M.'s wife, Hélène M." / "Henri M.'s wife Hélène"
_POSSESSIVE_FAMILY = re.compile(
    rf"^(?:'s|’s)\s+(?:former\s+|late\s+)?(?P<rel>{FAMILY})\s*,?\s*$", re.I
)
# "Hélène M., the wife of Henri M." / "Hélène M., his wife"
_FAMILY_OF = re.compile(
    rf"^\s*,\s*(?:the\s+)?(?:former\s+|late\s+)?(?P<rel>{FAMILY})\s+of\s+$", re.I
)
# "... was arrested in Paris" (the place follows at once)
_PLACE_BEFORE = re.compile(
    rf"\b(?P<verb>{PLACE_VERBS})\s+(?P<prep>in|at|to|near|outside|inside|from)\s+(?:the\s+)?$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"'“(])|\n\s*\n")
MAX_GAP = 80  # characters between two mentions a pattern may read
SUBJECT_REACH = 60  # how far before its verb a place relation's subject may end


@dataclass(frozen=True, slots=True)
class _Spot:
    start: int
    end: int
    kind: str
    entity: DocEntity


def typed_relations(
    text: str, entities: Sequence[DocEntity]
) -> list[tuple[DocEntity, DocEntity, str, int]]:
    """(a, b, relation, evidence offset) for each relation a sentence states."""
    spots = sorted(
        (_Spot(m.start, m.end, e.kind, e) for e in entities for m in e.mentions),
        key=lambda s: s.start,
    )
    breaks = [m.start() for m in _SENTENCE_END.finditer(text)]
    out: list[tuple[DocEntity, DocEntity, str, int]] = []
    seen: set[tuple[int, int, str]] = set()

    def add(a: DocEntity, b: DocEntity, relation: str, offset: int) -> None:
        key = (id(a), id(b), relation)
        if a is not b and key not in seen:
            seen.add(key)
            out.append((a, b, relation, offset))

    for i, x in enumerate(spots):
        y = spots[i + 1] if i + 1 < len(spots) else None
        if y is not None and y.start - x.end <= MAX_GAP and not _crosses(breaks, x.end, y.start):
            gap = text[x.end : y.start]
            if x.kind == "person" and y.kind == "organization":
                m = _PERSON_ROLE_ORG.match(gap)
                if m:
                    add(x.entity, y.entity, f"role: {m['role'].lower()}", x.start)
            if x.kind == "organization" and y.kind == "person":
                m = _ORG_ROLE_PERSON.match(gap)
                if m:
                    add(y.entity, x.entity, f"role: {m['role'].lower()}", x.start)
            if x.kind == "person" and y.kind == "person":
                m = _POSSESSIVE_FAMILY.match(gap)
                if m:
                    add(x.entity, y.entity, f"family: {m['rel'].lower()}", x.start)
                m = _FAMILY_OF.match(gap)
                if m:
                    add(y.entity, x.entity, f"family: {m['rel'].lower()}", x.start)
        if x.kind == "organization" and y is not None and y.kind == "person":
            # "the former head of MI6, Alexandra Younger": the role sits before the org.
            before = text[max(0, x.start - 40) : x.start]
            m = _ROLE_ORG_PERSON_BEFORE.search(before)
            gap = text[x.end : y.start]
            if m and re.fullmatch(r"\s*,\s*", gap):
                add(y.entity, x.entity, f"role: {m['role'].lower()}", x.start)
        if x.kind == "place":
            before = text[max(0, x.start - 40) : x.start]
            m = _PLACE_BEFORE.search(before)
            if m:
                verb_at = x.start - len(before) + m.start()
                subject = _subject(spots, i, breaks, verb_at - SUBJECT_REACH)
                if subject is not None:
                    relation = f"{m['verb'].lower()} {m['prep'].lower()}"
                    add(subject.entity, x.entity, relation, x.start)
    return out


def _crosses(breaks: list[int], start: int, end: int) -> bool:
    """A sentence break in [start, end); `breaks` is sorted."""
    i = bisect.bisect_left(breaks, start)
    return i < len(breaks) and breaks[i] < end


def _subject(spots: list[_Spot], i: int, breaks: list[int], floor: int) -> _Spot | None:
    """The nearest person before spot i in the same sentence."""
    for j in range(i - 1, -1, -1):
        s = spots[j]
        if s.start < floor or _crosses(breaks, s.end, spots[i].start):
            return None
        if s.kind == "person":
            return s
    return None
