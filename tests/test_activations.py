"""dlterms.activations: softmax, log-softmax, sigmoid, ReLU, GELU, SiLU, softplus, GLU.

Oracles: SciPy (``softmax``, ``log_softmax``, ``expit``) and PyTorch (``relu``, ``gelu``
with both approximations, ``silu``, ``softplus`` with beta and threshold, ``glu``, and
autograd for the derivatives).
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
from hypothesis import given, settings
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


# --- GELU, SiLU, softplus and GLU against PyTorch, values and autograd -----------------------

NORM_FAST = settings(max_examples=25, deadline=None, database=None)
wide = st.floats(-60.0, 60.0, allow_nan=False, allow_infinity=False)


def _torch_value_and_grad(torch, function, x):
    t = as_tensor(torch, x, grad=True)
    y = function(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


@NORM_FAST
@given(float_arrays(elements=wide), st.sampled_from(["none", "tanh"]))
def test_gelu_and_its_derivative_match_torch(torch, x, approximate):
    F = torch.nn.functional
    value, grad = _torch_value_and_grad(torch, lambda t: F.gelu(t, approximate=approximate), x)
    assert_close(dlterms.gelu(x, approximate=approximate), value, rtol=1e-12, atol=1e-15)
    # torch forms 1 + tanh(u), which cancels in the left tail: its slope there is off by
    # up to ~2e-15 absolute (ours is exact to rounding: see the test against mpmath below)
    atol = 1e-14 if approximate == "tanh" else 1e-15
    assert_close(dlterms.gelu_grad(x, approximate=approximate), grad, rtol=1e-12, atol=atol)


def test_tanh_gelu_slope_is_exact_in_the_left_tail_where_torch_cancels():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    c = mp.sqrt(2 / mp.pi)

    def gelu_tanh(v):
        return v / 2 * (1 + mp.tanh(c * (v + mp.mpf("0.044715") * v**3)))

    for x in (-3.0, -6.75, -9.5, -15.0):
        exact = float(mp.diff(gelu_tanh, mp.mpf(x)))
        assert dlterms.gelu_grad(x, approximate="tanh") == pytest.approx(exact, rel=1e-12)


@NORM_FAST
@given(float_arrays(elements=wide))
def test_silu_and_its_derivative_match_torch(torch, x):
    value, grad = _torch_value_and_grad(torch, torch.nn.functional.silu, x)
    assert_close(dlterms.silu(x), value, rtol=1e-13, atol=1e-300)
    assert_close(dlterms.silu_grad(x), grad, rtol=1e-13, atol=1e-300)


@NORM_FAST
@given(
    float_arrays(elements=wide),
    st.sampled_from([0.25, 1.0, 2.0, 7.5]),
    st.sampled_from([1.0, 5.0, 20.0, 40.0]),
)
def test_softplus_and_its_derivative_match_torch_with_beta_and_threshold(torch, x, beta, threshold):
    F = torch.nn.functional
    value, grad = _torch_value_and_grad(
        torch, lambda t: F.softplus(t, beta=beta, threshold=threshold), x
    )
    kwargs = {"beta": beta, "threshold": threshold}
    assert_close(dlterms.softplus(x, **kwargs), value, rtol=1e-13, atol=1e-300)
    assert_close(dlterms.softplus_grad(x, **kwargs), grad, rtol=1e-13, atol=1e-300)


@NORM_FAST
@given(
    st.integers(1, 3).flatmap(
        lambda ndim: hnp.arrays(
            np.float64,
            hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=4).map(
                lambda s: tuple(2 * side for side in s)
            ),
            elements=wide,
        )
    ),
    st.data(),
)
def test_glu_matches_torch_along_every_axis(torch, x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    expected = torch.nn.functional.glu(as_tensor(torch, x), dim=axis).numpy()
    assert_close(dlterms.glu(x, axis=axis), expected, rtol=1e-13, atol=1e-300)


@PROPERTY
@given(float_arrays(elements=st.floats(-30, 30)), st.sampled_from(["none", "tanh"]))
def test_new_derivatives_match_central_differences(x, approximate):
    h = 1e-6
    pairs = [
        (
            lambda v: dlterms.gelu(v, approximate=approximate),
            dlterms.gelu_grad(x, approximate=approximate),
        ),
        (dlterms.silu, dlterms.silu_grad(x)),
        (lambda v: dlterms.softplus(v, threshold=1e9), dlterms.softplus_grad(x, threshold=1e9)),
    ]
    for function, grad in pairs:
        numeric = (function(x + h) - function(x - h)) / (2 * h)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.usefixtures("warnings_are_errors")
def test_smooth_relus_keep_their_tails_finite_and_exact():
    x = np.array([-MAX, -1e4, -40.0, 40.0, 1e4, MAX])
    for name in ("gelu", "silu", "softplus"):
        y = dlterms.apply_activation(x, name)
        assert np.all(np.isfinite(y)) and y[-1] == MAX
        assert np.all(np.isfinite(dlterms.apply_activation_grad(x, name)))
    assert dlterms.gelu(x, approximate="tanh")[-1] == MAX
    # exact GELU keeps its relative precision deep in the left tail, where 1 + erf cancels
    assert dlterms.gelu(-10.0) == pytest.approx(-10.0 * 7.619853024160527e-24, rel=1e-12)
    # softplus(x) - softplus(-x) = x; log(1 + e^-40) is not lost
    assert dlterms.softplus(-40.0) == pytest.approx(4.248354255291589e-18, rel=1e-12)
    assert dlterms.softplus(1e308, beta=4.0) == 1e308
    with pytest.raises(ValueError, match=r"^softplus's output overflows float64"):
        dlterms.softplus(0.0, beta=1e-310)


def test_new_activations_work_inside_an_mlp_and_refuse_bad_options():
    w = [(np.array([[1.0, -1.0]]), None), (np.array([[1.0], [1.0]]), None)]
    for name, function in (("gelu", dlterms.gelu), ("silu", dlterms.silu)):
        out = dlterms.mlp_forward(np.array([[2.0]]), w, activation=name, output_activation="linear")
        assert out[0, 0] == pytest.approx(function(2.0) + function(-2.0), rel=1e-15)
    with pytest.raises(ValueError, match=r"approximate must be one of 'none', 'tanh'; got 'erf'"):
        dlterms.gelu(1.0, approximate="erf")
    with pytest.raises(ValueError, match=r"beta must be"):
        dlterms.softplus(1.0, beta=0.0)
    with pytest.raises(ValueError, match=r"x must have an even size along axis 1"):
        dlterms.glu(np.ones((2, 3)))
