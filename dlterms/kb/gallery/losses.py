"""Figures for dlterms.losses: regression, probabilistic, margin and similarity losses."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import MUTED, num

__all__: list[str] = []


# --------------------------------------------------------------------------- MSE, MAE, CE


def _loss_curves(ax, main, other, labels, example_errors):
    """The loss of one prediction against its error: `main` bold, `other` faint."""

    def loss(fn, errors):
        return [fn([0.0], [e]) for e in errors]  # target 0, prediction e

    errors = np.linspace(-3, 3, 121)
    ax.plot(errors, loss(other, errors), color=MUTED, lw=1.2, ls="--", label=labels[1])
    ax.plot(errors, loss(main, errors), color=BLUE, label=labels[0])
    ax.plot(example_errors, loss(main, example_errors), "o", color=ORANGE, label="worked example")
    ax.set(xlabel="error  ŷ − y", ylabel="loss of one prediction", ylim=(-0.2, 6.2))
    ax.legend(loc="upper center")


@figure(
    "mean-squared-error",
    alt="Left: the squared error of one prediction is a parabola in the error, beside the "
    "V of the absolute error; at error 1 both cost 1, at error 2 the square costs 4 "
    "against 2. Right: the worked example with errors 1, 0, −2 and 0.5 has squared errors "
    "1, 0, 4 and 0.25; the error of −2 supplies 4 of the total 5.25, and the MSE is 1.3125.",
    caption="Squaring makes the loss grow with the square of the error, so the largest "
    "errors dominate the mean.",
)
def _mse(fig):
    left, right = fig.subplots(1, 2)
    y_true, y_pred = np.array([2.0, 0.0, 4.0, 1.0]), np.array([3.0, 0.0, 2.0, 1.5])
    _loss_curves(
        left,
        dlterms.mean_squared_error,
        dlterms.mean_absolute_error,
        ("squared error", "absolute error"),
        y_pred - y_true,
    )
    each = [dlterms.mean_squared_error([t], [p]) for t, p in zip(y_true, y_pred, strict=True)]
    bars = right.bar(np.arange(4), each, color=BLUE)
    right.set_axisbelow(True)
    right.bar_label(bars, labels=[f"{v:g}" for v in each], padding=2)
    mse = dlterms.mean_squared_error(y_true, y_pred)
    right.axhline(mse, color=ORANGE, ls="--", lw=1.5, label=f"MSE = their mean = {mse:g}")
    right.set(
        xticks=np.arange(4),
        xticklabels=[num(e) for e in y_pred - y_true],
        xlabel="error of each example",
        ylabel="squared error",
        ylim=(0, 4.8),
        title="worked example",
    )
    right.legend(loc="upper left")


@figure(
    "mean-absolute-error",
    alt="Left: the absolute error of one prediction is a V in the error, beside the steeper "
    "parabola of the squared error; at error 2 the V costs 2 and the parabola 4. Right: in "
    "the worked example, doubling one error from 2 to 4 raises the MAE from 0.875 to 1.375 "
    "but the MSE from 1.3125 to 4.3125.",
    caption="The absolute error grows only linearly, so one outlier moves the MAE far less "
    "than the MSE.",
)
def _mae(fig):
    left, right = fig.subplots(1, 2)
    y_true = np.array([2.0, 0.0, 4.0, 1.0])
    before, after = np.array([3.0, 0.0, 2.0, 1.5]), np.array([3.0, 0.0, 0.0, 1.5])
    _loss_curves(
        left,
        dlterms.mean_absolute_error,
        dlterms.mean_squared_error,
        ("absolute error", "squared error"),
        before - y_true,
    )
    where = np.arange(2)
    right.set_axisbelow(True)
    for k, (fn, name, color) in enumerate(
        ((dlterms.mean_absolute_error, "MAE", BLUE), (dlterms.mean_squared_error, "MSE", MUTED))
    ):
        values = [fn(y_true, before), fn(y_true, after)]
        bars = right.bar(where + (k - 0.5) * 0.38, values, width=0.36, color=color, label=name)
        right.bar_label(bars, labels=[f"{v:g}" for v in values], padding=2, fontsize=9)
    right.set(
        xticks=where,
        xticklabels=["errors (1, 0, −2, 0.5)", "−2 doubled to −4"],
        ylabel="loss over the 4 examples",
        ylim=(0, 5),
        title="one outlier",
    )
    right.legend(loc="upper left")


@figure(
    "cross-entropy-loss",
    alt="Left: the cross-entropy −log p of the true class against its probability p: 0 at "
    "p = 1, 0.69 at p = 0.5, 2.13 at p = 0.12 and 4.02 at p = 0.018, shooting up as p "
    "approaches 0. Right: the same loss against the logit margin of the true class over "
    "the other one, a smooth curve that flattens to 0 for large positive margins and "
    "grows like a straight line, |margin|, for negative ones.",
    caption="Cross-entropy charges −log p for the true class: almost nothing for a "
    "confident right answer and without limit as p → 0.",
)
def _cross_entropy(fig):
    left, right = fig.subplots(1, 2)
    margin = np.linspace(-7, 7, 281)  # logit of the true class 0 minus the other logit
    logits = np.column_stack([margin, np.zeros_like(margin)])
    p_true = dlterms.softmax(logits)[:, 0]
    loss = np.array([dlterms.cross_entropy(row[None], [0]) for row in logits])
    left.plot(p_true, loss, label="−log p")
    right.plot(margin, loss, label="cross-entropy")
    right.plot(
        margin, np.maximum(-margin, 0), color=MUTED, lw=1.2, ls="--", label="|margin| when wrong"
    )
    for z in (0.0, -2.0, -4.0):
        row = np.array([[z, 0.0]])
        p, l_ = dlterms.softmax(row)[0, 0], dlterms.cross_entropy(row, [0])
        left.plot(p, l_, "o", color=ORANGE)
        left.annotate(
            f"p = {p:.2g}: {l_:.2f}", (p, l_), xytext=(8, 2), textcoords="offset points", fontsize=9
        )
    left.set(
        xlabel="p, probability of the true class",
        ylabel="loss (nats)",
        title="against the probability",
        ylim=(-0.2, 7.3),
    )
    right.set(xlabel="logit margin of the true class", title="against the logits", ylim=(-0.2, 7.3))
    left.legend(loc="upper right")
    right.legend(loc="upper right")


def _per_point(loss, y_true, predictions):
    """The loss of one prediction for each value in `predictions` (target `y_true`)."""
    return np.array([loss([y_true], [p]) for p in predictions])


def _beside_square_and_abs(fig, errors, loss, loss_grad, loss_label, grad_label):
    """Two panels, a loss and its gradient for one prediction against its error, each
    beside those of half the squared error and of the absolute error."""
    left, right = fig.subplots(1, 2)
    half_squared = _per_point(dlterms.mean_squared_error, 0.0, errors) / 2
    absolute = _per_point(dlterms.mean_absolute_error, 0.0, errors)
    left.plot(errors, half_squared, color=MUTED, ls="--", lw=1.2, label="x² / 2")
    left.plot(errors, absolute, color=MUTED, ls=":", lw=1.5, label="|x|")
    left.plot(errors, _per_point(loss, 0.0, errors), label=loss_label)
    left.set(xlabel="error x = ŷ − y", ylabel="loss", title="loss", ylim=(0, 5))
    gradient = np.array([loss_grad([0.0], [e])[0] for e in errors])
    right.plot(errors, errors, color=MUTED, ls="--", lw=1.2, label="x (of x² / 2)")
    right.plot(errors, np.sign(errors), color=MUTED, ls=":", lw=1.5, label="sign x (of |x|)")
    right.plot(errors, gradient, label=grad_label)
    right.set(xlabel="error x", ylabel="gradient", title="gradient", ylim=(-2.5, 2.5))
    return left, right


# --------------------------------------------------------------------------- regression


@figure(
    "mean-absolute-percentage-error",
    alt="The percentage error of one prediction against the prediction, for a target of 50 "
    "and a target of 200: two V shapes with their tips at 0 % on the targets. A miss of 25 "
    "costs 50 % on the target 50 but 12.5 % on the target 200. Predicting 0 costs exactly "
    "100 % for either target, while over-predicting has no upper limit.",
    caption="MAPE measures each miss relative to its target: the same absolute error "
    "costs more on a small target, and under-predicting costs at most 100 %.",
)
def _mape(fig):
    ax = fig.subplots()
    predictions = np.linspace(0, 400, 401)
    for target, color in ((50.0, BLUE), (200.0, PURPLE)):
        cost = _per_point(dlterms.mean_absolute_percentage_error, target, predictions)
        ax.plot(predictions, cost, color=color, label=f"target {target:g}")
        miss = target + 25
        value = dlterms.mean_absolute_percentage_error([target], [miss])
        ax.plot(miss, value, "o", color=ORANGE)
        ax.annotate(
            f"miss by 25: {value:g} %", (miss, value), xytext=(8, -4), textcoords="offset points"
        )
    ax.axhline(100, color=MUTED, lw=1, ls="--")
    ax.text(400, 102, "predicting 0 costs 100 %", ha="right", va="bottom", color="#555555")
    ax.set(xlabel="prediction ŷ", ylabel="percentage error (%)", ylim=(0, 250))
    ax.legend(loc="upper right")


@figure(
    "mean-squared-logarithmic-error",
    alt="The squared log error of one prediction against the ratio of prediction to "
    "target, from 0 to 3, for targets 1, 10 and 1000. Every curve is 0 at ratio 1 and "
    "rises much more steeply to the left (under-prediction) than to the right. The "
    "curves for targets 10 and 1000 almost coincide, reaching about 4.8 and 5.5 at "
    "ratio 0 and 1.0 and 1.2 at ratio 3; the target-1 curve is flatter.",
    caption="MSLE compares log(1 + y) values, so it scores errors by ratio rather than "
    "by size and punishes predicting too little more than predicting too much.",
)
def _msle(fig):
    ax = fig.subplots()
    ratio = np.linspace(0, 3, 301)
    for target, color in ((1.0, MUTED), (10.0, BLUE), (1000.0, ORANGE)):
        cost = _per_point(dlterms.mean_squared_logarithmic_error, target, ratio * target)
        ax.plot(ratio, cost, color=color, label=f"target {target:g}")
    ax.axvline(1, color="#555555", lw=0.8, ls=":")
    ax.text(0.5, 3.0, "under-predicting", ha="center", color="#555555")
    ax.text(2.2, 3.0, "over-predicting", ha="center", color="#555555")
    ax.set(xlabel="prediction / target", ylabel="squared log error", ylim=(0, 6))
    ax.legend(loc="upper right")


@figure(
    "log-cosh-loss",
    alt="Left: the log-cosh loss of one prediction against its error, from −5 to 5, "
    "beside half the squared error and the absolute error. Near 0 it hugs the parabola "
    "x²/2; beyond about 2 it runs parallel to |x|, log 2 ≈ 0.69 below it. Right: the "
    "gradients: tanh of the error, which levels off at ±1, against the straight line x "
    "of the squared error and the ±1 step of the absolute error.",
    caption="Log-cosh behaves like the squared error for small errors and like the "
    "absolute error for large ones, so its gradient never exceeds 1.",
)
def _log_cosh(fig):
    errors = np.linspace(-5, 5, 201)
    left, right = _beside_square_and_abs(
        fig, errors, dlterms.log_cosh_loss, dlterms.log_cosh_loss_grad, "log cosh x", "tanh x"
    )
    left.legend(loc="upper center", fontsize=9)
    right.legend(loc="upper left", fontsize=9)


@figure(
    "poisson-loss",
    alt="The Poisson loss λ − y·log λ of one prediction against the predicted rate λ from "
    "0.05 to 8, for observed counts y = 0, 1 and 3. For y = 0 it is the straight line λ, "
    "smallest as λ approaches 0; for y = 1 and y = 3 it is a curve that dips to its "
    "minimum at λ = y (values 1 and about −0.30) and rises steeply as λ approaches 0.",
    caption="For every observed count the Poisson loss is smallest when the predicted "
    "rate equals the count; it can be negative because the log y! term is dropped.",
)
def _poisson(fig):
    ax = fig.subplots()
    rates = np.linspace(0.05, 8, 320)
    for count, color, where in (
        (0.0, MUTED, None),
        (1.0, BLUE, (0.15, -1.1)),
        (3.0, ORANGE, (3.3, -1.1)),
    ):
        loss = _per_point(dlterms.poisson_loss, count, rates)
        ax.plot(rates, loss, color=color, label=f"count y = {count:g}")
        if where:
            best = dlterms.poisson_loss([count], [count])
            ax.plot(count, best, "o", color=color)
            ax.annotate(
                f"minimum at λ = {count:g}",
                (count, best),
                xytext=where,
                fontsize=9,
                arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.8},
            )
    ax.set(xlabel="predicted rate λ", ylabel="loss λ − y log λ", ylim=(-1.5, 8))
    ax.legend(loc="upper left")


# --------------------------------------------------------------------------- probabilistic


@figure(
    "binary-cross-entropy",
    alt="The binary cross-entropy of one example against the predicted probability p of "
    "the positive class. For a positive example (y = 1) the loss is −log p: 0.22 at "
    "p = 0.8, 1.61 at p = 0.2, and rising steeply towards p = 0. For a negative example "
    "(y = 0) it is the mirror image −log(1 − p), rising towards p = 1.",
    caption="Log loss charges little for a confident right answer and more and more as "
    "the probability given to the true label falls towards 0.",
)
def _binary_cross_entropy(fig):
    ax = fig.subplots()
    p = np.linspace(0.005, 0.995, 199)
    for label, color in ((1.0, BLUE), (0.0, ORANGE)):
        name = "−log p  (y = 1)" if label else "−log(1 − p)  (y = 0)"
        ax.plot(p, _per_point(dlterms.binary_cross_entropy, label, p), color=color, label=name)
    for q in (0.8, 0.2):
        value = dlterms.binary_cross_entropy([1.0], [q])
        ax.plot(q, value, "o", color=BLUE)
        ax.annotate(
            f"p = {q:g}: {value:.2f}", (q, value), xytext=(8, 4), textcoords="offset points"
        )
    ax.set(
        xlabel="predicted probability p of the positive class", ylabel="loss (nats)", ylim=(0, 5.5)
    )
    ax.legend(loc="upper center")


@figure(
    "kullback-leibler-divergence",
    alt="Bar chart of two distributions over three classes: p = (0.6, 0.3, 0.1) and "
    "q = (0.2, 0.3, 0.5). The divergence of q from p, KL(p‖q), is 0.50 nats, while "
    "KL(q‖p) is 0.58 nats: swapping the arguments changes the value.",
    caption="KL divergence measures how poorly q stands in for p; it is 0 only when the "
    "two match, and it is not symmetric.",
)
def _kl(fig):
    ax = fig.subplots()
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])
    classes = np.arange(3)
    ax.set_axisbelow(True)
    for offset, dist, name, color in ((-0.2, p, "p", BLUE), (0.2, q, "q", ORANGE)):
        bars = ax.bar(classes + offset, dist, width=0.38, color=color, label=name)
        ax.bar_label(bars, labels=[f"{v:g}" for v in dist], padding=2)
    forward, backward = dlterms.kl_divergence(p, q), dlterms.kl_divergence(q, p)
    ax.set(
        xticks=classes,
        xticklabels=["class 1", "class 2", "class 3"],
        ylabel="probability",
        ylim=(0, 0.8),
        title=f"KL(p‖q) = {forward:.2f}    KL(q‖p) = {backward:.2f}",
    )
    ax.legend(loc="upper right")


# --------------------------------------------------------------------------- margin


def _margin_axes(ax, margins, title):
    """Plot the 0-1 loss (1 - accuracy of sign(score) for label +1) and label the axes."""
    zero_one = [1 - dlterms.accuracy_score([1], [1 if m > 0 else -1]) for m in margins]
    ax.plot(margins, zero_one, color=MUTED, lw=1.5, ls=":", label="0-1 loss", drawstyle="steps-mid")
    ax.axvline(1, color="#555555", lw=0.8, ls="--")
    ax.set(xlabel="margin y·ŷ", ylabel="loss of one example", title=title)


@figure(
    "hinge-loss",
    alt="The hinge loss max(0, 1 − m) of one example against its margin m = y·ŷ from −2 "
    "to 3, with the 0-1 loss for comparison. The hinge is a straight line falling from "
    "3 at m = −2 through 1 at m = 0 to 0 at m = 1, and stays 0 beyond. The 0-1 loss "
    "jumps from 1 to 0 at m = 0, so examples with margins between 0 and 1 are correct "
    "but still cost hinge loss.",
    caption="The hinge loss is 0 only beyond a margin of 1 and grows linearly below it, "
    "a convex upper bound on the 0-1 loss.",
)
def _hinge(fig):
    ax = fig.subplots()
    margins = np.linspace(-2, 3, 501)
    _margin_axes(ax, margins, "hinge loss")
    ax.plot(margins, _per_point(dlterms.hinge_loss, 1.0, margins), label="hinge max(0, 1 − m)")
    ax.axvspan(0, 1, color=BLUE, alpha=0.08, lw=0)
    ax.text(0.5, 2.2, "right side,\ninside\nthe margin", ha="center", fontsize=9)
    ax.set(ylim=(-0.1, 3.2))
    ax.legend(loc="upper right")


@figure(
    "squared-hinge-loss",
    alt="The squared hinge loss max(0, 1 − m)² of one example against its margin m = y·ŷ "
    "from −2 to 3, beside the plain hinge loss and the 0-1 loss. Both hinges are 0 from "
    "m = 1 on; below it the squared hinge is a parabola, smaller than the hinge for "
    "0 < m < 1 (0.25 against 0.5 at m = 0.5) and larger for m < 0 (9 against 3 at m = −2).",
    caption="Squaring the hinge smooths its corner at margin 1 and punishes badly wrong "
    "examples quadratically.",
)
def _squared_hinge(fig):
    ax = fig.subplots()
    margins = np.linspace(-2, 3, 501)
    _margin_axes(ax, margins, "squared hinge loss")
    ax.plot(
        margins,
        _per_point(dlterms.hinge_loss, 1.0, margins),
        color=BLUE,
        lw=1.2,
        ls="--",
        label="hinge",
    )
    ax.plot(
        margins,
        _per_point(dlterms.squared_hinge_loss, 1.0, margins),
        color=PURPLE,
        label="squared hinge",
    )
    ax.set(ylim=(-0.2, 9.3))
    ax.legend(loc="upper right")


# --------------------------------------------------------------------------- similarity


@figure(
    "cosine-proximity",
    alt="The cosine proximity loss of a prediction against the angle between it and the "
    "target, from 0° to 180°: −1 at 0° (same direction), 0 at 90° (perpendicular) and 1 "
    "at 180° (opposite). The curves for a prediction of length 1 and of length 3 lie on "
    "top of each other.",
    caption="The loss is minus the cosine of the angle between target and prediction, "
    "so only the direction of the prediction matters, not its length.",
)
def _cosine(fig):
    ax = fig.subplots()
    degrees = np.linspace(0, 180, 181)
    angles = np.radians(degrees)
    for length, style, color in ((1.0, "-", BLUE), (3.0, "--", ORANGE)):
        loss = [
            dlterms.cosine_similarity_loss([1.0, 0.0], length * np.array([np.cos(a), np.sin(a)]))
            for a in angles
        ]
        ax.plot(degrees, loss, ls=style, color=color, label=f"prediction of length {length:g}")
    for d, text in ((0, "same direction: −1"), (90, "perpendicular: 0"), (180, "opposite: 1")):
        value = dlterms.cosine_similarity_loss(
            [1.0, 0.0], [np.cos(np.radians(d)), np.sin(np.radians(d))]
        )
        ax.plot(d, value, "o", color=GREEN)
        ax.annotate(
            text,
            (d, value),
            xytext=(0, 8),
            textcoords="offset points",
            ha="left" if d == 0 else "right" if d == 180 else "center",
        )
    ax.set(
        xlabel="angle between target and prediction (degrees)",
        ylabel="loss  −cos θ",
        xticks=range(0, 181, 30),
        ylim=(-1.25, 1.35),
    )
    ax.legend(loc="lower right")


# --------------------------------------------------------------------------- Huber, smoothing


@figure(
    "huber-loss",
    alt="Left: the Huber loss of one prediction with delta 1 against its error, from −4 to "
    "4, beside half the squared error and the absolute error. Up to an error of 1 it is the "
    "parabola x²/2; beyond that it is a straight line of slope 1, 0.5 below |x|, so an "
    "error of 3 costs 2.5 where x²/2 gives 4.5. Right: the gradients: the error clipped to "
    "[−1, 1], against the straight line x and the ±1 step of the absolute error.",
    caption="Quadratic for errors up to delta, linear beyond it: the gradient is the error, "
    "clipped to ±delta.",
)
def _huber(fig):
    errors = np.linspace(-4, 4, 161)
    left, right = _beside_square_and_abs(
        fig, errors, dlterms.huber_loss, dlterms.huber_loss_grad, "δ = 1", "clip(x, −δ, δ)"
    )
    left.axvspan(-1, 1, color=GREEN, alpha=0.12, lw=0, label="|x| ≤ δ: quadratic")
    left.plot([-3.0], [dlterms.huber_loss([0.0], [-3.0])], "o", color=ORANGE)
    left.annotate("2.5", (-3.0, 2.5), textcoords="offset points", xytext=(-4, 8), ha="center")
    left.legend(loc="upper center", fontsize=8)
    right.legend(loc="upper left", fontsize=8)


@figure(
    "label-smoothing",
    alt="Bars of the target distribution over four classes with the true class 1. The "
    "one-hot target puts 1 on class 1 and 0 elsewhere; with epsilon 0.2 the smoothed target "
    "puts 0.85 on class 1 and 0.05 on each of the other three, still summing to 1.",
    caption="The smoothed target keeps 1 − ε + ε/k on the true class and gives ε/k to every "
    "class (here ε = 0.2, k = 4).",
)
def _label_smoothing(fig):
    ax = fig.subplots()
    one_hot = np.array([0.0, 1.0, 0.0, 0.0])
    smoothed = dlterms.smooth_labels(one_hot, label_smoothing=0.2)
    x = np.arange(4)
    ax.bar(x - 0.2, one_hot, width=0.4, color=MUTED, label="one-hot")
    bars = ax.bar(x + 0.2, smoothed, width=0.4, color=BLUE, label="smoothed, ε = 0.2")
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in smoothed], padding=2)
    ax.axhline(0.05, color=ORANGE, ls="--", lw=1.2, label="ε / k = 0.05")
    ax.set(
        xticks=x,
        xticklabels=["class 0", "class 1 (true)", "class 2", "class 3"],
        ylabel="target probability",
        ylim=(0, 1.15),
    )
    ax.legend(loc="upper right", fontsize=9)
