"""Metrics for classifiers, their scores and their boxes.

Names follow scikit-learn: ``*_score`` is higher-is-better. For the classification
metrics, labels may be numbers, booleans or strings; ``y_true`` and ``y_pred`` are 1-D
and of equal length. The binary metrics (precision, recall, F1, the rates and the
counts behind them) call one label ``pos_label`` and everything else negative.
Threshold metrics take real-valued scores, where a score ``>= threshold`` means
positive. ``prediction_bias`` is signed (0 is best) and takes real values. Boxes are
``(x_min, y_min, x_max, y_max)`` rows.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_index_array,
    as_label_arrays,
    as_vector,
    check_bool,
    check_choice,
    check_class_labels,
    check_int,
    check_real,
    check_same_shape,
    float_from_scaled,
    max_exponent,
    scalar_or_array,
    scaled_difference,
)

__all__ = [
    "accuracy_score",
    "apply_threshold",
    "average_precision_score",
    "bounding_box",
    "calibration_curve",
    "class_balance",
    "confusion_counts",
    "confusion_matrix",
    "decision_regions",
    "expected_calibration_error",
    "f1_score",
    "false_positive_rate",
    "imbalance_ratio",
    "iou",
    "linear_decision_boundary",
    "majority_class_predict",
    "non_max_suppression",
    "precision_recall_curve",
    "precision_score",
    "prediction_bias",
    "r2_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "specificity_score",
    "threshold_sweep",
    "top_k_accuracy_score",
    "true_positive_rate",
]


def accuracy_score(y_true, y_pred):
    r"""Accuracy: the fraction of predictions that equal the true label.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True class labels.
    y_pred : array_like of shape (n_samples,)
        Predicted class labels.

    Returns
    -------
    float
        Accuracy in $[0, 1]$.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    confusion_matrix : Its diagonal, divided by $n$, sums to the accuracy.

    precision_score, recall_score : Per-class views that accuracy hides.

    Notes
    -----
    $$\mathrm{accuracy} = \frac{1}{n} \sum_{i=1}^{n} [\hat y_i = y_i].$$

    On imbalanced data accuracy can look good for a useless classifier: predicting
    the majority class of a 99:1 data set scores 0.99.

    References
    ----------
    scikit-learn, ``sklearn.metrics.accuracy_score``.

    Examples
    --------
    >>> accuracy_score([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    >>> accuracy_score(["cat", "dog"], ["cat", "cat"])
    0.5
    """
    y_true, y_pred = as_label_arrays(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def _as_labels(y, name: str) -> np.ndarray:
    """Return class labels `y` as a non-empty 1-D array of numbers, booleans or strings."""
    array = as_array(y, name)
    if array.dtype.kind not in "biufUS":
        raise TypeError(f"{name} must hold numbers or strings; got dtype {array.dtype}.")
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, shaped (n_samples,); got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite; got a NaN or infinite label.")
    return array


def _check_binary(present: np.ndarray, pos_label) -> None:
    """Raise unless the sorted distinct labels `present` suit a binary metric."""
    if present.size > 2:
        raise ValueError(
            f"binary metrics need at most 2 distinct labels; got {present.size}: "
            f"{present.tolist()}."
        )
    if present.size == 2 and pos_label not in present.tolist():
        raise ValueError(
            f"pos_label must be one of the labels {present.tolist()}; got {pos_label!r}."
        )


def _binary_masks(y_true, y_pred, pos_label) -> tuple[np.ndarray, np.ndarray]:
    """Validate binary labels; return boolean masks (actually positive, predicted positive)."""
    y_true, y_pred = as_label_arrays(y_true, y_pred)
    _check_binary(np.union1d(y_true, y_pred), pos_label)
    return y_true == pos_label, y_pred == pos_label


def _positive_counts(y_true, y_pred, pos_label):
    """Validate binary labels and return (true positives, predicted pos., actual pos.)."""
    actual, predicted = _binary_masks(y_true, y_pred, pos_label)
    return int(np.sum(predicted & actual)), int(np.sum(predicted)), int(np.sum(actual))


def _truth_and_scores(y_true, y_score, pos_label) -> tuple[np.ndarray, np.ndarray]:
    """Validate binary labels and real scores; return (actually positive mask, scores)."""
    y_true = _as_labels(y_true, "y_true")
    y_score = as_float_array(y_score, "y_score", ndim=1, layout="(n_samples,)")
    check_same_shape(y_true, y_score, "y_true", "y_score")
    _check_binary(np.unique(y_true), pos_label)
    return y_true == pos_label, y_score


def precision_score(y_true, y_pred, *, pos_label=1):
    r"""Binary precision: of the examples predicted positive, the fraction that are.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        Precision in $[0, 1]$; 0.0 when nothing is predicted positive.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    recall_score : The fraction of actual positives that are found.

    confusion_matrix : The counts behind both.

    Notes
    -----
    $$\mathrm{precision} = \frac{TP}{TP + FP}.$$

    When $TP + FP = 0$ the ratio is undefined; we return 0.0, like scikit-learn's
    ``precision_score(..., zero_division=0)``.

    References
    ----------
    scikit-learn, ``sklearn.metrics.precision_score``.

    Examples
    --------
    >>> precision_score([0, 1, 1, 0], [0, 1, 0, 1])
    0.5
    >>> precision_score(["ham", "spam"], ["spam", "spam"], pos_label="spam")
    0.5

    Nothing predicted positive gives 0.0 rather than a division by zero:

    >>> precision_score([1, 1], [0, 0])
    0.0
    """
    true_positives, predicted_positives, _ = _positive_counts(y_true, y_pred, pos_label)
    return true_positives / predicted_positives if predicted_positives else 0.0


def recall_score(y_true, y_pred, *, pos_label=1):
    r"""Binary recall (sensitivity): the fraction of actual positives predicted positive.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        Recall in $[0, 1]$; 0.0 when there are no actual positives.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    precision_score : The fraction of predicted positives that are right.

    confusion_matrix : The counts behind both.

    Notes
    -----
    $$\mathrm{recall} = \frac{TP}{TP + FN}.$$

    When $TP + FN = 0$ (no positives in `y_true`) we return 0.0, like scikit-learn's
    ``recall_score(..., zero_division=0)``.

    References
    ----------
    scikit-learn, ``sklearn.metrics.recall_score``.

    Examples
    --------
    >>> recall_score([0, 1, 1, 0], [0, 1, 0, 1])
    0.5
    >>> recall_score([0, 0], [1, 1])
    0.0
    """
    true_positives, _, actual_positives = _positive_counts(y_true, y_pred, pos_label)
    return true_positives / actual_positives if actual_positives else 0.0


def confusion_matrix(y_true, y_pred, *, labels=None):
    r"""Confusion matrix: count each (true label, predicted label) pair.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True class labels.
    y_pred : array_like of shape (n_samples,)
        Predicted class labels.
    labels : array_like of shape (n_classes,), optional
        The classes, in the order of the rows and columns. Samples whose true or
        predicted label is not listed are left out. Default: the sorted union of the
        labels in `y_true` and `y_pred`.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        ``C[i, j]`` counts samples of true class ``labels[i]`` predicted as ``labels[j]``.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; or if
        `labels` is empty, has duplicates or contains none of the labels in `y_true`.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    accuracy_score : $\mathrm{trace}(C) / n$.

    precision_score, recall_score : Ratios of its entries.

    Notes
    -----
    $$C_{ij} = \bigl|\{\, k : y_k = \ell_i,\ \hat y_k = \ell_j \,\}\bigr|.$$

    Rows are true classes and columns predicted classes, as in scikit-learn (some
    texts transpose this). For binary labels ``[0, 1]``,
    $C = \begin{pmatrix} TN & FP \\ FN & TP \end{pmatrix}$.

    References
    ----------
    scikit-learn, ``sklearn.metrics.confusion_matrix``.

    Examples
    --------
    >>> confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1]).tolist()
    [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
    >>> confusion_matrix(["b", "a"], ["b", "b"], labels=["b", "a"]).tolist()
    [[1, 0], [1, 0]]
    """
    y_true, y_pred = as_label_arrays(y_true, y_pred)
    labels = np.union1d(y_true, y_pred) if labels is None else check_class_labels(labels, y_true)
    n = labels.size
    # Position of each label in `labels` (which need not be sorted), via a sorted copy.
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def index_of(y):
        position = np.searchsorted(sorted_labels, y).clip(max=n - 1)
        return order[position], sorted_labels[position] == y

    true_index, true_known = index_of(y_true)
    pred_index, pred_known = index_of(y_pred)
    keep = true_known & pred_known
    counts = np.bincount(true_index[keep] * n + pred_index[keep], minlength=n * n)
    return counts.reshape(n, n).astype(np.int64)


def prediction_bias(y_true, y_pred):
    r"""Prediction bias: the average prediction minus the average label.

    Parameters
    ----------
    y_true : array_like
        Finite labels or targets, any shape (for a classifier, 0/1 labels).
    y_pred : array_like
        Finite predictions, same shape as `y_true` (for a classifier, predicted
        probabilities of class 1).

    Returns
    -------
    float
        $\bar{\hat y} - \bar y$: positive when the model predicts too high on average,
        negative when too low, 0 when the averages agree.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_absolute_error : The mean size of the errors, whatever their sign.

    Notes
    -----
    $$\text{prediction bias} = \frac{1}{n}\sum_{i=1}^{n} \hat y_i - \frac{1}{n}\sum_{i=1}^{n} y_i
      = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i).$$

    Errors of opposite sign cancel, so a bias of 0 says only that the model is right
    *on average*, not that any single prediction is right. A clearly non-zero bias
    is a cheap warning sign: a bug, a shift between training and serving data, or
    an over-regularised model. It is not the bias term $b$ of a layer.

    Both arrays are divided by the same power of two (exactly) before averaging, so
    sums of values near the float maximum do not overflow; the result overflows only
    if it is itself beyond the float range.

    Examples
    --------
    A quarter of the labels are 1 but the predicted probabilities average 0.5:

    >>> prediction_bias([0, 1, 0, 0], [0.25, 0.75, 0.5, 0.5])  # 0.5 - 0.25
    0.25
    >>> prediction_bias([3.0, 5.0], [2.0, 3.0])  # 2.5 - 4, too low on average
    -1.5

    Two wrong answers in opposite directions cancel:

    >>> prediction_bias([0, 1], [1, 0])
    0.0
    >>> prediction_bias([1e308, 1e308], [1e308, 5e307])
    -2.5e+307
    """
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    # Scale by 2**-e with 2**e >= max |y|: exact, and keeps every partial sum finite.
    _, exponent = np.frexp(max(np.abs(y_true).max(), np.abs(y_pred).max()))
    scaled_bias = np.mean(np.ldexp(y_pred, -exponent)) - np.mean(np.ldexp(y_true, -exponent))
    return float(np.ldexp(scaled_bias, exponent))


# --- the four counts and the metrics built from them ---------------------------------


def confusion_counts(y_true, y_pred, *, pos_label=1):
    r"""Count the true positives, false positives, false negatives and true negatives.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class; every other label is negative.

    Returns
    -------
    tp, fp, fn, tn : int
        The four counts, which add up to ``n_samples``.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    confusion_matrix : The same counts as a table, for any number of classes.

    precision_score, recall_score, f1_score : Ratios of these counts.

    Notes
    -----
    With $P$ the set of examples whose true label is `pos_label` and $\hat P$ the set
    predicted as `pos_label`:

    $$TP = |P \cap \hat P|,\quad FP = |\hat P \setminus P|,\quad
      FN = |P \setminus \hat P|,\quad TN = n - TP - FP - FN.$$

    The order is (TP, FP, FN, TN), reading the predicted-positive outcomes first.
    scikit-learn's ``confusion_matrix(y_true, y_pred).ravel()`` for labels ``[0, 1]``
    gives the same numbers in the order (TN, FP, FN, TP).

    Examples
    --------
    >>> confusion_counts([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0])
    (3, 2, 1, 4)
    >>> confusion_counts(["ham", "spam", "spam"], ["spam", "spam", "ham"], pos_label="spam")
    (1, 1, 1, 0)

    A classifier that never says positive has no true or false positives:

    >>> confusion_counts([0, 1, 1], [0, 0, 0])
    (0, 0, 2, 1)
    """
    actual, predicted = _binary_masks(y_true, y_pred, pos_label)
    tp = int(np.count_nonzero(actual & predicted))
    fp = int(np.count_nonzero(predicted)) - tp
    fn = int(np.count_nonzero(actual)) - tp
    return tp, fp, fn, actual.size - tp - fp - fn


def f1_score(y_true, y_pred, *, pos_label=1):
    r"""Binary F1 score: the harmonic mean of precision and recall.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        F1 in $[0, 1]$; 0.0 when there are no true positives (including when precision
        and recall are both undefined).

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    precision_score, recall_score : The two rates it balances.

    confusion_counts : The counts it is computed from.

    Notes
    -----
    $$F_1 = \frac{2\,PR}{P + R} = \frac{2\,TP}{2\,TP + FP + FN},$$

    with precision $P$ and recall $R$. The count form needs no division by a rate
    that may be $0/0$. When $TP + FP + FN = 0$ (no positives anywhere) the score is
    undefined; we return 0.0, like scikit-learn's ``f1_score(..., zero_division=0)``.
    True negatives do not enter at all.

    References
    ----------
    scikit-learn, ``sklearn.metrics.f1_score``.

    Examples
    --------
    Precision 3/5 and recall 3/4 give $F_1 = 6 / (6 + 2 + 1) = 2/3$:

    >>> round(f1_score([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]), 4)
    0.6667
    >>> f1_score([0, 1, 1, 0], [0, 1, 0, 1])
    0.5

    No positive label anywhere: 0.0, not a division by zero.

    >>> f1_score([0, 0], [0, 0])
    0.0
    """
    tp, fp, fn, _ = confusion_counts(y_true, y_pred, pos_label=pos_label)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def true_positive_rate(y_true, y_pred, *, pos_label=1):
    r"""True positive rate (TPR): the fraction of actual positives predicted positive.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        TPR in $[0, 1]$; 0.0 when `y_true` has no positives.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    recall_score : The same number under its other name.

    false_positive_rate : The other axis of the ROC curve.

    roc_curve : TPR against FPR at every threshold.

    Notes
    -----
    $$\mathrm{TPR} = \frac{TP}{TP + FN}.$$

    It equals recall and sensitivity, and is the vertical axis of an ROC curve.
    Without actual positives it is $0/0$; we return 0.0, like scikit-learn's
    ``recall_score(..., zero_division=0)``.

    Examples
    --------
    >>> true_positive_rate([1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 1, 0])
    0.75
    >>> true_positive_rate([0, 0], [1, 0])
    0.0
    """
    tp, _, fn, _ = confusion_counts(y_true, y_pred, pos_label=pos_label)
    return tp / (tp + fn) if tp + fn else 0.0


def false_positive_rate(y_true, y_pred, *, pos_label=1):
    r"""False positive rate (FPR): the fraction of actual negatives predicted positive.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class; every other label is negative.

    Returns
    -------
    float
        FPR in $[0, 1]$; 0.0 when `y_true` has no negatives.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    true_positive_rate : The other axis of the ROC curve.

    roc_curve : TPR against FPR at every threshold.

    Notes
    -----
    $$\mathrm{FPR} = \frac{FP}{FP + TN} = 1 - \text{specificity}.$$

    It is the horizontal axis of an ROC curve: the share of negatives that raise a
    false alarm. Without actual negatives it is $0/0$; we return 0.0.

    Examples
    --------
    Two of the four negatives are flagged:

    >>> false_positive_rate([1, 1, 0, 0, 0, 0], [1, 0, 1, 1, 0, 0])
    0.5
    >>> false_positive_rate([1, 1], [1, 0])
    0.0
    """
    _, fp, _, tn = confusion_counts(y_true, y_pred, pos_label=pos_label)
    return fp / (fp + tn) if fp + tn else 0.0


# --- scores and thresholds ---------------------------------------------------------


def apply_threshold(scores, *, threshold=0.5):
    r"""Classification threshold: turn scores into 0/1 labels, 1 where ``score >= threshold``.

    Parameters
    ----------
    scores : array_like
        Finite scores of any shape, for example predicted probabilities of the
        positive class.
    threshold : float, default=0.5
        The classification threshold; any finite number.

    Returns
    -------
    int or ndarray of int64
        1 (positive) where the score reaches the threshold, else 0, in the shape of
        `scores`; a Python int for a scalar score.

    Raises
    ------
    ValueError
        If `scores` is empty or holds NaN or infinity, or `threshold` is not finite.
    TypeError
        If `scores` does not hold real numbers or `threshold` is not a number.

    See Also
    --------
    threshold_sweep : Precision, recall and accuracy at many thresholds.

    roc_curve : How the TPR and FPR move with the threshold.

    Notes
    -----
    $$\hat y_i = \begin{cases} 1 & s_i \ge t \\ 0 & s_i < t. \end{cases}$$

    A score equal to the threshold counts as positive, as in scikit-learn's
    ``roc_curve``. The threshold is not tied to probabilities: for logits the
    counterpart of 0.5 is 0, since $\sigma(z) \ge 0.5 \iff z \ge 0$.

    Examples
    --------
    >>> apply_threshold([0.1, 0.5, 0.93]).tolist()
    [0, 1, 1]
    >>> apply_threshold([0.1, 0.5, 0.93], threshold=0.9).tolist()
    [0, 0, 1]
    >>> apply_threshold(0.79, threshold=0.82)
    0
    """
    scores = as_float_array(scores, "scores")
    threshold = check_real(threshold, "threshold")
    labels = (scores >= threshold).astype(np.int64)
    return int(labels) if labels.ndim == 0 else labels


def threshold_sweep(y_true, y_score, thresholds, *, pos_label=1):
    r"""Classification threshold sweep: precision, recall and accuracy at each of many thresholds.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values.
    y_score : array_like of shape (n_samples,)
        Finite scores; higher means more likely positive.
    thresholds : array_like of shape (n_thresholds,)
        Finite thresholds; an example is predicted positive when its score is
        ``>= threshold``.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    precision, recall, accuracy : ndarray of shape (n_thresholds,)
        The three metrics at each threshold. Precision is 0.0 at a threshold above
        every score (nothing predicted positive), recall 0.0 if there are no positives.

    Raises
    ------
    ValueError
        If an input is empty, has the wrong shape or holds NaN or infinity; if
        `y_true` has more than two distinct labels; or if it has two and `pos_label`
        is neither.
    TypeError
        If `y_true` does not hold numbers or strings, or `y_score` or `thresholds`
        do not hold real numbers.

    See Also
    --------
    apply_threshold : The labels at one threshold.

    precision_score, recall_score, accuracy_score : The metrics at one threshold.

    roc_curve : TPR and FPR at every distinct score.

    Notes
    -----
    At threshold $t$ the predictions are $\hat y_i = [s_i \ge t]$, and

    $$P(t) = \frac{TP(t)}{TP(t) + FP(t)},\quad R(t) = \frac{TP(t)}{TP(t) + FN(t)},\quad
      A(t) = \frac{TP(t) + TN(t)}{n}.$$

    Raising $t$ never adds a positive prediction, so recall can only fall or stay
    put; precision usually rises but need not. All thresholds are compared at once
    through an ``(n_thresholds, n_samples)`` boolean table.

    Examples
    --------
    >>> precision, recall, accuracy = threshold_sweep(
    ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], [0.0, 0.375, 0.6, 0.9]
    ... )
    >>> precision.tolist()
    [0.5, 0.5, 1.0, 0.0]
    >>> recall.tolist()
    [1.0, 0.5, 0.5, 0.0]
    >>> accuracy.tolist()
    [0.5, 0.5, 0.75, 0.5]
    """
    actual, y_score = _truth_and_scores(y_true, y_score, pos_label)
    thresholds = as_float_array(thresholds, "thresholds", ndim=1, layout="(n_thresholds,)")
    predicted = y_score[None, :] >= thresholds[:, None]  # (n_thresholds, n_samples)
    tp = np.count_nonzero(predicted & actual, axis=1)
    n_predicted = np.count_nonzero(predicted, axis=1)
    n_correct = tp + np.count_nonzero(~predicted & ~actual, axis=1)
    precision = np.divide(tp, n_predicted, out=np.zeros(tp.shape), where=n_predicted > 0)
    n_actual = np.count_nonzero(actual)
    recall = tp / n_actual if n_actual else np.zeros(tp.shape)
    return precision, recall, n_correct / actual.size


def _curve_counts(actual: np.ndarray, y_score: np.ndarray):
    """Distinct scores in decreasing order with the TP and FP counts at each as threshold."""
    order = np.argsort(y_score, kind="stable")[::-1]
    scores, hits = y_score[order], actual[order]
    # The last example of each run of equal scores: ties move TP and FP together.
    last = np.flatnonzero(np.append(scores[1:] != scores[:-1], True))
    tp = np.cumsum(hits)[last]
    return scores[last], tp, last + 1 - tp


def roc_curve(y_true, y_score, *, pos_label=1):
    r"""Receiver operating characteristic: FPR and TPR at every distinct score threshold.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels with exactly two distinct values, one of them `pos_label`.
    y_score : array_like of shape (n_samples,)
        Finite scores; higher means more likely positive.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    fpr : ndarray of shape (n_points,)
        False positive rates, rising from 0 to 1.
    tpr : ndarray of shape (n_points,)
        True positive rates, rising from 0 to 1.
    thresholds : ndarray of shape (n_points,)
        Decreasing; point ``i`` predicts positive where ``y_score >= thresholds[i]``.
        ``thresholds[0]`` lies above every score (see Notes); the others are the
        distinct scores.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN or
        infinity; if `y_true` does not hold exactly two labels, one of them
        `pos_label`.
    TypeError
        If `y_true` does not hold numbers or strings or `y_score` not real numbers.

    See Also
    --------
    roc_auc_score : The area under this curve.

    true_positive_rate, false_positive_rate : One point of the curve.

    threshold_sweep : Precision and recall at chosen thresholds.

    Notes
    -----
    For each threshold $t$, with $\hat y_i = [s_i \ge t]$,

    $$\mathrm{FPR}(t) = \frac{FP(t)}{N},\qquad \mathrm{TPR}(t) = \frac{TP(t)}{P},$$

    where $P$ and $N$ count the actual positives and negatives. The scores are sorted
    once in decreasing order; cumulative sums of the labels give $TP$ and $FP$ at the
    last example of each run of equal scores, so tied scores make a single point.
    Every distinct score gives a point (like scikit-learn with
    ``drop_intermediate=False``), preceded by $(0, 0)$, where nothing is positive.

    The threshold of that first point is where scikit-learn puts ``inf``. Here it is
    finite: ``max(y_score) + 1``, or the next float above the maximum when adding 1
    is lost to rounding (scores beyond $2^{53}$). It is infinite only if the top
    score is the largest float64 itself.

    References
    ----------
    scikit-learn, ``sklearn.metrics.roc_curve``.
    T. Fawcett, "An introduction to ROC analysis", Pattern Recognition Letters, 2006.

    Examples
    --------
    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist()
    [0.0, 0.0, 0.5, 0.5, 1.0]
    >>> tpr.tolist()
    [0.0, 0.5, 0.5, 1.0, 1.0]
    >>> thresholds.tolist()
    [1.8, 0.8, 0.4, 0.35, 0.1]

    The first threshold stays finite and above every score, even near the float limit:

    >>> roc_curve([0, 1], [-1e308, 1e308])[2].tolist()
    [1.0000000000000002e+308, 1e+308, -1e+308]
    """
    actual, y_score = _truth_and_scores(y_true, y_score, pos_label)
    n_pos = int(np.count_nonzero(actual))
    if n_pos in (0, actual.size):
        raise ValueError(
            f"roc_curve needs both classes in y_true; got {n_pos} positive(s) with "
            f"pos_label={pos_label!r} among {actual.size} example(s)."
        )
    thresholds, tp, fp = _curve_counts(actual, y_score)
    top = thresholds[0]
    first = top + 1.0 if top + 1.0 > top else np.nextafter(top, np.inf)
    fpr = np.concatenate([[0.0], fp / (actual.size - n_pos)])
    tpr = np.concatenate([[0.0], tp / n_pos])
    return fpr, tpr, np.concatenate([[first], thresholds])


def roc_auc_score(y_true, y_score, *, pos_label=1):
    r"""Area under the ROC curve (AUC), by the trapezoidal rule.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels with exactly two distinct values, one of them `pos_label`.
    y_score : array_like of shape (n_samples,)
        Finite scores; higher means more likely positive.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        AUC in $[0, 1]$: 1 for scores that rank every positive above every negative,
        0.5 for uninformative scores, 0 for a perfectly reversed ranking.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN or
        infinity; if `y_true` does not hold exactly two labels, one of them
        `pos_label`.
    TypeError
        If `y_true` does not hold numbers or strings or `y_score` not real numbers.

    See Also
    --------
    roc_curve : The curve whose area this is.

    Notes
    -----
    $$\mathrm{AUC} = \sum_{k=1}^{m} (\mathrm{FPR}_k - \mathrm{FPR}_{k-1})\,
      \frac{\mathrm{TPR}_k + \mathrm{TPR}_{k-1}}{2}.$$

    It equals the probability that a random positive scores higher than a random
    negative, with ties counted as one half. It depends only on the order of the
    scores, so it needs no threshold and does not change if the scores are
    rescaled monotonically.

    References
    ----------
    scikit-learn, ``sklearn.metrics.roc_auc_score``.

    Examples
    --------
    Three of the four (positive, negative) pairs are ranked correctly:

    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc_score([0, 1], [0.3, 0.3])  # a tie counts one half
    0.5
    >>> roc_auc_score([0, 1], [1e308, -1e308])
    0.0
    """
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=pos_label)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)


def precision_recall_curve(y_true, y_score, *, pos_label=1, drop_intermediate=False):
    r"""Precision-recall curve: precision and recall at every distinct score threshold.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels with at most two distinct values, at least one of them `pos_label`.
    y_score : array_like of shape (n_samples,)
        Finite scores; higher means more likely positive.
    pos_label : int, str or bool, default=1
        The label of the positive class.
    drop_intermediate : bool, default=False
        Drop the points where the count of true positives does not change from the
        point before or after (inner points of a vertical run of the curve).

    Returns
    -------
    precision : ndarray of shape (n_thresholds + 1,)
        Precision at each threshold, then 1.0 for the final point.
    recall : ndarray of shape (n_thresholds + 1,)
        Recall at each threshold, falling from 1 to the final 0.0.
    thresholds : ndarray of shape (n_thresholds,)
        The distinct scores in increasing order; point ``i`` predicts positive where
        ``y_score >= thresholds[i]``.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN or
        infinity; if `y_true` has more than two labels, or two and `pos_label` is
        neither; or if no label in `y_true` is `pos_label`.
    TypeError
        If `y_true` does not hold numbers or strings or `y_score` not real numbers.

    See Also
    --------
    average_precision_score : The area under this curve, as a sum of steps.

    roc_curve : True and false positive rates at the same thresholds.

    threshold_sweep : Precision and recall at chosen thresholds.

    Notes
    -----
    At threshold $t$, with $\hat y_i = [s_i \ge t]$,

    $$P(t) = \frac{TP(t)}{TP(t) + FP(t)},\qquad R(t) = \frac{TP(t)}{TP(t) + FN(t)}.$$

    As in scikit-learn (``drop_intermediate=False`` is its default too): every
    distinct score is a threshold, tied scores make a single point, the points run
    from the lowest threshold (recall 1) to the highest, and a last point
    $(R, P) = (0, 1)$ with no threshold is appended so the curve reaches the
    precision axis. The lowest threshold predicts everything positive, so its
    precision is the share of positives. Unlike scikit-learn, which warns and sets
    recall to 1, a `y_true` without positives raises ``ValueError``: recall is then
    undefined. Only comparisons and counts touch the scores, so any finite scores
    are safe.

    References
    ----------
    scikit-learn, ``sklearn.metrics.precision_recall_curve``.
    J. Davis and M. Goadrich, "The relationship between precision-recall and ROC
    curves", ICML 2006.

    Examples
    --------
    The two examples scored 0.4 tie, so they enter together:

    >>> precision, recall, thresholds = precision_recall_curve(
    ...     [0, 1, 1, 0], [0.4, 0.8, 0.4, 0.6]
    ... )
    >>> thresholds.tolist()
    [0.4, 0.6, 0.8]
    >>> precision.tolist()
    [0.5, 0.5, 1.0, 1.0]
    >>> recall.tolist()
    [1.0, 0.5, 0.5, 0.0]
    """
    drop_intermediate = check_bool(drop_intermediate, "drop_intermediate")
    actual, y_score = _truth_and_scores(y_true, y_score, pos_label)
    n_pos = int(np.count_nonzero(actual))
    if n_pos == 0:
        raise ValueError(
            f"precision_recall_curve needs a positive in y_true (recall is undefined "
            f"without one); got no label equal to pos_label={pos_label!r}."
        )
    thresholds, tp, fp = _curve_counts(actual, y_score)
    if drop_intermediate and tp.size > 2:
        changes = (tp[1:-1] != tp[:-2]) | (tp[2:] != tp[1:-1])
        keep = np.concatenate([[True], changes, [True]])
        thresholds, tp, fp = thresholds[keep], tp[keep], fp[keep]
    precision = np.append(tp[::-1] / (tp + fp)[::-1], 1.0)
    recall = np.append(tp[::-1] / n_pos, 0.0)
    return precision, recall, thresholds[::-1].copy()


def average_precision_score(y_true, y_score, *, pos_label=1):
    r"""Average precision (AP): the precision-recall curve summarised as a sum of steps.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels with at most two distinct values, at least one of them `pos_label`.
    y_score : array_like of shape (n_samples,)
        Finite scores; higher means more likely positive.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    float
        AP in $[0, 1]$: 1 when every positive outranks every negative; about the
        share of positives for uninformative scores.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN or
        infinity; if `y_true` has more than two labels, or two and `pos_label` is
        neither; or if no label in `y_true` is `pos_label`.
    TypeError
        If `y_true` does not hold numbers or strings or `y_score` not real numbers.

    See Also
    --------
    precision_recall_curve : The points whose steps are summed.

    roc_auc_score : The trapezoidal area under the ROC curve.

    Notes
    -----
    With the points of the precision-recall curve ordered by threshold,

    $$\mathrm{AP} = \sum_{k} (R_k - R_{k+1})\, P_k,$$

    each precision weighted by the recall gained when its threshold is reached: the
    area under the curve drawn as a staircase, as scikit-learn computes it (since
    version 0.19). It is not the trapezoidal rule: precision does not change linearly
    between two points of the curve, and straight lines between them misstate the
    area, often too optimistically (Davis and Goadrich, 2006); in the first example
    below they would give 0.25, too low. The mean over the positives of the precision
    at each positive's score is the same number.

    References
    ----------
    scikit-learn, ``sklearn.metrics.average_precision_score``.
    J. Davis and M. Goadrich, "The relationship between precision-recall and ROC
    curves", ICML 2006.

    Examples
    --------
    The only positive is ranked second, where precision is 1/2:

    >>> average_precision_score([0, 1], [0.9, 0.1])
    0.5
    >>> average_precision_score([0, 1, 1, 0], [0.4, 0.8, 0.4, 0.6])  # 0.5 * 1 + 0.5 * 0.5
    0.75
    """
    precision, recall, _ = precision_recall_curve(y_true, y_score, pos_label=pos_label)
    return float(max(0.0, np.sum((recall[:-1] - recall[1:]) * precision[:-1])))


def specificity_score(y_true, y_pred, *, pos_label=1):
    r"""Specificity (true negative rate): the fraction of actual negatives predicted negative.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values across both inputs.
    y_pred : array_like of shape (n_samples,)
        Predicted labels.
    pos_label : int, str or bool, default=1
        The label of the positive class; every other label is negative.

    Returns
    -------
    float
        Specificity in $[0, 1]$; 0.0 when there are no actual negatives.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN; if there are
        more than two distinct labels; or if there are two and `pos_label` is neither.
    TypeError
        If one input holds numbers and the other strings.

    See Also
    --------
    recall_score : The same rate for the positive class (sensitivity).

    false_positive_rate : One minus specificity.

    confusion_counts : The counts behind it.

    Notes
    -----
    $$\mathrm{specificity} = \frac{TN}{TN + FP} = 1 - \mathrm{FPR}.$$

    It is the recall of the negative class: scikit-learn has no function of its own
    for it and computes it as ``recall_score(y_true, y_pred, pos_label=<negative>)``.
    When $TN + FP = 0$ we return 0.0, like ``recall_score(..., zero_division=0)``.

    References
    ----------
    scikit-learn, ``sklearn.metrics.recall_score``.

    Examples
    --------
    One of the two negatives is predicted negative:

    >>> specificity_score([0, 0, 1, 1], [0, 1, 1, 1])
    0.5
    >>> specificity_score(["ham", "spam"], ["ham", "ham"], pos_label="spam")
    1.0
    """
    actual, predicted = _binary_masks(y_true, y_pred, pos_label)
    negatives = int(np.count_nonzero(~actual))
    return int(np.count_nonzero(~actual & ~predicted)) / negatives if negatives else 0.0


def _binary_probabilities(y_true, y_prob, pos_label) -> tuple[np.ndarray, np.ndarray]:
    """Validate binary labels and probabilities in [0, 1]; return (positive mask, y_prob)."""
    actual, y_prob = _truth_and_scores(y_true, y_prob, pos_label)
    if y_prob.min() < 0.0 or y_prob.max() > 1.0:
        raise ValueError(
            f"y_prob must hold probabilities in [0, 1]; got values from {y_prob.min():g} "
            f"to {y_prob.max():g}. Pass probabilities, e.g. a sigmoid of the scores."
        )
    return actual, y_prob


def _calibration_bins(actual, confidence, n_bins: int, strategy: str):
    """Per non-empty bin: the fraction positive, the mean confidence and the count."""
    if strategy == "quantile":
        edges = np.percentile(confidence, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    # searchsorted (side="left") puts a value equal to an inner edge in the lower bin.
    bins = np.searchsorted(edges[1:-1], confidence)
    count = np.bincount(bins, minlength=n_bins)
    positive = np.bincount(bins, weights=actual, minlength=n_bins)
    summed = np.bincount(bins, weights=confidence, minlength=n_bins)
    full = count > 0
    return positive[full] / count[full], summed[full] / count[full], count[full]


def calibration_curve(y_true, y_prob, *, n_bins=5, strategy="uniform", pos_label=1):
    r"""Calibration curve (reliability diagram): the fraction of positives per probability bin.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True labels, with at most two distinct values.
    y_prob : array_like of shape (n_samples,)
        Predicted probabilities of `pos_label`, in $[0, 1]$.
    n_bins : int, default=5
        Number of bins.
    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: bins of equal width on $[0, 1]$. ``"quantile"``: edges at the
        quantiles of `y_prob`, so bins hold about equally many examples.
    pos_label : int, str or bool, default=1
        The label of the positive class.

    Returns
    -------
    prob_true : ndarray of shape (n_nonempty_bins,)
        The fraction of positives in each non-empty bin.
    prob_pred : ndarray of shape (n_nonempty_bins,)
        The mean predicted probability in each non-empty bin.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, are empty, differ in length or hold NaN or
        infinity; if `y_prob` leaves $[0, 1]$; if `y_true` has more than two labels,
        or two and `pos_label` is neither; if `n_bins` < 1 or `strategy` is unknown.
    TypeError
        If `y_true` does not hold numbers or strings, `y_prob` not real numbers,
        `n_bins` is not an integer or `strategy` not a string.

    See Also
    --------
    expected_calibration_error : One number from the same bins.

    precision_recall_curve, roc_curve : How well the scores rank, not whether they
        are right as probabilities.

    Notes
    -----
    With edges $0 = e_0 < e_1 < \dots < e_B = 1$, bin $b$ holds the examples with
    $p_i \in (e_{b-1}, e_b]$ (the first bin also holds $p_i = 0$), as scikit-learn
    bins them. For each non-empty bin,

    $$\mathrm{prob\_true}_b = \frac{1}{|B_b|}\sum_{i \in B_b} y_i,\qquad
      \mathrm{prob\_pred}_b = \frac{1}{|B_b|}\sum_{i \in B_b} p_i.$$

    Empty bins are dropped, so the arrays can be shorter than `n_bins`; quantile
    edges that coincide make empty bins too. A calibrated model puts every point
    on the diagonal; points below it mean over-confident positives. The return order
    (``prob_true``, ``prob_pred``) is scikit-learn's: plot ``prob_pred`` on the x axis.

    References
    ----------
    scikit-learn, ``sklearn.calibration.calibration_curve``.
    A. Niculescu-Mizil and R. Caruana, "Predicting good probabilities with supervised
    learning", ICML 2005.

    Examples
    --------
    Two bins, $[0, 0.5]$ and $(0.5, 1]$; 0.5 falls in the first:

    >>> prob_true, prob_pred = calibration_curve(
    ...     [0, 0, 1, 0, 1, 1], [0.0, 0.25, 0.5, 0.5, 0.75, 1.0], n_bins=2
    ... )
    >>> prob_true.tolist()  # 1 of 4, then 2 of 2
    [0.25, 1.0]
    >>> prob_pred.tolist()  # (0 + 0.25 + 0.5 + 0.5) / 4, then (0.75 + 1) / 2
    [0.3125, 0.875]
    """
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    strategy = check_choice(strategy, "strategy", ("uniform", "quantile"))
    actual, y_prob = _binary_probabilities(y_true, y_prob, pos_label)
    prob_true, prob_pred, _ = _calibration_bins(actual, y_prob, n_bins, strategy)
    return prob_true, prob_pred


def expected_calibration_error(y_true, y_prob, *, n_bins=15, strategy="uniform", pos_label=1):
    r"""Expected calibration error (ECE): the mean gap between confidence and accuracy per bin.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        With 1-D `y_prob`: true labels, at most two distinct values. With 2-D
        `y_prob`: true class indices in ``0 .. n_classes - 1``.
    y_prob : array_like of shape (n_samples,) or (n_samples, n_classes)
        1-D: predicted probabilities of `pos_label`. 2-D: class probabilities (rows
        need not be checked to sum to 1); then the top-label ECE is computed.
        Values lie in $[0, 1]$.
    n_bins : int, default=15
        Number of bins; 15 as in Guo et al. (2017).
    strategy : {"uniform", "quantile"}, default="uniform"
        The bin edges, as in :func:`calibration_curve`.
    pos_label : int, str or bool, default=1
        The label of the positive class (1-D `y_prob` only).

    Returns
    -------
    float
        ECE in $[0, 1]$; 0 when every bin's frequency equals its mean confidence.

    Raises
    ------
    ValueError
        If `y_prob` is not 1-D or 2-D, is empty, leaves $[0, 1]$ or holds NaN; if
        `y_true` does not match its length; with 1-D `y_prob`, if `y_true` has more
        than two labels; with 2-D, if a class index is out of range; if `n_bins` < 1
        or `strategy` is unknown.
    TypeError
        If an input has the wrong kind, `n_bins` is not an integer or `strategy` not a
        string.

    See Also
    --------
    calibration_curve : The per-bin points of the reliability diagram.

    Notes
    -----
    With $n$ examples in non-empty bins $B_b$ (binned as in
    :func:`calibration_curve`: $(e_{b-1}, e_b]$, the first bin closed at 0),

    $$\mathrm{ECE} = \sum_b \frac{|B_b|}{n}\,
      \bigl|\mathrm{acc}(B_b) - \mathrm{conf}(B_b)\bigr|.$$

    For 1-D `y_prob` (binary), conf is the mean predicted probability of the
    positive class and acc the fraction of positives: the reliability diagram's
    distance from the diagonal. For 2-D `y_prob` (top-label, Guo et al.), conf is the
    mean of the largest probability in each row and acc the fraction of rows whose
    argmax (the first, on ties) is the true class. The value depends on the number
    of bins and on the edges, so report both; torchmetrics' ``CalibrationError`` also
    uses 15 bins but closes them on the left, $[e_{b-1}, e_b)$.

    References
    ----------
    C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On calibration of modern neural
    networks", ICML 2017.
    M. P. Naeini, G. F. Cooper and M. Hauskrecht, "Obtaining well calibrated
    probabilities using Bayesian binning", AAAI 2015.

    Examples
    --------
    Four examples at 0.25 (one positive: calibrated) and four at 0.75 (all positive:
    a gap of 0.25, for half the data):

    >>> expected_calibration_error([0, 0, 0, 1, 1, 1, 1, 1], [0.25] * 4 + [0.75] * 4)
    0.125

    Top-label: confidence 0.75 in every row, half the rows right:

    >>> expected_calibration_error(
    ...     [0, 2, 1, 0], [[0.75, 0.25, 0], [0, 0.25, 0.75], [0.25, 0, 0.75], [0, 0.75, 0.25]]
    ... )
    0.25
    """
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    strategy = check_choice(strategy, "strategy", ("uniform", "quantile"))
    probs = as_float_array(y_prob, "y_prob", ndim=(1, 2), layout="(n_samples,) or (n, n_classes)")
    if probs.ndim == 1:
        actual, confidence = _binary_probabilities(y_true, probs, pos_label)
    else:
        if probs.min() < 0.0 or probs.max() > 1.0:
            raise ValueError(
                f"y_prob must hold probabilities in [0, 1]; got values from {probs.min():g} "
                f"to {probs.max():g}. Pass probabilities, e.g. a softmax of the logits."
            )
        labels = _class_indices(y_true, probs)
        actual = np.argmax(probs, axis=1) == labels
        confidence = probs.max(axis=1)
    accuracy, mean_confidence, count = _calibration_bins(actual, confidence, n_bins, strategy)
    return float(np.sum(count * np.abs(accuracy - mean_confidence)) / actual.size)


def _class_indices(y_true, y_score: np.ndarray) -> np.ndarray:
    """Validate class indices `y_true` against the rows and columns of `y_score`."""
    labels = as_index_array(y_true, "y_true")
    if labels.size != y_score.shape[0]:
        raise ValueError(
            f"y_true must have one class index per row of the scores; got {labels.size} "
            f"and {y_score.shape[0]} rows."
        )
    if labels.max() >= y_score.shape[1]:
        raise ValueError(
            f"y_true must hold class indices below n_classes={y_score.shape[1]}; "
            f"got {labels.max()}."
        )
    return labels


def top_k_accuracy_score(y_true, y_score, *, k=2):
    r"""Top-k accuracy: the fraction of examples whose true class is among the k highest scores.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True class indices in ``0 .. n_classes - 1``.
    y_score : array_like of shape (n_samples, n_classes)
        Finite scores (logits or probabilities); higher means more likely.
    k : int, default=2
        How many of the highest-scored classes count as a hit. ``k >= n_classes``
        gives 1.0.

    Returns
    -------
    float
        Top-k accuracy in $[0, 1]$; with ``k=1`` it is plain accuracy of the argmax
        (ties broken as in Notes).

    Raises
    ------
    ValueError
        If `y_score` is not 2-D, is empty or holds NaN or infinity; if `y_true` is not
        1-D with one whole, non-negative index per row, below ``n_classes``; if
        ``k < 1``.
    TypeError
        If an input does not hold numbers or `k` is not an integer.

    See Also
    --------
    accuracy_score : Top-1 accuracy from predicted labels.

    top_k_probs : The k most probable tokens of a distribution, for decoding.

    Notes
    -----
    Example $i$ is a hit when fewer than $k$ classes rank above its true class $y_i$:

    $$\mathrm{hit}_i = \Bigl[\#\{c : s_{ic} > s_{iy_i}\}
      + \#\{c > y_i : s_{ic} = s_{iy_i}\} < k\Bigr].$$

    Among tied scores the class with the larger index ranks higher. That is
    scikit-learn's rule: it sorts each row with a stable ascending sort and reverses
    it. Counting instead of sorting keeps the work vectorised.

    References
    ----------
    scikit-learn, ``sklearn.metrics.top_k_accuracy_score``.

    Examples
    --------
    Rows 1 and 2 tie their true class with class 2 or class 1 and lose the tie only
    in row 1, where class 2 (the larger index) takes the second place:

    >>> y_score = [[0.5, 0.25, 0.25], [0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.125, 0.75, 0.125]]
    >>> top_k_accuracy_score([1, 2, 0, 1], y_score, k=2)
    0.5
    >>> top_k_accuracy_score([1, 2, 0, 1], y_score, k=1)
    0.25
    """
    k = check_int(k, "k", minimum=1)
    y_score = as_float_array(y_score, "y_score", ndim=2, layout="(n_samples, n_classes)")
    labels = _class_indices(y_true, y_score)
    true_score = y_score[np.arange(labels.size), labels][:, None]
    later = np.arange(y_score.shape[1])[None, :] > labels[:, None]
    above = np.count_nonzero((y_score > true_score) | ((y_score == true_score) & later), axis=1)
    return float(np.mean(above < k))


def r2_score(y_true, y_pred):
    r"""Coefficient of determination (R²): the share of target variance the predictions explain.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Finite target values, at least two.
    y_pred : array_like of shape (n_samples,)
        Finite predictions.

    Returns
    -------
    float
        $R^2 \le 1$: 1 for perfect predictions, 0 for always predicting the mean of
        `y_true`, negative for worse than that.

    Raises
    ------
    ValueError
        If the inputs are not 1-D, differ in length, hold NaN or infinity or fewer
        than two values; or if $R^2$ is below the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The residual sum of squares divided by $n$.

    Notes
    -----
    $$R^2 = 1 - \frac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2}.$$

    When `y_true` is constant the ratio is undefined; like scikit-learn's default
    (``force_finite=True``) we return 1.0 if the predictions equal it exactly and 0.0
    otherwise. "Constant" here means all values equal, tested exactly; scikit-learn
    tests the computed denominator, whose rounding can leave it a tiny non-zero
    number (``y_true = [0.1, 0.1, 0.1]`` gives it ``5.8e-34`` and an $R^2$ of
    $-5 \times 10^{31}$ for predictions of 0.2), so there the two differ.
    Scikit-learn returns NaN with a warning for one sample; we raise.

    Both sums are computed on inputs divided by powers of two (exact scalings), so
    no difference or square overflows or underflows to zero; the ratio is formed from
    the scaled sums, and only an $R^2$ beyond $-1.8 \times 10^{308}$ raises.

    References
    ----------
    scikit-learn, ``sklearn.metrics.r2_score``.

    Examples
    --------
    The total sum of squares is 2.25 + 0.25 + 0.25 + 2.25 = 5, the residual one 1:

    >>> r2_score([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0])
    0.8
    >>> r2_score([1.0, 2.0, 3.0, 4.0], [2.5, 2.5, 2.5, 2.5])  # the mean
    0.0
    >>> r2_score([2.0, 2.0], [2.0, 2.0]), r2_score([2.0, 2.0], [1.0, 3.0])  # constant
    (1.0, 0.0)
    """
    y_true = as_float_array(y_true, "y_true", ndim=1, layout="(n_samples,)")
    y_pred = as_float_array(y_pred, "y_pred", ndim=1, layout="(n_samples,)")
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    if y_true.size < 2:
        raise ValueError(f"r2_score needs at least 2 samples; got {y_true.size}.")
    if np.all(y_true == y_true[0]):
        return 1.0 if np.array_equal(y_true, y_pred) else 0.0
    u = np.ldexp(y_true, -max_exponent(y_true))  # |u| < 1
    centred = u - np.mean(u)
    c = np.ldexp(centred, -max_exponent(centred))
    d, e = scaled_difference(y_true, y_pred)
    r = np.ldexp(d, -max_exponent(d))
    # SS_res / SS_tot = (sum r^2 / sum c^2) * 2^(2 (exponent of d - exponent of centred))
    exponent = 2 * (max_exponent(d) + e - max_exponent(centred) - max_exponent(y_true))
    ratio = float_from_scaled(
        np.sum(r * r) / np.sum(c * c), exponent, "the residual over the total sum of squares"
    )
    return 1.0 - ratio


# --- class balance and baselines -----------------------------------------------------


def _class_counts(y, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the sorted distinct labels of `y` and their int64 counts."""
    labels, counts = np.unique(_as_labels(y, name), return_counts=True)
    return labels, counts.astype(np.int64)


