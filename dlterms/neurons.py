r"""Single artificial neurons: a weighted sum plus a bias, passed through an activation.

A neuron (unit, node) with weight vector $w$ and bias $b$ maps an input $x$ to
$y = f(w \cdot x + b)$. The functions here compute that output and its gradients,
train the classic perceptron, and flag units whose activation has saturated. Inputs
are one example ``(d,)`` or a batch ``(n, d)``; a single example gives a scalar.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_rng,
    as_vector,
    check_bool,
    check_int,
    check_real,
    weighted_sum,
)
from dlterms.activations import (
    ELEMENTWISE,
    apply_activation,
    apply_activation_grad,
    check_activation,
)

__all__ = [
    "neuron",
    "neuron_grad",
    "perceptron_predict",
    "perceptron_train",
    "saturated_mask",
    "saturation_fraction",
]


def _check_activation(activation) -> str:
    """One unit takes the elementwise activations; softmax needs a whole layer."""
    return check_activation(
        activation,
        allowed=ELEMENTWISE,
        hint="Softmax needs several units, so it is a layer's activation.",
    )


def _unit_inputs(x, weight, bias):
    """Validate one unit's inputs: x (d,) or (n, d), weight (d,), a real bias."""
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d) or (d,)")
    weight = as_vector(weight, "weight", x.shape[-1])
    return x, weight, check_real(bias, "bias")


def neuron(x, weight, bias, *, activation="sigmoid"):
    r"""Output of one artificial neuron: an activation of the weighted sum plus bias.

    Parameters
    ----------
    x : array_like of shape (d,) or (n, d)
        Finite inputs: one example with `d` features, or a batch of `n` examples.
    weight : array_like of shape (d,)
        Finite weights, one per input feature.
    bias : float
        Finite bias $b$.
    activation : str, default="sigmoid"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        The activation $f$ applied to the weighted sum.

    Returns
    -------
    float or ndarray of shape (n,)
        $f(w \cdot x + b)$: a float for one example, one output per example for a
        batch.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, `weight` does not hold one number per feature, an
        input is empty or holds NaN or infinity, the weighted sum overflows, or
        `activation` is not one of the names above.
    TypeError
        If an input does not hold real numbers or `activation` is not a string.

    See Also
    --------
    neuron_grad : Its gradients with respect to the input, the weights and the bias.

    dense : A whole layer of neurons sharing the same input.

    apply_activation : The activations by name.

    Notes
    -----
    $$z = \sum_{k=1}^{d} w_k x_k + b = w \cdot x + b, \qquad y = f(z).$$

    $z$ is the pre-activation (weighted sum, logit), $y$ the activation. A layer of
    $m$ such units with the weight vectors as columns of $W$ is ``dense`` followed by
    $f$. Softmax is not offered: over a single unit it would always return 1.

    Examples
    --------
    Inputs $(1, 2, 3)$, weights $(0.5, -1, 0.25)$, bias $1$:
    $z = 0.5 - 2 + 0.75 + 1 = 0.25$.

    >>> neuron([1.0, 2.0, 3.0], [0.5, -1.0, 0.25], 1.0, activation="linear")
    0.25
    >>> round(neuron([1.0, 2.0, 3.0], [0.5, -1.0, 0.25], 1.0), 4)
    0.5622
    >>> neuron([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]], [0.5, -1.0, 0.25], -1.0,
    ...        activation="relu").tolist()
    [0.0, 1.0]

    A huge weighted sum saturates the sigmoid at exactly 1, without a warning:

    >>> neuron([1e300], [1.0], 0.0)
    1.0
    """
    x, weight, bias = _unit_inputs(x, weight, bias)
    activation = _check_activation(activation)
    return apply_activation(weighted_sum(x, weight, bias), activation)


