from casework.importers.segment import MAX_PASSAGE, normalise_text, segment


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment(text)]


def test_paragraphs_become_passages_with_offsets_into_the_text() -> None:
    text = "Title line\n\nFirst paragraph\nstill first.\n\n\n  Second one.  \n"
    segs = segment(text)
    assert [text[s.start : s.end] for s in segs] == [
        "Title line",
        "First paragraph\nstill first.",
        "Second one.",
    ]
    assert [s.location for s in segs] == ["¶1", "¶2", "¶3"]
    assert [s.seq for s in segs] == [0, 1, 2]


def test_empty_and_blank_text_have_no_passages() -> None:
    assert segment("") == []
    assert segment(" \n\n \t\n") == []


def test_long_paragraph_splits_at_sentence_ends() -> None:
    sentence = "The officer met his handler in a café near the station. "
    text = sentence * 60
    pieces = spans(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_PASSAGE for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert [s.location for s in segment(text)][:2] == ["¶1.1", "¶1.2"]


def test_a_300kb_single_line_is_cut_into_bounded_passages() -> None:
    text = "x" * 300_000
    segs = segment(text)
    assert all(s.end - s.start <= MAX_PASSAGE for s in segs)
    assert "".join(text[s.start : s.end] for s in segs) == text


def test_passages_tile_the_text_so_it_can_be_rebuilt() -> None:
    text = "A.\n\nB b b.\r\n\r\nC."
    text = normalise_text(text)
    segs = segment(text)
    rebuilt, prev = [], 0
    for s in segs:
        rebuilt.append(text[prev : s.start] + text[s.start : s.end])
        prev = s.end
    rebuilt.append(text[prev:])
    assert "".join(rebuilt) == text


def test_page_numbers_reach_the_location() -> None:
    text = "Page one text.\n\nMore on one.\n\nPage two text."
    segs = segment(text, page_starts=[0, text.index("Page two")])
    assert [s.location for s in segs] == ["p.1 ¶1", "p.1 ¶2", "p.2 ¶1"]


def test_normalise_text_is_nfc_with_unix_newlines() -> None:
    assert normalise_text("He\u0301le\u0300ne\r\nx\ry") == "Hélène\nx\ny"


def test_a_markdown_table_is_a_passage_per_row() -> None:
    text = (
        "Timeline\n\n| Date | Event |\n|------|:-----:|\n"
        "| March 2015 | Henri M. in Shanghai |\n| 2016 | Pierre-Marie H. drawn in |\n\nEnd."
    )
    segs = segment(text)
    assert [text[s.start : s.end] for s in segs] == [
        "Timeline",
        "| Date | Event |",
        "| March 2015 | Henri M. in Shanghai |",
        "| 2016 | Pierre-Marie H. drawn in |",
        "End.",
    ]
    assert [s.location for s in segs] == ["¶1", "¶2.1", "¶2.2", "¶2.3", "¶3"]


def test_pipes_without_a_rule_line_are_not_a_table() -> None:
    text = "| a | b |\n| c | d |"
    assert [(s.start, s.end) for s in segment(text)] == [(0, len(text))]
