"""Resolution of one document stays near-linear and gives what the pairwise rules give.

`_join_people` finds candidates through indexes on name tokens; the reference
below is the plain pairwise version it replaced (with the same guards), and the
two must agree on every document.
"""

from __future__ import annotations

import random

import pytest

from casework.importers import resolve
from casework.importers.extract.base import Mention
from casework.importers.resolve import (
    DocEntity,
    Stated,
    _best_tokens,
    _first,
    _full_norms,
    _join_people,
    _kept_apart,
    person_rule,
    resolve_document,
    spelled_out_conflict,
)


def reference_join_people(groups: list[DocEntity]) -> list[DocEntity]:
    """The pairwise version: every name against every other, O(n^2) or worse."""
    people = [g for g in groups if g.kind == "person"]
    best = {id(g): _best_tokens(g) for g in people}
    gone: set[int] = set()
    joined = {id(g): " ".join(best[id(g)]) for g in people if len(best[id(g)]) >= 2}
    multi = [g for g in people if id(g) in joined]
    for i, g in enumerate(multi):
        if id(g) in gone:
            continue
        for h in multi[i + 1 :]:
            if id(h) in gone or _kept_apart(g, h):
                continue
            rule = person_rule(joined[id(g)], joined[id(h)])
            if not rule or rule == "normalised":
                continue
            others = [
                k
                for k in multi
                if k is not h
                and k is not g
                and id(k) not in gone
                and person_rule(joined[id(k)], joined[id(h)])
            ]
            if others or spelled_out_conflict(_full_norms(g), _full_norms(h)):
                continue
            g.absorb(h, rule)
            gone.add(id(h))
    full = [g for g in multi if id(g) not in gone]
    for g in full:
        best[id(g)] = _best_tokens(g)
    for g in people:
        toks = best[id(g)]
        if len(toks) != 1 or len(toks[0]) < 2:
            continue
        surname = toks[0]
        matches = [f for f in full if best[id(f)][-1] == surname]
        rule = "surname"
        if not matches:
            matches = [f for f in full if best[id(f)][0] == surname]
            rule = "given name"
            if len(matches) != 1:
                continue
        start = _first(g)
        before = [f for f in matches if _first(f) < start]
        if before:
            target = max(before, key=lambda f: max(m.start for m in f.mentions if m.start < start))
        elif len(matches) == 1:
            target = matches[0]
        else:
            continue
        if _kept_apart(target, g):
            continue
        target.absorb(g, rule)
        gone.add(id(g))
    return [g for g in groups if id(g) not in gone]


GIVEN = ["Jim", "James", "J.", "Jacob", "Jake", "Jennifer", "Sandy", "Alexandra", "Alex"]
GIVEN += ["Marc", "Marie", "Pierre-Marie", "Pierre-Mar", "Pierre", "Fiona", "F.", "Cheryl"]
MIDDLE = ["", "", "", "D. ", "David ", "J. "]
SURNAME = ["Durand", "Duran", "D.", "Jeffrey", "Jeffery", "J.", "McCallum", "McCalum", "Mills"]
SURNAME += ["H.", "Henri", "Jim"]


def random_groups(rnd: random.Random) -> list[DocEntity]:
    """Person groups as resolve_document leaves them: stated records, then extracted names."""
    groups = []
    pos = 0
    for i in range(rnd.randint(1, 40)):
        r = rnd.random()
        if r < 0.25:
            name = rnd.choice(SURNAME + GIVEN)  # a lone name
        else:
            name = f"{rnd.choice(GIVEN)} {rnd.choice(MIDDLE)}{rnd.choice(SURNAME)}"
        stated = i < 4 and r < 0.6
        g = DocEntity("person", None, created_by="import" if stated else "extractor")
        g.record = stated and i % 2 == 0  # a record, or a header party (not one)
        g.rules[name] = "original"
        for _ in range(rnd.choice([1, 1, 1, 2, 3])):
            pos += rnd.randint(1, 50)
            g.mentions.append(Mention(pos, pos + len(name), name, "person"))
        groups.append(g)
    stated = [g for g in groups if g.created_by == "import"]
    extracted = sorted((g for g in groups if g.created_by != "import"), key=_first)
    return stated + extracted


