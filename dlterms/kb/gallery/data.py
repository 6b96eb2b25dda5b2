"""Figures for dlterms.data: encoding, scaling, bucketing, augmentation, resampling,
splits, bootstrapping, sparse features and epochs.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, PALE, arrow, cells, diagram, tint

__all__: list[str] = []


# --------------------------------------------------------------------------- encoding and epochs


@figure(
    "one-hot-encoding",
    alt="The labels (1, 0, 2, 1), meaning dog, cat, lizard, dog, become a 4 × 3 grid of 0s "
    "and 1s with columns cat (0), dog (1) and lizard (2): rows (0, 1, 0), (1, 0, 0), "
    "(0, 0, 1) and (0, 1, 0), each with a single highlighted 1 in the column of its class.",
    caption="One-hot encoding turns each class index into a row with a single 1 in that "
    "class's column, so no class counts as bigger than another.",
    size=(6.4, 2.8),
)
def _one_hot(fig):
    ax = diagram(fig, xlim=(-1.8, 8.2), ylim=(-0.2, 6.4))
    names = ["cat", "dog", "lizard"]
    labels = np.array([1, 0, 2, 1])
    encoded = dlterms.one_hot(labels, n_classes=3)
    cells(ax, labels[:, None], 0, 4, fmt="{:d}", face=tint(PURPLE, 0.2), title="label")
    for i, label in enumerate(labels):
        ax.text(-0.2, 3.5 - i, names[label], ha="right", va="center", color=INK)
    arrow(ax, (1.3, 2), (3.7, 2), label="one_hot")
    hot = encoded == 1
    cells(
        ax,
        encoded,
        4,
        4,
        fmt="{:.0f}",
        face=np.where(hot, tint(BLUE, 0.35), "white"),
        ink=np.where(hot, INK, MUTED),
        bold=hot,
    )
    ax.text(5.5, 5.75, "one-hot rows", ha="center", va="bottom")
    for c, name in enumerate(names):
        ax.text(4.5 + c, 4.85, f"{name}\n{c}", ha="center", va="bottom", fontsize=9, color=INK)


@figure(
    "epoch",
    alt="Loss per step of a logistic-regression model trained with mini-batch gradient "
    "descent for 5 epochs on 60 examples in batches of 16: iterations_per_epoch(60, 16) "
    "= 4 (batches of 16, 16, 16 and 12), so dashed lines every 4 steps mark the epoch "
    "boundaries. The mini-batch cross-entropy starts at 0.69 (ln 2) and falls noisily, "
    "jumping between 0.07 and 0.38 in the later epochs; the whole-set loss at the end "
    "of each epoch falls steadily: 0.36, 0.30, 0.28, 0.26, 0.25.",
    caption="An epoch is one full pass over the training data: 60 examples in batches of "
    "16 make 4 weight updates per epoch.",
)
def _epoch(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(2)
    n, batch, epochs = 60, 16, 5
    y = np.repeat([0, 1], n // 2)
    x = np.column_stack([rng.normal(0.7 * (2 * y - 1), 1.0, (2, n)).T, np.ones(n)])  # bias column
    w = np.zeros((3, 2))
    per_epoch = dlterms.iterations_per_epoch(n, batch)
    batch_loss, epoch_loss = [], []
    for _ in range(epochs):
        order = rng.permutation(n)
        for k in range(per_epoch):
            rows = order[k * batch : (k + 1) * batch]  # the last batch may be smaller
            xb, yb = x[rows], y[rows]
            batch_loss.append(dlterms.cross_entropy(xb @ w, yb))
            grad = xb.T @ (dlterms.softmax(xb @ w) - dlterms.one_hot(yb, 2)) / len(yb)
            w = dlterms.gradient_descent_step(w, grad, learning_rate=0.3)
        epoch_loss.append(dlterms.cross_entropy(x @ w, y))
    steps = np.arange(1, len(batch_loss) + 1)
    ends = per_epoch * np.arange(1, epochs + 1)
    ax.plot(steps, batch_loss, "o-", ms=4, lw=1.5, label="mini-batch loss at each step")
    ax.plot(ends, epoch_loss, "s", color=ORANGE, ms=7, label="whole training set, end of epoch")
    for e in range(epochs):
        if e:
            ax.axvline(per_epoch * e + 0.5, color=MUTED, ls="--", lw=0.9)
        ax.text(
            per_epoch * (e + 0.5) + 0.5,
            1.0,
            f"epoch {e + 1}",
            ha="center",
            va="top",
            transform=ax.get_xaxis_transform(),
            fontsize=9,
            color=INK,
        )
    ax.set(
        xlabel="step (weight update)",
        ylabel="cross-entropy",
        xticks=steps,
        xlim=(0.3, steps[-1] + 0.7),
        ylim=(0, None),
    )
    ax.legend(loc="lower left")


# --------------------------------------------------------------------------- undersampling


@figure(
    "undersampling",
    alt="Two scatter plots of the same imbalanced 2-D data set. Left, before: 160 examples "
    "of class 0 (blue dots) around the origin and 20 of class 1 (orange triangles) up "
    "and to the right. Right, after random_undersample: all 20 class-1 examples and a "
    "random 20 of the class-0 ones remain; the 140 dropped ones are grey.",
    caption="Random undersampling keeps a random subset of the majority class, as large as "
    "the minority class, and the whole minority class.",
)
def _undersampling(fig):
    left, right = fig.subplots(1, 2, sharex=True, sharey=True)
    rng = np.random.default_rng(6)
    y = np.repeat([0, 1], [160, 20])
    x = rng.normal(0.0, 1.0, (y.size, 2)) + 2.0 * y[:, None]  # the minority sits up-right
    x_res, y_res = dlterms.random_undersample(x, y, rng=1)
    right.plot(*x[y == 0].T, "o", color=PALE, ms=4, ls="none", label="dropped")
    for ax, xs, ys, when in ((left, x, y, "before"), (right, x_res, y_res, "after")):
        for label, color, marker in ((0, BLUE, "o"), (1, ORANGE, "^")):
            ax.plot(
                *xs[ys == label].T, marker, color=color, ms=4, ls="none", label=f"class {label}"
            )
        counts = np.bincount(ys, minlength=2)
        ax.set(title=f"{when}: {counts[0]} + {counts[1]} examples", xlabel="x₁", aspect="equal")
    left.set_ylabel("x₂")
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncols=3)


PART_COLORS = {"training": BLUE, "validation": ORANGE, "test": GREEN}


def _strip_row(ax, values, y, color, *, hollow=False, label=None):
    """Values as a row of dots at height `y`, slightly jittered so repeats stay visible."""
    jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(values))
    face = "white" if hollow else color
    ax.scatter(values, y + jitter, s=22, facecolor=face, edgecolor=color, zorder=3, label=label)


def _cell_row(ax, values, x, y, faces, *, fmt="{:g}", ink=INK, size=9, width=1.0):
    """A row of cells (1 high, `width` wide) with their numbers; left edge `x`, bottom `y`."""
    values = list(values)
    ax.bar(
        x + width * np.arange(len(values)),
        1,
        width=width,
        bottom=y,
        align="edge",
        color=faces,
        edgecolor=EDGE,
        linewidth=0.8,
    )
    for i, v in enumerate(values):
        text = v if isinstance(v, str) else fmt.format(v).replace("-", "−")
        ax.text(
            x + width * (i + 0.5), y + 0.5, text, ha="center", va="center", fontsize=size, color=ink
        )


# --------------------------------------------------------------------------- scaling


def _house_features():
    """Floor area (sq ft) and bathrooms of 12 training houses and 3 new ones."""
    rng = np.random.default_rng(3)
    area = np.round(rng.uniform(800, 6000, 12), -1)
    area[[0, 1]] = 800.0, 6000.0
    baths = rng.integers(1, 5, 12).astype(float)
    train = np.column_stack([area, baths])
    new = np.array([[7300.0, 2.0], [3400.0, 5.0], [650.0, 1.0]])
    return train, new


@figure(
    "normalization",
    alt="Two strip plots of two house features, floor area (800 to 6,000 square feet) and "
    "number of bathrooms (1 to 4), for 12 training houses (filled dots) and 3 new houses "
    "(hollow dots). Left, raw values on one axis: the areas spread from 800 to 6,000 while "
    "all bathroom counts sit in a clump near 0. Right, after min-max normalisation fitted on "
    "the training houses: both features span exactly 0 to 1 (dashed lines); the new houses "
    "with 7,300 square feet, 650 square feet and 5 bathrooms map to 1.25, −0.03 and 1.33, "
    "just outside the interval.",
    caption="Min-max normalisation puts features with very different units on the same "
    "0-to-1 scale; the minimum and maximum come from the training set, so new values can "
    "land slightly outside.",
    size=(6.4, 3.0),
)
def _normalization(fig):
    train, new = _house_features()
    params = dlterms.min_max_fit(train)
    scaled, scaled_new = (dlterms.min_max_transform(a, params) for a in (train, new))
    left, right = fig.subplots(1, 2, width_ratios=[1.2, 1])
    names = ["floor area", "bathrooms"]
    for ax, (tr, nw) in ((left, (train, new)), (right, (scaled, scaled_new))):
        for j, color in enumerate([BLUE, ORANGE]):
            _strip_row(ax, tr[:, j], j, color, label="training" if j == 0 else None)
            _strip_row(ax, nw[:, j], j, color, hollow=True, label="new" if j == 0 else None)
        ax.set(yticks=[0, 1], yticklabels=names, ylim=(-0.6, 1.6))
        ax.grid(axis="y", visible=False)
    left.set(xlabel="raw value (sq ft or count)", title="before: raw units")
    right.set(xlabel="normalised value", title="after: min-max onto [0, 1]")
    right.set_yticklabels([])
    for edge in (0.0, 1.0):
        right.axvline(edge, color=MUTED, linestyle="--", linewidth=1.0, zorder=1)
    left.legend(loc="center right", fontsize=8)


@figure(
    "input-standardization",
    alt="Histograms of two features of 400 examples. Left, raw: age with mean 39.2 and "
    "standard deviation 9.1 (blue), and a rating with mean 3.9 and standard deviation 1.05 "
    "(orange), far apart and of very different widths. Right, after standardisation with "
    "each feature's training mean and standard deviation: both histograms lie on top of "
    "each other, centred on 0 with standard deviation 1, mostly between −3 and 3.",
    caption="Standardisation subtracts each feature's training mean and divides by its "
    "standard deviation, so every feature ends up centred on 0 with spread 1.",
    size=(6.4, 2.9),
)
def _standardization(fig):
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.normal(40.0, 10.0, 400), rng.normal(4.0, 1.0, 400)])
    z = dlterms.standardize_transform(x, dlterms.standardize_fit(x))
    left, right = fig.subplots(1, 2)
    for j, (name, color) in enumerate([("age", BLUE), ("rating", ORANGE)]):
        left.hist(x[:, j], bins=30, color=color, alpha=0.6, label=name)
        right.hist(z[:, j], bins=np.linspace(-3.5, 3.5, 29), color=color, alpha=0.6, label=name)
    left.set(xlabel="raw value", ylabel="examples", title="before")
    right.set(xlabel="z-score (standard deviations)", title="after: mean 0, std 1")
    right.axvline(0.0, color=MUTED, linestyle="--", linewidth=1.0)
    left.legend(fontsize=8)


# --------------------------------------------------------------------------- buckets


@figure(
    "bucketing",
    alt="Two histograms of the same 500 right-skewed incomes, from 5.5 to 196.9 thousand. "
    "Top, four equal-width buckets with inner edges at 53.4, 101.2 and 149.0 thousand: the "
    "first bucket holds most examples and the last almost none (counts 362, 115, 19 and 4). "
    "Bottom, four quantile buckets with inner edges at 24.4, 36.2 and 56.5 thousand: narrow "
    "buckets where the data are dense and a wide last one, with counts 124, 126, 125 and "
    "125.",
    caption="Equal-width edges split the range evenly but leave the buckets of skewed data "
    "very unequal; quantile edges give every bucket the same number of examples.",
    size=(6.4, 3.8),
)
def _bucketing(fig):
    rng = np.random.default_rng(4)
    income = np.round(np.exp(rng.normal(3.6, 0.6, 500)), 1)
    top, bottom = fig.subplots(2, 1, sharex=True)
    bins = np.linspace(0, income.max(), 60)
    for ax, edges, title, color in (
        (top, dlterms.uniform_edges(income, 4), "equal width", BLUE),
        (bottom, dlterms.quantile_edges(income, 4), "quantiles", ORANGE),
    ):
        ax.hist(income, bins, color=tint(color, 0.55), edgecolor="white", linewidth=0.3)
        counts = np.bincount(dlterms.bucketize(income, edges), minlength=edges.size - 1)
        for edge in edges:
            ax.axvline(edge, color=color, linewidth=1.6)
        ymax = ax.get_ylim()[1] * 1.3
        for left, right, count in zip(edges[:-1], edges[1:], counts, strict=True):
            ax.text(
                (left + right) / 2,
                ymax * 0.86,
                str(count),
                ha="center",
                va="center",
                fontsize=9,
                color=INK,
            )
        ax.set(
            ylabel="examples",
            title=f"{title}: 4 buckets, examples per bucket on top",
            ylim=(0, ymax),
        )
    bottom.set_xlabel("income (thousands)")


# --------------------------------------------------------------------------- augmentation


def _letter_image():
    """A 12x12 greyscale 'F' (asymmetric, so every flip is visible), as (1, 1, 12, 12)."""
    image = np.zeros((12, 12))
    image[2:10, 3:5] = 1.0  # stem
    image[2:4, 3:9] = 1.0  # top bar
    image[5:7, 3:8] = 0.8  # middle bar
    image[9:11, 8:10] = 0.5  # a dot, bottom right
    return image[np.newaxis, np.newaxis]


@figure(
    "data-augmentation",
    alt="Five 12-by-12 greyscale images in a row. The original shows a letter F with a "
    "small grey dot at the bottom right. The horizontal flip mirrors it left to right "
    "(the F faces left, the dot is bottom left); the vertical flip turns it upside down "
    "(the dot is top right); a random 9-by-9 crop cuts off part of the border and shifts "
    "the letter; added Gaussian noise with standard deviation 0.2 speckles every pixel.",
    caption="Flips, crops and noise turn one training image into several new ones that "
    "keep the same label.",
    size=(6.4, 1.9),
)
def _augmentation(fig):
    x = _letter_image()
    panels = [
        ("original", x),
        ("horizontal flip", dlterms.flip_horizontal(x)),
        ("vertical flip", dlterms.flip_vertical(x)),
        ("random 9×9 crop", dlterms.random_crop(x, 9, rng=2)),
        ("noise, σ = 0.2", dlterms.add_noise(x, 0.2, rng=0)),
    ]
    for ax, (title, image) in zip(fig.subplots(1, len(panels)), panels, strict=True):
        ax.imshow(image[0, 0], cmap="Greys", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)


# --------------------------------------------------------------------------- oversampling


@figure(
    "oversampling",
    alt="Bar chart of class counts before and after random oversampling. Before: class A "
    "has 60 examples, class B 24 and class C 9. After: every class has 60; the bars of B "
    "and C are split into their original examples (24 and 9, solid) and added copies "
    "(36 and 51, hatched).",
    caption="Random oversampling keeps every original example and adds copies of the "
    "smaller classes until each class is as large as the largest.",
    size=(6.4, 2.8),
)
def _oversampling(fig):
    y = np.repeat([0, 1, 2], [60, 24, 9])
    _, y_res = dlterms.random_oversample(np.arange(y.size), y, rng=0)
    before = np.bincount(y)
    after = np.bincount(y_res)
    ax = fig.subplots()
    classes = np.arange(3)
    ax.bar(classes - 0.2, before, width=0.38, color=MUTED, label="before")
    ax.bar(classes + 0.2, before, width=0.38, color=BLUE, label="after: originals")
    ax.bar(
        classes + 0.2,
        after - before,
        width=0.38,
        bottom=before,
        color=tint(BLUE, 0.25),
        edgecolor=BLUE,
        hatch="///",
        linewidth=0.8,
        label="after: added copies",
    )
    for c in classes:
        ax.text(c - 0.2, before[c] + 1, str(before[c]), ha="center", fontsize=9)
        ax.text(c + 0.2, after[c] + 1, str(after[c]), ha="center", fontsize=9)
    ax.set(
        xticks=classes,
        xticklabels=["class A", "class B", "class C"],
        ylabel="examples",
        ylim=(0, 82),
    )
    ax.legend(fontsize=8, loc="upper center", ncols=3)


# --------------------------------------------------------------------------- splits


@figure(
    "training-set",
    alt="Two rows of 20 numbered cells, one per example. Top row, split without shuffling "
    "with 20 % validation and 20 % test: examples 0 to 11 are training (blue), 12 to 15 "
    "validation (orange) and 16 to 19 test (green). Bottom row, the same sizes after a "
    "random shuffle: the 12 training, 4 validation and 4 test examples are scattered over "
    "the row. In both rows every example belongs to exactly one set.",
    caption="The data are divided into three disjoint sets; shuffling first spreads every "
    "kind of example over all three.",
    size=(6.4, 2.2),
)
def _training_set(fig):
    ax = diagram(fig, (-4.2, 20.3), (-0.4, 4.2))
    x, y = np.arange(20).reshape(20, 1), np.arange(20)
    for row, (label, kwargs) in enumerate(
        [("in order", {"shuffle": False}), ("shuffled", {"rng": 5})]
    ):
        parts = dlterms.train_val_test_split(x, y, val_fraction=0.2, test_fraction=0.2, **kwargs)
        part_of = np.empty(20, dtype=object)
        for name, (_, labels) in zip(PART_COLORS, parts, strict=True):
            part_of[labels] = name
        faces = [tint(PART_COLORS[p], 0.45) for p in part_of]
        bottom = 2.3 - 2.0 * row
        _cell_row(ax, y, 0, bottom, faces)
        ax.text(-0.3, bottom + 0.5, label, ha="right", va="center", fontsize=10)
    for i, (name, color) in enumerate(PART_COLORS.items()):
        ax.bar(
            4 + 5.5 * i,
            0.5,
            width=0.5,
            bottom=3.6,
            align="edge",
            color=tint(color, 0.45),
            edgecolor=EDGE,
            linewidth=0.8,
        )
        ax.text(4.7 + 5.5 * i, 3.85, f"{name} set", va="center", fontsize=10)


@figure(
    "cross-validation",
    alt="A grid with 5 rows, one per round of 5-fold cross-validation, and 20 columns, one "
    "per example. In round 1 examples 0 to 3 are validation (orange) and the rest training "
    "(blue); in each following round the orange block moves four examples to the right, so "
    "each example is validated exactly once. To the right of each row is that round's "
    "accuracy of a nearest-mean classifier: 1.00, 1.00, 1.00, 0.75 and 1.00, mean 0.95.",
    caption="k-fold cross-validation trains k models, each validated on the one fold it did "
    "not see, and averages their scores.",
    size=(6.4, 2.8),
)
def _cross_validation(fig):
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 20)
    x = y + rng.normal(0.0, 0.6, 20)

    def nearest_mean(x_train, y_train, x_val):
        means = np.array([x_train[y_train == c].mean() for c in (0, 1)])
        return np.abs(x_val[:, np.newaxis] - means).argmin(axis=1)

    folds = dlterms.k_fold_indices(20, 5)
    scores = dlterms.cross_val_score(nearest_mean, x, y, k=5)
    ax = diagram(fig, (-3.2, 25.5), (-1.4, 6.0))
    for f, (_, val) in enumerate(folds):
        faces = np.full(20, tint(BLUE, 0.45), dtype=object)
        faces[val] = tint(ORANGE, 0.75)
        bottom = 4 - f
        _cell_row(ax, [""] * 20, 0, bottom, list(faces))
        ax.text(-0.3, bottom + 0.5, f"round {f + 1}", ha="right", va="center", fontsize=9)
        ax.text(20.4, bottom + 0.5, f"accuracy {scores[f]:.2f}", va="center", fontsize=9)
    for i in range(20):
        ax.text(i + 0.5, 5.25, str(i), ha="center", fontsize=7, color=INK)
    ax.text(20.4, -0.6, f"mean {scores.mean():.2f}", fontsize=10, fontweight="bold")
    for i, (name, color) in enumerate([("training folds", BLUE), ("validation fold", ORANGE)]):
        ax.bar(
            6 * i,
            0.6,
            width=0.6,
            bottom=-1.0,
            align="edge",
            color=tint(color, 0.6),
            edgecolor=EDGE,
            linewidth=0.8,
        )
        ax.text(6 * i + 0.9, -0.7, name, va="center", fontsize=9)


# --------------------------------------------------------------------------- bootstrap


@figure(
    "bootstrapping",
    alt="Histogram of 2,000 bootstrap means of a sample of 30 skewed values (0.07 to 7.91) "
    "whose mean is 2.17. The histogram is a hump between about 1.1 and 3.6. Two dashed "
    "lines mark the 95 % percentile interval from 1.48 to 3.02, and a solid line marks the "
    "sample mean.",
    caption="The means of many resamples drawn with replacement show how much the sample "
    "mean could vary; their 2.5 % and 97.5 % quantiles form a 95 % confidence interval.",
    size=(6.4, 2.9),
)
def _bootstrapping(fig):
    values = np.round(np.random.default_rng(11).exponential(2.0, 30), 2)
    means = dlterms.bootstrap_distribution(values, n_resamples=2000, rng=0)
    low, high = dlterms.bootstrap_confidence_interval(values, n_resamples=2000, rng=0)
    ax = fig.subplots()
    ax.hist(
        means,
        bins=40,
        color=tint(PURPLE, 0.55),
        edgecolor="white",
        linewidth=0.3,
        label="means of 2,000 resamples",
    )
    ax.axvline(values.mean(), color=INK, linewidth=1.6, label=f"sample mean {values.mean():.2f}")
    for edge in (low, high):
        ax.axvline(edge, color=ORANGE, linestyle="--", linewidth=1.6)
    ax.axvspan(
        low,
        high,
        color=tint(ORANGE, 0.12),
        zorder=0,
        label=f"95 % interval [{low:.2f}, {high:.2f}]",
    )
    ax.set(xlabel="mean of a resample", ylabel="resamples")
    ax.legend(fontsize=8, loc="upper right")


# --------------------------------------------------------------------------- sparse / dense


@figure(
    "sparse-feature",
    alt="Top: a sparse feature vector of length 20 with only two non-zero entries, 1 at "
    "position 3 and 2 at position 14 (highlighted); the other 18 cells are grey zeros, "
    "sparsity 0.90. Below it, its sparse storage: indices [3, 14] and values [1, 2], "
    "4 numbers instead of 20. Bottom: a dense embedding of length 8 in which every entry "
    "is non-zero (0.3, −1.2, 0.8, 0.5, −0.4, 1.1, −0.7, 0.2), sparsity 0.",
    caption="A sparse feature is mostly zeros and is stored as the positions and values of "
    "its few non-zero entries; a dense feature has a number in every position.",
    size=(6.4, 2.6),
)
def _sparse_feature(fig):
    sparse = dlterms.to_dense([3, 14], [1.0, 2.0], 20)
    indices, values = dlterms.to_sparse(sparse)
    dense = np.array([0.3, -1.2, 0.8, 0.5, -0.4, 1.1, -0.7, 0.2])
    ax = diagram(fig, (-6.5, 20.2), (-0.3, 6.4))
    faces = [tint(ORANGE, 0.6) if v else "#f2f2f2" for v in sparse]
    inks = [INK if v else MUTED for v in sparse]
    for i, (v, face, ink) in enumerate(zip(sparse, faces, inks, strict=True)):
        _cell_row(ax, [v], i, 4.6, [face], ink=ink)
    ax.text(
        -0.4,
        5.1,
        f"sparse\nsparsity {dlterms.sparsity(sparse):.2f}",
        ha="right",
        va="center",
        fontsize=9,
    )
    _cell_row(ax, indices, 4, 2.9, [tint(ORANGE, 0.3)] * 2)
    _cell_row(ax, values, 9, 2.9, [tint(ORANGE, 0.6)] * 2)
    ax.text(3.8, 3.4, "indices", ha="right", va="center", fontsize=9)
    ax.text(8.8, 3.4, "values", ha="right", va="center", fontsize=9)
    ax.text(11.4, 3.4, "4 numbers instead of 20", va="center", fontsize=9, color=INK)
    _cell_row(ax, dense, 0, 0.4, [tint(BLUE, 0.45)] * dense.size, width=1.6)
    ax.text(
        -0.4,
        0.9,
        f"dense\nsparsity {dlterms.sparsity(dense):.0f}",
        ha="right",
        va="center",
        fontsize=9,
    )
