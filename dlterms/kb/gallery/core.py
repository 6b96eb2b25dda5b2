"""The figures themselves: one small drawing per entry, made with dlterms functions.

Register each with :func:`dlterms.kb.figures.figure`. Keep every drawing short,
computed by the reference functions (never by hand-written maths), and labelled
so it can be read without the page around it. Build-only: imports matplotlib.

The cache key of a figure covers its draw function, every helper of this module
that it calls (directly or through other helpers), and the source of each dlterms
module those functions call, so editing any of them redraws exactly the figures
that depend on it.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure

__all__: list[str] = []

INK = "#222222"  # text
EDGE = "#555555"  # cell borders
MUTED = "#9e9e9e"  # contrast curves, dropped units
PALE = "#e6e6e6"  # greyed-out cells


# --------------------------------------------------------------------------- helpers


def _tint(color: str, alpha: float = 0.25) -> str:
    """`color` (``#rrggbb``) made translucent, which reads as a light tint on white."""
    return f"{color}{round(alpha * 255):02x}"


def _num(value, fmt="g") -> str:
    """A number as text, with a real minus sign."""
    return format(value, fmt).replace("-", "−")


def _diagram(fig, xlim, ylim):
    """One axes for a drawing in data units: equal aspect, no frame, fixed limits."""
    ax = fig.subplots()
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    return ax


def _cells(ax, values, x, y, *, fmt="{:g}", face="white", ink=INK, bold=None, title=None):
    """Draw a 2-D array as unit squares with its numbers, top-left corner at (x, y)."""
    values = np.asarray(values)
    face = np.broadcast_to(np.asarray(face, dtype=object), values.shape)
    ink = np.broadcast_to(np.asarray(ink, dtype=object), values.shape)
    bold = np.broadcast_to(False if bold is None else bold, values.shape)
    rows, cols = np.indices(values.shape).reshape(2, -1)
    ax.bar(
        x + cols,
        1,
        width=1,
        bottom=y - rows - 1,
        align="edge",
        color=list(face.ravel()),
        edgecolor=EDGE,
        linewidth=0.8,
    )
    for (i, j), v in np.ndenumerate(values):
        weight = "bold" if bold[i, j] else "normal"
        ax.text(
            x + j + 0.5,
            y - i - 0.5,
            fmt.format(v),
            ha="center",
            va="center",
            fontsize=11,
            color=ink[i, j],
            fontweight=weight,
        )
    if title:
        ax.text(x + values.shape[1] / 2, y + 0.25, title, ha="center", va="bottom")


def _outline(ax, x, y, width, height, color):
    """A thick frame around the block of cells whose top-left corner is (x, y)."""
    ax.bar(
        x,
        height,
        width=width,
        bottom=y - height,
        align="edge",
        fill=False,
        edgecolor=color,
        linewidth=2.5,
    )


def _symbol(ax, x, y, text, size=16):
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK)


def _arrow(ax, start, end, label=None):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.4})
    if label:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.15)
        ax.text(*mid, label, ha="center", va="bottom", fontsize=9, family="monospace")


# --------------------------------------------------------------------------- activations


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


# --------------------------------------------------------------------------- losses


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
        xticklabels=[_num(e) for e in y_pred - y_true],
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


# --------------------------------------------------------------------------- metrics


def _heatmap(ax, counts, names=None):
    """A confusion matrix: rows true, columns predicted, counts (and names) in cells."""
    n = len(counts)
    ax.pcolormesh(
        counts, cmap="Blues", vmin=0, vmax=1.3 * counts.max(), edgecolors="white", linewidth=2
    )
    for (i, j), c in np.ndenumerate(counts):
        text = f"{names[i][j]}\n{c}" if names else f"{c}"
        ink = "white" if c > 0.6 * counts.max() else INK
        ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=12, color=ink)
    ticks = np.arange(n) + 0.5
    ax.set(
        xticks=ticks,
        xticklabels=range(n),
        yticks=ticks,
        yticklabels=range(n),
        xlabel="predicted class",
        ylabel="true class",
        aspect="equal",
    )
    ax.invert_yaxis()
    ax.grid(False)
    ax.tick_params(length=0)
    ax.spines[["left", "bottom"]].set_visible(False)


