"""Figures for dlterms.activations: sigmoid, tanh, ReLU and Leaky ReLU, softmax, the
smooth ReLUs (GELU, SiLU, softplus), the activation family, and the binary and
multi-class classifiers built on them.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import INK, MUTED, num, tint

__all__: list[str] = []


# --------------------------------------------------------------------------- activation functions


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
    "0.67; with the logits scaled by 3 (3, 6, 9) they become 0.00, 0.05 and 0.95, so the "
    "largest class takes almost all the mass.",
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
        ax.set_axisbelow(True)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in p], padding=2)
        ax.set(
            xticks=classes,
            xticklabels=[f"z={v:g}" for v in z],
            xlabel="class logit",
            ylim=(0, 1.1),
            title=f"logits {'(1, 2, 3)' if scale == 1 else '× 3'}",
        )
    axes[0].set_ylabel("probability")


@figure(
    "relu",
    alt="Left: ReLU is 0 for every negative input and equals x for positive inputs; its "
    "derivative is a step, 0 for x ≤ 0 (a filled dot at x = 0) and 1 for x > 0. Right: "
    "the ReLU derivative stays at 1 for every positive input, while the sigmoid's "
    "derivative peaks at 0.25 at x = 0 and falls towards 0 on both sides.",
    caption="ReLU passes the gradient through unchanged wherever its input is positive, "
    "while a sigmoid shrinks it to a quarter at best.",
)
def _relu(fig):
    left, right = fig.subplots(1, 2, sharex=True)
    x = np.linspace(-3, 3, 301)
    left.plot(x, dlterms.relu(x), label="ReLU(x) = max(0, x)")
    for ax in (left, right):  # the derivative jumps at 0: draw each side on its own
        for side, label in ((x[x <= 0], None), (x[x > 0], "ReLU′(x)")):
            ax.plot(side, dlterms.relu_grad(side), color=ORANGE, label=label)
        ax.plot(0, dlterms.relu_grad(0.0), "o", color=ORANGE)  # the value chosen at 0
        ax.plot(0, dlterms.relu_grad(x[x > 0][0]), "o", color=ORANGE, mfc="white")
    right.plot(x, dlterms.sigmoid_grad(x), color=BLUE, label="σ′(x), sigmoid")
    peak = dlterms.sigmoid_grad(0.0)
    right.annotate(
        f"at most {peak:g}",
        (0, peak),
        xytext=(0, 6),
        textcoords="offset points",
        ha="center",
        fontsize=9,
        color=BLUE,
    )
    left.set(xlabel="x", ylabel="output", title="ReLU and its derivative", ylim=(-0.2, 3.2))
    right.set(xlabel="x", ylabel="derivative", title="gradient let through", ylim=(-0.05, 1.3))
    left.legend(loc="upper left")
    right.legend(loc="upper left")


@figure(
    "binary-classification",
    alt="Left: the sigmoid p = σ(z) of a spam filter's logit z, with the threshold 0.5 as a "
    "dashed line; inputs with z ≥ 0 fall in the shaded 'spam (1)' region. The worked "
    "example's three emails sit on the curve: z = 2 gives p = 0.88 and z = 0 gives 0.5, "
    "both spam; z = −1 gives 0.27, not spam. Right: for the logit 2, one sigmoid unit "
    "gives spam 0.88 and not spam 1 − 0.88 = 0.12, and a two-unit softmax on the logits "
    "(0, 2) gives exactly the same two bars.",
    caption="A binary classifier needs one probability, for the positive class; a "
    "threshold on it decides the class, and two softmax units say the same thing.",
)
def _binary(fig):
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    z = np.linspace(-6, 6, 241)
    left.axvspan(0, 6, color=tint(ORANGE, 0.12), lw=0, label="p ≥ 0.5: spam region")
    left.plot(z, dlterms.sigmoid(z), label="p = σ(z)")
    left.axhline(0.5, color=MUTED, lw=1, ls="--", label="threshold 0.5")
    emails = np.array([2.0, 0.0, -1.0])
    p = dlterms.sigmoid(emails)
    spam = p >= 0.5
    left.plot(emails[spam], p[spam], "o", color=ORANGE, ms=7, label="predicted spam (1)")
    left.plot(emails[~spam], p[~spam], "o", color=BLUE, ms=7, label="predicted not spam (0)")
    for zi, pi in zip(emails, p, strict=True):
        left.annotate(
            f"{pi:.2f}",
            (zi, pi),
            xytext=(-6, 7),
            textcoords="offset points",
            ha="right",
            fontsize=9,
        )
    left.set(xlabel="logit z", ylabel="probability of spam", ylim=(-0.03, 1.05), xlim=(-6, 6))
    left.legend(loc="upper left", fontsize=8)

    one = dlterms.sigmoid(2.0)
    two = dlterms.softmax([0.0, 2.0])
    where = np.arange(2)
    for k, (values, name, color) in enumerate(
        (((1 - one, one), "1 sigmoid unit", BLUE), (two, "2 softmax units", GREEN))
    ):
        bars = right.bar(where + (k - 0.5) * 0.38, values, width=0.36, color=color, label=name)
        right.bar_label(bars, labels=[f"{v:.2f}" for v in values], padding=2, fontsize=9)
    right.set_axisbelow(True)
    right.set(
        xticks=where,
        xticklabels=["not spam (0)", "spam (1)"],
        ylabel="probability",
        ylim=(0, 1.15),
        title="logit 2: the same answer",
    )
    right.legend(loc="upper left", fontsize=8)


@figure(
    "multi-class-classification",
    alt="Four small bar charts, one per example of the worked example, each with the softmax "
    "probabilities of the classes cat, dog and lizard and the predicted class (the "
    "tallest bar) in colour. Logits (1, 3, 2): dog 0.67, correct. Logits (0, 0, 2): "
    "lizard 0.79, correct. Logits (4, 1, 1): cat 0.91, but the true class is dog, so "
    "wrong. Logits (0, 2, 0): dog 0.79, correct. Accuracy 3/4 = 0.75.",
    caption="A multi-class classifier gives every class a probability with softmax and "
    "predicts the most probable one.",
    size=(6.4, 2.8),
)
def _multiclass(fig):
    axes = fig.subplots(1, 4, sharey=True)
    names = ["cat", "dog", "lizard"]
    logits = np.array([[1.0, 3.0, 2.0], [0.0, 0.0, 2.0], [4.0, 1.0, 1.0], [0.0, 2.0, 0.0]])
    y_true = np.array([1, 2, 1, 1])
    p = dlterms.softmax(logits)
    y_pred = p.argmax(axis=1)
    for ax, row, z, t, c in zip(axes, p, logits, y_true, y_pred, strict=True):
        right = t == c
        colors = [(BLUE if right else ORANGE) if k == c else MUTED for k in range(3)]
        bars = ax.bar(np.arange(3), row, color=colors)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in row], padding=2, fontsize=8)
        ax.set_axisbelow(True)
        ax.set_xticks(np.arange(3), names, fontsize=8)
        verdict = "right" if right else f"wrong, is {names[t]}"
        ax.set_title(f"z = ({', '.join(f'{v:g}' for v in z)})\n{names[c]}: {verdict}", fontsize=9)
    axes[0].set(ylabel="softmax probability", ylim=(0, 1.12))
    acc = dlterms.accuracy_score(y_true, y_pred)
    fig.suptitle(f"predicted class = argmax;  accuracy {acc:g}", fontsize=10)


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
        f"{num(-2.0)} ↦ {num(dlterms.leaky_relu(-2.0, negative_slope=a))}",
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
    ax.plot(x, stacked, lw=4, color=tint(BLUE, 0.45), label="two layers, linear activation")
    ax.plot(x, single, color=BLUE, ls="--", lw=1.5, label="one layer, weight W₁W₂")
    ax.plot(x, bent, color=ORANGE, label="same two layers with ReLU between")
    ax.set(xlabel="input x", ylabel="network output")
    ax.legend(loc="upper right", fontsize=9)


@figure(
    "gelu",
    alt="Four activations on inputs from −4 to 3: ReLU flat at 0 then rising as x; GELU and "
    "SiLU follow it closely but are smooth at 0 and dip slightly below zero for negative "
    "inputs (GELU to about −0.17 near x = −0.75, SiLU to about −0.28 near x = −1.28); "
    "softplus stays above ReLU everywhere, passing through log 2 ≈ 0.69 at x = 0.",
    caption="The smooth relatives of ReLU: x·Φ(x) and x·σ(x) dip below zero before "
    "rising, while log(1 + eˣ) stays positive.",
)
def _smooth_relus(fig):
    ax = fig.subplots()
    x = np.linspace(-4, 3, 351)
    ax.plot(x, dlterms.relu(x), color=MUTED, lw=3.5, label="ReLU")
    ax.plot(x, dlterms.gelu(x), color=BLUE, lw=2.0, label="GELU  x·Φ(x)")
    ax.plot(x, dlterms.silu(x), color=ORANGE, lw=2.0, ls="--", label="SiLU  x·σ(x)")
    ax.plot(x, dlterms.softplus(x), color=GREEN, lw=2.0, label="softplus  log(1 + eˣ)")
    ax.axhline(0.0, color="#999999", lw=0.8)
    ax.set(xlabel="x", ylabel="f(x)", ylim=(-0.5, 3.2))
    ax.legend(loc="upper left")
