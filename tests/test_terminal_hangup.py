"""A dropped SSH link: when the terminal goes away the explorer exits instead of spinning."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

CASEWORK = str(Path(sys.executable).with_name("casework"))


def test_the_explorer_exits_when_its_terminal_hangs_up(demo_db: Path) -> None:
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1"}
    # No new session, so no SIGHUP is delivered: only the hang-up itself tells.
    proc = subprocess.Popen(
        [CASEWORK, "open", str(demo_db), "--read-only"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 20
        seen = b""
        while b"Results" not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        assert b"Results" in seen, "the explorer never drew its first screen"
        os.close(master)  # the terminal goes away
        master = -1
        proc.wait(timeout=15)
        assert proc.returncode is not None
    finally:
        if master >= 0:
            os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            raise AssertionError("casework open kept running after its terminal hung up")
