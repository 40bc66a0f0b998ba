"""The import: discover -> read -> normalise -> segment -> extract -> resolve -> link -> write.

One `BEGIN IMMEDIATE` transaction per document, so a failure loses only that
document; a file whose bytes are unchanged since the last import is skipped.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PurePosixPath
from typing import NamedTuple

from casework.db.normalise import last_token, normalise_name
from casework.db.writer import Candidate, CaseWriter, PassageRecord, SourceRecord, SourceState
from casework.importers.archives import ArchiveLimits, expand, is_archive, is_refusal
from casework.importers.discover import discover
from casework.importers.extract.base import Extractor, Mention
from casework.importers.headers import HEADER_KEY, has_headers, header_parties
from casework.importers.readers import ReadError, ReadResult, reader_for
from casework.importers.readers.mail import attachments as mail_attachments
from casework.importers.relations import typed_relations
from casework.importers.resolve import (
    DocEntity,
    Stated,
    choose_name,
    match_in_case,
    resolve_document,
)
from casework.importers.segment import Segment, normalise_text, segment
from casework.importers.workers import Failed, ForkPool

MAX_FILE_BYTES = 200 * 1024 * 1024
INDEX_EVERY_S = 2.0  # how often passages written so far join the full-text index
MAX_NESTING = 4  # attachments of attachments, archives in e-mails: how deep we follow


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Caps that keep one hostile file from taking the import down with it."""

    max_bytes: int = MAX_FILE_BYTES  # per file, archives included
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)
    # Seconds one file (with its attachments or members) may take to read and
    # extract; None runs in process without a limit. Only enforced in workers.
    timeout: float | None = None


@dataclass(slots=True)
class FileOutcome:
    path: str
    status: str  # "imported" | "unchanged" | "duplicate" | "skipped" | "failed"
    reason: str | None = None
    passages: int = 0
    mentions: int = 0
    bytes: int = 0
    # Bytes of the file given on the command line that this outcome finishes
    # (0 for an archive member or attachment that is not the last): progress.
    read: int = 0


@dataclass(slots=True)
class ImportSummary:
    files: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]

    def to_json(self) -> dict[str, object]:
        return {
            "imported": self.count("imported"),
            "unchanged": self.count("unchanged"),
            "duplicates": [
                {"path": f.path, "reason": f.reason} for f in self.files if f.status == "duplicate"
            ],
            "skipped": [
                {"path": f.path, "reason": f.reason} for f in self.files if f.status == "skipped"
            ],
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "passages": sum(f.passages for f in self.files),
            "mentions": sum(f.mentions for f in self.files),
            "bytes": sum(f.bytes for f in self.files if f.status == "imported"),
            "seconds": round(self.seconds, 3),
        }


def default_extractor() -> Extractor:
    from casework.importers.extract.rules import default_extractor as rules

    return rules()


def import_paths(
    conn: sqlite3.Connection,
    paths: Iterable[str | os.PathLike[str]],
    *,
    extractor: Extractor | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    jobs: int = 1,
    limits: ImportLimits | None = None,
) -> ImportSummary:
    """Import every file under `paths`; failures are recorded and reported, never fatal.

    With `jobs` > 1 (or a time limit), reading and extraction run in worker
    processes while this process writes, one document per transaction, in file
    order. Archive members and e-mail attachments are documents of their own,
    keyed `archive/member` and `message/attachment`.
    """
    extractor = extractor or default_extractor()
    limits = limits or ImportLimits(max_bytes=max_bytes)
    writer = CaseWriter(conn)
    summary = ImportSummary()
    t0 = time.perf_counter()
    tasks = _tasks(writer, discover(paths), limits.max_bytes)
    writer.index_pending(choose_name)  # what a killed import left undone
    last_index = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.enter_context(writer.bulk())
        stack.callback(_index_at_end, writer)
        written: set[str] = set()  # bytes written by this import, to catch duplicates
        for item in _prepare_all(tasks, extractor, jobs, limits):
            if isinstance(item, Prepared) and item.sha in written:
                # Read in parallel with its twin, before that one was written: decide again.
                decided = _decide(writer, item.key, item.sha, item.size)
                if isinstance(decided, FileOutcome):
                    item = decided
            if isinstance(item, FileOutcome):
                item.read = item.bytes
                outcomes = [item]
            else:
                written.add(item.sha)
                outcomes = list(write_tree(writer, item)) or [
                    FileOutcome(item.key, "skipped", "archive holds no file")
                ]
                outcomes[-1].read = item.size
            for outcome in outcomes:
                summary.files.append(outcome)
                if on_file:
                    on_file(outcome)
            if time.perf_counter() - last_index > INDEX_EVERY_S:
                # New passages become searchable, counted and linked while we go on.
                writer.index_pending(choose_name)
                last_index = time.perf_counter()
    summary.seconds = time.perf_counter() - t0
    return summary