@figure(
    "confusion-matrix",
    alt="Two confusion matrices with true classes in rows and predicted classes in columns. "
    "Left, the binary example y = (1,1,1,1,0,0,0,0,0,0) against "
    "ŷ = (1,1,1,0,1,1,0,0,0,0): TN = 4 and FP = 2 in the row of class 0, FN = 1 and TP = 3 "
    "in the row of class 1. Right, three classes: 1, 1 and 2 on the diagonal and a single "
    "error, a true 1 predicted as 2, in row 1, column 2.",
    caption="Rows are true classes and columns predictions: the diagonal counts the right "
    "answers and every other cell is one kind of mistake.",
    size=(6.4, 3.0),
)
def _confusion_matrix(fig):
    left, right = fig.subplots(1, 2)
    binary = dlterms.confusion_matrix(
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    )
    _heatmap(left, binary, names=[["TN", "FP"], ["FN", "TP"]])
    _heatmap(right, dlterms.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1]))
    left.set_title("two classes")
    right.set_title("three classes")


def _threshold_sweep(fig, sigmoid, emphasis):
    """Scores of 30 synthetic examples, and the three metrics as the threshold moves.

    `emphasis` is the metric function drawn in bold.
    """
    rng = np.random.default_rng(24)
    y = np.repeat([1, 0], [12, 18])
    scores = sigmoid(np.where(y == 1, 1.0, -1.0) + rng.normal(0.0, 1.2, y.size))
    thresholds = np.linspace(0.0, 1.0, 401)
    metrics = {
        "accuracy": dlterms.accuracy_score,
        "precision": dlterms.precision_score,
        "recall": dlterms.recall_score,
    }
    colors = {"accuracy": GREEN, "precision": BLUE, "recall": ORANGE}
    emphasis = next(name for name, fn in metrics.items() if fn is emphasis)

    strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[1, 3.2])
    for label, fill in ((1, INK), (0, "white")):
        s = scores[y == label]
        strip.plot(s, np.full(s.size, label), "o", ms=5, color=INK, mfc=fill, ls="none")
    strip.set(yticks=[0, 1], yticklabels=["negative", "positive"], ylim=(-0.6, 1.6))
    strip.set_title("scores σ(logit) of 30 examples", fontsize=10)
    strip.grid(axis="y", visible=False)

    predictions = [(scores >= t).astype(int) for t in thresholds]
    for name, fn in metrics.items():
        # precision is 0/0 once nothing is predicted positive: leave a gap there
        values = [np.nan if name == "precision" and not p.any() else fn(y, p) for p in predictions]
        label, style = name, {"lw": 1.2, "alpha": 0.55}
        if name == emphasis:
            at_half = fn(y, (scores >= 0.5).astype(int))
            ax.plot(0.5, at_half, "o", color=colors[name], zorder=4)
            label, style = f"{name}: {at_half:.2f} at threshold 0.5", {"lw": 2.5, "zorder": 3}
        ax.plot(
            thresholds, values, color=colors[name], label=label, drawstyle="steps-post", **style
        )
    for a in (strip, ax):
        a.axvline(0.5, color=MUTED, lw=0.8, ls="--")
    ax.set(xlabel="threshold on the score", ylabel="metric", ylim=(-0.03, 1.08), xlim=(0, 1))
    ax.legend(loc="lower left")


@figure(
    "accuracy",
    alt="Top: the sigmoid scores of 12 positive examples (filled dots, 0.37 to 0.93) and 18 "
    "negative ones (hollow, 0.03 to 0.75), overlapping between about 0.35 and 0.75. "
    "Bottom: accuracy, precision and recall as the classification threshold sweeps from "
    "0 to 1, accuracy in bold: 0.4, the share of positives, at threshold 0, where "
    "everything is called positive; a peak of 0.83 near 0.4; 0.8 at threshold 0.5; and "
    "0.6, the share of negatives, once the threshold passes every score.",
    caption="Accuracy depends on where the score is cut, and at either extreme it drops to "
    "the share of one class, the score of always giving the same answer.",
    size=(6.4, 3.6),
)
def _accuracy(fig):
    _threshold_sweep(fig, dlterms.sigmoid, emphasis=dlterms.accuracy_score)


