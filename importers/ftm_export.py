"""A case as FollowTheMoney entities, one JSON object per line (`casework export --format ftm`).

FtM is what other investigation tools (Aleph, OpenSanctions, nomenklatura,
ftm-graph) read, so a case can leave Casework without a custom converter. The
lines are plain JSON written here: the `followthemoney` package is not needed
to export (the tests use it to check the output).

What is written (DESIGN.md section 4 has the user-facing summary):

- One entity per person (`Person`), organization (`Organization`, or `Company`
  when something owns it: an Ownership's asset must be an Asset, and Company is
  the Organization that is one) and place (`Address`, its name as `full`).
  The name comes first in `name` (`full` for a place); aliases go to `alias`,
  except those found only as a part of the name (a lone surname or given name,
  initials, a truncation), which go to `weakAlias`. Analyst notes go to `notes`.
- Dates and amounts are not exported: they are values, not FtM things, and
  FtM has no free-standing date or amount entity. They stay in the case.
- One relationship entity per link between exported entities, by relation:
  owner -> Ownership, director -> Directorship, family (and "family: wife",
  "wife" ...) -> Family, associate -> Associate, member -> Membership,
  employee -> Employment, representative -> Representation, payment -> Payment,
  controller -> Control, debtor -> Debt, predecessor -> Succession. A role the
  text states ("role: officer") is an Employment with that role, or a
  Directorship (director, chair, president, head ...), Membership (member) or
  Ownership (owner). A relation whose schema does not fit the two ends' kinds,
  and every other relation ("arrested in", "supplier"), is an `UnknownLink`
  with the relation as its `role`; so is a co-mention (role "co-mentioned"),
  unless co-mentions are left out.
- Ids are `casework-<case>-e<entity id>`, `casework-<case>-l<link id>` for a
  typed link and `casework-<case>-c<a>-<b>` for the co-mention of entities a
  and b, where <case> is a hash of the case file's creation time: the same
  case exports the same ids every time, two cases do not share them.
- Each line carries a `casework` context key (FtM keeps unknown top-level keys
  and ignores them): the Casework kind and counts of an entity; the relation,
  weight and evidence locations (source title, passage) of a link.

Re-importing the file gives back the entities (names, kinds) and the links,
with the relations FtM can name: "role: officer" comes back as "employee",
"family: wife" as "family"; UnknownLink roles come back as written.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from casework.db import queries
from casework.db.normalise import normalise_name
from casework.importers.readers.tables import FAMILY_WORDS

EXPORTED_KINDS = ("person", "organization", "place")
SCHEMA_FOR_KIND = {"person": "Person", "organization": "Organization", "place": "Address"}
# Aliases found only as part of the name: FtM calls these weak.
WEAK_RULES = frozenset({"surname", "given name", "initials", "truncation"})

_PARTY = frozenset({"person", "organization"})  # FtM LegalEntity
_PERSON = frozenset({"person"})
_ORG = frozenset({"organization"})


@dataclass(frozen=True, slots=True)
class Edge:
    """An FtM relationship schema: its two entity properties and the kinds they accept."""

    schema: str
    source: str
    target: str
    source_kinds: frozenset[str]
    target_kinds: frozenset[str]
    role_prop: str | None = "role"  # where a relation's detail goes ("officer", "wife")


EDGES: dict[str, Edge] = {
    "owner": Edge("Ownership", "owner", "asset", _PARTY, _ORG),
    "director": Edge("Directorship", "director", "organization", _PARTY, _ORG),
    "family": Edge("Family", "person", "relative", _PERSON, _PERSON, "relationship"),
    "associate": Edge("Associate", "person", "associate", _PERSON, _PERSON, "relationship"),
    "member": Edge("Membership", "member", "organization", _PARTY, _ORG),
    "employee": Edge("Employment", "employee", "employer", _PERSON, _ORG),
    "representative": Edge("Representation", "agent", "client", _PARTY, _PARTY),
    "payment": Edge("Payment", "payer", "beneficiary", _PARTY, _PARTY, None),
    "controller": Edge("Control", "controller", "controlled", _PARTY, _PARTY),
    "debtor": Edge("Debt", "debtor", "creditor", _PARTY, _PARTY, None),
    "predecessor": Edge("Succession", "predecessor", "successor", _PARTY, _PARTY),
}
UNKNOWN = Edge(
    "UnknownLink", "subject", "object", frozenset(EXPORTED_KINDS), frozenset(EXPORTED_KINDS)
)

# Roles ("role: chair") that make a person a director of the organization, not an employee.
DIRECTOR_ROLES = frozenset(
    {
        "director",
        "director general",
        "director-general",
        "chair",
        "chairman",
        "chairwoman",
        "president",
        "head",
        "leader",
        "chief",
    }
)
_NOT_EMPLOYMENT = frozenset({"founder", "partner"})  # a role, but no employment: UnknownLink
OWNED_RELATIONS = ("owner", "role: owner")
# Characters valid in JSON that a terminal would act on or reorder (C1 controls, bidi
# overrides): written as \u escapes, so `export | less` shows what is there.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def edge_for(relation: str, a_kind: str, b_kind: str) -> tuple[Edge, str | None]:
    """The FtM schema for a link and the detail to put in its role, UnknownLink if none fits."""
    edge: Edge | None
    detail: str | None = None
    if relation in EDGES:
        edge = EDGES[relation]
    elif relation.startswith("family:") or relation.removesuffix(" of") in FAMILY_WORDS:
        edge = EDGES["family"]
        detail = relation.removeprefix("family:").strip().removesuffix(" of")  # "wife of" -> wife
    elif relation.startswith("role:"):
        detail = relation.removeprefix("role:").strip()
        if detail == "owner":
            edge = EDGES["owner"]
        elif detail == "member":
            edge = EDGES["member"]
        elif detail in DIRECTOR_ROLES:
            edge = EDGES["director"]
        elif detail in _NOT_EMPLOYMENT:
            edge = None
        else:
            edge = EDGES["employee"]
    else:
        edge = None
    if edge is None or a_kind not in edge.source_kinds or b_kind not in edge.target_kinds:
        return UNKNOWN, relation
    return edge, detail


def case_prefix(conn: sqlite3.Connection) -> str:
    """`casework-<12 hex>`: the same for every export of one case, different between cases."""
    digest = hashlib.sha256(f"casework:{queries.case_created(conn)}".encode()).hexdigest()
    return f"casework-{digest[:12]}"


def iter_ftm(conn: sqlite3.Connection, *, co_mentions: bool = True) -> Iterator[dict[str, Any]]:
    """Every exported entity, then every link, as FtM entity dicts (in id order)."""
    prefix = case_prefix(conn)
    owned = queries.linked_targets(conn, OWNED_RELATIONS)
    for ent in queries.iter_export_entities(conn, EXPORTED_KINDS):
        yield entity_dict(ent, prefix, company=ent.id in owned)
    for link in queries.iter_export_links(conn, EXPORTED_KINDS, co_mentions=co_mentions):
        yield link_dict(link, prefix)


def entity_dict(ent: queries.ExportEntity, prefix: str, *, company: bool = False) -> dict[str, Any]:
    schema = SCHEMA_FOR_KIND[ent.kind]
    if company and schema == "Organization":
        schema = "Company"
    strong: dict[str, None] = {}
    weak: dict[str, None] = {}
    for a in ent.aliases:
        is_weak = a.rule in WEAK_RULES or (
            ent.kind == "person" and len(normalise_name(a.alias).split()) < 2
        )
        (weak if is_weak else strong).setdefault(a.alias)
    props: dict[str, list[str]] = {"full" if ent.kind == "place" else "name": [ent.name]}
    if strong:
        props["alias"] = list(strong)
    if weak:
        props["weakAlias"] = list(weak)
    if ent.notes.strip():
        props["notes"] = [ent.notes.strip()]
    return {
        "id": f"{prefix}-e{ent.id}",
        "schema": schema,
        "properties": props,
        "casework": {
            "kind": ent.kind,
            "created_by": ent.created_by,
            "mentions": ent.mentions,
            "sources": ent.sources,
        },
    }


def link_dict(link: queries.ExportLink, prefix: str) -> dict[str, Any]:
    if link.relation == "co-mentioned":
        edge, detail = UNKNOWN, "co-mentioned"
    else:
        edge, detail = edge_for(link.relation, link.a_kind, link.b_kind)
    props: dict[str, list[str]] = {
        edge.source: [f"{prefix}-e{link.a}"],
        edge.target: [f"{prefix}-e{link.b}"],
    }
    if detail and edge.role_prop:
        props[edge.role_prop] = [detail]
    return {
        "id": f"{prefix}-{link.key}",
        "schema": edge.schema,
        "properties": props,
        "casework": {
            "relation": link.relation,
            "weight": link.weight,
            "evidence": [{"source": s, "location": loc} for s, loc in link.evidence],
        },
    }


@dataclass(frozen=True, slots=True)
class ExportCounts:
    entities: int
    links: int


def write_ftm(conn: sqlite3.Connection, out: TextIO, *, co_mentions: bool = True) -> ExportCounts:
    """Write the case as FtM JSON lines to `out`, from one snapshot of the case."""
    entities = links = 0
    with queries.read_snapshot(conn):
        for data in iter_ftm(conn, co_mentions=co_mentions):
            line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            out.write(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
            if "relation" in data["casework"]:
                links += 1
            else:
                entities += 1
    return ExportCounts(entities, links)
