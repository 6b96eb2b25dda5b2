"""Figures for dlterms.recurrent: the gated cells (LSTM, GRU)."""

from __future__ import annotations

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, RED, figure
from dlterms.kb.gallery._draw import EDGE, INK, PALE, box, num

__all__: list[str] = []


def _arrow(ax, start, end, *, color=INK, lw=1.3):
    props = {"arrowstyle": "-|>", "color": color, "lw": lw, "shrinkA": 0, "shrinkB": 0}
    ax.annotate("", xy=end, xytext=start, arrowprops=props)


def _op(ax, x, y, text):
    """A round operator node (× or +) on a path."""
    ax.text(x, y, text, ha="center", va="center", fontsize=12, color=INK,
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": EDGE, "lw": 1.0})  # fmt: skip


@figure(
    "long-short-term-memory",
    alt="One step of a gated cell with one unit, every weight 0, previous states h = 0 and "
    "c = 2, and input x = 1. Along the top runs the cell-state line: c_{t-1} = 2 is "
    "multiplied by the forget gate f = 0.5, then the product of the input gate i = 0.5 and "
    "the candidate g = 0 is added, giving c_t = 1. Below, the four gates f, i, g, o read "
    "[h_{t-1}, x_t]; the output gate o = 0.5 times tanh(c_t) gives h_t = 0.381.",
    caption="The cell state runs along the top, changed only by a multiply (forget gate) "
    "and an add (input gate times candidate); the output gate decides how much of it "
    "becomes the hidden state.",
    size=(6.6, 3.4),
)
def _lstm(fig):
    ax = fig.subplots()
    ax.set(xlim=(-0.6, 10.2), ylim=(-1.9, 2.6))
    ax.axis("off")
    zeros = [[0.0]] * 4
    h, c = dlterms.lstm_cell([1.0], [0.0], [2.0], zeros, zeros)
    gate = float(dlterms.sigmoid(0.0))  # every gate's pre-activation is 0
    cand = float(dlterms.tanh(0.0))
    top = 1.9
    # the cell-state highway
    box(ax, 0.3, top, "cₜ₋₁ = 2", face=PALE)
    _op(ax, 3.0, top, "×")
    _op(ax, 5.2, top, "+")
    box(ax, 9.2, top, f"cₜ = {num(c[0])}", face=f"{GREEN}30")
    for a, b in ((1.1, 2.75), (3.25, 4.95), (5.45, 8.4)):
        _arrow(ax, (a, top), (b, top), color=GREEN, lw=2.2)
    # the gates read [h_{t-1}, x_t]
    box(ax, 0.3, -1.4, "[hₜ₋₁, xₜ] = [0, 1]")
    gates = [
        (3.0, f"f = σ(0)\n= {num(gate)}", BLUE),
        (4.4, f"i = σ(0)\n= {num(gate)}", BLUE),
        (6.0, f"g = tanh(0)\n= {num(cand)}", ORANGE),
        (7.4, f"o = σ(0)\n= {num(gate)}", BLUE),
    ]
    for x, text, color in gates:
        box(ax, x, 0.0, text, face=f"{color}25", size=8.5)
        _arrow(ax, (1.4, -1.25), (x, -0.45), color=EDGE, lw=0.9)
    _arrow(ax, (3.0, 0.45), (3.0, top - 0.27), color=BLUE)
    _op(ax, 5.2, 1.0, "×")
    _arrow(ax, (4.4, 0.45), (5.0, 0.85), color=BLUE)
    _arrow(ax, (6.0, 0.45), (5.4, 0.85), color=ORANGE)
    _arrow(ax, (5.2, 1.25), (5.2, top - 0.27), color=INK)
    # the output: h_t = o * tanh(c_t)
    box(ax, 8.6, 1.0, "tanh", size=9)
    _arrow(ax, (8.6, top - 0.1), (8.6, 1.25), color=GREEN)
    _op(ax, 8.6, 0.0, "×")
    _arrow(ax, (8.6, 0.75), (8.6, 0.25), color=INK)
    _arrow(ax, (7.95, 0.0), (8.35, 0.0), color=BLUE)
    box(ax, 8.6, -1.4, f"hₜ = {h[0]:.3f}", face=f"{RED}25")
    _arrow(ax, (8.6, -0.25), (8.6, -1.1), color=INK)
    ax.text(3.1, 1.35, "forget", fontsize=8, color=BLUE, ha="left")
    ax.text(5.35, 1.45, "write", fontsize=8, color=INK, ha="left")


@figure(
    "gated-recurrent-unit",
    alt="One step of a cell with one hidden value and no cell state: previous state h = 0.8, "
    "input x = 1, input weights 0, 1 and 1 for r, z and n, recurrent weights 0, 0 and 1, "
    "no biases. Along the top runs the state line: h_{t-1} = 0.8 is multiplied by the "
    "update gate z = σ(1) = 0.731, then (1 − z) times the candidate n is added, giving "
    "h_t = 0.823. Below, the reset gate r = σ(0) = 0.5 scales the recurrent term "
    "1 · h_{t-1} = 0.8 to 0.4 before the candidate n = tanh(1 + 0.4) = 0.885 is taken.",
    caption="No separate cell state: the update gate z keeps that share of the old state "
    "and fills the rest, 1 − z, with a candidate, for which the reset gate r decides how "
    "much of the old state to read.",
    size=(6.6, 3.4),
)
def _gru(fig):
    ax = fig.subplots()
    ax.set(xlim=(-0.6, 10.2), ylim=(-1.9, 2.6))
    ax.axis("off")
    x, h_prev = 1.0, 0.8
    # rows r, z, n: z and n read the input with weight 1, n reads the old state with 1
    weight_ih, weight_hh = [[0.0], [1.0], [1.0]], [[0.0], [0.0], [1.0]]
    (h,) = dlterms.gru_cell([x], [h_prev], weight_ih, weight_hh)
    reset = float(dlterms.sigmoid(0.0))
    update = float(dlterms.sigmoid(x))
    seen = reset * h_prev  # the old state as the candidate sees it
    cand = float(dlterms.tanh(x + seen))
    top = 1.9
    # the state line: keep z of the old state, add (1 - z) of the candidate
    box(ax, 0.3, top, f"hₜ₋₁ = {num(h_prev)}", face=PALE)
    _op(ax, 2.6, top, "×")
    _op(ax, 7.5, top, "+")
    box(ax, 9.3, top, f"hₜ = {h:.3f}", face=f"{RED}25")
    for a, b in ((1.2, 2.35), (2.85, 7.25), (7.75, 8.45)):
        _arrow(ax, (a, top), (b, top), color=GREEN, lw=2.2)
    # the gates and the candidate read [h_{t-1}, x_t]
    box(ax, 0.3, -1.4, f"[hₜ₋₁, xₜ] = [{num(h_prev)}, {num(x)}]")
    box(ax, 2.6, 0.0, f"z = σ({num(x)})\n= {update:.3f}", face=f"{BLUE}25", size=8.5)
    box(ax, 4.6, 0.0, f"r = σ(0)\n= {num(reset)}", face=f"{BLUE}25", size=8.5)
    _op(ax, 5.95, 0.0, "×")
    box(ax, 7.5, 0.0, f"n = tanh({num(x)} + {num(seen)})\n= {cand:.3f}", face=f"{ORANGE}25",
         size=8.5)  # fmt: skip
    for end in ((2.6, -0.45), (4.6, -0.45), (5.95, -0.25), (7.5, -0.45)):
        _arrow(ax, (1.6, -1.25), end, color=EDGE, lw=0.9)
    _arrow(ax, (2.6, 0.45), (2.6, top - 0.27), color=BLUE)
    _arrow(ax, (5.05, 0.0), (5.7, 0.0), color=BLUE)
    _arrow(ax, (6.2, 0.0), (6.45, 0.0), color=INK)
    # (1 - z) times the candidate joins the state line
    _op(ax, 7.5, 1.0, "×")
    _arrow(ax, (3.1, 0.35), (7.25, 0.98), color=BLUE)
    _arrow(ax, (7.5, 0.45), (7.5, 0.75), color=ORANGE)
    _arrow(ax, (7.5, 1.25), (7.5, top - 0.27), color=INK)
    ax.text(2.7, 1.1, "keep z", fontsize=8, color=BLUE, ha="left")
    ax.text(5.6, 0.85, f"1 − z = {1 - update:.3f}", fontsize=8, color=BLUE, ha="center")
    ax.text(5.95, 0.3, f"reset: r · {num(h_prev)} = {num(seen)}", fontsize=8, color=INK,
            ha="center", va="bottom")  # fmt: skip
