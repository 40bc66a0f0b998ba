"""Shared helpers for the Pilot tests: build the app, wait for its workers, read widgets."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from casework.tui.app import CaseworkApp
from casework.tui.widgets.lists import CaseList


def make_app(path: Path) -> CaseworkApp:
    app = CaseworkApp(path, cursor_blink=False)
    app.theme = "textual-dark"
    return app


async def settle(pilot: Pilot) -> None:
    """Wait until every query the last keys started has been applied."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def options(app: CaseworkApp, selector: str) -> list[str]:
    listing = app.screen.query_one(selector, CaseList)
    return [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]


def header(app: CaseworkApp, selector: str = "#record-header") -> str:
    return app.screen.query_one(selector, Static).content.plain


async def search(pilot: Pilot, text: str) -> None:
    """Type into the search box, pressing / first when focus is elsewhere, as a person would."""
    box = pilot.app.screen.query_one("#search")
    if pilot.app.focused is not box:
        await pilot.press("slash")
        assert pilot.app.focused is box
        await pilot.press("ctrl+a", "ctrl+k")  # / focuses; then clear what was there
    await pilot.press(*text)
    await settle(pilot)


async def open_entity(pilot: Pilot, text: str, name: str) -> None:
    """Search, highlight the result whose first line starts with `name`, and enter."""
    await search(pilot, text)
    results = pilot.app.screen.query_one("#results", CaseList)
    for i in range(results.option_count):
        if results.get_option_at_index(i).prompt.plain.startswith(name):
            results.highlighted = i
            break
    else:
        raise AssertionError(
            f"{name!r} not in results for {text!r}: {options(pilot.app, '#results')}"
        )
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def screen_lines(app: CaseworkApp) -> list[str]:
    """The active screen as drawn, one string a row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_keys(app: CaseworkApp) -> list[tuple[str, str]]:
    """(key, description) of each key the active screen's footer shows."""
    from textual.widgets._footer import FooterKey

    return [(k.key_display, k.description) for k in app.screen.query(FooterKey)]
