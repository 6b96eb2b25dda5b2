"""Figures for dlterms.clustering: k-means, clustering and centroids."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import INK

__all__: list[str] = []


# --------------------------------------------------------------------------- clustering


@figure(
    "k-means",
    alt="120 points in three blobs of 40, coloured by their k-means cluster. All three "
    "initial centroids, hollow circles, start inside the lower-left blob; thin lines "
    "with a dot per update trace their paths over 8 updates until they settle, marked "
    "with large crosses, at the blob centres (0.05, 0.12), (4.84, 0.55) and (2.32, 3.53).",
    caption="k-means alternately assigns each point to its nearest centroid and moves "
    "each centroid to the mean of its points, until the assignments stop changing.",
)
def _kmeans(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 0.5], [2.5, 3.5]])
    x = np.concatenate([c + rng.normal(0.0, 0.7, (40, 2)) for c in centres])
    init = x[:3]  # a poor start: three points of the same blob
    path = [init]
    for t in range(1, 20):  # the centroids after 1, 2, ... iterations
        centroids, labels = dlterms.kmeans(x, 3, init=init, n_iter=t)
        path.append(centroids)
        if np.array_equal(path[-1], path[-2]):
            break
    path = np.array(path)
    colors = (BLUE, ORANGE, GREEN)
    for k, color in enumerate(colors):
        ax.plot(*x[labels == k].T, "o", color=color, ms=4, alpha=0.6, label=f"cluster {k}")
        ax.plot(*path[:, k].T, ".-", color=INK, lw=1, ms=4)
    ax.plot(*init.T, "o", ms=10, mfc="none", mec=INK, mew=1.5, label="initial centroid")
    ax.plot(*centroids.T, "X", ms=13, color=INK, mec="white", label="final centroid")
    ax.set(
        xlabel="x₁",
        ylabel="x₂",
        aspect="equal",
        title=f"k = 3: the centroids settle after {len(path) - 2} updates",
    )
    ax.set_adjustable("datalim")  # keep equal units, fill the width with more x range
    ax.legend(loc="center right", fontsize=9)


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


@figure(
    "centroid",
    alt="Three clusters of 15 points each, coloured by cluster, with a large black cross "
    "at each cluster's centroid, labelled with its coordinates: (−0.16, −0.10), "
    "(4.00, 0.25) and (2.00, 3.26). Thin lines join every point to its centroid; no "
    "cross sits on a data point.",
    caption="A centroid is the mean of its cluster's points, usually not one of them.",
)
def _centroid(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0.0], [4.0, 0.5], [2.0, 3.5]])
    labels = np.repeat(np.arange(3), 15)
    x = centres[labels] + rng.normal(0.0, 0.6, (45, 2))
    mu = dlterms.centroids(x, labels)
    for k, color in enumerate((BLUE, ORANGE, GREEN)):
        for point in x[labels == k]:
            ax.plot(*np.stack([point, mu[k]]).T, color=color, lw=0.6, alpha=0.5)
        ax.plot(*x[labels == k].T, "o", color=color, ms=5, label=f"cluster {k}")
        ax.annotate(
            f"({mu[k, 0]:.2f}, {mu[k, 1]:.2f})",
            mu[k],
            xytext=(10, 6),
            textcoords="offset points",
            fontsize=9,
        )
    ax.plot(*mu.T, "X", ms=14, color=INK, mec="white", label="centroid")
    ax.set(xlabel="x₁", ylabel="x₂", aspect="equal", title="each cross is the mean of its cluster")
    ax.set_adjustable("datalim")
    ax.legend(loc="center right", fontsize=9)