@figure(
    "precision",
    alt="Top: the sigmoid scores of 12 positive examples (filled dots, 0.37 to 0.93) and 18 "
    "negative ones (hollow, 0.03 to 0.75), overlapping between about 0.35 and 0.75. "
    "Bottom: accuracy, precision and recall as the classification threshold sweeps from "
    "0 to 1, precision in bold: 0.4 when everything is called positive, 0.75 at "
    "threshold 0.5, and 1 from 0.76 on, where only positives score that high; above the "
    "top score nothing is predicted positive and the curve stops.",
    caption="Raising the threshold makes positive predictions rarer but more trustworthy, "
    "so precision tends to rise while recall falls.",
    size=(6.4, 3.6),
)
def _precision(fig):
    _threshold_sweep(fig, dlterms.sigmoid, emphasis=dlterms.precision_score)


@figure(
    "recall",
    alt="Top: the sigmoid scores of 12 positive examples (filled dots, 0.37 to 0.93) and 18 "
    "negative ones (hollow, 0.03 to 0.75), overlapping between about 0.35 and 0.75. "
    "Bottom: accuracy, precision and recall as the classification threshold sweeps from "
    "0 to 1, recall in bold: 1 while the threshold is below every positive's score, "
    "0.75 at threshold 0.5, then stepping down to 0 as the threshold passes the "
    "positives one by one, while precision rises.",
    caption="Lowering the threshold catches more of the real positives, so recall climbs "
    "to 1, at the price of more false alarms.",
    size=(6.4, 3.6),
)
def _recall(fig):
    _threshold_sweep(fig, dlterms.sigmoid, emphasis=dlterms.recall_score)


# --------------------------------------------------------------------------- tensors and data


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
    ax = _diagram(fig, xlim=(-1.8, 8.2), ylim=(-0.2, 6.4))
    names = ["cat", "dog", "lizard"]
    labels = np.array([1, 0, 2, 1])
    encoded = dlterms.one_hot(labels, n_classes=3)
    _cells(ax, labels[:, None], 0, 4, fmt="{:d}", face=_tint(PURPLE, 0.2), title="label")
    for i, label in enumerate(labels):
        ax.text(-0.2, 3.5 - i, names[label], ha="right", va="center", color=INK)
    _arrow(ax, (1.3, 2), (3.7, 2), label="one_hot")
    hot = encoded == 1
    _cells(
        ax,
        encoded,
        4,
        4,
        fmt="{:.0f}",
        face=np.where(hot, _tint(BLUE, 0.35), "white"),
        ink=np.where(hot, INK, MUTED),
        bold=hot,
    )
    ax.text(5.5, 5.75, "one-hot rows", ha="center", va="bottom")
    for c, name in enumerate(names):
        ax.text(4.5 + c, 4.85, f"{name}\n{c}", ha="center", va="bottom", fontsize=9, color=INK)