def neuron_grad(x, weight, bias, *, activation="sigmoid"):
    r"""Gradients of one neuron's output with respect to its input, weights and bias.

    Parameters
    ----------
    x : array_like of shape (d,) or (n, d)
        Finite inputs: one example or a batch of `n` examples.
    weight : array_like of shape (d,)
        Finite weights, one per input feature.
    bias : float
        Finite bias $b$.
    activation : str, default="sigmoid"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        The activation $f$ of the unit.

    Returns
    -------
    grad_x : ndarray of shape (d,) or (n, d)
        $\partial y / \partial x = f'(z)\, w$ for each example.
    grad_weight : ndarray of shape (d,) or (n, d)
        $\partial y / \partial w = f'(z)\, x$ for each example.
    grad_bias : float or ndarray of shape (n,)
        $\partial y / \partial b = f'(z)$ for each example.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, `weight` does not hold one number per feature, an
        input is empty or holds NaN or infinity, the weighted sum overflows, or
        `activation` is not one of the names above.
    TypeError
        If an input does not hold real numbers or `activation` is not a string.

    See Also
    --------
    neuron : The output being differentiated.

    apply_activation_grad : The factor $f'(z)$.

    Notes
    -----
    By the chain rule through $z = w \cdot x + b$,

    $$\frac{\partial y}{\partial w_k} = f'(z)\, x_k, \qquad
      \frac{\partial y}{\partial b} = f'(z), \qquad
      \frac{\partial y}{\partial x_k} = f'(z)\, w_k.$$

    The gradients are per example. For a loss $L$ over a batch, multiply row $i$ by
    $\partial L / \partial y_i$ and sum the rows to get $\partial L / \partial w$. When
    the unit saturates, $f'(z) \approx 0$ and all three gradients vanish together.

    Examples
    --------
    For a linear unit $f'(z) = 1$, so the gradients are $w$, $x$ and 1:

    >>> g_x, g_w, g_b = neuron_grad([1.0, 2.0], [3.0, -1.0], 0.5, activation="linear")
    >>> g_x.tolist(), g_w.tolist(), g_b
    ([3.0, -1.0], [1.0, 2.0], 1.0)

    A sigmoid unit at $z = 0$ has slope $1/4$; at $z = 1000$ it is saturated:

    >>> g_x, g_w, g_b = neuron_grad([[2.0, 0.0], [500.0, 0.0]], [2.0, 4.0], -4.0)
    >>> g_w.tolist(), g_b.tolist()
    ([[0.5, 0.0], [0.0, 0.0]], [0.25, 0.0])
    """
    x, weight, bias = _unit_inputs(x, weight, bias)
    activation = _check_activation(activation)
    slope = np.asarray(apply_activation_grad(weighted_sum(x, weight, bias), activation))
    # dy/dw_k = f'(z) x_k and dy/dx_k = f'(z) w_k, one row per example
    grad_x = slope[..., None] * weight
    grad_weight = slope[..., None] * x
    return grad_x, grad_weight, float(slope) if slope.ndim == 0 else slope


def perceptron_predict(x, weight, bias):
    r"""Perceptron decision: class 1 where $w \cdot x + b > 0$, else class 0.

    Parameters
    ----------
    x : array_like of shape (d,) or (n, d)
        Finite inputs: one example or a batch of `n` examples.
    weight : array_like of shape (d,)
        Finite weights, one per feature.
    bias : float
        Finite bias $b$.

    Returns
    -------
    int or ndarray of shape (n,)
        0 or 1: an int for one example, an int64 array for a batch.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, `weight` does not hold one number per feature, an
        input is empty or holds NaN or infinity, or the weighted sum overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    perceptron_train : Learns `weight` and `bias` from labelled examples.

    neuron : The same weighted sum with a smooth activation.

    Notes
    -----
    $$\hat y = H(w \cdot x + b), \qquad H(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0.
      \end{cases}$$

    The Heaviside step $H$ is the perceptron's activation. The decision boundary
    $w \cdot x + b = 0$ is a hyperplane (a line in 2-D), and points exactly on it get
    class 0, as in scikit-learn's ``Perceptron``.

    Examples
    --------
    The AND gate with $w = (1, 1)$ and $b = -1.5$:

    >>> x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> perceptron_predict(x, [1.0, 1.0], -1.5).tolist()
    [0, 0, 0, 1]
    >>> perceptron_predict([1.0, 1.0], [1.0, 1.0], -2.0)  # on the boundary: class 0
    0
    """
    x, weight, bias = _unit_inputs(x, weight, bias)
    y_hat = (weighted_sum(x, weight, bias) > 0).astype(np.int64)
    return int(y_hat) if y_hat.ndim == 0 else y_hat


