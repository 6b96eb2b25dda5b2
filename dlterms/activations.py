"""Activation functions and their derivatives: sigmoid, tanh, ReLU, Leaky ReLU, linear, softmax,
GELU, SiLU, softplus and the gated linear unit.

Every function is elementwise or works along one axis, accepts any array-like,
never mutates its input and returns a Python float for a scalar input.
:func:`apply_activation` and :func:`apply_activation_grad` pick one of them by name,
as ``activation="relu"`` does in Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_float_array,
    check_axis,
    check_choice,
    check_real,
    check_same_shape,
    scalar_or_array,
)

__all__ = [
    "apply_activation",
    "apply_activation_grad",
    "gelu",
    "gelu_grad",
    "glu",
    "leaky_relu",
    "leaky_relu_grad",
    "linear",
    "linear_grad",
    "log_softmax",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "softmax",
    "softmax_jvp",
    "softplus",
    "softplus_grad",
    "tanh",
    "tanh_grad",
]


def sigmoid(x):
    r"""Logistic sigmoid, computed so that it never overflows.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\sigma(x)$, in $[0, 1]$, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    sigmoid_grad : Its derivative.

    softmax : The multi-class generalisation.

    tanh : The zero-centred version, $\tanh(x) = 2\sigma(2x) - 1$.

    Notes
    -----
    $$\sigma(x) = \frac{1}{1 + e^{-x}} = \frac{e^{x}}{1 + e^{x}}.$$

    The naive first form overflows in $e^{-x}$ for $x \lesssim -710$. Both forms are
    equal, so we take $t = e^{-|x|} \le 1$, which cannot overflow, and use
    $1 / (1 + t)$ for $x \ge 0$ and $t / (1 + t)$ for $x < 0$. For large $|x|$, $t$
    underflows harmlessly to 0 and the result is exactly 0 or 1.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> sigmoid([-1.0, 0.0, 1.0]).round(4).tolist()
    [0.2689, 0.5, 0.7311]

    Extreme inputs saturate without an overflow warning:

    >>> sigmoid(-1000.0), sigmoid(1000.0)
    (0.0, 1.0)
    """
    x = as_float_array(x, "x")
    t = np.exp(-np.abs(x))  # e^{-|x|} <= 1: cannot overflow
    numerator = np.where(x >= 0, 1.0, t)
    t += 1.0  # in place: one temporary fewer on large arrays
    numerator /= t
    return scalar_or_array(numerator)


def sigmoid_grad(x):
    r"""Derivative of the logistic sigmoid, $\sigma'(x) = \sigma(x)\,\sigma(-x)$.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\sigma'(x)$, in $[0, 1/4]$, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    sigmoid : The function itself.

    Notes
    -----
    $$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr) = \sigma(x)\,\sigma(-x).$$

    The product form $\sigma(x)\sigma(-x)$ is used because $1 - \sigma(x)$ cancels to
    exactly 0 once $\sigma(x)$ rounds to 1 (for $x \gtrsim 37$), while $\sigma(-x)$ keeps
    its full relative precision. The derivative is largest, $1/4$, at $x = 0$; it
    vanishes in both tails, which is why deep sigmoid networks suffer vanishing gradients.

    Examples
    --------
    >>> sigmoid_grad(0.0)
    0.25
    >>> sigmoid_grad([-1000.0, 1000.0]).tolist()
    [0.0, 0.0]
    """
    x = as_float_array(x, "x")
    return scalar_or_array(np.multiply(sigmoid(x), sigmoid(-x)))


def tanh(x):
    r"""Hyperbolic tangent, an S-shaped activation with outputs in $[-1, 1]$.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\tanh(x)$, in $[-1, 1]$, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    tanh_grad : Its derivative.

    sigmoid : The same curve squeezed into $(0, 1)$: $\tanh(x) = 2\sigma(2x) - 1$.

    Notes
    -----
    $$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1.$$

    Written out, both exponentials overflow for $|x| \gtrsim 710$; ``np.tanh`` evaluates
    it without forming them and returns exactly $\pm 1$ once $|x| \gtrsim 19$. Unlike
    the sigmoid it is zero-centred, $\tanh(-x) = -\tanh(x)$, with slope 1 at the origin.

    Examples
    --------
    >>> tanh(0.0)
    0.0
    >>> tanh([-1.0, 0.5, 2.0]).round(4).tolist()
    [-0.7616, 0.4621, 0.964]

    Huge inputs saturate at the bounds without an overflow warning:

    >>> tanh([-1000.0, 1000.0]).tolist()
    [-1.0, 1.0]
    """
    x = as_float_array(x, "x")
    return scalar_or_array(np.tanh(x))


def tanh_grad(x):
    r"""Derivative of tanh, $1 - \tanh^2(x) = \operatorname{sech}^2(x)$, accurate in the tails.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\tanh'(x)$, in $[0, 1]$, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    tanh : The function itself.

    sigmoid_grad : The sigmoid's derivative, at most $1/4$.

    Notes
    -----
    $$\tanh'(x) = 1 - \tanh^2(x) = \operatorname{sech}^2(x)
      = \left(\frac{2u}{1 + u^2}\right)^2, \quad u = e^{-|x|}.$$

    The textbook form $1 - \tanh^2(x)$ cancels: once $\tanh(x)$ rounds to $\pm 1$
    ($|x| \gtrsim 19$) it returns exactly 0, although the true slope is about
    $4e^{-2|x|}$. The last form uses $u = e^{-|x|} \le 1$, which cannot overflow and
    keeps full relative precision until the result underflows near $|x| \approx 372$.
    The slope is largest, 1, at $x = 0$.

    Examples
    --------
    >>> tanh_grad(0.0)
    1.0
    >>> tanh_grad([-1.0, 1.0]).round(4).tolist()
    [0.42, 0.42]

    At $x = 20$ the slope is tiny but not zero, where $1 - \tanh^2$ gives 0:

    >>> f"{tanh_grad(20.0):.4e}", 1 - tanh(20.0) ** 2
    ('1.6993e-17', 0.0)
    """
    x = as_float_array(x, "x")
    u = np.exp(-np.abs(x))
    # sech(x) = 2 / (e^x + e^-x) = 2u / (1 + u^2); u^2 may underflow to 0, harmlessly
    return scalar_or_array((2.0 * u / (1.0 + u * u)) ** 2)


def relu(x):
    r"""Rectified linear unit, $\max(x, 0)$ elementwise.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\mathrm{ReLU}(x)$ as float64, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    relu_grad : Its derivative.

    leaky_relu : The variant with a small slope for negative inputs.

    Notes
    -----
    $$\mathrm{ReLU}(x) = \max(x, 0) = \begin{cases} x & x > 0 \\ 0 & x \le 0. \end{cases}$$

    It involves no exponential, so it is exact for every finite input.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0]).tolist()
    [0.0, 0.0, 3.0]
    >>> relu(-1e308)
    0.0
    """
    x = as_float_array(x, "x")
    return scalar_or_array(np.maximum(x, 0.0))


def relu_grad(x):
    r"""Derivative of ReLU: 1 where $x > 0$, else 0 (including at $x = 0$).

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        0.0 or 1.0 elementwise, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    relu : The function itself.

    Notes
    -----
    $$\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0. \end{cases}$$

    ReLU has no derivative at $x = 0$; like PyTorch and TensorFlow we use the
    subgradient 0 there.

    Examples
    --------
    >>> relu_grad([-1.0, 0.0, 2.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    x = as_float_array(x, "x")
    return scalar_or_array((x > 0).astype(np.float64))


def leaky_relu(x, *, negative_slope=0.01):
    r"""Leaky ReLU: $x$ for positive inputs, a small multiple $a x$ for the rest.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    negative_slope : float, default=0.01
        The slope $a \in [0, 1]$ used for $x \le 0$; 0 gives ReLU and 1 the identity.

    Returns
    -------
    float or ndarray
        $\mathrm{LeakyReLU}(x)$ as float64, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `negative_slope` is outside
        $[0, 1]$.
    TypeError
        If `x` does not hold real numbers or `negative_slope` is not a real number.

    See Also
    --------
    leaky_relu_grad : Its derivative.

    relu : The case $a = 0$, whose negative side is flat.

    Notes
    -----
    $$\mathrm{LeakyReLU}_a(x) = \begin{cases} x & x > 0 \\ a x & x \le 0
      \end{cases} = \max(x, a x) \quad (0 \le a \le 1).$$

    The default $a = 0.01$ matches PyTorch's ``LeakyReLU``; Keras 3 defaults to 0.2.
    Because the negative side still has slope $a > 0$, a unit whose input is negative
    for every example keeps receiving a (small) gradient instead of dying. No
    exponential is involved, so every finite input gives a finite output, correctly
    rounded.

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0]).tolist()
    [-0.02, 0.0, 3.0]
    >>> leaky_relu(-4.0, negative_slope=0.25)
    -1.0
    >>> leaky_relu(-1e308)
    -1e+306
    """
    x = as_float_array(x, "x")
    negative_slope = check_real(negative_slope, "negative_slope", low=0.0, high=1.0)
    return scalar_or_array(np.where(x > 0, x, negative_slope * x))


def leaky_relu_grad(x, *, negative_slope=0.01):
    r"""Derivative of Leaky ReLU: 1 where $x > 0$, else `negative_slope` (also at $x = 0$).

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    negative_slope : float, default=0.01
        The slope $a \in [0, 1]$ used for $x \le 0$.

    Returns
    -------
    float or ndarray
        1.0 or $a$ elementwise, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `negative_slope` is outside
        $[0, 1]$.
    TypeError
        If `x` does not hold real numbers or `negative_slope` is not a real number.

    See Also
    --------
    leaky_relu : The function itself.

    relu_grad : The case $a = 0$.

    Notes
    -----
    $$\mathrm{LeakyReLU}_a'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0. \end{cases}$$

    The kink at $x = 0$ has no derivative; like PyTorch we use the left slope $a$
    there, which for $a = 0$ agrees with :func:`relu_grad`.

    Examples
    --------
    >>> leaky_relu_grad([-2.0, 0.0, 3.0]).tolist()
    [0.01, 0.01, 1.0]
    >>> leaky_relu_grad(-1e308, negative_slope=0.25)
    0.25
    """
    x = as_float_array(x, "x")
    negative_slope = check_real(negative_slope, "negative_slope", low=0.0, high=1.0)
    return scalar_or_array(np.where(x > 0, 1.0, negative_slope))


def linear(x, *, slope=1.0):
    r"""Linear activation $f(x) = a x$; with the default $a = 1$ it is the identity.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    slope : float, default=1.0
        The finite factor $a$.

    Returns
    -------
    float or ndarray
        $a x$ as a new float64 array (never `x` itself), with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `slope` is not finite.
    TypeError
        If `x` does not hold real numbers or `slope` is not a real number.

    See Also
    --------
    linear_grad : Its derivative, the constant $a$.

    relu, tanh, sigmoid : Nonlinear activations, which let a network bend.

    Notes
    -----
    $$f(x) = a x, \qquad f(u + v) = f(u) + f(v), \qquad f(c u) = c f(u).$$

    Keras's ``activation="linear"`` (also the default of ``Dense``) is the case
    $a = 1$: the unit outputs its weighted sum unchanged, as a regression output layer
    should. Between hidden layers it adds nothing, because a composition of linear
    (or affine) maps is again linear (affine): $W_2 (W_1 x + b_1) + b_2 =
    (W_2 W_1) x + (W_2 b_1 + b_2)$, so a stack of such layers equals one layer. A
    product $a x$ beyond $\pm 1.8 \times 10^{308}$ is not representable and becomes
    $\pm\infty$.

    Examples
    --------
    >>> linear([-2.0, 0.0, 3.0]).tolist()
    [-2.0, 0.0, 3.0]
    >>> linear([-2.0, 3.0], slope=0.5).tolist()
    [-1.0, 1.5]

    Two stacked linear activations are one linear activation:

    >>> linear(linear(4.0, slope=3.0), slope=0.5) == linear(4.0, slope=1.5)
    True
    """
    x = as_float_array(x, "x")
    slope = check_real(slope, "slope")
    return scalar_or_array(slope * x)


def linear_grad(x, *, slope=1.0):
    r"""Derivative of the linear activation: the constant `slope` everywhere.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape (only its shape matters).
    slope : float, default=1.0
        The finite factor $a$ of $f(x) = a x$.

    Returns
    -------
    float or ndarray
        $a$ at every position, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `slope` is not finite.
    TypeError
        If `x` does not hold real numbers or `slope` is not a real number.

    See Also
    --------
    linear : The function itself.

    Notes
    -----
    $$f'(x) = a.$$

    The slope never shrinks, so a linear unit never saturates; it also never bends,
    which is why hidden layers need a nonlinear activation.

    Examples
    --------
    >>> linear_grad([-1e308, 0.0, 5.0]).tolist()
    [1.0, 1.0, 1.0]
    >>> linear_grad(2.0, slope=-0.5)
    -0.5
    """
    x = as_float_array(x, "x")
    slope = check_real(slope, "slope")
    return scalar_or_array(np.full(x.shape, slope))


def softmax(z, *, axis=-1):
    r"""Softmax along one axis: exponentiate, then normalise to sum to 1.

    Parameters
    ----------
    z : array_like
        Finite real scores (logits) with at least one dimension.
    axis : int, default=-1
        The axis that holds the classes.

    Returns
    -------
    ndarray
        Probabilities with the shape of `z`; each slice along `axis` sums to 1.

    Raises
    ------
    ValueError
        If `z` is a scalar or empty, holds NaN or infinity, or `axis` is out of range.
    TypeError
        If `z` does not hold real numbers or `axis` is not an int.

    See Also
    --------
    log_softmax : Its logarithm, computed without taking ``log`` of a rounded 0.

    softmax_jvp : Its Jacobian-vector product.

    sigmoid : The two-class case, $\sigma(x) = \mathrm{softmax}([x, 0])_0$.

    Notes
    -----
    $$\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}
      = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \quad m = \max_j z_j.$$

    Subtracting the maximum changes nothing mathematically (the factor $e^{-m}$
    cancels) but makes every exponent $\le 0$, so nothing overflows, and the largest
    term is exactly 1, so the denominator is at least 1.

    References
    ----------
    Goodfellow, Bengio and Courville, *Deep Learning*, section 4.1 (2016).

    Examples
    --------
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    >>> softmax([0.0, np.log(3.0)]).round(4).tolist()
    [0.25, 0.75]

    Large logits would overflow ``exp``; the shifted form does not:

    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    # z - max can only overflow to -inf when the true gap exceeds the float range,
    # where exp(-gap) is 0 anyway, so the overflow is harmless.
    with np.errstate(over="ignore"):
        e = z - z.max(axis=axis, keepdims=True)
    np.exp(e, out=e)  # in place: the shifted copy is the only array softmax allocates
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax(z, *, axis=-1):
    r"""Logarithm of softmax along one axis, computed via the log-sum-exp trick.

    Parameters
    ----------
    z : array_like
        Finite real scores (logits) with at least one dimension.
    axis : int, default=-1
        The axis that holds the classes.

    Returns
    -------
    ndarray
        Log-probabilities (all $\le 0$) with the shape of `z`.

    Raises
    ------
    ValueError
        If `z` is a scalar or empty, holds NaN or infinity, or `axis` is out of range.
    TypeError
        If `z` does not hold real numbers or `axis` is not an int.

    See Also
    --------
    softmax : The probabilities themselves.

    cross_entropy : The loss built on it.

    Notes
    -----
    $$\log \mathrm{softmax}(z)_i = z_i - \operatorname{logsumexp}(z)
      = (z_i - m) - \log \sum_j e^{z_j - m}, \quad m = \max_j z_j.$$

    The sum is at least 1 (its largest term is $e^0$), so the logarithm is finite.
    Taking ``np.log(softmax(z))`` instead gives ``-inf`` wherever a probability has
    underflowed to 0, e.g. for $e^{-999}$. Outputs below $-1.8 \times 10^{308}$, which
    only a logit gap wider than the float range gives, are not representable and become
    ``-inf``, without a warning; every other output is finite.

    Examples
    --------
    >>> log_softmax([0.0, 0.0]).round(4).tolist()
    [-0.6931, -0.6931]

    The gap of 999 survives, where ``np.log(softmax(z))`` would give ``-inf``:

    >>> log_softmax([1000.0, 1.0]).tolist()
    [0.0, -999.0]
    >>> log_softmax([1.5e308, -1.5e308]).tolist()
    [0.0, -inf]
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
    # z - max overflows to -inf only where the exact log-probability is below -1.8e308,
    # which no float64 can hold; exp(-inf) = 0 then adds nothing to the sum
    with np.errstate(over="ignore"):
        shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_jvp(z, v, *, axis=-1):
    r"""Jacobian-vector product of softmax, $J(z)\,v$, without forming $J$.

    Parameters
    ----------
    z : array_like
        Finite real scores with at least one dimension.
    v : array_like
        Finite direction vectors, same shape as `z`.
    axis : int, default=-1
        The axis that holds the classes; each slice along it is one softmax.

    Returns
    -------
    ndarray
        $J(z)\,v$ with the shape of `z`; each slice along `axis` sums to 0.

    Raises
    ------
    ValueError
        If `z` or `v` is a scalar or empty, holds NaN or infinity, their shapes differ,
        or `axis` is out of range.
    TypeError
        If an input does not hold real numbers or `axis` is not an int.

    See Also
    --------
    softmax : The function being differentiated.

    Notes
    -----
    With $s = \mathrm{softmax}(z)$ the Jacobian is
    $J = \partial s / \partial z = \mathrm{diag}(s) - s s^\top$, so

    $$J v = s \odot v - s\,(s^\top v) = s \odot \bigl(v - \langle s, v \rangle\bigr).$$

    This costs $O(k)$ per slice instead of $O(k^2)$ for building $J$. Since $J$ is
    symmetric, the same formula gives the vector-Jacobian product used in backprop.

    Examples
    --------
    >>> softmax_jvp([0.0, 0.0], [1.0, 0.0]).tolist()
    [0.25, -0.25]

    Far from the decision boundary softmax saturates and the product vanishes:

    >>> softmax_jvp([1000.0, 0.0], [0.0, 1.0]).tolist()
    [0.0, 0.0]
    """
    z = as_float_array(z, "z", min_ndim=1)
    v = as_float_array(v, "v")
    check_same_shape(z, v, "z", "v")
    s = softmax(z, axis=axis)
    return s * (v - np.sum(s * v, axis=axis, keepdims=True))


# --------------------------------------------------------------------------- smooth ReLUs

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715
_ERFC = np.frompyfunc(math.erfc, 1, 1)  # numpy has no erf; math.erfc is correctly rounded to ~1 ulp
_GELU_APPROXIMATIONS = ("none", "tanh")


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    r"""$\Phi(x) = \tfrac12 \operatorname{erfc}(-x / \sqrt 2)$, accurate in both tails."""
    return 0.5 * np.asarray(_ERFC(-_SQRT_HALF * x), dtype=np.float64).reshape(x.shape)


def _gelu_tanh_argument(x: np.ndarray) -> np.ndarray:
    r"""$2 u(x) = 2\sqrt{2/\pi}\,(x + 0.044715 x^3)$ on `x` clipped to $[-10^5, 10^5]$.

    Beyond $|x| = 10^5$ the sigmoid of it is already exactly 0 or 1, so the clip
    changes nothing but keeps $x^3$ from overflowing.
    """
    xc = np.clip(x, -1e5, 1e5)
    return 2.0 * _SQRT_2_OVER_PI * (xc + _GELU_CUBIC * xc**3)


def gelu(x, *, approximate="none"):
    r"""GELU, the Gaussian error linear unit $x\,\Phi(x)$: a smooth ReLU used in transformers.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    approximate : {"none", "tanh"}, default="none"
        ``"none"`` uses the exact normal CDF $\Phi$; ``"tanh"`` the tanh approximation
        of Hendrycks and Gimpel, as PyTorch's ``approximate="tanh"`` and GPT-2 do.

    Returns
    -------
    float or ndarray
        $\mathrm{GELU}(x)$, with the shape of `x`; never below $-0.1700$.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `approximate` is not one of the
        two names.
    TypeError
        If `x` does not hold real numbers or `approximate` is not a string.

    See Also
    --------
    gelu_grad : Its derivative.

    silu : The same shape with the logistic CDF, $x\,\sigma(x)$.

    relu : $x$ times a step instead of a smooth CDF.

    Notes
    -----
    $$\mathrm{GELU}(x) = x\,\Phi(x) = \frac{x}{2}\Bigl(1 + \operatorname{erf}\frac{x}{\sqrt 2}\Bigr)
      \approx \frac{x}{2}\Bigl(1 + \tanh\bigl(\sqrt{2/\pi}\,(x + 0.044715\,x^3)\bigr)\Bigr).$$

    Each input is weighted by the probability that a standard normal variable lies
    below it. numpy has no ``erf``: $\Phi(x) = \tfrac12\operatorname{erfc}(-x/\sqrt2)$ is
    evaluated with :func:`math.erfc` on every element (an elementwise Python call, the
    one loop in this module), which keeps full relative precision in the left tail where
    $1 + \operatorname{erf}$ cancels to 0. The tanh form is computed as
    $x\,\sigma(2u)$, since $\tfrac12(1 + \tanh u) = \sigma(2u)$; $u$ is taken of $x$
    clipped to $\pm 10^5$, where $\sigma$ is already exactly 0 or 1, so $x^3$ never
    overflows. The two forms differ by at most $4.7 \times 10^{-4}$ (near
    $x = \pm 2.7$). The minimum is about $-0.1700$, at $x \approx -0.75$.

    References
    ----------
    D. Hendrycks and K. Gimpel, "Gaussian error linear units (GELUs)",
    arXiv:1606.08415 (2016).

    Examples
    --------
    $\Phi(0) = 1/2$ and $\Phi(1) = 0.8413$, so $\mathrm{GELU}(1) = 0.8413$ and
    $\mathrm{GELU}(-1) = -(1 - 0.8413) = -0.1587$:

    >>> gelu([-1.0, 0.0, 1.0]).round(4).tolist()
    [-0.1587, 0.0, 0.8413]
    >>> gelu([-1.0, 0.0, 1.0], approximate="tanh").round(4).tolist()
    [-0.1588, 0.0, 0.8412]

    Far in the tails it is 0 and the identity, without an overflow warning:

    >>> gelu([-1e308, 1e308]).tolist()
    [-0.0, 1e+308]
    """
    x = as_float_array(x, "x")
    approximate = check_choice(approximate, "approximate", _GELU_APPROXIMATIONS)
    if approximate == "none":
        return scalar_or_array(x * _normal_cdf(x))
    return scalar_or_array(x * sigmoid(_gelu_tanh_argument(x)))


def gelu_grad(x, *, approximate="none"):
    r"""Derivative of GELU, $\Phi(x) + x\,\varphi(x)$, exact or of the tanh approximation.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    approximate : {"none", "tanh"}, default="none"
        Which form of :func:`gelu` to differentiate.

    Returns
    -------
    float or ndarray
        $\mathrm{GELU}'(x)$, with the shape of `x`; between about $-0.129$ and $1.129$.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, or `approximate` is not one of the
        two names.
    TypeError
        If `x` does not hold real numbers or `approximate` is not a string.

    See Also
    --------
    gelu : The function itself.

    Notes
    -----
    $$\mathrm{GELU}'(x) = \Phi(x) + x\,\varphi(x), \qquad
      \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}.$$

    For the tanh form, with $s = \sigma(2u)$ and $u = \sqrt{2/\pi}\,(x + 0.044715\,x^3)$,
    the derivative is $s + 2x\,s(1 - s)\,\sqrt{2/\pi}\,(1 + 3 \cdot 0.044715\,x^2)$.
    Unlike ReLU's, the slope is negative for $x \lesssim -0.75$ and peaks at about
    $1.129$ near $x \approx 1.41$. The second term is taken of $x$ clipped to $\pm 40$ (exact form)
    or $\pm 10^5$ (tanh form), beyond which it is exactly 0, so no square overflows.

    Examples
    --------
    At 0 the slope is $\Phi(0) = 1/2$; at 1 it is $0.8413 + 0.2420 = 1.0833$:

    >>> gelu_grad([0.0, 1.0]).round(4).tolist()
    [0.5, 1.0833]
    >>> gelu_grad([-1e308, 1e308], approximate="tanh").tolist()
    [0.0, 1.0]
    """
    x = as_float_array(x, "x")
    approximate = check_choice(approximate, "approximate", _GELU_APPROXIMATIONS)
    if approximate == "none":
        xc = np.clip(x, -40.0, 40.0)  # x phi(x) is exactly 0 beyond: exp(-800) underflows
        density = np.exp(-0.5 * xc * xc) / math.sqrt(2.0 * math.pi)
        return scalar_or_array(_normal_cdf(x) + xc * density)
    xc = np.clip(x, -1e5, 1e5)
    two_u = _gelu_tanh_argument(x)
    s = sigmoid(two_u)
    du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * xc * xc)
    # d sigma(2u)/dx = 2 sigma(2u) sigma(-2u) u'; sigma(2u) sigma(-2u) keeps precision in the tails
    return scalar_or_array(s + xc * (2.0 * du * np.multiply(s, sigmoid(-two_u))))


def silu(x):
    r"""SiLU (Swish), the sigmoid-weighted linear unit $x\,\sigma(x)$.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\mathrm{SiLU}(x)$, with the shape of `x`; never below $-0.2785$.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    silu_grad : Its derivative.

    gelu : The same shape with the normal CDF, $x\,\Phi(x)$.

    dlterms.swiglu : The gated feed-forward layer built on it.

    Notes
    -----
    $$\mathrm{SiLU}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}.$$

    Swish with $\beta = 1$ (Ramachandran et al.) is the same function; PyTorch calls it
    ``silu`` and Keras 3 ``silu`` or ``swish``. The overflow-safe :func:`sigmoid` makes
    every finite input give a finite output: $\sigma(x) \le 1$, so $|x\,\sigma(x)| \le
    |x|$. Its minimum is about $-0.2785$ at $x \approx -1.2785$.

    References
    ----------
    S. Elfwing, E. Uchibe and K. Doya, "Sigmoid-weighted linear units for neural
    network function approximation in reinforcement learning", Neural Networks 107
    (2018); P. Ramachandran, B. Zoph and Q. V. Le, "Searching for activation
    functions", arXiv:1710.05941 (2017).

    Examples
    --------
    $\sigma(0) = 1/2$ and $\sigma(2) = 0.8808$, so $\mathrm{SiLU}(2) = 1.7616$:

    >>> silu([-2.0, 0.0, 2.0]).round(4).tolist()
    [-0.2384, 0.0, 1.7616]
    >>> silu([-1e308, 1e308]).tolist()
    [-0.0, 1e+308]
    """
    x = as_float_array(x, "x")
    return scalar_or_array(x * sigmoid(x))


def silu_grad(x):
    r"""Derivative of SiLU (Swish), $\sigma(x)\,\bigl(1 + x\,\sigma(-x)\bigr)$.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.

    Returns
    -------
    float or ndarray
        $\mathrm{SiLU}'(x)$, with the shape of `x`; between about $-0.0998$ and $1.0998$.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    silu : The function itself.

    Notes
    -----
    $$\mathrm{SiLU}'(x) = \sigma(x) + x\,\sigma(x)\bigl(1 - \sigma(x)\bigr)
      = \sigma(x)\,\bigl(1 + x\,\sigma(-x)\bigr).$$

    $\sigma(-x)$ replaces $1 - \sigma(x)$, which cancels to 0 once $\sigma(x)$ rounds to
    1. Since $|x\,\sigma(-x)|$ stays below $|x|$ and $\sigma(x) = 0$ wherever it is
    large, no product overflows.

    Examples
    --------
    >>> silu_grad([0.0, 2.0]).round(4).tolist()
    [0.5, 1.0908]
    >>> silu_grad([-1e308, 1e308]).tolist()
    [-0.0, 1.0]
    """
    x = as_float_array(x, "x")
    return scalar_or_array(sigmoid(x) * (1.0 + x * sigmoid(-x)))


def _softplus_options(beta, threshold):
    beta = check_real(beta, "beta", low=0.0, closed="neither")
    if not math.isfinite(beta):
        raise ValueError(f"beta must be finite; got {beta}.")
    threshold = check_real(threshold, "threshold")
    return beta, threshold


def _linear_region(x, beta, threshold):
    r"""$\beta x$ and the mask $\beta x > t$ where PyTorch returns `x` unchanged."""
    # beta * x may overflow to +-inf; inf > t and -inf < t are then the right answers
    with np.errstate(over="ignore"):
        bx = beta * x
    return bx, bx > threshold


def softplus(x, *, beta=1.0, threshold=20.0):
    r"""Softplus, $\tfrac1\beta \log(1 + e^{\beta x})$: a smooth ReLU that is always positive.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    beta : float, default=1.0
        Positive finite sharpness $\beta$; larger values bend closer to ReLU.
    threshold : float, default=20.0
        Where $\beta x >$ `threshold` the input is returned unchanged, as in PyTorch.

    Returns
    -------
    float or ndarray
        $\mathrm{softplus}(x)$, with the shape of `x`; positive unless it underflows.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, `beta` is not positive and finite,
        `threshold` is not finite, or a result exceeds the float64 range (only for a
        tiny `beta`, where $\log 2 / \beta$ does).
    TypeError
        If `x` does not hold real numbers or an option is not a real number.

    See Also
    --------
    softplus_grad : Its derivative, the sigmoid $\sigma(\beta x)$.

    relu : The kinked function it smooths.

    Notes
    -----
    $$\mathrm{softplus}_\beta(x) = \frac1\beta \log\bigl(1 + e^{\beta x}\bigr)
      = \frac1\beta\Bigl(\max(\beta x, 0) + \log\bigl(1 + e^{-|\beta x|}\bigr)\Bigr),$$

    PyTorch's definition, including its switch to the identity where $\beta x >$
    `threshold` (there the two differ by less than $e^{-20}/\beta \approx 2 \times
    10^{-9}/\beta$). The naive form overflows in $e^{\beta x}$ for $\beta x \gtrsim 710$;
    the second form, :func:`numpy.logaddexp` ``(0, beta * x)``, never does. Its
    derivative is the sigmoid, and $\mathrm{softplus}(x) - \mathrm{softplus}(-x) = x$.
    It is used where an output must be positive, such as a standard deviation.

    References
    ----------
    C. Dugas, Y. Bengio, F. Belisle, C. Nadeau and R. Garcia, "Incorporating
    second-order functional knowledge for better option pricing", NeurIPS (2000).

    Examples
    --------
    $\log 2 = 0.6931$ at 0, and $\log(1 + e^{2}) = 2.1269$:

    >>> softplus([-2.0, 0.0, 2.0]).round(4).tolist()
    [0.1269, 0.6931, 2.1269]
    >>> round(softplus(0.0, beta=2.0), 4)
    0.3466

    Past the threshold the input comes back unchanged, and nothing overflows:

    >>> softplus([-1000.0, 21.0, 1e308]).tolist()
    [0.0, 21.0, 1e+308]
    """
    x = as_float_array(x, "x")
    beta, threshold = _softplus_options(beta, threshold)
    bx, linear_part = _linear_region(x, beta, threshold)
    # logaddexp(0, z) = log(1 + e^z) never overflows; / beta does only past float64
    with np.errstate(over="ignore"):
        y = np.where(linear_part, x, np.logaddexp(0.0, np.where(linear_part, 0.0, bx)) / beta)
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"softplus's output overflows float64 for beta={beta:g}: log(2) / beta alone "
            "is beyond 1.8e+308; use a larger beta."
        )
    return scalar_or_array(y)