@figure(
    "broadcasting",
    alt="A column a = (1, 2, 3) of shape (3, 1) and a row b = (10, 20, 30, 40) of shape "
    "(1, 4) are each stretched, by faded repeated copies, to the broadcast shape (3, 4); "
    "their sum a + b has the rows (11, 21, 31, 41), (12, 22, 32, 42) and (13, 23, 33, 43).",
    caption="Broadcasting repeats size-1 axes virtually, so a (3, 1) column and a (1, 4) "
    "row combine into a (3, 4) result without copying any data.",
    size=(6.4, 2.4),
)
def _broadcasting(fig):
    ax = _diagram(fig, xlim=(-0.2, 14.2), ylim=(-0.2, 4.0))
    a, b = np.array([[1], [2], [3]]), np.array([[10, 20, 30, 40]])
    shape = dlterms.broadcast_shapes(a.shape, b.shape)
    cols, rows = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]))
    for x0, name, arr, real, color in (
        (0, "a", a, cols == 0, PURPLE),
        (5, "b", b, rows == 0, GREEN),
    ):
        face = np.where(real, _tint(color, 0.45), _tint(color, 0.08))
        _cells(
            ax,
            np.broadcast_to(arr, shape),
            x0,
            3,
            face=face,
            ink=np.where(real, INK, MUTED),
            title=f"{name}: {arr.shape} → {shape}",
        )
    _symbol(ax, 4.5, 1.5, "+")
    _symbol(ax, 9.5, 1.5, "=")
    _cells(
        ax,
        np.broadcast_to(a, shape) + np.broadcast_to(b, shape),
        10,
        3,
        face=_tint(BLUE, 0.2),
        title=f"a + b: {shape}",
    )


# --------------------------------------------------------------------------- layers


@figure(
    "convolutional-operation",
    alt="A 3 × 3 input holding 0 to 8, a 2 × 2 kernel (0, 1; 2, 3) and the 2 × 2 output "
    "(19, 25; 37, 43). The top-left input window (0, 1; 3, 4) and the output 19 are "
    "highlighted, with the sum 0·0 + 1·1 + 3·2 + 4·3 = 19 written below.",
    caption="Each output value is the sum of the kernel times the input window under it; "
    "sliding the window one step gives the next value.",
    size=(6.4, 3.0),
)
def _convolution(fig):
    ax = _diagram(fig, xlim=(-0.2, 10.2), ylim=(-1.4, 3.9))
    x = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[0.0, 1.0], [2.0, 3.0]])
    out = dlterms.conv2d(x[None, None], kernel[None, None])[0, 0]
    window = np.zeros((3, 3), bool)
    window[:2, :2] = True
    _cells(ax, x, 0, 3, face=np.where(window, _tint(ORANGE, 0.3), "white"), title="input")
    _outline(ax, 0, 3, 2, 2, ORANGE)
    _symbol(ax, 3.75, 1.5, "⋆", size=30)
    _cells(ax, kernel, 4.5, 2.5, face=_tint(BLUE, 0.2), title="kernel")
    _symbol(ax, 7.25, 1.5, "=")
    first = np.zeros((2, 2), bool)
    first[0, 0] = True
    _cells(ax, out, 8, 2.5, face=np.where(first, _tint(ORANGE, 0.3), "white"), title="output")
    _outline(ax, 8, 2.5, 1, 1, ORANGE)
    terms = " + ".join(
        f"{v:g}·{k:g}" for v, k in zip(x[:2, :2].ravel(), kernel.ravel(), strict=True)
    )
    ax.text(5, -0.8, f"{terms} = {out[0, 0]:g}", ha="center", va="center", fontsize=12, color=INK)


@figure(
    "pooling",
    alt="A 4 × 4 input (1, 3, 2, 0; 4, 6, 5, 1; 0, 2, 7, 8; 3, 1, 4, 9) split into four "
    "coloured 2 × 2 windows, the largest value of each in bold. Max pooling keeps 6, 5, 3 "
    "and 9; average pooling gives 3.5, 2, 1.5 and 7, each output cell in its window's "
    "colour.",
    caption="Pooling sums up each window by one number, its largest value or its mean; "
    "2 × 2 windows with stride 2 halve the height and the width.",
    size=(6.4, 3.0),
)
def _pooling(fig):
    ax = _diagram(fig, xlim=(-0.2, 11.7), ylim=(-0.2, 4.9))
    x = np.array([[1.0, 3, 2, 0], [4, 6, 5, 1], [0, 2, 7, 8], [3, 1, 4, 9]])
    largest = dlterms.max_pool2d(x[None, None], 2)[0, 0]
    mean = dlterms.avg_pool2d(x[None, None], 2)[0, 0]
    colors = np.array([[BLUE, ORANGE], [GREEN, PURPLE]], dtype=object)
    tints = np.vectorize(_tint, otypes=[object])(colors, 0.3)
    is_max = x == np.kron(largest, np.ones((2, 2)))
    _cells(ax, x, 0, 4, face=np.kron(tints, np.ones((2, 2), int)), bold=is_max, title="input")
    for i, j in np.ndindex(2, 2):
        _outline(ax, 2 * j, 4 - 2 * i, 2, 2, colors[i, j])
    _arrow(ax, (4.3, 2), (5.8, 2), label="2×2")
    _cells(ax, largest, 6, 3, face=tints, bold=True, title="max pool")
    _cells(ax, mean, 9.5, 3, face=tints, title="average pool")


