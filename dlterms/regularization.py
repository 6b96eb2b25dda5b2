"""Regularisation: weight penalties, activity penalties, weight constraints and noise.

A penalty adds a term to the loss (:func:`l1_penalty`, :func:`l2_penalty`,
:func:`activity_penalty`) and ships its gradient beside it; a constraint changes the
weights after each update (:func:`max_norm`); noise injection perturbs inputs during
training only (:func:`gaussian_noise`). :func:`weight_decay_step` shows that an L2
penalty is weight decay for plain SGD. The batch-normalisation family lives in
:mod:`dlterms.layers`. Weights may be one array or a list of
arrays (a model's weight tensors); no input is ever modified.
"""

from __future__ import annotations

import math

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_rng,
    check_axis,
    check_bool,
    check_real,
    check_same_shape,
    float_from_scaled,
    max_exponent,
    scalar_or_array,
    unscale_or_refuse,
)

__all__ = [
    "activity_penalty",
    "activity_penalty_grad",
    "gaussian_noise",
    "l1_penalty",
    "l1_penalty_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "max_norm",
    "weight_decay_step",
]


# --------------------------------------------------------------------------- helpers


def _weight_arrays(weights) -> tuple[list[np.ndarray], bool]:
    """Return `weights` as a list of finite float arrays, and whether it came as a list.

    A list or tuple whose items are numpy arrays is several tensors; anything else is one.
    """
    if isinstance(weights, list | tuple) and any(isinstance(w, np.ndarray) for w in weights):
        return [as_float_array(w, f"weights[{i}]") for i, w in enumerate(weights)], True
    if isinstance(weights, list | tuple) and len(weights) == 0:
        raise ValueError("weights must not be empty; got an empty sequence.")
    return [as_float_array(weights, "weights")], False


def _power_sum(arrays: list[np.ndarray], power: int) -> tuple[float, float]:
    """Return ``(m, s)`` with ``sum |w|**power == m**power * s`` over every array.

    ``m`` is the largest magnitude, so every ``|w| / m`` lies in [0, 1] and ``s`` is at
    most the number of entries: neither can overflow, even for weights near 1e308.
    """
    m = max(float(np.abs(w).max()) for w in arrays)
    if m == 0.0:
        return 0.0, 0.0
    s = sum(float(np.sum((np.abs(w) / m) ** power)) for w in arrays)
    return m, s


# --------------------------------------------------------------------------- weight penalties


def l1_penalty(weights, lam):
    r"""L1 regularization: the weight penalty $\lambda \sum_i |w_i|$, to be added to the loss.

    Parameters
    ----------
    weights : array_like or list of ndarray
        Finite weights of any shape, or a list or tuple of numpy arrays (the weight
        tensors of a model), all of which are penalised.
    lam : float
        Regularisation strength $\lambda \ge 0$.

    Returns
    -------
    float
        $\lambda \lVert w \rVert_1$ over all the weights.

    Raises
    ------
    ValueError
        If a weight array is empty or holds NaN or infinity, the list is empty, or
        `lam` is negative or not finite.
    TypeError
        If a weight array does not hold real numbers or `lam` is not a number.

    See Also
    --------
    l1_penalty_grad : Its (sub)gradient, $\lambda\,\operatorname{sign}(w)$.

    l2_penalty : The squared penalty, which shrinks weights without zeroing them.

    Notes
    -----
    $$R_1(w) = \lambda \sum_i |w_i|.$$

    This is Keras's ``keras.regularizers.L1(l1=lambda)`` and the penalty of the lasso.
    Its gradient has the same size $\lambda$ for every non-zero weight, however small,
    so L1 drives many weights to exactly zero (sparse weights). The sum is taken as
    $m \sum_i (|w_i| / m)$ with $m = \max_i |w_i|$, which cannot overflow before the
    final product: weights near $10^{308}$ still give a finite penalty whenever the
    penalty itself is representable.

    References
    ----------
    R. Tibshirani, "Regression shrinkage and selection via the lasso", J. R. Stat.
    Soc. B 58 (1996).

    Examples
    --------
    $0.25 \cdot (|1| + |-2| + |0.5|) = 0.25 \cdot 3.5 = 0.875$:

    >>> l1_penalty([1.0, -2.0, 0.5], 0.25)
    0.875
    >>> l1_penalty([np.array([[1.0, -1.0]]), np.array([2.0])], 0.5)  # two tensors
    2.0
    >>> l1_penalty([1e308, -1e308], 0.5)  # no overflow in the sum
    1e+308
    """
    arrays, _ = _weight_arrays(weights)
    lam = check_real(lam, "lam", low=0.0)
    m, s = _power_sum(arrays, 1)
    return lam * m * s


