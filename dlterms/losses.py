"""Loss functions and their gradients: regression, probabilistic and hinge losses.

Names follow scikit-learn: ``*_error`` and ``*_loss`` are lower-is-better. Each loss
returns the mean over examples as a Python float; each ``*_grad`` returns the gradient
of that mean with respect to the predictions (or logits), shaped like them.

The definitions follow the Keras losses of the same names. Where Keras clips a value
away from 0 or 1 before a log or a division, the clip uses ``1e-7``, Keras' default
``backend.epsilon()``, and the docstring says so. Logit-based forms (``cross_entropy``,
``binary_cross_entropy_with_logits``) need no clip and are the recommended ones.
"""

from __future__ import annotations

import math

import numpy as np

from dlterms._validation import (
    as_array,
    as_class_target,
    as_float_array,
    as_index_array,
    check_axis,
    check_choice,
    check_int,
    check_real,
    check_same_shape,
    float_from_scaled,
    max_exponent,
    mean_of_squares,
    power_of_two_scale,
    scalar_or_array,
    scaled_difference,
    scaled_mean,
)
from dlterms.activations import log1p_exp, log_softmax, sigmoid, softmax

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "categorical_hinge_loss",
    "cosine_similarity_loss",
    "cross_entropy",
    "cross_entropy_grad",
    "entropy",
    "hinge_loss",
    "hinge_loss_grad",
    "huber_loss",
    "huber_loss_grad",
    "kl_divergence",
    "log_cosh_loss",
    "log_cosh_loss_grad",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_error_grad",
    "mean_squared_logarithmic_error",
    "nll_loss",
    "poisson_loss",
    "root_mean_squared_error",
    "smooth_labels",
    "sparse_categorical_cross_entropy",
    "squared_hinge_loss",
]

# Keras' backend.epsilon(): how far probabilities and denominators are clipped from 0 and 1.
_EPSILON = 1e-7


# --------------------------------------------------------------------------- helpers


def _pair(y_true, y_pred, name_pred="y_pred", **kwargs):
    """Both arguments as finite float arrays of one shape."""
    y_true = as_float_array(y_true, "y_true", **kwargs)
    y_pred = as_float_array(y_pred, name_pred, **kwargs)
    check_same_shape(y_true, y_pred, "y_true", name_pred)
    return y_true, y_pred


def _check_range(array, name, low, high=math.inf):
    """Raise unless every value of `array` lies in ``[low, high]``."""
    lo, hi = array.min(), array.max()
    if lo < low or hi > high:
        allowed = f"in [{low:g}, {high:g}]" if high < math.inf else f">= {low:g}"
        raise ValueError(f"{name} must be {allowed}; got values from {lo:g} to {hi:g}.")


def _check_distributions(array, name):
    """Raise unless every slice along the last axis is a probability distribution."""
    _check_range(array, name, 0.0, 1.0)
    sums = array.sum(axis=-1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            f"{name} must hold probabilities that sum to 1 along the last axis; "
            f"got sums from {sums.min():g} to {sums.max():g}."
        )


def _hinge_labels(y_true):
    """Labels in {-1, 1}; labels that are all in {0, 1} are mapped by 2y - 1, as in Keras."""
    if np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    if not np.all(np.abs(y_true) == 1):
        found = np.unique(y_true)
        shown = ", ".join(f"{v:g}" for v in found[:5]) + (", ..." if found.size > 5 else "")
        raise ValueError(
            "y_true must hold labels that are all in {-1, 1} or all in {0, 1}; "
            f"got the values {{{shown}}}."
        )
    return y_true


def _margin_gap(y_true, y_pred):
    """Return ``(1 - y * y_pred, y)`` for validated hinge inputs, with labels y in {-1, 1}."""
    y_true, y_pred = _pair(y_true, y_pred)
    labels = _hinge_labels(y_true)
    return 1.0 - labels * y_pred, labels


# --------------------------------------------------------------------------- regression


def mean_squared_error(y_true, y_pred):
    r"""Mean squared error: the mean squared difference of targets and predictions.

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
        If the inputs are empty, differ in shape or hold NaN or infinity, or the mean
        exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_absolute_error : The L1 counterpart, less sensitive to outliers.

    mean_squared_error_grad : Its gradient with respect to `y_pred`.

    Notes
    -----
    $$\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2.$$

    The mean runs over every element, as in scikit-learn (for one output) and
    ``torch.nn.functional.mse_loss``. Squaring weights large errors heavily.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

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
    d, e = scaled_difference(y_true, y_pred)
    return mean_of_squares(d, e, what="the mean squared error")


def mean_squared_error_grad(y_true, y_pred):
    r"""Gradient of the mean squared error with respect to the predictions.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float or ndarray
        $\partial\,\mathrm{MSE} / \partial \hat y$, shaped like `y_pred` (a float for
        scalar input).

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The loss itself.

    Notes
    -----
    $$\frac{\partial\,\mathrm{MSE}}{\partial \hat y_i} = \frac{2}{n}(\hat y_i - y_i),$$

    where $n$ is the number of elements. The gradient grows with the error, so steps
    shrink as the predictions approach the targets.

    Examples
    --------
    >>> mean_squared_error_grad([1.0, 2.0], [2.0, 2.0]).tolist()  # 2 * (1, 0) / 2
    [1.0, 0.0]
    >>> mean_squared_error_grad(0.0, -3.0)
    -6.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return scalar_or_array((y_pred - y_true) * (2.0 / y_true.size))


def root_mean_squared_error(y_true, y_pred):
    r"""Root mean squared error (RMSE): the square root of the mean squared error.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float
        The RMSE, $\ge 0$, in the units of `y_true`.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity, or the RMSE
        exceeds the float64 range (possible only when some error does).
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The mean it takes the root of.

    mean_absolute_error : Never larger than the RMSE.

    Notes
    -----
    $$\mathrm{RMSE} = \sqrt{\frac{1}{n} \sum_{i=1}^{n} (y_i - \hat y_i)^2}.$$

    The root brings the MSE back to the units of the target. The mean runs over every
    element, like ``torch.sqrt(torch.nn.functional.mse_loss(...))`` and Keras'
    ``RootMeanSquaredError`` metric, and like ``sklearn.metrics.root_mean_squared_error``
    for 1-D targets. For 2-D targets scikit-learn instead averages one RMSE per column
    (``multioutput="uniform_average"``); the RMSE here is the root of the mean of the
    squares of those per-column values.

    The differences are divided by a power of two near the largest before squaring and
    the root is scaled back, so the RMSE is finite whenever the exact value is, even when
    the MSE itself would pass $1.8 \times 10^{308}$.

    References
    ----------
    scikit-learn, ``sklearn.metrics.root_mean_squared_error``.

    Examples
    --------
    >>> root_mean_squared_error([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 8.0])  # sqrt(16 / 4)
    2.0
    >>> root_mean_squared_error([0.0, 0.0], [1e200, -1e200])  # the MSE would overflow
    1e+200
    """
    y_true, y_pred = _pair(y_true, y_pred)
    d, e = scaled_difference(y_true, y_pred)
    top = max_exponent(d)
    u = np.ldexp(d, -top)  # |u| < 1: neither the squares nor their mean overflow
    return float_from_scaled(math.sqrt(np.mean(u * u)), top + e, "the root mean squared error")


