"""Figures for the concept entries: why clustering needs comparable feature scales, what
supervised and unsupervised learning do with the same points, and the parts of a dataset.

Every fitted boundary, cluster and scaling comes from a dlterms function; numpy only makes
the data.
Build-only: imports matplotlib through :mod:`dlterms.kb.figures`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyBboxPatch

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure

__all__: list[str] = []

INK = "#222222"  # text and boundaries
EDGE = "#555555"  # table lines


def _tint(color: str, alpha: float) -> str:
    """`color` (``#rrggbb``) made translucent, which reads as a light tint on white."""
    return f"{color}{round(alpha * 255):02x}"


# --------------------------------------------------------------------------- clustering


def _customers(seed=1, n=40):
    """`n` younger and `n` older customers: (yearly income in $, age), and the age group."""
    rng = np.random.default_rng(seed)
    group = np.repeat([0, 1], n)
    age = np.where(group == 0, rng.normal(28.0, 3.0, 2 * n), rng.normal(58.0, 4.0, 2 * n))
    income = rng.uniform(20_000.0, 120_000.0, 2 * n)  # unrelated to the age group
    return np.column_stack([income, age]), group


def _clusters(ax, x, groups, centres, title):
    """Scatter (income in $1000s, age) coloured by cluster, with the centroids as crosses."""
    for k, color in ((0, GREEN), (1, PURPLE)):
        ax.plot(
            x[groups == k, 0] / 1000,
            x[groups == k, 1],
            "o",
            color=color,
            ms=4.5,
            label=f"cluster {k}",
        )
    ax.plot(
        centres[:, 0] / 1000, centres[:, 1], "X", ms=13, color=INK, mec="white", label="centroid"
    )
    ax.set(xlabel="income ($1000s)", title=title)


@figure(
    "clustering",
    alt="Two scatter plots of the same 80 customers, yearly income ($20,000 to $120,000) "
    "against age, with 40 customers around age 28 and 40 around age 58 and income "
    "unrelated to age. Left, k-means with k = 2 on the raw numbers: income, measured in "
    "tens of thousands, dominates the distance, so the two clusters (green, purple) "
    "are split by a vertical cut at an income of about $69,000, each mixing young and "
    "old; they match the age groups for only 43 of 80 customers. Right, k-means on "
    "standardised features: the clusters are the younger and the older customers, "
    "80 of 80 correct, with centroids near ages 28 and 57. A legend names cluster 0, "
    "cluster 1 and the centroid crosses.",
    caption="Clustering measures similarity by distance, so a feature on a larger scale "
    "decides the groups unless the features are standardised first.",
)
def _clustering(fig):
    left, right = fig.subplots(1, 2, sharex=True, sharey=True)
    x, group = _customers()
    centres, groups = dlterms.kmeans(x, 2, init="k-means++", rng=0)
    agree = max(np.mean(groups == group), np.mean(groups != group))
    _clusters(left, x, groups, centres, f"raw features: {round(agree * len(x))}/{len(x)} by age")
    left.set(ylabel="age (years)")

    params = dlterms.standardize_fit(x)
    z = dlterms.standardize_transform(x, params)
    scaled, groups = dlterms.kmeans(z, 2, init="k-means++", rng=0)
    agree = max(np.mean(groups == group), np.mean(groups != group))
    mean, std = params
    _clusters(
        right,
        x,
        groups,
        scaled * std + mean,
        f"standardised: {round(agree * len(x))}/{len(x)} by age",
    )
    right.legend(loc="center", ncols=3, fontsize=8, handletextpad=0.2, columnspacing=0.8)


# --------------------------------------------------------------------------- paradigms


def _people(seed=3, n=30):
    """Two groups of `n` points each (weight, height), and which group each came from."""
    rng = np.random.default_rng(seed)
    group = np.repeat([0, 1], n)
    centres = np.array([[135.0, 63.0], [185.0, 70.0]])
    spread = np.array([12.0, 2.5])
    return centres[group] + spread * rng.normal(size=(2 * n, 2)), group


@figure(
    "unsupervised-machine-learning",
    alt="Two scatter plots of the same 60 people, weight in pounds (about 100 to 205) "
    "against height in inches (about 57 to 76). Left, supervised: every point carries "
    "its label, 30 blue label 0 and 30 orange label 1, and a logistic regression "
    "trained on the labels draws a straight boundary between them. Right, "
    "unsupervised: the same points without labels; k-means with k = 2 finds two groups "
    "on its own, drawn in green and purple with a black cross at each centroid, "
    "near (183, 70) and (135, 63). Its groups agree with the hidden labels for all "
    "60 people, but it does not know which group is which label.",
    caption="With labels, a model learns to separate given classes; without them, "
    "clustering finds groups that a person still has to interpret.",
)
def _supervised_vs_unsupervised(fig):
    left, right = fig.subplots(1, 2, sharex=True, sharey=True)
    x, y = _people()
    centre, scale = dlterms.standardize_fit(x)  # so that both features count equally
    z = dlterms.standardize_transform(x, (centre, scale))
    weight, bias, _ = dlterms.fit_logistic_regression(z, y, learning_rate=0.5, n_steps=500)
    for label, color in ((0, BLUE), (1, ORANGE)):
        left.plot(*x[y == label].T, "o", color=color, ms=4.5, label=f"label {label}")
    z1 = (np.array([100.0, 225.0]) - centre[0]) / scale[0]
    z2 = dlterms.linear_decision_boundary(weight, bias, z1)
    left.plot(z1 * scale[0] + centre[0], z2 * scale[1] + centre[1], color=INK, lw=1.5)
    left.set(xlabel="weight (lb)", ylabel="height (in)", title="supervised: labels given")
    left.legend(loc="lower left", fontsize=8.5)

    mu, groups = dlterms.kmeans(z, 2, init="k-means++", rng=0)
    agree = max(np.mean(groups == y), np.mean(groups != y))
    for k, color in ((0, GREEN), (1, PURPLE)):
        right.plot(*x[groups == k].T, "o", color=color, ms=4.5, label=f"group {k}")
    right.plot(*(mu * scale + centre).T, "X", ms=13, color=INK, mec="white", label="centroid")
    right.set(xlabel="weight (lb)", title="unsupervised: k-means, no labels")
    right.legend(loc="lower right", fontsize=8.5)
    right.text(
        0.03,
        0.04,
        f"agrees with the hidden\nlabels for {round(agree * len(y))} of {len(y)}",
        transform=right.transAxes,
        fontsize=8.5,
    )
    left.set(xlim=(100, 225), ylim=(50, 80))


# --------------------------------------------------------------------------- a dataset


@figure(
    "example",
    alt="A table of 6 rows and 3 columns. The columns are weight (lb), height (in) and "
    "label, with rows (148, 66, 1), (130, 61, 1), (204, 70, 0), (124, 56, 1), "
    "(228, 73, 0) and (186, 67, 0). A brace over the first two columns marks them as "
    "the features x, shape (6, 2); the last column is the label y, shape (6,). The "
    "third row is highlighted as one example, (204, 70) with label 0. A note reads: 6 rows "
    "= 6 examples, 2 feature columns, and with batch size 3 one epoch is 2 iterations.",
    caption="Each row is one example: its feature values and, for labelled data, its label.",
    size=(6.4, 3.4),
)
def _example(fig):
    x = np.array([[148, 66], [130, 61], [204, 70], [124, 56], [228, 73], [186, 67]])
    y = np.array([1, 1, 0, 1, 0, 0])
    ax = fig.subplots()
    ax.set(xlim=(-0.2, 14.2), ylim=(-0.3, 8.9), aspect="equal")
    ax.axis("off")
    table = np.column_stack([x, y])
    left, top, width = 0.6, 6.4, 2.4
    faces = np.where(np.arange(3) < 2, _tint(BLUE, 0.10), _tint(ORANGE, 0.15))
    for j, head in enumerate(("weight (lb)", "height (in)", "label")):
        ax.text(left + width * (j + 0.5), top + 0.25, head, ha="center", va="bottom", fontsize=10)
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            ax.add_patch(
                FancyBboxPatch(
                    (left + width * j, top - i - 1),
                    width,
                    1,
                    boxstyle="square,pad=0",
                    facecolor=faces[j],
                    edgecolor=EDGE,
                    linewidth=0.8,
                )
            )
            ax.text(left + width * (j + 0.5), top - i - 0.5, str(value), ha="center", va="center")
    row = 2
    ax.add_patch(
        FancyBboxPatch(
            (left - 0.08, top - row - 1.08),
            3 * width + 0.16,
            1.16,
            boxstyle="round,pad=0,rounding_size=0.15",
            facecolor="none",
            edgecolor=GREEN,
            linewidth=2.4,
        )
    )
    ax.annotate(
        f"one example:\nfeatures ({x[row, 0]}, {x[row, 1]}), label {y[row]}",
        xy=(left + 3 * width + 0.1, top - row - 0.5),
        xytext=(left + 3 * width + 0.7, top - row - 0.5),
        va="center",
        fontsize=10,
        color=GREEN,
        arrowprops={"arrowstyle": "->", "color": GREEN, "lw": 1.5},
    )
    ax.annotate(
        "",
        xy=(left, top + 1.0),
        xytext=(left + 2 * width - 0.1, top + 1.0),
        arrowprops={"arrowstyle": "|-|,widthA=0.3,widthB=0.3", "color": BLUE, "lw": 1.4},
    )
    ax.text(
        left + width,
        top + 1.15,
        f"features x, shape {x.shape}",
        ha="center",
        va="bottom",
        color=BLUE,
    )
    ax.annotate(
        "",
        xy=(left + 2 * width + 0.1, top + 1.0),
        xytext=(left + 3 * width, top + 1.0),
        arrowprops={"arrowstyle": "|-|,widthA=0.3,widthB=0.3", "color": ORANGE, "lw": 1.4},
    )
    ax.text(
        left + 2.5 * width,
        top + 1.15,
        f"label y\nshape {y.shape}",
        ha="center",
        va="bottom",
        color=ORANGE,
    )
    ax.text(
        left + 3 * width + 0.7,
        top - 5.0,
        f"{len(x)} rows = {len(x)} examples\n{x.shape[1]} feature columns\n"
        f"batch size 3: {dlterms.iterations_per_epoch(len(x), 3)} iterations per epoch",
        fontsize=10,
        color=INK,
        va="center",
    )