def l1_penalty_grad(weights, lam):
    r"""Subgradient of the L1 penalty: $\lambda\,\operatorname{sign}(w)$, with 0 at 0.

    Parameters
    ----------
    weights : float or array_like or list of ndarray
        Finite weights of any shape, or a list or tuple of numpy arrays.
    lam : float
        Regularisation strength $\lambda \ge 0$.

    Returns
    -------
    float or ndarray or list of ndarray
        Same shape (and, for a list, the same structure) as `weights`.

    Raises
    ------
    ValueError
        If a weight array is empty or holds NaN or infinity, the list is empty, or
        `lam` is negative or not finite.
    TypeError
        If a weight array does not hold real numbers or `lam` is not a number.

    See Also
    --------
    l1_penalty : The penalty itself.

    Notes
    -----
    $$\frac{\partial R_1}{\partial w_i} = \lambda\,\operatorname{sign}(w_i).$$

    $|w|$ has no derivative at 0; any value in $[-\lambda, \lambda]$ is a subgradient
    there, and 0 is the one returned, as ``torch.abs`` does in autograd. Plain
    (sub)gradient descent therefore makes a weight near zero jitter around it rather
    than land on it exactly; proximal methods (soft-thresholding) give exact zeros.

    Examples
    --------
    >>> l1_penalty_grad([3.0, -0.5, 0.0], 0.1).tolist()
    [0.1, -0.1, 0.0]
    >>> l1_penalty_grad(-2.0, 0.25)
    -0.25
    """
    arrays, is_list = _weight_arrays(weights)
    lam = check_real(lam, "lam", low=0.0)
    grads = [lam * np.sign(w) for w in arrays]
    return grads if is_list else scalar_or_array(grads[0])


