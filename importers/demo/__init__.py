"""The bundled demo case: a fictional espionage affair, imported on demand.

Documents ship as package data; `build_demo` imports them into a per-user data
directory, so `casework demo` works on a fresh install with no network.
"""

from __future__ import annotations

import os
import shutil
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir

from casework.db.connection import checkpoint, import_lock, open_case
from casework.db.writer import CaseWriter
from casework.importers.pipeline import ImportSummary, default_extractor, import_data


def demo_documents() -> list[tuple[str, bytes]]:
    """(file name, bytes) of every demo document, in name order."""
    docs = files(__package__).joinpath("docs")
    return sorted(
        (entry.name, entry.read_bytes())
        for entry in docs.iterdir()
        if not entry.name.startswith(".")
    )


def demo_gold() -> str:
    return files(__package__).joinpath("gold.json").read_text(encoding="utf-8")


def default_demo_path() -> Path:
    return Path(user_data_dir("casework", appauthor=False)) / "demo.db"


def build_demo(path: Path | None = None) -> Path:
    """Import the demo documents into a fresh case at `path`, replacing any older one.

    Built anew each time (about a second): a demo case left by an older Casework
    would otherwise show that version's extraction, and nothing in it is the user's.
    """
    path = path or default_demo_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = path.with_name(path.name + ".new")
    _remove_case(fresh)
    conn = open_case(fresh, create=True)
    try:
        with import_lock(fresh):
            import_demo(conn)
        checkpoint(conn)
    finally:
        conn.close()
    _remove_case(path)
    os.replace(fresh, path)
    _remove_case(fresh)  # its lock file and temp folder
    return path


def _remove_case(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{path}-tmp", ignore_errors=True)


def import_demo(conn: object) -> ImportSummary:
    writer = CaseWriter(conn)  # type: ignore[arg-type]
    extractor = default_extractor()
    summary = ImportSummary()
    for name, data in demo_documents():
        summary.files.append(import_data(writer, f"demo/{name}", name, data, extractor))
    return summary
