"""The decks, imported into a real Anki collection (the `anki` package from PyPI)."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import doctest
import html as html_mod
import io
import os
import re
import time
import tokenize
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from dlterms.kb import deck as deck_mod
from dlterms.kb.cards import gives_away
from dlterms.kb.deck import (
    DECK_NAME,
    NOTE_TYPES,
    PREDICT_DECK,
    build_notes,
    export,
    export_deck,
    figure_text,
    formula_cloze,
    markdown_to_anki,
    media_name,
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
    return Counter(n.kind for n in build_notes(glossary, figures))


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
    description = col.decks.by_name(DECK_NAME)["desc"]
    assert "Merge note types" in description and "replaces your own edits" in description

    names = {d.name for d in col.decks.all_names_and_ids()}
    subdecks = sorted(set(subdeck_names(glossary).values()))
    assert set(subdecks) <= names and len(subdecks) >= 3
    assert all(n.startswith(f"{DECK_NAME}::") for n in subdecks)

    tags = col.tags.all()
    assert all(" " not in t for t in tags)
    for prefix in ("topic::", "source::", "card::"):
        assert any(t.startswith(prefix) for t in tags), prefix
    sources = {t for t in tags if t.startswith("source::")}
    assert "source::Build_Train_and_Tune_Model" in sources
    assert not any(re.search(r"\d{3}_[0-9a-f]{8}", t) for t in sources), sources
    assert {f"card::{k}" for k in NOTE_TYPES} <= set(tags)

    media = set(os.listdir(col.media.dir()))
    pictures = {col.get_note(n)["Id"] for n in col.find_notes("tag:card::picture")}
    assert {media_name(i) for i in pictures} <= media


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
    nids = [n for n in col.find_notes(f"tag:card::{kind}")]
    for nid in nids:
        if col.get_note(nid)["Id"].split("#")[0] == entry_id:
            return col.get_note(nid)
    raise AssertionError(f"no {kind} note for {entry_id}")


def test_every_card_kind_renders(built, col):
    _, dist, _ = built
    _import(col, dist / "dlterms.apkg")
    glossary = default_glossary()
    softmax = glossary["softmax"]
    qa = next(q for q in softmax.quiz if not q.cloze)
    checks = {
        ("term", "softmax"): ("Softmax", "probabilities"),
        ("qa", "softmax"): (markdown_to_anki(qa.question), markdown_to_anki(qa.answer)),
        ("cloze", "softmax"): ("[...]", "sum to 1"),
        ("predict", "softmax"): ("What does this print?", "0.5"),
        ("picture", "softmax"): (f'src="{media_name("softmax")}"', "Softmax"),
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
    # a reverse card asks for the term from the definition, and only where it gives nothing away
    nids = col.find_notes("tag:card::term Reverse:1")
    assert nids
    term_note = col.get_note(nids[0])
    entry = glossary[term_note["Id"]]
    assert len(term_note.cards()) == 2
    reverse = term_note.cards()[1]
    assert "Which term is this?" in reverse.question()
    assert not gives_away(_strip_style(reverse.question()), entry.names)
    assert entry.term in _strip_style(reverse.answer())


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
        formula = a.split('<hr id="answer">')[0]  # the Extra field may quote code like [...]
        assert "[...]" not in formula and "{{" not in a
    text = formula_cloze(r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    assert text.count("{{c1::") == 1 and text.endswith("e^{-x} } }}\\]")
    assert formula_cloze(r"f(x) \propto x") is None
    # not for a symbol the deck named, nor for a first line that carries on below
    assert formula_cloze(r"y = f(z)") is None
    assert formula_cloze(r"\begin{aligned} L &= a + b \\ &+ c \end{aligned}") is None
    two_lines = formula_cloze(r"z = \sum_i w_i x_i + b \\ \#\text{params} = 3")
    assert two_lines == r"\[z = {{c1::\sum_i w_i x_i + b}}\]"


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
        old, version=old.version + 1, model_id=old.model_id + 1000, fields=(*old.fields, "Mnemonic")
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
    ids = {col.get_note(n)["Id"] for n in col.find_notes("tag:card::term")}
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


# --------------------------------------------------------------------------- the deck, as studied

_RANDOM = re.compile(r"\brng\b|random|seed|shuffle")


def _text(fragment: str) -> str:
    return html_mod.unescape(re.sub(r"<[^>]+>", "", fragment))


def _kind(note) -> str:
    return re.match(r"dlterms (\w+) \(v\d+\)", note.note_type()["name"]).group(1)


def _undefined_names(source: str) -> set[str]:
    read, bound = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
    return read - bound - set(dir(builtins))


def _comments(source: str) -> list[str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [t.string for t in tokens if t.type == tokenize.COMMENT]


def test_every_card_asks_one_answerable_thing_and_gives_nothing_away(built, col):
    _, dist, _ = built
    glossary = default_glossary()
    _import(col, dist / "dlterms.apkg")
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    by_kind = defaultdict(list)
    for note in notes:
        by_kind[_kind(note)].append(note)

    # every question/answer item of the YAML is a card
    assert {n["Id"] for n in by_kind["qa"]} == {
        f"{e.id}#{q.id}" for e in glossary for q in e.quiz if not q.cloze
    }

    # predict cards: self-contained, short, exact, at most two per entry, after its concept cards
    by_term = {e.term: e for e in glossary}
    term_due = {n["Id"]: min(c.due for c in n.cards()) for n in by_kind["term"]}
    per_entry = Counter()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    parser = doctest.DocTestParser()
    for note in by_kind["predict"]:
        code, output = _text(note["Code"]), _text(note["Output"])
        source = "\n".join(line[4:] for line in code.split("\n"))
        where = (note["Id"], code, output)
        assert not _undefined_names(source), where
        assert not _comments(source), where
        assert not _RANDOM.search(source), where
        assert "Traceback" not in output and "Error" not in output, where
        assert not re.search(r"\d\.\d{4,}|e[-+]\d", output), where
        assert output.strip(), where
        assert not re.fullmatch(r"(True|False)+", re.sub(r"[\[\](),\s]|array", "", output)), where
        test = parser.get_doctest(code + "\n" + output + "\n", {}, note["Id"], None, 0)
        assert runner.run(test, out=lambda _: None, clear_globs=True).failed == 0, where
        entry = by_term[_text(note["Term"])]
        per_entry[entry.id] += 1
        card = note.cards()[0]
        assert col.decks.name(card.did).startswith(PREDICT_DECK + "::"), where
        assert card.due > term_due[entry.id], where
    assert per_entry and max(per_entry.values()) <= 2

    # the first new cards a learner meets are concept cards
    parent = col.decks.id_for_name(DECK_NAME)
    col.decks.select(parent)
    queued = col.sched.get_queued_cards(fetch_limit=30).cards
    first = [_kind(col.get_card(q.card.id).note()) for q in queued]
    assert len(first) >= 20 and "predict" not in first, first

    # reverse cards: the definition names neither the term, an alias nor a stem of one
    for note in by_kind["term"]:
        entry = glossary[note["Id"]]
        if note["Reverse"]:
            front = _text(_strip_style(note.cards()[1].question()))
            assert not gives_away(front, entry.names), (entry.id, front)

    # cloze cards: the hint never overlaps what is hidden; no two fronts are the same
    fronts = Counter()
    for card in (c for n in notes for c in n.cards()):
        q = _strip_style(card.question())
        hidden = " ".join(re.findall(r'data-cloze="([^"]*)"', q))
        hint = re.search(r'<div class="hint">(.*?)</div>', q)
        if hint and hidden:
            assert not gives_away(html_mod.unescape(hidden), [_text(hint.group(1))]), q
        images = re.findall(r'<img src="([^"]+)"', q)  # a picture's front is its image
        fronts[(_text(re.sub(r'<div class="hint">.*?</div>', "", q)).strip(), *images)] += 1
    assert [f for f, n in fronts.items() if n > 1] == []

    # pictures: the figure prints neither the term nor an alias
    media = Path(col.media.dir())
    for note in by_kind["picture"]:
        entry = glossary[note["Id"]]
        words = figure_text(media / media_name(entry.id))
        assert not gives_away(words, entry.names, whole=True), (entry.id, words)
        assert entry.term not in note["Figure"]


def _note_mods(col) -> dict[int, int]:
    return dict(col.db.all("select id, mod from notes"))


def test_a_rebuild_leaves_a_learners_edits_alone_and_a_correction_still_arrives(
    tmp_path, col, figures
):
    glossary = default_glossary()
    ledger = tmp_path / "deck-ledger.json"

    def rebuild(g: Glossary, now: int):
        apkg = tmp_path / f"deck-{now}.apkg"
        export_deck(g, apkg, timestamp=now, figures=figures, ledger=[ledger], ledger_out=[ledger])
        return _import(col, apkg)

    start = int(time.time()) - 3600  # published an hour ago
    rebuild(glossary, start)
    count = col.note_count()
    term = _one_note(col, "term", "softmax")
    studied = term.cards()[0]
    _study(col, studied)
    history = _schedule(col, studied.id)
    qa = _one_note(col, "qa", "softmax")
    # the learner rewrites a definition in their own words and tags two notes
    term["Definition"] = "My own words."
    term.add_tag("mine")
    col.update_note(term)
    qa.add_tag("exam")
    col.update_note(qa)
    mods = _note_mods(col)
    kept = ledger.read_bytes()

    # a later rebuild with no content change, e.g. on another machine from the same ledger
    log = rebuild(glossary, int(time.time()) + 60)
    assert not log.new and not log.updated and not log.conflicting
    assert col.note_count() == count  # nothing duplicated
    assert _note_mods(col) == mods and ledger.read_bytes() == kept
    term.load()
    qa.load()
    assert term["Definition"] == "My own words." and term.has_tag("mine") and qa.has_tag("exam")
    assert _schedule(col, studied.id) == history

    # a corrected entry updates its notes, and only those that show what changed
    edited = _edit(glossary, "softmax", definition="A corrected definition of softmax.")
    log = rebuild(edited, int(time.time()) + 120)
    assert not log.new and not log.conflicting
    assert col.note_count() == count
    updated = {col.get_note(u.id.nid)["Id"] for u in log.updated} if log.updated else set()
    assert "softmax" in updated and "softmax#formula" in updated
    assert not any(i.startswith("softmax#") and i != "softmax#formula" for i in updated)
    term.load()
    qa.load()
    assert term["Definition"] == "<p>A corrected definition of softmax.</p>"
    assert not term.has_tag("mine")  # a changed note replaces local edits, as the README says
    assert qa.has_tag("exam")
    assert _schedule(col, studied.id) == history
    changed = {nid for nid, mod in _note_mods(col).items() if mod != mods[nid]}
    assert changed == {col.get_note(u.id.nid).id for u in log.updated}
