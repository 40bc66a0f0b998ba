"""Scoring shared by benchmarks/eval_extract.py, benchmarks/eval_demo.py and the demo gold test.

Everything is measured on what the real import pipeline stored: documents go
through `casework.importers.pipeline` into a case file, and mentions are read
back with `casework.db.queries`, so passage splitting, resolution and writing
are part of what is scored, not only the extractor.

Kept out of the runtime package on purpose: nothing an analyst runs needs it.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

NAME_KINDS = ("person", "organization", "place")
ALL_KINDS = (*NAME_KINDS, "date", "money")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Predicted:
    """One stored mention: offsets into its source's text, kind, and the case entity."""

    start: int
    end: int
    kind: str
    entity_id: int


@dataclass
class StoredDoc:
    """A source as the case holds it: its text and its mentions."""

    text: str
    mentions: list[Predicted] = field(default_factory=list)


@dataclass
class Tally:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        """Precision, recall, F1 (0 when undefined)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def __iadd__(self, other: Tally) -> Tally:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


@dataclass
class GoldDoc:
    """Gold spans of one document: scored (span -> kind) and spans that are not scored.

    A prediction overlapping an `ignored` span is neither right nor wrong (a
    nominal phrase such as "mourners", or a candidate the annotators rejected).
    """

    scored: dict[Span, str] = field(default_factory=dict)
    ignored: list[Span] = field(default_factory=list)


@dataclass
class SpanScores:
    """Per-kind tallies, exact span + kind and span only, with the errors behind them."""

    exact: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in ALL_KINDS})
    span: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in ALL_KINDS})
    false_pos: Counter[tuple[str, str]] = field(default_factory=Counter)
    false_neg: Counter[tuple[str, str]] = field(default_factory=Counter)

    def micro(self, kinds: Iterable[str] = NAME_KINDS, exact: bool = True) -> Tally:
        """Sum of the tallies of `kinds`."""
        out = Tally()
        for k in kinds:
            out += (self.exact if exact else self.span)[k]
        return out


def score_spans(
    texts: Mapping[str, str],
    gold: Mapping[str, GoldDoc],
    preds: Mapping[str, Sequence[Predicted]],
    kinds: Sequence[str] = ALL_KINDS,
) -> SpanScores:
    """Exact (span + kind) and span-only tallies per kind over every document.

    A prediction of a kind outside `kinds` is left out. In span-only scoring a
    prediction is counted under its own kind, a gold span under the gold kind.
    """
    out = SpanScores()
    for did, text in texts.items():
        g = gold.get(did, GoldDoc())
        exact_hit: set[Span] = set()
        span_hit: set[Span] = set()
        for p in preds.get(did, ()):
            if p.kind not in kinds:
                continue
            key = (p.start, p.end)
            gk = g.scored.get(key)
            if gk is not None:
                out.span[p.kind].tp += 1
                span_hit.add(key)
                if gk == p.kind:
                    out.exact[p.kind].tp += 1
                    exact_hit.add(key)
                else:
                    out.exact[p.kind].fp += 1
                    out.false_pos[(p.kind, f"{text[p.start : p.end]} [gold {gk}]")] += 1
                continue
            if any(b < p.end and p.start < e for b, e in g.ignored):
                continue
            out.exact[p.kind].fp += 1
            out.span[p.kind].fp += 1
            out.false_pos[(p.kind, text[p.start : p.end])] += 1
        for key, kind in g.scored.items():
            if kind not in kinds:
                continue
            if key not in exact_hit:
                out.exact[kind].fn += 1
                out.false_neg[(kind, text[key[0] : key[1]])] += 1
            if key not in span_hit:
                out.span[kind].fn += 1
    return out


def print_span_table(title: str, scores: SpanScores, kinds: Sequence[str] = ALL_KINDS) -> None:
    """One table: per kind exact P/R/F1, span-only P/R/F1 and the exact counts."""
    print(f"\n{title}")
    print(f"  {'kind':14}{'exact P':>8}{'R':>7}{'F1':>7}   {'span P':>7}{'R':>7}{'F1':>7}"
          f"   {'tp':>5}{'fp':>5}{'fn':>5}")  # fmt: skip
    rows = [(k, scores.exact[k], scores.span[k]) for k in kinds]
    names = [k for k in NAME_KINDS if k in kinds]
    rows.append(("micro p/o/pl", scores.micro(names), scores.micro(names, exact=False)))
    rows.append(("micro all", scores.micro(kinds), scores.micro(kinds, exact=False)))
    for name, t, s in rows:
        p, r, f = t.prf()
        sp, sr, sf = s.prf()
        print(f"  {name:14}{p:8.3f}{r:7.3f}{f:7.3f}   {sp:7.3f}{sr:7.3f}{sf:7.3f}"
              f"   {t.tp:5d}{t.fp:5d}{t.fn:5d}")  # fmt: skip


def print_errors(scores: SpanScores, samples: int) -> None:
    """The most frequent false positives and false negatives."""
    for label, counter in (("false positives", scores.false_pos), ("misses", scores.false_neg)):
        print(f"\n  most frequent {label}:")
        for (kind, s), c in counter.most_common(samples):
            print(f"    {c:3d}  {kind:13} {s!r}")


# ------------------------------------------------------------------ the real pipeline


def read_case(db_path: Path) -> dict[str, StoredDoc]:
    """Every imported source of a case (by path), with its text and stored mentions."""
    from casework.db import queries
    from casework.db.connection import open_case

    conn = open_case(db_path, readonly=True)
    try:
        out: dict[str, StoredDoc] = {}
        by_id: dict[int, StoredDoc] = {}
        for src in queries.list_sources(conn):
            if src.status != "ok":
                continue
            doc = StoredDoc(queries.source_text(conn, src.id))
            out[src.path] = by_id[src.id] = doc
            for path in src.also_at:  # the same bytes imported under another name
                out[path] = doc
        for m in queries.iter_mentions(conn):
            if m.source_id in by_id:
                by_id[m.source_id].mentions.append(Predicted(m.start, m.end, m.kind, m.entity_id))
        return out
    finally:
        conn.close()


def import_texts(texts: Mapping[str, str], suffix: str = ".txt") -> dict[str, StoredDoc]:
    """Write `texts` (id -> text) as files, import them into a temporary case, read it back.

    Raises when a document fails to import or comes back with a different
    text, since gold offsets would then point at the wrong characters.
    """
    from casework.db.connection import open_case
    from casework.importers.pipeline import import_paths

    with tempfile.TemporaryDirectory(prefix="casework-eval-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        names: dict[str, str] = {}
        for i, (did, text) in enumerate(texts.items()):
            name = f"{i:05d}{suffix}"
            (folder / name).write_text(text, encoding="utf-8")
            names[name] = did
        db = Path(tmp) / "eval.db"
        conn = open_case(db, create=True)
        try:
            summary = import_paths(conn, [folder])
        finally:
            conn.close()
        if summary.failed:
            bad = summary.failed[0]
            raise RuntimeError(f"import failed: {bad.path}: {bad.reason}")
        stored = read_case(db)
    out: dict[str, StoredDoc] = {}
    for path, doc in stored.items():
        did = names[Path(path).name]
        if doc.text != texts[did]:
            raise RuntimeError(f"document {did}: the stored text differs from the input")
        out[did] = doc
    return out


# ------------------------------------------------------------------ resolution


@dataclass
class MergeScores:
    """Pairwise same-entity precision/recall over mentions found with the right span and kind.

    `wrong_merges` lists predicted entities holding mentions of two or more gold
    entities, as (a surface of the entity, the gold keys it holds).
    """

    pairs_gold: int = 0
    pairs_pred: int = 0
    pairs_both: int = 0
    wrong_merges: list[tuple[str, list[str]]] = field(default_factory=list)
    split: list[tuple[str, list[str]]] = field(default_factory=list)  # gold key, surfaces

    @property
    def splits(self) -> int:
        """Gold entities spread over more than one predicted entity."""
        return len(self.split)

    def precision(self) -> float:
        """Of the pairs put together, the share that belong together."""
        return self.pairs_both / self.pairs_pred if self.pairs_pred else 1.0

    def recall(self) -> float:
        """Of the pairs that belong together, the share put together."""
        return self.pairs_both / self.pairs_gold if self.pairs_gold else 1.0


def score_merges(matched: Sequence[tuple[str, int, str]]) -> MergeScores:
    """Merge quality from (gold entity key, predicted entity id, surface) of matched mentions."""
    out = MergeScores()
    for (ga, pa, _), (gb, pb, _) in combinations(matched, 2):
        same_gold, same_pred = ga == gb, pa == pb
        out.pairs_gold += same_gold
        out.pairs_pred += same_pred
        out.pairs_both += same_gold and same_pred
    gold_of: dict[int, set[str]] = {}
    surface: dict[int, str] = {}
    pred_of: dict[str, set[int]] = {}
    for g, p, s in matched:
        gold_of.setdefault(p, set()).add(g)
        surface.setdefault(p, s)
        pred_of.setdefault(g, set()).add(p)
    out.wrong_merges = [(surface[p], sorted(gs)) for p, gs in gold_of.items() if len(gs) > 1]
    out.split = [(g, sorted(surface[p] for p in ps)) for g, ps in pred_of.items() if len(ps) > 1]
    return out
