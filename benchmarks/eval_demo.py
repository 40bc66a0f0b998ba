"""Score the real import pipeline against the demo case's gold file.

Usage: python benchmarks/eval_demo.py [--json OUT] [-v] [--samples N]

The 12 demo documents are imported with the real pipeline (the same code as
`casework demo`) and the stored mentions are read back from the case.
importers/demo/gold.json lists every gold entity with every surface alias it
goes by, not offsets, so the gold mentions are the alias occurrences in each
document: whole words, case-sensitive, longest alias first, an occurrence
inside a longer gold alias belonging to the longer one ("Paris" in "Embassy
of China in Paris"). Printed:

* mentions: per kind precision, recall and F1, exact span + kind and span
  only. Every stored mention of a scored kind counts, so junk is a false
  positive here.
* entities: per kind, a stored entity is right when one of its aliases is
  an alias of a gold entity of the same kind; a gold entity is found when
  some stored entity holds one of its aliases.
* resolution: pairwise precision/recall of "same entity" over mentions found
  with the right span and kind; wrong merges (one stored entity holding
  mentions, or aliases, of two gold entities); gold "distinct" pairs merged
  and gold "same" pairs kept together.

Targets (issue #5): mention recall >= 0.95 and precision >= 0.90, no wrong
merge. tests/test_demo_gold.py asserts slightly lower floors with `evaluate_demo`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath

from casework.benchmarks.scoring import (
    ALL_KINDS,
    GoldDoc,
    MergeScores,
    SpanScores,
    StoredDoc,
    print_errors,
    print_span_table,
    read_case,
    score_merges,
    score_spans,
)
from casework.db.normalise import normalise_name

KINDS = ALL_KINDS


def key(alias: str) -> str:
    """The form under which aliases are compared (case, accents, punctuation, titles)."""
    return normalise_name(alias, strip_honorifics=True) or alias.casefold()


@dataclass
class EntityKind:
    """Entity-level figures of one kind."""

    precision: float
    recall: float
    predicted: int
    gold: int
    found: int
    false_positives: list[str]
    missed: list[str]


@dataclass
class DemoResult:
    """Everything eval_demo prints; `to_json` for --json."""

    mentions: SpanScores
    entities: dict[str, EntityKind]
    entities_overall: tuple[float, float]
    merges: MergeScores
    alias_wrong_merges: list[tuple[str, str, list[str]]] = field(default_factory=list)
    distinct_merged: list[list[str]] = field(default_factory=list)
    same_kept: int = 0
    same_split: list[list[str]] = field(default_factory=list)
    same_total: int = 0

    def mention_prf(self) -> tuple[float, float, float]:
        """Exact span + kind micro precision, recall, F1 over all kinds."""
        return self.mentions.micro(KINDS).prf()

    def wrong_merges(self) -> int:
        """Stored entities that join two gold entities, by mentions or by aliases."""
        names = {s for s, _ in self.merges.wrong_merges} | {
            n for n, _, _ in self.alias_wrong_merges
        }
        return len(names) + len(self.distinct_merged)

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly summary."""
        p, r, f = self.mention_prf()
        return {
            "mentions": {
                "micro": {"precision": p, "recall": r, "f1": f},
                "per_kind": {
                    k: dict(
                        zip(
                            ("precision", "recall", "f1"), self.mentions.exact[k].prf(), strict=True
                        )
                    )
                    for k in KINDS
                },
            },
            "entities": {k: asdict(v) for k, v in self.entities.items()},
            "pairwise": {"precision": self.merges.precision(), "recall": self.merges.recall()},
            "wrong_merges": self.wrong_merges(),
            "distinct_merged": self.distinct_merged,
            "same_pairs": {
                "kept": self.same_kept,
                "total": self.same_total,
                "split": self.same_split,
            },
        }


def load_gold() -> dict[str, object]:
    """The demo gold file shipped with the package."""
    from casework.importers.demo import demo_gold

    return json.loads(demo_gold())


