"""Export the glossary as Anki decks (the deck consumer of the loader).

Four card kinds, each its own note type with a fixed, versioned model id:

``term``
    Term → definition (back: formula and one line of example), plus a reverse
    card, definition → term, where the definition points to a single term.
``cloze``
    The entry's quiz cloze sentences, and its formula with the right-hand side
    hidden. A ``}}`` inside math would end a cloze early, so it is spaced out.
``predict``
    Predict the output: the code of a reference function's doctest on the
    front, the output that the doctest verifies on the back, highlighted at
    build time with inline styles (no JavaScript, so it reads the same on phones).
``picture``
    The entry's figure, the same SVG the site shows, shipped as media.

Notes never lose a learner's history on re-import:

* every GUID derives from the entry id (or the function path), the card kind
  and the quiz item's stable id, never from the text;
* a note type's model id changes whenever its fields change (bump ``version``),
  and the importer's "merge note types" keeps the notes;
* the export timestamp only ever increases, because Anki's importer updates a
  note only when the incoming modification time is newer.
"""

from __future__ import annotations

import csv
import doctest
import html
import io
import json
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dlterms.kb.glossary import Entry, Glossary, study_order
from dlterms.kb.safe import defuse_tex, escape_raw_html, sanitize_html

__all__ = [
    "DECK_NAME",
    "NOTE_TYPES",
    "NoteType",
    "anki_tags",
    "build_notes",
    "export",
    "export_deck",
    "formula_cloze",
    "markdown_to_anki",
    "note_guid",
    "subdeck_names",
]

DECK_NAME = "Deep Learning Glossary"
DECK_ID = 1_738_205_406  # fixed forever: the parent deck
GUID_NAMESPACE = "dlterms"
MEDIA_PREFIX = "dlterms-"


# --------------------------------------------------------------------------- note types

CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
  line-height: 1.45; color: #1d1d1f; background: #fdfdfd; text-align: left; max-width: 40em;
  margin: 0 auto; padding: 0 0.5em; }
