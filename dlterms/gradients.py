r"""Gradient health and fitting: initialisation, clipping, depth, gradient checks, early stopping.

Backpropagation multiplies one factor per layer into every gradient, so the scale of
the initial weights and the slope of the activation decide whether gradients vanish,
explode or pass through a deep network intact. :func:`xavier_init` and :func:`he_init`
draw weights at the scale that keeps them intact; :func:`gradient_norms_through_depth`
measures what happens otherwise; :func:`clip_by_value` and :func:`clip_by_norm` cap a
gradient that has grown too large; :func:`backprop_check` compares the gradients of
:func:`dlterms.networks.mlp_backward` with finite differences.

The second half is about fitting: :func:`polynomial_predict` and
:func:`polynomial_fit_errors` fit polynomials of growing degree to show underfitting
and overfitting, and :func:`early_stopping` applies the patience rule of Keras'
``EarlyStopping`` callback to a validation curve. Weights are stored ``(fan_in,
fan_out)``, as in :func:`dlterms.layers.dense`.
"""

from __future__ import annotations

import contextlib
import math
import numbers

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_real,
    check_same_shape,
    mean_of_squares,
    scalar_or_array,
    scaled_difference,
)
from dlterms.activations import (
    ELEMENTWISE,
    apply_activation,
    apply_activation_grad,
    check_activation,
)
from dlterms.losses import (
    cross_entropy,
    cross_entropy_grad,
    mean_squared_error,
    mean_squared_error_grad,
)
from dlterms.networks import mlp_backward, mlp_forward

__all__ = [
    "backprop_check",
    "clip_by_norm",
    "clip_by_value",
    "early_stopping",
    "gradient_norms_through_depth",
    "he_init",
    "polynomial_fit_errors",
    "polynomial_predict",
    "xavier_init",
]

_INITS = ("he", "xavier", None)


def _cross_entropy(y, logits):
    return cross_entropy(logits, y)


def _cross_entropy_grad(y, logits):
    return cross_entropy_grad(logits, y)


# loss(y, output) and its gradient with respect to the output, by name
_LOSSES = {
    "mse": (mean_squared_error, mean_squared_error_grad),
    "cross_entropy": (_cross_entropy, _cross_entropy_grad),
}


# --------------------------------------------------------------------------- helpers


def _norm(arrays) -> float:
    r"""Euclidean norm of all the entries of `arrays` together, without overflow.

    Dividing by the largest magnitude $m$ first keeps every square at most 1, so the
    sum cannot overflow; the result is $m \sqrt{\sum (a/m)^2}$, which becomes ``inf``
    only when the true norm exceeds the float range.
    """
    m = max(float(np.max(np.abs(a))) for a in arrays)
    if m == 0.0:
        return 0.0
    s = sum(float(np.sum(np.square(a / m))) for a in arrays)
    return m * math.sqrt(s)  # Python float arithmetic: inf on overflow, no warning


# --------------------------------------------------------------------------- initialisation


def _fans(fan_in, fan_out) -> tuple[int, int]:
    return check_int(fan_in, "fan_in", minimum=1), check_int(fan_out, "fan_out", minimum=1)


def _draw(std: float, shape, uniform: bool, rng) -> np.ndarray:
    """Zero-mean weights with standard deviation `std`, Gaussian or uniform."""
    generator = as_rng(rng)
    if uniform:
        # U(-a, a) has variance a^2 / 3, so a = sqrt(3) * std
        bound = math.sqrt(3.0) * std
        return generator.uniform(-bound, bound, size=shape)
    return generator.normal(0.0, std, size=shape)


