"""Every checker rule has a failing fixture that proves it fires, with its line and fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import dlterms
from dlterms.cli import main
from dlterms.kb import glossary as checker
from dlterms.kb.glossary import (
    GlossaryError,
    Limits,
    check_glossary,
    load_glossary,
)
from dlterms.kb.rules import RULES, Problem

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "checker"
CASES_DIR = FIXTURES / "cases"

# The review standard's rules (see MAX_DEFINITION_WORDS) may be switched off; the
# fixtures are checked with them on.
REVIEW = Limits(max_definition_words=35, max_questions_per_item=1)

# rule code -> (file, field, line, words the message or fix must contain); the
# failing fixture of each code is the folder cases/<code>/
CASES = {
    "DLT001": ("not-utf8.yaml", "(file)", 2, ["not valid UTF-8", "byte 0xe9", "re-save"]),
    "DLT002": ("yaml-syntax.yaml", "(file)", 4, ["YAML syntax error", "line 3"]),
    "DLT003": ("empty.yaml", "(file)", 1, ["is empty", "term"]),
    "DLT004": ("not-mapping.yaml", "(file)", 1, ["mapping", "got a list"]),
    "DLT005": ("yml-extension.yml", "(file)", 1, ["extension .yml", "yml-extension.yaml"]),
    "DLT006": ("Bad_Id.yaml", "(file)", 1, ["not a valid id", "bad-id.yaml"]),
    "DLT007": ("id-mismatch.yaml", "id", 1, ["another-name", "rename"]),
    "DLT010": ("unknown-field.yaml", "see_alsoo", 4, ["did you mean 'see_also'?"]),
    "DLT011": ("missing-term.yaml", "term", 1, ["required", "Display name"]),
    "DLT012": ("quiz-without-id.yaml", "quiz[0].id", 6, ["required", "stable kebab-case id"]),
    "DLT013": ("wrong-type.yaml", "aliases", 3, ["must be a list, got string", "[a, b]"]),
    "DLT014": ("unknown-tag.yaml", "tags[1]", 5, ["vocabulary", "did you mean 'metrics'?"]),
    "DLT015": ("unknown-source.yaml", "sources[1]", 6, ["'no-such-seed.txt'", "seed file"]),
    "DLT016": ("bad-ref.yaml", "see_also[0]", 4, ["'Alpha term' is not a valid id", "kebab"]),
    "DLT017": ("bad-quiz.yaml", "quiz[0]", 6, ["neither", "{question: ..., answer: ...}"]),
    "DLT018": ("empty-formula.yaml", "formula", 4, ["non-empty", "LaTeX"]),
    "DLT020": ("duplicate-alias.yaml", "aliases[1]", 5, ["'AT'", "alpha-term.yaml"]),
    "DLT021": ("self-link.yaml", "see_also[1]", 6, ["links the entry to itself", "remove it"]),
    "DLT022": ("unknown-see-also.yaml", "see_also[1]", 6, ["did you mean 'beta-term'?"]),
    "DLT023": ("repeated-quiz-id.yaml", "quiz[1].id", 9, ["'same'", "its own id"]),
    "DLT024": ("cycle-two.yaml", "prerequisites[1]", 4, ["cycle-one -> cycle-two -> cycle-one"]),
    "DLT030": ("implementation-import.yaml", "implementation[0]", 5, ["does not import"]),
    "DLT031": ("implementation-typo.yaml", "implementation[0]", 5, ["did you mean 'undocumented'"]),
    "DLT032": ("implementation-unexported.yaml", "implementation[0]", 5, ["not public", "__all__"]),
    "DLT033": ("implementation-constant.yaml", "implementation[0]", 5, ["not a function"]),
    "DLT034": (
        "implementation-no-doctest.yaml",
        "implementation[0]",
        5,
        ["no doctested Examples", "'Examples' section"],
    ),
    "DLT050": ("folder-entry.yaml", "(file)", 1, ["is a folder, not a file", "rename it"]),
    "DLT051": ("huge.yaml", "(file)", 1, ["bytes; an entry may be at most 262,144", "split"]),
    "DLT052": ("nul-byte.yaml", "(file)", 6, ["contains a NUL byte", "plain UTF-8"]),
    "DLT053": ("alias-bomb.yaml", "(file)", 5, ["anchor or alias", "write the text out"]),
    "DLT054": ("too-deep.yaml", "(file)", 6, ["more than 16 levels", "four levels"]),
    "DLT055": ("null-key.yaml", "(file)", 6, ["field name that is not text: null", "plain words"]),
    "DLT056": ("twice.yaml", "explanation", 7, ["written twice, on lines 6 and 7", "keep one"]),
    "DLT040": ("long-definition.yaml", "definition", 2, ["37 words, more than 35", "30 words"]),
    "DLT041": ("two-questions.yaml", "quiz[0].question", 7, ["asks 2 questions", "one thing"]),
    "DLT060": ("blank-text.yaml", "explanation", 4, ["is only whitespace", "remove the field"]),
    "DLT061": ("nameless-alias.yaml", "aliases[0]", 3, ["'😀' has no letter or digit"]),
    "DLT062": ("raw-html.yaml", "explanation", 7, ["raw HTML <script> and 1 more", "`code`"]),
    "DLT063": (
        "unsafe-link.yaml",
        "pitfalls[1]",
        7,
        ["'JaVaScRiPt:alert(document.cookie)'", "http(s) or mailto"],
    ),
    "DLT064": ("unsafe-tex.yaml", "formula", 5, ["uses \\href in math", "outside the math"]),
    "DLT065": (
        "example-fails.yaml",
        "example.code",
        9,
        ["fails at '>>> x + 1': expected 3, got 2", "run it in Python"],
    ),
    "DLT066": (
        "docstring-fails.yaml",
        "implementation[0]",
        5,
        [
            "'dlterms.fixture_topic.wrong_example' fails",
            "tests/test_checker.py:",
            "expected 2, got 1",
        ],
    ),
    "DLT067": ("katex-error.yaml", "formula", 5, ["KaTeX cannot typeset '\\frac{1}{2'", "red"]),
    "DLT068": (
        "unclosed-cloze.yaml",
        "quiz[0].cloze",
        7,
        ["never closes the deletion '{{c1::deletion", "with }}"],
    ),
    "DLT069": ("cloze-math.yaml", "quiz[0].cloze", 7, ["'$e^{z_{i}}/", "write '} }'"]),
}

NODE = shutil.which("node")
#: Without Node.js the KaTeX rule cannot run; the checker says so on stderr instead.
NEEDS_NODE = {"DLT067"}
needs_node = pytest.mark.skipif(NODE is None, reason="node is not on the PATH: KaTeX cannot run")


def _runnable(codes):
    return [c for c in codes if NODE or c not in NEEDS_NODE]


def make_glossary(tmp_path: Path, *codes: str) -> Path:
    root = tmp_path / "glossary"
    root.mkdir()
    shutil.copy(ROOT / "glossary" / "schema.json", root)
    for f in (FIXTURES / "base").glob("*.yaml"):
        shutil.copy(f, root)
    for code in codes:
        for f in (CASES_DIR / code).iterdir():
            if f.is_dir():  # a folder named like an entry file is itself the fixture
                shutil.copytree(f, root / f.name)
            else:
                shutil.copy(f, root, follow_symlinks=False)
    return root


@pytest.fixture
def fixture_topic(monkeypatch):
    """A reference module whose functions break the implementation rules.

    ``undocumented`` is exported but has no Examples section, ``unexported`` is not
    in dlterms.__all__, and ``not_a_function`` is exported but not callable.
    """
    module = types.ModuleType("dlterms.fixture_topic")

    def undocumented(x):
        """Return x unchanged; deliberately has no Examples section."""
        return x

    def unexported(x):
        """Return x unchanged.

        Examples
        --------
        >>> unexported(1)
        1
        """
        return x

    def wrong_example(x):
        """Return x unchanged; its example claims otherwise.

        Examples
        --------
        >>> wrong_example(1)
        2
        """
        return x

    module.undocumented, module.unexported, module.not_a_function = undocumented, unexported, 3
    module.wrong_example = wrong_example
    wrong_example.__module__ = module.__name__  # its examples run in the module's globals
    monkeypatch.setitem(sys.modules, "dlterms.fixture_topic", module)
    exported = ("undocumented", "not_a_function", "wrong_example")
    for name in exported:
        monkeypatch.setattr(dlterms, name, getattr(module, name), raising=False)
    monkeypatch.setattr(dlterms, "__all__", [*dlterms.__all__, *exported])


def test_every_rule_has_a_failing_fixture():
    assert sorted(p.name for p in CASES_DIR.iterdir()) == sorted(RULES) == sorted(CASES)


def test_rule_table_is_complete_and_imperative():
    for code, rule in RULES.items():
        assert re.fullmatch(r"DLT\d{3}", code) and rule.code == code
        assert rule.summary[0].isupper() and not rule.summary.endswith("."), rule.summary
        assert rule.message and rule.fix, code


def test_a_problem_needs_a_code_from_the_table():
    with pytest.raises(ValueError, match="must be one of the rule codes.*got 'DLT999'"):
        Problem("glossary/x.yaml", 1, "term", "is wrong", "fix it", "DLT999")
    with pytest.raises(ValueError, match="got ''"):
        Problem("glossary/x.yaml", 1, "term", "is wrong", "fix it")


def test_base_fixtures_are_clean(tmp_path):
    assert check_glossary(make_glossary(tmp_path), limits=REVIEW) == []


@pytest.mark.parametrize(
    "code", [pytest.param(c, marks=needs_node) if c in NEEDS_NODE else c for c in sorted(CASES)]
)
def test_rule_fires(code, tmp_path, fixture_topic):
    name, field, line, words = CASES[code]
    problems = check_glossary(make_glossary(tmp_path, code), limits=REVIEW)
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    (problem,) = problems
    assert problem.path == f"glossary/{name}"
    assert (problem.field, problem.line) == (field, line)
    text = str(problem)
    assert text.startswith(f"glossary/{name}:{line}: {field}: ")
    assert re.search(r"\(.+\)$", text), "every problem says how to fix it"
    for w in words:
        assert w in text


def test_review_rules_follow_the_module_limits(tmp_path, monkeypatch):
    """One constant each turns the review rules on for check, build and the tests."""
    root = make_glossary(tmp_path, "DLT040", "DLT041")
    monkeypatch.setattr(checker, "MAX_DEFINITION_WORDS", None)
    monkeypatch.setattr(checker, "MAX_QUESTIONS_PER_ITEM", None)
    assert check_glossary(root) == []
    monkeypatch.setattr(checker, "MAX_DEFINITION_WORDS", 35)
    assert [p.code for p in check_glossary(root)] == ["DLT040"]
    monkeypatch.setattr(checker, "MAX_QUESTIONS_PER_ITEM", 1)
    assert [p.code for p in check_glossary(root)] == ["DLT040", "DLT041"]


def test_all_problems_are_reported_at_once(tmp_path, fixture_topic, capsys):
    root = make_glossary(tmp_path, *CASES)
    problems = check_glossary(root, limits=REVIEW)
    expected = _runnable(CASES)
    assert sorted(p.code for p in problems) == sorted(expected)
    assert all(p.code in RULES for p in problems)
    files = len({p.path for p in problems})
    assert files == len(expected)
    with pytest.raises(GlossaryError) as info:
        load_glossary(root, limits=REVIEW)
    assert info.value.report().endswith(f"Found {len(expected)} error(s) in {files} file(s)")

    # the command line checks with the module's limits (the review rules may be off)
    n = (
        len(expected)
        - (checker.MAX_DEFINITION_WORDS is None)
        - (checker.MAX_QUESTIONS_PER_ITEM is None)
    )
    assert main(["check", "--glossary", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"Found {n} error(s) in {n} file(s)"
    assert len(out) == n + 1


def test_a_schema_error_hides_no_other_files_cross_entry_errors(tmp_path, fixture_topic):
    """One file breaks the schema; every other file's cross-entry problems are still found."""
    cross = ["DLT020", "DLT021", "DLT022", "DLT023", "DLT024", "DLT031", "DLT034"]
    root = make_glossary(tmp_path, *cross)
    alone = sorted(p.code for p in check_glossary(root))
    (root / "schema-broken.yaml").write_text(
        "term: Schema broken\n"
        "aliases: [RSI]\n"
        "definition: This entry has a misspelt tag, which the schema rejects.\n"
        "tags: [foundation]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    (root / "clashing-alias.yaml").write_text(
        "term: Clashing alias\n"
        "aliases: [RSI]\n"
        "definition: This valid entry claims an alias the schema-broken entry already uses.\n"
        "tags: [foundations]\n"
        "sources: [000_162742986209318a.txt]\n",
        encoding="utf-8",
    )
    problems = check_glossary(root)
    assert alone == sorted(cross)
    assert sorted(p.code for p in problems) == sorted([*cross, "DLT014", "DLT020"])
    clash = [p for p in problems if p.path == "glossary/schema-broken.yaml" and p.code == "DLT020"]
    assert [str(p) for p in clash] == [
        "glossary/schema-broken.yaml:2: aliases[0]: 'RSI' is already used by "
        "glossary/clashing-alias.yaml (keep each name in one entry; link the other with see_also)"
    ]


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
    # an entry that breaks the schema is not read further: its links wait until it is fixed
    assert [p.code for p in problems] == ["DLT014"]
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
    assert [(p.code, p.line) for p in problems] == [("DLT022", 4), ("DLT022", 5)]
    assert GlossaryError(problems).report().endswith("Found 2 error(s) in 1 file(s)")


