"""Deciding which mentions name the same entity: within a document, then across the case.

Everything here is a pure function of names and offsets, so each rule can be
tested on strings. Every join records the rule that made it (shown to the
analyst as the alias's `rule`), and the guards say when two names must stay
apart: different given names, different digits (MI5/MI6), a surname shared by
two people, an ambiguous candidate.

Rules that join: equal normalised names; initials, truncations and close
spellings of each word ("Pierre-Mar H" = "Pierre-Marie H."); a known pet
name ("Sandy" = "Alexandra"); a missing middle initial ("Cheryl D Mills" =
"Cheryl Mills"); a name written surname first in a mail header ("Mills,
Cheryl D"); a surname or given name alone for the one person it stands for
in the document; an acronym defined in brackets or equal to a name's
initials; a name given in brackets after another ("Paris Criminal Court
(Tribunal correctionnel de Paris)"); "<nationality> embassy" for the one
"Embassy of <country>" in the document.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from casework.db.normalise import normalise_name
from casework.importers.extract.base import Mention
from casework.importers.extract.lexicon import KNOWN_ORGS, PET_NAMES

VALUE_KINDS = frozenset({"date", "money"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_DEFINITION_GAP = re.compile(r"^\s*[(\[]\s*$")
_ALIAS_SEP = re.compile(r"^\s*(?:[,;/]|\bor\b|\balso\b)\s*$")
_CLOSE = re.compile(r"\s*[)\]]")
# "Mills, Cheryl D": a surname, a comma, then the given names (mail headers).
_INVERTED = re.compile(r"^\s*([^\s,]+(?:[ -][^\s,]+)?)\s*,\s*([^,]+?)\s*$")
# "Chinese embassy" and "Embassy of China": nationality and country that share a stem,
# and the common ones that do not.
_DEMONYM_COUNTRY = {
    "french": "france", "british": "britain", "english": "england", "dutch": "netherlands",
    "swiss": "switzerland", "welsh": "wales", "scottish": "scotland", "irish": "ireland",
    "danish": "denmark", "swedish": "sweden", "finnish": "finland", "polish": "poland",
    "spanish": "spain", "turkish": "turkey", "greek": "greece", "thai": "thailand",
    "american": "united states", "emirati": "united arab emirates", "filipino": "philippines",
}  # fmt: skip
_PETS = frozenset(
    frozenset((full, pet)) for full, pets in PET_NAMES.items() for pet in pets.split()
)
_PET_OF: dict[str, frozenset[str]] = {
    name: frozenset(other for pair in _PETS if name in pair for other in pair if other != name)
    for pair in _PETS
    for name in pair
}
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
    record: bool = False  # holds a record the source keeps apart from its other records

    @property
    def aliases(self) -> Counter[str]:
        return Counter(m.text for m in self.mentions)

    @property
    def norms(self) -> set[str]:
        if self.kind == "person":
            return {n for n in (person_norm(a) for a in self.rules) if n}
        return {n for n in (normalise_name(a) for a in self.rules) if n}

    def absorb(self, other: DocEntity, rule: str) -> None:
        self.mentions.extend(other.mentions)
        for alias, old in other.rules.items():
            self.rules.setdefault(alias, rule if old == "original" else old)
        if self.value is None:
            self.value = other.value
        if other.created_by == "import":
            self.created_by = "import"
        self.record = self.record or other.record


def _kept_apart(a: DocEntity, b: DocEntity) -> bool:
    """Two records the source states (FtM ids, table rows) stay apart: the source
    already decided they are two, so no rule may join them, not even equal names."""
    return a.record and b.record


def tokens(norm: str) -> list[str]:
    return norm.split()


def uninvert(name: str) -> str | None:
    """'Mills, Cheryl D' -> 'Cheryl D Mills'; None when `name` is not written surname first."""
    m = _INVERTED.match(name)
    if m is None or not m.group(2)[:1].isupper() or len(m.group(2).split()) > 3:
        return None
    return f"{m.group(2)} {m.group(1)}"


def person_norm(name: str) -> str:
    """The normalised form of a person's name, given names first."""
    if "," in name:
        plain = uninvert(name)
        if plain is not None:
            return normalise_name(plain)
    return normalise_name(name)