def _index_at_end(writer: CaseWriter) -> None:
    # On failure (disk full...) the documents are stored; the next import catches up.
    with contextlib.suppress(sqlite3.Error):
        writer.index_pending(choose_name)


@dataclass(slots=True)
class Task:
    """One document to read: its bytes and what the case already knows of it."""

    key: str
    name: str
    data: bytes
    sha: str
    state: SourceState | None
    depth: int = 0


@dataclass(slots=True)
class Prepared:
    """A document read, segmented, extracted and resolved: all but the write (no DB)."""

    key: str
    name: str
    sha: str
    size: int
    state: SourceState | None
    extractor: str
    failure: str | None = None
    skip: str | None = None  # not a document we read (a member of unknown format)
    container: bool = False  # an archive: its members are the documents
    record: SourceRecord | None = None
    passages: list[PassageRecord] = field(default_factory=list)
    entities: list[EntityRows] = field(default_factory=list)
    # (entity index, entity index, relation, passage index): what the document states
    relations: list[tuple[int, int, str, int]] = field(default_factory=list)
    children: list[Prepared] = field(default_factory=list)  # attachments, archive members


class EntityRows(NamedTuple):
    """One document entity as the writer needs it, in plain values.

    Built in the worker (normalising, placing mentions in passages), so the
    single writer only matches and inserts, and the pickle between the two
    processes is tuples rather than thousands of small objects.
    """

    kind: str
    value: str | None
    created_by: str
    record: bool  # a record the source keeps apart from its other records
    rules: dict[str, str]  # alias -> the rule that joined it
    norms: frozenset[str]  # normalised aliases, for matching across the case
    lasts: frozenset[str]  # last tokens of a person's norms: candidates sharing a surname
    alias_keys: list[tuple[str, str, str]]  # (alias, norm, last) for the aliases table
    aliases: list[tuple[str, int]]  # (alias, mentions) for choosing a new entity's name
    # (start, end, text, extractor, score, passage index)
    mentions: list[tuple[int, int, str, str, float, int]]


def _tasks(
    writer: CaseWriter, paths: Iterable[Path], max_bytes: int
) -> Iterator[Task | FileOutcome]:
    own = writer.own_files()  # `casework import . --db case.db` must not read the case
    inside_own = tuple(f + os.sep for f in own)
    for path in paths:
        key = str(path.resolve()) if path.exists() else str(path)
        if key in own or key.startswith(inside_own):
            continue
        fmt = path.suffix.lower().lstrip(".") or None
        try:
            size = path.stat().st_size
        except OSError as exc:
            yield FileOutcome(key, "failed", _os_reason(exc))
            continue
        if not path.is_file():
            yield FileOutcome(key, "failed", "not a regular file")
            continue
        if reader_for(path) is None and not is_archive(path.name):
            yield FileOutcome(key, "skipped", _unsupported(path.name))
            continue
        if size > max_bytes:
            reason = f"file exceeds limit ({size // 1_000_000} MB > {max_bytes // 1_000_000} MB)"
            yield _fail(writer, key, reason, fmt, None, size)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield _fail(writer, key, _os_reason(exc), fmt, None, size)
            continue
        yield task_for(writer, key, path.name, data)


def task_for(writer: CaseWriter, key: str, name: str, data: bytes) -> Task | FileOutcome:
    """A Task, or 'unchanged' when the case already holds these exact bytes under `key`."""
    sha = hashlib.sha256(data).hexdigest()
    decided = _decide(writer, key, sha, len(data))
    if isinstance(decided, FileOutcome):
        return decided
    return Task(key, name, data, sha, decided.state)


