"""Figures for dlterms.paradigms: linear and logistic regression, boosting, pseudo-labelling,
active learning, exploration and evolutionary hyperparameter search.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED, shade_regions

__all__: list[str] = []


def _two_blobs(seed=0, n_labelled=3, n_pool=120):
    """A few labelled points per class and a pool of unlabelled ones, in two blobs."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-1.2, -0.6], [1.2, 0.6]])
    pool_y = rng.integers(0, 2, n_pool)
    pool = centres[pool_y] + rng.normal(0.0, 0.9, (n_pool, 2))
    labelled_y = np.repeat([0, 1], n_labelled)
    labelled = centres[labelled_y] + rng.normal(0.0, 0.6, (2 * n_labelled, 2))
    return labelled, labelled_y, pool


def _fitted_logistic(x, y):
    """A logistic regression on a few labelled points, lightly regularised."""
    weight, bias, _ = dlterms.fit_logistic_regression(x, y, learning_rate=0.5, n_steps=500, l2=0.02)
    return weight, bias


def _boundary(ax, weight, bias, xlim):
    """The line w . x + b = 0, where the predicted probability is 1/2."""
    x1 = np.array(xlim)
    ax.plot(x1, dlterms.linear_decision_boundary(weight, bias, x1), color=INK, lw=1.5)


# --------------------------------------------------------------------------- regression


@figure(
    "linear-regression",
    alt="Left: 12 points scattered around a rising line, with the least-squares line "
    "ŷ = 0.46x + 1.17 drawn through them and a vertical red segment from each point to "
    "the line showing its residual. Right: the training loss of gradient descent on the "
    "same data, on a log scale, falling from 17.8 at step 0 to within 1% of the "
    "closed-form minimum 0.41 (dashed line) by step 44 and staying there.",
    caption="Linear regression picks the line with the smallest mean squared residual; "
    "gradient descent reaches the same line that least squares gives in one step.",
)
def _linear_regression(fig):
    left, right = fig.subplots(1, 2, width_ratios=(3, 2))
    rng = np.random.default_rng(4)
    x = np.sort(rng.uniform(0.0, 10.0, 12))[:, None]
    y = 0.5 * x[:, 0] + 1.0 + rng.normal(0.0, 0.6, 12)
    weight, bias = dlterms.linear_regression_closed_form(x, y)
    fitted = dlterms.predict_linear(x, weight, bias)
    left.vlines(x[:, 0], y, fitted, color=RED, lw=1.2, label="residual y − ŷ")
    grid = np.array([[-0.3], [10.3]])
    left.plot(
        grid[:, 0],
        dlterms.predict_linear(grid, weight, bias),
        color=BLUE,
        label=f"ŷ = {weight[0]:.2f}x + {bias:.2f}",
    )
    left.plot(x[:, 0], y, "o", color=INK, ms=5, label="training example")
    left.set(xlabel="feature x", ylabel="target y", title="least-squares fit")
    left.legend(loc="upper left", fontsize=8.5)

    scaled = (x - 5.0) / 3.0  # standardised feature: gradient descent needs a sane scale
    *_, history = dlterms.fit_linear_regression(scaled, y, learning_rate=0.05, n_steps=200)
    best = dlterms.linear_regression_loss(x, y, weight, bias)
    right.plot(history, color=BLUE, label="gradient descent")
    right.axhline(best, color=MUTED, ls="--", lw=1.2, label=f"closed form, {best:.2f}")
    right.set(xlabel="step", ylabel="mean squared error", yscale="log", title="training loss")
    right.legend(loc="upper right", fontsize=8.5)