def xavier_init(fan_in, fan_out, *, uniform=False, gain=1.0, rng=None):
    r"""Weight initialization by Xavier (Glorot): variance $2 / (n_\text{in} + n_\text{out})$.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer, $n_\text{in} \ge 1$.
    fan_out : int
        Number of outputs (units) of the layer, $n_\text{out} \ge 1$.
    uniform : bool, default=False
        Draw from a uniform distribution on $[-a, a]$ instead of a Gaussian.
    gain : float, default=1.0
        Factor on the standard deviation, $g > 0$, e.g. $5/3$ for tanh as in
        ``torch.nn.init.calculate_gain``.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weight matrix, stored as :func:`dlterms.layers.dense` expects it.

    Raises
    ------
    ValueError
        If a fan is below 1 or `gain` is not a positive finite number.
    TypeError
        If a fan is not an int, `uniform` is not a bool, `gain` is not a number, or
        `rng` is not a Generator, an int or None.

    See Also
    --------
    he_init : The variant for ReLU layers.

    init_mlp : Initialises a whole network with this scale.

    gradient_norms_through_depth : What the scale does to the gradients of a deep network.

    Notes
    -----
    $$\operatorname{Var}(W_{ij}) = g^2\,\frac{2}{n_\text{in} + n_\text{out}}, \qquad
      W_{ij} \sim \mathcal{N}\bigl(0, \sigma^2\bigr) \ \text{or} \
      \mathcal{U}(-a, a),\ a = g\sqrt{\frac{6}{n_\text{in} + n_\text{out}}}.$$

    A unit's weighted sum adds $n_\text{in}$ terms, so its variance is $n_\text{in}
    \operatorname{Var}(W)$ times that of the inputs; on the way back the gradient adds
    $n_\text{out}$ terms. Glorot and Bengio keep both ratios near 1 by taking the
    harmonic compromise $2/(n_\text{in} + n_\text{out})$, right for units that are linear
    near 0 such as tanh. The values match ``torch.nn.init.xavier_normal_`` and
    ``xavier_uniform_``; Keras' ``GlorotNormal`` draws from a truncated Gaussian instead.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS (2010).

    Examples
    --------
    A 2-to-3 layer: $\sigma = \sqrt{2/5} \approx 0.632$ and $a = \sqrt{6/5} \approx 1.095$.

    >>> w = xavier_init(2, 3, rng=0)
    >>> w.shape
    (2, 3)
    >>> w = xavier_init(2, 3, uniform=True, rng=0)
    >>> bool(np.all(np.abs(w) <= np.sqrt(6 / 5)))
    True

    Over many draws the variance matches the formula, $2/(400 + 400) = 0.0025$:

    >>> round(float(xavier_init(400, 400, rng=0).var()), 4)
    0.0025
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    uniform = check_bool(uniform, "uniform")
    gain = check_real(gain, "gain", low=0.0, closed="right")
    # sigma = g * sqrt(2 / (n_in + n_out))
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _draw(std, (fan_in, fan_out), uniform, rng)


def he_init(fan_in, fan_out, *, uniform=False, rng=None):
    r"""Weight initialization by He (Kaiming) for ReLU layers: variance $2 / n_\text{in}$.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer, $n_\text{in} \ge 1$.
    fan_out : int
        Number of outputs (units) of the layer, $n_\text{out} \ge 1$.
    uniform : bool, default=False
        Draw from a uniform distribution on $[-a, a]$ instead of a Gaussian.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weight matrix, stored as :func:`dlterms.layers.dense` expects it.

    Raises
    ------
    ValueError
        If a fan is below 1.
    TypeError
        If a fan is not an int, `uniform` is not a bool, or `rng` is not a Generator,
        an int or None.

    See Also
    --------
    xavier_init : The variant for tanh and sigmoid layers.

    init_mlp : Initialises a whole network with this scale (``scheme="he"``).

    Notes
    -----
    $$\operatorname{Var}(W_{ij}) = \frac{2}{n_\text{in}}, \qquad
      W_{ij} \sim \mathcal{N}\bigl(0, \sigma^2\bigr) \ \text{or} \
      \mathcal{U}(-a, a),\ a = \sqrt{\frac{6}{n_\text{in}}}.$$

    A ReLU zeroes about half of its inputs, which halves the second moment passed on to
    the next layer. Doubling the $1/n_\text{in}$ variance makes up for that loss, so
    the activations and gradients of a deep ReLU network keep their scale. The values
    match ``torch.nn.init.kaiming_normal_`` and ``kaiming_uniform_`` with their
    ReLU defaults (``mode="fan_in"``, gain $\sqrt 2$); Keras' ``HeNormal`` truncates the
    Gaussian.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers: surpassing
    human-level performance on ImageNet classification", ICCV (2015).

    Examples
    --------
    With 8 inputs, $\sigma = \sqrt{2/8} = 0.5$ and $a = \sqrt{6/8} \approx 0.866$:

    >>> he_init(8, 4, rng=0).shape
    (8, 4)
    >>> bool(np.all(np.abs(he_init(8, 4, uniform=True, rng=0)) <= np.sqrt(6 / 8)))
    True
    >>> round(float(he_init(800, 400, rng=0).var()), 4)  # 2 / 800
    0.0025
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    uniform = check_bool(uniform, "uniform")
    # sigma = sqrt(2 / n_in)
    return _draw(math.sqrt(2.0 / fan_in), (fan_in, fan_out), uniform, rng)


# --------------------------------------------------------------------------- gradient clipping