def summary(groups: list[DocEntity]) -> list[tuple[tuple[tuple[str, str], ...], tuple[int, ...]]]:
    return [(tuple(g.rules.items()), tuple(m.start for m in g.mentions)) for g in groups]


@pytest.mark.parametrize("seed", range(400))
def test_indexed_join_gives_what_the_pairwise_rules_give(seed: int) -> None:
    a = random_groups(random.Random(seed))
    b = random_groups(random.Random(seed))
    assert summary(_join_people(a)) == summary(reference_join_people(b))


def stated_people(n: int) -> tuple[str, list[Stated]]:
    """A document of n stated people, many sharing a surname or a given name."""
    rnd = random.Random(n)
    given = ["Anna", "Ben", "Carl", "Dora", "Emil", "Fritz", "Greta", "Hans", "Ida", "Jan"]
    lines, stated, pos = [], [], 0
    for i in range(n):
        name = f"{rnd.choice(given)} {chr(65 + i % 26)}{'abcdefghij'[i // 26 % 10]}son{i // 260}"
        if i % 7 == 0:
            name = name.split()[1]  # a surname-only record
        lines.append(name)
        stated.append(Stated("person", name, (), ((pos, pos + len(name)),)))
        pos += len(name) + 2
    return "\n\n".join(lines), stated


def extracted_people(n: int) -> tuple[str, list[Mention]]:
    """A text naming n people, then each by surname and by initial and surname."""
    rnd = random.Random(n)
    given = ["Anna", "Ben", "Carl", "Dora", "Emil", "Fritz", "Greta", "Hans", "Ida", "Jan"]
    # Surnames of random letters: as in real text, few are close spellings of another.
    letters = "abcdefghijklmnopqrstuvwxyz"
    surnames = {"".join(rnd.choices(letters, k=8)).title() for _ in range(n)}
    names = [f"{rnd.choice(given)} {s}" for s in sorted(surnames)]
    parts, mentions, pos = [], [], 0
    for form in ("full", "initial", "surname"):
        for name in names:
            g, s = name.split()
            text = {"full": name, "initial": f"{g[0]}. {s}", "surname": s}[form]
            parts.append(f"{text} said. ")
            mentions.append(Mention(pos, pos + len(text), text, "person"))
            pos += len(text) + len(" said. ")
    return "".join(parts), mentions


def count_rule_calls(
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    mentions: list[Mention] | None = None,
    stated: list[Stated] | None = None,
) -> int:
    """How many times resolve_document compares two person names."""
    calls = 0
    real = resolve.person_rule

    def counted(a: str, b: str) -> str | None:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(resolve, "person_rule", counted)
    resolve_document(text, mentions or [], stated or [])
    monkeypatch.setattr(resolve, "person_rule", real)
    return calls


def test_stated_records_need_no_pairwise_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    text, stated = stated_people(3000)
    assert count_rule_calls(monkeypatch, text, stated=stated) == 0
    ents = resolve_document(text, [], stated)
    assert len(ents) == 3000  # one entity per record, whatever the names


def test_comparisons_grow_linearly_with_extracted_names(monkeypatch: pytest.MonkeyPatch) -> None:
    small = count_rule_calls(monkeypatch, *extracted_people(500))
    large = count_rule_calls(monkeypatch, *extracted_people(4000))
    assert 0 < large < 8 * small * 1.5  # 8x the names: about 8x the comparisons, not 64x


def test_extracted_forms_join_their_full_names_at_scale() -> None:
    text, mentions = extracted_people(2000)
    ents = resolve_document(text, mentions)
    assert len(ents) == len({m.text for m in mentions if " " not in m.text})
    assert all(len(e.mentions) == 3 for e in ents)
