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
from dlterms import batch_norm, dense, dropout

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