@figure(
    "logistic-regression",
    alt="Twenty examples on a feature axis: class 0 (blue, drawn at height 0) from −2.4 "
    "to 0.4 and class 1 (orange, at height 1) from −1.6 to 2.1, so the classes overlap. "
    "The fitted logistic curve p = σ(1.71x + 0.32) rises smoothly from 0 to 1 and crosses "
    "the dashed threshold 0.5 at x = −0.19, marked by a dotted vertical decision boundary; "
    "everything to its right (shaded) is predicted class 1, and 16 of the 20 examples "
    "are classified correctly.",
    caption="Logistic regression fits a sigmoid to 0/1 labels; the point where the "
    "probability crosses the threshold is the decision boundary.",
)
def _logistic_regression(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1.0, 1.1, 10), rng.normal(1.0, 1.1, 10)])[:, None]
    y = np.repeat([0, 1], 10)
    weight, bias, _ = dlterms.fit_logistic_regression(x, y, learning_rate=0.5, n_steps=2000)
    grid = np.linspace(-4, 4, 241)[:, None]
    boundary = -bias / weight[0]
    ax.axvspan(boundary, 4, color="#fbe3cf", lw=0, label="predicted class 1")
    ax.plot(
        grid[:, 0],
        dlterms.predict_proba_logistic(grid, weight, bias),
        color=INK,
        label=f"p = σ({weight[0]:.2f}x {'−' if bias < 0 else '+'} {abs(bias):.2f})",
    )
    ax.axhline(0.5, color=MUTED, ls="--", lw=1, label="threshold 0.5")
    ax.axvline(boundary, color=INK, lw=1, ls=":")
    ax.annotate(
        f"boundary x = {boundary:.2f}".replace("-", "−"),
        (boundary, 0.5),
        xytext=(8, -22),
        textcoords="offset points",
        fontsize=9,
    )
    for label, color in ((0, BLUE), (1, ORANGE)):
        ax.plot(x[y == label, 0], y[y == label], "o", color=color, ms=6, label=f"class {label}")
    ax.set(xlabel="feature x", ylabel="P(class 1 | x)", xlim=(-4, 4), ylim=(-0.08, 1.08))
    ax.legend(loc="center left", fontsize=8.5, bbox_to_anchor=(0.0, 0.62))


# --------------------------------------------------------------------------- boosting


