"""What may go on a card: the rules that keep every card answerable and leak-free.

The deck (:mod:`dlterms.kb.deck`) asks this module three questions:

* **Does a text give a name away?** :func:`gives_away` matches a term, an alias
  or a stem of one of their distinctive words ("squared" in "the hinge loss
  squared"), so a reverse card, a cloze hint or a picture never shows what the
  card asks for.
* **Which examples make predict-the-output cards?** :func:`predict_snippets`
  turns the entry's worked example and its functions' doctests into
  self-contained snippets (every name imported or defined on the card, set-up
  lines carried over, comments dropped), runs each one on its own to prove it,
  and keeps only those a person can answer in their head: no exception, no
  random draw, no long or float-edge numbers, no bare True/False, short output.
* **Is a formula worth a cloze?** :func:`formula_cloze` hides the right-hand
  side only where it is an idea, not a single symbol, and refuses formulas whose
  first line would leave a dangling fragment.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import html
import io
import re
import tokenize
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dlterms.kb.glossary import Entry, normalize_name
from dlterms.kb.safe import defuse_tex

__all__ = [
    "MAX_PREDICT_PER_ENTRY",
    "Snippet",
    "all_snippets",
    "formula_cloze",
    "gives_away",
    "predict_snippets",
    "reject_reason",
    "stems",
]

MAX_PREDICT_PER_ENTRY = 2

# --------------------------------------------------------------------------- leaks

_STOPWORDS = frozenset("a an the of to in and or for vs versus with by on at as is per".split())
#: Words that name a family rather than the idea; they leak only when nothing else does.
_GENERIC = frozenset(
    """function functions loss losses model models layer layers network networks neural
    learning rate set data value values error errors machine deep term""".split()
)
_SUFFIXES = (
    "izations", "isations", "ization", "isation", "ations", "ation", "ings", "ing", "ities",
    "ity", "ness", "ment", "ers", "er", "ies", "ed", "es", "al", "ly", "s", "e",
)  # fmt: skip


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems(names: Iterable[str]) -> set[str]:
    """The stems of the distinctive words of `names` (generic words only if nothing else).

    Examples
    --------
    >>> sorted(stems(["Squared hinge loss"]))
    ['hing', 'squar']
    >>> sorted(stems(["Loss"]))
    ['loss']
    """
    out: set[str] = set()
    for name in names:
        words = [w for w in normalize_name(name).split() if w not in _STOPWORDS]
        distinctive = [w for w in words if w not in _GENERIC] or words
        out |= {_stem(w) for w in distinctive}
    return out


def gives_away(text: str, names: Iterable[str], *, whole: bool = False) -> bool:
    """Whether `text` contains one of `names` or a stem of a distinctive word of one.

    A stem of four letters or more matches the start of a word ("squar" matches
    "squared"); a shorter one ("l1", "relu") must match a whole word. With
    ``whole=True``, every distinctive word of a name must appear ("iterations"
    gives "iteration" away, "gradient" alone does not give "gradient clipping").

    Examples
    --------
    >>> gives_away("The hinge loss squared, per example.", ["Squared hinge loss"])
    True
    >>> gives_away("Zero for negative inputs, identity for positive ones.", ["ReLU"])
    False
    >>> gives_away("gradient norm", ["Gradient clipping"], whole=True)
    False
    """
    words = normalize_name(re.sub(r"<[^>]+>", " ", text)).split()

    def found(stem: str) -> bool:
        return any(w.startswith(stem) if len(stem) >= 4 else w == stem for w in words)

    if whole:
        return any(all(found(s) for s in stems([name])) for name in names)
    return any(found(s) for s in stems(names))


# --------------------------------------------------------------------------- formula clozes


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
        if tex.startswith(sep, i) and depth == 0:
            parts.append(tex[start:i])
            start = i + len(sep)
            i = start
            continue
        if c == "\\":
            depth += {"\\{": 1, "\\}": -1}.get(tex[i : i + 2], 0)
            i += 2
            continue
        depth += c in "{(["
        depth -= c in "})]"
        i += 1
    return [*parts, tex[start:]]


def _balanced(tex: str) -> bool:
    """Braces and environments close in the same piece of LaTeX."""
    plain = re.sub(r"\\.", "", tex)
    return plain.count("{") == plain.count("}") and tex.count("\\begin{") == tex.count("\\end{")


#: A right-hand side that is an idea does something: an operator or a named function.
_OPERATION = re.compile(
    r"[-+*/^|]|\\(frac|sum|prod|int|lim|max|min|arg|cdot|odot|times|log|exp|tanh|sigma|"
    r"operatorname|mathbb|begin|lceil|lfloor|sqrt|cap|cup|partial|nabla|lVert|lvert|mid)\b"
)


def formula_cloze(formula: str) -> str | None:
    """The formula as display math with its first right-hand side hidden in a cloze.

    Returns None where a cloze would not test the idea: no top-level ``=``, a
    left-hand side that is itself a list of conditions (``\\qquad``), a
    right-hand side that is a single symbol (``y = [...]`` for ``f(z)``), or an
    equation that continues on the next line of a multi-line formula.

    Examples
    --------
    >>> formula_cloze(r"\\sigma(x) = \\frac{1}{1 + e^{-x}}")
    '\\\\[\\\\sigma(x) = {{c1::\\\\frac{1}{1 + e^{-x} } }}\\\\]'
    >>> formula_cloze(r"y = f(z)") is None
    True
    """
    tex = defuse_tex(formula.strip())
    aligned = re.fullmatch(r"\\begin\{(aligned|gathered|split)\}(.*)\\end\{\1\}", tex, re.S)
    if aligned:
        tex = aligned.group(2)
    lines = [line.replace("&", "").strip() for line in _top_level_split(tex, "\\\\")]
    lines = [line for line in lines if line]
    if not lines:
        return None
    for later in lines[1:]:
        # A line that starts with an operator carries on the first line's right-hand side.
        if re.match(r"^([-+]|\\(cdot|times|quad|qquad)\b)", later):
            return None
    sides = _top_level_split(lines[0], "=")
    if len(sides) < 2 or not sides[0].strip() or not sides[1].strip():
        return None
    lhs = sides[0].strip()
    rhs = re.split(r",?\s*\\q?quad", sides[1])[0].strip().rstrip(",;").strip()
    if re.search(r"\\q?quad|,\s*$", lhs) or not (_balanced(lhs) and _balanced(rhs)):
        return None
    if len(re.sub(r"\s", "", rhs)) < 6 or not _OPERATION.search(rhs):
        return None
    hidden = _space_braces(html.escape(rhs, quote=False))
    if hidden.endswith("}"):
        hidden += " "  # the cloze's own closing braces must not touch a math brace
    return f"\\[{html.escape(lhs, quote=False)} = {{{{c1::{hidden}}}}}\\]"


# --------------------------------------------------------------------------- predict cards


@dataclass(frozen=True)
class Snippet:
    """A candidate predict-the-output card.

    `key` is its identity (``(function path, n)`` or ``(entry id, "example", n)``,
    with `n` counting the examples that print something), `statement` the line
    asked about as written in the source, `code` the self-contained session shown
    on the card, and `output` what it prints.
    """

    key: tuple[str, ...]
    statement: str
    code: str
    output: str
    reason: str = ""  # why it cannot be a card; empty when it can


def _examples_section(func: Callable[..., Any]) -> str:
    doc = func.__doc__ or ""
    return doc.split("Examples\n", 1)[1] if "Examples\n" in doc else ""


def _strip_comments(source: str) -> str:
    """`source` without its ``#`` comments (strings keep theirs)."""
    lines = source.split("\n")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    for tok in reversed(tokens):
        if tok.type == tokenize.COMMENT:
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col].rstrip()
    return "\n".join(lines)


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names read, names bound) by `source`; raises SyntaxError on bad code."""
    tree = ast.parse(source)
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store | ast.Del) else read).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return read, bound


def _prompted(source: str) -> str:
    lines = source.rstrip("\n").split("\n")
    return "".join(("... " if i else ">>> ") + line + "\n" for i, line in enumerate(lines))


_RANDOM = re.compile(r"\brng\b|random|\bseed\b|default_rng|shuffle|permutation|\bsample")
_LONG_FLOAT = re.compile(r"\d\.\d{4,}")
_E_NOTATION = re.compile(r"\b\d+(\.\d+)?e[-+]?\d+\b", re.I)
_EDGE_WORDS = re.compile(r"\b(inf|nan|finfo|float16|float32|overflow|underflow|eps)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d+(\.\d*)?(?![\w.])")
MAX_OUTPUT_CHARS = 60
MAX_OUTPUT_LINES = 3
MAX_CODE_LINES = 8


def reject_reason(code: str, output: str, *, raises: bool = False) -> str:
    """Why `code` printing `output` cannot be a predict card, or ``""`` when it can.

    Examples
    --------
    >>> reject_reason(">>> relu(-2.0)", "0.0")
    ''
    >>> reject_reason(">>> sigmoid(1.0)", "0.7310585786300049")
    'a float with 4 or more decimals'
    >>> reject_reason(">>> is_convex(f)", "True")
    'a bare True/False'
    """
    want = output.strip()
    if raises or want.startswith("Traceback"):
        return "an exception"
    if _RANDOM.search(code):
        return "a random draw"
    if _E_NOTATION.search(code + "\n" + want) or _EDGE_WORDS.search(code + "\n" + want):
        return "float-edge trivia"
    if any((v := float(m.group())) >= 1000 or 0 < v < 1e-3 for m in _NUMBER.finditer(code + want)):
        return "float-edge trivia"
    if _LONG_FLOAT.search(want):
        return "a float with 4 or more decimals"
    if re.fullmatch(r"(True|False)+", re.sub(r"array|dtype=\w+|[\[\](),\s]", "", want)):
        return "a bare True/False"
    if "..." in want or "<" in want:
        return "an output that is not exact"
    if len(want) > MAX_OUTPUT_CHARS or want.count("\n") >= MAX_OUTPUT_LINES:
        return "a long output"
    if code.count("\n") + 1 > MAX_CODE_LINES:
        return "long code"
    return ""


def _exports() -> frozenset[str]:
    import dlterms

    return frozenset(dlterms.__all__)


def _runs_alone(code: str, want: str) -> str:
    """Run `code` in a fresh namespace; ``""`` if it prints `want`, else what went wrong."""
    test = doctest.DocTestParser().get_doctest(code + want, {}, "card", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = runner.run(test, out=out.write, clear_globs=True)
    return "" if result.failed == 0 else "does not run on its own: " + out.getvalue()[-300:]


def _snippets(examples: list[doctest.Example], key: tuple[str, ...]) -> list[Snippet]:
    """Every example that prints something, made self-contained."""
    exports = _exports()
    out: list[Snippet] = []
    n = -1
    for i, ex in enumerate(examples):
        if not ex.want.strip() and ex.exc_msg is None:
            continue
        n += 1
        source = _strip_comments(ex.source)
        try:
            needed, _ = _names(source)
            chosen: list[str] = []
            for prev in reversed(examples[:i]):
                prev_source = _strip_comments(prev.source)
                read, bound = _names(prev_source)
                if bound & needed and not prev.want.strip() and prev.exc_msg is None:
                    chosen.insert(0, prev_source)
                    needed = (needed - bound) | read
        except SyntaxError:
            out.append(Snippet((*key, str(n)), ex.source.strip(), "", ex.want, "bad syntax"))
            continue
        chosen = [s for s in chosen if not s.startswith("from dlterms import ")]
        body = [s for s in chosen if not re.match(r"(from|import)\s", s)]
        imports = [s for s in chosen if re.match(r"(from|import)\s", s)]
        read_all = set().union(*(_names(s)[0] for s in [*chosen, source]))
        bound_all = set().union(*(_names(s)[1] for s in [*chosen, source]))
        free = read_all - bound_all - set(dir(builtins))
        if "np" in free:
            imports.insert(0, "import numpy as np\n")
        wanted = sorted(free & exports)
        if wanted:
            imports.append(f"from dlterms import {', '.join(wanted)}\n")
        undefined = free - exports - {"np"}
        code = "".join(_prompted(s) for s in [*imports, *body, source])
        reason = f"uses undefined name(s) {sorted(undefined)}" if undefined else ""
        reason = reason or reject_reason(code, ex.want, raises=ex.exc_msg is not None)
        reason = reason or _runs_alone(code, ex.want)
        out.append(Snippet((*key, str(n)), ex.source.strip(), code, ex.want.rstrip("\n"), reason))
    return out


def all_snippets(entry: Entry, functions: dict[str, Callable[..., Any]]) -> list[list[Snippet]]:
    """Candidate snippets per source: the entry's example, then each function in `functions`."""
    parser = doctest.DocTestParser()
    groups = []
    if entry.example and entry.example.code:
        examples = parser.get_examples(entry.example.code)
        groups.append(_snippets(examples, (entry.id, "example")))
    for dotted, func in functions.items():
        groups.append(_snippets(parser.get_examples(_examples_section(func)), (dotted,)))
    return groups


