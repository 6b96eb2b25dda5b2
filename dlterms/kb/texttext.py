r"""LaTeX math as readable Unicode text, for the terminal (``dlterms show``).

The structure (fractions, roots, sub- and superscripts, accents, fonts, ``aligned``
lines) is handled here; the symbol of any command this module's table lacks comes
from pylatexenc's LaTeX-to-Unicode database, when pylatexenc is installed. No
backslash command survives: an unknown one is written as its bare name.

Standard library only at import time, so ``dlterms show`` stays fast.

Examples
--------
>>> tex_to_text(r"\frac{1}{1 + e^{-x}}")
'1/(1 + e⁻ˣ)'
>>> tex_to_text(r"\hat{y}_i = \sigma\bigl(w^\top x_i + b\bigr)")
'ŷᵢ = σ(wᵀ xᵢ + b)'
>>> tex_to_text(r"\sum_{i=1}^{n} (y_i - \hat{y}_i)^2")
'∑ᵢ₌₁ⁿ (yᵢ - ŷᵢ)²'
>>> tex_to_text(r"\sqrt{\hat{v}_t} + \epsilon")
'√(v̂ₜ) + ϵ'
>>> tex_to_text(r"p_{\text{keep}} = e^{z_i}")
'pₖₑₑₚ = e^(zᵢ)'
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["markdown_to_text", "tex_to_text"]

_SYMBOLS = {
    # Greek
    **{
        n: c
        for n, c in zip(
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho "
            "sigma tau upsilon phi chi psi omega".split(),
            "αβγδϵζηθικλμνξπρστυϕχψω",
            strict=True,
        )
    },
    **dict(
        zip("Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split(), "ΓΔΘΛΞΠΣΦΨΩ", strict=True)
    ),
    "varepsilon": "ε", "varphi": "φ", "vartheta": "ϑ", "ell": "ℓ",
    # operators and relations
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "odot": "⊙", "oplus": "⊕", "otimes": "⊗", "bullet": "•",
    "approx": "≈", "sim": "∼", "simeq": "≃", "propto": "∝", "equiv": "≡",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "cup": "∪",
    "cap": "∩", "setminus": "∖", "varnothing": "∅", "emptyset": "∅", "mid": "∣",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "iff": "⇔", "implies": "⇒", "longleftrightarrow": "⟷",
    "leftrightarrow": "↔", "uparrow": "↑", "downarrow": "↓",
    "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "infty": "∞",
    "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "top": "ᵀ",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "|": "‖", "Vert": "‖", "vert": "|",
    "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "langle": "⟨", "rangle": "⟩",
    "{": "{", "}": "}", "%": "%", "#": "#", "&": "&", "_": "_", "$": "$",
    # spacing
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "   ", "qquad": "     ",
    "bmod": " mod ",
}  # fmt: skip
_FUNCTIONS = set(
    "log ln exp sin cos tan tanh sinh cosh max min arg argmax argmin det lim sup inf Pr "
    "softmax sign diag".split()
)
_SIZES = set(
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr middle".split()
)
_ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
    "tilde": "\u0303", "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307",
    "ddot": "\u0308",
}  # fmt: skip
_FONTS = {"mathbf", "boldsymbol", "bm", "mathrm", "mathit", "mathsf", "mathtt", "mathcal",
          "mathbb", "mathfrak", "text", "textbf", "textit", "textrm", "operatorname",
          "mbox"}  # fmt: skip
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_CALLIGRAPHIC = {"L": "ℒ", "N": "𝒩", "O": "𝒪", "D": "𝒟", "H": "ℋ", "F": "ℱ", "B": "ℬ", "E": "ℰ"}

_SUPER = dict(zip("0123456789+-=()nixTtkjrlmd", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣᵀᵗᵏʲʳˡᵐᵈ", strict=True))
_SUB = dict(
    zip("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", strict=True)
)
_SUPER.update({c: c for c in [*_SUPER.values(), "*", "′", "ᵀ"]})
_SUB.update({c: c for c in list(_SUB.values())})

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}^_&~]|\s+|[^\\{}^_&~\s]")


def tex_to_text(tex: str) -> str:
    """Convert LaTeX math to Unicode text a terminal can show."""
    tokens = _TOKEN.findall(tex)
    out, _ = _convert(tokens, 0, stop=None)
    lines = [ln.strip() for ln in unicodedata.normalize("NFC", out).split("\n")]
    return "\n".join(ln for ln in lines if ln.strip()).strip("\n")


def _group(tokens: list[str], i: int) -> tuple[str, int, bool]:
    """The next argument: a {group} or one token; returns (text, next index, was_single)."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        return "", i, True
    if tokens[i] == "{":
        text, j = _convert(tokens, i + 1, stop="}")
        return text, j + 1, False
    text, j = _convert(tokens, i, stop=None, one=True)
    return text, j, True


