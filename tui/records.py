"""What the record and passages panes show, loaded off the UI thread in one go.

`load_*` run on a case-reader thread and return plain data; `render_*` turn
that data into Content on the UI thread. Nothing here parses markup.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import overload

from textual.content import Content

from casework.db import queries
from casework.db.models import EntityDetail, LinkSummary, PassageDetail, PassageEntity
from casework.tui.text import (
    KIND_LABELS,
    MENTION,
    fit,
    highlight,
    items_in_lines,
    join,
    plain,
    styled,
    window,
)

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
    links: Sequence[tuple[str, Content, str]] = field(default_factory=list)
    links_title: str = "Links"
    passages: list[PassageCard] = field(default_factory=list)
    passages_title: str = "Passages"
    source_id: int | None = None  # for a passage record: its document
    # The header and a link's prompt laid out for a width (and, the header, a row budget)
    fit_header: Callable[[int, int], Content] | None = None
    fit_link: Callable[[int, int], Content] | None = None  # (index in links, width)

    def link_names(self) -> list[str]:
        """Each link's name, for filtering, without building the prompts of a hub's links."""
        if isinstance(self.links, LinkRows):
            return self.links.names()
        return [name for _, _, name in self.links]


class LinkRows(Sequence[tuple[str, Content, str]]):
    """(option id, prompt, name) of an entity's links, each prompt built when first read.

    A hub has thousands of links and a pane shows a page of them: building every
    prompt when the record opened held the UI for 50-100 ms after each preview.
    """

    def __init__(self, links: Sequence[LinkSummary]) -> None:
        self._links = links
        self._prompts: dict[int, Content] = {}

    def __len__(self) -> int:
        return len(self._links)

    @overload
    def __getitem__(self, index: int) -> tuple[str, Content, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, Content, str]]: ...
    def __getitem__(
        self, index: int | slice
    ) -> tuple[str, Content, str] | list[tuple[str, Content, str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._links)))]
        if index < 0:
            index += len(self._links)
        link = self._links[index]  # IndexError past the end, as a list
        prompt = self._prompts.get(index)
        if prompt is None:
            prompt = self._prompts[index] = link_prompt(link)
        return (f"e:{link.entity_id}:{index}", prompt, link.name)

    def names(self) -> list[str]:
        """Every link's name, without building a prompt (for filtering)."""
        return [link.name for link in self._links]


def load_entity_record(conn: sqlite3.Connection, entity_id: int) -> RecordData:
    """The whole record, built in the reader's thread: the UI only lays out a page of it."""
    return entity_record(*load_entity(conn, entity_id))


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


def _mentions(detail: EntityDetail) -> str:
    return f"{detail.mention_count} mention{'s' * (detail.mention_count != 1)}"


def _in_sources(detail: EntityDetail) -> str:
    return f"in {detail.source_count} source{'s' * (detail.source_count != 1)}"


def _name_lines(detail: EntityDetail, width: int | None, *, sources: bool) -> list[Content]:
    """Name, kind and counts: one line when it fits, else the counts on a line of their own.

    With `sources` false the source count is left to the line that lists them.
    """
    name_kind = join(
        [styled(detail.name, "bold"), "  ", (KIND_LABELS.get(detail.kind, detail.kind), "italic")]
    )
    counts = _mentions(detail) + (f" {_in_sources(detail)}" if sources else "")
    whole = name_kind + Content.styled(f"  {counts}", "dim")
    if width is None or whole.cell_length <= width:
        return [whole]
    return [*name_kind.wrap(width), fit(Content.styled(counts, "dim"), width)]


LISTED = 60  # aliases or sources a header considers; a hub's thousands are "+N more"


def _alias_items(detail: EntityDetail) -> list[Content]:
    others = [a for a in detail.aliases if a.alias != detail.name]
    return [join([plain(a.alias), (f" ({a.rule})", "dim")]) for a in others[:LISTED]]


def _unlisted_aliases(detail: EntityDetail) -> int:
    return max(0, sum(a.alias != detail.name for a in detail.aliases) - LISTED)


def _source_items(detail: EntityDetail, cap: int) -> list[tuple[Content, Content]]:
    """Each source as `title ×n`, the title cut to `cap` cells with its count."""
    out = []
    for s in detail.sources[:LISTED]:
        count = Content.styled(f" ×{s.mentions}", "dim")
        out.append((fit(plain(s.title), cap - count.cell_length), count))
    return out


