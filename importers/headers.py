"""Senders and recipients from e-mail header lines, in any document that carries them.

An .eml, a mailbox, and an OCR'd FOIA release all show the same lines:
`From: Mills, Cheryl D <MillsCD@state.gov>`, `To: H`, `Cc: Abedin, Huma`. The
parties named there are facts the document states, not guesses, so they become
stated entities (a person for the display name, an `email` entity for the
address) with the header span as evidence, and relations: the sender "wrote to"
each recipient, and a person "uses address" their address.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from casework.db.normalise import normalise_name
from casework.importers.readers.base import StatedEntity, StatedRelation, StatedSpan

_HEADER = re.compile(
    r"^[ \t>]*(From|To|Cc|CC|Bcc|BCC|Sent|Date|Subject|Reply-To)[ \t]*:[ \t]*(.*)$",
    re.M | re.I,
)
_PARTY_HEADERS = {"from": "from", "to": "to", "cc": "to", "bcc": "to"}
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ANGLE = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
# Outlook's "Mills, Cheryl D [mailto:MillsCD@state.gov]": the address in brackets.
_MAILTO = re.compile(r"\[\s*mailto:\s*([^\[\]\s]+@[^\[\]\s]+?)\s*\]", re.I)
# An address part cut short or redacted ("PIR <preines", "Domenici [mailto:   B6"): the
# name is what comes before it.
_ADDRESS_TAIL = re.compile(r"\s*(?:<|\[\s*mailto\b).*$", re.I | re.S)
# An RFC 5322 comment after a name: "Klobuchar, Amy (Klobuchar)", "Smith, John (DOS)".
_COMMENT = re.compile(r"\s*\([^()]*\)\s*$")
# Not people: distribution lists and mailboxes ("NEWS-Mahogany", "NEA-Press-DL", "SES-O",
# "OpsNewsTicker") and user ids ("HAbedin", "terry.duffy"), when they are the whole name.
_LIST_PART = re.compile(r"^[A-Z]{2,}$")
_SURNAME_PREFIX = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|Del|Della|La|Le|Lo|Van|Von|Ter|Fitz)$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_GLUED_INITIAL = re.compile(r"^[A-NP-Z][A-Z]+[a-z]")  # "HAbedin"; "OBrien" may be O'Brien
_DOTTED_ID = re.compile(r"[a-z\u00df-\u00ff]\.[^\W\d_]{2}")
_DOTTED_NAME = re.compile(r"^([A-Z][a-z]+)\.([A-Z][a-z]+)$")  # "Jake.Sullivan": a name
# Letters, spaces and the punctuation names use; no digits or underscores (OCR noise,
# user ids such as "Samantha_J._Powe", redaction codes such as "B6").
_NAME_CHARS = re.compile(r"^[^\W\d_](?:[^\W\d_]|[.,'’ -])*$")
MAX_BLOCK_GAP = 1  # header lines of one message are consecutive (one stray line allowed)
MAX_NAME_WORDS = 6


@dataclass(frozen=True, slots=True)
class Party:
    """One person or address named in a header, with where it is written."""

    name: str | None  # display name in reading order ("Cheryl D Mills")
    name_span: tuple[int, int] | None
    address: str | None  # lower-cased
    address_span: tuple[int, int] | None


_FROM_LINE = re.compile(r"^[ \t>]*from[ \t]*:", re.M | re.I)


HEADER_KEY = "hdr:"  # how the keys of header parties start: spellings, not records


def has_headers(text: str) -> bool:
    """A quick test before `header_parties`: is there a From: line at all?"""
    return _FROM_LINE.search(text) is not None


def header_parties(
    text: str,
) -> tuple[list[StatedEntity], list[StatedSpan], list[StatedRelation]]:
    """Stated entities, spans and relations for every From/To/Cc block in `text`."""
    entities: dict[str, StatedEntity] = {}
    spans: list[StatedSpan] = []
    relations: dict[tuple[str, str, str], StatedRelation] = {}

    def key_for(kind: str, name: str) -> str:
        key = f"{HEADER_KEY}{kind}:{normalise_name(name) or name.casefold()}"
        if key not in entities:
            entities[key] = StatedEntity(key, kind, name)
        return key

    for block in _blocks(text):
        senders: list[tuple[str, int, int]] = []
        recipients: list[tuple[str, int, int]] = []
        for field_name, value_start, value in block:
            role = _PARTY_HEADERS.get(field_name.lower())
            if role is None:
                continue
            for party in parse_parties(value, value_start):
                person = email = None
                if party.name and party.name_span:
                    person = key_for("person", party.name)
                    spans.append(StatedSpan(person, *party.name_span))
                if party.address and party.address_span:
                    email = key_for("email", party.address)
                    spans.append(StatedSpan(email, *party.address_span))
                if person and email and party.address_span:
                    relations.setdefault(
                        (person, email, "uses address"),
                        StatedRelation(person, email, "uses address", *party.address_span),
                    )
                who = person or email
                span = party.name_span or party.address_span
                if who and span:
                    (senders if role == "from" else recipients).append((who, *span))
        for sender, _, _ in senders:
            for recipient, start, end in recipients:
                if recipient != sender:
                    relations.setdefault(
                        (sender, recipient, "wrote to"),
                        StatedRelation(sender, recipient, "wrote to", start, end),
                    )
    return list(entities.values()), spans, list(relations.values())


def _blocks(text: str) -> list[list[tuple[str, int, str]]]:
    """Runs of header lines that include a From line: (field, value offset, value)."""
    blocks: list[list[tuple[str, int, str]]] = []
    current: list[tuple[str, int, str]] = []
    last_line = -10
    line, counted_to = 0, 0
    for m in _HEADER.finditer(text):
        line += text.count("\n", counted_to, m.start())  # from the last match: linear
        counted_to = m.start()
        if current and line - last_line > MAX_BLOCK_GAP + 1:
            blocks.append(current)
            current = []
        current.append((m.group(1), m.start(2), m.group(2)))
        last_line = line
    if current:
        blocks.append(current)
    return [b for b in blocks if any(f.lower() == "from" for f, _, _ in b)]


def parse_parties(value: str, offset: int = 0) -> list[Party]:
    """The parties in one header value; spans are offsets into the document (value + offset)."""
    out: list[Party] = []
    for start, piece in _pieces(value):
        party = _party(piece, offset + start)
        if party is not None:
            out.append(party)
    return out


def _pieces(value: str) -> list[tuple[int, str]]:
    """Split on ';' and after each '<address>' or '[mailto:...]'; "Mills, Cheryl D" stays one."""
    cuts = [0]
    for m in re.finditer(r";|[>\]]\s*,|[ \t]{3,}", value):
        cuts.append(m.end())
    cuts.append(len(value))
    pieces = []
    for a, b in itertools.pairwise(cuts):
        piece = value[a:b]
        if piece.strip(" ,;\t"):
            pieces.append((a, piece))
    return pieces


def _party(piece: str, offset: int) -> Party | None:
    angle = _ANGLE.search(piece) or _MAILTO.search(piece)
    address = address_span = None
    name_part, name_at = piece, 0
    if angle:
        address = angle.group(1).strip("'\"").lower()
        address_span = (offset + angle.start(1), offset + angle.end(1))
        name_part = piece[: angle.start()]
    else:
        bare = _ADDRESS.search(piece)
        if bare:
            address = bare.group(0).strip("'").lower()
            address_span = (offset + bare.start(), offset + bare.end())
            name_part = ""
        else:
            name_part = _ADDRESS_TAIL.sub("", piece)
    name_part = _COMMENT.sub("", name_part)
    name, name_span = _display_name(name_part, offset + name_at)
    if address and not _ADDRESS.fullmatch(address):
        address = address_span = None
    if name is None and address is None:
        return None
    return Party(name, name_span, address, address_span)


def _mailbox_name(word: str) -> bool:
    """A one-word name that is a mailbox or user id, not a person: see _LIST_PART and below."""
    parts = word.split("-")
    if len(parts) > 1 and (any(_LIST_PART.match(p) for p in parts) or len(parts) > 3):
        return True  # "NEWS-Mahogany", "NEA-Press-DL", "SES-O"; not "Barks-Ruggles"
    if _DOTTED_ID.search(word) or _GLUED_INITIAL.match(word):
        return True  # "Terry.duffy", "HAbedin"
    humps = _CAMEL.split(word)
    return any(not _SURNAME_PREFIX.match(h) for h in humps[:-1])  # "OpsNewsTicker", not "McHale"


def _display_name(part: str, offset: int) -> tuple[str | None, tuple[int, int] | None]:
    """'Mills, Cheryl D' -> 'Cheryl D Mills' with the span as written; None for junk."""
    lead = len(part) - len(part.lstrip(" \t,;'\""))
    core = part.strip(" \t,;'\"")
    if not core or "@" in core or not _NAME_CHARS.match(core):
        return None, None
    start = offset + lead
    span = (start, start + len(core))
    words = core.replace(",", " ").split()
    if len(words) > MAX_NAME_WORDS or not any(w[0].isupper() for w in words):
        return None, None
    if len(words) > 1 and any(len(w) >= 3 and w.isupper() for w in words):
        return None, None  # "Haiti DLC Distro": a list or an office, not a person
    dotted = _DOTTED_NAME.match(core)
    if dotted:
        return f"{dotted[1]} {dotted[2]}", span
    if len(words) == 1 and _mailbox_name(core):
        return None, None
    if core.count(",") == 1:
        last, first = (s.strip() for s in core.split(","))
        if last and first:
            return f"{first} {last}", span
    if "," in core:
        return None, None
    return core, span


# -- the first message: its subject and date, for a title and a published date ----------

# Characters: the first message's header is near the top (after the banner, within
# 450 characters in 99% of a 5,000-file FOIA sample; a forwarded article may put it lower).
HEAD_SCAN = 20_000
# A header line as OCR leaves it: "Subject: Iran", "Subject; Iran", or in a column layout
# whose colon was lost, "Subject      Iran" (two spaces at least, so prose never reads so).
# OCR may leave a speck before the field (". Sent:"); a memo says "For:" and "Re:".
_HEAD_FIELD = re.compile(
    r"^[ \t>.,'*•·]*(?:(From|To|Cc|Bcc|Sent|Date|Subject|Re|For)[ \t]*[:;][ \t]*"
    r"|(From|To|Cc|Bcc|Sent|Date|Subject)(?:[ \t]{2,}|\t)(?=\S))(.*)$",
    re.M | re.I,
)
# A subject that is only "Re:" or "Fw:" once its redacted words are gone names nothing.
_BARE_SUBJECT = re.compile(r"^(?:(?:re|fw|fwd)\b[ \t]*[:;]?[ \t]*)+$", re.I)
_CODE = r"(?:B\d|1\.4\([A-H]\))"  # a FOIA exemption code: B6, 1.4(D)
# The tails below start only where a run of spaces starts, and take it whole (possessive):
# OCR lines hold runs of 80 spaces, and trying each split of each run is quadratic.
_CODES = rf"{_CODE}(?:[ \t,;]*+{_CODE})*+[ \t,;]*+$"
# A redaction code closing a value ("Iran        B6", "... PM B6", "B1,1.4(B),1.4(D)").
_REDACTION_TAIL = re.compile(rf"(?:^|(?<![ \t])[ \t]++){_CODES}")
# A release or classification mark printed in a column on a line of text: "Talking Points
# RELEASE IN FULL", "Fw: Update      Classified by DAS, A/GIS, DoS on 12/31/2015 - Class:".
_MARK_TAIL = re.compile(
    r"(?<![ \t])[ \t]{2,}+(?:[—–-][ \t]*+)?"
    rf"(?:(?:\[?RELEASE\b|(?i:classified[ \t]by|class:|reason:|declassify)).*|{_CODES})$"
)
_GLUED_TIME = re.compile(r"\b((?:19|20)\d\d)(?=\d{1,2}:\d\d)")  # "20093:31 AM" (OCR)
# Lines a release adds to every page: never a document's title.
_BANNER = re.compile(
    r"^(?:"
    # "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765907 ..."
    r".*\b(?i:case|doc)[ \t]?(?i:no)\.?[ \t]*[A-Z]{0,2}-?\d.*"
    r"|UNCLASSIFIED\b.*"
    r"|(?:TOP[ \t]SECRET|SECRET|CONFIDENTIAL|SENSITIVE[ \t]BUT[ \t]UNCLASSIFIED|SBU)"
    r"(?:/+[\w/ ]+)?(?:[ \t]*(?:[—–-]|\().*)?"
    r"|(?i:classified[ \t]by|declassify[ \t]on|reason:[ \t]*1\.4)\b.*"
    r"|(?i:class(?:ification)?)[ \t]*:.*"
    r"|RELEASE(?:[ \t]+IN)?(?:[ \t]+(?:FULL|PART)\b.*)?"
    rf"|(?:IN[ \t]++)?(?:FULL|PART)(?:[ \t]++{_CODES})?"  # "RELEASE IN" / "PART B6"
    rf"|{_CODES}"  # redaction codes alone: "B6", "B1,1.4(B),1.4(D)"
    r"|\d{1,4}"  # a page number
    r"|\W*"  # specks: no letter or digit at all
    r"|Date:[ \t]*\d\d/\d\d/\d{4}.*"  # the banner's release date, split off by OCR
    r")$"
)


@dataclass(frozen=True, slots=True)
class MessageHead:
    """The first message's header block: what a title and a published date come from."""

    subject: str | None
    sent: str | None  # the Sent (else Date) value as written
    start: int  # the block's span in the text
    end: int