def softplus_grad(x, *, beta=1.0, threshold=20.0):
    r"""Derivative of softplus: the sigmoid $\sigma(\beta x)$, and 1 past the threshold.

    Parameters
    ----------
    x : float or array_like
        Finite real input of any shape.
    beta : float, default=1.0
        Positive finite sharpness, as in :func:`softplus`.
    threshold : float, default=20.0
        Where $\beta x >$ `threshold` the slope is exactly 1, as in PyTorch.

    Returns
    -------
    float or ndarray
        $\mathrm{softplus}'(x)$, in $[0, 1]$, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, `beta` is not positive and finite,
        or `threshold` is not finite.
    TypeError
        If `x` does not hold real numbers or an option is not a real number.

    See Also
    --------
    softplus : The function itself.

    sigmoid : The derivative below the threshold.

    Notes
    -----
    $$\frac{d}{dx}\,\frac1\beta\log\bigl(1 + e^{\beta x}\bigr) = \frac{e^{\beta x}}{1 +
      e^{\beta x}} = \sigma(\beta x).$$

    Unlike ReLU's, the slope never reaches 0, so no unit is ever completely dead.

    Examples
    --------
    >>> softplus_grad([0.0, 2.0]).round(4).tolist()
    [0.5, 0.8808]
    >>> softplus_grad([-1e308, 1e308]).tolist()
    [0.0, 1.0]
    """
    x = as_float_array(x, "x")
    beta, threshold = _softplus_options(beta, threshold)
    bx, linear_part = _linear_region(x, beta, threshold)
    return scalar_or_array(np.where(linear_part, 1.0, sigmoid(np.where(linear_part, 0.0, bx))))


