"""Faults: a second importer, a damaged file, a full disk, a killed importer, read-only."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casework.db import queries
from casework.db.connection import CaseError, import_lock, open_case
from casework.importers.pipeline import import_paths
from casework.tui.cli import main


def test_a_second_importer_is_refused(case_path: Path, tmp_path: Path, capsys) -> None:
    open_case(case_path, create=True).close()
    (tmp_path / "a.txt").write_text("Henri M. in Paris.")
    with import_lock(case_path):
        with pytest.raises(CaseError, match="another import is running"), import_lock(case_path):
            pass
        code = main(["import", str(tmp_path / "a.txt"), "--db", str(case_path)])
        assert code == 1
        assert "another import is running on this case" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "a.txt"), "--db", str(case_path)]) == 0


def test_a_damaged_case_is_detected_and_never_written(
    case_path: Path, tmp_path: Path, capsys, spy_extractor
) -> None:
    (tmp_path / "a.txt").write_text("Henri M. met Pierre-Marie H. in Paris.\n\n" * 400)
    conn = open_case(case_path, create=True)
    import_paths(conn, [tmp_path / "a.txt"], extractor=spy_extractor)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(case_path.read_bytes())
    page = 4096
    for n in range(2, 8):  # scribble over the headers of a few b-tree pages
        for offset in range(n * page, n * page + 12):
            data[offset] = 0xAB
    case_path.write_bytes(bytes(data))
    before = hashlib.sha256(case_path.read_bytes()).hexdigest()
    (tmp_path / "b.txt").write_text("Wang Lei in Beijing.")
    code = main(["import", str(tmp_path / "b.txt"), "--db", str(case_path)])
    err = capsys.readouterr().err
    assert code == 1 and "damaged" in err
    assert hashlib.sha256(case_path.read_bytes()).hexdigest() == before
    assert main(["check", "--db", str(case_path)]) == 1


def test_disk_full_is_reported_and_earlier_documents_survive(
    case_path: Path, tmp_path: Path, spy_extractor
) -> None:
    conn = open_case(case_path, create=True)
    (tmp_path / "small.txt").write_text("Henri M. met Pierre-Marie H. in Paris.")
    import_paths(conn, [tmp_path / "small.txt"], extractor=spy_extractor)
    before = queries.stats(conn)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages + 2}")
    (tmp_path / "big.txt").write_text("Henri M. and Wang Lei met in Paris.\n\n" * 20000)
    summary = import_paths(conn, [tmp_path / "big.txt"], extractor=spy_extractor)
    assert summary.failed and "disk full" in (summary.failed[0].reason or "")
    after = queries.stats(conn)
    assert (after.sources, after.passages, after.mentions) == (
        before.sources,
        before.passages,
        before.mentions,
    )
    assert queries.integrity(conn) == (["ok"], [])


WRITER = """
import sys, time
from pathlib import Path
from casework.db.connection import open_case
from casework.importers.pipeline import import_paths
sys.path.insert(0, {tests!r})
from conftest import PatternExtractor, SPY_PATTERNS, SPY_VALUES

class Slow(PatternExtractor):
    def extract(self, text, *, doc_date=None):
        time.sleep(0.02)
        return super().extract(text)

conn = open_case({db!r}, create=True)
import_paths(conn, [{folder!r}], extractor=Slow(SPY_PATTERNS, SPY_VALUES),
             on_file=lambda o: print(o.status, flush=True))
"""


def test_sigkill_mid_import_leaves_whole_documents_and_a_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(60):
        (folder / f"d{i:03}.txt").write_text(
            f"Report {i}\n\n"
            + "Henri M. met Pierre-Marie H. in Paris on 22 December 2017.\n\n" * 40
        )
    db = tmp_path / "case.db"
    script = WRITER.format(tests=str(Path(__file__).parent), db=str(db), folder=str(folder))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    seen = 0
    while seen < 5:
        if proc.stdout.readline():
            seen += 1
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = open_case(db)
    assert queries.integrity(conn) == (["ok"], [])
    partial = queries.list_sources(conn)
    assert 5 <= len(partial) < 60
    for s in partial:  # every document present is whole: all its passages are there
        assert s.passages == 41
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(queries.list_sources(conn)) == 60
    assert queries.integrity(conn) == (["ok"], [])


def test_read_only_open_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ro.db"
    src = open_case(demo_db, readonly=True)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    dst.close()
    os.chmod(copy, 0o400)
    stat_before = copy.stat()
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    conn = open_case(copy, readonly=True)
    assert queries.search(conn, "henri")
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM entities")
    conn.close()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == digest
    assert copy.stat().st_mtime_ns == stat_before.st_mtime_ns
