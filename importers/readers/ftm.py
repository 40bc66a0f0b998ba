"""FollowTheMoney entities (JSON lines) as readable paragraphs with stated entities and links.

Every record becomes one paragraph (so one passage, the evidence for what it
states). Things (Person, Organization, Company, Address ...) become stated
entities named in their paragraph; relationships (Ownership, Directorship ...)
name both sides in a sentence and state a directed, typed relation. The
`followthemoney` package is not needed: the schemata Casework maps are listed
here, and everything else is rendered as a note that names the entities it
refers to (co-mentions, no typed link).

Decisions: the entity's name is its `caption` when that is one of its names,
else its first `name` (`full` for an Address; first, middle and last name for a
Person without a `name`); the other names and `alias`, `weakAlias` and
`previousName` are aliases. A named person's name parts are not rendered: the
name says them already. Named assets (Vessel, Company-less
RealEstate, BankAccount ...) are organizations, so that ownership of them stays
a link; Territory is a place. Sanction, Passport, Event, documents and unknown
schemata are notes. Several lines with one id are fragments and are merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from casework.importers.readers import tables
from casework.importers.readers.base import VALUE_KINDS, ReadError, ReadResult, StatedEntity
from casework.importers.readers.tables import Document, Paragraph, clean, json_records
from casework.importers.readers.text import decode

MAX_RECORDS = 200_000  # records per file (fragments count); beyond it the file is refused
MAX_ALIASES = 200  # per entity: a record with thousands of names is data damage

PERSON_SCHEMATA = frozenset({"Person"})
ORGANIZATION_SCHEMATA = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
PLACE_SCHEMATA = frozenset({"Address", "Territory"})
# Named assets: not organizations, but what can be owned or controlled must stay linkable.
ASSET_SCHEMATA = frozenset(
    {
        "Asset",
        "Vessel",
        "Airplane",
        "Vehicle",
        "RealEstate",
        "Security",
        "BankAccount",
        "CryptoWallet",
        "License",
    }
)

# schema -> (property of side a, property of side b, Casework relation): "a relation-of b".
RELATIONSHIPS: dict[str, tuple[str, str, str]] = {
    "Ownership": ("owner", "asset", "owner"),
    "Directorship": ("director", "organization", "director"),
    "Family": ("person", "relative", "family"),
    "Associate": ("person", "associate", "associate"),
    "Membership": ("member", "organization", "member"),
    "Employment": ("employee", "employer", "employee"),
    "Representation": ("agent", "client", "representative"),
    "Payment": ("payer", "beneficiary", "payment"),
    "Control": ("controller", "controlled", "controller"),
    "Debt": ("debtor", "creditor", "debtor"),
    "Succession": ("predecessor", "successor", "predecessor"),
    "UnknownLink": ("subject", "object", ""),  # the relation is the link's `role`
}
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
# Bookkeeping and derived properties: dates of the dataset, not of the world; lists of
# names the record already states. Rendering them would make false dates and co-mentions.
_HIDDEN = frozenset(
    {
        "createdAt",
        "modifiedAt",
        "retrievedAt",
        "indexText",
        "alephUrl",
        "namesMentioned",
        "peopleMentioned",
        "companiesMentioned",
        "locationMentioned",
        "emailMentioned",
        "phoneMentioned",
        "ibanMentioned",
        "ipMentioned",
        "urlMentioned",
        "detectedLanguage",
        "detectedCountry",
        "caption",
    }
)
# Parts of a person's name: they restate `name` (read one by one, they made a person of
# every given name), so a named person's paragraph leaves them out; without a `name`,
# they make one.
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName")
_LABELS = {
    "addressEntity": "Address entity",
    "birthDate": "Born",
    "deathDate": "Died",
    "amountEur": "Amount (EUR)",
    "entity": "Entity",
}


def kind_of(schema: str) -> str | None:
    """The Casework kind a thing schema becomes, or None for a note."""
    if schema in PERSON_SCHEMATA:
        return "person"
    if schema in ORGANIZATION_SCHEMATA or schema in ASSET_SCHEMATA:
        return "organization"
    if schema in PLACE_SCHEMATA:
        return "place"
    return None


@dataclass(slots=True)
class _Record:
    id: str
    schema: str
    caption: str | None
    props: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, props: dict[str, list[str]]) -> None:
        """Another fragment of the same entity: union of values, first seen first."""
        for prop, values in props.items():
            mine = self.props.setdefault(prop, [])
            mine.extend(v for v in values if v not in mine)


def _values(value: Any) -> list[str]:
    """Property values are lists of strings; tolerate a bare string or numbers."""
    items = value if isinstance(value, list) else [value]
    return [c for c in (clean(v) for v in items) if c]


def _record(where: str, raw: Any) -> _Record:
    if not isinstance(raw, dict):
        raise ReadError(f"{where}: not an FtM entity (a JSON object with schema and properties)")
    schema, props = raw.get("schema"), raw.get("properties")
    if not isinstance(schema, str) or not isinstance(props, dict):
        raise ReadError(f"{where}: not an FtM entity (no schema or properties)")
    ident = clean(raw.get("id"), 200)
    if not ident:
        raise ReadError(f"{where}: FtM entity without an id")
    caption = raw.get("caption")
    rec = _Record(ident, clean(schema, 80), clean(caption) if isinstance(caption, str) else None)
    rec.merge({clean(k, 80): _values(v) for k, v in props.items() if isinstance(k, str)})
    return rec


def is_ftm(record: Any) -> bool:
    """A record that looks like FtM: an object with a string schema and properties."""
    return (
        isinstance(record, dict)
        and isinstance(record.get("schema"), str)
        and isinstance(record.get("properties"), dict)
    )


def _label(prop: str) -> str:
    if prop in _LABELS:
        return _LABELS[prop]
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", prop).lower()
    return words[:1].upper() + words[1:]


def _schema_label(schema: str) -> str:
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", schema)
    return words[:1].upper() + words[1:].lower()


def _name(rec: _Record) -> str | None:
    names = rec.props.get("name", [])
    if rec.schema == "Address":
        names = rec.props.get("full", []) + names
        if not names:
            parts = [rec.props.get(p, [""])[0] for p in ("street", "postalCode", "city")]
            parts.append(rec.props.get("country", [""])[0].upper())
            joined = clean(", ".join(p for p in parts if p))
            names = [joined] if joined else []
    if not names and rec.schema == "Person":
        parts = [rec.props.get(p, [""])[0] for p in ("firstName", "middleName", "lastName")]
        joined = clean(" ".join(p for p in parts if p))
        names = [joined] if " " in joined else []  # a lone given name is no name
    if rec.caption and rec.caption in names:
        return rec.caption
    return names[0] if names else None


def _aliases(rec: _Record, name: str) -> list[str]:
    found: dict[str, None] = {}
    for prop in ("full", *NAME_PROPS):
        for v in rec.props.get(prop, []):
            if v != name:
                found.setdefault(v)
    return list(found)[:MAX_ALIASES]


class _Renderer:
    """Two passes: every record known by id, then one paragraph per record in file order."""

    def __init__(self, records: dict[str, _Record]) -> None:
        self.records = records
        self.doc = Document()
        self.names: dict[str, str] = {}  # id -> name, for stated entities
        self.entities: list[StatedEntity] = []
        self.relations = 0
        self.missing = 0
        for rec in records.values():
            kind = kind_of(rec.schema)
            name = _name(rec) if kind else None
            if kind and name:
                self.names[rec.id] = name
                aliases = tuple(_aliases(rec, name))
                self.entities.append(StatedEntity(rec.id, kind, name, aliases))

    def ref(self, value: str) -> str | tuple[str, str | None]:
        """A referenced entity by name (a span), or the id as text when it is not here."""
        if value in self.names:
            return (self.names[value], value)
        if value in self.records:  # a note or an unnamed thing: its schema and id
            return f"{self.records[value].schema} {value}"
        return value

    def _props(self, para: Paragraph, rec: _Record, skip: Iterable[str]) -> None:
        skipped = set(skip) | _HIDDEN
        for prop, values in rec.props.items():
            if prop in skipped or not values:
                continue
            pieces: list[str | tuple[str, str | None]] = [f"{_label(prop)}: "]
            for i, v in enumerate(values):
                if i:
                    pieces.append("; ")
                pieces.append(self.ref(v) if v in self.records else v)
            para.line(*pieces)
        # "(FtM id ...)" made the extractor find an organisation "FtM" in every record.
        para.line(f"(id {rec.id})")

    def render(self, rec: _Record) -> None:
        if rec.id in self.names:
            self._thing(rec)
        elif rec.schema in RELATIONSHIPS:
            self._relationship(rec)
        else:
            self._note(rec)

    def _thing(self, rec: _Record) -> None:
        name = self.names[rec.id]
        para = Paragraph().line(f"{_schema_label(rec.schema)}: ", (name, rec.id))
        aliases = _aliases(rec, name)
        if aliases:
            para.line("Also known as: " + "; ".join(aliases))
        self._props(para, rec, ("full", *NAME_PROPS, *NAME_PARTS))
        self.doc.add(para)

    def _relationship(self, rec: _Record) -> None:
        a_prop, b_prop, relation = RELATIONSHIPS[rec.schema]
        if not relation:  # UnknownLink: its role says what the link is
            relation = tables.canonical_relation(rec.props.get("role", [""])[0])
        a_ids, b_ids = rec.props.get(a_prop, []), rec.props.get(b_prop, [])
        if not a_ids or not b_ids:
            self._note(rec)
            return
        a_id, b_id = a_ids[0], b_ids[0]
        para = Paragraph().line(
            f"{_schema_label(rec.schema)}: ",
            self.ref(a_id),
            f" {self._phrase(rec, relation)} ",
            self.ref(b_id),
        )
        skip = [a_prop, b_prop] if len(a_ids) == len(b_ids) == 1 else []
        if rec.schema == "UnknownLink":
            skip.append("role")
        self._props(para, rec, skip)  # several owners or assets: all named below
        # Every pair of sides is a link (two owners of one asset: two owner links).
        pairs = [(a, b) for a in a_ids for b in b_ids if a != b]
        resolved = [(a, b) for a, b in pairs if a in self.names and b in self.names]
        self.missing += len(pairs) - len(resolved)
        # A co-mention is what the pipeline makes of two names in one paragraph anyway;
        # stating it too would give the link the same passage twice.
        stated = [(a, b, relation) for a, b in resolved if relation != "co-mentioned"]
        self.relations += len(stated)
        self.doc.add(para, stated)

    def _phrase(self, rec: _Record, relation: str) -> str:
        props = rec.props
        if rec.schema == "Ownership" and props.get("percentage"):
            return f"owns {props['percentage'][0].rstrip('% ')}% of"
        amount = props.get("amount") or props.get("amountEur")
        if rec.schema in ("Payment", "Debt") and amount:
            currency = (props.get("currency") or (["EUR"] if props.get("amountEur") else [""]))[0]
            verb = "paid" if rec.schema == "Payment" else "owes"
            return f"{verb} {amount[0]} {currency}".rstrip() + " to"
        return tables.relation_phrase(relation)

    def _note(self, rec: _Record) -> None:
        para = Paragraph().line(_schema_label(rec.schema))
        self._props(para, rec, ())
        self.doc.add(para)


def read_ftm_records(
    records: Iterable[tuple[str, Any]], *, name: str, encoding: str | None, fmt: str = "ftm"
) -> ReadResult:
    """Render parsed FtM records (where, dict) into text with stated entities and relations."""
    merged: dict[str, _Record] = {}
    schemata: dict[str, int] = {}
    n = 0
    for where, raw in records:
        rec = _record(where, raw)
        n += 1
        schemata[rec.schema] = schemata.get(rec.schema, 0) + 1
        if rec.id in merged:
            merged[rec.id].merge(rec.props)
        else:
            merged[rec.id] = rec
    if not merged:
        raise ReadError("no FtM entities")
    r = _Renderer(merged)
    for rec in merged.values():
        r.render(rec)
    return ReadResult(
        text=r.doc.text,
        format=fmt,
        title=PurePath(name).name,
        encoding=encoding,
        metadata={
            "records": n,
            "entities": len(merged),
            "schemata": dict(sorted(schemata.items())),
            "relations": r.relations,
            "unresolved_relationships": r.missing,
        },
        entities=r.entities,
        extract_kinds=VALUE_KINDS,
        spans=r.doc.spans,
        relations=r.doc.relations,
    )


def read_ftm(data: bytes, *, name: str, max_records: int | None = None) -> ReadResult:
    """Reader for .ftm, .ijson and .ftm.json: FollowTheMoney entities, one JSON per line."""
    limit = MAX_RECORDS if max_records is None else max_records
    text, encoding = decode(data)
    return read_ftm_records(json_records(text, limit), name=name, encoding=encoding)


def read_json(data: bytes, *, name: str, max_records: int | None = None) -> ReadResult:
    """Reader for .json/.jsonl/.ndjson: FtM when the first record has schema and
    properties (or the name ends in .ftm.json), else an entity or link table."""
    limit = MAX_RECORDS if max_records is None else max_records
    text, encoding = decode(data)
    records = json_records(text, limit)
    first = next(records, None)
    if first is None:
        raise ReadError("no records")
    chained = _chain(first, records)
    if is_ftm(first[1]) or name.lower().endswith(".ftm.json"):
        return read_ftm_records(chained, name=name, encoding=encoding)
    fmt = "json" if text.lstrip().startswith("[") else "jsonl"
    return tables.read_table_records(chained, name=name, encoding=encoding, fmt=fmt)


def _chain(first: tuple[str, Any], rest: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    yield first
    yield from rest
