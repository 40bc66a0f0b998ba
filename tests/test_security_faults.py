"""Faults and concurrency beyond test_faults.py: kills inside a document's transaction,
reader crashes, read-only and damaged files, private temporary files, one writer at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import SPY_PATTERNS, SPY_VALUES, PatternExtractor
from hostile import build_hostile_case
from tui_helpers import make_app, options, search, settle

from casework.db import queries
from casework.db.connection import (
    BUSY_TIMEOUT_MS,
    CaseError,
    check_health,
    import_lock,
    open_case,
    private_tmp_dir,
)
from casework.db.writer import CaseWriter
from casework.importers import readers
from casework.importers.pipeline import import_paths
from casework.tui.app import CaseworkApp
from casework.tui.cli import main
from casework.tui.data import CaseReader

TESTS = str(Path(__file__).parent)
PASSAGES_PER_DOC = 6


def write_docs(folder: Path, n: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i}.txt").write_text(
            f"Report number{i} on the case.\n\n"
            + "Henri M. met Pierre-Marie H. in Paris on 22 December 2017.\n\n" * 5,
            encoding="utf-8",
        )
    return folder


def assert_whole_documents(conn: sqlite3.Connection, expected: int | None = None) -> None:
    """Consistent: integrity and foreign keys ok, and every document present is complete."""
    assert queries.integrity(conn) == (["ok"], [])
    sources = [s for s in queries.list_sources(conn) if s.status == "ok"]
    for s in sources:
        assert s.passages == PASSAGES_PER_DOC, s
        mentions = conn.execute(
            "SELECT count(*) FROM mentions WHERE source_id = ?", (s.id,)
        ).fetchone()[0]
        assert mentions == 5 * 4, s  # Henri M., Pierre-Marie H., Paris, the date
    if expected is not None:
        assert len(sources) == expected


# -- SIGKILL inside a document's transaction -------------------------------------------

KILLER = """
import sys, time
sys.path.insert(0, {tests!r})
from conftest import PatternExtractor, SPY_PATTERNS, SPY_VALUES
from casework.db.connection import open_case
from casework.db.writer import CaseWriter
from casework.importers.pipeline import import_paths

point, nth = sys.argv[1], int(sys.argv[2])
original = getattr(CaseWriter, point)
calls = [0]

def hooked(self, *args, **kwargs):
    result = original(self, *args, **kwargs)
    calls[0] += 1
    if calls[0] == nth:
        print("in-transaction" if self.conn.in_transaction else "outside", flush=True)
        time.sleep(60)
    return result

