"""E-mail: one message (.eml) or a mailbox (.mbox) as a header block and a body.

Named `mail` so that `import email` keeps meaning the stdlib package, which
does the parsing with `policy.default` (RFC 2047/2231 decoding included).
The text of a message starts with its From/To/Cc/Date/Subject lines, so the
people and the date are passages like any other and the extractor sees them.
Attachment bytes are not part of a `ReadResult`; `attachments()` returns them
for the pipeline to import as child documents.
"""

from __future__ import annotations

import contextlib
import email
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from email.utils import collapse_rfc2231_value
from typing import Any

from casework.importers.readers.base import ReadError, ReadResult
from casework.importers.readers.html import html_to_text, iso_date
from casework.importers.readers.text import decode
from casework.importers.segment import normalise_text

MAX_DEPTH = 20  # MIME nesting; real mail rarely goes past 5
MAX_PARTS = 10_000  # MIME parts in one message
MAX_HEADER = 32_768  # characters of one header value that are parsed (see _Policy)
HEADERS = ("From", "To", "Cc", "Date", "Subject")
_ADDRESS_HEADERS = ("From", "To", "Cc")
_MAIL_HEADERS = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "received", "sender"}
    | {"return-path", "mime-version", "reply-to", "delivered-to", "x-mailer"}
)
# An mbox "From_" line: "From sender Wed Apr  5 10:00:00 2023" (always has a time).
_FROM_LINE = re.compile(rb"^From [^\n]*?\d{1,2}:\d{2}[^\n]*$", re.M)
_MBOXRD_QUOTED = re.compile(rb"^>(>*From )", re.M)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


class _Policy(EmailPolicy):
    """policy.default, except that a header value is cut at MAX_HEADER characters.

    The stdlib's structured header parser is superlinear: a 400 KB To: line or
    Subject of encoded words takes tens of seconds. No real header is that long.
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if len(value) > MAX_HEADER:
            value = value[:MAX_HEADER]
        return super().header_fetch_parse(name, value)


_POLICY = _Policy()


@dataclass(slots=True)
class _Message:
    """What one parsed message contributes to the text and metadata."""

    text: str
    subject: str | None
    published: str | None
    addresses: dict[str, list[str]]
    message_id: str | None
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, data


# ---------------------------------------------------------------------------
# Readers


def read_eml(data: bytes, *, name: str) -> ReadResult:
    """Reader for .eml files: one RFC 5322 message."""
    msg = _parse(data)
    if not any(k.lower() in _MAIL_HEADERS for k in msg):
        raise ReadError("not an e-mail message (no mail headers)")
    m = _message(msg)
    return ReadResult(
        text=m.text,
        format="eml",
        title=m.subject,
        encoding=None,
        published=m.published,
        metadata={
            **m.addresses,
            "message_id": m.message_id,
            "attachments": _attachment_info(m.attachments),
        },
    )


def read_mbox(data: bytes, *, name: str) -> ReadResult:
    """Reader for .mbox files: every message, in order, under a numbered separator."""
    chunks = split_mbox(data)
    if not chunks:
        raise ReadError("empty mailbox")
    n = len(chunks)
    sections: list[str] = []
    messages: list[_Message] = []
    unreadable: list[dict[str, Any]] = []
    attachments: list[dict[str, Any]] = []
    for i, chunk in enumerate(chunks, 1):
        try:
            m = _message(_parse(chunk))
        except ReadError as exc:
            unreadable.append({"message": i, "reason": str(exc)})
            sections.append(f"--- message {i} of {n} (unreadable: {exc}) ---")
            continue
        messages.append(m)
        sections.append(f"--- message {i} of {n} ---\n{m.text}")
        attachments += [{"message": i, **a} for a in _attachment_info(m.attachments)]
    if not messages:
        raise ReadError(f"no readable message in this mailbox ({unreadable[0]['reason']})")
    dates = sorted(m.published for m in messages if m.published)
    metadata: dict[str, Any] = {"messages": n}
    for key in ("from", "to", "cc"):
        metadata[key] = sorted({a for m in messages for a in m.addresses[key]})
    metadata["message_ids"] = [m.message_id for m in messages if m.message_id][:10_000]
    metadata["attachments"] = attachments
    if dates:
        metadata["date_range"] = [dates[0], dates[-1]]
    if unreadable:
        metadata["unreadable"] = unreadable
    return ReadResult(
        text="\n\n".join(sections),
        format="mbox",
        title=next((m.subject for m in messages if m.subject), None),
        encoding=None,
        published=next((m.published for m in messages if m.published), None),
        metadata=metadata,
    )


def attachments(data: bytes, *, name: str = "") -> list[tuple[str, bytes]]:
    """(name, bytes) of every attachment, for import as child documents.

    Names are bare file names (no folders, no `..`), unique within the result;
    in a mailbox they are prefixed `message-N/`. A forwarded message comes back
    as `<subject>.eml`, so it is read by the e-mail reader in turn.
    """
    if name.lower().endswith(".mbox") or (data.startswith(b"From ") and _FROM_LINE.match(data)):
        out: list[tuple[str, bytes]] = []
        for i, chunk in enumerate(split_mbox(data), 1):
            try:
                m = _message(_parse(chunk))
            except ReadError:
                continue
            out += [(f"message-{i}/{n}", b) for n, _t, b in m.attachments]
        return out
    return [(n, b) for n, _t, b in _message(_parse(data)).attachments]


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox, From_ lines removed and mboxrd `>From` quoting undone."""
    starts = [m.start() for m in _FROM_LINE.finditer(data)]
    if not starts:
        return [data] if data.strip() else []
    chunks: list[bytes] = []
    if data[: starts[0]].strip():
        chunks.append(data[: starts[0]])  # text before the first From_ line: a message too
    for a, b in zip(starts, [*starts[1:], len(data)], strict=True):
        chunk = data[a:b]
        body_start = chunk.find(b"\n")
        chunk = chunk[body_start + 1 :] if body_start >= 0 else b""
        if chunk.strip():
            chunks.append(_MBOXRD_QUOTED.sub(rb"\1", chunk))
    return chunks


