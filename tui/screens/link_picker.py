"""`g`: a fuzzy picker over the current record's links; enter jumps to one.

The whole name typed, or its start, comes first ("paris": Paris before "Paris
Criminal Court"), then a name with a word starting so, then fuzzy matches; each
group heaviest link first. A hub entity has thousands of links: ranking them
runs off the UI thread and only the best `SHOWN` are put in the list.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import get_current_worker

from casework.db.normalise import fold
from casework.tui.records import RecordData
from casework.tui.text import join, styled
from casework.tui.widgets.lists import CaseList, Row, parse_ref
from casework.tui.widgets.search_box import SearchBox

SHOWN = 200  # rows put in the list; the count in the title says how many matched
CUTOFF = 60  # fuzzy score below which a link is not a match
IN_THREAD = 2000  # links beyond which ranking leaves the UI thread


def rank(query: str, keys: list[str]) -> list[int]:
    """Indexes of the keys matching `query` (folded), best first; ties keep their order."""
    from rapidfuzz import fuzz, process  # here, not at import: off the first paint

    q = fold(query.strip())
    if not q:
        return list(range(len(keys)))
    fuzzy = {
        i: score
        for _, score, i in process.extract(
            q, keys, scorer=fuzz.WRatio, limit=None, score_cutoff=CUTOFF
        )
    }
    word = f" {q}"
    tiers: list[tuple[int, float, int]] = []
    for i, key in enumerate(keys):
        if key == q:
            tier = 0
        elif key.startswith(q):
            tier = 1
        elif word in f" {key}":
            tier = 2
        elif i in fuzzy:
            tier = 3
        else:
            continue
        tiers.append((tier, -fuzzy.get(i, 100.0) if tier == 3 else 0.0, i))
    tiers.sort()
    return [i for _, _, i in tiers]


def more_note(hidden: int, width: int) -> Content:
    return Content.styled(f"… {hidden:,} more: type to narrow", "dim")


class LinkPicker(ModalScreen[int | None]):
    BINDINGS = [
        # Priority: the search box would take enter first, and the footer shows this one.
        Binding("enter", "choose", "Go to", id="casework.picker.go", priority=True),
        Binding("escape", "cancel", "Close", key_display="esc", id="casework.picker.close"),
    ]

    def __init__(self, record: RecordData) -> None:
        super().__init__()
        self.record = record
        self.keys = [fold(name) for name in record.link_names()]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(
                join([("Go to a link of ", "dim"), styled(self.record.title, "bold")]), markup=False
            )
            yield SearchBox(placeholder="type to filter…", id="picker-input", compact=True)
            yield CaseList(id="picker-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show("", list(range(len(self.keys))))

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

    def _row(self, index: int) -> Row:
        oid, prompt, _ = self.record.links[index]
        fit_link = self.record.fit_link
        return (oid, partial(fit_link, index) if fit_link else (lambda _w, p=prompt: p))

    def _show(self, text: str, order: list[int]) -> None:
        listing = self.query_one("#picker-list", CaseList)
        rows = [self._row(i) for i in order[:SHOWN]]
        if len(order) > SHOWN:
            rows.append((None, partial(more_note, len(order) - SHOWN)))
        listing.set_rows(rows)
        if order:
            listing.highlighted = 0
        listing.border_title = f"{len(order)} of {len(self.keys)}"

    @on(Input.Changed, "#picker-input")
    def _filter(self, event: Input.Changed) -> None:
        if len(self.keys) <= IN_THREAD:
            self.workers.cancel_group(self, "picker")
            self._show(event.value, rank(event.value, self.keys))
        else:
            self._filter_in_thread(event.value)

    @work(exclusive=True, group="picker", exit_on_error=False)
    async def _filter_in_thread(self, text: str) -> None:
        await asyncio.sleep(0.02)  # a newer key cancels us here
        order = await asyncio.to_thread(rank, text, self.keys)
        if not get_current_worker().is_cancelled:
            self._show(text, order)

    @on(SearchBox.Move)
    def _move(self, event: SearchBox.Move) -> None:
        listing = self.query_one("#picker-list", CaseList)
        if listing.option_count:
            cur = listing.highlighted if listing.highlighted is not None else -1
            target = max(0, min(listing.option_count - 1, cur + event.delta))
            if listing.get_option_at_index(target).disabled:
                target = max(0, target - 1)  # the "more" note
            listing.highlighted = target

    def action_choose(self) -> None:
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