def l2_penalty(weights, lam):
    r"""L2 weight penalty $\frac{\lambda}{2} \sum_i w_i^2$ (weight decay), to be added to the loss.

    Parameters
    ----------
    weights : array_like or list of ndarray
        Finite weights of any shape, or a list or tuple of numpy arrays (the weight
        tensors of a model), all of which are penalised.
    lam : float
        Regularisation strength $\lambda \ge 0$.

    Returns
    -------
    float
        $\frac{\lambda}{2} \lVert w \rVert_2^2$ over all the weights.

    Raises
    ------
    ValueError
        If a weight array is empty or holds NaN or infinity, the list is empty,
        `lam` is negative or not finite, or the penalty itself exceeds the float64
        range (about 1.8e308; rescale the weights or `lam`).
    TypeError
        If a weight array does not hold real numbers or `lam` is not a number.

    See Also
    --------
    l2_penalty_grad : Its gradient, $\lambda w$.

    weight_decay_step : The same penalty applied as a shrinking update.

    l1_penalty : The absolute-value penalty, which produces sparse weights.

    Notes
    -----
    $$R_2(w) = \frac{\lambda}{2} \sum_i w_i^2, \qquad \nabla R_2(w) = \lambda w.$$

    **The factor 1/2 is a convention, and libraries differ.** With it, the gradient is
    exactly $\lambda w$, which is what PyTorch's ``weight_decay=lambda`` adds to every
    gradient. Keras's ``keras.regularizers.L2(l2=c)`` adds $c \sum_i w_i^2$ with no
    half, whose gradient is $2 c w$: Keras ``L2(c)`` equals this function with
    $\lambda = 2c$ and PyTorch ``weight_decay=2c``. The sum of squares is computed as
    $m^2 \sum_i (w_i / m)^2$ with $m = \max_i |w_i|$, and $\lambda$, $m$ and the sum are
    multiplied as mantissas and powers of two, so the result is finite whenever the
    exact penalty is representable; a larger one raises ValueError.

    Examples
    --------
    $\frac{0.1}{2} (3^2 + 4^2) = 0.05 \cdot 25 = 1.25$:

    >>> l2_penalty([3.0, 4.0], 0.1)
    1.25
    >>> l2_penalty([np.array([[1.0, -1.0]]), np.array([2.0])], 1.0)  # (1 + 1 + 4) / 2
    3.0
    >>> l2_penalty([1e200, -1e200], 1e-300)  # 1e400 alone would overflow
    1e+100
    """
    arrays, _ = _weight_arrays(weights)
    lam = check_real(lam, "lam", low=0.0)
    m, s = _power_sum(arrays, 2)
    # lam m^2 s / 2 as mantissa and power of two: only the result itself may overflow
    m_mant, m_exp = math.frexp(m)
    lam_mant, lam_exp = math.frexp(lam)
    mantissa = 0.5 * lam_mant * m_mant * m_mant * s
    return float_from_scaled(mantissa, lam_exp + 2 * m_exp, "the L2 penalty")


def l2_penalty_grad(weights, lam):
    r"""Gradient of the L2 penalty $\frac{\lambda}{2} \lVert w \rVert^2$: simply $\lambda w$.

    Parameters
    ----------
    weights : float or array_like or list of ndarray
        Finite weights of any shape, or a list or tuple of numpy arrays.
    lam : float
        Regularisation strength $\lambda \ge 0$.

    Returns
    -------
    float or ndarray or list of ndarray
        Same shape (and, for a list, the same structure) as `weights`.

    Raises
    ------
    ValueError
        If a weight array is empty or holds NaN or infinity, the list is empty, or
        `lam` is negative or not finite.
    TypeError
        If a weight array does not hold real numbers or `lam` is not a number.

    See Also
    --------
    l2_penalty : The penalty itself, and the 1/2 convention.

    weight_decay_step : A gradient step that includes this term.

    Notes
    -----
    $$\frac{\partial}{\partial w_i} \frac{\lambda}{2} \sum_j w_j^2 = \lambda w_i.$$

    The pull towards zero is proportional to the weight: large weights shrink fast,
    small ones hardly at all, so L2 rarely makes a weight exactly zero.

    Examples
    --------
    >>> l2_penalty_grad([3.0, -4.0], 0.5).tolist()
    [1.5, -2.0]
    >>> l2_penalty_grad(2.0, 0.25)
    0.5
    """
    arrays, is_list = _weight_arrays(weights)
    lam = check_real(lam, "lam", low=0.0)
    grads = [lam * w for w in arrays]
    return grads if is_list else scalar_or_array(grads[0])


