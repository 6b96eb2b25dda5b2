"""Render glossary entries as MkDocs pages (the site consumer of the loader).

:func:`on_files` is an MkDocs hook (see ``dlterms/kb/mkdocs_hook.py``): at build
time it loads the glossary once, draws the figures (through their cache) and
adds the generated pages: one per term, the A–Z index, the tags index and one
page per tag, the study path and the overloaded-words page. Nothing here is
committed to ``docs/``.
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlterms.kb.glossary import (
    Entry,
    Glossary,
    GlossaryError,
    load_glossary,
    study_order,
    tag_vocabulary,
)
from dlterms.kb.safe import attribute_text, escape_raw_html, sanitize_html

__all__ = [
    "disambiguation_page",
    "index_page",
    "on_files",
    "pages",
    "study_path_page",
    "tag_page",
    "tags_index_page",
    "term_page",
]

TERMS_DIR = "terms"
TAGS_DIR = "tags"

#: Display names and order of the libraries in the framework-names table.
FRAMEWORKS = {
    "pytorch": "PyTorch",
    "keras": "Keras",
    "tensorflow": "TensorFlow",
    "sklearn": "scikit-learn",
    "scipy": "SciPy",
    "numpy": "NumPy",
}


def _link(entry: Entry, prefix: str = "") -> str:
    return f"[{_md(entry.term)}]({prefix}{entry.id}.md)"


def _md(text: str) -> str:
    """A contributor's Markdown, with any raw HTML shown as text (see :mod:`dlterms.kb.safe`)."""
    return escape_raw_html(text)


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")


def _front_matter(title: str, description: str = "") -> list[str]:
    # MkDocs puts both into the navigation, <title> and <meta> unescaped: escape them here.
    out = ["---", f"title: {_yaml_str(attribute_text(title))}"]
    if description:
        out.append(f"description: {_yaml_str(attribute_text(description))}")
    return [*out, "---", ""]


def term_page(entry: Entry, glossary: Glossary, figure: Any = None) -> str:
    """The Markdown for one term's page; `figure` is its FigureSpec, if it has one."""
    out = [
        *_front_matter(entry.term, entry.definition),
        f"# {_md(entry.term)} {{ #{entry.id} }}",
        "",
    ]
    if entry.aliases:
        names = ", ".join(f"**{_md(a)}**" for a in entry.aliases)
        out += [f"Also called {names}.", "{ .dlt-aliases }", ""]
    if entry.disambiguation:
        out += _hatnote(entry, glossary)
    tags = " ".join(f"[`{t}`](../{TAGS_DIR}/{t}.md)" for t in entry.tags)
    out += [
        '!!! abstract "Definition"',
        "",
        _indent(_md(entry.definition)),
        "",
        f"Tags: {tags}",
        "",
    ]
    if figure is not None:
        alt = figure.alt.replace("[", "(").replace("]", ")")
        out += [
            '<figure class="dlt-figure" markdown="span">',
            f"  ![{alt}](../figures/{figure.filename}){{ loading=lazy }}",
            f"  <figcaption>{_md(figure.caption)}</figcaption>" if figure.caption else "",
            "</figure>",
            "",
        ]
    if entry.prerequisites:
        pre = ", ".join(_link(glossary[p]) for p in entry.prerequisites)
        out += [f"**Learn first:** {pre}", ""]
    if entry.explanation:
        out += ["## Explanation", "", _md(entry.explanation), ""]
    if entry.formula:
        out += ["## Formula", "", "$$", entry.formula, "$$", ""]
    if entry.example:
        out += ["## Worked example", "", _md(entry.example.text), ""]
        if entry.example.code:
            out += ["The same example in Python, a doctest that the test suite runs:", ""]
            fence = _fence(entry.example.code)
            out += [f"{fence}pycon", entry.example.code, fence, ""]
    if entry.pitfalls:
        out += ["## Pitfalls", ""] + [f"- {_md(p)}" for p in entry.pitfalls] + [""]
    if entry.frameworks:
        out += _framework_table(entry)
    if entry.implementation:
        calls = ", ".join(f"`dlterms.{p.rsplit('.', 1)[1]}`" for p in entry.implementation)
        out += ["## Reference implementation", "", f"Call it as {calls}.", ""]
        for dotted in entry.implementation:
            out += [f"::: {dotted}", ""]
    if entry.quiz:
        out += _quiz(entry)
    related = [glossary[s] for s in entry.see_also]
    backlinks = [e for e in glossary.referenced_by(entry.id) if e.id not in entry.see_also]
    if related:
        out += ["## See also", ""] + [f"- {_link(e)}: {_first_sentence(e)}" for e in related]
        out += [""]
    if backlinks:
        out += ["## Referenced by", ""] + [f"- {_link(e)}" for e in backlinks] + [""]
    out += ["---", "", f"*Sources:* {', '.join(f'`{s}`' for s in entry.sources)}", ""]
    return "\n".join(out)


