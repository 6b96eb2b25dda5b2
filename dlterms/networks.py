"""Networks of dense layers: the multilayer perceptron, its size, residual and bottleneck blocks.

A network's parameters are a list of ``(weight, bias)`` pairs, one per weight layer,
with each weight stored ``(d_in, d_out)`` as in :func:`dlterms.layers.dense`. An
architecture is described either by those parameters or by its layer sizes, input
first: ``[784, 128, 10]`` is 784 features, one hidden layer of 128 units and an output
layer of 10. The input layer holds no weights and is never counted as a layer.
"""

from __future__ import annotations

import math

import numpy as np

from dlterms._validation import (
    as_dense_params,
    as_float_array,
    as_rng,
    as_vector,
    check_bool,
    check_choice,
    check_int,
    check_same_shape,
    scalar_or_array,
)
from dlterms.activations import (
    activation_forward,
    activation_vjp,
    check_activation,
    relu,
    relu_grad,
)
from dlterms.layers import _affine, _sum_of_parts, dense

__all__ = [
    "bottleneck",
    "count_parameters",
    "init_mlp",
    "mlp_backward",
    "mlp_forward",
    "network_depth",
    "network_width",
    "residual",
    "residual_block",
    "residual_block_grad",
]

# --------------------------------------------------------------------------- helpers


def _stack_forward(x: np.ndarray, params, names) -> tuple[list, list]:
    """Every layer's input-side output h and pre-activation z, for validated arguments.

    `names` gives one registry activation per layer; ``hs[0]`` is `x` itself.
    """
    hs, zs = [x], []
    for (weight, bias), name in zip(params, names, strict=True):
        # z_l = h_{l-1} W_l + b_l, then h_l = f_l(z_l)
        zs.append(dense(hs[-1], weight, bias))
        hs.append(activation_forward(zs[-1], name))
    return hs, zs


def _stack_backward(hs, zs, params, names, delta: np.ndarray):
    """Backpropagation through a stack of dense layers, from the output's delta down.

    `delta` is dl/dz_L, the gradient at the last pre-activation, shaped ``(n, d_L)``;
    returns dl/dx and the ``(dl/dW, dl/db)`` pair of every layer, summed over the batch.
    """
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        # dl/dW_l = h_{l-1}^T delta_l and dl/db_l = sum_i delta_l, summed over the batch
        ones = np.ones(delta.shape[0])
        grads.append(
            (
                _affine(hs[layer].T, delta, what=f"the gradient of params[{layer}] weight"),
                _affine(ones, delta, what=f"the gradient of params[{layer}] bias"),
            )
        )
        back = _affine(delta, params[layer][0].T, what="the gradient delta @ weight.T")
        if layer > 0:
            # delta_{l-1} = back * f'_{l-1}(z_{l-1}), a Jacobian product for softmax
            delta = activation_vjp(zs[layer - 1], back, names[layer - 1])
    return back, grads[::-1]


def _layer_sizes(architecture) -> tuple[int, ...]:
    """Layer sizes, input first, from a list of sizes or a list of (weight, bias) pairs."""
    if not isinstance(architecture, list | tuple | range | np.ndarray):
        raise TypeError(
            "architecture must be a list of layer sizes or of (weight, bias) pairs; "
            f"got {type(architecture).__name__}."
        )
    items = list(architecture)
    if items and all(isinstance(item, list | tuple) for item in items):
        params = as_dense_params(items)
        return (params[0][0].shape[0], *(weight.shape[1] for weight, _ in params))
    sizes = tuple(check_int(s, f"layer_sizes[{i}]", minimum=1) for i, s in enumerate(items))
    if len(sizes) < 2:
        raise ValueError(
            "layer_sizes must give at least an input and an output size; "
            f"got {len(sizes)} size(s): {list(sizes)}."
        )
    return sizes


def _check_feature_count(x: np.ndarray, weight: np.ndarray, name: str) -> None:
    if weight.shape[0] != x.shape[-1]:
        raise ValueError(
            f"{name} must have one row per input feature, {x.shape[-1]}; "
            f"got {name} of shape {weight.shape} for x of shape {x.shape}."
        )


# --------------------------------------------------------------------------- networks