def weight_decay_step(params, grad, *, learning_rate, weight_decay):
    r"""One SGD step with weight decay: $\theta - \eta\,(g + \lambda \theta)$.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta$, finite, any shape.
    grad : float or array_like
        Gradient $g$ of the data loss at $\theta$ (without the penalty), same shape.
    learning_rate : float
        Step size $\eta > 0$.
    weight_decay : float
        Decay coefficient $\lambda \ge 0$, as in PyTorch's ``SGD(weight_decay=...)``.

    Returns
    -------
    float or ndarray
        The new parameters, same shape as `params`.

    Raises
    ------
    ValueError
        If an input is empty or holds NaN or infinity, the shapes differ,
        `learning_rate` is not positive or `weight_decay` is negative, their product
        or the updated parameters leave float64.
    TypeError
        If an input does not hold real numbers or an option is not a number.

    See Also
    --------
    l2_penalty_grad : The term $\lambda \theta$ added to the gradient.

    gradient_descent_step : The same step without decay.

    Notes
    -----
    Gradient descent on $L(\theta) + \frac{\lambda}{2}\lVert\theta\rVert^2$ gives

    $$\theta_{t+1} = \theta_t - \eta\,(g_t + \lambda\theta_t)
      = (1 - \eta\lambda)\,\theta_t - \eta\, g_t:$$

    every step first shrinks ("decays") the parameters by the factor $1 - \eta\lambda$,
    then takes the ordinary step. For plain SGD the L2 penalty and weight decay are
    therefore the same thing. For adaptive optimisers such as Adam they are not:
    there the penalty's gradient is rescaled per parameter, while decoupled weight
    decay (AdamW, and the ``weight_decay`` argument of Keras 3 optimizers) shrinks
    every parameter by the same factor. The second form is the one computed here;
    it avoids the overflow of $g + \lambda\theta$ when both are near the float maximum.

    References
    ----------
    I. Loshchilov and F. Hutter, "Decoupled weight decay regularization", ICLR (2019).

    Examples
    --------
    $\theta = 1, g = 0.5, \eta = 0.5, \lambda = 0.5$:
    $(1 - 0.25) \cdot 1 - 0.5 \cdot 0.5 = 0.5$.

    >>> weight_decay_step(1.0, 0.5, learning_rate=0.5, weight_decay=0.5)
    0.5
    >>> weight_decay_step([2.0, -4.0], [0.0, 0.0], learning_rate=0.5, weight_decay=0.5).tolist()
    [1.5, -3.0]
    """
    params = as_float_array(params, "params")
    grad = as_float_array(grad, "grad")
    check_same_shape(params, grad, "params", "grad")
    lr = check_real(learning_rate, "learning_rate", low=0.0, closed="right")
    decay = check_real(weight_decay, "weight_decay", low=0.0)
    if not math.isfinite(lr * decay):
        raise ValueError(
            f"learning_rate * weight_decay must fit in float64; got {lr!r} * {decay!r}."
        )
    factor = 1.0 - lr * decay
    # theta <- (1 - lr * decay) * theta - lr * grad; an overflow here is redone just below
    with np.errstate(over="ignore", invalid="ignore"):
        out = factor * params - lr * grad
    if np.all(np.isfinite(out)):
        return scalar_or_array(out)
    # every factor divided by a power of two near its magnitude (exact): each product is
    # at most 1 and their difference at most 2, so only a result beyond float64 is refused
    e = max_exponent(np.concatenate([params.ravel(), grad.ravel()]))
    k = max(math.frexp(factor)[1], math.frexp(lr)[1])
    scaled = math.ldexp(factor, -k) * np.ldexp(params, -e) - math.ldexp(lr, -k) * np.ldexp(grad, -e)
    return scalar_or_array(unscale_or_refuse(scaled, e + k, "the weight-decay step"))


# --------------------------------------------------------------------------- activity penalty