def entity_header(detail: EntityDetail, width: int | None = None, rows: int = 5) -> Content:
    """Name, kind, counts, aliases (with the rule that merged each) and sources.

    With a `width`, everything fits in `rows` lines of it: aliases and sources each
    cut to the lines they get, ending in "+N more" (the passages pane groups every
    passage by source, and `casework show` lists all).
    """
    aliases = _alias_items(detail)
    if width is None:
        lines = _name_lines(detail, None, sources=True)
        if detail.value and detail.value != detail.name:
            lines.append(join([("value ", "dim"), plain(detail.value)]))
        if aliases:
            more = _unlisted_aliases(detail)
            tail = [Content.styled(f"+{more} more", "dim")] if more else []
            lines.append(Content.styled("aka ", "dim") + Content(", ").join([*aliases, *tail]))
        if detail.sources:
            parts: list[Content | tuple[str, str] | str] = [("in ", "dim")]
            for i, s in enumerate(detail.sources[:6]):
                if i:
                    parts.append("; ")
                parts.append(plain(s.title))
                parts.append((f" ×{s.mentions}", "dim"))
            if len(detail.sources) > 6:
                parts.append((f"; +{len(detail.sources) - 6} more", "dim"))
            lines.append(join(parts))
        return Content("\n").join(lines)
    value = []
    if detail.value and detail.value != detail.name:
        value = [fit(join([("value ", "dim"), plain(detail.value)]), width)]
    room = rows - len(_name_lines(detail, width, sources=False)) - len(value)
    # The sources' line says how many there are; without room for one, the first line does.
    listed = bool(detail.sources) and room >= (2 if aliases else 1)
    lines = _name_lines(detail, width, sources=not listed) + value
    room = max(0, rows - len(lines))
    aka = Content.styled("aka ", "dim")
    src = Content.styled(f"{_in_sources(detail)}: ", "dim")
    sources = _source_items(detail, width) if listed else []
    a_more = {"unlisted": _unlisted_aliases(detail)}
    s_more = {"sep": "; ", "unlisted": max(0, len(detail.sources) - LISTED)}
    if sources and items_in_lines(src, sources, width, room, **s_more)[1]:
        # Some are left out: cut each title to leave room for the "+N more" after it.
        marker = len(f"  +{len(detail.sources)} more; ")
        sources = _source_items(detail, max(16, width - marker))
    need_a = len(items_in_lines(aka, aliases, width, room or 1, **a_more)[0]) if aliases else 0
    need_s = len(items_in_lines(src, sources, width, room or 1, **s_more)[0]) if sources else 0
    a_share = (room + 1) // 2 if sources else room
    if need_a <= a_share:
        a_rows = need_a
    elif need_s < room - a_share:
        a_rows = room - need_s
    else:
        a_rows = a_share
    if aliases and a_rows:
        lines += items_in_lines(aka, aliases, width, a_rows, **a_more)[0]
    if sources and room - a_rows:
        lines += items_in_lines(src, sources, width, room - a_rows, **s_more)[0]
    return Content("\n").join(lines)


def entity_record(detail: EntityDetail, cards: list[PassageCard]) -> RecordData:
    sources = {c.source_id for c in cards}
    more = "" if detail.mention_count <= MAX_MENTIONS else f", first {MAX_MENTIONS} mentions"
    links = detail.links
    return RecordData(
        kind="entity",
        id=detail.id,
        title=detail.name,
        header=entity_header(detail),
        # one entity can be linked twice (co-mentioned and a typed relation): ids stay unique
        links=LinkRows(links),
        links_title=f"Links ({len(links)})",
        passages=cards,
        passages_title=f"Passages ({len(cards)} in {len(sources)} source"
        f"{'s' * (len(sources) != 1)}{more})",
        fit_header=lambda width, rows: entity_header(detail, width, rows),
        fit_link=lambda i, width: link_prompt(links[i], width),
    )


# An incoming typed link ("relation (of)": the other entity is the relation's subject),
# said from this entity's side, as outgoing ones are: "[this] received from [them]".
INVERSE = {
    "wrote to": "received from",
    "uses address": "address of",
    "owner": "owned by",
    "director": "directed by",
    "employee": "employer of",
    "member": "has member",
    "representative": "represented by",
    "payment": "payment from",
    "controller": "controlled by",
    "debtor": "creditor of",
    "predecessor": "successor of",
    "family": "family",
    "associate": "associate",
}
PLACE_WORDS = ("in", "to", "at")