def gold_mentions(
    gold: dict[str, object], texts: dict[str, str]
) -> tuple[dict[str, GoldDoc], dict[str, dict[tuple[int, int], str]]]:
    """Gold spans of each document from alias occurrences, and the gold entity of each span."""
    aliases = sorted(
        ((a, g["kind"], g["key"]) for g in gold["entities"] for a in g["aliases"]),  # type: ignore[attr-defined, index]
        key=lambda x: -len(x[0]),
    )
    docs: dict[str, GoldDoc] = {}
    owners: dict[str, dict[tuple[int, int], str]] = {}
    for name, text in texts.items():
        g = GoldDoc()
        owner: dict[tuple[int, int], str] = {}
        taken: list[tuple[int, int]] = []
        for alias, kind, gkey in aliases:
            for m in re.finditer(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", text):
                b, e = m.span()
                if any(tb < e and b < te for tb, te in taken):
                    continue
                taken.append((b, e))
                g.scored[(b, e)] = kind
                owner[(b, e)] = gkey
        docs[name] = g
        owners[name] = owner
    return docs, owners


def evaluate_demo(db_path: Path | None = None) -> DemoResult:
    """Import the demo (unless `db_path` is a built demo case) and score it."""
    if db_path is None:
        from casework.importers.demo import build_demo

        with tempfile.TemporaryDirectory(prefix="casework-demo-eval-") as tmp:
            return evaluate_demo(build_demo(Path(tmp) / "demo.db"))
    stored = {PurePath(path).name: doc for path, doc in read_case(db_path).items()}
    gold = load_gold()
    return _score(gold, stored, db_path)


def _score(gold: dict[str, object], stored: dict[str, StoredDoc], db_path: Path) -> DemoResult:
    texts = {name: doc.text for name, doc in stored.items()}
    gdocs, owners = gold_mentions(gold, texts)
    preds = {name: doc.mentions for name, doc in stored.items()}
    mentions = score_spans(texts, gdocs, preds, KINDS)
    matched = []
    for name, doc in stored.items():
        for p in doc.mentions:
            gkey = owners[name].get((p.start, p.end))
            if gkey is not None and gdocs[name].scored[(p.start, p.end)] == p.kind:
                matched.append((gkey, p.entity_id, doc.text[p.start : p.end]))
    merges = score_merges(matched)
    result = _entity_level(gold, db_path)
    result.mentions = mentions
    result.merges = merges
    return result


def _entity_level(gold: dict[str, object], db_path: Path) -> DemoResult:
    """Entity-level precision/recall and alias-level merge checks, as the CLI lists entities."""
    from casework.db import queries
    from casework.db.connection import open_case

    gold_of: dict[tuple[str, str], str] = {}  # (kind, alias key) -> gold entity key
    gold_kind: dict[str, str] = {}
    for g in gold["entities"]:  # type: ignore[attr-defined]
        gold_kind[g["key"]] = g["kind"]
        for a in g["aliases"]:
            gold_of[(g["kind"], key(a))] = g["key"]
    any_kind = {k for (_, k) in gold_of}

    conn = open_case(db_path, readonly=True)
    try:
        predicted = queries.list_entities(conn)
    finally:
        conn.close()
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, list[str]] = defaultdict(list)
    found: set[str] = set()
    alias_wrong: list[tuple[str, str, list[str]]] = []
    pred_of_alias: dict[str, set[int]] = defaultdict(set)
    for e in predicted:
        names = [e.name, *e.aliases]
        hits = {gold_of[(e.kind, key(a))] for a in names if (e.kind, key(a)) in gold_of}
        for a in names:
            pred_of_alias[key(a)].add(e.id)
        if hits:
            tp[e.kind] += 1
            found |= hits
            if len(hits) > 1:
                alias_wrong.append((e.name, e.kind, sorted(hits)))
        elif e.kind in KINDS:
            why = "wrong kind" if any(key(a) in any_kind for a in names) else "not in gold"
            fp[e.kind].append(f"{e.name} ({why})")

    per_kind = {}
    for kind in KINDS:
        n_gold = sum(1 for v in gold_kind.values() if v == kind)
        n_found = sum(1 for k in found if gold_kind[k] == kind)
        n_pred = tp[kind] + len(fp[kind])
        per_kind[kind] = EntityKind(
            tp[kind] / n_pred if n_pred else 0.0,
            n_found / n_gold if n_gold else 0.0,
            n_pred,
            n_gold,
            n_found,
            fp[kind],
            sorted(
                g["name"]
                for g in gold["entities"]  # type: ignore[attr-defined]
                if g["kind"] == kind and g["key"] not in found
            ),
        )
    all_pred = sum(v.predicted for v in per_kind.values())
    overall = (sum(tp.values()) / all_pred if all_pred else 0.0, len(found) / len(gold_kind))

    def together(pair: list[str]) -> bool:
        return bool(pred_of_alias.get(key(pair[0]), set()) & pred_of_alias.get(key(pair[1]), set()))

    same = gold.get("same", [])  # type: ignore[attr-defined]
    kept = [p for p in same if together(p)]
    return DemoResult(
        mentions=SpanScores(),
        entities=per_kind,
        entities_overall=overall,
        merges=MergeScores(),
        alias_wrong_merges=alias_wrong,
        distinct_merged=[p for p in gold.get("distinct", []) if together(p)],  # type: ignore[attr-defined]
        same_kept=len(kept),
        same_split=[p for p in same if p not in kept],
        same_total=len(same),
    )


