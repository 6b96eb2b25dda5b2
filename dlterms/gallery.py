"""The figures themselves: one small drawing per entry, made with dlterms functions.

Register each with :func:`dlterms.figures.figure`. Keep every drawing short,
computed by the reference functions (never by hand-written maths), and labelled
so it can be read without the page around it. Build-only: imports matplotlib.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.figures import BLUE, ORANGE, figure

__all__: list[str] = []


@figure(
    "sigmoid-function",
    alt="The sigmoid curve rising from 0 to 1 through 0.5 at x = 0, and its derivative, "
    "a bump that peaks at 0.25 at x = 0 and vanishes in both tails.",
    caption="The sigmoid squashes any input into (0, 1); its slope is at most 1/4 "
    "and fades in the tails, where the neuron saturates.",
)
def _sigmoid(fig):
    ax = fig.subplots()
    x = np.linspace(-8, 8, 401)
    ax.plot(x, dlterms.sigmoid(x), label=r"$\sigma(x)$")
    ax.plot(x, dlterms.sigmoid_grad(x), color=ORANGE, label=r"$\sigma'(x)$")
    ax.axhline(0.5, color="#999999", lw=0.8, ls="--")
    ax.set(xlabel="x", ylim=(-0.05, 1.05))
    ax.legend(loc="upper left")


@figure(
    "softmax",
    alt="Bar charts of softmax probabilities for the logits 1, 2, 3: about 0.09, 0.24 and "
    "0.67; with the logits scaled by 3 the largest class takes almost all the mass.",
    caption="Softmax turns logits into probabilities that sum to 1; scaling the logits "
    "up makes the distribution sharper.",
)
def _softmax(fig):
    axes = fig.subplots(1, 2, sharey=True)
    classes = np.arange(3)
    for ax, scale in zip(axes, (1.0, 3.0), strict=True):
        z = scale * np.array([1.0, 2.0, 3.0])
        p = dlterms.softmax(z)
        bars = ax.bar(classes, p, color=BLUE)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in p], padding=2)
        ax.set(
            xticks=classes,
            xticklabels=[f"z={v:g}" for v in z],
            ylim=(0, 1.1),
            title=f"logits {'(1, 2, 3)' if scale == 1 else '× 3'}",
        )
    axes[0].set_ylabel("probability")
