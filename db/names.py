"""Fuzzy lookup over entity names and aliases: trigram candidates, then a token-aware score.

Scoring every name is linear (about 1.5 us a name with rapidfuzz), far too slow
at 100k+ names per keystroke. So a query first collects the names sharing at
least half its trigrams (numpy postings: typos survive, since a misspelling
keeps most trigrams), keeps the best few hundred by rapidfuzz, and only those
get the careful score. One- and two-letter queries use prefix buckets instead.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casework.db.normalise import normalise_name

if TYPE_CHECKING:
    import numpy as np

MAX_CANDIDATES = 3000  # names that share trigrams with the query, best first
RERANK = 300  # of those, how many get the careful token score
SHORT = 3  # queries shorter than this use prefix buckets


@dataclass(frozen=True, slots=True)
class NameMatch:
    entity_id: int
    alias: str
    score: float


def trigrams(norm: str) -> set[str]:
    padded = f"  {norm} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _token_score(q: str, t: str, ratio: Callable[[str, str], float]) -> float:
    if t == q:
        return 100.0
    if t.startswith(q):
        return 96.0 if len(q) >= 3 else 90.0  # a word being typed
    if len(q) < 3:
        return 0.0
    return ratio(q, t)


def score_name(query: str, norm: str) -> float:
    """0..100: how well a normalised query matches a normalised name.

    Each query word is matched to its best name word (equal, a prefix of it, or
    close by edit distance), so word order does not matter ("younger alex") and
    a typo costs little ("mcalum"). Names with many unmatched words lose a
    little, so "John Smith" beats "John Smith-Moorefield Trust" for "john smith".
    """
    from rapidfuzz import fuzz  # here, not at import: 20-40 ms off the explorer's first paint

    if not query or not norm:
        return 0.0
    if norm == query:
        return 100.0
    q_tokens, n_tokens = query.split(), norm.split()
    ratio = fuzz.ratio
    per_word = [max((_token_score(q, t, ratio) for t in n_tokens), default=0.0) for q in q_tokens]
    words = sum(per_word) / len(per_word)
    if min(per_word) < 50:
        words *= 0.7  # a query word that matches nothing
    coverage = min(1.0, len(query.replace(" ", "")) / max(1, len(norm.replace(" ", ""))))
    whole = fuzz.ratio(query, norm)
    best = max(words * (0.93 + 0.07 * coverage), whole)
    return float(min(best, 99.9))


class NameIndex:
    """An in-memory index over (entity_id, alias, norm, weight) rows."""

    def __init__(self, rows: list[tuple[int, str, str, int]]) -> None:
        import numpy as np  # here, not at import: 50 ms off the explorer's first paint

        self.entity_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        # Tuples of strings, not lists: the cyclic collector stops walking them after
        # one pass, and a list of 150k names is a third of a full pass in the explorer.
        self.aliases = tuple(r[1] for r in rows)
        self.norms = tuple(r[2] for r in rows)
        self.weights = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
        postings: dict[str, list[int]] = defaultdict(list)
        prefixes: dict[str, list[int]] = defaultdict(list)
        for i, norm in enumerate(self.norms):
            for g in trigrams(norm):
                postings[g].append(i)
            for token in set(norm.split()):
                prefixes[token[:1]].append(i)
                if len(token) > 1:
                    prefixes[token[:2]].append(i)
        self.postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in postings.items()}
        # Prefix buckets, most mentioned first, so a short query shows the likeliest names.
        self.prefixes = {
            p: np.asarray(sorted(set(ids), key=lambda i: -self.weights[i])[:RERANK], dtype=np.int32)
            for p, ids in prefixes.items()
        }

    def __len__(self) -> int:
        return len(self.norms)

    def candidates(self, query: str) -> np.ndarray:
        """Indexes of names sharing at least half the query's trigrams, most shared first."""
        import numpy as np  # here, not at import: 50 ms off the explorer's first paint

        lists = [self.postings[g] for g in trigrams(query) if g in self.postings]
        if not lists:
            return np.empty(0, dtype=np.int32)
        need = max(1, (len(trigrams(query)) + 1) // 2)
        counts = np.bincount(np.concatenate(lists), minlength=len(self.norms))
        hits = np.flatnonzero(counts >= need)
        if len(hits) > MAX_CANDIDATES:
            top = np.argpartition(-counts[hits], MAX_CANDIDATES)[:MAX_CANDIDATES]
            hits = hits[top]
        return hits

    def search(self, text: str, limit: int = 50, min_score: float = 60.0) -> list[NameMatch]:
        """Best alias per entity, best first; ties go to the more mentioned entity."""
        import numpy as np  # here, not at import: 50 ms off the explorer's first paint
        from rapidfuzz import fuzz, process

        query = normalise_name(text, strip_honorifics=False)
        if not query:
            return []
        if len(query) < SHORT:
            pool = self.prefixes.get(query, np.empty(0, dtype=np.int32))
        else:
            pool = self.candidates(query)
            if len(pool) > RERANK:
                choices = [self.norms[i] for i in pool]
                kept = process.extract(
                    query, choices, scorer=fuzz.WRatio, limit=RERANK, processor=None
                )
                pool = np.asarray([pool[k] for _, _, k in kept], dtype=np.int32)
        best: dict[int, tuple[float, int]] = {}
        for i in pool.tolist():
            s = score_name(query, self.norms[i])
            if s < min_score:
                continue
            eid = int(self.entity_ids[i])
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
