"""End to end in a real terminal: `casework open` driven through tmux at 80x24."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmux_pane import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SESSION = f"casework-test-{os.getpid()}"


tmux = Tmux(SESSION)
screen = tmux.screen
wait_for = tmux.wait_for


def test_casework_open_in_a_real_terminal(demo_db: Path, tmp_path: Path) -> None:
    casework = Path(sys.executable).with_name("casework")
    done = tmp_path / "done"
    command = (
        f"NO_COLOR=1 TERM=xterm {casework} open {demo_db}; "
        f"echo rc=$? > {done}; clear; echo SHELL-BACK; sleep 30"
    )
    tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command)
    try:
        wait_for("Results")
        tmux("send-keys", "-t", SESSION, "-l", "mcalum")
        wait_for("Results 1")
        tmux("send-keys", "-t", SESSION, "Enter")
        shown = wait_for("Passages (")
        assert "Fiona McCallum  person" in shown and "aka" in shown
        tmux("send-keys", "-t", SESSION, "o")
        wait_for("mention 1 of")
        tmux("send-keys", "-t", SESSION, "n")
        wait_for("mention 2 of")
        tmux("send-keys", "-t", SESSION, "Escape")
        wait_for("Links (")
        tmux("send-keys", "-t", SESSION, "C-q")
        deadline = time.monotonic() + 10
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.read_text().strip() == "rc=0"
        shown = wait_for("SHELL-BACK")
        assert "Results" not in shown  # the alternate screen is gone
    finally:
        subprocess.run(["tmux", "-L", SESSION, "kill-server"], capture_output=True)
