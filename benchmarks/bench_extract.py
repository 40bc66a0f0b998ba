"""Throughput of the default extractor on one core, in MB/s of UTF-8 text.

Usage: python benchmarks/bench_extract.py [--mb 20] [--corpus DIR] [--json]

Reads up to --mb megabytes of the Clinton FOIA e-mails (noisy OCR'd text,
shared/corpora/clinton-foia) and extracts each file as one document, the way
the import pipeline does. A fresh extractor (sharing the loaded gazetteers)
is used per pass so that its memo of words already classified starts empty,
as in a new import. Time is CPU time of this process, so other work on the
machine does not distort the figure; wall time is printed alongside. The
target in issue #5 is >= 5 MB/s. Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from casework.benchmarks.common import FOIA, need_corpus, write_result
from casework.importers.extract.rules import RuleExtractor, default_extractor


def load(root: Path, limit: int) -> list[str]:
    """Texts of the corpus files, in name order, up to `limit` bytes in all."""
    texts: list[str] = []
    size = 0
    for path in sorted(root.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text)
        size += len(text.encode("utf-8"))
        if size >= limit:
            break
    return texts


def measure(texts: list[str]) -> dict[str, float]:
    """Extract every text with a fresh extractor; CPU and wall seconds, MB/s, mentions."""
    lex = default_extractor().lex  # loaded once, outside the timing
    size = sum(len(t.encode("utf-8")) for t in texts)
    extractor = RuleExtractor(lex)
    kinds: Counter[str] = Counter()
    w0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        for m in extractor.extract(text):
            kinds[m.kind] += 1
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {
        "mb": size / 1e6,
        "files": len(texts),
        "cpu_s": cpu,
        "wall_s": wall,
        "mb_per_s": size / 1e6 / cpu if cpu else 0.0,
        **{f"mentions_{k}": float(v) for k, v in sorted(kinds.items())},
    }


def main() -> int:
    """Command line entry."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="megabytes of text to extract")
    ap.add_argument("--corpus", type=Path, default=FOIA)
    ap.add_argument("--json", action="store_true", help="also write benchmarks/results/")
    args = ap.parse_args()
    need_corpus(args.corpus)
    t0 = time.perf_counter()
    default_extractor().extract("Warm-up in Paris.")
    print(f"lexicon load: {time.perf_counter() - t0:.2f} s")
    texts = load(args.corpus, int(args.mb * 1e6))
    r = measure(texts)
    print(f"clinton-foia: {r['mb']:.1f} MB in {r['files']:.0f} files, {r['cpu_s']:.2f} s CPU "
          f"(wall {r['wall_s']:.2f} s) = {r['mb_per_s']:.1f} MB/s on one core "
          "(target >= 5)")  # fmt: skip
    print("  mentions: " + ", ".join(
        f"{k[9:]} {v:.0f}" for k, v in r.items() if k.startswith("mentions_")
    ))  # fmt: skip
    if args.json:
        print(f"written: {write_result('extract', r)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