@dataclass(slots=True)
class _Go:
    state: SourceState | None


def _decide(writer: CaseWriter, key: str, sha: str, size: int) -> FileOutcome | _Go:
    """Unchanged, a duplicate of a stored source (recorded now), or go ahead."""
    state = writer.source_state(key)
    if state and state.status == "ok" and state.sha256 == sha:
        return FileOutcome(key, "unchanged", bytes=size)
    if state is None or state.status == "failed":
        if writer.known_duplicate(key, sha):
            return FileOutcome(key, "unchanged", bytes=size)
        original = writer.duplicate_of(sha, key)
        if original is not None:
            with writer.document():
                writer.add_duplicate_path(original.id, key)
                if state is not None:
                    writer.remove_source(state.id)  # an earlier failure of this path
            return FileOutcome(key, "duplicate", f"same bytes as source {original.id}", bytes=size)
    return _Go(state)


def import_data(
    writer: CaseWriter, key: str, name: str, data: bytes, extractor: Extractor
) -> FileOutcome:
    """Import one document's bytes under `key` (its path, or archive/member), in process."""
    task = task_for(writer, key, name, data)
    if isinstance(task, FileOutcome):
        return task
    outcomes = list(write_tree(writer, prepare(task, extractor)))
    _index_at_end(writer)
    return outcomes[0] if outcomes else FileOutcome(key, "skipped", "archive holds no file")


def prepare(task: Task, extractor: Extractor, limits: ImportLimits | None = None) -> Prepared:
    """Everything but the write; pure, so it can run in a worker process."""
    limits = limits or ImportLimits()
    if is_archive(task.name):
        return _prepare_archive(task, extractor, limits)
    out = Prepared(task.key, task.name, task.sha, len(task.data), task.state, extractor.name)
    reader = reader_for(PurePath(task.name))
    if reader is None:
        out.failure = _unsupported(task.name)
        return out
    if not task.data.strip():
        out.failure = "empty file"
        return out
    try:
        result = _with_header_parties(reader(task.data, name=task.name))
        text, stated = _stated(result)
        if not text.strip():
            raise ReadError("no text in this file")
        segments = segment(text, result.page_starts)
        mentions = extractor.extract(text)
        if result.extract_kinds is not None:
            mentions = [m for m in mentions if m.kind in result.extract_kinds]
        entities = resolve_document(text, mentions, [s for _, s in stated])
        relations = _relations(result, stated, entities) + typed_relations(text, entities)
    except ReadError as exc:
        out.failure = str(exc) or "unreadable"
        return out
    except RecursionError:
        out.failure = "structure nested too deeply"
        return out
    except MemoryError:
        out.failure = "out of memory reading this file"
        return out
    except Exception as exc:  # a reader or extractor bug must not stop the import
        out.failure = f"internal error ({type(exc).__name__})"
        return out
    metadata = {**result.metadata, "name": task.name}
    if task.depth:
        metadata["parent"] = task.key.rsplit("/", 1)[0]
    out.record = SourceRecord(
        path=task.key,
        title=result.title or task.name,
        format=result.format,
        sha256=task.sha,
        bytes=len(task.data),
        encoding=result.encoding,
        published=result.published,
        metadata=metadata,
        chars=len(text),
        tail=text[segments[-1].end :] if segments else text,
    )
    out.passages, out.entities, out.relations = _rows(
        text, segments, entities, relations, extractor.name
    )
    if result.format in ("eml", "mbox"):
        out.children = _attachments(task, extractor, limits)
    return out


def _with_header_parties(result: ReadResult) -> ReadResult:
    """E-mail senders and recipients as stated entities, wherever header lines appear."""
    if result.entities or result.spans or not has_headers(result.text):
        return result
    text = normalise_text(result.text)
    entities, spans, relations = header_parties(text)
    if entities:
        result.text, result.entities, result.spans = text, entities, spans
        result.relations = [*result.relations, *relations]
    return result


