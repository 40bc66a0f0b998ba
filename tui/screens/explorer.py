"""The explorer: search · current record · its passages, and history between records.

Every query runs in an exclusive worker (a newer keystroke or selection
cancels the older one), on the case reader's threads, so the UI never waits.
Highlighting a result previews it; `enter` visits it (history); `alt+left`
and `alt+right` walk the history and restore the pane and row you were on.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import Worker, get_current_worker

from casework.db import queries
from casework.db.models import EntitySummary, SearchHit
from casework.tui.history import History, Visit
from casework.tui.records import (
    PassageCard,
    RecordData,
    card_prompt,
    load_entity_record,
    load_passage,
    passage_record,
)
from casework.tui.sanitize import visible_line
from casework.tui.text import KIND_LABELS, clip_lines, fit, join, plain, spread, styled
from casework.tui.widgets.fitted import Fitted
from casework.tui.widgets.lists import CaseList, Row, parse_ref
from casework.tui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from casework.tui.app import CaseworkApp

SEARCH_LIMIT = 50
DEBOUNCE = 0.01
PREVIEW_DELAY = 0.12  # a highlight must rest this long before its record loads
PAGE = 24  # options put in a list at a time; more are added as the highlight nears the end
PANES = ("links", "passages")  # the panes whose row history restores
SLOW = 0.15  # a query still running after this long says "searching…"
PLURALS = {
    "person": "People",
    "organization": "Orgs",
    "place": "Places",
    "date": "Dates",
    "money": "Money",
    "passage": "Passages",
}


SNIPPET_LINES = 2  # a passage hit: this many lines of text (3 in a tall list), then its source


def entity_line(name: str, kind: str, mentions: int, width: int | None) -> Content:
    """`name  kind` and the mention count; with a `width`, the count at the end of the line.

    One line when the name leaves room for its kind; else the kind and count go on a
    second line, so a name is cut only when it is longer than the whole line.
    """
    label = KIND_LABELS.get(kind, kind)
    count = Content.styled(str(mentions), "dim")
    if width is None:
        return join([styled(name, "bold"), "  ", (label, "italic")]) + Content("  ") + count
    for gap in ("  ", " "):
        line = join([styled(name, "bold"), gap, (label, "italic")])
        if line.cell_length + 1 + count.cell_length <= width:
            return spread(line, count, width)
    second = spread(Content.styled(f"  {label}", "italic"), count, width)
    return Content("\n").join([fit(styled(name, "bold"), width), second])


_TABLE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?")
_SPACES = re.compile(r"\s+")


def tidy_snippet(text: str) -> str:
    """A passage snippet as one line of prose: table pipes and rules, headings and line
    breaks become plain separators. Only for display; controls are made visible later."""
    text = _TABLE_RULE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    body = text.removeprefix("…")
    if body.startswith("|") or body.endswith("|"):  # a table row: its cells
        cells = [c.strip() for c in body.split("|") if c.strip()]
        text = text[: len(text) - len(body)] + " · ".join(cells)
    return re.sub(r"^(…?)#{1,6} ", r"\1", text)


def hit_prompt(hit: SearchHit, width: int | None = None, lines: int = SNIPPET_LINES) -> Content:
    if hit.type == "entity":
        first = entity_line(hit.name, hit.kind, hit.mentions, width)
        if hit.matched:
            aka = join([("  aka ", "dim"), plain(hit.matched)])
            return Content("\n").join([first, aka if width is None else fit(aka, width)])
        return first
    if width is None:
        title = styled(hit.source_title or "", "dim")
        where = join([("  ", ""), title, (f" {hit.location}", "dim")])
        return Content("\n").join([join([("¶ ", "bold"), plain(hit.name)]), where])
    text = clip_lines(join([("¶ ", "bold"), plain(tidy_snippet(hit.name))]), width, lines)
    location = Content.styled(f"  {hit.location or ''}", "dim")
    title = fit(styled(hit.source_title or "", "dim"), width - 2 - location.cell_length)
    return Content("\n").join([text, Content("  ") + title + location])


def summary_prompt(e: EntitySummary, width: int | None = None) -> Content:
    return entity_line(e.name, e.kind, e.mentions, width)


def nothing(width: int | None = None) -> Content:
    return Content.styled("Nothing in this case yet", "dim")


def fit_card(card: PassageCard, full: bool, width: int) -> Content:
    return card_prompt(card, full=full, width=width)


def no_match(query: str, width: int | None = None) -> Content:
    note = join([("No match for “", "dim"), plain(query.strip()), ("”", "dim")])
    return note if width is None else clip_lines(note, width, 2)


class ExplorerScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDING_GROUP_TITLE = "Explorer"
    AUTO_FOCUS = "#search"

    BINDINGS = [
        # Priority: the app runs it before routing the keys queued behind it, so
        # "/queen" typed fast lands in the box instead of quitting on the "q".
        Binding(
            "slash",
            "focus_search",
            "Search",
            key_display="/",
            id="casework.search",
            tooltip="Type to search entities and passages",
            priority=True,
        ),
        Binding(
            "g",
            "go_link",
            "Go to link",
            id="casework.go",
            tooltip="Fuzzy picker over the current record's links",
            priority=True,  # as "/": the filter typed right after it goes to the picker
        ),
        Binding("alt+left", "back", "Back", key_display="alt+←", id="casework.back"),
        Binding(
            "alt+right",
            "forward",
            "Forward",
            key_display="alt+→",
            show=False,
            id="casework.forward",
        ),
        Binding("backspace", "back", "Back", show=False, id="casework.back-bs"),
        Binding(
            "o",
            "open_source",
            "Source",
            id="casework.source",
            tooltip="Open the document at the selected passage",
        ),
        Binding("escape", "leave_search", "Leave search", show=False, id="casework.leave"),
        # Priority, as "/": the result opens (and focus moves) before the keys queued behind
        # the enter are routed, so "enter g" typed fast opens the picker, not "g" in the box.
        Binding(
            "enter",
            "open_result",
            "Open result",
            show=False,
            priority=True,
            id="casework.open",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history = History()
        self.record: RecordData | None = None
        self.kind_filter: str | None = None
        self._query = ""
        self._visiting: Worker[None] | None = None  # the load of the record being opened
        self._last_pane: str | None = None

    @property
    def case(self) -> CaseworkApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield SearchBox(
                placeholder="Search names and passages…  ( / )", id="search", compact=True
            )
            yield Static(self.case.case_label(), id="case-label", markup=False)
        with Horizontal(id="panes"):
            yield CaseList(id="results")
            with Container(id="detail"):
                with Vertical(id="record"):
                    yield Fitted(Content("Type to search, or pick an entity."), id="record-header")
                    yield CaseList(id="links")
                yield CaseList(id="passages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#results", CaseList).border_title = "Results"
        self.query_one("#links", CaseList).border_title = "Links"
        self.query_one("#passages", CaseList).border_title = "Passages"
        self.query_one("#record-header", Static).border_title = "Record"
        self.query_one("#search", SearchBox).cursor_blink = self.case.cursor_blink
        self.run_search("")
        self.check_case()

    @work(group="check", exit_on_error=False)
    async def check_case(self) -> None:
        """quick_check after the first paint: a damaged case is said at once, not found later."""
        messages = await self.case.reader.run(queries.quick_check, lane="record")
        if messages != ["ok"]:
            self.notify(
                "This case file is damaged (quick_check: "
                f"{visible_line(messages[0])[:80]}). Run `casework check`; nothing is written.",
                title="Damaged case",
                severity="error",
                timeout=30,
                markup=False,
            )

    # -- search -----------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self._query = event.value
        self.run_search(event.value)

    def set_kind_filter(self, kind: str | None) -> None:
        self.kind_filter = kind
        self.query_one("#results", CaseList).border_title = self._results_label()
        self.run_search(self._query)

    def _results_label(self) -> str:
        """Short, so that the count after it is never cut: `Results`, `Places`."""
        return PLURALS.get(self.kind_filter or "", "Results")

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        worker = get_current_worker()
        await asyncio.sleep(DEBOUNCE)  # a newer keystroke cancels us here
        reader = self.case.reader
        results = self.query_one("#results", CaseList)
        label = self._results_label()
        rows: list[Row]
        if text.strip():
            query = asyncio.ensure_future(
                reader.run(
                    queries.search,
                    text,
                    kind=self.kind_filter,
                    limit=SEARCH_LIMIT,
                    cancel=worker.cancelled_event,
                    lane="search",
                )
            )
            # The first query of a big case builds the name index (a second or two): say so.
            done, _ = await asyncio.wait({query}, timeout=SLOW)
            if not done:
                results.border_title = f"{label}: searching…"
            hits = await query
            rows = [(f"{h.type[0]}:{h.id}", partial(self._hit_prompt, h)) for h in hits]
        else:
            kind = self.kind_filter if self.kind_filter != "passage" else None
            top = await reader.run(
                queries.list_entities, kind=kind, limit=SEARCH_LIMIT, lane="search"
            )
            rows = [(f"e:{e.id}", partial(summary_prompt, e)) for e in top]
        if worker.is_cancelled:
            return
        if rows:
            results.set_rows(rows)
            results.highlighted = 0
        else:
            results.show_note(partial(no_match, text) if text.strip() else partial(nothing))
        # Short, so a narrow pane never cuts the count: "Results 24", "Places: top 16".
        results.border_title = (
            f"{label} {len(rows)}" if text.strip() else f"{label}: top {len(rows)}"
        )

    def _hit_prompt(self, hit: SearchHit, width: int) -> Content:
        tall = self.query_one("#results", CaseList).tall
        return hit_prompt(hit, width, SNIPPET_LINES + tall)

    @on(SearchBox.Move)
    def _move_results(self, event: SearchBox.Move) -> None:
        results = self.query_one("#results", CaseList)
        if not results.option_count or results.is_note:
            return
        current = results.highlighted if results.highlighted is not None else -1
        results.highlighted = max(0, min(results.option_count - 1, current + event.delta))

    def action_open_result(self) -> None:
        if self.focused is not self.query_one("#search"):
            raise SkipAction()  # enter in a list is the list's
        target = self.query_one("#results", CaseList).highlighted_ref
        if target:
            self.visit(*target)

    @on(OptionList.OptionHighlighted, "#results")
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        target = parse_ref(event.option_id)
        if target and (self.record is None or (self.record.kind, self.record.id) != target):
            self.load_record(*target, delay=PREVIEW_DELAY)

    # -- opening records ----------------------------------------------------------

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        target = parse_ref(event.option_id)
        if target:
            event.stop()
            if event.option_list.id in PANES and self._visit_pending:
                return  # a row of the record we are leaving: its panes are being replaced
            self.visit(*target)

    def visit(self, kind: str, record_id: int) -> None:
        """Open a record as a new step in history."""
        self._remember()
        self.history.visit(Visit(kind, record_id))
        focus = "#passages" if kind == "entity" else "#links"
        if self.record is not None and (self.record.kind, self.record.id) == (kind, record_id):
            # The preview already shows it: no reload, and the keys typed next reach the pane.
            self.workers.cancel_group(self, "record")
            self.set_focus(self.query_one(focus, CaseList))
            self.refresh_bindings()
            return
        # Focus moves now, so the keys typed next reach the panes; `o` and `g` wait for it.
        self.set_focus(self.query_one(focus, CaseList))
        self._visiting = self.load_record(kind, record_id, focus=focus)

    @property
    def _visit_pending(self) -> bool:
        return self._visiting is not None and not self._visiting.is_finished

    async def _visited(self) -> None:
        """Wait until the record being opened is shown (errors are reported by the worker)."""
        if self._visiting is not None and self._visit_pending:
            with contextlib.suppress(Exception):
                await self._visiting.wait()

    def watch_focused(self, old: Widget | None, new: Widget | None) -> None:
        if isinstance(old, CaseList) and old.id in PANES:
            self._last_pane = old.id  # where to come back to after the search box

    def _remember(self) -> None:
        """Save the pane and row of the record shown, if it is history's current one.

        A preview is not in history: the record it replaces was saved when it did.
        """
        current = self.history.current
        if self.record is None or current is None:
            return
        if (self.record.kind, self.record.id) != (current.kind, current.id):
            return
        focused = self.focused
        pane = focused.id if isinstance(focused, CaseList) and focused.id in PANES else None
        pane = pane or self._last_pane
        row = self.query_one(f"#{pane}", CaseList).highlighted if pane else None
        self.history.remember(pane, row)

    @work(exclusive=True, group="record", exit_on_error=False)
    async def load_record(
        self,
        kind: str,
        record_id: int,
        *,
        focus: str | None = None,
        row: int | None = None,
        delay: float = 0.0,
    ) -> None:
        if delay:
            await asyncio.sleep(delay)  # a newer highlight or visit cancels us here
        reader = self.case.reader
        try:
            if kind == "entity":
                data = await reader.run(load_entity_record, record_id)
            else:
                data = passage_record(await reader.run(load_passage, record_id))
        except queries.NotFound:
            self.notify(f"That {kind} is no longer in the case.", severity="warning", markup=False)
            return
        if get_current_worker().is_cancelled:
            return
        self.show_record(data)
        if focus:
            widget = self.query_one(focus, CaseList)
            if row is not None:
                total = len(data.links if widget.id == "links" else data.passages)
                make = self._link_options if widget.id == "links" else self._passage_options
                if widget.option_count <= row < total:  # restore beyond the first page
                    widget.add_rows(make(widget.option_count, row + PAGE))
                if row < widget.option_count:
                    widget.highlighted = row
            widget.focus()

    def show_record(self, data: RecordData) -> None:
        self._remember()
        self.record = data
        self._last_pane = None
        header = self.query_one("#record-header", Fitted)
        header.show(data.fit_header or data.header)
        header.border_title = "Entity" if data.kind == "entity" else "Passage"
        links = self.query_one("#links", CaseList)
        links.set_rows(self._link_options(0, PAGE))
        links.border_title = data.links_title
        if data.links:
            links.highlighted = 0
        passages = self.query_one("#passages", CaseList)
        passages.set_rows(self._passage_options(0, PAGE))
        passages.border_title = data.passages_title
        if data.passages:
            passages.highlighted = 0
        self.refresh_bindings()

    def _link_options(self, start: int, stop: int) -> list[Row]:
        record = self.record
        assert record is not None
        fit_link = record.fit_link
        return [
            (oid, partial(fit_link, i) if fit_link else (lambda _w, p=prompt: p))
            for i, (oid, prompt, _) in enumerate(record.links[start:stop], start)
        ]

    def _passage_options(self, start: int, stop: int) -> list[Row]:
        assert self.record is not None
        full = self.record.kind == "passage"
        return [
            (f"p:{c.passage_id}", partial(fit_card, c, full))
            for c in self.record.passages[start:stop]
        ]

    @on(OptionList.OptionHighlighted, "#links, #passages")
    def _more(self, event: OptionList.OptionHighlighted) -> None:
        """Long lists are filled a page at a time, ahead of the highlight."""
        if self.record is None:
            return
        listing = event.option_list
        have = listing.option_count
        total = len(self.record.links if listing.id == "links" else self.record.passages)
        if have < total and event.option_index >= have - 10:
            make = self._link_options if listing.id == "links" else self._passage_options
            listing.add_rows(make(have, have + PAGE))

    # -- actions ------------------------------------------------------------------

    def action_focus_search(self) -> None:
        box = self.query_one("#search", SearchBox)
        if self.focused is box:
            raise SkipAction()  # a "/" typed in the box is text
        # At once, not `focus()` (which waits its turn in the queue, behind those keys).
        self.set_focus(box)

    def action_leave_search(self) -> None:
        if self.focused is self.query_one("#search"):
            self.set_focus(self.query_one("#results", CaseList))

    def action_back(self) -> None:
        current = self.history.current
        shown = (self.record.kind, self.record.id) if self.record else None
        if current and shown and shown != (current.kind, current.id):
            # A previewed result is not a step in history: back returns to the record it hid.
            self.load_record(
                current.kind,
                current.id,
                focus=f"#{current.pane}" if current.pane else None,
                row=current.row,
            )
            return
        self._remember()
        target = self.history.back()
        if target is None:
            self.notify("No earlier record.", timeout=2)
            return
        self.load_record(
            target.kind, target.id, focus=f"#{target.pane}" if target.pane else None, row=target.row
        )

    def action_forward(self) -> None:
        self._remember()
        target = self.history.forward()
        if target is None:
            self.notify("No later record.", timeout=2)
            return
        self.load_record(
            target.kind, target.id, focus=f"#{target.pane}" if target.pane else None, row=target.row
        )

    def can_go_back(self) -> bool:
        current = self.history.current
        shown = (self.record.kind, self.record.id) if self.record else None
        if current is not None and shown is not None and shown != (current.kind, current.id):
            return True  # a preview: back returns to the record it hid
        return self.history.can_go_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go_link", "open_source") and self.record is None:
            return None
        if action == "back":
            return self.can_go_back()  # hidden when there is nothing to go back to
        if action == "forward":
            return self.history.can_go_forward()
        return True

    async def action_go_link(self) -> None:
        from casework.tui.screens.link_picker import LinkPicker

        if isinstance(self.focused, Input):
            raise SkipAction()  # a "g" typed in the search box is text
        await self._visited()
        if self.record is None or not self.record.links:
            self.notify("This record has no links.", timeout=2)
            return

        def chosen(entity_id: int | None) -> None:
            if entity_id is not None:
                self.visit("entity", entity_id)

        self.app.push_screen(LinkPicker(self.record), chosen)

    async def action_open_source(self) -> None:
        from casework.tui.screens.document import DocumentScreen

        await self._visited()
        if self.record is None or not self.record.passages:
            self.notify("No passage to open.", timeout=2)
            return
        passages = self.query_one("#passages", CaseList)
        index = passages.highlighted or 0
        card = self.record.passages[min(index, len(self.record.passages) - 1)]
        entity_id = self.record.id if self.record.kind == "entity" else None

        def opened(passage_id: int | None) -> None:
            if passage_id is not None:
                self.visit("passage", passage_id)

        self.app.push_screen(
            DocumentScreen(card.source_id, card.passage_id, entity_id=entity_id), opened
        )
