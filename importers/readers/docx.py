"""DOCX: paragraphs and table rows in document order, plus the core properties.

Parsed with `zipfile` and a streaming expat parser rather than python-docx:
python-docx pulls in lxml, builds the whole tree in memory and skips text in
text boxes, footnotes and comments, which in case files often carry the point.
Expat never fetches external entities; on top of that any DOCTYPE or ENTITY
declaration is refused (no entity-expansion bombs), and the XML read from one
file is capped in total.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from casework.importers.readers.base import ReadError, ReadResult
from casework.importers.readers.html import TextBuilder, iso_date

MAX_XML_BYTES = 50 * 1024 * 1024  # all XML parts read from one file together

_W = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    }
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_OFFICE_DOC = "/officeDocument"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text-bearing elements whose content is not part of the visible text.
_SKIP_W = frozenset({"delText", "instrText", "delInstrText"})
_TITLE_STYLES = frozenset({"title", "heading1", "berschrift1", "titre1", "titolo1"})
# Parts appended after the body, with the heading that introduces them.
_NOTES = (
    ("footnotes", "Footnotes"),
    ("endnotes", "Endnotes"),
    ("comments", "Comments"),
)


class _Budget:
    """How many bytes of XML may still be read from this file."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        mb = limit / (1024 * 1024)
        self.error = f"DOCX XML exceeds the {mb:.0f} MB limit" if mb >= 1 else "DOCX XML too large"

    def read(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        if info.file_size > self.left:
            raise ReadError(self.error)
        try:
            with zf.open(info) as fh:
                data = fh.read(self.left + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
            raise ReadError(f"not a valid DOCX (damaged part {info.filename})") from exc
        except RuntimeError as exc:  # zipfile: "File is encrypted"
            raise ReadError("DOCX is password-protected") from exc
        except NotImplementedError as exc:
            raise ReadError("not a valid DOCX (unsupported compression)") from exc
        if len(data) > self.left:
            raise ReadError(self.error)
        self.left -= len(data)
        return data


def _parse(
    data: bytes,
    part: str,
    start: Callable[..., None],
    end: Callable[..., None],
    chars: Callable[[str], None],
) -> None:
    """Stream one XML part through the handlers; DTDs and entities are refused."""

    def refuse(*_args: Any) -> None:
        raise ReadError(f"DOCX part {part} declares a DTD or entities (refused)")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ReadError(f"not a valid DOCX (bad XML in {part})") from exc


def _split(tag: str) -> tuple[str, str]:
    ns, _, local = tag.rpartition(" ")
    return ns, local


class _BodyText:
    """Word-processing XML to text: paragraphs, tabs, breaks and table rows."""

    def __init__(self) -> None:
        self.out = TextBuilder()
        self._skip = 0  # depth inside mc:Fallback or deleted/field-code text
        self._in_text = False
        self._tables = 0
        self._row_has_cell = False
        self._cell_para_done = False  # a paragraph ended in this cell: the next needs a newline
        self._para_style: str | None = None
        self._para_text: list[str] = []
        self.heading: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        ns, local = _split(tag)
        if self._skip or (ns == _MC and local == "Fallback"):
            self._skip += 1  # Fallback repeats the Choice content for old readers
            return
        if ns not in _W:
            return
        if local in _SKIP_W or local == "tabs":  # w:tabs holds tab stops, not tabs
            self._skip += 1
        elif local == "t":
            self._in_text = True
        elif local == "tab" and not self._in_text:
            self.out.add("\t", preformatted=True)
        elif local in ("br", "cr"):
            self.out.newline()
        elif local == "noBreakHyphen":
            self.out.add("-", preformatted=True)
        elif local == "p":
            self._para_style = None
            self._para_text = []
            if self._tables and self._cell_para_done:
                self.out.newline()
                self._cell_para_done = False
        elif local == "pStyle":
            self._para_style = next((v for k, v in attrs.items() if _split(k)[1] == "val"), None)
        elif local == "tbl":
            if self._tables:
                self.out.newline()  # a table inside a cell stays in the outer row
            else:
                self.out.paragraph()
            self._tables += 1
        elif local == "tr":
            self._row_has_cell = False
        elif local == "tc":
            if self._row_has_cell:
                self.out.separator("\t")
            self._row_has_cell = True
            self._cell_para_done = False

    def end(self, tag: str) -> None:
        ns, local = _split(tag)
        if self._skip:
            self._skip -= 1
            return
        if ns not in _W:
            return
        if local == "t":
            self._in_text = False
        elif local == "p":
            if self._tables:
                self._cell_para_done = True
            else:
                self.out.paragraph()
            style = (self._para_style or "").lower()
            if self.heading is None and style in _TITLE_STYLES:
                self.heading = "".join(self._para_text).strip()[:300] or None
        elif local == "tc":
            self._cell_para_done = False
        elif local == "tr":
            if self._tables == 1:
                self.out.paragraph()
            else:
                self.out.newline()
        elif local == "tbl":
            self._tables = max(0, self._tables - 1)
            if self._tables:
                self.out.newline()
            else:
                self.out.paragraph()

    def chars(self, data: str) -> None:
        if self._in_text and not self._skip:
            self.out.add(data, preformatted=True)
            self._para_text.append(data)


class _CoreProps:
    """docProps/core.xml: Dublin Core title, creator, dates and the like."""

    _WANTED = frozenset(
        {
            (_DC, "title"),
            (_DC, "creator"),
            (_DC, "subject"),
            (_DC, "description"),
            (_CP, "keywords"),
            (_CP, "lastModifiedBy"),
            (_CP, "category"),
            (_DCTERMS, "created"),
            (_DCTERMS, "modified"),
        }
    )

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self._key: str | None = None
        self._buf: list[str] = []

    def start(self, tag: str, _attrs: dict[str, str]) -> None:
        ns, local = _split(tag)
        if (ns, local) in self._WANTED:
            self._key, self._buf = local, []

    def end(self, tag: str) -> None:
        if self._key and _split(tag)[1] == self._key:
            value = " ".join("".join(self._buf).split())
            if value and self._key not in self.values:
                self.values[self._key] = value[:1000]
            self._key = None

    def chars(self, data: str) -> None:
        if self._key:
            self._buf.append(data)


def _main_part(zf: zipfile.ZipFile, budget: _Budget) -> str:
    """The main document's path, from the package relationships (word/document.xml usually)."""
    try:
        rels = zf.getinfo("_rels/.rels")
    except KeyError:
        return "word/document.xml"
    targets: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _split(tag)[1] == "Relationship" and attrs.get("Type", "").endswith(_OFFICE_DOC):
            targets.append(attrs.get("Target", ""))

    _parse(budget.read(zf, rels), "_rels/.rels", start, lambda _t: None, lambda _d: None)
    if targets and targets[0]:
        return posixpath.normpath(targets[0].lstrip("/"))
    return "word/document.xml"


def read_docx(data: bytes, *, name: str) -> ReadResult:
    """Reader for .docx files (Word 2007 and later, transitional or strict)."""
    if data.startswith(_OLE_MAGIC):
        raise ReadError("not a valid DOCX (password-protected, or an old .doc file)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        raise ReadError("not a valid DOCX (not a zip archive)") from exc
    except NotImplementedError as exc:
        raise ReadError("not a valid DOCX (unsupported zip features)") from exc
    budget = _Budget(MAX_XML_BYTES)
    with zf:
        main = _main_part(zf, budget)
        try:
            main_info = zf.getinfo(main)
        except KeyError:
            raise ReadError(f"not a valid DOCX (no {main})") from None
        body = _BodyText()
        _parse(budget.read(zf, main_info), main, body.start, body.end, body.chars)
        folder = posixpath.dirname(main)
        notes_found: list[str] = []
        for part_name, heading in _NOTES:
            try:
                info = zf.getinfo(posixpath.join(folder, f"{part_name}.xml"))
            except KeyError:
                continue
            notes = _BodyText()
            _parse(budget.read(zf, info), info.filename, notes.start, notes.end, notes.chars)
            note_text = notes.out.text().strip()
            if note_text:
                notes_found.append(part_name)
                body.out.paragraph()
                body.out.add(heading, preformatted=True)
                body.out.paragraph()
                body.out.add(note_text, preformatted=True)
        core = _CoreProps()
        try:
            core_info = zf.getinfo("docProps/core.xml")
        except KeyError:
            core_info = None
        if core_info is not None:
            try:
                _parse(
                    budget.read(zf, core_info),
                    "docProps/core.xml",
                    core.start,
                    core.end,
                    core.chars,
                )
            except ReadError as exc:
                if "bad XML" not in str(exc):
                    raise
                core.values.clear()  # broken properties lose the metadata, not the text

    text = body.out.text()
    props = core.values
    metadata: dict[str, Any] = {}
    for key, out_key in (
        ("creator", "author"),
        ("lastModifiedBy", "last_modified_by"),
        ("subject", "subject"),
        ("description", "description"),
        ("keywords", "keywords"),
        ("category", "category"),
    ):
        if props.get(key):
            metadata[out_key] = props[key]
    if props.get("created"):
        metadata["created"] = props["created"]
    modified = iso_date(props.get("modified"))
    if modified:
        metadata["modified"] = modified
    if notes_found:
        metadata["includes"] = notes_found
    title = props.get("title") or body.heading
    if not text.strip() and not title:
        raise ReadError("DOCX contains no text")
    return ReadResult(
        text=text,
        format="docx",
        title=title[:300] if title else None,
        encoding=None,
        published=iso_date(props.get("created")),
        metadata=metadata,
    )
