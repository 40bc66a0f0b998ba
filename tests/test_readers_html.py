"""HTML reader: visible text only, sensible paragraphs, title and date from the markup."""

from __future__ import annotations

import time
from pathlib import PurePath

import pytest

from casework.importers.readers import READERS, ReadError, reader_for
from casework.importers.readers.html import TextBuilder, html_to_text, iso_date, read_html
from casework.importers.segment import normalise_text, segment

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>  Board   minutes | Example Ltd </title>
<meta property="og:title" content="Board minutes">
<meta property="article:published_time" content="2023-04-05T10:00:00Z">
<meta name="author" content="Jo Bloggs">
<script>var x = "<p>not text</p>";</script>
<style>p { color: red }</style>
</head>
<body>
<nav>Home</nav>
<h1>Minutes &amp; actions</h1>
<p>Present: Fiona   McCallum,
   Robert Blake.<br>Apologies: none.</p>
<noscript>Please enable JavaScript</noscript>
<template><p>template text</p></template>
<div hidden>hidden div</div>
<div style="display: none">invisible</div>
<table><tr><th>Name</th><td>Fiona McCallum</td></tr><tr><th>Role</th><td>Director</td></tr></table>
<ul><li>First item<li>Second item</ul>
<pre>  indented
    code</pre>
