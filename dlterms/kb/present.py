"""An entry as a reader meets it outside the site: in a notebook, a terminal or a script.

- :func:`entry_markdown` is what Jupyter shows for an entry (``Entry._repr_markdown_``):
  Markdown with ``$`` math, which the notebook typesets.
- :func:`entry_text` is ``dlterms show``: math as Unicode text, headings, wrapped to the
  terminal's width, code highlighted, colour only when asked for (a TTY without
  ``NO_COLOR``).
- :func:`entry_record` is ``dlterms show --format json``.

Standard library only at import time (Pygments is imported only to colour code), so
``dlterms show`` stays as fast as reading the glossary.
"""

from __future__ import annotations

import inspect
import os
import re
import textwrap
from typing import Any

from dlterms.kb.site_text import strip_roles
from dlterms.kb.texttext import markdown_to_text, tex_to_text

__all__ = ["entry_markdown", "entry_record", "entry_text", "page_url", "signature_line"]

SITE_URL_ENV = "DLTERMS_SITE_URL"


def page_url(entry: Any) -> str | None:
    """The entry's page on the published site, when ``$DLTERMS_SITE_URL`` names one."""
    base = os.environ.get(SITE_URL_ENV, "").strip()
    return f"{base.rstrip('/')}/terms/{entry.id}/" if base else None


def signature_line(dotted: str, function: Any) -> str:
    """``dlterms.softmax(x, *, axis=-1)`` and the first line of its docstring."""
    name = "dlterms." + dotted.rsplit(".", 1)[1]
    try:
        sig = str(inspect.signature(function))
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        sig = "(...)"
    summary = (function.__doc__ or "").strip().split("\n", 1)[0]
    return f"{name}{sig}", summary


def entry_markdown(entry: Any) -> str:
    """The entry as Markdown for a notebook: term, aliases, definition, formula, example ..."""
    out = [f"### {entry.term}"]
    if entry.aliases:
        out.append("*Also called* " + ", ".join(entry.aliases))
    out += ["", entry.definition]
    if entry.formula:
        out += ["", "$$", entry.formula, "$$"]
    if entry.example:
        out += ["", "**Worked example.** " + entry.example.text]
        if entry.example.code:
            out += ["", "```python", entry.example.code, "```"]
    if entry.pitfalls:
        out += ["", "**Pitfalls**", ""] + [f"- {p}" for p in entry.pitfalls]
    if entry.implementation:
        out += ["", "**Reference implementation**", ""]
        for dotted, fn in zip(entry.implementation, entry.functions, strict=True):
            sig, summary = signature_line(dotted, fn)
            out.append(f"- `{sig}`: {strip_roles(summary)}")
    if entry.see_also:
        out += ["", "**See also:** " + ", ".join(entry.see_also)]
    url = page_url(entry)
    if url:
        out += ["", f"[Read the page]({url})"]
    return "\n".join(out) + "\n"


def entry_record(entry: Any) -> dict[str, Any]:
    """The entry as data, with the reference functions' signatures."""
    record = entry.to_mapping()
    record["id"] = entry.id
    record["functions"] = [
        dict(zip(("signature", "summary"), signature_line(d, f), strict=True))
        for d, f in zip(entry.implementation, entry.functions, strict=True)
    ]
    record["url"] = page_url(entry)
    return record


class _Style:
    """ANSI styles, or nothing when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def title(self, text: str) -> str:
        return self._wrap("1;4", text)

    def heading(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def code_spans(self, text: str) -> str:
        return re.sub(r"`([^`]+)`", lambda m: self._wrap("36", m.group(1)), text)

    def code(self, source: str) -> str:
        if not self.color:
            return source
        try:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import PythonConsoleLexer
        except ImportError:  # pragma: no cover - pygments comes with the build extra
            return source
        return highlight(source, PythonConsoleLexer(), TerminalFormatter()).rstrip("\n")


def _fill(text: str, width: int, indent: str = "  ", style: _Style | None = None) -> str:
    paragraphs = markdown_to_text(strip_roles(text), unbreakable_math=width // 2).split("\n\n")
    out = []
    for p in paragraphs:
        filled = textwrap.fill(
            re.sub(r"[ \t\n]+", " ", p).strip(),
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
        out.append(style.code_spans(filled) if style else filled.replace("`", ""))
    return "\n\n".join(out)


def entry_text(entry: Any, *, width: int = 80, color: bool = False) -> str:
    """The entry for a terminal, like a man page: plain Unicode text, wrapped to `width`."""
    s = _Style(color)
    width = max(40, width)
    out = [s.title(entry.term)]
    if entry.aliases:
        out.append(s.dim(textwrap.fill("also: " + ", ".join(entry.aliases), width)))
    out += ["", _fill(entry.definition, width, style=s)]
    if entry.formula:
        out += ["", s.heading("FORMULA")]
        for line in tex_to_text(entry.formula).split("\n"):
            parts = [p.strip() for p in re.split(r" {3,}", line) if p.strip()]
            out += [
                textwrap.fill(p, width, initial_indent="  ", subsequent_indent="      ")
                for p in parts
            ]
    if entry.example:
        out += ["", s.heading("EXAMPLE"), _fill(entry.example.text, width, style=s)]
        if entry.example.code:
            out += ["", textwrap.indent(s.code(entry.example.code), "    ")]
    if entry.pitfalls:
        out += ["", s.heading("PITFALLS")]
        for p in entry.pitfalls:
            item = _fill(p, width - 2, indent="    ", style=s)
            out.append("  - " + item[4:])
    if entry.implementation:
        out += ["", s.heading("REFERENCE IMPLEMENTATION")]
        for dotted, fn in zip(entry.implementation, entry.functions, strict=True):
            sig, summary = signature_line(dotted, fn)
            lines = textwrap.wrap(
                sig, width, initial_indent="  ", subsequent_indent="      ", break_long_words=False
            )
            out += [s.code_spans(f"`{ln}`") for ln in lines]
            if summary:
                out.append(_fill(summary, width, indent="      ", style=s))
    if entry.see_also:
        related = textwrap.fill(
            ", ".join(entry.see_also), width, initial_indent="  ", subsequent_indent="  "
        )
        out += ["", s.heading("SEE ALSO"), related]
    url = page_url(entry)
    if url:
        out += ["", s.dim(url)]
    return "\n".join(out) + "\n"
