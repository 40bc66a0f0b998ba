"""Every write the importer makes, one document per `BEGIN IMMEDIATE` transaction.

The importer decides (what the entities are, which ones merge); this module
only stores decisions and removes what a replaced document leaves behind.
Counts, co-mention links and the full-text index are derived in batches
(db/derived.py, `index_pending`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from casework.db import derived
from casework.db.normalise import normalise_name

BULK_CHECKPOINT_PAGES = 10_000
MAX_CANDIDATES = 200  # case entities one name is compared with

# Chooses an entity's display name: (kind, value, [(alias, count)]) -> name.
Namer = Callable[[str, "str | None", "list[tuple[str, int]]"], str]


@dataclass(slots=True)
class SourceRecord:
    path: str
    title: str | None
    format: str
    sha256: str
    bytes: int
    encoding: str | None = None
    published: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    chars: int = 0
    tail: str = ""


class PassageRecord(NamedTuple):
    """A named tuple: documents cross from worker to writer by the thousand, and a
    dataclass's unpickling (fields() per object) was a tenth of the writer's time."""

    seq: int
    start: int
    end: int
    location: str
    lead: str
    text: str


@dataclass(frozen=True, slots=True)
class SourceState:
    id: int
    sha256: str | None
    status: str


@dataclass(slots=True)
class Candidate:
    """An entity already in the case that might be the same as a new one."""

    entity_id: int
    kind: str
    name: str
    value: str | None
    mentions: int
    aliases: set[str] = field(default_factory=set)
    norms: list[str] = field(default_factory=list)  # of the aliases, in the order added
    full: list[str] = field(default_factory=list)  # the norms of more than one word


class _NameCache:
    """The case's aliases in memory for one import session (we hold the write lock).

    Looking candidates up here instead of in SQL removes most of the writer's
    queries; any deletion simply drops the cache and it is loaded again.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.by_norm: dict[tuple[str, str], set[int]] = {}
        self.by_last: dict[tuple[str, str], set[int]] = {}
        self.by_value: dict[tuple[str, str], int] = {}
        self.entities: dict[int, Candidate] = {}
        for eid, kind, name, value, mentions in conn.execute(
            "SELECT id, kind, name, value, mentions FROM entities ORDER BY id"
        ):
            self.add_entity(eid, kind, name, value, mentions)
        for eid, alias, norm, last in conn.execute(
            "SELECT entity_id, alias, norm, last FROM aliases ORDER BY id"
        ):
            self.add_alias(eid, alias, norm, last)

    def add_entity(self, eid: int, kind: str, name: str, value: str | None, mentions: int) -> None:
        self.entities[eid] = Candidate(eid, kind, name, value, mentions)
        if value is not None:
            self.by_value.setdefault((kind, value), eid)

    def add_alias(self, eid: int, alias: str, norm: str, last: str) -> None:
        ent = self.entities.get(eid)
        if ent is None or alias in ent.aliases:
            return
        ent.aliases.add(alias)
        ent.norms.append(norm)
        if " " in norm:
            ent.full.append(norm)
        self.by_norm.setdefault((ent.kind, norm), set()).add(eid)
        self.by_last.setdefault((ent.kind, last), set()).add(eid)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def storable(text: str) -> str:
    """A file name's undecodable bytes (surrogate escapes) as visible `\\xNN`.

    Paths come from the file system as str with lone surrogates for bytes that
    are not UTF-8; SQLite cannot store those, and one such name would stop the
    whole import. Applied to every path on the way in and out of SQL, so a
    re-import finds the same key.
    """
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class CaseWriter:
    """Write access to one case; callers wrap each document in `document()`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._names: _NameCache | None = None

    @property
    def names(self) -> _NameCache:
        if self._names is None:
            self._names = _NameCache(self.conn)
        return self._names

    @contextmanager
    def document(self) -> Iterator[None]:
        """One transaction: all of a document's rows, or none of them."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite has already rolled back on some errors (disk full): don't mask them.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._names = None  # it may hold rows that were rolled back
            raise
        self.conn.execute("COMMIT")

    def own_files(self) -> set[str]:
        """The case file and its companions (-wal, -shm, .lock, -tmp/), resolved: never material."""
        row = self.conn.execute("PRAGMA database_list").fetchone()
        if not row or not row[2]:
            return set()
        main = str(Path(row[2]).resolve())
        return {main, *(main + suffix for suffix in ("-wal", "-shm", "-journal", ".lock", "-tmp"))}

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many documents in a row: checkpoint the WAL every ~40 MB, not every 4 MB.

        Each document's commit rewrites the index pages it touched into the WAL;
        the default checkpoint (every 1000 pages, with fsyncs) ran every few
        documents and took most of the commit time. Readers are not affected.
        """
        self.conn.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            self.conn.execute("PRAGMA wal_autocheckpoint=1000")
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # -- sources ---------------------------------------------------------

    def source_state(self, path: str) -> SourceState | None:
        row = self.conn.execute(
            "SELECT id, sha256, status FROM sources WHERE path = ?", (storable(path),)
        ).fetchone()
        return SourceState(*row) if row else None

    def duplicate_of(self, sha256: str, path: str) -> SourceState | None:
        """An imported source with these bytes under another path, if any."""
        row = self.conn.execute(
            "SELECT id, sha256, status FROM sources WHERE sha256 = ? AND status = 'ok' "
            "AND path != ? ORDER BY id LIMIT 1",
            (sha256, storable(path)),
        ).fetchone()
        return SourceState(*row) if row else None

    def known_duplicate(self, path: str, sha256: str) -> bool:
        """`path` is already recorded as another name of a source with these bytes."""
        return bool(
            self.conn.execute(
                "SELECT 1 FROM source_paths sp JOIN sources s ON s.id = sp.source_id "
                "WHERE sp.path = ? AND s.sha256 = ?",
                (storable(path), sha256),
            ).fetchone()
        )

    def add_duplicate_path(self, source_id: int, path: str) -> None:
        self.conn.execute(
            "INSERT INTO source_paths(path, source_id, added_at) VALUES (?,?,?) "
            "ON CONFLICT(path) DO UPDATE SET source_id = excluded.source_id",
            (storable(path), source_id, _now()),
        )

    def add_source(self, rec: SourceRecord) -> int:
        # A path imported in its own right is no longer another name of some source.
        path = storable(rec.path)
        self.conn.execute("DELETE FROM source_paths WHERE path = ?", (path,))
        cur = self.conn.execute(
            "INSERT INTO sources(path, title, format, sha256, bytes, encoding, published,"
            " metadata, chars, tail, imported_at, status) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?, 'ok')",
            (
                path,
                storable(rec.title) if rec.title else rec.title,
                rec.format,
                rec.sha256,
                rec.bytes,
                rec.encoding,
                rec.published,
                storable(json.dumps(rec.metadata, ensure_ascii=False)),
                rec.chars,
                rec.tail,
                _now(),
            ),
        )
        return int(cur.lastrowid or 0)

    def record_failure(
        self, path: str, reason: str, *, fmt: str | None, sha256: str | None, size: int | None
    ) -> None:
        """Keep a failed document visible with its reason (its old rows, if any, stay)."""
        self.conn.execute(
            "INSERT INTO sources(path, format, sha256, bytes, imported_at, status, reason) "
            "VALUES (?,?,?,?,?, 'failed', ?) "
            "ON CONFLICT(path) DO UPDATE SET status=CASE WHEN sources.status='ok' "
            "THEN 'ok' ELSE 'failed' END, reason=excluded.reason, imported_at=excluded.imported_at",
            (storable(path), fmt, sha256, size, _now(), storable(reason)),
        )

    def remove_source(self, source_id: int) -> set[int]:
        """Delete a source and everything derived from it; return the entities it touched.

        The backlog is applied first (inside this document's transaction), so the
        source's counts and co-mentions are all applied and can be taken back out
        exactly; no entity is ever recounted in full.
        """
        derived.apply_pending(self.conn)
        touched = derived.withdraw_source(self.conn, source_id)
        self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        self.conn.execute("DELETE FROM links WHERE weight <= 0")
        self._names = None
        return touched

    # -- passages ----------------------------------------------------------

    def index_pending(self, namer: Namer | None = None) -> int:
        """Apply what is derived from new passages (its own transaction); how many passages.

        With `namer`, entities whose counts changed get their display name chosen again.
        """
        with self.document():
            n, touched = derived.apply_pending(self.conn)
            if namer is not None and touched:
                self.rename(touched, namer)
        return n

    def apply_pending(self) -> set[int]:
        """The same inside the current document's transaction (a replaced document)."""
        return derived.apply_pending(self.conn)[1]

    def rename(self, entity_ids: Iterable[int], namer: Namer) -> None:
        """Choose the display name of these entities again from their aliases and counts."""
        renames = []
        for entity_id, kind, name, value, aliases in self.naming_facts(entity_ids):
            best = namer(kind, value, aliases)
            if best != name:
                renames.append((entity_id, best, _norm(best)))
        self.rename_all(renames)

    def add_passages(self, source_id: int, passages: Sequence[PassageRecord]) -> list[int]:
        """Insert in one statement; ids are consecutive because we hold the write lock."""
        if not passages:
            return []
        # Above every id the full-text index has seen (db/fts.py), even if those were deleted.
        before = self.conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM passages), 0), "
            "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'), 0))"
        ).fetchone()[0]
        self.conn.executemany(
            'INSERT INTO passages(id, source_id, seq, start, "end", location, lead, text) '
            "VALUES (?,?,?,?,?,?,?,?)",
            [
                (before + 1 + i, source_id, p.seq, p.start, p.end, p.location, p.lead, p.text)
                for i, p in enumerate(passages)
            ],
        )
        return list(range(before + 1, before + 1 + len(passages)))

    # -- entities ----------------------------------------------------------

    def candidates(
        self, kind: str, norms: Iterable[str] = (), lasts: Iterable[str] = ()
    ) -> list[Candidate]:
        """Entities of `kind` with an alias whose norm or last token is one of these
        (the first MAX_CANDIDATES by id)."""
        names = self.names
        ids: set[int] = set()
        for norm in norms:
            ids |= names.by_norm.get((kind, norm), set())
        for last in lasts:
            ids |= names.by_last.get((kind, last), set())
        # In id order: ties (equal mentions) go to the older entity, whatever the order
        # the aliases were looked up in (a set of strings: it changes with the hash seed).
        return [names.entities[i] for i in sorted(ids)[:MAX_CANDIDATES] if i in names.entities]

    def find_by_value(self, kind: str, value: str) -> Candidate | None:
        eid = self.names.by_value.get((kind, value))
        return self.names.entities.get(eid) if eid is not None else None

    def add_entity(
        self, kind: str, name: str, norm: str, value: str | None, created_by: str = "extractor"
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO entities(kind, name, norm, value, created_by) VALUES (?,?,?,?,?)",
            (kind, name, norm, value, created_by),
        )
        eid = int(cur.lastrowid or 0)
        if self._names is not None:
            self._names.add_entity(eid, kind, name, value, 0)
        return eid

    def add_aliases(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """(entity_id, alias, norm, last, rule); an alias already known keeps its first rule."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO aliases(entity_id, alias, norm, last, rule) VALUES (?,?,?,?,?)",
            rows,
        )
        if self._names is not None:
            for entity_id, alias, norm, last, _ in rows:
                self._names.add_alias(entity_id, alias, norm, last)

    def add_mentions(self, rows: Sequence[tuple[int, int, int, int, int, str, str, float]]) -> None:
        """(entity_id, passage_id, source_id, start, end, text, extractor, score).

        The case's counts follow in the next batch (`index_pending`); the name
        cache counts now, since resolution breaks ties by them.
        """
        self.conn.executemany(
            'INSERT INTO mentions(entity_id, passage_id, source_id, start, "end", text,'
            " extractor, score) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
        if self._names is not None:
            for eid, n in Counter(r[0] for r in rows).items():
                if eid in self._names.entities:
                    self._names.entities[eid].mentions += n

    def add_link_evidence(self, rows: Iterable[tuple[int, int, str, int]]) -> None:
        """(entity a, entity b, relation, passage_id): relations a document states.

        A typed relation keeps its direction. Co-mentions are derived from the
        mentions in batches (db/derived.py), never written here.
        """
        evidence: dict[tuple[int, int, str], set[int]] = {}
        for a, b, relation, passage_id in rows:
            if a == b or relation == "co-mentioned":
                continue
            evidence.setdefault((a, b, relation), set()).add(passage_id)
        if not evidence:
            return
        keys = list(evidence)
        ids: dict[tuple[int, int, str], int] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            values = ",".join("(?,?,?,?)" for _ in chunk)
            params = [v for key in chunk for v in (*key, len(evidence[key]))]
            for link_id, lo, hi, rel in self.conn.execute(
                f"INSERT INTO links(a, b, relation, weight) VALUES {values} "
                "ON CONFLICT(a, b, relation) DO UPDATE SET weight = weight + excluded.weight "
                "RETURNING id, a, b, relation",
                params,
            ):
                ids[(lo, hi, rel)] = link_id
        self.conn.executemany(
            "INSERT INTO link_evidence(link_id, passage_id) VALUES (?,?)",
            [(ids[key], pid) for key in keys for pid in evidence[key]],
        )

    def naming_facts(
        self, entity_ids: Iterable[int]
    ) -> list[tuple[int, str, str, str | None, list[tuple[str, int]]]]:
        """(id, kind, name, value, [(alias, count)]) for choosing display names, in 2 queries."""
        ids = sorted(set(entity_ids))
        out = []
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            aliases: dict[int, list[tuple[str, int]]] = {}
            for eid, alias, count in self.conn.execute(
                f"SELECT entity_id, alias, count FROM aliases WHERE entity_id IN ({marks})"
                " ORDER BY id",
                chunk,
            ):
                aliases.setdefault(eid, []).append((alias, count))
            for eid, kind, name, value in self.conn.execute(
                f"SELECT id, kind, name, value FROM entities WHERE id IN ({marks})", chunk
            ):
                out.append((eid, kind, name, value, aliases.get(eid, [])))
        return out

    def rename_all(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """(id, name, norm); an analyst's name is never overwritten."""
        self.conn.executemany(
            "UPDATE entities SET name = ?, norm = ? WHERE id = ? AND created_by != 'analyst'",
            [(name, norm, eid) for eid, name, norm in rows],
        )

    def refresh(self, entity_ids: Iterable[int]) -> set[int]:
        """Drop what a change left empty; return the ids that still exist.

        An extractor entity with no mention left is deleted (analyst and import
        entities stay), and so is an alias no mention uses unless an analyst or
        a record gave it.
        """
        ids = sorted(set(entity_ids))
        alive: set[int] = set()
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(
                f"DELETE FROM aliases WHERE entity_id IN ({marks}) AND count <= 0 "
                f"AND rule NOT IN ('analyst', 'import')",
                chunk,
            )
            gone = self.conn.execute(
                f"DELETE FROM entities WHERE id IN ({marks}) AND mentions <= 0 "
                f"AND created_by = 'extractor'",
                chunk,
            ).rowcount
            if gone:
                self._names = None
            alive.update(
                r[0]
                for r in self.conn.execute(f"SELECT id FROM entities WHERE id IN ({marks})", chunk)
            )
        return alive

    def recount(self) -> None:
        """Recompute every count and co-mention link from the rows (a repair)."""
        with self.document():
            derived.recount(self.conn)
        self._names = None


def _norm(name: str) -> str:
    return normalise_name(name) or name.casefold()


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
