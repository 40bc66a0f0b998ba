"""Entity lists and link tables (CSV, TSV, JSON array, JSON lines) as stated entities.

Each row becomes one paragraph of readable text, so it is a passage of its own
with the row as evidence. Column names are matched case-insensitively, with
spaces and hyphens read as underscores, and these synonyms:

Entity tables (one entity per row):
    name     (required)  name, entity, entity_name, full_name, label, caption, title
    kind                 kind, type, entity_type, schema, category, class
    aliases              aliases, alias, aka, also_known_as, other_names, names, weak_alias
Link tables (one directed link source -> target per row; chosen when both columns exist):
    source   (required)  source, from, subject, src, head, source_name, a
    target   (required)  target, to, object, dst, tail, target_name, b
    relation             relation, relationship, rel, role, label, predicate, link, link_type,
                         edge_type, edge
    source_kind          source_kind, from_kind, source_type, from_type, subject_kind
    target_kind          target_kind, to_kind, target_type, to_type, object_kind

Kinds: person, organization, place, with synonyms (individual, company, org, address,
location, country ...; FtM schema names work too). An unknown kind ("vessel") is an
organization: a named party that can own, employ or be linked. A missing kind is guessed
from the name: an organisation word (Ltd, Group, Ministry ...) or a well-known organisation
makes an organization; two to four words starting with a known given name ("Jane Doe",
"DOE, Jane") a person; a gazetteer place a place; anything else an organization. date and
money rows are rendered but not stated: the extractor reads them from the text with their
value.
Aliases are separated by ";" or "|" (never ",", which names contain: "DOE, Jane"), or
given as a JSON list. Relations are lowercased and common spellings are mapped onto
Casework's relations (owns -> owner, works for -> employee ...); an empty relation is
"linked". In a link table, a name without a kind in its row takes the kind its name has
in another row of the file, else the kind its relation implies (family, a family word such
as wife or son, and associate link people; employee links a person to an organization),
else the guess above; so one name is one entity throughout the file.
Other columns are shown in the row's paragraph, never dropped.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from casework.db.normalise import normalise_name
from casework.importers.readers.base import (
    VALUE_KINDS,
    ReadError,
    ReadResult,
    StatedEntity,
    StatedRelation,
    StatedSpan,
)
from casework.importers.readers.text import decode
from casework.importers.segment import normalise_text

MAX_RECORDS = 200_000  # rows or records per file; beyond it the file is refused, not cut
MAX_DEPTH = 64  # JSON nesting; entity records need 3
MAX_VALUE = 4000  # characters of one rendered value
NO_NAME_COLUMN = "no name column (expected name,kind,aliases or source,target,relation)"

# -- columns ------------------------------------------------------------------------------

_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "entity", "entity_name", "full_name", "label", "caption", "title"),
    "kind": ("kind", "type", "entity_type", "schema", "category", "class"),
    "aliases": ("aliases", "alias", "aka", "also_known_as", "other_names", "names", "weak_alias"),
    "source": ("source", "from", "subject", "src", "head", "source_name", "a"),
    "target": ("target", "to", "object", "dst", "tail", "target_name", "b"),
    "relation": (
        "relation",
        "relationship",
        "rel",
        "role",
        "label",
        "predicate",
        "link",
        "link_type",
        "edge_type",
        "edge",
    ),
    "source_kind": ("source_kind", "from_kind", "source_type", "from_type", "subject_kind"),
    "target_kind": ("target_kind", "to_kind", "target_type", "to_type", "object_kind"),
}
_ENTITY_FIELDS = ("name", "kind", "aliases")
_LINK_FIELDS = ("source", "target", "relation", "source_kind", "target_kind")

# -- kinds and relations ------------------------------------------------------------------

STATED_KINDS = ("person", "organization", "place")
DEFAULT_KIND = "organization"
_KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("person", "people", "individual", "human", "natural_person", "per"), "person"),
    **dict.fromkeys(
        (
            "organization",
            "organisation",
            "org",
            "company",
            "corporation",
            "business",
            "firm",
            "agency",
            "legalentity",
            "legal_entity",
            "publicbody",
            "public_body",
            "institution",
            "group",
        ),
        "organization",
    ),
    **dict.fromkeys(
        ("place", "location", "loc", "gpe", "address", "city", "country", "territory", "region"),
        "place",
    ),
    **dict.fromkeys(("date", "time"), "date"),
    **dict.fromkeys(("money", "amount", "payment_amount"), "money"),
}

# Casework's relation names read "a <relation> of b"; the phrase renders "a <phrase> b".
RELATION_PHRASES: dict[str, str] = {
    "owner": "owns",
    "director": "is a director of",
    "family": "is a relative of",
    "associate": "is an associate of",
    "member": "is a member of",
    "employee": "is employed by",
    "representative": "represents",
    "payment": "made a payment to",
    "controller": "controls",
    "debtor": "owes",
    "predecessor": "was succeeded by",
}
_RELATION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("owner", "owns", "owner_of", "shareholder", "shareholder_of", "ownership", "owned"),
        "owner",
    ),
    **dict.fromkeys(
        ("director", "director_of", "directorship", "board_member", "officer", "officer_of"),
        "director",
    ),
    **dict.fromkeys(("family", "relative", "relative_of", "family_member_of"), "family"),
    **dict.fromkeys(("associate", "associate_of", "associated_with", "associates"), "associate"),
    **dict.fromkeys(("member", "member_of", "membership"), "member"),
    **dict.fromkeys(
        ("employee", "employee_of", "employed_by", "works_for", "employment"), "employee"
    ),
    **dict.fromkeys(
        ("representative", "represents", "agent", "agent_of", "representation"),
        "representative",
    ),
    **dict.fromkeys(("payment", "paid", "pays", "payer"), "payment"),
    **dict.fromkeys(("controller", "controls", "control"), "controller"),
    **dict.fromkeys(("debtor", "owes", "debt"), "debtor"),
    **dict.fromkeys(("predecessor", "succeeded_by", "succession"), "predecessor"),
}
# Kinds a relation implies for (source, target) when a link table gives none.
_IMPLIED_KINDS: dict[str, tuple[str | None, str | None]] = {
    "family": ("person", "person"),
    "associate": ("person", "person"),
    "employee": ("person", "organization"),
    "director": (None, "organization"),
    "member": (None, "organization"),
}
FAMILY_WORDS = frozenset(
    """wife husband spouse son daughter child parent brother sister sibling father mother
    cousin uncle aunt nephew niece grandfather grandmother grandson granddaughter
    brother-in-law sister-in-law son-in-law daughter-in-law father-in-law mother-in-law""".split()
)
_KIND_LABELS = {"person": "Person", "organization": "Organization", "place": "Place"}


def canonical_kind(value: str) -> str | None:
    """person/organization/place/date/money for a kind cell, None when blank or unknown."""
    word = re.sub(r"[\s\-]+", "_", value.strip().casefold())
    return _KIND_WORDS.get(word)


def canonical_relation(value: str) -> str:
    """A relation cell as Casework names it: known spellings mapped, others lowercased."""
    text = clean(value).casefold()
    word = re.sub(r"[\s\-]+", "_", text)
    return _RELATION_WORDS.get(word, text) or "linked"


def implied_kinds(relation: str) -> tuple[str | None, str | None]:
    """The kinds a relation implies for (source, target), None where it implies nothing."""
    if relation in _IMPLIED_KINDS:
        return _IMPLIED_KINDS[relation]
    if relation.startswith("family:") or relation.removesuffix(" of") in FAMILY_WORDS:
        return ("person", "person")
    if relation.startswith("role:"):  # Casework's own "role: officer" (person -> organization)
        return ("person", "organization")
    return (None, None)


def guess_kind(name: str) -> str:
    """person, organization or place for a name given without a kind (see the module doc).

    Better than one default for all: a link table of people would otherwise make
    every person an organization, apart from the same people in an entity list.
    """
    from casework.importers.extract.lexicon import KNOWN_ORGS, ORG_HEADS, fold, lexicon

    words = name.replace(",", " ").split()
    if not words:
        return DEFAULT_KIND
    if name in KNOWN_ORGS or any(w in ORG_HEADS or w.rstrip(".") in ORG_HEADS for w in words):
        return "organization"
    surname, comma, given = name.partition(",")
    ordered = (given.split() + surname.split()) if comma else words  # "DOE, Jane"
    lex = lexicon()
    first = fold(ordered[0]).split("-")[0].capitalize()
    if (
        2 <= len(ordered) <= 4
        and first in lex.first_names
        and ordered[-1][:1].isupper()
        and all(any(c.isalpha() for c in w) for w in ordered)
    ):
        return "person"
    if name in lex.places:
        return "place"
    return DEFAULT_KIND


def relation_phrase(relation: str) -> str:
    """What goes between the two names: "owns" for a known relation, "— supplier —" else."""
    return RELATION_PHRASES.get(relation, f"— {relation} —")


# -- text that offsets can point into -----------------------------------------------------

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def clean(value: object, limit: int = MAX_VALUE) -> str:
    """One line of NFC text: no control characters, whitespace runs made one space.

    Values come from files we do not trust; a newline inside a name must not
    split its paragraph, and a leading combining mark must not compose with
    the label before it (which would move every later offset).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float, str)):
        text = str(value)
    else:
        return ""
    text = unicodedata.normalize("NFC", _WS.sub(" ", _CONTROL.sub(" ", text))).strip()
    while text and unicodedata.combining(text[0]):
        text = text[1:].lstrip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