# -- names: when two spellings can be the same person or organisation -----------


@lru_cache(maxsize=1 << 15)
def person_rule(a: str, b: str) -> str | None:
    """The rule by which normalised person names a and b are the same, or None.

    Memoised: the same pairs of names meet in document after document.

    Token by token: equal, an initial of the other ("f" / "fiona"), or a
    truncation of at least three letters ("mar" / "marie"). Given names that
    are both spelled out and differ keep two people apart. A surname initial
    ("Jacob J") never meets a given-name initial ("J Jeffrey"): each side would
    spell out what the other abbreviates, and "J" after a given name is no
    evidence about anyone's given name.
    """
    if a == b:
        return "normalised"
    ta, tb = tokens(a), tokens(b)
    if len(ta) != len(tb) and min(len(ta), len(tb)) >= 2:
        # "cheryl d mills" / "cheryl mills": only a middle initial missing.
        sa = [t for i, t in enumerate(ta) if not (len(t) == 1 and 0 < i < len(ta) - 1)]
        sb = [t for i, t in enumerate(tb) if not (len(t) == 1 and 0 < i < len(tb) - 1)]
        if len(sa) == len(sb) and (sa == sb or person_rule(" ".join(sa), " ".join(sb))):
            return "middle initial"
        return None
    if len(ta) != len(tb) or len(ta) < 2:
        return None
    used = "normalised"
    short_a: set[int] = set()  # positions where a has the initial, b the spelled-out word
    short_b: set[int] = set()
    for i, (x, y) in enumerate(zip(ta, tb, strict=True)):
        rule = token_rule(x, y)
        if rule is None:
            return None
        if rule == "initials":
            used = "initials" if used == "normalised" else used
            (short_a if len(x) < len(y) else short_b).add(i)
        elif rule != "normalised":
            used = rule
    last = len(ta) - 1
    for mine, other in ((short_a, short_b), (short_b, short_a)):
        if last in mine and any(i < last for i in other):
            return None  # "jacob j" / "j jeffrey"
    if used == "initials" and (a in COMPASS_COUNTRIES or b in COMPASS_COUNTRIES):
        return None  # "N. Korea" is North Korea, never "NEWS-Korea" or "Nancy Korea"
    # Two initials-only surnames ("henri m" vs "henri d") were caught above; an
    # initial may not stand for an initial of a different letter.
    return used


# Countries and continents of the gazetteer named with a compass word, as a person norm
# would read them short ("N. Korea"): the initial is a compass point and stands for no
# given name. Written out so the writer need not load the gazetteer (tests check it).
COMPASS_COUNTRIES = frozenset(
    ["n korea", "s korea", "s sudan", "s africa", "n macedonia", "e timor", "e germany",
     "w germany", "n america", "s america", "s georgia"]
)  # fmt: skip


def token_rule(x: str, y: str) -> str | None:
    """How one name token can be another: equal, initial, truncation, pet name, typo."""
    if x == y:
        return "normalised"
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    if len(short) == 1 and long_.startswith(short):
        return "initials"
    if len(short) >= 3 and long_.startswith(short):
        return "truncation"
    if frozenset((x, y)) in _PETS:
        return "pet name"
    if len(short) >= 4 and x[0] == y[0] and fuzz.ratio(x, y) >= 85:
        return None if x.isdigit() or y.isdigit() else "fuzzy"
    return None