def predict_snippets(
    entry: Entry, functions: dict[str, Callable[..., Any]], *, taken: Iterable[str] = ()
) -> list[Snippet]:
    """The entry's predict cards: at most :data:`MAX_PREDICT_PER_ENTRY`, all answerable.

    By default the first good snippet of each source is taken in turn (the worked
    example first, then each function). ``predict_cards`` in the entry chooses the
    statements instead, or none with an empty list.

    Raises
    ------
    ValueError
        When ``predict_cards`` names a statement that no example runs, or one
        that breaks a rule, saying which file, which item and why.
    """
    groups = all_snippets(entry, functions)
    chosen = entry.predict_cards
    if chosen is not None:
        where = f"{entry.path or entry.id}: predict_cards"
        by_statement = {s.statement: s for g in groups for s in g}
        picked = []
        for i, statement in enumerate(chosen):
            snippet = by_statement.get(statement.strip().removeprefix(">>> ").strip())
            if snippet is None:
                raise ValueError(
                    f"{where}[{i}]: no example of this entry runs {statement!r} (copy the text "
                    "after '>>> ' from the entry's example or an Examples section of one of "
                    "its functions)"
                )
            if snippet.reason:
                raise ValueError(
                    f"{where}[{i}]: {statement!r} cannot be a card: {snippet.reason} "
                    "(choose another example, or remove the item)"
                )
            picked.append(snippet)
        return picked
    good = [[s for s in g if not s.reason] for g in groups]
    picked, seen = [], set(taken)
    for rank in range(max((len(g) for g in good), default=0)):
        for g in good:
            if rank < len(g) and g[rank].code not in seen and len(picked) < MAX_PREDICT_PER_ENTRY:
                picked.append(g[rank])
                seen.add(g[rank].code)
    return picked
