"""Plain text and outbound links for the site: meta descriptions, search previews, docs URLs.

Contributors write Markdown with TeX math. A ``<meta name="description">``, a search
preview or a flashcard-free summary needs readable text instead, so :func:`plain_text`
turns ``$\\sigma(z) = \\frac{1}{1 + e^{-z}}$`` into ``σ(z) = 1/(1 + e^(−z))``.
:func:`framework_url` maps an exact dotted name (``torch.nn.MSELoss``) to the page of
the library's own documentation that describes it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["framework_url", "plain_text", "strip_roles", "tex_to_text"]

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
    "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "Pi": "Π",
}  # fmt: skip
_SYMBOLS = {
    "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠",
    "neq": "≠", "approx": "≈", "to": "→", "rightarrow": "→", "leftarrow": "←", "in": "∈",
    "infty": "∞", "sum": "Σ", "prod": "Π", "partial": "∂", "nabla": "∇", "pm": "±",
    "odot": "⊙", "otimes": "⊗", "ldots": "…", "cdots": "⋯", "dots": "…", "mid": "|",
    "lVert": "‖", "rVert": "‖", "Vert": "‖", "lvert": "|", "rvert": "|", "sqrt": "√",
    "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg",
    "tanh": "tanh", "sin": "sin", "cos": "cos", "lim": "lim", "det": "det",
    "quad": " ", "qquad": " ", "top": "ᵀ", "prime": "′", "circ": "∘", "sim": "~",
    "propto": "∝", "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨",
    "mathbb": "", "mathbf": "", "mathrm": "", "mathcal": "", "boldsymbol": "", "bm": "",
    "text": "", "operatorname": "", "hat": "", "bar": "", "tilde": "", "vec": "",
    "overline": "", "widehat": "", "left": "", "right": "", "big": "", "Big": "",
    "bigl": "", "bigr": "", "Bigl": "", "Bigr": "", "displaystyle": "", "limits": "",
}  # fmt: skip
_SUP = str.maketrans("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ")


def _braced(tex: str, start: int) -> tuple[str, int]:
    """The balanced ``{...}`` group at `start` (or the single character), and the end."""
    if start >= len(tex):
        return "", start
    if tex[start] != "{":
        return tex[start], start + 1
    depth = 0
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start + 1 : i], i + 1
    return tex[start + 1 :], len(tex)


def tex_to_text(tex: str) -> str:
    r"""Readable Unicode text for a TeX formula (a best effort for previews, not typesetting).

    Examples
    --------
    >>> tex_to_text(r"\sigma(z) = \frac{1}{1 + e^{-z}}")
    'σ(z) = 1/(1 + e^(-z))'
    >>> tex_to_text(r"\hat y_i \in \{0, 1\}, \; x^2")
    'y_i ∈ {0, 1}, x²'
    """
    out: list[str] = []
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:], re.S)
            if m is None:  # a lone backslash at the end
                break
            name = m.group(1)
            i += len(m.group(0))
            if name == "frac" or name == "dfrac" or name == "tfrac":
                num, i = _braced(tex, _skip_space(tex, i))
                den, i = _braced(tex, _skip_space(tex, i))
                num, den = tex_to_text(num), tex_to_text(den)
                out.append(f"{_group(num)}/{_group(den)}")
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in ("{", "}", "%", "_", "&", "#", "$"):
                out.append(name)
            elif name in (",", ";", ":", " ", "!"):
                out.append("" if name == "!" else " ")
            elif name == "\\":
                out.append("; ")
            elif name in ("begin", "end"):
                _, i = _braced(tex, i)
            else:
                out.append(name)
        elif c in "^_":
            arg, i = _braced(tex, _skip_space(tex, i + 1))
            arg = tex_to_text(arg)
            if c == "^" and arg and all(ch in "0123456789+-=()niT" for ch in arg) and len(arg) < 3:
                out.append(arg.translate(_SUP))
            else:
                out.append(c + _group(arg))
        elif c in "{}":
            i += 1
        elif c == "&":
            i += 1
        else:
            out.append(c)
            i += 1
    return re.sub(r"[ \t\n]+", " ", "".join(out)).strip()


def _skip_space(tex: str, i: int) -> int:
    while i < len(tex) and tex[i] == " ":
        i += 1
    return i


def _group(text: str) -> str:
    return text if re.fullmatch(r"[\w.′ᵀ]+", text) else f"({text})"


_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|ref|term|doc):`~?([^`]+)`")


def strip_roles(text: str) -> str:
    """Sphinx roles (``:func:`softmax` ``) as plain code spans.

    Examples
    --------
    >>> strip_roles("Same as :func:`~dlterms.softmax` but :mod:`dlterms.losses`.")
    'Same as `softmax` but `dlterms.losses`.'
    """
    return _ROLE.sub(
        lambda m: f"`{m.group(1).rsplit('.', 1)[-1] if '~' in m.group(0) else m.group(1)}`", text
    )


def plain_text(markdown_text: str) -> str:
    r"""Markdown with TeX as one line of readable text: no ``$``, no backslashes, no markup.

    Examples
    --------
    >>> plain_text(r"The **mean** of $(y - \hat y)^2$, see [MSE](x.md) and `np.mean`.")
    'The mean of (y - y)², see MSE and np.mean.'
    """
    text = _MATH.sub(lambda m: tex_to_text(m.group(1) or m.group(2)), strip_roles(markdown_text))
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|`+)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = text.replace("\\", "")
    return " ".join(text.split())


# --------------------------------------------------------------------------- framework docs

_DOCS = {
    "pytorch": "https://docs.pytorch.org/docs/stable/generated/{page}.html{anchor}",
    "sklearn": "https://scikit-learn.org/stable/modules/generated/{page}.html{anchor}",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/{page}.html{anchor}",
    "numpy": "https://numpy.org/doc/stable/reference/generated/{page}.html{anchor}",
}


def _split_member(name: str) -> tuple[str, str]:
    """('torch.nn.Module', 'eval') for a method or attribute of a class, else (name, '')."""
    parts = name.split(".")
    for i, part in enumerate(parts[:-1]):
        if i > 0 and part[:1].isupper() and parts[i + 1][:1].islower():
            return ".".join(parts[: i + 1]), ".".join(parts[i + 1 :])
    return name, ""


def framework_url(library: str, name: str) -> str | None:
    """The official documentation page for `name` in `library`, or None if there is none.

    Examples
    --------
    >>> framework_url("pytorch", "torch.nn.MSELoss")
    'https://docs.pytorch.org/docs/stable/generated/torch.nn.MSELoss.html'
    >>> framework_url("pytorch", "torch.nn.Module.eval")
    'https://docs.pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.eval'
    >>> framework_url("keras", "keras.layers.Dense")
    'https://www.tensorflow.org/api_docs/python/tf/keras/layers/Dense'
    >>> framework_url("tensorflow", "tf.data.Dataset.batch")
    'https://www.tensorflow.org/api_docs/python/tf/data/Dataset#batch'
    """
    page, member = _split_member(name)
    if library in _DOCS:
        anchor = f"#{quote(name)}" if member else ""
        return _DOCS[library].format(page=quote(page), anchor=anchor)
    if library == "keras":
        if not name.startswith("keras."):
            return None
        page = "tf." + page
    elif library == "tensorflow":
        if not name.startswith("tf."):
            return None
    else:
        return None
    anchor = f"#{quote(member)}" if member else ""
    return "https://www.tensorflow.org/api_docs/python/" + quote(page.replace(".", "/")) + anchor
