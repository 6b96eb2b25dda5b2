"""Figures for dlterms.transformer: sinusoidal positional encodings.

Every number shown comes from dlterms.transformer; numpy only builds the toy inputs.
Build-only: imports matplotlib through dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import figure

__all__: list[str] = []


@figure(
    "positional-encoding",
    alt="Left: heat map of the sinusoidal positional encodings for 50 positions (rows) and "
    "64 dimensions (columns), values from -1 to 1. The first columns change colour from "
    "row to row, while the last columns are nearly constant: low dimensions oscillate fast, "
    "high dimensions slowly. Right: the dot product of each position's code with the code of "
    "position 20 peaks at position 20 and falls off on both sides, symmetrically.",
    caption="Each pair of dimensions turns at its own speed, from fast to slow; nearby "
    "positions get similar codes, and similarity depends only on the distance.",
    size=(6.4, 3.2),
)
def _positional_encoding(fig):
    pe = dlterms.sinusoidal_positional_encoding(50, 64)
    left, right = fig.subplots(1, 2, width_ratios=(1.2, 1))
    image = left.imshow(pe, cmap="RdBu_r", vmin=-1.0, vmax=1.0, aspect="auto")
    left.set(xlabel="dimension", ylabel="position", title="PE[position, dimension]")
    left.grid(False)
    fig.colorbar(image, ax=left, shrink=0.8)
    right.plot(np.arange(50), pe @ pe[20], color="#3f51b5")
    right.axvline(20, color="#9e9e9e", lw=0.9, ls="--")
    right.set(xlabel="position", ylabel="PE[p] · PE[20]", title="similarity to position 20")
