"""French institution names, which keep lowercase words inside the name.

"Tribunal correctionnel de Paris", "Institut national des langues et
civilisations orientales", "Département fédéral de justice et police": the
capitalised-chunk scanner stops at the first lowercase word, so these get
their own pattern: a French institution word, then French particles and
lowercase words, kept only while the words look French (accents, French
endings, or right after a French particle). "Département du Rhône" and the
like are places; the rest are organisations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_OPENERS = (
    "Tribunal|Cour|Conseil|Institut|Ministère|Département|Direction|Préfecture|Assemblée"
    "|Banque|Caisse|Agence|Autorité|Haute|Haut|Parquet|Centre|École|Université|Société"
    "|Compagnie|Groupe|Gendarmerie|Commission|Comité|Chambre|Fédération|Syndicat|Mutuelle"
    "|Régie|Établissement|Musée|Bibliothèque|Observatoire|Secrétariat|Délégation|Inspection"
    "|Sous-direction|Office|Service|Brigade|Police|Union|Bureau|Archives"
)
_PARTICLES = frozenset("de du des d' d’ la le les l' l’ et pour sur en à aux au".split())
_CAND = re.compile(
    rf"(?=[A-ZÉ])\b(?:{_OPENERS})(?:[ \t]+(?:[dl][’'][\w-]+|[\w’'-]+)){{1,9}}",
)
_WORD = re.compile(r"[dlDL][’']|[\w-]+")
_FRENCH_END = re.compile(
    r"(?:el|elle|els|elles|ale|ales|aux|ique|iques|ien|ienne|iens|iennes|ais|aise|aises|eur|euse"
    r"|eurs|if|ive|ifs|ives|é|ée|és|ées|ère|ères|ier|ière|ois|oise|aire|aires|al)$"
)
_ENGLISH_STOP = frozenset(
    """the of and a an in on at to for from by with was were is are be been has have had that
    this which who said says will would can could may might must not but or as its it he she
    they we you his her their our into after before over under about than then""".split()
)
_HINTS = ("é", " de ", " du ", " des ")
_DEPARTEMENT = frozenset({"Département", "Région", "Préfecture"})


def _frenchish(word: str, after_particle: bool) -> bool:
    """A lowercase word that can sit inside a French name here."""
    if word in _ENGLISH_STOP or (not word.isalpha() and "-" not in word):
        return False
    if not word.isascii() or _FRENCH_END.search(word):
        return True
    return after_particle


def find_french_names(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of French institution names written with lowercase words."""
    hits = sorted(i for h in _HINTS for i in _positions(text, h))
    end = -1
    for i in hits:
        a, b = max(i - 120, end, 0), min(len(text), i + 120)
        if a < b:
            end = b
            yield from _scan(text, a, b)


def _positions(text: str, word: str) -> Iterator[int]:
    """Every index of `word` in `text`."""
    i = text.find(word)
    while i != -1:
        yield i
        i = text.find(word, i + 1)


def _scan(text: str, a: int, b: int) -> Iterator[tuple[int, int, str]]:
    """French institution names starting in text[a:b]."""
    for m in _CAND.finditer(text, a, b):
        base = m.start()
        words = [(w.start() + base, w.end() + base, w.group()) for w in _WORD.finditer(m.group())]
        opener = words[0][2]
        end = None
        after_particle = False
        lowercase_seen = particle_seen = False
        for i, (_s, e, w) in enumerate(words[1:], start=1):
            low = w.lower()
            if w[0].islower() and (low in _PARTICLES or low.rstrip("'’") in ("d", "l")):
                after_particle, particle_seen = True, True
                continue
            if w[0].isupper():
                if not after_particle:
                    break
                end = e  # "de Paris": a proper name closes the institution name
                after_particle = False
                if i + 1 < len(words) and words[i + 1][2][0].isupper():
                    continue
                break
            if not _frenchish(w, after_particle):
                break
            lowercase_seen = True
            after_particle = False
            end = e
        if end is None or (not particle_seen and not lowercase_seen):
            continue
        if not lowercase_seen and opener not in _DEPARTEMENT:
            continue  # "Office de Paris" alone is too weak; needs a French lowercase word
        kind = "place" if opener in _DEPARTEMENT and not lowercase_seen else "organization"
        yield m.start(), end, kind
