"""Deciding which mentions name the same entity: within a document, then across the case.

Everything here is a pure function of names and offsets, so each rule can be
tested on strings. Every join records the rule that made it (shown to the
analyst as the alias's `rule`), and the guards say when two names must stay
apart: different given names, different digits (MI5/MI6), a surname shared by
two people, an ambiguous candidate.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from casework.db.normalise import normalise_name
from casework.importers.extract.base import Mention

VALUE_KINDS = frozenset({"date", "money"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_DEFINITION_GAP = re.compile(r"^\s*[(\[]\s*$")
_STOP = frozenset(
    ["of", "for", "the", "and", "de", "du", "des", "la", "le", "l", "d", "in", "on", "at", "to"]
)


@dataclass(slots=True)
class DocEntity:
    """One entity as seen in one document: its mentions and the rule behind each alias."""

    kind: str
    value: str | None
    mentions: list[Mention] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # alias -> rule
    created_by: str = "extractor"  # "import" when the document states it outright

    @property
    def aliases(self) -> Counter[str]:
        return Counter(m.text for m in self.mentions)

    @property
    def norms(self) -> set[str]:
        return {n for n in (normalise_name(a) for a in self.rules) if n}

    def absorb(self, other: DocEntity, rule: str) -> None:
        self.mentions.extend(other.mentions)
        for alias, old in other.rules.items():
            self.rules.setdefault(alias, rule if old == "original" else old)
        if self.value is None:
            self.value = other.value
        if other.created_by == "import":
            self.created_by = "import"


def tokens(norm: str) -> list[str]:
    return norm.split()


# -- names: when two spellings can be the same person or organisation -----------


def person_rule(a: str, b: str) -> str | None:
    """The rule by which normalised person names a and b are the same, or None.

    Token by token: equal, an initial of the other ("f" / "fiona"), or a
    truncation of at least three letters ("mar" / "marie"). Given names that
    are both spelled out and differ keep two people apart.
    """
    if a == b:
        return "normalised"
    ta, tb = tokens(a), tokens(b)
    if len(ta) != len(tb) or len(ta) < 2:
        return None
    used = "normalised"
    for x, y in zip(ta, tb, strict=True):
        if x == y:
            continue
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if len(short) == 1 and long_.startswith(short):
            used = "initials" if used == "normalised" else used
        elif len(short) >= 3 and long_.startswith(short):
            used = "truncation"
        elif (
            len(short) >= 4
            and x[0] == y[0]
            and fuzz.ratio(x, y) >= 85
            and not (x.isdigit() or y.isdigit())
        ):
            used = "fuzzy"
        else:
            return None
    # Two initials-only surnames ("henri m" vs "henri d") were caught above; an
    # initial may not stand for an initial of a different letter.
    return used


def org_rule(a: str, b: str) -> str | None:
    """Organisations merge on equal norms, or near-identical long names with equal digits."""
    if a == b:
        return "normalised"
    if min(len(a), len(b)) < 10 or _digits(a) != _digits(b):
        return None
    if fuzz.ratio(a, b) >= 94:
        return "fuzzy"
    return None


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def name_rule(kind: str, a: str, b: str) -> str | None:
    if kind == "person":
        return person_rule(a, b)
    if kind == "organization":
        return org_rule(a, b)
    return "normalised" if a == b else None


def initials(norm_tokens: Sequence[str]) -> str:
    return "".join(t[0] for t in norm_tokens if t not in _STOP)


# -- within one document -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stated:
    """An entity a document states outright, with the spans that name it (see readers.base)."""

    kind: str
    name: str
    aliases: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def resolve_document(
    text: str, mentions: Sequence[Mention], stated: Sequence[Stated] = ()
) -> list[DocEntity]:
    """Group one document's mentions into entities, in order of first mention.

    Stated entities come first and win: an extracted mention overlapping a
    stated span is dropped, one spelled like a stated alias joins it.
    """
    groups: list[DocEntity] = []
    by_key: dict[tuple[str, str], DocEntity] = {}
    taken: list[tuple[int, int]] = []
    for st in stated:
        ent = DocEntity(st.kind, None, created_by="import")
        ent.rules[st.name] = "original"
        for alias in st.aliases:
            ent.rules.setdefault(alias, "import")
        for start, end in st.spans:
            surface = text[start:end]
            ent.mentions.append(Mention(start, end, surface, st.kind, extractor="import"))
            ent.rules.setdefault(surface, "import")
            taken.append((start, end))
        groups.append(ent)
        for alias in ent.rules:
            by_key.setdefault((st.kind, normalise_name(alias)), ent)
    taken.sort()
    order = [m for m in sorted(mentions, key=lambda m: m.start) if not _overlaps(taken, m)]
    for m in order:
        if m.kind in VALUE_KINDS or (m.kind == "place" and m.value):
            key = (m.kind, m.value or normalise_name(m.text))
        else:
            key = (m.kind, normalise_name(m.text))
            if m.kind == "person" and " " not in key[1]:
                # A lone surname is judged mention by mention: "Durand" may be
                # Marc here and Sophie three lines later.
                key = (m.kind, f"{key[1]}@{m.start}")
        if not key[1] or key[1].startswith("@"):
            continue
        ent = by_key.get(key)
        if ent is None:
            ent = DocEntity(m.kind, m.value)
            ent.rules[m.text] = "original"
            by_key[key] = ent
            groups.append(ent)
        else:
            ent.rules.setdefault(m.text, "normalised")
        ent.mentions.append(m)
    groups = _join_acronym_definitions(text, groups)
    groups = _join_acronym_initials(groups)
    groups = _join_people(groups)
    return _regroup_lone_names(groups)


def _regroup_lone_names(groups: list[DocEntity]) -> list[DocEntity]:
    """Lone surnames that matched no full name are one entity per spelling again."""
    out: list[DocEntity] = []
    seen: dict[str, DocEntity] = {}
    for g in groups:
        if g.kind == "person" and all(" " not in normalise_name(a) for a in g.rules):
            key = normalise_name(next(iter(g.rules)))
            if key in seen:
                seen[key].absorb(g, "normalised")
                continue
            seen[key] = g
        out.append(g)
    return out


def _overlaps(spans: list[tuple[int, int]], m: Mention) -> bool:
    i = bisect.bisect_right(spans, (m.start, 1 << 62)) - 1
    if i >= 0 and spans[i][1] > m.start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < m.end


def _first(ent: DocEntity) -> int:
    return min(m.start for m in ent.mentions)


def _join_acronym_definitions(text: str, groups: list[DocEntity]) -> list[DocEntity]:
    """'Directorate-General for External Security (DGSE)': one organisation."""
    orgs = sorted(
        (m.start, m.end, m.text, id(g))
        for g in groups
        if g.kind == "organization"
        for m in g.mentions
    )
    by_id = {id(g): g for g in groups}
    merged: dict[int, DocEntity] = {}
    for (_, e1, t1, g1), (s2, _, t2, g2) in itertools.pairwise(orgs):
        if g1 == g2 or not _ACRONYM.match(t2) or _ACRONYM.match(t1):
            continue
        if not _DEFINITION_GAP.match(text[e1:s2]):
            continue
        full = _resolved(merged, by_id[g1])
        acro = _resolved(merged, by_id[g2])
        if full is acro:
            continue
        full.absorb(acro, "acronym")
        merged[id(acro)] = full
    return [g for g in groups if id(g) not in merged]


def _resolved(merged: dict[int, DocEntity], g: DocEntity) -> DocEntity:
    while id(g) in merged:
        g = merged[id(g)]
    return g


def _join_acronym_initials(groups: list[DocEntity]) -> list[DocEntity]:
    """'Ministry of State Security' ... 'MSS': an acronym equal to one org's initials."""
    orgs = [g for g in groups if g.kind == "organization"]
    full_by_initials: dict[str, list[DocEntity]] = {}
    for g in orgs:
        for alias in g.rules:
            toks = tokens(normalise_name(alias))
            if len(toks) >= 2:
                full_by_initials.setdefault(initials(toks), []).append(g)
    gone: set[int] = set()
    for g in orgs:
        if any(not _ACRONYM.match(a) for a in g.rules):
            continue
        key = normalise_name(next(iter(g.rules))).replace(" ", "")
        targets = {id(t): t for t in full_by_initials.get(key, []) if t is not g}
        if len(targets) == 1:
            target = next(iter(targets.values()))
            target.absorb(g, "acronym")
            gone.add(id(g))
    return [g for g in groups if id(g) not in gone]