def init_mlp(layer_sizes, *, rng=None, scheme="glorot"):
    r"""Neural network initialisation: random starting parameters for the given layer sizes.

    Parameters
    ----------
    layer_sizes : sequence of int
        Widths $d_0, d_1, \dots, d_L$, input first, each at least 1; at least two sizes.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one.
    scheme : {"glorot", "he"}, default="glorot"
        Standard deviation of the Gaussian weights: Glorot (Xavier) or He.

    Returns
    -------
    list of (ndarray, ndarray)
        One ``(weight, bias)`` pair per weight layer: weight of shape
        ``(d_{l-1}, d_l)`` drawn from $\mathcal{N}(0, \sigma_l^2)$, bias of zeros.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, a size is below 1, or `scheme` is unknown.
    TypeError
        If a size is not an int, `scheme` is not a string, or `rng` is not a Generator,
        an int or None.

    See Also
    --------
    mlp_forward : Runs the network these parameters describe.

    count_parameters : How many numbers the list holds.

    Notes
    -----
    $$\sigma_l^\text{Glorot} = \sqrt{\frac{2}{d_{l-1} + d_l}}, \qquad
      \sigma_l^\text{He} = \sqrt{\frac{2}{d_{l-1}}}.$$

    Glorot's scale keeps the variance of activations and of gradients roughly constant
    from layer to layer for tanh- or sigmoid-like units; He's doubles the fan-in variance
    to make up for ReLU zeroing half its inputs. Biases start at 0. Weights must not all
    start equal: units with identical weights receive identical gradients and never
    become different, so the random draw is what breaks the symmetry.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS (2010). K. He et al., "Delving deep into rectifiers",
    ICCV (2015).

    Examples
    --------
    >>> params = init_mlp([3, 4, 2], rng=0)
    >>> [(w.shape, b.shape) for w, b in params]
    [((3, 4), (4,)), ((4, 2), (2,))]
    >>> params[0][1].tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    sizes = _layer_sizes(layer_sizes)
    scheme = check_choice(scheme, "scheme", ("glorot", "he"))
    generator = as_rng(rng)
    params = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:], strict=True):
        std = math.sqrt(2.0 / (d_in + d_out)) if scheme == "glorot" else math.sqrt(2.0 / d_in)
        params.append((generator.normal(0.0, std, size=(d_in, d_out)), np.zeros(d_out)))
    return params


def mlp_forward(
    x, params, *, activation="relu", output_activation="linear", return_activations=False
):
    r"""Forward pass of a fully connected network: dense layer, activation, repeat.

    Parameters
    ----------
    x : array_like of shape (n, d_0) or (d_0,)
        Finite inputs: a batch of `n` examples, or one example.
    params : list of (array_like, array_like or None)
        ``(weight, bias)`` per weight layer, weight shaped ``(d_{l-1}, d_l)``, bias
        ``(d_l,)`` or None for no bias; consecutive shapes must chain up.
    activation : str, default="relu"
        Applied after every hidden layer: "gelu", "leaky_relu", "linear", "relu",
        "sigmoid", "silu", "softmax", "softplus" or "tanh", the names of
        :data:`dlterms.activations.ACTIVATIONS`.
    output_activation : str, default="linear"
        Applied after the last layer, one of the same names: "linear" returns raw
        scores (logits).
    return_activations : bool, default=False
        Also return every layer's output, the input first.

    Returns
    -------
    ndarray of shape (n, d_L) or (d_L,)
        The network's output.
    list of ndarray, optional
        With ``return_activations=True``, the list $h^{(0)} = x, h^{(1)}, \dots, h^{(L)}$
        (one entry per layer, $L + 1$ in all) is returned instead, its last entry being
        the output.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, an array is empty or not finite, the shapes do not
        chain up, or an activation name is unknown.
    TypeError
        If an array does not hold real numbers, `params` is not a list of pairs, or an
        activation is not a string.

    See Also
    --------
    dense : One layer of it.

    mlp_backward : The backward pass: gradients of the weights, biases and input.

    init_mlp : Random parameters to run it with.

    network_depth, network_width : The architecture's size.

    Notes
    -----
    With $h^{(0)} = x$ and $L$ weight layers,

    $$h^{(l)} = \varphi\bigl(h^{(l-1)} W^{(l)} + b^{(l)}\bigr), \quad l = 1, \dots, L - 1,
      \qquad \hat y = h^{(L)} = \psi\bigl(h^{(L-1)} W^{(L)} + b^{(L)}\bigr),$$

    where $\varphi$ is `activation` and $\psi$ is `output_activation`. Each step is
    :func:`~dlterms.layers.dense` followed by an elementwise function, so the network is
    as stable as its parts: softmax is max-shifted and sigmoid never overflows. A
    "linear" output is what a regression network or a loss that takes logits expects.

    Examples
    --------
    A 2-2-2 network: $h^{(1)} = \mathrm{ReLU}((1, 2) W^{(1)}) = \mathrm{ReLU}(3, -1) =
    (3, 0)$, then $\hat y = (3 \cdot 2 + 0.5,\ 3 \cdot (-1) + 0.5) = (6.5, -2.5)$.

    >>> params = [(np.array([[1.0, 1.0], [1.0, -1.0]]), None),
    ...           (np.array([[2.0, -1.0], [5.0, 0.0]]), np.array([0.5, 0.5]))]
    >>> mlp_forward([1.0, 2.0], params).tolist()
    [6.5, -2.5]
    >>> [h.tolist() for h in mlp_forward([1.0, 2.0], params, return_activations=True)]
    [[1.0, 2.0], [3.0, 0.0], [6.5, -2.5]]

    A softmax output turns the logits $(7000.5, -999.5)$ into probabilities without
    overflowing:

    >>> mlp_forward([1000.0, 0.0], params, output_activation="softmax").tolist()
    [1.0, 0.0]
    """
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d_in) or (d_in,)")
    params = as_dense_params(params)
    names = _layer_activations(len(params), activation, output_activation)
    _check_feature_count(x, params[0][0], "params[0] weight")
    # h_l = phi(h_{l-1} W_l + b_l); the last layer uses the output activation
    activations = _stack_forward(x.copy(), params, names)[0]
    return activations if return_activations else activations[-1]


def _layer_activations(n_layers: int, activation, output_activation) -> list[str]:
    """One registry name per layer: `activation` for the hidden ones, then the output's."""
    hidden = check_activation(activation, "activation")
    output = check_activation(output_activation, "output_activation")
    return [hidden] * (n_layers - 1) + [output]


