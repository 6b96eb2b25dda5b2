"""Figures for the classification concepts: binary, multi-class, classifiers and regressors.

Every number on these drawings comes from a dlterms function (sigmoid, softmax, dense,
the metrics); numpy only makes the data. Build-only: imports matplotlib through
:mod:`dlterms.kb.figures`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, figure

__all__: list[str] = []

INK = "#222222"  # text
MUTED = "#9e9e9e"  # reference lines


def _tint(color: str, alpha: float = 0.25) -> str:
    """`color` (``#rrggbb``) made translucent, which reads as a light tint on white."""
    return f"{color}{round(alpha * 255):02x}"


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
    left.axvspan(0, 6, color=_tint(ORANGE, 0.12), lw=0, label="p ≥ 0.5: spam region")
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
    "classification-model",
    alt="A plane of two input features split into three coloured regions, one per class, by "
    "the linear 3-class classifier of the worked example (logits x₁, x₂ and x₂ − x₁, "
    "prediction = argmax): class 0 in the lower right, class 1 at the top right and "
    "class 2 on the left; the three straight boundaries meet at the origin. 60 examples, "
    "20 per class, are drawn with their true class; a star marks the worked example "
    "x = (1, 2), which falls in the class-1 region with probability 0.58.",
    caption="A classifier maps every possible input to one class, so it divides the input "
    "space into regions, one per class.",
    size=(6.4, 3.6),
)
def _classifier(fig):
    ax = fig.subplots()
    w = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0]])
    colors = (BLUE, ORANGE, GREEN)
    g1, g2 = np.meshgrid(np.linspace(-4, 4, 321), np.linspace(-3, 4, 281))
    z = dlterms.dense(np.column_stack([g1.ravel(), g2.ravel()]), w).reshape(*g1.shape, 3)
    regions = dlterms.softmax(z).argmax(axis=-1)
    tints = np.array([to_rgba(c, 0.18) for c in colors])
    ax.imshow(tints[regions], extent=(-4, 4, -3, 4), origin="lower", interpolation="nearest")
    for i, j in ((0, 1), (0, 2), (1, 2)):  # a boundary: two logits tie and beat the third
        tie = np.ma.masked_where(~np.isin(regions, (i, j)), z[..., i] - z[..., j])
        ax.contour(g1, g2, tie, levels=[0.0], colors=INK, linewidths=1)
    rng = np.random.default_rng(3)
    centres = np.array([[2.0, -1.0], [1.0, 2.5], [-2.0, 1.0]])
    for k, (centre, color, marker) in enumerate(zip(centres, colors, "os^", strict=True)):
        pts = centre + rng.normal(0.0, 0.6, (20, 2))
        ax.plot(*pts.T, marker, color=color, ms=4, ls="none", label=f"class {k}")
    x = np.array([1.0, 2.0])
    p = dlterms.softmax(dlterms.dense(x, w))
    ax.plot(*x, "*", color=INK, ms=14, mec="white", label="x = (1, 2)")
    ax.annotate(
        f"class {p.argmax()}, p = {p.max():.2f}",
        x,
        xytext=(-1.2, 3.45),
        fontsize=9,
        color=INK,
        bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1.5},
        arrowprops={"arrowstyle": "->", "color": INK, "lw": 1},
    )
    ax.set(
        xlabel="feature x₁",
        ylabel="feature x₂",
        xlim=(-4, 4),
        ylim=(-3, 4),
        aspect="equal",
        title="argmax of softmax(x W): three class regions",
    )
    ax.grid(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=9)


@figure(
    "regression-model",
    alt="25 examples with a continuous target y plotted against one feature x between 0 "
    "and 8, scattered around a rising straight line, the predictions of a linear "
    "regression model ŷ = 0.55·x + 0.62. Thin vertical segments join each example to "
    "the line; they are the errors, and their mean square, the MSE, is 0.32.",
    caption="A regression model predicts a number for every input; its quality is the size "
    "of the errors, here summarised by the mean squared error.",
)
def _regression(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(0.0, 8.0, 25))
    y = 0.5 * x + 1.0 + rng.normal(0.0, 0.6, x.size)
    design = np.column_stack([x, np.ones_like(x)])
    (slope, intercept), *_ = np.linalg.lstsq(design, y, rcond=None)  # the fitted parameters
    y_hat = dlterms.dense(x[:, None], np.array([[slope]]), [intercept])[:, 0]
    ax.vlines(x, y, y_hat, color=ORANGE, lw=1, label="error ŷ − y")
    ax.plot(x, y, "o", color=INK, ms=4, label="example (x, y)")
    line = np.array([0.0, 8.0])
    ax.plot(
        line,
        dlterms.dense(line[:, None], np.array([[slope]]), [intercept])[:, 0],
        color=BLUE,
        label=f"prediction ŷ = {slope:.2f}·x + {intercept:.2f}",
    )
    mse = dlterms.mean_squared_error(y, y_hat)
    ax.set(xlabel="feature x", ylabel="target y (a real number)", title=f"MSE = {mse:.2f}")
    ax.legend(loc="upper left", fontsize=9)


@figure(
    "majority-class",
    alt="Left: class counts of an imbalanced data set of 200 examples, 180 in the majority "
    "class 0 and 20 in the minority class 1. Right: a model that always predicts the "
    "majority class scores accuracy 0.90, recall 1.00 on the majority class and recall "
    "0.00 on the minority class.",
    caption="Always answering with the majority class already earns its share of the data as "
    "accuracy, while it finds none of the minority class.",
)
def _majority(fig):
    left, right = fig.subplots(1, 2, width_ratios=(2, 3))
    y = np.repeat([0, 1], [180, 20])
    counts = np.bincount(y)
    bars = left.bar([0, 1], counts, color=[BLUE, ORANGE])
    left.bar_label(bars, padding=2)
    left.set_axisbelow(True)
    left.set(
        xticks=[0, 1],
        xticklabels=["class 0\n(majority)", "class 1\n(minority)"],
        ylabel="examples",
        ylim=(0, 210),
        title="the data",
    )
    always = np.full_like(y, counts.argmax())
    scores = [
        dlterms.accuracy_score(y, always),
        dlterms.recall_score(y, always, pos_label=0),
        dlterms.recall_score(y, always, pos_label=1),
    ]
    bars = right.bar(np.arange(3), scores, color=[MUTED, BLUE, ORANGE])
    right.bar_label(bars, labels=[f"{s:.2f}" for s in scores], padding=2)
    right.set_axisbelow(True)
    right.set(
        xticks=np.arange(3),
        xticklabels=["accuracy", "recall,\nclass 0", "recall,\nclass 1"],
        ylim=(0, 1.15),
        title="always predicting class 0",
    )