def mean_absolute_error(y_true, y_pred):
    r"""Mean absolute error: the mean absolute difference of targets and predictions.

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
        If the inputs are empty, differ in shape or hold NaN or infinity, or the mean
        exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The L2 counterpart, which punishes large errors more.

    mean_absolute_percentage_error : The same error relative to each target.

    Notes
    -----
    $$\mathrm{MAE} = \frac{1}{n} \sum_{i=1}^{n} |y_i - \hat y_i|.$$

    Minimising MAE over a constant prediction gives the median of `y_true`
    (minimising MSE gives the mean), which is why MAE is robust to outliers.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

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
    d, e = scaled_difference(y_true, y_pred)
    return scaled_mean(np.abs(d), e, what="the mean absolute error")


def mean_absolute_percentage_error(y_true, y_pred):
    r"""Mean absolute error relative to each target, in percent (Keras' MAPE).

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float
        The MAPE in percent, $\ge 0$: 10.0 means predictions are off by 10 % of the
        target on average.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity, or the
        MAPE itself exceeds the largest float64 (about $1.8 \times 10^{308}$): when
        the ratios of the Notes average more than about $1.8 \times 10^{306}$.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_absolute_error : The same errors in the target's own units.

    mean_squared_logarithmic_error : Another scale-free regression loss.

    Notes
    -----
    $$\mathrm{MAPE} = \frac{100}{n} \sum_{i=1}^{n}
      \frac{|y_i - \hat y_i|}{\max(|y_i|, \varepsilon)}, \qquad \varepsilon = 10^{-7}.$$

    As in Keras, the result is multiplied by 100 and the denominator is clipped
    below at $\varepsilon$, so a target of 0 gives a huge but finite term instead of a
    division by zero. scikit-learn's ``mean_absolute_percentage_error`` returns a
    fraction instead (0.1 rather than 10) and clips at machine epsilon.

    Each ratio is formed from the mantissas and exponents (``numpy.frexp``) of its
    numerator and denominator, and the ratios are averaged after dividing them all by
    a power of two near the largest (the mean-reduction policy of this module). So no
    difference, ratio or partial sum overflows: the result is finite whenever the
    exact MAPE is, even for a prediction near $10^{308}$ against a target of 0.

    References
    ----------
    Keras, ``keras.losses.mean_absolute_percentage_error``.

    Examples
    --------
    >>> mean_absolute_percentage_error([2.0, 4.0], [3.0, 3.0])  # 100 * (1/2 + 1/4) / 2
    37.5

    A zero target is divided by the clip $10^{-7}$, not by 0:

    >>> round(mean_absolute_percentage_error([0.0], [0.001]))  # 100 * 0.001 / 1e-7
    1000000
    """
    y_true, y_pred = _pair(y_true, y_pred)
    diff, e_diff = scaled_difference(y_true, y_pred)  # y - y_hat == diff * 2**e_diff
    m_num, e_num = np.frexp(np.abs(diff))
    m_den, e_den = np.frexp(np.maximum(np.abs(y_true), _EPSILON))
    # each ratio is (m_num / m_den) 2**exponent, the mantissa quotient in (1/2, 2) or 0;
    # dividing every ratio by 2**top, the largest power, leaves terms the mean cannot overflow
    exponent = np.where(m_num == 0, np.iinfo(np.int32).min // 2, e_num - e_den + e_diff)
    top = int(exponent.max())
    if m_num.max() == 0:
        return 0.0
    terms = np.ldexp(m_num / m_den, exponent - top)
    return float_from_scaled(100.0 * np.mean(terms), top, "the mean absolute percentage error")


def mean_squared_logarithmic_error(y_true, y_pred):
    r"""Mean squared logarithmic error: the mean squared gap of $\log(1 + y)$, true vs predicted.

    Parameters
    ----------
    y_true : array_like
        Finite non-negative targets, any shape.
    y_pred : array_like
        Finite non-negative predictions, same shape as `y_true`.

    Returns
    -------
    float
        The MSLE, $\ge 0$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or hold a
        negative value.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The same loss without the logarithm.

    Notes
    -----
    $$\mathrm{MSLE} = \frac{1}{n} \sum_{i=1}^{n}
      \bigl(\log(1 + y_i) - \log(1 + \hat y_i)\bigr)^2.$$

    Each term depends on the ratio $(1 + \hat y)/(1 + y)$, so errors count relative to
    the size of the target, and predicting too little costs more than predicting too
    much by the same amount. ``np.log1p`` keeps $\log(1 + y)$ accurate for tiny $y$.
    Keras replaces every value below $10^{-7}$ (negatives included) by $10^{-7}$; here
    negative values raise, as in scikit-learn's ``mean_squared_log_error``, and the
    two agree for all inputs $\ge 10^{-7}$.

    References
    ----------
    Keras, ``keras.losses.mean_squared_logarithmic_error``.

    Examples
    --------
    Predicting 1 for 0 costs as much as 199 for 99, since both ratios are 2:

    >>> round(mean_squared_logarithmic_error([0.0], [1.0]), 4)  # (log 2)^2
    0.4805
    >>> round(mean_squared_logarithmic_error([99.0], [199.0]), 4)
    0.4805
    >>> round(mean_squared_logarithmic_error([0.0], [1e308]), 1)  # log(1 + 1e308)^2
    502959.3
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_range(y_true, "y_true", 0.0)
    _check_range(y_pred, "y_pred", 0.0)
    return float(np.mean((np.log1p(y_true) - np.log1p(y_pred)) ** 2))


def log_cosh_loss(y_true, y_pred):
    r"""Log-cosh loss: the mean $\log\cosh$ of the errors, quadratic when small, linear when large.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float
        The log-cosh loss, $\ge 0$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity, or the mean
        exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    log_cosh_loss_grad : Its gradient, $\tanh$ of the error.

    mean_squared_error : What it resembles for small errors.

    mean_absolute_error : What it resembles for large errors.

    Notes
    -----
    $$L = \frac{1}{n} \sum_{i=1}^{n} \log\cosh(\hat y_i - y_i),$$

    with $\log\cosh x \approx x^2/2$ for small $|x|$ and $\approx |x| - \log 2$ for
    large $|x|$. ``np.cosh`` overflows for $|x| > 710$, so with $a = |x|$ we use

    $$\log\cosh x = a + \log\bigl(1 + e^{-2a}\bigr) - \log 2,$$

    where $e^{-2a} \le 1$ cannot overflow (Keras uses the same identity through a
    softplus). For $a < 1$ that form loses digits to cancellation, so there we use
    $\tfrac12 \log\bigl(1 + \sinh^2 a\bigr)$, which is exact to rounding.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.log_cosh``.

    Examples
    --------
    >>> round(log_cosh_loss([0.0, 0.0], [1.0, -1.0]), 4)  # log cosh 1
    0.4338
    >>> round(log_cosh_loss([0.0], [1000.0]), 4)  # 1000 - log 2, no overflow
    999.3069
    >>> log_cosh_loss([0.0], [1e308])
    1e+308
    """
    y_true, y_pred = _pair(y_true, y_pred)
    d, e = scaled_difference(y_pred, y_true)
    if e:  # some |a| passed the float range: there log cosh a = a - log 2 to rounding
        return scaled_mean(np.abs(d), e, what="the log-cosh loss")
    a = np.abs(d)
    small = np.minimum(a, 1.0)  # the sinh branch only ever sees a < 1
    log_cosh = np.where(
        a < 1.0,
        0.5 * np.log1p(np.sinh(small) ** 2),
        a + np.log1p(np.exp(-a) ** 2) - math.log(2.0),  # exp(-a)^2: -2a could overflow
    )
    return scaled_mean(log_cosh, what="the log-cosh loss")


def log_cosh_loss_grad(y_true, y_pred):
    r"""Gradient of the log-cosh loss with respect to the predictions.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.

    Returns
    -------
    float or ndarray
        $\partial L / \partial \hat y$, shaped like `y_pred` (a float for scalar input),
        each value in $[-1/n, 1/n]$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    log_cosh_loss : The loss itself.

    Notes
    -----
    $$\frac{\partial L}{\partial \hat y_i} = \frac{1}{n}\tanh(\hat y_i - y_i).$$

    Like the MSE gradient it is about $x/n$ for small errors, and like the MAE
    gradient it is bounded by $1/n$ for large ones, so one outlier cannot produce a
    huge step. ``np.tanh`` saturates to exactly $\pm 1$ without overflow.

    Examples
    --------
    >>> log_cosh_loss_grad([0.0, 0.0], [1.0, -1000.0]).round(4).tolist()  # tanh(.) / 2
    [0.3808, -0.5]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return scalar_or_array(np.tanh(y_pred - y_true) / y_true.size)


def huber_loss(y_true, y_pred, *, delta=1.0):
    r"""Huber loss: squared error for small errors, linear beyond `delta`, averaged.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.
    delta : float, default=1.0
        The error size, $> 0$, where the loss turns from quadratic to linear.

    Returns
    -------
    float
        The Huber loss, $\ge 0$, and 0 exactly when ``y_pred == y_true``.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity, `delta` is not
        a finite number $> 0$, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers, or `delta` is not a real number.

    See Also
    --------
    huber_loss_grad : Its gradient, the error clipped to $[-\delta, \delta]$.

    mean_squared_error : What it is, halved, for errors up to `delta`.

    mean_absolute_error : What its slope resembles for large errors.

    log_cosh_loss : A loss of the same shape that is smooth everywhere.

    Notes
    -----
    With $a_i = |\hat y_i - y_i|$,

    $$L_\delta = \frac{1}{n} \sum_{i=1}^{n}
      \begin{cases} \tfrac12 a_i^2 & a_i \le \delta \\
      \delta\,(a_i - \tfrac12 \delta) & a_i > \delta. \end{cases}$$

    The two pieces meet with equal value and slope at $a = \delta$, so the loss is
    differentiable everywhere; its slope never exceeds $\delta$, so one outlier cannot
    dominate the gradient as it does under the squared error. This is the definition of
    ``torch.nn.functional.huber_loss`` and ``keras.losses.Huber`` (both default to
    $\delta = 1$). PyTorch's ``smooth_l1_loss`` with ``beta`` $= \delta$ is the same loss
    divided by $\delta$: $L_\delta = \delta \cdot \mathrm{SmoothL1}_{\beta=\delta}$, and
    for $\delta = 1$ the two are equal.

    Each piece is summed over its errors divided by a power of two near their largest
    (the linear piece by powers near the largest error and near $\delta$), and the sums
    are scaled back once, so no difference, square or partial sum overflows: the result
    is finite whenever the exact mean is.

    References
    ----------
    Huber, P. J. (1964). Robust estimation of a location parameter. *The Annals of
    Mathematical Statistics* 35(1), 73-101.

    Examples
    --------
    Errors $0.5$ and $3$ with $\delta = 1$ cost $0.125$ and $3 - 0.5 = 2.5$:

    >>> huber_loss([0.0, 0.0], [0.5, -3.0])
    1.3125
    >>> huber_loss([0.0, 0.0], [0.5, -3.0], delta=4.0)  # both quadratic: (0.125 + 4.5) / 2
    2.3125
    >>> huber_loss([-1e308, 0.0], [1e308, 0.0])  # (2e308 - 0.5) / 2; 2e308 would overflow
    1e+308
    """
    y_true, y_pred = _pair(y_true, y_pred)
    delta = check_real(delta, "delta", low=0.0, closed="neither")
    d, e = scaled_difference(y_pred, y_true)
    a = np.abs(d)  # the errors are a * 2**e
    quadratic = a <= math.ldexp(delta, -e)
    # sum of each piece as (mantissa, exponent); an empty piece contributes nothing
    pieces = []
    if np.any(quadratic):
        aq = a[quadratic]
        eq = max_exponent(aq)
        u = np.ldexp(aq, -eq)  # |u| < 1
        pieces.append((0.5 * np.sum(u * u), 2 * (eq + e)))
    if not np.all(quadratic):
        al = a[~quadratic]
        el = max_exponent(al)
        ed = math.frexp(delta)[1]
        # delta (a 2**e - delta / 2)
        #   = (delta / 2**ed) (a / 2**el - delta / 2**(el + e + 1)) 2**(ed + el + e)
        u = np.ldexp(al, -el) - math.ldexp(delta, -(el + e + 1))
        pieces.append((math.ldexp(delta, -ed) * np.sum(u), ed + el + e))
    top = max(exponent for _, exponent in pieces)
    total = sum(math.ldexp(float(mantissa), exponent - top) for mantissa, exponent in pieces)
    return float_from_scaled(total / a.size, top, "the Huber loss")


def huber_loss_grad(y_true, y_pred, *, delta=1.0):
    r"""Gradient of the Huber loss with respect to the predictions.

    Parameters
    ----------
    y_true : array_like
        Finite target values, any shape.
    y_pred : array_like
        Finite predictions, same shape as `y_true`.
    delta : float, default=1.0
        The error size, $> 0$, where the loss turns from quadratic to linear.

    Returns
    -------
    float or ndarray
        $\partial L_\delta / \partial \hat y$, shaped like `y_pred` (a float for scalar
        input), each value in $[-\delta/n, \delta/n]$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape or hold NaN or infinity, or `delta` is
        not a finite number $> 0$.
    TypeError
        If an input does not hold real numbers, or `delta` is not a real number.

    See Also
    --------
    huber_loss : The loss itself.

    mean_squared_error_grad : The gradient it equals, halved, for small errors.

    Notes
    -----
    $$\frac{\partial L_\delta}{\partial \hat y_i} =
      \frac{1}{n}\,\mathrm{clip}(\hat y_i - y_i,\ -\delta,\ \delta).$$

    The gradient is the error itself while it is small and $\pm\delta$ beyond, so it is
    continuous (the kink is in the second derivative, at $|\hat y_i - y_i| = \delta$).
    An error past the float range clips to exactly $\pm\delta$.

    Examples
    --------
    >>> huber_loss_grad([0.0, 0.0], [0.5, -3.0]).tolist()  # (0.5, -1) / 2
    [0.25, -0.5]
    >>> huber_loss_grad(0.0, -3.0, delta=4.0)
    -3.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    delta = check_real(delta, "delta", low=0.0, closed="neither")
    # an error past the float range becomes +-inf, which the clip turns into +-delta exactly
    with np.errstate(over="ignore"):
        error = y_pred - y_true
    return scalar_or_array(np.clip(error, -delta, delta) / y_true.size)


def poisson_loss(y_true, y_pred):
    r"""Poisson negative log-likelihood of counts, up to a constant: mean of $\hat y - y\log\hat y$.

    Parameters
    ----------
    y_true : array_like
        Finite non-negative targets (counts), any shape.
    y_pred : array_like
        Finite non-negative predicted rates, same shape as `y_true`.

    Returns
    -------
    float
        The Poisson loss. It may be negative: the constant $\log y!$ is left out.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or hold a
        negative value, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : The loss for Gaussian rather than Poisson noise.

    Notes
    -----
    $$L = \frac{1}{n} \sum_{i=1}^{n} \bigl(\hat y_i - y_i \log \max(\hat y_i, \varepsilon)\bigr),
      \qquad \varepsilon = 10^{-7}.$$

    For a Poisson count $y$ with rate $\lambda$, $-\log P(y) = \lambda - y\log\lambda +
    \log y!$; the last term does not depend on the prediction, so it is dropped. For
    each target the loss is smallest at $\hat y = y$. The rate is clipped below at
    $\varepsilon$ before the log, so a zero rate for a positive count costs a large
    finite amount. Keras adds $10^{-7}$ inside the log and PyTorch's
    ``poisson_nll_loss(log_input=False)`` adds ``eps=1e-8``, so all three agree to
    within about $y\varepsilon/\hat y$.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.poisson``.

    Examples
    --------
    >>> round(poisson_loss([0.0, 2.0], [1.0, 2.0]), 4)  # ((1 - 0) + (2 - 2 log 2)) / 2
    0.8069
    >>> round(poisson_loss([1.0], [0.0]), 4)  # 0 - log(1e-7)
    16.1181
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_range(y_true, "y_true", 0.0)
    _check_range(y_pred, "y_pred", 0.0)
    # each term over 2^e, a power of two near the largest input: y log(y_pred) could
    # overflow on its own (|log| <= 710), the scaled term cannot
    _, e = np.frexp(max(y_true.max(), y_pred.max()))
    terms = np.ldexp(y_pred, -e) - np.ldexp(y_true, -e) * np.log(np.maximum(y_pred, _EPSILON))
    return scaled_mean(terms, int(e), what="the Poisson loss")


# --------------------------------------------------------------------------- probabilistic


def binary_cross_entropy(y_true, y_pred):
    r"""Binary cross-entropy (log loss) from predicted probabilities, clipped like Keras.

    Parameters
    ----------
    y_true : array_like
        Targets in $[0, 1]$, any shape: labels 0 and 1, or soft labels.
    y_pred : array_like
        Predicted probabilities of the positive class in $[0, 1]$, same shape as
        `y_true`.

    Returns
    -------
    float
        The mean log loss in nats, $\ge 0$ (0 only for hard labels predicted exactly).

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or hold a
        value outside $[0, 1]$, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    binary_cross_entropy_with_logits : The same loss from logits, with no clipping;
        prefer it in models.

    categorical_cross_entropy : The multi-class version.

    Notes
    -----
    With $p_i$ clipped to $[\varepsilon, 1 - \varepsilon]$, $\varepsilon = 10^{-7}$,

    $$L = -\frac{1}{n} \sum_{i=1}^{n} \bigl(y_i \log p_i + (1 - y_i)\log(1 - p_i)\bigr).$$

    The clip is Keras' (``from_logits=False``): without it a confident wrong
    prediction $p = 0$ for $y = 1$ would cost $\log 0 = -\infty$. Clipping changes
    nothing for $p \in [\varepsilon, 1 - \varepsilon]$ and caps one example's loss at
    $-\log\varepsilon \approx 16.12$; PyTorch's ``binary_cross_entropy`` caps the log
    at $-100$ instead. Unlike ``log(p + eps)``, the clip adds no bias to unclipped
    values. $\log(1 - p)$ is taken as ``np.log1p(-p)``.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.binary_crossentropy``.

    Examples
    --------
    >>> round(binary_cross_entropy([1.0, 0.0], [0.5, 0.5]), 4)  # log 2
    0.6931
    >>> round(binary_cross_entropy([1.0, 0.0], [0.8, 0.2]), 4)  # -log 0.8
    0.2231

    A certain wrong answer is capped at $-\log 10^{-7}$ rather than infinite:

    >>> round(binary_cross_entropy([1.0], [0.0]), 4)
    16.1181
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_range(y_true, "y_true", 0.0, 1.0)
    _check_range(y_pred, "y_pred", 0.0, 1.0)
    p = np.clip(y_pred, _EPSILON, 1.0 - _EPSILON)
    terms = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))
    return scaled_mean(terms, what="the binary cross-entropy") + 0.0


