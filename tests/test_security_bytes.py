"""The terminal-byte oracle: `casework open` on a hostile case, in a real pty.

Every byte the app writes is kept and checked: no escape sequence, C1 control,
NUL, DEL or bidi control from a document reaches the terminal, and each one is
shown in its visible form instead. Also here: what a crash prints, and that a
read-only session leaves the case file's bytes and mtime alone.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from hostile import C1, PAYLOADS, RAW_AFTER_MARKER, RAW_FORBIDDEN, build_hostile_case
from pty_terminal import ALT_SCREEN_OFF, CASEWORK, Terminal, foreign_sequences, plain
from tui_helpers import make_app

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile folder imported; the extractor is taught the hostile names."""
    return build_hostile_case(tmp_path_factory.mktemp("hostile"))


def private_env(tmp: Path) -> dict[str, str]:
    """Logs and data in the test's own folder, never the user's."""
    return {
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "HOME": str(tmp),
    }


def assert_nothing_injected(term: Terminal) -> str:
    """The oracle: only Textual's own sequences, and no raw control from a document."""
    stream = term.raw.decode("utf-8")  # strict: no stray C1 byte either
    assert foreign_sequences(stream) == []
    for raw in RAW_FORBIDDEN:
        assert raw not in stream, f"{raw!r} reached the terminal"
    assert not C1.search(stream), "a C1 control reached the terminal"
    for marker, control in RAW_AFTER_MARKER.items():
        assert marker + control not in stream
    return plain(stream)


def test_hostile_case_explored_in_a_pty_writes_no_document_escape(
    hostile_case: Path, tmp_path: Path
) -> None:
    term = Terminal([CASEWORK, "open", str(hostile_case)], env=private_env(tmp_path))
    try:
        term.wait_for("Results: top")
        term.settle(0.5)
        term.step("acme", "Results 3")
        term.step("\r", "Passages (")  # the entity whose name sets the window title
        term.step("o", "mention 1 of")  # the document view ...
        term.step("\x1b[H", "Payload osc52")  # ... from the top: every payload passage
        term.step("\x1b[6~", "Markup")  # page down
        term.step("\x1b", "Links (")
        term.step("g", "Go to a link of Acme␛]0;pwned␇Corp")  # the link picker's title
        term.step("\x1b", "Links (")
        term.step("\x10", "Search for commands")  # ctrl+p: the palette ...
        term.step("nadia", "Open entity: Nadia\\x9b2JPetrova")  # ... lists entities by name
        term.step("\x1b", "Links (")
        term.search("lorem")  # the 300 KB single line, cut into passages
        term.wait_for("Results 50")
        term.settle(0.1)
        term.step("\r", "Entities in this passage")
        term.step("o", "long.txt")
        term.step("\x1b", "Entities in this passage")
        term.search("signed")  # the Markdown file with a bidi override in its title
        term.wait_for("Bidi <U+202E>title<U+202C> here")
        term.settle(0.1)
        term.search("")  # text copied from a document and pasted: controls become spaces
        term.mark()
        term.paste("copy\u202eevil\x9b2J\x07x")
        term.wait_for("copy evil 2J x")
        term.settle(0.1)
        term.search("")  # an ESC ends Textual's paste early; its keys are typed, not run
        term.mark()
        term.paste("paste\x1b]0;pastepwn\x07end")
        term.wait_for("pastepwn")
        term.settle(0.1)
        term.step("\x1b", "Results")
        term.step("?", "escape or ? closes this help")
        code = term.quit()
    finally:
        term.kill()
    assert code == 0
    shown = assert_nothing_injected(term)
    for name in ("title", "osc52", "osc52st", "osc8", "csi", "dcs", "c1csi", "c1osc", "nul"):
        assert PAYLOADS[name][1] in shown, f"{name} not shown as {PAYLOADS[name][1]!r}"
    for literal in (
        "Acme␛]0;pwned␇Corp",
        "Zed␛]52;c;SGVsbG8=␇Zulu",
        "Nadia\\x9b2JPetrova",
        "[@click=app.quit]Acme Holdings[/]",
        "[link=file:///etc/passwd]LinkText[/link]",
        "x[/]y",
        "Smith [aka] J.",
    ):
        assert literal in shown, literal


CRASHER = """
import sys
from pathlib import Path
from casework.tui.app import CaseworkApp, run_app

class Loud(Exception):
    def __rich__(self):  # Textual would print this on exit (App.panic), not a traceback
        return str(self)

def boom(self):
    passage = self.explorer.record.passages[0].text
    raise (Loud if sys.argv[2] == "rich" else ValueError)(passage)

CaseworkApp.action_help = boom
sys.exit(run_app(Path(sys.argv[1])))
"""


