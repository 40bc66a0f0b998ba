"""The command palette, and hostile document text shown literally in the explorer."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import header, make_app, options, search, settle

from casework.db.connection import open_case
from casework.importers.pipeline import import_paths
from casework.tui.screens.document import DocumentScreen


async def test_palette_opens_an_entity_by_name(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"mcallum")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert header(pilot.app).startswith("Fiona McCallum  person")


async def test_palette_filters_by_kind_and_goes_to_a_source(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"filter results: place")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        rows = options(pilot.app, "#results")
        assert rows and all("  place" in r for r in rows)
        await pilot.press("ctrl+p")
        await pilot.press(*"witness hearing")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert "witness" in header(pilot.app, "#doc-header").lower()


HOSTILE = (
    "Report \x1b]0;HACKED\x07 on [@click=app.quit]Acme Corp[/] and [b]x[/b]\n\n"
    "Henri M.\x1b[2J met \u202eWang Lei\u202c in Paris. \x9b31m \x00 [link=file:///etc/passwd]z[/]\n"
)


async def test_hostile_text_is_shown_literally_with_escapes_visible(
    tmp_path: Path, spy_extractor
) -> None:
    (tmp_path / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    case = tmp_path / "evil.db"
    conn = open_case(case, create=True)
    import_paths(conn, [tmp_path / "evil.txt"], extractor=spy_extractor)
    conn.close()
    async with make_app(case).run_test() as pilot:
        await search(pilot, "henri")
        shown = options(pilot.app, "#results")
        passages = [r for r in shown if r.startswith("¶")]
        assert passages
        await pilot.press("enter")
        await settle(pilot)
        record_text = "\n".join(options(pilot.app, "#passages"))
        everything = "\n".join(shown) + record_text + header(pilot.app)
        for raw in ("\x1b", "\x9b", "\x00", "\u202e", "\x07"):
            assert raw not in everything
        assert "␛[2J" in record_text and "<U+202E>" in record_text
        await pilot.press("o")
        await settle(pilot)
        doc = "\n".join(options(pilot.app, "#document"))
        assert "[@click=app.quit]Acme Corp[/]" in doc  # markup shown, not run
        assert "[link=file:///etc/passwd]z[/]" in doc
        assert "␛]0;HACKED" in doc
        assert pilot.app.is_running
