"""What contributors write can never run in a reader's browser or in Anki.

The policy, applied by the site and the deck alike:

1. Content fields are Markdown **without raw HTML**. Any ``<`` outside code and
   math is shown as the character, never parsed as a tag (:func:`escape_raw_html`);
   the checker also refuses raw HTML, so contributors hear of it early.
2. Links may use ``http``, ``https`` and ``mailto``, or be relative. Any other
   scheme (``javascript:``, ``data:``, ``vbscript:`` ...) is removed.
3. Every rendered fragment passes `nh3 <https://nh3.readthedocs.io>`_ (the Rust
   sanitizer ammonia) with an allow-list of the tags and attributes the pages
   and cards really use (:func:`sanitize_html`), so whatever slips past 1 and 2,
   or comes from a tool that renders Markdown, is stripped of scripts, event
   handlers and foreign URL schemes.
4. Text placed in an attribute, ``<meta>``, a page title or the navigation is
   plain text, HTML-escaped (:func:`attribute_text`).
5. TeX commands that make links or raw HTML (``\\href``, ``\\url``, ``\\html...``,
   ``\\includegraphics``) are neutralised in math (:func:`defuse_tex`), since KaTeX
   and MathJax could otherwise turn them into live markup.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "ALLOWED_SCHEMES",
    "UNSAFE_TEX",
    "attribute_text",
    "defuse_tex",
    "escape_raw_html",
    "raw_html_tags",
    "sanitize_html",
    "unsafe_links",
]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

#: Tags and attributes the generated pages and cards use; nothing else survives.
_TAGS = frozenset(
    """a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre s small span strong sub summary
    sup table tbody td tfoot th thead tr u ul wbr autoref""".split()
)
_COMMON = {"class", "id", "title"}
_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href"},
    "img": _COMMON | {"src", "alt", "loading", "width", "height"},
    "span": _COMMON | {"tabindex"},
    "details": _COMMON | {"open"},
    "td": _COMMON | {"align", "colspan", "rowspan", "style"},
    "th": _COMMON | {"align", "colspan", "rowspan", "style"},
    "ol": _COMMON | {"start"},
    # mkdocs-autorefs resolves these placeholders into site-internal links after this pass.
    "autoref": _COMMON
    | {
        "identifier",
        "optional",
        "hover",
        "domain",
        "role",
        "origin",
        "filepath",
        "lineno",
        "slug",
        "backlink-type",
        "backlink-anchor",
    },
}
# Table-cell alignment from Markdown tables is the only inline style kept.
_STYLE_PROPERTIES = frozenset({"text-align"})

#: Math commands that KaTeX (with ``trust``) or MathJax turn into links or HTML.
UNSAFE_TEX = re.compile(r"\\(href|url|html[A-Za-z]*|includegraphics)\b")

# Code spans and blocks, display and inline math: their `<` is not HTML.
_PROTECTED = re.compile(
    r"(?P<fence>^(?P<ticks>```+|~~~+)[^\n]*\n.*?^(?P=ticks)[ \t]*$)"
    r"|(?P<code>(?P<bt>`+).+?(?P=bt))"
    r"|(?P<math>\$\$.+?\$\$|\$[^$\n]+?\$)",
    re.S | re.M,
)
# A tag is closed by ``>`` and named by a letter, then space, ``/`` or ``>``: so "x<y and"
# is text and the autolink ``<https://x.org>`` is a link, not a tag.
_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:[\s/][^<>]*)?|[!?][^<>]*)>")
_LINK_OPEN = re.compile(r"\]\(\s*")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+)", re.M)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_MD_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")


def _outside_protected(text: str, fn) -> str:
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(fn(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


def escape_raw_html(markdown_text: str) -> str:
    """Make every ``<`` and ``>`` outside code and math literal text.

    Examples
    --------
    >>> escape_raw_html("a <script>alert(1)</script> and `<b>` and $a<b$")
    'a &lt;script&gt;alert(1)&lt;/script&gt; and `<b>` and $a<b$'
    """
    return _outside_protected(markdown_text, lambda s: s.replace("<", "&lt;").replace(">", "&gt;"))


def raw_html_tags(markdown_text: str) -> list[str]:
    """The raw HTML tags in Markdown text, outside code and math (for the checker).

    A ``<`` that no ``>`` closes, as in a comparison, is text; so is an autolink.

    Examples
    --------
    >>> raw_html_tags("x < y, `<b>` and <img src=x onerror=alert(1)>")
    ['<img src=x onerror=alert(1)>']
    >>> raw_html_tags("if x<y and y<z, see <https://x.org> <!-- note -->")
    ['<!-- note -->']
    """
    found: list[str] = []
    _outside_protected(markdown_text, lambda s: found.extend(_TAG.findall(s)) or s)
    return found


def _destination(text: str, start: int) -> str:
    """The link destination at `start`: ``<...>``, or up to a space or an unmatched ``)``."""
    if text.startswith("<", start):
        end = text.find(">", start)
        return text[start + 1 : end] if end > 0 else text[start + 1 :].split("\n", 1)[0]
    depth, i = 0, start
    while i < len(text) and not text[i].isspace():
        c = text[i]
        if c == "\\":
            i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i]


def _scheme(target: str) -> str | None:
    """The scheme a browser would see: entities decoded, escapes, tabs and newlines removed."""
    url = _MD_ESCAPE.sub("", html.unescape(target))
    url = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(33))))
    m = _SCHEME.match(url)
    return m.group(1).lower() if m else None


def unsafe_links(markdown_text: str) -> list[str]:
    """Link targets whose scheme is not http, https or mailto (for the checker).

    Inline links and images, autolinks and reference definitions are read, in any
    letter case and with entities decoded; each target is returned whole.

    Examples
    --------
    >>> unsafe_links("[a](https://x.org) [b](../c.md) [c](javascript:alert(1))")
    ['javascript:alert(1)']
    >>> unsafe_links("[c](JaVaScRiPt:x()) <javascript:y()> [d](data:text/html,<b>(1)</b>)")
    ['JaVaScRiPt:x()', 'data:text/html,<b>(1)</b>', 'javascript:y()']
    """
    text = _PROTECTED.sub(lambda m: " " * len(m.group(0)), markdown_text)
    targets, inside = [], []
    for m in _LINK_OPEN.finditer(text):
        targets.append(_destination(text, m.end()))
        inside.append(range(m.end(), m.end() + len(targets[-1]) + 2))
    for m in _AUTOLINK.finditer(text):  # not the <...> form of a destination read above
        if not any(m.start() in span for span in inside):
            targets.append(m.group(1))
    targets += [t[1:-1] if t.startswith("<") else t for t in _REFERENCE.findall(text)]
    return [t for t in targets if _scheme(t) not in (None, *ALLOWED_SCHEMES)]


def defuse_tex(tex: str) -> str:
    r"""Turn link- and HTML-making TeX commands into visible, inert text.

    Examples
    --------
    >>> defuse_tex(r"\href{javascript:alert(1)}{x} + \frac{1}{2}")
    '\\backslash\\text{href}{javascript:alert(1)}{x} + \\frac{1}{2}'
    """
    return UNSAFE_TEX.sub(lambda m: r"\backslash\text{" + m.group(1) + "}", tex)


#: Cards also keep Pygments' inline colours on code.
_CARD_STYLE_PROPERTIES = frozenset({"color", "background-color", "font-weight", "font-style"})


def sanitize_html(fragment: str, *, card: bool = False) -> str:
    """Keep only allow-listed tags, attributes and URL schemes in an HTML fragment.

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">hi <a href="javascript:x()">a</a><script>x()</script></p>')
    '<p>hi <a>a</a></p>'
    >>> sanitize_html('<a href="../softmax/" class="autorefs">softmax</a>')
    '<a href="../softmax/" class="autorefs">softmax</a>'
    """
    import nh3

    attributes = {k: set(v) for k, v in _ATTRIBUTES.items()}
    styles = set(_STYLE_PROPERTIES)
    if card:  # Anki fields: Pygments colours its code with inline styles
        for tag in ("span", "pre", "div", "code"):
            attributes[tag] = attributes.get(tag, set(_COMMON)) | {"style"}
        styles |= _CARD_STYLE_PROPERTIES
    return nh3.clean(
        fragment,
        tags=set(_TAGS),
        attributes=attributes,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties=styles,
    )


def attribute_text(text: str) -> str:
    """Plain text safe inside a double-quoted attribute, a title or the navigation.

    Examples
    --------
    >>> attribute_text('ends "><svg onload=alert(1)>\\nhere')
    'ends &quot;&gt;&lt;svg onload=alert(1)&gt; here'
    """
    return html.escape(" ".join(text.split()), quote=True)