def test_a_crash_prints_one_line_and_a_log_path_never_document_text(
    hostile_case: Path, tmp_path: Path
) -> None:
    """The exception message and the locals hold passage text; none of it is printed."""
    term = Terminal(
        [sys.executable, "-c", CRASHER, str(hostile_case), "plain"], env=private_env(tmp_path)
    )
    try:
        term.wait_for("Results: top")
        term.settle(0.5)
        term.step("zed", "Results 2")
        term.step("\r", "Passages (1 in 1 source)")
        term.send("?")
        code = term.finish()
    finally:
        term.kill()
    assert code == 70
    after = term.text.rsplit(ALT_SCREEN_OFF, 1)[-1]
    assert "casework: internal error (ValueError); details in " in after
    for leak in ("Zulu", "Henri", "passage", "Traceback", "pwned", "SGVsbG8"):
        assert leak not in after, f"{leak!r} printed after a crash"
    log = tmp_path / "state" / "casework" / "log" / "crash.log"
    assert str(log) in after
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    logged = log.read_text(encoding="utf-8")
    assert "ValueError" in logged and "boom" in logged  # frames and the type ...
    assert "Zulu" not in logged and "Henri" not in logged  # ... never the text


class Loud(Exception):
    """Textual renders an exception with `__rich__` on exit (App.panic) instead."""

    def __rich__(self) -> str:
        return str(self)


async def test_an_exception_textual_would_render_is_not_printed_either(
    hostile_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(hostile_case)
    with pytest.raises(Loud):
        async with app.run_test() as pilot:
            await pilot.pause()
            app._handle_exception(Loud("Zed\x1b]52;c;SGVsbG8=\x07Zulu met Henri Martin"))
            await pilot.pause()
    assert app._exit_renderables == []  # nothing for Textual to print on exit
    assert app._crash_message.startswith("casework: internal error (Loud); details in ")
    assert "Zulu" not in app._crash_message


def test_a_read_only_session_leaves_the_file_unchanged(hostile_case: Path, tmp_path: Path) -> None:
    """`--read-only`; a file without write permission takes the same path (mode=ro), see
    test_security_faults.py::test_read_only_connections_use_mode_ro.

    The copy has committed frames still in its -wal: a read-write session would
    checkpoint them into the main file when it closes, a mode=ro one cannot.
    """
    writer = sqlite3.connect(hostile_case)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE entities SET notes = 'pending in the WAL' WHERE id = 1")
    writer.commit()
    copy = tmp_path / "ro.db"
    shutil.copy(hostile_case, copy)
    shutil.copy(f"{hostile_case}-wal", f"{copy}-wal")
    writer.execute("UPDATE entities SET notes = '' WHERE id = 1")
    writer.commit()
    writer.close()
    before = (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns)
    term = Terminal([CASEWORK, "open", str(copy), "--read-only"], env=private_env(tmp_path))
    try:
        term.wait_for("(read-only)")
        term.wait_for("Results: top")
        term.settle(0.5)
        term.step("henri", "Results ")
        term.step("\r", "Passages (")
        code = term.quit()
    finally:
        term.kill()
    assert code == 0
    assert (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns) == before
    assert_nothing_injected(term)


@pytest.mark.parametrize(("first_page", "expect"), [(3, "damaged"), (100, "Damaged case")])
def test_a_damaged_case_is_detected_at_open_and_not_written(
    hostile_case: Path, tmp_path: Path, first_page: int, expect: str
) -> None:
    """Damage near the schema stops `open` with one line; damage deeper in the file
    is found by quick_check after the first paint and shown as a warning."""
    damaged = tmp_path / "damaged.db"
    data = bytearray(hostile_case.read_bytes())
    page = 4096
    assert len(data) // page > first_page
    for n in range(first_page, len(data) // page):  # scribble over b-tree page headers
        data[n * page : n * page + 8] = b"\xab" * 8
    damaged.write_bytes(bytes(data))
    before = (hashlib.sha256(damaged.read_bytes()).hexdigest(), damaged.stat().st_mtime_ns)
    term = Terminal([CASEWORK, "open", str(damaged)], env=private_env(tmp_path))
    try:
        term.wait_for(expect)
        code = term.quit() if expect == "Damaged case" else term.finish()
    finally:
        term.kill()
    shown = plain(term.text)
    if expect == "damaged":
        assert code == 1
        assert "the case file is damaged (database disk image is malformed)" in shown
    else:
        assert code == 0
        assert "Run `casework check`; nothing is" in shown
    assert "Traceback" not in shown
    assert (hashlib.sha256(damaged.read_bytes()).hexdigest(), damaged.stat().st_mtime_ns) == before
