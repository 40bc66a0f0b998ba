"""What the record and passages panes show, loaded off the UI thread in one go.

`load_*` run on a case-reader thread and return plain data; `render_*` turn
that data into Content on the UI thread. Nothing here parses markup.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from textual.content import Content

from casework.db import queries
from casework.db.models import EntityDetail, LinkSummary, PassageDetail, PassageEntity
from casework.tui.text import KIND_LABELS, MENTION, highlight, join, plain, styled, window

MAX_MENTIONS = 500


@dataclass(slots=True)
class PassageCard:
    """One passage in the passages pane, with the spans to highlight in it."""

    passage_id: int
    source_id: int
    source_title: str
    location: str
    text: str
    spans: list[tuple[int, int]]  # offsets into `text`


@dataclass(slots=True)
class RecordData:
    kind: str  # "entity" | "passage"
    id: int
    title: str
    header: Content
    # (option id, prompt, plain name for filtering)
    links: list[tuple[str, Content, str]] = field(default_factory=list)
    links_title: str = "Links"
    passages: list[PassageCard] = field(default_factory=list)
    passages_title: str = "Passages"
    source_id: int | None = None  # for a passage record: its document


def load_entity(conn: sqlite3.Connection, entity_id: int) -> tuple[EntityDetail, list[PassageCard]]:
    detail = queries.get_entity(conn, entity_id, mention_limit=MAX_MENTIONS, evidence=False)
    cards: dict[int, PassageCard] = {}
    for m in detail.mentions:
        card = cards.get(m.passage_id)
        if card is None:
            card = PassageCard(
                m.passage_id, m.source_id, m.source_title, m.location, m.passage_text, []
            )
            cards[m.passage_id] = card
        card.spans.append((m.start - m.passage_start, m.end - m.passage_start))
    return detail, list(cards.values())


def load_passage(conn: sqlite3.Connection, passage_id: int) -> PassageDetail:
    return queries.get_passage(conn, passage_id)


def entity_record(detail: EntityDetail, cards: list[PassageCard]) -> RecordData:
    counts = (
        f"{detail.mention_count} mention{'s' * (detail.mention_count != 1)} in "
        f"{detail.source_count} source{'s' * (detail.source_count != 1)}"
    )
    lines: list[Content] = [
        join(
            [
                styled(detail.name, "bold"),
                "  ",
                (KIND_LABELS.get(detail.kind, detail.kind), "italic"),
                "  ",
                (counts, "dim"),
            ]
        )
    ]
    if detail.value and detail.value != detail.name:
        lines.append(join([("value ", "dim"), plain(detail.value)]))
    others = [a for a in detail.aliases if a.alias != detail.name]
    if others:
        parts: list[Content | tuple[str, str] | str] = [("aka ", "dim")]
        for i, a in enumerate(others):
            if i:
                parts.append(", ")
            parts.append(plain(a.alias))
            parts.append((f" ({a.rule})", "dim"))
        lines.append(join(parts))
    if detail.sources:
        parts = [("in ", "dim")]
        for i, s in enumerate(detail.sources[:6]):
            if i:
                parts.append("; ")
            parts.append(plain(s.title))
            parts.append((f" ×{s.mentions}", "dim"))
        if len(detail.sources) > 6:
            parts.append((f"; +{len(detail.sources) - 6} more", "dim"))
        lines.append(join(parts))
    sources = {c.source_id for c in cards}
    more = "" if detail.mention_count <= MAX_MENTIONS else f", first {MAX_MENTIONS} mentions"
    return RecordData(
        kind="entity",
        id=detail.id,
        title=detail.name,
        header=Content("\n").join(lines),
        # one entity can be linked twice (co-mentioned and a typed relation): ids stay unique
        links=[
            (f"e:{link.entity_id}:{i}", link_prompt(link), link.name)
            for i, link in enumerate(detail.links)
        ],
        links_title=f"Links ({len(detail.links)})",
        passages=cards,
        passages_title=f"Passages ({len(cards)} in {len(sources)} source"
        f"{'s' * (len(sources) != 1)}{more})",
    )


def link_prompt(link: LinkSummary) -> Content:
    relation = "" if link.relation == "co-mentioned" else f" · {link.relation}"
    return join(
        [
            plain(link.name),
            "  ",
            (KIND_LABELS.get(link.kind, link.kind), "italic"),
            (f"{relation} · {link.weight} passage{'s' * (link.weight != 1)}", "dim"),
        ]
    )


def entity_in_passage_prompt(e: PassageEntity) -> Content:
    return join(
        [
            plain(e.name),
            "  ",
            (KIND_LABELS.get(e.kind, e.kind), "italic"),
            *([("  as ", "dim"), plain(e.text)] if e.text != e.name else []),
        ]
    )


def passage_record(detail: PassageDetail) -> RecordData:
    p = detail.passage
    seen: dict[int, PassageEntity] = {}
    for e in detail.entities:
        seen.setdefault(e.entity_id, e)
    header = join(
        [
            ("¶ ", "bold"),
            styled(detail.source_title, "bold"),
            "  ",
            (p.location, "dim"),
            (f"  {len(seen)} entities", "dim"),
        ]
    )
    card = PassageCard(
        p.id,
        p.source_id,
        detail.source_title,
        p.location,
        p.text,
        [(e.start - p.start, e.end - p.start) for e in detail.entities],
    )
    return RecordData(
        kind="passage",
        id=p.id,
        title=f"{detail.source_title} {p.location}",
        header=header,
        links=[(f"e:{eid}", entity_in_passage_prompt(e), e.name) for eid, e in seen.items()],
        links_title=f"Entities in this passage ({len(seen)})",
        passages=[card],
        passages_title="Passage",
        source_id=p.source_id,
    )


def card_prompt(card: PassageCard, *, full: bool = False, width: int = 320) -> Content:
    """Source and location on one line, then the passage around its first mention."""
    label = join([styled(card.source_title, "bold"), "  ", (card.location, "dim")])
    text, spans = card.text, card.spans
    if not full and spans:
        first_start, first_end = min(spans)
        text, s0, _e0, cut_left, cut_right = window(card.text, first_start, first_end, width)
        shift = first_start - s0
        spans = [(s - shift, e - shift) for s, e in card.spans]
        body = highlight(text, [(s, e, MENTION) for s, e in spans if s >= 0 and e <= len(text)])
        if cut_left:
            body = Content("…") + body
        if cut_right:
            body = body + Content("…")
    else:
        body = highlight(text, [(s, e, MENTION) for s, e in spans])
    return Content("\n").join([label, body])