@figure(
    "dropout-regularization",
    alt="Left: a 4 × 6 grid of activations with values from 1 to 4, mean 2.25. Right: the "
    "output of dropout with rate 0.5 and a fixed seed: 11 of the 24 units are dropped, "
    "shown as grey 0 cells, and the 13 kept ones are doubled (1 becomes 2, 3 becomes 6, "
    "4 becomes 8); the mean is 2.50, equal to the input's in expectation.",
    caption="Dropout zeroes each unit with probability 0.5 and doubles the survivors, so "
    "the expected value of every activation stays the same.",
    size=(6.4, 2.6),
)
def _dropout(fig):
    ax = _diagram(fig, xlim=(-0.2, 14.2), ylim=(-1.2, 5.0))
    x = np.random.default_rng(5).integers(1, 5, size=(4, 6)).astype(float)
    y = dlterms.dropout(x, 0.5, rng=7)
    kept = y != 0
    _cells(ax, x, 0, 4, face=_tint(BLUE, 0.2), title=f"activations x, mean {x.mean():.2f}")
    _arrow(ax, (6.2, 2), (7.8, 2), label="rate 0.5")
    _cells(
        ax,
        y,
        8,
        4,
        face=np.where(kept, _tint(GREEN, 0.35), PALE),
        ink=np.where(kept, INK, MUTED),
        title=f"dropout(x), mean {y.mean():.2f}",
    )
    note = f"{kept.sum()} kept, scaled by 1/(1 − 0.5) = 2;  {(~kept).sum()} dropped to 0"
    ax.text(11, -0.3, note, ha="center", va="top", fontsize=9, color=INK)


