"""Figures for dlterms.attention: a causally masked attention map.

Every number shown comes from dlterms.attention; numpy only
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