# ---------------------------------------------------------------------------
# One message


def _parse(data: bytes) -> EmailMessage:
    try:
        msg = email.message_from_bytes(data, policy=_POLICY)
    except RecursionError:
        raise ReadError("MIME structure nested too deeply") from None
    except Exception as exc:  # the parser is lenient; this is a bug path
        raise ReadError("e-mail could not be parsed") from exc
    _check_structure(msg)
    return msg  # type: ignore[return-value]


def _check_structure(msg: Message) -> None:
    """Refuse trees too deep or too big before anything recursive walks them."""
    stack: list[tuple[Message, int]] = [(msg, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise ReadError("MIME structure nested too deeply")
        if count > MAX_PARTS:
            raise ReadError(f"more than {MAX_PARTS} MIME parts")
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in payload if isinstance(p, Message))


def _message(msg: EmailMessage) -> _Message:
    headers = {h: _header_text(msg, h) for h in HEADERS}
    lines = [f"{h}: {v}" for h, v in headers.items() if v]
    body_part = _body_part(msg)
    body_parts: list[str] = []
    if body_part is not None:
        body_parts.append(_part_as_text(body_part))
    found: list[tuple[str, str, bytes]] = []
    for part, in_alternative in _leaves(msg):
        if part is body_part:
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = _filename(part)
        if filename or disposition == "attachment" or part.get_content_maintype() == "message":
            found.append(_attachment(part, filename, len(found) + 1))
        elif ctype in ("text/plain", "text/html"):
            if not in_alternative:  # another rendering of the body: already read
                body_parts.append(_part_as_text(part))  # inline text after an attachment
        else:
            found.append(_attachment(part, None, len(found) + 1))
    body = "\n\n".join(b for b in body_parts if b)
    text = normalise_text("\n".join(lines) + ("\n\n" + body if body else ""))
    return _Message(
        text=text,
        subject=headers["Subject"] or None,
        published=_date(msg),
        addresses={h.lower(): _addresses(msg, h) for h in _ADDRESS_HEADERS},
        message_id=_header_text(msg, "Message-ID") or None,
        attachments=_unique_names(found),
    )


def _body_part(msg: EmailMessage) -> EmailMessage | None:
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None


def _leaves(msg: Message) -> list[tuple[Message, bool]]:
    """Leaf parts in document order, and whether they are inside a multipart/alternative.

    message/* parts are leaves: a forwarded message is an attachment of its own.
    """
    out: list[tuple[Message, bool]] = []
    stack: list[tuple[Message, bool]] = [(msg, False)]
    while stack:
        part, in_alternative = stack.pop()
        payload = part.get_payload()
        if part.get_content_maintype() == "multipart" and isinstance(payload, list):
            inner = in_alternative or part.get_content_subtype() == "alternative"
            stack.extend((p, inner) for p in reversed(payload) if isinstance(p, Message))
        else:
            out.append((part, in_alternative))
    return out


def _part_as_text(part: Message) -> str:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    charset = part.get_content_charset()
    text = None
    if charset:
        try:
            text = raw.decode(charset, errors="replace")
        except (LookupError, ValueError):  # unknown charset, or garbage in its name
            text = None
    if text is None:
        text, _enc = decode(raw)
    if part.get_content_subtype() == "html":
        text = html_to_text(text).text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_RUN.sub("\n\n", text).strip()


# ---------------------------------------------------------------------------
# Headers


def _clean(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value).split())