def glu(x, *, axis=-1):
    r"""Gated linear unit (GLU): split `x` in halves $a, b$ and return $a \odot \sigma(b)$.

    Parameters
    ----------
    x : array_like
        Finite real input with an even size along `axis`.
    axis : int, default=-1
        The axis to split; the first half is the value, the second the gate.

    Returns
    -------
    ndarray
        $a \odot \sigma(b)$, with the shape of `x` except half the size along `axis`.

    Raises
    ------
    ValueError
        If `x` is a scalar or empty, holds NaN or infinity, `axis` is out of range, or
        the size along `axis` is odd.
    TypeError
        If `x` does not hold real numbers or `axis` is not an int.

    See Also
    --------
    dlterms.swiglu : The feed-forward layer with a SiLU gate, as in LLaMA.

    sigmoid : The gate.

    Notes
    -----
    $$\mathrm{GLU}(a, b) = a \odot \sigma(b).$$

    Each gate in $(0, 1)$ decides how much of its value passes; the value path is
    linear, so its gradient does not vanish where the gate is open. Dauphin et al.
    compute $a = xW + c$ and $b = xV + d$ with two weight matrices; PyTorch's ``glu``,
    as here, takes one tensor holding both (first half $a$, second half $b$). Shazeer's
    variants replace $\sigma$ by another function, e.g. SiLU in SwiGLU. Since
    $\sigma \le 1$, $|a \odot \sigma(b)| \le |a|$: no overflow.

    References
    ----------
    Y. N. Dauphin, A. Fan, M. Auli and D. Grangier, "Language modeling with gated
    convolutional networks", ICML (2017).

    Examples
    --------
    Values $(2, 4)$ with gates $\sigma(0) = 1/2$ and $\sigma(1000) = 1$:

    >>> glu([2.0, 4.0, 0.0, 1000.0]).tolist()
    [1.0, 4.0]

    Along the first axis, value 1 with gate $\sigma(-6) = 0.0025$ is almost shut:

    >>> glu([[1.0], [-6.0]], axis=0).round(4).tolist()
    [[0.0025]]
    """
    x = as_float_array(x, "x", min_ndim=1)
    axis = check_axis(axis, x.ndim)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(
            f"x must have an even size along axis {axis} to split into value and gate; "
            f"got shape {x.shape}."
        )
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


