"""Activation functions and their derivatives: sigmoid, tanh, ReLU, Leaky ReLU, linear, softmax.

Every function is elementwise or works along one axis, accepts any array-like,
never mutates its input and returns a Python float for a scalar input.
:func:`apply_activation` and :func:`apply_activation_grad` pick one of them by name,
as ``activation="relu"`` does in Keras.
"""

from __future__ import annotations

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
    "leaky_relu",
    "leaky_relu_grad",
    "linear",
    "linear_grad",
    "log_softmax",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jvp",
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
    "leaky_relu": Activation(leaky_relu, leaky_relu_grad),
    "linear": Activation(linear, linear_grad),
    "relu": Activation(relu, relu_grad),
    "sigmoid": Activation(sigmoid, sigmoid_grad),
    "softmax": Activation(softmax, None),
    "tanh": Activation(tanh, tanh_grad),
}
#: The activations that act on each number alone (all but softmax).
ELEMENTWISE = tuple(name for name, row in ACTIVATIONS.items() if row.grad is not None)

_SOFTMAX_HINT = {
    "apply_activation_grad": "Use softmax_jvp for softmax, whose derivative is a Jacobian.",
    "unit": "Softmax needs several units, so it is a layer's activation.",
}


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
    name : {"leaky_relu", "linear", "relu", "sigmoid", "softmax", "tanh"}
        Which activation, spelled as in Keras's ``activation=`` argument.

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

    sigmoid, tanh, relu, leaky_relu, linear, softmax : The functions it calls, with
        their default options.

    Notes
    -----
    A unit computes $y = f(z)$ from its weighted sum $z = w \cdot x + b$; this picks
    $f$ by name, as a layer's configuration does:

    $$f \in \{\sigma,\ \tanh,\ \mathrm{ReLU},\ \mathrm{LeakyReLU}_{0.01},\
      \mathrm{id},\ \mathrm{softmax}\}.$$

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
    name : {"leaky_relu", "linear", "relu", "sigmoid", "tanh"}
        Which activation. Softmax is refused: its derivative is a Jacobian.

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
