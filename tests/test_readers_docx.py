"""DOCX reader: paragraphs and tables in order, core properties, hostile packages refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from casework.importers.readers import ReadError
from casework.importers.readers import docx as docx_mod
from casework.importers.readers.docx import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties
 xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Statement of Fiona McCallum</dc:title><dc:creator>Jo Bloggs</dc:creator>
<cp:lastModifiedBy>Robert Blake</cp:lastModifiedBy>
<dcterms:created xsi:type="dcterms:W3CDTF">2023-04-05T10:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2023-04-07T09:30:00Z</dcterms:modified>
</cp:coreProperties>"""


def p(text: str, style: str | None = None) -> str:
    ppr = ""
    if style:
        # The tab stop definition must not come out as a tab character.
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/><w:tabs><w:tab w:pos="720"/></w:tabs></w:pPr>'
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def document(body: str, ns: str = NS) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body></w:document>'


def make_docx(body: str, *, core: str | None = CORE, parts: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document(body))
        if core is not None:
            zf.writestr("docProps/core.xml", core)
        for name, xml in (parts or {}).items():
            zf.writestr(name, xml)
    return buf.getvalue()


BODY = (
    p("Witness Statement", "Title")
    + p("I met Fiona McCallum in Glasgow.")
    + "<w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t><w:tab/><w:t>after tab</w:t></w:r>"
    + "<w:del><w:r><w:delText>withdrawn words</w:delText></w:r></w:del>"
    + '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://x" </w:instrText></w:r>'
    + "<w:ins><w:r><w:t> inserted</w:t></w:r></w:ins></w:p>"
    + "<w:tbl><w:tr><w:tc>"
    + p("Name")
    + "</w:tc><w:tc>"
    + p("Fiona McCallum")
    + "</w:tc></w:tr><w:tr><w:tc>"
    + p("Address")
    + "</w:tc><w:tc>"
    + p("1 High Street")
    + p("Glasgow")
    + "</w:tc></w:tr></w:tbl>"
    + "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent>"
    + p("Text box")
    + "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>"
    + p("Text box")
    + "</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    + p("Signed.")
)


def test_paragraphs_tables_and_runs() -> None:
    r = read_docx(make_docx(BODY), name="statement.docx")
    assert r.format == "docx"
    assert r.text.split("\n\n") == [
        "Witness Statement",
        "I met Fiona McCallum in Glasgow.",
        "Line one\nline two\tafter tab inserted",
        "Name\tFiona McCallum",
        "Address\t1 High Street\nGlasgow",
        "Text box",  # once: the Fallback copy is skipped
        "Signed.",
    ]
    assert "withdrawn" not in r.text and "HYPERLINK" not in r.text


def test_core_properties() -> None:
    r = read_docx(make_docx(BODY), name="statement.docx")
    assert r.title == "Statement of Fiona McCallum"
    assert r.published == "2023-04-05"
    assert r.metadata["author"] == "Jo Bloggs"
    assert r.metadata["last_modified_by"] == "Robert Blake"
    assert r.metadata["modified"] == "2023-04-07"


def test_title_falls_back_to_title_style() -> None:
    r = read_docx(make_docx(BODY, core=None), name="statement.docx")
    assert r.title == "Witness Statement"
    assert r.published is None


def test_footnotes_and_comments_follow_the_body() -> None:
    notes = f'<w:footnotes {NS}><w:footnote w:id="1">{p("See exhibit FM/1.")}</w:footnote></w:footnotes>'
    comments = (
        f'<w:comments {NS}><w:comment w:id="0">{p("Check this date.")}</w:comment></w:comments>'
    )
    data = make_docx(p("Body."), parts={"word/footnotes.xml": notes, "word/comments.xml": comments})
    r = read_docx(data, name="n.docx")
    assert r.text == "Body.\n\nFootnotes\n\nSee exhibit FM/1.\n\nComments\n\nCheck this date."
    assert r.metadata["includes"] == ["footnotes", "comments"]


def test_main_part_found_through_relationships_and_strict_namespace() -> None:
    strict = 'xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"'
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/'
        'officeDocument" Target="/word/main.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/main.xml", document(p("Strict text."), ns=strict))
    assert read_docx(buf.getvalue(), name="s.docx").text == "Strict text."


def test_not_a_zip() -> None:
    with pytest.raises(ReadError) as info:
        read_docx(b"\x89PNG random bytes named .docx" * 10, name="x.docx")
    assert str(info.value) == "not a valid DOCX (not a zip archive)"


def test_old_doc_or_encrypted() -> None:
    with pytest.raises(ReadError, match=r"password-protected, or an old \.doc"):
        read_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, name="x.docx")


def test_zip_without_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ReadError, match=r"no word/document.xml"):
        read_docx(buf.getvalue(), name="x.docx")


def test_broken_xml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", document(p("cut")).replace("</w:body>", ""))
    with pytest.raises(ReadError, match=r"bad XML in word/document\.xml"):
        read_docx(buf.getvalue(), name="x.docx")


def test_entity_declarations_are_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<w:document {NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<w:document {NS}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    for xml in (laughs, external):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("word/document.xml", xml)
        with pytest.raises(ReadError, match="declares a DTD or entities"):
            read_docx(buf.getvalue(), name="x.docx")


def test_xml_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_mod, "MAX_XML_BYTES", 10_000)
    data = make_docx(p("word " * 5_000))
    with pytest.raises(ReadError, match="DOCX XML too large"):
        read_docx(data, name="big.docx")


def test_empty_document() -> None:
    with pytest.raises(ReadError, match="no text"):
        read_docx(make_docx("", core=None), name="empty.docx")
