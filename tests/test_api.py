"""The Python API and the command line, on the real glossary."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIRST_20

import dlterms
from dlterms.cli import main
from dlterms.kb.glossary import default_glossary, study_order

ROOT = Path(__file__).resolve().parents[1]


def test_lookup_follows_aliases_and_ignores_case():
    entry = dlterms.lookup("MSE")
    assert entry.term == "Mean squared error"
    assert dlterms.lookup("mse") is entry
    assert dlterms.lookup("  Mean Squared   Error ") is entry
    assert dlterms.lookup("mean-squared-error") is entry


def test_lookup_carries_fields_and_resolved_functions():
    entry = dlterms.lookup("softmax")
    assert entry.definition and entry.formula and entry.example.code
    assert dlterms.softmax in entry.functions
    assert entry.functions[0]([0.0, 0.0]).tolist() == [0.5, 0.5]


def test_lookup_unknown_name_suggests():
    with pytest.raises(KeyError, match="did you mean 'softmax'"):
        dlterms.lookup("sofmax")


def test_search_ranks_names_first():
    hits = dlterms.search("gradient")
    assert hits[0].id == "gradient"  # the exact name first
    assert "gradient-descent" in [e.id for e in hits[:3]]
    assert dlterms.search("mse")[0].id == "mean-squared-error"
    assert dlterms.search("   ") == []
    assert len(dlterms.search("the", limit=3)) == 3


@pytest.mark.parametrize("entry_id", FIRST_20)
def test_first_20_terms_are_complete(entry_id):
    e = default_glossary()[entry_id]
    assert e.explanation and e.formula and e.example and e.example.code
    assert e.pitfalls and e.see_also and e.implementation and e.quiz
    assert any(q.cloze for q in e.quiz) and any(not q.cloze for q in e.quiz)


@pytest.mark.parametrize("entry_id", sorted(default_glossary().entries))
def test_worked_example_runs(entry_id):
    """Every example on every page and card is executed: the doctest in example.code."""
    entry = default_glossary()[entry_id]
    if not entry.example or not entry.example.code:
        pytest.skip("concept entry without code")
    test = doctest.DocTestParser().get_doctest(
        entry.example.code, {}, f"glossary/{entry_id}.yaml:example.code", str(entry.path), 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_study_order_puts_prerequisites_first():
    order = [e.id for e in study_order(default_glossary())]
    assert sorted(order) == sorted(default_glossary().entries)
    pos = {i: n for n, i in enumerate(order)}
    for e in default_glossary():
        for p in e.prerequisites:
            assert pos[p] < pos[e.id], f"{p} should come before {e.id}"


def test_all_is_sorted_unique_and_importable():
    names = dlterms.__all__
    assert names == sorted(names) and len(set(names)) == len(names)
    for name in names:
        assert callable(getattr(dlterms, name)), name


def test_import_stays_light():
    """`import dlterms` must not pull the loader or any build-only dependency."""
    code = (
        "import sys, dlterms\n"
        "heavy = {'yaml', 'jsonschema', 'mkdocs', 'genanki', 'matplotlib', 'scipy', 'torch',"
        " 'markdown', 'dlterms.kb.glossary'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- CLI


def test_cli_show(capsys):
    assert main(["show", "MSE"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mean squared error\n")
    assert "Formula:" in out and "Example:" in out
    assert "dlterms.losses.mean_squared_error(y_true, y_pred)" in out


def test_cli_show_unknown(capsys):
    assert main(["show", "sofmax"]) == 1
    assert "did you mean" in capsys.readouterr().err


def test_cli_search(capsys):
    assert main(["search", "cross", "entropy"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Cross-entropy loss")


def test_cli_check_clean(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_console_script_is_installed():
    exe = Path(sys.executable).with_name("dlterms")
    out = subprocess.run([str(exe), "show", "relu"], capture_output=True, text=True, check=True)
    assert "ReLU" in out.stdout
