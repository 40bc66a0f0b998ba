"""Import throughput on the FOIA e-mails: MB/s, documents/s, RSS, case size / input size.

Usage: python benchmarks/bench_import.py [--limit N] [--jobs N] [--db PATH]
Without --db the case goes to a temporary folder and is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FOIA, need_corpus, peak_rss_mb, table, write_result

from casework.db import queries
from casework.db.connection import checkpoint, import_lock, open_case
from casework.importers.pipeline import import_paths


def foia_files(limit: int | None) -> list[Path]:
    files = sorted(FOIA.rglob("*.txt"))
    return files[:limit] if limit else files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4))
    parser.add_argument("--db", type=Path, help="keep the case here")
    args = parser.parse_args()
    need_corpus(FOIA)
    files = foia_files(args.limit)
    size = sum(f.stat().st_size for f in files)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "foia.db"
        conn = open_case(db, create=True)
        t0 = time.perf_counter()
        cpu0 = os.times()
        with import_lock(db):
            summary = import_paths(conn, files, jobs=args.jobs)
        seconds = time.perf_counter() - t0
        cpu1 = os.times()
        checkpoint(conn)
        stats = queries.stats(conn)
        conn.close()
        db_size = db.stat().st_size
    children_cpu = (cpu1.children_user + cpu1.children_system) - (
        cpu0.children_user + cpu0.children_system
    )
    writer_cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    result = {
        "files": len(files),
        "input_mb": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "docs_per_s": round(len(files) / seconds, 1),
        "failed": len(summary.failed),
        "passages": stats.passages,
        "entities": stats.entities,
        "mentions": stats.mentions,
        "links": stats.links,
        "peak_rss_mb_writer": round(peak_rss_mb(), 1),
        "writer_cpu_s": round(writer_cpu, 1),  # this process: discover, hash, write
        "worker_cpu_s": round(children_cpu, 1),  # read, segment, extract, resolve
        "jobs": args.jobs,
        "case_mb": round(db_size / 1e6, 1),
        "case_over_input": round(db_size / size, 2),
    }
    table([(k, v) for k, v in result.items()], ("measure", "value"))
    print(f"written: {write_result('import', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
