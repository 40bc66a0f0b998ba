"""E-mail reader: header block, decoded headers, body choice, attachments, hostile MIME."""

from __future__ import annotations

import time
from email import policy
from email.message import EmailMessage

import pytest

from casework.importers.readers import ReadError
from casework.importers.readers.mail import attachments, read_eml, read_mbox, split_mbox

RAW = b"""From: =?utf-8?q?Fiona_McCallum?= <f.mccallum@example.org>
To: Robert Blake <r.blake@example.com>, carol@example.net
Cc: "Doe, Jane" <jane@example.com>
Date: Wed, 05 Apr 2023 10:15:00 +0100
Subject: =?iso-8859-1?q?R=E9union?= du
 conseil
Message-ID: <abc123@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Dear Robert,

The meeting is moved to Gen=C3=A8ve.

Fiona
"""


def test_header_block_and_body() -> None:
    r = read_eml(RAW, name="a.eml")
    assert r.format == "eml"
    assert r.text == (
        "From: Fiona McCallum <f.mccallum@example.org>\n"
        "To: Robert Blake <r.blake@example.com>, carol@example.net\n"
        'Cc: "Doe, Jane" <jane@example.com>\n'
        "Date: Wed, 05 Apr 2023 10:15:00 +0100\n"
        "Subject: Réunion du conseil\n"
        "\n"
        "Dear Robert,\n\nThe meeting is moved to Genève.\n\nFiona"
    )
    assert r.title == "Réunion du conseil"
    assert r.published == "2023-04-05"
    assert r.metadata == {
        "from": ["Fiona McCallum <f.mccallum@example.org>"],
        "to": ["Robert Blake <r.blake@example.com>", "carol@example.net"],
        "cc": ['"Doe, Jane" <jane@example.com>'],
        "message_id": "<abc123@example.org>",
        "attachments": [],
    }


def multipart() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Fiona McCallum <f.mccallum@example.org>"
    msg["To"] = "r.blake@example.com"
    msg["Date"] = "Thu, 06 Apr 2023 09:00:00 +0000"
    msg["Subject"] = "Documents"
    msg.set_content("Plain body wins.")
    msg.add_alternative("<html><body><p>HTML body</p></body></html>", subtype="html")
    msg.add_attachment(
        b"%PDF-1.4 not really", maintype="application", subtype="pdf", filename="../../report.pdf"
    )
    msg.add_attachment(b"first", maintype="text", subtype="plain", filename="notes.txt")
    msg.add_attachment(b"second", maintype="text", subtype="plain", filename="notes.txt")
    msg.add_attachment(
        "caf\u00e9".encode(), maintype="text", subtype="plain", filename="r\u00e9sum\u00e9.txt"
    )
    inner = EmailMessage()
    inner["From"] = "someone@example.net"
    inner["Subject"] = "Original message"
    inner.set_content("Forwarded text.")
    msg.add_attachment(inner)
    return msg.as_bytes(policy=policy.SMTP)


def test_plain_preferred_and_attachments_listed() -> None:
    r = read_eml(multipart(), name="b.eml")
    assert r.text.endswith("\n\nPlain body wins.")
    assert "HTML body" not in r.text
    names = [a["name"] for a in r.metadata["attachments"]]
    assert names == [
        "report.pdf",
        "notes.txt",
        "notes (2).txt",
        "résumé.txt",
        "Original message.eml",
    ]
    first = r.metadata["attachments"][0]
    assert first == {"name": "report.pdf", "content_type": "application/pdf", "size": 19}


def test_attachment_bytes_for_child_documents() -> None:
    found = dict(attachments(multipart()))
    assert found["report.pdf"] == b"%PDF-1.4 not really"
    assert found["notes.txt"] == b"first"
    assert found["notes (2).txt"] == b"second"
    assert found["résumé.txt"] == "café".encode()
    forwarded = read_eml(found["Original message.eml"], name="Original message.eml")
    assert forwarded.title == "Original message"
    assert forwarded.text.endswith("Forwarded text.")


def test_html_only_body_is_converted() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "HTML"
    msg.set_content(
        "<html><head><style>p{}</style></head><body><p>Hello <b>there</b></p><p>Bye</p></body></html>",
        subtype="html",
    )
    r = read_eml(msg.as_bytes(), name="h.eml")
    assert r.text == "From: a@example.org\nSubject: HTML\n\nHello there\n\nBye"


def test_unknown_charset_and_undeclared_latin1() -> None:
    raw = (
        b"From: a@example.org\nSubject: x\nContent-Type: text/plain; charset=x-unknown\n\n"
        b"Caf\xe9 cr\xe8me br\xfbl\xe9e, tr\xe8s bien, d\xe9j\xe0 vu\n"
    )
    r = read_eml(raw, name="c.eml")
    assert "Café crème brûlée" in r.text


def deep_mime(depth: int) -> bytes:
    """A message whose MIME tree is `depth` multiparts deep."""
    lines = ["From: a@example.org", "Subject: deep", "MIME-Version: 1.0"]
    for i in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{i}"', "", f"--b{i}"]
    lines += ["Content-Type: text/plain", "", "core"]
    lines += [f"--b{i}--" for i in reversed(range(depth))]
    return "\r\n".join(lines).encode()


