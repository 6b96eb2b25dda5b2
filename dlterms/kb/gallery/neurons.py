"""Figures for the activation and neuron entries: tanh, Leaky ReLU, the activation family,
saturation, the linear function, one neuron and the perceptron.

Every number drawn comes from a dlterms function; numpy only lays out the inputs.
Build-only: imports matplotlib through dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, TEAL, figure

__all__: list[str] = []

INK = "#222222"
MUTED = "#9e9e9e"


def _tint(color: str, alpha: float = 0.25) -> str:
    """`color` (``#rrggbb``) made translucent: a light tint on white."""
    return f"{color}{round(alpha * 255):02x}"


def _num(value, fmt="g") -> str:
    """A number as text, with a real minus sign."""
    return format(value, fmt).replace("-", "−")


# --------------------------------------------------------------------------- activations


@figure(
    "tanh",
    alt="Left: tanh rises from −1 to 1 through 0 at x = 0, beside the sigmoid, which rises "
    "from 0 to 1 through 0.5. Right: their derivatives; tanh's peaks at 1 at x = 0, the "
    "sigmoid's at 0.25, and both fall towards 0 beyond |x| ≈ 4.",
    caption="Tanh is a zero-centred sigmoid with four times its peak slope; both flatten, "
    "and saturate, for large |x|.",
)
def _tanh(fig):
    left, right = fig.subplots(1, 2, sharex=True)
    x = np.linspace(-6, 6, 241)
    left.plot(x, dlterms.tanh(x), label="tanh(x)")
    left.plot(x, dlterms.sigmoid(x), color=MUTED, ls="--", label="σ(x), sigmoid")
    right.plot(x, dlterms.tanh_grad(x), label="tanh′(x) = 1 − tanh²(x)")
    right.plot(x, dlterms.sigmoid_grad(x), color=MUTED, ls="--", label="σ′(x)")
    for peak, color in ((dlterms.tanh_grad(0.0), BLUE), (dlterms.sigmoid_grad(0.0), MUTED)):
        right.annotate(
            f"peak {peak:g}", (0, peak), xytext=(14, 4), textcoords="offset points", color=color
        )
    left.axhline(0, color=INK, lw=0.6)
    left.set(xlabel="x", ylabel="output", title="the function", ylim=(-1.15, 1.35))
    right.set(xlabel="x", ylabel="derivative", title="its slope", ylim=(-0.05, 1.35))
    left.legend(loc="upper left")
    right.legend(loc="upper left", fontsize=9)


@figure(
    "leaky-relu",
    alt="Left: near x = 0, ReLU is flat at 0 for negative inputs while Leaky ReLU, drawn "
    "with slope a = 0.1 so the leak is visible, keeps a small downward slope, reaching "
    "−0.2 at x = −2; for positive inputs both equal x. Right: the derivatives, 0 versus "
    "0.1 for negative inputs and 1 for both on the positive side.",
    caption="Leaky ReLU keeps a small slope for negative inputs, so a unit there still gets "
    "some gradient instead of none.",
)
def _leaky_relu(fig):
    left, right = fig.subplots(1, 2, sharex=True)
    x = np.linspace(-2, 2, 201)
    a = 0.1  # exaggerated from the usual 0.01 so the leak shows at this scale
    left.plot(x, dlterms.relu(x), color=MUTED, ls="--", label="ReLU")
    left.plot(x, dlterms.leaky_relu(x, negative_slope=a), label=f"Leaky ReLU, a = {a:g}")
    left.annotate(
        f"{_num(-2.0)} ↦ {_num(dlterms.leaky_relu(-2.0, negative_slope=a))}",
        (-2, dlterms.leaky_relu(-2.0, negative_slope=a)),
        xytext=(4, -14),
        textcoords="offset points",
        color=BLUE,
        fontsize=9,
    )
    for side in (x[x <= 0], x[x > 0]):  # the derivative jumps at 0: draw each side alone
        right.plot(side, dlterms.relu_grad(side), color=MUTED, ls="--")
        right.plot(side, dlterms.leaky_relu_grad(side, negative_slope=a), color=BLUE)
    right.plot([], [], color=MUTED, ls="--", label="ReLU′: 0 below zero")
    right.plot([], [], color=BLUE, label=f"Leaky ReLU′: {a:g} below zero")
    left.set(xlabel="x", ylabel="output", title="the function", ylim=(-0.5, 2.1))
    right.set(xlabel="x", ylabel="derivative", title="gradient let through", ylim=(-0.1, 1.4))
    left.legend(loc="upper left")
    right.legend(loc="upper left", fontsize=9)


ACTIVATIONS = (  # drawn in this order: the wide grey identity first, underneath
    ("linear", "linear", MUTED, 3.5),
    ("sigmoid", "sigmoid", BLUE, 2.0),
    ("tanh", "tanh", ORANGE, 2.0),
    ("relu", "ReLU", GREEN, 2.0),
    ("leaky_relu", "Leaky ReLU (0.01)", PURPLE, 1.6),
)


@figure(
    "activation-function",
    alt="Left: five activation functions on inputs from −3 to 3: sigmoid between 0 and 1, "
    "tanh between −1 and 1, ReLU flat at 0 then rising as x, Leaky ReLU almost the same "
    "with a tiny negative slope, and the linear activation, a straight line. Right: their "
    "slopes: sigmoid at most 0.25, tanh at most 1 and falling in the tails, ReLU a step "
    "from 0 to 1, Leaky ReLU a step from 0.01 to 1, and the linear activation constant at 1.",
    caption="Common activations differ in their range and, for training, in how much slope "
    "they keep where the input is large.",
)
def _activation_family(fig):
    left, right = fig.subplots(1, 2, sharex=True)
    z = np.linspace(-3, 3, 241)
    for name, label, color, width in ACTIVATIONS:
        style = {"color": color, "lw": width, "ls": "--" if name == "leaky_relu" else "-"}
        left.plot(z, dlterms.apply_activation(z, name), label=label, **style)
        for side in (z[z <= 0], z[z > 0]):  # ReLU-type slopes jump at 0
            right.plot(side, dlterms.apply_activation_grad(side, name), **style)
    right.annotate(
        "ReLU, Leaky ReLU, linear: 1",
        (1.95, 1.0),
        xytext=(0, -16),
        textcoords="offset points",
        ha="center",
        fontsize=8.5,
    )
    left.set(xlabel="pre-activation z", ylabel="f(z)", title="output", ylim=(-1.6, 3.1))
    right.set(xlabel="pre-activation z", ylabel="f′(z)", title="slope", ylim=(-0.08, 1.15))
    left.legend(loc="upper left", fontsize=8.5)


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
            z, 0, 1, where=mask, color=_tint(RED, 0.15), lw=0, transform=ax.get_xaxis_transform()
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


@figure(
    "linear-function",
    alt="Output against input x from −3 to 3 of a tiny network with one input, three "
    "hidden units and one output. With linear activations the two layers give a straight "
    "line, and the single layer with weight W1·W2 lies exactly on top of it. With ReLU "
    "between the same two layers, the output bends at x = −0.5, 1 and 2, where a hidden "
    "unit switches on or off.",
    caption="Stacked linear layers collapse into one straight line; a nonlinear activation "
    "between them lets the output bend.",
)
def _linear_function(fig):
    ax = fig.subplots()
    x = np.linspace(-3, 3, 241)[:, None]
    w1, b1 = np.array([[1.0, -1.0, 0.5]]), np.array([0.5, 1.0, -1.0])
    w2, b2 = np.array([[1.0], [1.5], [-2.0]]), np.array([-0.5])
    stacked = dlterms.dense(dlterms.linear(dlterms.dense(x, w1, b1)), w2, b2)[:, 0]
    single = dlterms.dense(x, w1 @ w2, b1 @ w2 + b2)[:, 0]
    bent = dlterms.dense(dlterms.relu(dlterms.dense(x, w1, b1)), w2, b2)[:, 0]
    ax.plot(x, stacked, lw=4, color=_tint(BLUE, 0.45), label="two layers, linear activation")
    ax.plot(x, single, color=BLUE, ls="--", lw=1.5, label="one layer, weight W₁W₂")
    ax.plot(x, bent, color=ORANGE, label="same two layers with ReLU between")
    ax.set(xlabel="input x", ylabel="network output")
    ax.legend(loc="upper right", fontsize=9)


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
        ax.text(1.7, start[1], f"x{k + 1} = {_num(xk)}", ha="right", va="center", fontsize=11)
        end = (sum_at[0] - 0.75, sum_at[1] + 0.25 * (1 - k))
        ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
        ax.text(
            start[0] + 0.35,
            start[1] + 0.15,
            f"× w{k + 1} = {_num(wk)}",
            ha="left",
            va="bottom",
            fontsize=10,
            color=BLUE,
        )
    ax.add_patch(_circle(sum_at, 0.7, _tint(BLUE, 0.18)))
    ax.text(*sum_at, "Σ + b", ha="center", va="center", fontsize=12)
    ax.text(sum_at[0], sum_at[1] - 0.9, f"b = {_num(b)}", ha="center", va="top", color=ORANGE)
    ax.annotate(
        "", xy=(act_at[0] - 0.7, act_at[1]), xytext=(sum_at[0] + 0.75, 2.3), arrowprops=arrow
    )
    ax.text(
        (sum_at[0] + act_at[0]) / 2, act_at[1] + 0.2, f"z = {_num(z)}", ha="center", va="bottom"
    )
    ax.add_patch(_circle(act_at, 0.65, _tint(ORANGE, 0.18)))
    ax.text(*act_at, "σ", ha="center", va="center", fontsize=14)
    ax.annotate("", xy=(10.3, act_at[1]), xytext=(act_at[0] + 0.7, act_at[1]), arrowprops=arrow)
    ax.text(10.4, act_at[1], f"y = {y:.4f}", ha="left", va="center", fontsize=11, weight="bold")
    ax.text(
        6.0,
        -0.2,
        f"z = 0.5·1 − 1·2 + 0.25·3 + 1 = {_num(z)},   y = σ(z) = {y:.4f}",
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
        g1, g2, regions, levels=[-0.5, 0.5, 1.5], colors=[_tint(ORANGE, 0.15), _tint(BLUE, 0.15)]
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
