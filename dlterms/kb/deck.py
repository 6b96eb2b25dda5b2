"""Export the glossary as an Anki deck that a learner can keep for years.

Five card kinds, each its own note type with a fixed, versioned model id:

``term``
    Term → definition (and, only where it is short, the formula). A reverse
    card, definition → term, only where the definition names neither the term,
    an alias nor a stem of one (:func:`dlterms.kb.cards.gives_away`).
``qa``
    Every question/answer quiz item of the entry.
``cloze``
    The entry's cloze sentences, with the term as a hint only where the hint
    does not overlap what is hidden; and the formula, introduced by the term,
    with its right-hand side hidden where that is an idea and not a symbol.
``predict``
    Predict the output: at most two self-contained snippets per entry, short
    and exact (:func:`dlterms.kb.cards.predict_snippets`), in their own subdeck
    tree so a learner keeps or drops all code cards with one choice, and due
    after the entry's concept cards.
``picture``
    The entry's figure, the SVG the site shows, only where the figure prints
    neither the term nor another term of the same topic.

Updates respect the learner. Every GUID comes from the entry id (or the
function path), the card kind and the quiz item's stable id, never from the
text. Anki's importer replaces a note only when the incoming modification time
is newer, and replacing it drops the learner's own edits and tags on it, so a
note's modification time must move forward exactly when its content changes.
The **ledger** (``deck_ledger.json``, committed beside this module like a lock
file, and shipped in ``dist/`` beside the deck) records, for each note and note
type, a hash of its content and the time stamped on it:

* a note whose hash matches the ledger keeps its old stamp, so re-importing a
  rebuild leaves it, and everything the learner did to it, alone;
* a changed note gets ``max(build time, old stamp + 1)``, so it moves forward
  and the importer updates it;
* the build reads the committed ledger and the previous build's shipped one,
  and keeps the later stamp of each note, so two machines with the same
  checkout stamp the same notes the same way. ``dlterms build`` writes the
  ledger back into the checkout; commit it with the glossary change.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import json
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dlterms.kb.cards import (
    _space_braces,
    formula_cloze,
    gives_away,
    predict_snippets,
)
from dlterms.kb.glossary import Entry, Glossary, normalize_name, study_order
from dlterms.kb.safe import defuse_tex, escape_raw_html, sanitize_html

__all__ = [
    "DECK_NAME",
    "LEDGER_FILE",
    "NOTE_TYPES",
    "PREDICT_DECK",
    "NoteType",
    "anki_tags",
    "build_notes",
    "deck_description",
    "export",
    "export_deck",
    "figure_text",
    "formula_cloze",
    "markdown_to_anki",
    "media_name",
    "note_guid",
    "picture_excluded",
    "site_url",
    "subdeck_names",
]

DECK_NAME = "Deep Learning Glossary"
PREDICT_DECK = f"{DECK_NAME}::Predict the output (code)"
DECK_ID = 1_738_205_406  # fixed forever: the parent deck
GUID_NAMESPACE = "dlterms"
MEDIA_PREFIX = "dlterms-"
LEDGER_FILE = "deck-ledger.json"
#: The committed ledger (see the module docstring).
LEDGER = Path(__file__).with_name("deck_ledger.json")
#: A formula longer than this (TeX characters) stays off the term card's back.
SHORT_FORMULA = 60


# --------------------------------------------------------------------------- note types

CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
  line-height: 1.45; color: #1d1d1f; background: #fdfdfd; text-align: left; max-width: 40em;
  margin: 0 auto; padding: 0 0.5em; overflow-wrap: break-word; }
.term { font-size: 1.5em; font-weight: 600; text-align: center; margin: 0.6em 0; }
.aliases, .prompt, .hint { text-align: center; color: #666; font-size: 0.8em; }
.example, .extra { font-size: 0.85em; border-left: 3px solid #3f51b5; padding-left: 0.6em; }
.cloze { font-weight: 600; color: #3f51b5; }
.figure { text-align: center; }
.figure img { max-width: 100%; height: auto; background: #fff; border-radius: 4px; }
.page { font-size: 0.75em; text-align: right; margin-top: 1em; }
code, pre { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.8em; }
pre { padding: 0.5em; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; }
pre.code { background: #f6f8fa; color: #1d1d1f; }
/* Display math never runs off a phone: it scrolls inside its box, and a shadow at the
   edge shows there is more (the shadows scroll away once the end is reached). */
.math { margin: 0.8em 0; max-width: 100%; overflow-x: auto; overflow-y: hidden;
  background:
    linear-gradient(to right, #fdfdfd 30%, rgba(253, 253, 253, 0)) left / 2em 100% no-repeat local,
    linear-gradient(to left, #fdfdfd 30%, rgba(253, 253, 253, 0)) right / 2em 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, .3), transparent) left / 0.8em 100%
      no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, .3), transparent) right / 0.8em 100%
      no-repeat scroll; }
.math mjx-container[display="true"], .math .katex-display { margin: 0.2em 0; }
.nightMode .card, .night_mode .card, .card.nightMode { color: #e6e6e6; background: #1e1e1e; }
.nightMode .aliases, .night_mode .aliases, .nightMode .prompt, .night_mode .prompt,
.nightMode .hint, .night_mode .hint { color: #aaa; }
.nightMode .cloze, .night_mode .cloze { color: #9fa8ff; }
.nightMode .example, .night_mode .example, .nightMode .extra, .night_mode .extra
  { border-color: #7986cb; }
.nightMode .math, .night_mode .math { background: none; }
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

    def model(self, stamp: int | None = None):
        import genanki

        class _Model(genanki.Model):
            def to_json(self, timestamp, deck_id):  # the note type's own stamp
                return super().to_json(timestamp if stamp is None else stamp, deck_id)

        return _Model(
            self.model_id,
            self.name,
            fields=[{"name": f} for f in self.fields],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in self.templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if self.cloze else genanki.Model.FRONT_BACK,
            sort_field_index=0,
        )

    def content(self) -> str:
        """Everything the importer copies from this note type, for the ledger."""
        return json.dumps([self.name, self.fields, self.templates, self.cloze, CSS])


PAGE = '{{#Page}}<div class="page">{{Page}}</div>{{/Page}}'
TERM_FRONT = """<div class="term">{{Term}}</div>
{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}"""
TERM_BACK = f"""{{{{FrontSide}}}}
<hr id="answer">
<div class="definition">{{{{Definition}}}}</div>
{{{{#Formula}}}}<div class="math">{{{{Formula}}}}</div>{{{{/Formula}}}}
{PAGE}"""
REVERSE_FRONT = """{{#Reverse}}<div class="prompt">Which term is this?</div>
<div class="definition">{{Definition}}</div>{{/Reverse}}"""
REVERSE_BACK = f"""{{{{FrontSide}}}}
<hr id="answer">
<div class="term">{{{{Term}}}}</div>
{{{{#Aliases}}}}<div class="aliases">{{{{Aliases}}}}</div>{{{{/Aliases}}}}
{PAGE}"""

NOTE_TYPES: dict[str, NoteType] = {
    t.kind: t
    for t in (
        NoteType(
            "term",
            2,
            1_738_205_411,
            ("Term", "Aliases", "Definition", "Formula", "Reverse", "Page", "Id"),
            (
                ("Term → definition", TERM_FRONT, TERM_BACK),
                ("Definition → term", REVERSE_FRONT, REVERSE_BACK),
            ),
        ),
        NoteType(
            "qa",
            1,
            1_738_205_450,
            ("Question", "Answer", "Term", "Page", "Id"),
            (
                (
                    "Question → answer",
                    '<div class="question">{{Question}}</div>',
                    '{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Answer}}</div>\n'
                    f'<div class="hint">{{{{Term}}}}</div>\n{PAGE}',
                ),
            ),
        ),
        NoteType(
            "cloze",
            2,
            1_738_205_421,
            ("Text", "Extra", "Hint", "Page", "Id"),
            (
                (
                    "Cloze",
                    '{{cloze:Text}}\n{{#Hint}}<div class="hint">{{Hint}}</div>{{/Hint}}',
                    '{{cloze:Text}}\n{{#Hint}}<div class="hint">{{Hint}}</div>{{/Hint}}\n'
                    '{{#Extra}}<hr id="answer"><div class="extra">{{Extra}}</div>{{/Extra}}\n'
                    + PAGE,
                ),
            ),
            cloze=True,
        ),
        NoteType(
            "predict",
            2,
            1_738_205_431,
            ("Code", "Output", "Term", "Page", "Id"),
            (
                (
                    "Predict the output",
                    '<div class="prompt">What does this print?</div>\n{{Code}}',
                    '{{FrontSide}}\n<hr id="answer">\n{{Output}}\n'
                    f'<div class="hint">{{{{Term}}}}</div>\n{PAGE}',
                ),
            ),
        ),
        NoteType(
            "picture",
            2,
            1_738_205_441,
            ("Figure", "Caption", "Term", "Definition", "Page", "Id"),
            (
                (
                    "Picture → term",
                    '<div class="prompt">Which term does this picture show?</div>\n'
                    '<div class="figure">{{Figure}}</div>',
                    '{{FrontSide}}\n<hr id="answer">\n<div class="term">{{Term}}</div>\n'
                    '<div class="extra">{{Caption}}</div>\n<div class="definition">'
                    f"{{{{Definition}}}}</div>\n{PAGE}",
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
    formulas are not taken for emphasis, then put back HTML-escaped. Display
    math sits in a ``.math`` box that scrolls sideways on a narrow screen. With
    ``cloze=True``, a ``}}`` inside math is written ``} }`` so that it cannot
    end a cloze deletion early.

    Examples
    --------
    >>> markdown_to_anki("The **mean** of $x_i^2$")
    '<p>The <strong>mean</strong> of \\\\(x_i^2\\\\)</p>'
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
        stash.append(_display(tex) if display is not None else f"\\({tex}\\)")
        return f"\ue000{len(stash) - 1}\ue001"

    # Raw HTML is shown as text and the result is sanitized (see dlterms.kb.safe);
    # the math goes back in afterwards, already escaped.
    source = escape_raw_html(_MATH.sub(keep, text))
    body = sanitize_html(markdown.markdown(source, extensions=["fenced_code", "tables"]), card=True)
    return re.sub("\ue000(\\d+)\ue001", lambda m: stash[int(m.group(1))], body)


def _display(tex: str) -> str:
    return f'<div class="math">\\[{tex}\\]</div>'


def _highlight(code: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonConsoleLexer

    body = highlight(code, PythonConsoleLexer(), HtmlFormatter(noclasses=True, nowrap=True))
    return f'<pre class="code">{body.rstrip()}</pre>'


# --------------------------------------------------------------------------- site links


def site_url(project: Path | str | None = None) -> str:
    """The ``site_url`` configured in the project's ``mkdocs.yml``, or ``""``.

    Read as text: mkdocs.yml may hold tags (``!!python/name``) a YAML safe-loader
    refuses, and the one key needed is a plain string.
    """
    path = Path(project or Path(__file__).resolve().parents[2]) / "mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    m = re.search(r"^site_url:\s*['\"]?([^'\"#\s]+)", text, re.M)
    url = m.group(1) if m else ""
    if url and not re.match(r"https?://", url):
        return ""
    return url if not url or url.endswith("/") else url + "/"


def _page(entry: Entry, base: str) -> str:
    if not base:
        return ""
    href = html.escape(f"{base}terms/{entry.id}/")
    return f'<a href="{href}">{html.escape(entry.term, quote=False)} in the glossary</a>'


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

    @property
    def values(self) -> dict[str, str]:
        return dict(zip(NOTE_TYPES[self.kind].fields, self.fields, strict=True))

    def content(self) -> str:
        """Everything the importer copies from this note, for the ledger."""
        return json.dumps([NOTE_TYPES[self.kind].model_id, self.fields, sorted(self.tags)])


def note_guid(kind: str, *key: str) -> str:
    """A GUID from the card kind and stable keys (entry id, quiz id, ...), never the text."""
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, kind, *key)


def _seed_titles(root: Path | None) -> dict[str, str]:
    """``{seed file: readable tag}`` from the seed descriptions in the schema."""
    from dlterms.kb.glossary import SCHEMA_FILE, _schema, glossary_dir

    schema = _schema((root or glossary_dir()) / SCHEMA_FILE)
    titles = {}
    for seed in schema["$defs"]["seed"]["oneOf"]:
        text = seed["description"]
        quoted = re.search(r"'([^']+)'", text)
        title = quoted.group(1) if quoted else re.split(r"\s+(?:followed by|with)\s+", text)[0]
        titles[seed["const"]] = re.sub(r"[^\w-]+", "_", title.strip(" .")).strip("_")
    return titles


def anki_tags(entry: Entry, kind: str, seeds: dict[str, str] | None = None) -> tuple[str, ...]:
    """``topic::<tag>``, ``source::<seed title>`` for each seed, and ``card::<kind>``."""
    seeds = seeds or {}
    return (
        *(f"topic::{t}" for t in entry.tags),
        *(f"source::{seeds.get(s, s.removesuffix('.txt'))}" for s in entry.sources),
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


def _predict_deck(subdeck: str) -> str:
    return PREDICT_DECK + subdeck.removeprefix(DECK_NAME)


def _reverse_ok(entry: Entry) -> bool:
    """A reverse card only where the definition points to one term and gives no name away."""
    return entry.disambiguation is None and not gives_away(entry.definition, entry.names)


def _fields(kind: str, values: dict[str, str]) -> tuple[str, ...]:
    """Field values in the note type's order; a field with no value yet is left empty."""
    unknown = set(values) - set(NOTE_TYPES[kind].fields)
    if unknown:
        raise ValueError(f"note type {kind!r} has no field(s) {sorted(unknown)}")
    return tuple(values.get(name, "") for name in NOTE_TYPES[kind].fields)


@dataclass(frozen=True)
class _Context:
    """What every note of one entry shares."""

    entry: Entry
    subdeck: str
    due: int
    seeds: dict[str, str]
    page: str

    def note(self, kind: str, key: tuple[str, ...], values: dict[str, str], **kw) -> Note:
        values = {**values, "Page": self.page}
        tags = anki_tags(self.entry, kind, self.seeds)
        subdeck = kw.pop("subdeck", self.subdeck)
        due = kw.pop("due", self.due)
        return Note(kind, note_guid(kind, *key), _fields(kind, values), tags, subdeck, due, **kw)


def _term_values(entry: Entry) -> dict[str, str]:
    formula = defuse_tex(entry.formula)
    short = formula and "\n" not in formula.strip() and len(formula) <= SHORT_FORMULA
    return {
        "Term": html.escape(entry.term, quote=False),
        "Aliases": html.escape(", ".join(entry.aliases), quote=False),
        "Definition": markdown_to_anki(entry.definition),
        "Formula": f"\\[{html.escape(formula, quote=False)}\\]" if short else "",
        "Reverse": "1" if _reverse_ok(entry) else "",
        "Id": entry.id,
    }


def _qa_notes(ctx: _Context) -> list[Note]:
    return [
        ctx.note(
            "qa",
            (ctx.entry.id, item.id),
            {
                "Question": markdown_to_anki(item.question),
                "Answer": markdown_to_anki(item.answer),
                "Term": html.escape(ctx.entry.term, quote=False),
                "Id": f"{ctx.entry.id}#{item.id}",
            },
        )
        for item in ctx.entry.quiz
        if not item.cloze
    ]


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


def cloze_hint(entry: Entry, text: str) -> str:
    """The term as a hint for a cloze sentence, or ``""`` where it would give an answer away."""
    hidden = " ".join(m.group(2) for m in _CLOZE.finditer(text))
    return "" if gives_away(hidden, entry.names) else html.escape(entry.term, quote=False)


def _cloze_notes(ctx: _Context) -> list[Note]:
    entry = ctx.entry
    notes = [
        ctx.note(
            "cloze",
            (entry.id, item.id),
            {
                "Text": markdown_to_anki(item.question, cloze=True),
                "Hint": cloze_hint(entry, item.question),
                "Id": f"{entry.id}#{item.id}",
            },
        )
        for item in entry.quiz
        if item.cloze
    ]
    text = formula_cloze(entry.formula) if entry.formula else None
    if text:
        prompt = f'<div class="prompt">{html.escape(entry.term, quote=False)}</div>'
        values = {
            "Text": prompt + f'<div class="math">{text}</div>',
            "Extra": markdown_to_anki(entry.definition),
            "Id": f"{entry.id}#formula",
        }
        notes.append(ctx.note("cloze", (entry.id, "formula"), values))
    return notes


def _predict_notes(ctx: _Context, claimed: set[str], taken: set[str]) -> list[Note]:
    """The entry's predict cards; `claimed` functions and `taken` code are not asked twice."""
    entry = ctx.entry
    functions = {}
    for dotted, func in zip(entry.implementation, entry.functions, strict=True):
        if dotted not in claimed:  # a function linked from several entries: one set of cards
            functions[dotted] = func
            claimed.add(dotted)
    snippets = predict_snippets(entry, functions, taken=taken)
    notes = [
        ctx.note(
            "predict",
            snippet.key,
            {
                "Code": _highlight(snippet.code.rstrip("\n")),
                "Output": _highlight(snippet.output),
                "Term": html.escape(entry.term, quote=False),
                "Id": "#".join(snippet.key),
            },
            subdeck=_predict_deck(ctx.subdeck),
            due=ctx.due + 1,  # after the entry's concept cards
        )
        for snippet in snippets
    ]
    taken.update(snippet.code for snippet in snippets)
    return notes


def figure_text(svg: Path | str) -> str:
    """The words a rendered figure prints: its ``<text>`` elements, or, where matplotlib
    draws text as outlines (``svg.fonttype: path``), the comment it leaves before each."""
    source = Path(svg).read_text(encoding="utf-8")
    words = re.findall(r"<!-- (.*?) -->", source) + re.findall(r"<text\b[^>]*>(.*?)</text>", source)
    return html.unescape(" ".join(words))


def picture_excluded(entry: Entry, glossary: Glossary, text: str) -> str:
    """Why a figure printing `text` cannot ask for `entry`, or ``""``.

    It may not print the term or an alias, even inflected; nor the name of another
    entry of the same topic that is not one of its prerequisites, since the picture
    would then fit that term as well.
    """
    if gives_away(text, entry.names, whole=True):
        return "prints the term"
    words = f" {normalize_name(text)} "
    for other in glossary:
        if other.id == entry.id or other.id in entry.prerequisites:
            continue
        if other.topic != entry.topic:
            continue
        if any(f" {normalize_name(n)} " in words for n in other.names if len(n) > 2):
            return f"also fits {other.id}"
    return ""


def media_name(entry_id: str) -> str:
    """The figure's file name in Anki: unique, and not the entry id, which would name the term."""
    return f"{MEDIA_PREFIX}{hashlib.sha256(entry_id.encode()).hexdigest()[:12]}.svg"


def _picture_note(ctx: _Context, spec: Any) -> Note:
    entry = ctx.entry
    media = media_name(entry.id)
    alt = spec.alt
    for name in sorted(entry.names, key=len, reverse=True):  # the alt text must not name it
        alt = re.sub(re.escape(name), "…", alt, flags=re.I)
    values = {
        "Figure": f'<img src="{media}" alt="{html.escape(alt)}">',
        "Caption": html.escape(spec.caption, quote=False),
        "Term": html.escape(entry.term, quote=False),
        "Definition": markdown_to_anki(entry.definition),
        "Id": entry.id,
    }
    return ctx.note("picture", (entry.id,), values, media=(media,))


def build_notes(
    glossary: Glossary,
    figures: dict[str, Any] | None = None,
    *,
    base_url: str = "",
) -> list[Note]:
    """Every note of every kind, in study order.

    `figures` maps entry id → FigureSpec, or → (FigureSpec, svg path); with the
    path, a figure that gives its term away (:func:`picture_excluded`) makes no
    card. `base_url` is the site's address; each card's back then links the
    entry's page.
    """
    figures = figures or {}
    decks = subdeck_names(glossary)
    seeds = _seed_titles(glossary.root)
    notes: list[Note] = []
    claimed: set[str] = set()
    taken: set[str] = set()
    for n, entry in enumerate(study_order(glossary)):
        ctx = _Context(entry, decks[entry.topic], 2 * n, seeds, _page(entry, base_url))
        term = ctx.note("term", (entry.id,), _term_values(entry))
        predict = _predict_notes(ctx, claimed, taken)
        notes += [term, *_qa_notes(ctx), *_cloze_notes(ctx), *predict]
        figure = figures.get(entry.id)
        if isinstance(figure, tuple):
            spec, svg = figure
            if picture_excluded(entry, glossary, figure_text(svg)):
                continue
            figure = spec
        if figure is not None:
            notes.append(_picture_note(ctx, figure))
    return notes


def deck_description(base_url: str = "") -> str:
    """The parent deck's description: what it is, how to update it, where the site is."""
    site = (
        f'<p>Every card links its entry on <a href="{html.escape(base_url)}">the glossary '
        "site</a>.</p>"
        if base_url
        else ""
    )
    return (
        "<p>A deep-learning glossary whose every entry runs: terms, questions, clozes, "
        "pictures and, in <i>Predict the output (code)</i>, short Python snippets checked "
        "against tested reference functions. Suspend or delete that subdeck to study "
        "without code.</p>"
        "<p>To update, import the new <code>dlterms.apkg</code> with <b>Merge note types</b> "
        "ticked. Your history is kept, and notes that did not change stay as you left them; "
        "a note whose content changed replaces your own edits and tags on that note.</p>" + site
    )


# --------------------------------------------------------------------------- the ledger


def _load_ledger(*paths: Path) -> dict[str, dict[str, list]]:
    """Merge ledgers: for each key, the record with the later stamp."""
    merged: dict[str, dict[str, list]] = {"notes": {}, "models": {}}
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for section in merged:
            for key, (digest, stamp) in data.get(section, {}).items():
                if key not in merged[section] or stamp > merged[section][key][1]:
                    merged[section][key] = [digest, int(stamp)]
    return merged


def _stamp(records: dict[str, list], key: str, content: str, now: int) -> int:
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    old = records.get(key)
    if old and old[0] == digest:
        return old[1]
    stamp = max(now, old[1] + 1) if old else now
    records[key] = [digest, stamp]
    return stamp


def _write_ledger(ledger: dict[str, dict[str, list]], path: Path) -> None:
    """Write the ledger with one record a line, so a diff shows which notes changed."""
    about = "Content hash and modification time of every note; see dlterms/kb/deck.py."
    parts = [f'{{\n"about": {json.dumps(about)}']
    for section, records in ledger.items():
        lines = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(records.items()))
        parts.append(f'"{section}": {{\n{lines}\n}}')
    text = ",\n".join(parts) + "\n}\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)


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
    ledger: Iterable[Path] | None = None,
    ledger_out: Iterable[Path] = (),
    base_url: str = "",
) -> Path:
    """Write the deck to `path` (``.apkg``).

    Without `ledger`, every note is stamped `timestamp` (seconds). With it, the
    ledgers at those paths are merged, each note and note type keeps its stamp
    while its content is unchanged and gets ``max(timestamp, old + 1)`` when it
    changes, and the updated ledger is written to every path in `ledger_out`.

    `figures` is :func:`dlterms.kb.figures.render_all`'s result; each SVG whose
    figure may ask for its term is copied into the package (:func:`media_name`).
    """
    import genanki

    now = int(timestamp)
    notes = build_notes(glossary, figures or {}, base_url=base_url)
    book = _load_ledger(*ledger) if ledger is not None else None

    def stamp(section: str, key: str, content: str) -> int:
        return now if book is None else _stamp(book[section], key, content, now)

    models = {
        kind: t.model(stamp("models", str(t.model_id), t.content()))
        for kind, t in NOTE_TYPES.items()
    }
    decks: dict[str, Any] = {
        DECK_NAME: genanki.Deck(DECK_ID, DECK_NAME, description=deck_description(base_url))
    }
    for note in notes:
        deck = decks.get(note.subdeck)
        if deck is None:
            deck = decks[note.subdeck] = genanki.Deck(_deck_id(note.subdeck), note.subdeck)
        deck.add_note(
            _stamped_note_class()(
                stamp("notes", note.guid, note.content()),
                model=models[note.kind],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.due,
            )
        )
    path = Path(path)
    media_names = {m for note in notes for m in note.media}
    with tempfile.TemporaryDirectory() as tmp:
        media = []
        for entry_id, (_, svg) in sorted((figures or {}).items()):
            target = Path(tmp) / media_name(entry_id)
            if target.name in media_names:
                shutil.copyfile(svg, target)
                media.append(str(target))
        package = genanki.Package(list(decks.values()), media_files=media)
        package.write_to_file(str(path), timestamp=timestamp)
    if book is not None:
        for out in ledger_out:
            _write_ledger(book, Path(out))
    return path


@functools.cache
def _stamped_note_class() -> type:
    import genanki

    class StampedNote(genanki.Note):
        """A genanki Note written with its own modification time, not the package's."""

        def __init__(self, stamp: int, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.stamp = stamp

        def write_to_db(self, cursor, timestamp, deck_id, id_gen):
            super().write_to_db(cursor, self.stamp, deck_id, id_gen)

    return StampedNote


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
