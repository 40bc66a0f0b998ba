"""Every read the CLI and the TUI make. Plain records out, no SQL elsewhere.

Functions take an open connection (see `connection.open_case`) so the caller
chooses the thread and the lifetime; each is one short read.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from casework.db import derived, fts
from casework.db.models import (
    Alias,
    CaseStats,
    EntityDetail,
    EntitySummary,
    LinkSummary,
    MentionInPassage,
    MentionRow,
    PassageDetail,
    PassageEntity,
    PassageRow,
    RowList,
    SearchHit,
    SourceRef,
    SourceSummary,
)
from casework.db.names import NameMatch, name_index
from casework.db.normalise import normalise_name

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PASSAGE_QUERY = 3  # characters before passages are searched alongside names


class NotFound(LookupError):
    """No record with that id; the message is one line for the user."""


# -- search ------------------------------------------------------------------


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    kind: str | None = None,
    limit: int = 50,
    cancel: threading.Event | None = None,
) -> list[SearchHit]:
    """Entities (fuzzy, over names and aliases) and passages (full text), best first.

    `kind` restricts to entities of that kind, or "passage" to passages only.
    A set `cancel` event aborts the SQL part early (newer keystroke).
    """
    query = query.strip()
    if not query:
        return []
    hits: list[SearchHit] = []
    if kind != "passage":
        hits += _search_entities(conn, query, kind, limit)
    # One or two letters match a good part of every passage: names only, until a third.
    if kind == "passage" or (kind is None and len(query) >= MIN_PASSAGE_QUERY):
        hits += _search_passages(conn, query, limit, cancel)
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]


def _search_entities(
    conn: sqlite3.Connection, query: str, kind: str | None, limit: int
) -> list[SearchHit]:
    matches = name_index(conn).search(query, limit=limit * 4 if kind else limit)
    if not matches:
        return []
    ids = [m.entity_id for m in matches]
    marks = ",".join("?" * len(ids))
    rows = {
        r[0]: r
        for r in conn.execute(
            f"SELECT id, kind, name, mentions FROM entities WHERE id IN ({marks})", ids
        )
    }
    out: list[SearchHit] = []
    wanted = normalise_name(query, strip_honorifics=False)

    def rank(m: NameMatch) -> tuple[float, bool, int]:
        row = rows.get(m.entity_id)
        named = row is not None and normalise_name(row[2], strip_honorifics=False) == wanted
        return (-m.score, not named, -(row[3] if row else 0))

    for m in sorted(matches, key=rank):
        row = rows.get(m.entity_id)
        if row is None or (kind and row[1] != kind):
            continue
        matched = m.alias if m.alias != row[2] else None
        out.append(
            SearchHit(
                "entity",
                row[0],
                row[2],
                row[1],
                round(m.score, 1),
                matched=matched,
                mentions=row[3],
            )
        )
    return out[:limit]


def fts_query(text: str) -> str | None:
    """User text -> an FTS5 query: every word must appear, each as a word prefix."""
    words = _WORD.findall(text)
    # A one- or two-letter fragment as a prefix ("office of th", "sullivan@s") makes FTS5
    # merge the posting lists of every word it starts: hundreds of ms in a big case.
    # Such fragments count as whole words, and are left out while other words remain.
    full = [w for w in words if len(w) >= MIN_PASSAGE_QUERY]
    if not words:
        return None
    if not full:
        return " ".join(f'"{w}"' for w in words)
    return " ".join(f'"{w}"*' for w in full)


def _interruptible(
    conn: sqlite3.Connection, sql: str, params: tuple[object, ...], stop: Callable[[], bool]
) -> list[tuple[object, ...]] | None:
    """The rows, or None when `stop()` became true while SQLite was working."""
    conn.set_progress_handler(lambda: int(stop()), 1000)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)


RANK_BUDGET = 0.005  # seconds bm25 ranking may take before an unranked page is shown
SCAN_BUDGET = 0.01  # then, seconds for that unranked page before the last word is dropped


def _search_passages(
    conn: sqlite3.Connection, query: str, limit: int, cancel: threading.Event | None
) -> list[SearchHit]:
    """Passages ranked by bm25; when ranking would take too long (a common word in a
    big case), the first matching passages in document order instead."""
    match = fts_query(query)
    if match is None:
        return []
    sql = (
        "SELECT p.id, p.source_id, coalesce(s.title, s.path), p.location, "
        "snippet(passages_fts, 0, '\x02', '\x03', '…', 12) "
        "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
        "JOIN sources s ON s.id = p.source_id WHERE passages_fts MATCH ? "
    )
    start = time.perf_counter()

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    def within(budget: float) -> Callable[[], bool]:
        return lambda: cancelled() or time.perf_counter() > start + budget

    try:
        rows = _interruptible(
            conn, sql + "ORDER BY rank LIMIT ?", (match, limit), within(RANK_BUDGET)
        )
        if rows is None and not cancelled():
            rows = _interruptible(conn, sql + "LIMIT ?", (match, limit), within(SCAN_BUDGET))
        words = _WORD.findall(query)
        shorter = fts_query(" ".join(words[:-1])) if len(words) > 1 else None
        if rows is None and not cancelled() and shorter:
            # The word being typed is a common prefix ("…@sta"): passages with the words
            # before it, until it grows enough to narrow things down.
            rows = _interruptible(conn, sql + "LIMIT ?", (shorter, limit), cancelled)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc):
            return []  # a query FTS5 cannot parse finds no passage; names still search
        raise
    if rows is None:
        return []
    out = []
    for i, (pid, sid, title, location, snip) in enumerate(rows):
        # Passage scores sit below exact and strong name matches: 75 down to 50.
        score = round(75.0 - 25.0 * i / max(len(rows), 1), 1)
        out.append(
            SearchHit(
                "passage",
                pid,
                snip.replace("\x02", "").replace("\x03", ""),
                "passage",
                score,
                source_id=sid,
                source_title=title,
                location=location,
            )
        )
    return out


# -- entities ----------------------------------------------------------------


def list_entities(
    conn: sqlite3.Connection,
    *,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[EntitySummary]:
    sql = "SELECT id, kind, name, mentions, sources FROM entities"
    params: list[object] = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    sql += " ORDER BY mentions DESC, name COLLATE NOCASE LIMIT ? OFFSET ?"
    params += [limit if limit is not None else -1, offset]
    rows = conn.execute(sql, params).fetchall()
    aliases = _aliases_for(conn, [r[0] for r in rows])
    return [
        EntitySummary(
            r[0],
            r[1],
            r[2],
            [a.alias for a in aliases.get(r[0], []) if a.alias != r[2]],
            r[3],
            r[4],
        )
        for r in rows
    ]


def _aliases_for(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[Alias]]:
    out: dict[int, list[Alias]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for eid, alias, rule, count in conn.execute(
            f"SELECT entity_id, alias, rule, count FROM aliases WHERE entity_id IN "
            f"({','.join('?' * len(chunk))}) ORDER BY count DESC, id",
            chunk,
        ):
            out.setdefault(eid, []).append(Alias(alias, rule, count))
    return out


def get_entity(
    conn: sqlite3.Connection,
    entity_id: int,
    *,
    mention_limit: int | None = None,
    evidence: bool = True,
) -> EntityDetail:
    """One entity with its aliases, mentions, links and sources.

    Without `evidence` the links carry no passage ids (the explorer shows weights;
    a hub's co-mention evidence is a join over all its passages).
    """
    row = conn.execute(
        "SELECT id, kind, name, value, created_by, notes, mentions, sources FROM entities "
        "WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no entity with id {entity_id}")
    detail = EntityDetail(
        id=row[0],
        kind=row[1],
        name=row[2],
        value=row[3],
        created_by=row[4],
        notes=row[5],
        aliases=_aliases_for(conn, [entity_id]).get(entity_id, []),
        mention_count=row[6],
        source_count=row[7],
    )
    detail.mentions = entity_mentions(conn, entity_id, limit=mention_limit)
    detail.links = entity_links(conn, entity_id, evidence=evidence)
    detail.sources = entity_sources(conn, entity_id)
    return detail


def entity_mentions(
    conn: sqlite3.Connection, entity_id: int, *, limit: int | None = None, offset: int = 0
) -> list[MentionInPassage]:
    """Mentions in reading order: by source, then position."""
    rows = conn.execute(
        "SELECT m.id, m.passage_id, m.source_id, coalesce(s.title, s.path), p.location, m.start,"
        ' m."end", m.text, p.start, p.text FROM mentions m JOIN passages p ON p.id = m.passage_id'
        " JOIN sources s ON s.id = m.source_id WHERE m.entity_id = ?"
        " ORDER BY m.source_id, m.start LIMIT ? OFFSET ?",
        (entity_id, limit if limit is not None else -1, offset),
    ).fetchall()
    return [MentionInPassage(*r) for r in rows]


# The passages (up to ?2) that make entity ?1's co-mention links, and who else they name.
_CO_MENTIONED_WITH = f"""
WITH mine AS (
    SELECT passage_id AS p FROM mentions WHERE entity_id = ?1 AND passage_id <= ?2
    GROUP BY passage_id
), small AS (
    SELECT p FROM mine WHERE (SELECT count(DISTINCT z.entity_id) FROM mentions z
    WHERE z.passage_id = mine.p) <= {derived.MAX_PER_PASSAGE}
)
SELECT DISTINCT y.entity_id, small.p FROM small JOIN mentions y ON y.passage_id = small.p
WHERE y.entity_id != ?1 ORDER BY small.p
"""

# The passages (up to ?3) that make the co-mention link of ?1 and ?2 (?1 the rarer one).
_CO_MENTION_PASSAGES = f"""
SELECT x.passage_id FROM mentions x
WHERE x.entity_id = ?1 AND x.passage_id <= ?3
AND EXISTS (SELECT 1 FROM mentions y WHERE y.passage_id = x.passage_id AND y.entity_id = ?2)
AND (SELECT count(DISTINCT z.entity_id) FROM mentions z WHERE z.passage_id = x.passage_id)
    <= {derived.MAX_PER_PASSAGE}
GROUP BY x.passage_id ORDER BY x.passage_id
"""


def entity_links(
    conn: sqlite3.Connection, entity_id: int, *, evidence: bool = True
) -> RowList[LinkSummary]:
    """Every link of an entity, heaviest first; with `evidence`, the passages behind each."""
    rows = conn.execute(
        "SELECT l.id, CASE WHEN l.a = ?1 THEN l.b ELSE l.a END, l.relation, l.weight,"
        " l.b = ?1 AND l.a != ?1 FROM links l WHERE l.a = ?1 OR l.b = ?1"
        " UNION ALL SELECT NULL, b, 'co-mentioned', weight, 0 FROM co_mentions WHERE a = ?1"
        " UNION ALL SELECT NULL, a, 'co-mentioned', weight, 0 FROM co_mentions WHERE b = ?1",
        (entity_id,),
    ).fetchall()
    names = entity_names(conn, sorted({r[1] for r in rows}))
    rows.sort(key=lambda r: (-r[3], names.get(r[1], ("", ""))[0].casefold()))
    stated: dict[int, list[int]] = {}
    co: dict[int, list[int]] = {}
    if evidence:
        for link_id, passage_id in conn.execute(
            "SELECT le.link_id, le.passage_id FROM link_evidence le JOIN links l"
            " ON l.id = le.link_id WHERE l.a = ?1 OR l.b = ?1 ORDER BY le.passage_id",
            (entity_id,),
        ):
            stated.setdefault(link_id, []).append(passage_id)
        if any(r[0] is None for r in rows):
            upto = derived.indexed_upto(conn)
            for other, passage_id in conn.execute(_CO_MENTIONED_WITH, (entity_id, upto)):
                co.setdefault(other, []).append(passage_id)
    out: list[tuple[Any, ...]] = []
    for link_id, other, relation, weight, incoming in rows:
        if other not in names:
            continue
        name, kind = names[other]
        if link_id is None:
            passages = co.get(other, ())
        else:
            passages = stated.get(link_id, ())
            if incoming:
                relation = f"{relation} (of)"  # this entity is the relation's object
        out.append((other, name, kind, relation, weight, tuple(passages)))
    return RowList(LinkSummary.from_row, out)


def co_mention_passages(conn: sqlite3.Connection, a: int, b: int) -> list[int]:
    """The passages that mention both entities: the evidence of their co-mention link."""
    counts = dict(
        conn.execute("SELECT id, mentions FROM entities WHERE id IN (?, ?)", (a, b)).fetchall()
    )
    if counts.get(a, 0) > counts.get(b, 0):
        a, b = b, a  # walk the rarer one's passages, probe the other's
    upto = derived.indexed_upto(conn)
    return [r[0] for r in conn.execute(_CO_MENTION_PASSAGES, (a, b, upto))]


def entity_sources(conn: sqlite3.Connection, entity_id: int) -> RowList[SourceRef]:
    rows = conn.execute(
        "SELECT s.id, coalesce(s.title, s.path), count(*) FROM mentions m"
        " JOIN sources s ON s.id = m.source_id WHERE m.entity_id = ?"
        " GROUP BY s.id ORDER BY count(*) DESC, s.id",
        (entity_id,),
    ).fetchall()
    return RowList(SourceRef, rows)


def entity_names(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str]]:
    """id -> (name, kind), for labelling ids cheaply."""
    out: dict[int, tuple[str, str]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for eid, name, kind in conn.execute(
            f"SELECT id, name, kind FROM entities WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            out[eid] = (name, kind)
    return out


# -- mentions, passages, sources --------------------------------------------------


def iter_mentions(
    conn: sqlite3.Connection, *, source_id: int | None = None
) -> Iterator[MentionRow]:
    sql = (
        'SELECT m.entity_id, e.kind, m.source_id, m.start, m."end", m.text FROM mentions m'
        " JOIN entities e ON e.id = m.entity_id"
    )
    params: tuple[object, ...] = ()
    if source_id is not None:
        sql += " WHERE m.source_id = ?"
        params = (source_id,)
    sql += " ORDER BY m.source_id, m.start"
    for row in conn.execute(sql, params):
        yield MentionRow(*row)


def get_passage(conn: sqlite3.Connection, passage_id: int) -> PassageDetail:
    row = conn.execute(
        'SELECT p.id, p.source_id, p.seq, p.start, p."end", p.location, p.text,'
        " coalesce(s.title, s.path) FROM passages p JOIN sources s ON s.id = p.source_id"
        " WHERE p.id = ?",
        (passage_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no passage with id {passage_id}")
    ents = conn.execute(
        'SELECT m.entity_id, e.name, e.kind, m.start, m."end", m.text FROM mentions m'
        " JOIN entities e ON e.id = m.entity_id WHERE m.passage_id = ? ORDER BY m.start",
        (passage_id,),
    ).fetchall()
    return PassageDetail(PassageRow(*row[:7]), row[7], [PassageEntity(*e) for e in ents])


def list_sources(conn: sqlite3.Connection, *, failed_only: bool = False) -> list[SourceSummary]:
    sql = (
        "SELECT s.id, s.path, s.title, s.format, s.status, s.reason,"
        " (SELECT count(*) FROM passages p WHERE p.source_id = s.id), s.encoding, s.published,"
        " s.bytes FROM sources s"
    )
    if failed_only:
        sql += " WHERE s.status = 'failed'"
    sql += " ORDER BY s.id"
    sources = [SourceSummary(*r) for r in conn.execute(sql)]
    by_id = {s.id: s for s in sources}
    for path, source_id in conn.execute("SELECT path, source_id FROM source_paths ORDER BY path"):
        if source_id in by_id:
            by_id[source_id].also_at.append(path)
    return sources


def get_source(conn: sqlite3.Connection, source_id: int) -> SourceSummary:
    for s in conn.execute(
        "SELECT s.id, s.path, s.title, s.format, s.status, s.reason,"
        " (SELECT count(*) FROM passages p WHERE p.source_id = s.id), s.encoding, s.published,"
        " s.bytes FROM sources s WHERE s.id = ?",
        (source_id,),
    ):
        return SourceSummary(*s)
    raise NotFound(f"no source with id {source_id}")


def source_passages(conn: sqlite3.Connection, source_id: int) -> list[PassageRow]:
    return [
        PassageRow(*r)
        for r in conn.execute(
            'SELECT id, source_id, seq, start, "end", location, text FROM passages'
            " WHERE source_id = ? ORDER BY seq",
            (source_id,),
        )
    ]


def source_text(conn: sqlite3.Connection, source_id: int) -> str:
    """The document's full text, rebuilt from its passages; mention offsets point into it."""
    row = conn.execute("SELECT tail FROM sources WHERE id = ?", (source_id,)).fetchone()
    if row is None:
        raise NotFound(f"no source with id {source_id}")
    parts: list[str] = []
    for lead, text in conn.execute(
        "SELECT lead, text FROM passages WHERE source_id = ? ORDER BY seq", (source_id,)
    ):
        parts.append(lead)
        parts.append(text)
    parts.append(row[0])
    return "".join(parts)


def source_mentions(conn: sqlite3.Connection, source_id: int) -> list[PassageEntity]:
    """Every mention in a document, in order, for highlighting and n/N."""
    return [
        PassageEntity(*r)
        for r in conn.execute(
            'SELECT m.entity_id, e.name, e.kind, m.start, m."end", m.text FROM mentions m'
            " JOIN entities e ON e.id = m.entity_id WHERE m.source_id = ? ORDER BY m.start",
            (source_id,),
        )
    ]


def stats(conn: sqlite3.Connection) -> CaseStats:
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    return CaseStats(
        sources=one("SELECT count(*) FROM sources WHERE status = 'ok'"),
        failed=one("SELECT count(*) FROM sources WHERE status = 'failed'"),
        passages=one("SELECT count(*) FROM passages"),
        entities=one("SELECT count(*) FROM entities"),
        mentions=one("SELECT count(*) FROM mentions"),
        links=one("SELECT (SELECT count(*) FROM links) + (SELECT count(*) FROM co_mentions)"),
    )


def integrity(conn: sqlite3.Connection) -> tuple[list[str], list[tuple[object, ...]]]:
    """(integrity_check messages, foreign_key_check rows): ['ok'] and [] when healthy."""
    messages = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    problems = fts.check(conn)
    if problems:
        messages = [m for m in messages if m != "ok"] + problems
    fks = [tuple(r) for r in conn.execute("PRAGMA foreign_key_check")]
    return messages, fks


def pending_passages(conn: sqlite3.Connection) -> int:
    """Passages whose full-text entry, counts and co-mentions are not applied yet."""
    return derived.pending(conn)


def iter_links(conn: sqlite3.Connection) -> Iterator[tuple[int, int, str, int, list[int]]]:
    """Every link as (a, b, relation, weight, evidence passage ids): typed ones, then
    co-mentions."""
    for link_id, a, b, relation, weight in conn.execute(
        "SELECT id, a, b, relation, weight FROM links ORDER BY id"
    ).fetchall():
        yield a, b, relation, weight, _link_passages(conn, link_id, a, b, relation)
    for a, b, weight in conn.execute("SELECT a, b, weight FROM co_mentions ORDER BY a, b"):
        yield a, b, "co-mentioned", weight, co_mention_passages(conn, a, b)


def _link_passages(
    conn: sqlite3.Connection, link_id: int, a: int, b: int, relation: str
) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT passage_id FROM link_evidence WHERE link_id = ? ORDER BY passage_id",
            (link_id,),
        )
    ]