def class_balance(y):
    r"""Class imbalance at a glance: the count of each class and its share of the data set.

    Parameters
    ----------
    y : array_like of shape (n_samples,)
        Class labels: numbers, booleans or strings.

    Returns
    -------
    labels : ndarray of shape (n_classes,)
        The distinct labels, sorted.
    counts : ndarray of int64, shape (n_classes,)
        How many examples carry each label.
    fractions : ndarray of float64, shape (n_classes,)
        ``counts / n_samples``; they sum to 1.

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity.
    TypeError
        If `y` does not hold numbers or strings.

    See Also
    --------
    imbalance_ratio : Largest count over smallest.

    majority_class_predict : Always predict the most frequent label.

    Notes
    -----
    $$n_c = |\{i : y_i = c\}|, \qquad f_c = \frac{n_c}{n}.$$

    Only labels that occur are listed; a class with no examples does not appear.

    Examples
    --------
    >>> labels, counts, fractions = class_balance([1, 0, 0, 0, 2, 0, 0, 0])
    >>> labels.tolist(), counts.tolist(), fractions.tolist()
    ([0, 1, 2], [6, 1, 1], [0.75, 0.125, 0.125])
    >>> class_balance(["spam", "ham", "ham", "ham"])[1].tolist()
    [3, 1]
    """
    labels, counts = _class_counts(y, "y")
    return labels, counts, counts / counts.sum()