@figure(
    "batch-normalization",
    alt="Left: histograms of two features of a batch of 400 examples on very different "
    "scales: feature 1 around 40.4 with standard deviation 7.7, feature 2 skewed to the "
    "right, around 3.1 with standard deviation 2.3. Right: after batch_norm both have "
    "mean 0.0 and standard deviation 1.0 and overlap on the same scale; feature 2 is "
    "still skewed.",
    caption="Batch normalisation shifts and scales every feature to mean 0 and standard "
    "deviation 1 over the batch, without changing the shape of its distribution.",
)
def _batch_norm(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(11)
    x = np.column_stack([rng.normal(40.0, 8.0, 400), rng.gamma(2.0, 1.5, 400)])
    y = dlterms.batch_norm(x)
    for ax, data, title in ((left, x, "before"), (right, y, "after batch_norm")):
        for f, name, color in ((data[:, 0], "feature 1", BLUE), (data[:, 1], "feature 2", ORANGE)):
            mean, sd = round(f.mean(), 1) + 0.0, f.std()  # + 0.0: no "-0.0"
            ax.hist(
                f, bins=20, color=color, alpha=0.6, label=f"{name}: mean {mean:.1f}, sd {sd:.1f}"
            )
        ax.set(xlabel="value", title=title)
        ax.set_axisbelow(True)
        ax.set_ylim(top=ax.get_ylim()[1] * 1.35)
        ax.legend(loc="upper right", fontsize=9)
    left.set_ylabel("examples")


# --------------------------------------------------------------------------- optimisation


def _descent_panel(ax, curvature, path, title):
    """Contours of L(w) = c₁w₁² + c₂w₂² under a gradient-descent path on it."""
    w1, w2 = np.meshgrid(np.linspace(-5, 5, 121), np.linspace(-3, 3, 81))
    levels = [1, 4, 9, 16, 25, 36]
    ax.contour(
        w1,
        w2,
        curvature[0] * w1**2 + curvature[1] * w2**2,
        levels=levels,
        colors=MUTED,
        linewidths=0.8,
    )
    ax.plot(path[:, 0], path[:, 1], "o-", color=ORANGE, ms=4, lw=1.5, label="iterates")
    ax.plot(*path[0], "s", color=ORANGE, mfc="white", mew=1.5, ms=7, label="start")
    ax.plot(0, 0, "*", color=INK, ms=10, label="minimum")
    ax.set(xlabel="w₁", ylabel="w₂", aspect="equal", title=title, xlim=(-5, 5), ylim=(-3, 3))


@figure(
    "gradient-descent",
    alt="Left: circular contours of L = w₁² + w₂² with gradient-descent iterates from "
    "(4, −2) at learning rate 0.25: (2, −1), (1, −0.5), (0.5, −0.25) and on, halving the "
    "distance to the minimum at the origin every step. Right: elliptical contours of the "
    "narrow valley L = w₁² + 8w₂², where iterates from (4, 2) at learning rate 0.1 zigzag "
    "across the valley while creeping along it towards the origin.",
    caption="Gradient descent steps straight downhill, across the contour lines: on a "
    "round bowl it heads for the minimum, in a narrow valley it zigzags.",
    size=(6.4, 2.7),
)
def _gradient_descent(fig):
    left, right = fig.subplots(1, 2)
    for ax, c, eta, start, steps in (
        (left, np.array([1.0, 1.0]), 0.25, [4.0, -2.0], 6),
        (right, np.array([1.0, 8.0]), 0.1, [4.0, 2.0], 12),
    ):
        path = dlterms.gradient_descent(
            lambda w, c=c: 2 * c * w, np.array(start), learning_rate=eta, n_steps=steps
        )
        title = f"L = w₁² + {c[1]:g}w₂², η = {eta:g}".replace(" 1w", " w")
        _descent_panel(ax, c, path, title)
    left.legend(loc="lower left", fontsize=9, frameon=True, facecolor="white", edgecolor="none")


@figure(
    "learning-rate",
    alt="Gradient descent on L(x) = x² from x = 4 with three learning rates. Left, the "
    "first 6 steps on the parabola: η = 0.05 creeps down one side (4, 3.6, 3.24, …); η "
    "= 0.35 reaches the bottom in a few steps (4, 1.2, 0.36, …); η = 1.05 overshoots, "
    "jumping from side to side further each time (4, −4.4, 4.84, −5.32, …). Right, the "
    "loss per step on a log scale over 12 steps: from 16 down to 1.3, down below 0.0001 "
    "after 5 steps, and up to 158.",
    caption="Too small a learning rate wastes steps, a good one converges fast, and one "
    "above 2 / curvature (here 1) overshoots further at every step and diverges.",
    size=(6.4, 3.5),
)
def _learning_rate(fig):
    left, right = fig.subplots(1, 2)
    x = np.linspace(-7.5, 7.5, 301)
    left.plot(x, x**2, color=MUTED, lw=1.2)
    rates = ((0.05, "too small", BLUE), (0.35, "good", GREEN), (1.05, "too large", RED))
    for eta, word, color in rates:
        path = dlterms.gradient_descent(lambda x: 2 * x, 4.0, learning_rate=eta, n_steps=12)
        label = f"η = {eta:g} ({word})"
        left.plot(path[:7], path[:7] ** 2, "o-", color=color, ms=4, lw=1.2, label=label)
        right.plot(np.arange(path.size), path**2, "o-", color=color, ms=3, label=label)
    left.set(xlabel="x", ylabel="loss L(x) = x²", title="first 6 steps", ylim=(-2, 58))
    right.set(xlabel="step", ylabel="loss", yscale="log", ylim=(1e-4, 1e3), xticks=range(0, 13, 2))
    right.set_title("loss per step")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=3)


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