def entity_aliases(conn: sqlite3.Connection, entity_id: int) -> list[Alias]:
    return _aliases_for(conn, [entity_id]).get(entity_id, [])


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """PRAGMA quick_check: ['ok'] for a sound file."""
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


# -- export (FollowTheMoney and other formats) ----------------------------------------


@dataclass(frozen=True, slots=True)
class ExportEntity:
    """One entity with everything an export writes: names, notes, counts."""

    id: int
    kind: str
    name: str
    notes: str
    created_by: str
    mentions: int
    sources: int
    aliases: list[Alias]  # every alias but the name, most used first


@dataclass(frozen=True, slots=True)
class ExportLink:
    """One link, the kinds of its two ends, and where its evidence is."""

    key: str  # stable within a case: "l<link id>" for a typed link, "c<a>-<b>" for a co-mention
    a: int
    b: int
    relation: str
    weight: int
    a_kind: str
    b_kind: str
    evidence: list[tuple[str, str]]  # (source title, passage location), in passage order


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so a long export sees one state of a case being imported into."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def case_created(conn: sqlite3.Connection) -> str:
    """When the case file was made: stable for its life, different for another case."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'created'").fetchone()
    return str(row[0]) if row else ""


def iter_export_entities(
    conn: sqlite3.Connection, kinds: Sequence[str], *, batch: int = 500
) -> Iterator[ExportEntity]:
    """Entities of these kinds in id order, read in batches so a big case streams."""
    marks = ",".join("?" * len(kinds))
    last = 0
    while True:
        rows = conn.execute(
            f"SELECT id, kind, name, notes, created_by, mentions, sources FROM entities"
            f" WHERE kind IN ({marks}) AND id > ? ORDER BY id LIMIT ?",
            (*kinds, last, batch),
        ).fetchall()
        if not rows:
            return
        aliases = _aliases_for(conn, [r[0] for r in rows])
        for r in rows:
            others = [a for a in aliases.get(r[0], []) if a.alias != r[2]]
            yield ExportEntity(*r, aliases=others)
        last = rows[-1][0]


def linked_targets(conn: sqlite3.Connection, relations: Sequence[str]) -> set[int]:
    """Ids at the `b` end of links with one of these relations (what is owned, say)."""
    if not relations:
        return set()
    marks = ",".join("?" * len(relations))
    return {
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT b FROM links WHERE relation IN ({marks})", tuple(relations)
        )
    }


def iter_export_links(
    conn: sqlite3.Connection, kinds: Sequence[str], *, co_mentions: bool = True, batch: int = 500
) -> Iterator[ExportLink]:
    """Links between entities of these kinds, each with its evidence: typed links in id
    order, then co-mentions by their two ends. Read in batches, so no case is too big."""
    marks = ",".join("?" * len(kinds))
    typed = (
        "SELECT l.id, l.a, l.b, l.relation, l.weight, ea.kind, eb.kind FROM links l"
        " JOIN entities ea ON ea.id = l.a JOIN entities eb ON eb.id = l.b"
        f" WHERE ea.kind IN ({marks}) AND eb.kind IN ({marks}) AND l.id > ? ORDER BY l.id LIMIT ?"
    )
    last = 0
    while rows := conn.execute(typed, (*kinds, *kinds, last, batch)).fetchall():
        for link_id, a, b, relation, weight, a_kind, b_kind in rows:
            passages = _link_passages(conn, link_id, a, b, relation)
            yield ExportLink(
                f"l{link_id}", a, b, relation, weight, a_kind, b_kind, _where(conn, passages)
            )
        last = rows[-1][0]
    if not co_mentions:
        return
    co = (
        "SELECT c.a, c.b, c.weight, ea.kind, eb.kind FROM co_mentions c"
        " JOIN entities ea ON ea.id = c.a JOIN entities eb ON eb.id = c.b"
        f" WHERE ea.kind IN ({marks}) AND eb.kind IN ({marks}) AND (c.a, c.b) > (?, ?)"
        " ORDER BY c.a, c.b LIMIT ?"
    )
    after = (0, 0)
    while rows := conn.execute(co, (*kinds, *kinds, *after, batch)).fetchall():
        for a, b, weight, a_kind, b_kind in rows:
            passages = co_mention_passages(conn, a, b)
            yield ExportLink(
                f"c{a}-{b}", a, b, "co-mentioned", weight, a_kind, b_kind, _where(conn, passages)
            )
        after = (rows[-1][0], rows[-1][1])


def _where(conn: sqlite3.Connection, passage_ids: list[int]) -> list[tuple[str, str]]:
    """(source title, location) of each passage, in the order given."""
    found: dict[int, tuple[str, str]] = {}
    for i in range(0, len(passage_ids), 500):
        chunk = passage_ids[i : i + 500]
        for pid, title, location in conn.execute(
            "SELECT p.id, coalesce(s.title, s.path), p.location FROM passages p"
            f" JOIN sources s ON s.id = p.source_id WHERE p.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            found[pid] = (title, location)
    return [found[p] for p in passage_ids if p in found]


def passage_texts(conn: sqlite3.Connection) -> Iterator[str]:
    """Every passage's text in id order: for exporting lines to compare with grep/fzf."""
    for (text,) in conn.execute("SELECT text FROM passages ORDER BY id"):
        yield text


def sample_passage_texts(conn: sqlite3.Connection, n: int) -> list[str]:
    """A random sample of passage texts (benchmarks draw query words from real text)."""
    return [r[0] for r in conn.execute("SELECT text FROM passages ORDER BY random() LIMIT ?", (n,))]
