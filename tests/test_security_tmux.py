"""Acceptance in a real terminal: a hostile folder imported and explored through tmux.

tmux is the terminal here, and it reacts to what the payloads try: OSC 0/2
would set the pane title and OSC 52 (with set-clipboard on) would create a
paste buffer. The test first shows that tmux does react to them, then runs
`casework import` and `casework open` in the pane and checks it never did.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import write_hostile_folder
from tmux_pane import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SOCKET = f"casework-sec-{os.getpid()}"
CASEWORK = str(Path(sys.executable).with_name("casework"))


tmux = Tmux(SOCKET)
screen = tmux.screen
wait_for = tmux.wait_for


def keys(*k: str, literal: bool = False) -> None:
    tmux("send-keys", "-t", SOCKET, *(["-l"] if literal else []), *k)
    time.sleep(0.15)


def title() -> str:
    return tmux("display-message", "-p", "-t", SOCKET, "#{pane_title}").strip()


def buffers() -> str:
    return tmux("list-buffers", check=False).strip()


def test_hostile_folder_imports_and_is_explored_in_tmux_without_any_effect(
    tmp_path: Path,
) -> None:
    folder = write_hostile_folder(tmp_path / "docs")
    (folder / "broken\x1b]2;pdfpwn\x1b\\.pdf").write_bytes(b"%PDF-1.4 truncated")
    db, done = tmp_path / "case.db", tmp_path / "done"
    env = f"HOME={tmp_path} XDG_STATE_HOME={tmp_path}/state TERM=xterm-256color"
    shell = "env -u COLUMNS -u LINES PS1=ready$ sh"  # sizes come from the pane, not pytest
    tmux("new-session", "-d", "-s", SOCKET, "-x", "120", "-y", "40", shell)
    try:
        tmux("set-option", "-g", "set-clipboard", "on")  # OSC 52 makes a paste buffer
        wait_for("ready$")
        # The oracle reacts: a raw OSC 2 sets the title, a raw OSC 52 makes a buffer.
        keys("printf '\\033]2;probe-title\\033\\\\\\033]52;c;cHJvYmU=\\007'", "Enter")
        deadline = time.monotonic() + 5
        while "probe" not in buffers() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert title() == "probe-title" and "probe" in buffers()
        tmux("delete-buffer")
        keys("printf '\\033]2;clean\\033\\\\'; clear", "Enter")
        keys(
            f"{env} {CASEWORK} import {folder} --db {db} --jobs 1; "
            f"{env} {CASEWORK} open {db}; echo rc=$? > {done}",
            "Enter",
        )
        wait_for("╭─ Results", timeout=60)
        time.sleep(0.5)
        keys("payload", literal=True)
        # The first result's preview (record panes) can show payloads before the
        # search answers: wait for the results title with a count ("Results 14").
        wait_for("╭─ Results ")
        shown = wait_for("Payload title: before")
        assert "␛]0;pwned␇ after" in shown and "CONEX\\x9b2J after" in shown
        keys("Enter")
        wait_for("Entities in this passage")
        keys("o")
        shown = wait_for("passages ━")
        keys("End")
        shown += wait_for("Zed␛]52;c;SGVsbG8=␇Zulu")
        keys("Home")
        shown += wait_for("Payload osc52: before")
        for visible in (
            "␛]52;c;SGVsbG8=␇",
            "␛]0;pwned␇",
            "␛]8;;file:///etc/passwd␛\\",
            "CSIX␛[2J",
            "TITLEQ␛[21t",
            "␛P+q544e␛\\",
            "CONEX\\x9b2J",
            "NULX␀Y",
            "RLOX<U+202E>evil",
            "[@click=app.quit]Acme Holdings[/]",
            "[link=file:///etc/passwd]LinkText[/link]",
            "Boris<U+202E>Vokov",
            "Nadia\\x9b2JPetrova",
        ):
            assert visible in shown, visible
        keys("Escape")
        wait_for("Entities in this passage")
        keys("/")
        keys("C-a", "C-k")
        keys("signed", literal=True)
        wait_for("Bidi <U+202E>title<U+202C> here")
        keys("C-q")
        deadline = time.monotonic() + 10
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.read_text().strip() == "rc=0"
        after = screen()
        assert "broken␛]2;pdfpwn␛\\.pdf" in after  # the import's failure line, escaped
        assert "Traceback" not in after
        assert title() == "clean", title()  # no OSC 0/2 got through: the title is ours
        assert buffers() == ""  # no OSC 52 got through: no clipboard write
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
