"""Build a large case from real text: the FOIA e-mails imported round after round.

Each round imports every FOIA file again under a new name (`round-K/<release>/<file>`)
with one first line added ("Round K of the FOIA release.") so the bytes differ and
duplicate detection does not fold the copies into one source. The text is real
e-mail; the passage count grows by the corpus's passages each round. Rounds stop
once the case holds `--passages` passages (default 1,000,000).

Usage: python benchmarks/make_big_case.py OUT.db [--passages N] [--jobs N] [--base CASE]
With --base, OUT.db starts as a copy of an existing FOIA case (e.g. the one
bench_import.py --db leaves), which saves the first round.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FOIA, need_corpus, table, write_result

from casework.db import queries
from casework.db.connection import checkpoint, import_lock, open_case
from casework.importers.pipeline import ImportLimits, import_paths


def write_round(k: int, dest: Path) -> int:
    """The corpus with one line added per file, under dest; returns bytes written."""
    total = 0
    for src in sorted(FOIA.rglob("*.txt")):
        out = dest / src.relative_to(FOIA)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = f"Round {k} of the FOIA release.\n".encode() + src.read_bytes()
        out.write_bytes(data)
        total += len(data)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4))
    parser.add_argument("--base", type=Path, help="start from a copy of this case")
    args = parser.parse_args()
    need_corpus(FOIA)
    if args.base:
        shutil.copyfile(args.base, args.out)
        os.chmod(args.out, 0o600)
    conn = open_case(args.out, create=True)
    rows = []
    k = 1
    while (have := queries.stats(conn).passages) < args.passages:
        with tempfile.TemporaryDirectory(dir=args.out.parent) as tmp:
            round_dir = Path(tmp) / f"round-{k}"
            size = write_round(k, round_dir)
            t0 = time.perf_counter()
            with import_lock(args.out):
                import_paths(conn, [round_dir], jobs=args.jobs, limits=ImportLimits(timeout=120))
            seconds = time.perf_counter() - t0
        stats = queries.stats(conn)
        rows.append((k, stats.passages, stats.entities, round(size / 1e6 / seconds, 2)))
        print(f"round {k}: {stats.passages} passages (+{stats.passages - have}) in {seconds:.0f} s")
        k += 1
    checkpoint(conn)
    stats = queries.stats(conn)
    conn.close()
    table(rows, ("round", "passages", "entities", "MB/s"))
    result = {
        "case": str(args.out),
        "passages": stats.passages,
        "entities": stats.entities,
        "mentions": stats.mentions,
        "case_mb": round(args.out.stat().st_size / 1e6, 1),
    }
    print(f"written: {write_result('big_case', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
