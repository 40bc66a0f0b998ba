"""Properties of the rule extractor that hold on any text."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from casework.importers.extract.base import KINDS
from casework.importers.extract.rules import RuleExtractor, default_extractor

WORDS = st.sampled_from(
    [
        "the", "The", "Paris", "Marc", "Durand", "said", "DGSE", "DGSE's", "Ministry", "of",
        "Defence", "in", "on", "22", "December", "2017", "€120,000", "$3.5bn", "Mr", "Dr.",
        "H.", "Henri", "M.", "(", ")", ",", ".", "\n", "UK", "and", "al-Qaida", "Embassy",
        "China", "Forty-five", "thousand", "euros", "|", "1948", "Judge", "Chinese", "embassy",
        "Tribunal", "correctionnel", "de", "Hélène", "Müller", "'", '"', "—", "ROUSSEL", "3rd",
        "Battalion", "yesterday", "last", "Friday", "USS", "Mahan", "“", "”",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40), st.booleans())
def test_invariants_on_word_soup(words: list[str], with_date: bool) -> None:
    text = " ".join(words)
    ms = default_extractor().extract(text, doc_date=date(2020, 1, 1) if with_date else None)
    for m in ms:
        assert text[m.start : m.end] == m.text
        assert m.kind in KINDS
        assert m.text.strip() == m.text and m.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(ms))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_invariants_on_any_text(text: str) -> None:
    ms = default_extractor().extract(text)
    assert all(text[m.start : m.end] == m.text for m in ms)
    assert all(a.end <= b.start for a, b in itertools.pairwise(ms))


def test_memo_does_not_change_results() -> None:
    text = (
        "Marc Durand met Fiona McCallum in Paris. In Paris, Marc Durand said the "
        "Ministry of the Armed Forces (MAF) paid. Near Ayn Isa the MAF struck.\n"
    ) * 3
    warm = default_extractor()
    warm.extract(text)
    assert warm.extract(text) == RuleExtractor(warm.lex).extract(text)