def _attachments(task: Task, extractor: Extractor, limits: ImportLimits) -> list[Prepared]:
    if task.depth >= MAX_NESTING:
        return []
    try:
        found = mail_attachments(task.data, name=task.name)
    except ReadError:
        return []  # the message itself was read; its attachments are not reachable
    return [_child(task, name, data, extractor, limits) for name, data in found]


def _prepare_archive(task: Task, extractor: Extractor, limits: ImportLimits) -> Prepared:
    """Members become child documents; a refused archive (bomb, too deep) fails whole."""
    out = Prepared(task.key, task.name, task.sha, len(task.data), task.state, extractor.name)
    skipped: list[tuple[str, str]] = []
    try:
        members = list(expand(task.data, task.name, limits=limits.archive, skipped=skipped))
    except ReadError as exc:
        out.failure = str(exc) or "unreadable archive"
        return out
    except Exception as exc:  # a bug in a decompressor must not stop the import
        out.failure = f"internal error ({type(exc).__name__})"
        return out
    out.container = True
    out.children = [_child(task, member, data, extractor, limits) for member, data in members]
    for member, reason in skipped:
        key = f"{task.key}/{member}"
        if is_refusal(reason):  # hostile, not merely unread: a failure the case records
            refused = Prepared(key, member, "", 0, None, extractor.name)
            refused.failure = reason
            out.children.append(refused)
        else:
            out.children.append(Prepared(key, member, "", 0, None, extractor.name, skip=reason))
    return out


def _child(
    parent: Task, member: str, data: bytes, extractor: Extractor, limits: ImportLimits
) -> Prepared:
    key = f"{parent.key}/{member}"
    name = PurePosixPath(member).name or member
    sha = hashlib.sha256(data).hexdigest()
    if reader_for(PurePath(name)) is None and not is_archive(name):
        return Prepared(key, name, sha, len(data), None, extractor.name, skip=_unsupported(name))
    if len(data) > limits.max_bytes:
        failed = Prepared(key, name, sha, len(data), None, extractor.name)
        failed.failure = f"file exceeds limit ({len(data) // 1_000_000} MB)"
        return failed
    return prepare(Task(key, name, data, sha, None, parent.depth + 1), extractor, limits)


def _unsupported(name: str) -> str:
    return f"unsupported format ({PurePath(name).suffix or 'no extension'})"


def write_tree(writer: CaseWriter, p: Prepared) -> Iterator[FileOutcome]:
    """Write a prepared document, then its attachments or members, each on its own."""
    if p.skip is not None:
        yield FileOutcome(p.key, "skipped", p.skip, bytes=p.size)
        return
    if p.container and p.failure is None:
        if p.state is not None:  # the archive failed last time: forget that
            with writer.document():
                writer.remove_source(p.state.id)
    else:
        yield write_prepared(writer, p)
    for child in p.children:
        if child.skip is None and not child.container:
            decided = _decide(writer, child.key, child.sha, child.size)
            if isinstance(decided, FileOutcome):
                yield decided
                continue
            child.state = decided.state
        yield from write_tree(writer, child)


def write_prepared(writer: CaseWriter, p: Prepared) -> FileOutcome:
    """The document's one transaction: all its rows, or (on failure) none of them."""
    fmt = PurePath(p.name).suffix.lower().lstrip(".") or None
    if p.failure is not None or p.record is None:
        return _fail(writer, p.key, p.failure or "unreadable", fmt, p.sha, p.size)
    try:
        with writer.document():
            n_mentions = _write(writer, p)
    except sqlite3.Error as exc:
        reason = f"database error: {exc}"
        if "full" in str(exc):
            reason = "disk full: the case is unchanged for this file"
        return _fail(writer, p.key, reason, fmt, p.sha, p.size)
    except Exception as exc:  # a bug in resolve/link: this document rolls back, others go on
        return _fail(writer, p.key, f"internal error ({type(exc).__name__})", fmt, p.sha, p.size)
    return FileOutcome(
        p.key, "imported", passages=len(p.passages), mentions=n_mentions, bytes=p.size
    )


# What a forked worker uses: set before the pool forks, so it is inherited
# (gazetteers and all) instead of pickled.
_WORKER: tuple[Extractor, ImportLimits] | None = None


def _prepare_in_worker(task: Task | FileOutcome) -> Prepared | FileOutcome:
    assert _WORKER is not None and isinstance(task, Task)
    return prepare(task, *_WORKER)


