"""Sequence models: a tanh recurrent network, its bidirectional form, backpropagation through
time, token padding and EOS.

Sequences are time-major, as in PyTorch's ``nn.RNN`` with ``batch_first=False``: inputs
``xs`` have shape ``(T, n, d_in)`` (time steps, sequences in the batch, features) and the
hidden states ``(T, n, hidden)``. Weights are stored so that products read ``x @ w``, as in
:func:`dlterms.dense`: ``w_xh`` is ``(d_in, hidden)`` and ``w_hh`` is ``(hidden, hidden)``.
Token batches are ``(n, T)`` arrays of non-negative integer ids.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_vector,
    check_bool,
    check_int,
    check_shape,
    max_exponent,
    unscale_or_refuse,
)

__all__ = [
    "bidirectional_rnn_forward",
    "pad_sequences",
    "rnn_bptt",
    "rnn_cell",
    "rnn_forward",
    "truncate_at_eos",
]


class RNNGradients(NamedTuple):
    """Gradients returned by :func:`rnn_bptt`, each shaped like the array it belongs to."""

    w_xh: np.ndarray
    w_hh: np.ndarray
    b_h: np.ndarray
    h0: np.ndarray
    xs: np.ndarray
    hs: np.ndarray


# --------------------------------------------------------------------------- validation


def _rnn_weights(w_xh, w_hh, b_h):
    """Validate the weights; return them as float arrays, with b_h = zeros if None."""
    w_xh = as_float_array(w_xh, "w_xh", ndim=2, layout="(d_in, hidden)")
    hidden = w_xh.shape[1]
    w_hh = as_float_array(w_hh, "w_hh", ndim=2, layout="(hidden, hidden)")
    check_shape(w_hh, (hidden, hidden), "w_hh", "(hidden, hidden)")
    b_h = np.zeros(hidden) if b_h is None else as_vector(b_h, "b_h", hidden)
    return w_xh, w_hh, b_h


def _rnn_inputs(xs, h0, weights, *, per_step=False):
    """Validate RNN arguments; return (T, n, d_in) inputs, an (n, hidden) state, the
    weights, and whether the input was unbatched.

    With ``per_step=True`` the input is one time step, ``x_t`` of shape (n, d_in) or
    (d_in,), and the state is called ``h_prev``.
    """
    w_xh, w_hh, b_h = _rnn_weights(*weights)
    x_name, h_name, lead = ("x_t", "h_prev", 0) if per_step else ("xs", "h0", 1)
    layout = "(n, d_in) or (d_in,)" if per_step else "(T, n, d_in) or (T, d_in)"
    xs = as_float_array(xs, x_name, ndim=(1 + lead, 2 + lead), layout=layout)
    h0 = as_float_array(h0, h_name, ndim=(1, 2), layout="(n, hidden) or (hidden,)")
    if xs.shape[-1] != w_xh.shape[0]:
        raise ValueError(
            f"w_xh must have one row per input feature, {xs.shape[-1]}; "
            f"got w_xh of shape {w_xh.shape} for {x_name} of shape {xs.shape}."
        )
    unbatched = xs.ndim == 1 + lead
    expected = xs.shape[lead:-1] + (w_xh.shape[1],)
    if h0.shape != expected:
        # the batch size comes from the input and the hidden size from w_xh: name all three
        raise ValueError(
            f"{h_name} must have shape {expected} to match {x_name} of shape {xs.shape} "
            f"and w_xh of shape {w_xh.shape}; got {h0.shape}. Check {x_name} and {h_name} "
            "for a missing or extra batch axis."
        )
    if unbatched:  # add a batch axis of 1
        xs, h0 = np.expand_dims(xs, lead), h0[np.newaxis]
    if per_step:  # add a time axis of 1
        xs = xs[np.newaxis]
    return xs, h0, w_xh, w_hh, b_h, unbatched


def _preactivation(x, w_xh, h, w_hh, b_h):
    """a = x W_xh + h W_hh + b_h, as ±inf where the exact value is beyond float64."""
    # finite inputs near the float range can overflow the sums; redone scaled just below
    with np.errstate(over="ignore", invalid="ignore"):
        a = x @ w_xh + h @ w_hh + b_h
    if np.all(np.isfinite(a)):
        return a
    # divide every factor by a power of two near its largest magnitude (exact), so each
    # product is below 1, bring the three terms to one scale and add them
    e_x, e_wx, e_h, e_wh, e_b = map(max_exponent, (x, w_xh, h, w_hh, b_h))
    e = max(e_x + e_wx, e_h + e_wh, e_b)
    a = np.ldexp(np.ldexp(x, -e_x) @ np.ldexp(w_xh, -e_wx), e_x + e_wx - e)
    a += np.ldexp(np.ldexp(h, -e_h) @ np.ldexp(w_hh, -e_wh), e_h + e_wh - e)
    a += np.ldexp(b_h, -e)
    # beyond float64 only where |a| > 1.8e308, whose tanh is exactly ±1 anyway
    with np.errstate(over="ignore"):
        return np.ldexp(a, e)


def _scaled_product(subscripts, a, b, exponent, what):
    """``einsum(subscripts, a, b) * 2**exponent``, with no overflow on the way."""
    # a sum that overflows only on the way is redone on scaled factors just below
    with np.errstate(over="ignore", invalid="ignore"):
        product = np.einsum(subscripts, a, b)
    if np.all(np.isfinite(product)):
        return unscale_or_refuse(product, exponent, what)
    e_a, e_b = max_exponent(a), max_exponent(b)
    product = np.einsum(subscripts, np.ldexp(a, -e_a), np.ldexp(b, -e_b))
    return unscale_or_refuse(product, e_a + e_b + exponent, what)


def _run(xs, h0, w_xh, w_hh, b_h):
    """The recurrence on validated, batched arrays; returns hs of shape (T, n, hidden)."""
    hs = np.empty(xs.shape[:2] + (w_xh.shape[1],))
    h = h0
    for t in range(xs.shape[0]):  # one step per time step; each step is vectorised
        # h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)
        h = np.tanh(_preactivation(xs[t], w_xh, h, w_hh, b_h))
        hs[t] = h
    return hs


def _as_token_ids(x, name, ndim):
    """Return `x` as an int64 array of non-negative whole numbers with an allowed ndim."""
    array = as_array(x, name)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold integer token ids; got dtype {array.dtype}.")
    layouts = {1: "(T,)", 2: "(n, T)"}
    if array.ndim not in ndim:
        allowed = " or ".join(f"{d}-D {layouts[d]}" for d in ndim)
        raise ValueError(f"{name} must be {allowed}; got shape {array.shape}.")
    if array.size == 0:
        return array.astype(np.int64)
    if array.dtype.kind == "f":  # whole floats are accepted; NaN, inf and fractions are not
        array = as_float_array(array, name)
        if not np.array_equal(array, np.round(array)):
            raise ValueError(f"{name} must hold whole numbers; got a fractional value.")
    if array.min() < 0:
        raise ValueError(f"{name} must hold non-negative token ids; got {array.min()}.")
    return array.astype(np.int64)


# --------------------------------------------------------------------------- the network


def rnn_cell(x_t, h_prev, w_xh, w_hh, b_h=None):
    r"""One step of a simple (Elman) recurrent network with a tanh activation.

    Parameters
    ----------
    x_t : array_like of shape (n, d_in) or (d_in,)
        Finite inputs at this time step, for a batch of `n` sequences or for one.
    h_prev : array_like of shape (n, hidden) or (hidden,)
        Finite hidden state from the previous step, with as many dimensions as `x_t`.
    w_xh : array_like of shape (d_in, hidden)
        Finite input-to-hidden weights.
    w_hh : array_like of shape (hidden, hidden)
        Finite hidden-to-hidden (recurrent) weights.
    b_h : array_like of shape (hidden,), optional
        Finite hidden bias. Default: zeros.

    Returns
    -------
    ndarray of shape (n, hidden) or (hidden,)
        The new hidden state $h_t$, every entry in $[-1, 1]$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    rnn_forward : The same step repeated over a whole sequence.

    dense : The feed-forward layer this extends with a recurrent term.

    Notes
    -----
    $$h_t = \tanh\left(x_t W_{xh} + h_{t-1} W_{hh} + b_h\right).$$

    The same weights are used at every time step; only the state $h$ changes. PyTorch's
    ``nn.RNNCell`` stores the transposes, ``weight_ih`` of shape ``(hidden, d_in)`` and
    ``weight_hh`` of shape ``(hidden, hidden)``, and has two biases whose sum is $b_h$.
    ``np.tanh`` saturates to exactly $\pm 1$ for large pre-activations without overflow.
    A weighted sum that overflows is redone on factors divided by powers of two; one
    beyond the float range (about $1.8 \times 10^{308}$) counts as $\pm\infty$, whose
    tanh is exactly $\pm 1$, so every finite input gives a finite state.

    Examples
    --------
    One unit, $w_{xh} = 1$, $w_{hh} = 2$: $\tanh(0.5 \cdot 1 + 0.25 \cdot 2) = \tanh(1)$.

    >>> rnn_cell([0.5], [0.25], [[1.0]], [[2.0]]).round(4).tolist()
    [0.7616]
    >>> rnn_cell([[0.0], [1e300]], [[0.0], [0.0]], [[1.0]], [[1.0]]).tolist()
    [[0.0], [1.0]]
    """
    *args, unbatched = _rnn_inputs(x_t, h_prev, (w_xh, w_hh, b_h), per_step=True)
    h = _run(*args)[0]
    return h[0] if unbatched else h


def rnn_forward(xs, h0, w_xh, w_hh, b_h=None):
    r"""Run a tanh recurrent network over whole sequences and return every hidden state.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs: `T` time steps of a batch of `n` sequences (time-major), or of one
        sequence.
    h0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden state, usually zeros.
    w_xh : array_like of shape (d_in, hidden)
        Finite input-to-hidden weights.
    w_hh : array_like of shape (hidden, hidden)
        Finite recurrent weights.
    b_h : array_like of shape (hidden,), optional
        Finite hidden bias. Default: zeros.

    Returns
    -------
    ndarray of shape (T, n, hidden) or (T, hidden)
        ``hs[t]`` is the hidden state after reading ``xs[t]``; ``hs[-1]`` is the final
        state. `h0` is not included.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    rnn_cell : One step of the recurrence.

    rnn_bptt : Gradients of a loss on these states, by backpropagation through time.

    Notes
    -----
    $$h_t = \tanh\left(x_t W_{xh} + h_{t-1} W_{hh} + b_h\right), \qquad t = 1, \dots, T.$$

    The network is unrolled: step $t$ reads the state left by step $t - 1$, so there is
    one loop over time steps, and each step is vectorised over the batch. The output
    equals ``torch.nn.RNN(d_in, hidden, nonlinearity="tanh")`` with
    ``weight_ih_l0 = w_xh.T``, ``weight_hh_l0 = w_hh.T`` and biases summing to `b_h`.

    Examples
    --------
    One unit with $w_{xh} = 1$ and $w_{hh} = 0.5$ reads the inputs $1, 0, 0$: the state
    jumps to $\tanh(1) = 0.7616$ and then fades, $\tanh(0.5 \cdot 0.7616) = 0.3634$ and
    $\tanh(0.5 \cdot 0.3634) = 0.1797$: the network remembers the first input for a while.

    >>> rnn_forward([[1.0], [0.0], [0.0]], [0.0], [[1.0]], [[0.5]]).round(4).tolist()
    [[0.7616], [0.3634], [0.1797]]
    """
    *args, unbatched = _rnn_inputs(xs, h0, (w_xh, w_hh, b_h))
    hs = _run(*args)
    return hs[:, 0] if unbatched else hs


def rnn_bptt(xs, h0, params, grad_hs, *, truncate=None):
    r"""Gradients of a tanh recurrent network by backpropagation through time (BPTT).

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs, as for :func:`rnn_forward`.
    h0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden state.
    params : tuple of (w_xh, w_hh, b_h)
        The weights, shaped ``(d_in, hidden)``, ``(hidden, hidden)`` and ``(hidden,)``.
    grad_hs : array_like of shape (T, n, hidden) or (T, hidden)
        Finite $\partial L / \partial h_t$ for every step: how the loss depends on each
        hidden state directly (zeros where a state feeds no loss term).
    truncate : int, optional
        Truncated BPTT: split the sequence into chunks of `truncate` steps and stop the
        gradient at the start of each chunk, as ``h.detach()`` between chunks does in
        PyTorch. Default: None, the full gradient.

    Returns
    -------
    RNNGradients
        A named tuple of arrays: ``w_xh``, ``w_hh``, ``b_h``, ``h0`` and ``xs`` hold
        $\partial L / \partial(\cdot)$ with the shape of each argument; ``hs`` holds the
        total gradient $\delta_t = \mathrm{d}L / \mathrm{d}h_t$, shaped like `grad_hs`,
        including everything that flows back from later steps.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; if `truncate` is below 1; or if a
        gradient exceeds the float64 range (about 1.8e+308), as an exploding gradient
        through a large `w_hh` can. Sums that overflow only on the way are redone on
        factors divided by powers of two.
    TypeError
        If an array does not hold real numbers, `params` is not a sequence of three
        arrays, or `truncate` is not an int.

    See Also
    --------
    rnn_forward : The forward pass this differentiates (it is recomputed here).

    Notes
    -----
    With $a_t = x_t W_{xh} + h_{t-1} W_{hh} + b_h$ and $h_t = \tanh a_t$, the loop runs
    backwards from $t = T$:

    $$\delta_t = \frac{\partial L}{\partial h_t} + \delta_{t+1}^{a} W_{hh}^\top, \qquad
      \delta_t^{a} = \delta_t \odot (1 - h_t)(1 + h_t),$$

    $$\frac{\partial L}{\partial W_{xh}} = \sum_t x_t^\top \delta_t^{a}, \quad
      \frac{\partial L}{\partial W_{hh}} = \sum_t h_{t-1}^\top \delta_t^{a}, \quad
      \frac{\partial L}{\partial b_h} = \sum_t \mathbf{1}^\top \delta_t^{a}, \quad
      \frac{\partial L}{\partial x_t} = \delta_t^{a} W_{xh}^\top .$$

    Each step back multiplies the gradient by $\operatorname{diag}(1 - h_t^2)\,W_{hh}^\top$,
    so over many steps it shrinks geometrically when $W_{hh}$ is small or the units
    saturate (vanishing gradients) and can grow geometrically when $W_{hh}$ is large
    (exploding gradients). $1 - h^2$ is computed as $(1 - h)(1 + h)$, which keeps its
    relative precision when $h$ is close to $\pm 1$. With ``truncate=k`` the term from
    step $t$ into $h_{t-1}$ is dropped whenever $t$ starts a chunk ($t = k, 2k, \dots$),
    which is what training on chunks with a detached state computes.

    References
    ----------
    P. J. Werbos, "Backpropagation through time: what it does and how to do it",
    Proceedings of the IEEE 78 (1990).

    Examples
    --------
    One unit with every weight 0 and $h_0 = 0$, so every $h_t = 0$ and $\tanh' = 1$.
    With the loss $L = h_2$ (``grad_hs = [[0], [1]]``), $\partial L / \partial W_{xh} =
    x_2 = 2$ and only $x_2$ gets a gradient, $w_{xh} = 0$:

    >>> zero = ([[0.0]], [[0.0]], [0.0])
    >>> g = rnn_bptt([[1.0], [2.0]], [0.0], zero, [[0.0], [1.0]])
    >>> g.w_xh.tolist(), g.b_h.tolist(), g.hs.tolist()
    ([[2.0]], [1.0], [[0.0], [1.0]])

    With $w_{hh} = 0.5$ the gradient reaching $h_1$ is $0.5$, and $0.25$ at $h_0$:

    >>> g = rnn_bptt([[0.0], [0.0]], [0.0], ([[1.0]], [[0.5]], [0.0]), [[0.0], [1.0]])
    >>> g.hs.tolist(), g.h0.tolist()
    ([[0.5], [1.0]], [0.25])
    >>> rnn_bptt([[0.0], [0.0]], [0.0], ([[1.0]], [[0.5]], [0.0]), [[0.0], [1.0]],
    ...          truncate=1).h0.tolist()
    [0.0]
    """
    if not isinstance(params, tuple | list) or len(params) != 3:
        raise TypeError(f"params must be a tuple (w_xh, w_hh, b_h); got {type(params).__name__}.")
    xs, h0, w_xh, w_hh, b_h, unbatched = _rnn_inputs(xs, h0, params)
    hs = _run(xs, h0, w_xh, w_hh, b_h)
    grad_hs = as_float_array(grad_hs, "grad_hs", ndim=(2, 3))
    check_shape(grad_hs, hs[:, 0].shape if unbatched else hs.shape, "grad_hs", "like hs")
    grad_hs = grad_hs.reshape(hs.shape)
    n_steps = xs.shape[0]
    k = n_steps if truncate is None else check_int(truncate, "truncate", minimum=1)

    h_prev = np.concatenate([h0[np.newaxis], hs[:-1]])  # h_{t-1} for every t
    # every gradient is linear in grad_hs: run the loop on grad_hs divided by a power of
    # two near its largest magnitude (exact; never multiplied up) and scale back at the end
    e_g = max(max_exponent(grad_hs), 0)
    grad_hs = np.ldexp(grad_hs, -e_g)
    delta_h = np.empty_like(hs)  # dL/dh_t, everything included
    delta_a = np.empty_like(hs)  # dL/da_t, the gradient of the pre-activation
    carry = np.zeros_like(h0)  # dL/dh_t arriving from step t + 1
    # a large W_hh can make the gradient explode past float64; reported just below
    with np.errstate(over="ignore", invalid="ignore"):
        for t in reversed(range(n_steps)):
            delta_h[t] = grad_hs[t] + carry
            # through tanh: d tanh(a) / da = 1 - h^2 = (1 - h)(1 + h)
            delta_a[t] = delta_h[t] * (1.0 - hs[t]) * (1.0 + hs[t])
            # into h_{t-1} through a_t = x_t W_xh + h_{t-1} W_hh + b_h, unless t starts a chunk
            carry = delta_a[t] @ w_hh.T if t % k or t == 0 else np.zeros_like(carry)
    if not (np.all(np.isfinite(delta_h)) and np.all(np.isfinite(carry))):
        raise ValueError(
            "the gradient dL/dh_t overflows float64 on its way back through time "
            "(an exploding gradient); rescale grad_hs or w_hh, or truncate."
        )
    grads = RNNGradients(
        w_xh=_scaled_product("tni,tnh->ih", xs, delta_a, e_g, "the gradient for w_xh"),
        w_hh=_scaled_product("tnj,tnh->jh", h_prev, delta_a, e_g, "the gradient for w_hh"),
        b_h=unscale_or_refuse(delta_a.sum(axis=(0, 1)), e_g, "the gradient for b_h"),
        h0=unscale_or_refuse(carry, e_g, "the gradient for h0"),
        xs=_scaled_product("tnh,ih->tni", delta_a, w_xh, e_g, "the gradient for xs"),
        hs=unscale_or_refuse(delta_h, e_g, "the gradient for hs"),
    )
    if unbatched:
        return grads._replace(h0=grads.h0[0], xs=grads.xs[:, 0], hs=grads.hs[:, 0])
    return grads


def _direction_params(params, name):
    """Validate one direction's (w_xh, w_hh, b_h) tuple; return the float arrays."""
    if not isinstance(params, tuple | list) or len(params) not in (2, 3):
        raise TypeError(
            f"{name} must be a tuple (w_xh, w_hh, b_h) or (w_xh, w_hh); "
            f"got {type(params).__name__}."
        )
    return _rnn_weights(*params, None) if len(params) == 2 else _rnn_weights(*params)