def _as_binary_labels(y, n: int) -> np.ndarray:
    """Return `y` as an int64 vector of n labels, each 0 or 1."""
    y = as_array(y, "y")
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must hold the labels 0 and 1; got dtype {y.dtype}.")
    y = as_float_array(y, "y", ndim=1, layout="(n,)")
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per row of x, shape ({n},); got {y.shape}.")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold only the labels 0 and 1; got {np.unique(y).tolist()}.")
    return y.astype(np.int64)


def perceptron_train(x, y, *, learning_rate=1.0, n_epochs=100, shuffle=False, rng=None):
    r"""Train a perceptron with Rosenblatt's rule, one example at a time.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite training inputs.
    y : array_like of shape (n,)
        Labels, each 0 or 1.
    learning_rate : float, default=1.0
        Step size $\eta > 0$.
    n_epochs : int, default=100
        The most passes over the data; training stops early after a pass with no
        mistakes.
    shuffle : bool, default=False
        Visit the examples in a new random order in every epoch; otherwise in the
        given order.
    rng : numpy.random.Generator, int or None, default=None
        Source of the shuffling (used only with ``shuffle=True``).

    Returns
    -------
    weight : ndarray of shape (d,)
        The learned weights.
    bias : float
        The learned bias.
    n_errors : ndarray of shape (n_epochs_run,)
        The number of mistakes (updates) in each epoch; a final 0 means the rule
        converged: every training example is classified correctly.

    Raises
    ------
    ValueError
        If `x` is not 2-D, `y` does not hold one label per row, a label is not 0 or 1,
        an input is empty or holds NaN or infinity, `learning_rate` is not positive,
        `n_epochs` is below 1, or a weighted sum overflows.
    TypeError
        If an input does not hold real numbers, `n_epochs` is not an int, `shuffle`
        is not a bool, or `rng` is not a Generator, an int or None.

    See Also
    --------
    perceptron_predict : Classify with the learned weights.

    neuron_grad : The gradients a smooth neuron is trained with instead.

    Notes
    -----
    Start from $w = 0$, $b = 0$. For each example $(x_i, y_i)$ in turn, predict
    $\hat y_i = H(w \cdot x_i + b)$ and update

    $$w \leftarrow w + \eta\,(y_i - \hat y_i)\, x_i, \qquad
      b \leftarrow b + \eta\,(y_i - \hat y_i),$$

    which changes nothing when the prediction is right and moves the boundary towards
    the example when it is wrong. If the classes are linearly separable the rule
    stops making mistakes after finitely many updates (Novikoff's theorem); if they
    are not, as for XOR, it never settles. Starting from zero, $\eta$ only rescales
    $w$ and $b$, so the predictions do not depend on it. The loop over examples is
    deliberate: each update depends on the previous one.

    References
    ----------
    F. Rosenblatt, "The perceptron: a probabilistic model for information storage
    and organization in the brain", Psychological Review 65(6), 1958.

    Examples
    --------
    The AND gate is linearly separable; six passes suffice:

    >>> x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    >>> w, b, n_errors = perceptron_train(x, [0, 0, 0, 1])
    >>> w.tolist(), b, n_errors.tolist()
    ([2.0, 1.0], -2.0, [1, 3, 3, 2, 1, 0])
    >>> perceptron_predict(x, w, b).tolist()
    [0, 0, 0, 1]

    XOR is not separable, so mistakes never stop:

    >>> perceptron_train(x, [0, 1, 1, 0], n_epochs=5)[2].tolist()
    [2, 3, 4, 4, 4]
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    y = _as_binary_labels(y, x.shape[0])
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    check_bool(shuffle, "shuffle")
    generator = as_rng(rng)
    weight, bias, n_errors = np.zeros(x.shape[1]), 0.0, []
    for _ in range(n_epochs):
        order = generator.permutation(len(y)) if shuffle else range(len(y))
        mistakes = 0
        for i in order:  # sequential on purpose: each step sees the previous update
            y_hat = int(weighted_sum(x[i], weight, bias) > 0)
            # w <- w + eta (y - y_hat) x,  b <- b + eta (y - y_hat)
            step = learning_rate * (y[i] - y_hat)
            if step:
                weight = weight + step * x[i]
                bias += step
                mistakes += 1
        n_errors.append(mistakes)
        if mistakes == 0:
            break
    _check_finite_parameters(weight, bias)
    return weight, float(bias), np.array(n_errors, dtype=np.int64)


def _check_finite_parameters(weight, bias) -> None:
    if not (np.all(np.isfinite(weight)) and np.isfinite(bias)):
        raise ValueError(
            "the perceptron's weights must stay within float64; got an overflow during "
            "training. Rescale x or lower n_epochs."
        )


def saturated_mask(z, *, activation="sigmoid", threshold=0.01):
    r"""Saturated neurons: the units where the activation's slope $f'(z)$ is below `threshold`.

    Parameters
    ----------
    z : float or array_like
        Finite pre-activations (weighted sums) of any shape, e.g. ``(n, units)``.
    activation : str, default="sigmoid"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        The units' activation $f$.
    threshold : float, default=0.01
        A unit counts as saturated where $f'(z) <$ `threshold`; must be positive.

    Returns
    -------
    bool or ndarray of bool
        True where the unit is saturated, with the shape of `z`.

    Raises
    ------
    ValueError
        If `z` is empty or holds NaN or infinity, `threshold` is not positive, or
        `activation` is not one of the names above.
    TypeError
        If `z` does not hold real numbers, `threshold` is not a real number or
        `activation` is not a string.

    See Also
    --------
    saturation_fraction : The share of saturated units.

    apply_activation_grad : The slope $f'(z)$ being compared.

    Notes
    -----
    $$\text{saturated}(z) = \bigl[f'(z) < \tau\bigr].$$

    There the output barely moves when the input changes, and backpropagation
    multiplies the gradient by this small slope. With $\tau = 0.01$ a sigmoid unit
    saturates for $|z| > 4.59$ and a tanh unit for $|z| > 2.99$, on both sides. ReLU
    never saturates on its positive side (slope 1) but is flat, hence saturated, for
    $z \le 0$; Leaky ReLU with slope $a \ge \tau$ and the linear unit never saturate.

    Examples
    --------
    >>> z = [-10.0, -1.0, 0.0, 1.0, 10.0]
    >>> saturated_mask(z).tolist()
    [True, False, False, False, True]
    >>> saturated_mask(z, activation="tanh").tolist()
    [True, False, False, False, True]
    >>> saturated_mask(z, activation="relu").tolist()
    [True, True, True, False, False]
    >>> saturated_mask(1e308, activation="leaky_relu")
    False
    """
    z = as_float_array(z, "z")
    activation = _check_activation(activation)
    threshold = check_real(threshold, "threshold", low=0.0, closed="neither")
    mask = np.asarray(apply_activation_grad(z, activation)) < threshold
    return bool(mask) if mask.ndim == 0 else mask


def saturation_fraction(z, *, activation="sigmoid", threshold=0.01):
    r"""Fraction of saturated neurons: units whose activation slope $f'(z)$ is below `threshold`.

    Parameters
    ----------
    z : float or array_like
        Finite pre-activations of any shape, e.g. a layer's ``(n, units)`` batch.
    activation : str, default="sigmoid"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        The units' activation $f$.
    threshold : float, default=0.01
        A unit counts as saturated where $f'(z) <$ `threshold`; must be positive.

    Returns
    -------
    float
        The share of saturated entries, in $[0, 1]$.

    Raises
    ------
    ValueError
        If `z` is empty or holds NaN or infinity, `threshold` is not positive, or
        `activation` is not one of the names above.
    TypeError
        If `z` does not hold real numbers, `threshold` is not a real number or
        `activation` is not a string.

    See Also
    --------
    saturated_mask : Which entries are saturated.

    Notes
    -----
    $$\frac{1}{N} \sum_{i=1}^{N} \bigl[f'(z_i) < \tau\bigr].$$

    A rising fraction during training is a warning sign for vanishing gradients:
    pre-activations have grown too large, for instance from a large initial weight
    scale or unnormalised inputs.

    Examples
    --------
    Pre-activations spread over $[-8, 8]$ saturate a sigmoid at the two ends:

    >>> z = np.linspace(-8.0, 8.0, 5)  # -8, -4, 0, 4, 8
    >>> saturation_fraction(z)
    0.4
    >>> saturation_fraction(10 * z, activation="tanh")
    0.8
    >>> saturation_fraction([1e308, -1e308], activation="relu")
    0.5
    """
    return float(np.mean(saturated_mask(z, activation=activation, threshold=threshold)))