def mlp_backward(x, params, grad_output, *, activation="relu", output_activation="linear"):
    r"""Backward pass of a fully connected network: gradients of every weight, bias and input.

    Parameters
    ----------
    x : array_like of shape (n, d_0) or (d_0,)
        The inputs of the forward pass.
    params : list of (array_like, array_like or None)
        The network's ``(weight, bias)`` pairs, as for :func:`mlp_forward`.
    grad_output : array_like of shape (n, d_L) or (d_L,)
        $g = \partial \ell / \partial \hat y$, the loss gradient with respect to the
        network's output; the shape of ``mlp_forward(x, params)``.
    activation : str, default="relu"
        The hidden activation used in the forward pass, as for :func:`mlp_forward`.
    output_activation : str, default="linear"
        The output activation used in the forward pass, as for :func:`mlp_forward`.

    Returns
    -------
    grad_x : ndarray
        $\partial \ell / \partial x$, with the shape of `x`.
    grads : list of (ndarray, ndarray)
        $(\partial \ell / \partial W^{(l)}, \partial \ell / \partial b^{(l)})$ for every
        layer, shaped like `params`; summed over the examples of the batch.

    Raises
    ------
    ValueError
        As for :func:`mlp_forward`, or if `grad_output` does not have the output's shape.
    TypeError
        As for :func:`mlp_forward`.

    See Also
    --------
    mlp_forward : The forward pass it differentiates.

    residual_block_grad : The same chain rule through a skip connection.

    Notes
    -----
    Backpropagation runs the chain rule from the output back to the input. With
    $z^{(l)} = h^{(l-1)} W^{(l)} + b^{(l)}$ and $\delta^{(l)} = \partial \ell / \partial z^{(l)}$:

    $$\delta^{(L)} = g\,\frac{\partial \psi}{\partial z^{(L)}}, \qquad
      \delta^{(l)} = \bigl(\delta^{(l+1)} W^{(l+1)\top}\bigr) \odot \varphi'(z^{(l)}),$$

    $$\frac{\partial \ell}{\partial W^{(l)}} = h^{(l-1)\top} \delta^{(l)}, \qquad
      \frac{\partial \ell}{\partial b^{(l)}} = \textstyle\sum_i \delta^{(l)}_i, \qquad
      \frac{\partial \ell}{\partial x} = \delta^{(1)} W^{(1)\top}.$$

    The loss is treated as a sum over examples, so for a mean loss pass `g` already
    divided by $n$. For a softmax output, the vector-Jacobian product is
    :func:`softmax_jvp` (the Jacobian is symmetric); with cross-entropy on top,
    $g\,\partial \psi / \partial z$ simplifies to $p - y$. $\mathrm{ReLU}'(0) = 0$.

    Examples
    --------
    The 2-2-2 network of :func:`mlp_forward` at $x = (1, 2)$, with $g = (1, 0)$:
    $\delta^{(2)} = (1, 0)$, so $\partial \ell / \partial W^{(2)} = h^{(1)\top}\delta^{(2)}$
    with $h^{(1)} = (3, 0)$; back through $W^{(2)}$ the gradient is $(2, 5)$, and the
    ReLU, off for the second unit, keeps $\delta^{(1)} = (2, 0)$.

    >>> params = [(np.array([[1.0, 1.0], [1.0, -1.0]]), None),
    ...           (np.array([[2.0, -1.0], [5.0, 0.0]]), np.array([0.5, 0.5]))]
    >>> grad_x, grads = mlp_backward([1.0, 2.0], params, [1.0, 0.0])
    >>> grad_x.tolist()
    [2.0, 2.0]
    >>> [(dw.tolist(), db.tolist()) for dw, db in grads]
    [([[2.0, 0.0], [4.0, 0.0]], [2.0, 0.0]), ([[3.0, 0.0], [0.0, 0.0]], [1.0, 0.0])]
    """
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d_in) or (d_in,)")
    params = as_dense_params(params)
    names = _layer_activations(len(params), activation, output_activation)
    _check_feature_count(x, params[0][0], "params[0] weight")
    hs, zs = _stack_forward(np.atleast_2d(x), params, names)
    g = as_float_array(grad_output, "grad_output")
    check_same_shape(hs[-1][0] if x.ndim == 1 else hs[-1], g, "the network output", "grad_output")
    # delta_L = g dpsi/dz at the output
    delta = activation_vjp(zs[-1], np.atleast_2d(g), names[-1])
    back, grads = _stack_backward(hs, zs, params, names, delta)
    return (back[0] if x.ndim == 1 else back), grads