@dataclass(slots=True)
class Paragraph:
    """One record's paragraph: lines of plain text and names that become spans."""

    lines: list[list[tuple[str, str | None]]] = field(default_factory=list)

    def line(self, *pieces: str | tuple[str, str | None]) -> Paragraph:
        self.lines.append([p if isinstance(p, tuple) else (p, None) for p in pieces])
        return self


class Document:
    """Paragraphs joined by blank lines, with the spans and relations that point into them."""

    def __init__(self) -> None:
        self._chunks: list[str] = []
        self._pos = 0
        self.spans: list[StatedSpan] = []
        self.relations: list[StatedRelation] = []

    def add(
        self,
        para: Paragraph,
        relation: tuple[str, str, str] | list[tuple[str, str, str]] | None = None,
    ) -> tuple[int, int]:
        """Append a paragraph; each relation (a_key, b_key, relation) spans the whole of it."""
        if self._chunks:
            self._chunks.append("\n\n")
            self._pos += 2
        start = self._pos
        for i, pieces in enumerate(para.lines):
            if i:
                self._chunks.append("\n")
                self._pos += 1
            for text, key in pieces:
                if not text:
                    continue
                if key is not None:
                    self.spans.append(StatedSpan(key, self._pos, self._pos + len(text)))
                self._chunks.append(text)
                self._pos += len(text)
        for a, b, rel in [relation] if isinstance(relation, tuple) else relation or []:
            self.relations.append(StatedRelation(a, b, rel, start, self._pos))
        return start, self._pos

    @property
    def text(self) -> str:
        text = "".join(self._chunks)
        if normalise_text(text) != text:  # clean() makes this impossible; say so if not
            raise ReadError("internal error: rendered text is not normalised")
        return text