def bidirectional_rnn_forward(xs, h0, params_forward, params_backward):
    r"""Run a bidirectional RNN: one tanh network reads forwards, one backwards; concatenate.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs: `T` time steps of a batch of `n` sequences (time-major), or of one
        sequence.
    h0 : array_like of shape (2, n, hidden) or (2, hidden)
        Finite initial states: ``h0[0]`` for the forward network, ``h0[1]`` for the
        backward one (PyTorch's order), usually zeros.
    params_forward, params_backward : tuple of (w_xh, w_hh, b_h)
        The weights of each direction, shaped ``(d_in, hidden)``, ``(hidden, hidden)`` and
        ``(hidden,)`` as for :func:`rnn_forward`; ``b_h`` may be left out (zeros). Both
        directions have the same hidden size.

    Returns
    -------
    ndarray of shape (T, n, 2 * hidden) or (T, 2 * hidden)
        At step $t$, the forward state after reading ``xs[0..t]`` followed by the backward
        state after reading ``xs[T-1..t]``: every position sees the whole sequence.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, the two directions differ in hidden size, or an array is empty or holds
        NaN or infinity.
    TypeError
        If an array does not hold real numbers or a params argument is not a tuple of
        two or three arrays.

    See Also
    --------
    rnn_forward : The one-directional network each half runs.

    Notes
    -----
    $$\begin{aligned}
    \overrightarrow{h}_t &= \tanh\bigl(x_t \overrightarrow{W}_{xh}
      + \overrightarrow{h}_{t-1} \overrightarrow{W}_{hh} + \overrightarrow{b}\bigr),\\
    \overleftarrow{h}_t &= \tanh\bigl(x_t \overleftarrow{W}_{xh}
      + \overleftarrow{h}_{t+1} \overleftarrow{W}_{hh} + \overleftarrow{b}\bigr),
    \qquad y_t = [\overrightarrow{h}_t ; \overleftarrow{h}_t].
    \end{aligned}$$

    The backward network starts from ``h0[1]`` at the last step and runs towards the
    first; its state at step $t$ is stored at position $t$, so the two halves line up.
    This equals the ``output`` of ``torch.nn.RNN(d_in, hidden, nonlinearity="tanh",
    bidirectional=True)`` whose ``weight_ih_l0``, ``weight_hh_l0`` hold the forward
    weights transposed and ``weight_ih_l0_reverse``, ``weight_hh_l0_reverse`` the
    backward ones. PyTorch's ``h_n`` is ``[out[-1, :, :hidden], out[0, :, hidden:]]``:
    the forward half of the last step and the backward half of the first. A
    bidirectional network needs the whole input before it can emit anything, so it
    suits encoders and taggers, not step-by-step generation.

    References
    ----------
    M. Schuster and K. K. Paliwal, "Bidirectional recurrent neural networks", IEEE
    Transactions on Signal Processing 45(11) (1997).

    Examples
    --------
    One unit each way, $w_{xh} = 1$ and $w_{hh} = 0.5$, reading $1, 0$. Forwards:
    $\tanh(1) = 0.7616$, then $\tanh(0.5 \cdot 0.7616) = 0.3634$. Backwards it reads
    $0$ first, $\tanh(0) = 0$, then $\tanh(1 + 0.5 \cdot 0) = 0.7616$, stored at step 0:

    >>> both = ([[1.0]], [[0.5]])
    >>> bidirectional_rnn_forward([[1.0], [0.0]], [[0.0], [0.0]], both, both
    ...                           ).round(4).tolist()
    [[0.7616, 0.7616], [0.3634, 0.0]]
    """
    forward = _direction_params(params_forward, "params_forward")
    backward = _direction_params(params_backward, "params_backward")
    if forward[0].shape[1] != backward[0].shape[1]:
        raise ValueError(
            "params_forward and params_backward must have the same hidden size; got "
            f"w_xh of shapes {forward[0].shape} and {backward[0].shape}."
        )
    h0 = as_float_array(h0, "h0", ndim=(2, 3), layout="(2, n, hidden) or (2, hidden)")
    if h0.shape[0] != 2:
        raise ValueError(
            "h0 must hold two initial states along axis 0, forward then backward, shaped "
            f"(2, n, hidden) or (2, hidden); got shape {h0.shape}."
        )
    xs, h_fwd, *_, unbatched = _rnn_inputs(xs, h0[0], forward)
    xs_rev, h_bwd, *_ = _rnn_inputs(xs[::-1], h0[1][np.newaxis] if unbatched else h0[1], backward)
    out = np.concatenate([_run(xs, h_fwd, *forward), _run(xs_rev, h_bwd, *backward)[::-1]], -1)
    return out[:, 0] if unbatched else out


