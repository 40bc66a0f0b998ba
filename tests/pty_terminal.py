"""Run a command in a pseudo-terminal and keep every byte it writes.

`App.run_test()` uses Textual's headless driver, which renders nothing; only a
real pty with the Linux driver shows what reaches an analyst's terminal. This
is the terminal-byte oracle of the security tests.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

# Textual's own output: CSI sequences (cursor, SGR, modes) and OSC 22 (pointer shape).
CSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")
ALLOWED_OSC = ("\x1b]22;",)
ALT_SCREEN_OFF = "\x1b[?1049l"

CASEWORK = str(Path(sys.executable).with_name("casework"))


def plain(stream: str) -> str:
    """The stream without CSI sequences: text as written, for finding what was shown."""
    return CSI.sub("", stream)


class Terminal:
    """A child process on a pty of a fixed size, TERM=xterm-256color."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cols: int = 120,
        rows: int = 40,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL")}
        full.update(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        full.update(env or {})
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.raw = bytearray()
        self._mark = 0

    # -- reading ---------------------------------------------------------------------

    def _read(self, timeout: float) -> bool | None:
        """True: got bytes; None: nothing within timeout; False: the child closed the pty."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the child has gone
            return False
        if not data:
            return False
        self.raw += data
        return True

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    def mark(self) -> None:
        """Later `wait_for` calls look only at output written after this point."""
        self._mark = len(self.raw)

    def wait_for(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = plain(self.raw[self._mark :].decode("utf-8", errors="replace"))
            if needle in shown:
                return shown
            if time.monotonic() > deadline or self._read(0.05) is False:
                tail = shown[-2000:]
                raise AssertionError(f"{needle!r} never appeared; last output:\n{tail}")

    def settle(self, quiet: float = 0.3, limit: float = 5.0) -> None:
        """Read until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self._read(quiet) is not True:
                return

    # -- writing ---------------------------------------------------------------------

    def send(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode("utf-8") if isinstance(keys, str) else keys)

    def step(self, keys: str, expect: str, timeout: float = 15.0) -> str:
        """Send keys, wait for `expect` in what they made the app write, let it settle."""
        self.mark()
        self.send(keys)
        shown = self.wait_for(expect, timeout)
        self.settle(0.1)
        return shown

    def search(self, text: str) -> None:
        """`/`, clear the box, type: one step at a time, as keys sent together can
        reach the old focus before `/` has moved it."""
        self.send("/")
        self.settle(0.1)
        self.send("\x01\x0b")  # ctrl+a, ctrl+k
        self.settle(0.1)
        if text:
            self.send(text)

    def paste(self, text: str) -> None:
        """A bracketed paste, as a terminal sends one."""
        self.send("\x1b[200~" + text + "\x1b[201~")

    def finish(self, timeout: float = 10.0) -> int:
        """Read to the end and return the exit code (the process is killed on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._read(0.1) is False and self.proc.poll() is not None:
                break
        try:
            code = self.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the app did not exit") from None
        finally:
            os.close(self.master)
        return code

    def quit(self) -> int:
        self.send("\x11")  # ctrl+q
        return self.finish()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# What Textual 8 writes: SGR, cursor position, private modes and their queries, and the
# kitty keyboard protocol. A document's CSI (2J, 21t ...) is none of these.
TEXTUAL_CSI = re.compile(r"\x1b\[(?:[0-9;:]*m|\d+;\d+H|\?[0-9;]+[hl]|\?\d+\$p|[<>=]?\d*u)")


def foreign_sequences(stream: str) -> list[str]:
    """Escape sequences Textual itself never writes: the oracle's main assertion."""
    bad = []
    for m in re.finditer("\x1b", stream):
        rest = stream[m.start() : m.start() + 24]
        if rest.startswith(ALLOWED_OSC):
            continue
        if rest.startswith("\x1b["):
            csi = CSI.match(stream, m.start())
            if csi and TEXTUAL_CSI.fullmatch(csi.group()):
                continue
        bad.append(rest)
    return bad