def _hatnote(entry: Entry, glossary: Glossary) -> list[str]:
    d = entry.disambiguation
    items = [f"    - {_link(glossary[s.see])}: {_md(s.sense)}" for s in d.senses]
    return [
        f'!!! info "Other meanings of *{_attr_safe(d.word)}*"',
        "",
        f"    This page is about **{_md(entry.term)}**. The word can also mean:",
        "",
        *items,
        "",
        f"    See all [overloaded words](../overloaded-words.md#{_slug(d.word)}).",
        "",
    ]


def _framework_table(entry: Entry) -> list[str]:
    out = ["## Framework names", "", "| Library | Name |", "| --- | --- |"]
    for key, label in FRAMEWORKS.items():
        names = entry.frameworks.get(key)
        if names:
            out.append(f"| {label} | {'<br>'.join(f'`{n}`' for n in names)} |")
    impl = "<br>".join(f"`dlterms.{p.rsplit('.', 1)[1]}`" for p in entry.implementation)
    if impl:
        out.append(f"| dlterms (numpy reference) | {impl} |")
    return [*out, ""]


def _quiz(entry: Entry) -> list[str]:
    out = ["## Check yourself", ""]
    for item in entry.quiz:
        if item.cloze:
            out += [f"- {_cloze_blanks(_md(item.question))}", ""]
        else:
            out += [
                f'??? question "{_attr_safe(item.question)}"',
                "",
                _indent(_md(item.answer)),
                "",
            ]
    return out


def _first_sentence(entry: Entry) -> str:
    text = _md(entry.definition)
    cut = text.find(". ")
    return text if cut < 0 else text[: cut + 1]


def _cloze_blanks(text: str) -> str:
    """Show a cloze with its hidden parts as reveal-on-hover blanks."""
    return re.sub(
        r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}",
        lambda m: f'<span class="dlt-cloze" tabindex="0">{m.group(1)}</span>',
        text,
    )


def _attr_safe(text: str) -> str:
    return attribute_text(text)


def _fence(code: str) -> str:
    """A backtick fence longer than any run of backticks in `code`, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


# --------------------------------------------------------------------------- index pages


def index_page(glossary: Glossary) -> str:
    """The A–Z index: every term and alias, grouped by first letter."""
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in glossary:
        rows[_letter(e.term)].append((e.term.lower(), f"- {_link(e)}: {_first_sentence(e)}"))
        for alias in e.aliases:
            rows[_letter(alias)].append((alias.lower(), f"- {_md(alias)}: see {_link(e)}"))
    out = [*_front_matter("A–Z index"), "# A–Z index", ""]
    out += [f"All {len(glossary)} terms, with their aliases pointing to the entry.", ""]
    letters = sorted(rows)
    out += [" · ".join(f"[{k}](#{_anchor(k)})" for k in letters), ""]
    for k in letters:
        out += [f"## {k} {{ #{_anchor(k)} }}", ""] + [line for _, line in sorted(rows[k])] + [""]
    return "\n".join(out)


def _letter(name: str) -> str:
    first = name.strip()[:1].upper()
    return first if first.isalpha() else "#"


def _anchor(letter: str) -> str:
    return "letter-" + (letter.lower() if letter.isalpha() else "other")


def _by_tag(glossary: Glossary) -> dict[str, list[Entry]]:
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for e in glossary:
        for t in e.tags:
            by_tag[t].append(e)
    return {t: sorted(es, key=lambda e: e.term.lower()) for t, es in by_tag.items()}


def tags_index_page(glossary: Glossary) -> str:
    """Every tag of the vocabulary that is in use, with its description and count."""
    by_tag = _by_tag(glossary)
    out = [*_front_matter("Tags"), "# Tags", ""]
    out += ["Every entry carries topic tags from one fixed vocabulary.", ""]
    out += ["| Tag | Terms | What it covers |", "| --- | ---: | --- |"]
    for tag, description in tag_vocabulary(glossary.root).items():
        if tag in by_tag:
            out.append(f"| [`{tag}`]({tag}.md) | {len(by_tag[tag])} | {description} |")
    return "\n".join([*out, ""])


def tag_page(tag: str, description: str, entries: list[Entry]) -> str:
    """One tag: its description and its entries, each with its definition's first sentence."""
    out = [*_front_matter(f"Tag: {tag}", description), f"# Tag: `{tag}`", "", description, ""]
    out += [f"- {_link(e, f'../{TERMS_DIR}/')}: {_first_sentence(e)}" for e in entries]
    out += ["", "[All tags](index.md)", ""]
    return "\n".join(out)