class Activation(NamedTuple):
    """One row of the activation registry: the function and its derivative.

    `grad` is the elementwise derivative $f'(z)$ as a function of the input $z$, or
    None for softmax, whose derivative is a Jacobian (see :func:`activation_vjp`).
    """

    forward: Callable
    grad: Callable | None


#: Every activation the reference layer knows, by the name Keras's ``activation=`` uses.
#: Layers, networks, neurons, convolutions and the gradient studies all look names up here.
ACTIVATIONS: dict[str, Activation] = {
    "gelu": Activation(gelu, gelu_grad),
    "leaky_relu": Activation(leaky_relu, leaky_relu_grad),
    "linear": Activation(linear, linear_grad),
    "relu": Activation(relu, relu_grad),
    "sigmoid": Activation(sigmoid, sigmoid_grad),
    "silu": Activation(silu, silu_grad),
    "softmax": Activation(softmax, None),
    "softplus": Activation(softplus, softplus_grad),
    "tanh": Activation(tanh, tanh_grad),
}
#: The activations that act on each number alone (all but softmax).
ELEMENTWISE = tuple(name for name, row in ACTIVATIONS.items() if row.grad is not None)

_SOFTMAX_HINT = {
    "apply_activation_grad": "Use softmax_jvp for softmax, whose derivative is a Jacobian.",
    "unit": "Softmax needs several units, so it is a layer's activation.",
}