# -- JSON ---------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_depth(text: str, where: str) -> None:
    """ReadError when JSON nests deeper than MAX_DEPTH, before the parser recurses."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ReadError(f"{where}: JSON nested too deeply (more than {MAX_DEPTH} levels)")
        else:
            depth -= 1


def _loads(text: str, where: str) -> Any:
    check_depth(text, where)
    try:
        return json.loads(text)
    except RecursionError:
        raise ReadError(f"{where}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) without building a list of every line of a big file."""
    pos, n, size = 0, 0, len(text)
    while pos < size:
        end = text.find("\n", pos)
        if end < 0:
            end = size
        n += 1
        yield n, text[pos:end]
        pos = end + 1


def json_records(text: str, max_records: int) -> Iterator[tuple[str, Any]]:
    """(where, record) for a JSON array, one JSON object, or JSON lines.

    JSON lines are parsed one line at a time; a line that is not JSON stops the
    read with its line number (a truncated file should be noticed, not guessed).
    """
    body = text.lstrip()
    if not body:
        raise ReadError("empty file")
    if body[0] == "[":
        data = _loads(text, "file")
        if not isinstance(data, list):
            raise ReadError("not a JSON array of records")
        if len(data) > max_records:
            raise _too_many(max_records)
        for i, rec in enumerate(data, 1):
            yield f"record {i}", rec
        return
    count = 0
    for n, line in _lines(text):
        if not line.strip():
            continue
        where = f"line {n}"
        try:
            check_depth(line, where)
            rec = json.loads(line)
        except RecursionError:
            raise ReadError(f"{where}: JSON nested too deeply") from None
        except json.JSONDecodeError as exc:
            if count == 0 and body[0] == "{":
                # Not JSON lines: one pretty-printed object.
                yield "record 1", _loads(text, "file")
                return
            raise ReadError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        count += 1
        if count > max_records:
            raise _too_many(max_records)
        yield where, rec


