"""Loss functions: mean squared error, mean absolute error, cross-entropy.

Names follow scikit-learn: ``*_error`` and ``*_loss`` are lower-is-better. Each
returns the mean over examples as a Python float.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_class_target, as_float_array, check_axis, check_same_shape
from dlterms.activations import log_softmax

__all__ = ["cross_entropy", "mean_absolute_error", "mean_squared_error"]


def mean_squared_error(y_true, y_pred):
    r"""Mean of the squared differences between targets and predictions.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float
        The MSE, $\ge 0$, and 0 exactly when ``y_pred == y_true``.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_absolute_error : The L1 counterpart, less sensitive to outliers.

    Notes
    -----
    $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2.$$

    The mean runs over every element, as in scikit-learn (for one output) and
    ``torch.nn.functional.mse_loss``. Squaring weights large errors heavily. The result
    overflows to ``inf`` only if the true MSE exceeds the float range, about
    $1.8 \times 10^{308}$.

    References
    ----------
    scikit-learn, ``sklearn.metrics.mean_squared_error``.

    Examples
    --------
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])  # (0 + 0 + 4) / 3
    1.3333333333333333
    >>> mean_squared_error([0.0, 0.0], [0.5, -0.5])
    0.25
    """
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    return float(np.mean((y_true - y_pred) ** 2))


def mean_absolute_error(y_true, y_pred):
    r"""Mean of the absolute differences between targets and predictions.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float
        The MAE, $\ge 0$, in the units of `y_true`.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The L2 counterpart, which punishes large errors more.

    Notes
    -----
    $$\mathrm{MAE} = \frac{1}{n} \sum_{i=1}^{n} |y_i - \hat y_i|.$$

    Minimising MAE over a constant prediction gives the median of `y_true`
    (minimising MSE gives the mean), which is why MAE is robust to outliers.

    References
    ----------
    scikit-learn, ``sklearn.metrics.mean_absolute_error``.

    Examples
    --------
    >>> mean_absolute_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])  # (0 + 0 + 2) / 3
    0.6666666666666666
    >>> mean_absolute_error([1e308, -1e308], [1e308, -1e308])
    0.0
    """
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    return float(np.mean(np.abs(y_true - y_pred)))


def cross_entropy(logits, target, *, axis=-1):
    r"""Softmax cross-entropy from logits, averaged over examples.

    Parameters
    ----------
    logits : array_like of shape (n, k)
        Finite unnormalised scores for $n$ examples and $k$ classes (classes along
        `axis`).
    target : array_like of shape (n,) or (n, k)
        Either integer class indices in ``[0, k)``, or class probabilities with the
        shape of `logits` that are non-negative and sum to 1 along `axis` (e.g. label
        smoothing), as in ``torch.nn.functional.cross_entropy``.
    axis : int, default=-1
        The axis of `logits` that holds the classes.

    Returns
    -------
    float
        The mean cross-entropy in nats, $\ge 0$.

    Raises
    ------
    ValueError
        If `logits` is not 2-D or is empty, an input holds NaN or infinity, `target`
        has the wrong shape, an index is out of range, or probabilities are negative or
        do not sum to 1.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    log_softmax : The stable log-probabilities used here.

    softmax : The probabilities the logits stand for.

    Notes
    -----
    With $\log p = \log\mathrm{softmax}(z)$ computed by the log-sum-exp trick,

    $$\mathcal{L} = -\frac{1}{n} \sum_{i=1}^{n} \sum_{c=1}^{k} t_{ic} \log p_{ic},$$

    which for class indices reduces to $-\frac{1}{n}\sum_i \log p_{i, y_i}$.
    Going through ``log_softmax`` keeps a confident wrong answer finite (a logit gap of
    1000 costs exactly 1000), where ``np.log(softmax(z) + eps)`` would both cap the loss
    at $-\log \varepsilon$ and bias every other value.

    References
    ----------
    PyTorch, ``torch.nn.functional.cross_entropy``.

    Examples
    --------
    Two equally likely classes cost $\log 2$:

    >>> round(cross_entropy([[0.0, 0.0]], [1]), 4)
    0.6931
    >>> round(cross_entropy([[0.0, 0.0]], [[0.5, 0.5]]), 4)
    0.6931

    A huge logit gap neither overflows nor saturates:

    >>> cross_entropy([[1000.0, 0.0]], [0]), cross_entropy([[1000.0, 0.0]], [1])
    (0.0, 1000.0)
    """
    logits = as_float_array(logits, "logits", ndim=2, layout="(n, k)")
    axis = check_axis(axis, logits.ndim)
    target = as_class_target(target, logits, axis)
    log_p = log_softmax(logits, axis=axis)
    if target.ndim == 1:
        # pick log p[i, y_i] for each example i
        log_p_true = np.take_along_axis(log_p, np.expand_dims(target, axis), axis=axis)
        loss = -np.mean(log_p_true)
    else:
        loss = -np.mean(np.sum(target * log_p, axis=axis))
    return float(loss) + 0.0  # + 0.0 turns the -0.0 of a perfect prediction into 0.0