@figure(
    "boosting",
    alt="Left: the training error of AdaBoost with decision stumps on 150 points against "
    "the number of rounds from 1 to 60: 0.29 with one stump, 0.06 after 10 rounds, 0.04 "
    "after 20, and 0 after 60, with small ups and downs on the way. Right: the decision "
    "regions of the 60-stump ensemble on the same points, 44 of class +1 (orange "
    "triangles) inside a disc of radius 1.26 and the rest of class −1 (blue dots) "
    "around it; the predicted +1 region is a blocky, axis-aligned patch that follows "
    "the disc.",
    caption="Each round adds a weak stump trained on reweighted data; together their "
    "weighted vote fits a boundary no single stump could draw.",
)
def _boosting(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(1)
    x = rng.uniform(-2.0, 2.0, (150, 2))
    y = np.where(np.sum(x**2, axis=1) < 1.6, 1, -1)
    ensemble = dlterms.adaboost_fit(x, y, n_rounds=60)
    rounds = np.arange(1, len(ensemble) + 1)
    errors = [np.mean(dlterms.adaboost_predict(x, ensemble[:t]) != y) for t in rounds]
    left.plot(rounds, errors, color=BLUE)
    left.set(xlabel="boosting round (number of stumps)", ylabel="training error")
    left.set(title="training error", ylim=(0, None))

    xx, yy = np.meshgrid(np.linspace(-2, 2, 201), np.linspace(-2, 2, 201))
    shade_regions(
        right,
        dlterms.decision_regions(lambda p: dlterms.adaboost_predict(p, ensemble), xx, yy),
        xx,
        yy,
    )
    for label, color, marker in ((-1, BLUE, "o"), (1, ORANGE, "^")):
        right.plot(*x[y == label].T, marker, color=color, ms=4, label=f"class {label:+d}")
    right.set(xlabel="x₁", ylabel="x₂", aspect="equal", title=f"{len(ensemble)} stumps, voting")
    right.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")


# --------------------------------------------------------------------------- paradigms


@figure(
    "pseudo-labeling",
    alt="Two blobs of 120 unlabelled points, lower left and upper right, with 3 labelled "
    "examples per class drawn as large outlined squares (class 0) and diamonds (class 1). "
    "A logistic regression trained on those 6 labels draws a solid boundary line between "
    "the blobs and dashed lines where its probability is 0.1 and 0.9. The 72 points "
    "outside the dashed band get pseudo-labels (37 blue for class 0, 35 orange for "
    "class 1); the 48 uncertain points inside the band stay grey.",
    caption="Pseudo-labelling keeps only the confident predictions on unlabelled data "
    "and adds them to the training set as labels.",
)
def _pseudo_labeling(fig):
    ax = fig.subplots()
    labelled, labelled_y, pool = _two_blobs()
    weight, bias = _fitted_logistic(labelled, labelled_y)
    p = dlterms.predict_proba_logistic(pool, weight, bias)
    indices, labels = dlterms.pseudo_label(p, threshold=0.9)
    uncertain = np.setdiff1d(np.arange(len(pool)), indices)
    ax.plot(
        *pool[uncertain].T,
        "o",
        color=MUTED,
        ms=4,
        label=f"uncertain, unlabelled ({len(uncertain)})",
    )
    for label, color in ((0, BLUE), (1, ORANGE)):
        ax.plot(
            *pool[indices[labels == label]].T, "o", color=color, ms=4, label=f"pseudo-label {label}"
        )
    _labelled(ax, labelled, labelled_y)
    _probability_lines(ax, weight, bias, (-4, 4))
    _finish(ax, f"{len(indices)} of {len(pool)} unlabelled points pass p ≥ 0.9")


def _labelled(ax, labelled, labelled_y):
    """The few labelled examples, as large outlined markers (squares 0, diamonds 1)."""
    for label, color, marker in ((0, BLUE, "s"), (1, ORANGE, "D")):
        ax.plot(
            *labelled[labelled_y == label].T,
            marker,
            color=color,
            ms=9,
            mec=INK,
            mew=1.2,
            label=f"labelled class {label}",
        )


def _finish(ax, title):
    """Axes labels, limits, `title` and legend shared by the two semi-supervised plots."""
    ax.set(
        xlabel="x₁",
        ylabel="x₂",
        xlim=(-4, 4),
        ylim=(-3.2, 3.2),
        title=title,
    )
    ax.legend(loc="upper left", fontsize=7.5, frameon=True, framealpha=0.9, edgecolor="none")


def _probability_lines(ax, weight, bias, xlim):
    """The boundary (p = 0.5) and the lines p = 0.1 and p = 0.9 of a logistic model."""
    x1 = np.array(xlim)
    logit = np.log(9.0)  # sigma(+-log 9) = 0.9, 0.1
    _boundary(ax, weight, bias, xlim)
    for shift in (-logit, logit):
        ax.plot(
            x1, dlterms.linear_decision_boundary(weight, bias - shift, x1), color=INK, lw=1, ls="--"
        )


@figure(
    "active-learning",
    alt="The same two blobs of 120 unlabelled grey points, with 3 labelled examples per "
    "class as large outlined markers and the boundary line of a logistic regression "
    "trained on them. The 8 points the model is least sure about, with predicted "
    "probabilities between 0.37 and 0.62 and all within 0.24 of the line, are circled "
    "in purple as the queries for a human labeller.",
    caption="Active learning asks for labels where the model is least certain, close to "
    "its decision boundary, where each new label teaches it most.",
)
def _active_learning(fig):
    ax = fig.subplots()
    labelled, labelled_y, pool = _two_blobs()
    weight, bias = _fitted_logistic(labelled, labelled_y)
    p = dlterms.predict_proba_logistic(pool, weight, bias)
    queries = dlterms.uncertainty_query(p, 8)
    ax.plot(*pool.T, "o", color=MUTED, ms=4, label="unlabelled pool")
    ax.plot(
        *pool[queries].T,
        "o",
        ms=11,
        mfc="none",
        mec=PURPLE,
        mew=2,
        label="queried (least confident)",
    )
    _labelled(ax, labelled, labelled_y)
    _boundary(ax, weight, bias, (-4, 4))
    _finish(ax, "8 queries, all near the boundary")


@figure(
    "exploration-vs-exploitation",
    alt="Two panels over 400 steps, averaged over 60 runs of a 10-armed bandit and smoothed "
    "over 20 steps, for three epsilon-greedy agents. Left, average reward: the greedy "
    "agent (ε = 0, red) levels off near 1.03; ε = 0.1 (blue) keeps improving and ends "
    "highest, near 1.38; ε = 0.5 (green) stays near 0.85 because half its actions are "
    "random. Right, share of runs pulling the best arm: about 0.33, 0.75 and 0.52 over "
    "the last 50 steps.",
    caption="Some exploration finds the best arm; none gets stuck on a mediocre one, "
    "and too much keeps wasting pulls on random arms.",
)
def _exploration(fig):
    left, right = fig.subplots(1, 2, sharex=True)
    n_runs, n_steps = 60, 400
    for epsilon, color in ((0.0, RED), (0.1, BLUE), (0.5, GREEN)):
        rewards, best = np.zeros(n_steps), np.zeros(n_steps)
        for run in range(n_runs):
            means = np.random.default_rng(1000 + run).normal(size=10)  # one testbed per run
            r, actions = dlterms.run_bandit(means, epsilon, n_steps, rng=run)
            rewards += r / n_runs
            best += (actions == np.argmax(means)) / n_runs
        steps = np.arange(WINDOW, n_steps + 1)
        left.plot(steps, _moving_mean(rewards), color=color, label=f"ε = {epsilon:g}")
        right.plot(steps, _moving_mean(best), color=color, label=f"ε = {epsilon:g}")
    left.set(xlabel="step", ylabel="average reward", title=f"reward ({WINDOW}-step mean)")
    right.set(xlabel="step", ylabel="share of runs", title="best arm pulled", ylim=(0, 1))
    left.legend(loc="lower right", fontsize=8.5)
    right.legend(loc="lower right", fontsize=8.5)


WINDOW = 20


def _moving_mean(values):
    return np.convolve(values, np.ones(WINDOW) / WINDOW, mode="valid")


@figure(
    "evolutionary-hyperparameter-optimization",
    alt="Left: the best validation loss found, on a log scale, against the generation of a "
    "(μ + λ) evolution strategy with 12 candidates per generation: it falls from 0.045 at "
    "generation 0 to 0.0024 at generation 1, 0.0002 by generation 4 and 0.00009 at "
    "generation 25, in steps, never rising. Right: elliptical contours of the validation "
    "loss over log₁₀(learning rate) from −4 to 0 and dropout rate from 0 to 0.8, with its "
    "minimum at (−2, 0.3) marked by a star; the random initial population (grey) is spread "
    "over the box, after 2 generations (blue) it has drawn in around the minimum, and "
    "after 25 generations (orange) it sits on it.",
    caption="An evolutionary search breeds new hyperparameter settings from the best so "
    "far; the population closes in on the lowest validation loss.",
)
def _evolution(fig):
    left, right = fig.subplots(1, 2)
    bounds = np.array([[-4.0, 0.0], [0.0, 0.8]])

    def validation_loss(p):  # a stand-in landscape: log learning rate and dropout
        return float(0.1 * (p[0] + 2.0) ** 2 + 2.0 * (p[1] - 0.3) ** 2)

    *_, history, last = dlterms.evolutionary_search(
        validation_loss, bounds, population=12, generations=25, mutation_scale=0.08, rng=3
    )
    left.plot(np.arange(len(history)), history, "o-", color=BLUE, ms=3)
    left.set(xlabel="generation", ylabel="best validation loss", yscale="log", title="best so far")

    g0, g2 = (
        dlterms.evolutionary_search(
            validation_loss, bounds, population=12, generations=g, mutation_scale=0.08, rng=3
        )[3]
        for g in (0, 2)
    )
    aa, bb = np.meshgrid(np.linspace(-4, 0, 161), np.linspace(0, 0.8, 121))
    zz = np.vectorize(lambda a, b: validation_loss(np.array([a, b])))(aa, bb)
    right.contour(aa, bb, zz, levels=10, colors=MUTED, linewidths=0.7)
    right.plot(-2.0, 0.3, "*", color=INK, ms=16, label="minimum")
    for pop, color, label in (
        (g0, MUTED, "generation 0"),
        (g2, BLUE, "generation 2"),
        (last, ORANGE, "generation 25"),
    ):
        right.plot(*pop.T, "o", color=color, ms=5, label=label)
    right.set(xlabel="log₁₀ learning rate", ylabel="dropout rate", title="population")
    right.legend(loc="upper right", fontsize=7.5, frameon=True, framealpha=0.9, edgecolor="none")
