"""The `casework` command end to end on the demo documents, as a script would use it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from casework.db import queries
from casework.db.connection import open_case
from casework.importers.demo import demo_documents
from casework.tui.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args: str):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("material")
    for name, data in demo_documents():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def imported(docs, tmp_path, capsys) -> Path:
    db = tmp_path / "spy.db"
    code, out, err = run(capsys, "import", str(docs), "--db", str(db))
    assert code == 0, err
    assert out.startswith("imported 12, unchanged 0, failed 0")
    return db


def test_import_prints_a_summary_and_makes_a_private_case(imported) -> None:
    assert stat.S_IMODE(imported.stat().st_mode) == 0o600


def test_importing_twice_changes_no_count(imported, docs, capsys) -> None:
    def counts() -> tuple[int, int, int]:
        ents = run_json(capsys, "entities", "--db", str(imported))
        ments = run_json(capsys, "mentions", "--db", str(imported))
        srcs = run_json(capsys, "sources", "--db", str(imported))
        return len(ents), len(ments), len(srcs)

    before = counts()
    summary = run_json(capsys, "import", str(docs), "--db", str(imported))
    assert summary["imported"] == 0 and summary["unchanged"] == 12
    assert counts() == before
    checked = run_json(capsys, "check", "--db", str(imported))
    assert checked["ok"] is True and checked["pending"] == 0


def test_search_tolerates_a_typo(imported, capsys) -> None:
    hits = run_json(capsys, "search", "mcalum", "--db", str(imported))
    assert hits[0]["type"] == "entity" and hits[0]["name"] == "Fiona McCallum"
    assert hits[0]["kind"] == "person"
    assert {"type", "id", "name", "kind", "score", "source_id"} <= set(hits[0])
    passages = run_json(capsys, "search", "Brazzaville", "--kind", "passage", "--db", str(imported))
    assert passages and all(h["type"] == "passage" for h in passages)
    assert all("Brazzaville" in h["text"] for h in passages)


def test_show_lists_mentions_from_every_source_with_correct_offsets(imported, docs, capsys):
    hits = run_json(capsys, "search", "pierre marie", "--kind", "person", "--db", str(imported))
    entity = run_json(capsys, "show", str(hits[0]["id"]), "--db", str(imported))
    assert entity["name"] == "Pierre-Marie H."
    aliases = {a["alias"]: a["rule"] for a in entity["aliases"]}
    assert "Pierre-Mar H" in aliases and "Pierre Marie H." in aliases
    sources = run_json(capsys, "sources", "--db", str(imported))
    path_of = {s["id"]: Path(s["path"]) for s in sources}
    named_in = {
        sid
        for sid, p in path_of.items()
        if any(v in p.read_text(encoding="utf-8") for v in ("Pierre-Mar", "Pierre Marie H"))
    }
    assert {m["source_id"] for m in entity["mentions"]} == named_in
    for m in entity["mentions"]:
        original = path_of[m["source_id"]].read_text(encoding="utf-8")
        assert original[m["start"] : m["end"]] == m["text"]
    assert entity["links"] and all(link["evidence"] for link in entity["links"])


def test_every_mention_offset_matches_the_stored_text(imported, capsys) -> None:
    conn = open_case(imported, readonly=True)
    rows = run_json(capsys, "mentions", "--db", str(imported))
    texts = {s.id: queries.source_text(conn, s.id) for s in queries.list_sources(conn)}
    assert len(rows) > 300
    for r in rows:
        assert texts[r["source_id"]][r["start"] : r["end"]] == r["text"]
    one = run_json(capsys, "mentions", "--source", "1", "--db", str(imported))
    assert one and {r["source_id"] for r in one} == {1}


def test_entities_filter_by_kind(imported, capsys) -> None:
    places = run_json(capsys, "entities", "--kind", "place", "--db", str(imported))
    names = {p["name"] for p in places}
    assert {"Paris", "Brazzaville", "Switzerland"} <= names
    assert all(p["kind"] == "place" for p in places)


def test_plain_output_is_readable(imported, capsys) -> None:
    code, out, _ = run(capsys, "entities", "--kind", "person", "--db", str(imported))
    assert code == 0
    assert out.splitlines()[0].split() == ["id", "kind", "mentions", "sources", "name"]
    code, out, _ = run(capsys, "show", "1", "--db", str(imported))
    assert code == 0 and "mentions in" in out


def test_case_path_defaults_to_the_environment(imported, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CASEWORK_DB", str(imported))
    assert run_json(capsys, "sources")[0]["status"] == "ok"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["entities", "--db", "missing.db"], "missing.db: no such case file"),
        (["show", "999999"], "no entity with id 999999"),
        (["import", "nowhere/at/all"], "nowhere/at/all: no such file or directory"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    args, message, imported, capsys, monkeypatch, tmp_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASEWORK_DB", str(imported))
    code, _, err = run(capsys, *args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_case_is_refused(tmp_path, capsys) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database " * 100)
    code, _, err = run(capsys, "entities", "--db", str(notes))
    assert code == 1 and "not a Casework case file" in err
    assert notes.read_text().startswith("not a database")


def test_usage_errors_exit_64(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["search"])
    assert exc.value.code == 64
    assert capsys.readouterr().err.startswith("casework: ")


def test_an_import_with_a_failure_exits_2_and_lists_it(tmp_path, capsys) -> None:
    (tmp_path / "good.txt").write_text("Henri M. met Wang Lei in Paris.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    code, _, err = run(capsys, "import", str(tmp_path), "--db", str(tmp_path / "c.db"))
    assert code == 2
    assert f"{tmp_path / 'bad.txt'}: binary data, not text" in err
    failed = run_json(capsys, "sources", "--failed", "--db", str(tmp_path / "c.db"))
    assert [Path(f["path"]).name for f in failed] == ["bad.txt"]


def test_version_and_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "casework", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("casework ")


def test_the_cli_does_not_import_textual_for_queries(imported) -> None:
    code = (
        "import sys; from casework.tui.cli import main; "
        f"main(['entities', '--db', {str(imported)!r}, '--json']); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    env = {**os.environ}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_db_and_importers_never_import_textual() -> None:
    code = (
        "import sys, casework.db.queries, casework.db.writer, casework.importers.pipeline; "
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_progress_line_shows_files_megabytes_rate_and_eta() -> None:
    from casework.tui.progress import Progress

    p = Progress(total_files=10, total_bytes=10_000_000)
    p.started -= 2.0  # two seconds in
    for _ in range(4):
        p.advance(1_000_000)
    line = p.line("report\x1b]0;x\x07.txt", width=80)
    assert line.startswith("4/10 files  4.0/10.0 MB  2.0 MB/s  ETA 0:03")
    assert "\x1b" not in line and len(line) < 80


def _progress_counts(err: str) -> list[tuple[int, int]]:
    """Every `n/N files` the progress line drew."""
    import re

    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+) files", err)]


def test_progress_counts_the_files_given_not_members_or_attachments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from email.message import EmailMessage

    from test_archives import make_zip

    material = tmp_path / "in"
    material.mkdir()
    story = b"Henri Martel met Pierre-Marie Hubert in Brazzaville."
    members = {f"m{i}.txt": story + str(i).encode() for i in range(6)}
    (material / "a-bundle.zip").write_bytes(make_zip(members))
    msg = EmailMessage()
    msg["From"] = "Claire Vasseur <cv@example.org>"
    msg["To"] = "Tom Hartigan <th@example.org>"
    msg.set_content("See attached.")
    for i in range(3):
        msg.add_attachment(story + b"!" * i, maintype="text", subtype="plain", filename=f"{i}.txt")
    (material / "b-message.eml").write_bytes(bytes(msg))
    (material / "c-empty.txt").write_bytes(b"")
    (material / "d-note.txt").write_bytes(story)
    (material / "e-picture.bin").write_bytes(b"\x00" * 10)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    # The case inside the material is never read, so it is not counted either.
    code, _, err = run(capsys, "import", str(material), "--db", str(material / "case.db"))
    assert code == 2  # the empty file fails
    counts = _progress_counts(err)
    assert counts and {total for _, total in counts} == {5}
    assert all(n <= total for n, total in counts), counts
    assert counts[-1] == (5, 5)


def _slip_material(tmp_path: Path) -> Path:
    from test_archives import make_zip

    material = tmp_path / "in"
    material.mkdir()
    members = {
        "../../escaped.txt": b"out",
        "..\\up\\evil\x1b]0;x\x07.txt": b"x",
        "ok.txt": b"Henri Martel met Pierre-Marie Hubert in Brazzaville.",
        "pic.png": b"\x89PNG",
    }
    (material / "slip.zip").write_bytes(make_zip(members))
    (material / "a.bin").write_bytes(b"\0")
    (material / "b.bin").write_bytes(b"\1")
    return material


def test_plain_summary_lists_skipped_files_by_reason_and_refusals_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    material = _slip_material(tmp_path)
    code, out, _ = run(capsys, "import", str(material), "--db", str(tmp_path / "c.db"))
    assert code == 2  # a hostile member is a failure the analyst must see
    head, rest = out.split("\n", 1)
    assert head.startswith("imported 1, unchanged 0, failed 2, skipped 3:")
    skipped, failed = rest.split("failed:\n")
    assert skipped.startswith("skipped:\n  unsupported format (.bin): 2 files\n")
    assert f"    {material.resolve() / 'a.bin'}\n" in skipped
    assert "  unsupported format (.png): 1 file\n" in skipped
    assert f"    {material.resolve() / 'slip.zip/pic.png'}\n" in skipped
    assert "escapes" not in skipped
    slip = material.resolve() / "slip.zip"
    assert f"  {slip}/../../escaped.txt: path escapes the archive\n" in failed
    assert f"  {slip}/..\\up\\evil␛]0;x␇.txt: path escapes the archive\n" in failed
    assert "\x1b" not in out


def test_json_puts_a_refused_member_in_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    material = _slip_material(tmp_path)
    code, out, _ = run(capsys, "import", str(material), "--db", str(tmp_path / "c.db"), "--json")
    data = json.loads(out)
    assert code == 2
    assert sorted(f["reason"] for f in data["failed"]) == ["path escapes the archive"] * 2
    assert sorted(f["reason"] for f in data["skipped"]) == [
        "unsupported format (.bin)",
        "unsupported format (.bin)",
        "unsupported format (.png)",
    ]


def test_plain_summary_shows_ten_paths_per_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    material = tmp_path / "in"
    material.mkdir()
    for i in range(13):
        (material / f"{i:02}.bin").write_bytes(b"\0")
    code, out, _ = run(capsys, "import", str(material), "--db", str(tmp_path / "c.db"))
    assert code == 0
    assert "  unsupported format (.bin): 13 files\n" in out
    assert out.count(".bin\n") == 10
    assert "    … and 3 more (--json lists them all)\n" in out


def test_progress_keys_files_as_the_import_does(tmp_path: Path, monkeypatch) -> None:
    from casework.tui.progress import Progress, file_key

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("Henri Martel")
    (tmp_path / "link").symlink_to(real)  # a folder reached through a link
    (tmp_path / "b.txt").symlink_to(real / "a.txt")  # a file that is a link
    monkeypatch.chdir(tmp_path)
    files = [Path("link/a.txt"), Path("b.txt"), Path("gone.txt")]
    progress = Progress.for_files(files)
    assert set(progress.sizes) == {file_key(f) for f in files}
    assert progress.sizes[str(real / "a.txt")] == 12 and progress.sizes["gone.txt"] == 0
