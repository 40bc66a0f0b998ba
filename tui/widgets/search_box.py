"""The search box: typing stays here while the arrow keys drive the results."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


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