def network_depth(architecture):
    r"""Depth of a fully connected network: its number of weight layers.

    Parameters
    ----------
    architecture : sequence of int, or list of (weight, bias)
        Layer sizes $d_0, \dots, d_L$ with the input first, or the parameters
        themselves (as made by :func:`init_mlp`).

    Returns
    -------
    int
        $L$, the number of layers that hold weights: hidden layers plus the output layer.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, a size is below 1, or the parameter shapes do
        not chain up.
    TypeError
        If `architecture` is neither kind of list, or a size is not an int.

    See Also
    --------
    network_width : The other dimension of the architecture.

    count_parameters : The number of weights and biases.

    Notes
    -----
    For sizes $(d_0, d_1, \dots, d_L)$ the depth is $L$: the input layer only holds the
    features, so it is not counted. A network with 5 hidden layers and an output layer
    has depth 6, and a "two-layer network" has one hidden layer. Some texts count the
    input layer too, or count only hidden layers; state the convention when it matters.

    Examples
    --------
    >>> network_depth([784, 128, 10])
    2
    >>> network_depth([8, 6, 6, 6, 6, 6, 4])  # 5 hidden layers + the output layer
    6
    >>> network_depth(init_mlp([3, 4, 2], rng=0))
    2
    """
    return len(_layer_sizes(architecture)) - 1


