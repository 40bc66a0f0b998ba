"""A dropped SSH link: when the terminal goes away the explorer exits instead of spinning."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pty_terminal import CASEWORK, Terminal


def test_the_explorer_exits_when_its_terminal_hangs_up(demo_db: Path) -> None:
    # The pty is not the child's controlling terminal, so no SIGHUP is delivered:
    # only the hang-up itself (POLLHUP on stdin) tells the app.
    term = Terminal([CASEWORK, "open", str(demo_db), "--read-only"], cols=80, rows=24)
    try:
        term.wait_for("Results", timeout=20)
        os.close(term.master)  # the terminal goes away
        try:
            term.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise AssertionError("casework open kept running after its terminal hung up") from None
    finally:
        term.kill()
