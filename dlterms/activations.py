"""Activation functions and their derivatives: sigmoid, ReLU, softmax.

Every function is elementwise or works along one axis, accepts any array-like,
never mutates its input and returns a Python float for a scalar input.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_float_array, check_axis, check_same_shape, scalar_or_array

__all__ = [
    "log_softmax",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jvp",
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
    t = np.exp(-np.abs(x))
    return scalar_or_array(np.where(x >= 0, 1 / (1 + t), t / (1 + t)))


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
        shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


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
    underflowed to 0, e.g. for $e^{-999}$. Outputs below $-1.8 \times 10^{308}$ are not
    representable and become ``-inf``.

    Examples
    --------
    >>> log_softmax([0.0, 0.0]).round(4).tolist()
    [-0.6931, -0.6931]

    The gap of 999 survives, where ``np.log(softmax(z))`` would give ``-inf``:

    >>> log_softmax([1000.0, 1.0]).tolist()
    [0.0, -999.0]
    """
    z = as_float_array(z, "z", min_ndim=1)
    axis = check_axis(axis, z.ndim)
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
