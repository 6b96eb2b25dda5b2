"""The decks, imported into a real Anki collection (the `anki` package from PyPI)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from dlterms.kb import deck as deck_mod
from dlterms.kb.deck import (
    DECK_NAME,
    NOTE_TYPES,
    _doctest_cards,
    build_notes,
    export,
    export_deck,
    formula_cloze,
    subdeck_names,
)
from dlterms.kb.figures import render_all
from dlterms.kb.glossary import Glossary, default_glossary, load_glossary

anki_collection = pytest.importorskip("anki.collection")
pytestmark = pytest.mark.anki
ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return render_all(ROOT / ".cache" / "figures", default_glossary().entries)


def expected_counts(glossary: Glossary, figures) -> Counter:
    functions = {d: f for e in glossary for d, f in zip(e.implementation, e.functions, strict=True)}
    return Counter(
        term=len(glossary),
        cloze=sum(q.cloze for e in glossary for q in e.quiz)
        + sum(formula_cloze(e.formula) is not None for e in glossary if e.formula),
        predict=sum(len(_doctest_cards(f)) for f in functions.values()),
        picture=len(set(figures) & set(glossary.entries)),
    )


def notes_by_kind(col) -> Counter:
    kinds = Counter()
    for nid in col.find_notes(""):
        name = col.get_note(nid).note_type()["name"]
        kinds[re.match(r"dlterms (\w+) \(v\d+\)", name).group(1)] += 1
    return kinds


def _strip_style(html: str) -> str:
    return re.sub(r"<style>.*?</style>", "", html, flags=re.S)


# --------------------------------------------------------------------------- the built deck


def test_built_deck_has_every_kind_subdecks_tags_and_media(built, col, figures):
    _, dist, _ = built
    glossary = default_glossary()
    log = _import(col, dist / "dlterms.apkg")
    expected = expected_counts(glossary, figures)
    assert notes_by_kind(col) == expected
    assert all(expected[k] > 0 for k in NOTE_TYPES)
    assert len(log.new) == col.note_count() == sum(expected.values())

    names = {d.name for d in col.decks.all_names_and_ids()}
    subdecks = sorted(set(subdeck_names(glossary).values()))
    assert set(subdecks) <= names and len(subdecks) >= 3
    assert all(n.startswith(f"{DECK_NAME}::") for n in subdecks)

    tags = col.tags.all()
    assert all(" " not in t for t in tags)
    for prefix in ("topic::", "source::", "card::"):
        assert any(t.startswith(prefix) for t in tags), prefix
    assert {f"card::{k}" for k in NOTE_TYPES} <= set(tags)

    media = set(os.listdir(col.media.dir()))
    assert {f"dlterms-{i}.svg" for i in figures} <= media


def test_subdecks_sort_into_a_study_order(built):
    glossary = default_glossary()
    names = subdeck_names(glossary)
    assert list(names.values()) == sorted(names.values())
    # the topic of every prerequisite comes no later, on average, than its dependant's
    position = {topic: n for n, topic in enumerate(names)}
    early = sum(
        position[glossary[p].topic] <= position[e.topic] for e in glossary for p in e.prerequisites
    )
    total = sum(len(e.prerequisites) for e in glossary)
    assert early / total > 0.8


def _one_note(col, kind, entry_id):
    nids = [n for n in col.find_notes(f'"note:dlterms {kind} (v1)"')]
    for nid in nids:
        if col.get_note(nid)["Id"].split("#")[0] == entry_id:
            return col.get_note(nid)
    raise AssertionError(f"no {kind} note for {entry_id}")


def test_every_card_kind_renders(built, col):
    _, dist, _ = built
    _import(col, dist / "dlterms.apkg")
    glossary = default_glossary()
    softmax = glossary["softmax"]
    checks = {
        ("term", "softmax"): ("Softmax", "\\["),
        ("cloze", "softmax"): ("[...]", "sum to 1"),
        ("predict", "dlterms.activations.softmax"): ("What does this print?", "0.5"),
        ("picture", "softmax"): ('src="dlterms-softmax.svg"', "Softmax"),
    }
    for (kind, key), (in_question, in_answer) in checks.items():
        note = _one_note(col, kind, key)
        for card in note.cards():
            q, a = _strip_style(card.question()), _strip_style(card.answer())
            for html in (q, a):
                assert not re.search(r"\{\{[^}]*\}\}", html), (kind, html)
                assert html.count("\\(") == html.count("\\)")
                assert html.count("\\[") == html.count("\\]")
                assert "$" not in re.sub(r"<pre.*?</pre>", "", html, flags=re.S)
        card = note.cards()[0]
        assert in_question in _strip_style(card.question()), kind
        assert in_answer in _strip_style(card.answer()), kind
    # the reverse card asks for the term from the definition
    term_note = _one_note(col, "term", "softmax")
    assert len(term_note.cards()) == 2
    reverse = term_note.cards()[1]
    assert "Which term is this?" in reverse.question()
    assert "Softmax" not in _strip_style(reverse.question())
    assert softmax.term in _strip_style(reverse.answer())


def test_formula_clozes_hide_exactly_the_right_hand_side(built, col):
    """A `}}` inside math must not end the cloze early: Anki must hide the whole RHS."""
    _, dist, _ = built
    _import(col, dist / "dlterms.apkg")
    nids = col.find_notes('"Id:*#formula"')
    assert len(nids) >= 10
    for nid in nids:
        note = col.get_note(nid)
        q = _strip_style(note.cards()[0].question())
        a = _strip_style(note.cards()[0].answer())
        assert re.search(r"= \[\.\.\.\]\\\]", q), (note["Id"], q)  # nothing leaks after
        formula = a.split('<div class="hint">')[0]  # the Extra field may quote code like [...]
        assert "[...]" not in formula and "{{" not in a
    text = formula_cloze(r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    assert text.count("{{c1::") == 1 and text.endswith("e^{-x} } }}\\]")
    assert formula_cloze(r"f(x) \propto x") is None


def test_two_builds_give_identical_notes(figures):
    glossary = default_glossary()
    specs = {k: v[0] for k, v in figures.items()}
    assert build_notes(glossary, specs) == build_notes(load_glossary(), specs)


# --------------------------------------------------------------------------- updates keep history


def _study(col, card):
    from anki.scheduler.v3 import CardAnswer

    col.decks.select(card.did)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))
    card.load()
    return (card.type, card.queue, card.due, card.ivl, card.reps)


def _schedule(col, cid):
    card = col.get_card(cid)
    revlog = col.db.list("select id from revlog where cid=?", cid)
    return (card.type, card.queue, card.due, card.ivl, card.reps), revlog


def _edit(glossary: Glossary, entry_id: str, **changes) -> Glossary:
    entries = [dataclasses.replace(e, **changes) if e.id == entry_id else e for e in glossary]
    return Glossary(entries, glossary.root)


def test_updates_never_cost_a_learner_their_history(tmp_path, col, figures, monkeypatch):
    glossary = default_glossary()
    stamp = iter(range(1_800_000_000, 1_800_000_100))

    def rebuild(g: Glossary):
        path = tmp_path / f"deck-{next(stamp)}.apkg"
        return _import(col, export_deck(g, path, timestamp=int(path.stem[5:]), figures=figures))

    rebuild(glossary)
    notes_before = col.note_count()
    term = _one_note(col, "term", "softmax")
    studied = term.cards()[0]
    schedule = _study(col, studied)
    history = _schedule(col, studied.id)
    assert history[1], "studying left a review-log entry"

    # (a) edit a definition
    glossary = _edit(glossary, "softmax", definition="An edited definition of softmax.")
    log = rebuild(glossary)
    assert not log.new and not log.duplicate and not log.conflicting
    assert col.note_count() == notes_before
    assert col.get_note(term.id)["Definition"] == "<p>An edited definition of softmax.</p>"
    assert _schedule(col, studied.id) == history and history[0] == schedule

    # (b) add a term
    relu = glossary["relu"]
    new = dataclasses.replace(relu, id="relu-copy", term="ReLU copy", aliases=(), quiz=())
    glossary = Glossary([*glossary, new], glossary.root)
    log = rebuild(glossary)
    assert not log.duplicate and not log.conflicting
    assert col.note_count() == notes_before + len(log.new) and len(log.new) >= 1
    notes_before = col.note_count()
    assert _schedule(col, studied.id) == history

    # (c) remove a quiz item: the other items' notes are untouched, nothing is duplicated
    cloze = _one_note(col, "cloze", "softmax")
    kept_id = cloze["Id"].split("#")[1]
    quiz = tuple(q for q in glossary["softmax"].quiz if q.id != kept_id)
    removed = [q for q in glossary["softmax"].quiz if q.id != kept_id and q.cloze]
    keep = [q for q in glossary["softmax"].quiz if q.id == kept_id]
    glossary = _edit(glossary, "softmax", quiz=keep + [q for q in quiz if q not in removed])
    cloze_card = cloze.cards()[0]
    cloze_schedule = _study(col, cloze_card)
    log = rebuild(glossary)
    assert not log.new and not log.duplicate and not log.conflicting
    assert col.note_count() == notes_before
    assert _schedule(col, cloze_card.id)[0] == cloze_schedule
    assert _schedule(col, studied.id) == history

    # (d) add a field to a note type: new model id, merged on import
    old = NOTE_TYPES["term"]
    v2 = dataclasses.replace(
        old, version=2, model_id=old.model_id + 1, fields=(*old.fields, "Mnemonic")
    )
    monkeypatch.setitem(NOTE_TYPES, "term", v2)
    real_values = deck_mod._term_values
    monkeypatch.setattr(
        deck_mod, "_term_values", lambda e: {**real_values(e), "Mnemonic": f"remember {e.id}"}
    )
    log = rebuild(glossary)
    assert not log.new and not log.duplicate and not log.conflicting
    assert col.note_count() == notes_before
    note = col.get_note(term.id)
    assert note["Mnemonic"] == "remember softmax"
    assert note["Definition"] == "<p>An edited definition of softmax.</p>"
    assert _schedule(col, studied.id) == history


def test_same_second_reexport_would_not_update(tmp_path, col):
    """Why the build keeps timestamps increasing: Anki ignores a note that is not newer."""
    glossary = default_glossary()
    _import(col, export_deck(glossary, tmp_path / "a.apkg", timestamp=1_800_000_000))
    edited = _edit(glossary, "relu", definition="Changed.")
    log = _import(col, export_deck(edited, tmp_path / "b.apkg", timestamp=1_800_000_000))
    assert not log.updated


def test_next_timestamp_always_increases(tmp_path):
    import json

    from dlterms.kb.build import INFO_FILE, next_timestamp

    assert next_timestamp(tmp_path, now=100) == 100
    (tmp_path / INFO_FILE).write_text(json.dumps({"timestamp": 500}), encoding="utf-8")
    assert next_timestamp(tmp_path, now=100) == 501
    assert next_timestamp(tmp_path, now=900.7) == 900


# --------------------------------------------------------------------------- export subsets


def test_export_a_tag_as_apkg_csv_and_json(tmp_path, col, figures):
    import csv
    import json

    glossary = default_glossary()
    metrics = {e.id for e in glossary if "metrics" in e.tags}
    assert metrics

    apkg = export(
        glossary,
        tmp_path / "m.apkg",
        fmt="apkg",
        tags=["metrics"],
        timestamp=1_800_000_000,
        figures=figures,
    )
    _import(col, apkg)
    ids = {col.get_note(n)["Id"] for n in col.find_notes('"note:dlterms term (v1)"')}
    assert ids == metrics

    rows = list(
        csv.DictReader(
            (export(glossary, tmp_path / "m.csv", fmt="csv", tags=["metrics"])).open(
                encoding="utf-8"
            )
        )
    )
    assert {r["id"] for r in rows} == metrics
    assert all(r["tags"].startswith("topic::") for r in rows)

    data = json.loads(export(glossary, tmp_path / "all.json", fmt="json").read_text("utf-8"))
    assert {e["id"] for e in data["entries"]} == set(glossary.entries)
    mse = next(e for e in data["entries"] if e["id"] == "mean-squared-error")
    assert mse["term"] == "Mean squared error" and "MSE" in mse["aliases"]
    assert mse["example"]["code"].startswith(">>>")

    with pytest.raises(ValueError, match="format must be one of"):
        export(glossary, tmp_path / "x.txt", fmt="txt")


def test_export_cli(tmp_path, capsys):
    from dlterms.cli import main

    out = tmp_path / "metrics.csv"
    assert main(["export", "--tag", "metrics", "--format", "csv", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,term,aliases")
    assert main(["export", "--tag", "no-such-tag", "--format", "csv", "--output", str(out)]) == 1
    assert "not in the tag vocabulary" in capsys.readouterr().err
