"""Measure extraction on re3d-dev through the real import pipeline (and the demo case).

Usage: python benchmarks/eval_extract.py [--corpora DIR] [--min-conf 0.5] [--samples 25]
       [--direct] [--no-demo]

The re3d-dev documents (shared/corpora/re3d-dev) are written as files,
imported with casework.importers.pipeline into a temporary case, and the
stored mentions are read back with casework.db.queries.iter_mentions and
compared with the gold offsets (--direct scores the extractor alone, which is
quicker while developing rules). Printed per kind: precision, recall and F1,
exact span + kind and span only. Throughput is measured separately by
benchmarks/bench_extract.py.

How re3d is scored (micro figures over person, organization and place):

* Person, organisation and place gold spans count only when they contain a
  capital letter. re3d also labels nominal mentions ("mourners", "the
  regime", "civilians"); a proper-name extractor is not expected to find
  them, so a prediction that overlaps such a span is neither a true nor a
  false positive. Spans whose best confidence is below --min-conf (re3d's
  rejected candidates, mostly confidence 0) are treated the same way.
  Nominal phrases built on a name contain a capital, so they are scored:
  "Iraqi security forces" and "ISIL fighters" are found (rules.py makes a
  name plus a group noun an organisation), "the Iraqi people" and
  "Syrians" are not (populations, not organised actors), and count as misses.
* raw: re3d's spans as they are.
* aligned: the same gold under this project's span conventions (base.py,
  rules.py), the figure compared with the acceptance target (F1 >= 0.75):
  a leading article or determiner ("the", "its"), leading titles ("Foreign
  Secretary", "Lt. Gen.") and a trailing possessive are cut from gold
  spans; so are a person's office before the name ("FCO Minister Tobias
  Ellwood" -> "Tobias Ellwood") and place descriptors ("the city of Mosul"
  -> "Mosul", "Idlib province" -> "Idlib"); "Palmyra, Syria" is two places.
  Gold spans that are then only a pronoun, a title or a lowercase phrase
  are not scored, as above. Also printed: the figure with only the first
  three of these conventions ("aligned without place descriptors and
  offices"), as the harness measured before issue #5.
* re3d tags a country acting as a state ("the United States said") as an
  organisation, where this project tags a country as a place (the demo gold
  does too). The micro-F1 with those gold spans counted as places is printed
  for information only.

Skips cleanly (exit 0) when the corpora are absent. Writes only a temporary case.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from casework.benchmarks.scoring import (
    NAME_KINDS,
    GoldDoc,
    Predicted,
    import_texts,
    print_errors,
    print_span_table,
    score_spans,
)
from casework.importers.extract.lexicon import (
    TITLE_MODIFIERS,
    TITLES,
    lexicon,
)
from casework.importers.extract.rules import default_extractor

ROOT = Path(__file__).resolve().parent.parent

RE3D_TYPES = {
    "Person": "person",
    "Organisation": "organization",
    "Location": "place",
    "Temporal": "date",
    "Money": "money",
}
_LEADING_THE = re.compile(r"^(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hese|[Ii]ts|[Tt]heir|[Oo]ur)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_PRONOUNS = frozenset(
    "i me my we us our he him his she her it its they them their you your this that".split()
)
_TITLE_WORDS = frozenset(
    """mr mrs ms dr prof sir lord lady judge justice colonel col col. general gen gen. major
    maj maj. captain capt capt. lieutenant lt lt. commander cmdr admiral adm adm. sergeant sgt
    sgt. spc spc. brig brig. brigadier president minister secretary senator ambassador
    director chief officer king queen prince emir sheikh foreign home defence defense prime
    deputy vice special envoy army navy air force marine marines u.s. us uk chancellor
    governor mayor spokesman spokeswoman petty operator 1st 2nd 3rd class senior staff
    office presidential representative""".split()
)


def load_re3d(
    root: Path,
) -> tuple[dict[str, str], dict[str, dict[tuple[int, int], tuple[str, float]]]]:
    """Texts by id, and per document the best (type, confidence) of each span."""
    docs: dict[str, str] = {}
    ents: dict[str, dict[tuple[int, int], tuple[str, float]]] = defaultdict(dict)
    for folder in sorted(p for p in root.iterdir() if (p / "documents.json").is_file()):
        # split("\n"), not splitlines(): texts may hold U+2028 and other line separators.
        for line in (folder / "documents.json").read_text(encoding="utf-8-sig").split("\n"):
            if line.strip():
                o = json.loads(line)
                docs[o["_id"]] = o["text"]
        for line in (folder / "entities.json").read_text(encoding="utf-8-sig").split("\n"):
            if not line.strip():
                continue
            o = json.loads(line)
            key = (int(o["begin"]), int(o["end"]))
            cur = ents[o["documentId"]].get(key)
            conf = float(o.get("confidence") or 0.0)
            if cur is None or conf > cur[1]:
                ents[o["documentId"]][key] = (o["type"], conf)
    return docs, ents


_PLACE_DESCRIPTOR = re.compile(
    r"^(?:[A-Za-z-]+ ){0,2}?(?:city|town|village|port|province|district|governorate|region"
    r"|area|vicinity|outskirts|heart|suburbs) of (?=[A-Z])"
)
_PLACE_SUFFIX = re.compile(r" (?:province|region|district|governorate|area)$")
_COMMA_PART = re.compile(r",\s+(?=[A-Z])")
_TOKEN = re.compile(r"[^\s\u200e\u200f]+")


def _align(text: str, b: int, e: int, kind: str, descriptors: bool = True) -> list[tuple[int, int]]:
    """Gold span(s) under this project's conventions; none when it is not a name.

    With `descriptors`, also: a place descriptor is not part of a place name ("city
    of Mosul" -> "Mosul", "Idlib province" -> "Idlib"), "Palmyra, Syria" is two
    places, and a person's office before the name is dropped even when it is not a
    title alone ("FCO Minister Tobias Ellwood" -> "Tobias Ellwood")."""
    s = text[b:e]
    while True:
        m = _LEADING_THE.match(s)
        if not m:
            break
        b += m.end()
        s = text[b:e]
    m = _POSSESSIVE.search(s)
    if m and len(s) > 2:
        e -= len(m.group())
        s = text[b:e]
    if kind == "place" and descriptors:
        m = _PLACE_DESCRIPTOR.match(s)
        if m:
            b += m.end()
        m = _PLACE_SUFFIX.search(text, b, e)
        if m:
            e = m.start()
        s = text[b:e]
        parts = _COMMA_PART.split(s)
        if len(parts) > 1 and all(p[:1].isupper() for p in parts):
            out = []
            pos = b
            for p in parts:
                start = text.index(p, pos)
                out.extend(_align(text, start, start + len(p), kind, descriptors))
                pos = start + len(p)
            return out
    if kind == "person":
        span = _person_span(text, b, e, descriptors)
        if span is None:
            return []
        b, e = span
        s = text[b:e]
    if s.lower() in _PRONOUNS or not re.search(r"[A-Z]", s) or not s.strip():
        return []
    return [(b, e)]


def _person_span(text: str, b: int, e: int, descriptors: bool) -> tuple[int, int] | None:
    """The name inside a person's gold span, titles and offices cut off."""
    toks = [(m.start() + b, m.end() + b, m.group()) for m in _TOKEN.finditer(text[b:e])]
    if not toks:
        return None
    i = 0
    while i < len(toks) - 1 and _is_title_word(toks[i][2]):
        i += 1
    if descriptors:
        comma = next((k for k, t in enumerate(toks) if t[2].endswith(",")), None)
        if comma is not None and comma > i and all(t[2][:1].isupper() for t in toks[i : comma + 1]):
            return toks[i][0], toks[comma][1] - 1  # "Tobias Ellwood, Foreign Office Minister"
        last = max((k for k, t in enumerate(toks[:-1]) if _is_title_word(t[2])), default=-1)
        if last >= i:
            rest = toks[last + 1 :]
            lex = lexicon()
            first = next(
                (k for k, t in enumerate(rest) if t[2][:1].isupper() and t[2] in lex.first_names),
                None,
            )
            if first is None and rest[-1][2][:1].isupper() and rest[0][2][:1].islower():
                first = len(rest) - 1  # "Secretary of State Kerry"
            if first is None and all(t[2][:1].isupper() for t in rest):
                first = 0
            if first is None:
                return None
            i = toks.index(rest[first])
    name = text[toks[i][0] : e]
    if name.lower() in _TITLE_WORDS or not name[:1].isupper():
        return None  # a title or a description ("for the Middle East ..."), not a name
    return toks[i][0], e


def _is_title_word(word: str) -> bool:
    """A title, office word or nationality that this project keeps out of person spans."""
    w = word.rstrip(".,")
    return (
        w.lower() in _TITLE_WORDS
        or w in TITLES
        or w in TITLE_MODIFIERS
        or w.title() in TITLES
        or w in lexicon().demonyms
    )


def build_gold(
    docs: dict[str, str],
    ents: dict[str, dict[tuple[int, int], tuple[str, float]]],
    min_conf: float,
    aligned: bool,
    descriptors: bool = True,
) -> dict[str, GoldDoc]:
    """Scored and ignored gold spans of each document."""
    out: dict[str, GoldDoc] = {}
    for did, text in docs.items():
        g = GoldDoc()
        for (b, e), (typ, conf) in ents.get(did, {}).items():
            kind = RE3D_TYPES.get(typ)
            if kind is None:
                continue
            if conf < min_conf:
                g.ignored.append((b, e))
                continue
            if kind in NAME_KINDS:
                if not re.search(r"[A-Z]", text[b:e]):
                    g.ignored.append((b, e))
                    continue
                if aligned:
                    spans = _align(text, b, e, kind, descriptors)
                    if not spans:
                        g.ignored.append((b, e))
                    for span in spans:
                        g.scored[span] = kind
                    continue
            g.scored[(b, e)] = kind
        out[did] = g
    return out


def country_as_place(gold: dict[str, GoldDoc], docs: dict[str, str]) -> dict[str, GoldDoc]:
    """The gold with re3d's "country acting as a state" organisations turned into places."""
    lex = lexicon()
    out: dict[str, GoldDoc] = {}
    for did, g in gold.items():
        text = docs[did]
        scored = {}
        for (b, e), kind in g.scored.items():
            place = lex.places.get(text[b:e])
            if kind == "organization" and place is not None and place.klass == "country":
                kind = "place"
            scored[(b, e)] = kind
        out[did] = GoldDoc(scored, g.ignored)
    return out


def predict(docs: dict[str, str], direct: bool) -> dict[str, list[Predicted]]:
    """Mentions of each document: stored by the import pipeline, or (direct) extracted only."""
    if direct:
        extractor = default_extractor()
        return {
            did: [Predicted(m.start, m.end, m.kind, 0) for m in extractor.extract(text)]
            for did, text in docs.items()
        }
    stored = import_texts(docs)
    return {did: doc.mentions for did, doc in stored.items()}


def eval_re3d(root: Path, min_conf: float, samples: int, direct: bool) -> dict[str, float]:
    """Score re3d-dev and print the tables and the error samples; returns the headline F1s."""
    docs, ents = load_re3d(root)
    t0 = time.perf_counter()
    preds = predict(docs, direct)
    how = "extractor only" if direct else "import pipeline"
    print(f"re3d-dev: {len(docs)} documents, {how} in {time.perf_counter() - t0:.1f} s, "
          f"min confidence {min_conf}")  # fmt: skip
    results: dict[str, float] = {}
    for aligned in (False, True):
        gold = build_gold(docs, ents, min_conf, aligned)
        scores = score_spans(docs, gold, preds)
        label = "aligned (project conventions)" if aligned else "raw re3d spans"
        print_span_table(f"re3d-dev, {label}", scores)
        results[label] = scores.micro().prf()[2]
        if aligned:
            print_errors(scores, samples)
            v1 = score_spans(docs, build_gold(docs, ents, min_conf, True, False), preds)
            results["aligned without place descriptors and offices"] = v1.micro().prf()[2]
            countries = score_spans(docs, country_as_place(gold, docs), preds)
            results["aligned, countries always places"] = countries.micro().prf()[2]
    print("\n  person/organization/place exact micro-F1 (target >= 0.75):")
    for k, v in results.items():
        print(f"    {v:.3f}  {k}")
    return results


def main() -> int:
    """Command line entry."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--min-conf", type=float, default=0.5)
    ap.add_argument("--samples", type=int, default=25)
    ap.add_argument(
        "--direct", action="store_true", help="score the extractor alone, without the pipeline"
    )
    ap.add_argument("--no-demo", action="store_true", help="skip the demo case")
    args = ap.parse_args()
    re3d = args.corpora / "re3d-dev"
    if re3d.is_dir():
        eval_re3d(re3d, args.min_conf, args.samples, args.direct)
    else:
        print(f"re3d-dev not found under {args.corpora}: skipped")
    if not args.no_demo:
        from casework.benchmarks.eval_demo import evaluate_demo, report

        print("\n" + "=" * 78 + "\ndemo case (benchmarks/eval_demo.py)")
        report(evaluate_demo(), samples=args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