def imbalance_ratio(y):
    r"""Class imbalance as one number: how many times larger the biggest class is than the smallest.

    Parameters
    ----------
    y : array_like of shape (n_samples,)
        Class labels: numbers, booleans or strings.

    Returns
    -------
    float
        $n_\text{max} / n_\text{min} \ge 1$; 1.0 for perfectly balanced classes or
        for a single class.

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity.
    TypeError
        If `y` does not hold numbers or strings.

    See Also
    --------
    class_balance : The count and share of every class.

    Notes
    -----
    $$\mathrm{IR} = \frac{\max_c n_c}{\min_c n_c},$$

    over the classes that occur. There is no fixed cut-off for "imbalanced"; a
    ratio of 1.04 (51 : 49) is balanced for practical purposes, while 9999 (a
    disease in 0.01% of patients) makes accuracy nearly useless.

    Examples
    --------
    >>> imbalance_ratio([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    9.0
    >>> imbalance_ratio(["a", "b", "b", "a"])
    1.0
    """
    _, counts, _ = class_balance(y)
    return float(counts.max() / counts.min())


def majority_class_predict(y_train, n_predictions):
    r"""Predict the most frequent training label for every example: a baseline model.

    Parameters
    ----------
    y_train : array_like of shape (n_samples,)
        Training labels: numbers, booleans or strings.
    n_predictions : int
        How many predictions to make (for example, the size of the test set); at
        least 1.

    Returns
    -------
    ndarray of shape (n_predictions,)
        The majority label repeated, with the dtype of `y_train`.

    Raises
    ------
    ValueError
        If `y_train` is not 1-D, is empty or holds NaN or infinity, or
        `n_predictions` is below 1.
    TypeError
        If `y_train` does not hold numbers or strings, or `n_predictions` is not an
        integer.

    See Also
    --------
    class_balance : The class counts it reads.

    accuracy_score : Scores the baseline; it equals the majority share of the test set.

    Notes
    -----
    $$\hat y_i = \operatorname*{arg\,max}_c\ n_c \quad\text{for every } i,$$

    with ties broken towards the smallest label (the first in sorted order). It
    ignores the inputs entirely, so its accuracy is the share of the majority class
    in the test set: a model that cannot beat it has learned nothing useful from the
    features. Like scikit-learn's ``DummyClassifier(strategy="most_frequent")``.

    References
    ----------
    scikit-learn, ``sklearn.dummy.DummyClassifier``.

    Examples
    --------
    >>> y_train = [0, 1, 0, 0, 1, 0]
    >>> y_test = [0, 0, 1, 0]
    >>> baseline = majority_class_predict(y_train, len(y_test))
    >>> baseline.tolist()
    [0, 0, 0, 0]
    >>> accuracy_score(y_test, baseline)
    0.75

    A tie goes to the smallest label:

    >>> majority_class_predict(["dog", "cat"], 2).tolist()
    ['cat', 'cat']
    """
    labels, counts = _class_counts(y_train, "y_train")
    n_predictions = check_int(n_predictions, "n_predictions", minimum=1)
    return np.full(n_predictions, labels[np.argmax(counts)], dtype=labels.dtype)