def log1p_exp(x: np.ndarray) -> np.ndarray:
    r"""$\log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|})$ of a validated array, never overflowing.

    The exact softplus the logistic losses use; :func:`softplus` is the activation,
    with PyTorch's `beta` and linear `threshold`.
    """
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def check_activation(name, label: str = "activation", *, allowed=None, hint: str = "") -> str:
    """Return `name` if it is an activation of the registry (or of its subset `allowed`).

    The error comes from :func:`dlterms._validation.check_choice`, so every function
    that takes an activation name reports a bad one in the same words. `hint` is added
    when the name is ``"softmax"`` and softmax is not allowed.
    """
    options = tuple(ACTIVATIONS) if allowed is None else tuple(allowed)
    return check_choice(name, label, options, hint=hint if name == "softmax" else "")


def activation_forward(z: np.ndarray, name: str) -> np.ndarray:
    """Apply the registry activation `name` to the validated array `z` inside a layer.

    The identity returns `z` itself, without the finiteness check of :func:`linear`, so
    a linear layer whose sums have overflowed hands them on for the caller to report.
    """
    if name == "linear":
        return z
    return np.asarray(ACTIVATIONS[name].forward(z), dtype=float)


def activation_vjp(z, grad_output, name: str) -> np.ndarray:
    r"""Backpropagate $g = \partial \ell / \partial f(z)$ through the activation `name`.

    Elementwise activations give $g \odot f'(z)$; softmax gives its vector-Jacobian
    product along the last axis. `z` and `grad_output` are validated arrays of one shape.
    The identity passes $g$ through untouched, without looking at `z`, so a linear
    output layer backpropagates even where its sums have overflowed (a diverging run
    is then reported by its loss, not by the backward pass).
    """
    row = ACTIVATIONS[name]
    if name == "linear":
        return grad_output
    if row.grad is None:
        return softmax_jvp(z, grad_output)
    return grad_output * row.grad(z)