def _raw_headers(msg: Message, name: str) -> list[str]:
    """Header values decoded without the strict parser, for headers it chokes on."""
    out = []
    for key, value in msg.raw_items():  # type: ignore[attr-defined]
        if key.lower() != name.lower():
            continue
        try:
            out.append(str(make_header(decode_header(str(value)))))
        except Exception:
            out.append(str(value))
    return out


def _header_values(msg: Message, name: str) -> list[Any]:
    try:
        return list(msg.get_all(name) or [])
    except Exception:
        return _raw_headers(msg, name)


def _header_text(msg: Message, name: str) -> str:
    return _clean(", ".join(str(v) for v in _header_values(msg, name)))


def _addresses(msg: Message, name: str) -> list[str]:
    out: list[str] = []
    for value in _header_values(msg, name):
        try:
            addresses = value.addresses
        except Exception:
            addresses = None
        if addresses:
            for a in addresses:
                display = str(a) if a.display_name else a.addr_spec
                if display and display not in out:
                    out.append(_clean(display))
        elif str(value).strip():
            out.append(_clean(str(value)))
    return out


def _date(msg: Message) -> str | None:
    for value in _header_values(msg, "Date"):
        dt = getattr(value, "datetime", None)
        if dt is not None:
            return iso_date(dt.date().isoformat())
        stated = iso_date(str(value))
        if stated:
            return stated
    return None


# ---------------------------------------------------------------------------
# Attachments


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        try:
            name = part.get_param("name", header="content-type")  # type: ignore[assignment]
        except Exception:
            name = None
        if isinstance(name, tuple):
            name = collapse_rfc2231_value(name)
    if name and "=?" in name:  # Outlook puts RFC 2047 words in parameters
        with contextlib.suppress(Exception):
            name = str(make_header(decode_header(name)))
    return _safe_name(name) if name else None


def _safe_name(name: str) -> str | None:
    """A bare file name: no folders, no control or reserved characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip().strip(".")
    return name[:200] or None


def _attachment(part: Message, filename: str | None, index: int) -> tuple[str, str, bytes]:
    ctype = part.get_content_type()
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else None
        data = b""
        if isinstance(inner_msg, Message):
            try:  # compat32 writes the parsed headers back verbatim, in linear time
                data = inner_msg.as_bytes(policy=policy.compat32)
            except Exception:
                data = inner_msg.as_bytes()
            if not filename:
                subject = _header_text(inner_msg, "Subject")
                filename = _safe_name(f"{subject[:80]}.eml") if subject else None
        elif isinstance(inner, (str, bytes)):
            raw = part.get_payload(decode=True)
            data = raw if isinstance(raw, bytes) else b""
        if filename and not filename.lower().endswith(".eml"):
            filename += ".eml"
        return filename or f"attachment-{index}.eml", ctype, data
    raw = part.get_payload(decode=True)
    data = raw if isinstance(raw, bytes) else b""
    if not filename:
        ext = mimetypes.guess_extension(ctype) or ".bin"
        filename = f"attachment-{index}{ext}"
    return filename, ctype, data


def _unique_names(found: list[tuple[str, str, bytes]]) -> list[tuple[str, str, bytes]]:
    seen: set[str] = set()
    out = []
    for name, ctype, data in found:
        unique, n = name, 1
        while unique.lower() in seen:
            n += 1
            stem, dot, ext = name.rpartition(".")
            unique = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        seen.add(unique.lower())
        out.append((unique, ctype, data))
    return out


def _attachment_info(found: list[tuple[str, str, bytes]]) -> list[dict[str, Any]]:
    return [{"name": n, "content_type": t, "size": len(b)} for n, t, b in found]
