"""Rules about the text contributors write: what each text field may hold.

Every text field of an entry is read for blank text; names must have something a
lookup can match; Markdown fields may not hold raw HTML or links with a foreign
scheme; math may not use link- or HTML-making TeX; a cloze must open and close its
deletions and keep ``}}`` out of its math. Each finding carries the offset in the
field's text where the problem starts, so that :func:`line_of` can give the line of
the file it is on, not just the line of the field.

The helpers that recognise HTML, links and TeX live in :mod:`dlterms.kb.safe`, beside
the renderers' own defences, so the checker and the site agree on what they mean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dlterms.kb.doccheck import shorten
from dlterms.kb.mathcheck import Snippet, math_snippets
from dlterms.kb.model import normalize_name
from dlterms.kb.safe import UNSAFE_TEX, raw_html_tags, unsafe_links

__all__ = ["Finding", "TextField", "math_of", "text_fields", "text_findings", "line_of"]

Path = tuple[Any, ...]

_NAME, _MARKDOWN, _TEX, _CLOZE = "name", "markdown", "tex", "cloze"


@dataclass(frozen=True)
class TextField:
    """One text value of an entry, where it is, and how it is rendered."""

    path: Path
    text: str
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    """A problem in one text field: a rule code, where it starts, and the rule's details."""

    code: str
    path: Path
    offset: int | None
    details: dict[str, Any] = field(default_factory=dict)


def text_fields(data: dict[str, Any]) -> Iterator[TextField]:
    """Every text field of a schema-valid entry mapping, in file order of the schema."""

    def make(path: Path, text: Any, *kinds: str) -> Iterator[TextField]:
        if isinstance(text, str):
            yield TextField(path, text, frozenset(kinds))

    yield from make(("term",), data.get("term"), _NAME, _MARKDOWN)
    for i, alias in enumerate(data.get("aliases", ())):
        yield from make(("aliases", i), alias, _NAME, _MARKDOWN)
    for name in ("definition", "explanation"):
        yield from make((name,), data.get(name), _MARKDOWN)
    yield from make(("formula",), data.get("formula"), _TEX)
    example = data.get("example") or {}
    yield from make(("example", "text"), example.get("text"), _MARKDOWN)
    yield from make(("example", "code"), example.get("code"))
    for i, pitfall in enumerate(data.get("pitfalls", ())):
        yield from make(("pitfalls", i), pitfall, _MARKDOWN)
    for i, item in enumerate(data.get("quiz", ())):
        for name in ("question", "answer"):
            yield from make(("quiz", i, name), item.get(name), _MARKDOWN)
        yield from make(("quiz", i, "cloze"), item.get("cloze"), _MARKDOWN, _CLOZE)
    disambiguation = data.get("disambiguation") or {}
    yield from make(("disambiguation", "word"), disambiguation.get("word"))
    for i, sense in enumerate(disambiguation.get("senses", ())):
        yield from make(("disambiguation", "senses", i, "sense"), sense.get("sense"), _MARKDOWN)


def is_blank(text: str) -> bool:
    """True when `text` shows nothing: only whitespace and invisible format characters.

    Examples
    --------
    >>> is_blank(" \\n\\u3000"), is_blank("\\u200b"), is_blank(" a ")
    (True, True, False)
    """
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def math_of(f: TextField) -> list[tuple[int | None, Snippet]]:
    """The math of a field as the site typesets it, each with its offset in the text."""
    if _TEX in f.kinds:
        return [(0, Snippet(f.text.strip(), True))]
    if _MARKDOWN not in f.kinds:
        return []
    out, start = [], 0
    for s in math_snippets(f.text):
        at = f.text.find(s.tex, start)
        out.append((at if at >= 0 else None, s))
        start = at + len(s.tex) if at >= 0 else start
    return out


def _find(text: str, needle: str, start: int = 0) -> int | None:
    at = text.find(needle, start)
    return at if at >= 0 else None


