"""Figures for dlterms.autograd: the recorded graph of an expression, forward and backward."""

from __future__ import annotations

from functools import partial

from matplotlib.patches import FancyBboxPatch

import dlterms
from dlterms.autograd import Value
from dlterms.kb.figures import BLUE, ORANGE, figure
from dlterms.kb.gallery._draw import EDGE, graph_edge, num

__all__: list[str] = []

HALF_W, HALF_H = 1.05, 0.45  # half the size of a node box, in data units


def _box(ax, xy, label, node):
    """A node: how it was computed and its forward value above, its gradient below."""
    ax.add_patch(
        FancyBboxPatch(
            (xy[0] - HALF_W, xy[1] - HALF_H),
            2 * HALF_W,
            2 * HALF_H,
            boxstyle="round,pad=0.02,rounding_size=0.15",
            fc="white",
            ec=EDGE,
            lw=1.1,
            zorder=2,
        )
    )
    name = label.split(" ")[0]
    ax.text(*(xy[0], xy[1] + 0.17), f"{label} = {num(node.data)}", ha="center", va="center",
            fontsize=9, color=BLUE, zorder=3)  # fmt: skip
    ax.text(*(xy[0], xy[1] - 0.19), f"∂L/∂{name} = {num(node.grad)}", ha="center",
            va="center", fontsize=9, color=ORANGE, zorder=3)  # fmt: skip


# an arrow between two node boxes, labelled with the local derivative it carries
_edge = partial(graph_edge, half=(HALF_W, HALF_H))


@figure(
    "automatic-differentiation",
    alt="Graph of L = (a·b + a)² recorded while it is computed, with a = 2 and b = −3. "
    "Arrows run from a and b into c = a·b = −6, from c and from a again into "
    "d = c + a = −4, and from d into L = d² = 16. Each arrow is labelled with its local "
    "derivative: ∂c/∂a = b = −3, ∂c/∂b = a = 2, ∂d/∂c = 1, ∂d/∂a = 1, ∂L/∂d = 2d = −8. "
    "Under each node the backward pass writes the gradient of L: 1 for L, −8 for d and c, "
    "−16 for b, and 16 for a, the sum of 24 through c and −8 straight from d.",
    caption="The forward pass records each value (blue) and where it came from; the "
    "backward pass walks the arrows in reverse, multiplying by each local derivative "
    "(orange). a is used twice, so its two paths add up: 24 + (−8) = 16.",
    size=(6.4, 2.6),
)
def _graph(fig):
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    loss = d**2
    loss.backward()
    # the same gradients through the numeric entry point
    da, db = dlterms.grad(lambda a, b: (a * b + a) ** 2, [a.data, b.data])
    assert (da, db) == (a.grad, b.grad)
    ax = fig.subplots()
    ax.set(xlim=(-1.2, 10.5), ylim=(-1.55, 1.8), aspect="equal")
    ax.axis("off")
    pos = {"a": (0.0, 1.0), "b": (0.0, -1.0), "c": (3.2, -1.0), "d": (6.0, 0.0), "L": (9.2, 0.0)}
    _edge(ax, pos["a"], pos["c"], f"×{num(b.data)}", offset=(0.35, -0.05))
    _edge(ax, pos["b"], pos["c"], f"×{num(a.data)}")
    _edge(ax, pos["c"], pos["d"], "×1", offset=(-0.3, 0.05))
    _edge(ax, pos["a"], pos["d"], "×1")
    _edge(ax, pos["d"], pos["L"], f"×{num(2 * d.data)}")
    _box(ax, pos["a"], "a", a)
    _box(ax, pos["b"], "b", b)
    _box(ax, pos["c"], "c = a·b", c)
    _box(ax, pos["d"], "d = c + a", d)
    _box(ax, pos["L"], "L = d²", loss)
    paths = (c.grad * b.data, d.grad * 1.0)  # what reaches a through c and straight from d
    ax.text(-0.25, 0.0, f"{num(a.grad)} = {num(paths[0])} + ({num(paths[1])})", color=ORANGE,
            fontsize=8, ha="center", va="center")  # fmt: skip
    ax.text(-1.1, 1.8, "forward values →", color=BLUE, fontsize=9, va="top")
    ax.text(4.0, 1.8, "← gradients, each arrow's × applied backwards", color=ORANGE,
            fontsize=9, va="top")  # fmt: skip
