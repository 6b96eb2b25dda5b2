"""Every checker rule has a failing fixture that proves it fires, with its line and fix."""

from __future__ import annotations

import re
import shutil
import sys
import types
from pathlib import Path

import pytest

import dlterms
from dlterms.cli import main
from dlterms.kb.glossary import GlossaryError, check_glossary, load_glossary

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "checker"

# case file -> (code, field, line, words the message or fix must contain)
CASES = {
    "yaml-syntax.yaml": ("syntax", "(file)", 4, ["YAML syntax error", "line 3"]),
    "empty.yaml": ("empty", "(file)", 1, ["is empty", "term"]),
    "not-mapping.yaml": ("not-mapping", "(file)", 1, ["mapping", "got a list"]),
    "missing-term.yaml": ("missing-field", "term", 1, ["required", "Display name"]),
    "missing-definition.yaml": ("missing-field", "definition", 1, ["required"]),
    "unknown-field.yaml": ("unknown-field", "see_alsoo", 4, ["did you mean 'see_also'?"]),
    "wrong-type.yaml": ("wrong-type", "aliases", 3, ["must be a list, got string"]),
    "id-mismatch.yaml": ("id-mismatch", "id", 1, ["another-name", "rename"]),
    "Bad_Id.yaml": ("bad-id", "(file)", 1, ["not a valid id", "bad-id.yaml"]),
    "duplicate-alias.yaml": ("duplicate-name", "aliases[1]", 5, ["'AT'", "alpha-term.yaml"]),
    "unknown-see-also.yaml": ("unknown-ref", "see_also[1]", 6, ["did you mean 'beta-term'?"]),
    "implementation-import.yaml": ("implementation", "implementation[0]", 5, ["does not import"]),
    "implementation-no-doctest.yaml": (
        "implementation",
        "implementation[0]",
        5,
        ["no doctested Examples", "'Examples' section"],
    ),
    "unknown-tag.yaml": ("unknown-tag", "tags[1]", 5, ["vocabulary", "did you mean 'metrics'?"]),
    "not-utf8.yaml": ("encoding", "(file)", 2, ["not valid UTF-8", "UTF-8"]),
}


def make_glossary(tmp_path: Path, *cases: str) -> Path:
    root = tmp_path / "glossary"
    root.mkdir()
    shutil.copy(ROOT / "glossary" / "schema.json", root)
    for f in (FIXTURES / "base").glob("*.yaml"):
        shutil.copy(f, root)
    for case in cases:
        shutil.copy(FIXTURES / "cases" / case, root)
    return root


@pytest.fixture
def undocumented_function(monkeypatch):
    """A public dlterms function with no Examples section, for the no-doctest rule."""
    module = types.ModuleType("dlterms.fixture_topic")

    def undocumented(x):
        """Return x unchanged; deliberately has no Examples section."""
        return x

    module.undocumented = undocumented
    monkeypatch.setitem(sys.modules, "dlterms.fixture_topic", module)
    monkeypatch.setattr(dlterms, "undocumented", undocumented, raising=False)
    monkeypatch.setattr(dlterms, "__all__", [*dlterms.__all__, "undocumented"])


def test_every_case_file_has_an_expectation():
    assert sorted(p.name for p in (FIXTURES / "cases").iterdir()) == sorted(CASES)


def test_base_fixtures_are_clean(tmp_path):
    assert check_glossary(make_glossary(tmp_path)) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_fires(case, tmp_path, undocumented_function):
    code, field, line, words = CASES[case]
    problems = check_glossary(make_glossary(tmp_path, case))
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    (problem,) = problems
    assert problem.path == f"glossary/{case}"
    assert (problem.field, problem.line) == (field, line)
    text = str(problem)
    assert text.startswith(f"glossary/{case}:{line}: {field}: ")
    assert re.search(r"\(.+\)$", text), "every problem says how to fix it"
    for w in words:
        assert w in text


