"""The Python and terminal faces: notebook Markdown, `dlterms show`, `dlterms quiz`."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

import dlterms
from dlterms.cli import main
from dlterms.kb.quiz import cards, run_quiz
from dlterms.kb.readcopy import reading_glossary

ENTRIES = sorted(e.id for e in reading_glossary())
ROLE = re.compile(r":(func|class|meth|mod|attr|data|obj|ref|doc):`")
RAW_TEX = re.compile(r"\\[A-Za-z]+|\\[{}|,;!]")


def _markdown(text: str) -> str:
    """Render with the project's Markdown stack, as mkdocs.yml configures math."""
    import markdown

    return markdown.markdown(
        text,
        extensions=["pymdownx.arithmatex", "fenced_code", "pymdownx.superfences"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


def test_repr_is_short_and_markdown_is_the_notebook_view():
    e = dlterms.lookup("softmax")
    assert repr(e) == "Entry('softmax', term='Softmax')"
    md = e._repr_markdown_()
    assert md.startswith("### Softmax\n")
    for part in ("$$", "**Worked example.**", "```python", "**Pitfalls**", "`dlterms.softmax("):
        assert part in md


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_every_entry_renders_as_markdown_with_balanced_math_and_no_roles(entry_id):
    md = reading_glossary()[entry_id]._repr_markdown_()
    assert not ROLE.search(md), ROLE.search(md)
    html = _markdown(md)
    # arithmatex turns every balanced $...$ and $$...$$ into \( \) / \[ \] spans:
    # a dollar left over in the HTML is an unbalanced delimiter.
    outside = re.sub(r'<(span|div) class="arithmatex">.*?</\1>', "", html, flags=re.S)
    outside = re.sub(r"<code>.*?</code>", "", outside, flags=re.S)
    assert "$" not in outside.replace("\\$", ""), outside[outside.find("$") - 80 :][:160]
    assert html.count('class="arithmatex"') >= md.count("$$") // 2


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_show_every_entry_without_raw_latex(capsys, fmt):
    for entry_id in ENTRIES:
        assert main(["show", entry_id, "--format", fmt, "--width", "80"]) == 0
        out = capsys.readouterr().out
        if fmt == "text":
            prose = "\n".join(ln for ln in out.splitlines() if not ln.startswith("    "))
            assert not RAW_TEX.search(prose), (entry_id, RAW_TEX.search(prose))
            assert "$" not in prose, (entry_id, prose[prose.find("$") - 40 :][:80])
            too_long = [ln for ln in prose.splitlines() if len(ln) > 80]
            assert not too_long, (entry_id, too_long)
        elif fmt == "json":
            assert json.loads(out)["id"] == entry_id


def test_show_wraps_to_the_width_and_colours_only_on_request(capsys):
    from dlterms.kb.present import entry_text

    e = dlterms.lookup("cross entropy")
    plain = entry_text(e, width=60)
    assert "\x1b[" not in plain
    text_lines = [ln for ln in plain.splitlines() if not ln.startswith("    >>>")]
    assert all(len(ln) <= 60 for ln in text_lines if not ln.startswith("    ")), plain
    assert "\x1b[1;4m" in entry_text(e, width=60, color=True)
    main(["show", "MSE"])  # captured stdout is not a terminal: no colour
    assert "\x1b[" not in capsys.readouterr().out


def test_show_respects_no_color_even_on_a_terminal(monkeypatch):
    from dlterms import cli

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli._use_color(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._use_color(Tty())


def test_quiz_through_stdin_scores_and_summarises():
    glossary = reading_glossary()
    pool = cards([glossary["softmax"]])
    assert len(pool) == 1 + len(glossary["softmax"].quiz)
    assert all("{{c" not in c.question and "$" not in c.question for c in pool)
    out = io.StringIO()
    # three questions: know, miss (after a wrong key), know
    stdin = io.StringIO("\ny\n\nmaybe\nn\n\nyes\n")
    status = run_quiz(tags=["activations"], count=3, seed=1, stdin=stdin, stdout=out)
    text = out.getvalue()
    assert status == 0
    assert text.count("Did you know it? [y/n]") == 3
    assert "Please answer y or n" in text
    assert "You knew 2 of 3 (67 %)." in text
    assert "Review: " in text


def test_quiz_stops_cleanly_at_end_of_input_and_rejects_an_unknown_tag():
    out = io.StringIO()
    assert run_quiz(tags=[], count=5, seed=0, stdin=io.StringIO("\ny\n"), stdout=out) == 0
    assert "You knew 1 of 1 (100 %)." in out.getvalue()
    out = io.StringIO()
    assert run_quiz(tags=["no-such-tag"], count=5, seed=0, stdin=io.StringIO(""), stdout=out) == 1
    assert "no entries with tag no-such-tag" in out.getvalue()


def test_python_dash_m_is_the_command_with_version_and_exit_codes():
    run = [sys.executable, "-m", "dlterms"]
    version = subprocess.run([*run, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.strip() == f"dlterms {dlterms.__version__}"
    help_text = subprocess.run([*run, "--help"], capture_output=True, text=True).stdout
    assert "exit status: 0 success; 1" in help_text and "quiz" in help_text
    unknown = subprocess.run([*run, "show", "no such term"], capture_output=True, text=True)
    assert unknown.returncode == 1 and "no glossary entry" in unknown.stderr
    quiz = subprocess.run(
        [*run, "quiz", "-n", "1", "--seed", "0"], input="\nn\n", capture_output=True, text=True
    )
    assert quiz.returncode == 0 and "You knew 0 of 1 (0 %)." in quiz.stdout


def test_help_names_the_glossary_entry_in_the_summary_line():
    """`help(dlterms.f)` starts with a line that names the entry (term or alias) linking f."""
    from dlterms.kb.model import normalize_name

    linking: dict[str, list] = {}
    for e in reading_glossary():
        for dotted in e.implementation:
            linking.setdefault(dotted, []).append(e)
    missing = []
    for dotted, entries in sorted(linking.items()):
        function = getattr(dlterms, dotted.rsplit(".", 1)[1])
        summary = normalize_name((function.__doc__ or "").strip().split("\n", 1)[0])
        names = {normalize_name(n) for e in entries for n in e.names}
        # a name as whole words, allowing a plural ("saturated neurons")
        if not any(n and re.search(rf"\b{re.escape(n)}s?\b", summary) for n in names):
            missing.append(f"{dotted}: name one of {sorted(e.term for e in entries)}")
    assert not missing, "\n".join(missing)