def report(result: DemoResult, samples: int = 25, verbose: bool = False) -> None:
    """Print the mention table, the entity table and the resolution figures."""
    print_span_table("demo case, mentions (gold = alias occurrences)", result.mentions, KINDS)
    p, r, _ = result.mention_prf()
    print(f"  mentions, all kinds: precision {p:.3f}, recall {r:.3f} (targets >= 0.90 / 0.95)")
    if verbose or samples:
        print_errors(result.mentions, samples)
    print("\ndemo case, entities")
    print(f"  {'kind':<14}{'precision':>10}{'recall':>8}{'pred':>6}{'gold':>6}")
    for kind, e in result.entities.items():
        print(f"  {kind:<14}{e.precision:>10.3f}{e.recall:>8.3f}{e.predicted:>6}{e.gold:>6}")
    op, orc = result.entities_overall
    print(f"  {'all':<14}{op:>10.3f}{orc:>8.3f}")
    m = result.merges
    print(
        f"\nresolution: pairwise precision {m.precision():.3f}, recall {m.recall():.3f} "
        f"({m.pairs_both}/{m.pairs_pred} pairs joined right, {m.pairs_gold} gold pairs); "
        f"wrong merges {result.wrong_merges()}; gold entities split {m.splits}; "
        f"gold distinct pairs merged {len(result.distinct_merged)}; "
        f"gold same pairs kept {result.same_kept}/{result.same_total}"
    )
    for name, gkeys in m.wrong_merges:
        print(f"  wrong merge (mentions): {name} holds {', '.join(gkeys)}")
    for name, kind, gkeys in result.alias_wrong_merges:
        print(f"  wrong merge (aliases): {name} ({kind}) holds {', '.join(gkeys)}")
    for pair in result.distinct_merged:
        print(f"  distinct pair merged: {pair[0]} = {pair[1]}")
    if verbose:
        for kind, e in result.entities.items():
            if e.false_positives:
                print(f"\n{kind} entities outside gold: " + "; ".join(e.false_positives))
            if e.missed:
                print(f"{kind} entities missed: " + "; ".join(e.missed))
        if result.same_split:
            print("\nsame pairs split: " + "; ".join(f"{a} / {b}" for a, b in result.same_split))
        for gkey, surfaces in result.merges.split:
            print(f"gold entity split: {gkey} in {len(surfaces)} entities: {', '.join(surfaces)}")


def main() -> int:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list errors")
    parser.add_argument("--samples", type=int, default=15, help="error samples to print")
    args = parser.parse_args()
    result = evaluate_demo()
    report(result, args.samples, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
