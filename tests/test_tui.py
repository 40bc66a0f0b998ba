"""The explorer's journeys on the demo case, asserting on what the analyst sees."""

from __future__ import annotations

import asyncio
import time

from tui_helpers import (
    footer_keys,
    header,
    make_app,
    open_entity,
    options,
    screen_lines,
    search,
    settle,
)

from casework.db import queries
from casework.db.connection import open_case
from casework.tui.records import RecordData
from casework.tui.screens.document import DocumentScreen
from casework.tui.screens.explorer import ExplorerScreen
from casework.tui.screens.help import HelpScreen
from casework.tui.widgets.lists import CaseList


async def test_first_screen_lists_the_most_mentioned_entities(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        assert pilot.app.focused.id == "search"
        rows = options(pilot.app, "#results")
        assert len(rows) >= 10
        assert rows[0].startswith("Henri M.")


async def test_a_misspelt_name_opens_the_right_person(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await search(pilot, "mcalum")
        assert options(pilot.app, "#results")[0].startswith("Fiona McCallum")
        await pilot.press("enter")
        await settle(pilot)
        text = header(pilot.app)
        assert text.startswith("Fiona McCallum  person")
        assert "aka" in text and "McCallum" in text
        assert pilot.app.focused.id == "passages"
        assert all("McCallum" in p for p in options(pilot.app, "#passages"))


async def test_word_order_and_missing_letters_still_find_people(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await search(pilot, "younger alex")
        assert options(pilot.app, "#results")[0].startswith("Alexandra Younger")
        await pilot.press(*["backspace"] * 12)
        await search(pilot, "pierre mari")
        assert options(pilot.app, "#results")[0].startswith("Pierre-Marie H.")


async def test_entity_shows_aliases_links_and_passages_from_every_source(demo_db) -> None:
    conn = open_case(demo_db, readonly=True)
    async with make_app(demo_db).run_test(size=(120, 40)) as pilot:
        await open_entity(pilot, "pierre marie", "Pierre-Marie H.")
        text = header(pilot.app)
        for alias in ("Pierre-Mar H", "Pierre Marie H."):
            assert alias in text
        eid = pilot.app.explorer.record.id
        detail = queries.get_entity(conn, eid)
        shown_sources = {c.source_title for c in pilot.app.explorer.record.passages}
        assert shown_sources == {s.title for s in detail.sources}
        assert len(shown_sources) >= 5
        passages_title = pilot.app.screen.query_one("#passages").border_title
        assert f"in {len(shown_sources)} sources" in str(passages_title)
        links = options(pilot.app, "#links")
        assert any(row.startswith("Henri M.") for row in links)


async def test_g_jumps_to_a_linked_place_and_back_restores_the_selection(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "henri m", "Henri M.")
        links = pilot.app.screen.query_one("#links", CaseList)
        links.focus()
        await pilot.press("down", "down", "down")
        assert links.highlighted == 3
        await pilot.press("g")
        await settle(pilot)
        await pilot.press(*"brazzav")
        await settle(pilot)
        assert options(pilot.app, "#picker-list")[0].startswith("Brazzaville")
        await pilot.press("enter")
        await settle(pilot)
        assert header(pilot.app).startswith("Brazzaville  place")
        await pilot.press("alt+left")
        await settle(pilot)
        assert header(pilot.app).startswith("Henri M.  person")
        assert pilot.app.focused.id == "links"
        assert pilot.app.screen.query_one("#links", CaseList).highlighted == 3
        await pilot.press("alt+right")
        await settle(pilot)
        assert header(pilot.app).startswith("Brazzaville  place")


async def test_backspace_outside_the_search_box_goes_back(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "mcalum", "Fiona McCallum")
        await pilot.press("tab", "shift+tab")  # stay in the panes
        links = pilot.app.screen.query_one("#links", CaseList)
        links.focus()
        await pilot.press("enter")
        await settle(pilot)
        first = header(pilot.app)
        assert not first.startswith("Fiona McCallum")
        await pilot.press("backspace")
        await settle(pilot)
        assert header(pilot.app).startswith("Fiona McCallum")


async def test_open_the_source_and_step_through_mentions(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "mcalum", "Fiona McCallum")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        doc_header = header(pilot.app, "#doc-header")
        assert "mention 1 of" in doc_header
        total = int(doc_header.split("mention 1 of ")[1].split(":")[0])
        assert total >= 3
        await pilot.press("n")
        assert "mention 2 of" in header(pilot.app, "#doc-header")
        await pilot.press("N", "N")
        assert f"mention {total} of" in header(pilot.app, "#doc-header")
        listing = pilot.app.screen.query_one("#document", CaseList)
        marked = listing.get_option_at_index(listing.highlighted).prompt.plain
        assert marked.startswith("▶")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, DocumentScreen)
        assert header(pilot.app).startswith("Fiona McCallum")


async def test_a_passage_lists_its_entities_one_step_away(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "pierre-marie", "Pierre-Marie H.")
        await pilot.press("enter")  # focus is on the passages: open the first one
        await settle(pilot)
        assert pilot.app.explorer.record.kind == "passage"
        entities = options(pilot.app, "#links")
        assert any(e.startswith("Pierre-Marie H.") for e in entities)
        assert len(entities) >= 2
        other = next(i for i, e in enumerate(entities) if not e.startswith("Pierre-Marie H."))
        links = pilot.app.screen.query_one("#links", CaseList)
        links.highlighted = other
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.explorer.record.kind == "entity"
        assert header(pilot.app).startswith(entities[other].split("  ")[0])


async def test_help_lists_every_key(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        pilot.app.screen.query_one("#results").focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        text = pilot.app.screen.query_one("#help Static").content.plain
        for expected in ("alt+←", "Go to link", "Next mention", "^q", "ctrl+p", "j k", "/"):
            assert expected in text
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_q_types_in_the_search_box_but_quits_elsewhere(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await pilot.press("q")
        await settle(pilot)
        assert pilot.app.screen.query_one("#search").value == "q"
        assert pilot.app.is_running
        pilot.app.screen.query_one("#results").focus()
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_ctrl_q_quits_from_the_search_box(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_only_the_newest_keystrokes_results_are_shown(demo_db, monkeypatch) -> None:
    applied: list[str] = []
    real = queries.search

    def slow_search(conn, text, **kw):
        time.sleep(0.05 if text.strip() == "h" else 0.0)
        applied.append(text)
        return real(conn, text, **kw)

    monkeypatch.setattr(queries, "search", slow_search)
    async with make_app(demo_db).run_test() as pilot:
        await pilot.press(*"henri")
        await settle(pilot)
        assert pilot.app.screen.query_one("#results").border_title.endswith(
            f"{len(options(pilot.app, '#results'))}"
        )
        assert options(pilot.app, "#results")[0].startswith("Henri M.")
        assert applied[-1] == "henri"


async def test_keys_move_the_selection_while_a_query_runs(demo_db, monkeypatch) -> None:
    real = queries.search

    def slow_search(conn, text, **kw):
        time.sleep(2.0)
        return real(conn, text, **kw)

    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        monkeypatch.setattr(queries, "search", slow_search)
        await pilot.press("x")  # starts a slow query
        await asyncio.sleep(0.1)
        results = pilot.app.screen.query_one("#results", CaseList)
        before = results.highlighted
        started = time.perf_counter()
        await pilot.press("down", "down")
        assert results.highlighted == before + 2
        assert time.perf_counter() - started < 1.5  # the UI did not wait for the query (2 s)
        await settle(pilot)


async def test_narrow_terminals_stack_the_panes_and_wide_ones_use_columns(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.has_class("-narrow")
        record = pilot.app.screen.query_one("#record")
        passages = pilot.app.screen.query_one("#passages")
        assert passages.region.y > record.region.y  # below
        await pilot.resize_terminal(130, 40)
        await settle(pilot)
        assert pilot.app.screen.has_class("-wide")
        assert passages.region.x > record.region.x  # beside


async def test_palette_filters_results_by_kind(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        pilot.app.filter_results("place")
        await settle(pilot)
        rows = options(pilot.app, "#results")
        assert rows and all("  place" in r for r in rows)
        assert str(pilot.app.screen.query_one("#results").border_title).startswith("Places")


def burst(pilot, *keys: tuple[str, str]) -> None:
    """Keys that reach the app in one read, as a fast typist's or a paste over SSH do."""
    from textual import events

    for key, char in keys:
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)


async def test_keys_typed_right_after_slash_go_to_the_search_box(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "mcalum", "Fiona McCallum")
        assert pilot.app.focused.id == "passages"
        # q, o and g are explorer keys outside the box: none of them may act here
        burst(pilot, ("slash", "/"), *[(c, c) for c in "queen go"])
        await settle(pilot)
        assert pilot.app.is_running
        assert not isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.screen.query_one("#search").value == "queen go"
        await pilot.press("end", "slash", "1")  # in the box, / is text (dates: 10/07)
        assert pilot.app.screen.query_one("#search").value == "queen go/1"


async def test_keys_typed_right_after_enter_in_the_search_box_reach_the_record(demo_db) -> None:
    from casework.tui.screens.link_picker import LinkPicker

    async with make_app(demo_db).run_test() as pilot:
        await search(pilot, "mcalum")
        burst(pilot, ("enter", "\r"), ("g", "g"), *[(c, c) for c in "claire"])
        await settle(pilot)
        assert isinstance(pilot.app.screen, LinkPicker)
        assert pilot.app.screen.query_one("#picker-input").value == "claire"
        assert pilot.app.explorer.query_one("#search").value == "mcalum"
        assert options(pilot.app, "#picker-list")[0].startswith("Claire Vasseur")


async def test_highlighting_a_result_previews_it_without_a_history_step(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert header(pilot.app).startswith("Henri M.  person")  # the first result
        await pilot.press("down")
        await pilot.pause(0.3)
        await settle(pilot)
        assert header(pilot.app).startswith(options(pilot.app, "#results")[1].split("  ")[0])
        assert len(pilot.app.explorer.history) == 0
        await open_entity(pilot, "mcalum", "Fiona McCallum")
        await search(pilot, "younger alex")
        await pilot.pause(0.3)
        await settle(pilot)
        assert header(pilot.app).startswith("Alexandra Younger")  # previewed, not visited
        await pilot.press("alt+left")  # back to the record we were on, not the one before it
        await settle(pilot)
        assert header(pilot.app).startswith("Fiona McCallum")


async def test_back_restores_the_selection_after_leaving_through_the_search_box(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        assert pilot.app.focused.id == "passages"
        await pilot.press("down", "down", "down")
        await search(pilot, "brazzav")  # / then type: a preview replaces the panes
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert header(pilot.app).startswith("Brazzaville  place")
        await pilot.press("alt+left")
        await settle(pilot)
        assert header(pilot.app).startswith("Pierre-Marie H.  person")
        assert pilot.app.focused.id == "passages"
        assert pilot.app.screen.query_one("#passages", CaseList).highlighted == 3


async def test_keys_typed_right_after_g_filter_the_link_picker(demo_db) -> None:
    from casework.tui.screens.link_picker import LinkPicker

    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "henri m", "Henri M.")
        # o would open the source, q quit, if they reached the explorer's panes
        burst(pilot, ("g", "g"), *[(c, c) for c in "brazzo"])
        await settle(pilot)
        assert isinstance(pilot.app.screen, LinkPicker)
        assert pilot.app.screen.query_one("#picker-input").value == "brazzo"
        assert options(pilot.app, "#picker-list")[0].startswith("Brazzaville")
        await pilot.press("escape")
        await search(pilot, "")
        await pilot.press("g")  # in the search box, g is text
        assert isinstance(pilot.app.screen, ExplorerScreen)
        assert pilot.app.screen.query_one("#search").value == "g"


async def test_j_and_k_still_move_in_the_link_picker_list(demo_db) -> None:
    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "henri m", "Henri M.")
        await pilot.press("g")
        await settle(pilot)
        listing = pilot.app.screen.query_one("#picker-list", CaseList)
        listing.focus()
        await pilot.press("j", "j")
        assert listing.highlighted == 2
        assert pilot.app.screen.query_one("#picker-input").value == ""


# -- fitting 80x24 and 120x40 --------------------------------------------------------


def prompt_lines(app, selector: str) -> list[list[str]]:
    """Each option of a list as the lines it is drawn on (wrapped at the list's width)."""
    listing = app.screen.query_one(selector, CaseList)
    width = listing.scrollable_content_region.width
    return [
        [line.plain for line in listing.get_option_at_index(i).prompt.wrap(width)]
        for i in range(listing.option_count)
    ]


async def test_pane_titles_keep_their_counts_at_80x24(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "╭─ Results: top 50 ─" in screen_lines(pilot.app)[1]
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        count = pilot.app.screen.query_one("#results", CaseList).option_count
        drawn = "\n".join(screen_lines(pilot.app))
        assert f"╭─ Results {count} ─" in drawn
        record = pilot.app.explorer.record
        sources = len({c.source_id for c in record.passages})
        assert f"─ Links ({len(record.links)}) ─" in drawn
        assert f"━ Passages ({len(record.passages)} in {sources} sources) ━" in drawn
        await search(pilot, "paris")
        pilot.app.filter_results("place")
        await settle(pilot)
        places = pilot.app.screen.query_one("#results", CaseList).option_count
        assert places >= 1 and f"╭─ Places {places} ─" in screen_lines(pilot.app)[1]


async def test_entity_header_fits_and_says_how_many_more_at_80x24(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        detail = queries.get_entity(open_case(demo_db, readonly=True), pilot.app.explorer.record.id)
        aliases = [a for a in detail.aliases if a.alias != detail.name]
        assert len(detail.sources) >= 6 and len(aliases) >= 3  # more than 5 lines hold
        box = pilot.app.screen.query_one("#record-header")
        lines = header(pilot.app).split("\n")
        assert len(lines) <= box.rows == 5  # nothing is cut off by the pane
        assert all(len(line) <= box.size.width for line in lines)
        assert lines[0] == f"Pierre-Marie H.  person  {detail.mention_count} mentions"
        listed = [line for line in lines if "×" in line]
        assert listed[0].startswith(f"in {len(detail.sources)} sources: ")
        shown = sum(line.count(" ×") for line in listed)
        assert 0 < shown < len(detail.sources)
        assert listed[-1].endswith(f"+{len(detail.sources) - shown} more")
        aka = [line for line in lines if "×" not in line][1:]
        named = sum(line.count(" (") for line in aka)  # "alias (rule)"
        assert aka[0].startswith("aka ") and named > 0
        if named < len(aliases):
            assert aka[-1].endswith(f"+{len(aliases) - named} more")
        drawn = "\n".join(screen_lines(pilot.app))
        assert all(line.strip() in drawn for line in lines)
    async with make_app(demo_db).run_test(size=(120, 40)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        text = header(pilot.app)
        assert "more" not in text  # room for every alias and source
        assert text.count(" ×") == len(detail.sources)
        assert all(a.alias in text for a in aliases)


async def test_results_are_one_line_a_name_and_three_a_passage_at_80x24(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tops = prompt_lines(pilot.app, "#results")
        top = queries.list_entities(open_case(demo_db, readonly=True), limit=1)[0]
        assert tops[0] == [tops[0][0]] and tops[0][0].startswith(f"{top.name}  ")
        assert tops[0][0].endswith(f" {top.mentions}")
        assert sum(len(rows) == 1 for rows in tops) >= 45  # one line each when it fits
        for rows in tops:  # else the kind and count on a second line, the name whole
            assert len(rows) == 1 or rows[1].split()[0] in ("person", "org", "place")
        await search(pilot, "pierre mari")
        hits = prompt_lines(pilot.app, "#results")
        assert len(hits[0]) == 1 and hits[0][0].startswith("Pierre-Marie H.")
        assert "person" in hits[0][0] and hits[0][0][-1].isdigit()
        passages = [rows for rows in hits if rows[0].startswith("¶")]
        assert len(passages) >= 10
        for rows in passages:
            assert len(rows) <= 3  # two lines of snippet, then source and location
            assert rows[-1].startswith("  ") and "¶" in rows[-1]
        assert any(rows[1].endswith("…") for rows in passages)
        await pilot.press("ctrl+a", "ctrl+k")
        await search(pilot, "retires")
        assert options(pilot.app, "#results")[0].startswith("¶ 2004 · Henri M retires\n")


async def test_wide_screens_give_the_record_room_for_links_on_one_line(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(120, 40)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        links = pilot.app.screen.query_one("#links", CaseList)
        results = pilot.app.screen.query_one("#results", CaseList)
        assert links.size.width >= 40 > results.size.width
        rows = prompt_lines(pilot.app, "#links")
        assert rows[0][0].startswith("Henri M.  person · ") and rows[0][0].endswith(" passages")
        assert all(len(r) == 1 for r in rows)  # typed ones too, shortened if need be
        await open_entity(pilot, "claire vass", "Claire Vasseur")
        rows = prompt_lines(pilot.app, "#links")
        assert all(len(r) == 1 for r in rows)
        assert any(r[0].startswith("Fiona McCallum") and "· received from · " in r[0] for r in rows)


async def test_keys_typed_right_after_enter_on_a_previewed_result_reach_the_panes(
    demo_db, monkeypatch
) -> None:
    from casework.tui.screens import explorer

    real = explorer.load_entity_record

    def slow_load(conn, entity_id):
        time.sleep(0.5)
        return real(conn, entity_id)

    async with make_app(demo_db).run_test() as pilot:
        await search(pilot, "mcalum")
        await pilot.pause(0.3)
        await settle(pilot)
        assert header(pilot.app).startswith("Fiona McCallum")  # the preview
        monkeypatch.setattr(explorer, "load_entity_record", slow_load)  # a reload would be slow
        await pilot.press("enter", "o")  # no wait: the preview is the record, at once
        assert pilot.app.focused is not None and pilot.app.focused.id in ("passages", "document")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.explorer.query_one("#search").value == "mcalum"


async def test_keys_typed_while_a_record_opens_act_on_that_record(demo_db, monkeypatch) -> None:
    from casework.tui.screens import explorer

    real = explorer.load_entity_record

    def slow_load(conn, entity_id):
        time.sleep(0.5)
        return real(conn, entity_id)

    async with make_app(demo_db).run_test() as pilot:
        await open_entity(pilot, "mcalum", "Fiona McCallum")
        fiona = pilot.app.explorer.record.id
        links = pilot.app.screen.query_one("#links", CaseList)
        links.focus()
        await settle(pilot)
        target = links.highlighted_ref
        assert target is not None and target[1] != fiona
        monkeypatch.setattr(explorer, "load_entity_record", slow_load)
        await pilot.press("enter", "enter", "o")  # open the link; the 2nd enter is too early
        assert pilot.app.focused.id in ("passages", "document")  # not the links or the box
        await settle(pilot)
        assert isinstance(pilot.app.screen, DocumentScreen)
        assert pilot.app.screen.entity_id == target[1]  # the new record's source, not Fiona's
        assert pilot.app.explorer.history.current.id == target[1]


async def test_back_shows_in_the_footer_only_when_there_is_somewhere_to_go(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Back" not in dict(footer_keys(pilot.app)).values()  # nothing to go back to
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        assert "Back" not in dict(footer_keys(pilot.app)).values()  # the first visit
        await pilot.press("enter")  # open the first passage: a step in history
        await settle(pilot)
        assert ("alt+←", "Back") in footer_keys(pilot.app)
        await pilot.press("alt+left")
        await settle(pilot)
        assert "Back" not in dict(footer_keys(pilot.app)).values()
        assert header(pilot.app).startswith("Pierre-Marie H.")


async def test_a_search_without_hits_says_so(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await search(pilot, "queen")
        assert options(pilot.app, "#results") == ["No match for “queen”"]
        assert pilot.app.screen.query_one("#results").border_title == "Results 0"
        shown = pilot.app.explorer.record
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pilot.app.explorer.record is shown  # the note is not a record to open
        assert len(pilot.app.explorer.history) == 0
        await pilot.press("ctrl+a", "ctrl+k", *"[b]x\\")
        await settle(pilot)
        assert options(pilot.app, "#results") == ["No match for “[b]x\\”"]  # literally


async def test_a_slow_search_says_searching(demo_db, monkeypatch) -> None:
    real = queries.search

    def slow_search(conn, text, **kw):
        time.sleep(0.6)  # as the first query of a big case, which builds the name index
        return real(conn, text, **kw)

    async with make_app(demo_db).run_test() as pilot:
        await settle(pilot)
        monkeypatch.setattr(queries, "search", slow_search)
        await pilot.press(*"henri")
        await pilot.pause(0.4)
        results = pilot.app.screen.query_one("#results")
        assert results.border_title == "Results: searching…"
        await settle(pilot)
        assert results.border_title == f"Results {len(options(pilot.app, '#results'))}"


async def test_the_link_picker_puts_the_whole_name_first(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        await pilot.press("g", *"paris")
        await settle(pilot)
        found = options(pilot.app, "#picker-list")
        assert found[0].startswith("Paris  place")
        assert {"Paris Criminal Court", "Embassy of China in Paris"} <= {
            row.split("  ")[0] for row in found[1:]
        }


async def test_the_link_picker_of_a_hub_shows_the_best_rows_only(demo_db) -> None:
    from textual.content import Content

    from casework.tui.screens.link_picker import SHOWN, LinkPicker

    names = [f"Person {i:05d} of Paris" if i % 7 else f"Company {i} Ltd" for i in range(9870)]
    hub = RecordData(
        kind="entity",
        id=1,
        title="Hub",
        header=Content("Hub"),
        links=[(f"e:{i + 2}:{i}", Content(n), n) for i, n in enumerate(names)],
    )
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        picked: list[int | None] = []
        pilot.app.push_screen(LinkPicker(hub), picked.append)
        await settle(pilot)
        listing = pilot.app.screen.query_one("#picker-list", CaseList)
        assert listing.option_count == SHOWN + 1
        assert options(pilot.app, "#picker-list")[-1] == f"… {9870 - SHOWN:,} more: type to narrow"
        started = time.perf_counter()
        await pilot.press(*"compa")
        await settle(pilot)
        assert time.perf_counter() - started < 2.0
        companies = sum(n.startswith("Company") for n in names)
        assert listing.border_title == f"{companies} of 9870"
        assert options(pilot.app, "#picker-list")[0] == "Company 0 Ltd"
        listing.focus()
        await pilot.press("end")  # the "more" note after the last row is never highlighted
        assert listing.highlighted == SHOWN - 1
        last = listing.highlighted_ref
        await pilot.press("enter")
        await settle(pilot)
        assert last is not None and picked == [last[1]]


async def test_passage_headers_and_incoming_links_read_naturally_at_80x24(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        await pilot.press("enter")  # the first passage
        await settle(pilot)
        record = pilot.app.explorer.record
        location = record.passages[0].location
        tail = f"{location} · {len(record.links)} entities"
        assert header(pilot.app).split("\n")[-1].endswith(tail)  # together on one line
        await open_entity(pilot, "claire vass", "Claire Vasseur")
        links = options(pilot.app, "#links")
        assert any(row.startswith("Fiona McCallum  person · wrote to · ") for row in links)
        assert any(row.startswith("Fiona McCallum  person · received from · ") for row in links)
        assert not any("(of)" in row for row in links)
        await open_entity(pilot, "lyon", "Lyon")
        links = options(pilot.app, "#links")
        assert any(row.startswith("Henri M.  person · born here · ") for row in links)


async def test_dialogs_show_their_own_keys_in_the_footer(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        await pilot.press("g")
        await settle(pilot)
        assert footer_keys(pilot.app) == [("⏎", "Go to"), ("esc", "Close")]
        assert screen_lines(pilot.app)[-1].startswith("⏎ Go to esc Close")
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert footer_keys(pilot.app) == [("esc", "Close help")]
        assert screen_lines(pilot.app)[-1].startswith("esc Close help")


async def test_the_document_header_and_the_help_fit_at_80x24(demo_db) -> None:
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await open_entity(pilot, "pierre mari", "Pierre-Marie H.")
        await pilot.press("o")
        await settle(pilot)
        doc = header(pilot.app, "#doc-header").split("\n")
        assert len(doc) == 3 and all(len(line) <= 78 for line in doc)
        assert doc[2].startswith("mention 1 of") and doc[2].endswith("esc back")
        await pilot.press("escape")
        await settle(pilot)
        pilot.app.screen.query_one("#links").focus()
        await pilot.press("question_mark")
        await settle(pilot)
        lines = pilot.app.screen.query_one("#help Static").content.plain.split("\n")
        at = next(i for i, line in enumerate(lines) if "(in the search box:" in line)
        assert lines[at + 1].startswith(" " * 24 + "move in the results")
