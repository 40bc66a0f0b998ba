"""Damaged input: every reader either reads or raises ReadError with a one-line reason.

Seeded mutations (bit flips, cuts, spliced garbage) of small valid files; any
other exception would reach the user as "internal error" instead of a reason.
"""

from __future__ import annotations

import io
import os
import random
import tarfile
import zipfile
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from test_readers_docx import BODY, make_docx
from test_readers_mail import MBOX
from test_readers_pdf import sample

from casework.importers.archives import expand
from casework.importers.readers import ReadError, ReadResult
from casework.importers.readers.docx import read_docx
from casework.importers.readers.html import read_html
from casework.importers.readers.mail import attachments, read_eml, read_mbox
from casework.importers.readers.pdf import read_pdf

N = int(os.environ.get("CASEWORK_FUZZ_N", "150"))  # raise locally for a longer run


def mutations(data: bytes, n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        b = bytearray(data)
        kind = rng.randrange(4)
        if kind == 0 and b:
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif kind == 1:
            b = b[: rng.randrange(len(b) + 1)]
        elif kind == 2:
            at = rng.randrange(len(b) + 1)
            b[at:at] = rng.randbytes(rng.randint(1, 64))
        else:
            a = rng.randrange(len(b) + 1)
            del b[a : a + rng.randint(1, 256)]
        out.append(bytes(b))
    return out


def eml() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Fiona McCallum <f@example.org>"
    msg["Subject"] = "=?utf-8?q?caf=C3=A9?="
    msg.set_content("Body text.")
    msg.add_alternative("<p>Body <b>text</b></p>", subtype="html")
    msg.add_attachment(b"data", maintype="application", subtype="octet-stream", filename="a.bin")
    return msg.as_bytes()


def html() -> bytes:
    return (
        b"<html><head><title>T</title><meta name='date' content='2023-01-02'></head>"
        b"<body><p>One &amp; two<br>three</p><table><tr><td>a<td>b</table></body></html>"
    )


CASES: list[tuple[str, Callable[..., ReadResult], Callable[[], bytes]]] = [
    ("pdf", read_pdf, sample),
    ("docx", read_docx, lambda: make_docx(BODY)),
    ("eml", read_eml, eml),
    ("mbox", read_mbox, lambda: MBOX),
    ("html", read_html, html),
]


@pytest.mark.parametrize(("ext", "reader", "make"), CASES, ids=[c[0] for c in CASES])
def test_mutated_input_reads_or_fails_cleanly(
    ext: str, reader: Callable[..., ReadResult], make: Callable[[], bytes]
) -> None:
    for i, data in enumerate(mutations(make(), N, seed=len(ext))):
        try:
            result = reader(data, name=f"x.{ext}")
        except ReadError as exc:
            reason = str(exc)
            assert reason and "\n" not in reason, (i, reason)
            continue
        assert isinstance(result, ReadResult)
        assert isinstance(result.text, str)


def test_mutated_mail_attachments() -> None:
    for data in mutations(eml(), N, seed=7):
        try:
            for name, content in attachments(data):
                assert "/" not in name and isinstance(content, bytes)
        except ReadError:
            pass


def _tar_gz() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in (("a.txt", b"alpha" * 50), ("b/c.txt", b"gamma" * 50)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"alpha" * 50)
        zf.writestr("b/c.txt", b"gamma" * 50)
    return buf.getvalue()


@pytest.mark.parametrize(("name", "make"), [("x.zip", _zip), ("x.tgz", _tar_gz)])
def test_mutated_archives(name: str, make: Callable[[], bytes]) -> None:
    for data in mutations(make(), N, seed=3):
        try:
            for member, content in expand(data, name):
                assert isinstance(member, str) and isinstance(content, bytes)
        except ReadError as exc:
            assert str(exc) and "\n" not in str(exc)
