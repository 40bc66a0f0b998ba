"""CaseworkApp: global keys, the command palette, and the case reader.

The first paint waits only for opening the file (done by the CLI before the
app starts); every query runs later, in workers.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from casework.tui.commands import CaseCommands
from casework.tui.crash import write_crash_log
from casework.tui.data import CaseReader
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
        self.readonly = readonly
        self.cursor_blink = cursor_blink
        self.reader = CaseReader(self.path, readonly=readonly or not os.access(path, os.W_OK))

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
        self.reader.close()

    def _fatal_error(self) -> None:
        """Exit with a short message; the default would print locals (document text)."""
        exc = getattr(self, "_exception", None)
        log = write_crash_log(exc) if exc is not None else None
        name = type(exc).__name__ if exc is not None else "error"
        where = f"; details in {log}" if log else ""
        self._crash_message = f"casework: internal error ({name}){where}"
        self.bell()
        self._close_messages_no_wait()


def run_app(path: Path, *, readonly: bool = False) -> int:
    app = CaseworkApp(path, readonly=readonly)
    result = app.run()
    message = getattr(app, "_crash_message", None)
    if message:
        print(message, file=__import__("sys").stderr)
        return 70
    return int(result or app.return_code or 0)
