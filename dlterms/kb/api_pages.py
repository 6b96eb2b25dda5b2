"""The API reference section: one page per reference module, as scikit-learn and SciPy have.

Each page is a human sentence followed by ``::: dlterms.<module>``, which mkdocstrings
renders (signature, docstring, source). Pages are generated from the sorted module
names in :data:`dlterms.REFERENCE_MODULES`; term pages show only a short
"Reference implementation" (signature, one-line summary, link) made by
:func:`reference_summary`.
"""

from __future__ import annotations

import html
import importlib
import inspect
import re

from dlterms.kb.site_text import plain_text, strip_roles

__all__ = [
    "API_DIR",
    "api_index_page",
    "api_pages",
    "fix_roles",
    "module_names",
    "reference_summary",
]

API_DIR = "api"


def module_names() -> list[str]:
    """The reference modules' short names, sorted: ``['activations', 'autoencoders', ...]``."""
    import dlterms

    return sorted(m.__name__.rsplit(".", 1)[1] for m in dlterms.REFERENCE_MODULES)


def _summary(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    first = doc.strip().split("\n\n", 1)[0]
    return " ".join(strip_roles(first).split())


def api_index_page() -> str:
    """The API reference's front page: every module with the first line of its docstring."""
    out = [
        "---",
        'title: "API reference"',
        'description: "Every dlterms reference function, one page per topic module."',
        "---",
        "",
        "# API reference { #api-reference }",
        "",
        "Every function the glossary's term pages point to, one page per topic module, with",
        "its full signature, parameters, examples and source. Each function is also",
        "re-exported from the top-level package: `dlterms.softmax` is",
        "`dlterms.activations.softmax`.",
        "",
        "| Module | What it covers |",
        "| --- | --- |",
    ]
    for name in module_names():
        mod = importlib.import_module(f"dlterms.{name}")
        out.append(f"| [`dlterms.{name}`]({name}.md) | {_escape_cell(_summary(mod))} |")
    return "\n".join([*out, ""])


def _escape_cell(text: str) -> str:
    return text.replace("|", "\\|")


def module_page(name: str) -> str:
    """One module's page: its summary in words, then mkdocstrings' rendering of it."""
    mod = importlib.import_module(f"dlterms.{name}")
    return "\n".join(
        [
            "---",
            f'title: "dlterms.{name}"',
            f'description: "{html.escape(plain_text(_summary(mod)), quote=True)}"',
            "---",
            "",
            f"# `dlterms.{name}` {{ #dlterms-{name} }}",
            "",
            f"::: dlterms.{name}",
            "    options:",
            "      show_root_heading: false",
            "      show_root_toc_entry: false",
            "      heading_level: 2",
            "      members_order: source",
            "",
        ]
    )


def api_pages() -> dict[str, str]:
    """``{path inside docs/: markdown}`` for the index and every module page."""
    out = {f"{API_DIR}/index.md": api_index_page()}
    for name in module_names():
        out[f"{API_DIR}/{name}.md"] = module_page(name)
    return out


def reference_summary(dotted: str) -> tuple[str, str, str]:
    """``(signature, one-line summary, autorefs identifier)`` for a public function.

    Examples
    --------
    >>> sig, summary, ident = reference_summary("dlterms.activations.softmax")
    >>> sig.startswith("softmax(") and ident
    'dlterms.activations.softmax'
    """
    module, name = dotted.rsplit(".", 1)
    obj = getattr(importlib.import_module(module), name)
    try:
        sig = f"{name}{inspect.signature(obj)}"
    except (TypeError, ValueError):
        sig = name
    sig = re.sub(r"\bnumpy\.", "np.", sig)
    summary = _summary(obj)
    cut = re.search(r"(?<=[.!?])\s", summary)
    return sig, summary[: cut.start()] if cut else summary, dotted


_ROLE_HTML = re.compile(
    r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|ref|term|doc):"
    r"(?:<code>~?([^<]+)</code>|`~?([^`]+)`)"
)


def fix_roles(html_text: str) -> str:
    """Turn Sphinx roles that leaked into rendered HTML into plain code.

    Examples
    --------
    >>> fix_roles("see :func:<code>softmax</code> and :mod:`dlterms.losses`")
    'see <code>softmax</code> and <code>dlterms.losses</code>'
    """
    return _ROLE_HTML.sub(lambda m: f"<code>{m.group(1) or m.group(2)}</code>", html_text)
