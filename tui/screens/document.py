"""A whole source document, scrolled to a passage, with mentions to step through.

`n` / `N` move to the next / previous mention (of the entity we came from, or
of every entity when opened from a passage); the current one is underlined as
well as reversed and its passage marked with ▶, so it shows without colour.
"""

from __future__ import annotations

import bisect
import sqlite3
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from casework.db import queries
from casework.db.models import PassageEntity, PassageRow, SourceSummary
from casework.tui.text import CURRENT, MENTION, fit, highlight, join, plain, styled
from casework.tui.widgets.fitted import Fitted
from casework.tui.widgets.lists import CaseList


@dataclass(slots=True)
class DocumentData:
    source: SourceSummary
    passages: list[PassageRow]
    mentions: list[PassageEntity]  # the ones n/N step through, in order


def load_document(conn: sqlite3.Connection, source_id: int, entity_id: int | None) -> DocumentData:
    source = queries.get_source(conn, source_id)
    passages = queries.source_passages(conn, source_id)
    mentions = queries.source_mentions(conn, source_id)
    if entity_id is not None:
        mentions = [m for m in mentions if m.entity_id == entity_id]
    return DocumentData(source, passages, mentions)


class DocumentScreen(Screen[int | None]):
    BINDING_GROUP_TITLE = "Document"
    AUTO_FOCUS = "#document"
    BINDINGS = [
        Binding("n", "step(1)", "Next mention", id="casework.doc.next"),
        Binding(
            "N,shift+n", "step(-1)", "Previous mention", key_display="N", id="casework.doc.previous"
        ),
        Binding(
            "escape,alt+left,backspace", "close", "Back", key_display="esc", id="casework.doc.close"
        ),
    ]

    def __init__(self, source_id: int, passage_id: int, *, entity_id: int | None = None) -> None:
        super().__init__()
        self.source_id = source_id
        self.passage_id = passage_id
        self.entity_id = entity_id
        self.data: DocumentData | None = None
        self.current = 0
        self._starts: list[int] = []

    def compose(self) -> ComposeResult:
        yield Fitted(Content("Loading document…"), id="doc-header")
        yield CaseList(id="document")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="document", exit_on_error=False)
    async def load(self) -> None:
        reader = self.app.reader  # type: ignore[attr-defined]
        data = await reader.run(load_document, self.source_id, self.entity_id)
        self.data = data
        self._starts = [p.start for p in data.passages]
        target = next((p for p in data.passages if p.id == self.passage_id), None)
        if target is not None:
            self.current = next(
                (i for i, m in enumerate(data.mentions) if m.start >= target.start), 0
            )
        listing = self.query_one("#document", CaseList)
        listing.set_options(
            Option(self._prompt(i), id=f"p:{p.id}") for i, p in enumerate(data.passages)
        )
        listing.border_title = f"{len(data.passages)} passages"
        index = next((i for i, p in enumerate(data.passages) if p.id == self.passage_id), 0)
        if data.passages:
            listing.highlighted = index
            listing.scroll_to_highlight(top=True)
        self._update_header()

    def _passage_of(self, mention: PassageEntity) -> int:
        return max(0, bisect.bisect_right(self._starts, mention.start) - 1)

    def _prompt(self, index: int) -> Content:
        assert self.data is not None
        p = self.data.passages[index]
        spans = []
        current = self.data.mentions[self.current] if self.data.mentions else None
        for m in self.data.mentions:
            if p.start <= m.start and m.end <= p.end:
                style = CURRENT if m is current else MENTION
                spans.append((m.start - p.start, m.end - p.start, style))
        marker = "▶ " if current is not None and self._passage_of(current) == index else "  "
        label = join([(marker, "bold"), (p.location, "dim")])
        return Content("\n").join([label, highlight(p.text, spans)])

    def _update_header(self) -> None:
        if self.data is not None:
            self.query_one("#doc-header", Fitted).show(self.header)

    def header(self, width: int | None = None, rows: int = 4) -> Content:
        """Title (and date), path, and the mention we are on: each one line of `width`."""
        assert self.data is not None
        s = self.data.source
        title = styled(s.title or s.path, "bold")
        if s.published:
            title = join([title, "  ", (s.published, "dim")])
        total = len(self.data.mentions)
        if total:
            m = self.data.mentions[self.current]
            where = join([(f"mention {self.current + 1} of {total}: ", "dim"), plain(m.text)])
            hints = [
                "  n next · N previous · enter open passage · esc back",
                "  n/N next/previous · enter open · esc back",
                "  n/N · enter open · esc back",
            ]
        else:
            where = Content.styled("no mentions to step through", "dim")
            hints = [" · esc back"]
        if width is None:
            where = where + Content.styled(hints[0], "dim")
            return Content("\n").join([title, plain(s.path), where])
        for hint in hints:  # the keys when they fit beside the mention; the footer has them too
            if where.cell_length + len(hint) <= width:
                where = where + Content.styled(hint, "dim")
                break
        return Content("\n").join(fit(line, width) for line in (title, plain(s.path), where))

    def action_step(self, delta: int) -> None:
        if self.data is None or not self.data.mentions:
            return
        old = self._passage_of(self.data.mentions[self.current])
        self.current = (self.current + delta) % len(self.data.mentions)
        new = self._passage_of(self.data.mentions[self.current])
        listing = self.query_one("#document", CaseList)
        for index in {old, new}:
            listing.replace_option_prompt_at_index(index, self._prompt(index))
        listing.highlighted = new
        self._update_header()

    @on(OptionList.OptionSelected, "#document")
    def _open_passage(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.data is not None:
            self.dismiss(self.data.passages[event.option_index].id)

    def action_close(self) -> None:
        self.dismiss(None)