def first_message(text: str) -> MessageHead | None:
    """The first run of header lines with a From or Subject line and another field.

    A release puts a banner and release marks above the message, so the block
    is looked for in the first HEAD_SCAN characters, not on the first line. A
    block ends after MAX_BLOCK_GAP lines that are not headers; the scan stops
    at the first block that qualifies.
    """
    head = text[:HEAD_SCAN]
    pos = 0
    while (m := _HEAD_FIELD.search(head, pos)) is not None:
        block = [m]
        gap = 0
        pos = m.end() + 1
        while pos < len(head) and gap <= MAX_BLOCK_GAP:
            end = head.find("\n", pos)
            end = len(head) if end < 0 else end
            line = _HEAD_FIELD.match(head, pos, end)
            if line is None:
                gap += 1
            else:
                block.append(line)
                gap = 0
            pos = end + 1
        found = _message_head(block)
        if found is not None:
            return found
    return None


def _message_head(block: list[re.Match[str]]) -> MessageHead | None:
    fields: dict[str, str] = {}
    for m in block:
        fields.setdefault((m.group(1) or m.group(2)).lower(), m.group(3))
    if len(block) < 2 or not fields.keys() & {"from", "subject"}:
        return None
    subject = _value(fields.get("subject")) or _value(fields.get("re"))
    if subject and _BARE_SUBJECT.match(subject):
        subject = None
    sent = _value(fields.get("sent")) or _value(fields.get("date"))
    return MessageHead(subject, sent, block[0].start(), block[-1].end())