def activity_penalty(activations, *, l1=0.0, l2=0.0):
    r"""Activity regularisation: an L1/L2 penalty on a layer's outputs, per example.

    Parameters
    ----------
    activations : array_like of shape (N, ...)
        Finite outputs of a layer for a batch of $N$ examples (first axis).
    l1 : float, default=0.0
        L1 factor $\lambda_1 \ge 0$.
    l2 : float, default=0.0
        L2 factor $\lambda_2 \ge 0$ (no factor 1/2, as in Keras).

    Returns
    -------
    float
        $\bigl(\lambda_1 \sum |a| + \lambda_2 \sum a^2\bigr) / N$.

    Raises
    ------
    ValueError
        If `activations` is 0-D or empty or holds NaN or infinity, a factor is
        negative or not finite, or the penalty exceeds the float64 range.
    TypeError
        If `activations` does not hold real numbers or a factor is not a number.

    See Also
    --------
    activity_penalty_grad : Its gradient with respect to the activations.

    l1_penalty, l2_penalty : The same penalties on weights instead of outputs.

    Notes
    -----
    $$R(a) = \frac{1}{N}\Bigl(\lambda_1 \sum_{n,j} |a_{nj}| + \lambda_2 \sum_{n,j} a_{nj}^2\Bigr).$$

    This is the loss that ``keras.layers.ActivityRegularization(l1, l2)`` (or any
    layer's ``activity_regularizer=keras.regularizers.L1L2(l1, l2)``) adds: Keras's
    ``L1L2`` formula, divided by the batch size so the strength does not depend on
    it. tf.keras 2 and the Keras documentation divide; Keras 3 releases before the fix
    of January 2026 (keras-team/keras issue 22018) did not, and gave $N$ times this
    value. An L1 activity penalty pushes most outputs to exactly zero, which gives
    sparse representations, for example in sparse autoencoders. Sums use the same
    overflow-free scaling as :func:`l1_penalty`, and the products with $\lambda$ and
    $1/N$ are formed as mantissa and power of two: the result is finite whenever the
    exact penalty is at most about $1.8 \times 10^{308}$, and a larger penalty raises
    ``ValueError``.

    Examples
    --------
    Two examples: $(0.25 \cdot (1 + 2 + 3 + 0) + 0.5 \cdot (1 + 4 + 9 + 0)) / 2 = 8.5 / 2$:

    >>> activity_penalty([[1.0, -2.0], [3.0, 0.0]], l1=0.25, l2=0.5)
    4.25
    >>> activity_penalty([[1e300, -1e300]], l1=1.0)
    2e+300
    """
    a = as_float_array(activations, "activations", min_ndim=1, layout="(N, ...)")
    l1 = check_real(l1, "l1", low=0.0)
    l2 = check_real(l2, "l2", low=0.0)
    n = a.shape[0]
    m, s1 = _power_sum([a], 1)
    _, s2 = _power_sum([a], 2)
    # (l1 m s1 + l2 m^2 s2) / n with every product kept as mantissa * 2^exponent:
    # l2 m^2 alone can pass the float range although the mean does not
    terms = [_frexp_product(l1, m, s1, 1.0 / n), _frexp_product(l2, m, m, s2, 1.0 / n)]
    top = max(e for mantissa, e in terms if mantissa) if any(t[0] for t in terms) else 0
    total = sum(math.ldexp(mantissa, e - top) for mantissa, e in terms)
    return float_from_scaled(total, top, "the activity penalty")


def _frexp_product(*factors: float) -> tuple[float, int]:
    """``(mantissa, exponent)`` with ``prod(factors) == mantissa * 2**exponent``, exactly
    as a float product would round but without overflow or underflow on the way."""
    mantissa, exponent = 1.0, 0
    for factor in factors:
        f, e = math.frexp(factor)
        mantissa, e2 = math.frexp(mantissa * f)
        exponent += e + e2
    return mantissa, exponent