def _prepare_all(
    tasks: Iterator[Task | FileOutcome], extractor: Extractor, jobs: int, limits: ImportLimits
) -> Iterator[Prepared | FileOutcome]:
    """Prepared documents in task order; with jobs > 1 or a time limit, by forked workers."""
    if jobs <= 1 and limits.timeout is None:
        for t in tasks:
            yield t if isinstance(t, FileOutcome) else prepare(t, extractor, limits)
        return
    global _WORKER
    _WORKER = (extractor, limits)
    extractor.extract("Warm-up: load gazetteers in Paris before forking.")  # shared, not copied
    pool: ForkPool[Task | FileOutcome, Prepared | FileOutcome] = ForkPool(
        _prepare_in_worker,
        jobs,
        limits.timeout,
        local=lambda t: t if isinstance(t, FileOutcome) else None,  # settled: nothing to read
    )
    for item in pool.map(tasks):
        if isinstance(item, Failed):
            task = item.task
            assert isinstance(task, Task)
            failed = Prepared(task.key, task.name, task.sha, len(task.data), task.state, "")
            failed.failure = item.reason
            yield failed
        else:
            yield item


def _fail(
    writer: CaseWriter, key: str, reason: str, fmt: str | None, sha: str | None, size: int | None
) -> FileOutcome:
    try:
        with writer.document():
            writer.record_failure(key, reason, fmt=fmt, sha256=sha, size=size)
    except sqlite3.Error:
        pass  # the failure is still reported on the command line
    return FileOutcome(key, "failed", reason, bytes=size or 0)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _rows(
    text: str,
    segments: list[Segment],
    entities: list[DocEntity],
    relations: Sequence[tuple[DocEntity, DocEntity, str, int]],
    extractor_name: str,
) -> tuple[list[PassageRecord], list[EntityRows], list[tuple[int, int, str, int]]]:
    """A resolved document as rows: passages, entities with placed mentions, relations."""
    passages = []
    prev = 0
    for s in segments:
        passages.append(
            PassageRecord(
                s.seq, s.start, s.end, s.location, text[prev : s.start], text[s.start : s.end]
            )
        )
        prev = s.end
    starts = [s.start for s in segments]
    out: list[EntityRows] = []
    index: dict[int, int] = {}  # id(DocEntity) -> its position in `out`
    for ent in entities:
        placed = []
        for m in ent.mentions:
            i = _passage_index(starts, segments, m)
            if i is not None:
                placed.append((m.start, m.end, m.text, m.extractor or extractor_name, m.score, i))
        if not placed:
            continue
        norms = frozenset(ent.norms)
        keys = []
        for alias in ent.rules:
            norm = normalise_name(alias)
            keys.append((alias, norm or alias.casefold(), last_token(norm)))
        index[id(ent)] = len(out)
        out.append(
            EntityRows(
                ent.kind,
                ent.value,
                ent.created_by,
                ent.record,
                dict(ent.rules),
                norms,
                frozenset(last_token(n) for n in norms) if ent.kind == "person" else frozenset(),
                keys,
                list(ent.aliases.items()),
                placed,
            )
        )
    stated = []
    for a, b, relation, offset in relations:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and id(a) in index and id(b) in index:
            stated.append((index[id(a)], index[id(b)], relation, i))
    return passages, out, stated


def _write(writer: CaseWriter, p: Prepared) -> int:
    """All of a prepared document's rows, inside the caller's transaction."""
    assert p.record is not None
    touched: set[int] = set()
    if p.state is not None:
        touched |= writer.remove_source(p.state.id)
    source_id = writer.add_source(p.record)
    passage_ids = writer.add_passages(source_id, p.passages)
    mention_rows = []
    alias_rows: list[tuple[int, str, str, str, str]] = []
    entity_ids: list[int] = []
    taken: set[int] = set()  # case entities this document's records joined
    for ent in p.entities:
        entity_id, rules = _entity_for(writer, ent, taken if ent.record else frozenset())
        if ent.record:
            taken.add(entity_id)
        entity_ids.append(entity_id)
        touched.add(entity_id)
        alias_rows.extend(
            (entity_id, alias, norm, last, rules[alias]) for alias, norm, last in ent.alias_keys
        )
        mention_rows.extend(
            (entity_id, passage_ids[i], source_id, start, end, text, extractor, score)
            for start, end, text, extractor, score, i in ent.mentions
        )
    writer.add_aliases(alias_rows)
    writer.add_mentions(mention_rows)
    writer.add_link_evidence(
        [(entity_ids[a], entity_ids[b], rel, passage_ids[i]) for a, b, rel, i in p.relations]
    )
    if p.state is not None:
        # A replaced document: count it now, so what it left empty can go.
        touched |= writer.apply_pending()
        writer.rename(writer.refresh(touched), choose_name)
    # Otherwise counts and names follow in the next batch (writer.index_pending).
    return len(mention_rows)