def binary_cross_entropy_with_logits(y_true, logits):
    r"""Binary cross-entropy of a sigmoid output, computed stably from the logits.

    Parameters
    ----------
    y_true : array_like
        Targets in $[0, 1]$, any shape: labels 0 and 1, or soft labels.
    logits : array_like
        Finite logits $z$ (the sigmoid's inputs), same shape as `y_true`.

    Returns
    -------
    float
        The mean log loss in nats, $\ge 0$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or `y_true`
        holds a value outside $[0, 1]$, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    binary_cross_entropy : The same loss from probabilities.

    binary_cross_entropy_with_logits_grad : Its gradient, $(\sigma(z) - y)/n$.

    cross_entropy : The multi-class version from logits.

    Notes
    -----
    Since $-\log\sigma(z) = \mathrm{softplus}(-z)$ and $-\log(1 - \sigma(z)) =
    \mathrm{softplus}(z)$,

    $$L = \frac{1}{n} \sum_{i=1}^{n}
      \bigl(y_i\,\mathrm{softplus}(-z_i) + (1 - y_i)\,\mathrm{softplus}(z_i)\bigr),$$

    with $\mathrm{softplus}(z) = \log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|})$.
    No probability is ever formed, so nothing is clipped or rounded to 0 before the
    log: a logit of $-1000$ for a positive example costs exactly 1000, where
    ``log(sigmoid(z) + eps)`` would cap it and bias every other value.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    PyTorch, ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Examples
    --------
    >>> round(binary_cross_entropy_with_logits([1.0, 0.0], [0.0, 0.0]), 4)  # log 2
    0.6931
    >>> binary_cross_entropy_with_logits([1.0, 0.0], [1000.0, -1000.0])
    0.0
    >>> binary_cross_entropy_with_logits([1.0], [-1000.0])
    1000.0
    """
    y_true, z = _pair(y_true, logits, "logits")
    _check_range(y_true, "y_true", 0.0, 1.0)
    terms = y_true * log1p_exp(-z) + (1.0 - y_true) * log1p_exp(z)
    return scaled_mean(terms, what="the binary cross-entropy")


