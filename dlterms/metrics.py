"""Metrics: accuracy, precision, recall, the confusion matrix and prediction bias.

Names follow scikit-learn: ``*_score`` is higher-is-better. For the classification
metrics, labels may be numbers, booleans or strings; ``y_true`` and ``y_pred`` are 1-D
and of equal length. ``prediction_bias`` is signed (0 is best) and takes real values.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_label_arrays,
    check_class_labels,
    check_same_shape,
)

__all__ = [
    "accuracy_score",
    "confusion_matrix",
    "precision_score",
    "prediction_bias",
    "recall_score",
]


def accuracy_score(y_true, y_pred):
    r"""Fraction of predictions that equal the true label.

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


def _positive_counts(y_true, y_pred, pos_label):
    """Validate binary labels and return (true positives, predicted pos., actual pos.)."""
    y_true, y_pred = as_label_arrays(y_true, y_pred)
    present = np.union1d(y_true, y_pred)
    if present.size > 2:
        raise ValueError(
            f"precision and recall here are binary; got {present.size} distinct labels "
            f"{present.tolist()}; use labels with at most 2 values."
        )
    if present.size == 2 and pos_label not in present.tolist():
        raise ValueError(
            f"pos_label must be one of the labels {present.tolist()}; got {pos_label!r}."
        )
    predicted, actual = y_pred == pos_label, y_true == pos_label
    return int(np.sum(predicted & actual)), int(np.sum(predicted)), int(np.sum(actual))


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
    r"""Count each (true label, predicted label) pair.

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
    r"""Average prediction minus average label: how far off the model is on average.

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
