"""Figures for concept entries that have no reference module of their own.

Classification and regression models, the majority class, examples, unsupervised
learning, CNNs, losses in general, model capacity and the bias-variance trade-off:
each is still drawn by dlterms functions from whichever modules fit the picture.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.patches import FancyBboxPatch

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, tint

__all__: list[str] = []


# --------------------------------------------------------------------------- models


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


# --------------------------------------------------------------------------- learning paradigms


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
    faces = np.where(np.arange(3) < 2, tint(BLUE, 0.10), tint(ORANGE, 0.15))
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


# --------------------------------------------------------------------------- CNN


@figure(
    "convolutional-neural-network",
    alt="Grouped bars on a log scale for each stage of a small CNN on a 28 × 28 grey "
    "digit: height and width (blue) and channels (orange). Input 1 × 28 × 28; 3 × 3 "
    "convolution with padding 1 and ReLU: 8 × 28 × 28; 2 × 2 max pooling: 8 × 14 × 14; "
    "convolution: 16 × 14 × 14; pooling: 16 × 7 × 7; flatten: 784 values; dense layer: "
    "10 class scores. The spatial size falls 28, 28, 14, 14, 7 while the channels rise "
    "1, 8, 8, 16, 16.",
    caption="Through a CNN the feature maps get smaller and more numerous, until they "
    "are flattened into one vector for the dense classifier.",
    size=(6.4, 3.4),
)
def _cnn(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, (1, 1, 28, 28))
    a1 = dlterms.conv_layer(x, rng.normal(0, 0.3, (8, 1, 3, 3)), padding=1)
    p1 = dlterms.max_pool2d(a1, 2)
    a2 = dlterms.conv_layer(p1, rng.normal(0, 0.1, (16, 8, 3, 3)), padding=1)
    p2 = dlterms.max_pool2d(a2, 2)
    flat = p2.reshape(1, -1)
    scores = dlterms.dense(flat, rng.normal(0, 0.05, (flat.shape[1], 10)))
    stages = [
        ("input", x.shape[1:]),
        ("conv 3×3\n+ ReLU", a1.shape[1:]),
        ("max pool\n2×2", p1.shape[1:]),
        ("conv 3×3\n+ ReLU", a2.shape[1:]),
        ("max pool\n2×2", p2.shape[1:]),
        ("flatten", (flat.shape[1], 1, 1)),
        ("dense", (scores.shape[1], 1, 1)),
    ]
    pos = np.arange(len(stages))
    side = np.array([shape[1] for _, shape in stages])
    channels = np.array([shape[0] for _, shape in stages])
    ax.bar(pos - 0.2, side, width=0.4, color=BLUE, label="height = width")
    ax.bar(pos + 0.2, channels, width=0.4, color=ORANGE, label="channels / values")
    for p, (_, shape) in zip(pos, stages, strict=True):
        text = f"{shape[0]}×{shape[1]}×{shape[2]}" if shape[1] > 1 else f"{shape[0]}"
        top = max(shape[0], shape[1])
        ax.text(p, top * 1.25, text, ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_yscale("log")
    ax.set_axisbelow(True)
    ax.set(xticks=pos, ylim=(0.7, 6000), ylabel="size (log scale)")
    ax.set_xticklabels([name for name, _ in stages], fontsize=9)
    ax.legend(loc="upper left", ncols=2)


# --------------------------------------------------------------------------- loss


@figure(
    "loss",
    alt="Left: three data points (1, 2), (2, 4) and (3, 7) with the lines y = w·x for "
    "w = 1, w = 2.21 and w = 3.5. Right: the mean squared error of the line as a function "
    "of its one parameter w, a parabola whose minimum, 0.12, lies at w = 31/14 ≈ 2.21; "
    "w = 1 costs 7.00 and w = 3.5 costs 7.83.",
    caption="A loss function turns every parameter value into one number; training looks "
    "for the parameter at the bottom of this curve.",
)
def _loss(fig):
    left, right = fig.subplots(1, 2)
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0])
    w = np.linspace(0.5, 4.0, 141)
    loss = np.array([dlterms.mean_squared_error(y, wi * x) for wi in w])
    right.plot(w, loss, label="MSE(w)")
    grid = np.linspace(0, 3.5, 2)
    left.plot(x, y, "o", color="#222222", label="data", zorder=3)
    for wi, color in ((1.0, RED), (31 / 14, GREEN), (3.5, ORANGE)):
        mse = dlterms.mean_squared_error(y, wi * x)
        left.plot(grid, wi * grid, color=color, lw=1.5, label=f"w = {wi:.2f}")
        right.plot(wi, mse, "o", color=color, ms=7)
        right.annotate(f"{mse:.2f}", (wi, mse), xytext=(6, 4), textcoords="offset points")
    left.set(xlabel="x", ylabel="y", title="candidate models y = w·x", ylim=(0, 12))
    right.set(xlabel="parameter w", ylabel="mean squared error", title="loss landscape")
    left.legend(loc="upper left", fontsize=9)
    right.legend(loc="upper center")


# --------------------------------------------------------------------------- capacity


def _polynomial_fits(x, y, degree, x_eval):
    """Least-squares Legendre fits on [0, 1]; `y` may hold one data set per column."""
    legendre = np.polynomial.legendre
    coef = legendre.legfit(2 * x - 1, y, degree)
    return legendre.legval(2 * x_eval - 1, coef)


@figure(
    "bias-variance-trade-off",
    alt="Squared bias, variance and total expected error of polynomial fits of degree 0 "
    "to 12, each fitted to 300 noisy samples of 15 points of a sine wave, on a log "
    "scale. Bias squared falls from 0.50 at degree 0 to about 0.0001 for degrees 5 to 11; "
    "variance rises from 0.006 to 0.50 at degree 12. Their sum plus the noise floor 0.09 "
    "is U-shaped, 0.59 at degree 0, lowest (0.12) at degree 3 and back to 0.60 at "
    "degree 12.",
    caption="Raising model complexity trades bias for variance; the total error is "
    "lowest in between.",
)
def _bias_variance(fig):
    rng = np.random.default_rng(0)
    noise, n_sets = 0.3, 300
    x, x_test = np.linspace(0, 1, 15), np.linspace(0, 1, 201)
    truth, truth_test = np.sin(2 * np.pi * x), np.sin(2 * np.pi * x_test)
    samples = truth[:, np.newaxis] + rng.normal(0.0, noise, (x.size, n_sets))
    degrees = np.arange(13)
    bias2, variance = [], []
    for degree in degrees:
        preds = _polynomial_fits(x, samples, degree, x_test)  # (n_sets, n_test)
        mean = preds.mean(axis=0)
        bias2.append(dlterms.mean_squared_error(truth_test, mean))
        variance.append(dlterms.mean_squared_error(np.broadcast_to(mean, preds.shape), preds))
    total = np.array(bias2) + np.array(variance) + noise**2
    ax = fig.subplots()
    ax.plot(degrees, bias2, "o-", ms=3, label="bias²")
    ax.plot(degrees, variance, "o-", ms=3, color=ORANGE, label="variance")
    ax.plot(degrees, total, "o-", ms=3, color=GREEN, label="total = bias² + variance + noise")
    ax.axhline(noise**2, color=MUTED, ls="--", lw=1, label=f"noise σ² = {noise**2:.2f}")
    best = int(np.argmin(total))
    ax.annotate(
        f"best: degree {best}",
        (best, total[best]),
        (best + 1.5, 0.3),
        arrowprops={"arrowstyle": "->", "color": INK},
        fontsize=9,
    )
    ax.set(
        yscale="log", xlabel="polynomial degree (model complexity)", ylabel="expected squared error"
    )
    ax.legend(loc="lower left", fontsize=8)


@figure(
    "model-capacity",
    alt="Three panels fitting polynomials to the same 10 noisy points of a sine wave. "
    "Degree 1, too little capacity: a straight line, training error 0.21 and test error "
    "0.24. Degree 3: follows the sine, training error 0.06, test error 0.03. Degree 9, "
    "too much capacity: passes through all 10 points, training error 0.00, but swings "
    "between them, down to −2.6 near the left edge, test error 0.53.",
    caption="Too little capacity underfits, too much fits the noise; the right amount "
    "follows the pattern.",
    size=(6.4, 2.8),
)
def _capacity(fig):
    rng = np.random.default_rng(2)
    x = np.linspace(0, 1, 10)
    y = np.sin(2 * np.pi * x) + rng.normal(0.0, 0.25, x.size)
    x_test = np.linspace(0, 1, 201)
    y_test = np.sin(2 * np.pi * x_test)
    axes = fig.subplots(1, 3, sharey=True)
    for ax, degree, color in zip(axes, (1, 3, 9), (BLUE, GREEN, ORANGE), strict=True):
        fit_train = _polynomial_fits(x, y, degree, x)
        fit_test = _polynomial_fits(x, y, degree, x_test)
        train = dlterms.mean_squared_error(y, fit_train)
        test = dlterms.mean_squared_error(y_test, fit_test)
        ax.plot(x_test, y_test, color=MUTED, lw=1, ls="--", label="true curve")
        ax.plot(x_test, fit_test, color=color, label="fitted polynomial")
        ax.plot(x, y, "o", color=INK, ms=3.5, label="training points")
        ax.set(
            title=f"degree {degree}\ntrain {train:.2f}, test {test:.2f}",
            xlabel="x",
            ylim=(-2.8, 2.8),
        )
        ax.title.set_fontsize(9)
    axes[0].set_ylabel("y")
    axes[0].legend(loc="lower left", fontsize=7)