def clip_by_value(grad, clip_value):
    r"""Gradient clipping by value: clip every component of a gradient into $[-c, c]$.

    Parameters
    ----------
    grad : float or array_like
        Finite gradient of any shape.
    clip_value : float
        The threshold $c > 0$.

    Returns
    -------
    float or ndarray
        $\min(\max(g, -c), c)$ elementwise, with the shape of `grad`; a new array.

    Raises
    ------
    ValueError
        If `grad` is empty or not finite, or `clip_value` is not a positive finite
        number.
    TypeError
        If `grad` does not hold real numbers or `clip_value` is not a number.

    See Also
    --------
    clip_by_norm : Rescales the whole gradient instead, keeping its direction.

    Notes
    -----
    $$\operatorname{clip}(g_i) = \min\bigl(\max(g_i, -c),\ c\bigr).$$

    Each component is capped on its own, so a gradient with one huge and one small
    component comes out pointing in a different direction. That is the usual argument
    for :func:`clip_by_norm`. The result equals ``torch.nn.utils.clip_grad_value_``,
    which clips in place, and Keras' ``clipvalue`` optimizer option.

    Examples
    --------
    >>> clip_by_value([3.0, -0.5, -4.0], 1.0).tolist()
    [1.0, -0.5, -1.0]

    The direction changes: $(3, 4)$ points along $(0.6, 0.8)$, but $(1, 1)$ does not.

    >>> clip_by_value([3.0, 4.0], 1.0).tolist()
    [1.0, 1.0]
    >>> clip_by_value(-1e308, 0.5)
    -0.5
    """
    grad = as_float_array(grad, "grad")
    c = check_real(clip_value, "clip_value", low=0.0, closed="right")
    return scalar_or_array(np.clip(grad, -c, c))


def clip_by_norm(grads, max_norm):
    r"""Exploding gradient guard: rescale gradients whose joint norm exceeds `max_norm`.

    Parameters
    ----------
    grads : array_like, or list of array_like
        One gradient array, or several (e.g. one per layer) that are clipped together
        by their global norm, as ``torch.nn.utils.clip_grad_norm_`` does.
    max_norm : float
        The largest norm allowed, $c > 0$.

    Returns
    -------
    clipped : float or ndarray, or list of ndarray
        The gradient(s) times $\min(1, c / \lVert g \rVert)$, in the form of `grads`:
        one array for one array, a list for a list. Always new arrays.
    total_norm : float
        $\lVert g \rVert$ before clipping, over every entry of every array.

    Raises
    ------
    ValueError
        If `grads` is an empty list, an array is empty, ragged or not finite, or
        `max_norm` is not a positive finite number.
    TypeError
        If an array does not hold real numbers or `max_norm` is not a number.

    See Also
    --------
    clip_by_value : Clips each component separately.

    gradient_norms_through_depth : Shows how gradients grow large in deep networks.

    Notes
    -----
    $$\lVert g \rVert = \sqrt{\textstyle\sum_k \lVert g_k \rVert_2^2}, \qquad
      g_k \leftarrow g_k \cdot \min\Bigl(1, \frac{c}{\lVert g \rVert}\Bigr).$$

    Every array is scaled by the same factor, so the update keeps its direction and
    only its length is capped at $c$; gradients that are already short pass unchanged.
    The norm is computed after dividing by the largest magnitude, so gradients near
    $10^{308}$ neither overflow nor lose their direction. PyTorch divides by
    $\lVert g \rVert + 10^{-6}$, which differs from this exact form by about
    $10^{-6}/\lVert g \rVert$ relatively; ``tf.clip_by_global_norm`` returns the same pair.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
    neural networks", ICML (2013).

    Examples
    --------
    $\lVert (6, 8) \rVert = 10$, so with $c = 5$ the gradient is halved:

    >>> clipped, norm = clip_by_norm(np.array([6.0, 8.0]), 5.0)
    >>> clipped.tolist(), norm
    ([3.0, 4.0], 10.0)

    Two layers share one norm, $\sqrt{3^2 + 4^2} = 5$, so with $c = 2.5$ both are
    halved; with $c = 10$ nothing changes:

    >>> clipped, norm = clip_by_norm([np.array([3.0]), np.array([[4.0]])], 2.5)
    >>> [g.tolist() for g in clipped], norm
    ([[1.5], [[2.0]]], 5.0)
    >>> clip_by_norm(np.array([3.0, 4.0]), 10.0)[0].tolist()
    [3.0, 4.0]

    Huge gradients keep their direction:

    >>> clip_by_norm(np.array([1e308, 1e308]), 1.0)[0].round(4).tolist()
    [0.7071, 0.7071]
    """
    single = not isinstance(grads, list | tuple)
    items = [grads] if single else list(grads)
    if not items:
        raise ValueError("grads must hold at least one array; got an empty list.")
    arrays = [as_float_array(g, "grads" if single else f"grads[{i}]") for i, g in enumerate(items)]
    c = check_real(max_norm, "max_norm", low=0.0, closed="right")
    total = _norm(arrays)
    if total <= c:
        clipped = [a.copy() for a in arrays]
    else:
        # g * c / ||g||, computed as (g / m) * (c / ||g / m||) so that nothing overflows
        m = max(float(np.max(np.abs(a))) for a in arrays)
        factor = c / _norm([a / m for a in arrays])
        clipped = [(a / m) * factor for a in arrays]
    if single:
        return scalar_or_array(clipped[0]), total
    return clipped, total


# --------------------------------------------------------------------------- depth


