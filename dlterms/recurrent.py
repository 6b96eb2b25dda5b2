"""Gated recurrent cells: the long short-term memory (LSTM) and the gated recurrent unit (GRU).

Both follow PyTorch's ``nn.LSTM`` / ``nn.GRU`` exactly, so their weights can be copied in
and out unchanged. Sequences are time-major (``batch_first=False``): inputs ``xs`` have
shape ``(T, n, d_in)`` and hidden states ``(T, n, hidden)``. The weights of all gates
are stacked in one matrix, in PyTorch's layout and gate order: ``weight_ih`` is
``(G * hidden, d_in)``, ``weight_hh`` is ``(G * hidden, hidden)``, and there are two
biases ``bias_ih`` and ``bias_hh`` of shape ``(G * hidden,)``. Products read
``x @ weight_ih.T``. The LSTM has ``G = 4`` gates in the order input, forget, cell
(candidate), output (i, f, g, o); the GRU has ``G = 3`` in the order reset, update, new
(r, z, n). The plain tanh recurrent network is in :mod:`dlterms.sequence`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_vector,
    check_shape,
    max_exponent,
    unscale_or_refuse,
)
from dlterms.activations import sigmoid
from dlterms.sequence import _scaled_product  # the overflow-safe einsum rnn_bptt uses

__all__ = [
    "gru_bptt",
    "gru_cell",
    "gru_forward",
    "lstm_bptt",
    "lstm_cell",
    "lstm_forward",
]

_LSTM_GATES = "i, f, g, o"
_GRU_GATES = "r, z, n"


class LSTMStates(NamedTuple):
    """Hidden and cell states returned by :func:`lstm_forward`, each (T, n, hidden)."""

    hs: np.ndarray
    cs: np.ndarray


class LSTMGradients(NamedTuple):
    """Gradients returned by :func:`lstm_bptt`, each shaped like the array it belongs to."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    xs: np.ndarray