# --- decision boundaries -----------------------------------------------------------


def linear_decision_boundary(weight, bias, x1):
    r"""Decision boundary of a 2-D linear classifier, $w_1 x_1 + w_2 x_2 + b = 0$, as $x_2(x_1)$.

    Parameters
    ----------
    weight : array_like of shape (2,)
        The weights $(w_1, w_2)$ of the two features; $w_2$ must be non-zero.
    bias : float
        The bias $b$.
    x1 : array_like
        Values of the first feature, any shape.

    Returns
    -------
    float or ndarray
        $x_2$ on the boundary for each $x_1$, in the shape of `x1`; a Python float for
        a scalar `x1`.

    Raises
    ------
    ValueError
        If `weight` is not two finite numbers or $w_2 = 0$ (a vertical boundary,
        $x_1 = -b / w_1$, which is not a function of $x_1$); if `bias` or `x1` is not
        finite, or `x1` is empty; or if a boundary value $x_2$ exceeds the largest
        float64 (about $1.8 \times 10^{308}$), as for a tiny $w_2$ against a large
        $w_1 x_1$ or $b$.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    decision_regions : The predicted class over a grid, for any classifier.

    apply_threshold : Turning the score into a class.

    Notes
    -----
    A linear classifier predicts positive where $z = w_1 x_1 + w_2 x_2 + b \ge 0$
    (equivalently $\sigma(z) \ge 0.5$). The boundary $z = 0$ is the line

    $$x_2 = -\frac{w_1}{w_2}\,x_1 - \frac{b}{w_2}.$$

    The positive side is the one $(w_1, w_2)$ points to. Both terms are formed from
    the mantissas and exponents of $w_1, w_2, b, x_1$ (``numpy.frexp``), so no
    quotient or product overflows on the way: $x_2$ is finite whenever it is
    representable, even for weights near $10^{308}$ or deep in the subnormals. It
    agrees bit for bit with the plain formula wherever no step of that formula leaves
    the normal float64 range.

    Examples
    --------
    $z = x_1 + 2 x_2 - 4$: the boundary is $x_2 = 2 - x_1 / 2$.

    >>> linear_decision_boundary([1.0, 2.0], -4.0, [0.0, 2.0, 4.0]).tolist()
    [2.0, 1.0, 0.0]
    >>> linear_decision_boundary([1.0, 2.0], -4.0, 1.0)
    1.5
    >>> linear_decision_boundary([4.0, 8.0], 0.0, 1e308)
    -5e+307
    """
    w1, w2 = as_vector(weight, "weight", 2)
    bias = check_real(bias, "bias")
    x1 = as_float_array(x1, "x1")
    if w2 == 0:
        raise ValueError(
            f"weight[1] must be non-zero for the boundary to be a function of x1; got "
            f"weight ({w1:g}, {w2:g}), whose boundary is vertical or undefined."
        )
    (m1, e1), (m2, e2), (mb, eb), (mx, ex) = (np.frexp(v) for v in (w1, w2, bias, x1))
    # -(w1 / w2) x1 = a 2**ea and -b / w2 = c 2**ec with |a|, |c| < 2: mantissas only
    a, ea = -(m1 / m2) * mx, e1 - e2 + ex
    c, ec = -mb / m2, eb - e2
    top = np.where(a == 0, ec, np.where(c == 0, ea, np.maximum(ea, ec)))
    total = np.ldexp(a, ea - top) + np.ldexp(c, ec - top)  # |total| < 4
    with np.errstate(over="ignore"):  # an x2 beyond float64; reported just below
        x2 = np.ldexp(total, top)
    if not np.all(np.isfinite(x2)):
        raise ValueError(
            "the boundary x2 = -(w1 x1 + b) / w2 overflows float64 (at most about 1.8e+308) "
            f"for weight ({w1:g}, {w2:g}), bias {bias:g} and x1 of largest magnitude "
            f"{np.abs(x1).max():g}; rescale the inputs."
        )
    return scalar_or_array(x2)


