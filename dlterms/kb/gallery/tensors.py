"""Figures for dlterms.tensors: broadcasting."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, PURPLE, figure
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
