"""Figures for dlterms.tuning: grid search against random search."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, ORANGE, figure
from dlterms.kb.gallery._draw import INK, MUTED

__all__: list[str] = []


def _response(x):
    """Validation score along the important hyperparameter: one narrow peak near 0.72."""
    return np.exp(-(((x - 0.72) / 0.07) ** 2))


@figure(
    "random-search",
    alt="Two unit squares, each with 9 trial points; the horizontal axis is an important "
    "hyperparameter and the vertical one an unimportant one. Above each square, the "
    "validation score as a function of the important hyperparameter: a narrow peak near "
    "0.72. Left: a 3 by 3 grid at 0.1, 0.5 and 0.9 tries only 3 distinct values of the "
    "important hyperparameter, and none lands near the peak (best score 0.00). Right: 9 "
    "random points try 9 distinct values, spread from 0.03 to 0.89, and the one at 0.75 "
    "scores 0.87.",
    caption="With the same 9 runs, a grid tries 3 values of the hyperparameter that "
    "matters; random points try 9 (Bergstra and Bengio, 2012).",
    size=(6.4, 3.6),
)
def _grid_versus_random(fig):
    grid = dlterms.parameter_grid({"important": [0.1, 0.5, 0.9], "unimportant": [0.1, 0.5, 0.9]})
    uniform = lambda rng: float(rng.uniform(0.02, 0.98))  # noqa: E731
    space = {"important": uniform, "unimportant": uniform}
    random = dlterms.sample_parameters(space, 9, rng=33)
    axes = fig.subplots(2, 2, height_ratios=(1, 2.2), sharex=True)
    curve = np.linspace(0.0, 1.0, 300)
    for column, (points, color, title) in enumerate(
        [(grid, BLUE, "3 × 3 grid"), (random, ORANGE, "9 random points")]
    ):
        top, square = axes[0, column], axes[1, column]
        xs = np.array([p["important"] for p in points])
        ys = np.array([p["unimportant"] for p in points])
        scores = _response(xs)
        top.plot(curve, _response(curve), color=MUTED, lw=1.2)
        top.vlines(np.unique(xs), 0, _response(np.unique(xs)), color=color, lw=1.2)
        top.plot(xs, scores, "o", color=color, ms=4)
        distinct = len(np.unique(xs))
        top.set(ylim=(0, 1.1), yticks=[0, 1], title=f"{title}: {distinct} distinct values")
        top.text(
            0.02, 0.85, f"best score {scores.max():.2f}", transform=top.transAxes, fontsize=8.5
        )
        square.plot(xs, ys, "o", color=color, ms=6)
        square.plot(xs, np.zeros_like(xs), "|", color=INK, ms=10, clip_on=False)
        square.set(xlim=(0, 1), ylim=(0, 1), xlabel="important hyperparameter")
        if column == 0:
            top.set_ylabel("score")
            square.set_ylabel("unimportant hyperparameter")
