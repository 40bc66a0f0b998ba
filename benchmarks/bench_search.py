"""Search latency on a case, in process and warm, beside fzf --filter, grep and rg.

Queries are drawn from the case itself: entity names cut to 1..12 characters,
the same with a typo (two letters swapped), and words from passages. Prints
p50/p95/max per query length and kind, then the same passage queries run by
fzf and grep over the passages written out as lines (skipped, with a note,
when a tool is not installed).
Usage: python benchmarks/bench_search.py CASE.db [--queries N]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentiles, table, write_result

from casework.db import queries
from casework.db.connection import open_case
from casework.db.names import name_index

LENGTHS = (1, 2, 3, 6, 12)


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--queries", type=int, default=40, help="queries per length")
    args = parser.parse_args()
    conn = open_case(args.case, readonly=True)
    rng = random.Random(7)
    stats = queries.stats(conn)
    names = [e.name for e in queries.list_entities(conn, limit=5000) if len(e.name) >= 12]
    t = time.perf_counter()
    name_index(conn)
    index_s = time.perf_counter() - t
    queries.search(conn, "warm up")

    rows, result = (
        [],
        {
            "case": str(args.case),
            "passages": stats.passages,
            "entities": stats.entities,
            "name_index_build_s": round(index_s, 2),
        },
    )
    exact_first = 0
    for length in LENGTHS:
        for label, make in (
            ("name", lambda n, k=length: n[:k].lower()),
            ("name+typo", lambda n, k=length: typo(n[:k].lower(), rng)),
        ):
            if label == "name+typo" and length < 6:
                continue
            samples = []
            for name in rng.sample(names, min(args.queries, len(names))):
                q = make(name)
                t = time.perf_counter()
                queries.search(conn, q, limit=50)
                samples.append((time.perf_counter() - t) * 1000)
            p = percentiles(samples)
            rows.append((label, length, p["p50"], p["p95"], p["max"]))
            result[f"{label}_{length}"] = p
    for name in rng.sample(names, min(args.queries, len(names))):
        hits = queries.search(conn, name, limit=5)
        exact_first += bool(hits) and hits[0].type == "entity" and hits[0].name == name
    result["exact_name_first"] = f"{exact_first}/{min(args.queries, len(names))}"

    words = []
    for text in queries.sample_passage_texts(conn, 400):
        words += re.findall(r"[A-Za-z]{5,}", text)
    word_queries = rng.sample(words, min(args.queries, len(words)))
    samples = []
    for w in word_queries:
        t = time.perf_counter()
        queries.search(conn, w.lower(), kind="passage", limit=50)
        samples.append((time.perf_counter() - t) * 1000)
    p = percentiles(samples)
    rows.append(("passage word", "5+", p["p50"], p["p95"], p["max"]))
    result["passage_word"] = p
    table(rows, ("query", "chars", "p50 ms", "p95 ms", "max ms"))
    print(
        f"exact name ranked first: {result['exact_name_first']}; "
        f"name index built in {index_s:.2f} s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "passages.txt"
        with lines.open("w") as out:
            for text in queries.passage_texts(conn):
                out.write(text.replace("\n", " ") + "\n")
        tools = []
        for tool, argv in (
            ("fzf --filter", ["fzf", "--filter"]),
            ("grep -ci", ["grep", "-ci"]),
            ("rg -ci", ["rg", "-ci"]),
        ):
            if shutil.which(argv[0]) is None:
                print(f"{tool}: not installed, skipped")
                continue
            samples = []
            for w in word_queries[:10]:
                t = time.perf_counter()
                with lines.open() as src:
                    subprocess.run(
                        [*argv, w.lower()] if argv[0] == "fzf" else [*argv, w.lower(), str(lines)],
                        stdin=src,
                        # a pipe, not /dev/null: GNU grep stops at the first match when
                        # its output is /dev/null, which would time nothing
                        stdout=subprocess.PIPE,
                        check=False,
                    )
                samples.append((time.perf_counter() - t) * 1000)
            p = percentiles(samples)
            tools.append((tool, p["p50"], p["p95"]))
            result[tool] = p
        if tools:
            table(tools, ("same passage words with", "p50 ms", "p95 ms"))
    print(f"written: {write_result(f'search_{args.case.stem}', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