def text_findings(f: TextField) -> list[Finding]:
    """What is wrong with one text field (rules DLT060-DLT064, DLT068, DLT069)."""
    if is_blank(f.text):
        return [Finding("DLT060", f.path, None)]
    out: list[Finding] = []
    if _NAME in f.kinds and not normalize_name(f.text):
        out.append(Finding("DLT061", f.path, None, {"name": f.text}))
    if _MARKDOWN in f.kinds:
        tags = raw_html_tags(f.text)
        if tags:
            more = f" and {len(tags) - 1} more" if len(tags) > 1 else ""
            details = {"tag": shorten(tags[0]), "more": more}
            out.append(Finding("DLT062", f.path, _find(f.text, tags[0]), details))
        start = 0
        for target in unsafe_links(f.text):
            at = _find(f.text, target, start)
            start = at + 1 if at is not None else start
            out.append(Finding("DLT063", f.path, at, {"target": shorten(target)}))
    seen: set[str] = set()
    for at, snippet in math_of(f):
        for m in UNSAFE_TEX.finditer(snippet.tex):
            if m.group(0) not in seen:
                seen.add(m.group(0))
                where = None if at is None else at + m.start()
                out.append(Finding("DLT064", f.path, where, {"command": m.group(0)}))
    if _CLOZE in f.kinds:
        out += _cloze_findings(f)
    return out


# Math as the deck reads it in a cloze (dlterms.kb.deck._MATH): there `}}` is spaced out.
_DECK_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
_CLOZE_MARK = re.compile(r"\{\{c\d+::|\}\}")


def _cloze_findings(f: TextField) -> list[Finding]:
    out = []
    for m in _DECK_MATH.finditer(f.text):
        if "}}" in m.group(0):
            at = m.start() + m.group(0).index("}}")
            out.append(Finding("DLT069", f.path, at, {"math": shorten(m.group(0))}))
    masked = _DECK_MATH.sub(lambda m: " " * len(m.group(0)), f.text)
    opened: list[re.Match[str]] = []
    for m in _CLOZE_MARK.finditer(masked):
        if m.group(0) != "}}":
            opened.append(m)
        elif opened:
            opened.pop()
    if opened:
        m = opened[0]
        opening = shorten(f.text[m.start() :], 30)
        what = f"never closes the deletion '{opening}' with }}}}"
        out.append(Finding("DLT068", f.path, m.start(), {"what": what}))
    elif not any(m.group(0) != "}}" for m in _CLOZE_MARK.finditer(masked)):
        out.append(Finding("DLT068", f.path, None, {"what": "has no cloze deletion {{c1::...}}"}))
    return out


# --------------------------------------------------------------------------- lines


def line_of(
    lines: list[str], field_line: int, text: str, offset: int | None, *, item: bool = False
) -> int:
    """The line of the file on which position `offset` of a field's `text` is written.

    `lines` are the file's lines and `field_line` the line of the field's key, or of
    the list item when `item` is true. Words of a YAML scalar keep their order and
    their spelling in the file, whatever its style (plain, quoted, literal ``|`` or
    folded ``>``), so the word that holds `offset` is found by counting words from the
    start of the value. Text that
    escapes change (``"\\n"`` in a double-quoted string) may be counted off by a word.

    Examples
    --------
    >>> lines = ["term: X", "explanation: >-", "  first line", "  then <b>bold</b> here"]
    >>> text = "first line then <b>bold</b> here"
    >>> line_of(lines, 2, text, text.index("<b>"))
    4
    >>> line_of(lines, 1, "X", None)
    1
    """
    if offset is None or not 0 < field_line <= len(lines):
        return field_line
    before = text[:offset]
    index = len(before.split())
    if index and before and not before[-1].isspace():
        index -= 1  # `offset` is inside a word that started before it
    first = lines[field_line - 1]
    rest = re.sub(r"^\s*(-\s+)?", "", first)
    colon = None if item else re.search(r":(\s|$)", rest)
    if colon:
        rest = rest[colon.end() :]
    if rest.strip()[:1] in ("|", ">"):
        rest = ""  # a block scalar: its text starts on the next line
    count = 0
    for n in range(field_line - 1, min(len(lines), field_line + 2000)):
        words = len((rest if n == field_line - 1 else lines[n]).split())
        if count + words > index:
            return n + 1
        count += words
    return field_line