def _stated(result: ReadResult) -> tuple[str, list[tuple[str, Stated]]]:
    """The text to store and the stated entities, keyed as the reader keyed them."""
    if not (result.spans or result.relations or result.entities):
        return normalise_text(result.text), []
    text = result.text
    if normalise_text(text) != text:
        raise ValueError("reader stated spans on text that is not normalised")
    spans: dict[str, list[tuple[int, int]]] = {}
    for sp in result.spans:
        if 0 <= sp.start < sp.end <= len(text):
            spans.setdefault(sp.key, []).append((sp.start, sp.end))
    stated = [
        (
            e.key,
            Stated(
                e.kind,
                e.name,
                tuple(e.aliases),
                tuple(spans.get(e.key, ())),
                # Header parties are keyed by spelling: "Cc: Meier" may join
                # "From: Meier, Edward F". Records (FtM, table rows) stay apart.
                record=not e.key.startswith(HEADER_KEY),
            ),
        )
        for e in result.entities
    ]
    return text, stated


def _relations(
    result: ReadResult, stated: list[tuple[str, Stated]], entities: list[DocEntity]
) -> list[tuple[DocEntity, DocEntity, str, int]]:
    """Stated relations between the document entities their keys ended up in."""
    if not result.relations:
        return []
    owner: dict[tuple[int, int], DocEntity] = {}
    for ent in entities:
        for m in ent.mentions:
            owner[(m.start, m.end)] = ent
    by_key: dict[str, DocEntity] = {}
    for key, st in stated:
        for span in st.spans:
            if span in owner:
                by_key[key] = owner[span]
                break
    out = []
    for rel in result.relations:
        a, b = by_key.get(rel.a), by_key.get(rel.b)
        if a is not None and b is not None and a is not b:
            out.append((a, b, rel.relation, rel.start))
    return out


def _passage_index(starts: list[int], segments: list[Segment], m: Mention) -> int | None:
    i = bisect.bisect_right(starts, m.start) - 1
    if i < 0 or m.end > segments[i].end:
        return None
    return i


def _entity_for(
    writer: CaseWriter, ent: EntityRows, exclude: AbstractSet[int] = frozenset()
) -> tuple[int, dict[str, str]]:
    """The case entity this document entity joins (or a new one), and its aliases' rules.

    `exclude`: entities another record of the same document already joined; two
    records the source keeps apart do not meet in one entity of the case either.
    """
    if ent.value and ent.kind in ("date", "money", "place"):
        found = writer.find_by_value(ent.kind, ent.value)
        if found and found.entity_id not in exclude:
            return found.entity_id, ent.rules

    def candidates(**keys: Iterable[str]) -> list[Candidate]:
        found = writer.candidates(ent.kind, **keys)
        return [c for c in found if c.entity_id not in exclude] if exclude else found

    match = match_in_case(
        ent.kind,
        ent.norms,
        candidates(norms=ent.norms),
        more=lambda: candidates(lasts=ent.lasts),
    )
    if match:
        entity_id, rule = match
        rules = ent.rules
        if rule != "normalised":
            rules = {a: (rule if r in ("original", "normalised") else r) for a, r in rules.items()}
        return entity_id, rules
    name = choose_name(ent.kind, ent.value, ent.aliases)
    entity_id = writer.add_entity(
        ent.kind, name, normalise_name(name) or name.casefold(), ent.value, ent.created_by
    )
    return entity_id, ent.rules