def _too_many(limit: int) -> ReadError:
    return ReadError(f"more than {limit:,} records (the import limit): split the file")


# -- rows ---------------------------------------------------------------------------------


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", clean(name).strip("\"'").casefold())


def map_columns(headers: Iterable[str]) -> dict[str, str]:
    """Our field -> the file's column, for the columns the file has (first one wins)."""
    keyed: dict[str, str] = {}
    for h in headers:
        keyed.setdefault(_header_key(h), h)
    found: dict[str, str] = {}
    for fieldname, synonyms in _COLUMNS.items():
        for s in synonyms:
            if s in keyed:
                found[fieldname] = keyed[s]
                break
    return found


def _split_aliases(value: Any) -> list[str]:
    if isinstance(value, list):
        return [c for c in (clean(v) for v in value) if c]
    text = value if isinstance(value, str) else clean(value)
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            parsed = json.loads(stripped) if len(stripped) < 100_000 else None
        except (json.JSONDecodeError, RecursionError):
            parsed = None
        if isinstance(parsed, list):
            return _split_aliases(parsed)
    return [c for c in (clean(p) for p in re.split(r"[;|]", text)) if c]


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(c for c in (clean(v) for v in value) if c)
    return clean(value)


def _label(column: str) -> str:
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", clean(column, 80)).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Value"


def _get(row: dict[str, Any], cols: dict[str, str], fieldname: str) -> Any:
    """The row's cell for one of our fields, None when the file has no such column."""
    return row.get(cols[fieldname]) if fieldname in cols else None


def _norm(name: str) -> str:
    return normalise_name(name) or name.casefold()


@dataclass(slots=True)
class _Entity:
    key: str
    kind: str
    name: str
    aliases: dict[str, None] = field(default_factory=dict)


