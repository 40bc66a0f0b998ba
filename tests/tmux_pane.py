"""A private tmux server for end-to-end tests: run a command, read its screen."""

from __future__ import annotations

import os
import subprocess
import time


class Tmux:
    """tmux on its own socket (`-L`), with no user config, so tests never touch the user's."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            check=check,
            capture_output=True,
            text=True,
        ).stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", self.socket)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")