setattr(CaseWriter, point, hooked)
conn = open_case({db!r}, create=True)
import_paths(conn, [{folder!r}], extractor=PatternExtractor(SPY_PATTERNS, SPY_VALUES))
"""

KILL_POINTS = [
    "add_source",  # the document's first row
    "add_mentions",  # in the middle
    "add_link_evidence",  # the last write before COMMIT
]


def kill_import_at(tmp_path: Path, point: str, nth: int) -> tuple[Path, Path]:
    """Import six documents in a child process and SIGKILL it inside the transaction of
    the `nth` call of CaseWriter.`point`; returns (folder, case)."""
    folder = write_docs(tmp_path / "docs")
    db = tmp_path / "case.db"
    script = KILLER.format(tests=TESTS, db=str(db), folder=str(folder))
    proc = subprocess.Popen(
        [sys.executable, "-c", script, point, str(nth)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "in-transaction"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return folder, db


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_inside_a_document_leaves_it_absent_and_a_rerun_completes(
    tmp_path: Path, point: str
) -> None:
    folder, db = kill_import_at(tmp_path, point, 3)
    conn = open_case(db)
    assert_whole_documents(conn)
    present = {Path(s.path).name for s in queries.list_sources(conn)}
    assert "d2.txt" not in present and "d5.txt" not in present  # the killed one, and later
    summary = import_paths(conn, [folder], extractor=PatternExtractor(SPY_PATTERNS, SPY_VALUES))
    assert not summary.failed
    assert_whole_documents(conn, expected=6)
    for i in range(6):  # the full-text index caught up with every document
        hits = queries.search(conn, f"number{i}", kind="passage")
        assert hits and all(h.type == "passage" for h in hits), i


def _counts(conn: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    return (
        conn.execute("SELECT id, name, mentions, sources FROM entities ORDER BY id").fetchall(),
        conn.execute("SELECT id, count FROM aliases ORDER BY id").fetchall(),
        conn.execute("SELECT a, b, relation, weight FROM links ORDER BY a, b").fetchall(),
        conn.execute("SELECT a, b, weight FROM co_mentions ORDER BY a, b").fetchall(),
    )


def test_sigkill_while_counting_leaves_a_backlog_the_next_import_applies(tmp_path: Path) -> None:
    """Counts, names, co-mention links and the full-text index are applied in batches:
    killed inside one, the documents stay whole and the next import finishes the batch."""
    folder, db = kill_import_at(tmp_path, "rename", 1)
    conn = open_case(db)
    assert_whole_documents(conn, expected=6)
    assert queries.search(conn, "number0", kind="passage") == []  # the batch never committed
    assert all(m == 0 for _, _, m, _ in _counts(conn)[0])
    assert queries.pending_passages(conn) == 6 * PASSAGES_PER_DOC  # `casework check` says so
    summary = import_paths(conn, [folder], extractor=PatternExtractor(SPY_PATTERNS, SPY_VALUES))
    assert summary.count("unchanged") == 6
    applied = _counts(conn)
    assert queries.pending_passages(conn) == 0
    assert applied[0] and all(m == 30 and s == 6 for _, _, m, s in applied[0][:2])
    assert [r[2] for r in applied[3]] == [30] * 6  # 4 entities: 6 pairs in all 30 ¶
    CaseWriter(conn).recount()
    assert _counts(conn) == applied
    for i in range(6):
        assert queries.search(conn, f"number{i}", kind="passage"), i


# -- exceptions in a reader ---------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_reader_crash_rolls_back_only_that_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    folder = write_docs(tmp_path / "docs", n=4)
    real = readers.READERS[".txt"]

    def flaky(data: bytes, *, name: str) -> readers.ReadResult:
        if name == "d1.txt":
            raise RuntimeError(f"reader bug on {data[:20]!r}")  # message quotes the document
        return real(data, name=name)

    monkeypatch.setitem(readers.READERS, ".txt", flaky)
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(
        conn, [folder], extractor=PatternExtractor(SPY_PATTERNS, SPY_VALUES), jobs=jobs
    )
    assert [Path(f.path).name for f in summary.failed] == ["d1.txt"]
    reason = summary.failed[0].reason or ""
    assert reason.startswith("internal error") and "Report" not in reason
    assert_whole_documents(conn, expected=3)
    failed = queries.list_sources(conn, failed_only=True)
    assert [(Path(s.path).name, s.passages) for s in failed] == [("d1.txt", 0)]


def test_undecodable_names_and_lone_surrogates_stop_no_import(tmp_path: Path) -> None:
    """Both once ended the whole import with UnicodeEncodeError at the write."""
    folder = write_docs(tmp_path / "docs", n=2)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9-\xff.txt"), "wb") as f:
        f.write(b"Henri M. in Paris.")
    (folder / "cesu.txt").write_bytes(b"Henri M. \xed\xa0\x80 in Paris.")  # an encoded surrogate
    (folder / "ents.json").write_text('[{"name": "Bad \\ud800 Name", "kind": "person"}]')
    conn = open_case(tmp_path / "case.db", create=True)
    extractor = PatternExtractor(SPY_PATTERNS, SPY_VALUES)
    summary = import_paths(conn, [folder], extractor=extractor)
    status = {os.fsencode(Path(f.path).name): f.status for f in summary.files}
    assert status[b"d0.txt"] == status[b"d1.txt"] == status[b"cesu.txt"] == "imported"
    assert status[b"caf\xe9-\xff.txt"] == "imported"
    assert b"ents.json" in status  # imported or failed on its own, never the whole import
    assert queries.integrity(conn) == (["ok"], [])
    stored = {Path(s.path).name for s in queries.list_sources(conn)}
    assert "caf\\xe9-\\xff.txt" in stored  # the undecodable bytes, visible
    again = import_paths(conn, [folder], extractor=extractor)
    assert {os.fsencode(Path(f.path).name): f.status for f in again.files}[
        b"caf\xe9-\xff.txt"
    ] == "unchanged"


# -- read-only and damaged files -----------------------------------------------------------


def test_import_into_a_read_only_case_is_refused_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_docs(tmp_path / "docs", n=1)
    db = tmp_path / "case.db"
    open_case(db, create=True).close()
    os.chmod(db, 0o444)  # refused even for root: the mode bits say read-only
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns)
    code = main(["import", str(folder), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1
    assert "the case file is read-only; nothing was written" in err
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns) == before
    assert main(["entities", "--db", str(db)]) == 0  # reading still works


def test_read_only_connections_use_mode_ro(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    open_case(db, create=True).close()
    for conn in (open_case(db, readonly=True), CaseReader(db, readonly=True)._conn()):
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
        with pytest.raises(CaseError, match="read-only"):
            check_health(conn, db)
    app = CaseworkApp(db, readonly=True)  # --read-only on a file that could be written
    assert app.readonly and app.case_label().plain.endswith("(read-only)")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        app.reader._conn().execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
    os.chmod(db, 0o444)
    app = make_app(db)
    assert app.readonly and app.case_label().plain.endswith("(read-only)")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        app.reader._conn().execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")


class QuickCheckSays:
    """A connection whose quick_check reports these rows."""

    def __init__(self, rows: list[str]) -> None:
        self.rows = rows

    def execute(self, sql: str, *args: object) -> list[tuple[str]]:
        assert sql == "PRAGMA quick_check"
        return [(r,) for r in self.rows]


def test_a_damage_report_is_one_short_line() -> None:
    """One quick_check row can hold hundreds of findings joined by newlines."""
    first = "Page 5467: btreeInitPage() returns error code 11"
    rows = [
        f"*** in database main ***\n{first}\n"
        + "On tree page 5466 cell 1: invalid page number -1414812757\n" * 300,
        "row 2",
    ]
    with pytest.raises(CaseError) as info:
        check_health(QuickCheckSays(rows), "case.db")  # type: ignore[arg-type]
    message = str(info.value)
    assert message == f"case.db: the case file is damaged ({first}); nothing was written"


def test_damage_deep_in_the_file_stops_an_import_and_check_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage that opening the file does not reach: the importer's quick_check refuses it
    before anything is written, and `casework check` reports it (it once crashed instead,
    on the foreign-key check)."""
    case = build_hostile_case(tmp_path / "hostile")
    data = bytearray(case.read_bytes())
    page = 4096
    assert len(data) // page > 100
    for n in range(100, len(data) // page):  # scribble over b-tree page headers
        data[n * page : n * page + 8] = b"\xab" * 8
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    before = (hashlib.sha256(damaged.read_bytes()).hexdigest(), damaged.stat().st_mtime_ns)
    open_case(damaged).close()  # opening alone does not notice
    assert main(["import", str(write_docs(tmp_path / "docs", 1)), "--db", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert "the case file is damaged" in err and "nothing was written" in err
    assert err.count("\n") == 1
    assert main(["check", "--json", "--db", str(damaged)]) == 1
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["ok"] is False and report["integrity_check"] != ["ok"]
    assert err == ""
    assert (hashlib.sha256(damaged.read_bytes()).hexdigest(), damaged.stat().st_mtime_ns) == before


def test_check_reports_integrity_and_foreign_key_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "case.db"
    conn = open_case(db, create=True)
    import_paths(conn, [write_docs(tmp_path / "docs", 1)], extractor=PatternExtractor(SPY_PATTERNS))
    assert main(["check", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == "ok"
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DELETE FROM entities WHERE id = (SELECT min(entity_id) FROM mentions)")
    conn.close()
    assert main(["check", "--db", str(db)]) == 1
    assert "foreign key: ('mentions'" in capsys.readouterr().out


def test_check_reports_a_damaged_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Damage only integrity_check sees (quick_check and foreign keys are fine): two indexes
    of one table swapped, so each misses its rows."""
    db = tmp_path / "case.db"
    conn = open_case(db, create=True)
    import_paths(conn, [write_docs(tmp_path / "docs", 1)], extractor=PatternExtractor(SPY_PATTERNS))
    conn.close()
    raw = sqlite3.connect(db, isolation_level=None)
    roots = dict(
        raw.execute(
            "SELECT name, rootpage FROM sqlite_master"
            " WHERE name IN ('entities_kind', 'entities_value')"
        )
    )
    raw.execute("PRAGMA writable_schema=ON")
    for name, other in (("entities_kind", "entities_value"), ("entities_value", "entities_kind")):
        raw.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (roots[other], name))
    raw.execute("PRAGMA writable_schema=OFF")
    raw.close()
    assert main(["check", "--json", "--db", str(db)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["foreign_key_check"] == []
    assert any("missing from index entities_" in m for m in report["integrity_check"])


# -- one writer, BEGIN IMMEDIATE, readers never blocked -------------------------------------


def test_every_import_write_is_inside_begin_immediate(tmp_path: Path) -> None:
    folder = write_docs(tmp_path / "docs", n=3)
    (folder / "copy.txt").write_bytes((folder / "d0.txt").read_bytes())  # a duplicate
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02\x03" * 100)  # a failure
    conn = open_case(tmp_path / "case.db", create=True)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    extractor = PatternExtractor(SPY_PATTERNS, SPY_VALUES)
    import_paths(conn, [folder], extractor=extractor)
    (folder / "d1.txt").write_text("Changed: Henri M. in Paris.\n", encoding="utf-8")
    import_paths(conn, [folder], extractor=extractor)  # replaces a document
    conn.set_trace_callback(None)
    opened, writes, outside = None, 0, []
    for sql in statements:
        head = sql.lstrip().split(None, 2)
        verb = head[0].upper() if head else ""
        if sql.startswith("--"):
            continue  # a trigger's body, reported by SQLite
        if verb == "BEGIN":
            assert opened is None
            opened = sql.strip().upper()
            assert opened == "BEGIN IMMEDIATE", sql
        elif verb in ("COMMIT", "ROLLBACK", "END"):
            opened = None
        elif verb in ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"):
            writes += 1
            if opened is None:
                outside.append(sql)
    assert writes > 20 and outside == []


async def test_the_tui_reads_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    """WAL: even an EXCLUSIVE write transaction blocks no reader; the reader sees the
    last commit, not the writer's uncommitted rows."""
    db = build_hostile_case(tmp_path)
    writer = open_case(db)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute(
        "INSERT INTO entities(kind, name, norm, mentions) VALUES ('person', 'Uncommitted', "
        "'uncommitted', 999)"
    )
    try:
        app = make_app(db)
        waits: list[float] = []
        real_run = app.reader.run

        async def timed_run(*args: object, **kwargs: object) -> object:
            began = time.monotonic()
            try:
                return await real_run(*args, **kwargs)
            finally:
                waits.append(time.monotonic() - began)

        app.reader.run = timed_run  # each read, timed: a blocked one would take the timeout
        async with app.run_test() as pilot:
            await search(pilot, "henri")
            assert options(pilot.app, "#results")[0].startswith("Henri Martin")
            await pilot.press("enter")
            await settle(pilot)
            assert "Passages (" in (pilot.app.screen.query_one("#passages").border_title or "")
            await search(pilot, "uncommitted")
            assert options(pilot.app, "#results") == ["No match for “uncommitted”"]
            assert waits and max(waits) < BUSY_TIMEOUT_MS / 1000 / 2  # no read waited
            assert not list(pilot.app._notifications)
    finally:
        writer.execute("ROLLBACK")


HOLDER = """
import sys, time
from casework.db.connection import import_lock, open_case
open_case(sys.argv[1], create=True).close()
with import_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_importer_process_is_refused_and_a_killed_ones_temp_dir_is_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "case.db"
    folder = write_docs(tmp_path / "docs", n=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        code = main(["import", str(folder), "--db", str(db)])
        assert code == 1
        assert "another import is running on this case" in capsys.readouterr().err
        spool = private_tmp_dir(db)
        assert stat.S_IMODE(spool.stat().st_mode) == 0o700
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert spool.is_dir()  # a killed importer leaves its (empty) spool directory ...
    (spool / "left-over").write_text("x")
    assert main(["import", str(folder), "--db", str(db)]) == 0
    assert not spool.exists()  # ... and the next import start removes it
    assert len(queries.list_sources(open_case(db))) == 1
    spool.mkdir()
    (spool / "left-over").write_text("x")
    with import_lock(db):
        assert list(spool.iterdir()) == []  # at the start, not only when that import ends


# -- private files ---------------------------------------------------------------------------


def test_case_files_are_private_and_temporary_files_stay_in_a_private_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "case.db"
    old = os.umask(0o022)
    try:
        assert main(["import", str(write_docs(tmp_path / "docs", 2)), "--db", str(db)]) == 0
        conn = open_case(db)
        conn.execute("BEGIN IMMEDIATE")  # keep -wal and -shm in existence
        conn.execute("UPDATE meta SET value = value")
        for name in ("case.db", "case.db-wal", "case.db-shm", "case.db.lock"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
        conn.execute("ROLLBACK")
        default = tempfile.gettempdir()
        with import_lock(db):
            spool = Path(tempfile.gettempdir())
            assert spool == private_tmp_dir(db)
            assert stat.S_IMODE(spool.stat().st_mode) == 0o700
            with tempfile.TemporaryFile() as f:  # what spooled archive members use
                f.write(b"document bytes")
                assert list(spool.iterdir()) == []  # no name anyone could open
        assert tempfile.gettempdir() == default
        assert not spool.exists()
    finally:
        os.umask(old)
    capsys.readouterr()
    writer = CaseWriter(open_case(db))
    assert writer.source_state(str(tmp_path / "docs" / "d0.txt")) is not None