def binary_cross_entropy_with_logits_grad(y_true, logits):
    r"""Gradient of the binary cross-entropy with respect to the logits.

    Parameters
    ----------
    y_true : array_like
        Targets in $[0, 1]$, any shape.
    logits : array_like
        Finite logits $z$, same shape as `y_true`.

    Returns
    -------
    float or ndarray
        $\partial L / \partial z$, shaped like `logits` (a float for scalar input).

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or `y_true`
        holds a value outside $[0, 1]$.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    binary_cross_entropy_with_logits : The loss itself.

    Notes
    -----
    $$\frac{\partial L}{\partial z_i} = \frac{\sigma(z_i) - y_i}{n}:$$

    the predicted probability minus the target, like softmax cross-entropy's
    $p - y$. The sigmoid is the two-branch form, so no logit overflows.

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad([1.0, 0.0], [0.0, 0.0]).tolist()
    [-0.25, 0.25]
    >>> binary_cross_entropy_with_logits_grad([1.0, 1.0], [-1000.0, 1000.0]).tolist()
    [-0.5, 0.0]
    """
    y_true, z = _pair(y_true, logits, "logits")
    _check_range(y_true, "y_true", 0.0, 1.0)
    return scalar_or_array((np.asarray(sigmoid(z)) - y_true) / y_true.size)


