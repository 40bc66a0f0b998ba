"""The explorer on a case: keystroke-to-results, time to first paint, memory.

Keystroke-to-results: the Pilot types names one character at a time and
waits until the results list shows the answer for that prefix.
First paint: a fresh process starts the app headless and reports when the
first frame has been drawn, then RSS once a search has built the name index.
Usage: python benchmarks/bench_tui.py CASE.db [--names N] [--starts N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import percentiles, table, write_result

from casework.db import queries
from casework.db.connection import open_case
from casework.tui.app import CaseworkApp

PAINT = """
import json, resource, sys, time
t0 = float(sys.argv[2])
from pathlib import Path
from casework.tui.app import CaseworkApp

class Timed(CaseworkApp):
    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        self.paint = time.time() - t0
        self.run_worker(self.search_ready(), exclusive=True)

    async def search_ready(self):
        from casework.db import queries
        await self.reader.run(queries.search, "ab", lane="search")
        await self.reader.run(queries.search, "abc", lane="search")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        Path(sys.argv[3]).write_text(
            json.dumps({"paint_s": self.paint, "ready_s": time.time() - t0, "rss_mb": rss}))
        self.exit()

Timed(Path(sys.argv[1]), cursor_blink=False).run(headless=True)
"""


async def keystrokes(case: Path, names: list[str]) -> list[float]:
    """Milliseconds from a key press until the results list holds that query's results."""
    app = CaseworkApp(case, cursor_blink=False)
    samples: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        screen = app.screen
        search = screen.query_one("#search")
        applied: list[tuple[str, float]] = []
        original = screen.show_results if hasattr(screen, "show_results") else None
        assert original is None, "bench expects results applied inside run_search"
        results = screen.query_one("#results")
        real_set = results.set_options

        def set_options(options):
            out = real_set(options)
            applied.append((search.value, time.perf_counter()))
            return out

        results.set_options = set_options
        for name in names:
            search.value = ""
            await pilot.pause(0.2)
            for ch in name[:8]:
                t = time.perf_counter()
                await pilot.press(ch)
                want = search.value
                while not applied or applied[-1][0] != want:
                    await asyncio.sleep(0.0005)
                samples.append((applied[-1][1] - t) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--names", type=int, default=12)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    conn = open_case(args.case, readonly=True)
    stats = queries.stats(conn)
    names = [e.name for e in queries.list_entities(conn, kind="person", limit=args.names)]
    conn.close()
    keys = percentiles(asyncio.run(keystrokes(args.case, names)))
    starts = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "paint.py"
        script.write_text(PAINT)
        for _ in range(args.starts):
            report = Path(tmp) / "paint.json"
            subprocess.run(
                [sys.executable, str(script), str(args.case), str(time.time()), str(report)],
                capture_output=True,
                check=True,
            )
            starts.append(json.loads(report.read_text()))
    paint = percentiles([s["paint_s"] * 1000 for s in starts])
    ready = percentiles([s["ready_s"] * 1000 for s in starts])
    rss = max(s["rss_mb"] for s in starts)
    table(
        [
            ("keystroke to results", keys["p50"], keys["p95"], keys["max"]),
            ("first paint", paint["p50"], paint["p95"], paint["max"]),
            ("search ready", ready["p50"], ready["p95"], ready["max"]),
        ],
        ("measure (ms)", "p50", "p95", "max"),
    )
    print(
        f"RSS after search is ready: {rss:.0f} MB  "
        f"({stats.passages} passages, {stats.entities} entities)"
    )
    path = write_result(
        "tui",
        {
            "case": str(args.case),
            "passages": stats.passages,
            "entities": stats.entities,
            "keystroke_ms": keys,
            "first_paint_ms": paint,
            "search_ready_ms": ready,
            "rss_mb": round(rss, 1),
        },
    )
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