def gradient_norms_through_depth(
    depth,
    width,
    *,
    activation="sigmoid",
    weight_scale=1.0,
    init="xavier",
    n_examples=32,
    rng=None,
):
    r"""Exploding gradient check: the gradient's size at every layer of a deep random network.

    Parameters
    ----------
    depth : int
        Number of dense layers $L \ge 1$, each followed by the activation.
    width : int
        Units per layer (and input features), $d \ge 1$.
    activation : str, default="sigmoid"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        Activation after every layer.
    weight_scale : float, default=1.0
        Factor $s > 0$ on the standard deviation of the weights.
    init : {"xavier", "he", None}, default="xavier"
        Base scale of the Gaussian weights: :func:`xavier_init`, :func:`he_init`, or
        None for a standard deviation of exactly `weight_scale`.
    n_examples : int, default=32
        Random inputs $x \sim \mathcal{N}(0, I)$ pushed through the network.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed. The weights are drawn first, layer by layer,
        then the inputs, then the gradient at the top.

    Returns
    -------
    ndarray of shape (depth,)
        $\lVert \partial \ell / \partial z^{(l)} \rVert$ for $l = 1, \dots, L$: the
        root mean square over examples of each example's gradient norm at layer $l$'s
        weighted sum, which is also that layer's bias gradient. Index 0 is the layer
        next to the input.

    Raises
    ------
    ValueError
        If `depth`, `width` or `n_examples` is below 1, `weight_scale` is not a
        positive finite number, an option is unknown, or the activations or gradients
        overflow float64 (lower `weight_scale` or `depth`).
    TypeError
        If an option has the wrong type.

    See Also
    --------
    mlp_backward : The same backward pass for a network with an output layer.

    xavier_init, he_init : The scales that keep the norms level.

    clip_by_norm : A remedy for gradients that have grown too large.

    Notes
    -----
    Backpropagation passes the gradient down one layer with

    $$\delta^{(l)} = \bigl(\delta^{(l+1)}\, W^{(l+1)\top}\bigr) \odot \varphi'(z^{(l)}),
      \qquad \delta^{(L)} = g \odot \varphi'(z^{(L)}),$$

    where $g \sim \mathcal{N}(0, I)$ stands for the loss gradient arriving at the top.
    Each step multiplies its size by roughly $s\,\sigma_0 \sqrt{d}\,
    \sqrt{\mathbb{E}[\varphi'(z)^2]}$, with $\sigma_0$ the base standard deviation, so
    over $L$ layers the size changes geometrically. The sigmoid's slope is at most
    $1/4$, so with Xavier weights each layer shrinks the gradient about fourfold and it
    vanishes; ReLU with He weights has a factor near 1 and stays level; multiplying
    the weights by $s = 2$ doubles the factor and the gradient explodes. Biases are 0.
    The network is random, so the result is one sample and varies with the seed.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS (2010).

    Examples
    --------
    Ten sigmoid layers shrink the gradient by about $4^{9} \approx 2.6 \cdot 10^5$
    from the top to the bottom; ten ReLU layers with He weights keep it level, and
    twice those weights make it grow about $2^9 = 512$-fold towards the input:

    >>> norms = gradient_norms_through_depth(10, 64, activation="sigmoid", rng=0)
    >>> norms.shape, bool(norms[-1] / norms[0] > 1e4)
    ((10,), True)
    >>> norms = gradient_norms_through_depth(10, 64, activation="relu", init="he", rng=0)
    >>> bool(0.25 < norms[0] / norms[-1] < 4)
    True
    >>> norms = gradient_norms_through_depth(
    ...     10, 64, activation="relu", init="he", weight_scale=2.0, rng=0)
    >>> bool(norms[0] / norms[-1] > 100)
    True
    """
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    n_examples = check_int(n_examples, "n_examples", minimum=1)
    activation = check_activation(activation, allowed=ELEMENTWISE)
    scale = check_real(weight_scale, "weight_scale", low=0.0, closed="right")
    init = check_choice(init, "init", _INITS)
    generator = as_rng(rng)
    base = {"xavier": xavier_init, "he": he_init}.get(init)
    weights = [
        scale * (base(width, width, rng=generator) if base else generator.normal(size=(width,) * 2))
        for _ in range(depth)
    ]
    h = generator.normal(size=(n_examples, width))
    g = generator.normal(size=(n_examples, width))
    zs = []
    for layer, weight in enumerate(weights, start=1):
        # huge scales can overflow the sums; that is reported just below, not warned
        with np.errstate(over="ignore", invalid="ignore"):
            zs.append(h @ weight)  # z_l = h_{l-1} W_l
        _check_overflow(zs[-1], f"the weighted sums of layer {layer}", scale, depth)
        h = apply_activation(zs[-1], activation)
    norms = np.empty(depth)
    delta = g
    for layer in range(depth - 1, -1, -1):
        with np.errstate(over="ignore", invalid="ignore"):  # as above
            # delta_l = (delta_{l+1} W_{l+1}^T) * phi'(z_l); `delta` arrives already multiplied
            delta = delta * apply_activation_grad(zs[layer], activation)
            _check_overflow(delta, f"the gradient at layer {layer + 1}", scale, depth)
            # root mean square of the examples' norms: ||delta||_F / sqrt(n)
            norms[layer] = _norm([delta]) / math.sqrt(n_examples)
            delta = delta @ weights[layer].T
    return norms


