"""The spaCy backend's real code path, with a blank pipeline and an entity ruler: no download."""

from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from casework.db import queries  # noqa: E402
from casework.db.connection import open_case  # noqa: E402
from casework.importers.extract.spacy_backend import SpacyExtractor  # noqa: E402
from casework.importers.pipeline import import_paths  # noqa: E402
from casework.tui.cli import main  # noqa: E402


@pytest.fixture
def ruler_pipeline():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Henri M."},
            {"label": "PERSON", "pattern": [{"LOWER": "wang"}, {"LOWER": "lei"}]},
            {"label": "ORG", "pattern": "DGSE"},
            {"label": "GPE", "pattern": "Paris"},
            {"label": "NORP", "pattern": "French"},
            {"label": "MONEY", "pattern": [{"TEXT": "€"}, {"LIKE_NUM": True}]},
        ]
    )
    return nlp


def test_labels_map_to_kinds_and_offsets_hold(ruler_pipeline) -> None:
    text = "The French officer Henri M. of the DGSE met Wang Lei in Paris and took € 5000."
    mentions = SpacyExtractor(ruler_pipeline).extract(text)
    got = [(m.text, m.kind) for m in mentions]
    assert got == [
        ("Henri M.", "person"),
        ("DGSE", "organization"),
        ("Wang Lei", "person"),
        ("Paris", "place"),
        ("€ 5000", "money"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert all(m.extractor.startswith("spacy:") for m in mentions)


def test_the_pipeline_imports_with_the_spacy_backend(ruler_pipeline, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Henri M. of the DGSE met Wang Lei in Paris.")
    conn = open_case(tmp_path / "c.db", create=True)
    summary = import_paths(conn, [tmp_path / "a.txt"], extractor=SpacyExtractor(ruler_pipeline))
    assert summary.count("imported") == 1
    names = {(e.name, e.kind) for e in queries.list_entities(conn)}
    assert names == {
        ("Henri M.", "person"),
        ("DGSE", "organization"),
        ("Wang Lei", "person"),
        ("Paris", "place"),
    }


def test_a_model_that_is_not_installed_is_a_clear_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Henri M.")
    code = main(
        [
            "import",
            str(tmp_path / "a.txt"),
            "--db",
            str(tmp_path / "c.db"),
            "--extractor",
            "spacy:xx_no_such_model",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "not installed" in err and "never downloads" in err