# --------------------------------------------------------------------------- more terms


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


@figure(
    "downsampling",
    alt="Three greyscale images. A 16 × 16 input shows a disc filled with one-pixel-wide "
    "vertical stripes; after 2 × 2 average pooling it is 8 × 8, the disc still visible "
    "but the stripes merged into a flat grey; after a second pooling it is 4 × 4, only "
    "a blurred blob where the disc was.",
    caption="Each 2 × 2 pooling step halves the height and the width, keeping the coarse "
    "shape of an image and losing its fine detail.",
    size=(6.4, 2.6),
)
def _downsampling(fig):
    axes = fig.subplots(1, 3)
    i, j = np.indices((16, 16)) - 7.5
    stripes = np.indices((16, 16))[1] % 2  # fine detail: one-pixel stripes
    image = np.where(np.hypot(i, j) < 6.5, 0.3 + 0.7 * stripes, 0.0)  # coarse shape: a disc
    maps = [image[None, None]]
    for _ in range(2):
        maps.append(dlterms.avg_pool2d(maps[-1], 2))
    for ax, m in zip(axes, maps, strict=True):
        n = m.shape[-1]
        ax.imshow(m[0, 0], cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax.set(xticks=[], yticks=[], title=f"{n} × {n}")
        ax.grid(False)
        ax.spines[:].set_visible(True)
        ax.spines[:].set_color(MUTED)
    half = dlterms.conv2d_output_size(16, 2, stride=2)
    axes[1].set_xlabel(f"avg_pool2d, 2 × 2: 16 → {half}")
    axes[2].set_xlabel(f"again: {half} → {dlterms.conv2d_output_size(half, 2, stride=2)}")
    axes[0].set_xlabel("input")


@figure(
    "prediction-bias",
    alt="Left: predictions against true values for 30 examples and two models, with the "
    "diagonal ŷ = y. The noisy model scatters widely on both sides of the diagonal, "
    "bias −0.09; the shifted model lies close to the diagonal but above it everywhere, "
    "bias +0.89. Right: each model's errors ŷ − y on a line, with a bar at their mean: "
    "the noisy model's errors run from about −2.5 to 2.5 but average −0.09, the shifted "
    "model's all lie between about 0.2 and 1.5 and average +0.89.",
    caption="Prediction bias is the average error: a model can miss every example and still "
    "be unbiased, or be precise and yet shifted.",
)
def _prediction_bias(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(8)
    y = rng.uniform(1.0, 9.0, 30)
    models = (
        ("noisy", y + rng.normal(0.0, 1.0, y.size), BLUE, "o"),
        ("shifted", y + 0.8 + rng.normal(0.0, 0.3, y.size), ORANGE, "s"),
    )
    left.plot([0, 10], [0, 10], color=MUTED, lw=1, ls="--", label="ŷ = y")
    for row, (name, y_pred, color, marker) in enumerate(models):
        bias = dlterms.prediction_bias(y, y_pred)
        label = f"{name}: bias {_num(bias, '+.2f')}"
        left.plot(y, y_pred, marker, color=color, ms=4, ls="none", label=label)
        right.plot(y_pred - y, np.full(y.size, row), marker, color=color, ms=5, alpha=0.6)
        right.plot(bias, row, "|", color=INK, ms=22, mew=2.5)
        right.annotate(
            f"bias {_num(bias, '+.2f')}",
            (bias, row),
            xytext=(0, 14),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    left.set(
        xlabel="true value y", ylabel="prediction ŷ", xlim=(0, 10), ylim=(0, 10), aspect="equal"
    )
    left.legend(loc="upper left", fontsize=9)
    right.axvline(0, color=MUTED, lw=1, ls="--")
    right.set(
        yticks=[0, 1],
        yticklabels=[m[0] for m in models],
        ylim=(-0.6, 1.8),
        xlabel="error ŷ − y of each example",
        title="the bias is the mean error",
    )
    right.grid(axis="y", visible=False)


@figure(
    "bias-math",
    alt="Left: the output z = 0.5·x + b of one dense unit for the biases 1.5, 0 and −1: "
    "three parallel lines, crossing x = 0 at 1.5, 0 and −1; only the one without a bias "
    "passes through the origin. Right: the same units after a ReLU: each is 0 up to a "
    "kink and rises after it, the kink at x = −3, 0 and 2 respectively.",
    caption="The bias shifts a unit's weighted sum up or down, and after a ReLU it moves "
    "the input at which the unit switches on.",
)
def _bias(fig):
    left, right = fig.subplots(1, 2, sharey=True)
    x = np.linspace(-4, 4, 161)[:, None]  # one input feature
    weight = np.array([[0.5]])  # one unit, weight 0.5
    for b, color in ((1.5, ORANGE), (0.0, BLUE), (-1.0, GREEN)):
        z = dlterms.dense(x, weight, [b])[:, 0]
        label = f"b = {_num(b)}" + (" (no bias)" if b == 0 else "")
        left.plot(x, z, color=color, label=label)
        left.plot(0, dlterms.dense([0.0], weight, [b])[0], "o", color=color)
        right.plot(x, dlterms.relu(z), color=color, label=label)
    left.set(xlabel="input x", ylabel="unit output", title="z = 0.5·x + b")
    right.set(xlabel="input x", title="ReLU(0.5·x + b)")
    left.legend(loc="upper left", fontsize=9)


@figure(
    "layer",
    alt="A diagram of a dense layer with 3 inputs and 2 units, with the input x = (1, 0, "
    "2). Every input is joined to every unit by a line labelled with its weight: 1 and "
    "0 from the first input, 2 and 1 from the second, 0 and −1 from the third. With "
    "biases 0 and 1 the units compute z = (1, −1), and a ReLU turns that into the "
    "output (1, 0).",
    caption="A dense layer connects every input to every unit: each unit adds up the inputs "
    "times its own weights, adds its bias, and passes the sum through an activation.",
    size=(6.4, 3.0),
)
def _layer(fig):
    ax = _diagram(fig, xlim=(-1.2, 7.6), ylim=(-0.3, 3.0))
    x = np.array([1.0, 0.0, 2.0])
    weight = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, -1.0]])
    bias = np.array([0.0, 1.0])
    z = dlterms.dense(x, weight, bias)
    out = dlterms.relu(z)
    inputs, units = np.array([2.2, 1.2, 0.2]), np.array([1.7, 0.7])
    for k, j in np.ndindex(weight.shape):
        w = weight[k, j]
        color = BLUE if w > 0 else RED if w < 0 else MUTED
        ax.plot(
            [0, 3],
            [inputs[k], units[j]],
            color=color,
            lw=1 + abs(w),
            alpha=0.7,
            ls="-" if w else ":",
        )
        tx, ty = 0.9, inputs[k] + 0.3 * (units[j] - inputs[k])
        ax.text(
            tx,
            ty,
            _num(w),
            ha="center",
            va="center",
            fontsize=9,
            color=color,
            bbox={"fc": "white", "ec": "none", "pad": 0.5},
        )
    for j in range(2):
        ax.annotate(
            "",
            xy=(5.4, units[j]),
            xytext=(3.35, units[j]),
            arrowprops={"arrowstyle": "->", "color": INK},
        )
        ax.text(4.35, units[j] + 0.12, "ReLU", ha="center", va="bottom", fontsize=9)
        ax.text(3, units[j] - 0.42, f"b = {bias[j]:g}", ha="center", va="top", fontsize=9)
    for xs, ys, values in ((0, inputs, x), (3, units, z), (5.75, units, out)):
        ax.plot(np.full(len(ys), xs), ys, "o", ms=26, mfc="white", mec=INK, mew=1.2)
        for yv, v in zip(ys, values, strict=True):
            ax.text(xs, yv, _num(v), ha="center", va="center", fontsize=11)
    for xs, text in ((0, "input x"), (3, "z = xW + b"), (5.75, "output")):
        ax.text(xs, 2.75, text, ha="center", va="bottom", fontsize=10)