def _check_overflow(array: np.ndarray, what: str, scale: float, depth: int) -> None:
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{what} overflowed float64 with weight_scale={scale:g} and depth={depth}; "
            "lower one of them."
        )


# --------------------------------------------------------------------------- gradient check


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||), and 0 when both are exactly 0."""
    denominator = _norm([analytic]) + _norm([numeric])
    return 0.0 if denominator == 0.0 else _norm([analytic - numeric]) / denominator


_NETWORK_OVERFLOWS = (
    "the network's outputs, loss or gradients overflow float64 at these inputs, so "
    "backprop_check cannot compare them; rescale x or the parameters."
)


@contextlib.contextmanager
def _overflow_as_network_error():
    """The network functions refuse results beyond float64; say it as this check's error."""
    try:
        yield
    except ValueError as error:
        if "overflows float64" not in str(error):
            raise
        raise ValueError(_NETWORK_OVERFLOWS) from error


def backprop_check(x, y, params, *, loss="mse", activation="relu", h=1e-6):
    r"""Backpropagation check: largest relative error against finite-difference gradients.

    Parameters
    ----------
    x : array_like of shape (n, d_0) or (d_0,)
        Finite inputs; 2-D for ``loss="cross_entropy"``.
    y : array_like
        Targets: the shape of the network's output for ``"mse"``; class indices
        ``(n,)`` or class probabilities ``(n, k)`` for ``"cross_entropy"``.
    params : list of (array_like, array_like or None)
        The network's ``(weight, bias)`` pairs, as for :func:`mlp_forward`. They are
        not modified.
    loss : {"mse", "cross_entropy"}, default="mse"
        Mean squared error of the raw outputs, or softmax cross-entropy of them as
        logits.
    activation : str, default="relu"
        Hidden activation, any name :func:`mlp_forward` takes; the output layer is linear.
    h : float, default=1e-6
        Finite-difference step, $0 < h \le 1$; parameters larger than 1 in magnitude
        are perturbed by $h |\theta_j|$ instead, so that the step is never lost to
        rounding.

    Returns
    -------
    float
        $\max_k \lVert a_k - n_k \rVert / (\lVert a_k \rVert + \lVert n_k \rVert)$ over
        the parameter arrays $k$ (every weight matrix and bias vector), where $a_k$
        comes from :func:`mlp_backward` and $n_k$ from central differences; 0 for an
        array whose two gradients are both exactly 0. Below about $10^{-7}$ means the
        gradients agree.

    Raises
    ------
    ValueError
        As for :func:`mlp_forward`; or if `y` does not fit the loss, `x` is 1-D with
        ``loss="cross_entropy"``, an option is unknown, or `h` is not in $(0, 1]$; or
        if the loss or a gradient overflows float64 at these inputs (a network whose
        sums exceed about 1.8e+308 cannot be checked).
    TypeError
        As for :func:`mlp_forward`, or if `h` is not a number.

    See Also
    --------
    mlp_backward : The backpropagation being checked.

    mlp_forward : The forward pass that the finite differences perturb.

    Notes
    -----
    For every parameter $\theta_j$, the central difference

    $$n_j = \frac{\ell(\theta + h e_j) - \ell(\theta - h e_j)}{2h}
      = \frac{\partial \ell}{\partial \theta_j} + O(h^2)$$

    needs two forward passes, so the check costs $2P$ passes for $P$ parameters and
    suits small networks only; backpropagation gets all $P$ derivatives from one
    backward pass. With $h = 10^{-6}$ the truncation error ($\sim h^2$) and the rounding
    error ($\sim 10^{-16}/h$) are both around $10^{-10}$. The error is measured per
    array rather than per entry, so entries that are 0 in theory and $10^{-11}$ in
    floating point do not raise false alarms. Points where a ReLU input is within $h$
    of 0 are kinks and can disagree legitimately.

    Examples
    --------
    >>> from dlterms import init_mlp
    >>> params = init_mlp([2, 3, 1], rng=0)
    >>> x, y = [[1.0, -2.0], [0.5, 0.25]], [[1.0], [0.0]]
    >>> bool(backprop_check(x, y, params, activation="sigmoid") < 1e-7)
    True
    >>> bool(backprop_check(x, [0, 1], init_mlp([2, 4, 2], rng=1), loss="cross_entropy") < 1e-7)
    True

    A large step makes the finite differences themselves inaccurate:

    >>> bool(backprop_check(x, y, params, activation="sigmoid", h=0.5) > 1e-4)
    True
    """
    loss_fn, loss_grad = _LOSSES[check_choice(loss, "loss", tuple(_LOSSES))]
    step = check_real(h, "h", low=0.0, high=1.0, closed="right")
    # validates x, params and activation; an overflow is reported below, not warned
    with np.errstate(over="ignore", invalid="ignore"), _overflow_as_network_error():
        out = mlp_forward(x, params, activation=activation)
    if not np.all(np.isfinite(out)):
        raise ValueError(_NETWORK_OVERFLOWS)
    x = as_float_array(x, "x")
    # float copies to perturb, one entry at a time; the caller's arrays are left alone
    work = [
        (np.array(w, dtype=float), np.zeros(np.shape(w)[1]) if b is None else np.array(b, float))
        for w, b in params
    ]
    if loss == "mse":
        y = as_float_array(y, "y")
        check_same_shape(out, y, "the network output", "y")
    elif out.ndim != 2:
        raise ValueError(
            f"loss='cross_entropy' needs a batch, x of shape (n, d_0); got shape {x.shape}."
        )

    def total(ps):
        return loss_fn(y, mlp_forward(x, ps, activation=activation))

    # near the float range the network's sums can overflow; reported just below
    with np.errstate(over="ignore", invalid="ignore"), _overflow_as_network_error():
        worst = _worst_relative_error(work, x, y, out, total, loss_grad, activation, step)
    if not math.isfinite(worst):
        raise ValueError(_NETWORK_OVERFLOWS)
    return worst