def cross_entropy(logits, target, *, axis=-1, label_smoothing=0.0):
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
    label_smoothing : float, default=0.0
        $\varepsilon \in [0, 1]$: the target is mixed with the uniform distribution
        first, $(1 - \varepsilon)\,t + \varepsilon/k$, as PyTorch does (see
        ``smooth_labels``).

    Returns
    -------
    float
        The mean cross-entropy in nats, $\ge 0$.

    Raises
    ------
    ValueError
        If `logits` is not 2-D or is empty, an input holds NaN or infinity, `target`
        has the wrong shape, an index is out of range, or probabilities are negative or
        do not sum to 1, `label_smoothing` is outside $[0, 1]$, or the mean exceeds the
        float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    cross_entropy_grad : Its gradient with respect to the logits.

    smooth_labels : The target mix that `label_smoothing` applies.

    nll_loss : The same loss from log-probabilities, with class weights.

    categorical_cross_entropy : The same loss from probabilities and one-hot targets.

    sparse_categorical_cross_entropy : The same loss from probabilities and indices.

    log_softmax : The stable log-probabilities used here.

    softmax : The probabilities the logits stand for.

    Notes
    -----
    With $\log p = \log\mathrm{softmax}(z)$ computed by the log-sum-exp trick,

    $$\mathcal{L} = -\frac{1}{n} \sum_{i=1}^{n} \sum_{c=1}^{k} t_{ic} \log p_{ic},$$

    which for class indices reduces to $-\frac{1}{n}\sum_i \log p_{i, y_i}$.
    Going through ``log_softmax`` keeps a confident wrong answer finite (a logit gap of
    1000 costs exactly 1000), where ``np.log(softmax(z) + eps)`` would both cap the loss
    at $-\log \varepsilon$ and bias every other value. This logit form is the
    recommended one; the probability forms exist to mirror Keras.

    With ``label_smoothing`` $= \varepsilon$ the target $t$ (one-hot for indices) is
    replaced by $(1 - \varepsilon)\,t + \varepsilon/k$ before the sum, which is
    ``torch.nn.functional.cross_entropy(..., label_smoothing=eps)`` for both kinds of
    target. For an index target that equals
    $(1 - \varepsilon)(-\log p_{i, y_i}) + \varepsilon \cdot \frac{1}{k}\sum_c (-\log p_{ic})$.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

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

    Label smoothing $0.5$ over 2 classes turns the target 0 into $(0.75, 0.25)$:

    >>> cross_entropy([[1000.0, 0.0]], [0], label_smoothing=0.5)  # 0.75 * 0 + 0.25 * 1000
    250.0
    """
    logits = as_float_array(logits, "logits", ndim=2, layout="(n, k)")
    axis = check_axis(axis, logits.ndim)
    target = _smoothed_target(as_class_target(target, logits, axis), logits, axis, label_smoothing)
    log_p, e = _scaled_log_softmax(logits, axis)
    if target.ndim == 1:
        # pick log p[i, y_i] for each example i
        log_p_true = np.take_along_axis(log_p, np.expand_dims(target, axis), axis=axis)
        loss = scaled_mean(-log_p_true, e, what="the cross-entropy")
    else:
        loss = scaled_mean(-np.sum(target * log_p, axis=axis), e, what="the cross-entropy")
    return loss + 0.0  # + 0.0 turns the -0.0 of a perfect prediction into 0.0


def _smoothed_target(target, logits, axis, label_smoothing):
    """`target` unchanged, or mixed with the uniform distribution for ``label_smoothing > 0``."""
    eps = check_real(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    if eps == 0.0:
        return target
    if target.ndim == 1:  # class indices: their one-hot rows along `axis`
        onehot = np.zeros_like(logits)
        np.put_along_axis(onehot, np.expand_dims(target, axis), 1.0, axis=axis)
        target = onehot
    return (1.0 - eps) * target + eps / logits.shape[axis]


def _scaled_log_softmax(logits, axis):
    r"""Return ``(l, e)`` with ``log_softmax(logits) == l * 2**e`` and `l` finite.

    ``e`` is 0 unless a logit gap passes the float range; then the log-probabilities
    are formed in quarters, $z/4 - m/4 - \tfrac14 \log \sum e^{z - m}$, so that
    neither a gap nor a weighted sum of them can overflow.
    """
    m = logits.max(axis=axis, keepdims=True)
    with np.errstate(over="ignore"):  # a gap past the float range is redone in quarters
        gap = logits - m
    if np.all(np.isfinite(gap)):
        return log_softmax(logits, axis=axis), 0
    quarter_gap = 0.25 * logits - 0.25 * m
    # exp(4 * gap / 4); gaps below -1000 give exp = 0 exactly, so clip them first
    total = np.sum(np.exp(4.0 * np.maximum(quarter_gap, -1000.0)), axis=axis, keepdims=True)
    return quarter_gap - 0.25 * np.log(total), 2


def cross_entropy_grad(logits, target, *, axis=-1, label_smoothing=0.0):
    r"""Gradient of the softmax cross-entropy with respect to the logits.

    Parameters
    ----------
    logits : array_like of shape (n, k)
        Finite logits for $n$ examples and $k$ classes (classes along `axis`).
    target : array_like of shape (n,) or (n, k)
        Class indices in ``[0, k)``, or class probabilities shaped like `logits` that
        sum to 1 along `axis`.
    axis : int, default=-1
        The axis of `logits` that holds the classes.
    label_smoothing : float, default=0.0
        $\varepsilon \in [0, 1]$: the target becomes $(1 - \varepsilon)\,t + \varepsilon/k$
        first, as in ``cross_entropy``.

    Returns
    -------
    ndarray
        $\partial \mathcal{L} / \partial z$, shaped like `logits`.

    Raises
    ------
    ValueError
        If `logits` is not 2-D or is empty, an input holds NaN or infinity, `target`
        has the wrong shape, an index is out of range, or probabilities are negative or
        do not sum to 1, or `label_smoothing` is outside $[0, 1]$.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    cross_entropy : The loss itself.

    softmax_jvp : The softmax Jacobian, which this gradient folds in.

    Notes
    -----
    $$\frac{\partial \mathcal{L}}{\partial z_{ic}} = \frac{p_{ic} - t_{ic}}{n},
      \qquad p_i = \mathrm{softmax}(z_i),$$

    with $t_i$ the one-hot row of an index target, smoothed if `label_smoothing` is
    set. Softmax's Jacobian and the log's
    $1/p$ cancel, which is why the pair is always fused; each row of the result sums
    to 0. The softmax is max-shifted, so large logits are safe.

    Examples
    --------
    >>> cross_entropy_grad([[0.0, 0.0]], [0]).tolist()  # (0.5 - 1, 0.5 - 0) / 1
    [[-0.5, 0.5]]
    >>> cross_entropy_grad([[1000.0, 0.0], [0.0, 0.0]], [1, 1]).tolist()
    [[0.5, -0.5], [0.25, -0.25]]
    >>> cross_entropy_grad([[0.0, 0.0]], [0], label_smoothing=0.5).tolist()  # target (.75, .25)
    [[-0.25, 0.25]]
    """
    logits = as_float_array(logits, "logits", ndim=2, layout="(n, k)")
    axis = check_axis(axis, logits.ndim)
    target = _smoothed_target(as_class_target(target, logits, axis), logits, axis, label_smoothing)
    p = softmax(logits, axis=axis)
    if target.ndim == 1:
        onehot = np.zeros_like(p)
        np.put_along_axis(onehot, np.expand_dims(target, axis), 1.0, axis=axis)
        target = onehot
    return (p - target) / logits.shape[1 - axis]


def _nll_targets(target, n, k, ignore_index):
    """`target` as n class indices, each in ``[0, k)`` or equal to `ignore_index`."""
    target = as_array(target, "target")
    if target.dtype.kind not in "iuf":
        raise TypeError(f"target must hold integer class indices; got dtype {target.dtype}.")
    if target.shape != (n,):
        raise ValueError(
            f"target must have shape ({n},), one class index per row of log_probs; "
            f"got {target.shape}."
        )
    if target.dtype.kind == "f" and not np.all(np.isfinite(target) & (target == np.round(target))):
        raise ValueError("target must hold whole numbers; got NaN, infinity or a fraction.")
    target = target.astype(np.int64)
    bad = (target != ignore_index) & ((target < 0) | (target >= k))
    if np.any(bad):
        raise ValueError(
            f"target must hold class indices in [0, {k - 1}] or ignore_index "
            f"({ignore_index}); got {target[bad][0]}."
        )
    return target


def _scaled_products(x, w):
    """Return ``(t, top)`` with ``x * w == t * 2**top`` elementwise and ``|t| < 1``.

    Each product is formed from the mantissas and exponents of its factors, so no product
    overflows or loses digits on the way; ``top`` is the exponent of the largest.
    """
    mx, ex = np.frexp(x)
    mw, ew = np.frexp(w)
    m = mx * mw  # each in (1/4, 1) or 0
    exponent = np.where(m == 0, np.iinfo(np.int32).min // 2, ex + ew)
    top = int(exponent.max()) if np.any(m != 0) else 0
    return np.ldexp(m, exponent - top), top


def nll_loss(log_probs, target, *, weight=None, reduction="mean", ignore_index=-100):
    r"""Negative log-likelihood (NLL) loss: minus the log-probability of each true class.

    Parameters
    ----------
    log_probs : array_like of shape (n, k)
        Finite log-probabilities of $k$ classes for $n$ examples, usually the output of
        ``log_softmax``. Any finite values are accepted, as in PyTorch.
    target : array_like of shape (n,)
        The true class of each example: integers in ``[0, k)``, or `ignore_index`.
    weight : array_like of shape (k,), optional
        A finite non-negative weight per class; all ones when omitted.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"``: the weighted sum divided by the sum of the weights of the counted
        targets; ``"sum"``: the weighted sum; ``"none"``: one loss per example.
    ignore_index : int, default=-100
        A target value that is skipped: it adds nothing to the sum and its weight nothing
        to the mean's denominator (its ``"none"`` loss is 0).

    Returns
    -------
    float or ndarray of shape (n,)
        The loss in nats (if `log_probs` are natural logs): a float for ``"mean"`` and
        ``"sum"``, an array for ``"none"``.

    Raises
    ------
    ValueError
        If `log_probs` is not 2-D, is empty or holds NaN or infinity, `target` has the
        wrong shape or holds an index outside ``[0, k)`` other than `ignore_index`,
        `weight` has the wrong shape or holds a negative value, `reduction` is unknown,
        the weights of the counted targets sum to 0 with ``reduction="mean"``, or the
        result exceeds the float64 range.
    TypeError
        If an input does not hold numbers, or `reduction` is not a string, or
        `ignore_index` is not an integer.

    See Also
    --------
    cross_entropy : The same loss from logits: NLL of ``log_softmax(logits)``.

    log_softmax : The stable log-probabilities NLL expects.

    sparse_categorical_cross_entropy : The same loss from probabilities.

    Notes
    -----
    With $w$ the class weights and $C$ the examples whose target $y_i$ is not
    `ignore_index`,

    $$\ell_i = -w_{y_i}\,x_{i, y_i}, \qquad
      L_{\text{mean}} = \frac{\sum_{i \in C} \ell_i}{\sum_{i \in C} w_{y_i}}.$$

    This is ``torch.nn.functional.nll_loss`` for 2-D input: the weighted mean divides by
    the total weight of the counted targets, not by $n$, so it is a weighted average of
    the per-example losses. When no target counts (all ignored, or all of weight 0) that
    average is $0/0$, for which PyTorch returns NaN and this function raises. Minimising
    NLL is maximum likelihood; with ``log_softmax`` in front it is cross-entropy.

    Products $w_{y_i} x_{i, y_i}$ are formed from the mantissas and exponents of their
    factors and summed after dividing by a power of two near the largest, so no product
    or sum overflows: the result is finite whenever the exact value is.

    References
    ----------
    PyTorch, ``torch.nn.functional.nll_loss``.

    Examples
    --------
    Log-probabilities of the true classes are $\log 0.5$ and $\log 0.25$:

    >>> log_p = np.log([[0.5, 0.5], [0.75, 0.25]])
    >>> round(nll_loss(log_p, [0, 1]), 4)  # (log 2 + log 4) / 2
    1.0397
    >>> nll_loss(log_p, [0, 1], reduction="none").round(4).tolist()
    [0.6931, 1.3863]
    >>> round(nll_loss(log_p, [0, -100]), 4)  # the ignored row does not count
    0.6931

    Weights $(3, 1)$: $(3 \log 2 + 1 \log 4) / (3 + 1) = 5 \log 2 / 4$:

    >>> round(nll_loss(log_p, [0, 1], weight=[3.0, 1.0]), 4)
    0.8664
    """
    x = as_float_array(log_probs, "log_probs", ndim=2, layout="(n, k)")
    n, k = x.shape
    reduction = check_choice(reduction, "reduction", ("mean", "sum", "none"))
    ignore_index = check_int(ignore_index, "ignore_index", minimum=-(2**63))
    target = _nll_targets(target, n, k, ignore_index)
    if weight is None:
        weight = np.ones(k)
    else:
        weight = as_float_array(weight, "weight", ndim=1, layout=f"({k},)")
        if weight.shape != (k,):
            raise ValueError(f"weight must have shape ({k},), one per class; got {weight.shape}.")
        _check_range(weight, "weight", 0.0)
    counted = target != ignore_index
    index = np.where(counted, target, 0)
    picked = np.where(counted, x[np.arange(n), index], 0.0)
    w = np.where(counted, weight[index], 0.0)
    if reduction == "none":
        # a product of finite floats overflows only where the exact product does
        with np.errstate(over="ignore"):
            losses = -(w * picked)
        if not np.all(np.isfinite(losses)):
            raise ValueError(
                "the negative log-likelihood of each example must fit in float64; got an "
                "overflow of weight times log-probability. Rescale the inputs."
            )
        return losses + 0.0
    terms, top = _scaled_products(picked, w)
    if reduction == "sum":
        return float_from_scaled(-np.sum(terms), top, "the negative log-likelihood") + 0.0
    if not np.any(w > 0):
        raise ValueError(
            "reduction='mean' must have a target that counts: every target equals "
            f"ignore_index ({ignore_index}) or has weight 0, so the weighted mean is 0/0 "
            "(PyTorch returns nan). Use reduction='sum' or check the targets."
        )
    w_top = max_exponent(w)
    ratio = -np.sum(terms) / np.sum(np.ldexp(w, -w_top))
    return float_from_scaled(ratio, top - w_top, "the negative log-likelihood") + 0.0


def entropy(p, *, base=None, axis=0):
    r"""Entropy of a discrete distribution: the expected surprise $-\sum p \log p$.

    Parameters
    ----------
    p : array_like
        Finite non-negative weights of the outcomes along `axis`; they are divided by
        their sum first (so counts work), as in ``scipy.stats.entropy``.
    base : float, optional
        The base of the logarithm, $> 0$ and not 1: 2 gives bits. Natural log (nats)
        when omitted.
    axis : int, default=0
        The axis along which the outcomes lie (SciPy's default); the others index
        separate distributions.

    Returns
    -------
    float or ndarray
        The entropy, $\ge 0$: a float for 1-D `p`, otherwise an array with `axis`
        removed.

    Raises
    ------
    ValueError
        If `p` is 0-D, empty or holds NaN or infinity, a value is negative, a
        distribution sums to 0, `base` is not a finite number $> 0$ other than 1, or
        `axis` is out of range.
    TypeError
        If `p` does not hold real numbers, or `base` is not a real number.

    See Also
    --------
    cross_entropy : The cross-entropy $H(p, q) = H(p) + D_{\mathrm{KL}}(p\,\|\,q)$.

    kl_divergence : The extra cost of coding $p$ with a code for $q$.

    Notes
    -----
    With $p$ normalised to sum to 1,

    $$H(p) = -\sum_{c=1}^{k} p_c \log p_c, \qquad 0 \log 0 = 0.$$

    A zero probability adds nothing (the limit of $p \log p$ as $p \to 0$), as in
    ``scipy.special.entr``. $H$ is 0 for a certain outcome and $\log k$, its largest
    value, for $k$ equally likely ones. Dividing by $\log b$ changes the unit: bits
    for $b = 2$. This is ``scipy.stats.entropy(p, base=base, axis=axis)`` without the
    second argument; a negative value or a zero sum, where SciPy returns ``-inf`` or
    NaN, raises here. Each distribution is divided by a power of two near its largest
    weight before it is summed, so weights near $10^{308}$ or among the subnormals
    normalise without overflow or loss of digits.

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. *Bell System
    Technical Journal* 27(3), 379-423.

    Examples
    --------
    >>> entropy([0.5, 0.25, 0.25], base=2)  # 1/2 * 1 + 2 * 1/4 * 2 bits
    1.5
    >>> entropy([2, 1, 1], base=2)  # counts are normalised first
    1.5
    >>> entropy([1.0, 0.0])  # a certain outcome; 0 log 0 counts as 0
    0.0
    >>> entropy([[0.5, 1.0], [0.5, 0.0]], base=2).tolist()  # one distribution per column
    [1.0, 0.0]
    """
    p = as_float_array(p, "p", min_ndim=1)
    axis = check_axis(axis, p.ndim)
    if base is not None:
        base = check_real(base, "base", low=0.0, closed="neither")
        if base == 1.0:
            raise ValueError("base must not be 1, whose logarithm is 0; got 1.0.")
    _check_range(p, "p", 0.0)
    # dividing by a power of two is exact; the scaled weights sum to at most k
    scaled = p / np.expand_dims(power_of_two_scale(p, axis=axis), axis)
    total = np.sum(scaled, axis=axis, keepdims=True)
    if np.any(total == 0):
        raise ValueError(
            f"p must have a positive sum along axis {axis}; got a distribution of zeros."
        )
    q = scaled / total
    h = -np.sum(q * np.log(np.where(q > 0, q, 1.0)), axis=axis)  # 0 log 0 = 0
    if base is not None:
        h = h / math.log(base)
    return scalar_or_array(h + 0.0)


def smooth_labels(y_true, *, label_smoothing=0.1):
    r"""Label smoothing: mix one-hot targets with the uniform distribution over the classes.

    Parameters
    ----------
    y_true : array_like of shape (..., k)
        Target distributions along the last axis: one-hot rows (``one_hot(labels, k)``)
        or probabilities in $[0, 1]$ that sum to 1 (within $10^{-6}$).
    label_smoothing : float, default=0.1
        The share $\varepsilon \in [0, 1]$ of probability moved to the uniform
        distribution.

    Returns
    -------
    ndarray
        The smoothed targets, shaped like `y_true`; each row still sums to 1.

    Raises
    ------
    ValueError
        If `y_true` is 0-D, empty or holds NaN or infinity, a value lies outside
        $[0, 1]$ or a row does not sum to 1, or `label_smoothing` is not in $[0, 1]$.
    TypeError
        If `y_true` does not hold real numbers, or `label_smoothing` is not a real
        number.

    See Also
    --------
    cross_entropy : Takes ``label_smoothing=`` and applies this mix itself.

    one_hot : Turns class indices into the rows this function expects.

    Notes
    -----
    $$\tilde y_c = (1 - \varepsilon)\, y_c + \frac{\varepsilon}{k}.$$

    The true class keeps $1 - \varepsilon + \varepsilon/k$ and every other class gets
    $\varepsilon/k$, so a model trained with cross-entropy on $\tilde y$ is no longer
    pushed towards infinite logit gaps. This is the mix of
    ``torch.nn.functional.cross_entropy(..., label_smoothing=eps)`` and of Keras'
    ``CategoricalCrossentropy(label_smoothing=eps)``; Keras' binary cross-entropy
    instead mixes with $1/2$, i.e. $k = 2$. Szegedy et al. used $\varepsilon = 0.1$.

    References
    ----------
    Szegedy, Vanhoucke, Ioffe, Shlens and Wojna (2016). Rethinking the Inception
    architecture for computer vision. CVPR. https://arxiv.org/abs/1512.00567

    Examples
    --------
    With $\varepsilon = 0.2$ and $k = 4$ each class first gets $0.05$:

    >>> smooth_labels([0.0, 1.0, 0.0, 0.0], label_smoothing=0.2).round(4).tolist()
    [0.05, 0.85, 0.05, 0.05]
    >>> smooth_labels([[1.0, 0.0]], label_smoothing=0.5).tolist()  # 0.5 + 0.25, 0.25
    [[0.75, 0.25]]
    """
    y_true = as_float_array(y_true, "y_true", min_ndim=1)
    eps = check_real(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    _check_distributions(y_true, "y_true")
    return (1.0 - eps) * y_true + eps / y_true.shape[-1]


def _probabilities_and_rows(y_pred):
    """`y_pred` as an (n, k) array of probability rows, renormalised and clipped like Keras."""
    y_pred = as_float_array(y_pred, "y_pred", ndim=2, layout="(n, k)")
    _check_distributions(y_pred, "y_pred")
    p = y_pred / y_pred.sum(axis=-1, keepdims=True)
    return y_pred, np.clip(p, _EPSILON, 1.0 - _EPSILON)


def categorical_cross_entropy(y_true, y_pred):
    r"""Categorical cross-entropy of one-hot (or soft) targets and predicted probabilities.

    Parameters
    ----------
    y_true : array_like of shape (n, k)
        Target distributions, one row per example: one-hot rows, or soft labels that
        are non-negative and sum to 1.
    y_pred : array_like of shape (n, k)
        Predicted probabilities (e.g. softmax outputs), each row in $[0, 1]$ and
        summing to 1 (within $10^{-6}$).

    Returns
    -------
    float
        The mean cross-entropy in nats, $\ge 0$.

    Raises
    ------
    ValueError
        If an input is not 2-D, is empty, holds NaN or infinity, has a value outside
        $[0, 1]$ or a row that does not sum to 1, or the shapes differ, or the mean
        exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    cross_entropy : The same loss from logits; prefer it in models.

    sparse_categorical_cross_entropy : The same loss with integer labels.

    binary_cross_entropy : The two-class version with one probability per example.

    Notes
    -----
    With each row of $p$ rescaled to sum exactly to 1 and clipped to
    $[\varepsilon, 1 - \varepsilon]$, $\varepsilon = 10^{-7}$, as Keras does with
    ``from_logits=False``,

    $$L = -\frac{1}{n} \sum_{i=1}^{n} \sum_{c=1}^{k} y_{ic} \log p_{ic}.$$

    For a one-hot row only the true class's term survives, $-\log p_{i,t_i}$. The
    clip caps one example's loss at $-\log\varepsilon \approx 16.12$; starting from
    logits with ``cross_entropy`` needs no clip and keeps full precision.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.categorical_crossentropy``.

    Examples
    --------
    >>> y_true = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    >>> y_pred = [[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]
    >>> round(categorical_cross_entropy(y_true, y_pred), 4)  # -log 0.5 each
    0.6931
    >>> round(cross_entropy(np.log(y_pred), [1, 0]), 4)  # the same from logits
    0.6931
    >>> round(categorical_cross_entropy([[1.0, 0.0]], [[0.0, 1.0]]), 4)  # -log 1e-7
    16.1181
    """
    y_pred, p = _probabilities_and_rows(y_pred)
    y_true = as_float_array(y_true, "y_true", ndim=2, layout="(n, k)")
    check_same_shape(y_pred, y_true, "y_pred", "y_true")
    _check_distributions(y_true, "y_true")
    terms = -np.sum(y_true * np.log(p), axis=-1)
    return scaled_mean(terms, what="the categorical cross-entropy") + 0.0


def sparse_categorical_cross_entropy(labels, y_pred):
    r"""Sparse categorical cross-entropy of class labels and predicted probabilities.

    Parameters
    ----------
    labels : array_like of shape (n,)
        The true class of each example, integers in ``[0, k)``.
    y_pred : array_like of shape (n, k)
        Predicted probabilities (e.g. softmax outputs), each row in $[0, 1]$ and
        summing to 1 (within $10^{-6}$).

    Returns
    -------
    float
        The mean cross-entropy in nats, $\ge 0$.

    Raises
    ------
    ValueError
        If `y_pred` is not 2-D, an input is empty or holds NaN or infinity, a
        probability is outside $[0, 1]$ or a row does not sum to 1, `labels` has the
        wrong length, or a label is negative, fractional or $\ge k$, or the mean exceeds the
        float64 range.
    TypeError
        If an input does not hold numbers.

    See Also
    --------
    categorical_cross_entropy : The same loss with one-hot targets.

    cross_entropy : The same loss from logits; prefer it in models.

    Notes
    -----
    With $p$ rescaled and clipped as in ``categorical_cross_entropy``,

    $$L = -\frac{1}{n} \sum_{i=1}^{n} \log p_{i, t_i}.$$

    It is categorical cross-entropy with the one-hot rows left implicit: same value,
    but the labels take $n$ integers instead of $n \times k$ floats.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.sparse_categorical_crossentropy``.

    Examples
    --------
    >>> y_pred = [[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]]
    >>> round(sparse_categorical_cross_entropy([1, 0], y_pred), 4)  # -log 0.5 each
    0.6931
    >>> round(sparse_categorical_cross_entropy([2], [[1.0, 0.0, 0.0]]), 4)  # -log 1e-7
    16.1181
    """
    y_pred, p = _probabilities_and_rows(y_pred)
    labels = as_index_array(labels, "labels")
    n, k = y_pred.shape
    if labels.shape != (n,):
        raise ValueError(
            f"labels must have shape ({n},), one per row of y_pred; got {labels.shape}."
        )
    if labels.max() >= k:
        raise ValueError(f"labels must be < {k}, the number of classes; got {labels.max()}.")
    terms = -np.log(p[np.arange(n), labels])
    return scaled_mean(terms, what="the sparse categorical cross-entropy") + 0.0


def kl_divergence(p, q):
    r"""Kullback-Leibler divergence $D_{\mathrm{KL}}(p \,\|\, q)$ of distribution rows, like Keras.

    Parameters
    ----------
    p : array_like of shape (k,) or (n, k)
        The true (reference) distributions, one per row: values in $[0, 1]$ that sum
        to 1 (within $10^{-6}$).
    q : array_like of shape (k,) or (n, k)
        The predicted (approximating) distributions, same shape and constraints.

    Returns
    -------
    float
        The KL divergence in nats, summed over classes and averaged over rows; $\ge 0$
        up to the clip (see Notes), and exactly 0 when ``p == q``.

    Raises
    ------
    ValueError
        If an input is not 1-D or 2-D, is empty, holds NaN or infinity, has a value
        outside $[0, 1]$ or a row that does not sum to 1, or the shapes differ, or the mean
        exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    categorical_cross_entropy : Cross-entropy, which equals $H(p) + D_{\mathrm{KL}}(p\,\|\,q)$.

    Notes
    -----
    $$D_{\mathrm{KL}}(p \,\|\, q) = \sum_{c=1}^{k} p_c \log\frac{p_c}{q_c},$$

    averaged over the $n$ rows (PyTorch's ``reduction='batchmean'``). As in Keras,
    both distributions are clipped to $[\varepsilon, 1]$, $\varepsilon = 10^{-7}$,
    before the log, so a class that $p$ allows and $q$ rules out costs
    $p_c \log(p_c/\varepsilon)$ instead of infinity. Unlike Keras, a term with
    $p_c = 0$ is exactly 0 (the limit $0 \log 0 = 0$, as in
    ``scipy.special.rel_entr``), where Keras' clip would leave a tiny
    $\varepsilon \log(\varepsilon / q_c)$. So the result equals Keras' whenever $p$ has
    no zeros, and the exact divergence whenever $p_c \ge \varepsilon$ and
    $q_c \ge \varepsilon$ for every class with $p_c > 0$. The clip can make the result
    negative by at most about $k\varepsilon$. The divergence is not symmetric:
    $D_{\mathrm{KL}}(p\,\|\,q) \ne D_{\mathrm{KL}}(q\,\|\,p)$ in general.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.kl_divergence``; SciPy, ``scipy.special.rel_entr``.

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.25, 0.75]), 4)  # .5 log 2 + .5 log(2/3)
    0.1438
    >>> round(kl_divergence([0.25, 0.75], [0.5, 0.5]), 4)  # not symmetric
    0.1308
    >>> kl_divergence([[1.0, 0.0]], [[1.0, 0.0]])
    0.0
    >>> round(kl_divergence([1.0, 0.0], [0.0, 1.0]), 4)  # log(1 / 1e-7), not infinity
    16.1181
    """
    p = as_float_array(p, "p", ndim=(1, 2), layout="(k,) or (n, k)")
    q = as_float_array(q, "q", ndim=(1, 2), layout="(k,) or (n, k)")
    check_same_shape(p, q, "p", "q")
    _check_distributions(p, "p")
    _check_distributions(q, "q")
    # Keras clips both to [eps, 1]; terms with p = 0 stay exactly 0 (0 log 0 = 0)
    p_clipped = np.clip(p, _EPSILON, 1.0)
    q_clipped = np.clip(q, _EPSILON, 1.0)
    terms = np.where(p > 0, p_clipped * (np.log(p_clipped) - np.log(q_clipped)), 0.0)
    return scaled_mean(np.sum(terms, axis=-1), what="the KL divergence") + 0.0


# --------------------------------------------------------------------------- margin


def hinge_loss(y_true, y_pred):
    r"""Hinge loss: the mean of $\max(0, 1 - y\hat y)$ for labels $y = \pm 1$, as in SVMs.

    Parameters
    ----------
    y_true : array_like
        Labels, any shape: all in $\{-1, 1\}$, or all in $\{0, 1\}$ (converted to
        $-1, 1$ by $2y - 1$, as Keras does).
    y_pred : array_like
        Finite real scores (not probabilities), same shape as `y_true`; the sign is
        the predicted class.

    Returns
    -------
    float
        The hinge loss, $\ge 0$; 0 when every example is on the right side with a
        margin $y\hat y \ge 1$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or `y_true`
        holds a value that is not a label, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    hinge_loss_grad : Its subgradient.

    squared_hinge_loss : The squared version, smooth at the hinge.

    categorical_hinge_loss : The multi-class version.

    Notes
    -----
    $$L = \frac{1}{n} \sum_{i=1}^{n} \max(0,\ 1 - y_i \hat y_i).$$

    The product $y\hat y$ is the margin: positive when the score has the right sign.
    The loss is 0 for margins of at least 1 and grows linearly below that, so
    correct but unconfident scores ($0 < y\hat y < 1$) still cost something. Keras
    converts labels when all of them are 0 or 1 and otherwise uses them unchanged;
    here anything other than those two label sets raises. scikit-learn's
    ``hinge_loss`` computes the same mean for binary labels.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.hinge``.

    Examples
    --------
    Margins $2, -0.5, 0.5, 3$ cost $0, 1.5, 0.5, 0$:

    >>> hinge_loss([1.0, -1.0, 1.0, -1.0], [2.0, 0.5, 0.5, -3.0])
    0.5
    >>> hinge_loss([1, 0, 1, 0], [2.0, 0.5, 0.5, -3.0])  # 0/1 labels become -1/1
    0.5
    >>> hinge_loss([1.0], [-1e308])
    1e+308
    """
    gap, _ = _margin_gap(y_true, y_pred)
    return scaled_mean(np.maximum(gap, 0.0), what="the hinge loss")


def hinge_loss_grad(y_true, y_pred):
    r"""Subgradient of the hinge loss with respect to the scores.

    Parameters
    ----------
    y_true : array_like
        Labels, all in $\{-1, 1\}$ or all in $\{0, 1\}$, any shape.
    y_pred : array_like
        Finite real scores, same shape as `y_true`.

    Returns
    -------
    float or ndarray
        $\partial L / \partial \hat y$, shaped like `y_pred` (a float for scalar input):
        $-y_i/n$ where the margin is below 1, else 0.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or `y_true`
        holds a value that is not a label.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    hinge_loss : The loss itself.

    Notes
    -----
    $$\frac{\partial L}{\partial \hat y_i} =
      \begin{cases} -y_i / n & y_i \hat y_i < 1 \\ 0 & y_i \hat y_i \ge 1. \end{cases}$$

    The loss has a kink at margin exactly 1, where any value between $-y_i/n$ and 0
    is a valid subgradient; like ReLU's derivative at 0 we return 0 there. Examples
    beyond the margin give no gradient at all, which is why only the "support
    vectors" move an SVM.

    Examples
    --------
    >>> hinge_loss_grad([1.0, -1.0, 1.0, -1.0], [2.0, 0.5, 0.5, -3.0]).tolist()
    [0.0, 0.25, -0.25, 0.0]
    >>> hinge_loss_grad(1.0, 1.0)  # at the kink
    0.0
    """
    gap, labels = _margin_gap(y_true, y_pred)
    return scalar_or_array(np.where(gap > 0, -labels / labels.size, 0.0))


def squared_hinge_loss(y_true, y_pred):
    r"""Squared hinge loss: the mean of $\max(0, 1 - y\hat y)^2$ for labels $y = \pm 1$.

    Parameters
    ----------
    y_true : array_like
        Labels, any shape: all in $\{-1, 1\}$, or all in $\{0, 1\}$ (converted to
        $-1, 1$ as in Keras).
    y_pred : array_like
        Finite real scores, same shape as `y_true`.

    Returns
    -------
    float
        The squared hinge loss, $\ge 0$.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in shape, hold NaN or infinity, or `y_true`
        holds a value that is not a label, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    hinge_loss : The unsquared version.

    Notes
    -----
    $$L = \frac{1}{n} \sum_{i=1}^{n} \max(0,\ 1 - y_i \hat y_i)^2.$$

    Squaring makes the loss differentiable at the hinge (its slope there is 0) and
    punishes badly wrong scores quadratically rather than linearly, which makes it
    more sensitive to mislabelled examples.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.squared_hinge``.

    Examples
    --------
    Margins $2, -0.5, 0.5, 3$ cost $0, 2.25, 0.25, 0$:

    >>> squared_hinge_loss([1.0, -1.0, 1.0, -1.0], [2.0, 0.5, 0.5, -3.0])
    0.625
    >>> squared_hinge_loss([1, 0], [1e150, -1e150])
    0.0
    """
    gap, _ = _margin_gap(y_true, y_pred)
    return mean_of_squares(np.maximum(gap, 0.0), what="the squared hinge loss")


def categorical_hinge_loss(y_true, y_pred):
    r"""Multi-class hinge loss of Keras: the best wrong score must trail the true one by 1.

    Parameters
    ----------
    y_true : array_like of shape (n, k)
        One-hot rows: zeros with a single 1 at the true class.
    y_pred : array_like of shape (n, k)
        Finite real scores, one row per example.

    Returns
    -------
    float
        The mean categorical hinge loss, $\ge 0$.

    Raises
    ------
    ValueError
        If an input is not 2-D, is empty or holds NaN or infinity, the shapes differ,
        or a row of `y_true` is not one-hot, or the mean exceeds the float64 range.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    hinge_loss : The binary version.

    categorical_cross_entropy : The usual multi-class loss.

    Notes
    -----
    With $\mathrm{pos}_i = \sum_c y_{ic}\hat y_{ic}$ (the true class's score) and
    $\mathrm{neg}_i = \max_c (1 - y_{ic})\,\hat y_{ic}$,

    $$L = \frac{1}{n} \sum_{i=1}^{n} \max(0,\ \mathrm{neg}_i - \mathrm{pos}_i + 1).$$

    This is Keras' definition. Masking by multiplication sets the true class's entry
    to 0 rather than removing it, so $\mathrm{neg}_i$ is the largest wrong-class
    score **or 0, whichever is larger**. For non-negative scores, such as
    probabilities, that is the Crammer-Singer multi-class hinge
    $\max(0, 1 + \max_{c \ne t}\hat y_c - \hat y_t)$; when every wrong-class score is
    negative the two differ.

    The mean is taken over the terms divided by a power of two near the largest one
    and scaled back (an exact scaling), so no difference, square or partial sum
    overflows: the result is finite whenever the exact mean is at most about
    $1.8 \times 10^{308}$, and a larger mean raises ``ValueError``.

    References
    ----------
    Keras, ``keras.losses.categorical_hinge``.

    Examples
    --------
    True scores $0.75$ and $2$, best wrong scores $0.5$ and $0.5$:
    $\max(0, 0.5 - 0.75 + 1) = 0.75$ and $\max(0, 0.5 - 2 + 1) = 0$.

    >>> categorical_hinge_loss([[0, 1, 0], [1, 0, 0]], [[0.5, 0.75, 0.25], [2.0, 0.5, 0.0]])
    0.375

    Negative wrong-class scores count as 0:

    >>> categorical_hinge_loss([[1, 0]], [[0.0, -3.0]])
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred, ndim=2, layout="(n, k)")
    if not (np.all((y_true == 0) | (y_true == 1)) and np.all(y_true.sum(axis=-1) == 1)):
        raise ValueError(
            "y_true must hold one-hot rows (zeros and a single 1); "
            f"got values {np.unique(y_true)[:5].tolist()} and row sums "
            f"from {y_true.sum(axis=-1).min():g} to {y_true.sum(axis=-1).max():g}."
        )
    pos = np.sum(y_true * y_pred, axis=-1)
    neg = np.max((1.0 - y_true) * y_pred, axis=-1)
    # halves: neg - pos can pass the float range when both are near it
    margin = np.maximum(0.5 * neg - 0.5 * pos + 0.5, 0.0)
    return scaled_mean(margin, 1, what="the categorical hinge loss")


