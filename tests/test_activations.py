"""dlterms.activations: softmax, log-softmax, sigmoid, ReLU and their derivatives.

Oracles: SciPy (``softmax``, ``log_softmax``, ``expit``) and PyTorch (``relu``).
Properties: softmax is a distribution invariant to shifts, sigmoid is symmetric and
monotone, ReLU is idempotent, and every hand-written derivative matches central
differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import (
    ORACLE,
    PROPERTY,
    any_finite,
    as_tensor,
    assert_close,
    float_arrays,
    moderate,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import log_softmax, relu, relu_grad, sigmoid, sigmoid_grad, softmax, softmax_jvp

# --- against independent implementations -----------------------------------


@ORACLE
@given(
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=6), elements=moderate),
    st.data(),
)
def test_softmax_and_log_softmax_match_scipy(special, z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    assert_close(softmax(z, axis=axis), special.softmax(z, axis=axis), atol=1e-300)
    assert_close(log_softmax(z, axis=axis), special.log_softmax(z, axis=axis))


@ORACLE
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e308, 1e308)))
def test_sigmoid_matches_scipy_expit(special, x):
    assert_close(sigmoid(x), special.expit(x), rtol=1e-14, atol=1e-300)


@ORACLE
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=st.floats(-1e308, 1e308)))
def test_relu_matches_torch(torch, x):
    F = torch.nn.functional
    np.testing.assert_array_equal(relu(x), F.relu(as_tensor(torch, x)).numpy())


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(float_arrays(), st.data())
def test_softmax_is_a_distribution_invariant_to_shifts(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    c = data.draw(moderate)
    s = softmax(z, axis=axis)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + c, axis=axis), s, rtol=1e-9, atol=1e-15)


@PROPERTY
@given(float_arrays(), st.data())
def test_log_softmax_is_log_of_softmax_and_normalised(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    log_s = log_softmax(z, axis=axis)
    assert np.all(log_s <= 0)
    np.testing.assert_allclose(np.exp(log_s).sum(axis=axis), 1.0, rtol=1e-12)
    s = softmax(z, axis=axis)
    visible = s > 1e-300  # where softmax has not underflowed to 0
    np.testing.assert_allclose(log_s[visible], np.log(s[visible]), rtol=1e-9, atol=1e-12)


@PROPERTY
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=any_finite))
def test_sigmoid_is_symmetric_bounded_and_monotone(x):
    s = sigmoid(x)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(sigmoid(-x), 1 - s, rtol=0, atol=1e-15)
    order = np.argsort(x)
    assert np.all(np.diff(s[order]) >= 0)


@PROPERTY
@given(moderate)
def test_sigmoid_is_two_class_softmax(x):
    assert sigmoid(x) == pytest.approx(softmax([x, 0.0])[0], rel=1e-12, abs=1e-300)


@PROPERTY
@given(float_arrays(elements=any_finite))
def test_relu_is_idempotent_and_splits_x(x):
    r = relu(x)
    np.testing.assert_array_equal(relu(r), r)
    np.testing.assert_array_equal(r - relu(-x), x)


@PROPERTY
@given(float_arrays(elements=st.floats(-20, 20)))
def test_sigmoid_grad_matches_central_differences(x):
    h = 1e-5
    numeric = (sigmoid(x + h) - sigmoid(x - h)) / (2 * h)
    np.testing.assert_allclose(sigmoid_grad(x), numeric, rtol=1e-6, atol=1e-10)


@PROPERTY
@given(float_arrays(elements=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)))
def test_relu_grad_matches_central_differences_away_from_zero(x):
    h = 1e-6
    numeric = (relu(x + h) - relu(x - h)) / (2 * h)
    np.testing.assert_allclose(relu_grad(x), numeric, rtol=1e-6)


@PROPERTY
@given(st.data())
def test_softmax_jvp_matches_central_differences(data):
    z = data.draw(float_arrays(elements=st.floats(-10, 10), max_dims=2))
    v = data.draw(hnp.arrays(np.float64, z.shape, elements=st.floats(-1, 1)))
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    h = 1e-6
    numeric = (softmax(z + h * v, axis=axis) - softmax(z - h * v, axis=axis)) / (2 * h)
    jvp = softmax_jvp(z, v, axis=axis)
    np.testing.assert_allclose(jvp, numeric, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(jvp.sum(axis=axis), 0.0, atol=1e-12)


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------

MAX = np.finfo(float).max
TINY = 5e-324  # the smallest subnormal


@pytest.mark.usefixtures("warnings_are_errors")
def test_log_softmax_takes_a_full_range_gap_without_a_warning():
    assert dlterms.log_softmax(np.array([MAX, -MAX])).tolist() == [0.0, -np.inf]
    assert dlterms.softmax(np.array([MAX, -MAX])).tolist() == [1.0, 0.0]


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear", "leaky_relu"])
def test_apply_activation_names_its_own_argument(name):
    for function in (dlterms.apply_activation, dlterms.apply_activation_grad):
        with pytest.raises(ValueError, match=r"^x must be finite"):
            function([[np.nan]], name)