# --------------------------------------------------------------------------- tokens


def pad_sequences(sequences, *, pad_id=0, max_length=None):
    r"""EOS token and padding: stack token sequences of different lengths into one batch.

    Parameters
    ----------
    sequences : sequence of array_like
        At least one sequence; each is 1-D and holds non-negative integer token ids
        (it may be empty).
    pad_id : int, default=0
        The id written after the end of each shorter sequence.
    max_length : int, optional
        Width $L$ of the batch. Longer sequences keep their first $L$ tokens. Default:
        the length of the longest sequence.

    Returns
    -------
    ids : ndarray of shape (n, L), int64
        Row $i$ holds sequence $i$ followed by `pad_id` up to the width $L$.
    lengths : ndarray of shape (n,), int64
        How many real tokens each row holds, $\min(\text{len}_i, L)$.

    Raises
    ------
    ValueError
        If there are no sequences, a sequence is not 1-D, or a token id is negative,
        fractional, NaN or infinite; or if `pad_id` is negative or `max_length` below 1.
    TypeError
        If `sequences` is not a list, tuple or array, a sequence does not hold numbers,
        or `pad_id` or `max_length` is not an int.

    See Also
    --------
    truncate_at_eos : Cut a generated batch at its end-of-sequence tokens.

    Notes
    -----
    $$\text{ids}_{i,j} = \begin{cases} s_{i,j} & j < \ell_i \\ \text{pad} & j \ge \ell_i
      \end{cases}, \qquad \ell_i = \min(|s_i|, L).$$

    Padding goes after the tokens and truncation keeps the start, as in PyTorch's
    ``pad_sequence``; Keras's ``pad_sequences`` pads and truncates at the front by
    default. Keep `lengths` (or a mask ``arange(L) < lengths[:, None]``) beside the batch,
    so the loss and the recurrent state can ignore the padded steps. Tokens are placed
    with one boolean-mask assignment; the only loop reads the ragged input.

    Examples
    --------
    >>> ids, lengths = pad_sequences([[5, 3, 2], [7], [4, 4]])
    >>> ids.tolist(), lengths.tolist()
    ([[5, 3, 2], [7, 0, 0], [4, 4, 0]], [3, 1, 2])
    >>> ids, lengths = pad_sequences([[5, 3, 2], []], pad_id=9, max_length=2)
    >>> ids.tolist(), lengths.tolist()
    ([[5, 3], [9, 9]], [2, 0])
    """
    if not isinstance(sequences, list | tuple | np.ndarray):
        raise TypeError(
            f"sequences must be a list, tuple or array of sequences; "
            f"got {type(sequences).__name__}."
        )
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence; got none.")
    seqs = [_as_token_ids(s, f"sequences[{i}]", (1,)) for i, s in enumerate(sequences)]
    pad_id = check_int(pad_id, "pad_id", minimum=0)
    lengths = np.array([s.size for s in seqs], dtype=np.int64)
    width = (
        int(lengths.max()) if max_length is None else check_int(max_length, "max_length", minimum=1)
    )
    lengths = np.minimum(lengths, width)
    ids = np.full((len(seqs), width), pad_id, dtype=np.int64)
    # row-major order of the mask matches the order of the concatenated tokens
    ids[np.arange(width) < lengths[:, np.newaxis]] = np.concatenate([s[:width] for s in seqs])
    return ids, lengths