def _join_people(groups: list[DocEntity]) -> list[DocEntity]:
    """Short forms join the full name they stand for in this document.

    A surname alone joins the latest person before it with that surname (or the
    first after it); a form with initials or a truncation joins the one person
    it is compatible with. Ambiguous short forms stay on their own.
    """
    people = [g for g in groups if g.kind == "person"]
    best = {id(g): _best_tokens(g) for g in people}
    full = [g for g in people if len(best[id(g)]) >= 2]
    gone: set[int] = set()
    for g in people:
        toks = best[id(g)]
        if len(toks) == 1:
            surname = toks[0]
            matches = [f for f in full if best[id(f)][-1] == surname and f is not g]
            rule = "surname"
            if not matches:
                # "Henri" after "Henri M.": a given name alone, for the one person it starts.
                matches = [f for f in full if best[id(f)][0] == surname and f is not g]
                rule = "given name"
                if len({id(f) for f in matches}) != 1:
                    continue
            start = _first(g)
            before = [f for f in matches if _first(f) < start]
            if before:
                # The person of that surname named most recently before this mention.
                target = max(
                    before, key=lambda f: max(m.start for m in f.mentions if m.start < start)
                )
            elif len(matches) == 1:
                target = matches[0]
            else:
                continue
            target.absorb(g, rule)
            gone.add(id(g))
    # Compatible spellings (initials, truncations) of a fuller name in this document.
    remaining = [g for g in people if id(g) not in gone]
    for g in remaining:  # aliases gained above change the fullest form
        best[id(g)] = _best_tokens(g)
    joined = {id(g): " ".join(best[id(g)]) for g in remaining}
    by_size: dict[int, list[DocEntity]] = {}
    for g in remaining:
        by_size.setdefault(len(best[id(g)]), []).append(g)
    for same_size in by_size.values():  # person_rule needs equal token counts
        for i, g in enumerate(same_size):
            if id(g) in gone:
                continue
            for h in same_size[i + 1 :]:
                if id(h) in gone:
                    continue
                rule = person_rule(joined[id(g)], joined[id(h)])
                if not rule or rule == "normalised":
                    continue
                others = [
                    k
                    for k in same_size
                    if k is not h
                    and k is not g
                    and id(k) not in gone
                    and person_rule(joined[id(k)], joined[id(h)])
                ]
                if others:
                    continue  # ambiguous: two people this could be
                g.absorb(h, rule)
                gone.add(id(h))
    return [g for g in groups if id(g) not in gone]


