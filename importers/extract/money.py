"""Money mentions and their normalised value "CUR amount" ("EUR 120000", "USD 3500000000").

The currency is an ISO 4217 code; the amount is the number times its
multiplier ("1.2 million" -> 1200000), printed as an integer when whole and as
a plain decimal otherwise. "$" alone is taken as US dollars and "¥" as yen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

_SYMBOLS = {
    "US$": "USD", "U.S.$": "USD", "USD$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD",
    "CA$": "CAD", "CAN$": "CAD", "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "R$": "BRL",
    "MX$": "MXN", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB",
    "₩": "KRW", "₪": "ILS", "₺": "TRY", "₴": "UAH", "CHF": "CHF",
}  # fmt: skip
_CODES = (
    "USD EUR GBP JPY CNY RMB CHF RUB INR CAD AUD HKD SGD SEK NOK DKK PLN TRY ILS SAR AED QAR "
    "KWD IRR IQD SYP EGP ZAR BRL MXN KRW UAH NZD CZK HUF RON BGN THB MYR IDR PHP PKR NGN"
).split()
_WORDS = {
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "pounds sterling": "GBP",
    "sterling": "GBP", "dollar": "USD", "dollars": "USD", "us dollars": "USD",
    "u.s. dollars": "USD", "american dollars": "USD", "canadian dollars": "CAD",
    "australian dollars": "AUD", "hong kong dollars": "HKD", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "rupee": "INR", "rupees": "INR", "swiss francs": "CHF", "swiss franc": "CHF",
    "shekel": "ILS", "shekels": "ILS", "lira": "TRY", "liras": "TRY", "riyal": "SAR",
    "riyals": "SAR", "dirham": "AED", "dirhams": "AED", "hryvnia": "UAH", "hryvnias": "UAH",
    "won": "KRW",
}  # fmt: skip
_MULT = {
    "thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mn": 10**6, "mln": 10**6,
    "billion": 10**9, "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12,
}  # fmt: skip

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MUL = r"(?:[ \t]?(?:thousand|million|billion|trillion|mln|bn|mn|tn)|(?:k|m|b))\b"
_SYM = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE = "|".join(_CODES)
_WORD = "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))

_MONEY = re.compile(
    # The lookahead lets the engine skip lowercase text quickly.
    rf"(?=[\dA-Z$€£¥₹₽₩₪₺₴])(?:(?P<sym>{_SYM})[ \t]?(?P<n1>{_NUM})(?P<m1>{_MUL})?"
    rf"|\b(?P<code>{_CODE})[ \t]?(?P<n2>{_NUM})(?P<m2>{_MUL})?"
    rf"|\b(?P<n3>{_NUM})(?P<m3>{_MUL})?[ \t]?(?:(?P<word>(?i:{_WORD}))|(?P<code3>{_CODE}))\b)",
)


_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9}
_NUMWORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_SPELLED = re.compile(
    rf"\b(?i:(?P<words>(?:{_NUMWORD})(?:(?:[ \t]+|-)(?:and[ \t]+)?(?:{_NUMWORD}))*)"
    rf"[ \t]+(?P<word>{_WORD}))\b"
)


def _spelled_value(words: str) -> int | None:
    """'one hundred and twenty thousand' -> 120000; None when not a well-formed number."""
    total = current = 0
    seen = False
    for w in re.split(r"[ \t-]+", words.lower()):
        if w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _amount(num: str, mult: str | None) -> str | None:
    """'1.2', ' million' -> '1200000'; None when the number does not parse."""
    try:
        value = Decimal(num.replace(",", ""))
    except InvalidOperation:
        return None
    if mult:
        value *= _MULT[mult.strip().lower()]
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


_SIGNS = frozenset("$€£¥₹₽₩₪₺₴")
_CODE_SET = frozenset([*_CODES, "CHF"])
_MARKER_WORDS = (
    "euro", "dollar", "pound", "sterling", "yen", "yuan", "renminbi", "roubl", "rubl",
    "rupee", "franc", "shekel", "lira", "riyal", "dirham", "hryvnia", "won",
)  # fmt: skip


_UPPER3 = re.compile(r"[A-Z]{3}")
_LOW_MARKER = re.compile("|".join(_MARKER_WORDS))
# A spelled-out amount is only looked for near a scale word ("twenty euros" is missed).
_SCALES_WORDS = ("hundred", "thousand", "million", "billion")


def _has_marker(text: str, low: str, a: int, b: int) -> bool:
    """Does text[a:b] hold a currency sign, code or word? Digits far from all of them
    are not money, so the money pattern only runs where this is true. (Plain string
    tests: a case-insensitive alternation regex here was twice as slow.)"""
    seg = text[a:b]
    if not _SIGNS.isdisjoint(seg):
        return True
    for code in _UPPER3.findall(seg):
        if code in _CODE_SET:
            return True
    return _LOW_MARKER.search(low, a, b) is not None


def find_money(
    text: str, windows: list[tuple[int, int]] | None = None
) -> Iterator[tuple[int, int, str]]:
    """(start, end, 'CUR amount') of each money mention (digits first, then spelled out).

    `windows` are the text ranges around digits (dates.digit_windows) where the
    digit patterns are tried; the spelled-out pattern runs near its key words only.
    """
    if windows is None:
        from .dates import digit_windows

        windows = digit_windows(text)
    low = text.lower() if windows else text
    for a, b in windows:
        if _has_marker(text, low, a, b):
            yield from _digits(text, a, b)
    # Spelled-out amounts: only near a scale word ("Forty-five thousand euros").
    hits = sorted(i for w in _SCALES_WORDS for i in _positions(text, w))
    spans: list[tuple[int, int]] = []
    for i in hits:
        a, b = max(i - 60, 0), min(len(text), i + 40)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    for a, b in spans:
        for m in _SPELLED.finditer(text, a, b):
            value = _spelled_value(m.group("words"))
            if value:
                yield m.start(), m.end(), f"{_WORDS[m.group('word').lower()]} {value}"


def _positions(text: str, word: str) -> Iterator[int]:
    """Every index of `word` in `text` (str.find is far faster than a regex here)."""
    i = text.find(word)
    while i != -1:
        yield i
        i = text.find(word, i + 1)


def _digits(text: str, a: int, b: int) -> Iterator[tuple[int, int, str]]:
    """Money written with digits in text[a:b]."""
    for m in _MONEY.finditer(text, a, b):
        g = m.group
        if g("sym"):
            cur, num, mult = _SYMBOLS[g("sym")], g("n1"), g("m1")
        elif g("code"):
            cur, num, mult = g("code"), g("n2"), g("m2")
        else:
            word = g("word")
            cur = _WORDS[word.lower()] if word else g("code3")
            num, mult = g("n3"), g("m3")
        if cur == "RMB":
            cur = "CNY"
        amount = _amount(num, mult)
        if amount is not None:
            yield m.start(), m.end(), f"{cur} {amount}"
