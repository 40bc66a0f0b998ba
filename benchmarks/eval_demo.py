"""Score the real import pipeline against the demo case's gold file.

Prints, per kind and overall: entity precision and recall (an extracted entity
counts when one of its aliases is an alias of a gold entity of the same kind),
then resolution quality: pairwise precision/recall of "same entity" over gold
aliases the pipeline found, wrong merges (one extracted entity holding aliases
of two gold entities, or a gold "distinct" pair merged), and the gold "same"
pairs kept together. Usage: python benchmarks/eval_demo.py [--json OUT] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from casework.db import queries
from casework.db.connection import open_case
from casework.db.normalise import normalise_name
from casework.importers.demo import build_demo, demo_gold

KINDS = ("person", "organization", "place", "date", "money")


def key(alias: str) -> str:
    return normalise_name(alias, strip_honorifics=True) or alias.casefold()


def evaluate(db_path: Path) -> dict[str, object]:
    gold = json.loads(demo_gold())
    gold_of: dict[tuple[str, str], str] = {}  # (kind, alias key) -> gold entity key
    gold_kind: dict[str, str] = {}
    for g in gold["entities"]:
        gold_kind[g["key"]] = g["kind"]
        for a in g["aliases"]:
            gold_of[(g["kind"], key(a))] = g["key"]
    any_kind = {k: v for (_, k), v in gold_of.items()}

    conn = open_case(db_path, readonly=True)
    predicted = queries.list_entities(conn)
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, list[str]] = defaultdict(list)
    found: set[str] = set()
    wrong_merges: list[dict[str, object]] = []
    pred_of_alias: dict[str, set[int]] = defaultdict(set)
    for e in predicted:
        aliases = [e.name, *e.aliases]
        hits = {gold_of[(e.kind, key(a))] for a in aliases if (e.kind, key(a)) in gold_of}
        for a in aliases:
            pred_of_alias[key(a)].add(e.id)
        if hits:
            tp[e.kind] += 1
            found |= hits
            if len(hits) > 1:
                wrong_merges.append({"entity": e.name, "kind": e.kind, "gold": sorted(hits)})
        else:
            why = "wrong kind" if any(key(a) in any_kind for a in aliases) else "not in gold"
            fp[e.kind].append(f"{e.name} ({why})")

    per_kind = {}
    for kind in KINDS:
        n_gold = sum(1 for k, v in gold_kind.items() if v == kind)
        n_found = sum(1 for k in found if gold_kind[k] == kind)
        n_pred = tp[kind] + len(fp[kind])
        per_kind[kind] = {
            "precision": tp[kind] / n_pred if n_pred else 0.0,
            "recall": n_found / n_gold if n_gold else 0.0,
            "predicted": n_pred,
            "gold": n_gold,
            "found": n_found,
            "false_positives": fp[kind],
            "missed": sorted(
                g["name"] for g in gold["entities"] if g["kind"] == kind and g["key"] not in found
            ),
        }
    all_pred = sum(v["predicted"] for v in per_kind.values())
    all_tp = sum(tp.values())
    overall = {
        "precision": all_tp / all_pred if all_pred else 0.0,
        "recall": len(found) / len(gold_kind),
    }

    # Pairwise merge quality over gold aliases the pipeline extracted.
    extracted = [(a, g) for (kind, a), g in gold_of.items() if a in pred_of_alias]
    same_gold = same_pred = both = 0
    for (a, ga), (b, gb) in combinations(extracted, 2):
        g_same = ga == gb
        p_same = bool(pred_of_alias[a] & pred_of_alias[b])
        same_gold += g_same
        same_pred += p_same
        both += g_same and p_same
    pairwise = {
        "precision": both / same_pred if same_pred else 1.0,
        "recall": both / same_gold if same_gold else 1.0,
    }
    distinct_merged = [
        pair
        for pair in gold.get("distinct", [])
        if pred_of_alias.get(key(pair[0]), set()) & pred_of_alias.get(key(pair[1]), set())
    ]
    same_kept = [
        pair
        for pair in gold.get("same", [])
        if pred_of_alias.get(key(pair[0]), set()) & pred_of_alias.get(key(pair[1]), set())
    ]
    return {
        "per_kind": per_kind,
        "overall": overall,
        "pairwise": pairwise,
        "wrong_merges": wrong_merges,
        "distinct_merged": distinct_merged,
        "same_pairs": {
            "kept": len(same_kept),
            "total": len(gold.get("same", [])),
            "split": [p for p in gold.get("same", []) if p not in same_kept],
        },
    }


def report(result: dict[str, object], verbose: bool) -> None:
    per_kind = result["per_kind"]
    print(f"{'kind':<14}{'precision':>10}{'recall':>8}{'pred':>6}{'gold':>6}")
    for kind, r in per_kind.items():
        print(
            f"{kind:<14}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['predicted']:>6}{r['gold']:>6}"
        )
    o = result["overall"]
    print(f"{'all':<14}{o['precision']:>10.3f}{o['recall']:>8.3f}")
    p = result["pairwise"]
    print(
        f"\nresolution: pairwise precision {p['precision']:.3f}, recall {p['recall']:.3f}; "
        f"wrong merges {len(result['wrong_merges'])}; gold distinct pairs merged "
        f"{len(result['distinct_merged'])}; gold same pairs kept "
        f"{result['same_pairs']['kept']}/{result['same_pairs']['total']}"
    )
    for w in result["wrong_merges"]:
        print(f"  wrong merge: {w['entity']} ({w['kind']}) holds {', '.join(w['gold'])}")
    for pair in result["distinct_merged"]:
        print(f"  distinct pair merged: {pair[0]} = {pair[1]}")
    if verbose:
        for kind, r in per_kind.items():
            if r["false_positives"]:
                print(f"\n{kind} false positives: " + "; ".join(r["false_positives"]))
            if r["missed"]:
                print(f"{kind} missed: " + "; ".join(r["missed"]))
        split = result["same_pairs"]["split"]
        if split:
            print("\nsame pairs split: " + "; ".join(f"{a} / {b}" for a, b in split))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list errors")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = build_demo(Path(tmp) / "demo.db")
        result = evaluate(db)
    report(result, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
