"""Figures for dlterms.sequence: recurrent networks, backpropagation through time and the
EOS token.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, RED, figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, PALE, box, num

__all__: list[str] = []


def _arrow(ax, start, end, *, color=INK):
    """An arrow between two points in data units, drawn exactly from end to end."""
    props = {"arrowstyle": "-|>", "color": color, "lw": 1.3, "shrinkA": 0, "shrinkB": 0}
    ax.annotate("", xy=end, xytext=start, arrowprops=props)


# --------------------------------------------------------------------------- sequences


@figure(
    "recurrent-neural-network",
    alt="An RNN with one input and one hidden unit unrolled over four time steps, weights "
    "w_xh = 1 and w_hh = 0.5, starting from h0 = 0. The inputs 1, 0, 0, 1 enter from below; "
    "each state passes right into the next step through w_hh. The states are h1 = 0.762, "
    "h2 = 0.363, h3 = 0.180 and h4 = 0.796: the first input fades step by step and the "
    "fourth lifts the state again.",
    caption="Unrolled over time, a recurrent network is one cell applied at every step with "
    "the same weights, each step reading the new input and the previous state.",
    size=(6.4, 2.9),
)
def _rnn(fig):
    ax = fig.subplots()
    ax.set(xlim=(-1.2, 10.4), ylim=(-1.5, 1.6))
    ax.axis("off")
    xs = np.array([1.0, 0.0, 0.0, 1.0])
    hs = dlterms.rnn_forward(xs[:, None], [0.0], [[1.0]], [[0.5]])[:, 0]
    cols = 1.5 + 2.4 * np.arange(4)
    half = 0.85  # half the width of a state box, in data units
    box(ax, -0.5, 0.5, "h₀ = 0", face=PALE)
    prev_right = -0.5 + 0.6
    for t, (col, x, h) in enumerate(zip(cols, xs, hs, strict=True), start=1):
        box(ax, col, 0.5, f"h{_sub(t)} = {h:.3f}", face=f"{BLUE}30")
        box(ax, col, -1.05, f"x{_sub(t)} = {num(x)}")
        _arrow(ax, (col, -0.75), (col, 0.2), color=ORANGE)
        ax.text(col + 0.1, -0.28, "w_xh", ha="left", va="center", fontsize=9, color=ORANGE)
        _arrow(ax, (prev_right + 0.05, 0.5), (col - half - 0.05, 0.5), color=BLUE)
        mid = (prev_right + col - half) / 2
        ax.text(mid, 0.62, "w_hh", ha="center", va="bottom", fontsize=9, color=BLUE)
        prev_right = col + half
    ax.text(10.05, 0.5, "…", ha="center", va="center", fontsize=14, color=INK)
    ax.text(
        4.6,
        1.45,
        "hₜ = tanh(w_xh·xₜ + w_hh·hₜ₋₁),  w_xh = 1,  w_hh = 0.5",
        ha="center",
        va="center",
        fontsize=10,
        color=INK,
    )


def _sub(t: int) -> str:
    return str(t).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


@figure(
    "backpropagation-through-time",
    alt="Log-scale plot of the norm of the gradient reaching the hidden state h_t, against "
    "the number of steps back from the last step (0 to 30), for an 8-unit tanh RNN whose "
    "recurrent weights are a rotation scaled by 0.5, 1 or 2, with small random inputs. With "
    "scale 0.5 the norm falls geometrically, to about 1e-9 after 30 steps; with scale 1 it "
    "decays slowly, to about 0.8; with scale 2 it grows, unevenly because saturated units "
    "damp it, to about 1000.",
    caption="Each step back multiplies the gradient by the recurrent weights and the tanh "
    "slope, so it vanishes geometrically when they are small and explodes when they are large.",
)
def _bptt(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    n_steps, hidden = 31, 8
    rotation = np.linalg.qr(rng.normal(size=(hidden, hidden)))[0]
    xs = 0.02 * rng.normal(size=(n_steps, 1, 1))
    w_xh = rng.normal(size=(1, hidden))
    grad_hs = np.zeros((n_steps, 1, hidden))
    grad_hs[-1, 0] = 1.0 / np.sqrt(hidden)  # the loss reads the last state only; norm 1
    back = np.arange(n_steps)
    for scale, color in ((0.5, BLUE), (1.0, GREEN), (2.0, RED)):
        params = (w_xh, scale * rotation, np.zeros(hidden))
        g = dlterms.rnn_bptt(xs, np.zeros((1, hidden)), params, grad_hs)
        norms = np.linalg.norm(g.hs[::-1, 0], axis=1)  # steps back from the last state
        ax.plot(back, norms, "o-", ms=3, color=color, label=f"W_hh = {num(scale)} × rotation")
    ax.axhline(1.0, color=MUTED, lw=0.9, ls="--")
    ax.set(
        yscale="log",
        xlabel="steps back from the last time step (T − t)",
        ylabel="‖∂L/∂hₜ‖",
        ylim=(1e-10, 1e4),
        xlim=(-0.5, n_steps - 0.5),
    )
    ax.legend(loc="lower left", fontsize=9)


@figure(
    "eos-token",
    alt="Two grids of token ids, three rows of six. Left, as generated: row 1 is 5 9 2 7 7 4, "
    "row 2 is 4 6 8 3 2 2, row 3 is 3 8 1 6 5 9, with every EOS (id 2) highlighted. Right, "
    "after truncate_at_eos: row 1 keeps 5 9 2 (length 3), row 2 keeps 4 6 8 3 2 (length 5), "
    "row 3 has no EOS and keeps all 6; the cut positions are greyed and hold the pad id 0.",
    caption="Each generated row is cut at its own first EOS token; the positions after it are "
    "padding, and the lengths record how much of each row is real.",
    size=(6.4, 2.6),
)
def _eos(fig):
    eos = 2
    ids = np.array([[5, 9, 2, 7, 7, 4], [4, 6, 8, 3, 2, 2], [3, 8, 1, 6, 5, 9]])
    out, lengths = dlterms.truncate_at_eos(ids, eos)
    left, right = fig.subplots(1, 2)
    for ax, grid, title in ((left, ids, "generated"), (right, out, "cut at the first EOS")):
        ax.set(xlim=(-0.1, 6.1), ylim=(-0.1, 3.6), aspect="equal", title=title)
        ax.axis("off")
        for (i, j), v in np.ndenumerate(grid):
            cut = grid is out and j >= lengths[i]
            face = PALE if cut else (f"{ORANGE}55" if v == eos else "white")
            ax.add_patch(_square(j, 2 - i, face))
            bold = v == eos and not cut
            ink = MUTED if cut else INK
            ax.text(
                j + 0.5,
                2.5 - i,
                str(v),
                ha="center",
                va="center",
                color=ink,
                fontsize=11,
                fontweight="bold" if bold else "normal",
            )
    for i, n in enumerate(lengths):
        right.text(6.25, 2.5 - i, f"length {n}", ha="left", va="center", fontsize=9)
    left.text(3.0, -0.05, "EOS id 2 highlighted", ha="center", va="top", fontsize=9, color=ORANGE)
    right.text(3.0, -0.05, "pad id 0 after the cut", ha="center", va="top", fontsize=9, color=MUTED)


def _square(x, y, face):
    return Rectangle((x, y), 1, 1, facecolor=face, edgecolor=EDGE, linewidth=0.8)


@figure(
    "bidirectional-rnn",
    alt="Two rows of states over three time steps with inputs 1, 0, 0 below. The top row "
    "reads left to right with w_xh = 1 and w_hh = 0.5: 0.762, 0.363, 0.180. The bottom row "
    "is a second network with the same weights reading right to left: 0, 0, then 0.762 at "
    "step 1. Above each step the two states are joined into one output vector: "
    "[0.762, 0.762], [0.363, 0.000], [0.180, 0.000].",
    caption="One network reads the sequence forwards, another backwards; each step's output "
    "joins both states, so it reflects the inputs on either side.",
    size=(6.4, 3.4),
)
def _bidirectional(fig):
    ax = fig.subplots()
    ax.set(xlim=(-1.4, 8.4), ylim=(-2.4, 2.5))
    ax.axis("off")
    xs = np.array([1.0, 0.0, 0.0])
    both = ([[1.0]], [[0.5]])
    ys = dlterms.bidirectional_rnn_forward(xs[:, None], [[0.0], [0.0]], both, both)
    cols = 1.2 + 2.9 * np.arange(3)
    half = 0.75
    for t, (col, x, y) in enumerate(zip(cols, xs, ys, strict=True), start=1):
        box(ax, col, 0.75, f"→ {y[0]:.3f}", face=f"{BLUE}30")
        box(ax, col, -0.55, f"← {y[1]:.3f}", face=f"{ORANGE}30")
        box(ax, col, -1.95, f"x{_sub(t)} = {num(x)}")
        box(ax, col, 2.05, f"y{_sub(t)} = [{y[0]:.3f}, {y[1]:.3f}]", size=9)
        _arrow(ax, (col - 0.35, -1.7), (col - 0.35, -0.85), color=MUTED)
        _arrow(ax, (col + 0.35, -1.7), (col + 0.35, 0.45), color=MUTED)
        _arrow(ax, (col, 1.05), (col, 1.75), color=INK)
        if t < 3:
            _arrow(ax, (col + half, 0.75), (cols[t] - half, 0.75), color=BLUE)
            _arrow(ax, (cols[t] - half, -0.55), (col + half, -0.55), color=ORANGE)
    ax.text(-1.3, 0.75, "forwards", fontsize=9, color=BLUE, va="center")
    ax.text(-1.3, -0.55, "backwards", fontsize=9, color=ORANGE, va="center")
