"""Render glossary entries as MkDocs pages (the site consumer of the loader).

:func:`on_files` is an MkDocs hook (see ``dlterms/kb/mkdocs_hook.py``): at build
time it loads the glossary once, draws the figures (through their cache) and
adds the generated pages: one per term, the A–Z index, the tags index and one
page per tag, the study path and the overloaded-words page. Nothing here is
committed to ``docs/``.
"""

from __future__ import annotations

import html
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
from dlterms.kb.site_text import framework_url, plain_text

__all__ = [
    "DECK_URL",
    "STAGES",
    "disambiguation_page",
    "index_page",
    "on_config",
    "on_files",
    "on_page_content",
    "on_post_build",
    "on_post_page",
    "pages",
    "study_path",
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


#: Where the build puts the Anki deck inside the site (see ``kb/build.py``).
DECK_URL = "downloads/dlterms.apkg"

#: Study-path stages: a heading, one sentence, and the topics (first tags) it holds.
#: An entry goes into the stage of its topic, or a later one if a prerequisite is later.
STAGES = [
    ("Foundations", "What learning from data means, and the maths and data it rests on.",
     ["foundations", "learning-paradigms", "tensors", "data", "statistics", "probability",
      "calculus"]),
    ("Neurons and networks", "The unit every network is made of, and its nonlinearity.",
     ["neurons", "activations"]),
    ("Losses and metrics", "What training minimises, and how a model is scored.",
     ["losses", "metrics", "classification", "regression"]),
    ("Training and optimization", "Gradients, backpropagation and the rules that update weights.",
     ["training", "optimization"]),
    ("Generalization and regularization", "Doing well on data the model has not seen.",
     ["generalization", "regularization"]),
    ("Architectures", "Layers, convolutions, sequence models and whole designs.",
     ["layers", "convolution", "architectures", "sequence-models"]),
    ("Beyond supervised learning", "Finding structure without labels.", ["clustering"]),
    ("Tools and practice", "The libraries people use, and using models responsibly.",
     ["tools", "ethics"]),
]  # fmt: skip


def study_path(glossary: Glossary) -> list[tuple[str, str, list[Entry]]]:
    """The study path: ``[(stage heading, blurb, entries in order)]``.

    Every entry comes after its prerequisites: an entry's stage is at least that of
    each prerequisite, and within a stage the prerequisite order of
    :func:`~dlterms.kb.glossary.study_order` is kept.
    """
    topic_stage = {t: i for i, (_, _, topics) in enumerate(STAGES) for t in topics}
    order = study_order(glossary)
    stage: dict[str, int] = {}
    for e in order:  # prerequisites come first in `order`
        own = topic_stage.get(e.topic, len(STAGES) - 1)
        stage[e.id] = max([own, *(stage[p] for p in e.prerequisites if p in stage)])
    position = {e.id: i for i, e in enumerate(order)}
    ranked = sorted(order, key=lambda e: (stage[e.id], position[e.id]))
    return [
        (heading, blurb, [e for e in ranked if stage[e.id] == i])
        for i, (heading, blurb, _) in enumerate(STAGES)
    ]


def _neighbours(glossary: Glossary) -> dict[str, tuple[Entry | None, Entry | None]]:
    flat = [e for _, _, es in study_path(glossary) for e in es]
    return {
        e.id: (flat[i - 1] if i else None, flat[i + 1] if i + 1 < len(flat) else None)
        for i, e in enumerate(flat)
    }


def _source_names(glossary: Glossary) -> dict[str, str]:
    """Seed file name -> its description in the schema (a readable name for a hash)."""
    import json

    root = glossary.root or Path(__file__).resolve().parents[2] / "glossary"
    try:
        schema = json.loads((Path(root) / "schema.json").read_text(encoding="utf-8"))
        return {s["const"]: s["description"] for s in schema["$defs"]["seed"]["oneOf"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def term_page(
    entry: Entry,
    glossary: Glossary,
    figure: Any = None,
    *,
    neighbours: tuple[Entry | None, Entry | None] = (None, None),
    sources: dict[str, str] | None = None,
) -> str:
    """The Markdown for one term's page; `figure` is its FigureSpec, if it has one.

    It teaches first: definition, figure, explanation, formula, worked example,
    pitfalls, check yourself, see also, framework names; then a short reference
    implementation that links to the API reference.
    """
    out = [
        *_front_matter(entry.term, plain_text(entry.definition)),
        f"# {_md(entry.term)} {{ #{entry.id} }}",
        "",
    ]
    if entry.aliases:
        names = ", ".join(f"**{_md(a)}**" for a in entry.aliases)
        out += [f"Also called {names}.", "{ .dlt-aliases }", ""]
    if entry.disambiguation:
        out += _hatnote(entry, glossary)
    out += [" ".join(_md(entry.definition).split()), "{ .dlt-definition }", ""]
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
        out += ["## Formula", "", "$$", entry.formula.strip(), "$$", ""]
    if entry.example:
        out += ["## Worked example", "", _md(entry.example.text), ""]
        if entry.example.code:
            out += ["The same example in Python, a doctest that the test suite runs:", ""]
            fence = _fence(entry.example.code)
            out += [f"{fence}pycon", entry.example.code, fence, ""]
    if entry.pitfalls:
        out += ["## Pitfalls", ""] + [f"- {_md(p)}" for p in entry.pitfalls] + [""]
    if entry.quiz:
        out += _quiz(entry)
    related = [glossary[s] for s in entry.see_also]
    backlinks = [e for e in glossary.referenced_by(entry.id) if e.id not in entry.see_also]
    if related:
        out += ["## See also", ""] + [f"- {_link(e)}: {_first_sentence(e)}" for e in related]
        out += [""]
    if backlinks:
        out += ["## Referenced by", ""] + [f"- {_link(e)}" for e in backlinks] + [""]
    if entry.frameworks or entry.implementation:
        out += _framework_table(entry)
    if entry.implementation:
        out += _reference_implementation(entry)
    if entry.references:
        out += ["## References", ""] + [f"- {_reference(r)}" for r in entry.references] + [""]
    out += _study_nav(*neighbours)
    sources = sources or {}
    named = "; ".join(_md(sources.get(s, s).rstrip(".")) for s in entry.sources)
    cited = f"*Sources:* {named}. " if named else ""
    out += [
        "---",
        "",
        f"{cited}*Review it:* "
        f'<a href="../../{DECK_URL}" class="dlt-deck">download the Anki deck</a> '
        "(`dlterms.apkg`), with a card for every term.",
        "{ .dlt-sources }",
        "",
    ]
    return "\n".join(out)


def _reference_implementation(entry: Entry) -> list[str]:
    from dlterms.kb.api_pages import reference_summary

    out = ["## Reference implementation", ""]
    for dotted in entry.implementation:
        sig, summary, ident = reference_summary(dotted)
        module = dotted.split(".")[1]
        out += [
            f"[`dlterms.{_short(sig)}`][{ident}]",
            f": {_md(summary)} Full documentation and source: [`dlterms.{module}`][{ident}].",
            "",
        ]
    return out


def _short(signature: str) -> str:
    """A signature without type annotations and defaults, to fit a line on a phone."""
    name, _, params = signature.partition("(")
    params = params.rsplit(")", 1)[0]
    names, depth, cur = [], 0, ""
    for ch in params + ",":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            names.append(cur.strip().split(":")[0].split("=")[0].strip())
            cur = ""
        else:
            cur += ch
    return f"{name}({', '.join(n for n in names if n)})"


def _study_nav(prev: Entry | None, nxt: Entry | None) -> list[str]:
    if prev is None and nxt is None:
        return []
    parts = []
    if prev is not None:
        parts.append(f"← Previous: {_link(prev)}")
    parts.append("[Study path](../study-path.md)")
    if nxt is not None:
        parts.append(f"Next: {_link(nxt)} →")
    return [" · ".join(parts), "{ .dlt-study-nav }", ""]


def _reference(text: str) -> str:
    """A reference as Markdown: its web address, if any, becomes a link."""
    return re.sub(r"(https?://[^\s<>()]+[^\s<>().,;])", r"[\1](\1)", _md(text))


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
            out.append(f"| {label} | {'<br>'.join(_framework_name(key, n) for n in names)} |")
    impl = "<br>".join(f"`dlterms.{p.rsplit('.', 1)[1]}`" for p in entry.implementation)
    if impl:
        out.append(f"| dlterms (numpy reference) | {impl} |")
    return [*out, ""]


def _framework_name(library: str, name: str) -> str:
    """The name as code, linked to its library's documentation, breakable after each dot.

    ``<wbr>`` marks where a narrow table cell may wrap (after a dot, never inside a
    word); unlike a zero-width space it adds nothing to the copied text.
    """
    code = "<code>" + ".<wbr>".join(html.escape(part) for part in name.split(".")) + "</code>"
    url = framework_url(library, name)
    return f'<a href="{html.escape(url, quote=True)}">{code}</a>' if url else code


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
    """All terms in stages, each after the terms it builds on, computed from the entries."""
    out = [*_front_matter("Study path"), "# Study path", ""]
    out += [
        "Every term, in stages from foundations to architectures and tools. Each term",
        "comes after the terms it builds on (its *learn first* links), and every term page",
        "links to the previous and next term on this path.",
        "",
    ]
    stages = study_path(glossary)
    out += [" · ".join(f"[{h}](#{_slug(h)})" for h, _, es in stages if es), ""]
    n = 0
    for heading, blurb, entries in stages:
        if not entries:
            continue
        out += [f"## {heading} {{ #{_slug(heading)} }}", "", blurb, ""]
        for e in entries:
            n += 1
            after = ""
            if e.prerequisites:
                after = " (after " + ", ".join(_md(glossary[p].term) for p in e.prerequisites) + ")"
            out.append(f"{n}. {_link(e, f'{TERMS_DIR}/')}{after}")
        out.append("")
    return "\n".join(out)


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
    near = _neighbours(glossary)
    sources = _source_names(glossary)
    out = {
        f"{TERMS_DIR}/{e.id}.md": term_page(
            e, glossary, figures.get(e.id), neighbours=near[e.id], sources=sources
        )
        for e in glossary
    }
    out[f"{TERMS_DIR}/index.md"] = index_page(glossary)
    out[f"{TAGS_DIR}/index.md"] = tags_index_page(glossary)
    vocab = tag_vocabulary(glossary.root)
    for tag, entries in _by_tag(glossary).items():
        out[f"{TAGS_DIR}/{tag}.md"] = tag_page(tag, vocab[tag], entries)
    out["study-path.md"] = study_path_page(glossary)
    out["overloaded-words.md"] = disambiguation_page(glossary)
    return out


# --------------------------------------------------------------------------- MkDocs hook

#: What the build learnt in on_files and needs again after the pages are written.
_STATE: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    """MkDocs hook: expand the navigation's "API reference" into one item per module."""
    from dlterms.kb.api_pages import API_DIR, module_names

    section = [
        f"{API_DIR}/index.md",
        *({f"dlterms.{m}": f"{API_DIR}/{m}.md"} for m in module_names()),
    ]
    nav = config.get("nav") or []
    for i, item in enumerate(nav):
        if isinstance(item, dict) and item.get("API reference") == f"{API_DIR}/index.md":
            nav[i] = {"API reference": section}
    return config


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: draw the figures and add the generated pages to the build."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    from dlterms.kb.api_pages import api_pages
    from dlterms.kb.figures import render_all

    _index_no_pages(config)
    try:
        glossary = load_glossary()
    except GlossaryError as exc:
        raise PluginError("the glossary has errors; run `dlterms check`\n" + exc.report()) from exc
    _STATE["glossary"] = glossary
    cache = Path(config.config_file_path).parent / ".cache" / "figures"
    rendered = render_all(cache, glossary.entries)
    for entry_id, (_, svg) in rendered.items():
        files.append(File.generated(config, f"figures/{entry_id}.svg", abs_src_path=str(svg)))
    specs = {entry_id: spec for entry_id, (spec, _) in rendered.items()}
    generated = {**pages(glossary, specs), **api_pages()}
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    return files


def _index_no_pages(config: Any) -> None:
    """Let the search plugin keep its config in the index but parse no page into it.

    Material's search plugin feeds every rendered page through an HTML parser to
    index its sections, the largest per-page cost of the build, and
    :func:`on_post_build` then replaces all of those records with the small glossary
    index (:mod:`dlterms.kb.site_search`). The plugin still strips ``data-search-*``
    attributes from each page and writes the index's ``config``, which is kept.
    """
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and callable(getattr(index, "add_entry_from_context", None)):
            index.add_entry_from_context = _index_nothing


def _index_nothing(page: Any) -> None:
    return None


def on_page_content(html_text: str, page: Any, **kwargs: Any) -> str:
    """MkDocs hook: every generated page passes the sanitizer before it is written.

    Docstrings rendered by mkdocstrings also lose any Sphinx role (``:func:``) here.
    """
    from dlterms.kb.api_pages import fix_roles

    if page.file.src_uri.split("/", 1)[0] in _GENERATED_TOP:
        return sanitize_html(fix_roles(html_text))
    return html_text


def on_post_page(output: str, page: Any, config: Any) -> str:
    """MkDocs hook: the search box talks to the dlterms search worker."""
    from dlterms.kb.site_search import use_worker

    _STATE.setdefault("pages", []).append(
        (page.file.src_uri, page.url, page.title, page.meta.get("description", ""))
    )
    return use_worker(output)


def _page_records() -> list[dict[str, str]]:
    import html as html_mod

    out = []
    for src, url, title, description in _STATE.get("pages", []):
        top = src.split("/", 1)[0]
        if top == TERMS_DIR and src != f"{TERMS_DIR}/index.md":
            continue
        if top == "api" and src != "api/index.md":
            continue
        text = html_mod.unescape(str(description or ""))
        out.append({"location": url, "title": html_mod.unescape(str(title or "")), "text": text})
    return sorted(out, key=lambda r: r["location"])


def _function_records() -> list[dict[str, str]]:
    import importlib

    from dlterms.kb.api_pages import API_DIR, module_names, reference_summary

    out = []
    for module in module_names():
        mod = importlib.import_module(f"dlterms.{module}")
        for name in sorted(getattr(mod, "__all__", [])):
            dotted = f"dlterms.{module}.{name}"
            _, summary, _ = reference_summary(dotted)
            out.append(
                {
                    "location": f"{API_DIR}/{module}/#{dotted}",
                    "title": f"{name}()",
                    "text": plain_text(summary) + f" (dlterms.{module})",
                }
            )
    return out


def on_post_build(config: Any) -> None:
    """MkDocs hook: replace the search plugin's index with the small glossary index."""
    from dlterms.kb.site_search import search_docs, write_index

    glossary = _STATE.get("glossary")
    if glossary is None:
        return
    docs = search_docs(glossary, _function_records(), _page_records())
    write_index(Path(config.site_dir), docs)
    _STATE.pop("pages", None)


# The search plugin writes its index in its own on_post_build; ours must run after it.
try:
    from mkdocs.plugins import event_priority

    on_post_build = event_priority(-100)(on_post_build)
except ImportError:  # mkdocs is only needed when building the site
    pass


_GENERATED_TOP = frozenset({TERMS_DIR, TAGS_DIR, "api", "study-path.md", "overloaded-words.md"})
