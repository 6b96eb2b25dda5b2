"""Models and learning paradigms: linear and logistic regression, boosting, pseudo-labels,
active-learning queries, epsilon-greedy bandits and an evolutionary hyperparameter search.

The regressions are fitted by plain gradient descent (:func:`gradient_descent`), with
each loss and its gradient shipped beside the fitting function; linear regression also
has a closed form. Boosting is discrete AdaBoost (SAMME for two classes) with decision
stumps; bagging is its unweighted cousin, a majority vote of stumps each fitted to a
bootstrap resample. The rest are the small computations behind semi-supervised learning (keep the
confident predictions), active learning (ask for the uncertain ones), exploration
versus exploitation and evolutionary search. Randomness comes from an ``rng`` argument.
"""

from __future__ import annotations

import numbers

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_rng,
    as_vector,
    check_choice,
    check_int,
    check_real,
    check_shape,
    power_of_two_scale,
    probability_sum_tolerance,
    weighted_sum,
)
from dlterms.activations import sigmoid
from dlterms.data import bootstrap_indices
from dlterms.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    mean_squared_error,
    mean_squared_error_grad,
)
from dlterms.metrics import apply_threshold
from dlterms.optim import gradient_descent

__all__ = [
    "adaboost_fit",
    "adaboost_predict",
    "bagging_fit",
    "bagging_predict",
    "epsilon_greedy",
    "evolutionary_search",
    "fit_linear_regression",
    "fit_logistic_regression",
    "linear_regression_closed_form",
    "linear_regression_grad",
    "linear_regression_loss",
    "logistic_regression_grad",
    "logistic_regression_loss",
    "one_boosting_round",
    "predict_linear",
    "predict_logistic",
    "predict_proba_logistic",
    "pseudo_label",
    "run_bandit",
    "uncertainty_query",
]


# --------------------------------------------------------------------------- helpers


def _as_inputs(x):
    return as_float_array(x, "x", ndim=2, layout="(n, d)")


def _as_targets(y, n, *, binary=False):
    """`y` as a float vector of one target per row of x (0 and 1 only if `binary`)."""
    y = as_float_array(y, "y", ndim=1, layout="(n,)")
    if y.shape != (n,):
        raise ValueError(f"y must hold one target per row of x, shape ({n},); got {y.shape}.")
    if binary and not np.all((y == 0) | (y == 1)):
        found = np.unique(y)
        shown = ", ".join(f"{v:g}" for v in found[:5]) + (", ..." if found.size > 5 else "")
        raise ValueError(f"y must hold only the labels 0 and 1; got the values {{{shown}}}.")
    return y


def _as_model(x, weight, bias):
    """Validated `x` (n, d), `weight` (d,) and `bias` (a float)."""
    x = _as_inputs(x)
    return x, as_vector(weight, "weight", x.shape[1]), check_real(bias, "bias")


def _penalty(weight, l2):
    """l2 * ||w||^2, refusing an overflow."""
    if l2 == 0:
        return 0.0
    with np.errstate(over="ignore"):  # squares of huge weights: checked next
        return _finite(l2 * float(np.sum(weight**2)), "l2 * ||weight||^2")


def _fit(loss_and_grad, x, y, learning_rate, n_steps, l2):
    """Gradient descent on theta = (w, b) from zero; returns w, b and the loss history."""
    d = x.shape[1]
    losses = []

    def grad_fn(theta):  # called once per step, so it also records the loss at theta_t
        loss, grad_w, grad_b = loss_and_grad(x, y, theta[:d], theta[d], l2)
        _check_loss(loss, len(losses), n_steps, learning_rate)
        losses.append(loss)
        return np.append(grad_w, grad_b)

    theta = gradient_descent(
        grad_fn, np.zeros(d + 1), learning_rate=learning_rate, n_steps=n_steps
    )[-1]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run: checked next
        loss = loss_and_grad(x, y, theta[:d], theta[d], l2)[0]
    _check_loss(loss, n_steps, n_steps, learning_rate)
    return theta[:d].copy(), float(theta[d]), np.array([*losses, loss])


def _check_loss(loss, step, n_steps, learning_rate):
    if not np.isfinite(loss):
        raise ValueError(
            f"training diverged: the loss overflowed at step {step} of {n_steps}; "
            f"learning_rate={learning_rate:g} is too large, or x and y need rescaling."
        )


def _linear_loss_and_grad(x, y, weight, bias, l2):
    # residuals r = x w + b - y; L = mean(r^2) + l2 ||w||^2
    r = x @ weight + bias - y
    loss = float(np.mean(r**2)) + l2 * float(np.sum(weight**2))
    if not np.isfinite(loss):
        return loss, None, None
    g = r * (2.0 / len(y))  # dL/d(prediction) = 2 r / n
    return loss, x.T @ g + 2.0 * l2 * weight, float(np.sum(g))


def _logistic_loss_and_grad(x, y, weight, bias, l2):
    z = x @ weight + bias
    # mean of y softplus(-z) + (1 - y) softplus(z), as binary_cross_entropy_with_logits;
    # logaddexp(0, z) is a softplus that never overflows
    log_loss = y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)
    loss = float(np.mean(log_loss)) + l2 * float(np.sum(weight**2))
    if not np.isfinite(loss):  # then z was not finite either
        return loss, None, None
    g = (np.asarray(sigmoid(z)) - y) / len(y)  # dL/dz = (sigma(z) - y) / n
    return loss, x.T @ g + 2.0 * l2 * weight, float(np.sum(g))