def test_deep_mime_nesting_is_refused() -> None:
    for depth in (50, 3000):  # 3000 makes the stdlib parser itself recurse too deep
        with pytest.raises(ReadError) as info:
            read_eml(deep_mime(depth), name="deep.eml")
        assert str(info.value) == "MIME structure nested too deeply"
    assert read_eml(deep_mime(5), name="ok.eml").text.endswith("core")


def test_deep_forwarded_messages_are_refused() -> None:
    raw = b"From: a@x.org\nSubject: inner\n\nbody\n"
    for i in range(40):
        raw = b"From: a@x.org\nSubject: l%d\nContent-Type: message/rfc822\n\n" % i + raw
    with pytest.raises(ReadError, match="nested too deeply"):
        read_eml(raw, name="fwd.eml")


def test_not_mail() -> None:
    with pytest.raises(ReadError, match="not an e-mail"):
        read_eml(b"just some words\nwith no headers at all\n", name="x.eml")
    with pytest.raises(ReadError, match="not an e-mail"):
        read_eml(bytes(range(256)) * 4, name="y.eml")


def test_broken_headers_do_not_fail() -> None:
    raw = b"From: <<<broken@@\nTo: ,,,;\nDate: not a date\nSubject: =?bogus?q?x?=\n\nbody\n"
    r = read_eml(raw, name="z.eml")
    assert r.published is None
    assert r.text.endswith("\n\nbody")
    assert r.text.startswith("From: ")


MBOX = (
    b"From f.mccallum@example.org Wed Apr  5 10:15:00 2023\n"
    b"From: Fiona McCallum <f.mccallum@example.org>\n"
    b"To: r.blake@example.com\n"
    b"Date: Wed, 05 Apr 2023 10:15:00 +0100\n"
    b"Subject: First\n\n"
    b"One.\n>From the archive, quoted.\nFrom the desk of nobody in particular\n\n"
    b"From r.blake@example.com Thu Apr  6 11:00:00 2023\n"
    b"From: r.blake@example.com\n"
    b"To: f.mccallum@example.org\n"
    b"Date: Thu, 06 Apr 2023 11:00:00 +0000\n"
    b"Subject: Re: First\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="XX"\n\n'
    b"--XX\nContent-Type: text/plain\n\nTwo.\n"
    b"--XX\nContent-Type: text/csv\nContent-Disposition: attachment; filename=a.csv\n\nx,y\n"
    b"--XX--\n"
)


def test_mbox_messages_in_order() -> None:
    r = read_mbox(MBOX, name="box.mbox")
    assert r.format == "mbox"
    assert r.title == "First"
    assert r.published == "2023-04-05"
    sections = r.text.split("\n\n--- message ")
    assert r.text.startswith("--- message 1 of 2 ---\nFrom: Fiona McCallum")
    assert "From the archive, quoted.\nFrom the desk of nobody" in sections[0]
    assert sections[1].startswith("2 of 2 ---\nFrom: r.blake@example.com")
    assert sections[1].endswith("Two.")
    assert r.metadata["messages"] == 2
    assert r.metadata["from"] == ["Fiona McCallum <f.mccallum@example.org>", "r.blake@example.com"]
    assert r.metadata["date_range"] == ["2023-04-05", "2023-04-06"]
    assert r.metadata["attachments"] == [
        {"message": 2, "name": "a.csv", "content_type": "text/csv", "size": 3}
    ]
    assert attachments(MBOX, name="box.mbox") == [("message-2/a.csv", b"x,y")]


def test_mbox_split_and_bad_message() -> None:
    assert len(split_mbox(MBOX)) == 2
    assert split_mbox(b"") == []
    deep = b"From: a@x\nSubject: s\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(30)
    )
    box = MBOX + b"From x@y Fri Apr  7 09:00:00 2023\n" + deep
    r = read_mbox(box, name="box.mbox")
    assert r.metadata["messages"] == 3
    assert r.metadata["unreadable"] == [
        {"message": 3, "reason": "MIME structure nested too deeply"}
    ]
    assert "--- message 3 of 3 (unreadable: MIME structure nested too deeply) ---" in r.text


def test_mbox_without_from_lines_is_one_message() -> None:
    r = read_mbox(RAW, name="single.mbox")
    assert r.metadata["messages"] == 1
    assert r.title == "Réunion du conseil"


def test_huge_headers_are_cut_not_parsed_for_minutes() -> None:
    raw = (
        b"From: a@example.org\nTo: " + b"x@example.com, " * 30_000 + b"\n"
        b"Subject: " + b"=?utf-8?q?a?= " * 30_000 + b"\n\nbody\n"
    )
    start = time.perf_counter()
    r = read_eml(raw, name="huge.eml")
    assert time.perf_counter() - start < 10
    assert r.text.endswith("\n\nbody")
    assert len(r.text) < 100_000


def test_related_html_alternative_is_not_read_twice() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "Newsletter"
    msg.set_content("Plain version.")
    msg.add_alternative("<p>HTML version <img src='cid:logo'></p>", subtype="html")
    html_part = msg.get_payload()[1]
    html_part.add_related(b"\x89PNG....", maintype="image", subtype="png", cid="<logo>")
    msg.add_attachment("Trailing inline note.", disposition="inline")
    r = read_eml(msg.as_bytes(), name="n.eml")
    assert r.text.endswith("\n\nPlain version.\n\nTrailing inline note.")
    assert "HTML version" not in r.text
    assert [a["content_type"] for a in r.metadata["attachments"]] == ["image/png"]
    assert r.metadata["attachments"][0]["name"] == "attachment-1.png"
