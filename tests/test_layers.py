"""dlterms.layers: dense layers, dropout and batch normalisation.

Oracles: PyTorch's ``linear`` and ``batch_norm`` (training mode). Properties: a dense
layer is affine per example, dropout is the identity when off and keeps or scales
each unit when on (keeping the mean in expectation), and batch normalisation
standardises each feature.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import (
    FEW,
    ORACLE,
    PROPERTY,
    any_finite,
    as_tensor,
    assert_close,
    eighths,
    float_arrays,
    moderate,
    small,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import batch_norm, batch_norm_inference, batch_norm_train, dense, dropout

# --- against independent implementations -----------------------------------


@ORACLE
@given(st.sampled_from([(5, 3), (2, 4), (3, 2, 2, 3), (2, 1, 1, 2)]), st.data())
def test_batch_norm_matches_torch_in_training_mode(torch, shape, data):
    F = torch.nn.functional
    x = data.draw(hnp.arrays(np.float64, shape, elements=small))
    gamma = data.draw(hnp.arrays(np.float64, shape[1], elements=small))
    beta = data.draw(hnp.arrays(np.float64, shape[1], elements=small))
    eps = data.draw(st.sampled_from([1e-5, 1e-3, 0.5]))
    expected = F.batch_norm(
        as_tensor(torch, x),
        None,
        None,
        as_tensor(torch, gamma),
        as_tensor(torch, beta),
        training=True,
        eps=eps,
    ).numpy()
    assert_close(batch_norm(x, gamma, beta, eps=eps), expected, rtol=1e-9, atol=1e-9)


@ORACLE
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.booleans(), st.data())
def test_dense_matches_torch_linear(torch, n, d_in, d_out, one_example, data):
    F = torch.nn.functional
    x_shape = (d_in,) if one_example else (n, d_in)
    x = data.draw(hnp.arrays(np.float64, x_shape, elements=moderate))
    weight = data.draw(hnp.arrays(np.float64, (d_in, d_out), elements=moderate))
    bias = data.draw(st.none() | hnp.arrays(np.float64, d_out, elements=moderate))
    # torch stores the weight as (d_out, d_in) and computes x @ weight.T
    expected = F.linear(
        as_tensor(torch, x),
        as_tensor(torch, weight.T),
        None if bias is None else as_tensor(torch, bias),
    ).numpy()
    assert_close(dense(x, weight, bias), expected, atol=1e-9)


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.data())
def test_dense_is_affine_per_example_and_its_bias_is_the_output_at_zero(n, d_in, d_out, data):
    x1, x2 = (data.draw(hnp.arrays(np.float64, (n, d_in), elements=eighths)) for _ in "12")
    weight = data.draw(hnp.arrays(np.float64, (d_in, d_out), elements=eighths))
    bias = data.draw(hnp.arrays(np.float64, d_out, elements=eighths))
    a, b = data.draw(eighths), data.draw(eighths)
    y = dense(x1, weight, bias)
    assert y.shape == (n, d_out)
    np.testing.assert_array_equal(y - bias, dense(x1, weight))  # eighths: exact
    np.testing.assert_allclose(
        dense(a * x1 + b * x2, weight), a * dense(x1, weight) + b * dense(x2, weight), atol=1e-6
    )
    np.testing.assert_array_equal(dense(np.zeros(d_in), weight, bias), bias)
    for i in range(n):  # one example at a time gives the rows of the batch
        np.testing.assert_array_equal(dense(x1[i], weight, bias), y[i])


@PROPERTY
@given(float_arrays(elements=any_finite), st.floats(0, 0.99), st.integers(0, 2**32))
def test_dropout_off_is_identity_and_on_keeps_or_scales(x, rate, seed):
    np.testing.assert_array_equal(dropout(x, rate, rng=seed, training=False), x)
    np.testing.assert_array_equal(dropout(x, 0.0, rng=seed), x)
    x = x / 1000  # so that x / (1 - rate) cannot overflow
    y = dropout(x, rate, rng=seed)
    kept = y != 0
    np.testing.assert_array_equal(y[kept], x[kept] / (1 - rate))
    np.testing.assert_array_equal(dropout(x, rate, rng=seed), y)  # same seed, same mask


@FEW
@given(st.floats(0.0, 0.9))
def test_inverted_dropout_keeps_the_mean_in_expectation(rate):
    n = 200_000
    y = dropout(np.ones(n), rate, rng=12345)
    standard_error = np.sqrt(rate / (1 - rate) / n)  # std of one unit is sqrt(p / (1 - p))
    assert abs(y.mean() - 1.0) < 5 * standard_error + 1e-12


@PROPERTY
@given(st.sampled_from([(8, 3), (4, 2, 3, 2), (2, 3, 1, 2)]), st.integers(0, 2**32), st.data())
def test_batch_norm_standardises_each_feature(shape, seed, data):
    x = np.random.default_rng(seed).normal(3.0, data.draw(st.floats(0.01, 100)), size=shape)
    eps = data.draw(st.sampled_from([1e-5, 1e-3, 0.1]))
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    y = batch_norm(x, eps=eps)
    var = x.var(axis=axes)
    np.testing.assert_allclose(y.mean(axis=axes), 0.0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=axes), var / (var + eps), rtol=1e-9)
    gamma, beta = np.arange(1.0, shape[1] + 1), np.full(shape[1], -2.0)
    per_feature = (1, -1) + (1,) * (x.ndim - 2)
    affine = gamma.reshape(per_feature) * y + beta.reshape(per_feature)
    np.testing.assert_allclose(batch_norm(x, gamma, beta, eps=eps), affine, rtol=1e-12)


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("power", [200, 500, 1000, 1019])
def test_batch_norm_answer_does_not_depend_on_a_large_scale(power):
    x = np.array([[1.0, -3.0], [3.0, 0.5], [4.0, 2.0]])
    reference = dlterms.batch_norm(x * 2.0**100)  # eps is negligible from here on
    np.testing.assert_allclose(dlterms.batch_norm(x * 2.0**power), reference, rtol=1e-15)


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("power", [-1074, -1060, -1000, -600])
def test_batch_norm_of_tiny_input_is_finite_and_tiny(power):
    x = np.array([[1.0], [3.0], [4.0]]) * 2.0**power
    out = dlterms.batch_norm(x)
    assert np.all(np.isfinite(out)) and np.all(np.abs(out) < 1e-100)
    np.testing.assert_array_equal(np.sign(out), np.sign(x - x.mean()))


# --- extremes: finite whenever the exact result is, else a ValueError that says so ---

MAX = np.finfo(np.float64).max


def test_dense_is_finite_when_a_partial_sum_overflows_but_the_output_fits():
    # MAX + MAX overflows on the way; MAX - MAX / 2 + 1 does not
    y = dense(np.array([[MAX, MAX]]), np.array([[1.0], [-0.5]]), np.array([1.0]))
    assert y.tolist() == [[MAX / 2]]
    with pytest.raises(ValueError, match=r"x @ weight \+ bias overflows float64"):
        dense(np.array([[MAX, MAX]]), np.array([[1.0], [0.5]]))


def test_dropout_refuses_a_kept_unit_beyond_the_float_range():
    assert dropout([1e307], 0.5, rng=0).tolist() in ([2e307], [0.0])
    with pytest.raises(ValueError, match=r"x / \(1 - rate\) overflows float64"):
        dropout(np.full(64, MAX), 0.5, rng=0)


def test_batch_norm_train_running_stats_at_the_float_limits():
    x = np.array([[MAX], [-MAX]])
    _, mean, var = batch_norm_train(x / 2**600, None, None, [MAX], [1.0], momentum=0.5)
    assert mean.tolist() == [MAX / 2]  # (MAX + 0) / 2: the plain form gives inf on the way
    assert var.tolist() == [0.5 + 0.5 * 2 * (MAX / 2**600) ** 2]
    with pytest.raises(ValueError, match="the new running variance overflows float64"):
        batch_norm_train(x, None, None, [0.0], [1.0])


def test_batch_norm_inference_is_finite_when_the_exact_output_is():
    # (MAX - (-MAX)) / 4 fits although x - mean does not
    y = batch_norm_inference([[MAX]], None, None, [-MAX], [16.0], eps=1e-300)
    assert y.tolist() == [[MAX / 2]]
    # a tiny running variance with a large gamma: the plain gamma / sqrt(var) overflows
    y = batch_norm_inference([[2.0**-600]], [2.0**600], None, [0.0], [2.0**-1000], eps=1e-320)
    assert y.tolist() == [[2.0**500]]
    with pytest.raises(ValueError, match="batch_norm_inference's output overflows float64"):
        batch_norm_inference([[MAX]], None, None, [-MAX], [1.0])


def test_batch_norm_with_a_huge_gamma_is_finite_when_the_output_fits():
    # gamma = MAX times x_hat = -1 and 1, shifted by beta: fits exactly
    y = batch_norm([[1.0], [3.0]], gamma=[MAX], beta=[0.0], eps=1e-300)
    assert y.tolist() == [[-MAX], [MAX]]
    with pytest.raises(ValueError, match="batch_norm's output overflows float64"):
        batch_norm([[1.0], [3.0]], gamma=[MAX], beta=[MAX], eps=1e-300)


# --- group normalisation and the SwiGLU feed-forward layer -----------------------------------


@st.composite
def group_norm_problems(draw):
    n, groups, per_group = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    c = groups * per_group
    if per_group * int(np.prod(spatial)) == 1:  # a group of one value is refused
        per_group, c = 2, 2 * groups
    x = draw(hnp.arrays(np.float64, (n, c, *spatial), elements=small))
    weight = draw(hnp.arrays(np.float64, c, elements=small))
    bias = draw(hnp.arrays(np.float64, c, elements=small))
    return x, groups, weight, bias, draw(st.sampled_from([1e-5, 1e-3, 0.5]))


@ORACLE
@given(group_norm_problems())
def test_group_norm_matches_torch(torch, problem):
    x, groups, weight, bias, eps = problem
    expected = torch.nn.functional.group_norm(
        as_tensor(torch, x), groups, as_tensor(torch, weight), as_tensor(torch, bias), eps=eps
    ).numpy()
    assert_close(dlterms.group_norm(x, groups, weight, bias, eps=eps), expected, atol=1e-9)


def test_group_norm_extremes_are_layer_and_instance_norm():
    x = np.random.default_rng(0).normal(size=(2, 4, 3))
    per_sample = dlterms.layer_norm(x.reshape(2, -1)).reshape(x.shape)
    assert_close(dlterms.group_norm(x, 1), per_sample)
    per_channel = dlterms.layer_norm(x)  # each (sample, channel) row on its own
    assert_close(dlterms.group_norm(x, 4), per_channel)
    huge = dlterms.group_norm(np.array([[3e307, -1e308, 5e307, 0.0]]), 2, eps=1e-300)
    assert_close(huge, dlterms.group_norm(np.array([[0.3, -1.0, 0.5, 0.0]]), 2, eps=1e-300))
    with pytest.raises(ValueError, match=r"num_groups must divide the number of channels 4"):
        dlterms.group_norm(x, 3)
    with pytest.raises(ValueError, match=r"more than one value per group"):
        dlterms.group_norm(np.ones((5, 2)), 2)
    with pytest.raises(ValueError, match=r"^group_norm's output overflows float64"):
        dlterms.group_norm(np.array([[1.0, -1.0]]), 1, [1e308, 1e308], [1e308, 1e308])


@ORACLE
@given(st.data())
def test_swiglu_matches_a_llama_style_torch_block(torch, data):
    d_model, d_ff = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    x = data.draw(hnp.arrays(np.float64, (*lead, d_model), elements=small))
    w1, w3 = (data.draw(hnp.arrays(np.float64, (d_model, d_ff), elements=small)) for _ in "13")
    w2 = data.draw(hnp.arrays(np.float64, (d_ff, d_model), elements=small))
    # LLaMA's FeedForward: w2(silu(w1(x)) * w3(x)), bias-free nn.Linear layers
    linear = torch.nn.functional.linear
    t = {k: as_tensor(torch, v) for k, v in {"x": x, "w1": w1, "w2": w2, "w3": w3}.items()}
    hidden = torch.nn.functional.silu(linear(t["x"], t["w1"].T)) * linear(t["x"], t["w3"].T)
    expected = linear(hidden, t["w2"].T).numpy()
    assert_close(dlterms.swiglu(x, w1, w3, w2), expected, rtol=1e-10, atol=1e-9)
    # it is GLU with a SiLU gate on the concatenation (x W, x V), then a projection
    both = np.concatenate([x @ w3, x @ w1], axis=-1)
    glu_silu = (both[..., :d_ff] * dlterms.silu(both[..., d_ff:])) @ w2
    assert_close(dlterms.swiglu(x, w1, w3, w2), glu_silu, rtol=1e-10, atol=1e-9)


def test_swiglu_refuses_mismatched_weights():
    one = [[1.0]]
    with pytest.raises(ValueError, match=r"w_up must have the same shape as w_gate"):
        dlterms.swiglu([[1.0]], one, [[1.0, 2.0]], one)
    with pytest.raises(ValueError, match=r"w_down must have one row per hidden unit, 1"):
        dlterms.swiglu([[1.0]], one, one, [[1.0], [2.0]])
