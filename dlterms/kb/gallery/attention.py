"""Figures for attention and transformers: a causally masked attention map, positional codes.

Every number shown comes from dlterms.attention and dlterms.transformer; numpy only
builds the toy inputs. Build-only: imports matplotlib through dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import figure

__all__: list[str] = []

TOKENS = ["the", "cat", "sat", "on", "the", "mat"]


@figure(
    "attention-mask",
    alt="Two 6 by 6 heat maps of attention weights for the tokens 'the cat sat on the mat', "
    "queries as rows and keys as columns, from the same random queries and keys. Left, "
    "without a mask: every row spreads its weight over all six keys. Right, with a causal "
    "mask: every cell above the diagonal is exactly 0, so each token attends only to itself "
    "and earlier tokens; the first row puts weight 1 on the first key, and every row still "
    "sums to 1.",
    caption="A causal mask sets the scores above the diagonal to minus infinity before the "
    "softmax: future keys get weight exactly 0 and each row renormalises over the past.",
    size=(6.4, 3.3),
)
def _causal_attention(fig):
    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(6, 8)), rng.normal(size=(6, 8))
    v = np.eye(6)
    axes = fig.subplots(1, 2)
    for ax, causal, title in ((axes[0], False, "no mask"), (axes[1], True, "causal mask")):
        _, w = dlterms.scaled_dot_product_attention(q, k, v, causal=causal, return_weights=True)
        image = ax.imshow(w, cmap="Blues", vmin=0.0, vmax=1.0)
        for (i, j), value in np.ndenumerate(w):
            colour = "white" if value > 0.6 else "#222222"
            label = "0" if value == 0.0 else f"{value:.2f}".lstrip("0")  # masked: exactly 0
            ax.text(j, i, label, ha="center", va="center", fontsize=6.5, color=colour)
        ax.set(title=title, xticks=range(6), yticks=range(6), xlabel="key")
        ax.set_xticklabels(TOKENS, rotation=45, fontsize=8)
        ax.set_yticklabels(TOKENS, fontsize=8)
        ax.grid(False)
    axes[0].set_ylabel("query")
    fig.colorbar(image, ax=axes, shrink=0.8, label="attention weight")


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