class _Table:
    """Rows in, paragraphs and stated entities out; one entity per (kind, name).

    Entity rows are rendered as they come; link rows wait for the end of the
    file, so that a name's kind can come from any row that states or implies it.
    """

    def __init__(self, columns: dict[str, str]) -> None:
        self.columns = columns
        self.links = "source" in columns and "target" in columns
        if not self.links and "name" not in columns:
            raise ReadError(NO_NAME_COLUMN)
        self.doc = Document()
        self.entities: dict[tuple[str, str], _Entity] = {}
        self.rows = 0
        self.skipped = 0
        self.pending: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    def entity(self, kind: str, name: str) -> _Entity:
        norm = _norm(name)
        ent = self.entities.get((kind, norm))
        if ent is None:
            ent = _Entity(f"e{len(self.entities) + 1}", kind, name)
            self.entities[(kind, norm)] = ent
        return ent

    def row(self, where: str, row: dict[str, Any], columns: dict[str, str] | None = None) -> None:
        """Add one row; `columns` maps this row's keys when they differ (JSON records)."""
        self.rows += 1
        cols = self.columns if columns is None else columns
        if self.links:
            self.pending.append((where, row, cols))
        else:
            self._entity_row(where, row, cols)

    def _extra(
        self, para: Paragraph, row: dict[str, Any], cols: dict[str, str], where: str
    ) -> None:
        used = _LINK_FIELDS if self.links else _ENTITY_FIELDS
        own = {cols[f] for f in used if f in cols}
        for col, value in row.items():
            if col in own or not isinstance(col, str):
                continue
            text = _cell(value)
            if text:
                para.line(f"{_label(col)}: {text}")
        para.line(f"({where})")

    def _entity_row(self, where: str, row: dict[str, Any], cols: dict[str, str]) -> None:
        def get(fieldname: str) -> Any:
            return row.get(cols[fieldname]) if fieldname in cols else None

        name = clean(get("name"))
        if not name:
            self.skipped += 1
            return
        cell = _cell(get("kind"))
        kind = canonical_kind(cell) or (DEFAULT_KIND if cell else guess_kind(name))
        aliases = [a for a in _split_aliases(get("aliases") or "") if a != name]
        label = _KIND_LABELS.get(kind, kind.capitalize())
        if kind not in STATED_KINDS:  # a date or an amount: the extractor reads its value
            para = Paragraph().line(f"{label}: {name}")
        else:
            ent = self.entity(kind, name)
            ent.aliases.update(dict.fromkeys(aliases))
            para = Paragraph().line(f"{label}: ", (name, ent.key))
        if aliases:
            para.line("Also known as: " + "; ".join(aliases))
        self._extra(para, row, cols, where)
        self.doc.add(para)

    def _link_rows(self) -> None:
        """Render the link rows, each name with the kind the file gives it (module doc)."""
        rows = []
        stated: dict[str, str] = {}  # name -> kind a row states for it
        implied: dict[str, str] = {}  # name -> kind a relation implies for it
        for where, row, cols in self.pending:
            source, target = clean(_get(row, cols, "source")), clean(_get(row, cols, "target"))
            if not source or not target:
                self.skipped += 1
                continue
            relation = canonical_relation(_cell(_get(row, cols, "relation")))
            kinds: list[str | None] = []
            for name, fieldname, hint in zip(
                (source, target),
                ("source_kind", "target_kind"),
                implied_kinds(relation),
                strict=True,
            ):
                kind = canonical_kind(_cell(_get(row, cols, fieldname)))
                kind = kind if kind in STATED_KINDS else None
                if kind:
                    stated.setdefault(_norm(name), kind)
                elif hint:
                    implied.setdefault(_norm(name), hint)
                kinds.append(kind)
            rows.append((where, row, cols, source, target, relation, kinds))
        self.pending = []

        def kind_of(name: str, kind: str | None) -> str:
            norm = _norm(name)
            return kind or stated.get(norm) or implied.get(norm) or guess_kind(name)

        for where, row, cols, source, target, relation, kinds in rows:
            a = self.entity(kind_of(source, kinds[0]), source)
            b = self.entity(kind_of(target, kinds[1]), target)
            self._link_row(where, row, cols, (source, a), (target, b), relation)

    def _link_row(
        self,
        where: str,
        row: dict[str, Any],
        cols: dict[str, str],
        source_entity: tuple[str, _Entity],
        target_entity: tuple[str, _Entity],
        relation: str,
    ) -> None:
        (source, a), (target, b) = source_entity, target_entity
        para = Paragraph().line(
            "Link: ", (source, a.key), f" {relation_phrase(relation)} ", (target, b.key)
        )
        para.line(f"Relation: {relation}")
        self._extra(para, row, cols, where)
        rel = (a.key, b.key, relation) if a is not b else None
        self.doc.add(para, rel)

    def result(self, fmt: str, name: str, encoding: str | None) -> ReadResult:
        if self.pending:
            self._link_rows()
        if not self.rows:
            raise ReadError("no rows")
        if self.rows == self.skipped:
            what = "source and target" if self.links else "name"
            raise ReadError(f"every row has an empty {what}")
        stated = [
            StatedEntity(e.key, e.kind, e.name, tuple(a for a in e.aliases if a != e.name))
            for e in self.entities.values()
        ]
        return ReadResult(
            text=self.doc.text,
            format=fmt,
            title=PurePath(name).name,
            encoding=encoding,
            metadata={
                "table": "links" if self.links else "entities",
                "rows": self.rows,
                "skipped_rows": self.skipped,
                "columns": self.columns,
            },
            entities=stated,
            extract_kinds=VALUE_KINDS,
            spans=self.doc.spans,
            relations=self.doc.relations,
        )


