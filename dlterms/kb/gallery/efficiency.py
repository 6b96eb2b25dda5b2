"""Figures for dlterms.efficiency: a frozen weight matrix beside the two thin trained
factors whose product updates it.

Every matrix shown comes from dlterms.efficiency (the update is what lora_merge adds to a
zero weight); numpy only draws the random inputs. Build-only: imports matplotlib through
dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

import dlterms
from dlterms.kb.figures import figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, symbol

__all__: list[str] = []

D, R = 8, 2


def _heat(ax, matrix, left, top, label, *, scale):
    """`matrix` as a heat map whose top-left corner is at (left, top), one unit per entry."""
    rows, cols = matrix.shape
    ax.imshow(
        matrix,
        cmap="RdBu_r",
        vmin=-scale,
        vmax=scale,
        extent=(left, left + cols, top - rows, top),
        interpolation="nearest",
    )
    ax.add_patch(Rectangle((left, top - rows), cols, rows, fill=False, edgecolor=EDGE, lw=1.0))
    ax.text(
        left + cols / 2, top - rows - 0.5, label, ha="center", va="top", fontsize=9.5, color=INK
    )


@figure(
    "lora",
    alt="Four heat maps in red and blue, red positive and blue negative. Left, set apart, "
    "a frozen 8 by 8 weight matrix W of 64 random numbers. Right, a tall thin 8 by 2 "
    "matrix B times a short wide 2 by 8 matrix A, the only trained numbers, 16 each, 32 in "
    "all, equals their product BA, again 8 by 8 but of rank 2: every row is a mix of the "
    "same two rows of A. BA is added to W, so the merged layer costs the same as before.",
    caption="Freeze the d × d weight W and learn its change as a product BA of a d × r and an "
    "r × d matrix: 2dr numbers instead of d² (here d = 8, r = 2: 32 instead of 64; for "
    "d = 4096 and r = 8, 65,536 instead of 16,777,216). The update has rank at most r and "
    "merges into W after training.",
    size=(6.4, 2.9),
)
def _low_rank_update(fig):
    rng = np.random.default_rng(3)
    weight = rng.normal(size=(D, D))
    lora_b = rng.normal(size=(D, R))
    lora_a = rng.normal(size=(R, D))
    # alpha = r makes the scale alpha / r equal 1, so adding to zeros returns BA itself
    update = dlterms.lora_merge(np.zeros((D, D)), lora_a, lora_b, alpha=float(R))
    merged = dlterms.lora_merge(weight, lora_a, lora_b, alpha=float(R))
    if not np.allclose(merged, weight + update):
        raise AssertionError("lora_merge is not W + BA")
    ax = fig.subplots()
    ax.set(xlim=(-0.3, 33.6), ylim=(-2.3, 8.6), aspect="equal")
    ax.axis("off")
    ax.grid(False)
    top = 8.0
    _heat(ax, weight, 0, top, f"W  {D}×{D} = {D * D}\nfrozen", scale=3.0)
    ax.plot([10.2, 10.2], [top + 0.2, -2.2], color=MUTED, lw=0.8)
    _heat(ax, lora_b, 11.5, top, f"B  {D}×{R}\n= {D * R}", scale=3.0)
    symbol(ax, 14.4, top - D / 2, "×")
    _heat(ax, lora_a, 15.3, top - D / 2 + R / 2, f"A  {R}×{D} = {R * D}", scale=3.0)
    ax.text(
        (11.5 + 15.3 + D) / 2,
        top + 0.1,
        f"trained: {2 * D * R} numbers",
        ha="center",
        va="bottom",
        fontsize=9,
        color=MUTED,
    )
    symbol(ax, 24.4, top - D / 2, "=")
    rank = int(np.linalg.matrix_rank(update))
    label = f"BA  {D}×{D}, rank {rank}\nadded to W"
    _heat(ax, update, 25.3, top, label, scale=float(np.abs(update).max()))