def decision_regions(predict, xx, yy):
    r"""Decision boundary on a grid: a classifier's label at each 2-D point, to draw its regions.

    Parameters
    ----------
    predict : callable
        Maps an ``(n_points, 2)`` float array to ``n_points`` labels.
    xx, yy : array_like
        Finite first and second coordinates of the grid, same shape (for example
        from ``np.meshgrid``).

    Returns
    -------
    ndarray
        ``predict`` at each point ``(xx[idx], yy[idx])``, in the shape of `xx`.

    Raises
    ------
    ValueError
        If `xx` or `yy` is empty or holds NaN or infinity, if they differ in shape,
        or if `predict` does not return one label per point.
    TypeError
        If `predict` is not callable or `xx`, `yy` do not hold real numbers.

    See Also
    --------
    linear_decision_boundary : The boundary line of a linear classifier, in closed form.

    Notes
    -----
    The decision boundary is where the returned labels change. For a linear
    classifier it is a straight line; for other models any curve, which this
    grid view shows without a formula. `predict` is called once, on all points.

    Examples
    --------
    A classifier that says 1 inside the unit circle:

    >>> def inside(points):
    ...     return (np.sum(points**2, axis=1) <= 1).astype(int)
    >>> xx, yy = np.meshgrid([-1.0, 0.0, 1.0], [0.0, 1.5])
    >>> decision_regions(inside, xx, yy).tolist()
    [[1, 1, 1], [0, 0, 0]]
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable; got {type(predict).__name__}.")
    xx = as_float_array(xx, "xx")
    yy = as_float_array(yy, "yy")
    check_same_shape(xx, yy, "xx", "yy")
    labels = np.asarray(predict(np.column_stack([xx.ravel(), yy.ravel()])))
    if labels.size != xx.size:
        raise ValueError(
            f"predict must return one label per point, {xx.size}; got shape {labels.shape}."
        )
    return labels.reshape(xx.shape).copy()


# --- boxes ---------------------------------------------------------------------------


def _as_boxes(boxes, name: str) -> np.ndarray:
    """Return boxes as a finite float array (..., 4) with x_min <= x_max, y_min <= y_max."""
    boxes = as_float_array(boxes, name, min_ndim=1)
    if boxes.shape[-1] != 4:
        raise ValueError(
            f"{name} must have 4 coordinates (x_min, y_min, x_max, y_max) in its last "
            f"axis; got shape {boxes.shape}."
        )
    flipped = (boxes[..., 2] < boxes[..., 0]) | (boxes[..., 3] < boxes[..., 1])
    if flipped.any():
        raise ValueError(
            f"{name} must have x_min <= x_max and y_min <= y_max; got "
            f"{boxes.reshape(-1, 4)[flipped.ravel()][0].tolist()}."
        )
    return boxes


def bounding_box(points):
    r"""Bounding box: the smallest axis-aligned box that contains every point.

    Parameters
    ----------
    points : array_like of shape (n_points, 2)
        Finite ``(x, y)`` coordinates, for example the pixels of an object.

    Returns
    -------
    ndarray of shape (4,)
        ``(x_min, y_min, x_max, y_max)``.

    Raises
    ------
    ValueError
        If `points` is not ``(n_points, 2)``, is empty or holds NaN or infinity.
    TypeError
        If `points` does not hold real numbers.

    See Also
    --------
    iou : How well two boxes overlap.

    Notes
    -----
    $$(x_{\min}, y_{\min}, x_{\max}, y_{\max}) =
      \bigl(\min_i x_i,\ \min_i y_i,\ \max_i x_i,\ \max_i y_i\bigr).$$

    This corner format is the one used by ``torchvision.ops`` and Pascal VOC; COCO
    stores ``(x_min, y_min, width, height)`` instead. A single point gives a box of
    zero width and height. For the pixels of a mask, the box spans pixel centres;
    add 1 to the maxima to cover whole pixels.

    Examples
    --------
    >>> bounding_box([[2.0, 1.0], [5.0, 4.0], [3.0, 0.5]]).tolist()
    [2.0, 0.5, 5.0, 4.0]
    >>> bounding_box([[1e308, -1e308], [-1e308, 1e308]]).tolist()
    [-1e+308, -1e+308, 1e+308, 1e+308]
    """
    points = as_float_array(points, "points", ndim=2, layout="(n_points, 2)")
    if points.shape[1] != 2:
        raise ValueError(f"points must have shape (n_points, 2); got {points.shape}.")
    return np.concatenate([points.min(axis=0), points.max(axis=0)])


def iou(box_a, box_b):
    r"""Intersection over union of axis-aligned boxes, elementwise with broadcasting.

    Parameters
    ----------
    box_a, box_b : array_like of shape (..., 4)
        Boxes ``(x_min, y_min, x_max, y_max)`` with finite coordinates,
        ``x_min <= x_max`` and ``y_min <= y_max``. The leading axes broadcast
        against each other.

    Returns
    -------
    float or ndarray
        IoU in $[0, 1]$ for each pair, in the broadcast leading shape; a Python float
        for two single boxes. Disjoint or merely touching boxes give 0.

    Raises
    ------
    ValueError
        If a last axis is not of length 4, the leading shapes do not broadcast, a
        coordinate is NaN or infinite, an input is empty, or a box has
        ``x_max < x_min`` or ``y_max < y_min``.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    bounding_box : The box around a set of points.

    Notes
    -----
    $$\mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A \cup B|}
      = \frac{|A \cap B|}{|A| + |B| - |A \cap B|}.$$

    Pairs are matched elementwise, like ``a + b`` in numpy. For the all-pairs table of
    ``torchvision.ops.box_iou``, pass ``a[:, None]`` (shape (n, 1, 4)) and ``b``
    (shape (m, 4)) to get an (n, m) result.

    IoU does not change when both boxes are scaled by the same factor, so each pair is
    first divided, exactly, by a power of two at least as large as its largest
    coordinate; side lengths then cannot overflow. The ratio is then evaluated as
    $1 / (|A| / |A \cap B| + |B| / |A \cap B| - 1)$, where each area ratio is a product
    of side-length ratios, so a tiny overlap of long thin boxes does not underflow to
    0. An intersection of zero area (disjoint or touching boxes, or a box of zero
    width or height) gives 0, even for two identical degenerate boxes.

    Examples
    --------
    Two 2 x 2 squares overlapping in a 1 x 1 square: $1 / (4 + 4 - 1) = 1/7$.

    >>> round(iou([0, 0, 2, 2], [1, 1, 3, 3]), 4)
    0.1429
    >>> iou([0, 0, 2, 2], [[0, 0, 2, 2], [0, 0, 1, 2], [2, 0, 4, 2]]).tolist()
    [1.0, 0.5, 0.0]

    All pairs, and a box far beyond where its area fits in a float:

    >>> iou(np.array([[0, 0, 2, 2], [1, 1, 3, 3]])[:, None], [[0, 0, 2, 2]]).tolist()
    [[1.0], [0.14285714285714285]]
    >>> iou([-1e308, -1e308, 1e308, 1e308], [0, 0, 1e308, 1e308])
    0.25
    """
    a, b = _as_boxes(box_a, "box_a"), _as_boxes(box_b, "box_b")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"box_a and box_b must broadcast; got shapes {a.shape} and {b.shape}."
        ) from None
    # Scale each pair by 2**-e with 2**e >= its largest |coordinate|: exact, and every
    # side is then at most 2 long, so no subtraction overflows.
    largest = np.maximum(np.abs(a).max(axis=-1), np.abs(b).max(axis=-1))
    exponent = np.frexp(largest)[1][..., None]
    a, b = np.ldexp(a, -exponent), np.ldexp(b, -exponent)
    low, high = np.maximum(a[..., :2], b[..., :2]), np.minimum(a[..., 2:], b[..., 2:])
    overlap = np.clip(high - low, 0.0, None)  # width and height of the intersection
    hit = np.all(overlap > 0, axis=-1, keepdims=True)
    # IoU = 1 / (|A| / |A n B| + |B| / |A n B| - 1), from ratios of side lengths, so a
    # tiny intersection cannot underflow. A ratio too large for a float64 means an IoU
    # below 1e-308, and 1 / inf = 0 is then the right answer: ignore that overflow.
    with np.errstate(over="ignore"):
        ratio_a, ratio_b = (
            np.prod(np.divide(side, overlap, out=np.ones(overlap.shape), where=hit), axis=-1)
            for side in (a[..., 2:] - a[..., :2], b[..., 2:] - b[..., :2])
        )
        ratio = np.where(hit[..., 0], 1.0 / (ratio_a + ratio_b - 1.0), 0.0)
    return scalar_or_array(ratio)


def non_max_suppression(boxes, scores, iou_threshold):
    r"""Non-maximum suppression (NMS): keep the best-scoring box among overlapping detections.

    Parameters
    ----------
    boxes : array_like of shape (n_boxes, 4)
        Boxes ``(x1, y1, x2, y2)`` with finite coordinates, ``x1 <= x2`` and
        ``y1 <= y2``, as in ``torchvision.ops.nms``.
    scores : array_like of shape (n_boxes,)
        A finite confidence score per box; higher is better.
    iou_threshold : float
        In $[0, 1]$. A box is discarded when its IoU with a kept, higher-scoring box
        is strictly greater than this.

    Returns
    -------
    ndarray of shape (n_kept,), dtype int64
        Indices into `boxes` of the kept boxes, in order of decreasing score. Equal
        scores keep the order of the input (the lower index first).

    Raises
    ------
    ValueError
        If `boxes` is not 2-D with 4 columns, is empty, holds NaN or infinity or a box
        with ``x2 < x1`` or ``y2 < y1``; `scores` does not have one finite value per
        box; or `iou_threshold` is outside $[0, 1]$.
    TypeError
        If an input does not hold real numbers or `iou_threshold` is not a number.

    See Also
    --------
    iou : The overlap measure it thresholds.

    Notes
    -----
    The greedy algorithm of object detectors: sort the boxes by score, then walk down
    the list; a box that has not been suppressed is kept and suppresses every
    lower-scoring box $b$ with

    $$\mathrm{IoU}(\text{kept}, b) > \tau.$$

    A suppressed box suppresses nothing, so the result can differ from "drop every
    box that overlaps a better one". Boxes are compared regardless of class; for
    per-class NMS call it once per class (``torchvision.ops.batched_nms`` does this).
    All pairwise IoUs come from one vectorised ``iou`` call; the walk down the sorted
    list is a short loop over boxes, as it is inherently sequential. The order of
    equal scores is fixed here by a stable sort; ``torchvision.ops.nms`` does not
    promise one.

    References
    ----------
    A. Neubeck and L. Van Gool, "Efficient Non-Maximum Suppression", ICPR 2006.

    torchvision docs: ``torchvision.ops.nms``.
    https://docs.pytorch.org/vision/stable/generated/torchvision.ops.nms.html

    Examples
    --------
    Box 1 (score 0.9) overlaps box 0 with IoU $12 / 20 = 0.6$ and suppresses it;
    box 2 lies apart; box 3 overlaps box 1 with IoU $6 / 26 \approx 0.23$, which is
    kept at threshold 0.5 but not at 0.2. Box 3 overlaps the suppressed box 0 more
    ($8 / 24 = 1/3$), but a suppressed box suppresses nothing:

    >>> boxes = [[0, 0, 4, 4], [1, 0, 5, 4], [6, 6, 8, 8], [0, 2, 4, 6]]
    >>> scores = [0.8, 0.9, 0.7, 0.6]
    >>> non_max_suppression(boxes, scores, 0.5).tolist()
    [1, 2, 3]
    >>> non_max_suppression(boxes, scores, 0.2).tolist()
    [1, 2]
    """
    boxes = _as_boxes(boxes, "boxes")
    if boxes.ndim != 2:
        raise ValueError(f"boxes must be 2-D, shaped (n_boxes, 4); got shape {boxes.shape}.")
    scores = as_vector(scores, "scores", boxes.shape[0])
    threshold = check_real(iou_threshold, "iou_threshold", low=0.0, high=1.0)
    order = np.argsort(-scores, kind="stable")  # decreasing score, ties by index
    ranked = boxes[order]
    overlaps = np.asarray(iou(ranked[:, np.newaxis], ranked[np.newaxis]))  # (n, n)
    suppressed = np.zeros(len(order), dtype=bool)
    for i in range(len(order)):  # greedy and sequential: one step per box
        if not suppressed[i]:
            suppressed[i + 1 :] |= overlaps[i, i + 1 :] > threshold
    return order[~suppressed]
