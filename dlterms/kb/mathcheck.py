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

KaTeX's verdict on a snippet depends only on the snippet, its display mode, the
KaTeX file and the script that calls it, so each verdict is kept in
``.cache/katex/verdicts.json`` under a hash of all four, and Node.js runs only
for snippets it has not judged before (an edited entry's new math). The file is
replaced atomically; a missing, unreadable or foreign cache just means asking
KaTeX again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KATEX_JS", "Snippet", "katex_errors", "math_snippets", "note_once"]

#: The KaTeX the site serves; the checker runs the very same file.
KATEX_JS = Path(__file__).resolve().parents[2] / "docs" / "assets" / "katex" / "katex.min.js"

#: Where KaTeX's verdicts are kept, keyed by what decides them (see the module notes).
CACHE_FILE = KATEX_JS.parents[3] / ".cache" / "katex" / "verdicts.json"

#: Verdicts kept at most; beyond it the cache keeps only the latest call's snippets.
CACHE_LIMIT = 50_000

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
    keys = [_key(s) for s in snippets]
    known = _read_cache()
    todo = {k: s for k, s in zip(keys, snippets, strict=True) if k not in known}
    if todo:
        found = _run_katex(node, list(todo.values()))
        known = {**known, **dict(zip(todo, found, strict=True))}
        _write_cache(known if len(known) <= CACHE_LIMIT else {k: known[k] for k in keys})
    return [known[k] for k in keys]


@functools.cache
def _katex_digest() -> str:
    """What, besides the snippet, decides KaTeX's verdict: its file and our script."""
    h = hashlib.sha256(KATEX_JS.read_bytes())
    h.update(_SCRIPT.encode("utf-8"))
    h.update(_clean.__code__.co_code)
    return h.hexdigest()


def _key(snippet: Snippet) -> str:
    text = json.dumps([_katex_digest(), snippet.tex, snippet.display], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache() -> dict[str, str | None]:
    try:
        data = json.loads(CACHE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if v is None or isinstance(v, str)}


def _write_cache(verdicts: dict[str, str | None]) -> None:
    """Replace the cache file in one rename, so a concurrent reader sees a whole file."""
    try:
        CACHE_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=CACHE_FILE.parent, prefix=".verdicts-", suffix=".tmp")
    except OSError:  # a read-only checkout: the check just runs every time
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(verdicts, fh, ensure_ascii=False)
        os.replace(tmp, CACHE_FILE)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _run_katex(node: str, snippets: Sequence[Snippet]) -> list[str | None]:
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
