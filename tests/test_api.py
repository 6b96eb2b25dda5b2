"""The Python API and the command line, on the real glossary."""

from __future__ import annotations

import ast
import doctest
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORE_ENTRIES

import dlterms
from dlterms.cli import main
from dlterms.kb import readcopy
from dlterms.kb.glossary import GlossaryError, default_glossary, load_glossary, study_order

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


@pytest.mark.parametrize("entry_id", CORE_ENTRIES)
def test_core_entries_are_complete(entry_id):
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


TOOLING_ONLY = {"yaml", "jsonschema", "mkdocs", "material", "mkdocstrings", "genanki", "matplotlib"}
READ_PATH = {"dlterms.kb", "dlterms.kb.model", "dlterms.kb.readcopy"}
#: What `dlterms show` adds to the read path: its text rendering, stdlib only as well.
SHOW_PATH = READ_PATH | {"dlterms.kb.present", "dlterms.kb.site_text", "dlterms.kb.texttext"}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level?) for every import statement in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            out.append((node.module or "", id(node) in top))
    return out


def test_each_layer_imports_only_what_it_may():
    """Static scan of every module: the reference layer, the read path, the tooling."""
    allowed_roots = {"numpy", "dlterms", "__future__", *sys.stdlib_module_names}
    package = ROOT / "dlterms"
    for path in sorted(package.glob("*.py")):
        if path.name in ("cli.py", "__main__.py"):  # entry points: thin wrappers over both layers
            continue
        for name, _ in _imports(path):
            assert name.split(".")[0] in allowed_roots, f"{path.name} imports {name}"
            if name.startswith("dlterms.kb") and path.name == "__init__.py":
                # lookup/search call the read path, lazily; never the checker or a builder
                assert name in READ_PATH, f"dlterms/__init__.py imports {name}"
            else:
                assert not name.startswith(("dlterms.kb", "dlterms.cli")), f"{path.name}: {name}"
    for path in sorted(package.rglob("*.py")):
        inside_kb = path.is_relative_to(package / "kb")
        for name, _ in _imports(path):
            if name.split(".")[0] in TOOLING_ONLY:
                assert inside_kb, f"{path.relative_to(ROOT)} imports {name}; only dlterms.kb may"
    for module in sorted(SHOW_PATH - {"dlterms.kb"}):
        path = ROOT / (module.replace(".", "/") + ".py")
        for name, at_top in _imports(path):
            if at_top:  # what a lookup loads; the YAML fallback imports PyYAML when called
                assert name.split(".")[0] in allowed_roots - {"numpy"}, f"{module}: {name}"
                assert not name.startswith("dlterms") or name in SHOW_PATH, f"{module}: {name}"