def _value(raw: str | None) -> str | None:
    """A header value without its redaction code; None when nothing else is left."""
    if raw is None:
        return None
    value = _REDACTION_TAIL.sub("", strip_marks(raw)).strip()
    return value or None


def sent_date(value: str | None) -> str | None:
    """A Sent/Date header value as an ISO day (YYYY-MM-DD), or None.

    Read by the date extractor's own rules, after undoing what OCR does to
    these lines ("December 4,2009", "December 4, 20093:31 AM"). A month or a
    year alone is not a date a message was sent.
    """
    from casework.importers.extract.dates import find_dates

    if not value:
        return None
    cleaned = _GLUED_TIME.sub(r"\1 ", re.sub(r",(?=\d)", ", ", " ".join(value.split())))
    for _, _, iso in find_dates(cleaned):
        if len(iso) == 10 and iso[4] == "-":
            return iso
    return None


def is_banner(line: str) -> bool:
    """A release's page banner or mark (classification, case and doc numbers, B6)."""
    return _BANNER.match(line.strip().lstrip("—–-•▪[(* \t")) is not None


def is_header_line(line: str) -> bool:
    """A header line (From:, Sent:, Subject...), as `first_message` reads them."""
    return _HEAD_FIELD.match(line) is not None


def strip_marks(line: str) -> str:
    """The line without a release mark or exemption code printed in a column beside it."""
    return _MARK_TAIL.sub("", line)
