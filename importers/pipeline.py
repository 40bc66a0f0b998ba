"""The import: discover -> read -> normalise -> segment -> extract -> resolve -> link -> write.

One `BEGIN IMMEDIATE` transaction per document, so a failure loses only that
document; a file whose bytes are unchanged since the last import is skipped.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from casework.db.normalise import last_token, normalise_name
from casework.db.writer import CaseWriter, PassageRecord, SourceRecord
from casework.importers.discover import discover
from casework.importers.extract.base import Extractor, Mention
from casework.importers.link import co_mentions
from casework.importers.readers import ReadError, ReadResult, reader_for
from casework.importers.resolve import (
    CaseCandidate,
    DocEntity,
    Stated,
    choose_name,
    match_in_case,
    resolve_document,
)
from casework.importers.segment import Segment, normalise_text, segment

MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(slots=True)
class FileOutcome:
    path: str
    status: str  # "imported" | "unchanged" | "skipped" | "failed"
    reason: str | None = None
    passages: int = 0
    mentions: int = 0
    bytes: int = 0


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
) -> ImportSummary:
    """Import every file under `paths`; failures are recorded and reported, never fatal."""
    extractor = extractor or default_extractor()
    writer = CaseWriter(conn)
    summary = ImportSummary()
    t0 = time.perf_counter()
    for path in discover(paths):
        outcome = import_file(writer, path, extractor, max_bytes=max_bytes)
        summary.files.append(outcome)
        if on_file:
            on_file(outcome)
    summary.seconds = time.perf_counter() - t0
    return summary


def import_file(
    writer: CaseWriter, path: Path, extractor: Extractor, *, max_bytes: int = MAX_FILE_BYTES
) -> FileOutcome:
    key = str(path.resolve()) if path.exists() else str(path)
    fmt = path.suffix.lower().lstrip(".") or None
    try:
        size = path.stat().st_size
    except OSError as exc:
        return FileOutcome(key, "failed", _os_reason(exc))
    if not path.is_file():
        return FileOutcome(key, "failed", "not a regular file")
    if reader_for(path) is None:
        return FileOutcome(key, "skipped", f"unsupported format ({path.suffix or 'no extension'})")
    if size > max_bytes:
        reason = f"file exceeds limit ({size // 1_000_000} MB > {max_bytes // 1_000_000} MB)"
        return _fail(writer, key, reason, fmt, None, size)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(writer, key, _os_reason(exc), fmt, None, size)
    return import_data(writer, key, path.name, data, extractor)


def import_data(
    writer: CaseWriter, key: str, name: str, data: bytes, extractor: Extractor
) -> FileOutcome:
    """Import one document's bytes under `key` (its path, or archive/member)."""
    size = len(data)
    fmt = PurePath(name).suffix.lower().lstrip(".") or None
    reader = reader_for(PurePath(name))
    if reader is None:
        return _fail(writer, key, f"unsupported format ({fmt or 'no extension'})", fmt, None, size)
    sha = hashlib.sha256(data).hexdigest()
    state = writer.source_state(key)
    if state and state.status == "ok" and state.sha256 == sha:
        return FileOutcome(key, "unchanged", bytes=size)
    try:
        result = reader(data, name=name)
        text, stated = _stated(result)
        segments = segment(text, result.page_starts)
        mentions = extractor.extract(text)
        entities = resolve_document(text, mentions, [s for _, s in stated])
    except ReadError as exc:
        return _fail(writer, key, str(exc) or "unreadable", fmt, sha, size)
    except RecursionError:
        return _fail(writer, key, "structure nested too deeply", fmt, sha, size)
    except MemoryError:
        return _fail(writer, key, "out of memory reading this file", fmt, sha, size)
    except Exception as exc:  # a reader or extractor bug must not stop the import
        return _fail(writer, key, f"internal error ({type(exc).__name__})", fmt, sha, size)
    record = SourceRecord(
        path=key,
        title=result.title or name,
        format=result.format,
        sha256=sha,
        bytes=size,
        encoding=result.encoding,
        published=result.published,
        metadata={**result.metadata, "name": name},
        chars=len(text),
        tail=text[segments[-1].end :] if segments else text,
    )
    try:
        with writer.document():
            n_mentions = _write(
                writer,
                record,
                text,
                segments,
                entities,
                extractor.name,
                state,
                relations=_relations(result, stated, entities),
            )
    except sqlite3.Error as exc:
        reason = f"database error: {exc}"
        if "full" in str(exc):
            reason = "disk full: the case is unchanged for this file"
        return _fail(writer, key, reason, fmt, sha, size)
    return FileOutcome(key, "imported", passages=len(segments), mentions=n_mentions, bytes=size)


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


