"""Snapshots of the main screens at 80x24 and 120x40 (pytest --snapshot-update to accept).

They depend on the demo case's extraction: a change to the extractor that
changes what the demo shows changes these pictures, on purpose.
"""

from __future__ import annotations

from tui_helpers import make_app, open_entity, settle


def run(*steps):
    async def before(pilot) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)

    return before


async def open_pierre(pilot) -> None:
    await open_entity(pilot, "pierre mari", "Pierre-Marie H.")


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)


class TestExplorer:
    def test_start_80x24(self, snap_compare, demo_db) -> None:
        assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=run())

    def test_entity_80x24(self, snap_compare, demo_db) -> None:
        assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=run(open_pierre))

    def test_entity_120x40(self, snap_compare, demo_db) -> None:
        assert snap_compare(make_app(demo_db), terminal_size=(120, 40), run_before=run(open_pierre))


class TestDialogs:
    def test_document_80x24(self, snap_compare, demo_db) -> None:
        assert snap_compare(
            make_app(demo_db),
            terminal_size=(80, 24),
            run_before=run(open_pierre, lambda p: press(p, "o"), lambda p: press(p, "n")),
        )

    def test_link_picker_80x24(self, snap_compare, demo_db) -> None:
        assert snap_compare(
            make_app(demo_db),
            terminal_size=(80, 24),
            run_before=run(open_pierre, lambda p: press(p, "g", "h")),
        )

    def test_help_80x24(self, snap_compare, demo_db) -> None:
        async def to_results(pilot) -> None:
            pilot.app.screen.query_one("#results").focus()

        assert snap_compare(
            make_app(demo_db),
            terminal_size=(80, 24),
            run_before=run(to_results, lambda p: press(p, "question_mark")),
        )