def network_width(architecture, *, layer=None):
    r"""Width of a fully connected network: units in its widest hidden layer, or in one layer.

    Parameters
    ----------
    architecture : sequence of int, or list of (weight, bias)
        Layer sizes $d_0, \dots, d_L$ with the input first, or the parameters themselves.
    layer : int, optional
        Return the width $d_l$ of this layer instead: 0 is the input layer, $L$ (or -1)
        the output layer. Default: the widest hidden layer.

    Returns
    -------
    int
        $\max(d_1, \dots, d_{L-1})$, or $d_l$ when `layer` is given.

    Raises
    ------
    ValueError
        If the architecture is invalid, `layer` is out of range, or `layer` is None and
        the network has no hidden layer.
    TypeError
        If `architecture` is neither kind of list, or a size or `layer` is not an int.

    See Also
    --------
    network_depth : The number of weight layers.

    Notes
    -----
    The width of a layer is its number of units (neurons), $d_l$, which is also the
    length of its output vector. With no `layer` the result describes the whole
    network by its hidden layers only: the input and output widths are fixed by the
    data and the task, while the hidden widths are design choices.

    Examples
    --------
    >>> network_width([784, 128, 64, 10])
    128
    >>> network_width([784, 128, 64, 10], layer=-1)
    10
    >>> network_width([784, 128, 64, 10], layer=0)
    784
    """
    sizes = _layer_sizes(architecture)
    if layer is None:
        if len(sizes) < 3:
            raise ValueError(
                f"the network {list(sizes)} has no hidden layer; "
                "pass layer=0 or layer=-1 for the input or output width."
            )
        return max(sizes[1:-1])
    index = check_int(layer, "layer", minimum=-len(sizes))
    if index >= len(sizes):
        raise ValueError(
            f"layer must be in [{-len(sizes)}, {len(sizes) - 1}] for {len(sizes)} layer "
            f"sizes; got {index}."
        )
    return sizes[index]


def count_parameters(architecture, *, bias=True):
    r"""Parameter count of a network, e.g. around a bottleneck layer: weights plus biases.

    Parameters
    ----------
    architecture : sequence of int, or list of (weight, bias)
        Layer sizes $d_0, \dots, d_L$ with the input first, or the parameters themselves.
    bias : bool, default=True
        Count one bias per unit of every weight layer.

    Returns
    -------
    int
        $\sum_{l=1}^{L} (d_{l-1} d_l + d_l)$, or without the $d_l$ terms when
        ``bias=False``.

    Raises
    ------
    ValueError
        If fewer than two sizes are given, a size is below 1, or the parameter shapes do
        not chain up.
    TypeError
        If `architecture` is neither kind of list, a size is not an int, or `bias` is not
        a bool.

    See Also
    --------
    network_depth, network_width : The architecture's shape.

    init_mlp : Draws exactly this many numbers.

    Notes
    -----
    Layer $l$ has a weight for every (input, unit) pair, $d_{l-1} d_l$, plus one bias
    per unit, $d_l$. The count is exact integer arithmetic, so it stays right for sizes
    far beyond what could be allocated. When given parameters, a ``None`` bias still
    counts as $d_l$ numbers unless ``bias=False``, as frameworks store it either way.

    Examples
    --------
    MNIST's 784 pixels, 128 hidden units and 10 classes:
    $784 \cdot 128 + 128 + 128 \cdot 10 + 10 = 100480 + 1290 = 101770$.

    >>> count_parameters([784, 128, 10])
    101770
    >>> count_parameters([784, 128, 10], bias=False)
    101632
    """
    sizes = _layer_sizes(architecture)
    check_bool(bias, "bias")
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return weights + (sum(sizes[1:]) if bias else 0)


# --------------------------------------------------------------------------- blocks


