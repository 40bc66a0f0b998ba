"""CaseworkApp: global keys, the command palette, and the case reader.

The first paint waits only for opening the file (done by the CLI before the
app starts); every query runs later, in workers.
"""

from __future__ import annotations

import select
import sys
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from casework.db.connection import is_read_only
from casework.tui.commands import CaseCommands
from casework.tui.crash import crash_message
from casework.tui.data import CaseReader
from casework.tui.idle_gc import IdleCollector
from casework.tui.sanitize import visible_line


class CaseworkApp(App[int]):
    # Absolute, so a subclass defined elsewhere (tests, benchmarks) finds it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "casework"
    COMMANDS = App.COMMANDS | {CaseCommands}
    BINDING_GROUP_TITLE = "Casework"

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", key_display="^q", priority=True, id="casework.quit"),
        Binding("q", "quit", "Quit", show=False, id="casework.quit-q"),
        Binding("question_mark", "help", "Help", key_display="?", id="casework.help"),
    ]

    def __init__(self, path: Path, *, readonly: bool = False, cursor_blink: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        # mode=ro when asked, and whenever the file is not writable (even for root).
        self.readonly = readonly or is_read_only(self.path)
        self.cursor_blink = cursor_blink
        self.reader = CaseReader(self.path, readonly=self.readonly)
        self.collector = IdleCollector()

    def on_mount(self) -> None:
        self.call_after_refresh(self._start_collector)
        if not self.is_headless and sys.stdin is not None and sys.stdin.isatty():
            self.set_interval(1.0, self._exit_if_terminal_gone, name="terminal watch")

    def _start_collector(self) -> None:
        """After the first paint: what exists then lives as long as the app."""
        self.collector.start()
        self.set_interval(0.25, self.collector.tick, name="idle gc")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.touch()
        await super().on_event(event)

    def _exit_if_terminal_gone(self) -> None:
        """Quit when the terminal hangs up (a dropped SSH link).

        Textual's input thread then reads EOF in a tight loop and the app would
        spin at full CPU forever with nobody to see it.
        """
        if terminal_gone(sys.stdin.fileno()):
            self.exit(0)

    def get_default_screen(self) -> Screen:
        from casework.tui.screens.explorer import ExplorerScreen

        return ExplorerScreen()

    def case_label(self) -> Content:
        mode = " (read-only)" if self.readonly else ""
        return Content(f"casework · {visible_line(self.path.name)}{mode}")

    @property
    def explorer(self):
        from casework.tui.screens.explorer import ExplorerScreen

        for screen in self.screen_stack:
            if isinstance(screen, ExplorerScreen):
                return screen
        raise LookupError("no explorer screen")

    # -- commands used by the palette and keys ---------------------------------------

    def action_help(self) -> None:
        from casework.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def filter_results(self, kind: str | None) -> None:
        self._to_explorer()
        self.explorer.set_kind_filter(kind)

    def toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def open_record(self, kind: str, record_id: int) -> None:
        self._to_explorer()
        self.explorer.visit(kind, record_id)

    def open_source(self, source_id: int) -> None:
        from casework.db import queries
        from casework.tui.screens.document import DocumentScreen

        async def first_passage() -> None:
            passages = await self.reader.run(queries.source_passages, source_id)
            if passages:
                self._to_explorer()
                self.push_screen(DocumentScreen(source_id, passages[0].id), self._open_passage)
            else:
                self.notify("That source has no text.", markup=False)

        self.run_worker(first_passage(), group="open-source", exclusive=True)

    def _open_passage(self, passage_id: int | None) -> None:
        if passage_id is not None:
            self.explorer.visit("passage", passage_id)

    def _to_explorer(self) -> None:
        while len(self.screen_stack) > 1 and self.screen is not self.explorer:
            self.pop_screen()

    # -- lifecycle -----------------------------------------------------------------

    def on_unmount(self) -> None:
        self.collector.stop()
        self.reader.close()

    def _handle_exception(self, error: Exception) -> None:
        """Every unhandled error ends in `_fatal_error`.

        Textual would `panic(error)` for an exception that has `__rich__`,
        rendering it (and whatever document text it holds) on exit.
        """
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._fatal_error()

    def _fatal_error(self) -> None:
        """Exit with a short message; the default would print locals (document text)."""
        exc = getattr(self, "_exception", None)
        self._crash_message = crash_message(exc)
        self.bell()
        self._close_messages_no_wait()


def terminal_gone(fd: int) -> bool:
    """The terminal on `fd` has hung up or closed (POLLHUP/POLLERR/POLLNVAL)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return any(ev & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, ev in poller.poll(0))


def run_app(path: Path, *, readonly: bool = False) -> int:
    app = CaseworkApp(path, readonly=readonly)
    try:
        result = app.run()
    except Exception as exc:  # outside the app's own handler: same rule, no traceback
        print(crash_message(exc), file=sys.stderr)
        return 70
    message = getattr(app, "_crash_message", None)
    if message:
        print(message, file=sys.stderr)
        return 70
    return int(result or app.return_code or 0)
