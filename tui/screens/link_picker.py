"""`g`: a fuzzy picker over the current record's links; enter jumps to one."""

from __future__ import annotations

from rapidfuzz import fuzz
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from casework.db.normalise import fold
from casework.tui.records import RecordData
from casework.tui.text import join, styled
from casework.tui.widgets.lists import CaseList, parse_ref
from casework.tui.widgets.search_box import SearchBox


class LinkPicker(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "cancel", "Close", id="casework.picker.close")]

    def __init__(self, record: RecordData) -> None:
        super().__init__()
        self.record = record
        self.items = [(oid, prompt, fold(name)) for oid, prompt, name in record.links]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(
                join([("Go to a link of ", "dim"), styled(self.record.title, "bold")]), markup=False
            )
            yield SearchBox(placeholder="type to filter…", id="picker-input", compact=True)
            yield CaseList(id="picker-list")

    def on_mount(self) -> None:
        self._show("")

    def on_key(self, event: events.Key) -> None:
        """Keys typed with the `g` reach the screen itself, before the box has focus: type them.

        A printable key from the box never gets here (Input stops it); one from the
        list is left to the list's keys (j, k).
        """
        if event.is_printable and event.character and not isinstance(self.focused, CaseList):
            event.stop()
            event.prevent_default()
            box = self.query_one("#picker-input", SearchBox)
            self.set_focus(box)
            box.insert_text_at_cursor(event.character)

    def _show(self, text: str) -> None:
        query = fold(text.strip())
        items = self.items
        if query:
            scored = [
                (max(fuzz.partial_ratio(query, key), fuzz.WRatio(query, key)), i)
                for i, (_, _, key) in enumerate(items)
            ]
            items = [
                items[i] for score, i in sorted(scored, key=lambda x: (-x[0], x[1])) if score >= 60
            ]
        listing = self.query_one("#picker-list", CaseList)
        listing.set_options(Option(prompt, id=oid) for oid, prompt, _ in items)
        if items:
            listing.highlighted = 0
        listing.border_title = f"{len(items)} of {len(self.items)}"

    @on(Input.Changed, "#picker-input")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(SearchBox.Move)
    def _move(self, event: SearchBox.Move) -> None:
        listing = self.query_one("#picker-list", CaseList)
        if listing.option_count:
            cur = listing.highlighted if listing.highlighted is not None else -1
            listing.highlighted = max(0, min(listing.option_count - 1, cur + event.delta))

    @on(Input.Submitted, "#picker-input")
    def _submit(self) -> None:
        self._choose(self.query_one("#picker-list", CaseList).highlighted_ref)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(parse_ref(event.option_id))

    def _choose(self, target: tuple[str, int] | None) -> None:
        if target and target[0] == "entity":
            self.dismiss(target[1])

    def action_cancel(self) -> None:
        self.dismiss(None)