def residual(x, fn):
    r"""Residual (skip) connection around any function: $x + F(x)$.

    Parameters
    ----------
    x : float or array_like
        Finite input of any shape.
    fn : callable
        The residual branch $F$; called once with a float64 copy of `x`, it must return
        finite values of the same shape.

    Returns
    -------
    float or ndarray
        ``x + fn(x)``, with the shape of `x`.

    Raises
    ------
    ValueError
        If `x` is empty or not finite, or ``fn(x)`` has another shape or is not finite.
    TypeError
        If `x` does not hold real numbers or `fn` is not callable.

    See Also
    --------
    residual_block : The usual branch, two dense layers, with its gradient.

    bottleneck : A narrow branch that is often wrapped in a residual connection.

    Notes
    -----
    $$y = x + F(x), \qquad \frac{\partial y}{\partial x} = I + \frac{\partial F}{\partial x}.$$

    The sum needs $F(x)$ to have exactly the shape of $x$; when a branch changes the
    width, real networks put a learned projection $x W_s$ on the skip path instead of
    the identity. Broadcasting is refused on purpose, because it would silently add
    the wrong things. The identity term in the Jacobian is why the connection helps:
    a gradient reaches $x$ unchanged even when the branch's own gradient is tiny.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image recognition",
    CVPR (2016).

    Examples
    --------
    >>> residual([1.0, -2.0], lambda v: 2 * v).tolist()
    [3.0, -6.0]
    >>> residual([1.0, -2.0], lambda v: np.zeros(2)).tolist()  # F = 0: the identity
    [1.0, -2.0]
    """
    x = as_float_array(x, "x")
    if not callable(fn):
        raise TypeError(f"fn must be callable; got {fn!r} ({type(fn).__name__}).")
    fx = as_float_array(fn(x.copy()), "fn(x)")
    if fx.shape != x.shape:
        raise ValueError(
            "fn must keep the shape of x, so that x + fn(x) adds matching entries; "
            f"got x {x.shape} and fn(x) {fx.shape}."
        )
    return scalar_or_array(_sum_of_parts([(x, 0), (fx, 0)], "x + fn(x)"))


def _residual_parts(x, weight1, bias1, weight2, bias2):
    """Validated arrays of a residual block and its hidden pre-activation."""
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d) or (d,)")
    weight1 = as_float_array(weight1, "weight1", ndim=2, layout="(d, k)")
    _check_feature_count(x, weight1, "weight1")
    weight2 = as_float_array(weight2, "weight2", ndim=2, layout="(k, d)")
    expected = (weight1.shape[1], x.shape[-1])
    if weight2.shape != expected:
        raise ValueError(
            f"weight2 must have shape (k, d) = {expected}, so the branch returns the "
            f"{x.shape[-1]} features of x; got {weight2.shape}."
        )
    if bias2 is not None:  # residual_block_grad never uses bias2; check it all the same
        as_vector(bias2, "bias2", x.shape[-1])
    z = dense(x, weight1, bias1)
    return x, weight1, weight2, z


def residual_block(x, weight1, bias1, weight2, bias2, *, skip=True):
    r"""Two dense layers with a ReLU between them, plus a skip connection around both.

    Parameters
    ----------
    x : array_like of shape (n, d) or (d,)
        Finite inputs.
    weight1 : array_like of shape (d, k)
        Weights of the first layer.
    bias1 : array_like of shape (k,) or None
        Bias of the first layer (None: zeros).
    weight2 : array_like of shape (k, d)
        Weights of the second layer; it must map back to the `d` features of `x`.
    bias2 : array_like of shape (d,) or None
        Bias of the second layer (None: zeros).
    skip : bool, default=True
        Add the input to the branch's output. ``skip=False`` gives the same two layers
        as a plain block, for comparison.

    Returns
    -------
    ndarray of shape (n, d) or (d,)
        $x + F(x)$, or $F(x)$ alone when ``skip=False``.

    Raises
    ------
    ValueError
        If a shape is wrong (in particular if the branch would change the number of
        features), or an array is empty or not finite.
    TypeError
        If an array does not hold real numbers or `skip` is not a bool.

    See Also
    --------
    residual_block_grad : Its gradient with respect to `x`.

    residual : The same sum around any function.

    Notes
    -----
    $$F(x) = \mathrm{ReLU}(x W_1 + b_1)\, W_2 + b_2, \qquad y = x + F(x).$$

    Nothing is applied after the sum, so the identity path stays clean from input to
    output, as in the "pre-activation" ResNet (He et al. 2016b); the original ResNet
    applies a ReLU after the addition. If the branch learns $F = 0$ the block is the
    identity, so adding blocks cannot make the function a network can represent worse.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Identity mappings in deep residual networks",
    ECCV (2016).

    Examples
    --------
    $F(1, 2) = \mathrm{ReLU}((1, 2) W_1)\,W_2 = \mathrm{ReLU}(3)\cdot(1, -1) = (3, -3)$,
    so $y = (1, 2) + (3, -3) = (4, -1)$:

    >>> w1, w2 = np.array([[1.0], [1.0]]), np.array([[1.0, -1.0]])
    >>> residual_block([1.0, 2.0], w1, None, w2, None).tolist()
    [4.0, -1.0]
    >>> residual_block([1.0, 2.0], w1, None, w2, None, skip=False).tolist()
    [3.0, -3.0]

    When the ReLU is off the branch is 0 and the block passes its input through:

    >>> residual_block([-1.0, -2.0], w1, None, w2, None).tolist()
    [-1.0, -2.0]
    """
    x, _, weight2, z = _residual_parts(x, weight1, bias1, weight2, bias2)
    check_bool(skip, "skip")
    branch = dense(relu(z), weight2, bias2)
    # y = x + F(x): the identity path
    return _sum_of_parts([(x, 0), (branch, 0)], "x + F(x)") if skip else branch


