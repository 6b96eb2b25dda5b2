"""Bad input to the Python API and the command line: a clear error, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import dlterms
from dlterms.kb import model

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("bad", [None, 3, 2.5, b"mse", ["mse"]])
def test_lookup_and_search_name_the_argument_of_the_wrong_type(bad):
    with pytest.raises(TypeError, match=r"^name must be a str; got "):
        dlterms.lookup(bad)
    with pytest.raises(TypeError, match=r"^query must be a str; got "):
        dlterms.search(bad)


@pytest.mark.parametrize("limit", [0, -1])
def test_search_limit_must_be_positive(limit):
    with pytest.raises(ValueError, match=f"limit must be a positive int; got {limit}"):
        dlterms.search("gradient", limit=limit)


@pytest.mark.parametrize("limit", [2.0, "3", True, None])
def test_search_limit_must_be_an_int(limit):
    with pytest.raises(TypeError, match="limit must be an int"):
        dlterms.search("gradient", limit=limit)


def test_search_work_is_bounded_by_distinct_words_not_query_length(monkeypatch):
    """A 100 KB query costs at most MAX_QUERY_WORDS prefix counts per field and entry."""
    from dlterms.kb.readcopy import reading_glossary

    calls = 0
    real = model._FieldIndex.prefix_count

    def counting(self, word):
        nonlocal calls
        calls += 1
        return real(self, word)

    monkeypatch.setattr(model._FieldIndex, "prefix_count", counting)
    per_word = 3 * len(reading_glossary())  # three weighted fields per entry
    hits = dlterms.search("grad " * 20_000)
    assert hits[0].term.startswith("Gradient")
    assert calls == per_word  # one distinct word, however often it is repeated
    calls = 0
    words = " ".join(f"w{i:06d}" for i in range(12_000))  # about 100 KB, all distinct
    assert len(words) > 90_000
    dlterms.search(words)
    assert calls == per_word * model.MAX_QUERY_WORDS


def test_names_fold_by_unicode_form_and_keep_non_ascii_letters():
    assert dlterms.lookup("ＭＳＥ").id == "mean-squared-error"
    assert model.normalize_name("σ") == "σ" != model.normalize_name("β")
    with pytest.raises(KeyError, match="no glossary entry is called '😀'"):
        dlterms.lookup("😀")


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dlterms.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("export", "--format", "csv", "-o", "/proc/no/such/dir/x.csv"), "cannot use"),
        (("check", "--glossary", "/no/such/glossary"), "no glossary folder at"),
        (("build", "--project", "/no/such/project"), "has no mkdocs.yml"),
        (("search", "mse", "-n", "0"), "must be at least 1"),
        (("search", "mse", "-n", "many"), "must be a whole number"),
    ],
)
def test_cli_bad_paths_and_values_give_one_line_and_a_non_zero_exit(args, words, tmp_path):
    proc = _cli(*args, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert words in proc.stderr


def test_build_into_an_unwritable_place_says_so(tmp_path):
    proc = _cli("build", "--project", str(ROOT), "--site-dir", "/proc/site", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "dlterms build: cannot use /proc/" in proc.stderr


def test_export_does_not_write_into_dist_by_default(tmp_path):
    proc = _cli("export", "--tag", "metrics", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "exports" / "dlterms-metrics.json").is_file()
    assert not (tmp_path / "dist").exists()
    assert "not dist/" in _cli("export", "--help").stdout
