"""Cutting result snippets to a few lines: the fast cut must be the longest that fits."""

from __future__ import annotations

import random

import pytest
from textual.content import Content

from casework.tui.text import _longest_prefix, clip_lines

WORDS = (
    "Pierre-Marie H. was sentenced to seven years by the Paris court; the DGSE "
    "internationally-renowned 北京 officials Ωmega naïve Brazzaville a b c"
).split()


def reference(content: Content, width: int, lines: int) -> Content:
    """The definition: the longest prefix that wraps to `lines` lines with its …."""
    if len(content.plain) > width * lines * 2:
        return _longest_prefix(content[: width * lines * 2], width, lines)
    if len(content.wrap(width)) <= lines:
        return content
    return _longest_prefix(content, width, lines)


@pytest.mark.parametrize("seed", range(5))
def test_the_cut_fills_the_last_line_as_the_longest_fitting_prefix_does(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
        width, lines = rng.randint(8, 60), rng.randint(1, 4)
        clipped = clip_lines(Content(text), width, lines)
        assert len(clipped.wrap(width)) <= lines
        assert text.startswith(clipped.plain.removesuffix("…"))
        assert clipped.plain == reference(Content(text), width, lines).plain


def test_a_cut_mid_name_keeps_as_much_of_the_name_as_fits() -> None:
    text = "Both men were arrested: seven years for Pierre-Marie Hérault of the DGSE"
    clipped = clip_lines(Content(text), 30, 2)
    assert [line.plain for line in clipped.wrap(30)] == [
        "Both men were arrested: seven",
        "years for Pierre-Marie Héraul…",
    ]


def test_text_that_fits_is_left_alone() -> None:
    assert clip_lines(Content("Henri M."), 20, 1).plain == "Henri M."