# --------------------------------------------------------------------------- similarity


def _unit_rows(x):
    """Keras' ``l2_normalize``, x / max(||x||, 1e-6), along the last axis without overflow."""
    scale = np.max(np.abs(x), axis=-1, keepdims=True)
    # dividing by the largest |x| first keeps the squares below 1e308
    scaled = np.divide(x, scale, out=np.zeros_like(x), where=scale > 0)
    scaled_norm = np.sqrt(np.sum(scaled**2, axis=-1, keepdims=True))  # 0 or in [1, sqrt(k)]
    # ||x|| = scale * scaled_norm >= 1e-6, tested without forming the product
    long = scale >= 1e-6 / np.maximum(scaled_norm, 1.0)
    short = np.divide(x, 1e-6, out=np.zeros_like(x), where=~long)
    return np.where(long, scaled / np.maximum(scaled_norm, 1.0), short)


def cosine_similarity_loss(y_true, y_pred):
    r"""Negative cosine similarity (Keras' cosine proximity loss): $-1$ is best, 1 worst.

    Parameters
    ----------
    y_true : array_like of shape (d,) or (n, d)
        Finite target vectors, one per row.
    y_pred : array_like of shape (d,) or (n, d)
        Finite predicted vectors, same shape.

    Returns
    -------
    float
        $-\cos\theta$ averaged over rows, in $[-1, 1]$: $-1$ for the same direction,
        0 for perpendicular vectors, 1 for opposite ones.

    Raises
    ------
    ValueError
        If an input is not 1-D or 2-D, is empty or holds NaN or infinity, or the
        shapes differ.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    mean_squared_error : A loss that, unlike this one, cares about length.

    Notes
    -----
    $$L = -\frac{1}{n} \sum_{i=1}^{n}
      \frac{y_i \cdot \hat y_i}{\lVert y_i\rVert\,\lVert \hat y_i\rVert}.$$

    The sign is flipped so that minimising the loss maximises the similarity; this
    is Keras' ``CosineSimilarity`` loss (formerly ``cosine_proximity``), while
    ``keras.metrics.CosineSimilarity`` and ``torch.nn.functional.cosine_similarity``
    return $+\cos\theta$. Only directions matter: scaling either vector leaves the
    loss unchanged. As in Keras, each vector is divided by
    $\max(\lVert x\rVert, 10^{-6})$, so a zero vector gives 0. The norm is taken
    after dividing by the largest $|x_j|$, so entries near $10^{308}$ do not overflow.

    References
    ----------
    Keras, ``keras.losses.cosine_similarity``.

    Examples
    --------
    >>> cosine_similarity_loss([[1.0, 0.0], [1.0, 0.0]], [[5.0, 0.0], [-2.0, 0.0]])
    0.0
    >>> cosine_similarity_loss([1.0, 0.0], [5.0, 0.0])  # same direction
    -1.0
    >>> cosine_similarity_loss([1.0, 0.0], [0.0, 2.0])  # perpendicular
    0.0
    >>> round(cosine_similarity_loss([1.0, 1.0], [1e308, 1e308]), 12)
    -1.0
    """
    y_true, y_pred = _pair(y_true, y_pred, ndim=(1, 2), layout="(d,) or (n, d)")
    cosine = np.sum(_unit_rows(y_true) * _unit_rows(y_pred), axis=-1)
    return float(-np.mean(cosine)) + 0.0
