"""Find the math in what contributors write, and ask KaTeX itself whether it parses.

The site typesets math in the reader's browser with the KaTeX the project vendors
(``docs/assets/katex/katex.min.js``, called by ``docs/assets/js/math.js``). The
checker runs that same file with Node.js, in one process for every snippet of the
glossary, so a formula is refused exactly when the page would show it as red
error text. The snippets are found the way the site finds them: the Markdown is
rendered with ``pymdownx.arithmatex`` (generic mode, as in ``mkdocs.yml``) and the
text of every ``.arithmatex`` element is read as ``math.js`` reads it.

Without ``node`` on the PATH the check cannot run; :func:`katex_errors` then
returns None and :func:`note_once` tells the user on stderr, once per process.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KATEX_JS", "Snippet", "katex_errors", "math_snippets", "note_once"]

#: The KaTeX the site serves; the checker runs the very same file.
KATEX_JS = Path(__file__).resolve().parents[2] / "docs" / "assets" / "katex" / "katex.min.js"

#: Longest time the one Node.js process may take for every snippet together.
TIMEOUT_SECONDS = 60.0

_NOTE = (
    "note: node is not on the PATH, so formulas and $...$ math were not checked with "
    "KaTeX; install Node.js (https://nodejs.org) to check them"
)

# Reads a JSON list of [tex, display] on stdin; writes a list of null or error text.
_SCRIPT = r"""
const katex = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([tex, displayMode]) => {
    try {
      katex.renderToString(tex, { throwOnError: true, displayMode });
      return null;
    } catch (e) {
      return String((e && e.message) || e);
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


@dataclass(frozen=True)
class Snippet:
    """One piece of math as the browser's KaTeX receives it."""

    tex: str
    display: bool


_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)


@functools.cache
def _markdown():
    import markdown

    return markdown.Markdown(
        extensions=["pymdownx.arithmatex", "pymdownx.superfences"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )


@functools.lru_cache(maxsize=8192)
def math_snippets(markdown_text: str) -> tuple[Snippet, ...]:
    r"""The math in Markdown text, found and unwrapped as the site does it.

    Examples
    --------
    >>> math_snippets("Code `$x$` is no math, but $\\sigma(z)$ is.\n\n$$\na<b\n$$")
    (Snippet(tex='\\sigma(z)', display=False), Snippet(tex='a<b', display=True))

    Like the site, a ``$$`` inside a paragraph is inline math between two dollar signs:

    >>> math_snippets("and $$x$$ here")
    (Snippet(tex='x', display=False),)
    """
    if "$" not in markdown_text and "\\" not in markdown_text:
        return ()
    md = _markdown()
    md.reset()
    out = []
    for m in _ARITHMATEX.finditer(md.convert(markdown_text)):
        # math.js: el.textContent.trim(), display for a div or \[, then drop the delimiters
        tex = html.unescape(m.group(2)).strip()
        display = m.group(1) == "div" or tex.startswith("\\[")
        tex = re.sub(r"\\[\])]$", "", re.sub(r"^\\[\[(]", "", tex)).strip()
        out.append(Snippet(tex, display))
    return tuple(out)


def _clean(message: str) -> str:
    """KaTeX's message without its prefix and the combining underline it marks the spot with."""
    return message.removeprefix("KaTeX parse error: ").replace("\u0332", "")


def katex_errors(snippets: Sequence[Snippet]) -> list[str | None] | None:
    """KaTeX's parse error for each snippet (None where it parses).

    Returns None, and notes it on stderr once, when ``node`` is not on the PATH.

    Raises
    ------
    RuntimeError
        If Node.js fails to run KaTeX at all.
    """
    if not snippets:
        return []
    node = shutil.which("node")
    if node is None:
        note_once()
        return None
    proc = subprocess.run(
        [node, "-e", _SCRIPT, str(KATEX_JS)],
        input=json.dumps([[s.tex, s.display] for s in snippets]),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"node could not run {KATEX_JS}: {proc.stderr.strip()[-500:]}")
    return [None if e is None else _clean(e) for e in json.loads(proc.stdout)]


@functools.cache
def note_once() -> None:
    """Say on stderr, once per process, that KaTeX could not check the math."""
    print(_NOTE, file=sys.stderr)
