"""The bundled demo case: a fictional espionage affair, imported on demand.

Documents ship as package data; `build_demo` imports them into a per-user data
directory, so `casework demo` works on a fresh install with no network.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir

from casework.db.connection import import_lock, open_case
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
    """Import the demo documents into `path` (re-running is a no-op when unchanged)."""
    path = path or default_demo_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = open_case(path, create=True)
    try:
        with import_lock(path):
            import_demo(conn)
    finally:
        conn.close()
    return path


def import_demo(conn: object) -> ImportSummary:
    writer = CaseWriter(conn)  # type: ignore[arg-type]
    extractor = default_extractor()
    summary = ImportSummary()
    for name, data in demo_documents():
        summary.files.append(import_data(writer, f"demo/{name}", name, data, extractor))
    return summary
