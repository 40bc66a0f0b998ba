"""Every write the importer makes, one document per `BEGIN IMMEDIATE` transaction.

The importer decides (what the entities are, which ones merge); this module
only stores decisions, keeps denormalised counts right, and removes what a
replaced document leaves behind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


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


@dataclass(frozen=True, slots=True)
class PassageRecord:
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
    aliases: list[tuple[str, str]]  # (alias, norm)
    mentions: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CaseWriter:
    """Write access to one case; callers wrap each document in `document()`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

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
            raise
        self.conn.execute("COMMIT")

    # -- sources ---------------------------------------------------------

    def source_state(self, path: str) -> SourceState | None:
        row = self.conn.execute(
            "SELECT id, sha256, status FROM sources WHERE path = ?", (path,)
        ).fetchone()
        return SourceState(*row) if row else None

    def add_source(self, rec: SourceRecord) -> int:
        cur = self.conn.execute(
            "INSERT INTO sources(path, title, format, sha256, bytes, encoding, published,"
            " metadata, chars, tail, imported_at, status) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?, 'ok')",
            (
                rec.path,
                rec.title,
                rec.format,
                rec.sha256,
                rec.bytes,
                rec.encoding,
                rec.published,
                json.dumps(rec.metadata, ensure_ascii=False),
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
            (path, fmt, sha256, size, _now(), reason),
        )

    def remove_source(self, source_id: int) -> set[int]:
        """Delete a source and everything derived from it; return the entities it touched."""
        touched = {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT entity_id FROM mentions WHERE source_id = ?", (source_id,)
            )
        }
        self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return touched

    # -- passages ----------------------------------------------------------

    def add_passages(self, source_id: int, passages: Sequence[PassageRecord]) -> list[int]:
        ids: list[int] = []
        for p in passages:
            cur = self.conn.execute(
                'INSERT INTO passages(source_id, seq, start, "end", location, lead, text) '
                "VALUES (?,?,?,?,?,?,?)",
                (source_id, p.seq, p.start, p.end, p.location, p.lead, p.text),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    # -- entities ----------------------------------------------------------

    def candidates(self, kind: str, norms: Iterable[str], lasts: Iterable[str]) -> list[Candidate]:
        """Entities of `kind` with an alias whose norm or last token is one of these."""
        norms, lasts = list(set(norms)), list(set(lasts))
        if not norms and not lasts:
            return []
        clauses, params = [], [kind]
        if norms:
            clauses.append(f"a.norm IN ({','.join('?' * len(norms))})")
            params += norms
        if lasts:
            clauses.append(f"a.last IN ({','.join('?' * len(lasts))})")
            params += lasts
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT e.id FROM aliases a JOIN entities e ON e.id = a.entity_id "
                f"WHERE e.kind = ? AND ({' OR '.join(clauses)}) LIMIT 200",
                params,
            )
        ]
        return self._load_candidates(ids)

    def find_by_value(self, kind: str, value: str) -> Candidate | None:
        row = self.conn.execute(
            "SELECT id FROM entities WHERE kind = ? AND value = ? ORDER BY id LIMIT 1",
            (kind, value),
        ).fetchone()
        return self._load_candidates([row[0]])[0] if row else None

    def _load_candidates(self, ids: list[int]) -> list[Candidate]:
        out: list[Candidate] = []
        for eid in ids:
            kind, name, value, mentions = self.conn.execute(
                "SELECT kind, name, value, mentions FROM entities WHERE id = ?", (eid,)
            ).fetchone()
            aliases = self.conn.execute(
                "SELECT alias, norm FROM aliases WHERE entity_id = ? ORDER BY id", (eid,)
            ).fetchall()
            out.append(Candidate(eid, kind, name, value, [tuple(a) for a in aliases], mentions))
        return out

    def add_entity(
        self, kind: str, name: str, norm: str, value: str | None, created_by: str = "extractor"
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO entities(kind, name, norm, value, created_by) VALUES (?,?,?,?,?)",
            (kind, name, norm, value, created_by),
        )
        return int(cur.lastrowid or 0)

    def add_aliases(self, entity_id: int, aliases: Iterable[tuple[str, str, str, str]]) -> None:
        """(alias, norm, last, rule); an alias already known keeps its first rule."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO aliases(entity_id, alias, norm, last, rule) VALUES (?,?,?,?,?)",
            [(entity_id, *a) for a in aliases],
        )

    def add_mentions(self, rows: Iterable[tuple[int, int, int, int, int, str, str, float]]) -> None:
        """(entity_id, passage_id, source_id, start, end, text, extractor, score)."""
        self.conn.executemany(
            'INSERT INTO mentions(entity_id, passage_id, source_id, start, "end", text,'
            " extractor, score) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )

    def add_link_evidence(self, rows: Iterable[tuple[int, int, str, int]]) -> None:
        """(entity a, entity b, relation, passage_id).

        Co-mentions are stored with a < b; a typed relation keeps its direction.
        """
        for a, b, relation, passage_id in rows:
            if a == b:
                continue
            lo, hi = (a, b) if a < b or relation != "co-mentioned" else (b, a)
            self.conn.execute(
                "INSERT OR IGNORE INTO links(a, b, relation) VALUES (?,?,?)", (lo, hi, relation)
            )
            link_id = self.conn.execute(
                "SELECT id FROM links WHERE a = ? AND b = ? AND relation = ?", (lo, hi, relation)
            ).fetchone()[0]
            self.conn.execute(
                "INSERT OR IGNORE INTO link_evidence(link_id, passage_id) VALUES (?,?)",
                (link_id, passage_id),
            )

    def entity_aliases(self, entity_id: int) -> list[tuple[str, int, str]]:
        """(alias, count, rule) for choosing a display name."""
        return self.conn.execute(
            "SELECT alias, count, rule FROM aliases WHERE entity_id = ? ORDER BY id",
            (entity_id,),
        ).fetchall()

    def entity_kind(self, entity_id: int) -> str | None:
        row = self.conn.execute("SELECT kind FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return row[0] if row else None

    def rename(self, entity_id: int, name: str, norm: str) -> None:
        self.conn.execute(
            "UPDATE entities SET name = ?, norm = ? WHERE id = ? AND created_by != 'analyst'",
            (name, norm, entity_id),
        )

    def refresh(self, entity_ids: Iterable[int]) -> set[int]:
        """Recount mentions, sources, alias uses and link weights; drop what is left empty.

        Returns the ids that still exist (an extractor entity with no mention left
        is deleted; analyst and import entities are kept).
        """
        ids = sorted(set(entity_ids))
        alive: set[int] = set()
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            self.conn.execute(
                f"UPDATE entities SET mentions = (SELECT count(*) FROM mentions m "
                f"WHERE m.entity_id = entities.id), sources = (SELECT count(DISTINCT source_id) "
                f"FROM mentions m WHERE m.entity_id = entities.id) WHERE id IN ({marks})",
                chunk,
            )
            self.conn.execute(
                f"UPDATE aliases SET count = (SELECT count(*) FROM mentions m "
                f"WHERE m.entity_id = aliases.entity_id AND m.text = aliases.alias) "
                f"WHERE entity_id IN ({marks})",
                chunk,
            )
            self.conn.execute(
                f"DELETE FROM aliases WHERE entity_id IN ({marks}) AND count = 0 "
                f"AND rule NOT IN ('analyst', 'import')",
                chunk,
            )
            self.conn.execute(
                f"DELETE FROM entities WHERE id IN ({marks}) AND mentions = 0 "
                f"AND created_by = 'extractor'",
                chunk,
            )
            self.conn.execute(
                f"UPDATE links SET weight = (SELECT count(*) FROM link_evidence le "
                f"WHERE le.link_id = links.id) WHERE a IN ({marks}) OR b IN ({marks})",
                chunk + chunk,
            )
            self.conn.execute("DELETE FROM links WHERE weight = 0")
            alive.update(
                r[0]
                for r in self.conn.execute(f"SELECT id FROM entities WHERE id IN ({marks})", chunk)
            )
        return alive


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