def activity_penalty_grad(activations, *, l1=0.0, l2=0.0):
    r"""Activity regularization gradient: of the activity penalty with respect to the activations.

    Parameters
    ----------
    activations : array_like of shape (N, ...)
        Finite outputs of a layer for a batch of $N$ examples (first axis).
    l1 : float, default=0.0
        L1 factor $\lambda_1 \ge 0$.
    l2 : float, default=0.0
        L2 factor $\lambda_2 \ge 0$.

    Returns
    -------
    ndarray
        Same shape as `activations`: $(\lambda_1 \operatorname{sign}(a) + 2\lambda_2 a) / N$.

    Raises
    ------
    ValueError
        If `activations` is 0-D or empty or holds NaN or infinity, or a factor is
        negative or not finite.
    TypeError
        If `activations` does not hold real numbers or a factor is not a number.

    See Also
    --------
    activity_penalty : The penalty itself.

    Notes
    -----
    $$\frac{\partial R}{\partial a_{nj}} = \frac{\lambda_1 \operatorname{sign}(a_{nj})
      + 2 \lambda_2 a_{nj}}{N},$$

    with the subgradient 0 chosen at $a = 0$. In backpropagation this is added to the
    gradient arriving at the layer's output. The factors $\lambda_1 / N$ and
    $2\lambda_2 / N$ are formed first, so large activations do not overflow.

    Examples
    --------
    With $N = 2$: $0.25/2 \cdot \operatorname{sign}(a) + 2 \cdot 0.5/2 \cdot a$.

    >>> activity_penalty_grad([[1.0, -2.0], [3.0, 0.0]], l1=0.25, l2=0.5).tolist()
    [[0.625, -1.125], [1.625, 0.0]]
    """
    a = as_float_array(activations, "activations", min_ndim=1, layout="(N, ...)")
    l1 = check_real(l1, "l1", low=0.0)
    l2 = check_real(l2, "l2", low=0.0)
    n = a.shape[0]
    return (l1 / n) * np.sign(a) + (2.0 * l2 / n) * a


# --------------------------------------------------------------------------- constraint


def _norm_axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, tuple | list) else (axis,)
    normalised = tuple(check_axis(a, ndim) for a in axes)
    if not normalised or len(set(normalised)) != len(normalised):
        raise ValueError(f"axis must name distinct axes; got {axis!r}.")
    return normalised


def max_norm(weight, max_value, *, axis=0):
    r"""Max-norm constraint: rescale every weight vector whose L2 norm exceeds `max_value`.

    Parameters
    ----------
    weight : array_like
        Finite weights, at least 1-D; a dense kernel is ``(d_in, d_out)`` as in Keras.
    max_value : float
        Largest allowed norm $c > 0$.
    axis : int or tuple of int or None, default=0
        Axis or axes summed over to form each norm. The default, 0, gives one norm
        per column of a ``(d_in, d_out)`` kernel: the incoming weights of each unit.
        None takes the norm of the whole array.

    Returns
    -------
    ndarray
        Same shape as `weight`: vectors with norm at most $c$ are unchanged, longer
        ones are scaled down to norm exactly $c$, keeping their direction.

    Raises
    ------
    ValueError
        If `weight` is 0-D or empty or holds NaN or infinity, `max_value` is not
        positive, or `axis` is out of range or repeats an axis.
    TypeError
        If `weight` does not hold real numbers, `max_value` is not a number or an
        axis is not an int.

    See Also
    --------
    l2_penalty : A soft version: penalise large weights instead of capping them.

    Notes
    -----
    For each vector $w$ along `axis`,

    $$w \leftarrow w \cdot \min\Bigl(1, \frac{c}{\lVert w \rVert_2}\Bigr).$$

    It is applied after every optimiser step (Keras's ``kernel_constraint``), a
    projection onto the ball of radius $c$; dropout papers pair it with high learning
    rates. Keras's ``MaxNorm`` divides by $\lVert w\rVert + 10^{-7}$, and PyTorch's
    ``torch.renorm(w, 2, dim, c)`` by $\lVert w\rVert + 10^{-7}$ for the vectors it
    rescales, so both shrink a little below $c$; Keras also shrinks every vector by
    that $10^{-7}$. This function is exact. ``torch.renorm``'s ``dim`` names the axis
    that is *kept*, the opposite of `axis`. The norm is taken as
    $m\,\lVert w / m\rVert$ with $m = \max |w|$, so it never overflows.

    References
    ----------
    N. Srivastava et al., "Dropout: a simple way to prevent neural networks from
    overfitting", JMLR 15 (2014), section 5.1.

    Examples
    --------
    The first column has norm $\sqrt{3^2 + 4^2} = 5 > 2.5$ and becomes
    $(3, 4) \cdot 2.5/5 = (1.5, 2)$; the second, norm $\sqrt{2} < 2.5$, is kept:

    >>> w = np.array([[3.0, 1.0], [4.0, -1.0]])
    >>> max_norm(w, 2.5).tolist()
    [[1.5, 1.0], [2.0, -1.0]]
    >>> max_norm([[1e308], [1e308]], 1.0, axis=0).round(4).tolist()
    [[0.7071], [0.7071]]
    """
    w = as_float_array(weight, "weight", min_ndim=1)
    c = check_real(max_value, "max_value", low=0.0, closed="neither")
    axes = _norm_axes(axis, w.ndim)
    peak = np.abs(w).max(axis=axes, keepdims=True)
    safe_peak = np.where(peak > 0, peak, 1.0)
    unit = w / safe_peak  # entries in [-1, 1]
    ratio = np.sqrt(np.square(unit).sum(axis=axes, keepdims=True))  # norm / peak
    ratio = np.where(peak > 0, ratio, 1.0)  # in [1, sqrt(n)], so c / ratio is safe
    # ||w|| = peak * ratio > c, written without forming the possibly huge product
    too_long = peak > c / ratio
    return np.where(too_long, unit * (c / ratio), w)


