"""Issue 6 acceptance: one folder with every format, good and hostile, imported end to end.

Every good file becomes a source, every bad one is reported with a reason,
nothing is written outside the case, and the case stays sound.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from test_archives import make_tar, make_zip, zip_bomb
from test_readers_docx import make_docx, p
from test_readers_mail import deep_mime
from test_readers_pdf import make_pdf, text_page

from casework.db import queries
from casework.db.connection import open_case
from casework.importers import pipeline
from casework.importers.pipeline import ImportLimits, import_paths
from casework.importers.readers import READERS
from casework.importers.readers.base import ReadResult
from casework.tui.cli import main

STORY = "Henri Martel met Pierre-Marie Hubert in Brazzaville on 3 March 2017."


def _eml_with_attachments() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Claire Vasseur <claire.vasseur@interieur.example>"
    msg["To"] = "Fiona McCallum <f.mccallum@service.example>, Tom Hartigan <th@service.example>"
    msg["Subject"] = "=?utf-8?q?R=C3=A9union_=C3=A0_Paris?="
    msg["Date"] = "Mon, 13 Jul 2020 18:30:00 +0200"
    msg.set_content("Please find the note attached.\n\nClaire")
    msg.add_attachment(
        b"Wang Jun was last seen in Hong Kong.",
        maintype="text",
        subtype="plain",
        filename="note.txt",
    )
    msg.add_attachment(
        make_zip({"inner/memo.md": b"# Memo\n\nSandy Younger visited Beijing."}),
        maintype="application",
        subtype="zip",
        filename="bundle.zip",
    )
    return bytes(msg)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("material")
    good = root / "good"
    bad = root / "bad"
    good.mkdir()
    bad.mkdir()
    files: dict[Path, bytes] = {
        good / "note.txt": STORY.encode(),
        good / "latin1.txt": "Le juge Benoît Lefèvre a entendu la DGSE à Créteil.".encode(
            "latin-1"
        ),
        good / "utf16.txt": ("Claire Vasseur wrote from Paris. " * 5).encode("utf-16"),
        good / "memo.md": b"# Memo\n\nThe DGSI interviewed Henri Martel.",
        good / "page.html": (
            b"<html><head><title>Verdict</title><script>alert('Brazzaville')</script>"
            b"<meta property='article:published_time' content='2020-07-10'></head>"
            b"<body><p>The court in Paris convicted Henri Martel.</p></body></html>"
        ),
        good / "report.pdf": make_pdf([text_page([["Report on Henri Martel in Paris."]])]),
        good / "statement.docx": make_docx(p("Pierre-Marie Hubert denied meeting Wang Jun.")),
        good / "message.eml": _eml_with_attachments(),
        good / "box.mbox": (
            b"From a@example.org Mon Jul 13 10:00:00 2020\n"
            b"From: Tom Hartigan <th@service.example>\nTo: Fiona McCallum <f@service.example>\n"
            b"Subject: one\n\nSee you in London.\n\n"
            b"From b@example.org Mon Jul 13 11:00:00 2020\n"
            b"From: Fiona McCallum <f@service.example>\nTo: Tom Hartigan <th@service.example>\n"
            b"Subject: two\n\nAgreed.\n"
        ),
        good
        / "people.csv": b"name,kind,aliases\nHenri Martel,person,Henri M.\nDGSE,organization,\n",
        good / "links.jsonl": (
            b'{"source": "Henri Martel", "target": "Pierre-Marie Hubert", "relation": "associate"}\n'
        ),
        good / "bundle.zip": make_zip({"a/one.txt": STORY.encode(), "b/two.md": b"# Two\n\nMI6."}),
        good / "bundle.tar.gz": make_tar([("three.txt", b"The DGSE in Paris.")], mode="w:gz"),
        bad / "empty.txt": b"",
        bad / "truncated.pdf": make_pdf([text_page([["Cut short."]])])[:120],
        bad / "random.docx": os.urandom(4096),
        bad / "slip.zip": make_zip({"../../escaped.txt": b"out", "../outside/evil.txt": b"x"}),
        bad / "deep.zip": make_zip(
            {"1.zip": make_zip({"2.zip": make_zip({"3.zip": make_zip({"x.txt": b"x"})})})}
        ),
        bad / "deep.eml": deep_mime(50),
        bad / "deep.json": b"[" * 10_000 + b"]" * 10_000,
    }
    for path, data in files.items():
        path.write_bytes(data)
    zip_bomb(bad / "bomb.zip")
    return root


@pytest.fixture(scope="module")
def imported(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    case = tmp_path_factory.mktemp("case") / "case.db"
    before = _listing(folder.parent)
    code = main(["import", str(folder), "--db", str(case), "--json", "--jobs", "2"])
    # Anything new next to the material, other than the case and its lock, is a leak.
    after = _listing(folder.parent)
    return {"code": code, "case": case, "new": after - before}


def _listing(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def test_every_good_file_imports_and_every_bad_one_is_reported(
    imported: dict[str, object], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported["code"] == 2  # some files failed
    case = imported["case"]
    assert isinstance(case, Path)
    conn = open_case(case, readonly=True)
    sources = queries.list_sources(conn)
    ok = {s.path for s in sources if s.status == "ok"}
    failed = {s.path: s.reason for s in sources if s.status == "failed"}
    good = folder / "good"
    for name in (
        "note.txt",
        "latin1.txt",
        "utf16.txt",
        "memo.md",
        "page.html",
        "report.pdf",
        "statement.docx",
        "message.eml",
        "box.mbox",
        "people.csv",
        "links.jsonl",
    ):
        assert str((good / name).resolve()) in ok, name
    # Archive members and attachments are documents of their own.
    for member in (
        "bundle.zip/a/one.txt",
        "bundle.zip/b/two.md",
        "bundle.tar.gz/three.txt",
        "message.eml/note.txt",
        "message.eml/bundle.zip/inner/memo.md",
    ):
        assert str(good.resolve() / member) in ok, member
    bad = folder / "bad"
    reasons = {Path(k).name: v for k, v in failed.items() if k.startswith(str(bad.resolve()))}
    assert reasons.keys() >= {
        "empty.txt",
        "truncated.pdf",
        "random.docx",
        "deep.zip",
        "deep.eml",
        "deep.json",
        "bomb.zip",
    }
    assert all(r for r in reasons.values()), reasons
    assert "nested deeper" in reasons["deep.zip"]
    assert "compresses" in reasons["bomb.zip"]
    assert "nested too deeply" in reasons["deep.eml"]
    # The zip slip members are never written and never imported under a climbing path.
    assert not any(".." in path for path in ok)
    # They are recorded as refused, under the name the archive gave them.
    climbing = {k: v for k, v in failed.items() if ".." in k}
    assert climbing and set(climbing.values()) == {"path escapes the archive"}
    assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
    assert list(conn.execute("PRAGMA foreign_key_check")) == []
    conn.close()


def test_nothing_is_written_outside_the_case(imported: dict[str, object], folder: Path) -> None:
    new = imported["new"]
    assert isinstance(new, set)
    assert not any("escaped" in p or "evil" in p for p in new), new
    assert not (folder.parent.parent / "escaped.txt").exists()


def _sqlite_temp_files() -> list[str]:
    """SQLite's unlinked temporary files this process holds open (`etilqs_*`)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if "etilqs_" in target:
                found.append(target)
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_sqlite_temp_files_stay_in_memory(tmp_path: Path) -> None:
    # SQLite spools big sorts, temp b-trees and statement journals to /var/tmp or
    # $TMPDIR, outside the case's private folder; every case connection keeps them in memory.
    case = tmp_path / "case.db"
    conns = [open_case(case, create=True), open_case(case), open_case(case, readonly=True)]
    assert [c.execute("PRAGMA temp_store").fetchone()[0] for c in conns] == [2, 2, 2]
    conn = conns[0]
    conn.execute("CREATE TEMP TABLE spill(x)")  # 10 MB: past the page cache, so it would spill
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)"
        " INSERT INTO spill SELECT randomblob(200) FROM n"
    )
    conn.execute("SELECT x FROM spill ORDER BY x").fetchone()
    assert _sqlite_temp_files() == []
    for c in conns:
        c.close()