<p>Caf&eacute; &#8364;5 &nbsp;&mdash; end</p>
</body></html>"""


def test_visible_text_and_paragraphs() -> None:
    r = read_html(PAGE.encode(), name="minutes.html")
    assert r.format == "html"
    assert r.title == "Board minutes | Example Ltd"
    assert r.published == "2023-04-05"
    assert r.encoding == "utf-8"
    assert r.metadata["author"] == "Jo Bloggs"
    assert r.metadata["lang"] == "en"
    paras = r.text.split("\n\n")
    assert paras[:2] == ["Home", "Minutes & actions"]
    assert "Present: Fiona McCallum, Robert Blake.\nApologies: none." in paras
    assert "Name\tFiona McCallum" in paras and "Role\tDirector" in paras
    assert "First item" in paras and "Second item" in paras
    assert "  indented\n    code" in paras
    assert paras[-1] == "Café €5 — end"
    for hidden in ("not text", "color", "JavaScript", "template", "hidden div", "invisible"):
        assert hidden not in r.text


def test_passages_follow_blocks() -> None:
    r = read_html(PAGE.encode(), name="minutes.html")
    text = normalise_text(r.text)
    passages = [text[s.start : s.end] for s in segment(text)]
    assert "Minutes & actions" in passages
    assert all(not p.startswith((" ", "\n")) for p in passages)


def test_title_falls_back_to_og_title_and_dates_from_time() -> None:
    doc = b"""<html><head><meta property="og:title" content="OG title"></head>
    <body><p>Posted <time datetime="2021-11-02T08:00">2 Nov</time></p></body></html>"""
    r = read_html(doc, name="a.htm")
    assert r.title == "OG title"
    assert r.published == "2021-11-02"


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ('<meta name="date" content="2022-01-31">', "2022-01-31"),
        ('<meta name="DC.date" content="2020-02-29">', "2020-02-29"),
        ('<meta name="pubdate" content="20190704">', "2019-07-04"),
        ('<meta name="date" content="04/05/2023">', None),  # ambiguous: no date is better
    ],
)
def test_meta_dates(meta: str, expected: str | None) -> None:
    r = read_html(f"<html><head>{meta}</head><body>x</body></html>".encode(), name="a.html")
    assert r.published == expected


def test_broken_html_is_read_anyway() -> None:
    doc = b"""<html><head><title>Broken</title><body><p>one <b>two <i>three
    <div>four</p></b> <![if !supportLists]>five<![endif]> <p>six <a href="x">seven"""
    r = read_html(doc, name="b.html")
    assert r.title == "Broken"
    assert r.text.split() == ["one", "two", "three", "four", "five", "six", "seven"]


def test_head_without_close_still_reads_body() -> None:
    r = read_html(b"<html><head><title>T</title>Body text here", name="c.html")
    assert r.text == "Body text here"


def test_declared_charset_is_honoured() -> None:
    doc = '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body>\u20ac 5'
    r = read_html(doc.encode("cp1252"), name="d.html")
    assert r.title == "Café"
    assert r.text == "€ 5"
    assert r.encoding == "windows-1252"


def test_xhtml_with_xml_declaration_and_cdata() -> None:
    doc = b"""<?xml version="1.0" encoding="iso-8859-1"?>
    <html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title>
    <script type="text/javascript"><![CDATA[ var a = 1; ]]></script></head>
    <body><p>Ren\xe9</p><p><![CDATA[raw & text]]></p><br/><p/></body></html>"""
    r = READERS[".xhtml"](doc, name="x.xhtml")
    assert r.text == "René\n\nraw & text"


def test_empty_and_binary_input() -> None:
    with pytest.raises(ReadError, match="no visible text"):
        read_html(b"<html><body><script>x</script></body></html>", name="e.html")
    with pytest.raises(ReadError, match="binary"):
        read_html(b"\x00\x01\x02<html>", name="f.html")


def test_registered_extensions() -> None:
    for ext in (".html", ".htm", ".xhtml", ".HTML"):
        assert reader_for(PurePath(f"page{ext}")) is read_html


def test_text_builder_collapses_breaks() -> None:
    out = TextBuilder()
    out.paragraph()
    out.add("  a  ")
    out.paragraph()
    out.newline()
    out.paragraph()
    out.add("b")
    out.separator("\t")
    out.add(" c")
    out.newline()
    assert out.text() == "a\n\nb\tc"


def test_html_to_text_deep_nesting_does_not_recurse() -> None:
    doc = "<div>" * 50_000 + "deep" + "</div>" * 50_000
    assert html_to_text(doc).text == "deep"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-05T10:00:00+02:00", "2023-04-05"),
        ("D:20230405101500+01'00'", "2023-04-05"),
        ("Wed, 05 Apr 2023 10:15:00 +0100", "2023-04-05"),
        ("5th April 2023", "2023-04-05"),
        ("Tuesday, April 4, 2023", "2023-04-04"),
        ("05.04.2023", "2023-04-05"),
        ("2023-02-30", None),
        ("1234567890", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_unclosed_tags_stay_linear() -> None:
    """The stdlib parser rescans from each unclosed `<`; this once took minutes."""
    start = time.perf_counter()
    r = read_html(b"<p>start</p>" + b"<a " * 100_000, name="slow.html")
    assert time.perf_counter() - start < 5
    assert r.text.startswith("start\n\n<a <a ")


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE html [ <!ENTITY x "y"> ]>',
        '<!DOCTYPE html [\n  <!ENTITY gt2 "a > b">\n  <!-- a > in a comment -->\n'
        "  <!ATTLIST p id ID #IMPLIED>\n]>",
        '<!DOCTYPE html SYSTEM "odd>name.dtd">',
        "<!doctype html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN' 'x.dtd' [ <!ENTITY a 'b'> ]>",
    ],
)
def test_doctype_internal_subset_and_literals_are_not_text(doctype: str) -> None:
    doc = html_to_text(doctype + "<html><body><p>Hello Paris.</p></body></html>")
    assert doc.text == "Hello Paris."


def test_unterminated_doctype_subset_hides_nothing() -> None:
    assert html_to_text('<!DOCTYPE html [ <!ENTITY x "y"> <p>Hello Paris.</p>').text == (
        "Hello Paris."
    )
    assert html_to_text('<!DOCTYPE html "open><p>Hello Paris.</p>').text == "Hello Paris."


def test_many_unclosed_doctypes_stay_linear() -> None:
    start = time.perf_counter()
    doc = html_to_text("<!DOCTYPE [>" * 50_000 + "<p>end</p>")
    assert time.perf_counter() - start < 5
    assert doc.text == "end"
