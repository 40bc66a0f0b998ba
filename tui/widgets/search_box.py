"""The search box: typing stays here while the arrow keys drive the results."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from casework.tui.sanitize import controls_to_spaces


class SearchBox(Input):
    """Input doesn't bind up/down/page keys, so they move the results list instead."""

    BINDINGS = [
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "move(10)", "Page down", show=False),
        Binding("pageup", "move(-10)", "Page up", show=False),
    ]

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))

    def _on_paste(self, event: events.Paste) -> None:
        """Pasted text is often copied from a document: its controls become spaces.

        Input renders its value raw, so an escape sequence in a paste would
        otherwise reach the terminal; a query needs none of them.
        """
        event.stop()
        event.prevent_default()
        line = event.text.splitlines()[0] if event.text else ""
        clean = controls_to_spaces(line)
        if clean:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(clean)
            else:
                self.replace(clean, *selection)