def test_email_parties_are_entities_linked_to_their_message(imported: dict[str, object]) -> None:
    case = imported["case"]
    assert isinstance(case, Path)
    conn = open_case(case, readonly=True)
    people = {e.name: e for e in queries.list_entities(conn, kind="person")}
    emails = {e.name for e in queries.list_entities(conn, kind="email")}
    assert {"claire.vasseur@interieur.example", "th@service.example"} <= emails
    claire = people["Claire Vasseur"]
    detail = queries.get_entity(conn, claire.id)
    assert detail is not None
    assert any(s.title == "Réunion à Paris" for s in detail.sources)  # RFC 2047 decoded
    wrote = {(lk.name, lk.relation) for lk in detail.links}
    assert ("Fiona McCallum", "wrote to") in wrote
    assert ("claire.vasseur@interieur.example", "uses address") in wrote
    conn.close()


def test_reimport_is_a_no_op(imported: dict[str, object], folder: Path) -> None:
    case = imported["case"]
    assert isinstance(case, Path)
    conn = open_case(case, readonly=True)
    before = queries.stats(conn)
    conn.close()
    conn = open_case(case)
    summary = import_paths(conn, [folder / "good"])
    conn.close()
    assert summary.count("imported") == 0, [f for f in summary.files if f.status == "imported"]
    conn = open_case(case, readonly=True)
    assert queries.stats(conn) == before
    conn.close()


def _slow_reader(data: bytes, *, name: str) -> ReadResult:
    time.sleep(60)
    return ReadResult(text="never", format="text")