def test_import_stays_light_and_reading_runs_no_checker():
    """In a fresh process: `import dlterms` loads no tooling; lookup, search and show load
    the read path only (no YAML, no JSON Schema, no checker) when the read copy is fresh."""
    assert main(["check"]) == 0  # writes a fresh read copy, as make test does
    code = (
        "import sys, dlterms\n"
        "heavy = {'yaml', 'jsonschema', 'mkdocs', 'genanki', 'matplotlib', 'scipy', 'torch',"
        " 'markdown', 'dlterms.kb.glossary', 'dlterms.cli'}\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.startswith('dlterms.kb')))\n"
        "dlterms.lookup('MSE'), dlterms.search('cross entropy')\n"
        "from dlterms.cli import main\n"
        "main(['show', 'softmax']), main(['search', 'loss'])\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.startswith('dlterms.kb')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "[]"
    assert lines[-1] == str(sorted({*SHOW_PATH, "dlterms.cli"}))


# --------------------------------------------------------------------------- the read copy


def _own_glossary(tmp_path, monkeypatch) -> Path:
    """A copy of the real glossary that the read path treats as the package's own."""
    root = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", root)
    monkeypatch.setattr(readcopy, "package_glossary_dir", lambda: root)
    return root


def _fields(glossary) -> list[tuple]:
    return [(e, e.path) for e in glossary]


def test_read_copy_and_fallback_give_the_checked_entries(tmp_path, monkeypatch):
    root = _own_glossary(tmp_path, monkeypatch)
    copy = tmp_path / "copy.json"
    files = readcopy.stamp(root)
    checked = load_glossary(root)
    readcopy.write_read_copy(checked, files, copy)
    from_copy = readcopy.read_glossary(root, read_copy=copy)
    unchecked = readcopy.read_glossary(root, read_copy=tmp_path / "missing.json")
    assert _fields(from_copy) == _fields(unchecked) == _fields(checked)
    for e in checked:
        assert from_copy[e.id].frameworks == e.frameworks
    for query in ["gradient", "mse", "cross entropy", "the", "loss function", "relu", "norm"]:
        ranked = [e.id for e in checked.search(query, limit=20)]
        assert [e.id for e in from_copy.search(query, limit=20)] == ranked
        assert [e.id for e in unchecked.search(query, limit=20)] == ranked


def test_read_copy_is_used_only_while_fresh(tmp_path, monkeypatch):
    root = _own_glossary(tmp_path, monkeypatch)
    copy = tmp_path / "copy.json"
    readcopy.write_read_copy(load_glossary(root), readcopy.stamp(root), copy)
    parsed = []
    real_parse = readcopy._parse_unchecked
    monkeypatch.setattr(readcopy, "_parse_unchecked", lambda r: parsed.append(r) or real_parse(r))

    def uses_copy() -> bool:
        before = len(parsed)
        readcopy.read_glossary(root, read_copy=copy)
        return len(parsed) == before

    assert uses_copy()
    softmax = root / "softmax.yaml"
    text = softmax.read_text(encoding="utf-8")
    os.utime(softmax, ns=(softmax.stat().st_atime_ns, softmax.stat().st_mtime_ns + 10**9))
    assert not uses_copy(), "a touched file makes the copy stale"
    readcopy.write_read_copy(load_glossary(root), readcopy.stamp(root), copy)
    assert uses_copy()
    softmax.write_text(text.replace("term: Softmax", "term: Softmax function"), encoding="utf-8")
    os.utime(softmax, ns=(0, readcopy.stamp(root)["softmax.yaml"][1]))  # same mtime, new size
    assert not uses_copy(), "an edit of the same mtime still changes the size"
    assert readcopy.read_glossary(root, read_copy=copy)["softmax"].term == "Softmax function"
    readcopy.write_read_copy(load_glossary(root), readcopy.stamp(root), copy)
    (root / "zz-new.yaml").write_text((root / "relu.yaml").read_text(encoding="utf-8"))
    assert not uses_copy(), "an added file makes the copy stale"
    (root / "zz-new.yaml").unlink()
    assert uses_copy()
    (root / "relu.yaml").unlink()
    assert not uses_copy(), "a removed file makes the copy stale"
    shutil.copy(ROOT / "glossary" / "relu.yaml", root)
    readcopy.write_read_copy(load_glossary(root), readcopy.stamp(root), copy)
    assert uses_copy()
    data = json.loads(copy.read_text(encoding="utf-8"))
    copy.write_text(json.dumps({**data, "format": readcopy.FORMAT + 1}), encoding="utf-8")
    assert not uses_copy(), "a copy of another format is ignored"


def test_reading_a_broken_glossary_reports_like_the_checker(tmp_path):
    root = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", root)
    (root / "softmax.yaml").write_text("term: [unclosed\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"glossary/softmax.yaml:2: \(file\): YAML syntax"):
        readcopy.read_glossary(root)


def test_check_and_build_refresh_the_read_copy_only_for_the_project_glossary(tmp_path, monkeypatch):
    # Record every write instead of comparing the file's mtime, which another test
    # process building the project (pytest -n) may refresh at the same moment.
    writes: list[Path] = []
    real_write = readcopy.write_read_copy

    def spy(glossary, files, path=readcopy.READ_COPY):
        writes.append(Path(path))
        return real_write(glossary, files, path)

    monkeypatch.setattr(readcopy, "write_read_copy", spy)
    other = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", other)
    assert main(["check", "--glossary", str(other)]) == 0
    assert writes == [], "checking another folder leaves the package's read copy alone"
    assert main(["check"]) == 0
    assert writes == [readcopy.READ_COPY]
    data = json.loads(readcopy.READ_COPY.read_text(encoding="utf-8"))
    assert data["files"] == readcopy.stamp(ROOT / "glossary")
    assert sorted(data["entries"]) == sorted(default_glossary().entries)


# --------------------------------------------------------------------------- CLI


def test_cli_show(capsys):
    assert main(["show", "MSE"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mean squared error\n")
    assert "\nFORMULA\n" in out and "\nEXAMPLE\n" in out
    assert "MSE(y, ŷ) = 1/n ∑ᵢ₌₁ⁿ (yᵢ - ŷᵢ)²" in out  # math as text, not LaTeX
    assert "dlterms.mean_squared_error(y_true, y_pred)" in out


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