def apply_activation(x, name):
    r"""Apply the activation function called `name` (``"relu"``, ``"tanh"``, ...) to `x`.

    Parameters
    ----------
    x : float or array_like
        Finite real pre-activations (weighted sums); at least 1-D for ``"softmax"``.
    name : str
        Which activation, spelled as in Keras's ``activation=`` argument: one of
        ``"gelu"``, ``"leaky_relu"``, ``"linear"``, ``"relu"``, ``"sigmoid"``, ``"silu"``,
        ``"softmax"``, ``"softplus"``, ``"tanh"``.

    Returns
    -------
    float or ndarray
        The activation of `x`, with its shape; softmax normalises along the last axis.

    Raises
    ------
    ValueError
        If `name` is not one of the names above, or `x` is invalid for that
        activation (empty, NaN or infinity; a scalar for softmax).
    TypeError
        If `name` is not a string or `x` does not hold real numbers.

    See Also
    --------
    apply_activation_grad : The matching elementwise derivative.

    sigmoid, tanh, relu, leaky_relu, linear, softmax, gelu, silu, softplus : The
        functions it calls, with their default options.

    Notes
    -----
    A unit computes $y = f(z)$ from its weighted sum $z = w \cdot x + b$; this picks
    $f$ by name, as a layer's configuration does:

    $$f \in \{\sigma,\ \tanh,\ \mathrm{ReLU},\ \mathrm{LeakyReLU}_{0.01},\
      \mathrm{id},\ \mathrm{softmax},\ \mathrm{GELU},\ \mathrm{SiLU},\
      \mathrm{softplus}\}.$$

    Every choice except ``"linear"`` is nonlinear, which is what lets stacked layers
    represent more than one linear map. For options other than the defaults, such as
    ``negative_slope``, call the function itself.

    Examples
    --------
    >>> z = [-2.0, 0.0, 2.0]
    >>> apply_activation(z, "relu").tolist()
    [0.0, 0.0, 2.0]
    >>> apply_activation(z, "tanh").round(4).tolist()
    [-0.964, 0.0, 0.964]
    >>> apply_activation(z, "softmax").round(4).tolist()
    [0.0159, 0.1173, 0.8668]

    Extreme inputs go through the same stable code as the functions themselves:

    >>> apply_activation([-1000.0, 1000.0], "sigmoid").tolist()
    [0.0, 1.0]
    """
    return ACTIVATIONS[check_activation(name, "name")].forward(x)