def _write(
    writer: CaseWriter,
    record: SourceRecord,
    text: str,
    segments: list[Segment],
    entities: list[DocEntity],
    extractor_name: str,
    state: object,
    relations: Sequence[tuple[DocEntity, DocEntity, str, int]] = (),
) -> int:
    touched: set[int] = set()
    if state is not None:
        touched |= writer.remove_source(state.id)  # type: ignore[attr-defined]
    source_id = writer.add_source(record)
    prev = 0
    passages = []
    for s in segments:
        passages.append(
            PassageRecord(
                s.seq, s.start, s.end, s.location, text[prev : s.start], text[s.start : s.end]
            )
        )
        prev = s.end
    passage_ids = writer.add_passages(source_id, passages)
    starts = [s.start for s in segments]

    mention_rows = []
    per_passage: dict[int, list[tuple[int, int]]] = {}
    entity_ids: dict[int, int] = {}  # id(DocEntity) -> case entity id
    for ent in entities:
        placed = [(m, _passage_index(starts, segments, m)) for m in ent.mentions]
        placed = [(m, i) for m, i in placed if i is not None]
        if not placed:
            continue
        entity_id = _entity_for(writer, ent)
        entity_ids[id(ent)] = entity_id
        touched.add(entity_id)
        writer.add_aliases(
            entity_id,
            [
                (
                    alias,
                    normalise_name(alias) or alias.casefold(),
                    last_token(normalise_name(alias)),
                    rule,
                )
                for alias, rule in ent.rules.items()
            ],
        )
        for m, i in placed:
            pid = passage_ids[i]
            mention_rows.append(
                (
                    entity_id,
                    pid,
                    source_id,
                    m.start,
                    m.end,
                    m.text,
                    m.extractor or extractor_name,
                    m.score,
                )
            )
            per_passage.setdefault(pid, []).append((m.start, entity_id))
    writer.add_mentions(mention_rows)
    writer.add_link_evidence(
        co_mentions((pid, [e for _, e in sorted(items)]) for pid, items in per_passage.items())
    )
    stated_links = []
    for a, b, relation, offset in relations:
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and id(a) in entity_ids and id(b) in entity_ids:
            stated_links.append((entity_ids[id(a)], entity_ids[id(b)], relation, passage_ids[i]))
    writer.add_link_evidence(stated_links)
    for entity_id in writer.refresh(touched):
        kind = writer.entity_kind(entity_id)
        aliases = writer.entity_aliases(entity_id)
        value = _value_of(writer, entity_id)
        name = choose_name(kind or "", value, [(a, c) for a, c, _ in aliases])
        writer.rename(entity_id, name, normalise_name(name) or name.casefold())
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
        (e.key, Stated(e.kind, e.name, tuple(e.aliases), tuple(spans.get(e.key, ()))))
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


def _value_of(writer: CaseWriter, entity_id: int) -> str | None:
    row = writer.conn.execute("SELECT value FROM entities WHERE id = ?", (entity_id,)).fetchone()
    return row[0] if row else None


def _passage_index(starts: list[int], segments: list[Segment], m: Mention) -> int | None:
    i = bisect.bisect_right(starts, m.start) - 1
    if i < 0 or m.end > segments[i].end:
        return None
    return i


def _entity_for(writer: CaseWriter, ent: DocEntity) -> int:
    """The case entity this document entity joins, or a new one."""
    if ent.kind in ("date", "money") and ent.value:
        found = writer.find_by_value(ent.kind, ent.value)
        if found:
            return found.entity_id
    norms = ent.norms
    if ent.value and ent.kind == "place":
        found = writer.find_by_value(ent.kind, ent.value)
        if found:
            return found.entity_id
    lasts = {last_token(n) for n in norms} if ent.kind == "person" else set()
    cands = writer.candidates(ent.kind, norms, lasts)
    match = match_in_case(
        ent.kind,
        norms,
        [CaseCandidate(c.entity_id, tuple(n for _, n in c.aliases), c.mentions) for c in cands],
    )
    if match:
        entity_id, rule = match
        if rule != "normalised":
            ent.rules = {
                a: (rule if r in ("original", "normalised") else r) for a, r in ent.rules.items()
            }
        return entity_id
    aliases = [(a, c) for a, c in ent.aliases.items()]
    name = choose_name(ent.kind, ent.value, aliases)
    return writer.add_entity(
        ent.kind, name, normalise_name(name) or name.casefold(), ent.value, ent.created_by
    )
