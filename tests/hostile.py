"""A hostile case folder and its payloads, shared by the test_security_* files.

Every payload carries a distinctive marker so a test can tell a document's
bytes from Textual's own escape sequences in the raw terminal stream.
"""

from __future__ import annotations

import re
from pathlib import Path

# name -> (raw payload as stored in a document, how the display must show it)
PAYLOADS: dict[str, tuple[str, str]] = {
    "osc52": ("\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"),
    "osc52st": ("\x1b]52;c;U1Q=\x1b\\", "␛]52;c;U1Q=␛\\"),
    "title": ("\x1b]0;pwned\x07", "␛]0;pwned␇"),
    "title2": ("\x1b]2;pwned2\x1b\\", "␛]2;pwned2␛\\"),
    "osc8": ("\x1b]8;;file:///etc/passwd\x1b\\", "␛]8;;file:///etc/passwd␛\\"),
    "csi": ("CSIX\x1b[2J", "CSIX␛[2J"),
    "csi21t": ("TITLEQ\x1b[21t", "TITLEQ␛[21t"),
    "dcs": ("\x1bP+q544e\x1b\\", "␛P+q544e␛\\"),
    "c1csi": ("CONEX\x9b2J", "CONEX\\x9b2J"),
    "c1osc": ("\x9d0;c1title\x9c", "\\x9d0;c1title\\x9c"),
    "c1dcs": ("\x90c1dcs\x9c", "\\x90c1dcs\\x9c"),
    "nul": ("NULX\x00Y", "NULX␀Y"),
    "del": ("DELX\x7fY", "DELX␡Y"),
    "rlo": ("RLOX\u202eevil", "RLOX<U+202E>evil"),
    "isolate": ("ISOX\u2066iso\u2069", "ISOX<U+2066>iso<U+2069>"),
}

MARKUP = [
    "[@click=app.quit]Acme Holdings[/]",
    "x[/]y",
    "[link=file:///etc/passwd]LinkText[/link]",
    "[bold]Boss[/bold]",
    "Smith [aka] J.",
]

# Names the extractor is taught to see, so hostile strings become entity names.
HOSTILE_NAMES = [
    "Acme\x1b]0;pwned\x07Corp",
    "Boris\u202eVokov",
    "Nadia\x9b2JPetrova",
    "Zed\x1b]52;c;SGVsbG8=\x07Zulu",
]

RAW_FORBIDDEN = [
    "\t",  # Textual expands tabs; a raw one would move the cursor over stale cells
    "\x1b]52",
    "\x1b]0;",
    "\x1b]2;",
    "\x1b]8;;file",
    "\x1bP",
    "\x00",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u2069",
]
# Text that precedes a payload's control character; in the stream it must be
# followed by the visible form, never by the control itself.
RAW_AFTER_MARKER = {"CSIX": "\x1b", "TITLEQ": "\x1b", "CONEX": "\x9b", "NULX": "\x00"}
C1 = re.compile("[\x80-\x9f]")


def hostile_text() -> str:
    """A report mixing every payload and markup string with names an extractor finds."""
    lines = ["Hostile report\n"]
    for name, (raw, _) in PAYLOADS.items():
        lines.append(f"Payload {name}: before {raw} after. Henri Martin was there.\n")
    for m in MARKUP:
        lines.append(f"Markup {m} and Henri Martin.\n")
    lines.append("Tabbed\tcolumns\tand Henri Martin.\n")
    for n in HOSTILE_NAMES:
        lines.append(f"{n} met Henri Martin in Paris.\n")
    return "\n".join(lines)


def write_hostile_folder(folder: Path, *, long_line: int = 300_000) -> Path:
    """The acceptance folder: escapes, markup, bidi file names, NUL, a 300 KB single line."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.txt").write_text(hostile_text(), encoding="utf-8")
    (folder / "evil\x1b]0;pwnedname\x07.txt").write_text(
        "A file whose name sets the title. Henri Martin again.\n", encoding="utf-8"
    )
    (folder / "invoice\u202etxt.exe.md").write_text(
        "# Bidi \u202etitle\u202c here\n\nHenri Martin signed [/] it.\n", encoding="utf-8"
    )
    (folder / "people.csv").write_text(
        "name,kind,aliases\n"
        '"Ali\u202eecnI",person,"[/]|[@click=app.quit]Q[/]"\n'
        '"[bold]Bogus[/bold] Ltd",company,\n',
        encoding="utf-8",
    )
    (folder / "links.csv").write_text(
        "source,target,relation,source_kind,target_kind\n"
        'Alice Smith,Bob Jones,"pays\u202eevil [/]",person,person\n',
        encoding="utf-8",
    )
    word = "lorem\x1b[2Jipsum "
    (folder / "long.txt").write_text(
        "Henri Martin " + word * (long_line // len(word)), encoding="utf-8"
    )
    return folder


def hostile_patterns() -> dict[str, str]:
    """PatternExtractor patterns: hostile names become person entities."""
    return {"person": "|".join(re.escape(n) for n in [*HOSTILE_NAMES, "Henri Martin"])}


def build_hostile_case(root: Path) -> Path:
    """The hostile folder imported into `root/case.db` with the hostile-name extractor."""
    from conftest import PatternExtractor

    from casework.db.connection import open_case
    from casework.importers.pipeline import import_paths

    folder = write_hostile_folder(root / "docs")
    case = root / "case.db"
    conn = open_case(case, create=True)
    summary = import_paths(conn, [folder], extractor=PatternExtractor(hostile_patterns()))
    assert not summary.failed, summary.failed
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return case