def _best_tokens(g: DocEntity) -> list[str]:
    """Tokens of the fullest alias (most tokens, then longest)."""
    norms = [normalise_name(a) for a in g.rules]
    best = max(norms, key=lambda n: (len(n.split()), len(n)))
    return best.split()


# -- across the case ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseCandidate:
    entity_id: int
    norms: tuple[str, ...]
    mentions: int


def match_in_case(
    kind: str, norms: set[str], candidates: Sequence[CaseCandidate]
) -> tuple[int, str] | None:
    """The case entity a document entity joins, with the rule, or None for a new one.

    An equal normalised alias wins outright. Otherwise a fuzzy/initials/surname
    rule must pick exactly one candidate: two candidates means ambiguous, and
    ambiguity never merges.
    """
    exact = [c for c in candidates if norms & set(c.norms)]
    if len({c.entity_id for c in exact}) == 1:
        return exact[0].entity_id, "normalised"
    if len(exact) > 1:
        # The same alias on two entities (e.g. a surname): prefer the fuller name.
        mine = max(norms, key=lambda n: len(n.split()))
        if len(mine.split()) >= 2:
            best = max(exact, key=lambda c: c.mentions)
            return best.entity_id, "normalised"
        return None
    if kind not in ("person", "organization"):
        return None
    found: dict[int, str] = {}
    for c in candidates:
        for mine in norms:
            for theirs in c.norms:
                rule = _case_rule(kind, mine, theirs)
                if rule:
                    found.setdefault(c.entity_id, rule)
    if len(found) == 1:
        return next(iter(found.items()))
    return None


def _case_rule(kind: str, mine: str, theirs: str) -> str | None:
    if kind == "person":
        a, b = tokens(mine), tokens(theirs)
        if len(a) == 1 and len(b) >= 2 and b[-1] == a[0]:
            return "surname"
        if len(b) == 1 and len(a) >= 2 and a[-1] == b[0]:
            return "surname"
        return person_rule(mine, theirs)
    return org_rule(mine, theirs)


# -- display names ---------------------------------------------------------------------


def choose_name(kind: str, value: str | None, aliases: Sequence[tuple[str, int]]) -> str:
    """The name an entity is shown by: the fullest, most used spelling.

    Dates show their ISO value; people their most complete spelled-out form;
    everything else its most frequent alias (ties to the longest).
    """
    if kind == "date" and value:
        return value
    if not aliases:
        return value or "?"
    seen = [a for a in aliases if a[1] > 0]
    aliases = seen or aliases  # a name the text uses beats one only a header or record gives
    if kind == "person":

        def fullness(item: tuple[str, int]) -> tuple[int, int, int, int]:
            toks = normalise_name(item[0]).split()
            spelled = sum(1 for t in toks if len(t) > 1)
            return (spelled, item[1], len(toks), len(item[0]))

        return max(aliases, key=fullness)[0]
    return max(aliases, key=lambda a: (a[1], len(a[0])))[0]