def _worst_relative_error(work, x, y, out, total, loss_grad, activation, step):
    """The largest relative error between backprop and central differences."""
    _, grads = mlp_backward(x, work, loss_grad(y, out), activation=activation)
    worst = 0.0
    for pair, analytic_pair in zip(work, grads, strict=True):
        for array, analytic in zip(pair, analytic_pair, strict=True):
            numeric = np.empty_like(array)
            for index in np.ndindex(array.shape):  # one parameter at a time
                original = array[index]
                # a step of h, or h |theta_j| for large parameters, so it never rounds away
                plus = original + step * max(1.0, abs(original))
                minus = original - step * max(1.0, abs(original))
                array[index] = plus
                loss_plus = total(work)
                array[index] = minus
                loss_minus = total(work)
                array[index] = original
                # n_j = (l(theta + h e_j) - l(theta - h e_j)) / (2h), with the real step
                numeric[index] = (loss_plus - loss_minus) / (plus - minus)
            error = _relative_error(analytic, numeric)
            worst = math.inf if math.isnan(error) else max(worst, error)
    return worst


# --------------------------------------------------------------------------- fitting


def early_stopping(val_losses, *, patience, min_delta=0.0):
    r"""When patience-based early stopping halts training, and which epoch was best.

    Parameters
    ----------
    val_losses : array_like of shape (n_epochs,)
        Finite validation loss after each epoch, epoch 0 first.
    patience : int
        Epochs without improvement to wait before stopping, at least 1.
    min_delta : float, default=0.0
        An epoch improves only if its loss is more than `min_delta` below the best
        so far; $\ge 0$.

    Returns
    -------
    stop_epoch : int
        The last epoch that is run (0-based). When patience never runs out this is the
        final epoch, ``len(val_losses) - 1``: training simply ends.
    best_epoch : int
        The last epoch that improved on the best loss, whose weights early stopping
        keeps (Keras' ``restore_best_weights=True``).

    Raises
    ------
    ValueError
        If `val_losses` is not 1-D, is empty or holds NaN or infinity, `patience` is
        below 1 or `min_delta` is negative or not finite.
    TypeError
        If `val_losses` does not hold real numbers, `patience` is not an int or
        `min_delta` is not a number.

    See Also
    --------
    polynomial_fit_errors : The other face of overfitting: error against model size.

    Notes
    -----
    Epoch 0 sets the best loss $b$. Epoch $e$ improves if $v_e < b - \delta$; then
    $b \leftarrow v_e$ and the epoch becomes the best one. Training stops at the first
    epoch with

    $$e - e_\text{best} \ge \text{patience},$$

    that is after `patience` epochs in a row without improvement. This is the rule of
    ``keras.callbacks.EarlyStopping(monitor="val_loss", patience=p, min_delta=delta)``
    with epochs counted from 0. With ``min_delta > 0`` the best epoch need not be the
    argmin: a slightly lower loss that does not beat $b$ by $\delta$ is not counted.
    The comparison is done as $b - v_e > \delta$ in Python floats, which cannot overflow
    into a warning.

    Examples
    --------
    The loss bottoms out at epoch 2; with a patience of 3 epochs 3, 4 and 5 bring no
    improvement, so training stops after epoch 5:

    >>> early_stopping([1.0, 0.8, 0.7, 0.72, 0.71, 0.75, 0.9], patience=3)
    (5, 2)

    With ``min_delta=0.15`` the drop from 0.8 to 0.7 is too small to count:

    >>> early_stopping([1.0, 0.8, 0.7, 0.72, 0.71, 0.75, 0.9], patience=3, min_delta=0.15)
    (4, 1)
    >>> early_stopping([3.0, 2.0, 1.0], patience=2)  # never stops
    (2, 2)
    """
    losses = as_float_array(val_losses, "val_losses", ndim=1, layout="(n_epochs,)")
    patience = check_int(patience, "patience", minimum=1)
    delta = check_real(min_delta, "min_delta", low=0.0)
    best, best_epoch = math.inf, 0
    for epoch, loss in enumerate(losses.tolist()):
        if best - loss > delta:  # v_e < b - delta: an improvement
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return len(losses) - 1, best_epoch