def test_a_reader_that_hangs_times_out_and_the_rest_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("Henri Martel in Paris.")
    (tmp_path / "b.slow").write_text("anything")
    (tmp_path / "c.txt").write_text("Claire Vasseur in Lyon.")
    monkeypatch.setitem(READERS, ".slow", _slow_reader)  # inherited by the forked workers
    conn = open_case(tmp_path / "case.db", create=True)
    t0 = time.perf_counter()
    summary = import_paths(conn, [tmp_path], jobs=1, limits=ImportLimits(timeout=1.0))
    elapsed = time.perf_counter() - t0
    status = {Path(f.path).name: (f.status, f.reason) for f in summary.files}
    assert status["b.slow"] == ("failed", "timed out after 1 s")
    assert status["a.txt"][0] == status["c.txt"][0] == "imported"
    assert elapsed < 30
    conn.close()


def test_member_failure_inside_an_archive_does_not_sink_the_others(tmp_path: Path) -> None:
    material = tmp_path / "in"
    material.mkdir()
    data = make_zip({"good.txt": STORY.encode(), "bad.pdf": b"%PDF-1.4 broken", "x.bin": b"\0"})
    (material / "mixed.zip").write_bytes(data)
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [material])
    status = {f.path.rsplit("/", 1)[-1]: f.status for f in summary.files}
    assert status == {"good.txt": "imported", "bad.pdf": "failed", "x.bin": "skipped"}
    conn.close()


def test_tar_with_absolute_and_parent_paths_never_writes(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name in ("/tmp/casework-abs.txt", "../casework-up.txt", "fine.txt"):
            info = tarfile.TarInfo(name)
            body = b"Henri Martel"
            info.size = len(body)
            tf.addfile(info, io.BytesIO(body))
    (tmp_path / "t.tar").write_bytes(buf.getvalue())
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [tmp_path / "t.tar"])
    assert not Path("/tmp/casework-abs.txt").exists()
    assert not (tmp_path.parent / "casework-up.txt").exists()
    got = {f.path.split("t.tar/", 1)[1]: (f.status, f.reason) for f in summary.files}
    assert got["tmp/casework-abs.txt"] == ("imported", None)  # "/" dropped, as GNU tar does
    assert got["fine.txt"][0] == "duplicate"  # same bytes: stored once with both paths
    assert got["../casework-up.txt"] == ("failed", "path escapes the archive")
    failed = [s.path for s in queries.list_sources(conn, failed_only=True)]
    assert [p.split("t.tar/", 1)[1] for p in failed] == ["../casework-up.txt"]
    conn.close()


def test_import_json_reports_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "big.txt").write_text("Henri Martel. " * 100_000)
    code = main(
        [
            *("import", str(tmp_path / "big.txt"), "--db", str(tmp_path / "c.db")),
            *("--json", "--max-file-mb", "0.5"),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert out["failed"][0]["reason"].startswith("file exceeds limit")


def test_worker_pool_keeps_file_order(tmp_path: Path) -> None:
    material = tmp_path / "in"
    material.mkdir()
    for i in range(12):
        (material / f"{i:02}.txt").write_text(f"Document {i} names Henri Martel in Paris.")
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [material], jobs=2, limits=ImportLimits(timeout=60))
    assert [Path(f.path).name for f in summary.files] == [f"{i:02}.txt" for i in range(12)]
    assert pipeline.MAX_NESTING >= 2
    conn.close()


def test_zip_member_names_are_shown_as_written(tmp_path: Path) -> None:
    material = tmp_path / "in"
    material.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Procès-verbal.txt", b"Henri Martel")
    (material / "pv.zip").write_bytes(buf.getvalue())
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [material])
    assert summary.files[0].path.endswith("pv.zip/Procès-verbal.txt")
    conn.close()


def test_a_bug_while_writing_one_document_rolls_back_only_that_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    material = tmp_path / "in"
    material.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (material / name).write_text(f"{name}: Henri Martel met Claire Vasseur in Lyon.")
    real = pipeline._entity_for

    def broken(writer: object, ent: object, *args: object) -> object:
        if "b.txt" in broken.current:  # type: ignore[attr-defined]
            raise KeyError("bug")
        return real(writer, ent, *args)  # type: ignore[arg-type]

    real_write = pipeline._write

    def spy(writer: object, prepared: pipeline.Prepared) -> int:
        broken.current = prepared.key  # type: ignore[attr-defined]
        return real_write(writer, prepared)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_entity_for", broken)
    monkeypatch.setattr(pipeline, "_write", spy)
    conn = open_case(tmp_path / "case.db", create=True)
    summary = import_paths(conn, [material])
    status = {Path(f.path).name: (f.status, f.reason) for f in summary.files}
    assert status["b.txt"] == ("failed", "internal error (KeyError)")
    assert status["a.txt"][0] == status["c.txt"][0] == "imported"
    paths = {Path(s.path).name: s.status for s in queries.list_sources(conn)}
    assert paths == {"a.txt": "ok", "b.txt": "failed", "c.txt": "ok"}
    conn.close()


def test_importing_the_folder_that_holds_the_case_skips_the_case(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("Henri Martel met Claire Vasseur in Lyon.")
    conn = open_case(tmp_path / "case.db", create=True)
    import_paths(conn, [tmp_path])
    summary = import_paths(conn, [tmp_path])  # now with -wal, -shm next to it
    assert [Path(f.path).name for f in summary.files] == ["note.txt"]
    conn.close()
