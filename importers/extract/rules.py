"""The built-in extractor: capitalised-chunk scanning plus gazetteers and context rules.

One regex pass finds runs of capitalised tokens ("chunks", joined by name
particles and "of"/"for"/"and"); each chunk is split at sentence ends and
possessives, stripped of function words and titles (which become person
context, never part of the span), then segmented and classified with
dictionary lookups: places (GeoNames), first names and surnames (US census
plus international lists), common English words (SCOWL), demonyms (never
emitted), organisation head words and known organisations. Two more regex
passes find dates and money. A second look at single-word mentions after the
scan turns "Durand" into a person when "Marc Durand" occurs in the same text.

Conventions (see tests/test_extract_rules.py): spans exclude titles, leading
"the" and possessive "'s"; a defined acronym ("... Security (DGSE)") yields
both the full name and the acronym; demonyms, months, weekdays, function
words, header labels and ordinary words in capitals are never entities.
A name or a nationality followed by a group noun is an organisation in its
own right ("Iraqi security forces", "Asad regime", "ISIL fighters", "the
government of Iraq"), but "the French authorities" is not: only organised
actors. A lowercase compass word makes a region ("northern Iraq"); a place
descriptor stays outside the name ("the city of Mosul" -> "Mosul"). Mail
headers give names surname first ("Mills, Cheryl D": one person); release
stamps ("UNCLASSIFIED U.S. Department of State Case No. ...") and e-mail
addresses yield nothing.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass
from datetime import date
from functools import cache

from .base import Mention
from .dates import digit_windows, find_dates
from .french import find_french_names
from .lexicon import (
    CALENDAR_WORDS,
    COMPASS,
    LOWER_PERSON_CUES,
    NAME_PARTICLES,
    ORG_HEADS,
    ORG_OPENERS,
    PLACE_CUES,
    PLACE_PREFIXES,
    PLACE_SUFFIXES,
    SAY_VERBS,
    STOP_ACRONYMS,
    STOP_CAP,
    TITLE_MODIFIERS,
    TITLES,
    Lexicon,
    Place,
    fold,
    lexicon,
)
from .money import find_money


def _upper_class() -> str:
    """A regex character class of the upper-case letters of Latin, Greek and Cyrillic."""
    chars = [chr(c) for c in range(0x41, 0x530) if chr(c).isupper()]
    chars += [chr(c) for c in range(0x1E00, 0x1F00) if chr(c).isupper()]
    ranges: list[str] = []
    start = prev = ord(chars[0])
    for ch in [*chars[1:], "\uffff"]:
        code = ord(ch)
        if code == prev + 1:
            prev = code
            continue
        a, b = re.escape(chr(start)), re.escape(chr(prev))
        ranges.append(a if start == prev else f"{a}-{b}")
        start = prev = code
    return "[" + "".join(ranges) + "]"


_UP = _upper_class()
_PARTICLE_PREFIX = r"(?:al|el|ad|ar|as|an|at|az|ash|ibn|bin|abu|ben|d|l)[-‐'’]"
# A capitalised token; written to start with one character class so that the regex
# engine can skip lowercase text quickly (an alternation here costs 3x in speed).
_CAP_TOKEN = (
    rf"{_UP}(?:\.(?:{_UP}\.)+(?!\w)"  # U.S., J.R.R.
    rf"|\w*(?:['’\-‐]\w+)*\.?)"  # McCallum, Pierre-Marie, O'Brien, DGSE's, Dr.
)
_TOKEN = rf"(?:{_CAP_TOKEN}|{_PARTICLE_PREFIX}{_UP}\w*(?:[-‐]\w+)*)"  # al-Kuwaiti
_CONN_WORDS = (
    "of|for|and|&|the|on|upon|de|du|des|la|le|van|von|der|den|da|di|do|dos|das|del|della"
    "|al|el|bin|ibn|bint|abu|ben|y|zu|ul|ter|ten"
)
_CHUNK = re.compile(
    rf"{_CAP_TOKEN}(?:(?:[ \t]{{1,2}}(?:{_CONN_WORDS})){{0,2}}[ \t]{{1,2}}{_TOKEN})*"
)
_PIECE = re.compile(rf"{_TOKEN}|(?<![\w&])(?:{_CONN_WORDS})(?![\w&])")
_ACRO_DEF = re.compile(r"[ \t]*[(\[][ \t]*([A-Z][A-Za-z0-9&.\-]{1,9})[ \t]*[)\]]")
_LOWER_WORD = re.compile(r"[a-z]{3}")
_NEXT_WORD = re.compile(r"[ \t]*,?[ \t]*([a-z]+)")
_COMMA_PLACE = re.compile(rf"[ \t]*,[ \t]*({_UP}[\w.]*(?:[ \t][{_UP[1:-1]}][\w.]*)?)")
_ACRONYM_SHAPE = re.compile(
    r"[A-Z][A-Z0-9&]{1,7}(?:-[A-Z0-9]{1,6})*|(?:[A-Z]\.){2,4}|[A-Z][a-z]?[A-Z][A-Z0-9]*"
)
_ROMAN = re.compile(r"[IVXLC]+")
_NICKNAME = re.compile(rf"[ \t]+[“\"'‘]{_UP}[\w.]{{0,12}}[”\"'’][ \t]+({_UP}[\w'’-]+)")
_PARTICLE_HEAD = re.compile(r"(?:[Aa]l|[Ee]l|[Aa]d|[Aa]r|[Aa]s|[Aa]n|[Aa]t|[Aa]z)[-‐](?=[A-Z])")
_ORG_PREFIX_OPENERS = frozenset(
    {"Radio", "Bank", "Banque", "Banco", "Banca", "Air", "Hotel", "Club"}
)
_ARTICLE_NAMES = frozenset({"Le", "La", "Les", "El", "Il", "Der", "Die", "Das"})
# Group nouns that make a name or a nationality before them an organisation: "Iraqi
# security forces", "Syrian opposition", "Chinese embassy", "ISIL fighters", "Coalition
# partners", "Asad regime". Only organised actors: not "people", "authorities", "officials".
_GROUP_ADJ = (
    r"(?:security|military|armed|tactical|special|opposition|democratic|regional|federal"
    r"|national|local|rebel|allied|naval|ground|air|government|coalition|terrorist|interim"
    r"|transitional|paramilitary|intelligence)"
)
_DEMONYM_GROUP = re.compile(
    rf"[ \t]+(?:{_GROUP_ADJ}[ \t]+){{0,2}}(?:forces|army|military|navy|government|regime"
    r"|opposition|militias?|troops|rebels|insurgents|embassy|consulate|parliament|parties"
    r"|coast[ \t]guard|air[ \t]force)\b"
)
_ORG_GROUP = re.compile(
    rf"[ \t]+(?:{_GROUP_ADJ}[ \t]+){{0,2}}(?:forces|fighters|terrorists|militants|troops"
    r"|units?|partners|allies|nations|members|coalition|group|military)\b"
)
_LEADER_GROUP = re.compile(
    r"(?:['’]s)?[ \t]+(?:[a-z]+[ \t]+)?(?:regime|government|administration|loyalists)\b"
)
# "the government of Iraq": a lowercase institution of a place is an organisation.
_INSTITUTION_OF = re.compile(
    r"(?<![\w-])(?:government|regime|army|military|navy|parliament|forces)[ \t]+of[ \t]+$"
)
_COUNTER = ("counter-", "anti-", "Counter-", "Anti-")
# Institution words that, capitalised after "the" in running text, name one body: "the
# Coalition", "the Alliance". Other heads are left out: "the Court", "the Department" are
# back-references to a name given in full elsewhere, and as aliases they would be
# learned for any court or department.
_INSTITUTIONS = frozenset({"Coalition", "Alliance"})
# "northern Iraq", "eastern Aleppo": a lowercase compass word makes a region of a place.
_COMPASS_BEFORE = re.compile(
    r"(?:(?:north|south)(?:-?(?:east|west))?ern|eastern|western|central)[ \t]$"
)
_IN_PLACE = re.compile(rf"[ \t]+in[ \t]+({_UP}[\w-]+(?:[ \t]{_UP}[\w-]+)?)")
_MISSION_HEADS = frozenset({"Embassy", "Consulate", "Consulate-General", "Mission", "Delegation"})
_NEWS_HEADS = frozenset(
    """Times Post News Herald Journal Gazette Courier Tribune Telegraph Guardian Chronicle
    Observer Economist Independent Mirror Express Standard Examiner Inquirer Star Sun Globe
    Mail Record Review Week Weekly Daily Monitor Register Dispatch Bulletin Wire Newswire""".split()
)
_INITIAL = re.compile(rf"{_UP}\.?")
_DIGIT = re.compile(r"\d")

ABBREVIATIONS = frozenset(
    """Mr Mrs Ms Dr Prof St Mt Ft Gen Lt Col Maj Capt Sgt Cpl Pvt Adm Cmdr Cdr Brig Gov Sen
    Rep Rev Fr Jr Sr Co Corp Inc Ltd No Spc Det Supt Msgr Hon Pres Sec Dept Univ Mme Mlle
    Messrs Lieut Pte Bros Ave Blvd Rd Mgr Sgts Gens Cpt Cpls""".split()
)
_KEEP_S = frozenset(
    {
        "People's",
        "People’s",
        "Women's",
        "Women’s",
        "Children's",
        "Children’s",
        "Men's",
        "Men’s",
        "Workers'",
        "Veterans'",
    }
)
_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV", "V", "VI"})
_SENT_END = frozenset(".!?\n:;•*")
_OPENERS_SKIP = frozenset(" \t\"'“‘«([-—–")
_PLACE_HEADS_STRONG = frozenset(
    """Province Governorate Governate District Prefecture County Oblast Krai River Mountains
    Mountain Valley Desert Dam Airport Airbase Airfield Island Islands Peninsula Strait Canal
    Bridge Square Street Road Avenue Boulevard Region Gate Palace Mosque Temple Cathedral
    Citadel Fortress Castle Stadium Base""".split()
)
_PLACE_OF = frozenset(
    """Republic Kingdom Emirate Sultanate Principality Commonwealth City Town Village Province
    Governorate Isle Island Islands Gulf Bay Sea Strait Lake Cape Port""".split()
)
_AL = frozenset({"al", "el", "Al", "El"})
_QUOTE_CHARS = frozenset("\"“'‘")
_ORD_SUFFIX = frozenset({"st", "nd", "rd", "th"})
_ORDINAL = re.compile(r"(?<![\w.,])\d{1,4}(?:st|nd|rd|th) $")
_NOT_GIVEN = frozenset({"Al", "El"})  # census first names, but Arabic articles in names
# Capitalised prepositions that make the next unknown name a place ("Near Ayn Isa, ...").
# Not "From" or "At": "From Arturo - ..." is a sender in a subject line.
_PLACE_PREPS = frozenset(
    "In Near Outside Around Across Into Inside Throughout Toward Towards".split()
)
# Arabic and Hebrew toponymic heads: spring, hill, monastery, cape, mountain, valley...
_TOPONYM_HEADS = frozenset(
    """Ayn Ain Tal Tell Dayr Deir Ras Jabal Jebel Wadi Bir Kafr Kfar Beit Bayt Khan Qasr Nahr
    Umm Hisn Qalat Qalaat Tall""".split()
)
_SHIP_PREFIXES = frozenset(
    "USS HMS FS HMCS HMAS HMNZS INS RFS ROKS JS USNS MV SS RV BNS TCG ITS ESPS HNLMS".split()
)
_EVENT_OPENERS = frozenset({"Operation", "Exercise", "Resolution", "Article", "Act", "Bill"})


@dataclass(slots=True)
class _Tok:
    """One token of a chunk: absolute offsets, text, and whether it is a lowercase connector."""

    start: int
    end: int
    text: str
    conn: bool
    initial: bool = False
    place_cue: bool = False  # a dropped "In"/"Near" opened this piece
    flags: int = -1  # _TITLE | _ORGISH of the text, precomputed per word; -1: unknown


# Word flags cached per token text, so the classifiers skip work on plain words.
_TITLE, _ORGISH = 1, 2


_Found = tuple[int, int, str, float, str | None]
_Pending = tuple[int, int, str, float, str | None, bool]


class _Doc:
    """Per-call state: the text, what was found, and what names were seen.

    Reading `text` or `person_parts` marks the current chunk as context-dependent
    (`ctx`): chunks classified without looking at anything but themselves and the
    words around them that _chunk puts in the memo key are memoised, which makes
    repeated names cheap. Acronym definitions are applied after the scan.
    """

    __slots__ = (
        "_parts", "_text", "acronyms", "ctx", "edge", "lex", "memo", "out", "parts_log", "pending",
        "skip",
    )  # fmt: skip

    def __init__(
        self,
        text: str,
        lex: Lexicon,
        memo: dict[object, object] | None = None,
        skip: set[str] | None = None,
    ) -> None:
        """Empty state for one extraction."""
        self._text = text
        self.lex = lex
        self.memo: dict[object, object] = {} if memo is None else memo
        self.skip: set[str] = set() if skip is None else skip
        self.out: list[_Found] = []
        self.pending: list[_Pending] = []
        self._parts: set[str] = set()
        self.acronyms: dict[str, tuple[str, int]] = {}
        self.parts_log: list[str] = []
        self.ctx = False  # the current chunk read the document beyond its neighbours
        self.edge = False  # the current chunk read the words around it

    @property
    def text(self) -> str:
        """The document text (reading it makes the current chunk context-dependent)."""
        self.ctx = True
        return self._text

    @property
    def person_parts(self) -> set[str]:
        """Words of the person names seen so far (a context read)."""
        self.ctx = True
        return self._parts

    def add_part(self, word: str) -> None:
        """Remember a word of a person name (replayed when a memoised chunk recurs)."""
        self._parts.add(word)
        self.parts_log.append(word)


class RuleExtractor:
    """Rule and gazetteer extractor: fast, offline, deterministic."""

    name = "rules"

    def __init__(self, lex: Lexicon | None = None) -> None:
        """Use `lex` if given; otherwise the shared lexicon is loaded on first use."""
        self._lex = lex
        self._memo: dict[object, object] = {}
        self._skip: set[str] = set()  # one-word chunks that are never a mention

    @property
    def lex(self) -> Lexicon:
        """The lexicon, loaded lazily so that importing this module costs nothing."""
        if self._lex is None:
            self._lex = lexicon()
        return self._lex

    def extract(self, text: str, *, doc_date: date | None = None) -> list[Mention]:
        """Mentions in `text`, sorted by start and non-overlapping."""
        doc = _Doc(text, self.lex, memo=self._memo, skip=self._skip)
        taken: list[tuple[int, int, str, float, str | None]] = []
        stamps = _stamps(text)
        # Release stamps are digits on every page ("Case No. F-2014-20439 Doc No. ..."):
        # nothing in them counts, so the date and money patterns skip them.
        windows = _outside(digit_windows(text), stamps) if stamps else digit_windows(text)
        for s, e, v in find_money(text, windows):
            taken.append((s, e, "money", 1.0, v))
        for s, e, v in find_dates(text, doc_date, windows):
            taken.append((s, e, "date", 1.0, v))
        if stamps:
            taken = [t for t in taken if not _inside(stamps, t[0])]
        for s, e, kind in find_french_names(text):
            doc.out.append((s, e, kind, 0.8, None))
            m = _ACRO_DEF.match(text, e)
            if m:
                doc.acronyms[m.group(1)] = (kind, m.start(1))
        _header_names(doc)  # before the scan: the names it finds are context for it
        skip = self._skip
        multi = _chunk
        single = _single_chunk
        n = len(text)
        # Scan between release stamps (usually one stretch: the whole text).
        prev = 0
        for a, b in [*stamps, (n, n)]:
            for m in _CHUNK.finditer(text, prev, a):
                g = m.group()
                # Most chunks are one word seen before that is never a name ("The").
                if g in skip:
                    continue
                start, end = m.span()
                if end < n and text[end] == "@":
                    continue  # the name part of an e-mail address ("HDR22@...")
                if start > 2 and text[start - 1] in "-‐" and text[start - 3 : start - 1] in _AL:
                    start -= 3  # "al-Qaida", "el-Sisi": the article belongs to the name
                    g = text[start:end]
                if " " in g or "\t" in g:
                    multi(doc, start, g)
                else:
                    single(doc, start, g)
            prev = b
        _resolve_pending(doc)
        _lowercase_short_forms(doc)
        _extend_groups(doc)
        return _merge(text, taken, doc.out, self.name)


@cache
def default_extractor() -> RuleExtractor:
    """The shared instance; its gazetteers load on its first extraction."""
    return RuleExtractor()


# --------------------------------------------------------------------------- scanning

_CLASSIFICATION = re.compile(r"\b(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|RESTRICTED|CLASSIFIED)\b")


def _stamps(text: str) -> list[tuple[int, int]]:
    """Lines of a release stamp ("UNCLASSIFIED U.S. Department of State Case No. F-2014-...
    Doc No. C05765918 Date: 08/31/2015"): stamped on every page, they name nothing."""
    out: set[tuple[int, int]] = set()
    for key in ("Doc No", "Case No"):
        i = text.find(key)
        while i != -1:
            a = text.rfind("\n", 0, i) + 1
            b = text.find("\n", i)
            b = len(text) if b == -1 else b
            if _CLASSIFICATION.search(text, a, b):
                out.add((a, b))
            i = text.find(key, b)
    return sorted(out)


def _outside(windows: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of sorted windows that fall outside sorted, disjoint spans."""
    out: list[tuple[int, int]] = []
    for a, b in windows:
        i = bisect.bisect_right(spans, (a, 1 << 62)) - 1
        i = max(i, 0)
        while a < b and i < len(spans):
            s, e = spans[i]
            if e <= a:
                i += 1
                continue
            if s >= b:
                break
            if s > a:
                out.append((a, s))
            a = max(a, e)
            i += 1
        if a < b:
            out.append((a, b))
    return out


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is `pos` inside one of the sorted, disjoint spans?"""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and pos < spans[i][1]


def _sentence_initial(text: str, pos: int) -> bool:
    """True when only spaces, quotes or brackets separate `pos` from a sentence start."""
    if pos >= 2 and text[pos - 1] == " " and text[pos - 2].isalnum():
        return False  # the common case: a word, a space, this
    i = pos - 1
    while i >= 0 and text[i] in _OPENERS_SKIP:
        if text[i] in "-—–" and i > 0 and text[i - 1] not in " \t\n":
            return False
        i -= 1
    return i < 0 or text[i] in _SENT_END


def _chunk(doc: _Doc, base: int, chunk: str) -> None:
    """Split one capitalised run of several words into clean pieces and classify each."""
    text = doc._text
    initial = _sentence_initial(text, base)
    end = base + len(chunk)
    # Two memo keys: the chunk alone (for results that read nothing around it), then
    # with everything around it that the rules may look at (words before and after).
    key = (
        chunk,
        initial,
        "(" in text[end : end + 3] or "[" in text[end : end + 3],
        # "158th Fighter Wing": see _ordinal_start
        base - _ordinal_start(text, base) if text[base - 3 : base - 1] in _ORD_SUFFIX else 0,
        not _QUOTE_CHARS.isdisjoint(text[end : end + 2]),  # a nickname may follow
    )
    memo = doc.memo
    hit = memo.get(key)
    if hit is None:
        prev = _prev_word(text, base)
        nxt = _next_word(text, end)
        key = (
            *key,
            prev if prev is not None and prev[0].islower() and prev in _CUES else "",
            nxt if nxt in SAY_VERBS else "",
            (m.group(1) if (m := _COMMA_PLACE.match(text, end)) else ""),
        )
        hit = memo.get(key)
    if hit is not None:
        outs, pends, parts = hit  # type: ignore[misc]
        doc.out.extend((s + base, e + base, k, sc, v) for s, e, k, sc, v in outs)
        doc.pending.extend((s + base, e + base, k, sc, v, a) for s, e, k, sc, v, a in pends)
        for w in parts:
            doc.add_part(w)
        return
    n_out, n_pend, n_parts = len(doc.out), len(doc.pending), len(doc.parts_log)
    doc.ctx = doc.edge = False
    _chunk_tokens(doc, base, chunk, initial)
    if not doc.ctx:
        if len(memo) > 200_000:
            memo.clear()
        memo[key if doc.edge else key[:5]] = (
            tuple((s - base, e - base, k, sc, v) for s, e, k, sc, v in doc.out[n_out:]),
            tuple((s - base, e - base, k, sc, v, a) for s, e, k, sc, v, a in doc.pending[n_pend:]),
            tuple(doc.parts_log[n_parts:]),
        )


def _token_info(t: str) -> tuple[str, int, bool, bool, bool, int]:
    """(text, characters cut, ends a piece, is an initial, is a connector, flags) of a token.

    A trailing period is kept on initials and abbreviations ("H.", "Dr.") and otherwise
    ends the piece; a possessive "'s" is cut and ends the piece ("DGSE's")."""
    if t in _CONN_SET:
        return t, 0, False, False, True, 0
    cut, brk, initial = 0, False, False
    if t.endswith("."):
        core = t[:-1]
        if len(core) == 1 or core in ABBREVIATIONS or "." in core:
            initial = len(core) == 1
        else:
            t, cut, brk = core, 1, True
    if t[-2:] in ("'s", "’s") and len(t) > 2 and t not in _KEEP_S:
        t, cut, brk = t[:-2], cut + 2, True
    elif len(t) == 1:
        initial = True
    flags = _TITLE if _is_title(t) else 0
    head = t.split("-")[0] if "-" in t else t
    if (
        t in ORG_HEADS
        or t in ORG_OPENERS
        or head in ORG_OPENERS
        or t in _ORG_PREFIX_OPENERS
        or t in _ARTICLE_NAMES
        or (t.endswith(".") and t[:-1] in ORG_HEADS)
        or ("-" in t and t.rsplit("-", 1)[-1] in ORG_HEADS)
    ):
        flags |= _ORGISH
    return t, cut, brk, initial, False, flags


_TOKEN_CACHE: dict[str, tuple[str, int, bool, bool, bool, int]] = {}


def _chunk_tokens(doc: _Doc, base: int, chunk: str, initial: bool) -> None:
    """Tokenise a multi-word chunk, split it at sentence ends and possessives."""
    cache = _TOKEN_CACHE
    if len(cache) > 100_000:
        cache.clear()
    group: list[_Tok] = []
    pos = base
    # The chunk regex only joins tokens with spaces and tabs, so splitting is exact.
    for raw in (chunk.replace("\t", " ") if "\t" in chunk else chunk).split(" "):
        if raw:
            info = cache.get(raw)
            if info is None:
                info = cache[raw] = _token_info(raw)
            t, cut, brk, ini, conn, flags = info
            group.append(_Tok(pos, pos + len(raw) - cut, t, conn, ini, False, flags))
            if brk:
                _group(doc, group, initial)
                group, initial = [], True
        pos += len(raw) + 1
    if group:
        _group(doc, group, initial)


_CONN_SET = frozenset(_CONN_WORDS.split("|"))
_CUES = LOWER_PERSON_CUES | PLACE_CUES | SAY_VERBS


# Codes of what a one-word chunk can be, whatever its context (see _word_info).
_SKIP, _KNOWN_ORG, _PLACE, _LONE_HEAD, _DEMONYM, _ACRO, _UPPER_PLACE, _OTHER, _HEAD = range(9)


def _word_info(lex: Lexicon, chunk: str) -> tuple[int, str, bool, bool, bool, Place | None]:
    """The context-free part of classifying a one-word chunk, computed once per word.

    Returns (code, token text, is an initial, is a common word, may start a sentence
    as a name, place). Memoised per extractor: most chunks are words seen before.
    """
    t = chunk
    initial_tok = False
    if t.endswith("."):
        core = t[:-1]
        if len(core) == 1 or core in ABBREVIATIONS or "." in core:
            initial_tok = len(core) == 1
        else:
            t = core
    if t in STOP_CAP or t in CALENDAR_WORDS:
        return _SKIP, t, initial_tok, False, False, None
    if t[-2:] in ("'s", "’s") and len(t) > 2 and t not in _KEEP_S:
        t = t[:-2]
    elif len(t) == 1:
        initial_tok = True
    if _is_title(t):
        return _SKIP, t, initial_tok, False, False, None
    common = t.lower() in lex.words
    place = lex.places.get(t)
    start_ok = t in lex.known_orgs or (
        place is not None and place.klass in ("country", "continent", "region")
    )
    if t in lex.known_orgs:
        return _KNOWN_ORG, t, initial_tok, common, start_ok, None
    if place is not None:
        return _PLACE, t, initial_tok, common, start_ok, place
    if t in ORG_HEADS:
        code = _LONE_HEAD if _lone_head_ok([_Tok(0, len(t), t, False)], 0) else _HEAD
        return code, t, initial_tok, common, start_ok, None
    if t in lex.demonyms:
        return _DEMONYM, t, initial_tok, common, start_ok, None
    if t in STOP_ACRONYMS or t in TITLES or initial_tok or t in STOP_CAP or t in CALENDAR_WORDS:
        return _SKIP, t, initial_tok, common, start_ok, None
    if _ACRONYM_SHAPE.fullmatch(t) and not t.istitle():
        return _ACRO, t, initial_tok, common, start_ok, None
    if t.isupper() and len(t) > 1:
        up = lex.places.get(t.title())
        if up is not None and up.klass in ("country", "continent", "region", "admin"):
            return _UPPER_PLACE, t, initial_tok, common, start_ok, up
        return _SKIP, t, initial_tok, common, start_ok, None
    if common:
        f = fold(t)
        if f not in lex.first_names and f not in lex.surnames:
            # An ordinary word in capitals ("Meeting", "Urgent"): _single_context would
            # make it a person only after a role noun ("chief Meeting"), which is noise,
            # so the scan skips it outright from now on.
            return _SKIP, t, initial_tok, common, start_ok, None
    return _OTHER, t, initial_tok, common, start_ok, None


def _single_chunk(doc: _Doc, base: int, chunk: str) -> None:
    """The common case, one capitalised word: the rules of _chunk/_group/_segment/_single,
    with everything that does not depend on context looked up once per word."""
    memo = doc.memo
    info = memo.get(chunk)
    if info is None:
        info = _word_info(doc.lex, chunk)
        if len(memo) > 200_000:
            memo.clear()
            doc.skip.clear()
        memo[chunk] = info
        if info[0] == _SKIP:
            doc.skip.add(chunk)
    code, t, initial_tok, common, start_ok, place = info  # type: ignore[misc]
    if code == _SKIP:
        return
    lex = doc.lex
    end = base + len(t)
    initial = False
    if common:
        initial = _sentence_initial(doc._text, base)
        if initial and not start_ok:
            f = fold(t)
            if f in lex.first_names or f in lex.surnames:
                doc.pending.append((base, end, "", 0.6, None, False))
            return
    tok = _Tok(base, end, t, False, initial_tok)
    if code == _KNOWN_ORG:
        doc.out.append((base, end, "organization", 1.0, None))
        _acronym_def(doc, [tok], "organization")
    elif code == _PLACE:
        assert place is not None
        if _single_place_ok(doc, tok, place, initial):
            doc.out.append((base, end, "place", 0.9, place.canonical))
            _acronym_def(doc, [tok], "place")
        else:
            _single_context(doc, tok, initial, None)
    elif code == _LONE_HEAD:
        doc.out.append((base, end, "organization", 0.85, None))
    elif code == _HEAD:
        start = _ordinal_start(doc._text, base)
        if start < base:
            doc.out.append((start, end, "organization", 0.85, None))  # "3rd Battalion"
        elif not initial:
            _lone_head(doc, base, end, t)
    elif code == _DEMONYM:
        m = _DEMONYM_GROUP.match(doc.text, end)
        if m:
            doc.out.append((base, m.end(), "organization", 0.7, None))  # "Chinese embassy"
    elif code == _ACRO:
        _acronym(doc, tok, initial)
    elif code == _UPPER_PLACE:
        assert place is not None
        doc.out.append((base, end, "place", 0.7, place.canonical))
    else:
        _single_context(doc, tok, initial, None)


def _lone_head(doc: _Doc, start: int, end: int, word: str) -> None:
    """'the Coalition', 'Coalition partners': an institution word standing for one body.

    Capitalised in running text after "the", or before a group noun, it names an
    organisation; resolution joins it to the fuller name when the document has one."""
    text = doc.text
    if _ORG_GROUP.match(text, end) or (
        word in _INSTITUTIONS and text[max(0, start - 4) : start] in ("the ", "The ")
    ):
        nxt = text[end : end + 4]
        if not nxt.startswith((" of ", " for")):
            doc.out.append((start, end, "organization", 0.6, None))


def _is_common(lex: Lexicon, word: str) -> bool:
    """An ordinary English word when lower-cased ('Photographs', 'However')."""
    return word.lower() in lex.words


def _group(doc: _Doc, toks: list[_Tok], initial: bool) -> None:
    """Drop stop words and calendar words (they split names), then classify the pieces."""
    lex = doc.lex
    piece: list[_Tok] = []
    piece_initial = initial
    for idx, tok in enumerate(toks):
        if not tok.conn:
            t = tok.text
            drop = False
            bare = t[:-1] if t.endswith(".") else t
            if t in STOP_CAP or bare in CALENDAR_WORDS or (len(bare) > 1 and bare in STOP_CAP):
                # "The Hague", "New York": keep when the pair is a known name.
                drop = not (t in _PAIR_STARTS and _known_pair(doc, idx, toks))
            elif _noise_token(lex, t, toks):
                drop = True
            elif idx == 0 and initial and _is_common(lex, t) and not _name_start(doc, idx, toks):
                drop = True
                f = fold(t)
                if len(toks) == 1 and (f in lex.first_names or f in lex.surnames):
                    # "Tom will send...": a person if the text names a Tom in full.
                    doc.pending.append((tok.start, tok.end, "", 0.6, None, False))
            if drop:
                if piece:
                    _piece(doc, piece, piece_initial)
                piece, piece_initial = [], False
                if t in _PLACE_PREPS and idx + 1 < len(toks):
                    toks[idx + 1].place_cue = True  # "Near Ayn Isa, ..."
                continue
        piece.append(tok)
    if piece:
        _piece(doc, piece, piece_initial)


_PAIR_STARTS = frozenset({"The", "New"})


def _noise_token(lex: Lexicon, t: str, toks: list[_Tok]) -> bool:
    """A token that splits a capitalised run instead of joining a name.

    Numbers and codes ("F-2014-20439", "C05765918"), and in a run that is not all
    capitals, words in capitals that are ordinary words or never acronyms of an
    organisation ("ARRIVE State Department", "PM Eastern Standard Time")."""
    if t.isalpha():
        if not t.isupper() or len(t) < 2:
            return False  # the common case: "Department"
    elif sum(c.isdigit() for c in t) >= 3:
        return True
    if len(t) < 2 or not t.isupper() or _ROMAN.fullmatch(t) or t in _SUFFIXES:
        return False
    if all(x.conn or x.text.isupper() for x in toks):
        return False  # a heading in capitals: _multi looks at each word
    core = t.replace(".", "")
    return t in STOP_ACRONYMS or (core.isalpha() and len(core) >= 3 and core.lower() in lex.words)


def _known_pair(doc: _Doc, i: int, toks: list[_Tok]) -> bool:
    """'The Hague', 'The Evening Courier', 'New York': a stop word that is part of the name."""
    if i + 1 >= len(toks):
        return False
    word = toks[i].text
    if word == "The":
        j = i + 1
        while j < len(toks) and not toks[j].conn and toks[j].text not in STOP_CAP:
            j += 1
        if toks[j - 1].text in _NEWS_HEADS and j - 1 > i:
            return True
    key = f"{word} {toks[i + 1].text}"
    return key in doc.lex.places or key in doc.lex.known_orgs


def _name_start(doc: _Doc, i: int, toks: list[_Tok]) -> bool:
    """A sentence-initial common word that still starts a name ('Will Smith', 'Turkey')."""
    lex = doc.lex
    word = toks[i].text
    place = lex.places.get(word)
    if place is not None and place.klass in ("country", "continent", "region"):
        return True
    if word in lex.known_orgs:
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is not None and (_is_title(word) or word in TITLE_MODIFIERS):
        return True  # "Secretary of State John Kerry", "Prime Minister ..."
    if nxt is None or nxt.conn:
        return nxt is not None and nxt.text in ("of", "for") and word in ORG_OPENERS
    if fold(word) in lex.first_names and (
        not _is_common(lex, nxt.text)
        or fold(nxt.text) in lex.surnames
        or nxt.text in doc.person_parts
    ):
        return True
    if word in _ORG_PREFIX_OPENERS:
        return True
    if word in COMPASS and nxt.text in lex.places:
        return True
    # "Foreign Office", "Central Command": an ordinary word opening an organisation.
    j = i + 1
    while j < len(toks) and not toks[j].conn:
        j += 1
    return toks[j - 1].text in ORG_HEADS


# ------------------------------------------------------------------ classification


def _emit(doc: _Doc, toks: list[_Tok], kind: str, score: float, value: str | None = None) -> None:
    """Record a mention spanning `toks` (connectors at the edges already removed)."""
    start = toks[0].start
    if kind == "organization":
        start = _ordinal_start(doc._text, start)
    doc.out.append((start, toks[-1].end, kind, score, value))


def _ordinal_start(text: str, start: int) -> int:
    """'158th Fighter Wing', '3rd Battalion': a unit number belongs to the name.

    Only the characters just before `start` are read; _chunk's memo key records
    whether they look like an ordinal."""
    if start >= 4 and text[start - 3 : start - 1] in _ORD_SUFFIX and text[start - 1] == " ":
        m = _ORDINAL.search(text, max(0, start - 10), start)
        if m is not None:
            return m.start()
    return start


def _trim(toks: list[_Tok]) -> list[_Tok]:
    """Drop connectors at both ends."""
    i, j = 0, len(toks)
    while i < j and toks[i].conn:
        i += 1
    while j > i and toks[j - 1].conn:
        j -= 1
    return toks[i:j]


def _key(toks: list[_Tok]) -> str:
    """The lookup key of a token run: its words joined by single spaces."""
    return " ".join([t.text for t in toks])


def _piece(doc: _Doc, toks: list[_Tok], initial: bool) -> None:
    """Classify one clean run: titles first, then segmentation."""
    toks = _trim(toks)
    if not toks:
        return
    lex = doc.lex
    n = len(toks)
    for k in range(n):
        tk = toks[k]
        if tk.conn or not (tk.flags & _TITLE if tk.flags >= 0 else _is_title(tk.text)):
            continue
        e = k + 1
        while (
            e < n
            and not toks[e].conn
            and (_is_title(toks[e].text) or toks[e].text in TITLE_MODIFIERS)
        ):
            e += 1
        if e < n and toks[e].conn and toks[e].text in ("of", "for", "on"):
            f = e + 1
            while f < n and (
                toks[f].conn
                or (
                    fold(toks[f].text) not in lex.first_names
                    and not toks[f].initial
                    and (
                        _is_common(lex, toks[f].text)
                        or toks[f].text in lex.places
                        or toks[f].text in ORG_HEADS
                        or toks[f].text in lex.demonyms
                        or _is_title(toks[f].text)
                    )
                )
            ):
                f += 1
            e = f
        rest = _trim(toks[e:])
        if not rest and all(
            t.conn or t.text in TITLE_MODIFIERS or _is_title(t.text) for t in toks[:k]
        ):
            return  # only a title: "Minister for Security", "Chief of Staff"
        tail: list[_Tok] = []
        for c, t in enumerate(rest):
            if (t.conn and t.text not in NAME_PARTICLES) or (c > 0 and _is_title(t.text)):
                rest, tail = _trim(rest[:c]), rest[c:]
                break
        if not rest or not _name_like(lex, rest):
            continue
        start = k
        while start > 0 and not toks[start - 1].conn and toks[start - 1].text in TITLE_MODIFIERS:
            start -= 1
        prefix = _trim(toks[:start])
        if prefix:
            _segment(doc, prefix, initial, False, sub=True)
        _person(doc, rest, 0.9)
        if tail:
            _piece(doc, tail, False)
        return
    _segment(doc, toks, initial, None)


def _person_cue(doc: _Doc, pos: int) -> bool:
    """Is the word before `pos` a lowercase role noun ('chief', 'minister', 'lawyer')?"""
    doc.edge = True  # at a chunk start, part of the second memo key
    prev = _prev_word(doc._text, pos)
    return prev is not None and prev[0].islower() and prev in LOWER_PERSON_CUES


_TITLE_FORMS = TITLES | frozenset(t + "." for t in TITLES)


def _is_title(word: str) -> bool:
    """An honorific or office ('Mr', 'Dr.', 'Colonel', 'Minister', 'SECRETARY')."""
    return word in _TITLE_FORMS or (word.isupper() and word.title() in _TITLE_FORMS)


def _name_like(lex: Lexicon, toks: list[_Tok]) -> bool:
    """Could these tokens, after a title, be a person's name?"""
    words = [t for t in toks if not t.conn]
    if not words or len(words) > 5:
        return False
    first = words[0].text
    if first in lex.demonyms or (first in STOP_ACRONYMS and len(first) > 1):
        return False
    if len(words) == 1 and len(first) > 2 and _ACRONYM_SHAPE.fullmatch(first):
        f = fold(first.title())
        if not (f in lex.surnames or f in lex.first_names):
            return False  # "Commander of CJTF-OIR": an office of an organisation
    all_caps = all(t.text.isupper() for t in words)
    for t in words:
        w = t.text
        if w in ORG_HEADS and not (len(words) > 1 and fold(w) in lex.surnames):
            return False
        if not all_caps and len(w) > 1 and w.isupper() and "." not in w and w not in _SUFFIXES:
            return False  # "Advisor for MEK Resettlement"
        if any(c.isdigit() for c in w):
            return False
    names = [t for t in words if t.text not in _SUFFIXES]
    last = names[-1].text if names else ""
    if len(names) > 1 and _is_common(lex, last) and fold(last) not in lex.surnames:
        return False
    place = lex.places.get(first)
    if len(words) == 1 and place is not None and place.klass in ("country", "continent"):
        return False
    if (
        _is_common(lex, first)
        and fold(first) not in lex.surnames
        and fold(first) not in lex.first_names
    ):
        return len(first) == 1 or (len(first) == 2 and first.endswith("."))
    return True


def _person(doc: _Doc, toks: list[_Tok], score: float) -> None:
    """Emit a person and remember its parts, so that 'Durand said' resolves later."""
    while (
        len(toks) > 1
        and not toks[0].conn
        and (toks[0].text in TITLE_MODIFIERS or _is_title(toks[0].text))
    ):
        toks = toks[1:]  # "Class Charles H. Keating IV" (after "Operator 1st")
    words = [t for t in toks if not t.conn]
    m = None
    end = toks[-1].end
    if len(words) == 1 and not _QUOTE_CHARS.isdisjoint(doc._text[end : end + 2]):
        doc.ctx = True  # 'Richard "Tex" Coe': what follows the chunk decides
        m = _NICKNAME.match(doc._text, end)
    if m is not None:
        doc.out.append((toks[0].start, m.end(), "person", score, None))
        doc.add_part(m.group(1))
        return
    _emit(doc, toks, "person", score)
    if len(words) > 1:
        lex = doc.lex
        for t in words:
            w = t.text
            place = lex.places.get(w)
            if len(w) <= 2 or t.initial or w in _SUFFIXES or w in lex.known_orgs:
                continue
            if place is not None and (place.klass != "city" or place.population >= 1_000_000):
                continue
            doc.add_part(w)
            m = _PARTICLE_HEAD.match(w)
            if m:
                doc.add_part(w[m.end() :])


_WORD_PUNCT = "\"'“”‘’()[],;:.!?-—–"


def _prev_word(text: str, pos: int) -> str | None:
    """The word just before `pos` on the same line, punctuation aside, if any."""
    seg = text[max(0, pos - 32) : pos]
    i = seg.rfind("\n")
    if i != -1:
        seg = seg[i + 1 :]
    parts = seg.split()
    if not parts:
        return None
    w = parts[-1].strip(_WORD_PUNCT)
    return w if w.isalpha() else None


def _next_word(text: str, pos: int) -> str | None:
    """The lowercase word just after `pos`, if any."""
    m = _NEXT_WORD.match(text, pos, pos + 40)
    return m.group(1) if m else None


def _segment(
    doc: _Doc, toks: list[_Tok], initial: bool, person_cue: bool | None, sub: bool = False
) -> None:
    """Classify a run with no title: lookups, organisation heads, splits, names."""
    toks = _trim(toks)
    if not toks:
        return
    lex = doc.lex
    key = _key(toks)
    words = [t for t in toks if not t.conn]
    n = len(words)
    if words[0].text in _EVENT_OPENERS and n > 1 and not _first_name(lex, words[0].text):
        return  # "Operation Inherent Resolve", "Resolution 2328"; not "Bill Clinton"
    if key in lex.known_orgs:
        _emit(doc, toks, "organization", 1.0)
        _acronym_def(doc, toks, "organization")
        return
    place = lex.places.get(key)
    if place is not None and (
        n > 1 or (not person_cue and _single_place_ok(doc, toks[0], place, initial))
    ):
        _emit(doc, toks, "place", 1.0 if n > 1 else 0.9, place.canonical)
        _acronym_def(doc, toks, "place")
        return
    if (
        n > 1
        and words[-1].text in _PLACE_HEADS_STRONG
        and not toks[-1].conn
        and words[0].text not in lex.demonyms
        and words[0].text not in _EVENT_OPENERS
    ):
        _emit(doc, toks, "place", 0.8)  # "Andrews Air Force Base", "Tabqa Dam"
        return
    # Organisation: "Ministry of the Armed Forces", "Syrian Democratic Forces".
    org = _org_span(lex, toks)
    if org is not None:
        i, j = org
        if i > 0:
            _segment(doc, toks[:i], initial, person_cue, sub=True)
        if j == len(toks) - 1:
            country = lex.places.get(toks[j].text)
            if country is not None and country.klass == "country":
                j += 1  # "Money Laundering Reporting Office Switzerland"
        org_toks = toks[i:j]
        end = org_toks[-1].end
        if org_toks[0].text in _MISSION_HEADS and j == len(toks):
            m = _IN_PLACE.match(doc.text, end)  # (a context read: not memoised)
            if m and m.group(1) in lex.places:
                end = m.end()  # "Embassy of China in Paris"
        doc.out.append(
            (_ordinal_start(doc._text, org_toks[0].start), end, "organization", 0.85, None)
        )
        _acronym_def(doc, org_toks, "organization")
        if j < len(toks):
            _segment(doc, toks[j:], False, False, sub=True)
        return
    # Split at connectors that cannot be inside a person or place name ("and" first).
    for idx, t in enumerate(toks):
        if t.conn and t.text in ("and", "&"):
            _segment(doc, toks[:idx], initial, person_cue, sub=True)
            _segment(doc, toks[idx + 1 :], False, False, sub=True)
            return
    for idx, t in enumerate(toks):
        if t.conn and t.text not in NAME_PARTICLES:
            if t.text in ("of", "for", "on") and words[0].text in _PLACE_OF:
                _emit(doc, toks, "place", 0.8)
                return
            _segment(doc, toks[:idx], initial, person_cue, sub=True)
            _segment(doc, toks[idx + 1 :], False, False, sub=True)
            return
    if n == 1:
        if words[0].text in ORG_HEADS:
            start = _ordinal_start(doc._text, toks[0].start)
            if start < toks[0].start:
                doc.out.append((start, toks[0].end, "organization", 0.85, None))
            elif not initial:
                _lone_head(doc, toks[0].start, toks[0].end, words[0].text)
            return
        _single(doc, toks[0], initial, person_cue)
        return
    _multi(doc, toks, words, initial, person_cue)


def _org_span(lex: Lexicon, toks: list[_Tok]) -> tuple[int, int] | None:
    """Indices of the organisation inside `toks`, when an organisation word shows one."""
    if not any(t.flags & _ORGISH for t in toks):
        return None  # no organisation word at all (flags of -1 mean "not computed")
    n = len(toks)
    first = toks[0].text
    if (
        n > 1
        and not toks[1].conn
        and (first in _ORG_PREFIX_OPENERS or first in _ARTICLE_NAMES)
        and (first not in _ARTICLE_NAMES or toks[1].text not in lex.places)
    ):
        return 0, n  # "Radio Lutèce", "Bank Lindenhof", "Le Quotidien de Paris"
    # "Ministry of ...", "University of ...", "Bank for ...": opener + of/for up to the end.
    for i, t in enumerate(toks[:-1]):
        if t.conn:
            continue
        head = t.text.split("-")[0] if "-" in t.text else t.text
        if (
            (t.text in ORG_OPENERS or head in ORG_OPENERS)
            and toks[i + 1].conn
            and toks[i + 1].text
            in (
                "of",
                "for",
                "on",
            )
        ):
            if not any(not x.conn for x in toks[i + 2 :]):
                break
            end = _conj_end(lex, toks, i + 2)
            start = i
            while start > 0 and (
                (not toks[start - 1].conn and _modifier_ok(lex, toks[start - 1].text))
                or (toks[start - 1].conn and toks[start - 1].text in ("and", "&") and start > 1)
            ):
                start -= 1
            while toks[start].conn:
                start += 1
            return start, end
    # "... Forces", "... Ltd": a head word ends the name (the last head in the run).
    for j in range(n - 1, -1, -1):
        t = toks[j]
        if t.conn:
            continue
        w = t.text
        if (
            w in ORG_HEADS
            or (w.endswith(".") and w[:-1] in ORG_HEADS)
            or ("-" in w and w.rsplit("-", 1)[-1] in ORG_HEADS)
        ):
            start = j
            while start > 0 and (
                (not toks[start - 1].conn and _modifier_ok(lex, toks[start - 1].text))
                or (toks[start - 1].conn and toks[start - 1].text in ("&", "of", "for"))
                or (
                    toks[start - 1].text == "and"
                    and start > 1
                    and toks[start - 2].text not in lex.places
                    and toks[start - 2].text not in lex.known_orgs
                )
            ):
                start -= 1
            while start < j and toks[start].conn:
                start += 1
            if start == 1 and toks[0].text == "The":
                start = 0  # "The Evening Courier" (kept by _group only before a news word)
            if start == j and j > 0 and not toks[j - 1].conn:
                # "John Church": a known first name and a surname-like head is a person.
                pass
            if start == j and not _lone_head_ok(toks, j):
                return None
            first = toks[start].text
            if j == start + 1 and fold(first) in lex.first_names and fold(w) in lex.surnames:
                return None
            return start, j + 1
    return None


def _conj_end(lex: Lexicon, toks: list[_Tok], i: int) -> int:
    """Where an 'Opener of ...' name ends: at an 'and' that starts another name.

    "Government of Iraq and the Iraqi people" is two things; "Department of Justice
    and Police" and "Islamic State of Iraq and the Levant" are one."""
    n = len(toks)
    for k in range(i, n - 1):
        t = toks[k]
        if not (t.conn and t.text in ("and", "&")):
            continue
        j = k + 1
        if toks[j].text == "the" and j + 1 < n:
            j += 1
        w = toks[j].text
        if w in lex.demonyms or w in lex.known_orgs or _first_name(lex, w):
            return k
    return n


def _lone_head_ok(toks: list[_Tok], j: int) -> bool:
    """A head word alone is an organisation only when it is not a bare common noun."""
    w = toks[j].text
    return w in ("Ltd", "Inc", "GmbH", "PLC", "LLC") or (len(w) > 1 and w.isupper())


def _modifier_ok(lex: Lexicon, word: str) -> bool:
    """Capitalised words that can stand inside an organisation name before its head."""
    return not (word in STOP_CAP or word in CALENDAR_WORDS)


def _acronym_def(doc: _Doc, toks: list[_Tok], kind: str) -> None:
    """'Directorate-General for External Security (DGSE)': remember DGSE's kind."""
    # Not a context read for the memo: _chunk keys on whether a bracket follows the chunk.
    end = toks[-1].end
    after = doc._text[end : end + 3]
    if "(" not in after and "[" not in after:
        return
    doc.ctx = True  # near a bracket: never memoised, a definition must be registered each time
    m = _ACRO_DEF.match(doc._text, end)
    if m is None:
        return
    acro = m.group(1)
    if kind == "organization" or (kind == "place" and _initials_match(acro, toks)):
        doc.acronyms[acro] = (kind, m.start(1))


def _initials_match(acro: str, words: list[_Tok]) -> bool:
    """Do the capitals of `acro` follow the initials of the words (loosely)?"""
    letters = [c for c in acro if c.isupper()]
    initials = []
    for w in words:
        for part in re.split(r"[-‐]", w.text):
            if part and part[0].isupper():
                initials.append(part[0])
    if len(letters) < 2 or not initials:
        return False
    it = iter(initials)
    return all(any(c == x for x in it) for c in letters) and letters[0] == initials[0]


def _single_place_ok(doc: _Doc, tok: _Tok, place: Place, initial: bool) -> bool:
    """A one-word gazetteer hit: is it really a place here, or a name ('Jackson said')?"""
    lex = doc.lex
    w = tok.text
    if place.klass in ("country", "continent", "region"):
        return True
    f = fold(w)
    personish = f in lex.surnames or f in lex.first_names
    place_cue = _place_cue(doc, tok)
    if personish:
        if place_cue:
            return True
        if w in doc.person_parts:
            return False  # "Kennedy called" after "From: Kennedy, Patrick F"
        nxt = _next_word(doc._text, tok.end)
        if nxt in SAY_VERBS:
            return False
        big = place.population >= 500_000 or place.klass == "admin"
        if not big:
            # A small town named like a person ("Clinton", "Sherman") and nothing saying
            # "place": a person if the text names one so, otherwise nothing.
            doc.pending.append((tok.start, tok.end, "", 0.6, None, True))
            return False
        return True
    if place.klass == "city" and place.population < 50_000 and not place_cue:
        return _COMMA_PLACE.match(doc._text, tok.end) is not None
    return True


_PLACE_NOUN_OF = re.compile(
    r"(?:town|city|village|province|district|region|area|outskirts|vicinity|suburbs|port"
    r"|governorate|liberation|siege|heart|centre|center)[ \t]+of[ \t]+$"
)


def _place_cue(doc: _Doc, tok: _Tok) -> bool:
    """'in X', 'near X', 'the town of X', a dropped 'Near' before X: X is a place here."""
    if tok.place_cue:
        return True
    doc.edge = True
    return _place_cue_word(doc, tok, _prev_word(doc._text, tok.start))


def _place_cue_word(doc: _Doc, tok: _Tok, cue: str | None) -> bool:
    """_place_cue, given the word before X. A capitalised cue ("From:" in a mail header)
    is a label, not a preposition."""
    if tok.place_cue:
        return True
    if cue is None:
        return False
    if cue == "of":
        doc.ctx = True  # reads further back than the memo key records
        return _PLACE_NOUN_OF.search(doc._text, max(0, tok.start - 24), tok.start) is not None
    return cue[0].islower() and cue in PLACE_CUES


def _single(doc: _Doc, tok: _Tok, initial: bool, person_cue: bool | None) -> None:
    """One word: acronym, known name, seen surname, or a name by context."""
    lex = doc.lex
    w = tok.text
    if w in lex.demonyms:
        m = _DEMONYM_GROUP.match(doc.text, tok.end)
        if m:
            doc.out.append((tok.start, m.end(), "organization", 0.7, None))  # "Chinese embassy"
        return
    if w in STOP_ACRONYMS or w in TITLES or tok.initial:
        return
    if w in STOP_CAP or w in CALENDAR_WORDS or w in ORG_HEADS:
        return
    if _ACRONYM_SHAPE.fullmatch(w) and not w.istitle():
        _acronym(doc, tok, initial)
        return
    if w.isupper() and len(w) > 1:
        # An ordinary word or name in capitals: only a known place counts.
        place = lex.places.get(w.title())
        if place is not None and place.klass in ("country", "continent", "region", "admin"):
            _emit(doc, [tok], "place", 0.7, place.canonical)
        return
    _single_context(doc, tok, initial, person_cue)


def _single_context(doc: _Doc, tok: _Tok, initial: bool, person_cue: bool | None) -> None:
    """An unknown word: a person or place by its context, or held for the second look."""
    lex = doc.lex
    w = tok.text
    doc.edge = True
    prev = _prev_word(doc._text, tok.start)
    if person_cue is None:
        person_cue = prev is not None and prev[0].islower() and prev in LOWER_PERSON_CUES
    if person_cue:
        _emit(doc, [tok], "person", 0.7)
        return
    f = fold(w)
    common = _is_common(lex, w)
    known = f in lex.surnames or f in lex.first_names
    if prev in SAY_VERBS and not initial and (known or not common):
        _emit(doc, [tok], "person", 0.7)  # '..." said Burns.'
        return
    if common:
        if not initial and w[0].isupper() and f in lex.surnames:
            doc.pending.append((tok.start, tok.end, "", 0.6, None, False))
        return
    if known and _next_word(doc._text, tok.end) in SAY_VERBS:
        _emit(doc, [tok], "person", 0.7)
        return
    if (_place_cue_word(doc, tok, prev) and f not in lex.surnames) or _comma_place(doc, tok.end):
        doc.pending.append((tok.start, tok.end, "place", 0.5, None, False))
        return
    if f in lex.surnames and not initial:
        doc.pending.append((tok.start, tok.end, "person", 0.5, None, False))  # "Assad"
        return
    # Unknown: a person if the same text names them in full, else nothing.
    doc.pending.append((tok.start, tok.end, "", 0.6, None, False))


def _acronym(doc: _Doc, tok: _Tok, initial: bool) -> None:
    """An upper-case token: a country code ('UK'), an organisation ('DGSE') or noise."""
    lex = doc.lex
    w = tok.text
    if _ROMAN.fullmatch(w):
        return
    core = w.replace(".", "")
    if len(core) < 2:
        return
    if w in STOP_ACRONYMS or core in STOP_ACRONYMS:
        return
    if core.isalpha() and len(core) >= 4 and core.lower() in lex.words:
        return  # CONFIDENTIAL, SUBJECT, NOTE
    if core.isalpha() and len(core) >= 5:
        title = core.title()
        place = lex.places.get(title)
        if place is not None:
            line_start = doc.text[doc.text.rfind("\n", 0, tok.start) + 1 : tok.start].strip() == ""
            if place.klass != "city" or (line_start and place.population >= 100_000):
                doc.out.append(
                    (tok.start, tok.end, "place", 0.7, place.canonical)
                )  # "PARIS, 10 July"
            return
        f = fold(title)
        if f in lex.surnames or f in lex.first_names:
            doc.pending.append((tok.start, tok.end, "", 0.6, None, False))  # "ROUSSEL (live):"
            return
        low = core.lower()
        if len(core) > 8 or any(
            low.endswith(x) and low[: -len(x)] in lex.words for x in ("s", "es", "ed", "ing", "ly")
        ):
            return
    if _line_is_upper(doc.text, tok.start):
        return
    _emit(doc, [tok], "organization", 0.7)


def _line_is_upper(text: str, pos: int) -> bool:
    """Is this token in a heading written in capitals (several words, no lowercase word)?"""
    lo = max(0, pos - 200)
    a = text.rfind("\n", lo, pos) + 1 or lo
    b = text.find("\n", pos, pos + 200)
    line = text[a : b if b != -1 else min(len(text), pos + 200)]
    return line.count(" ") >= 1 and _LOWER_WORD.search(line) is None


def _multi(
    doc: _Doc, toks: list[_Tok], words: list[_Tok], initial: bool, person_cue: bool | None
) -> None:
    """Several words with no organisation word: place, person, or split."""
    lex = doc.lex
    first, last = words[0].text, words[-1].text
    if first in _SHIP_PREFIXES:
        return  # "USS Mahan", "FS Forbin": vessels are not among the kinds
    if all(t.text.isupper() and len(t.text) > 1 for t in words):
        for t in words:  # a heading in capitals: each word on its own merits
            if t.text.lower() not in lex.words:  # "SUBJECT TO AGREEMENT ON ..."
                _single(doc, t, False, False)
        return
    # Leading demonyms are context ("Kurdish YPG", "French Pierre Dupont").
    if first in lex.demonyms:
        i = toks.index(words[1])
        _segment(doc, toks[i:], False, person_cue, sub=True)
        return
    # "Anbar Province", "Euphrates River", "Camp Hurriya", "Northern Iraq", "East Mosul".
    if last in _PLACE_HEADS_STRONG or (last in PLACE_SUFFIXES and _key(toks[:-1]) in lex.places):
        _emit(doc, toks, "place", 0.8)
        return
    if first in PLACE_PREFIXES or (first in COMPASS and _key(toks[1:]) in lex.places):
        _emit(doc, toks, "place", 0.8)
        return
    if first in _TOPONYM_HEADS and not _first_name(lex, words[1].text):
        _emit(doc, toks, "place", 0.7)  # "Ayn Isa", "Tal Afar", "Dayr Az Zawr"
        return
    if any(not t.text.isalpha() and _DIGIT.search(t.text) for t in words):
        return  # "KC-135R Stratotanker": a model or a designation, not a name
    firstname = _first_name(lex, first)
    has_initial = any(t.initial or (len(t.text) <= 2 and _INITIAL.fullmatch(t.text)) for t in words)
    if not (firstname or has_initial) and person_cue is None:
        # Ordinary words only ("Original Message") are no name, whatever precedes them.
        all_common = all(_is_common(lex, t.text) for t in words)
        person_cue = False if all_common else _person_cue(doc, toks[0].start)
    if person_cue or firstname or has_initial:
        _person(doc, toks, 0.85 if firstname else 0.7)
        return
    # Two known names side by side ("Raqqa Syria"): split at the longest known prefix.
    for cut in range(len(toks) - 1, 0, -1):
        head = _trim(toks[:cut])
        if head and _key(head) in lex.places:
            _segment(doc, head, initial, False, sub=True)
            _segment(doc, toks[cut:], False, False, sub=True)
            return
    if any(
        len(t.text) > 1 and t.text.isupper() and "." not in t.text and t.text not in _SUFFIXES
        for t in words
    ):
        _emit(doc, toks, "organization", 0.6)  # "NAVCENT CTFs"
        return
    common = [t for t in words if _is_common(lex, t.text)]
    if not common:
        if _place_context(doc, toks):
            _emit(doc, toks, "place", 0.5)
        else:
            _person(doc, toks, 0.6)
        return
    # Mixed ordinary words ("Inherent Resolve", "Cold War"): no confident kind.
    if len(common) < len(words) and not initial:
        rest = [t for t in words if not _is_common(lex, t.text)]
        if all(t.text in lex.places for t in rest):
            for t in rest:
                _segment(doc, [t], False, False, sub=True)


def _comma_place(doc: _Doc, end: int) -> bool:
    """Is `end` followed by ', <country or state>' ('Cibolo, Texas')?"""
    m = _COMMA_PLACE.match(doc._text, end)
    if m is None:
        return False
    place = doc.lex.places.get(m.group(1))
    return place is not None and place.klass in ("country", "admin")


def _place_context(doc: _Doc, toks: list[_Tok]) -> bool:
    """'in X', 'Near X', 'X, Texas': context that makes an unknown name a place."""
    return _place_cue(doc, toks[0]) or _comma_place(doc, toks[-1].end)


def _first_name(lex: Lexicon, word: str) -> bool:
    """A given name, also the first part of a hyphenated one ('Pierre-Mar')."""
    f = fold(word)
    if f in _NOT_GIVEN:
        return False
    if f in lex.first_names:
        return True
    if "-" in f:
        return f.split("-")[0] in lex.first_names
    return False


def _resolve_pending(doc: _Doc) -> None:
    """Single words held back during the scan: persons if seen in a full name."""
    parts = doc._parts
    text = doc._text
    acronyms = doc.acronyms
    if acronyms:
        # A defined acronym takes the kind of its definition from there on.
        for i, (s, e, kind, _score, _value) in enumerate(doc.out):
            a = acronyms.get(text[s:e])
            if a is not None and s >= a[1] and a[0] != kind:
                doc.out[i] = (s, e, a[0], 0.9, None)
    for s, e, kind, score, value, _ambiguous in doc.pending:
        w = text[s:e]
        a = acronyms.get(w)
        if a is not None and s >= a[1]:
            doc.out.append((s, e, a[0], 0.9, None))
        elif w in parts or (w.isupper() and w.title() in parts):
            doc.out.append((s, e, "person", 0.8, None))
        elif kind:
            doc.out.append((s, e, kind, score, value))


_HEADER_LABELS = ("From:", "To:", "Cc:", "CC:", "Bcc:", "BCC:")
_INVERTED_NAME = re.compile(
    r"(?<![\w@.])([A-Z][\w'’-]+(?:[ \t][A-Z][\w'’-]+)?),[ \t]+([A-Z][\w'’-]+)"
    r"((?:[ \t]+[A-Z]\.?)?)(?=[ \t]*(?:[<;\[(\"'’]|$))",
    re.MULTILINE,
)


def _header_names(doc: _Doc) -> None:
    """'From: Mills, Cheryl D <MillsCD@state.gov>', 'To: Sullivan, Jacob J; Abedin, Huma':
    in a mail header a name is often written surname first; the whole "Mills, Cheryl D"
    is the person (resolution reads it as Cheryl D Mills), not "Mills" and "Cheryl D"."""
    text = doc._text
    for label in _HEADER_LABELS:  # str.find per label: far faster than one regex
        i = text.find(label)
        while i != -1:
            end = text.find("\n", i)
            end = len(text) if end == -1 else end
            if "," in text[i:end] and not text[text.rfind("\n", 0, i) + 1 : i].strip(" \t>"):
                _header_line(doc, i + len(label), end)
            i = text.find(label, end)


def _header_line(doc: _Doc, start: int, end: int) -> None:
    """The surname-first names of one header line, when one of them is surely a name."""
    text = doc._text
    lex = doc.lex
    names, sure = [], False
    for m in _INVERTED_NAME.finditer(text, start, end):
        surname, given = m.group(1), m.group(2)
        place = lex.places.get(given)
        if place is not None and place.klass in ("country", "admin", "continent"):
            continue  # "Paris, France"
        names.append((m.start(), m.end(), "person", 0.8, None))
        sure = sure or bool(
            fold(given) in lex.first_names or m.group(3) or fold(surname) in lex.surnames
        )
    if not sure:  # one known name vouches for the list's format ("Abedin, Huma")
        return
    doc.out.extend(names)
    for s, e, _, _, _ in names:  # "Huma" alone later in the text is this person
        for w in re.split(r"[,\s]+", text[s:e]):
            if len(w) > 2:
                doc.add_part(w)


_LOWER_DEF = re.compile(r"[ \t]*\([ \t]*([a-z][a-z0-9]{2,9})[ \t]*\)")


def _lowercase_short_forms(doc: _Doc) -> None:
    """'Federal Office of Police (fedpol)': a short form in lowercase, defined in brackets
    after an organisation, is found wherever the text uses it ("Inspector Aebi, fedpol").

    Only when its letters come in order from the name and it is no ordinary word."""
    text = doc._text
    found: list[_Found] = []
    for s, e, kind, _score, _value in doc.out:
        if kind != "organization":
            continue
        m = _LOWER_DEF.match(text, e)
        if m is None:
            continue
        short = m.group(1)
        if short in doc.lex.words or not _letters_in_order(short, text[s:e].lower()):
            continue
        for w in re.finditer(rf"(?<![\w@.-]){short}(?![\w@-])", text):
            found.append((w.start(), w.end(), "organization", 0.8, None))
    doc.out.extend(found)


def _letters_in_order(short: str, name: str) -> bool:
    """'fedpol' in 'federal office of police': same first letter, the rest in order."""
    if not name.startswith(short[0]):
        return False
    it = iter(name)
    return all(c in it for c in short)


def _extend_groups(doc: _Doc) -> None:
    """'ISIL fighters', 'counter-ISIL coalition', 'Asad regime': a name and its group noun;
    'northern Iraq': a place and the compass word that makes it a region.

    The group is an organisation in its own right, so the span takes the group noun
    and the name alone is no longer a separate mention; likewise the region."""
    text = doc._text
    out = doc.out
    n = len(text)
    for i, (s, e, kind, score, _value) in enumerate(out):
        # Cheap tests first: a lowercase word after, "of " or "-ern "/"-ral " before.
        low_after = e + 1 < n and ((text[e] in " \t" and text[e + 1].islower()) or text[e] in "'’")
        if kind == "place":
            if low_after:
                m = _DEMONYM_GROUP.match(text, e)  # "U.S. forces", "Kurdistan regional govt"
                if m is not None:
                    out[i] = (s, m.end(), "organization", 0.7, None)
                    continue
            before = text[max(0, s - 4) : s]
            if before.endswith("of "):
                c = _INSTITUTION_OF.search(text, max(0, s - 24), s)
                if c is not None:
                    out[i] = (c.start(), e, "organization", 0.7, None)
                    continue
            if before[:3] in ("ern", "ral"):
                c = _COMPASS_BEFORE.search(text, max(0, s - 16), s)
                if c is not None and (c.start() == 0 or not text[c.start() - 1].isalnum()):
                    out[i] = (c.start(), e, "place", score, None)
            continue
        if not low_after:
            continue
        if kind == "organization":
            m = _ORG_GROUP.match(text, e)
        elif kind == "person" and " " not in text[s:e]:
            m = _LEADER_GROUP.match(text, e)
        else:
            continue
        if m is None:
            continue
        before = text[max(0, s - 8) : s]
        if before.endswith(_COUNTER):  # "counter-ISIL coalition", "anti-ISIL forces"
            s -= 8 if before.lower() == "counter-" else 5
        out[i] = (s, m.end(), "organization", min(score, 0.7), None)


_new = object.__new__
_SETTERS = tuple(
    Mention.__dict__[f].__set__
    for f in ("start", "end", "text", "kind", "score", "value", "extractor")
)


def _mention(
    s: int, e: int, text: str, kind: str, score: float, value: str | None, ex: str
) -> Mention:
    """Mention(...) without the frozen dataclass __init__ (a third faster; same object)."""
    m = _new(Mention)
    set_s, set_e, set_t, set_k, set_sc, set_v, set_x = _SETTERS
    set_s(m, s)
    set_e(m, e)
    set_t(m, text)
    set_k(m, kind)
    set_sc(m, score)
    set_v(m, value)
    set_x(m, ex)
    return m


def _merge(text: str, taken: list[_Found], names: list[_Found], extractor: str) -> list[Mention]:
    """Dates and money first, then names; at equal start the longer, then likelier, wins."""
    taken.sort()
    names.sort()
    flat_taken: list[_Found] = []
    for item in taken:
        if not flat_taken or item[0] >= flat_taken[-1][1]:
            flat_taken.append(item)
    flat_names: list[_Found] = []
    for item in names:
        if item[0] >= item[1]:
            continue
        if flat_names and item[0] < flat_names[-1][1]:
            last = flat_names[-1]
            # Same start: the longer span, then the higher score, replaces the last one.
            if (
                item[0] == last[0]
                and (item[1], item[3]) > (last[1], last[3])
                and (len(flat_names) < 2 or flat_names[-2][1] <= item[0])
            ):
                flat_names[-1] = item
            continue
        flat_names.append(item)
    out: list[Mention] = []
    i = 0
    n_taken = len(flat_taken)
    for item in flat_names:
        s, e = item[0], item[1]
        while i < n_taken and flat_taken[i][0] < e:
            t = flat_taken[i]
            if t[1] <= s:
                out.append(_mention(t[0], t[1], text[t[0] : t[1]], t[2], t[3], t[4], extractor))
                i += 1
                continue
            break
        if i < n_taken and flat_taken[i][0] < e:
            continue  # overlaps a date or an amount
        out.append(_mention(s, e, text[s:e], item[2], item[3], item[4], extractor))
    for t in flat_taken[i:]:
        out.append(_mention(t[0], t[1], text[t[0] : t[1]], t[2], t[3], t[4], extractor))
    return out


if __name__ == "__main__":  # pragma: no cover - manual check
    for m in default_extractor().extract(sys.stdin.read()):
        print(m.start, m.end, m.kind, repr(m.text), m.value)