def truncate_at_eos(token_ids, eos_id, *, keep_eos=True, pad_id=0):
    r"""Cut token sequences at their first end-of-sequence (EOS) token.

    Parameters
    ----------
    token_ids : array_like of shape (n, T) or (T,)
        Non-negative integer token ids: a batch of `n` sequences of `T` steps, or one.
    eos_id : int
        The id of the EOS token.
    keep_eos : bool, default=True
        Keep the EOS token itself as the last token, or drop it too.
    pad_id : int, default=0
        For a batch, the id written over every position after the cut.

    Returns
    -------
    ids : ndarray of shape (n, T) or (length,), int64
        For a batch, `token_ids` with every position from the cut on set to `pad_id`
        (the batch keeps its width). For one sequence, the sequence up to the cut (a
        shorter array).
    lengths : ndarray of shape (n,) or int
        The number of tokens kept in each sequence (a Python int for one sequence). A
        sequence without EOS is kept whole, length `T`.

    Raises
    ------
    ValueError
        If `token_ids` is empty, not 1-D or 2-D, or holds a negative, fractional, NaN or
        infinite id; or if `eos_id` or `pad_id` is negative.
    TypeError
        If `token_ids` does not hold numbers, `eos_id` or `pad_id` is not an int, or
        `keep_eos` is not a bool.

    See Also
    --------
    pad_sequences : Build a padded batch from sequences of different lengths.

    Notes
    -----
    With $e_i$ the position of the first EOS in row $i$ (or $T$ if there is none),

    $$\ell_i = \begin{cases} e_i + 1 & \text{EOS found and kept} \\ e_i & \text{otherwise}
      \end{cases}, \qquad \text{ids}_{i,j} = \begin{cases} x_{i,j} & j < \ell_i \\
      \text{pad} & j \ge \ell_i. \end{cases}$$

    A model that generates a batch of sequences keeps going until every row has produced
    EOS or a step limit is reached, so whatever a row emits after its own EOS is noise;
    this removes it. The first EOS is found for all rows at once with ``argmax`` over a
    boolean array, so there is no loop. `pad_id` may equal `eos_id`, as in tokenizers
    that reuse EOS for padding; `lengths` then stays the reliable record.

    Examples
    --------
    With EOS id 2, the first row ends at position 1, the second at 2, the third never:

    >>> ids = [[5, 2, 7, 7], [4, 6, 2, 2], [3, 3, 3, 3]]
    >>> out, lengths = truncate_at_eos(ids, 2)
    >>> out.tolist(), lengths.tolist()
    ([[5, 2, 0, 0], [4, 6, 2, 0], [3, 3, 3, 3]], [2, 3, 4])
    >>> truncate_at_eos(ids, 2, keep_eos=False)[1].tolist()
    [1, 2, 4]
    >>> seq, length = truncate_at_eos([8, 9, 2, 5], 2)
    >>> seq.tolist(), length
    ([8, 9, 2], 3)
    """
    ids = _as_token_ids(token_ids, "token_ids", (1, 2))
    if ids.size == 0:
        raise ValueError(f"token_ids must not be empty; got shape {ids.shape}.")
    eos_id = check_int(eos_id, "eos_id", minimum=0)
    pad_id = check_int(pad_id, "pad_id", minimum=0)
    check_bool(keep_eos, "keep_eos")
    batch = np.atleast_2d(ids)
    is_eos = batch == eos_id
    n_steps = batch.shape[1]
    # argmax finds the first True in each row; rows without EOS keep all their steps
    lengths = np.where(is_eos.any(axis=1), is_eos.argmax(axis=1) + int(keep_eos), n_steps)
    if ids.ndim == 1:
        return ids[: lengths[0]].copy(), int(lengths[0])
    return np.where(np.arange(n_steps) < lengths[:, np.newaxis], batch, pad_id), lengths
