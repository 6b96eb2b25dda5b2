"""Figures for dlterms.neurons: the neuron, the perceptron and a saturated neuron."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

import dlterms
from dlterms.kb.figures import BLUE, ORANGE, RED, TEAL, figure
from dlterms.kb.gallery._draw import INK, num, tint

__all__: list[str] = []


@figure(
    "saturated-neuron",
    alt="The slope of a sigmoid unit and of a tanh unit against the pre-activation z from "
    "−8 to 8, with a dotted line at the threshold 0.01. Shaded bands mark where each unit "
    "is saturated: for the sigmoid |z| > 4.6, for tanh |z| > 3.0. The sigmoid's slope "
    "peaks at 0.25 and tanh's at 1, both at z = 0.",
    caption="A unit saturates where its slope falls below a small threshold; there, "
    "backpropagation passes almost no gradient through it.",
)
def _saturated_neuron(fig):
    axes = fig.subplots(1, 2, sharex=True)
    z = np.linspace(-8, 8, 641)
    threshold = 0.01
    for ax, name, color in zip(axes, ("sigmoid", "tanh"), (BLUE, ORANGE), strict=True):
        mask = dlterms.saturated_mask(z, activation=name, threshold=threshold)
        ax.fill_between(
            z, 0, 1, where=mask, color=tint(RED, 0.15), lw=0, transform=ax.get_xaxis_transform()
        )
        ax.plot(z, dlterms.apply_activation_grad(z, name), color=color, label=f"{name}′(z)")
        ax.axhline(threshold, color=INK, lw=0.8, ls=":", label=f"threshold {threshold:g}")
        edge = z[~mask].max()
        ax.text(
            edge + 0.3,
            0.55,
            f"saturated\n|z| > {edge:.1f}",
            color=RED,
            fontsize=9,
            transform=ax.get_xaxis_transform(),
        )
        fraction = dlterms.saturation_fraction(z, activation=name, threshold=threshold)
        ax.set(xlabel="pre-activation z", title=f"{name}: {fraction:.0%} of this range saturated")
        ax.legend(loc="upper left", fontsize=9)
    axes[0].set(ylabel="slope f′(z)", ylim=(-0.01, 0.32))
    axes[1].set(ylim=(-0.04, 1.28))


# --------------------------------------------------------------------------- neurons


@figure(
    "neuron",
    alt="Diagram of one neuron. Three inputs 1, 2 and 3 enter along arrows labelled with "
    "the weights 0.5, −1 and 0.25; a circle sums them with the bias 1 to give z = 0.25 "
    "(0.5 − 2 + 0.75 + 1); the sigmoid turns z into the output 0.5622.",
    caption="A neuron multiplies each input by its weight, adds the bias, and passes the sum "
    "through its activation.",
    size=(6.4, 3.0),
)
def _neuron(fig):
    x, w, b = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 0.25]), 1.0
    z = dlterms.neuron(x, w, b, activation="linear")
    y = dlterms.neuron(x, w, b)
    ax = fig.subplots()
    ax.set(xlim=(0, 12), ylim=(-0.3, 4.6), aspect="equal")
    ax.axis("off")
    sum_at, act_at = (6.0, 2.3), (8.8, 2.3)
    arrow = {"arrowstyle": "->", "color": INK, "lw": 1.3}
    for k, (xk, wk) in enumerate(zip(x, w, strict=True)):
        start = (1.9, 4.0 - 1.7 * k)
        ax.text(1.7, start[1], f"x{k + 1} = {num(xk)}", ha="right", va="center", fontsize=11)
        end = (sum_at[0] - 0.75, sum_at[1] + 0.25 * (1 - k))
        ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
        ax.text(
            start[0] + 0.35,
            start[1] + 0.15,
            f"× w{k + 1} = {num(wk)}",
            ha="left",
            va="bottom",
            fontsize=10,
            color=BLUE,
        )
    ax.add_patch(_circle(sum_at, 0.7, tint(BLUE, 0.18)))
    ax.text(*sum_at, "Σ + b", ha="center", va="center", fontsize=12)
    ax.text(sum_at[0], sum_at[1] - 0.9, f"b = {num(b)}", ha="center", va="top", color=ORANGE)
    ax.annotate(
        "", xy=(act_at[0] - 0.7, act_at[1]), xytext=(sum_at[0] + 0.75, 2.3), arrowprops=arrow
    )
    ax.text((sum_at[0] + act_at[0]) / 2, act_at[1] + 0.2, f"z = {num(z)}", ha="center", va="bottom")
    ax.add_patch(_circle(act_at, 0.65, tint(ORANGE, 0.18)))
    ax.text(*act_at, "σ", ha="center", va="center", fontsize=14)
    ax.annotate("", xy=(10.3, act_at[1]), xytext=(act_at[0] + 0.7, act_at[1]), arrowprops=arrow)
    ax.text(10.4, act_at[1], f"y = {y:.4f}", ha="left", va="center", fontsize=11, weight="bold")
    ax.text(
        6.0,
        -0.2,
        f"z = 0.5·1 − 1·2 + 0.25·3 + 1 = {num(z)},   y = σ(z) = {y:.4f}",
        ha="center",
        va="bottom",
        fontsize=9.5,
        color=INK,
    )


def _circle(center, radius, face):
    return Circle(center, radius, facecolor=face, edgecolor=INK, lw=1.2)


@figure(
    "perceptron",
    alt="Left: 40 points in the plane, 20 of class 1 and 20 of class 0, with the straight "
    "boundary the perceptron learned separating them and the two decision regions shaded. "
    "Right: the number of mistakes in each training epoch, 4, 1 and 1 in epochs 1 to 3 "
    "and 0 in epoch 4, when the rule has converged.",
    caption="On linearly separable data the perceptron rule keeps updating until an epoch "
    "passes with no mistakes; the last line it finds separates the classes.",
)
def _perceptron(fig):
    rng = np.random.default_rng(3)
    centres = np.repeat([[2.0, 2.0], [-1.0, -0.5]], 20, axis=0)
    x = centres + rng.normal(scale=0.9, size=centres.shape)
    y = np.repeat([1, 0], 20)
    w, b, n_errors = dlterms.perceptron_train(x, y, n_epochs=100)
    left, right = fig.subplots(1, 2, width_ratios=(1.2, 1))
    g1, g2 = np.meshgrid(np.linspace(-4, 5, 181), np.linspace(-4, 5, 181))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    regions = dlterms.perceptron_predict(grid, w, b).reshape(g1.shape)
    left.contourf(
        g1, g2, regions, levels=[-0.5, 0.5, 1.5], colors=[tint(ORANGE, 0.15), tint(BLUE, 0.15)]
    )
    left.contour(g1, g2, regions, levels=[0.5], colors=INK, linewidths=1.5)
    for label, marker, color in ((1, "o", BLUE), (0, "s", ORANGE)):
        pts = x[y == label]
        left.plot(pts[:, 0], pts[:, 1], marker, color=color, ms=5, label=f"class {label}")
    left.plot([], [], color=INK, lw=1.5, label="learned boundary")
    left.set(
        xlabel="x₁",
        ylabel="x₂",
        title="learned boundary",
        aspect="equal",
        xlim=(-4, 5),
        ylim=(-4, 5),
    )
    left.legend(loc="lower right", fontsize=8.5, frameon=True)
    epochs = np.arange(1, len(n_errors) + 1)
    right.bar(epochs, n_errors, color=TEAL)
    right.set_axisbelow(True)
    right.set(
        xlabel="epoch", ylabel="mistakes in the epoch", title="mistakes per epoch", xticks=epochs
    )
    right.annotate(
        "0: converged",
        (epochs[-1], 0),
        xytext=(-4, 18),
        textcoords="offset points",
        ha="right",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": INK},
    )