def residual_block_grad(x, weight1, bias1, weight2, bias2, grad_output, *, skip=True):
    r"""Residual connection gradient: a residual block's vector-Jacobian product for its input.

    Parameters
    ----------
    x, weight1, bias1, weight2, bias2 : array_like
        As in :func:`residual_block`.
    grad_output : array_like of shape (n, d) or (d,)
        $g = \partial \ell / \partial y$, the gradient arriving from above; the shape
        of `x`.
    skip : bool, default=True
        Differentiate the block with its skip connection, or the plain branch alone.

    Returns
    -------
    ndarray of shape (n, d) or (d,)
        $\partial \ell / \partial x = g \, (\partial y / \partial x)$, row by row.

    Raises
    ------
    ValueError
        If a shape is wrong, `grad_output` does not have the shape of `x`, or an array is
        empty or not finite.
    TypeError
        If an array does not hold real numbers or `skip` is not a bool.

    See Also
    --------
    residual_block : The block being differentiated.

    relu_grad : The derivative used for the hidden layer.

    Notes
    -----
    With $z = x W_1 + b_1$ the chain rule gives

    $$\frac{\partial \ell}{\partial x} = g + \Bigl(\bigl(g W_2^\top\bigr) \odot
      \mathrm{ReLU}'(z)\Bigr) W_1^\top,$$

    the first term coming from the identity path and the second from the branch
    (without `skip` only the second remains). Whatever the weights, the gradient keeps
    the component $g$: in a stack of blocks it can shrink only through the branches,
    never vanish through the skip paths. Each example's gradient depends only on its
    own row. $\mathrm{ReLU}'(0)$ is taken as 0.

    Examples
    --------
    With the weights of :func:`residual_block`, $z = 3 > 0$: the branch sends back
    $(g W_2^\top) W_1^\top = (1 \cdot 1 + 0 \cdot (-1)) \cdot (1, 1) = (1, 1)$, and the skip
    adds $g = (1, 0)$:

    >>> w1, w2 = np.array([[1.0], [1.0]]), np.array([[1.0, -1.0]])
    >>> residual_block_grad([1.0, 2.0], w1, None, w2, None, [1.0, 0.0]).tolist()
    [2.0, 1.0]

    With the ReLU off the branch passes no gradient, but the skip path still does:

    >>> residual_block_grad([-1.0, -2.0], w1, None, w2, None, [1.0, 0.0]).tolist()
    [1.0, 0.0]
    >>> residual_block_grad([-1.0, -2.0], w1, None, w2, None, [1.0, 0.0], skip=False).tolist()
    [0.0, 0.0]
    """
    x, weight1, weight2, z = _residual_parts(x, weight1, bias1, weight2, bias2)
    g = as_float_array(grad_output, "grad_output")
    check_same_shape(x, g, "x", "grad_output")
    check_bool(skip, "skip")
    # dl/dz = (g W2^T) * ReLU'(z), then dl/dx through the branch = dl/dz W1^T
    back = _affine(g, weight2.T, what="the gradient g @ weight2.T") * relu_grad(z)
    through_branch = _affine(back, weight1.T, what="the gradient through the branch")
    # the identity path adds g itself
    if not skip:
        return through_branch
    return _sum_of_parts([(g, 0), (through_branch, 0)], "the gradient g + branch")