def test_prerequisite_cycle_is_reported(tmp_path):
    root = make_glossary(tmp_path)
    text = (root / "alpha-term.yaml").read_text(encoding="utf-8")
    (root / "alpha-term.yaml").write_text(text + "prerequisites: [beta-term]\n", encoding="utf-8")
    problems = check_glossary(root)
    assert [p.code for p in problems] == ["DLT024"]
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
    assert (problem.code, problem.field, problem.line) == ("DLT020", "term", 1)


def test_a_tooling_function_is_no_implementation(tmp_path):
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
    assert problem.code == "DLT032"
    assert "is not public" in str(problem) and "__all__ of dlterms.kb.glossary" in str(problem)


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
    assert (problem.code, problem.field, problem.line) == ("DLT023", "quiz[1].id", 12)
    (root / "beta-term.yaml").write_text(
        text.replace("  - id: fixture-cloze\n    cloze:", "  - cloze:"), encoding="utf-8"
    )
    (problem,) = check_glossary(root)
    assert (problem.code, problem.field) == ("DLT012", "quiz[1].id")
    assert "stable kebab-case id" in str(problem)


def test_hostile_files_are_reported_and_other_files_still_checked(tmp_path):
    """Each hostile file gives one located problem; the rest of the run goes on."""
    hostile = ["DLT050", "DLT051", "DLT052", "DLT053", "DLT054", "DLT055", "DLT056"]
    root = make_glossary(tmp_path, *hostile, "DLT022")
    (root / "dangling.yaml").symlink_to(root / "gone.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "dlterms.cli", "check", "--glossary", str(root)],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    out = proc.stdout
    assert "glossary/dangling.yaml:1: (file): is a dangling symbolic link" in out
    assert "glossary/unknown-see-also.yaml:6: see_also[1]: 'beta-trem' is not an entry" in out
    assert out.rstrip().endswith(f"Found {len(hostile) + 2} error(s) in {len(hostile) + 2} file(s)")


# --------------------------------------------------------------------------- hostile text

# One class of hostile text per key: fields (merged into a valid entry) that must each be
# refused by exactly one problem of the class's rule, and fields that must pass.
_ENTRY = {
    "term": "Hostile",
    "definition": "A fixture entry that carries one hostile value in one of its fields.",
    "tags": ["foundations"],
    "sources": ["000_162742986209318a.txt"],
}
HOSTILE = {
    "DLT060": [
        {"explanation": "   "},
        {"explanation": "\u3000\u200b\n"},
        {"definition": " " * 25},
        {"term": " "},
        {"aliases": ["\t"]},
        {"pitfalls": ["fine", " \n "]},
        {"quiz": [{"id": "q", "question": "What?", "answer": "  "}]},
        {"disambiguation": {"word": " ", "senses": [{"see": "alpha-term", "sense": "x"}]}},
    ],
    "DLT061": [{"aliases": ["😀"]}, {"aliases": ["!!!"]}, {"term": "∑"}, {"aliases": ["—"]}],
    "DLT062": [
        {"definition": "It ends here. <img src=x onerror=alert(1)> and goes on."},
        {"definition": 'A definition that breaks out "><svg onload=alert(1)> of meta.'},
        {"pitfalls": ["A comment <!-- hidden --> hides text."]},
        {"quiz": [{"id": "q", "question": "Why?", "answer": '<a href="javascript:x()">a</a>'}]},
        {"quiz": [{"id": "q", "cloze": "A {{c1::<b>bold</b>}} word."}]},
        {"example": {"text": "Then <script>alert(1)</script> runs."}},
        {"disambiguation": {"word": "x", "senses": [{"see": "alpha-term", "sense": "a </p>"}]}},
        {"term": "Hostile <i>term</i>"},
        {"aliases": ["<b>H</b>"]},
    ],
    "DLT063": [
        {"explanation": "[x](javascript:alert(1))"},
        {"explanation": "[x](JaVaScRiPt:alert(1))"},
        {"explanation": "[x]( vbscript:msgbox(1) )"},
        {"explanation": "[x](<javascript:alert(1)>)"},
        {"explanation": "<javascript:alert(1)>"},
        {"explanation": "[x](data:text/html;base64,PHNjcmlwdD4=)"},
        {"explanation": "![img](javascript:alert(1))"},
        {"explanation": "[x](java&#115;cript:alert(1))"},
        {"explanation": "See [x].\n\n[x]: javascript:alert(1)"},
        {"pitfalls": ["[x](file:///etc/passwd)"]},
    ],
    "DLT064": [
        {"formula": r"\href{https://x.org}{y}"},
        {"formula": r"x + \url{https://x.org}"},
        {"explanation": r"Then $\htmlClass{x}{y}$ runs."},
        {"definition": r"A fixture definition whose math $\includegraphics{x.png}$ is hostile."},
    ],
    "DLT065": [
        {"example": {"text": "Two.", "code": ">>> 1 + 1\n3\n"}},
        {"example": {"text": "Boom.", "code": ">>> 1 / 0\n0\n"}},
        {"example": {"text": "Forever.", "code": ">>> while True:\n...     pass\n"}},
    ],
    "DLT067": [
        {"formula": r"\frac{1}{2"},
        {"formula": r"\notacommand x"},
        {"explanation": r"Inline $x^{$ math."},
        {"explanation": "Display:\n\n$$\n\\left( x\n$$\n"},
        {"pitfalls": [r"A pitfall with $a \over b \over c$ in it."]},
    ],
    "DLT068": [
        {"quiz": [{"id": "q", "cloze": "A {{c1::deletion that never ends."}]},
        {"quiz": [{"id": "q", "cloze": "A {{c1::one}} and {{c2::two."}]},
        {"quiz": [{"id": "q", "cloze": "No deletion at all."}]},
        {"quiz": [{"id": "q", "cloze": "Braces {{c1::$x^{2}$ only in math."}]},
    ],
    "DLT069": [
        {"quiz": [{"id": "q", "cloze": "The {{c1::softmax}} of $e^{z_{i}}$."}]},
        {"quiz": [{"id": "q", "cloze": "{{c1::$\\frac{1}{2^{n}}$}} is small."}]},
    ],
}
HARMLESS = [
    {"explanation": "x<y and y<z, `<b>`, $a<b$ and <https://x.org> stay text."},
    {"explanation": "[a](https://x.org), [b](mailto:a@b.org), [c](../softmax.md), [d](#top)."},
    {"aliases": ["σ", "ＢＥＴＡ", "β-VAE"]},
    {"quiz": [{"id": "q", "cloze": "{{c1::$e^{x_{i} }$}} and {{c2::two::hint}}."}]},
    {"formula": r"\sigma(z) = \frac{1}{1 + e^{-z}}"},
    {"example": {"text": "Two.", "code": ">>> 1 + 1\n2\n"}},
]


def _hostile_glossary(tmp_path: Path, variants: list[dict]) -> Path:
    import yaml

    root = make_glossary(tmp_path)
    for i, fields in enumerate(variants):
        entry = {**_ENTRY, "term": f"Hostile {i}", **fields}
        text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
        (root / f"variant-{i}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "code", [pytest.param(c, marks=needs_node) if c in NEEDS_NODE else c for c in HOSTILE]
)
def test_each_class_of_hostile_text_is_refused_quickly(code, tmp_path, monkeypatch):
    monkeypatch.setattr("dlterms.kb.doccheck.TIME_LIMIT_SECONDS", 1.0)
    root = _hostile_glossary(tmp_path, HOSTILE[code])
    start = time.perf_counter()
    problems = check_glossary(root)
    took = time.perf_counter() - start
    assert took < 5, f"{took:.1f} s"
    by_file = {p.path: p for p in problems}
    assert len(by_file) == len(problems), [str(p) for p in problems]
    for i in range(len(HOSTILE[code])):
        found = by_file.get(f"glossary/variant-{i}.yaml")
        assert found is not None and found.code == code, (i, HOSTILE[code][i], str(found))
    assert len(problems) == len(HOSTILE[code])


def test_harmless_text_is_not_refused(tmp_path):
    assert check_glossary(_hostile_glossary(tmp_path, HARMLESS)) == []


def test_an_endless_example_is_stopped_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr("dlterms.kb.doccheck.TIME_LIMIT_SECONDS", 0.5)
    root = _hostile_glossary(tmp_path, [HOSTILE["DLT065"][2]])
    (problem,) = check_glossary(root)
    assert "got no result within 0.5 s, so it was stopped" in str(problem)
    assert problem.line == 9 and problem.field == "example.code"  # the '>>> while' line


def test_without_node_the_math_check_says_so_once(tmp_path, monkeypatch, capsys):
    from dlterms.kb import mathcheck

    monkeypatch.setattr(mathcheck.shutil, "which", lambda name: None)
    mathcheck.note_once.cache_clear()
    root = make_glossary(tmp_path, "DLT067")
    assert main(["check", "--glossary", str(root)]) == 0
    assert main(["check", "--glossary", str(root)]) == 0
    err = capsys.readouterr().err
    assert err.count("node is not on the PATH") == 1, err
    assert "were not checked with KaTeX" in err
    mathcheck.note_once.cache_clear()


@needs_node
def test_katex_parses_every_snippet_of_the_real_glossary():
    """The checker runs the site's own katex.min.js on the math the site would typeset."""
    from dlterms.kb import contentcheck, mathcheck

    glossary = load_glossary(ROOT / "glossary")
    snippets = []
    for entry in glossary:
        data = entry.to_mapping()
        for f in contentcheck.text_fields(data):
            snippets += [s for _, s in contentcheck.math_of(f)]
    assert len(snippets) > 1000 and sum(s.display for s in snippets) > 150
    errors = mathcheck.katex_errors(snippets)
    assert errors == [None] * len(snippets)
    bad = [mathcheck.Snippet(r"\frac{1}{2", True), mathcheck.Snippet("x^", False)]
    assert all(e for e in mathcheck.katex_errors(bad))
