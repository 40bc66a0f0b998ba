"""The `casework` command. Textual is imported only by `open` and `demo`.

Output contract (DESIGN.md section 4): plain text for people, `--json` for
scripts; errors are one line on stderr and a non-zero exit, never a traceback
for a user's mistake. Document text is made visible-safe before printing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casework import __version__
from casework.tui.sanitize import visible_line

if TYPE_CHECKING:
    from casework.importers.pipeline import FileOutcome, ImportLimits

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2, 64
KINDS = ("person", "organization", "place", "date", "money")
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


class UserError(Exception):
    """A mistake the user can fix; shown as one line."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line and exit 64, so exit 2 keeps meaning 'a file failed'."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _error(f"{message} (see `{self.prog} --help`)")
        raise SystemExit(EXIT_USAGE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # `casework entities | head`: the reader went away, which is fine.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        # A bug: one line and a log path; a traceback could quote document text.
        from casework.tui.crash import crash_message

        print(crash_message(exc), file=sys.stderr)
        return 70


def _error(message: str) -> None:
    print(f"casework: {visible_line(message)}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="case file (default: $CASEWORK_DB or ./case.db)",
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output"
    )
    parser = _Parser(
        prog="casework",
        parents=[common],
        description="Offline case explorer: import documents, find entities, follow evidence.",
    )
    parser.add_argument("--version", action="version", version=f"casework {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[common], help="import files and folders into the case")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--extractor",
        default="rules",
        help="entity extractor: rules (default, built in) or spacy:MODEL "
        "(an installed spaCy model)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        metavar="N",
        help="worker processes for reading and extraction (default: cores, max 4)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="time one file may take to read and extract before it fails (default: 120)",
    )
    p.add_argument(
        "--max-file-mb",
        type=float,
        default=200.0,
        metavar="MB",
        help="larger files fail with a reason instead of being read (default: 200)",
    )
    p.add_argument(
        "--max-archive-mb",
        type=float,
        default=1000.0,
        metavar="MB",
        help="most an archive may expand to, nested archives included (default: 1000)",
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("open", parents=[common], help="explore a case in the terminal")
    p.add_argument("case", nargs="?", metavar="DB", help="case file (overrides --db)")
    p.add_argument("--read-only", action="store_true", help="open without writing anything")
    p.set_defaults(handler=cmd_open)

    p = sub.add_parser("demo", parents=[common], help="build the bundled demo case and open it")
    p.add_argument("--no-open", action="store_true", help="build it and print its path only")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("search", parents=[common], help="fuzzy search entities and passages")
    p.add_argument("query", nargs="+")
    p.add_argument("--kind", choices=(*KINDS, "passage"))
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("entities", parents=[common], help="list entities")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--limit", type=int)
    p.set_defaults(handler=cmd_entities)

    p = sub.add_parser("show", parents=[common], help="one entity with its evidence")
    p.add_argument("id", type=int)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("mentions", parents=[common], help="every mention, with offsets")
    p.add_argument("--source", type=int, metavar="ID")
    p.set_defaults(handler=cmd_mentions)

    p = sub.add_parser("sources", parents=[common], help="imported documents and failures")
    p.add_argument("--failed", action="store_true", help="only the files that failed")
    p.set_defaults(handler=cmd_sources)

    p = sub.add_parser("check", parents=[common], help="integrity and foreign-key checks")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("export", parents=[common], help="write the case in another format")
    p.add_argument(
        "--format",
        choices=("ftm",),
        default="ftm",
        help="ftm: FollowTheMoney entities, one JSON object per line (default)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    p.add_argument(
        "--no-co-mentions",
        action="store_true",
        help="leave out co-mention links (typed links only)",
    )
    p.set_defaults(handler=cmd_export)
    return parser


# -- helpers --------------------------------------------------------------------------


def _case_path(args: argparse.Namespace) -> Path:
    from casework.db.connection import default_case_path

    return Path(getattr(args, "db", None) or default_case_path())


def _connect(
    args: argparse.Namespace, *, create: bool = False, readonly: bool = True
) -> sqlite3.Connection:
    from casework.db.connection import CaseError, open_case

    path = _case_path(args)
    try:
        if readonly and path.exists() and not os.access(path, os.W_OK):
            return open_case(path, readonly=True)
        # Queries still open read-write when they can, so an old schema is upgraded once.
        return open_case(path, create=create, readonly=False)
    except CaseError as exc:
        raise UserError(str(exc)) from None
    except sqlite3.Error as exc:
        raise UserError(f"{path}: {exc}") from None


def _json_out(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def _table(rows: Iterable[Sequence[object]], headers: Sequence[str]) -> None:
    cells = [[visible_line("" if v is None else str(v)) for v in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        for i, v in enumerate(r):
            widths[i] = min(max(widths[i], len(v)), 60)
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(headers))
    print(line.rstrip())
    for r in cells:
        print("  ".join(_clip(v, widths[i]).ljust(widths[i]) for i, v in enumerate(r)).rstrip())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


# -- commands ---------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from casework.db.connection import CaseError, check_health, import_lock
    from casework.db.writer import CaseWriter
    from casework.importers.discover import discover
    from casework.importers.pipeline import import_paths
    from casework.tui.progress import Progress

    extractor = _extractor(args.extractor)
    missing = [p for p in args.paths if not os.path.exists(p)]
    for p in missing:
        _error(f"{p}: no such file or directory")
    conn = _connect(args, create=True, readonly=False)
    tty = sys.stderr.isatty() and not _wants_json(args)
    present = [p for p in args.paths if os.path.exists(p)]
    files = list(discover(present))  # known up front, so progress can show an ETA
    progress = Progress.for_files(files, skip=CaseWriter(conn).own_files())

    def report(outcome: FileOutcome) -> None:
        _refusal_fails(outcome)
        progress.outcome(outcome.path, outcome.read, outcome.status)
        if outcome.status == "failed":
            if tty:
                sys.stderr.write("\r\x1b[K")
            print(
                f"{visible_line(outcome.path)}: {visible_line(outcome.reason or '')}",
                file=sys.stderr,
            )
        if tty:
            sys.stderr.write("\r\x1b[K" + progress.line(Path(outcome.path).name))
            sys.stderr.flush()

    try:
        with import_lock(_case_path(args)):
            check_health(conn, _case_path(args))
            summary = import_paths(
                conn,
                files,
                extractor=extractor,
                on_file=report,
                jobs=max(1, args.jobs),
                limits=_limits(args),
            )
    except CaseError as exc:
        raise UserError(str(exc)) from None
    if tty:
        sys.stderr.write("\r\x1b[K")
    conn.close()
    for outcome in summary.files:
        _refusal_fails(outcome)
    data = summary.to_json()
    if _wants_json(args):
        data["missing"] = missing
        _json_out(data)
        return EXIT_PARTIAL if summary.failed or missing else EXIT_OK
    skipped = summary.count("skipped")
    duplicates = summary.count("duplicate")
    mb = data["bytes"] / 1e6  # type: ignore[operator]
    print(
        f"imported {summary.count('imported')}, unchanged {summary.count('unchanged')}, "
        f"failed {len(summary.failed) + len(missing)}"
        + (f", duplicates {duplicates} (same bytes, stored once)" if duplicates else "")
        + (f", skipped {skipped}" if skipped else "")
        + f": {data['passages']} passages, {data['mentions']} mentions, {mb:.1f} MB "
        f"in {summary.seconds:.1f} s -> {visible_line(str(_case_path(args)))}"
    )
    _print_skipped([(f.path, f.reason or "") for f in summary.files if f.status == "skipped"])
    failures = [(f.path, f.reason or "") for f in summary.failed] + [
        (p, "no such file or directory") for p in missing
    ]
    if failures:
        print("failed:")
        for path, reason in failures:
            print(f"  {visible_line(path)}: {visible_line(reason)}")
    return EXIT_PARTIAL if failures else EXIT_OK


def _refusal_fails(outcome: FileOutcome) -> None:
    """A member refused as hostile (its path escapes the archive) is a failure, not a skip.

    The pipeline skips it like a file of unknown format; but it is material we
    did not import because it attacked us, so the analyst must see it per file,
    in `failed`, and the exit code says so.
    """
    from casework.importers.archives import is_refusal

    if outcome.status == "skipped" and is_refusal(outcome.reason):
        outcome.status = "failed"


SKIPPED_SHOWN = 10  # paths listed per reason in plain output; --json lists them all


def _print_skipped(skipped: Sequence[tuple[str, str]]) -> None:
    """Skipped files grouped by reason, most common first, with their paths."""
    if not skipped:
        return
    groups: dict[str, list[str]] = {}
    for path, reason in skipped:
        groups.setdefault(reason or "no reason given", []).append(path)
    print("skipped:")
    for reason, paths in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        print(f"  {visible_line(reason)}: {len(paths)} file{'s' if len(paths) != 1 else ''}")
        for path in paths[:SKIPPED_SHOWN]:
            print(f"    {visible_line(path)}")
        if len(paths) > SKIPPED_SHOWN:
            print(f"    … and {len(paths) - SKIPPED_SHOWN} more (--json lists them all)")


def _limits(args: argparse.Namespace) -> ImportLimits:
    from casework.importers.archives import ArchiveLimits
    from casework.importers.pipeline import ImportLimits

    if args.timeout <= 0 or args.max_file_mb <= 0 or args.max_archive_mb <= 0:
        raise UserError("--timeout, --max-file-mb and --max-archive-mb must be positive")
    return ImportLimits(
        max_bytes=int(args.max_file_mb * 1_000_000),
        archive=ArchiveLimits(max_total=int(args.max_archive_mb * 1_000_000)),
        timeout=args.timeout,
    )


def _extractor(spec: str) -> Any:
    if spec == "rules":
        from casework.importers.pipeline import default_extractor

        return default_extractor()
    if spec.startswith("spacy:") and len(spec) > len("spacy:"):
        from casework.importers.extract.spacy_backend import SpacyExtractor, SpacyUnavailable

        try:
            return SpacyExtractor(spec.removeprefix("spacy:"))
        except SpacyUnavailable as exc:
            raise UserError(str(exc)) from None
    raise UserError(f"unknown extractor {spec!r} (available: rules, spacy:MODEL)")


def cmd_search(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    hits = queries.search(conn, " ".join(args.query), kind=args.kind, limit=args.limit)
    if _wants_json(args):
        _json_out(
            [
                {
                    "type": h.type,
                    "id": h.id,
                    "name": h.name if h.type == "entity" else None,
                    "text": h.name if h.type == "passage" else None,
                    "kind": h.kind,
                    "score": h.score,
                    "source_id": h.source_id,
                    "matched": h.matched,
                    "mentions": h.mentions if h.type == "entity" else None,
                    "location": h.location,
                }
                for h in hits
            ]
        )
        return EXIT_OK
    if not hits:
        print("no results", file=sys.stderr)
        return EXIT_OK
    _table(
        [
            (
                h.type[0].upper() + str(h.id),
                h.kind,
                f"{h.score:.0f}",
                h.name
                + (f"  (alias {h.matched})" if h.matched else "")
                + (f"  [{h.source_title} {h.location}]" if h.type == "passage" else ""),
            )
            for h in hits
        ],
        ("id", "kind", "score", "name / passage"),
    )
    return EXIT_OK


def cmd_entities(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    rows = queries.list_entities(conn, kind=args.kind, limit=args.limit)
    if _wants_json(args):
        _json_out([r.to_json() for r in rows])
        return EXIT_OK
    _table(
        [
            (
                r.id,
                r.kind,
                r.mentions,
                r.sources,
                r.name + (f"  aka {', '.join(r.aliases)}" if r.aliases else ""),
            )
            for r in rows
        ],
        ("id", "kind", "mentions", "sources", "name"),
    )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    try:
        ent = queries.get_entity(conn, args.id)
    except queries.NotFound as exc:
        raise UserError(str(exc)) from None
    if _wants_json(args):
        _json_out(ent.to_json())
        return EXIT_OK
    print(
        f"{visible_line(ent.name)}  ({visible_line(ent.kind)}, id {ent.id})"
        + (f"  value {visible_line(ent.value)}" if ent.value else "")
    )
    print(f"{ent.mention_count} mentions in {ent.source_count} sources")
    if ent.aliases:
        print("aliases:")
        for a in ent.aliases:
            print(f"  {visible_line(a.alias)}  ×{a.count}  ({visible_line(a.rule)})")
    if ent.links:
        print("links:")
        for link in ent.links[:30]:
            print(
                f"  {visible_line(link.name)}  {visible_line(link.kind)}  "
                f"{visible_line(link.relation)}  weight {link.weight}"
            )
        if len(ent.links) > 30:
            print(f"  … {len(ent.links) - 30} more (--json for all)")
    print("mentions:")
    for m in ent.mentions:
        rel = m.start - m.passage_start
        snippet = m.passage_text[max(0, rel - 60) : rel + len(m.text) + 60]
        print(
            f"  [{visible_line(m.source_title)} {visible_line(m.location)}] {m.start}-{m.end}: "
            f"…{visible_line(snippet)}…"
        )
    return EXIT_OK


def cmd_mentions(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    rows = queries.iter_mentions(conn, source_id=args.source)
    if _wants_json(args):
        _json_out([r.to_json() for r in rows])
        return EXIT_OK
    _table(
        [(r.entity_id, r.kind, r.source_id, r.start, r.end, r.text) for r in rows],
        ("entity", "kind", "source", "start", "end", "text"),
    )
    return EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    rows = queries.list_sources(conn, failed_only=args.failed)
    if _wants_json(args):
        _json_out([r.to_json() for r in rows])
        return EXIT_OK
    _table(
        [(r.id, r.status, r.format, r.passages, r.title or "", r.reason or r.path) for r in rows],
        ("id", "status", "format", "passages", "title", "path / reason"),
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from casework.db import queries

    conn = _connect(args)
    try:
        messages, fks = queries.integrity(conn)
        pending = queries.pending_passages(conn)
    except sqlite3.DatabaseError as exc:
        # Damage can stop the foreign-key or full-text check part-way: a finding, not a crash.
        messages, fks, pending = [*_integrity_problems(conn), f"check stopped: {exc}"], [], 0
    ok = messages == ["ok"] and not fks
    if _wants_json(args):
        _json_out(
            {"ok": ok, "integrity_check": messages, "foreign_key_check": fks, "pending": pending}
        )
    else:
        print(
            "ok"
            if ok
            else "\n".join(visible_line(m) for m in messages)
            + "".join(f"\nforeign key: {fk}" for fk in fks)
        )
        if pending:
            print(
                f"{pending} passages not yet indexed or counted (an import was interrupted):"
                " run `casework import` again to finish"
            )
    return EXIT_OK if ok else EXIT_ERROR


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """PRAGMA integrity_check's findings (not 'ok'), or why it could not run."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [f"integrity_check: {exc}"]
    return [r for r in rows if r != "ok"]


def cmd_export(args: argparse.Namespace) -> int:
    from casework.importers.ftm_export import write_ftm

    conn = _connect(args)
    co_mentions = not args.no_co_mentions
    try:
        if not args.output or args.output == "-":
            write_ftm(conn, sys.stdout, co_mentions=co_mentions)
            sys.stdout.flush()
            return EXIT_OK
        entities, links = _export_to_file(Path(args.output), conn, co_mentions=co_mentions)
    except sqlite3.Error as exc:
        raise UserError(f"{_case_path(args)}: {exc}") from None
    if _wants_json(args):
        _json_out(
            {"format": args.format, "path": args.output, "entities": entities, "links": links}
        )
    else:
        print(f"exported {entities} entities, {links} links -> {visible_line(args.output)}")
    return EXIT_OK


def _export_to_file(path: Path, conn: sqlite3.Connection, *, co_mentions: bool) -> tuple[int, int]:
    """(entities, links) written through a private temporary file renamed into place: a
    failed export leaves no half-written file, and the export is as private (0600) as
    the case it comes from."""
    from casework.importers.ftm_export import write_ftm

    if path.is_dir():
        raise UserError(f"{path}: is a directory")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            counts = write_ftm(conn, f, co_mentions=co_mentions)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return counts.entities, counts.links


def cmd_open(args: argparse.Namespace) -> int:
    path = Path(args.case) if args.case else _case_path(args)
    if not path.exists():
        raise UserError(f"{path}: no such case file (create one with `casework import`)")
    return _run_app(path, readonly=args.read_only)


def cmd_demo(args: argparse.Namespace) -> int:
    from casework.importers.demo import build_demo

    try:
        path = build_demo()
    except OSError as exc:
        raise UserError(f"cannot build the demo case: {exc.strerror or exc}") from None
    if args.no_open:
        print(path)
        return EXIT_OK
    return _run_app(path, readonly=False)


def _run_app(path: Path, *, readonly: bool) -> int:
    from casework.db.connection import CaseError, open_case

    try:
        open_case(path, readonly=readonly or not os.access(path, os.W_OK)).close()
    except CaseError as exc:
        raise UserError(str(exc)) from None
    try:
        from casework.tui.app import run_app
    except ImportError:
        raise UserError("the explorer is not available in this build") from None
    return run_app(path, readonly=readonly)