.term { font-size: 1.5em; font-weight: 600; text-align: center; margin: 0.6em 0; }
.aliases, .prompt, .hint { text-align: center; color: #666; font-size: 0.8em; }
.formula { margin: 0.8em 0; overflow-x: auto; }
.example, .extra { font-size: 0.85em; border-left: 3px solid #3f51b5; padding-left: 0.6em; }
.cloze { font-weight: 600; color: #3f51b5; }
.figure { text-align: center; }
.figure img { max-width: 100%; height: auto; background: #fff; border-radius: 4px; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.8em; }
pre { padding: 0.5em; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; }
pre.code { background: #f6f8fa; color: #1d1d1f; }
.nightMode .card, .night_mode .card, .card.nightMode { color: #e6e6e6; background: #1e1e1e; }
.nightMode .aliases, .night_mode .aliases, .nightMode .prompt, .night_mode .prompt,
.nightMode .hint, .night_mode .hint { color: #aaa; }
.nightMode .cloze, .night_mode .cloze { color: #9fa8ff; }
.nightMode .example, .night_mode .example, .nightMode .extra, .night_mode .extra
  { border-color: #7986cb; }
"""


@dataclass(frozen=True)
class NoteType:
    """One card kind: its fields and templates, under a model id fixed per version.

    Change ``fields`` only together with a new ``version`` and ``model_id``; the
    README tells learners to tick "Merge note types" when they import.
    """

    kind: str
    version: int
    model_id: int
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back)
    cloze: bool = False

    @property
    def name(self) -> str:
        return f"dlterms {self.kind} (v{self.version})"

    def model(self):
        import genanki

        return genanki.Model(
            self.model_id,
            self.name,
            fields=[{"name": f} for f in self.fields],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in self.templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if self.cloze else genanki.Model.FRONT_BACK,
            sort_field_index=0,
        )


TERM_FRONT = """<div class="term">{{Term}}</div>
{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}"""
TERM_BACK = """{{FrontSide}}
<hr id="answer">
<div class="definition">{{Definition}}</div>
{{#Formula}}<div class="formula">{{Formula}}</div>{{/Formula}}
{{#Example}}<div class="example">{{Example}}</div>{{/Example}}"""
REVERSE_FRONT = """{{#Reverse}}<div class="prompt">Which term is this?</div>
<div class="definition">{{Definition}}</div>{{/Reverse}}"""
REVERSE_BACK = """{{FrontSide}}
<hr id="answer">
<div class="term">{{Term}}</div>
{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}"""

NOTE_TYPES: dict[str, NoteType] = {
    t.kind: t
    for t in (
        NoteType(
            "term",
            1,
            1_738_205_410,
            ("Term", "Aliases", "Definition", "Formula", "Example", "Reverse", "Id"),
            (
                ("Term → definition", TERM_FRONT, TERM_BACK),
                ("Definition → term", REVERSE_FRONT, REVERSE_BACK),
            ),
        ),
        NoteType(
            "cloze",
            1,
            1_738_205_420,
            ("Text", "Extra", "Term", "Id"),
            (
                (
                    "Cloze",
                    '{{cloze:Text}}\n<div class="hint">{{Term}}</div>',
                    '{{cloze:Text}}\n<div class="hint">{{Term}}</div>\n'
                    '{{#Extra}}<hr id="answer"><div class="extra">{{Extra}}</div>{{/Extra}}',
                ),
            ),
            cloze=True,
        ),
        NoteType(
            "predict",
            1,
            1_738_205_430,
            ("Code", "Output", "Function", "Term", "Id"),
            (
                (
                    "Predict the output",
                    '<div class="prompt">What does this print?</div>\n{{Code}}\n'
                    '<div class="hint">{{Function}}</div>',
                    '{{FrontSide}}\n<hr id="answer">\n{{Output}}',
                ),
            ),
        ),
        NoteType(
            "picture",
            1,
            1_738_205_440,
            ("Figure", "Caption", "Term", "Definition", "Id"),
            (
                (
                    "Picture → term",
                    '<div class="prompt">Which term does this picture show?</div>\n'
                    '<div class="figure">{{Figure}}</div>',
                    '{{FrontSide}}\n<hr id="answer">\n<div class="term">{{Term}}</div>\n'
                    '<div class="extra">{{Caption}}</div>\n<div class="definition">'
                    "{{Definition}}</div>",
                ),
            ),
        ),
    )
}


# --------------------------------------------------------------------------- text


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def markdown_to_anki(text: str, *, cloze: bool = False) -> str:
    """Render Markdown as Anki field HTML, with ``$`` math as ``\\( \\)`` / ``\\[ \\]``.

    Math is cut out before Markdown runs, so underscores and asterisks inside
    formulas are not taken for emphasis, then put back HTML-escaped. With
    ``cloze=True``, a ``}}`` inside math is written ``} }`` so that it cannot
    end a cloze deletion early.

    Examples
    --------
    >>> markdown_to_anki("The **mean** of $x_i^2$ and $$a<b$$")
    '<p>The <strong>mean</strong> of \\\\(x_i^2\\\\) and \\\\[a&lt;b\\\\]</p>'
    >>> markdown_to_anki("{{c1::$e^{x_{i}}$}}", cloze=True)
    '<p>{{c1::\\\\(e^{x_{i} }\\\\)}}</p>'
    """
    import markdown

    stash: list[str] = []

    def keep(m: re.Match[str]) -> str:
        display, inline = m.group(1), m.group(2)
        tex = html.escape(defuse_tex(display if display is not None else inline), quote=False)
        if cloze:
            tex = _space_braces(tex)
        stash.append(f"\\[{tex}\\]" if display is not None else f"\\({tex}\\)")
        return f"\ue000{len(stash) - 1}\ue001"

    # Raw HTML is shown as text and the result is sanitized (see dlterms.kb.safe);
    # the math goes back in afterwards, already escaped.
    source = escape_raw_html(_MATH.sub(keep, text))
    body = sanitize_html(markdown.markdown(source, extensions=["fenced_code", "tables"]), card=True)
    return re.sub("\ue000(\\d+)\ue001", lambda m: stash[int(m.group(1))], body)


def _space_braces(tex: str) -> str:
    while "}}" in tex:
        tex = tex.replace("}}", "} }")
    return tex


def _top_level_split(tex: str, sep: str) -> list[str]:
    """Split `tex` at `sep` where it is outside every group: braces, brackets, environments."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(tex):
        c = tex[i]
        if tex.startswith(("\\begin{", "\\end{"), i):  # environments nest like braces
            depth += 1 if tex.startswith("\\begin{", i) else -1
            i = tex.index("{", i) + 1
            depth += 1
            continue
        if c == "\\":
            depth += {"\\{": 1, "\\}": -1}.get(tex[i : i + 2], 0)
            i += 2
            continue
        depth += c in "{(["
        depth -= c in "})]"
        if depth == 0 and tex.startswith(sep, i):
            parts.append(tex[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    return [*parts, tex[start:]]


def formula_cloze(formula: str) -> str | None:
    """The formula as display math with its first right-hand side hidden in a cloze.

    Returns None when the formula has no top-level ``=``.

    Examples
    --------
    >>> formula_cloze(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}")
    '\\\\[\\\\sigma(x) = {{c1::\\\\frac{1}{1 + e^{-x} } }}\\\\]'
    """
    tex = defuse_tex(formula.strip())
    if tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}"):
        inner = tex[len("\\begin{aligned}") : -len("\\end{aligned}")]
        tex = _top_level_split(inner, "\\\\")[0].replace("&", "")
    sides = _top_level_split(tex, "=")
    if len(sides) < 2 or not sides[0].strip() or not sides[1].strip():
        return None
    lhs, rhs = sides[0].strip(), re.split(r",?\s*\\q?quad", sides[1])[0].strip().rstrip(",")
    if not (_balanced(lhs) and _balanced(rhs)):
        return None
    hidden = _space_braces(html.escape(rhs, quote=False))
    if hidden.endswith("}"):
        hidden += " "  # the cloze's own closing braces must not touch a math brace
    return f"\\[{html.escape(lhs, quote=False)} = {{{{c1::{hidden}}}}}\\]"


def _balanced(tex: str) -> bool:
    """Braces and environments close in the same piece of LaTeX."""
    plain = re.sub(r"\\.", "", tex)
    return plain.count("{") == plain.count("}") and tex.count("\\begin{") == tex.count("\\end{")


def _highlight(code: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonConsoleLexer

    body = highlight(code, PythonConsoleLexer(), HtmlFormatter(noclasses=True, nowrap=True))
    return f'<pre class="code">{body.rstrip()}</pre>'


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True)
class Note:
    """One note, before it becomes a genanki Note: plain data, easy to compare."""

    kind: str
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    subdeck: str
    due: int
    media: tuple[str, ...] = ()


def note_guid(kind: str, *key: str) -> str:
    """A GUID from the card kind and stable keys (entry id, quiz id, ...), never the text."""
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, kind, *key)


def _seed_tag(source: str) -> str:
    return "source::" + source.removesuffix(".txt")


def anki_tags(entry: Entry, kind: str) -> tuple[str, ...]:
    """``topic::<tag>`` for each tag, ``source::<seed>`` for each seed, ``card::<kind>``."""
    return (
        *(f"topic::{t}" for t in entry.tags),
        *(_seed_tag(s) for s in entry.sources),
        f"card::{kind}",
    )


def subdeck_names(glossary: Glossary) -> dict[str, str]:
    """``{topic: full deck name}``, numbered so Anki's alphabetical order is a study order.

    Topics are ranked by the mean position of their entries in the prerequisite
    study order, so topics whose terms others build on come first.
    """
    from dlterms.kb.glossary import tag_vocabulary

    positions: dict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(study_order(glossary)):
        positions[e.topic].append(n)
    vocab = list(tag_vocabulary(glossary.root))
    ranked = sorted(
        positions, key=lambda t: (sum(positions[t]) / len(positions[t]), vocab.index(t))
    )
    return {
        t: f"{DECK_NAME}::{i:02d} {t.replace('-', ' ').capitalize()}"
        for i, t in enumerate(ranked, 1)
    }


def _mentions(text: str, name: str) -> bool:
    return (
        re.search(rf"(?<![a-z0-9]){re.escape(name.lower())}(?![a-z0-9])", text.lower()) is not None
    )


def _reverse_ok(entry: Entry) -> bool:
    """A reverse card only where the definition points to one term and does not name it."""
    return entry.disambiguation is None and not any(
        _mentions(entry.definition, n) for n in entry.names
    )


def _first_paragraph(text: str) -> str:
    return text.split("\n\n")[0]


def _fields(kind: str, values: dict[str, str]) -> tuple[str, ...]:
    """Field values in the note type's order; a field with no value yet is left empty."""
    unknown = set(values) - set(NOTE_TYPES[kind].fields)
    if unknown:
        raise ValueError(f"note type {kind!r} has no field(s) {sorted(unknown)}")
    return tuple(values.get(name, "") for name in NOTE_TYPES[kind].fields)


def _term_values(entry: Entry) -> dict[str, str]:
    return {
        "Term": html.escape(entry.term, quote=False),
        "Aliases": html.escape(", ".join(entry.aliases), quote=False),
        "Definition": markdown_to_anki(entry.definition),
        "Formula": f"\\[{html.escape(defuse_tex(entry.formula), quote=False)}\\]"
        if entry.formula
        else "",
        "Example": markdown_to_anki(_first_paragraph(entry.example.text)) if entry.example else "",
        "Reverse": "1" if _reverse_ok(entry) else "",
        "Id": entry.id,
    }


def _term_note(entry: Entry, subdeck: str, due: int) -> Note:
    fields = _fields("term", _term_values(entry))
    return Note("term", note_guid("term", entry.id), fields, anki_tags(entry, "term"), subdeck, due)


def _cloze_notes(entry: Entry, subdeck: str, due: int) -> list[Note]:
    term = html.escape(entry.term, quote=False)
    tags = anki_tags(entry, "cloze")
    notes = [
        Note(
            "cloze",
            note_guid("cloze", entry.id, item.id),
            _fields(
                "cloze",
                {
                    "Text": markdown_to_anki(item.question, cloze=True),
                    "Term": term,
                    "Id": f"{entry.id}#{item.id}",
                },
            ),
            tags,
            subdeck,
            due,
        )
        for item in entry.quiz
        if item.cloze
    ]
    text = formula_cloze(entry.formula) if entry.formula else None
    if text:
        extra = markdown_to_anki(_first_paragraph(entry.definition))
        fields = _fields(
            "cloze", {"Text": text, "Extra": extra, "Term": term, "Id": f"{entry.id}#formula"}
        )
        notes.append(
            Note("cloze", note_guid("cloze", entry.id, "formula"), fields, tags, subdeck, due)
        )
    return notes


def _doctest_cards(func: Callable[..., Any]) -> list[tuple[str, str]]:
    """(code, output) pairs from a function's Examples: setup lines join the next output."""
    doc = func.__doc__ or ""
    section = doc.split("Examples\n", 1)[-1] if "Examples\n" in doc else ""
    cards, pending = [], []
    for ex in doctest.DocTestParser().get_examples(section):
        source = "".join(
            ("... " if i else ">>> ") + line + "\n"
            for i, line in enumerate(ex.source.rstrip("\n").split("\n"))
        )
        pending.append(source)
        if ex.want.strip():
            cards.append(("".join(pending), ex.want))
            pending = []
    return cards


def _predict_notes(entry: Entry, subdeck: str, due: int, claimed: set[str]) -> list[Note]:
    notes = []
    for dotted, func in zip(entry.implementation, entry.functions, strict=True):
        if dotted in claimed:  # a function linked from several entries gets one set of cards
            continue
        claimed.add(dotted)
        name = "dlterms." + dotted.rsplit(".", 1)[1]
        setup = f">>> from dlterms import {dotted.rsplit('.', 1)[1]}\n"
        for n, (code, want) in enumerate(_doctest_cards(func)):
            fields = _fields(
                "predict",
                {
                    "Code": _highlight(setup + code),
                    "Output": _highlight(want.rstrip("\n")),
                    "Function": html.escape(name, quote=False),
                    "Term": html.escape(entry.term, quote=False),
                    "Id": f"{dotted}#{n}",
                },
            )
            guid = note_guid("predict", dotted, str(n))
            notes.append(Note("predict", guid, fields, anki_tags(entry, "predict"), subdeck, due))
    return notes


def _picture_note(entry: Entry, spec: Any, subdeck: str, due: int) -> Note:
    media = f"{MEDIA_PREFIX}{entry.id}.svg"
    fields = _fields(
        "picture",
        {
            "Figure": f'<img src="{media}" alt="{html.escape(spec.alt)}">',
            "Caption": html.escape(spec.caption, quote=False),
            "Term": html.escape(entry.term, quote=False),
            "Definition": markdown_to_anki(entry.definition),
            "Id": entry.id,
        },
    )
    guid = note_guid("picture", entry.id)
    tags = anki_tags(entry, "picture")
    return Note("picture", guid, fields, tags, subdeck, due, (media,))


def build_notes(glossary: Glossary, figures: dict[str, Any] | None = None) -> list[Note]:
    """Every note of every kind, in study order; `figures` maps entry id → FigureSpec."""
    figures = figures or {}
    decks = subdeck_names(glossary)
    notes: list[Note] = []
    claimed: set[str] = set()
    for due, entry in enumerate(study_order(glossary)):
        deck = decks[entry.topic]
        notes.append(_term_note(entry, deck, due))
        notes += _cloze_notes(entry, deck, due)
        notes += _predict_notes(entry, deck, due, claimed)
        if entry.id in figures:
            notes.append(_picture_note(entry, figures[entry.id], deck, due))
    return notes


# --------------------------------------------------------------------------- writing


def _deck_id(name: str) -> int:
    """A fixed id per deck name: the parent's constant, or a stable hash for subdecks."""
    import zlib

    return DECK_ID if name == DECK_NAME else DECK_ID + 1 + zlib.crc32(name.encode()) % 10**8


def export_deck(
    glossary: Glossary,
    path: Path | str,
    *,
    timestamp: float,
    figures: dict[str, tuple[Any, Path]] | None = None,
) -> Path:
    """Write the deck to `path` (``.apkg``) stamped with `timestamp` (seconds).

    `figures` is :func:`dlterms.kb.figures.render_all`'s result; each SVG is copied
    into the package under a unique ``dlterms-<id>.svg`` name.
    """
    import genanki

    figures = figures or {}
    specs = {k: spec for k, (spec, _) in figures.items()}
    notes = build_notes(glossary, specs)
    models = {kind: t.model() for kind, t in NOTE_TYPES.items()}
    decks: dict[str, Any] = {DECK_NAME: genanki.Deck(DECK_ID, DECK_NAME)}
    for note in notes:
        deck = decks.get(note.subdeck)
        if deck is None:
            deck = decks[note.subdeck] = genanki.Deck(_deck_id(note.subdeck), note.subdeck)
        deck.add_note(
            genanki.Note(
                model=models[note.kind],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.due,
            )
        )
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        media = []
        for entry_id, (_, svg) in sorted(figures.items()):
            target = Path(tmp) / f"{MEDIA_PREFIX}{entry_id}.svg"
            shutil.copyfile(svg, target)
            media.append(str(target))
        package = genanki.Package(list(decks.values()), media_files=media)
        package.write_to_file(str(path), timestamp=timestamp)
    return path


def _entry_record(entry: Entry) -> dict[str, Any]:
    record = asdict(entry)
    record.pop("path", None)
    return record


def export(
    glossary: Glossary,
    path: Path | str,
    *,
    fmt: str,
    tags: Iterable[str] = (),
    timestamp: float = 0,
    figures: dict[str, tuple[Any, Path]] | None = None,
) -> Path:
    """Export the entries carrying any of `tags` (all when empty) as apkg, csv or json."""
    from dlterms.kb.glossary import Glossary as _Glossary

    wanted = set(tags)
    chosen = [e for e in glossary if not wanted or wanted & set(e.tags)]
    subset = _Glossary(chosen, glossary.root)
    path = Path(path)
    if fmt == "apkg":
        kept = {k: v for k, v in (figures or {}).items() if k in subset.entries}
        return export_deck(subset, path, timestamp=timestamp, figures=kept)
    if fmt == "json":
        data = {"entries": [_entry_record(e) for e in subset]}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["id", "term", "aliases", "definition", "formula", "tags"])
        for e in subset:
            tags_ = " ".join(f"topic::{t}" for t in e.tags)
            writer.writerow([e.id, e.term, "; ".join(e.aliases), e.definition, e.formula, tags_])
        path.write_text(buf.getvalue(), encoding="utf-8")
        return path
    raise ValueError(f"format must be one of apkg, csv, json; got {fmt!r}.")
