"""Figures for dlterms.metrics: the confusion matrix and the scores read from it,
thresholds, ROC curves, baselines, decision boundaries and bounding boxes.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED, num, shade_regions

__all__: list[str] = []


# --------------------------------------------------------------------------- confusion matrix


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
        label = f"{name}: bias {num(bias, '+.2f')}"
        left.plot(y, y_pred, marker, color=color, ms=4, ls="none", label=label)
        right.plot(y_pred - y, np.full(y.size, row), marker, color=color, ms=5, alpha=0.6)
        right.plot(bias, row, "|", color=INK, ms=22, mew=2.5)
        right.annotate(
            f"bias {num(bias, '+.2f')}",
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


OUTCOME_COLORS = {"TP": GREEN, "FN": ORANGE, "FP": RED, "TN": BLUE}


def _scored_examples(n_pos, n_neg, separation, seed):
    """Labels (positives first) and sigmoid scores of two overlapping classes."""
    rng = np.random.default_rng(seed)
    y = np.repeat([1, 0], [n_pos, n_neg])
    logits = np.where(y == 1, separation / 2, -separation / 2) + rng.normal(0.0, 1.0, y.size)
    return y, dlterms.sigmoid(logits)


# --------------------------------------------------------------------------- scores


@figure(
    "roc-curve",
    alt="Left: histograms of the scores of a strong model on 60 negatives (blue, mostly "
    "below 0.5) and 30 positives (orange, mostly above), overlapping between about 0.3 and "
    "0.8; a dashed line at threshold 0.5 gives TPR 0.83 and FPR 0.07. Right: ROC curves, "
    "true positive rate against false positive rate, from (0, 0) to (1, 1): the strong "
    "model (green, AUC 0.95) climbs steeply towards the top-left corner and passes the "
    "marked point (0.07, 0.83) of threshold 0.5; a weak model (purple, AUC 0.77) rises "
    "more slowly; the dashed diagonal is chance, AUC 0.5.",
    caption="Each threshold gives one (false positive rate, true positive rate) point; the "
    "ROC curve joins them, and the area under it measures how well the scores rank "
    "positives above negatives.",
    size=(6.4, 3.4),
)
def _roc_curve(fig):
    left, right = fig.subplots(1, 2, width_ratios=[1.15, 1])
    y, good = _scored_examples(30, 60, 2.0, seed=5)
    _, weak = _scored_examples(30, 60, 0.8, seed=6)
    bins = np.linspace(0.0, 1.0, 21)
    left.hist(good[y == 0], bins, color=BLUE, alpha=0.6, label="negatives")
    left.hist(good[y == 1], bins, color=ORANGE, alpha=0.6, label="positives")
    t = 0.5
    y_hat = dlterms.apply_threshold(good, threshold=t)
    fpr_t = dlterms.false_positive_rate(y, y_hat)
    tpr_t = dlterms.true_positive_rate(y, y_hat)
    left.axvline(t, color=INK, lw=1.2, ls="--")
    left.text(
        t + 0.02,
        0.97,
        f"t = {t:g}\nTPR = {tpr_t:.2f}\nFPR = {fpr_t:.2f}",
        va="top",
        transform=left.get_xaxis_transform(),
        fontsize=9,
    )
    left.set(xlabel="score of the strong model", ylabel="examples", xlim=(0, 1))
    left.legend(loc="upper left", fontsize=9)

    right.plot([0, 1], [0, 1], color=MUTED, ls="--", lw=1.2, label="chance (AUC 0.50)")
    for scores, name, color in ((good, "strong", GREEN), (weak, "weak", PURPLE)):
        fpr, tpr, _ = dlterms.roc_curve(y, scores)
        auc = dlterms.roc_auc_score(y, scores)
        right.plot(fpr, tpr, color=color, label=f"{name} (AUC {auc:.2f})")
    right.plot(fpr_t, tpr_t, "o", color=INK, ms=6, zorder=4)
    right.annotate(
        f"t = {t:g}", (fpr_t, tpr_t), xytext=(8, -14), textcoords="offset points", fontsize=9
    )
    right.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        xlim=(0, 1),
        ylim=(0, 1.02),
        aspect="equal",
    )
    right.legend(loc="lower right", fontsize=8.5)


@figure(
    "precision-recall-curve",
    alt="Precision against recall for two models scoring 30 positives among 90 examples. "
    "The strong model (green, average precision 0.89) keeps precision above 0.85 up to "
    "recall 0.7 and then falls towards 0.33; the weak model (purple, average precision "
    "0.72) starts at 1 but is down to about 0.63 by recall 0.63. Both curves zig-zag, "
    "and both end at recall 1 with precision 0.33, the share of positives, which the "
    "dashed horizontal line marks as the level of random scores.",
    caption="Each threshold gives one (recall, precision) point. Random scores give a "
    "flat line at the share of positives, not a diagonal.",
    size=(4.6, 3.8),
)
def _precision_recall_curve(fig):
    ax = fig.subplots()
    y, good = _scored_examples(30, 60, 2.0, seed=5)
    _, weak = _scored_examples(30, 60, 0.8, seed=6)
    share = y.mean()
    ax.axhline(share, color=MUTED, ls="--", lw=1.2, label=f"random scores ({share:.2f})")
    for scores, name, color in ((good, "strong", GREEN), (weak, "weak", PURPLE)):
        precision, recall, _ = dlterms.precision_recall_curve(y, scores)
        ap = dlterms.average_precision_score(y, scores)
        ax.plot(recall, precision, color=color, lw=1.4, label=f"{name} (AP {ap:.2f})")
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.05))
    ax.legend(loc="lower left", fontsize=9)


@figure(
    "average-precision",
    alt="A precision-recall curve of 90 examples, 30 of them positive, drawn as points "
    "joined by thin lines, with the area under it shaded as a staircase: each step spans "
    "the recall gained at one threshold and has the height of the precision there. The "
    "shaded area is 0.89, the average precision; the curve starts at recall 0 with "
    "precision 1 and ends at recall 1 with precision 0.33.",
    caption="The shaded staircase is the area that average precision sums: each gain in "
    "recall times the precision at which it was made.",
    size=(4.6, 3.8),
)
def _average_precision(fig):
    ax = fig.subplots()
    y, scores = _scored_examples(30, 60, 2.0, seed=5)
    precision, recall, _ = dlterms.precision_recall_curve(y, scores)
    ap = dlterms.average_precision_score(y, scores)
    # Ordered by rising recall, precision[j] holds on (recall[j - 1], recall[j]].
    r, p = recall[::-1], precision[::-1]
    ax.fill_between(r, p, step="pre", color=ORANGE, alpha=0.35, label=f"steps: area {ap:.2f}")
    ax.step(r, p, where="pre", color=ORANGE, lw=1.2)
    ax.plot(r, p, "o-", color=INK, ms=2.5, lw=0.6, label="curve points")
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1.02), ylim=(0, 1.05))
    ax.legend(loc="lower left", fontsize=9)


@figure(
    "calibration",
    alt="Reliability diagram: the fraction of positives against the mean predicted "
    "probability in 10 equal-width bins, for 2,000 examples. The dashed diagonal is "
    "perfect calibration. A calibrated model (green, ECE 0.02) follows the diagonal; an "
    "over-confident model (red, ECE 0.16) lies above the diagonal at low predictions and "
    "below it at high ones: its predictions near 0.98 come true only about 82% of the "
    "time and those near 0.02 about 18% of the time. Grey bars show the gap of the "
    "over-confident model in each bin.",
    caption="Bin the predictions, then compare the mean prediction with how often the "
    "event happened. The weighted mean of the gaps is the expected calibration error.",
    size=(4.6, 4.2),
)
def _calibration(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(7)
    p = rng.uniform(0.02, 0.98, 2000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    over = dlterms.sigmoid(3.0 * np.log(p / (1 - p)))  # the logits tripled
    ax.plot([0, 1], [0, 1], color=MUTED, ls="--", lw=1.2, label="perfectly calibrated")
    for probs, name, color in ((p, "calibrated", GREEN), (over, "over-confident", RED)):
        prob_true, prob_pred = dlterms.calibration_curve(y, probs, n_bins=10)
        ece = dlterms.expected_calibration_error(y, probs, n_bins=10)
        ax.plot(prob_pred, prob_true, "o-", color=color, ms=4, label=f"{name} (ECE {ece:.2f})")
    ax.vlines(prob_pred, prob_pred, prob_true, color=MUTED, lw=4, alpha=0.5)
    ax.set(
        xlabel="mean predicted probability",
        ylabel="fraction of positives",
        xlim=(0, 1),
        ylim=(0, 1),
        aspect="equal",
    )
    ax.legend(loc="upper left", fontsize=8.5)


@figure(
    "classification-threshold",
    alt="Top: the scores of 12 positive and 24 negative examples on a line from 0 to 1, "
    "split by a dashed threshold at 0.5 and coloured by outcome: 11 true positives above "
    "it, 1 false negative (a positive at 0.24) below it, 3 false positives (negatives "
    "just above 0.5) and 21 true negatives. Bottom: precision and recall as the threshold "
    "moves from 0 to 1. Recall starts at 1 and steps down to 0 by 0.9; precision starts "
    "at 0.33, the share of positives, and rises to 1 from about 0.55. At 0.5 precision is "
    "0.79 and recall 0.92.",
    caption="The threshold splits the scores into predicted classes; raising it trades recall "
    "for precision.",
    size=(6.4, 3.8),
)
def _classification_threshold(fig):
    strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[1.1, 2.6])
    y, scores = _scored_examples(12, 24, 1.4, seed=11)
    t = 0.5
    y_hat = dlterms.apply_threshold(scores, threshold=t)
    tp, fp, fn, tn = dlterms.confusion_counts(y, y_hat)
    outcomes = {
        "TP": (y == 1) & (y_hat == 1),
        "FN": (y == 1) & (y_hat == 0),
        "FP": (y == 0) & (y_hat == 1),
        "TN": (y == 0) & (y_hat == 0),
    }
    for (name, mask), count in zip(outcomes.items(), (tp, fn, fp, tn), strict=True):
        strip.plot(
            scores[mask],
            y[mask],
            "o",
            color=OUTCOME_COLORS[name],
            ms=6,
            ls="none",
            label=f"{name} = {count}",
        )
    strip.axvline(t, color=INK, lw=1.2, ls="--")
    strip.set(yticks=[0, 1], yticklabels=["negative", "positive"], ylim=(-0.6, 1.6))
    strip.grid(axis="y", visible=False)
    strip.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8.5, handletextpad=0.2)
    strip.set_title(f"scores of 36 examples, threshold t = {t:g}", fontsize=10)

    thresholds = np.linspace(0.0, 1.0, 401)
    precision, recall, _ = dlterms.threshold_sweep(y, scores, thresholds)
    shown = thresholds <= scores.max()  # above the top score nothing is positive
    ax.plot(thresholds[shown], precision[shown], color=BLUE, label="precision")
    ax.plot(thresholds, recall, color=ORANGE, label="recall")
    p_t, r_t, _ = dlterms.threshold_sweep(y, scores, [t])
    ax.plot([t, t], [p_t[0], r_t[0]], "o", color=INK, ms=5, zorder=4)
    ax.axvline(t, color=INK, lw=1.2, ls="--")
    ax.text(
        t + 0.03,
        0.08,
        f"at t = {t:g}:\nprecision {p_t[0]:.2f}\nrecall {r_t[0]:.2f}",
        va="bottom",
        fontsize=9,
    )
    ax.set(xlabel="classification threshold t", ylabel="metric", xlim=(0, 1), ylim=(-0.03, 1.05))
    ax.legend(loc="lower left", fontsize=9)


@figure(
    "f1-score",
    alt="Grouped bars of precision, recall, their arithmetic mean (hatched) and F1 for "
    "three classifiers on 20 positives and 80 negatives. Balanced (TP 15, FP 5): all four "
    "are 0.75. Cautious (TP 2, FP 0): precision 1.00, recall 0.10, mean 0.55, F1 0.18. "
    "Flags everything (TP 20, FP 80): precision 0.20, recall 1.00, mean 0.60, F1 0.33.",
    caption="The F1 score is the harmonic mean of precision and recall, so it stays close to "
    "the smaller of the two: a model cannot buy a high F1 with one of them alone.",
    size=(6.4, 3.4),
)
def _f1_score(fig):
    ax = fig.subplots()
    y = np.repeat([1, 0], [20, 80])
    found = {"balanced": (15, 5), "cautious": (2, 0), "flags everything": (20, 80)}
    metrics = {"precision": BLUE, "recall": ORANGE, "arithmetic mean": MUTED, "F1": GREEN}
    width = 0.2
    for k, (tp, fp) in enumerate(found.values()):
        y_hat = np.zeros_like(y)
        y_hat[:tp] = 1  # tp of the 20 positives found
        y_hat[20 : 20 + fp] = 1  # fp of the 80 negatives flagged
        p = dlterms.precision_score(y, y_hat)
        r = dlterms.recall_score(y, y_hat)
        values = (p, r, (p + r) / 2, dlterms.f1_score(y, y_hat))
        for j, ((metric, color), v) in enumerate(zip(metrics.items(), values, strict=True)):
            x = k + (j - 1.5) * width
            hatch = "//" if metric == "arithmetic mean" else None
            ax.bar(
                x,
                v,
                width * 0.9,
                color=color,
                hatch=hatch,
                edgecolor="white",
                label=metric if k == 0 else None,
            )
            ax.text(x, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(found)))
    ax.set_xticklabels([f"{name}\nTP = {tp}, FP = {fp}" for name, (tp, fp) in found.items()])
    ax.set(ylabel="score", ylim=(0, 1.15), title="20 positives, 80 negatives")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", ncols=4, fontsize=8.5)


# --------------------------------------------------------------------------- data sets


@figure(
    "class-imbalanced-dataset",
    alt="Two bar charts of class counts. Left, match winner: home 510 (51%) and away "
    "490 (49%), imbalance ratio 1.04; always answering home gives accuracy 0.51. Right, "
    "disease screening: healthy 990 (99%) and ill 10 (1%), a barely visible bar; "
    "imbalance ratio 99; always answering healthy gives accuracy 0.99.",
    caption="A near-even split is fine; when one class dwarfs the other, always predicting "
    "the majority class already scores a high accuracy.",
    size=(6.4, 3.0),
)
def _class_imbalanced_dataset(fig):
    axes = fig.subplots(1, 2, sharey=True)
    data = (
        ("match winner", ["home", "away"], np.repeat(["home", "away"], [510, 490])),
        ("disease screening", ["healthy", "ill"], np.repeat(["healthy", "ill"], [990, 10])),
    )
    for ax, (title, order, y) in zip(axes, data, strict=True):
        labels, counts, fractions = dlterms.class_balance(y)
        position = {label: order.index(label) for label in labels.tolist()}
        xs = [position[label] for label in labels.tolist()]
        ax.bar(xs, counts, 0.6, color=[BLUE if x == 0 else ORANGE for x in xs])
        for x, c, f in zip(xs, counts, fractions, strict=True):
            ax.text(x, c + 15, f"{c} ({f:.0%})", ha="center", va="bottom", fontsize=9)
        baseline = dlterms.majority_class_predict(y, y.size)
        ratio = dlterms.imbalance_ratio(y)
        accuracy = dlterms.accuracy_score(y, baseline)
        ax.set_title(f"{title}\nimbalance ratio {ratio:.2f}", fontsize=10)
        ax.text(
            0.75,
            0.62,
            f"always '{baseline[0]}':\naccuracy {accuracy:.2f}",
            ha="center",
            va="bottom",
            transform=ax.transAxes,
            fontsize=9,
            color=INK,
        )
        ax.set(xticks=[0, 1], xticklabels=order, xlim=(-0.6, 1.6), ylim=(0, 1250))
        ax.grid(axis="x", visible=False)
    axes[0].set_ylabel("examples")


@figure(
    "baseline",
    alt="Horizontal bars of test accuracy on 30 positives and 70 negatives. The "
    "majority-class baseline, which always predicts the training majority class 0, scores "
    "0.70, marked by a dashed line; a weak model scores 0.73, barely above it; a stronger "
    "model scores 0.90.",
    caption="A model is only useful if it beats the baseline, here the accuracy of always "
    "answering with the training set's majority class.",
    size=(6.4, 2.8),
)
def _baseline(fig):
    ax = fig.subplots()
    y_train = np.repeat([0, 1], [700, 300])
    y, scores = _scored_examples(30, 70, 1.2, seed=21)
    _, better = _scored_examples(30, 70, 3.0, seed=22)
    rows = (
        ("majority-class baseline", dlterms.majority_class_predict(y_train, y.size), MUTED),
        ("weak model", dlterms.apply_threshold(scores), PURPLE),
        ("stronger model", dlterms.apply_threshold(better), GREEN),
    )
    base = dlterms.accuracy_score(y, rows[0][1])
    for k, (_, y_hat, color) in enumerate(rows):
        acc = dlterms.accuracy_score(y, y_hat)
        ax.barh(k, acc, 0.6, color=color)
        ax.text(acc + 0.01, k, f"{acc:.2f}", va="center", fontsize=9)
    ax.axvline(base, color=INK, ls="--", lw=1.2)
    ax.text(
        base,
        1.01,
        "baseline",
        ha="center",
        va="bottom",
        fontsize=9,
        color=INK,
        transform=ax.get_xaxis_transform(),
    )
    ax.set(
        yticks=range(len(rows)),
        yticklabels=[r[0] for r in rows],
        xlim=(0, 1.05),
        xlabel="test accuracy (30 positives, 70 negatives)",
    )
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)


# --------------------------------------------------------------------------- boundaries


@figure(
    "decision-boundary",
    alt="Two scatter plots of two classes in the plane (x₁, x₂), with the regions "
    "each model assigns to class 0 shaded light blue and to class 1 light orange. Left: a "
    "blob of class 0 near (0.5, 0.5) and a blob of class 1 near (3, 2.5), separated by "
    "the straight line x₁ + 2x₂ − 4 = 0, which runs from (−1.5, 2.75) down to (5.5, "
    "−0.75), with the weight vector w = (1, 2) drawn as an arrow pointing into the class-1 "
    "side. Right: class 1 in a cluster around (2, 1.5), surrounded by a ring of class 0; "
    "the boundary is a circle of radius 1.4, which no straight line could replace.",
    caption="A decision boundary separates the regions where a classifier predicts each "
    "class: a straight line for a linear model, any curve for a nonlinear one.",
    size=(6.4, 3.3),
)
def _decision_boundary(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(3)
    xx, yy = np.meshgrid(np.linspace(-1.5, 5.5, 281), np.linspace(-1.5, 4.5, 241))
    # left: two blobs and the line x1 + 2 x2 - 4 = 0
    w, b = np.array([1.0, 2.0]), -4.0
    points = np.concatenate(
        [rng.normal([0.5, 0.5], 0.7, (25, 2)), rng.normal([3.2, 2.6], 0.7, (25, 2))]
    )
    y = np.repeat([0, 1], 25)

    def linear(p):
        return dlterms.apply_threshold(p @ w + b, threshold=0.0)

    shade_regions(left, dlterms.decision_regions(linear, xx, yy), xx, yy)
    x1 = np.array([-1.5, 5.5])
    left.plot(
        x1, dlterms.linear_decision_boundary(w, b, x1), color=INK, lw=2, label="x₁ + 2x₂ − 4 = 0"
    )
    left.annotate(
        "",
        xy=(2.0 + 0.5, 1.0 + 1.0),
        xytext=(2.0, 1.0),
        arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.5},
    )
    left.text(2.55, 2.05, "w", fontsize=10, style="italic")
    _points(left, points, y)
    left.set(
        xlim=(-1.5, 5.5),
        ylim=(-1.5, 4.5),
        xlabel="x₁",
        ylabel="x₂",
        aspect="equal",
        title="linear model: a straight line",
    )
    left.legend(loc="upper left", fontsize=8.5, framealpha=0.8)

    # right: a ring around a blob, separated by a circle
    angle = rng.uniform(0, 2 * np.pi, 40)
    ring = np.column_stack([np.cos(angle), np.sin(angle)]) * rng.normal(2.2, 0.25, (40, 1))
    inner = rng.normal(0.0, 0.5, (25, 2))
    points = np.concatenate([ring, inner]) + [2.0, 1.5]
    y = np.repeat([0, 1], [40, 25])

    def circle(p):
        return dlterms.apply_threshold(-np.sum((p - [2.0, 1.5]) ** 2, axis=1), threshold=-(1.4**2))

    regions = dlterms.decision_regions(circle, xx, yy)
    shade_regions(right, regions, xx, yy)
    right.contour(xx, yy, regions, levels=[0.5], colors=INK, linewidths=2)
    _points(right, points, y)
    right.set(
        xlim=(-1.5, 5.5),
        ylim=(-1.5, 4.5),
        xlabel="x₁",
        aspect="equal",
        title="nonlinear model: a circle",
    )


def _points(ax, points, y):
    ax.plot(*points[y == 0].T, "o", color=BLUE, ms=4, ls="none", label="class 0")
    ax.plot(*points[y == 1].T, "^", color=ORANGE, ms=5, ls="none", label="class 1")


# --------------------------------------------------------------------------- boxes


def _box(ax, box, **style):
    x0, y0, x1, y1 = box
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, **style))


@figure(
    "intersection-over-union",
    alt="Three pairs of 3 × 3 boxes, a true box (solid blue) and a predicted box "
    "(dashed orange), with their intersection shaded green. Left: the prediction is "
    "shifted by half a side diagonally, IoU 0.14, a miss at the 0.5 cut-off. Middle: "
    "shifted by a third of a side horizontally, IoU 0.50, just a hit. Right: shifted "
    "slightly, IoU 0.72, a hit.",
    caption="IoU divides the shared area of two boxes by the area they cover together; "
    "detectors usually count a prediction as a hit from IoU 0.5 on.",
    size=(6.4, 2.7),
)
def _intersection_over_union(fig):
    axes = fig.subplots(1, 3)
    truth = np.array([0.0, 0.0, 3.0, 3.0])
    predictions = np.array([[1.5, 1.5, 4.5, 4.5], [1.0, 0.0, 4.0, 3.0], [0.3, 0.2, 3.3, 3.2]])
    scores = dlterms.iou(truth, predictions)
    for ax, box, score in zip(axes, predictions, scores, strict=True):
        low, high = np.maximum(truth[:2], box[:2]), np.minimum(truth[2:], box[2:])
        ax.add_patch(Rectangle(low, *(high - low), color=GREEN, alpha=0.45, lw=0))
        _box(ax, truth, ec=BLUE, lw=2, label="true box")
        _box(ax, box, ec=ORANGE, lw=2, ls="--", label="predicted box")
        verdict = "hit" if score >= 0.5 else "miss"
        ax.set_title(f"IoU = {score:.2f} ({verdict} at 0.5)", fontsize=10)
        ax.set(xlim=(-0.3, 4.8), ylim=(-0.3, 4.8), aspect="equal")
        ax.invert_yaxis()  # image coordinates: y grows downwards
        ax.axis("off")
    handles, labels = axes[0].get_legend_handles_labels()
    shared = Rectangle((0, 0), 1, 1, color=GREEN, alpha=0.45, lw=0)
    fig.legend(
        [*handles, shared],
        [*labels, "intersection"],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )


@figure(
    "bounding-box",
    alt="A 20 × 32 pixel image with two objects and their bounding boxes, with the y "
    "axis pointing down. Object 1, a blue blob, has box (x_min, y_min, x_max, y_max) = "
    "(3, 2, 14, 10); object 2, an orange slanted bar, has box (16, 4, 29, 17). Each "
    "rectangle touches its object on all four sides.",
    caption="A bounding box is the smallest axis-aligned rectangle around an object, given by "
    "its corners (x_min, y_min) and (x_max, y_max); in images y grows downwards.",
    size=(6.4, 3.4),
)
def _bounding_box(fig):
    ax = fig.subplots()
    rows, cols = np.indices((20, 32))
    ellipse = ((cols - 8.0) / 5.5) ** 2 + ((rows - 7.0) / 3.6) ** 2 <= 1
    head = (cols - 12.5) ** 2 + (rows - 3.5) ** 2 <= 2.2**2
    blob = ellipse | head  # a body with a head
    tilted = np.abs((cols - 22) + 0.8 * (rows - 11)) <= 2.0
    stick = tilted & (rows >= 4) & (rows <= 17)  # a slanted bar
    image = np.zeros(rows.shape)
    image[blob], image[stick] = 1.0, 2.0
    ax.imshow(image, cmap=_two_objects_cmap(), vmin=0, vmax=2, interpolation="nearest")
    for mask, name in ((blob, "object 1"), (stick, "object 2")):
        pixels = np.column_stack([cols[mask], rows[mask]])  # (x, y) of each pixel
        x_min, y_min, x_max, y_max = dlterms.bounding_box(pixels)
        # the box spans pixel centres; widen by half a pixel to enclose whole pixels
        _box(ax, (x_min - 0.5, y_min - 0.5, x_max + 0.5, y_max + 0.5), ec=INK, lw=1.8)
        ax.text(
            x_min - 0.5,
            y_min - 0.8,
            f"{name}: ({x_min:g}, {y_min:g}, {x_max:g}, {y_max:g})",
            fontsize=9,
            color=INK,
            va="bottom",
        )
    ax.set(xlabel="x (column)", ylabel="y (row)", xticks=range(0, 32, 5), yticks=range(0, 20, 5))
    ax.grid(False)


def _two_objects_cmap():
    return ListedColormap(["#f4f4f4", f"{BLUE}aa", f"{ORANGE}aa"])


# Five detections of two objects, (x1, y1, x2, y2) in image coordinates, each with the
# corner where its score is written.
_DETECTIONS = np.array(
    [
        [1.0, 1.0, 5.0, 5.0],
        [1.6, 0.5, 5.6, 4.6],
        [0.5, 1.7, 4.5, 5.7],
        [6.4, 1.5, 9.9, 6.5],
        [5.8, 2.3, 9.3, 7.3],
    ]
)
_DETECTION_SCORES = np.array([0.9, 0.75, 0.6, 0.8, 0.55])
_SCORE_CORNERS = ["top left", "top right", "bottom left", "top right", "bottom left"]
_TURN = np.linspace(0.0, 2 * np.pi, 73)  # angles that outline an object


def _scored_box(ax, box, score, corner, **style):
    """A box with its score written just inside the given corner."""
    _box(ax, box, **style)
    x0, y0, x1, y1 = box
    left, top = "left" in corner, "top" in corner
    ax.text(
        x0 + 0.1 if left else x1 - 0.1,
        y0 + 0.1 if top else y1 - 0.1,
        f"{score:.2f}",
        ha="left" if left else "right",
        va="top" if top else "bottom",
        fontsize=9.5,
        color=style["ec"],
        bbox={"fc": "white", "ec": "none", "pad": 0.6, "alpha": 0.85},
    )


@figure(
    "non-maximum-suppression",
    alt="Two panels over the same image of two grey objects. Before: five detection boxes, "
    "three around the left object with scores 0.90, 0.75 and 0.60, and two around the "
    "right object with scores 0.80 and 0.55; they are visited by score, 0.90 first. "
    "After, at IoU threshold 0.5: only the 0.90 and 0.80 boxes are kept, one per object. "
    "The 0.75 and 0.60 boxes are removed because their IoU with the 0.90 box, 0.61 and "
    "0.56, exceeds 0.5; the 0.55 box is removed by the 0.80 box, IoU 0.53.",
    caption="Going down the scores, each kept box deletes the remaining boxes that overlap "
    "it by more than the IoU threshold; boxes on different objects do not overlap and "
    "both survive.",
    size=(6.4, 3.2),
)
def _non_max_suppression(fig):
    before, after = fig.subplots(1, 2)
    boxes, scores, threshold = _DETECTIONS, _DETECTION_SCORES, 0.5
    kept = dlterms.non_max_suppression(boxes, scores, threshold)
    overlap = dlterms.iou(boxes[:, None], boxes[None, :])
    removed = [i for i in np.argsort(-scores) if i not in kept]
    for ax in (before, after):
        for (cx, cy), (rx, ry) in (((3.0, 3.1), (1.8, 1.95)), ((7.9, 4.4), (1.5, 2.25))):
            ax.fill(cx + rx * np.cos(_TURN), cy + ry * np.sin(_TURN), color="#dddddd", lw=0)
        ax.set(xlim=(0, 10.4), ylim=(0, 11.2), aspect="equal")
        ax.invert_yaxis()  # image coordinates: y grows downwards
        ax.axis("off")
    for i in range(len(boxes)):
        _scored_box(before, boxes[i], scores[i], _SCORE_CORNERS[i], ec=ORANGE, lw=1.6)
    for i in removed:
        _scored_box(after, boxes[i], scores[i], _SCORE_CORNERS[i], ec=MUTED, lw=1.0, ls=":")
    for i in kept:
        _scored_box(after, boxes[i], scores[i], _SCORE_CORNERS[i], ec=GREEN, lw=2.2)
    before.set_title(f"before: {len(boxes)} detections", fontsize=10)
    after.set_title(f"after, IoU threshold {threshold:g}: {len(kept)} kept", fontsize=10)
    lines = []
    for i in removed:
        # the box that removed it: the first kept box, by score, that overlaps it too much
        by = next(k for k in kept if overlap[i, k] > threshold)
        iou = f"IoU {overlap[i, by]:.2f} with {scores[by]:.2f}"
        lines.append(f"{scores[i]:.2f} removed: {iou} > {threshold:g}")
    after.text(0.2, 8.2, "\n".join(lines), va="top", fontsize=8.5, color=INK, linespacing=1.5)
    order = ", ".join(f"{s:.2f}" for s in np.sort(scores)[::-1])
    before.text(0.2, 8.2, f"visited by score:\n{order}", va="top", fontsize=8.5, color=INK,
                linespacing=1.5)  # fmt: skip
