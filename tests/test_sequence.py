"""The recurrent network, BPTT and token helpers of dlterms.sequence.

Oracles: ``torch.nn.RNN`` and autograd in float64 (the truncated gradient against
chunks joined by ``detach()``), ``torch.nn.utils.rnn.pad_sequence``, central finite
differences, and plain loops for the token helpers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import (
    bidirectional_rnn_forward,
    pad_sequences,
    rnn_bptt,
    rnn_cell,
    rnn_forward,
    truncate_at_eos,
)

FAST = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
unit = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@st.composite
def rnn_problems(draw, max_steps=6):
    """xs, h0, (w_xh, w_hh, b_h) and grad_hs for a small batched RNN."""
    t, n = draw(st.integers(1, max_steps)), draw(st.integers(1, 3))
    d_in, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 4))

    def arr(*shape):
        return draw(hnp.arrays(np.float64, shape, elements=unit))

    params = (arr(d_in, hidden), 0.7 * arr(hidden, hidden), arr(hidden))
    return arr(t, n, d_in), arr(n, hidden), params, arr(t, n, hidden)


def _torch_rnn(torch, params):
    """torch.nn.RNN in float64 holding our weights (torch stores the transposes)."""
    w_xh, w_hh, b_h = params
    rnn = torch.nn.RNN(w_xh.shape[0], w_xh.shape[1], nonlinearity="tanh").double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(w_xh.T.copy()))
        rnn.weight_hh_l0.copy_(torch.from_numpy(w_hh.T.copy()))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h))
        rnn.bias_hh_l0.zero_()
    return rnn


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-11)


# --- the forward pass ------------------------------------------------------------


@FAST
@given(rnn_problems())
def test_rnn_forward_matches_torch(torch, problem):
    xs, h0, params, _ = problem
    expected, h_last = _torch_rnn(torch, params)(torch.from_numpy(xs), torch.from_numpy(h0[None]))
    hs = rnn_forward(xs, h0, *params)
    close(hs, expected.detach().numpy())
    close(hs[-1], h_last[0].detach().numpy())


@FAST
@given(rnn_problems())
def test_rnn_forward_is_rnn_cell_repeated(problem):
    xs, h, params, _ = problem
    hs = rnn_forward(xs, h, *params)
    for t in range(xs.shape[0]):
        h = rnn_cell(xs[t], h, *params)
        np.testing.assert_array_equal(hs[t], h)
    assert np.all(np.abs(hs) <= 1.0)


def test_one_sequence_equals_a_batch_of_one():
    rng = np.random.default_rng(0)
    xs, h0 = rng.normal(size=(4, 2)), rng.normal(size=3)
    params = (rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=3))
    grad_hs = rng.normal(size=(4, 3))
    np.testing.assert_array_equal(
        rnn_forward(xs, h0, *params), rnn_forward(xs[:, None], h0[None], *params)[:, 0]
    )
    np.testing.assert_array_equal(rnn_cell(xs[0], h0, *params), rnn_forward(xs, h0, *params)[0])
    one, batch = (
        rnn_bptt(xs, h0, params, grad_hs),
        rnn_bptt(xs[:, None], h0[None], params, grad_hs[:, None]),
    )
    for name in ("w_xh", "w_hh", "b_h"):
        np.testing.assert_array_equal(getattr(one, name), getattr(batch, name))
    np.testing.assert_array_equal(one.h0, batch.h0[0])
    np.testing.assert_array_equal(one.xs, batch.xs[:, 0])
    np.testing.assert_array_equal(one.hs, batch.hs[:, 0])


def test_default_bias_is_zero():
    xs, h0, w_xh, w_hh = [[1.0], [-0.5]], [0.25], [[1.5]], [[0.5]]
    np.testing.assert_array_equal(
        rnn_forward(xs, h0, w_xh, w_hh), rnn_forward(xs, h0, w_xh, w_hh, [0.0])
    )


# --- the bidirectional network ------------------------------------------------------


@FAST
@given(rnn_problems(), st.data())
def test_bidirectional_rnn_forward_matches_torch(torch, problem, data):
    xs, h_fwd, params, _ = problem
    shapes = [p.shape for p in params]
    backward = tuple(data.draw(hnp.arrays(np.float64, shape, elements=unit)) for shape in shapes)
    h0 = np.stack([h_fwd, data.draw(hnp.arrays(np.float64, h_fwd.shape, elements=unit))])
    rnn = torch.nn.RNN(
        xs.shape[2], h_fwd.shape[1], nonlinearity="tanh", bidirectional=True
    ).double()
    with torch.no_grad():
        for suffix, (w_xh, w_hh, b_h) in (("", params), ("_reverse", backward)):
            getattr(rnn, f"weight_ih_l0{suffix}").copy_(torch.from_numpy(w_xh.T.copy()))
            getattr(rnn, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(w_hh.T.copy()))
            getattr(rnn, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(b_h))
            getattr(rnn, f"bias_hh_l0{suffix}").zero_()
    out, h_n = rnn(torch.from_numpy(xs), torch.from_numpy(h0))
    both = bidirectional_rnn_forward(xs, h0, params, backward)
    close(both, out.detach().numpy())
    hidden = h_fwd.shape[1]
    close(np.stack([both[-1, :, :hidden], both[0, :, hidden:]]), h_n.detach().numpy())
    # each half is the one-directional network, the backward one on the reversed input
    np.testing.assert_array_equal(both[..., :hidden], rnn_forward(xs, h0[0], *params))
    np.testing.assert_array_equal(both[..., hidden:], rnn_forward(xs[::-1], h0[1], *backward)[::-1])


def test_bidirectional_rnn_one_sequence_and_errors():
    rng = np.random.default_rng(2)
    xs, h0 = rng.normal(size=(3, 2)), rng.normal(size=(2, 4))
    fwd = (rng.normal(size=(2, 4)), rng.normal(size=(4, 4)))
    bwd = (rng.normal(size=(2, 4)), rng.normal(size=(4, 4)), rng.normal(size=4))
    np.testing.assert_array_equal(
        bidirectional_rnn_forward(xs, h0, fwd, bwd),
        bidirectional_rnn_forward(xs[:, None], h0[:, None], fwd, bwd)[:, 0],
    )
    with pytest.raises(ValueError, match=r"h0 must hold two initial states along axis 0"):
        bidirectional_rnn_forward(xs, h0[:1], fwd, bwd)
    with pytest.raises(ValueError, match=r"must have the same hidden size"):
        bidirectional_rnn_forward(xs, h0, fwd, (np.ones((2, 3)), np.ones((3, 3))))
    with pytest.raises(TypeError, match=r"params_backward must be a tuple \(w_xh, w_hh, b_h\)"):
        bidirectional_rnn_forward(xs, h0, fwd, np.ones((2, 4)))


# --- backpropagation through time ------------------------------------------------------


@FAST
@given(rnn_problems(), st.integers(1, 7) | st.none())
def test_rnn_bptt_matches_torch_autograd(torch, problem, truncate):
    xs, h0, params, grad_hs = problem
    rnn = _torch_rnn(torch, params)
    x_t = torch.from_numpy(xs).requires_grad_()
    h0_t = torch.from_numpy(h0).requires_grad_()
    step = xs.shape[0] if truncate is None else truncate
    h, outputs = h0_t[None], []
    for start in range(0, xs.shape[0], step):  # truncated BPTT: detach between chunks
        out, h_last = rnn(x_t[start : start + step], h)
        outputs.append(out)
        h = h_last.detach()
    (torch.cat(outputs) * torch.from_numpy(grad_hs)).sum().backward()

    g = rnn_bptt(xs, h0, params, grad_hs, truncate=truncate)
    close(g.w_xh, rnn.weight_ih_l0.grad.numpy().T)
    close(g.w_hh, rnn.weight_hh_l0.grad.numpy().T)
    close(g.b_h, rnn.bias_ih_l0.grad.numpy())
    close(g.h0, h0_t.grad.numpy())
    close(g.xs, x_t.grad.numpy())


def _loss(xs, h0, params, grad_hs):
    """L = sum_t <h_t, grad_hs[t]>, whose dL/dh_t (direct part) is grad_hs[t]."""
    return float(np.sum(rnn_forward(xs, h0, *params) * grad_hs))


@FAST
@given(rnn_problems(max_steps=4))
def test_rnn_bptt_matches_central_differences(problem):
    xs, h0, params, grad_hs = problem
    g = rnn_bptt(xs, h0, params, grad_hs)
    eps = 1e-6

    def numeric(which):
        args = [xs, h0, *params]
        base = args[which]
        out = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            bump = np.zeros_like(base)
            bump[idx] = eps
            up = [a + bump if i == which else a for i, a in enumerate(args)]
            down = [a - bump if i == which else a for i, a in enumerate(args)]
            out[idx] = (
                _loss(up[0], up[1], up[2:], grad_hs) - _loss(down[0], down[1], down[2:], grad_hs)
            ) / (2 * eps)
        return out

    for which, analytic in enumerate((g.xs, g.h0, g.w_xh, g.w_hh, g.b_h)):
        np.testing.assert_allclose(analytic, numeric(which), rtol=1e-5, atol=1e-7)


@FAST
@given(rnn_problems())
def test_total_gradient_hs_obeys_the_recursion(problem):
    xs, h0, params, grad_hs = problem
    w_hh = params[1]
    hs = rnn_forward(xs, h0, *params)
    g = rnn_bptt(xs, h0, params, grad_hs)
    close(g.hs[-1], grad_hs[-1])
    for t in range(xs.shape[0] - 1):
        # delta_t = grad_hs[t] + (delta_{t+1} * (1 - h_{t+1}^2)) W_hh^T
        close(g.hs[t], grad_hs[t] + (g.hs[t + 1] * (1 - hs[t + 1] ** 2)) @ w_hh.T)


@FAST
@given(rnn_problems(), st.integers(0, 3))
def test_truncation_at_or_beyond_the_length_is_the_full_gradient(problem, extra):
    xs, h0, params, grad_hs = problem
    full = rnn_bptt(xs, h0, params, grad_hs)
    cut = rnn_bptt(xs, h0, params, grad_hs, truncate=xs.shape[0] + extra)
    for a, b in zip(full, cut, strict=True):
        np.testing.assert_array_equal(a, b)


def test_truncate_one_keeps_only_the_direct_gradient():
    rng = np.random.default_rng(1)
    xs, h0 = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4))
    params = (rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4))
    grad_hs = rng.normal(size=(5, 2, 4))
    g = rnn_bptt(xs, h0, params, grad_hs, truncate=1)
    np.testing.assert_array_equal(g.hs, grad_hs)


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_gradient_norm_scales_by_w_hh_per_step_back(scale):
    """At h = 0 the tanh slope is 1, so each step back multiplies by W_hh^T exactly."""
    rotation = np.linalg.qr(np.random.default_rng(2).normal(size=(4, 4)))[0]
    xs, h0 = np.zeros((10, 1, 1)), np.zeros((1, 4))
    grad_hs = np.zeros((10, 1, 4))
    grad_hs[-1, 0, 0] = 1.0
    g = rnn_bptt(xs, h0, (np.ones((1, 4)), scale * rotation, np.zeros(4)), grad_hs)
    norms = np.linalg.norm(g.hs[:, 0], axis=1)
    np.testing.assert_allclose(norms, scale ** np.arange(9, -1, -1.0), rtol=1e-12)


def test_bptt_params_must_be_a_triple():
    with pytest.raises(TypeError, match="params must be a tuple"):
        rnn_bptt([[1.0]], [0.0], ([[1.0]], [[1.0]]), [[1.0]])
    with pytest.raises(ValueError, match="truncate"):
        rnn_bptt([[1.0]], [0.0], ([[1.0]], [[1.0]], [0.0]), [[1.0]], truncate=0)
    with pytest.raises(ValueError, match="grad_hs must have shape"):
        rnn_bptt([[1.0]], [0.0], ([[1.0]], [[1.0]], [0.0]), [[1.0, 2.0]])


def test_shape_errors_name_the_argument():
    with pytest.raises(ValueError, match="w_xh must have one row per input feature"):
        rnn_forward(np.zeros((3, 2, 5)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError, match="w_hh must have shape"):
        rnn_forward(np.zeros((3, 2, 3)), np.zeros((2, 4)), np.zeros((3, 4)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="h0 must have shape"):
        rnn_forward(np.zeros((3, 2, 3)), np.zeros((1, 4)), np.zeros((3, 4)), np.zeros((4, 4)))


# --- tokens ----------------------------------------------------------------------


def _truncate_loop(row, eos_id, keep_eos):
    out = []
    for token in row:
        if token == eos_id:
            if keep_eos:
                out.append(token)
            break
        out.append(token)
    return out


@FAST
@given(
    hnp.arrays(np.int64, hnp.array_shapes(min_dims=2, max_dims=2), elements=st.integers(0, 4)),
    st.integers(0, 4),
    st.booleans(),
    st.integers(0, 9),
)
def test_truncate_at_eos_matches_a_loop(ids, eos_id, keep_eos, pad_id):
    out, lengths = truncate_at_eos(ids, eos_id, keep_eos=keep_eos, pad_id=pad_id)
    assert out.shape == ids.shape and out.dtype == np.int64
    for i, row in enumerate(ids):
        kept = _truncate_loop(row.tolist(), eos_id, keep_eos)
        assert lengths[i] == len(kept)
        assert out[i].tolist() == kept + [pad_id] * (ids.shape[1] - len(kept))
        seq, length = truncate_at_eos(row, eos_id, keep_eos=keep_eos)
        assert seq.tolist() == kept and length == len(kept) and isinstance(length, int)


def test_truncate_at_eos_accepts_whole_floats_and_refuses_others():
    out, lengths = truncate_at_eos(np.array([[3.0, 1.0, 2.0]]), 1)
    assert out.tolist() == [[3, 1, 0]] and lengths.tolist() == [2]
    with pytest.raises(ValueError, match="whole numbers"):
        truncate_at_eos([1.5, 2.0], 1)
    with pytest.raises(ValueError, match="non-negative"):
        truncate_at_eos([[1, -1]], 1)
    with pytest.raises(TypeError, match="keep_eos must be True or False"):
        truncate_at_eos([1, 2], 1, keep_eos=1)
    with pytest.raises(TypeError, match="integer token ids"):
        truncate_at_eos(["a", "b"], 1)


@FAST
@given(
    st.lists(st.lists(st.integers(0, 50), max_size=6), min_size=1, max_size=5),
    st.integers(0, 9),
    st.integers(1, 7) | st.none(),
)
def test_pad_sequences_matches_a_loop(seqs, pad_id, max_length):
    ids, lengths = pad_sequences(seqs, pad_id=pad_id, max_length=max_length)
    width = max(len(s) for s in seqs) if max_length is None else max_length
    assert ids.shape == (len(seqs), width) and ids.dtype == np.int64
    for row, length, s in zip(ids, lengths, seqs, strict=True):
        kept = s[:width]
        assert length == len(kept)
        assert row.tolist() == kept + [pad_id] * (width - len(kept))


@FAST
@given(st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=6), min_size=1, max_size=5))
def test_pad_sequences_matches_torch(torch, seqs):
    expected = torch.nn.utils.rnn.pad_sequence(
        [torch.tensor(s) for s in seqs], batch_first=True, padding_value=7
    )
    assert pad_sequences(seqs, pad_id=7)[0].tolist() == expected.tolist()


def test_pad_then_truncate_round_trip():
    """Sequences that end in EOS come back with the same lengths after padding."""
    seqs = [[4, 5, 1], [6, 1], [1]]
    ids, lengths = pad_sequences(seqs, pad_id=0)
    out, cut = truncate_at_eos(ids, 1)
    np.testing.assert_array_equal(out, ids)
    np.testing.assert_array_equal(cut, lengths)


def test_pad_sequences_refuses_bad_containers():
    with pytest.raises(TypeError, match="sequences must be a list"):
        pad_sequences({1: [1, 2]})
    with pytest.raises(ValueError, match=r"sequences\[1\] must be 1-D"):
        pad_sequences([[1, 2], [[3]]])
    with pytest.raises(ValueError, match="max_length"):
        pad_sequences([[1, 2]], max_length=0)


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
def test_rnn_shape_errors_name_the_input_too():
    w_xh, w_hh = np.ones((2, 3)), np.ones((3, 3))
    with pytest.raises(ValueError, match=r"to match x_t of shape \(2,\)"):
        dlterms.rnn_cell(np.ones(2), np.ones((4, 3)), w_xh, w_hh)
    with pytest.raises(ValueError, match=r"to match xs of shape \(5, 4, 2\)"):
        dlterms.rnn_forward(np.ones((5, 4, 2)), np.ones((3, 3)), w_xh, w_hh)


def test_rnn_pre_activations_beyond_float64_saturate_instead_of_overflowing():
    big = np.finfo(np.float64).max
    with np.errstate(all="raise"):
        # x W_xh = -max and h W_hh = +max: the exact pre-activation is 0 + b_h = 0.5
        h = rnn_cell([1.0], [1.0], [[-big]], [[big]], [0.5])
        assert h.tolist() == [np.tanh(0.5)]
        # 2 max overflows, but its tanh is exactly 1
        assert rnn_forward([[1.0], [1.0]], [1.0], [[big]], [[big]]).tolist() == [[1.0], [1.0]]
        # zero weights: h = 0, tanh' = 1; the sums big + big - big overflow on the way
        zero = ([[0.0]], [[0.0]], [0.0])
        g = rnn_bptt(np.ones((3, 1)), [0.0], zero, [[big], [big], [-big]])
    assert g.b_h.tolist() == [big] and g.w_xh.tolist() == [[big]]
    assert g.hs.tolist() == [[big], [big], [-big]]


def test_rnn_bptt_refuses_an_exploding_gradient_beyond_float64():
    params = ([[0.0]], [[1e200]], [0.0])
    with pytest.raises(ValueError, match=r"overflows float64.*exploding gradient"):
        rnn_bptt(np.zeros((3, 1)), [0.0], params, np.ones((3, 1)))