def relation_label(relation: str) -> str:
    """How a link's relation reads on this entity's record; incoming ones inverted."""
    if not relation.endswith(" (of)"):
        return relation
    base = relation[: -len(" (of)")]
    if base in INVERSE:
        return INVERSE[base]
    if base.startswith("family: "):
        return f"{base} of"  # Henri M. family: wife Hélène M. -> on hers: "family: wife of"
    if base.startswith("role: "):
        return f"has {base[len('role: ') :]}"  # on DGSE: Henri M. "has station chief"
    verb, _, last = base.rpartition(" ")
    if verb and last in PLACE_WORDS:
        return f"{verb} here"  # on Lyon: Henri M. "born here"
    return f"← {base}"


def link_prompt(link: LinkSummary, width: int | None = None) -> Content:
    """Name, kind, relation and weight; with a `width`, on one line of it.

    Too long, it gives up, in turn: "passages" for ¶, the kind, then the end of the name;
    the relation stays whole as long as anything can.
    """
    relation = "" if link.relation == "co-mentioned" else f" · {relation_label(link.relation)}"
    name = plain(link.name)
    kind = Content.styled(KIND_LABELS.get(link.kind, link.kind), "italic")
    weight = f"{link.weight} passage{'s' * (link.weight != 1)}"
    whole = join([name, "  ", kind, (f"{relation} · {weight}", "dim")])
    if width is None or whole.cell_length <= width:
        return whole
    tail = Content.styled(f"{relation} · {link.weight}¶", "dim")
    for lead in (join([name, "  ", kind]), name):
        if lead.cell_length + tail.cell_length <= width:
            return lead + tail
    if width - tail.cell_length >= 8:
        return fit(name, width - tail.cell_length) + tail
    return fit(name + tail, width)


def entity_in_passage_prompt(e: PassageEntity, width: int | None = None) -> Content:
    whole = join(
        [
            plain(e.name),
            "  ",
            (KIND_LABELS.get(e.kind, e.kind), "italic"),
            *([("  as ", "dim"), plain(e.text)] if e.text != e.name else []),
        ]
    )
    return whole if width is None else fit(whole, width)


def passage_header(detail: PassageDetail, count: int, width: int | None = None) -> Content:
    """¶ source title, then location and entity count kept together on one line."""
    p = detail.passage
    title = join([("¶ ", "bold"), styled(detail.source_title, "bold")])
    tail = Content.styled(f"{p.location} · {count} entit{'y' if count == 1 else 'ies'}", "dim")
    whole = title + Content("  ") + tail
    if width is None or whole.cell_length <= width:
        return whole
    lines = title.wrap(width)
    if lines[-1].cell_length + 2 + tail.cell_length <= width:
        lines[-1] = lines[-1] + Content("  ") + tail
    else:
        lines.append(fit(tail, width))
    return Content("\n").join(lines)


def passage_record(detail: PassageDetail) -> RecordData:
    p = detail.passage
    seen: dict[int, PassageEntity] = {}
    for e in detail.entities:
        seen.setdefault(e.entity_id, e)
    card = PassageCard(
        p.id,
        p.source_id,
        detail.source_title,
        p.location,
        p.text,
        [(e.start - p.start, e.end - p.start) for e in detail.entities],
    )
    entities = list(seen.values())
    return RecordData(
        kind="passage",
        id=p.id,
        title=f"{detail.source_title} {p.location}",
        header=passage_header(detail, len(seen)),
        links=[(f"e:{e.entity_id}", entity_in_passage_prompt(e), e.name) for e in entities],
        links_title=f"Entities in this passage ({len(seen)})",
        passages=[card],
        passages_title="Passage",
        source_id=p.source_id,
        fit_header=lambda width, rows: passage_header(detail, len(seen), width),
        fit_link=lambda i, width: entity_in_passage_prompt(entities[i], width),
    )


def card_prompt(
    card: PassageCard, *, full: bool = False, chars: int = 320, width: int | None = None
) -> Content:
    """Source and location on one line, then the passage around its first mention.

    With a `width`, the source title is cut so that the location stays on its line.
    """
    location = Content.styled(card.location, "dim")
    label = styled(card.source_title, "bold")
    if width is not None and label.cell_length + 2 + location.cell_length > width:
        label = fit(label, max(1, width - 2 - location.cell_length))
    label = label + Content("  ") + location
    text, spans = card.text, card.spans
    if not full and spans:
        first_start, first_end = min(spans)
        text, s0, _e0, cut_left, cut_right = window(card.text, first_start, first_end, chars)
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