def _polynomial_inputs(x_train, y_train):
    x = as_float_array(x_train, "x_train", ndim=1, layout="(n,)")
    y = as_float_array(y_train, "y_train", ndim=1, layout="(n,)")
    check_same_shape(x, y, "x_train", "y_train")
    return x, y


def _check_degree(degree, name: str, n_distinct: int) -> int:
    degree = check_int(degree, name, minimum=0)
    if degree >= n_distinct:
        raise ValueError(
            f"{name} must be below the number of distinct x_train values, {n_distinct}, "
            f"for the least-squares fit to be determined; got {degree}."
        )
    return degree


def _fit_and_predict(x, y, degree, x_new):
    """Least-squares polynomial of `degree` through (x, y) at x_new, as ``(f, e)``.

    The fitted values are ``f * 2**e``: the fit is made to y divided by a power of two
    near its largest magnitude (exact), so no step of it overflows for finite y.
    """
    lo, hi = float(x.min()), float(x.max())
    # map [lo, hi] onto [-1, 1] without forming hi - lo, which can overflow
    center, half = lo / 2 + hi / 2, hi / 2 - lo / 2
    scale = half if half > 0 else 1.0
    t = (x - center) / scale
    e = int(np.frexp(np.max(np.abs(y)))[1])
    y = np.ldexp(y, -e)
    coef, *_ = np.linalg.lstsq(np.polynomial.chebyshev.chebvander(t, degree), y, rcond=None)
    # far outside the training range a high power can exceed the float range; the
    # caller refuses a non-finite value
    with np.errstate(over="ignore", invalid="ignore"):
        fitted = np.polynomial.chebyshev.chebval((x_new - center) / scale, coef)
    if not np.all(np.isfinite(fitted)):
        raise ValueError(
            "the fitted polynomial overflows float64 at a point far outside the training "
            f"range [{lo:g}, {hi:g}]; evaluate it closer to the training data."
        )
    return fitted, e


def polynomial_predict(x_train, y_train, x_new, *, degree):
    r"""Overfitting with polynomials: a least-squares fit of given degree, evaluated at new points.

    Parameters
    ----------
    x_train : array_like of shape (n,)
        Finite training inputs, with more than `degree` distinct values.
    y_train : array_like of shape (n,)
        Finite training targets.
    x_new : float or array_like
        Finite points at which to evaluate the fitted polynomial, any shape.
    degree : int
        Degree $p \ge 0$ of the polynomial, at most (distinct values of `x_train`) - 1.

    Returns
    -------
    float or ndarray
        $\hat f(x_\text{new})$, with the shape of `x_new`.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, the two
        training arrays differ in length, or `degree` is negative or too high; or if
        a fitted value exceeds the float64 range (about 1.8e+308), as a high-degree
        polynomial far outside the training range can. The fit is made to `y_train`
        divided by a power of two, so any finite targets are supported.
    TypeError
        If an array does not hold real numbers or `degree` is not an int.

    See Also
    --------
    polynomial_fit_errors : Training and test error for several degrees at once.

    Notes
    -----
    The fit minimises $\sum_i (\hat f(x_i) - y_i)^2$ over polynomials of degree $p$,

    $$\hat f(x) = \sum_{k=0}^{p} c_k\, T_k\!\left(\frac{x - m}{r}\right),$$

    where $m$ and $r$ are the centre and half-width of the training range and $T_k$
    are Chebyshev polynomials. Mapping onto $[-1, 1]$ and the Chebyshev basis span the
    same polynomials as $1, x, \dots, x^p$ but keep the least-squares problem far better
    conditioned, as ``numpy.polynomial.Chebyshev.fit`` does. With as many coefficients
    as distinct points, $p = n - 1$, the polynomial passes through every training
    point.

    Examples
    --------
    A line through the points of $y = x^2$ at $-1, 0, 1, 2$ is $\hat f(x) = x + 1$:

    >>> x, y = [-1.0, 0.0, 1.0, 2.0], [1.0, 0.0, 1.0, 4.0]
    >>> polynomial_predict(x, y, [0.0, 3.0], degree=1).round(6).tolist()
    [1.0, 4.0]
    >>> polynomial_predict(x, y, [0.0, 3.0], degree=2).round(6).tolist()
    [0.0, 9.0]
    >>> round(polynomial_predict(x, y, 0.5, degree=0), 6)  # the mean
    1.5
    """
    x, y = _polynomial_inputs(x_train, y_train)
    x_new = as_float_array(x_new, "x_new")
    degree = _check_degree(degree, "degree", np.unique(x).size)
    fitted, e = _fit_and_predict(x, y, degree, x_new)
    # a finite scaled value leaves float64 only where the exact fitted value does
    with np.errstate(over="ignore"):
        prediction = np.ldexp(fitted, e)
    if not np.all(np.isfinite(prediction)):
        raise ValueError(
            "the fitted polynomial at x_new exceeds the float64 range (about 1.8e+308); "
            "rescale y_train or evaluate closer to the training range."
        )
    return scalar_or_array(prediction)


