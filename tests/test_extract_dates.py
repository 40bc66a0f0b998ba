"""Date mentions and their ISO values."""

from __future__ import annotations

from datetime import date

import pytest

from casework.importers.extract.dates import digit_windows, find_dates
from casework.importers.extract.rules import default_extractor


def dates(text: str, doc_date: date | None = None) -> list[tuple[str, str | None]]:
    """(surface, value) of each date the extractor finds."""
    return [
        (m.text, m.value)
        for m in default_extractor().extract(text, doc_date=doc_date)
        if m.kind == "date"
    ]


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("arrested on 22 December 2017 by", "22 December 2017", "2017-12-22"),
        ("arrested on 22nd of December, 2017 by", "22nd of December, 2017", "2017-12-22"),
        ("on December 22, 2017, he", "December 22, 2017", "2017-12-22"),
        ("on Dec. 22, 2017, he", "Dec. 22, 2017", "2017-12-22"),
        ("dated 22/12/2017.", "22/12/2017", "2017-12-22"),
        ("dated 22.12.2017.", "22.12.2017", "2017-12-22"),
        ("dated 08/31/2015.", "08/31/2015", "2015-08-31"),
        ("dated 2017-12-22.", "2017-12-22", "2017-12-22"),
        ("in December 2017 he", "December 2017", "2017-12"),
        ("in Dec. 2017 he", "Dec. 2017", "2017-12"),
        ("early January 2018 he", "January 2018", "2018-01"),
        ("he retired in 2004.", "2004", "2004"),
        ("since 2009 she", "2009", "2009"),
        ("by mid-2016 they", "2016", "2016"),
        ("Sent: Sunday, September 12, 2010 12:07 PM", "Sunday, September 12, 2010", "2010-09-12"),
        ("on Monday, 22 December 2017", "Monday, 22 December 2017", "2017-12-22"),
        ("met on 25-26 October 2016", "25-26 October 2016", "2016-10-25"),
    ],
)
def test_absolute_dates(text: str, surface: str, value: str) -> None:
    assert dates(text) == [(surface, value)]


def test_day_first_is_the_default() -> None:
    assert dates("on 07/08/2015 it") == [("07/08/2015", "2015-08-07")]


def test_day_and_month_without_year() -> None:
    assert dates("on 9 July he left") == [("9 July", "--07-09")]
    assert dates("on 9 July he left", date(2020, 7, 20)) == [("9 July", "2020-07-09")]
    assert dates("on July 9 he left") == [("July 9", "--07-09")]


def test_year_ranges_and_table_cells() -> None:
    assert dates("posted there 1985–1988 with") == [("1985", "1985"), ("1988", "1988")]
    assert dates("| 1948 | born in Lyon |") == [("1948", "1948")]


def test_bare_numbers_are_not_years() -> None:
    assert dates("The 2017 figures show 1999 cases and 2015 units.") == []
    assert dates("Case No. F-2014-20439 Doc No. C05772388") == []
    assert dates("a rise of 2015 percent") == []


def test_months_and_weekdays_alone_are_not_dates() -> None:
    assert dates("In January, on Monday, they met.") == []


def test_relative_dates_need_the_document_date() -> None:
    text = "He left yesterday and returns next month; last Friday he called."
    assert dates(text) == []
    assert dates(text, date(2018, 1, 10)) == [
        ("yesterday", "2018-01-09"),
        ("next month", "2018-02"),
        ("last Friday", "2018-01-05"),
    ]


def test_invalid_dates_are_skipped() -> None:
    assert dates("on 31 February 2017 and 45/13/2017") == []


def test_find_dates_directly_and_windows() -> None:
    text = "x" * 500 + " on 22 December 2017 " + "y" * 500
    assert list(find_dates(text)) == [(504, 520, "2017-12-22")]
    assert digit_windows("no digits at all") == []