def _raw_group(tokens: list[str], i: int) -> tuple[str, int]:
    """The next {group} as raw source text (for \\text and \\begin names)."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i < len(tokens) and tokens[i] == "{":
        depth, j, parts = 1, i + 1, []
        while j < len(tokens) and depth:
            t = tokens[j]
            depth += (t == "{") - (t == "}")
            if depth:
                parts.append(t)
            j += 1
        return "".join(parts), j
    return (tokens[i] if i < len(tokens) else ""), i + 1


def _script(text: str, table: dict[str, str], mark: str) -> str:
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    if len(text) == 1:
        return f"{mark}{text}"
    return f"{mark}({text})"


def _wrap(text: str) -> str:
    return text if re.fullmatch(r"[\w.′·ᵀ⁻⁰-⁹₀-₉]+|\(.*\)", text) else f"({text})"


def _convert(tokens: list[str], i: int, stop: str | None, one: bool = False) -> tuple[str, int]:
    out: list[str] = []
    while i < len(tokens):
        t = tokens[i]
        if stop is not None and t == stop:
            return "".join(out), i
        i += 1
        if t == "{":
            inner, i = _convert(tokens, i, stop="}")
            i += 1
            out.append(inner)
        elif t in ("^", "_"):
            arg, i, _ = _group(tokens, i)
            out.append(_script(arg, _SUPER if t == "^" else _SUB, t))
        elif t == "&":
            pass
        elif t == "~":
            out.append(" ")
        elif t == "\\\\":
            out.append("\n")
        elif t.isspace():
            out.append(" ")
        elif t.startswith("\\"):
            i = _command(t[1:], tokens, i, out)
        else:
            out.append(t)
        if one:
            break
    return "".join(out), i


def _command(name: str, tokens: list[str], i: int, out: list[str]) -> int:
    if name in ("frac", "tfrac", "dfrac", "cfrac"):
        num, i, _ = _group(tokens, i)
        den, i, _ = _group(tokens, i)
        out.append(f"{_wrap(num.strip())}/{_wrap(den.strip())}" + _space_before(tokens, i))
    elif name == "sqrt":
        arg, i, _ = _group(tokens, i)
        out.append("√" + _wrap(arg.strip()))
    elif name in _ACCENTS:
        arg, i, _ = _group(tokens, i)
        arg = arg.strip()
        out.append(arg + _ACCENTS[name] if len(arg) == 1 else f"{arg}{_ACCENTS[name]}")
    elif name in ("text", "textrm", "textbf", "textit", "mbox", "operatorname", "mathrm"):
        raw, i = _raw_group(tokens, i)
        inner, _ = _convert(_TOKEN.findall(raw), 0, stop=None)
        out.append(inner)
    elif name in ("mathbb", "mathcal"):
        arg, i, _ = _group(tokens, i)
        table = _BLACKBOARD if name == "mathbb" else _CALLIGRAPHIC
        out.append("".join(table.get(ch, ch) for ch in arg))
    elif name in _FONTS:
        arg, i, _ = _group(tokens, i)
        out.append(arg)
    elif name in ("begin", "end"):
        _, i = _raw_group(tokens, i)
        out.append("\n")
    elif name in ("underbrace", "overbrace"):
        arg, i, _ = _group(tokens, i)
        out.append(arg)
    elif name in _SIZES:
        pass  # \left( is just "("
    elif name in _SYMBOLS:
        out.append(_SYMBOLS[name])
    elif name in _FUNCTIONS:
        lead = " " if out and (out[-1][-1:].isalnum() or out[-1][-1:] in ")]") else ""
        out.append(lead + name + _space_before(tokens, i))
    else:
        out.append(_fallback(name))
    return i


def _space_before(tokens: list[str], i: int) -> str:
    """A space if the next token would otherwise run into what was just written."""
    if i >= len(tokens):
        return ""
    nxt = tokens[i]
    if nxt.isspace() or nxt in ("_", "^", "}", "&") or nxt[:1] in "()[],.;:=+-|":
        return ""
    if nxt.startswith("\\") and (nxt[1:] in _SIZES or not nxt[1:2].isalpha()):
        return ""
    return " "


@functools.cache
def _fallback(name: str) -> str:
    """A symbol this table lacks, from pylatexenc's database, else the bare name."""
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:  # pragma: no cover - pylatexenc ships with dlterms
        return name
    text = LatexNodes2Text(math_mode="text").latex_to_text("\\" + name + " ").strip()
    return text if text and "\\" not in text else name


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def markdown_to_text(text: str, *, unbreakable_math: int = 0) -> str:
    r"""Glossary Markdown as plain text: math converted, emphasis and link syntax removed.

    Examples
    --------
    >>> markdown_to_text(r"The **mean** of $x_i^2$, see [softmax](softmax.md).")
    'The mean of xᵢ², see softmax.'

    With ``unbreakable_math=n``, spaces inside converted math up to `n` characters long
    become no-break spaces, so wrapping the text never splits a short formula.
    """

    def math(m: re.Match[str]) -> str:
        out = tex_to_text(m.group(1) or m.group(2))
        return out.replace(" ", "\u00a0") if len(out) <= unbreakable_math else out

    text = _MATH.sub(math, text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