def polynomial_fit_errors(x_train, y_train, x_test, y_test, degrees):
    r"""Generalization of polynomial fits: training and test mean squared error for each degree.

    Parameters
    ----------
    x_train : array_like of shape (n,)
        Finite training inputs.
    y_train : array_like of shape (n,)
        Finite training targets.
    x_test : array_like of shape (m,)
        Finite held-out inputs.
    y_test : array_like of shape (m,)
        Finite held-out targets.
    degrees : int or array_like of int
        Degrees to fit, each at least 0 and below the number of distinct `x_train`
        values.

    Returns
    -------
    train_mse : ndarray of shape (len(degrees),)
        Mean squared error of each fit on the training data.
    test_mse : ndarray of shape (len(degrees),)
        Mean squared error of each fit on the test data.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity, paired
        arrays differ in length, or a degree is negative or too high; or if a fitted
        value or an MSE exceeds the float64 range (about 1.8e+308). Residuals are
        squared after division by a power of two, so every representable MSE is returned.
    TypeError
        If an array does not hold real numbers or a degree is not an int.

    See Also
    --------
    polynomial_predict : One fit, evaluated at any points.

    early_stopping : Stopping training where the validation error is lowest.

    Notes
    -----
    $$\mathrm{MSE}_\text{train}(p) = \frac{1}{n}\sum_{i=1}^{n} \bigl(\hat f_p(x_i) - y_i\bigr)^2,
      \qquad \mathrm{MSE}_\text{test}(p) = \frac{1}{m}\sum_{j=1}^{m}
      \bigl(\hat f_p(x'_j) - y'_j\bigr)^2.$$

    The polynomials of degree $p$ include those of every lower degree, so the training
    error can only fall as $p$ grows, reaching 0 when the curve passes through every
    point. The test error falls while extra degrees capture real structure
    (underfitting ends) and rises once they fit the noise (overfitting begins): it
    traces a U. Each fit is that of :func:`polynomial_predict`.

    Examples
    --------
    Points of $y = x^2$: the line $x + 1$ misses every training point by 1 and the
    test point $x = 3$ by $9 - 4 = 5$, while degree 2 is exact:

    >>> train, test = polynomial_fit_errors(
    ...     [-1.0, 0.0, 1.0, 2.0], [1.0, 0.0, 1.0, 4.0], [3.0], [9.0], [1, 2])
    >>> train.round(6).tolist(), test.round(6).tolist()
    ([1.0, 0.0], [25.0, 0.0])
    """
    x, y = _polynomial_inputs(x_train, y_train)
    x_test = as_float_array(x_test, "x_test", ndim=1, layout="(m,)")
    y_test = as_float_array(y_test, "y_test", ndim=1, layout="(m,)")
    check_same_shape(x_test, y_test, "x_test", "y_test")
    if isinstance(degrees, numbers.Integral):
        degrees = [degrees]
    if not isinstance(degrees, list | tuple | range | np.ndarray) or len(degrees) == 0:
        raise ValueError(f"degrees must be an int or a non-empty list of ints; got {degrees!r}.")
    n_distinct = np.unique(x).size
    degrees = [_check_degree(d, f"degrees[{i}]", n_distinct) for i, d in enumerate(degrees)]
    train_mse, test_mse = np.empty(len(degrees)), np.empty(len(degrees))
    for i, degree in enumerate(degrees):
        fitted, e = _fit_and_predict(x, y, degree, np.concatenate([x, x_test]))
        # residuals in units of 2**big, big >= e the larger exponent of y and the targets
        # (dividing by it only shrinks); scaled_difference cannot overflow
        for targets, at, out, what in (
            (y, slice(None, x.size), train_mse, "the training MSE"),
            (y_test, slice(x.size, None), test_mse, "the test MSE"),
        ):
            big = max(e, int(np.frexp(np.max(np.abs(targets)))[1]))
            d, shift = scaled_difference(np.ldexp(fitted[at], e - big), np.ldexp(targets, -big))
            out[i] = mean_of_squares(d, big + shift, what=what)
    return train_mse, test_mse