# -- readers ------------------------------------------------------------------------------


def _delimiter(name: str, header: str) -> str:
    if name.lower().endswith(".tsv"):
        return "\t"
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes, *, name: str, max_records: int | None = None) -> ReadResult:
    """Reader for .csv and .tsv: the first non-empty line is the header."""
    limit = MAX_RECORDS if max_records is None else max_records
    text, encoding = decode(data)
    if "\x00" in text[:65536]:
        raise ReadError("binary data, not a table")
    body = text.lstrip("\ufeff")
    first = next((line for _, line in _lines(body) if line.strip()), None)
    if first is None:
        raise ReadError("empty file")
    delim = _delimiter(name, first)
    reader = csv.reader(_csv_lines(body), delimiter=delim)
    try:
        header = next(r for r in reader if any(c.strip() for c in r))
        table = _Table(map_columns(header))
        width = len(header)
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            where = f"line {reader.line_num}"
            if len(row) > width and any(c.strip() for c in row[width:]):
                raise ReadError(
                    f"{where}: {len(row)} fields but the header has {width} "
                    f"(a quote or a {_delimiter_name(delim)} out of place?)"
                )
            if table.rows >= limit:
                raise _too_many(limit)
            table.row(where, dict(zip(header, row, strict=False)))
    except csv.Error as exc:
        raise ReadError(f"line {reader.line_num}: malformed CSV ({exc})") from None
    fmt = "tsv" if delim == "\t" else "csv"
    return table.result(fmt, name, encoding)


def _csv_lines(text: str) -> Iterator[str]:
    """Lines with their newline, as the csv module wants them (quoted newlines kept)."""
    for _, line in _lines(text):
        yield line.rstrip("\r") + "\n"


def _delimiter_name(delim: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delim, repr(delim))


def read_table_records(
    records: Iterable[tuple[str, Any]], *, name: str, encoding: str | None, fmt: str
) -> ReadResult:
    """Entity or link rows given as JSON objects (the columns are the union of their keys)."""
    table: _Table | None = None
    for where, rec in records:
        if not isinstance(rec, dict):
            raise ReadError(f"{where}: not a JSON object (a table row needs named columns)")
        columns = map_columns(k for k in rec if isinstance(k, str))
        if table is None:
            table = _Table(columns)
        table.row(where, rec, columns)
    if table is None:
        raise ReadError("no rows")
    return table.result(fmt, name, encoding)


def read_json_table(data: bytes, *, name: str, max_records: int | None = None) -> ReadResult:
    """Reader for a JSON array or JSON lines of entity or link rows."""
    limit = MAX_RECORDS if max_records is None else max_records
    text, encoding = decode(data)
    fmt = "jsonl" if not text.lstrip().startswith("[") else "json"
    return read_table_records(json_records(text, limit), name=name, encoding=encoding, fmt=fmt)