def bottleneck(
    x, weight_down, weight_up, bias_down=None, bias_up=None, *, activation="relu", skip=False
):
    r"""Bottleneck: squeeze `d` features through `k < d` units, then widen them again.

    Parameters
    ----------
    x : array_like of shape (n, d_in) or (d_in,)
        Finite inputs.
    weight_down : array_like of shape (d_in, k)
        Weights of the narrow layer; `k` must be smaller than both `d_in` and `d_out`.
    weight_up : array_like of shape (k, d_out)
        Weights of the layer that widens the code again.
    bias_down : array_like of shape (k,), optional
        Bias of the narrow layer. Default: zeros.
    bias_up : array_like of shape (d_out,), optional
        Bias of the widening layer. Default: zeros.
    activation : str, default="relu"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"``, ``"softplus"`` or ``"softmax"``.
        Applied to the narrow layer's output (the code); the widening layer is linear.
    skip : bool, default=False
        Add `x` to the output, a residual connection around the bottleneck (needs
        ``d_out == d_in``).

    Returns
    -------
    ndarray of shape (n, d_out) or (d_out,)
        $\varphi(x W_\downarrow + b_\downarrow)\, W_\uparrow + b_\uparrow$, plus `x` when
        ``skip=True``.

    Raises
    ------
    ValueError
        If the middle layer is not narrower than both ends, the shapes do not chain up,
        ``skip=True`` with ``d_out != d_in``, `activation` is unknown, or an array is
        empty or not finite.
    TypeError
        If an array does not hold real numbers, `activation` is not a string or `skip`
        is not a bool.

    See Also
    --------
    residual_block : The same two layers without the width constraint.

    mlp_forward : A general stack of dense layers.

    Notes
    -----
    $$c = \varphi(x W_\downarrow + b_\downarrow) \in \mathbb{R}^k, \qquad
      y = c\, W_\uparrow + b_\uparrow \;(+\, x), \qquad k < \min(d_\text{in}, d_\text{out}).$$

    Everything that reaches the output has to pass through the $k$ numbers of the
    code $c$, so the layers must learn a compressed summary. The block also costs
    less than a full-width one: $d k + k d$ weights instead of $d^2$ for a $d \to d$
    layer. An autoencoder is a bottleneck trained to reproduce its input; ResNet's
    bottleneck blocks use $1 \times 1$ convolutions in the same way, with a skip
    connection around them.

    Examples
    --------
    Four features squeezed into one unit: $c = \mathrm{ReLU}((1, 2, 3, 4) \cdot
    (0.25, 0.25, 0.25, 0.25)) = 2.5$, then $y = 2.5 \cdot (1, 1, 0, 0) = (2.5, 2.5, 0, 0)$.

    >>> w_down = np.full((4, 1), 0.25)
    >>> w_up = np.array([[1.0, 1.0, 0.0, 0.0]])
    >>> bottleneck([1.0, 2.0, 3.0, 4.0], w_down, w_up).tolist()
    [2.5, 2.5, 0.0, 0.0]
    >>> bottleneck([1.0, 2.0, 3.0, 4.0], w_down, w_up, skip=True).tolist()
    [3.5, 4.5, 3.0, 4.0]
    """
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d_in) or (d_in,)")
    weight_down = as_float_array(weight_down, "weight_down", ndim=2, layout="(d_in, k)")
    weight_up = as_float_array(weight_up, "weight_up", ndim=2, layout="(k, d_out)")
    activation = check_activation(activation, "activation")
    check_bool(skip, "skip")
    _check_feature_count(x, weight_down, "weight_down")
    (d_in, k), d_out = weight_down.shape, weight_up.shape[1]
    if weight_up.shape[0] != k:
        raise ValueError(
            f"weight_up must have one row per bottleneck unit, {k}; got shape {weight_up.shape}."
        )
    if k >= min(d_in, d_out):
        raise ValueError(
            f"a bottleneck must be narrower than the layers around it, k < min(d_in, d_out); "
            f"got d_in={d_in}, k={k}, d_out={d_out}."
        )
    if skip and d_out != d_in:
        raise ValueError(
            f"skip=True adds x to the output, so d_out must equal d_in; "
            f"got d_in={d_in} and d_out={d_out}."
        )
    # c = phi(x W_down + b_down): the k-dimensional code
    code = activation_forward(dense(x, weight_down, bias_down), activation)
    y = dense(code, weight_up, bias_up)
    return _sum_of_parts([(x, 0), (y, 0)], "x + the bottleneck output") if skip else y
