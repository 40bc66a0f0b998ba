"""PDF reader: text per page with page numbers, metadata, and one-line errors.

The PDFs are written by hand (`make_pdf`) so the tests need no fixture files
and control exactly which operators produce the text.
"""

from __future__ import annotations

import io

import pytest

from casework.importers.readers import ReadError, ReadResult
from casework.importers.readers.pdf import read_pdf
from casework.importers.segment import normalise_text, segment


def make_pdf(pages: list[str], info: dict[str, str] | None = None) -> bytes:
    """A minimal valid PDF: one Helvetica font, one content stream per page."""
    objs: list[bytes] = [b"", b""]  # catalog and page tree, filled in below
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    font = len(objs)
    kids = []
    for content in pages:
        c = content.encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(c) + c + b"\nendstream")
        objs.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {len(objs)} 0 R >>"
            ).encode()
        )
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = " ".join(f"{k} 0 R" for k in kids)
    objs[1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    trailer = f"<< /Size {len(objs) + 1 + bool(info)} /Root 1 0 R"
    if info:
        body = " ".join(f"/{k} ({v})" for k, v in info.items())
        objs.append(f"<< {body} >>".encode("latin-1"))
        trailer += f" /Info {len(objs)} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n" + trailer.encode() + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_page(paragraphs: list[list[str]], top: int = 720, gap: int = 20) -> str:
    """Lines 14 pt apart; paragraphs separated by an extra `gap` points."""
    ops = [f"BT /F1 12 Tf 14 TL 72 {top} Td"]
    for para in paragraphs:
        ops += [f"({line}) Tj T*" for line in para]
        ops.append(f"0 -{gap} Td")
    return " ".join(ops) + " ET"


INFO = {
    "Title": "Microsoft Word - Witness statement",
    "Author": "Jo Bloggs",
    "CreationDate": "D:20230405101500+01'00'",
}


def sample() -> bytes:
    return make_pdf(
        [
            text_page(
                [
                    ["I, Fiona McCallum, make this", "statement on 5 April 2023."],
                    ["I met Robert Blake in", "Glasgow."],
                ]
            ),
            "",  # a blank page
            text_page([["Signed: Fiona McCallum"]]),
        ],
        INFO,
    )


def read(data: bytes) -> ReadResult:
    return read_pdf(data, name="doc.pdf")


def test_pages_paragraphs_and_page_numbers() -> None:
    r = read(sample())
    assert r.format == "pdf"
    assert r.text == (
        "I, Fiona McCallum, make this\nstatement on 5 April 2023.\n\n"
        "I met Robert Blake in\nGlasgow.\n\n"
        "\n\n"
        "Signed: Fiona McCallum"
    )
    assert normalise_text(r.text) == r.text  # so page offsets survive the pipeline
    assert r.page_starts is not None and len(r.page_starts) == 3
    locations = [
        (s.location, r.text[s.start : s.end].split("\n")[0]) for s in segment(r.text, r.page_starts)
    ]
    assert locations == [
        ("p.1 ¶1", "I, Fiona McCallum, make this"),
        ("p.1 ¶2", "I met Robert Blake in"),
        ("p.3 ¶1", "Signed: Fiona McCallum"),
    ]


def test_metadata() -> None:
    r = read(sample())
    assert r.title == "Witness statement"  # the "Microsoft Word - " prefix is noise
    assert r.published == "2023-04-05"
    assert r.metadata["author"] == "Jo Bloggs"
    assert r.metadata["pages"] == 3
    assert r.metadata["pages_without_text"] == 1


def test_no_metadata_is_fine() -> None:
    r = read(make_pdf([text_page([["Just text"]])]))
    assert (r.title, r.published, r.text) == (None, None, "Just text")


def test_scanned_pdf_has_no_text_layer() -> None:
    drawing = "0.5 g 72 72 200 300 re f"  # a filled rectangle standing in for an image
    with pytest.raises(ReadError, match=r"^no text layer \(scanned\?\)$"):
        read(make_pdf([drawing, drawing]))


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_pdf(fraction: float, capsys: pytest.CaptureFixture[str]) -> None:
    data = sample()
    with pytest.raises(ReadError) as info:
        read(data[: int(len(data) * fraction)])
    assert str(info.value) == "PDF could not be parsed (truncated?)"
    assert capsys.readouterr().err == ""  # pypdf's warnings must not reach the terminal


def test_damaged_and_foreign_bytes() -> None:
    with pytest.raises(ReadError, match="not a PDF"):
        read(b"hello, world")
    with pytest.raises(ReadError, match="not a PDF"):
        read(b"")
    with pytest.raises(ReadError, match="could not be parsed"):
        read(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")


def _encrypt(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_needs_password() -> None:
    with pytest.raises(ReadError, match=r"^PDF is encrypted \(password required\)$"):
        read(_encrypt(sample(), "secret"))


def test_owner_locked_pdf_opens_with_empty_password() -> None:
    r = read(_encrypt(sample(), ""))
    assert "Fiona McCallum" in r.text


def test_ligatures_and_escapes() -> None:
    # \\256 is the "fi" ligature glyph in StandardEncoding; search wants plain letters.
    page = "BT /F1 12 Tf 72 700 Td (Costs \\(final\\) for the of\\256ce) Tj ET"
    r = read(make_pdf([page]))
    assert r.text == "Costs (final) for the office"


def test_every_line_of_a_long_page_is_kept() -> None:
    lines = [[f"Line {i} of the exhibit list."] for i in range(60)]
    r = read(make_pdf([text_page(lines, top=780, gap=0)]))
    assert r.text.count("Line ") == 60
    assert "\n\n" not in r.text  # evenly spaced lines are one paragraph
