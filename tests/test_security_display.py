"""Display safety below the pty: every surface's Content, markup, notifications, the CLI.

The pty test (test_security_bytes.py) proves the whole path on the screens it
visits; these render every record of the hostile case through the same code
Textual uses to write a line (`Strip.render`), so a surface the pty session
does not reach is still covered.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile import C1, RAW_FORBIDDEN, build_hostile_case, write_hostile_folder
from pty_terminal import CSI, foreign_sequences
from rich.console import Console
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Static
from textual.widgets._toast import Toast
from tui_helpers import make_app, options, search, settle

from casework.db import queries
from casework.db.connection import open_case
from casework.tui import crash
from casework.tui.cli import main
from casework.tui.commands import CaseCommands
from casework.tui.records import (
    card_prompt,
    entity_record,
    link_prompt,
    load_entity,
    load_passage,
    passage_record,
)
from casework.tui.sanitize import controls_to_spaces, visible, visible_line
from casework.tui.screens.document import DocumentScreen, load_document
from casework.tui.screens.explorer import hit_prompt, summary_prompt
from casework.tui.screens.help import help_content
from casework.tui.text import block, highlight, join, plain, styled

# Everything `visible` must escape: C0 but TAB/LF, DEL, C1, every Bidi_Control,
# zero-width and invisible format characters, line/paragraph separators, tags.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MUST_ESCAPE = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list(BIDI_CONTROLS)
    + list("\u180e\u200b\u200c\u200d\u2028\u2029\u2060\u2061\u2062\u2063\u2064\ufeff")
    + [chr(c) for c in range(0x206A, 0x2070)]
    + [chr(c) for c in (0xFFF9, 0xFFFA, 0xFFFB, 0xE0001, 0xE0041, 0xE007F, 0xD800, 0xDCFF)]
)


def terminal_line(content: Content) -> str:
    """What Textual's driver writes for this content, line by line (Strip.render); widgets
    expand tabs first, so a TAB never reaches the terminal (checked in the pty too)."""
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    return "\n".join(
        Strip(line.expand_tabs().render_segments()).render(console) for line in content.split("\n")
    )


def assert_clean(written: str) -> None:
    assert foreign_sequences(written) == [], written
    for raw in RAW_FORBIDDEN:
        assert raw not in written
    assert not C1.search(written)
    text = CSI.sub("", written)  # Textual's own SGR sequences are the only ESC allowed
    assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n" for c in text)


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_case(tmp_path_factory.mktemp("hostile-display"))


# -- the sanitiser ---------------------------------------------------------------------


@pytest.mark.parametrize("char", MUST_ESCAPE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_and_bidi_character_is_escaped(char: str) -> None:
    for out in (visible(f"a{char}b"), visible_line(f"a{char}b")):
        assert char not in out
        assert out.startswith("a") and out.endswith("b") and len(out) > 2
    assert char not in controls_to_spaces(f"a{char}b")


def test_tab_and_newline_are_kept_in_blocks_and_shown_in_lines() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible_line("a\tb\nc") == "a→b↵c"


def test_printable_text_passes_unchanged() -> None:
    text = "Société Générale — 北京 «Ωμέγα» [b]x[/b] C:\\dir\\[a] \\ 🏴 Ali ecnI"
    assert visible(text) == text == visible_line(text)


def test_undecodable_file_name_bytes_show_as_the_byte() -> None:
    name = b"bad\xff\x1b.txt".decode("utf-8", "surrogateescape")
    assert visible_line(name) == "bad\\xff␛.txt"


# -- every surface's Content, rendered to terminal bytes ---------------------------------


def surfaces(conn: sqlite3.Connection) -> Iterator[tuple[str, Content]]:
    """Each piece of Content the TUI builds from case data, for every record in the case."""
    ids = [r[0] for r in conn.execute("SELECT id FROM entities")]
    for eid in ids:
        detail, cards = load_entity(conn, eid)
        record = entity_record(detail, cards)
        yield f"header e{eid}", record.header
        for _, prompt, _ in record.links:
            yield f"link e{eid}", prompt
        for link in detail.links:
            yield f"link_prompt e{eid}", link_prompt(link)
        for card in cards:
            yield f"card e{eid}", card_prompt(card)
            yield f"card full e{eid}", card_prompt(card, full=True)
    for e in queries.list_entities(conn, limit=500):
        yield f"summary {e.id}", summary_prompt(e)
    for pid in [r[0] for r in conn.execute("SELECT id FROM passages")]:
        record = passage_record(load_passage(conn, pid))
        yield f"passage {pid}", record.header
        for _, prompt, _ in record.links:
            yield f"passage link {pid}", prompt
    for q in ("acme", "boris", "nadia", "zed", "payload", "markup", "lorem", "pays", "bidi"):
        for hit in queries.search(conn, q):
            yield f"hit {q}", hit_prompt(hit)
    for source in queries.list_sources(conn):
        screen = DocumentScreen(source.id, 0)
        screen.data = load_document(conn, source.id, None)
        for i in range(len(screen.data.passages)):
            yield f"document {source.id}", screen._prompt(i)
    yield "help", help_content()


def test_every_surface_renders_documents_without_a_raw_control(hostile_case: Path) -> None:
    conn = open_case(hostile_case, readonly=True)
    everything = []
    for where, content in surfaces(conn):
        written = terminal_line(content)
        try:
            assert_clean(written)
        except AssertionError:
            raise AssertionError(f"raw control on {where}: {written[:200]!r}") from None
        everything.append(content.plain)
    shown = "\n".join(everything)
    for expected in (
        "Acme␛]0;pwned␇Corp",
        "Ali<U+202E>ecnI",
        "pays<U+202E>evil [/]",  # a relation from a link table
        "[bold]Bogus[/bold] Ltd",
        "[@click=app.quit]Q[/]",  # an alias
        "lorem␛[2Jipsum",
        "NULX␀Y",
        "DELX␡Y",
        "ISOX<U+2066>iso<U+2069>",
    ):
        assert expected in shown, expected


async def test_document_headers_show_file_names_escaped(hostile_case: Path) -> None:
    conn = open_case(hostile_case, readonly=True)
    headers = []
    async with make_app(hostile_case).run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        for source in queries.list_sources(conn):
            if source.path.isprintable():
                continue
            first = queries.source_passages(conn, source.id)[0].id
            await pilot.app.push_screen(DocumentScreen(source.id, first))
            await settle(pilot)
            header = pilot.app.screen.query_one("#doc-header", Static).content
            assert isinstance(header, Content)
            assert_clean(terminal_line(header))
            headers.append(header.plain)
            pilot.app.pop_screen()
            await settle(pilot)
    shown = "\n".join(headers)
    assert "evil␛]0;pwnedname␇.txt" in shown
    assert "invoice<U+202E>txt.exe.md" in shown


def test_markup_and_backslashes_survive_exactly() -> None:
    for text in ("x[/]y", "[/", "[bold]Boss", "Smith [aka] J.", "C:\\dir\\[a]", "\\", "[@click=x]"):
        assert plain(text).plain == text
        assert block(text).plain == text
        assert highlight(text, [(0, 1, "bold")]).plain == text
        assert styled(text, "bold").plain == text
        assert join([(text, "dim"), plain(text)]).plain == text * 2


async def test_clicking_hostile_markup_runs_no_action(hostile_case: Path, monkeypatch) -> None:
    """`[@click=app.quit]` in a passage and an alias: clicks select the row, never quit."""
    from casework.tui.app import CaseworkApp

    fired: list[str] = []
    monkeypatch.setattr(CaseworkApp, "action_quit", lambda self: fired.append("quit"))
    async with make_app(hostile_case).run_test(size=(120, 40)) as pilot:
        await search(pilot, "acme")
        rows = options(pilot.app, "#results")
        assert rows[1].startswith("¶ Markup [@click=app.quit]Acme Holdings[/]")
        for x in (11, 20):  # on "[@click=app.quit]Acme" in the second result
            await pilot.click("#results", offset=(x, 2))
        await search(pilot, "ali")
        await pilot.press("enter")
        await settle(pilot)
        header = pilot.app.screen.query_one("#record-header", Static).content.plain
        assert "[@click=app.quit]Q[/]" in header  # an alias
        for x in (8, 16, 24):
            await pilot.click("#record-header", offset=(x, 1))
        await settle(pilot)
        assert fired == [] and pilot.app.is_running


async def test_notifications_show_case_text_escaped(hostile_case: Path, monkeypatch) -> None:
    monkeypatch.setattr(queries, "quick_check", lambda conn: ["\x1b]0;pwned\x07 [b]page 3"])
    async with make_app(hostile_case).run_test(notifications=True) as pilot:
        await settle(pilot)
        notes = list(pilot.app._notifications)
        assert notes, "the damaged-case notification is missing"
        for note in notes:
            assert_clean(terminal_line(Content(note.message)))
            assert "␛]0;pwned␇ [b]page 3" in note.message
        # What the toast draws: its message must not be parsed as markup either.
        toasts = list(pilot.app.screen.query(Toast))
        assert toasts, "the damaged-case toast is not on screen"
        for toast in toasts:
            drawn = toast.render()
            assert_clean(terminal_line(drawn))
            assert "␛]0;pwned␇ [b]page 3" in drawn.plain


async def test_palette_prompts_are_content_from_escaped_names(hostile_case: Path) -> None:
    async with make_app(hostile_case).run_test() as pilot:
        await settle(pilot)
        provider = CaseCommands(pilot.app.screen)
        hits = [hit async for hit in provider.search("zed")]
        prompts = [h.match_display for h in hits]
        assert any("Open entity: Zed␛]52;c;SGVsbG8=␇Zulu" in p.plain for p in prompts)
        for p in prompts:
            assert isinstance(p, Content)
            assert_clean(terminal_line(p))


# -- the CLI's plain output --------------------------------------------------------------

CLEAN_STDOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def test_cli_plain_output_shows_escapes_never_controls(hostile_case: Path, capsys) -> None:
    db = ["--db", str(hostile_case)]
    conn = open_case(hostile_case, readonly=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM entities")]
    runs = [["entities"], ["sources"], ["mentions"], ["check"]]
    runs += [["search", q] for q in ("acme", "boris", "nadia", "zed", "lorem", "pays")]
    runs += [["show", str(i)] for i in ids]
    printed = []
    for args in runs:
        assert main([*args, *db]) == 0, args
        out, err = capsys.readouterr()
        assert not CLEAN_STDOUT.search(out + err), (args, CLEAN_STDOUT.findall(out + err))
        printed.append(out)
    shown = "\n".join(printed)
    for expected in ("Acme␛]0;pwned␇Corp", "Ali<U+202E>ecnI", "pays<U+202E>evil", "\\x9b"):
        assert expected in shown, expected


def test_cli_json_escapes_controls_and_keeps_them_lossless(hostile_case: Path, capsys) -> None:
    assert main(["entities", "--json", "--db", str(hostile_case)]) == 0
    out = capsys.readouterr().out
    assert not CLEAN_STDOUT.search(out)
    names = {e["name"] for e in json.loads(out)}
    assert "Acme\x1b]0;pwned\x07Corp" in names and "Boris\u202eVokov" in names


def test_cli_import_reports_hostile_names_escaped(tmp_path: Path, capsys) -> None:
    """File names with escapes, bidi and undecodable bytes; one of them fails to parse."""
    folder = write_hostile_folder(tmp_path / "docs", long_line=20_000)
    (folder / "broken\x1b]0;pdfpwn\x07.pdf").write_bytes(b"%PDF-1.4 truncated")
    raw_name = b"latin\xe9\x9b2J.txt"
    with open(os.path.join(os.fsencode(folder), raw_name), "wb") as f:
        f.write(b"Henri Martin in Paris.")
    code = main(["import", str(folder), "--db", str(tmp_path / "c.db"), "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 2  # the broken PDF; everything else imported
    assert not CLEAN_STDOUT.search(out + err), CLEAN_STDOUT.findall(out + err)
    assert "broken␛]0;pdfpwn␇.pdf" in out + err
    assert main(["sources", "--json", "--db", str(tmp_path / "c.db")]) == 0
    paths = [s["path"] for s in json.loads(capsys.readouterr().out)]
    assert any(p.endswith("/latin\\xe9\\x9b2J.txt") for p in paths)  # the bytes, visible


def test_cli_errors_show_hostile_file_names_escaped(tmp_path: Path, capsys) -> None:
    """An error line quotes the path it was given, and paths come from documents too."""
    hostile = "x\x1b]0;pwned\x07\x9b2J\u202eevil"
    not_a_case = tmp_path / f"notes{hostile}.db"
    not_a_case.write_text("not a database", encoding="utf-8")
    runs = [
        (["import", str(tmp_path / f"gone{hostile}.txt"), "--db", str(tmp_path / "c.db")], 2),
        (["open", str(tmp_path / f"missing{hostile}.db")], 1),
        (["entities", "--db", str(not_a_case)], 1),
    ]
    for args, code in runs:
        assert main(args) == code, args
        out, err = capsys.readouterr()
        assert not CLEAN_STDOUT.search(out + err), (args, CLEAN_STDOUT.findall(out + err))
        assert "x␛]0;pwned␇\\x9b2J<U+202E>evil" in err, (args, err)


# -- crashes -----------------------------------------------------------------------------


def test_crash_report_has_frames_and_type_but_no_message() -> None:
    secret = "CONFIDENTIAL informant J. Doe"
    try:
        raise ValueError(f"bad passage: {secret}")
    except ValueError as exc:
        report = crash.crash_report(exc)
    assert "ValueError" in report and "test_crash_report" in report
    assert "CONFIDENTIAL" not in report and "Doe" not in report


def test_the_crash_log_is_private_even_if_it_existed_before(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = crash.log_dir()
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "crash.log").write_text("older\n")
    os.chmod(folder / "crash.log", 0o644)
    path = crash.write_crash_log(ValueError("x"))
    assert path == folder / "crash.log"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_cli_crash_is_one_line_and_a_log_path(
    hostile_case: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from casework.tui import cli

    def broken(args: object) -> int:
        passage = "CONFIDENTIAL informant J. Doe"
        raise KeyError(passage)

    monkeypatch.setattr(cli, "cmd_entities", broken)
    code = main(["entities", "--db", str(hostile_case)])
    out, err = capsys.readouterr()
    assert code == 70
    assert err.startswith("casework: internal error (KeyError); details in ")
    assert err.count("\n") == 1
    assert "CONFIDENTIAL" not in out + err and "Traceback" not in err
    log = tmp_path / "state" / "casework" / "log" / "crash.log"
    assert "CONFIDENTIAL" not in log.read_text() and "KeyError" in log.read_text()
