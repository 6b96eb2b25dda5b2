"""The LSTM and GRU of dlterms.recurrent.

Oracles: ``torch.nn.LSTM`` / ``torch.nn.GRU`` in float64 holding the same weights (PyTorch's
layout and gate order, copied in unchanged), autograd on the scalar loss
``sum_t <h_t, grad_hs[t]>``, central finite differences, and the cell repeated by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import gru_bptt, gru_cell, gru_forward, lstm_bptt, lstm_cell, lstm_forward

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
unit = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@st.composite
def problems(draw, n_gates, max_steps=5):
    """xs, h0, c0, params (PyTorch layout) and grad_hs for a small batched gated RNN."""
    t, n = draw(st.integers(1, max_steps)), draw(st.integers(1, 3))
    d_in, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 3))

    def arr(*shape):
        return draw(hnp.arrays(np.float64, shape, elements=unit))

    params = (
        arr(n_gates * hidden, d_in),
        0.7 * arr(n_gates * hidden, hidden),
        arr(n_gates * hidden),
        arr(n_gates * hidden),
    )
    return arr(t, n, d_in), arr(n, hidden), arr(n, hidden), params, arr(t, n, hidden)


def _torch_module(torch, kind, params):
    cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
    module = cls(params[0].shape[1], params[1].shape[1]).double()
    with torch.no_grad():
        for name, value in zip(NAMES, params, strict=True):
            getattr(module, f"{name}_l0").copy_(torch.from_numpy(value))
    return module


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-11)


# --- LSTM -------------------------------------------------------------------------


@FAST
@given(problems(4))
def test_lstm_forward_matches_torch(torch, problem):
    xs, h0, c0, params, _ = problem
    module = _torch_module(torch, "lstm", params)
    out, (h_n, c_n) = module(
        torch.from_numpy(xs), (torch.from_numpy(h0[None]), torch.from_numpy(c0[None]))
    )
    hs, cs = lstm_forward(xs, h0, c0, *params)
    close(hs, out.detach().numpy())
    close(hs[-1], h_n[0].detach().numpy())
    close(cs[-1], c_n[0].detach().numpy())


@FAST
@given(problems(4))
def test_lstm_cell_matches_torch_lstm_cell_and_forward(torch, problem):
    xs, h, c, params, _ = problem
    cell = torch.nn.LSTMCell(xs.shape[2], h.shape[1]).double()
    with torch.no_grad():
        for name, value in zip(NAMES, params, strict=True):
            getattr(cell, name).copy_(torch.from_numpy(value))
    h_t, c_t = cell(torch.from_numpy(xs[0]), (torch.from_numpy(h), torch.from_numpy(c)))
    h1, c1 = lstm_cell(xs[0], h, c, *params)
    close(h1, h_t.detach().numpy())
    close(c1, c_t.detach().numpy())
    hs, cs = lstm_forward(xs, h, c, *params)
    for t in range(xs.shape[0]):
        h, c = lstm_cell(xs[t], h, c, *params)
        np.testing.assert_array_equal(hs[t], h)
        np.testing.assert_array_equal(cs[t], c)
    assert np.all(np.abs(hs) <= 1.0)


@FAST
@given(problems(4))
def test_lstm_bptt_matches_torch_autograd(torch, problem):
    xs, h0, c0, params, grad_hs = problem
    module = _torch_module(torch, "lstm", params)
    x_t = torch.from_numpy(xs).requires_grad_()
    h0_t, c0_t = (torch.from_numpy(a).requires_grad_() for a in (h0, c0))
    out, _ = module(x_t, (h0_t[None], c0_t[None]))
    (out * torch.from_numpy(grad_hs)).sum().backward()
    g = lstm_bptt(xs, h0, c0, params, grad_hs)
    for name in NAMES:
        close(getattr(g, name), getattr(module, f"{name}_l0").grad.numpy())
    close(g.h0, h0_t.grad.numpy())
    close(g.c0, c0_t.grad.numpy())
    close(g.xs, x_t.grad.numpy())


# --- GRU --------------------------------------------------------------------------


@FAST
@given(problems(3))
def test_gru_forward_matches_torch(torch, problem):
    xs, h0, _, params, _ = problem
    out, h_n = _torch_module(torch, "gru", params)(torch.from_numpy(xs), torch.from_numpy(h0[None]))
    hs = gru_forward(xs, h0, *params)
    close(hs, out.detach().numpy())
    close(hs[-1], h_n[0].detach().numpy())


@FAST
@given(problems(3))
def test_gru_cell_matches_torch_gru_cell_and_forward(torch, problem):
    xs, h, _, params, _ = problem
    cell = torch.nn.GRUCell(xs.shape[2], h.shape[1]).double()
    with torch.no_grad():
        for name, value in zip(NAMES, params, strict=True):
            getattr(cell, name).copy_(torch.from_numpy(value))
    close(gru_cell(xs[0], h, *params), cell(torch.from_numpy(xs[0]), torch.from_numpy(h)).detach())
    hs = gru_forward(xs, h, *params)
    for t in range(xs.shape[0]):
        h = gru_cell(xs[t], h, *params)
        np.testing.assert_array_equal(hs[t], h)


@FAST
@given(problems(3))
def test_gru_bptt_matches_torch_autograd(torch, problem):
    xs, h0, _, params, grad_hs = problem
    module = _torch_module(torch, "gru", params)
    x_t, h0_t = torch.from_numpy(xs).requires_grad_(), torch.from_numpy(h0).requires_grad_()
    out, _ = module(x_t, h0_t[None])
    (out * torch.from_numpy(grad_hs)).sum().backward()
    g = gru_bptt(xs, h0, params, grad_hs)
    for name in NAMES:
        close(getattr(g, name), getattr(module, f"{name}_l0").grad.numpy())
    close(g.h0, h0_t.grad.numpy())
    close(g.xs, x_t.grad.numpy())


def test_gru_bias_hh_differs_from_bias_ih_in_the_new_gate():
    """b_hn sits inside the reset product, so moving it to b_in changes the output."""
    rng = np.random.default_rng(1)
    w_ih, w_hh = rng.normal(size=(3, 1)), rng.normal(size=(3, 1))
    bias = np.array([-1.0, 0.0, 2.0])
    x, h = [0.5], [0.3]
    assert gru_cell(x, h, w_ih, w_hh, bias, None) != pytest.approx(
        gru_cell(x, h, w_ih, w_hh, None, bias)
    )
    g = gru_bptt([x], h, (w_ih, w_hh, None, bias), [[1.0]])
    assert g.bias_ih[:2] == pytest.approx(g.bias_hh[:2])
    assert g.bias_ih[2] != pytest.approx(g.bias_hh[2])


# --- both --------------------------------------------------------------------------


def _finite_difference(loss, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        step = np.zeros_like(array)
        step[index] = eps
        grad[index] = (loss(array + step) - loss(array - step)) / (2 * eps)
    return grad


@settings(max_examples=10, deadline=None, database=None)
@given(problems(4, max_steps=3), problems(3, max_steps=3))
def test_bptt_matches_central_differences(lstm_problem, gru_problem):
    xs, h0, c0, params, grad_hs = lstm_problem
    g = lstm_bptt(xs, h0, c0, params, grad_hs)
    loss = lambda w: np.sum(lstm_forward(xs, h0, c0, w, *params[1:]).hs * grad_hs)  # noqa: E731
    np.testing.assert_allclose(g.weight_ih, _finite_difference(loss, params[0]), atol=1e-6)
    loss = lambda c: np.sum(lstm_forward(xs, h0, c, *params).hs * grad_hs)  # noqa: E731
    np.testing.assert_allclose(g.c0, _finite_difference(loss, c0), atol=1e-6)
    xs, h0, _, params, grad_hs = gru_problem
    g = gru_bptt(xs, h0, params, grad_hs)
    loss = lambda w: np.sum(gru_forward(xs, h0, *params[:3], w) * grad_hs)  # noqa: E731
    np.testing.assert_allclose(g.bias_hh, _finite_difference(loss, params[3]), atol=1e-6)


def test_one_sequence_equals_a_batch_of_one():
    rng = np.random.default_rng(0)
    xs, h0, c0, grad_hs = (rng.normal(size=s) for s in ((4, 2), (3,), (3,), (4, 3)))
    lstm = (rng.normal(size=(12, 2)), rng.normal(size=(12, 3)), None, rng.normal(size=12))
    gru = (rng.normal(size=(9, 2)), rng.normal(size=(9, 3)), rng.normal(size=9), None)
    one, batch = (
        lstm_forward(xs, h0, c0, *lstm),
        lstm_forward(xs[:, None], h0[None], c0[None], *lstm),
    )
    np.testing.assert_array_equal(one.hs, batch.hs[:, 0])
    np.testing.assert_array_equal(one.cs, batch.cs[:, 0])
    h, c = lstm_cell(xs[0], h0, c0, *lstm)
    np.testing.assert_array_equal(h, one.hs[0])
    np.testing.assert_array_equal(c, one.cs[0])
    np.testing.assert_array_equal(
        gru_forward(xs, h0, *gru), gru_forward(xs[:, None], h0[None], *gru)[:, 0]
    )
    np.testing.assert_array_equal(gru_cell(xs[0], h0, *gru), gru_forward(xs, h0, *gru)[0])
    g1, gb = (
        lstm_bptt(xs, h0, c0, lstm, grad_hs),
        lstm_bptt(xs[:, None], h0[None], c0[None], lstm, grad_hs[:, None]),
    )
    for name in NAMES:
        np.testing.assert_array_equal(getattr(g1, name), getattr(gb, name))
    np.testing.assert_array_equal(g1.c0, gb.c0[0])
    np.testing.assert_array_equal(g1.xs, gb.xs[:, 0])
    g1, gb = gru_bptt(xs, h0, gru, grad_hs), gru_bptt(xs[:, None], h0[None], gru, grad_hs[:, None])
    np.testing.assert_array_equal(g1.h0, gb.h0[0])
    np.testing.assert_array_equal(g1.weight_hh, gb.weight_hh)


def test_a_forget_gate_near_one_carries_the_gradient_where_a_tanh_rnn_loses_it():
    """Over 50 steps, dL/dc_0 stays 1 with f = 1 and o, i = 0: the cell-state highway."""
    hidden = 1
    w_ih, w_hh = np.zeros((4, 1)), np.zeros((4, hidden))
    bias = np.array([-1000.0, 1000.0, 0.0, 1000.0])  # i = 0, f = 1, o = 1
    xs = np.zeros((50, 1))
    grad_hs = np.zeros((50, 1))
    grad_hs[-1] = 1.0
    g = lstm_bptt(xs, [0.0], [0.0], (w_ih, w_hh, bias, None), grad_hs)
    assert g.c0.tolist() == [1.0]  # o (1 - tanh^2 0) = 1, times f = 1 fifty times


def test_extreme_states_saturate_the_gates_without_warnings():
    huge = 1e308
    h, c = lstm_cell([huge], [huge], [huge], [[1.0]] * 4, [[1.0]] * 4, [huge] * 4, [huge] * 4)
    assert c.tolist() == [huge] and h.tolist() == [1.0]  # f = i = o = 1, g = 1
    # r = z = sigmoid(0); W_hn h + b_hn = -2e308 is beyond float64, yet a_n = 1e308 and n = 1
    ones = ([[1.0]] * 3, [[1.0]] * 3)
    assert gru_cell([huge], [-huge], *ones, [huge] * 3, [-huge] * 3).tolist() == [-huge / 2]
    # dL/dW_hz = dL/dh (h0 - n) z (1 - z) h0 = 1e300 * 1e308 * 0.25 * 1e308: beyond float64
    zero = ([[0.0]] * 3, [[0.0]] * 3, None, None)
    with pytest.raises(ValueError, match="the gradient for weight_hh overflows float64"):
        gru_bptt([[0.0]], [huge], zero, [[1e300]])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lstm_cell([1.0], [0.0], [0.0], [[1.0]] * 3, [[1.0]] * 3),
         r"weight_ih must have 4 \* hidden rows, one block per gate \(i, f, g, o\); "
         r"got shape \(3, 1\)\."),
        (lambda: gru_forward([[1.0]], [0.0, 0.0], [[1.0]] * 3, [[1.0]] * 3),
         r"h0 must have shape \(1,\) to match xs of shape \(1, 1\)"),
        (lambda: gru_cell([1.0, 2.0], [0.0], [[1.0]] * 3, [[1.0]] * 3),
         r"weight_ih must have one column per input feature, 2"),
        (lambda: lstm_forward([[1.0]], [0.0], [0.0], [[1.0]] * 4, [[1.0, 1.0]] * 4),
         r"weight_hh must have shape \(4 \* hidden, hidden\) = \(4, 1\); got \(4, 2\)"),
        (lambda: gru_cell([1.0], [0.0], [[1.0]] * 3, [[1.0]] * 3, [0.0]),
         r"bias_ih must have shape \(3,\)"),
    ],
)  # fmt: skip
def test_bad_shapes_are_named_with_the_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_params_must_be_four_arrays():
    with pytest.raises(TypeError, match=r"params must be a tuple \(weight_ih, weight_hh, bias_ih"):
        lstm_bptt([[1.0]], [0.0], [0.0], ([[1.0]] * 4, [[1.0]] * 4), [[1.0]])
