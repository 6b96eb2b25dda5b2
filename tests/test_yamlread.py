"""Hostile glossary files: each is refused at a line with a fix, in seconds and bounded memory.

Every case runs the reader in a child process limited to 200 MB of address space
and 5 seconds, so a regression to quadratic time or to alias expansion fails here
instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dlterms.kb.yamlread import MAX_BYTES, read_entry

LIMIT_BYTES = 200 * 1024 * 1024
LIMIT_SECONDS = 5

_CHILD = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from pathlib import Path
    from dlterms.kb.yamlread import read_entry
    data, where, problems = read_entry(Path(sys.argv[1]))
    print(json.dumps([[p.key, p.line, p.field, p.message, p.fix] for p in problems]))
    """
)


def _read_bounded(path: Path) -> list[list]:
    child = _CHILD.format(limit=LIMIT_BYTES)
    proc = subprocess.run(
        [sys.executable, "-c", child, str(path)],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _one(problems: list[list], key: str) -> list:
    assert [p[0] for p in problems] == [key], problems
    problem = problems[0]
    assert problem[3] and problem[4], "every problem says what is wrong and how to fix it"
    return problem


def _write(tmp_path: Path, text: str | bytes, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


GOOD = "term: Softmax\ndefinition: Turns scores into probabilities.\ntags: [activations]\n"


def test_a_good_file_reads_with_the_line_of_every_field(tmp_path):
    data, where, problems = read_entry(_write(tmp_path, GOOD + "quiz:\n  - id: a\n    cloze: x\n"))
    assert problems == [] and data["term"] == "Softmax"
    assert where.line(["quiz", 0, "cloze"]) == 6
    assert where.line(["tags", 0]) == 3
    assert where.line(["quiz", 3, "answer"]) == 4  # deepest part that exists


def test_nul_byte(tmp_path):
    line = _one(_read_bounded(_write(tmp_path, GOOD + "explanation: a\x00b\n")), "nul-byte")
    assert line[1] == 4 and "NUL" in line[3]


def test_not_utf8(tmp_path):
    _one(_read_bounded(_write(tmp_path, GOOD.encode() + b"explanation: \xff\n")), "encoding")


@pytest.mark.parametrize(
    ("key", "shown"), [("1", ": 1"), ("null", ": null"), ("~", ": null"), ("yes", ": yes")]
)
def test_non_string_or_null_keys(tmp_path, key, shown):
    p = _one(_read_bounded(_write(tmp_path, GOOD + f"{key}: value\n")), "bad-key")
    assert p[1] == 4 and p[3].endswith(shown)


def test_a_folder_named_yaml(tmp_path):
    (tmp_path / "x.yaml").mkdir()
    assert "folder" in _one(_read_bounded(tmp_path / "x.yaml"), "not-a-file")[3]


def test_a_dangling_symlink_named_yaml(tmp_path):
    os.symlink(tmp_path / "gone.yaml", tmp_path / "x.yaml")
    assert "dangling" in _one(_read_bounded(tmp_path / "x.yaml"), "not-a-file")[3]


def test_nesting_a_thousand_levels_deep(tmp_path):
    deep = "explanation: " + "[" * 1000 + "]" * 1000 + "\n"
    assert _one(_read_bounded(_write(tmp_path, GOOD + deep)), "too-deep")[1] == 4
    deep_maps = "explanation: " + "{k: " * 1000 + "x" + "}" * 1000 + "\n"
    _one(_read_bounded(_write(tmp_path, GOOD + deep_maps)), "too-deep")


def test_a_billion_laughs_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(lines) + "\ndefinition: *i\n"
    assert len(bomb.encode()) < 700
    assert _one(_read_bounded(_write(tmp_path, GOOD.replace("definition", "d") + bomb)), "alias")


def test_any_alias_is_refused(tmp_path):
    text = GOOD + "explanation: &e hello\npitfalls: [*e]\n"
    p = _one(_read_bounded(_write(tmp_path, text)), "alias")
    assert p[1] == 4


def test_a_huge_file_is_refused_by_size(tmp_path):
    keys = "".join(f"k{i}: v\n" for i in range(1_000_000))
    p = _one(_read_bounded(_write(tmp_path, GOOD + keys)), "too-large")
    assert f"{MAX_BYTES:,}" in p[3]


def test_many_keys_under_the_size_limit_read_in_linear_time(tmp_path):
    # ~25,000 keys just under the limit: the checker's own line lookups must stay fast.
    keys = "".join(f"k{i}: v\n" for i in range(25_000))
    assert len(GOOD + keys) < MAX_BYTES
    assert _read_bounded(_write(tmp_path, GOOD + keys)) == []


def test_a_key_written_twice_names_both_lines(tmp_path):
    text = GOOD + "explanation: first\nexplanation: second\n"
    p = _one(_read_bounded(_write(tmp_path, text)), "duplicate-key")
    assert p[1] == 5 and "lines 4 and 5" in p[3] and p[2] == "explanation"
    text = GOOD + "quiz:\n  - id: a\n    id: b\n    cloze: x\n"
    p = _one(_read_bounded(_write(tmp_path, text)), "duplicate-key")
    assert p[2] == "quiz[0].id" and p[1] == 6