def test_all_problems_are_reported_at_once(tmp_path, undocumented_function, capsys):
    root = make_glossary(tmp_path, *CASES)
    problems = check_glossary(root)
    assert len(problems) == len(CASES)
    with pytest.raises(GlossaryError) as info:
        load_glossary(root)
    assert info.value.report().endswith(f"Found {len(CASES)} error(s) in {len(CASES)} file(s)")

    assert main(["check", "--glossary", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"Found {len(CASES)} error(s) in {len(CASES)} file(s)"
    assert len(out) == len(CASES) + 1


def test_a_file_with_several_problems_counts_once_per_file(tmp_path):
    root = make_glossary(tmp_path)
    (root / "two-problems.yaml").write_text(
        "term: Two problems\n"
        "definition: This entry has an unknown tag and a dangling see_also link.\n"
        "tags: [nonsense]\n"
        "see_also: [gamma-term]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    problems = check_glossary(root)
    # schema problems stop the entry before cross-entry rules, so only the tag is reported
    assert [p.code for p in problems] == ["unknown-tag"]
    (root / "two-problems.yaml").write_text(
        "term: Two problems\n"
        "definition: This entry has a dangling see_also link and a dangling prerequisite.\n"
        "tags: [foundations]\n"
        "see_also: [gamma-term]\n"
        "prerequisites: [delta-term]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    problems = check_glossary(root)
    assert [(p.code, p.line) for p in problems] == [("unknown-ref", 5), ("unknown-ref", 4)][::-1]
    assert GlossaryError(problems).report().endswith("Found 2 error(s) in 1 file(s)")


def test_prerequisite_cycle_is_reported(tmp_path):
    root = make_glossary(tmp_path)
    text = (root / "alpha-term.yaml").read_text(encoding="utf-8")
    (root / "alpha-term.yaml").write_text(text + "prerequisites: [beta-term]\n", encoding="utf-8")
    problems = check_glossary(root)
    assert [p.code for p in problems] == ["cycle"]
    assert "alpha-term -> beta-term -> alpha-term" in str(problems[0]) or (
        "beta-term -> alpha-term -> beta-term" in str(problems[0])
    )


def test_term_clashing_with_another_entrys_alias(tmp_path):
    root = make_glossary(tmp_path)
    (root / "gamma-term.yaml").write_text(
        "term: BT\n"
        "definition: This entry's term is already the alias of the beta fixture.\n"
        "tags: [foundations]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    (problem,) = check_glossary(root)
    assert (problem.code, problem.field, problem.line) == ("duplicate-name", "term", 1)


def test_private_or_unexported_implementation(tmp_path):
    root = make_glossary(tmp_path)
    (root / "gamma-term.yaml").write_text(
        "term: Gamma term\n"
        "definition: This entry links the loader, which is not a public reference function.\n"
        "tags: [foundations]\n"
        "implementation: [dlterms.kb.glossary.load_glossary]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    (problem,) = check_glossary(root)
    assert "is not public" in str(problem) and "__all__" in str(problem)


def test_the_real_glossary_is_clean():
    problems = check_glossary(ROOT / "glossary")
    assert problems == [], "\n".join(map(str, problems))


def test_disambiguation_sense_must_name_an_entry(tmp_path):
    root = make_glossary(tmp_path)
    (root / "gamma-term.yaml").write_text(
        "term: Gamma term\n"
        "definition: An overloaded fixture word whose other sense names a missing entry.\n"
        "tags: [foundations]\n"
        "sources: [000_162742986209318a.txt]\n"
        "disambiguation:\n"
        "  word: term\n"
        "  senses:\n"
        "    - see: alpha-term\n"
        "      sense: the first fixture\n"
        "    - see: alpah-term\n"
        "      sense: a typo\n",
        encoding="utf-8",
    )
    (problem,) = check_glossary(root)
    assert str(problem) == (
        "glossary/gamma-term.yaml:10: disambiguation.senses[1].see: 'alpah-term' is not an "
        "entry (did you mean 'alpha-term'?)"
    )
    fixed = (root / "gamma-term.yaml").read_text(encoding="utf-8").replace("alpah", "beta")
    (root / "gamma-term.yaml").write_text(fixed, encoding="utf-8")
    glossary = load_glossary(root)
    assert [e.id for e in glossary.senses("Term")] == ["gamma-term", "alpha-term", "beta-term"]
    with pytest.raises(KeyError, match="several meanings.*'Gamma term', 'Alpha term'"):
        glossary.lookup("term")


def test_quiz_items_need_unique_stable_ids(tmp_path):
    root = make_glossary(tmp_path)
    text = (root / "beta-term.yaml").read_text(encoding="utf-8")
    (root / "beta-term.yaml").write_text(
        text.replace("id: fixture-cloze", "id: what-is-this"), encoding="utf-8"
    )
    (problem,) = check_glossary(root)
    assert (problem.code, problem.field, problem.line) == ("duplicate-quiz-id", "quiz[1].id", 12)
    (root / "beta-term.yaml").write_text(
        text.replace("  - id: fixture-cloze\n    cloze:", "  - cloze:"), encoding="utf-8"
    )
    (problem,) = check_glossary(root)
    assert (problem.code, problem.field) == ("missing-field", "quiz[1].id")
    assert "stable kebab-case id" in str(problem)