class GRUGradients(NamedTuple):
    """Gradients returned by :func:`gru_bptt`, each shaped like the array it belongs to."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    h0: np.ndarray
    xs: np.ndarray


# --------------------------------------------------------------------------- validation


def _weights(params, n_gates, order):
    """Validate (weight_ih, weight_hh, bias_ih, bias_hh); biases None become zeros."""
    weight_ih, weight_hh, bias_ih, bias_hh = params
    layout = f"({n_gates} * hidden, d_in), the {order} gates stacked"
    weight_ih = as_float_array(weight_ih, "weight_ih", ndim=2, layout=layout)
    rows = weight_ih.shape[0]
    if rows % n_gates:
        raise ValueError(
            f"weight_ih must have {n_gates} * hidden rows, one block per gate ({order}); "
            f"got shape {weight_ih.shape}."
        )
    hidden = rows // n_gates
    weight_hh = as_float_array(
        weight_hh, "weight_hh", ndim=2, layout=f"({n_gates} * hidden, hidden)"
    )
    check_shape(weight_hh, (rows, hidden), "weight_hh", f"({n_gates} * hidden, hidden)")
    bias_ih = np.zeros(rows) if bias_ih is None else as_vector(bias_ih, "bias_ih", rows)
    bias_hh = np.zeros(rows) if bias_hh is None else as_vector(bias_hh, "bias_hh", rows)
    return weight_ih, weight_hh, bias_ih, bias_hh


def _params_tuple(params, names):
    """Check that `params` is a tuple or list of the four weight arrays."""
    if not isinstance(params, tuple | list) or len(params) != 4:
        raise TypeError(
            f"params must be a tuple ({names}) of 4 arrays; got {type(params).__name__}"
            + (f" of length {len(params)}." if isinstance(params, tuple | list) else ".")
        )
    return tuple(params)


def _inputs(xs, states, weights, *, per_step):
    """Validate inputs and states; return batched (T, n, d_in) xs, (n, hidden) states,
    and whether the input was unbatched.

    `states` is a list of (array, name) pairs (h, and c for the LSTM).
    """
    weight_ih = weights[0]
    lead = 0 if per_step else 1
    x_name = "x_t" if per_step else "xs"
    layout = "(n, d_in) or (d_in,)" if per_step else "(T, n, d_in) or (T, d_in)"
    xs = as_float_array(xs, x_name, ndim=(1 + lead, 2 + lead), layout=layout)
    if xs.shape[-1] != weight_ih.shape[1]:
        raise ValueError(
            f"weight_ih must have one column per input feature, {xs.shape[-1]}; "
            f"got weight_ih of shape {weight_ih.shape} for {x_name} of shape {xs.shape}."
        )
    unbatched = xs.ndim == 1 + lead
    expected = xs.shape[lead:-1] + (weights[1].shape[1],)
    checked = []
    for state, name in states:
        state = as_float_array(state, name, ndim=(1, 2), layout="(n, hidden) or (hidden,)")
        if state.shape != expected:
            raise ValueError(
                f"{name} must have shape {expected} to match {x_name} of shape {xs.shape} "
                f"and weight_hh of shape {weights[1].shape}; got {state.shape}. Check "
                f"{x_name} and {name} for a missing or extra batch axis."
            )
        checked.append(state[np.newaxis] if unbatched else state)
    if unbatched:  # add a batch axis of 1
        xs = np.expand_dims(xs, lead)
    if per_step:  # add a time axis of 1
        xs = xs[np.newaxis]
    return xs, checked, unbatched


# --------------------------------------------------------------------------- arithmetic


def _product(x, w):
    """``x @ w.T`` as (mantissa, exponent): finite factors divided by powers of two."""
    e_x, e_w = max_exponent(x), max_exponent(w)
    return np.ldexp(x, -e_x) @ np.ldexp(w, -e_w).T, e_x + e_w


def _scaled(b):
    """`b` as (mantissa, exponent): divided by a power of two near its largest magnitude."""
    e = max_exponent(b)
    return np.ldexp(b, -e), e


def _sum_scaled(terms):
    """Sum of (m, e) terms as a (mantissa, exponent) pair, without leaving float64."""
    e = max(exponent for _, exponent in terms)
    return sum(np.ldexp(m, exponent - e) for m, exponent in terms), e


def _sum(terms):
    """Sum of ``m * 2**e`` over (m, e) terms, ±inf only where the exact sum is beyond float64."""
    total, e = _sum_scaled(terms)
    # the scaled sum is finite; ldexp overflows only where the exact sum does
    with np.errstate(over="ignore"):
        return np.ldexp(total, e)


def _affine(x, w, b):
    """``x @ w.T + b``, redone on scaled factors if the plain sum overflows."""
    # finite inputs near the float range can overflow the sums; redone scaled just below
    with np.errstate(over="ignore", invalid="ignore"):
        a = x @ w.T + b
    if np.all(np.isfinite(a)):
        return a
    return _sum([_product(x, w), _scaled(b)])


def _sigmoid(a):
    """dlterms.sigmoid for pre-activations that may be ±inf (beyond float64).

    sigmoid(±1000) is already exactly 1 or 0 in float64, so clipping there changes nothing.
    """
    return sigmoid(np.clip(a, -1000.0, 1000.0))


# --------------------------------------------------------------------------- LSTM


def _lstm_run(xs, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh):
    """The LSTM recurrence on validated arrays; returns hs, cs and the gates (T, n, 4H)."""
    n_steps, hidden = xs.shape[0], weight_hh.shape[1]
    hs = np.empty(xs.shape[:2] + (hidden,))
    cs = np.empty_like(hs)
    gates = np.empty(xs.shape[:2] + (4 * hidden,))
    # the input part of every gate, for all steps at once
    a_x = _affine(xs, weight_ih, bias_ih)
    h, c = h0, c0
    for t in range(n_steps):
        # a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, all four gates stacked
        with np.errstate(over="ignore", invalid="ignore"):  # redone scaled just below
            a = a_x[t] + _affine(h, weight_hh, bias_hh)
        if not np.all(np.isfinite(a)):  # a sum beyond float64: redone term by term
            a = _sum_terms(xs[t], h, weight_ih, weight_hh, bias_ih, bias_hh)
        i, f, o = (_sigmoid(a[:, k * hidden : (k + 1) * hidden]) for k in (0, 1, 3))
        g = np.tanh(a[:, 2 * hidden : 3 * hidden])
        # c_t = f * c_{t-1} + i * g: |i * g| <= 1, so this cannot overflow
        c = f * c + i * g
        # h_t = o * tanh(c_t)
        h = o * np.tanh(c)
        hs[t], cs[t] = h, c
        gates[t] = np.concatenate([i, f, g, o], axis=1)
    return hs, cs, gates


def _sum_terms(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    """x W_ih^T + b_ih + h W_hh^T + b_hh with every factor scaled by a power of two."""
    terms = [_product(x, weight_ih), _product(h, weight_hh)]
    terms += [_scaled(bias_ih), _scaled(bias_hh)]
    # a plain sum of terms of opposite sign overflowing to inf - inf would give NaN
    with np.errstate(invalid="ignore"):
        return _sum(terms)


def lstm_cell(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    r"""One step of a long short-term memory (LSTM) cell, in PyTorch's gate order i, f, g, o.

    Parameters
    ----------
    x_t : array_like of shape (n, d_in) or (d_in,)
        Finite inputs at this time step, for a batch of `n` sequences or for one.
    h_prev : array_like of shape (n, hidden) or (hidden,)
        Finite hidden state from the previous step, with as many dimensions as `x_t`.
    c_prev : array_like of shape (n, hidden) or (hidden,)
        Finite cell state from the previous step, shaped like `h_prev`.
    weight_ih : array_like of shape (4 * hidden, d_in)
        Finite input-to-hidden weights of the input, forget, cell and output gates,
        stacked in that order (i, f, g, o), as ``nn.LSTM.weight_ih_l0``.
    weight_hh : array_like of shape (4 * hidden, hidden)
        Finite hidden-to-hidden weights, stacked the same way (``weight_hh_l0``).
    bias_ih, bias_hh : array_like of shape (4 * hidden,), optional
        Finite biases, stacked the same way (``bias_ih_l0``, ``bias_hh_l0``); only their
        sum matters. Default: zeros.

    Returns
    -------
    h : ndarray of shape (n, hidden) or (hidden,)
        The new hidden state $h_t$, every entry in $[-1, 1]$.
    c : ndarray of shape (n, hidden) or (hidden,)
        The new cell state $c_t$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others (``weight_ih`` must have a multiple of 4 rows), is empty, or holds NaN or
        infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    lstm_forward : The same step repeated over a whole sequence.

    gru_cell : The gated recurrent unit, with two gates and no separate cell state.

    rnn_cell : The plain tanh recurrent step the LSTM replaces.

    Notes
    -----
    With $a = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$ split into four
    blocks of `hidden` columns, in PyTorch's order,

    $$\begin{aligned}
    i &= \sigma(a_i), \quad f = \sigma(a_f), \quad g = \tanh(a_g), \quad o = \sigma(a_o),\\
    c_t &= f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t).
    \end{aligned}$$

    The forget gate $f$ scales the old cell state and the input gate $i$ admits the
    candidate $g$; the cell state is updated by addition, so its gradient can pass many
    steps back without being squashed by a nonlinearity. The layout is that of
    ``torch.nn.LSTM``/``nn.LSTMCell`` (``weight_ih`` is ``(4 * hidden, d_in)``, rows
    in the order i, f, g, o, and two biases), so weights copy across unchanged. The
    sigmoid is :func:`dlterms.sigmoid`, which never overflows. A gate sum that overflows
    is redone on factors divided by powers of two; one beyond the float range counts as
    $\pm\infty$, where the gates are exactly 0 or 1 and tanh is $\pm 1$.

    References
    ----------
    S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural Computation 9(8)
    (1997). F. A. Gers, J. Schmidhuber and F. Cummins, "Learning to forget: continual
    prediction with LSTM", Neural Computation 12(10) (2000).

    Examples
    --------
    One unit, every weight 0: each gate gets $a = 0$, so $i = f = o = \sigma(0) = 0.5$
    and $g = \tanh(0) = 0$. The cell keeps half its old state, $c = 0.5 \cdot 2 = 1$, and
    $h = 0.5 \tanh(1) = 0.3808$:

    >>> w_ih, w_hh = [[0.0]] * 4, [[0.0]] * 4
    >>> h, c = lstm_cell([1.0], [0.0], [2.0], w_ih, w_hh)
    >>> h.round(4).tolist(), c.tolist()
    ([0.3808], [1.0])

    A large forget bias keeps the cell state whole; $f = \sigma(1000) = 1$ exactly:

    >>> lstm_cell([1.0], [0.0], [2.0], w_ih, w_hh, [0.0, 1000.0, 0.0, 0.0])[1].tolist()
    [2.0]
    """
    weights = _weights((weight_ih, weight_hh, bias_ih, bias_hh), 4, _LSTM_GATES)
    xs, (h0, c0), unbatched = _inputs(
        x_t, [(h_prev, "h_prev"), (c_prev, "c_prev")], weights, per_step=True
    )
    hs, cs, _ = _lstm_run(xs, h0, c0, *weights)
    h, c = hs[0], cs[0]
    return (h[0], c[0]) if unbatched else (h, c)


def lstm_forward(xs, h0, c0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    r"""Run a long short-term memory (LSTM) network over whole sequences.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs: `T` time steps of a batch of `n` sequences (time-major), or of one
        sequence.
    h0, c0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden and cell states, usually zeros.
    weight_ih : array_like of shape (4 * hidden, d_in)
        Finite input weights of the gates i, f, g, o stacked in PyTorch's order.
    weight_hh : array_like of shape (4 * hidden, hidden)
        Finite recurrent weights, stacked the same way.
    bias_ih, bias_hh : array_like of shape (4 * hidden,), optional
        Finite biases, stacked the same way. Default: zeros.

    Returns
    -------
    LSTMStates
        A named tuple ``(hs, cs)`` of arrays shaped (T, n, hidden), or (T, hidden) for
        one sequence: ``hs[t]`` and ``cs[t]`` are the hidden and cell states after reading
        ``xs[t]``. ``hs`` is PyTorch's ``output``; ``hs[-1]`` and ``cs[-1]`` are its
        ``h_n`` and ``c_n``.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    lstm_cell : One step, with the gate equations.

    lstm_bptt : Gradients of a loss on the hidden states.

    rnn_forward : The plain tanh recurrent network.

    Notes
    -----
    Each step is :func:`lstm_cell`. The output equals ``torch.nn.LSTM(d_in, hidden)``
    with ``weight_ih_l0 = weight_ih``, ``weight_hh_l0 = weight_hh``, ``bias_ih_l0 =
    bias_ih`` and ``bias_hh_l0 = bias_hh`` (gate order i, f, g, o as PyTorch documents
    it), given ``(h0, c0)`` with a leading layer axis of 1. The input part of every gate
    is computed for all steps in one product; the loop over time is the recurrence.

    Examples
    --------
    One unit whose gates all see $a = 0$ except the candidate, $g = \tanh(x_t)$:
    ``weight_ih = [[0], [0], [1], [0]]``. Then $c_t = 0.5\,c_{t-1} + 0.5 \tanh(x_t)$ and
    $h_t = 0.5 \tanh(c_t)$. With the inputs $1, 0$: $c_1 = 0.5 \cdot 0.7616 = 0.3808$,
    $h_1 = 0.5 \tanh(0.3808) = 0.1817$, then $c_2 = 0.1904$ and $h_2 = 0.0941$.

    >>> hs, cs = lstm_forward([[1.0], [0.0]], [0.0], [0.0],
    ...                       [[0.0], [0.0], [1.0], [0.0]], [[0.0]] * 4)
    >>> hs.round(4).tolist(), cs.round(4).tolist()
    ([[0.1817], [0.0941]], [[0.3808], [0.1904]])
    """
    weights = _weights((weight_ih, weight_hh, bias_ih, bias_hh), 4, _LSTM_GATES)
    xs, (h0, c0), unbatched = _inputs(xs, [(h0, "h0"), (c0, "c0")], weights, per_step=False)
    hs, cs, _ = _lstm_run(xs, h0, c0, *weights)
    return LSTMStates(hs[:, 0], cs[:, 0]) if unbatched else LSTMStates(hs, cs)


def _grad_scale(grad_hs, expected_shape, unbatched):
    """Validate grad_hs; return it batched and divided by 2**e (exact), and e."""
    grad_hs = as_float_array(grad_hs, "grad_hs", ndim=(2, 3), layout="(T, n, hidden)")
    shape = (expected_shape[0], expected_shape[2]) if unbatched else expected_shape
    check_shape(grad_hs, shape, "grad_hs", "like the hidden states")
    grad_hs = grad_hs.reshape(expected_shape)
    # every gradient is linear in grad_hs: run the loop on grad_hs divided by a power of
    # two near its largest magnitude (exact; never multiplied up) and scale back at the end
    e_g = max(max_exponent(grad_hs), 0)
    return np.ldexp(grad_hs, -e_g), e_g


def _refuse_if_overflowed(arrays):
    if not all(np.all(np.isfinite(a)) for a in arrays):
        raise ValueError(
            "the gradient overflows float64 on its way back through time (an exploding "
            "gradient, or states near the float range); rescale grad_hs, the weights or "
            "the initial states."
        )


def _weight_grads(delta_ih, delta_hh, xs, h_prev, weight_ih, e_g):
    """Parameter and input gradients from the gate gradients of every step."""
    return (
        _scaled_product("tng,tnd->gd", delta_ih, xs, e_g, "the gradient for weight_ih"),
        _scaled_product("tng,tnj->gj", delta_hh, h_prev, e_g, "the gradient for weight_hh"),
        unscale_or_refuse(delta_ih.sum(axis=(0, 1)), e_g, "the gradient for bias_ih"),
        unscale_or_refuse(delta_hh.sum(axis=(0, 1)), e_g, "the gradient for bias_hh"),
        _scaled_product("tng,gd->tnd", delta_ih, weight_ih, e_g, "the gradient for xs"),
    )


def lstm_bptt(xs, h0, c0, params, grad_hs):
    r"""Gradients of a long short-term memory (LSTM) network by backpropagation through time.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs, as for :func:`lstm_forward`.
    h0, c0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden and cell states.
    params : tuple of (weight_ih, weight_hh, bias_ih, bias_hh)
        The weights in PyTorch's layout, gates stacked i, f, g, o: ``(4 * hidden, d_in)``,
        ``(4 * hidden, hidden)`` and two ``(4 * hidden,)`` biases (None for zeros).
    grad_hs : array_like of shape (T, n, hidden) or (T, hidden)
        Finite $\partial L / \partial h_t$ for every step: how the loss depends on each
        hidden state directly (zeros where a state feeds no loss term; a loss on ``h_n``
        only is nonzero in the last row).

    Returns
    -------
    LSTMGradients
        A named tuple of arrays ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``,
        ``h0``, ``c0`` and ``xs``, each $\partial L / \partial(\cdot)$ with the shape of
        its argument. The two bias gradients are equal, since only the biases' sum enters.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a gradient exceeds the float64
        range (about 1.8e+308).
    TypeError
        If an array does not hold real numbers or `params` is not a sequence of four.

    See Also
    --------
    lstm_forward : The forward pass this differentiates (it is recomputed here).

    rnn_bptt : The same for the plain tanh network.

    Notes
    -----
    With $\delta h_t$ and $\delta c_t$ the total gradients reaching $h_t$ and $c_t$, the
    loop runs backwards from $t = T$:

    $$\begin{aligned}
    \delta c_t &\mathrel{+}= \delta h_t \odot o \odot (1 - \tanh^2 c_t), \quad
    \delta a_o = \delta h_t \odot \tanh c_t \odot o(1 - o),\\
    \delta a_i &= \delta c_t \odot g \odot i(1 - i), \quad
    \delta a_f = \delta c_t \odot c_{t-1} \odot f(1 - f), \quad
    \delta a_g = \delta c_t \odot i \odot (1 - g^2),\\
    \delta c_{t-1} &= \delta c_t \odot f, \qquad
    \delta h_{t-1} = \tfrac{\partial L}{\partial h_{t-1}} + \delta a\, W_{hh}.
    \end{aligned}$$

    Then $\partial L / \partial W_{ih} = \sum_t \delta a_t^\top x_t$,
    $\partial L / \partial W_{hh} = \sum_t \delta a_t^\top h_{t-1}$, and each bias gets
    $\sum_t \delta a_t$. Along the cell state the gradient is only multiplied by the
    forget gate, $\delta c_{t-1} = f \odot \delta c_t$: with $f$ near 1 it survives many
    steps, where a tanh network multiplies it by $W_{hh}^\top$ and a tanh derivative
    at every step. This is what autograd computes for ``torch.nn.LSTM``.

    Examples
    --------
    One unit with every weight 0, $h_0 = 0$, $c_0 = 2$ and the loss $L = h_1$: the gates
    are $i = f = o = 0.5$, $g = 0$, so $c_1 = 1$ and $h_1 = 0.5 \tanh 1$. The gradient
    reaching $c_1$ is $o\,(1 - \tanh^2 1) = 0.5 \cdot 0.42 = 0.21$, and $c_0$ gets
    $f \cdot 0.21 = 0.105$:

    >>> zero = ([[0.0]] * 4, [[0.0]] * 4, None, None)
    >>> g = lstm_bptt([[1.0]], [0.0], [2.0], zero, [[1.0]])
    >>> g.c0.round(4).tolist()
    [0.105]

    With $x = 1$ the input weights get the gate gradients $\delta a$ themselves: 0 for
    $i$ (as $g = 0$), $0.21 \cdot c_0 \cdot 0.25 = 0.105$ for $f$, $0.21 \cdot i = 0.105$
    for $g$ and $\tanh(1) \cdot 0.25 = 0.1904$ for $o$:

    >>> g.weight_ih.round(4).ravel().tolist()
    [0.0, 0.105, 0.105, 0.1904]
    """
    params = _params_tuple(params, "weight_ih, weight_hh, bias_ih, bias_hh")
    weights = _weights(params, 4, _LSTM_GATES)
    xs, (h0, c0), unbatched = _inputs(xs, [(h0, "h0"), (c0, "c0")], weights, per_step=False)
    weight_ih, weight_hh = weights[0], weights[1]
    hs, cs, gates = _lstm_run(xs, h0, c0, *weights)
    grad_hs, e_g = _grad_scale(grad_hs, hs.shape, unbatched)
    hidden = hs.shape[2]
    h_prev = np.concatenate([h0[np.newaxis], hs[:-1]])
    c_prev = np.concatenate([c0[np.newaxis], cs[:-1]])
    delta = np.empty_like(gates)  # dL/da_t for the four gates
    carry_h, carry_c = np.zeros_like(h0), np.zeros_like(c0)
    # a large weight_hh or state can make the gradient overflow; reported just below
    with np.errstate(over="ignore", invalid="ignore"):
        for t in reversed(range(hs.shape[0])):
            i, f, g, o = (gates[t, :, k * hidden : (k + 1) * hidden] for k in range(4))
            tanh_c = np.tanh(cs[t])
            d_h = grad_hs[t] + carry_h
            # h_t = o tanh(c_t): into c_t (plus what arrives from step t + 1) and into o
            d_c = carry_c + d_h * o * (1.0 - tanh_c) * (1.0 + tanh_c)
            # c_t = f c_{t-1} + i g, and each gate through its own nonlinearity
            delta[t, :, :hidden] = d_c * g * i * (1.0 - i)
            delta[t, :, hidden : 2 * hidden] = d_c * c_prev[t] * f * (1.0 - f)
            delta[t, :, 2 * hidden : 3 * hidden] = d_c * i * (1.0 - g) * (1.0 + g)
            delta[t, :, 3 * hidden :] = d_h * tanh_c * o * (1.0 - o)
            carry_c = d_c * f
            carry_h = delta[t] @ weight_hh
    _refuse_if_overflowed([delta, carry_h, carry_c])
    w_ih, w_hh, b_ih, b_hh, d_xs = _weight_grads(delta, delta, xs, h_prev, weight_ih, e_g)
    d_h0 = unscale_or_refuse(carry_h, e_g, "the gradient for h0")
    d_c0 = unscale_or_refuse(carry_c, e_g, "the gradient for c0")
    if unbatched:
        d_h0, d_c0, d_xs = d_h0[0], d_c0[0], d_xs[:, 0]
    return LSTMGradients(w_ih, w_hh, b_ih, b_hh, d_h0, d_c0, d_xs)


# --------------------------------------------------------------------------- GRU


def _gru_run(xs, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """The GRU recurrence; returns hs, the gates r, z, n (T, n, 3H) and W_hn h + b_hn."""
    hidden = weight_hh.shape[1]
    hs = np.empty(xs.shape[:2] + (hidden,))
    gates = np.empty(xs.shape[:2] + (3 * hidden,))
    hns = np.empty_like(hs)
    a_x = _affine(xs, weight_ih, bias_ih)  # the input part of every gate, all steps
    h = h0
    for t in range(xs.shape[0]):
        a_h = _affine(h, weight_hh, bias_hh)
        # r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise
        with np.errstate(over="ignore", invalid="ignore"):  # redone scaled just below
            a_rz = a_x[t, :, : 2 * hidden] + a_h[:, : 2 * hidden]
        if not np.all(np.isfinite(a_rz)):
            a_rz = _sum_terms(
                xs[t], h, weight_ih[: 2 * hidden], weight_hh[: 2 * hidden],
                bias_ih[: 2 * hidden], bias_hh[: 2 * hidden],
            )  # fmt: skip
        r, z = _sigmoid(a_rz[:, :hidden]), _sigmoid(a_rz[:, hidden:])
        # n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): b_hn inside the reset product
        hn = a_h[:, 2 * hidden :]
        with np.errstate(invalid="ignore", over="ignore"):  # redone scaled just below
            a_n = a_x[t, :, 2 * hidden :] + r * hn
        if not np.all(np.isfinite(a_n)):
            a_n = _gru_candidate(xs[t], h, r, weight_ih, weight_hh, bias_ih, bias_hh)
        n = np.tanh(a_n)
        # h_t = (1 - z) * n + z * h_{t-1}
        h = (1.0 - z) * n + z * h
        hs[t], hns[t] = h, hn
        gates[t] = np.concatenate([r, z, n], axis=1)
    return hs, gates, hns


def _gru_candidate(x, h, r, weight_ih, weight_hh, bias_ih, bias_hh):
    """W_in x + b_in + r * (W_hn h + b_hn) on factors scaled by powers of two."""
    hidden = weight_hh.shape[1]
    rows = slice(2 * hidden, None)
    m_hn, e_hn = _sum_scaled([_product(h, weight_hh[rows]), _scaled(bias_hh[rows])])
    terms = [_product(x, weight_ih[rows]), _scaled(bias_ih[rows]), (r * m_hn, e_hn)]
    with np.errstate(invalid="ignore"):
        return _sum(terms)


def gru_cell(x_t, h_prev, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    r"""One step of a gated recurrent unit (GRU), in PyTorch's gate order r, z, n.

    Parameters
    ----------
    x_t : array_like of shape (n, d_in) or (d_in,)
        Finite inputs at this time step, for a batch of `n` sequences or for one.
    h_prev : array_like of shape (n, hidden) or (hidden,)
        Finite hidden state from the previous step, with as many dimensions as `x_t`.
    weight_ih : array_like of shape (3 * hidden, d_in)
        Finite input weights of the reset, update and new gates stacked in that order
        (r, z, n), as ``nn.GRU.weight_ih_l0``.
    weight_hh : array_like of shape (3 * hidden, hidden)
        Finite recurrent weights, stacked the same way (``weight_hh_l0``).
    bias_ih, bias_hh : array_like of shape (3 * hidden,), optional
        Finite biases, stacked the same way (``bias_ih_l0``, ``bias_hh_l0``). They are
        not interchangeable: $b_{hn}$ sits inside the reset product. Default: zeros.

    Returns
    -------
    ndarray of shape (n, hidden) or (hidden,)
        The new hidden state $h_t$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others (``weight_ih`` must have a multiple of 3 rows), is empty, or holds NaN or
        infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    gru_forward : The same step repeated over a whole sequence.

    lstm_cell : The long short-term memory, with a separate cell state and three gates.

    Notes
    -----
    In PyTorch's formulation (``torch.nn.GRU``, ``nn.GRUCell``),

    $$\begin{aligned}
    r &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}), \quad
    z = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}),\\
    n &= \tanh\bigl(W_{in} x_t + b_{in} + r \odot (W_{hn} h_{t-1} + b_{hn})\bigr),\\
    h_t &= (1 - z) \odot n + z \odot h_{t-1}.
    \end{aligned}$$

    The update gate $z$ interpolates between keeping the old state ($z = 1$) and taking
    the candidate $n$; the reset gate $r$ decides how much of the old state the candidate
    sees. Cho et al. (2014) apply $r$ before the product, $W_{hn}(r \odot h_{t-1})$;
    PyTorch, cuDNN and Keras's default (``reset_after=True``) apply it after, as above,
    which this follows. Some texts (Chung et al., 2014) swap the roles of $z$ and
    $1 - z$, so that $z$ weights the candidate. A sum that
    overflows is redone on factors divided by powers of two, as in :func:`lstm_cell`.

    References
    ----------
    K. Cho et al., "Learning phrase representations using RNN encoder-decoder for
    statistical machine translation", EMNLP (2014). PyTorch documentation,
    ``torch.nn.GRU``.

    Examples
    --------
    One unit, every weight 0: $r = z = \sigma(0) = 0.5$ and $n = \tanh(0) = 0$, so the
    state halves, $h = 0.5 \cdot 0 + 0.5 \cdot 0.8 = 0.4$:

    >>> gru_cell([1.0], [0.8], [[0.0]] * 3, [[0.0]] * 3).tolist()
    [0.4]

    With $W_{in} = 1$ the candidate reads the input, $n = \tanh(1) = 0.7616$, and
    $h = 0.5 \cdot 0.7616 + 0.5 \cdot 0.8 = 0.7808$:

    >>> gru_cell([1.0], [0.8], [[0.0], [0.0], [1.0]], [[0.0]] * 3).round(4).tolist()
    [0.7808]
    """
    weights = _weights((weight_ih, weight_hh, bias_ih, bias_hh), 3, _GRU_GATES)
    xs, (h0,), unbatched = _inputs(x_t, [(h_prev, "h_prev")], weights, per_step=True)
    h = _gru_run(xs, h0, *weights)[0][0]
    return h[0] if unbatched else h


def gru_forward(xs, h0, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    r"""Run a gated recurrent unit (GRU) network over whole sequences.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs: `T` time steps of a batch of `n` sequences (time-major), or of one
        sequence.
    h0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden state, usually zeros.
    weight_ih : array_like of shape (3 * hidden, d_in)
        Finite input weights of the gates r, z, n stacked in PyTorch's order.
    weight_hh : array_like of shape (3 * hidden, hidden)
        Finite recurrent weights, stacked the same way.
    bias_ih, bias_hh : array_like of shape (3 * hidden,), optional
        Finite biases, stacked the same way. Default: zeros.

    Returns
    -------
    ndarray of shape (T, n, hidden) or (T, hidden)
        ``hs[t]`` is the hidden state after reading ``xs[t]``: PyTorch's ``output``;
        ``hs[-1]`` is its ``h_n``.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    gru_cell : One step, with the gate equations.

    gru_bptt : Gradients of a loss on the hidden states.

    lstm_forward : The long short-term memory network.

    Notes
    -----
    Each step is :func:`gru_cell`. The output equals ``torch.nn.GRU(d_in, hidden)`` with
    ``weight_ih_l0 = weight_ih``, ``weight_hh_l0 = weight_hh``, ``bias_ih_l0 = bias_ih``
    and ``bias_hh_l0 = bias_hh`` (gate order r, z, n as PyTorch documents it). With the
    update gate near 1 the state is copied forward almost unchanged, which is how a GRU
    carries information, and gradients, across many steps.

    Examples
    --------
    One unit, every weight 0 except $W_{in} = 1$: $r = z = 0.5$, $n_t = \tanh(x_t)$ and
    $h_t = 0.5 \tanh(x_t) + 0.5 h_{t-1}$. Reading $1, 0$ from $h_0 = 0$:
    $h_1 = 0.5 \cdot 0.7616 = 0.3808$, then $h_2 = 0.5 \cdot 0.3808 = 0.1904$.

    >>> gru_forward([[1.0], [0.0]], [0.0], [[0.0], [0.0], [1.0]], [[0.0]] * 3
    ...             ).round(4).tolist()
    [[0.3808], [0.1904]]
    """
    weights = _weights((weight_ih, weight_hh, bias_ih, bias_hh), 3, _GRU_GATES)
    xs, (h0,), unbatched = _inputs(xs, [(h0, "h0")], weights, per_step=False)
    hs = _gru_run(xs, h0, *weights)[0]
    return hs[:, 0] if unbatched else hs


def gru_bptt(xs, h0, params, grad_hs):
    r"""Gradients of a gated recurrent unit (GRU) network by backpropagation through time.

    Parameters
    ----------
    xs : array_like of shape (T, n, d_in) or (T, d_in)
        Finite inputs, as for :func:`gru_forward`.
    h0 : array_like of shape (n, hidden) or (hidden,)
        Finite initial hidden state.
    params : tuple of (weight_ih, weight_hh, bias_ih, bias_hh)
        The weights in PyTorch's layout, gates stacked r, z, n: ``(3 * hidden, d_in)``,
        ``(3 * hidden, hidden)`` and two ``(3 * hidden,)`` biases (None for zeros).
    grad_hs : array_like of shape (T, n, hidden) or (T, hidden)
        Finite $\partial L / \partial h_t$ for every step (zeros where a state feeds no
        loss term).

    Returns
    -------
    GRUGradients
        A named tuple of arrays ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``,
        ``h0`` and ``xs``, each $\partial L / \partial(\cdot)$ with the shape of its
        argument. The bias gradients differ in the n block: $b_{hn}$ is scaled by $r$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a gradient exceeds the float64
        range (about 1.8e+308).
    TypeError
        If an array does not hold real numbers or `params` is not a sequence of four.

    See Also
    --------
    gru_forward : The forward pass this differentiates (it is recomputed here).

    lstm_bptt : The same for the LSTM.

    Notes
    -----
    With $\delta h_t$ the total gradient reaching $h_t$ and $\hat n = W_{hn} h_{t-1} +
    b_{hn}$, one step back is

    $$\begin{aligned}
    \delta a_n &= \delta h_t \odot (1 - z) \odot (1 - n^2), \quad
    \delta a_z = \delta h_t \odot (h_{t-1} - n) \odot z(1 - z),\\
    \delta a_r &= \delta a_n \odot \hat n \odot r(1 - r), \quad
    \delta h_{t-1} = \tfrac{\partial L}{\partial h_{t-1}} + \delta h_t \odot z
      + [\delta a_r, \delta a_z, r \odot \delta a_n]\, W_{hh}.
    \end{aligned}$$

    The input weights and ``bias_ih`` collect $[\delta a_r, \delta a_z, \delta a_n]$;
    the recurrent weights and ``bias_hh`` collect $[\delta a_r, \delta a_z, r \odot
    \delta a_n]$. The direct term $\delta h_t \odot z$ passes the gradient back
    unchanged where $z \approx 1$, like the LSTM's cell state.

    Examples
    --------
    One unit with every weight 0 and the loss $L = h_1$: $r = z = 0.5$, $n = 0$, so
    $h_1 = 0.5 h_0$ and $\partial L / \partial h_0 = z = 0.5$. With $x = 1$, $h_0 = 0.8$
    the gate gradients are $\delta a_r = 0$ (as $\hat n = 0$), $\delta a_z = (h_0 - n)
    \cdot 0.25 = 0.2$ and $\delta a_n = 1 - z = 0.5$. The input weights get them times
    $x$; the recurrent weights get $[0, 0.2, r \cdot 0.5]$ times $h_0$:

    >>> zero = ([[0.0]] * 3, [[0.0]] * 3, None, None)
    >>> g = gru_bptt([[1.0]], [0.8], zero, [[1.0]])
    >>> g.h0.tolist(), g.weight_ih.ravel().tolist(), g.weight_hh.ravel().round(4).tolist()
    ([0.5], [0.0, 0.2, 0.5], [0.0, 0.16, 0.2])
    """
    params = _params_tuple(params, "weight_ih, weight_hh, bias_ih, bias_hh")
    weights = _weights(params, 3, _GRU_GATES)
    xs, (h0,), unbatched = _inputs(xs, [(h0, "h0")], weights, per_step=False)
    weight_ih, weight_hh = weights[0], weights[1]
    hs, gates, hns = _gru_run(xs, h0, *weights)
    grad_hs, e_g = _grad_scale(grad_hs, hs.shape, unbatched)
    hidden = hs.shape[2]
    h_prev = np.concatenate([h0[np.newaxis], hs[:-1]])
    delta_ih = np.empty_like(gates)  # dL/d(the input part of each gate)
    delta_hh = np.empty_like(gates)  # dL/d(the recurrent part of each gate)
    carry = np.zeros_like(h0)
    # a large weight_hh or state can make the gradient overflow; reported just below
    with np.errstate(over="ignore", invalid="ignore"):
        for t in reversed(range(hs.shape[0])):
            r, z, n = (gates[t, :, k * hidden : (k + 1) * hidden] for k in range(3))
            d_h = grad_hs[t] + carry
            # h_t = (1 - z) n + z h_{t-1}
            d_an = d_h * (1.0 - z) * (1.0 - n) * (1.0 + n)
            d_az = d_h * (h_prev[t] - n) * z * (1.0 - z)
            # a_n = W_in x + b_in + r * hn, hn = W_hn h + b_hn
            d_ar = d_an * hns[t] * r * (1.0 - r)
            delta_ih[t] = np.concatenate([d_ar, d_az, d_an], axis=1)
            delta_hh[t] = np.concatenate([d_ar, d_az, r * d_an], axis=1)
            carry = d_h * z + delta_hh[t] @ weight_hh
    _refuse_if_overflowed([delta_ih, delta_hh, carry])
    w_ih, w_hh, b_ih, b_hh, d_xs = _weight_grads(delta_ih, delta_hh, xs, h_prev, weight_ih, e_g)
    d_h0 = unscale_or_refuse(carry, e_g, "the gradient for h0")
    if unbatched:
        d_h0, d_xs = d_h0[0], d_xs[:, 0]
    return GRUGradients(w_ih, w_hh, b_ih, b_hh, d_h0, d_xs)
