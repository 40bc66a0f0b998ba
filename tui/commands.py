"""Command palette (ctrl+p): open an entity by name, go to a source, filter, theme.

Entity and source lookups go through the case reader's search lane, never on
the event loop. Prompts are Content built from sanitised text, never markup.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from casework.db import queries
from casework.tui.text import KIND_LABELS, join, plain

if TYPE_CHECKING:
    from casework.tui.app import CaseworkApp

FILTERS = ("person", "organization", "place", "date", "money", "passage")


class CaseCommands(Provider):
    @property
    def case(self) -> CaseworkApp:
        return self.app  # type: ignore[return-value]

    def _fixed(self) -> list[tuple[str, object, str]]:
        commands: list[tuple[str, object, str]] = [
            (
                f"Filter results: {KIND_LABELS[k] if k != 'passage' else 'passages'} only",
                partial(self.case.filter_results, k),
                "Show only this kind in the results",
            )
            for k in FILTERS
        ]
        commands.append(
            (
                "Filter results: everything",
                partial(self.case.filter_results, None),
                "Show every kind in the results",
            )
        )
        commands.append(
            (
                "Toggle theme (dark / light)",
                self.case.toggle_theme,
                "Switch between the dark and light themes",
            )
        )
        commands.append(("Keys: show every key", self.case.action_help, "Open the key help"))
        return commands

    async def discover(self) -> Hits:
        for text, command, help_text in self._fixed():
            yield DiscoveryHit(text, command, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._fixed():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, text, command, help=help_text)  # type: ignore[arg-type]
        if len(query.strip()) < 2:
            return
        reader = self.case.reader
        hits = await reader.run(queries.search, query, limit=8, lane="search")
        for h in hits:
            if h.type != "entity":
                continue
            prompt = join(
                [
                    ("Open entity: ", "dim"),
                    plain(h.name),
                    (f"  {KIND_LABELS.get(h.kind, h.kind)}", "italic"),
                ]
            )
            yield Hit(
                min(h.score / 100, 1.0),
                prompt,
                partial(self.case.open_record, "entity", h.id),
                text=f"entity {h.id}",
            )
        sources = await reader.run(queries.list_sources, lane="search")
        for s in sources:
            if s.status != "ok":
                continue
            title = s.title or s.path
            score = matcher.match(title)
            if score > 0:
                prompt = join([("Go to source: ", "dim"), plain(title)])
                yield Hit(
                    score, prompt, partial(self.case.open_source, s.id), text=f"source {s.id}"
                )
