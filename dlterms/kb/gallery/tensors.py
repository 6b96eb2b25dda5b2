"""Figures for dlterms.tensors: tensors, their rank and broadcasting."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import INK, MUTED, cells, diagram, symbol, tint

__all__: list[str] = []


@figure(
    "broadcasting",
    alt="A column a = (1, 2, 3) of shape (3, 1) and a row b = (10, 20, 30, 40) of shape "
    "(1, 4) are each stretched, by faded repeated copies, to the broadcast shape (3, 4); "
    "their sum a + b has the rows (11, 21, 31, 41), (12, 22, 32, 42) and (13, 23, 33, 43).",
    caption="Broadcasting repeats size-1 axes virtually, so a (3, 1) column and a (1, 4) "
    "row combine into a (3, 4) result without copying any data.",
    size=(6.4, 2.4),
)
def _broadcasting(fig):
    ax = diagram(fig, xlim=(-0.2, 14.2), ylim=(-0.2, 4.0))
    a, b = np.array([[1], [2], [3]]), np.array([[10, 20, 30, 40]])
    shape = dlterms.broadcast_shapes(a.shape, b.shape)
    cols, rows = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]))
    for x0, name, arr, real, color in (
        (0, "a", a, cols == 0, PURPLE),
        (5, "b", b, rows == 0, GREEN),
    ):
        face = np.where(real, tint(color, 0.45), tint(color, 0.08))
        cells(
            ax,
            np.broadcast_to(arr, shape),
            x0,
            3,
            face=face,
            ink=np.where(real, INK, MUTED),
            title=f"{name}: {arr.shape} → {shape}",
        )
    symbol(ax, 4.5, 1.5, "+")
    symbol(ax, 9.5, 1.5, "=")
    cells(
        ax,
        np.broadcast_to(a, shape) + np.broadcast_to(b, shape),
        10,
        3,
        face=tint(BLUE, 0.2),
        title=f"a + b: {shape}",
    )


# --------------------------------------------------------------------------- tensors and rank


def _tensor_examples():
    """A scalar, a vector, a matrix and a rank-3 tensor, with the element to highlight."""
    return [
        (np.array(5.0), ()),
        (np.array([1.0, 2.0, 3.0, 4.0]), (2,)),
        (np.arange(1.0, 13.0).reshape(3, 4), (1, 2)),
        (np.arange(1.0, 25.0).reshape(2, 3, 4), (1, 0, 2)),
    ]


def _solid(color: str, alpha: float) -> str:
    """`color` blended with white: an opaque tint, so cells drawn behind stay hidden."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - alpha * (255 - c)):02x}" for c in rgb)


def _draw_tensors(fig, label, *, highlight):
    """Draw the four tensors left to right; `label(t, index)` gives the text below each."""
    ax = diagram(fig, xlim=(-0.3, 17.0), ylim=(-6.4, 1.4))
    x0, shift = 0.0, 1.0  # a rank-3 tensor's back slice sits up and to the right
    for t, index in _tensor_examples():
        slices = t if t.ndim == 3 else np.atleast_2d(t)[None]
        for d in range(len(slices) - 1, -1, -1):  # back slice first
            face = np.full(slices[d].shape, _solid(GREEN if t.ndim == 3 else BLUE, 0.25))
            face = face.astype(object)
            if highlight and (t.ndim < 3 or d == index[0]):
                face[(0,) * (2 - len(index[-2:])) + tuple(index[-2:])] = _solid(ORANGE, 0.6)
            top = 0.5 * (slices[d].shape[0] - 3) + shift * d
            size = 9 if t.ndim == 3 else 11
            cells(ax, slices[d], x0 + shift * d, top, face=face, size=size, zorder=2 - 0.1 * d)
        width = slices.shape[-1] + shift * (len(slices) - 1)
        ax.text(
            x0 + width / 2,
            -3.6,
            label(t, index),
            ha="center",
            va="top",
            fontsize=10,
            color=INK,
            linespacing=1.5,
        )
        x0 += width + 1.3
    ax.set_xlim(-0.3, x0 - 1.0)


@figure(
    "tensor",
    alt="Four tensors drawn as boxes of numbers: a scalar 5, shape (), 1 element; a "
    "vector 1, 2, 3, 4, shape (4,), 4 elements; a 3 × 4 matrix of 1 to 12, shape "
    "(3, 4), 12 elements; and a rank-3 tensor of 1 to 24 drawn as two stacked 3 × 4 "
    "slices, shape (2, 3, 4), 24 elements.",
    caption="A tensor is an array with any number of axes: scalars, vectors and matrices "
    "are the first three cases, and the shape lists the length of every axis.",
    size=(6.4, 2.6),
)
def _tensor(fig):
    def label(t, index):
        kind = ["scalar", "vector", "matrix", "3-D tensor"][dlterms.tensor_rank(t)]
        return f"{kind}\nshape {t.shape}\n{t.size} element{'s' if t.size > 1 else ''}"

    _draw_tensors(fig, label, highlight=False)


@figure(
    "rank-tensor",
    alt="The same four tensors as boxes, each with one highlighted element and the index "
    "that picks it: the scalar 5 is x itself, rank 0; in the vector 1, 2, 3, 4 the "
    "element 3 is x[2], rank 1; in the 3 × 4 matrix of 1 to 12 the element 7 is "
    "x[1, 2], rank 2; in the 2 × 3 × 4 tensor of 1 to 24 the element 15 is x[1, 0, 2], "
    "rank 3.",
    caption="The rank of a tensor is its number of axes: how many indices it takes to "
    "pick out one element, whatever the axes' lengths.",
    size=(6.4, 2.6),
)
def _rank_tensor(fig):
    def label(t, index):
        picked = t[index]
        where = "x" if not index else f"x[{', '.join(map(str, index))}]"
        return f"rank {dlterms.tensor_rank(t)}\n{where} = {picked:g}"

    _draw_tensors(fig, label, highlight=True)