def apply_activation_grad(x, name):
    r"""Elementwise derivative $f'(x)$ of the activation function called `name`.

    Parameters
    ----------
    x : float or array_like
        Finite real pre-activations of any shape.
    name : str
        Which activation: one of ``"gelu"``, ``"leaky_relu"``, ``"linear"``, ``"relu"``,
        ``"sigmoid"``, ``"silu"``, ``"softplus"``, ``"tanh"``. Softmax is refused: its
        derivative is a Jacobian.

    Returns
    -------
    float or ndarray
        $f'(x)$ with the shape of `x`.

    Raises
    ------
    ValueError
        If `name` is not one of the names above (``"softmax"`` included), or `x` is
        empty or holds NaN or infinity.
    TypeError
        If `name` is not a string or `x` does not hold real numbers.

    See Also
    --------
    apply_activation : The activation itself.

    softmax_jvp : The derivative of softmax, as a Jacobian-vector product.

    Notes
    -----
    Backpropagation multiplies the incoming gradient by $f'(z)$ at every unit,
    $\partial L / \partial z = f'(z)\, \partial L / \partial y$, so this factor
    decides how much gradient survives the unit: at most $1/4$ for the sigmoid, 1
    for tanh at 0, exactly 1 for ReLU on its positive side, and near 0 wherever an
    S-shaped unit saturates. At kinks the left slope is used, as in PyTorch.

    Examples
    --------
    >>> z = [-2.0, 0.0, 2.0]
    >>> apply_activation_grad(z, "sigmoid").round(4).tolist()
    [0.105, 0.25, 0.105]
    >>> apply_activation_grad(z, "leaky_relu").tolist()
    [0.01, 0.01, 1.0]

    A saturated tanh unit passes almost nothing back:

    >>> apply_activation_grad(1000.0, "tanh")
    0.0
    """
    name = check_activation(
        name, "name", allowed=ELEMENTWISE, hint=_SOFTMAX_HINT["apply_activation_grad"]
    )
    return ACTIVATIONS[name].grad(x)
