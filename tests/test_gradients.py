"""dlterms.gradients: oracles, hypothesis properties and finite-difference checks.

1. Independent implementations: ``torch.nn.init`` for the initialisers (their variances
   and uniform bounds), ``torch.nn.utils.clip_grad_value_`` / ``clip_grad_norm_`` for
   clipping, torch autograd for the per-layer gradients of a deep network,
   scikit-learn's ``PolynomialFeatures`` + ``LinearRegression`` and numpy's
   ``Polynomial.fit`` for the polynomial fits, and a line-by-line transcription of
   Keras' ``EarlyStopping.on_epoch_end`` (Keras itself is not installed).
2. Properties that hold for every valid input (hypothesis).
3. ``backprop_check`` is itself the finite-difference check: it must pass on correct
   gradients and catch wrong ones.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms.gradients
from dlterms import (
    backprop_check,
    clip_by_norm,
    clip_by_value,
    early_stopping,
    gradient_norms_through_depth,
    he_init,
    init_mlp,
    mlp_backward,
    polynomial_fit_errors,
    polynomial_predict,
    xavier_init,
)

FAST = settings(max_examples=30, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
# torch squares the entries before summing, so its norm underflows below ~1e-154; keep the
# oracle tests above that (our own properties use the full range)
moderate = finite.filter(lambda v: v == 0 or abs(v) > 1e-100)
moderate_gradients = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=moderate
)
gradients = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), elements=finite
)


# --- 1. oracles ------------------------------------------------------------------------


@FAST
@given(st.integers(100, 300), st.integers(100, 300), st.floats(0.5, 2.0), st.booleans(), seeds)
def test_xavier_init_has_the_variance_and_bound_of_torch(
    torch, fan_in, fan_out, gain, uniform, seed
):
    ours = xavier_init(fan_in, fan_out, uniform=uniform, gain=gain, rng=seed)
    theirs = torch.empty(fan_out, fan_in, dtype=torch.float64)  # torch stores (out, in)
    torch.manual_seed(seed % 2**31)
    init = torch.nn.init.xavier_uniform_ if uniform else torch.nn.init.xavier_normal_
    init(theirs, gain=gain)
    variance = gain**2 * 2 / (fan_in + fan_out)
    assert ours.shape == (fan_in, fan_out)
    assert ours.var() == pytest.approx(variance, rel=0.1)
    assert theirs.numpy().var() == pytest.approx(variance, rel=0.1)
    if uniform:
        bound = gain * math.sqrt(6 / (fan_in + fan_out))
        assert np.abs(ours).max() <= bound and theirs.abs().max().item() <= bound
        assert np.abs(ours).max() > 0.99 * bound


@FAST
@given(st.integers(100, 300), st.integers(100, 300), st.booleans(), seeds)
def test_he_init_has_the_variance_and_bound_of_torch_kaiming(torch, fan_in, fan_out, uniform, seed):
    ours = he_init(fan_in, fan_out, uniform=uniform, rng=seed)
    theirs = torch.empty(fan_out, fan_in, dtype=torch.float64)
    torch.manual_seed(seed % 2**31)
    init = torch.nn.init.kaiming_uniform_ if uniform else torch.nn.init.kaiming_normal_
    init(theirs, mode="fan_in", nonlinearity="relu")
    assert ours.shape == (fan_in, fan_out)
    assert ours.var() == pytest.approx(2 / fan_in, rel=0.1)
    assert theirs.numpy().var() == pytest.approx(2 / fan_in, rel=0.1)
    if uniform:
        bound = math.sqrt(6 / fan_in)
        assert np.abs(ours).max() <= bound and theirs.abs().max().item() <= bound


@FAST
@given(gradients, st.floats(1e-3, 1e3))
def test_clip_by_value_matches_torch(torch, grad, c):
    t = torch.zeros(grad.shape, dtype=torch.float64, requires_grad=True)
    t.grad = torch.tensor(grad)
    torch.nn.utils.clip_grad_value_([t], c)
    np.testing.assert_array_equal(clip_by_value(grad, c), t.grad.numpy())


@FAST
@given(st.lists(moderate_gradients, min_size=1, max_size=4), st.floats(1e-3, 1e3))
def test_clip_by_norm_matches_torch_clip_grad_norm(torch, grads, c):
    tensors = []
    for g in grads:
        t = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
        t.grad = torch.tensor(g)
        tensors.append(t)
    total = torch.nn.utils.clip_grad_norm_(tensors, c).item()
    clipped, norm = clip_by_norm(grads, c)
    assert norm == pytest.approx(total, rel=1e-12)
    # torch divides by norm + 1e-6 rather than by the norm: a relative gap of 1e-6 / norm
    rtol = 1e-12 + 2e-6 / max(total, c)
    for ours, t in zip(clipped, tensors, strict=True):
        np.testing.assert_allclose(ours, t.grad.numpy(), rtol=rtol, atol=1e-300)


def _torch_delta_norms(torch, weights, x, g, activation):
    """Per-layer RMS norm of dl/dz for l = sum(h_L * g), by autograd."""
    h, zs = torch.tensor(x, requires_grad=True), []  # a leaf, so every z joins the graph
    for w in weights:
        z = h @ torch.tensor(w)
        z.retain_grad()
        zs.append(z)
        h = getattr(torch, activation)(z)
    (h * torch.tensor(g)).sum().backward()
    return np.array([z.grad.norm().item() / math.sqrt(x.shape[0]) for z in zs])


@FAST
@given(
    st.integers(1, 8),
    st.integers(1, 12),
    st.sampled_from(["sigmoid", "tanh", "relu"]),
    st.sampled_from(["xavier", "he", None]),
    st.floats(0.25, 3.0),
    st.integers(1, 6),
    seeds,
)
def test_gradient_norms_through_depth_match_torch_autograd(
    torch, depth, width, activation, init, scale, n, seed
):
    ours = gradient_norms_through_depth(
        depth, width, activation=activation, weight_scale=scale, init=init, n_examples=n, rng=seed
    )
    # the documented order of draws: weights layer by layer, then inputs, then g
    gen = np.random.default_rng(seed)
    draw = {"xavier": xavier_init, "he": he_init}
    weights = [
        scale * (draw[init](width, width, rng=gen) if init else gen.normal(size=(width, width)))
        for _ in range(depth)
    ]
    x, g = gen.normal(size=(n, width)), gen.normal(size=(n, width))
    expected = _torch_delta_norms(torch, weights, x, g, activation)
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-300)


def _keras_early_stopping(losses, patience, min_delta):
    """keras.callbacks.EarlyStopping(monitor="val_loss", mode="min"), transcribed from Keras 3."""
    min_delta = -abs(min_delta)  # _set_monitor_op: min_delta *= -1 for ops.less
    wait, best, best_epoch, stopped_epoch = 0, None, 0, None
    for epoch, current in enumerate(losses):
        wait += 1
        # _is_improvement: monitor_op(current - min_delta, best), monitor_op = less
        if best is None or current - min_delta < best:
            best, best_epoch, wait = current, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            stopped_epoch = epoch
            break
    return (len(losses) - 1 if stopped_epoch is None else stopped_epoch), best_epoch


@FAST
@given(
    st.lists(st.integers(0, 64), min_size=1, max_size=40),
    st.integers(1, 6),
    st.integers(0, 8),
)
def test_early_stopping_matches_keras_callback(steps, patience, delta_eighths):
    losses = [s / 8 for s in steps]  # eighths: every comparison is exact in both forms
    min_delta = delta_eighths / 8
    assert early_stopping(losses, patience=patience, min_delta=min_delta) == _keras_early_stopping(
        losses, patience, min_delta
    )


def _distinct_points(seed, n):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1, 1, size=n))
    assume(np.min(np.diff(x)) > 1e-3)
    return x, rng


@FAST
@given(seeds, st.integers(8, 20), st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_polynomial_fit_errors_match_sklearn(seed, n, degrees):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    linear_model = pytest.importorskip("sklearn.linear_model")
    x, rng = _distinct_points(seed, n)
    y = np.sin(3 * x) + 0.1 * rng.normal(size=n)
    x_test = rng.uniform(-1, 1, size=7)
    y_test = np.sin(3 * x_test)
    train, test = polynomial_fit_errors(x, y, x_test, y_test, degrees)
    for i, d in enumerate(degrees):
        features = preprocessing.PolynomialFeatures(d, include_bias=False)
        model = linear_model.LinearRegression().fit(features.fit_transform(x[:, None]), y)
        fit = model.predict(features.transform(x[:, None]))
        pred = model.predict(features.transform(x_test[:, None]))
        assert train[i] == pytest.approx(np.mean((fit - y) ** 2), rel=1e-6, abs=1e-12)
        assert test[i] == pytest.approx(np.mean((pred - y_test) ** 2), rel=1e-6, abs=1e-12)


@FAST
@given(seeds, st.integers(5, 15), st.integers(0, 4))
def test_polynomial_predict_matches_numpy_polynomial_fit(seed, n, degree):
    x, rng = _distinct_points(seed, n)
    x = 10 * x + 3  # any range: both map it onto [-1, 1]
    y = rng.normal(size=n)
    x_new = rng.uniform(x.min(), x.max(), size=5)
    expected = np.polynomial.Polynomial.fit(x, y, degree)(x_new)
    np.testing.assert_allclose(polynomial_predict(x, y, x_new, degree=degree), expected, atol=1e-9)


# --- 2. properties ---------------------------------------------------------------------


@FAST
@given(st.integers(1, 6), st.integers(1, 6), st.booleans(), seeds)
def test_initialisers_are_reproducible_and_fresh_arrays(fan_in, fan_out, uniform, seed):
    for init in (
        lambda r: xavier_init(fan_in, fan_out, uniform=uniform, rng=r),
        lambda r: he_init(fan_in, fan_out, uniform=uniform, rng=r),
    ):
        a, b = init(seed), init(np.random.default_rng(seed))
        assert a.shape == (fan_in, fan_out) and a.dtype == np.float64
        np.testing.assert_array_equal(a, b)


def test_xavier_gain_scales_the_weights_exactly():
    np.testing.assert_allclose(
        xavier_init(5, 7, gain=3.0, rng=1), 3.0 * xavier_init(5, 7, rng=1), rtol=1e-15
    )


@FAST
@given(gradients, st.floats(1e-3, 1e3))
def test_clip_by_value_bounds_and_keeps_small_components(grad, c):
    out = clip_by_value(grad, c)
    assert np.all(np.abs(out) <= c)
    small = np.abs(grad) <= c
    np.testing.assert_array_equal(out[small], grad[small])
    np.testing.assert_array_equal(clip_by_value(out, c), out)


@FAST
@given(st.lists(gradients, min_size=1, max_size=4), st.floats(1e-3, 1e3))
def test_clip_by_norm_caps_the_length_and_keeps_the_direction(grads, c):
    clipped, total = clip_by_norm(grads, c)
    flat_in = np.concatenate([g.ravel() for g in grads])
    flat_out = np.concatenate([g.ravel() for g in clipped])
    assert total == pytest.approx(np.linalg.norm(flat_in), rel=1e-12)
    assert np.linalg.norm(flat_out) <= c * (1 + 1e-12) or np.array_equal(flat_out, flat_in)
    factor = min(1.0, c / total) if total > 0 else 1.0
    np.testing.assert_allclose(flat_out, factor * flat_in, rtol=1e-12, atol=1e-300)
    single, single_total = clip_by_norm(flat_in, c)
    np.testing.assert_allclose(single, flat_out, rtol=1e-12, atol=1e-300)
    assert single_total == pytest.approx(total, rel=1e-12)


def test_clip_by_norm_returns_the_form_it_was_given():
    out, norm = clip_by_norm((np.zeros(2), np.zeros((1, 1))), 1.0)
    assert isinstance(out, list) and [a.shape for a in out] == [(2,), (1, 1)] and norm == 0.0
    assert clip_by_norm(-3.0, 1.0) == (-1.0, 3.0)


@pytest.mark.parametrize("seed", range(3))
def test_sigmoid_gradients_vanish_geometrically(seed):
    norms = gradient_norms_through_depth(20, 64, activation="sigmoid", rng=seed)
    ratios = norms[:-1] / norms[1:]  # layer l against the layer above it
    assert np.all(ratios < 0.5)
    assert norms[0] / norms[-1] < 1e-8


@pytest.mark.parametrize("seed", range(3))
def test_tanh_with_small_weights_also_vanishes(seed):
    norms = gradient_norms_through_depth(
        20, 64, activation="tanh", weight_scale=0.5, init="xavier", rng=seed
    )
    assert np.all(norms[:-1] / norms[1:] < 0.75)


@pytest.mark.parametrize("seed", range(3))
def test_large_relu_weights_explode_geometrically(seed):
    norms = gradient_norms_through_depth(
        20, 64, activation="relu", init="he", weight_scale=2.0, rng=seed
    )
    assert np.all(norms[:-1] / norms[1:] > 1.4)
    assert norms[0] / norms[-1] > 1e4


@pytest.mark.parametrize("seed", range(3))
def test_he_init_keeps_relu_gradients_level(seed):
    norms = gradient_norms_through_depth(20, 256, activation="relu", init="he", rng=seed)
    assert norms.max() / norms.min() < 3


def test_overflowing_networks_are_refused_with_a_reason():
    with pytest.raises(ValueError, match=r"weighted sums of layer \d+ overflowed float64"):
        gradient_norms_through_depth(
            1000, 64, activation="relu", init="he", weight_scale=4.0, rng=0
        )
    with pytest.raises(ValueError, match=r"gradient at layer \d+ overflowed .* weight_scale=3"):
        gradient_norms_through_depth(3000, 64, activation="tanh", weight_scale=3.0, rng=0)


@FAST
@given(st.lists(st.integers(0, 64), min_size=1, max_size=40), st.integers(1, 6))
def test_early_stopping_waits_exactly_patience_epochs_after_the_best(steps, patience):
    losses = [s / 8 for s in steps]
    stop, best = early_stopping(losses, patience=patience)
    assert isinstance(stop, int) and isinstance(best, int)
    assert 0 <= best <= stop < len(losses)
    assert stop - best == patience or stop == len(losses) - 1
    seen = losses[: stop + 1]
    assert best == seen.index(min(seen))  # without min_delta: the first minimum so far


@FAST
@given(seeds, st.integers(6, 14))
def test_training_error_never_rises_with_degree_and_reaches_zero(seed, n):
    x, rng = _distinct_points(seed, n)
    y = rng.normal(size=n)
    train, _ = polynomial_fit_errors(x, y, x[:2], y[:2], list(range(n)))
    assert np.all(np.diff(train) <= 1e-10)
    assert train[-1] < 1e-12  # n coefficients: the curve passes through every point


@FAST
@given(seeds, st.floats(-1e3, 1e3), st.floats(1e-3, 1e3))
def test_fits_do_not_depend_on_the_units_of_x(seed, shift, scale):
    x, rng = _distinct_points(seed, 10)
    y, x_test = rng.normal(size=10), rng.uniform(-1, 1, size=4)
    a = polynomial_fit_errors(x, y, x_test, x_test**2, [0, 2, 5])
    b = polynomial_fit_errors(scale * x + shift, y, scale * x_test + shift, x_test**2, [0, 2, 5])
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_low_degree_underfits_and_high_degree_overfits(seed):
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(-1, 1, size=15))
    y_train = np.cos(np.pi * x_train) + 0.2 * rng.normal(size=15)
    x_test = rng.uniform(x_train.min(), x_train.max(), size=200)  # no extrapolation
    y_test = np.cos(np.pi * x_test) + 0.2 * rng.normal(size=200)
    (under, good, over), (under_t, good_t, over_t) = polynomial_fit_errors(
        x_train, y_train, x_test, y_test, [1, 3, 12]
    )
    assert under > 2 * good and under_t > 2 * good_t  # degree 1: both errors high
    assert over < good and over_t > good_t  # degree 12: fits the noise, worse on new data


def test_degree_must_be_determined_by_the_points():
    with pytest.raises(ValueError, match=r"below the number of distinct x_train values, 2"):
        polynomial_predict([0.0, 0.0, 1.0], [1.0, 2.0, 3.0], [0.5], degree=2)
    with pytest.raises(ValueError, match=r"degrees must be an int or a non-empty list"):
        polynomial_fit_errors([0.0, 1.0], [0.0, 1.0], [0.5], [0.5], [])
    with pytest.raises(TypeError, match=r"degrees\[0\] must be an integer"):
        polynomial_fit_errors([0.0, 1.0], [0.0, 1.0], [0.5], [0.5], [1.0])


# --- 3. the finite-difference check --------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "linear", "relu"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_backprop_check_passes_on_the_real_backward_pass(activation, loss):
    rng = np.random.default_rng(5)
    params = init_mlp([3, 5, 4, 2], rng=5)
    x = rng.normal(size=(4, 3))
    y = np.array([0, 1, 1, 0]) if loss == "cross_entropy" else rng.normal(size=(4, 2))
    assert backprop_check(x, y, params, loss=loss, activation=activation) < 1e-7


def test_backprop_check_catches_a_wrong_gradient(monkeypatch):
    params = init_mlp([2, 3, 1], rng=0)
    x, y = np.array([[1.0, -2.0], [0.5, 0.25]]), np.array([[1.0], [0.0]])

    def off_by_one_percent(*args, **kwargs):
        grad_x, grads = mlp_backward(*args, **kwargs)
        return grad_x, [(1.01 * w, b) for w, b in grads]

    monkeypatch.setattr(dlterms.gradients, "mlp_backward", off_by_one_percent)
    assert backprop_check(x, y, params, activation="sigmoid") == pytest.approx(
        0.01 / 2.01, rel=1e-4
    )


def test_backprop_check_error_shrinks_like_h_squared():
    params = init_mlp([2, 3, 1], rng=0)
    x, y = np.array([[1.0, -2.0], [0.5, 0.25]]), np.array([[1.0], [0.0]])
    coarse = backprop_check(x, y, params, activation="sigmoid", h=1e-1)
    fine = backprop_check(x, y, params, activation="sigmoid", h=1e-2)
    assert fine / coarse == pytest.approx(1e-2, rel=0.1)


def test_backprop_check_explains_bad_targets_and_options():
    params = init_mlp([2, 3, 2], rng=0)
    with pytest.raises(ValueError, match=r"y must have the same shape as the network output"):
        backprop_check([[1.0, 2.0]], [[1.0]], params)
    with pytest.raises(ValueError, match=r"needs a batch, x of shape \(n, d_0\); got shape \(2,\)"):
        backprop_check([1.0, 2.0], [1], params, loss="cross_entropy")
    with pytest.raises(ValueError, match=r"loss must be one of 'mse', 'cross_entropy'"):
        backprop_check([[1.0, 2.0]], [[1.0, 0.0]], params, loss="mae")
    with pytest.raises(ValueError, match=r"h must be a finite number in \(0, 1\]"):
        backprop_check([[1.0, 2.0]], [[1.0, 0.0]], params, h=0.0)


def test_backprop_check_steps_large_parameters_relatively():
    # 1e12 + 1e-6 rounds back to 1e12; the step h |w| = 1e6 does not
    params = [(np.array([[1e12]]), None), (np.array([[1.0]]), None)]
    assert backprop_check([[1e-12]], [[0.5]], params, activation="linear") < 1e-7


def test_backprop_check_leaves_params_alone_and_handles_missing_biases():
    params = [(np.array([[1.0, -1.0], [0.5, 2.0]]), None), (np.array([[1.0], [2.0]]), None)]
    before = [w.copy() for w, _ in params]
    assert backprop_check([[0.3, 0.7]], [[1.0]], params, activation="sigmoid") < 1e-7
    for (w, _), saved in zip(params, before, strict=True):
        np.testing.assert_array_equal(w, saved)


def test_polynomial_fits_of_targets_near_the_float_limit_stay_finite():
    big = np.finfo(np.float64).max
    x, y = np.array([-1.0, 0.0, 1.0]), np.array([big, 0.0, big]) / 2
    with np.errstate(all="raise"):
        # the parabola (max / 2) x**2: solving for it unscaled overflows in lstsq
        np.testing.assert_allclose(polynomial_predict(x, y, [0.5], degree=2), [big / 8])
        # targets scaled by 2**500 scale both errors by exactly 2**1000, squares near
        # 1e300 included, though the plain sums of squares would overflow on the way
        x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
        y = np.array([1.0, 0.0, 3.0, -1.0, 2.0])
        plain = polynomial_fit_errors(x, y, [2.0, 3.0], [5.0, -4.0], [1, 2])
        test_y = np.ldexp([5.0, -4.0], 500)
        scaled = polynomial_fit_errors(x, np.ldexp(y, 500), [2.0, 3.0], test_y, [1, 2])
    np.testing.assert_allclose(np.ldexp(plain, 1000), scaled, rtol=1e-12)
    assert scaled[1][1] > 1e300


def test_polynomial_values_beyond_float64_are_refused():
    x, y = np.array([-1.0, 0.0, 1.0]), np.array([1e300, 0.0, 1e300])
    with pytest.raises(ValueError, match=r"exceeds the float64 range.*rescale y_train"):
        polynomial_predict(x, y, [1e5], degree=2)
    with pytest.raises(ValueError, match=r"the test MSE must fit in float64"):
        polynomial_fit_errors(x, [1.0, 0.0, 1.0], [0.0], [1e200], [2])


def test_backprop_check_refuses_a_network_that_overflows():
    params = [(np.full((2, 2), 1e200), np.zeros(2)), (np.full((2, 1), 1e200), np.zeros(1))]
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=r"overflow float64.*rescale x or the parameters"):
            backprop_check([[1.0, 1.0]], [[0.0]], params, activation="linear")