def _finite(value, what):
    """`value` unchanged, or a ValueError if any of it overflowed."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must stay within float64; got an overflow. Rescale x.")
    return value


# --------------------------------------------------------------------------- linear regression


def linear_regression_loss(x, y, weight, bias, *, l2=0.0):
    r"""Training loss of a linear regression model: mean squared error plus an L2 penalty.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Finite targets.
    weight : array_like of shape (d,)
        Finite weights $w$.
    bias : float
        Finite bias (intercept) $b$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the penalty on the weights (the bias is not
        penalised).

    Returns
    -------
    float
        $L(w, b) \ge 0$.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, `l2` is
        negative, or a prediction or the penalty overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    linear_regression_grad : Its gradient with respect to $w$ and $b$.

    mean_squared_error : The data term.

    fit_linear_regression : Minimises this loss by gradient descent.

    Notes
    -----
    $$L(w, b) = \frac{1}{n}\sum_{i=1}^{n} (x_i \cdot w + b - y_i)^2 + \lambda \lVert w\rVert^2.$$

    The penalty follows Keras's ``L2(l2)`` regulariser, $\lambda \sum_j w_j^2$, added to
    the mean loss. scikit-learn's ``Ridge(alpha)`` minimises the sum of squares plus
    $\alpha\lVert w\rVert^2$, which is the same problem with $\alpha = n\lambda$.

    Examples
    --------
    The line $y = 2x + 1$ fits these points exactly, so only the penalty remains:

    >>> x, y = [[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0]
    >>> linear_regression_loss(x, y, [2.0], 1.0)
    0.0
    >>> linear_regression_loss(x, y, [2.0], 1.0, l2=0.5)  # 0.5 * 2^2
    2.0
    >>> linear_regression_loss(x, y, [0.0], 0.0)  # (1 + 9 + 25) / 3
    11.666666666666666
    """
    x, weight, bias = _as_model(x, weight, bias)
    y = _as_targets(y, len(x))
    l2 = check_real(l2, "l2", low=0.0)
    z = weighted_sum(x, weight, bias)
    with np.errstate(over="ignore"):  # residuals beyond 1e154 square to inf: checked next
        loss = _finite(mean_squared_error(y, z), "the mean squared error")
    return loss + _penalty(weight, l2)


def linear_regression_grad(x, y, weight, bias, *, l2=0.0):
    r"""Gradient of :func:`linear_regression_loss` with respect to the weights and the bias.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Finite targets.
    weight : array_like of shape (d,)
        Finite weights $w$.
    bias : float
        Finite bias $b$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the L2 penalty on the weights.

    Returns
    -------
    grad_weight : ndarray of shape (d,)
        $\partial L / \partial w$.
    grad_bias : float
        $\partial L / \partial b$.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, `l2` is
        negative, or a prediction overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    linear_regression_loss : The loss itself.

    mean_squared_error_grad : The gradient with respect to the predictions, $2r/n$.

    Notes
    -----
    With residuals $r_i = x_i \cdot w + b - y_i$ (prediction minus target),

    $$\frac{\partial L}{\partial w} = \frac{2}{n} X^\top r + 2\lambda w, \qquad
      \frac{\partial L}{\partial b} = \frac{2}{n}\sum_{i=1}^{n} r_i.$$

    It is the chain rule through the prediction $\hat y = Xw + b$: the gradient with
    respect to $\hat y$ is $2r/n$, and $\hat y$ depends on $w$ through $X$ and on $b$
    with slope 1.

    Examples
    --------
    At $w = 0$, $b = 0$ the residuals are $(-1, -3)$ for inputs $(0, 1)$, so
    $\partial L/\partial w = (2/2)(0 \cdot (-1) + 1 \cdot (-3)) = -3$ and
    $\partial L/\partial b = -1 - 3 = -4$:

    >>> grad_w, grad_b = linear_regression_grad([[0.0], [1.0]], [1.0, 3.0], [0.0], 0.0)
    >>> grad_w.tolist(), grad_b
    ([-3.0], -4.0)
    """
    x, weight, bias = _as_model(x, weight, bias)
    y = _as_targets(y, len(x))
    l2 = check_real(l2, "l2", low=0.0)
    z = weighted_sum(x, weight, bias)
    with np.errstate(over="ignore", invalid="ignore"):  # huge residuals or inputs: checked
        g = np.atleast_1d(mean_squared_error_grad(y, z))
        grad_w = x.T @ g + 2.0 * l2 * weight
        grad_b = float(np.sum(g))
    return _finite(grad_w, "the gradient"), _finite(grad_b, "the gradient")


def fit_linear_regression(x, y, *, learning_rate=0.1, n_steps=1000, l2=0.0):
    r"""Fit a linear regression model by full-batch gradient descent from zero.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row. Standardise the features first: the
        largest usable learning rate shrinks as their scale grows.
    y : array_like of shape (n,)
        Finite targets.
    learning_rate : float, default=0.1
        Step size $\eta > 0$.
    n_steps : int, default=1000
        Number of gradient steps, $T \ge 0$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the L2 penalty on the weights.

    Returns
    -------
    weight : ndarray of shape (d,)
        The learned weights $w_T$.
    bias : float
        The learned bias $b_T$.
    history : ndarray of shape (n_steps + 1,)
        :func:`linear_regression_loss` before the first step and after every step.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, an option
        is out of range, or the run diverges (the loss or the parameters overflow;
        the message names the learning rate).
    TypeError
        If an input does not hold real numbers or `n_steps` is not an int.

    See Also
    --------
    linear_regression_closed_form : The exact minimiser, by least squares.

    linear_regression_grad : The gradient each step follows.

    gradient_descent : The optimiser.

    predict_linear : Predictions of the fitted model.

    Notes
    -----
    Starting from $w_0 = 0$, $b_0 = 0$,

    $$w_{t+1} = w_t - \eta\,\frac{\partial L}{\partial w}(w_t, b_t), \qquad
      b_{t+1} = b_t - \eta\,\frac{\partial L}{\partial b}(w_t, b_t).$$

    The loss is a convex quadratic, so with a small enough $\eta$ the iterates
    converge to the least-squares solution; the condition is
    $\eta < 1/\lambda_{\max}$, where $\lambda_{\max}$ is the largest eigenvalue of
    $\frac{1}{n}\tilde X^\top \tilde X + \lambda I$ ($\tilde X$ is $X$ with a column
    of ones). Features on very different scales make that matrix ill-conditioned and
    the descent slow.

    Examples
    --------
    Points on the line $y = 2x + 1$. At the start $w = b = 0$ and the loss is the mean
    squared target, $(1 + 9 + 25 + 49)/4 = 21$:

    >>> x, y = [[0.0], [1.0], [2.0], [3.0]], [1.0, 3.0, 5.0, 7.0]
    >>> weight, bias, history = fit_linear_regression(x, y, learning_rate=0.1, n_steps=500)
    >>> weight.round(4).tolist(), round(bias, 4), float(history[0])
    ([2.0], 1.0, 21.0)

    Too large a learning rate overshoots further at every step:

    >>> fit_linear_regression(x, y, learning_rate=1.0, n_steps=1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: training diverged: the loss overflowed at step 177 of 1000; learning_rate=1 ...
    """
    x = _as_inputs(x)
    y = _as_targets(y, len(x))
    l2 = check_real(l2, "l2", low=0.0)
    return _fit(_linear_loss_and_grad, x, y, learning_rate, n_steps, l2)


def linear_regression_closed_form(x, y, *, l2=0.0):
    r"""The exact least-squares (or ridge) solution of linear regression.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Finite targets.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the L2 penalty on the weights.

    Returns
    -------
    weight : ndarray of shape (d,)
        The minimising weights.
    bias : float
        The minimising bias.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, or `l2`
        is negative; or if $\sqrt{n\lambda} / \max|X|$ exceeds the largest float64
        (about $1.8 \times 10^{308}$), which takes a positive `l2` on inputs $X$ below
        about $10^{-308}$ (subnormal); or if a weight or the bias of the solution
        exceeds the largest float64.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    fit_linear_regression : Reaches the same point by gradient descent.

    linear_regression_loss : The loss this minimises.

    Notes
    -----
    The bias is removed by centring: with column means $\bar x$ and $\bar y$,

    $$w = \arg\min_w \lVert (X - \bar x) w - (y - \bar y)\rVert^2 + n\lambda\lVert w\rVert^2,
      \qquad b = \bar y - \bar x \cdot w,$$

    which minimises :func:`linear_regression_loss`. The least-squares problem is
    solved by ``numpy.linalg.lstsq`` (an SVD) on the centred data, with the penalty
    as $d$ extra rows $\sqrt{n\lambda}\, I$, rather than through the normal equations
    $(X^\top X)^{-1} X^\top y$, which square the condition number. When the columns
    are collinear and $\lambda = 0$ there are many solutions, and the one with the
    smallest $\lVert w\rVert$ is returned, as scikit-learn's ``LinearRegression``
    does. $X$ and $y$ are first divided by powers of two near their largest
    magnitudes (exact), so inputs near $10^{308}$ do not overflow.

    Examples
    --------
    >>> weight, bias = linear_regression_closed_form([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    >>> weight.round(12).tolist(), round(bias, 12)
    ([2.0], 1.0)

    Noisy points: the least-squares line through $(0, 0), (1, 2), (2, 1)$ has slope
    $\sum (x - \bar x)(y - \bar y) / \sum (x - \bar x)^2 = 1/2$ and intercept
    $1 - \tfrac{1}{2} \cdot 1 = 1/2$:

    >>> weight, bias = linear_regression_closed_form([[0.0], [1.0], [2.0]], [0.0, 2.0, 1.0])
    >>> weight.round(12).tolist(), round(bias, 12)
    ([0.5], 0.5)
    """
    x = _as_inputs(x)
    y = _as_targets(y, len(x))
    l2 = check_real(l2, "l2", low=0.0)
    n, d = x.shape
    sx, sy = (
        float(power_of_two_scale(x)),
        float(power_of_two_scale(y)),
    )  # one scale for all columns keeps min-norm
    xs, ys = x / sx, y / sy  # exact scalings into [-2, 2]
    x_mean, y_mean = np.sum(xs / n, axis=0), float(np.sum(ys / n))
    # penalty rows: n l2 ||w||^2 = n l2 sy^2 ||w_s / sx||^2 in the scaled variables
    with np.errstate(over="ignore"):  # only for a huge l2 on a tiny column; checked below
        ridge_scale = np.sqrt(n * l2) / sx
    if not np.isfinite(ridge_scale):
        raise ValueError(
            f"the penalty sqrt(n l2) / max|x| overflows float64 for l2={l2:g} and x of largest "
            f"magnitude {np.abs(x).max():g}; rescale the inputs."
        )
    ridge = ridge_scale * np.eye(d)
    a = np.vstack([xs - x_mean, ridge])
    b = np.concatenate([ys - y_mean, np.zeros(d)])
    w_s = np.linalg.lstsq(a, b, rcond=None)[0]
    # w = w_s sy / sx and b = sy (mean(y_s) - mean(x_s) . w_s), undoing the scalings
    with np.errstate(over="ignore"):  # a weight or bias beyond float64; reported below
        # sy / sx is a power of two, applied by ldexp so that it never overflows alone
        weight = np.ldexp(w_s, int(np.frexp(sy)[1]) - int(np.frexp(sx)[1]))
        bias = sy * (y_mean - x_mean @ w_s)
    if not (np.all(np.isfinite(weight)) and np.isfinite(bias)):
        raise ValueError(
            "the least-squares weights or bias overflow float64 for x of largest magnitude "
            f"{np.abs(x).max():g} and y of largest magnitude {np.abs(y).max():g}; "
            "rescale the inputs."
        )
    return weight, float(bias)


def predict_linear(x, weight, bias):
    r"""Predictions of a linear regression model, $\hat y = Xw + b$.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    weight : array_like of shape (d,)
        Finite weights.
    bias : float
        Finite bias.

    Returns
    -------
    ndarray of shape (n,)
        One prediction per example.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, or a
        prediction overflows float64.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    fit_linear_regression : Learns `weight` and `bias`.

    dense : The same weighted sum, for several outputs at once.

    predict_proba_logistic : Passes this score through a sigmoid.

    Notes
    -----
    $$\hat y_i = x_i \cdot w + b = \sum_{j=1}^{d} x_{ij} w_j + b.$$

    Prediction (inference) only evaluates the model; the parameters stay fixed.

    Examples
    --------
    >>> predict_linear([[0.0], [1.0], [2.5]], [2.0], 1.0).tolist()
    [1.0, 3.0, 6.0]
    >>> predict_linear([[1e308, -1e308]], [0.5, 0.5], 0.0).tolist()
    [0.0]
    """
    return weighted_sum(*_as_model(x, weight, bias))


# --------------------------------------------------------------------------- logistic regression


def logistic_regression_loss(x, y, weight, bias, *, l2=0.0):
    r"""Training loss of logistic regression: mean log loss from the logits plus an L2 penalty.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Labels, each 0 or 1.
    weight : array_like of shape (d,)
        Finite weights $w$.
    bias : float
        Finite bias $b$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the penalty on the weights (not on the bias).

    Returns
    -------
    float
        $L(w, b) \ge 0$, in nats.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not 0 or 1, `l2` is negative, or a logit or the penalty overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    logistic_regression_grad : Its gradient with respect to $w$ and $b$.

    binary_cross_entropy_with_logits : The data term.

    fit_logistic_regression : Minimises this loss by gradient descent.

    Notes
    -----
    With logits $z_i = x_i \cdot w + b$,

    $$L(w, b) = \frac{1}{n}\sum_{i=1}^{n} \bigl(\log(1 + e^{z_i}) - y_i z_i\bigr)
      + \lambda \lVert w\rVert^2,$$

    which is the binary cross-entropy of $\sigma(z_i)$ written without forming the
    probability, so no log of 0 can occur. scikit-learn's ``LogisticRegression(C)``
    minimises $C \sum_i \ell_i + \tfrac12\lVert w\rVert^2$, the same problem with
    $C = 1/(2n\lambda)$; ``C=np.inf`` is $\lambda = 0$.

    Examples
    --------
    With $w = 0$ every probability is $1/2$ and the loss is $\log 2$:

    >>> round(logistic_regression_loss([[1.0], [-1.0]], [1, 0], [0.0], 0.0), 4)
    0.6931

    A confident wrong answer costs its logit; no probability is rounded to 0:

    >>> logistic_regression_loss([[1.0]], [0], [1000.0], 0.0)
    1000.0
    """
    x, weight, bias = _as_model(x, weight, bias)
    y = _as_targets(y, len(x), binary=True)
    l2 = check_real(l2, "l2", low=0.0)
    z = weighted_sum(x, weight, bias)
    return binary_cross_entropy_with_logits(y, z) + _penalty(weight, l2)


def logistic_regression_grad(x, y, weight, bias, *, l2=0.0):
    r"""Gradient of :func:`logistic_regression_loss` with respect to the weights and the bias.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Labels, each 0 or 1.
    weight : array_like of shape (d,)
        Finite weights $w$.
    bias : float
        Finite bias $b$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the L2 penalty on the weights.

    Returns
    -------
    grad_weight : ndarray of shape (d,)
        $\partial L / \partial w$.
    grad_bias : float
        $\partial L / \partial b$.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not 0 or 1, `l2` is negative, or a logit overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    logistic_regression_loss : The loss itself.

    binary_cross_entropy_with_logits_grad : The gradient with respect to the logits.

    Notes
    -----
    $$\frac{\partial L}{\partial w} = \frac{1}{n} X^\top (\sigma(z) - y) + 2\lambda w,
      \qquad \frac{\partial L}{\partial b} = \frac{1}{n}\sum_{i=1}^{n} (\sigma(z_i) - y_i).$$

    The same form as linear regression's gradient, with the predicted probability in
    place of the prediction. The sigmoid is the two-branch form, so no logit
    overflows, and every component of $\sigma(z) - y$ lies in $[-1, 1]$.

    Examples
    --------
    At $w = 0$, $b = 0$ both probabilities are $1/2$, so
    $\sigma(z) - y = (-\tfrac12, \tfrac12)$ for inputs $(2, -2)$:
    $\partial L/\partial w = \tfrac12(2 \cdot (-\tfrac12) + (-2) \cdot \tfrac12) = -1$
    and $\partial L/\partial b = 0$.

    >>> grad_w, grad_b = logistic_regression_grad([[2.0], [-2.0]], [1, 0], [0.0], 0.0)
    >>> grad_w.tolist(), grad_b
    ([-1.0], 0.0)
    """
    x, weight, bias = _as_model(x, weight, bias)
    y = _as_targets(y, len(x), binary=True)
    l2 = check_real(l2, "l2", low=0.0)
    g = np.atleast_1d(binary_cross_entropy_with_logits_grad(y, weighted_sum(x, weight, bias)))
    with np.errstate(over="ignore", invalid="ignore"):  # huge inputs: checked next
        grad_w = x.T @ g + 2.0 * l2 * weight
    return _finite(grad_w, "the gradient"), float(np.sum(g))


def fit_logistic_regression(x, y, *, learning_rate=0.1, n_steps=1000, l2=0.0):
    r"""Fit a logistic regression classifier by full-batch gradient descent from zero.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row (standardise the features first).
    y : array_like of shape (n,)
        Labels, each 0 or 1.
    learning_rate : float, default=0.1
        Step size $\eta > 0$.
    n_steps : int, default=1000
        Number of gradient steps, $T \ge 0$.
    l2 : float, default=0.0
        Strength $\lambda \ge 0$ of the L2 penalty on the weights.

    Returns
    -------
    weight : ndarray of shape (d,)
        The learned weights.
    bias : float
        The learned bias.
    history : ndarray of shape (n_steps + 1,)
        :func:`logistic_regression_loss` before the first step and after every step.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not 0 or 1, an option is out of range, or the run diverges.
    TypeError
        If an input does not hold real numbers or `n_steps` is not an int.

    See Also
    --------
    logistic_regression_grad : The gradient each step follows.

    predict_proba_logistic : Probabilities from the fitted model.

    predict_logistic : Class labels from the fitted model.

    fit_linear_regression : The same loop for a real-valued target.

    Notes
    -----
    $$w_{t+1} = w_t - \eta\,\frac{\partial L}{\partial w}, \qquad
      b_{t+1} = b_t - \eta\,\frac{\partial L}{\partial b}, \qquad w_0 = 0,\ b_0 = 0.$$

    The loss is convex, so gradient descent approaches the unique minimum when one
    exists. If the classes are linearly separable and $\lambda = 0$, there is none:
    the loss keeps falling as $\lVert w\rVert$ grows, and the weights grow without
    bound (slowly, like $\log t$). A small `l2` keeps them finite. The loss is
    computed from the logits (:func:`binary_cross_entropy_with_logits`), so it stays
    exact for confident predictions.

    Examples
    --------
    At the start every probability is $1/2$, so the first loss is $\log 2$; training
    lowers it and separates the two groups:

    >>> x = [[-2.0], [-1.0], [0.5], [1.0], [2.0], [-0.5]]
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> weight, bias, history = fit_logistic_regression(x, y, learning_rate=0.5, n_steps=200)
    >>> float(history[0].round(4)), float(history[-1].round(4))
    (0.6931, 0.4607)
    >>> weight.round(3).tolist(), round(bias, 3)
    ([1.351], 0.0)
    >>> predict_logistic(x, weight, bias).tolist()
    [0, 0, 1, 1, 1, 0]
    """
    x = _as_inputs(x)
    y = _as_targets(y, len(x), binary=True)
    l2 = check_real(l2, "l2", low=0.0)
    return _fit(_logistic_loss_and_grad, x, y, learning_rate, n_steps, l2)


def predict_proba_logistic(x, weight, bias):
    r"""Probabilities of the positive class from a logistic regression model, $\sigma(Xw + b)$.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    weight : array_like of shape (d,)
        Finite weights.
    bias : float
        Finite bias.

    Returns
    -------
    ndarray of shape (n,)
        $P(y = 1 \mid x_i)$, in $[0, 1]$.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, or a
        logit overflows float64.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    predict_logistic : Thresholds these probabilities into labels.

    sigmoid : The squashing function.

    predict_linear : The logit $Xw + b$ itself.

    Notes
    -----
    $$p_i = \sigma(x_i \cdot w + b) = \frac{1}{1 + e^{-(x_i \cdot w + b)}}.$$

    The logit is a linear score; the sigmoid maps it into $(0, 1)$. It is the
    two-branch sigmoid, so large logits give exactly 0 or 1 without overflow.

    Examples
    --------
    >>> predict_proba_logistic([[0.0], [1.0], [-1.0]], [2.0], 0.0).round(4).tolist()
    [0.5, 0.8808, 0.1192]
    >>> predict_proba_logistic([[1e308], [-1e308]], [1.0], 0.0).tolist()
    [1.0, 0.0]
    """
    return np.asarray(sigmoid(weighted_sum(*_as_model(x, weight, bias))))


def predict_logistic(x, weight, bias, *, threshold=0.5):
    r"""Class labels 0 and 1 from a logistic regression model and a classification threshold.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    weight : array_like of shape (d,)
        Finite weights.
    bias : float
        Finite bias.
    threshold : float, default=0.5
        Probabilities at or above it are labelled 1.

    Returns
    -------
    ndarray of int64, shape (n,)
        The predicted labels.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a logit
        overflows, or `threshold` is not finite.
    TypeError
        If an input or `threshold` does not hold real numbers.

    See Also
    --------
    predict_proba_logistic : The probabilities being thresholded.

    apply_threshold : The thresholding rule.

    Notes
    -----
    $$\hat y_i = \begin{cases} 1 & \sigma(x_i \cdot w + b) \ge t \\ 0 & \text{otherwise.}
      \end{cases}$$

    At $t = 1/2$ this is the sign of the logit, so the decision boundary is the
    hyperplane $x \cdot w + b = 0$. Raising $t$ trades recall for precision.

    Examples
    --------
    >>> x = [[0.0], [1.0], [-1.0]]
    >>> predict_logistic(x, [2.0], 0.0).tolist()
    [1, 1, 0]
    >>> predict_logistic(x, [2.0], 0.0, threshold=0.9).tolist()
    [0, 0, 0]
    """
    return np.atleast_1d(
        apply_threshold(predict_proba_logistic(x, weight, bias), threshold=threshold)
    )


# --------------------------------------------------------------------------- boosting


def _as_signed_labels(y, n):
    """`y` as an int64 vector of n labels, each -1 or +1."""
    y = as_float_array(y, "y", ndim=1, layout="(n,)")
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per row of x, shape ({n},); got {y.shape}.")
    if not np.all(np.abs(y) == 1):
        found = np.unique(y)
        shown = ", ".join(f"{v:g}" for v in found[:5]) + (", ..." if found.size > 5 else "")
        raise ValueError(f"y must hold only the labels -1 and +1; got the values {{{shown}}}.")
    return y.astype(np.int64)


def _as_weights(weights, n):
    """Non-negative weights, not all zero, normalised to sum to 1."""
    weights = as_vector(weights, "weights", n)
    if weights.min() < 0 or weights.max() == 0:
        raise ValueError(
            "weights must be non-negative and not all zero; got values from "
            f"{weights.min():g} to {weights.max():g}."
        )
    scaled = weights / weights.max()  # in [0, 1]: the sum cannot overflow
    return scaled / scaled.sum()


def _stump_predict(x, feature, threshold, polarity):
    """h(x) = polarity where x[:, feature] > threshold, else -polarity."""
    return np.where(x[:, feature] > threshold, polarity, -polarity)


def _best_stump(x, y, w):
    """The stump (feature, threshold, polarity) with the least weighted error.

    Every split between two neighbouring distinct values of a feature is tried at
    once through cumulative sums over the sorted column; splitting after the
    largest value gives the constant stumps. Ties go to the lowest feature, then the
    lowest threshold, then polarity +1.
    """
    order = np.argsort(x, axis=0, kind="stable")
    xs = np.take_along_axis(x, order, axis=0)
    left_pos = np.cumsum(np.where(y == 1, w, 0.0)[order], axis=0)  # positives at or below
    left_neg = np.cumsum(np.where(y == -1, w, 0.0)[order], axis=0)
    # polarity +1 says -1 at or below the threshold: it misses the positives there and
    # the negatives above; polarity -1 misses the opposite ones
    err = np.stack(
        [left_pos + (left_neg[-1] - left_neg), left_neg + (left_pos[-1] - left_pos)], axis=-1
    )
    can_split = np.append(xs[:-1] != xs[1:], np.ones((1, x.shape[1]), bool), axis=0)
    err[~can_split] = np.inf
    j, i, p = np.unravel_index(np.argmin(err.transpose(1, 0, 2)), (x.shape[1], len(x), 2))
    threshold = xs[i, j]
    if i + 1 < len(x):  # halfway to the next value; halves first, so no overflow
        middle = xs[i, j] / 2 + xs[i + 1, j] / 2
        threshold = middle if middle < xs[i + 1, j] else threshold
    return int(j), float(threshold), 1 if p == 0 else -1


def one_boosting_round(x, y, weights):
    r"""One round of AdaBoost boosting: fit a decision stump to weighted data, then reweight.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Labels, each -1 or +1.
    weights : array_like of shape (n,)
        Non-negative example weights, not all zero (they are normalised to sum to 1).

    Returns
    -------
    stump : tuple of (int, float, int, float)
        ``(feature, threshold, polarity, alpha)``: the stump predicts `polarity` where
        ``x[:, feature] > threshold`` and ``-polarity`` elsewhere, and gets the vote
        `alpha`.
    new_weights : ndarray of shape (n,)
        The updated weights, summing to 1: examples the stump got wrong now carry half
        of the total weight.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not -1 or +1, or the weights are negative or all zero.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    adaboost_fit : Repeats this round.

    adaboost_predict : The weighted vote of the stumps.

    Notes
    -----
    The stump $h$ minimises the weighted error $\varepsilon = \sum_{i: h(x_i) \ne y_i} w_i$
    over every feature, every threshold halfway between two neighbouring values and
    both polarities. Its vote and the new weights follow SAMME with two classes:

    $$\alpha = \log\frac{1 - \varepsilon}{\varepsilon}, \qquad
      w_i \leftarrow \frac{w_i\, e^{\alpha\,[h(x_i) \ne y_i]}}{Z}
      = \begin{cases} w_i / (2\varepsilon) & h(x_i) \ne y_i \\
      w_i / (2(1 - \varepsilon)) & h(x_i) = y_i, \end{cases}$$

    where $Z$ makes the weights sum to 1. The closed form on the right is what is
    computed: it needs no exponential, so it cannot overflow however small
    $\varepsilon$ is, and it shows that the stump just fitted has a weighted error of
    exactly $1/2$ under the new weights, no better than chance; the next round must
    find something new. Classic AdaBoost uses $\tfrac12\alpha$ and
    $e^{-\alpha y h(x)}$, which gives the same weights and the same votes up to a
    factor. Two edge cases follow scikit-learn: a perfect stump
    ($\varepsilon = 0$) gets $\alpha = 1$ and leaves the weights unchanged, and a
    stump no better than chance ($\varepsilon = 1/2$) gets $\alpha = 0$.

    References
    ----------
    Y. Freund and R. E. Schapire, "A decision-theoretic generalization of on-line
    learning and an application to boosting", J. Computer and System Sciences 55 (1997).
    J. Zhu, H. Zou, S. Rosset and T. Hastie, "Multi-class AdaBoost", Statistics and
    Its Interface 2 (2009).

    Examples
    --------
    Four points on a line; the best stump, $x > 1.5 \Rightarrow +1$, misses only the
    last point, so $\varepsilon = 1/4$ and $\alpha = \log 3$. That point's weight
    becomes $\tfrac14 / (2 \cdot \tfrac14) = \tfrac12$, the others'
    $\tfrac14 / (2 \cdot \tfrac34) = \tfrac16$:

    >>> x, y = [[0.0], [1.0], [2.0], [3.0]], [-1, -1, 1, -1]
    >>> stump, new_weights = one_boosting_round(x, y, [0.25, 0.25, 0.25, 0.25])
    >>> stump[:3], round(stump[3], 4)
    ((0, 1.5, 1), 1.0986)
    >>> new_weights.round(4).tolist()
    [0.1667, 0.1667, 0.1667, 0.5]
    """
    x = _as_inputs(x)
    y = _as_signed_labels(y, len(x))
    stump, new_weights, _ = _boosting_round(x, y, _as_weights(weights, len(x)))
    return stump, new_weights


def _boosting_round(x, y, w):
    """The stump, the new weights and the weighted error, for validated inputs."""
    feature, threshold, polarity = _best_stump(x, y, w)
    miss = _stump_predict(x, feature, threshold, polarity) != y
    error = min(float(np.sum(w[miss])), 0.5)  # at most 1/2: the other polarity is also tried
    if error == 0:  # a perfect stump: any positive vote; keep the weights (as scikit-learn)
        return (feature, threshold, polarity, 1.0), w, error
    # alpha = log((1 - eps) / eps); the weights in the closed form of the Notes
    alpha = float(np.log1p(-error) - np.log(error))
    # one division per example: a missed w_i is at most eps, so w_i / (2 eps) <= 1/2 even
    # for a subnormal eps, where dividing every weight by 2 eps would overflow
    new_weights = w / np.where(miss, 2 * error, 2 * (1 - error))
    return (feature, threshold, polarity, alpha), new_weights, error


def adaboost_fit(x, y, *, n_rounds=50):
    r"""Boosting with discrete AdaBoost: train a weighted vote of decision stumps.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Labels, each -1 or +1.
    n_rounds : int, default=50
        The most stumps to fit, at least 1. Boosting stops early after a perfect
        stump or one no better than chance.

    Returns
    -------
    list of tuple of (int, float, int, float)
        The ensemble, one ``(feature, threshold, polarity, alpha)`` per round, in
        order.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not -1 or +1, or `n_rounds` is below 1.
    TypeError
        If an input does not hold real numbers or `n_rounds` is not an int.

    See Also
    --------
    one_boosting_round : One round, with the weight update.

    adaboost_predict : Predicts with the ensemble.

    Notes
    -----
    Start from equal weights $w_i = 1/n$ and repeat :func:`one_boosting_round`; the
    final classifier is

    $$H(x) = \operatorname{sign}\Bigl(\sum_{t=1}^{T} \alpha_t h_t(x)\Bigr).$$

    Each round concentrates the weight on the examples the ensemble still gets
    wrong, so the next stump specialises in them. The training error of $H$ falls
    exponentially as long as every stump beats chance; on noisy labels the later
    rounds chase the noise, so keep `n_rounds` modest or pick it on a validation set.
    The votes equal those of scikit-learn's ``AdaBoostClassifier`` (SAMME), but its
    stumps are chosen by Gini impurity rather than weighted error, so the stumps and
    some predictions can differ.

    Examples
    --------
    No single threshold separates these labels, but three stumps do. The first,
    "+1 at or below 1.5", misses 2 of 6 points ($\varepsilon = 1/3$, vote $\log 2$);
    after reweighting, "+1 above 3.5" has $\varepsilon = 1/4$ (vote $\log 3$), and
    then the constant "+1 everywhere" has $\varepsilon = 1/6$ (vote $\log 5$). On
    the middle points the vote is $-\log 2 - \log 3 + \log 5 < 0$:

    >>> x = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]
    >>> y = [1, 1, -1, -1, 1, 1]
    >>> ensemble = adaboost_fit(x, y, n_rounds=3)
    >>> [(j, threshold, polarity, round(alpha, 4)) for j, threshold, polarity, alpha in ensemble]
    [(0, 1.5, -1, 0.6931), (0, 3.5, 1, 1.0986), (0, 5.0, -1, 1.6094)]
    >>> adaboost_predict(x, ensemble).tolist()
    [1, 1, -1, -1, 1, 1]
    """
    x = _as_inputs(x)
    y = _as_signed_labels(y, len(x))
    n_rounds = check_int(n_rounds, "n_rounds", minimum=1)
    weights = np.full(len(x), 1.0 / len(x))
    ensemble = []
    for _ in range(n_rounds):
        stump, weights, error = _boosting_round(x, y, weights)
        ensemble.append(stump)
        if error == 0 or error == 0.5:  # perfect, or no better than chance: stop
            break
    return ensemble


def _as_ensemble(ensemble, d):
    """The ensemble as arrays: features (int), thresholds, polarities (int), alphas."""
    if isinstance(ensemble, str) or not isinstance(ensemble, list | tuple | np.ndarray):
        raise TypeError(
            "ensemble must be a list of (feature, threshold, polarity, alpha) tuples; "
            f"got {type(ensemble).__name__}."
        )
    table = as_float_array(ensemble, "ensemble", ndim=2, layout="(n_stumps, 4)")
    if table.shape[1] != 4:
        raise ValueError(
            "ensemble must hold (feature, threshold, polarity, alpha) tuples; "
            f"got rows of length {table.shape[1]}."
        )
    features, thresholds, polarities, alphas = table.T
    features, polarities = _check_stumps(features, polarities, d)
    return features, thresholds, polarities, alphas


def _check_stumps(features, polarities, d):
    """Stump features as ints in [0, d) and polarities as -1 or +1, or a clear error."""
    if not np.all((features == np.round(features)) & (features >= 0) & (features < d)):
        raise ValueError(f"ensemble features must be integers in [0, {d}); got {features}.")
    if not np.all(np.abs(polarities) == 1):
        raise ValueError(f"ensemble polarities must be -1 or +1; got {polarities}.")
    return features.astype(np.int64), polarities.astype(np.int64)


def adaboost_predict(x, ensemble):
    r"""Boosting prediction: labels -1 and +1 from the weighted vote of an AdaBoost ensemble.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    ensemble : list of tuple of (int, float, int, float)
        ``(feature, threshold, polarity, alpha)`` per stump, as returned by
        :func:`adaboost_fit`. A prefix ``ensemble[:t]`` is the ensemble after `t`
        rounds.

    Returns
    -------
    ndarray of int64, shape (n,)
        The predicted labels.

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity; or the ensemble is
        empty, holds a row of another length, a feature index outside ``[0, d)``, a
        polarity other than -1 or +1, or a non-finite number.
    TypeError
        If `x` does not hold real numbers or `ensemble` is not a sequence of tuples.

    See Also
    --------
    adaboost_fit : Trains the ensemble.

    Notes
    -----
    $$H(x) = \operatorname{sign}\Bigl(\sum_{t=1}^{T} \alpha_t h_t(x)\Bigr), \qquad
      h_t(x) = \begin{cases} p_t & x_{j_t} > \theta_t \\ -p_t & \text{otherwise,}
      \end{cases}$$

    with a tied vote (a sum of exactly 0) counted as +1. All stumps are evaluated at
    once, as an $(n, T)$ table of $\pm 1$ times the vector of votes.

    Examples
    --------
    Two stumps on feature 0 vote 2 and 1: they agree outside $(1, 2]$, and in between
    the stronger one wins.

    >>> ensemble = [(0, 2.0, 1, 2.0), (0, 1.0, 1, 1.0)]
    >>> adaboost_predict([[0.0], [1.5], [3.0]], ensemble).tolist()
    [-1, -1, 1]
    """
    x = _as_inputs(x)
    features, thresholds, polarities, alphas = _as_ensemble(ensemble, x.shape[1])
    votes = np.where(x[:, features] > thresholds, polarities, -polarities)  # (n, T)
    with np.errstate(over="ignore", invalid="ignore"):  # only for absurd votes: checked
        score = votes @ alphas
    _finite(score, "the sum of the votes")
    return np.where(score >= 0, 1, -1).astype(np.int64)


# --------------------------------------------------------------------------- bagging


def bagging_fit(x, y, *, n_estimators=10, rng=None):
    r"""Bagging (bootstrap aggregating) ensemble: decision stumps fitted to bootstrap resamples.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    y : array_like of shape (n,)
        Labels, each -1 or +1.
    n_estimators : int, default=10
        Number of stumps $B \ge 1$, one per resample. An odd $B$ avoids tied votes.
    rng : numpy.random.Generator or int or None, default=None
        Source of the resamples, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    list of tuple of (int, float, int)
        The ensemble, one ``(feature, threshold, polarity)`` per resample: the stump
        predicts `polarity` where ``x[:, feature] > threshold`` and ``-polarity``
        elsewhere.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, a label
        is not -1 or +1, or `n_estimators` is below 1.
    TypeError
        If an input does not hold real numbers, `n_estimators` is not an int, or
        `rng` is not a Generator, int or None.

    See Also
    --------
    bagging_predict : The majority vote of the stumps.

    bootstrap_indices : The resamples, drawn here with the same call.

    adaboost_fit : Boosting: stumps fitted one after another to reweighted data.

    Notes
    -----
    Draw $B$ bootstrap resamples of the $n$ examples (``bootstrap_indices(n, B,
    rng=rng)``, $n$ indices with replacement each) and fit one base learner $h_b$ to
    each; here the learner is the decision stump with the fewest training errors on
    its resample, as in :func:`one_boosting_round` with equal weights. The ensemble
    predicts by majority vote,

    $$H(x) = \operatorname{sign}\Bigl(\sum_{b=1}^{B} h_b(x)\Bigr).$$

    Each resample leaves out about $e^{-1} \approx 37\%$ of the examples, so the
    learners differ; averaging $B$ of them keeps their bias but divides the part of
    their variance that is not shared, which is why bagging helps unstable
    learners (deep trees, as in random forests) and does little for stable ones.
    Unlike boosting, the learners are independent and could be trained in parallel,
    and every vote counts the same. This is scikit-learn's ``BaggingClassifier`` with
    a base learner that has no ``predict_proba`` (which makes it vote rather than
    average probabilities); its resamples come from its own random stream.

    References
    ----------
    L. Breiman, "Bagging predictors", Machine Learning 24 (1996), 123-140.

    Examples
    --------
    Five points whose labels no single threshold fits (+1 only at 2 and 3). The
    resamples are points 4, 3, 2, 1, 1 (best stump "+1 above 1.5", missing only
    point 4), points 0, 0, 0, 0, 4 (all -1, so a constant -1 stump: "+1 above 4")
    and points 3, 4, 2, 3, 4 ("+1 at or below 3.5", polarity -1). At point 4 the
    votes are +1, -1 and -1; at point 2 they are +1, -1 and +1. The vote gets every
    point right:

    >>> x, y = [[0.0], [1.0], [2.0], [3.0], [4.0]], [-1, -1, 1, 1, -1]
    >>> bootstrap_indices(5, 3, rng=0).tolist()
    [[4, 3, 2, 1, 1], [0, 0, 0, 0, 4], [3, 4, 2, 3, 4]]
    >>> ensemble = bagging_fit(x, y, n_estimators=3, rng=0)
    >>> ensemble
    [(0, 1.5, 1), (0, 4.0, 1), (0, 3.5, -1)]
    >>> bagging_predict(x, ensemble).tolist()
    [-1, -1, 1, 1, -1]
    """  # noqa: E501
    x = _as_inputs(x)
    y = _as_signed_labels(y, len(x))
    n_estimators = check_int(n_estimators, "n_estimators", minimum=1)
    samples = bootstrap_indices(len(x), n_estimators, rng=rng)
    equal = np.full(len(x), 1.0 / len(x))
    return [_best_stump(x[rows], y[rows], equal) for rows in samples]


def bagging_predict(x, ensemble):
    r"""Bagging prediction: labels -1 and +1 by majority vote of a bagged ensemble of stumps.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite inputs, one example per row.
    ensemble : list of tuple of (int, float, int)
        ``(feature, threshold, polarity)`` per stump, as returned by
        :func:`bagging_fit`.

    Returns
    -------
    ndarray of int64, shape (n,)
        The label most stumps predict; a tie goes to -1.

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity; or the ensemble is
        empty, holds a row of another length, a feature index outside ``[0, d)``, a
        polarity other than -1 or +1, or a non-finite threshold.
    TypeError
        If `x` does not hold real numbers or `ensemble` is not a sequence of tuples.

    See Also
    --------
    bagging_fit : Trains the ensemble.

    adaboost_predict : The weighted vote of a boosted ensemble.

    Notes
    -----
    $$H(x) = \begin{cases} +1 & \sum_b h_b(x) > 0 \\ -1 & \text{otherwise,}
      \end{cases}$$

    the majority of $B$ votes of $\pm 1$. A tie (possible only for even $B$) goes to
    -1, the first class in sorted order, as in scikit-learn, whose
    ``BaggingClassifier`` takes the class with the most votes and, among equals, the
    first.

    Examples
    --------
    Three stumps on feature 0; at 2.5 two of them say +1, at 0.5 none does:

    >>> ensemble = [(0, 1.0, 1), (0, 2.0, 1), (0, 3.0, 1)]
    >>> bagging_predict([[0.5], [2.5], [3.5]], ensemble).tolist()
    [-1, 1, 1]

    With two stumps that disagree the vote ties and goes to -1:

    >>> bagging_predict([[1.5]], [(0, 1.0, 1), (0, 2.0, 1)]).tolist()
    [-1]
    """
    x = _as_inputs(x)
    if isinstance(ensemble, str) or not isinstance(ensemble, list | tuple | np.ndarray):
        raise TypeError(
            "ensemble must be a list of (feature, threshold, polarity) tuples; "
            f"got {type(ensemble).__name__}."
        )
    table = as_float_array(ensemble, "ensemble", ndim=2, layout="(n_stumps, 3)")
    if table.shape[1] != 3:
        raise ValueError(
            "ensemble must hold (feature, threshold, polarity) tuples; "
            f"got rows of length {table.shape[1]}."
        )
    features, polarities = _check_stumps(table[:, 0], table[:, 2], x.shape[1])
    votes = np.where(x[:, features] > table[:, 1], polarities, -polarities)  # (n, B)
    return np.where(votes.sum(axis=1) > 0, 1, -1).astype(np.int64)


# --------------------------------------------------------------------------- semi-supervised


def _as_probabilities(probabilities):
    """Class probabilities as an (n, k) array; a 1-D input is P(class 1) of two classes."""
    p = as_float_array(probabilities, "probabilities", ndim=(1, 2), layout="(n, k) or (n,)")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"probabilities must be in [0, 1]; got values from {p.min():g} to {p.max():g}."
        )
    if p.ndim == 1:
        return np.column_stack([1.0 - p, p])
    if p.shape[1] < 2:
        raise ValueError(f"probabilities must cover at least 2 classes; got shape {p.shape}.")
    sums = p.sum(axis=1)
    tolerance = probability_sum_tolerance(probabilities, p.shape[1])
    if not np.allclose(sums, 1.0, rtol=0, atol=tolerance):
        raise ValueError(
            "probabilities must sum to 1 along each row; "
            f"got sums from {sums.min():g} to {sums.max():g}."
        )
    return p


def pseudo_label(probabilities, *, threshold=0.9):
    r"""Pseudo-labeling: label the unlabelled examples a model is confident about with its guess.

    Parameters
    ----------
    probabilities : array_like of shape (n, k) or (n,)
        A trained model's predicted class probabilities for `n` unlabelled examples,
        each row summing to 1; or, for two classes, the probability of class 1.
    threshold : float, default=0.9
        Keep an example when its largest class probability is at least this, in
        $(0, 1]$.

    Returns
    -------
    indices : ndarray of int64
        Rows of the confident examples, in increasing order (possibly none).
    labels : ndarray of int64
        Their pseudo-labels: the most probable class of each.

    Raises
    ------
    ValueError
        If `probabilities` is empty, not 1-D or 2-D, outside $[0, 1]$, has rows that
        do not sum to 1, or holds NaN or infinity; or `threshold` is outside
        $(0, 1]$.
    TypeError
        If `probabilities` does not hold real numbers.

    See Also
    --------
    uncertainty_query : The opposite choice: the least confident examples, to be
        labelled by a person.

    apply_threshold : Thresholds one probability into a class.

    Notes
    -----
    $$\text{keep } i \iff \max_c p_{ic} \ge \tau, \qquad
      \tilde y_i = \arg\max_c p_{ic}.$$

    In pseudo-labelling a model trained on the labelled data predicts on the
    unlabelled data; the confident predictions become training labels, and the
    model is trained again on both. The threshold $\tau$ trades how many examples
    are added against how many of their labels are wrong: a wrong pseudo-label is
    learned as if it were true. Ties in the arg max go to the lowest class.

    Rows must sum to 1 within $10^{-6}$, or within $k$ times the machine epsilon of
    the input's dtype when that is larger: float16 or float32 probabilities, which
    cannot sum to 1 exactly, are accepted.

    Examples
    --------
    >>> p = [[0.95, 0.05], [0.6, 0.4], [0.02, 0.98]]
    >>> indices, labels = pseudo_label(p, threshold=0.9)
    >>> indices.tolist(), labels.tolist()
    ([0, 2], [0, 1])

    A 1-D input is the probability of class 1:

    >>> indices, labels = pseudo_label([0.5, 0.97, 0.01, 0.8], threshold=0.95)
    >>> indices.tolist(), labels.tolist()
    ([1, 2], [1, 0])
    """
    p = _as_probabilities(probabilities)
    threshold = check_real(threshold, "threshold", low=0.0, high=1.0, closed="right")
    keep = np.flatnonzero(p.max(axis=1) >= threshold)
    return keep, np.argmax(p[keep], axis=1).astype(np.int64)


_STRATEGIES = ("least_confident", "margin", "entropy")


def uncertainty_query(probabilities, n, *, strategy="least_confident"):
    r"""Active learning query: the `n` unlabelled examples the model is least sure about.

    Parameters
    ----------
    probabilities : array_like of shape (n_pool, k) or (n_pool,)
        Predicted class probabilities for the pool of unlabelled examples, each row
        summing to 1; or, for two classes, the probability of class 1.
    n : int
        How many examples to query, from 1 to `n_pool`.
    strategy : {"least_confident", "margin", "entropy"}, default="least_confident"
        How to measure uncertainty (see Notes).

    Returns
    -------
    ndarray of int64, shape (n,)
        Row numbers of the chosen examples, most uncertain first; ties go to the
        lower row.

    Raises
    ------
    ValueError
        If `probabilities` is empty, not 1-D or 2-D, outside $[0, 1]$, has rows that
        do not sum to 1 or holds NaN or infinity; `n` is out of range; or `strategy`
        is unknown.
    TypeError
        If `probabilities` does not hold real numbers, `n` is not an int or
        `strategy` is not a string.

    See Also
    --------
    pseudo_label : Keeps the most confident examples instead.

    Notes
    -----
    With $p_{(1)} \ge p_{(2)}$ the two largest probabilities of an example,

    $$u_{\text{least confident}} = 1 - p_{(1)}, \qquad
      u_{\text{margin}} = -(p_{(1)} - p_{(2)}), \qquad
      u_{\text{entropy}} = -\sum_c p_c \log p_c,$$

    and the `n` examples with the largest $u$ are queried. This is uncertainty
    sampling, the simplest form of active learning: the model picks which examples a
    person labels next, preferring those near its decision boundary, where a label
    teaches it most. With two classes the three strategies rank the examples the
    same way. The entropy uses $0 \log 0 = 0$.

    Rows must sum to 1 within $10^{-6}$, or within $k$ times the machine epsilon of
    the input's dtype when that is larger: float16 or float32 probabilities, which
    cannot sum to 1 exactly, are accepted.

    References
    ----------
    B. Settles, "Active Learning Literature Survey", Computer Sciences Technical
    Report 1648, University of Wisconsin-Madison (2009).

    Examples
    --------
    The second example is the closest call:

    >>> p = [[0.9, 0.1], [0.55, 0.45], [0.3, 0.7]]
    >>> uncertainty_query(p, 2).tolist()
    [1, 2]

    With three classes the strategies can disagree. Least confident picks row 0,
    whose best class has only 0.4; margin picks row 1, whose top two are tied:

    >>> p = [[0.4, 0.3, 0.3], [0.45, 0.45, 0.1]]
    >>> uncertainty_query(p, 1).tolist(), uncertainty_query(p, 1, strategy="margin").tolist()
    ([0], [1])
    """
    p = _as_probabilities(probabilities)
    n = check_int(n, "n", minimum=1)
    if n > len(p):
        raise ValueError(f"n must be at most the number of examples, {len(p)}; got {n}.")
    check_choice(strategy, "strategy", _STRATEGIES)
    top = np.sort(p, axis=1)
    if strategy == "least_confident":
        uncertainty = 1.0 - top[:, -1]
    elif strategy == "margin":
        uncertainty = top[:, -2] - top[:, -1]
    else:  # -sum p log p, with 0 log 0 = 0 (log is only taken of positive entries)
        uncertainty = -np.sum(p * np.log(np.where(p > 0, p, 1.0)), axis=1)
    return np.argsort(-uncertainty, kind="stable")[:n].astype(np.int64)


# --------------------------------------------------------------------------- exploration


def epsilon_greedy(q_values, epsilon, *, rng=None):
    r"""Explore-exploit trade-off, epsilon-greedy: explore with probability `epsilon`, else exploit.

    Parameters
    ----------
    q_values : array_like of shape (n_actions,)
        Finite estimated value of each action.
    epsilon : float
        Probability of exploring, in $[0, 1]$.
    rng : numpy.random.Generator or int or None, default=None
        Source of the randomness, or a seed for it.

    Returns
    -------
    int
        The index of the chosen action.

    Raises
    ------
    ValueError
        If `q_values` is not 1-D, is empty or holds NaN or infinity, or `epsilon` is
        outside $[0, 1]$.
    TypeError
        If `q_values` does not hold real numbers, `epsilon` is not a number, or `rng`
        is not a Generator, int or None.

    See Also
    --------
    run_bandit : Uses this rule on a multi-armed bandit.

    Notes
    -----
    $$a = \begin{cases} \text{uniform over all actions} & \text{with probability } \varepsilon \\
      \arg\max_a Q(a) & \text{with probability } 1 - \varepsilon. \end{cases}$$

    Exploiting (the arg max) collects the reward the current estimates promise;
    exploring keeps testing the other actions, whose estimates may be wrong. The
    random action may be the greedy one, so that one is taken with probability
    $1 - \varepsilon + \varepsilon / k$. Ties in the arg max go to the lowest index.
    One uniform number is drawn per call, plus the random action when exploring.

    Examples
    --------
    >>> epsilon_greedy([0.5, 2.0, 1.0], 0.0)
    1
    >>> epsilon_greedy([0.5, 2.0, 1.0], 1.0, rng=1)  # always explores
    2
    """
    q = as_float_array(q_values, "q_values", ndim=1, layout="(n_actions,)")
    epsilon = check_real(epsilon, "epsilon", low=0.0, high=1.0)
    return _epsilon_greedy(q, epsilon, as_rng(rng))


def _epsilon_greedy(q, epsilon, rng):
    """The rule of epsilon_greedy, for validated inputs (run_bandit calls it every step)."""
    if rng.random() < epsilon:
        return int(rng.integers(len(q)))  # explore: any action, uniformly
    return max(range(len(q)), key=q.__getitem__)  # exploit: best estimate, first on ties


def run_bandit(true_means, epsilon, n_steps, *, reward_std=1.0, rng=None):
    r"""Exploration vs. exploitation on a bandit: run an epsilon-greedy agent, record what it does.

    Parameters
    ----------
    true_means : array_like of shape (n_arms,)
        Finite expected reward of each arm (unknown to the agent).
    epsilon : float
        Probability of exploring at each step, in $[0, 1]$.
    n_steps : int
        Number of pulls, at least 1.
    reward_std : float, default=1.0
        Standard deviation of the Gaussian reward noise, $\ge 0$.
    rng : numpy.random.Generator or int or None, default=None
        Source of the randomness, or a seed for it.

    Returns
    -------
    rewards : ndarray of shape (n_steps,)
        The reward received at each step.
    actions : ndarray of int64, shape (n_steps,)
        The arm pulled at each step.

    Raises
    ------
    ValueError
        If `true_means` is not 1-D, is empty or holds NaN or infinity; an option is
        out of range; or a reward would overflow float64.
    TypeError
        If an input or option has the wrong type.

    See Also
    --------
    epsilon_greedy : The choice made at each step.

    Notes
    -----
    Pulling arm $a$ pays $r \sim \mathcal{N}(\mu_a, \sigma^2)$. The agent starts
    from $Q(a) = 0$ for every arm and keeps the sample average of each arm's rewards,

    $$Q(a) \leftarrow Q(a) + \frac{r - Q(a)}{N(a)}
      = \Bigl(1 - \frac{1}{N(a)}\Bigr) Q(a) + \frac{r}{N(a)},$$

    where $N(a)$ counts the pulls of $a$; the right-hand form is computed, since a
    weighted average of two finite numbers cannot overflow. With $\varepsilon = 0$
    the agent can lock onto the first arm that pays anything, never learning that
    another pays more; a little exploration finds the best arm at the cost of a few
    wasted pulls. All reward noise is drawn first, then one :func:`epsilon_greedy`
    draw per step.

    Examples
    --------
    A greedy agent sticks with arm 0, which pays about 1, and never learns that arm
    1 pays 2; with $\varepsilon = 0.1$ it finds arm 1:

    >>> rewards, actions = run_bandit([1.0, 2.0], 0.0, 200, rng=0)
    >>> np.bincount(actions, minlength=2).tolist()
    [200, 0]
    >>> rewards, actions = run_bandit([1.0, 2.0], 0.1, 200, rng=0)
    >>> np.bincount(actions, minlength=2).tolist(), float(rewards.mean().round(2))
    ([17, 183], 1.93)
    """
    means = as_float_array(true_means, "true_means", ndim=1, layout="(n_arms,)")
    epsilon = check_real(epsilon, "epsilon", low=0.0, high=1.0)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    reward_std = check_real(reward_std, "reward_std", low=0.0)
    rng = as_rng(rng)
    noise = reward_std * rng.standard_normal(n_steps)
    if not np.isfinite(np.max(np.abs(means)) + np.max(np.abs(noise))):
        raise ValueError("true_means plus the reward noise must stay within float64.")
    k, mu, noise = len(means), means.tolist(), noise.tolist()  # Python floats: a fast loop
    q, counts, rewards, actions = [0.0] * k, [0] * k, [], []
    for t in range(n_steps):  # sequential: each choice depends on the estimates so far
        a = _epsilon_greedy(q, epsilon, rng)
        reward = mu[a] + noise[t]
        counts[a] += 1
        # Q(a) <- (1 - 1/N(a)) Q(a) + r / N(a): the sample average of arm a's rewards
        q[a] = (1 - 1 / counts[a]) * q[a] + reward / counts[a]
        rewards.append(reward)
        actions.append(a)
    return np.array(rewards), np.array(actions, dtype=np.int64)


# --------------------------------------------------------------------------- evolution


def _score(objective, params):
    value = objective(params.copy())
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"objective must return a real number; got {type(value).__name__}.")
    if not np.isfinite(value):
        raise ValueError(f"objective must return a finite number; got {value} at {params}.")
    return float(value)


def evolutionary_search(
    objective, bounds, *, population=20, generations=30, mutation_scale=0.1, rng=None
):
    r"""Evolutionary hyperparameter search: minimise `objective` in a box, (mu + lambda) style.

    Parameters
    ----------
    objective : callable
        ``objective(params)`` returns a finite real score to minimise, for example a
        validation loss, for a float array `params` of shape ``(d,)`` (it receives a
        copy). Round inside it for integer hyperparameters.
    bounds : array_like of shape (d, 2)
        Finite ``[low, high]`` per parameter, ``low < high``.
    population : int, default=20
        Number of parents $\mu$ kept per generation, and of children $\lambda$ made
        from them; at least 1.
    generations : int, default=30
        Number of generations, at least 0.
    mutation_scale : float, default=0.1
        Standard deviation of the Gaussian mutation, as a fraction of each range;
        positive.
    rng : numpy.random.Generator or int or None, default=None
        Source of the randomness, or a seed for it.

    Returns
    -------
    best_params : ndarray of shape (d,)
        The best parameters found.
    best_score : float
        Their score.
    history : ndarray of shape (generations + 1,)
        The best score after each generation (the first is the initial population's);
        never increasing.
    final_population : ndarray of shape (population, d)
        The surviving parents, best first.

    Raises
    ------
    ValueError
        If `bounds` is not ``(d, 2)`` with finite ``low < high``, an option is out of
        range, or `objective` returns NaN or infinity.
    TypeError
        If `objective` is not callable or returns something other than a real number,
        or an option has the wrong type.

    See Also
    --------
    gradient_descent : Needs gradients; an evolutionary search needs only scores.

    Notes
    -----
    Parameters live in the unit box $u \in [0, 1]^d$ and are decoded as
    $\theta = (1 - u)\,\text{low} + u\,\text{high}$. The first $\mu$ individuals are
    uniform. The decoding is a weighted average of the two bounds, so it never
    overflows, even for bounds at $\pm 1.8 \times 10^{308}$; keeping the objective
    itself finite there is the caller's part. Each generation makes
    $\lambda = \mu$ children: two parents drawn
    uniformly, uniform crossover (each coordinate from one parent or the other), then
    mutation and clipping to the box,

    $$u' = \operatorname{clip}\bigl(\operatorname{crossover}(u_a, u_b)
      + s\,\xi,\ 0,\ 1\bigr), \qquad \xi \sim \mathcal{N}(0, I).$$

    Survivor selection keeps the best $\mu$ of parents and children together (the
    "plus" strategy), so the best score never gets worse. Ties favour parents. The
    mutation scale is fixed, so the search finds the region of the optimum quickly
    but pins it down only to roughly $s$ times each range; lower `mutation_scale` or
    refine the result with another method for more digits. The
    objective is called $\mu\,(1 + G)$ times in all, once per individual; each call
    may train a whole model.

    References
    ----------
    H.-G. Beyer and H.-P. Schwefel, "Evolution strategies: a comprehensive
    introduction", Natural Computing 1 (2002).

    Examples
    --------
    A bowl with its minimum 0 at $(1, -2)$; the best score falls from the random
    start's and never rises:

    >>> def bowl(p):
    ...     return float((p[0] - 1) ** 2 + (p[1] + 2) ** 2)
    >>> best, score, history, _ = evolutionary_search(bowl, [[-5, 5], [-5, 5]], rng=1)
    >>> best.round(1).tolist(), round(score, 4), bool(np.all(np.diff(history) <= 0))
    ([1.0, -2.0], 0.0009, True)
    """
    if not callable(objective):
        raise TypeError(f"objective must be callable; got {type(objective).__name__}.")
    bounds = as_float_array(bounds, "bounds", ndim=2, layout="(d, 2)")
    check_shape(bounds, (len(bounds), 2), "bounds", "(d, 2)")
    low, high = bounds[:, 0], bounds[:, 1]
    if not np.all(low < high):
        raise ValueError(f"bounds must have low < high in every row; got {bounds.tolist()}.")
    mu = check_int(population, "population", minimum=1)
    generations = check_int(generations, "generations", minimum=0)
    scale = check_real(mutation_scale, "mutation_scale", low=0.0, closed="neither")
    rng = as_rng(rng)

    def evaluate(units):  # theta = (1 - u) low + u high: a weighted average, no overflow
        return np.array([_score(objective, (1 - u) * low + u * high) for u in units])

    parents = rng.random((mu, len(bounds)))
    scores = evaluate(parents)
    order = np.argsort(scores, kind="stable")
    parents, scores = parents[order], scores[order]
    history = [scores[0]]
    for _ in range(generations):
        a, b = rng.integers(mu, size=(2, mu))
        mixed = np.where(rng.random(parents.shape) < 0.5, parents[a], parents[b])
        children = np.clip(mixed + scale * rng.standard_normal(parents.shape), 0.0, 1.0)
        # (mu + lambda) selection: the best mu of parents and children survive
        pool = np.vstack([parents, children])
        pool_scores = np.concatenate([scores, evaluate(children)])
        keep = np.argsort(pool_scores, kind="stable")[:mu]
        parents, scores = pool[keep], pool_scores[keep]
        history.append(scores[0])
    decoded = (1 - parents) * low + parents * high
    return decoded[0].copy(), float(scores[0]), np.array(history), decoded