# --------------------------------------------------------------------------- noise


def gaussian_noise(x, stddev, *, rng=None, training=True):
    r"""Noise injection: add zero-mean Gaussian noise to `x` during training only.

    Parameters
    ----------
    x : float or array_like
        Finite inputs or activations of any shape.
    stddev : float
        Standard deviation $\sigma \ge 0$ of the noise.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.
    training : bool, default=True
        If False, return `x` unchanged (as a new float array), as at inference time.

    Returns
    -------
    float or ndarray
        Same shape as `x`: $x + \varepsilon$ with independent
        $\varepsilon \sim \mathcal{N}(0, \sigma^2)$ per entry.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, `stddev` is negative or not finite,
        or a seed is negative.
    TypeError
        If `x` does not hold real numbers, `stddev` is not a number, `rng` is not a
        Generator, int or None, or `training` is not a bool.

    See Also
    --------
    dropout : Multiplicative noise that zeroes units instead.

    Notes
    -----
    $$\tilde x = x + \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, \sigma^2 I).$$

    This is ``keras.layers.GaussianNoise(stddev)``: the model never sees exactly the
    same input twice, which makes memorising the training set harder. For a linear
    model with squared error, input noise of variance $\sigma^2$ has the same effect
    in expectation as an L2 penalty on the weights (Bishop, 1995). The noise has mean
    zero, so nothing needs rescaling at inference, where the layer is the identity.

    References
    ----------
    C. M. Bishop, "Training with noise is equivalent to Tikhonov regularization",
    Neural Computation 7 (1995).

    Examples
    --------
    >>> gaussian_noise([1.0, 2.0, 3.0], 0.1, rng=0).round(3).tolist()
    [1.013, 1.987, 3.064]
    >>> gaussian_noise([1.0, 2.0], 0.1, training=False).tolist()
    [1.0, 2.0]
    >>> gaussian_noise([1e308], 1.0, rng=0).tolist()  # huge values stay finite
    [1e+308]
    """
    x = as_float_array(x, "x")
    stddev = check_real(stddev, "stddev", low=0.0)
    rng = as_rng(rng)
    check_bool(training, "training")
    if not training or stddev == 0.0:
        return scalar_or_array(x.copy())
    return scalar_or_array(x + rng.normal(0.0, stddev, size=x.shape))