def spelled_out_conflict(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether two sets of full person norms spell out different given names or surnames.

    "An initial never stands for a different spelled-out name": "Jim J" may
    join Jim Jeffrey, but then it is no bridge to "Jim Johnson", whose surname
    starts with the same letter and is spelled out differently. Compared per
    role (first token, last token) and initial letter.
    """
    ours_split = [t for t in (n.split() for n in mine) if len(t) >= 2]
    theirs_split = [t for t in (n.split() for n in theirs) if len(t) >= 2]
    lasts = Counter(t[-1] for t in ours_split + theirs_split)
    for role in (0, -1):
        ours = _spelled(ours_split, role, lasts)
        if not ours:
            continue
        other = _spelled(theirs_split, role, lasts)
        for letter, xs in ours.items():
            ys = other.get(letter)
            if ys and not any(token_rule(x, y) for x in xs for y in ys):
                return True
    return False


def _spelled(names: Sequence[list[str]], role: int, lasts: Counter[str]) -> dict[str, set[str]]:
    """Spelled-out tokens (two letters or more) at `role` of the names, by initial letter.

    A name written surname first ("Burns, William J" is stored as "burns william
    j") is read given names first when its first word ends another name of the
    two sets (`lasts`), so Bill Burns's surname does not count as a given name
    and "Abdalla Alyce N" is Alyce Abdalla."""
    out: dict[str, set[str]] = {}
    for toks in names:
        if lasts[toks[0]] > (toks[-1] == toks[0]):
            toks = [*toks[1:], toks[0]]
        if len(toks[role]) > 1:
            out.setdefault(toks[role][0], set()).add(toks[role])
    return out


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


def acronym_fits(acronym: str, name: str) -> bool:
    """Whether `acronym` can stand for `name`: its first letter starts the name and its
    letters come in order from the name ("DGSE" for "Directorate-General for External
    Security", "fedpol" for "Federal Office of Police"; not "AP" for "PORT-AU-PRINCE")."""
    if any(c.isdigit() for c in acronym):
        return True  # a designation, not initials: "Security Service (MI5)", "(G7)"
    letters = [c for c in normalise_name(acronym) if c.isalpha()]
    words = tokens(normalise_name(name))
    if not letters or not words or letters[0] != words[0][0]:
        return False
    rest = iter(" ".join(words)[1:])
    return all(c in rest for c in letters[1:])


# -- within one document -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stated:
    """An entity a document states outright, with the spans that name it (see readers.base).

    `record`: the source keeps it apart from its other stated entities (an FtM
    entity, a table row), so it joins none of them. Names a document merely writes
    in several places, such as e-mail header parties keyed by their spelling, may
    pass False to let "Cc: Meier" join "From: Meier, Edward F".
    """

    kind: str
    name: str
    aliases: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    record: bool = True


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
        ent = DocEntity(st.kind, None, created_by="import", record=st.record)
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
        elif m.kind == "person":
            key = (m.kind, person_norm(m.text))
            if " " not in key[1]:
                # A lone surname is judged mention by mention: "Durand" may be
                # Marc here and Sophie three lines later.
                key = (m.kind, f"{key[1]}@{m.start}")
        else:
            key = (m.kind, normalise_name(m.text))
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
        if m.kind == "person" and "," in m.text:
            plain = uninvert(m.text)
            if plain is not None:
                # Stored as an alias too, so later documents find "Cheryl D Mills" by
                # its surname; the rule says where it came from.
                ent.rules.setdefault(plain, "inverted")
        ent.mentions.append(m)
    groups = _join_acronym_definitions(text, groups)
    groups = _join_bracketed_names(text, groups)
    groups = _join_embassies(groups)
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
            if key in seen and not _kept_apart(seen[key], g):
                seen[key].absorb(g, "normalised")
                continue
            seen.setdefault(key, g)
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
        if not _DEFINITION_GAP.match(text[e1:s2]) or not acronym_fits(t2, t1):
            continue
        full = _resolved(merged, by_id[g1])
        acro = _resolved(merged, by_id[g2])
        if full is acro or _kept_apart(full, acro):
            continue
        full.absorb(acro, "acronym")
        merged[id(acro)] = full
    return [g for g in groups if id(g) not in merged]


def _join_bracketed_names(text: str, groups: list[DocEntity]) -> list[DocEntity]:
    """'Paris Criminal Court (Tribunal correctionnel de Paris)', 'Federal Department of
    Justice and Police (Département fédéral de justice et police, DFJP)': names that
    fill a bracket right after an organisation's name are that organisation's."""
    orgs = sorted(
        (m.start, m.end, id(g)) for g in groups if g.kind == "organization" for m in g.mentions
    )
    by_id = {id(g): g for g in groups}
    merged: dict[int, DocEntity] = {}
    i = 0
    while i < len(orgs) - 1:
        _, e1, g1 = orgs[i]
        if not _DEFINITION_GAP.match(text[e1 : orgs[i + 1][0]]):
            i += 1
            continue
        j = i + 1  # the bracket's names: separated by commas, closed right after the last
        while j + 1 < len(orgs) and _ALIAS_SEP.match(text[orgs[j][1] : orgs[j + 1][0]]):
            j += 1
        if _CLOSE.match(text, orgs[j][1]):
            full = _resolved(merged, by_id[g1])
            names = [text[orgs[i][0] : e1]]
            for s2, e2, g2 in orgs[i + 1 : j + 1]:
                inner = text[s2:e2]
                if not any(_bracket_alias(name, inner) for name in names):
                    continue
                names.append(inner)  # "(Département fédéral ..., DFJP)": DFJP is its acronym
                other = _resolved(merged, by_id[g2])
                if other is not full and not _kept_apart(full, other):
                    rule = "acronym" if all(_ACRONYM.match(a) for a in other.rules) else "bracket"
                    full.absorb(other, rule)
                    merged[id(other)] = full
        i = j + 1
    return [g for g in groups if id(g) not in merged]


def _bracket_alias(outer: str, inner: str) -> bool:
    """Can `inner`, in brackets after `outer`, be another name of it?

    Two names of several words (a translation), or one word whose letters come in
    order from the name ("Inalco", "DFJP"). Not a news agency credited after a
    place line ("GAZA (Reuters)"), which is a known organisation in its own right."""
    if inner in KNOWN_ORGS:
        return False
    a, b = tokens(normalise_name(outer)), tokens(normalise_name(inner))
    if len(a) >= 2 and len(b) >= 2:
        return True
    if len(b) != 1 or len(a) < 2:
        return False
    short, name = b[0], " ".join(a)
    if not name.startswith(short[0]):
        return False
    it = iter(name)
    return all(c in it for c in short)


def _join_embassies(groups: list[DocEntity]) -> list[DocEntity]:
    """'Chinese embassy' joins the one 'Embassy of China ...' of the document."""
    orgs = [g for g in groups if g.kind == "organization"]
    full: dict[str, list[DocEntity]] = {}
    for g in orgs:
        for alias in g.rules:
            toks = tokens(normalise_name(alias))
            if len(toks) >= 3 and toks[0] == "embassy" and toks[1] == "of":
                country = " ".join(toks[2:])
                full.setdefault(country, []).append(g)
    if not full:
        return groups
    gone: set[int] = set()
    for g in orgs:
        for alias in g.rules:
            toks = tokens(normalise_name(alias))
            if len(toks) != 2 or toks[1] != "embassy":
                continue
            targets = {
                id(t): t
                for country, ts in full.items()
                if _demonym_of(toks[0], country)
                for t in ts
                if t is not g
            }
            if len(targets) == 1:
                target = next(iter(targets.values()))
                if _kept_apart(target, g):
                    continue
                target.absorb(g, "nationality")
                gone.add(id(g))
                break
    return [g for g in groups if id(g) not in gone]


def _demonym_of(demonym: str, place: str) -> bool:
    """'chinese' / 'china in paris': does the nationality name the country the place starts with?"""
    country = _DEMONYM_COUNTRY.get(demonym)
    if country is not None:
        return place == country or place.startswith(country + " ")
    name = place.split()[0]  # "china" of "china in paris": one-word countries only
    # "syrian" / "syria", "chinese" / "china", "german" / "germany"; not "australian" /
    # "austria": the demonym is the country's name, or that name less its last letter,
    # followed by a suffix.
    return len(name) >= 4 and (demonym.startswith(name) or demonym.startswith(name[:-1]))


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
        if len(key) < 3:
            continue  # "DC", "AP": two letters stand for too much without a definition
        targets = {id(t): t for t in full_by_initials.get(key, []) if t is not g}
        if len(targets) == 1:
            target = next(iter(targets.values()))
            if _kept_apart(target, g):
                continue
            target.absorb(g, "acronym")
            gone.add(id(g))
    return [g for g in groups if id(g) not in gone]


def _join_people(groups: list[DocEntity]) -> list[DocEntity]:
    """Short forms join the full name they stand for in this document.

    First, compatible spellings of a name (initials, truncations, a pet name, a
    missing middle initial) join the one person they fit. Then a surname alone
    joins the latest person before it with that surname (or the first after it),
    and a given name alone the one person it starts. Ambiguous forms stay apart,
    and so do two stated records.

    Candidates come from indexes on first and last name tokens (every rule keeps
    both compatible), so a document of 100,000 records is not 10^10 comparisons.
    """
    people = [g for g in groups if g.kind == "person"]
    best = {id(g): _best_tokens(g) for g in people}
    multi = [g for g in people if len(best[id(g)]) >= 2]
    gone: set[int] = set()
    for g in _join_spellings(multi, [" ".join(best[id(g)]) for g in multi]):
        gone.add(id(g))
    full = [g for g in multi if id(g) not in gone]
    for g in full:  # aliases gained above change the fullest form
        best[id(g)] = _best_tokens(g)
    by_last: dict[str, list[DocEntity]] = {}
    by_first: dict[str, list[DocEntity]] = {}
    for g in full:
        by_last.setdefault(best[id(g)][-1], []).append(g)
        by_first.setdefault(best[id(g)][0], []).append(g)
    # Per surname: every mention start of its full names, with the name's rank in `full`,
    # sorted, so "the latest before" is one bisection. Built when a lone name first asks
    # for that surname, then kept up to date as its names absorb.
    rank = {id(g): i for i, g in enumerate(full)}
    starts: dict[str, list[tuple[int, int]]] = {}
    for g in people:
        toks = best[id(g)]
        if len(toks) != 1:
            continue
        surname = toks[0]
        if len(surname) < 2:
            continue  # an initial alone ("H") stands for nobody in particular
        start = _first(g)
        rule = "surname"
        matches = by_last.get(surname)
        if matches:
            seen = starts.get(surname)
            if seen is None:
                seen = starts[surname] = sorted(
                    (m.start, rank[id(f)]) for f in matches for m in f.mentions
                )
            i = bisect.bisect_left(seen, (start, -1))
            if i:
                # The person of that surname named most recently before this mention
                # (on a tie, the one named first in the document).
                latest = seen[i - 1][0]
                target = full[seen[bisect.bisect_left(seen, (latest, -1))][1]]
            elif len(matches) == 1:
                target = matches[0]
            else:
                continue
        else:
            # "Henri" after "Henri M.": a given name alone, for the one person it starts.
            matches = by_first.get(surname)
            if not matches or len(matches) != 1:
                continue
            target, rule = matches[0], "given name"
        if _kept_apart(target, g):
            continue
        target.absorb(g, rule)
        gone.add(id(g))
        where = starts.get(best[id(target)][-1])
        if where is not None:
            for m in g.mentions:
                bisect.insort(where, (m.start, rank[id(target)]))
    return [g for g in groups if id(g) not in gone]


def _join_spellings(multi: list[DocEntity], joined: list[str]) -> list[DocEntity]:
    """Compatible spellings join the one person they fit; returns the absorbed groups.

    In document order, each name takes every later name compatible with it that
    is compatible with nothing else still standing (ambiguity never merges).
    """
    # Pairs of two records are never needed: they never join, and a record never
    # joins a name before it, since stated entities come first. So only the other
    # names (and any record after one of them) are probed.
    probe: list[int] = []
    for i, g in enumerate(multi):
        if not g.record or probe:
            probe.append(i)
    near = _compatible_names(joined, probe)
    gone: set[int] = set()
    out: list[DocEntity] = []
    for i, g in enumerate(multi):
        if i in gone:
            continue
        for j in sorted(k for k in near.get(i, {}) if k > i):
            h = multi[j]
            if j in gone or _kept_apart(g, h):
                continue
            rule = near[i][j]
            if rule == "normalised":
                continue
            if any(k != i and k not in gone for k in near[j]):
                continue  # ambiguous: two people this could be
            if spelled_out_conflict(_full_norms(g), _full_norms(h)):
                continue  # g's aliases ("J Jeffrey", "Jim Jeffrey") spell out someone else
            g.absorb(h, rule)
            gone.add(j)
            out.append(h)
    return out


SMALL_DOCUMENT = 4096  # name pairs below which _compatible_names compares every pair


def _compatible_names(joined: list[str], probe: Sequence[int]) -> dict[int, dict[int, str]]:
    """For each probed name, every other name `person_rule` finds compatible, both ways.

    Every rule keeps the first and the last token compatible (equal, an initial, a
    truncation, a pet name or a close spelling), so candidates are the names whose
    first and last tokens are among those compatible with the probe's: looked up in
    two small vocabularies instead of compared with every name.
    """
    near: dict[int, dict[int, str]] = {}
    if not probe:
        return near
    if len(probe) * len(joined) <= SMALL_DOCUMENT:
        # A few names: comparing them all is cheaper than building the vocabularies.
        for i in probe:
            mine = near.setdefault(i, {})
            for j in range(len(joined)):
                if j != i and j not in mine and (rule := person_rule(joined[i], joined[j])):
                    mine[j] = rule
                    near.setdefault(j, {})[i] = rule
        return near
    toks = [j.split() for j in joined]
    by_first: dict[str, list[int]] = {}
    by_last: dict[str, list[int]] = {}
    for i, t in enumerate(toks):
        by_first.setdefault(t[0], []).append(i)
        by_last.setdefault(t[-1], []).append(i)
    firsts, lasts = _Vocabulary(by_first), _Vocabulary(by_last)
    for i in probe:
        fs, ls = firsts.compatible(toks[i][0]), lasts.compatible(toks[i][-1])
        n_first = sum(len(by_first[x]) for x in fs)
        n_last = sum(len(by_last[x]) for x in ls)
        if n_last <= n_first:
            cands = [j for x in ls for j in by_last[x] if toks[j][0] in fs]
        else:
            cands = [j for x in fs for j in by_first[x] if toks[j][-1] in ls]
        mine = near.setdefault(i, {})
        for j in cands:
            if j == i or j in mine:
                continue
            rule = person_rule(joined[i], joined[j])
            if rule:
                mine[j] = rule
                near.setdefault(j, {})[i] = rule
    return near


class _Vocabulary:
    """Distinct name tokens, to find those one token may match under `person_rule`."""

    def __init__(self, words: AbstractSet[str] | dict[str, list[int]]) -> None:
        self.words = frozenset(words)
        self.sorted = sorted(self.words)
        self.by_head: dict[tuple[str, int], list[str]] = {}  # (first letter, length)
        for w in self.sorted:
            if len(w) >= 4:
                self.by_head.setdefault((w[0], len(w)), []).append(w)
        self._cache: dict[str, frozenset[str]] = {}

    def compatible(self, x: str) -> frozenset[str]:
        """A superset of the words y for which token x and y pass person_rule's test."""
        got = self._cache.get(x)
        if got is not None:
            return got
        out = {x, x[0]} & self.words
        if len(x) == 1 or len(x) >= 3:
            out.update(self._with_prefix(x))  # x an initial or a truncation of them
        out.update(x[:k] for k in range(3, len(x)) if x[:k] in self.words)
        out.update(p for p in _PET_OF.get(x, ()) if p in self.words)
        if len(x) >= 4:
            # ratio >= 85 needs the shorter at least 0.74 of the longer; the bounds
            # (0.7, 1.5) and the cutoff 80 leave a margin, person_rule decides.
            for n in range(max(4, len(x) * 7 // 10), len(x) * 3 // 2 + 2):
                words = self.by_head.get((x[0], n))
                if words:
                    found = process.extract(
                        x, words, scorer=fuzz.ratio, score_cutoff=80, limit=None
                    )
                    out.update(w for w, _, _ in found)
        got = self._cache[x] = frozenset(out)
        return got

    def _with_prefix(self, x: str) -> list[str]:
        i = bisect.bisect_left(self.sorted, x)
        out = []
        while i < len(self.sorted) and self.sorted[i].startswith(x):
            out.append(self.sorted[i])
            i += 1
        return out


def _full_norms(g: DocEntity) -> list[str]:
    """The person norms of g's aliases that have more than one word."""
    return [n for n in (person_norm(a) for a in g.rules) if " " in n]


def _best_tokens(g: DocEntity) -> list[str]:
    """Tokens of the fullest alias (most tokens, then longest)."""
    norms = [person_norm(a) for a in g.rules]
    best = max(norms, key=lambda n: (len(n.split()), len(n)))
    return best.split()


# -- across the case ------------------------------------------------------------------


class NamedCandidate(Protocol):
    """What matching reads of an entity already in the case."""

    @property
    def entity_id(self) -> int: ...
    @property
    def norms(self) -> Sequence[str]: ...
    @property
    def mentions(self) -> int: ...
    @property
    def full(self) -> Sequence[str] | None: ...


@dataclass(frozen=True, slots=True)
class CaseCandidate:
    entity_id: int
    norms: Sequence[str]  # never changed here: the writer's cache may pass its own list
    mentions: int
    full: Sequence[str] | None = None  # the norms of more than one word, if known


def match_in_case(
    kind: str,
    norms: AbstractSet[str],
    candidates: Sequence[NamedCandidate],
    more: Callable[[], Sequence[NamedCandidate]] | None = None,
) -> tuple[int, str] | None:
    """The case entity a document entity joins, with the rule, or None for a new one.

    An equal normalised alias wins outright. Otherwise a fuzzy/initials/surname
    rule must pick exactly one candidate: two candidates means ambiguous, and
    ambiguity never merges. A person known by a full name is matched by full
    names only: a lone "Mitchell" or "Derek" that an entity picked up in some
    document must not pull George Mitchell and Derek Chollet together. Nor
    does a short form on a candidate ("Jim J") let in a name that spells out
    differently what the candidate's other names spell out ("Jim Johnson").

    `more` gives further candidates (sharing only a surname, say), asked for only
    when no candidate shares a normalised alias: in a big case most names are
    known spellings, and the rest of the candidates need not be built.
    """
    full_names = kind == "person" and any(" " in n for n in norms)
    if full_names:
        norms = {n for n in norms if " " in n}

    def by_full(cands: Sequence[NamedCandidate]) -> Sequence[NamedCandidate]:
        if not full_names:
            return cands
        return [
            CaseCandidate(
                c.entity_id,
                (c.full if c.full is not None else [n for n in c.norms if " " in n]) or c.norms,
                c.mentions,
            )
            for c in cands
        ]

    candidates = by_full(candidates)

    def fits(c: NamedCandidate) -> bool:
        # "Jim J" on Jim Jeffrey's entity is no way in for "Jim Johnson". Spellings the
        # entity already has bring nothing new: the common case, checked in C first.
        return (
            kind != "person" or norms.issubset(c.norms) or not spelled_out_conflict(norms, c.norms)
        )

    exact = [c for c in candidates if not norms.isdisjoint(c.norms) and fits(c)]
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
    if more is not None:
        seen = {c.entity_id for c in candidates}
        candidates = [*candidates, *(c for c in by_full(more()) if c.entity_id not in seen)]
    found: dict[int, str] = {}
    for c in candidates:
        if c.entity_id in found:
            continue
        rule = next(
            (r for mine in norms for theirs in c.norms if (r := _case_rule(kind, mine, theirs))),
            None,
        )
        if rule and fits(c):
            found[c.entity_id] = rule
            if len(found) > 1:
                return None  # ambiguous: no need to look further
    if len(found) == 1:
        return next(iter(found.items()))
    return None


def _case_rule(kind: str, mine: str, theirs: str) -> str | None:
    if kind == "person":
        a, b = tokens(mine), tokens(theirs)
        if len(a) == 1 and len(b) >= 2 and b[-1] == a[0] and len(a[0]) > 1:
            return "surname"
        if len(b) == 1 and len(a) >= 2 and a[-1] == b[0] and len(b[0]) > 1:
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

        def fullness(item: tuple[str, int]) -> tuple[int, bool, int, int, int]:
            toks = normalise_name(item[0]).split()
            spelled = sum(1 for t in toks if len(t) > 1)
            # "Cheryl D Mills" reads better than "Mills, Cheryl D".
            return (spelled, "," not in item[0], item[1], len(toks), len(item[0]))

        return max(aliases, key=fullness)[0]
    return max(aliases, key=lambda a: (a[1], len(a[0])))[0]
