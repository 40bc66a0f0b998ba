"""Fuzzy lookup over entity names and aliases: trigram candidates, rapidfuzz rerank.

Brute-force fuzzy matching is linear in the number of names (about 1.5 us a
name), so a query first collects the aliases that share trigrams with it and
only those are scored. Typos survive because a candidate needs only some of the
query's trigrams, not all.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from casework.db.normalise import normalise_name

MAX_CANDIDATES = 2000


@dataclass(frozen=True, slots=True)
class NameMatch:
    entity_id: int
    alias: str
    score: float


def trigrams(norm: str) -> set[str]:
    padded = f"  {norm} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def score_name(query: str, norm: str) -> float:
    """0..100: how well a normalised query matches a normalised name.

    WRatio covers typos and partial names; token_sort covers word order
    ("younger alex"); a prefix of the name is a strong signal while typing.
    """
    if not query or not norm:
        return 0.0
    if norm == query:
        return 100.0
    best = max(fuzz.WRatio(query, norm), fuzz.token_sort_ratio(query, norm))
    if norm.startswith(query) or f" {query}" in f" {norm}":
        best = max(best, 90.0 + 10.0 * len(query) / len(norm))
    return float(min(best, 99.9))


class NameIndex:
    """An in-memory trigram index over (entity_id, alias, norm) rows."""

    def __init__(self, rows: list[tuple[int, str, str, int]]) -> None:
        # rows: (entity_id, alias, norm, entity mention count)
        self.entity_ids = array("q", (r[0] for r in rows))
        self.aliases = [r[1] for r in rows]
        self.norms = [r[2] for r in rows]
        self.weights = [r[3] for r in rows]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, norm in enumerate(self.norms):
            for g in trigrams(norm):
                postings[g].append(i)
        self.postings = {g: array("l", ids) for g, ids in postings.items()}

    def __len__(self) -> int:
        return len(self.norms)

    def candidates(self, query: str) -> list[int]:
        grams = trigrams(query)
        counts: dict[int, int] = defaultdict(int)
        for g in grams:
            for i in self.postings.get(g, ()):
                counts[i] += 1
        if not counts:
            return []
        need = max(1, len(grams) // 3)
        hits = [i for i, c in counts.items() if c >= need]
        if len(hits) > MAX_CANDIDATES:
            hits.sort(key=lambda i: -counts[i])
            hits = hits[:MAX_CANDIDATES]
        return hits

    def search(self, text: str, limit: int = 50, min_score: float = 60.0) -> list[NameMatch]:
        """Best alias per entity, best first; ties go to the more mentioned entity."""
        query = normalise_name(text, strip_honorifics=False)
        if not query:
            return []
        if len(query) < 3:
            pool = [i for i, n in enumerate(self.norms) if n.startswith(query) or f" {query}" in n]
        else:
            pool = self.candidates(query)
        best: dict[int, tuple[float, int]] = {}
        for i in pool:
            s = score_name(query, self.norms[i])
            if s < min_score:
                continue
            eid = self.entity_ids[i]
            if eid not in best or s > best[eid][0]:
                best[eid] = (s, i)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -self.weights[kv[1][1]]))
        return [NameMatch(eid, self.aliases[i], s) for eid, (s, i) in ranked[:limit]]


# Keyed by id(conn); the value holds the connection itself so the id cannot be
# reused while cached. A handful of connections per process at most.
_CACHE: dict[int, tuple[sqlite3.Connection, tuple[int, int], NameIndex]] = {}
_CACHE_SIZE = 4


def name_index(conn: sqlite3.Connection) -> NameIndex:
    """The index for this connection, rebuilt when the case has changed."""
    stamp = (
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.total_changes,
    )
    cached = _CACHE.get(id(conn))
    if cached and cached[0] is conn and cached[1] == stamp:
        return cached[2]
    rows = conn.execute(
        "SELECT a.entity_id, a.alias, a.norm, e.mentions FROM aliases a "
        "JOIN entities e ON e.id = a.entity_id"
    ).fetchall()
    index = NameIndex(rows)
    _CACHE.pop(id(conn), None)
    while len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(conn)] = (conn, stamp, index)
    return index


def forget(conn: sqlite3.Connection) -> None:
    _CACHE.pop(id(conn), None)
