"""The deck, imported into a real Anki collection (the `anki` package from PyPI)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from dlterms.deck import BASIC_MODEL_ID, DECK_NAME, export_deck, note_guid
from dlterms.glossary import Glossary, default_glossary

anki_collection = pytest.importorskip("anki.collection")
pytestmark = pytest.mark.anki


def _import(col, apkg):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)
    req = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    return col.import_anki_package(req).log


@pytest.fixture
def col(tmp_path):
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def test_built_deck_imports_with_one_note_per_term(built, col):
    _, dist, _ = built
    glossary = default_glossary()
    log = _import(col, dist / "dlterms.apkg")
    assert len(log.new) == len(glossary) >= 20
    assert col.note_count() == len(glossary)
    assert col.decks.by_name(DECK_NAME) is not None

    nid = col.find_notes('"Id:mean-squared-error"')
    assert len(nid) == 1
    note = col.get_note(nid[0])
    entry = glossary["mean-squared-error"]
    assert note["Term"] == "Mean squared error"
    assert "MSE" in note["Aliases"]
    assert note["Formula"].startswith("\\[") and note["Formula"].endswith("\\]")
    assert "$" not in note["Definition"] + note["Formula"]
    assert note.guid == note_guid(entry)
    assert sorted(note.tags) == sorted(f"topic::{t}" for t in entry.tags)
    assert note.note_type()["id"] == BASIC_MODEL_ID

    card = note.cards()[0]
    assert "Mean squared error" in card.question()
    answer = card.answer()
    assert "\\[" in answer and not re.search(r"\{\{[^}]*\}\}", answer)


def test_every_tag_is_hierarchical_without_spaces(built, col):
    _, dist, _ = built
    _import(col, dist / "dlterms.apkg")
    tags = col.tags.all()
    assert tags and all(" " not in t and t.startswith("topic::") for t in tags)


def test_reexport_updates_the_same_note_in_place(tmp_path, col):
    glossary = default_glossary()
    first = export_deck(glossary, tmp_path / "v1.apkg", timestamp=1_800_000_000)
    _import(col, first)
    (nid,) = col.find_notes('"Id:softmax"')
    count = col.note_count()

    edited = Glossary(
        [
            replace(e, definition="An edited definition for the update test.")
            if e.id == "softmax"
            else e
            for e in glossary
        ],
        glossary.root,
    )
    second = export_deck(edited, tmp_path / "v2.apkg", timestamp=1_800_000_001)
    log = _import(col, second)
    # Anki reports every newer note as updated; what matters is that none is new or a copy
    assert not log.new and not log.duplicate and not log.conflicting
    assert nid in [n.id.nid for n in log.updated]
    assert col.note_count() == count
    assert col.find_notes('"Id:softmax"') == [nid]
    assert "edited definition" in col.get_note(nid)["Definition"]


def test_same_second_reexport_would_not_update(tmp_path, col):
    """Why the build keeps timestamps increasing: Anki ignores a note that is not newer."""
    glossary = default_glossary()
    _import(col, export_deck(glossary, tmp_path / "a.apkg", timestamp=1_800_000_000))
    edited = Glossary(
        [replace(e, definition="Changed.") if e.id == "relu" else e for e in glossary],
        glossary.root,
    )
    log = _import(col, export_deck(edited, tmp_path / "b.apkg", timestamp=1_800_000_000))
    assert not log.updated


def test_next_timestamp_always_increases(tmp_path):
    import json

    from dlterms.build import INFO_FILE, next_timestamp

    assert next_timestamp(tmp_path, now=100) == 100
    (tmp_path / INFO_FILE).write_text(json.dumps({"timestamp": 500}), encoding="utf-8")
    assert next_timestamp(tmp_path, now=100) == 501
    assert next_timestamp(tmp_path, now=900.7) == 900
