"""Every benchmark in one run, from a clean clone: `python benchmarks/run_all.py`.

1. extraction throughput (one core) and the quality evaluations (demo gold, re3d-dev);
2. import of the whole FOIA corpus (MB/s, documents/s, RSS, case size / input);
3. a 1M-passage case built from further rounds of the same real text;
4. search latency on both cases beside grep/fzf, and the explorer (keystroke to
   results, first paint, RSS) on the 1M case.
Cases go to benchmarks/results/ (ignored by git); figures are printed and
written there as JSON. Steps whose corpus is absent print "skipped" and the
run goes on. `--quick` imports 3,000 files and stops at 100k passages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run(label: str, *args: str) -> float:
    print(f"\n=== {label}", flush=True)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=HERE.parent, check=False)
    seconds = time.perf_counter() - t
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    print(f"--- {label}: {status}, {seconds:.0f} s", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, for a smoke test")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    foia, big = RESULTS / "foia.db", RESULTS / "big.db"
    for case in (foia, big):
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(f"{case}{suffix}").unlink(missing_ok=True)
    b = str(HERE)
    limit = ["--limit", "3000"] if args.quick else []
    passages = ["--passages", "100000"] if args.quick else []
    steps = [
        ("extraction throughput", f"{b}/bench_extract.py"),
        ("demo gold", f"{b}/eval_demo.py"),
        ("re3d-dev", f"{b}/eval_extract.py"),
        ("FOIA import", f"{b}/bench_import.py", "--db", str(foia), *limit),
        ("1M-passage case", f"{b}/make_big_case.py", str(big), "--base", str(foia), *passages),
        ("search, FOIA case", f"{b}/bench_search.py", str(foia)),
        ("search, 1M case", f"{b}/bench_search.py", str(big)),
        ("explorer, 1M case", f"{b}/bench_tui.py", str(big)),
    ]
    total = 0.0
    for label, *argv in steps:
        total += run(label, *argv)
    print(f"\nall benchmarks: {total / 60:.1f} min; JSON in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