def study_path_page(glossary: Glossary) -> str:
    """All terms in prerequisite order, computed from the entries."""
    out = [*_front_matter("Study path"), "# Study path", ""]
    out += [
        "Every term in an order where each one comes after the terms it builds on (its",
        "*learn first* links). Within that constraint, topics follow the tag vocabulary.",
        "",
    ]
    for n, e in enumerate(study_order(glossary), 1):
        after = ""
        if e.prerequisites:
            after = " (after " + ", ".join(_md(glossary[p].term) for p in e.prerequisites) + ")"
        out.append(f"{n}. {_link(e, f'{TERMS_DIR}/')}{after}")
    return "\n".join([*out, ""])


def disambiguation_page(glossary: Glossary) -> str:
    """Words that mean different things in different places, with every meaning."""
    words: dict[str, dict[str, str]] = defaultdict(dict)
    for e in glossary:
        if e.disambiguation:
            words[e.disambiguation.word.lower()].setdefault(e.id, _first_sentence(e))
            for s in e.disambiguation.senses:
                words[e.disambiguation.word.lower()].setdefault(s.see, s.sense)
    out = [*_front_matter("Overloaded words"), "# Overloaded words", ""]
    out += [
        "Some words mean different things in different corners of machine learning.",
        "Each one below lists its meanings and the entry that explains each.",
        "",
    ]
    for word in sorted(words):
        out += [f"## {word} {{ #{_slug(word)} }}", ""]
        for entry_id, sense in words[word].items():
            out.append(f"- {_link(glossary[entry_id], f'{TERMS_DIR}/')}: {sense}")
        out.append("")
    if not words:
        out += ["No overloaded words yet.", ""]
    return "\n".join(out)


def pages(glossary: Glossary, figures: dict[str, Any] | None = None) -> dict[str, str]:
    """Every generated page, ``{path inside docs/: markdown}``."""
    figures = figures or {}
    out = {f"{TERMS_DIR}/{e.id}.md": term_page(e, glossary, figures.get(e.id)) for e in glossary}
    out[f"{TERMS_DIR}/index.md"] = index_page(glossary)
    out[f"{TAGS_DIR}/index.md"] = tags_index_page(glossary)
    vocab = tag_vocabulary(glossary.root)
    for tag, entries in _by_tag(glossary).items():
        out[f"{TAGS_DIR}/{tag}.md"] = tag_page(tag, vocab[tag], entries)
    out["study-path.md"] = study_path_page(glossary)
    out["overloaded-words.md"] = disambiguation_page(glossary)
    return out


# --------------------------------------------------------------------------- MkDocs hook


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: draw the figures and add the generated pages to the build."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    from dlterms.kb.figures import render_all

    try:
        glossary = load_glossary()
    except GlossaryError as exc:
        raise PluginError("the glossary has errors; run `dlterms check`\n" + exc.report()) from exc
    cache = Path(config.config_file_path).parent / ".cache" / "figures"
    rendered = render_all(cache, glossary.entries)
    for entry_id, (_, svg) in rendered.items():
        files.append(File.generated(config, f"figures/{entry_id}.svg", abs_src_path=str(svg)))
    specs = {entry_id: spec for entry_id, (spec, _) in rendered.items()}
    for path, content in pages(glossary, specs).items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """MkDocs hook: every generated page passes the sanitizer before it is written."""
    if page.file.src_uri.split("/", 1)[0] in _GENERATED_TOP:
        return sanitize_html(html)
    return html


_GENERATED_TOP = frozenset({TERMS_DIR, TAGS_DIR, "study-path.md", "overloaded-words.md"})
