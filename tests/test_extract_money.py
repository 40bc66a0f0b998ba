"""Money mentions and their 'CUR amount' values."""

from __future__ import annotations

import pytest

from casework.importers.extract.money import find_money
from casework.importers.extract.rules import default_extractor


def money(text: str) -> list[tuple[str, str | None]]:
    """(surface, value) of each amount the extractor finds."""
    return [(m.text, m.value) for m in default_extractor().extract(text) if m.kind == "money"]


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("he got €120,000 from them", "€120,000", "EUR 120000"),
        ("paid EUR 45,000 in cash", "EUR 45,000", "EUR 45000"),
        ("damages of 1.2 million euros were", "1.2 million euros", "EUR 1200000"),
        ("with $30,000 in cash", "$30,000", "USD 30000"),
        ("a US$2m loan", "US$2m", "USD 2000000"),
        ("£15,000 in an envelope", "£15,000", "GBP 15000"),
        ("some 15,000 pounds were", "15,000 pounds", "GBP 15000"),
        ("worth ¥1 billion today", "¥1 billion", "JPY 1000000000"),
        ("a $3.5bn deal", "$3.5bn", "USD 3500000000"),
        ("CHF 131,400 in transfers", "CHF 131,400", "CHF 131400"),
        ("a fine of €1.2 million", "€1.2 million", "EUR 1200000"),
        ("USD 30,000 in cash", "USD 30,000", "USD 30000"),
        ("£1.1bn of aid", "£1.1bn", "GBP 1100000000"),
        ("costs $0.50 each", "$0.50", "USD 0.5"),
    ],
)
def test_amounts(text: str, surface: str, value: str) -> None:
    assert money(text) == [(surface, value)]


def test_spelled_out_amounts() -> None:
    assert money("Forty-five thousand euros, yes.") == [("Forty-five thousand euros", "EUR 45000")]
    assert money("one hundred and twenty thousand euros in all") == [
        ("one hundred and twenty thousand euros", "EUR 120000")
    ]


def test_plain_numbers_are_not_money() -> None:
    assert money("There were 120,000 people and 45 cars in 2017.") == []


def test_find_money_directly() -> None:
    assert list(find_money("paid $30,000 twice")) == [(5, 12, "USD 30000")]
