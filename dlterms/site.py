"""Render glossary entries as MkDocs pages (the site consumer of the loader).

:func:`on_files` is an MkDocs hook (see ``dlterms/_mkdocs_hook.py``): at build
time it loads the glossary once and adds one generated page per term, an A–Z
index and a tags page. Nothing here is committed to ``docs/``.
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlterms.glossary import Entry, Glossary, GlossaryError, load_glossary, tag_vocabulary

__all__ = ["index_page", "on_files", "pages", "tags_page", "term_page"]

TERMS_DIR = "terms"


def _link(entry: Entry, prefix: str = "") -> str:
    return f"[{entry.term}]({prefix}{entry.id}.md)"


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")


def term_page(entry: Entry, glossary: Glossary, figure: Any = None) -> str:
    """The Markdown for one term's page; `figure` is its FigureSpec, if it has one."""
    out = [
        "---",
        f"title: {_yaml_str(entry.term)}",
        f"description: {_yaml_str(entry.definition)}",
        "---",
        "",
        f"# {entry.term} {{ #{entry.id} }}",
        "",
    ]
    if entry.aliases:
        names = ", ".join(f"**{a}**" for a in entry.aliases)
        out += [f"Also called {names}.", "{ .dlt-aliases }", ""]
    tags = " ".join(f"[`{t}`](../tags.md#{t})" for t in entry.tags)
    out += ['!!! abstract "Definition"', "", _indent(entry.definition), "", f"Tags: {tags}", ""]
    if figure is not None:
        alt = figure.alt.replace("[", "(").replace("]", ")")
        out += [
            '<figure class="dlt-figure" markdown="span">',
            f"  ![{alt}](../figures/{figure.filename}){{ loading=lazy }}",
            f"  <figcaption>{figure.caption}</figcaption>" if figure.caption else "",
            "</figure>",
            "",
        ]
    if entry.prerequisites:
        pre = ", ".join(_link(glossary[p]) for p in entry.prerequisites)
        out += [f"**Learn first:** {pre}", ""]
    if entry.explanation:
        out += ["## Explanation", "", entry.explanation, ""]
    if entry.formula:
        out += ["## Formula", "", "$$", entry.formula, "$$", ""]
    if entry.example:
        out += ["## Worked example", "", entry.example.text, ""]
        if entry.example.code:
            out += [
                "The same example in Python (a doctest the test suite runs):",
                "",
                "```pycon",
                entry.example.code,
                "```",
                "",
            ]
    if entry.pitfalls:
        out += ["## Pitfalls", ""] + [f"- {p}" for p in entry.pitfalls] + [""]
    if entry.implementation:
        out += [
            "## Reference implementation",
            "",
            "Call it as `dlterms."
            + "`, `dlterms.".join(p.rsplit(".", 1)[1] for p in entry.implementation)
            + "`.",
            "",
        ]
        for dotted in entry.implementation:
            out += [f"::: {dotted}", ""]
    if entry.quiz:
        out += ["## Check yourself", ""]
        for item in entry.quiz:
            if item.cloze:
                out += [f"- {_cloze_blanks(item.question)}", ""]
            else:
                out += [f'??? question "{_attr_safe(item.question)}"', "", _indent(item.answer), ""]
    related = [glossary[s] for s in entry.see_also]
    backlinks = [e for e in glossary.referenced_by(entry.id) if e.id not in entry.see_also]
    if related:
        out += ["## See also", ""] + [f"- {_link(e)}: {_first_sentence(e)}" for e in related] + [""]
    if backlinks:
        out += ["## Referenced by", ""] + [f"- {_link(e)}" for e in backlinks] + [""]
    out += ["---", "", f"*Sources:* {', '.join(f'`{s}`' for s in entry.sources)}", ""]
    return "\n".join(out)


def _first_sentence(entry: Entry) -> str:
    text = entry.definition
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
    return text.replace('"', "&quot;").replace("\n", " ")


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def index_page(glossary: Glossary) -> str:
    """The A–Z index: every term and alias, grouped by first letter."""
    rows: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for e in glossary:
        rows[_letter(e.term)].append((e.term.lower(), f"- {_link(e)}: {_first_sentence(e)}"))
        for alias in e.aliases:
            rows[_letter(alias)].append((alias.lower(), f"- {alias}: see {_link(e)}"))
    out = [
        "---",
        "title: A–Z index",
        "---",
        "",
        "# A–Z index",
        "",
        f"All {len(glossary)} terms, with their aliases pointing to the entry.",
        "",
    ]
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


def tags_page(glossary: Glossary) -> str:
    """One section per tag of the vocabulary, listing its entries."""
    vocab = tag_vocabulary(glossary.root)
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for e in glossary:
        for t in e.tags:
            by_tag[t].append(e)
    out = [
        "---",
        "title: Tags",
        "---",
        "",
        "# Tags",
        "",
        "Every entry carries one or more topic tags from a fixed vocabulary.",
        "",
    ]
    for tag, description in vocab.items():
        members = sorted(by_tag.get(tag, []), key=lambda e: e.term.lower())
        if not members:
            continue
        out += [f"## {tag} {{ #{tag} }}", "", description, ""]
        out += [f"- {_link(e, TERMS_DIR + '/')}" for e in members] + [""]
    return "\n".join(out)


def pages(glossary: Glossary, figures: dict[str, Any] | None = None) -> dict[str, str]:
    """Every generated page, ``{path inside docs/: markdown}``."""
    figures = figures or {}
    out = {f"{TERMS_DIR}/{e.id}.md": term_page(e, glossary, figures.get(e.id)) for e in glossary}
    out[f"{TERMS_DIR}/index.md"] = index_page(glossary)
    out["tags.md"] = tags_page(glossary)
    return out


# --------------------------------------------------------------------------- MkDocs hook


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: add the generated pages to the build."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    try:
        glossary = load_glossary()
    except GlossaryError as exc:
        raise PluginError("the glossary has errors; run `dlterms check`\n" + exc.report()) from exc
    from dlterms.figures import render_all

    cache = Path(config.config_file_path).parent / ".cache" / "figures"
    rendered = render_all(cache, glossary.entries)
    for entry_id, (_, svg) in rendered.items():
        files.append(File.generated(config, f"figures/{entry_id}.svg", abs_src_path=str(svg)))
    specs = {entry_id: spec for entry_id, (spec, _) in rendered.items()}
    for path, content in pages(glossary, specs).items():
        files.append(File.generated(config, path, content=content))
    return files
