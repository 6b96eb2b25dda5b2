"""dlterms.regularization: oracles, properties and gradients.

1. Agreement with PyTorch (CPU, float64): autograd for the penalties and their
   gradients, ``torch.optim.SGD(weight_decay=...)`` for weight decay, ``torch.renorm``
   for the max-norm constraint and ``torch.nn.functional.batch_norm`` (its running
   buffers updated in place) for batch normalisation; SciPy's normal distribution for
   the injected noise. Each library is skipped if it is missing.
2. Properties that hold for every valid input (hypothesis).
3. Every gradient against central finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import as_tensor, moderate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import (
    activity_penalty,
    activity_penalty_grad,
    batch_norm,
    batch_norm_inference,
    batch_norm_train,
    gaussian_noise,
    gradient_descent_step,
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
    max_norm,
    weight_decay_step,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
small = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
strengths = st.floats(0.0, 10.0, allow_nan=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def arrays(elements=moderate, shape=shapes):
    return hnp.arrays(np.float64, shape, elements=elements)


def weight_lists(elements=moderate):
    """One to three weight tensors of independent shapes."""
    return st.lists(arrays(elements), min_size=1, max_size=3)


def close(actual, expected, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _autograd(torch, penalty, weights):
    """Value and gradients of a torch penalty of a list of tensors."""
    tensors = [as_tensor(torch, w, grad=True) for w in weights]
    value = penalty(tensors)
    value.backward()
    return value.item(), [t.grad.numpy() for t in tensors]


# --- 1. oracles ----------------------------------------------------------------------


@FAST
@given(weight_lists(), strengths)
def test_l1_penalty_and_subgradient_match_torch_autograd(torch, weights, lam):
    value, grads = _autograd(torch, lambda ts: lam * sum(t.abs().sum() for t in ts), weights)
    assert l1_penalty(weights, lam) == pytest.approx(value, rel=1e-12, abs=1e-12)
    for ours, theirs in zip(l1_penalty_grad(weights, lam), grads, strict=True):
        close(ours, theirs)  # torch's abs also takes 0 as the subgradient at 0


@FAST
@given(weight_lists(), strengths)
def test_l2_penalty_and_gradient_match_torch_autograd(torch, weights, lam):
    value, grads = _autograd(torch, lambda ts: lam / 2 * sum((t**2).sum() for t in ts), weights)
    assert l2_penalty(weights, lam) == pytest.approx(value, rel=1e-12, abs=1e-12)
    for ours, theirs in zip(l2_penalty_grad(weights, lam), grads, strict=True):
        close(ours, theirs)


@FAST
@given(
    shapes.flatmap(lambda s: st.tuples(arrays(moderate, s), arrays(moderate, s))),
    st.floats(1e-3, 1.0),
    st.floats(0.0, 1.0),
)
def test_weight_decay_step_matches_torch_sgd_weight_decay(torch, pair, lr, decay):
    params, grad = pair
    p = torch.nn.Parameter(as_tensor(torch, params))
    p.grad = as_tensor(torch, grad)
    torch.optim.SGD([p], lr=lr, weight_decay=decay).step()
    ours = weight_decay_step(params, grad, learning_rate=lr, weight_decay=decay)
    close(ours, p.detach().numpy(), rtol=1e-12, atol=1e-9)


@FAST
@given(arrays(moderate, hnp.array_shapes(min_dims=1, max_dims=4, max_side=4)), strengths, strengths)
def test_activity_penalty_matches_the_keras_formula_in_torch(torch, a, l1, l2):
    n = a.shape[0]
    value, (grad,) = _autograd(
        torch, lambda ts: (l1 * ts[0].abs().sum() + l2 * (ts[0] ** 2).sum()) / n, [a]
    )
    assert activity_penalty(a, l1=l1, l2=l2) == pytest.approx(value, rel=1e-12, abs=1e-12)
    close(activity_penalty_grad(a, l1=l1, l2=l2), grad)


@FAST
@given(
    arrays(small, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6)),
    st.floats(0.1, 5.0),
    st.sampled_from([0, 1]),
)
def test_max_norm_matches_torch_renorm_on_a_dense_kernel(torch, w, c, axis):
    # renorm's dim is the axis that is kept, the other one is summed over
    expected = torch.renorm(as_tensor(torch, w), p=2, dim=1 - axis, maxnorm=c).numpy()
    close(max_norm(w, c, axis=axis), expected, rtol=1e-6, atol=1e-6)  # renorm adds 1e-7


@FAST
@given(arrays(small, hnp.array_shapes(min_dims=4, max_dims=4, max_side=3)), st.floats(0.1, 3.0))
def test_max_norm_matches_torch_renorm_per_conv_filter(torch, w, c):
    # a Keras conv kernel (rows, cols, in, out): one norm per output filter
    expected = torch.renorm(as_tensor(torch, w), p=2, dim=3, maxnorm=c).numpy()
    close(max_norm(w, c, axis=(0, 1, 2)), expected, rtol=1e-6, atol=1e-6)


@st.composite
def batches(draw, elements=small):
    """A batch shaped (N, D) or (N, C, H, W) with at least two values per feature."""
    if draw(st.booleans()):
        shape = (draw(st.integers(2, 6)), draw(st.integers(1, 4)))
    else:
        shape = tuple(draw(st.integers(1, 3)) for _ in range(4))
        assume(shape[0] * shape[2] * shape[3] >= 2)
    x = draw(arrays(elements, shape))
    c = shape[1]
    stats = [draw(arrays(elements, (c,))) for _ in range(3)]
    running_var = draw(arrays(st.floats(0.0, 5.0), (c,)))
    return x, *stats, running_var


@FAST
@given(batches(), st.floats(0.0, 1.0), st.floats(1e-5, 1e-1))
def test_batch_norm_train_matches_torch_with_updated_buffers(torch, case, momentum, eps):
    x, gamma, beta, running_mean, running_var = case
    mean_buf, var_buf = as_tensor(torch, running_mean), as_tensor(torch, running_var)
    expected = torch.nn.functional.batch_norm(
        as_tensor(torch, x),
        mean_buf,
        var_buf,
        as_tensor(torch, gamma),
        as_tensor(torch, beta),
        training=True,
        momentum=momentum,
        eps=eps,
    )
    y, new_mean, new_var = batch_norm_train(
        x, gamma, beta, running_mean, running_var, momentum=momentum, eps=eps
    )
    close(y, expected.numpy(), rtol=1e-9, atol=1e-9)
    close(new_mean, mean_buf.numpy())  # torch updated its buffers in place
    close(new_var, var_buf.numpy())


@FAST
@given(batches(), st.floats(1e-5, 1e-1))
def test_batch_norm_inference_matches_torch_eval_mode(torch, case, eps):
    x, gamma, beta, running_mean, running_var = case
    expected = torch.nn.functional.batch_norm(
        as_tensor(torch, x),
        as_tensor(torch, running_mean),
        as_tensor(torch, running_var),
        as_tensor(torch, gamma),
        as_tensor(torch, beta),
        training=False,
        eps=eps,
    )
    ours = batch_norm_inference(x, gamma, beta, running_mean, running_var, eps=eps)
    close(ours, expected.numpy(), rtol=1e-10, atol=1e-10)


def test_batch_norm_layer_running_stats_after_several_steps_match_torch(torch):
    rng = np.random.default_rng(3)
    layer = torch.nn.BatchNorm2d(3, momentum=0.2, dtype=torch.float64)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(4):
        x = rng.normal(2.0, 3.0, size=(4, 3, 2, 2))
        layer(as_tensor(torch, x))
        _, mean, var = batch_norm_train(x, None, None, mean, var, momentum=0.2)
    close(mean, layer.running_mean.numpy())
    close(var, layer.running_var.numpy())
    layer.eval()
    x = rng.normal(size=(1, 3, 2, 2))
    close(
        batch_norm_inference(x, None, None, mean, var), layer(as_tensor(torch, x)).detach().numpy()
    )


def test_gaussian_noise_is_normal_with_the_given_stddev():
    stats = pytest.importorskip("scipy.stats")
    x = np.linspace(-3.0, 3.0, 4000)
    noise = gaussian_noise(x, 0.5, rng=1) - x
    assert stats.kstest(noise, stats.norm(0.0, 0.5).cdf).pvalue > 1e-3
    assert abs(noise.mean()) < 0.05 and abs(noise.std() - 0.5) < 0.05


# --- 2. properties -------------------------------------------------------------------


@FAST
@given(weight_lists(), strengths, st.floats(-100, 100))
def test_penalties_are_absolutely_homogeneous_of_degree_one_and_two(weights, lam, k):
    scaled = [k * w for w in weights]
    assert l1_penalty(scaled, lam) == pytest.approx(abs(k) * l1_penalty(weights, lam), rel=1e-9)
    assert l2_penalty(scaled, lam) == pytest.approx(k * k * l2_penalty(weights, lam), rel=1e-9)
    assert l1_penalty(weights, lam) >= 0 and l2_penalty(weights, lam) >= 0


@FAST
@given(weight_lists(), strengths)
def test_a_list_of_tensors_is_penalised_like_their_concatenation(weights, lam):
    flat = np.concatenate([w.ravel() for w in weights])
    assert l1_penalty(weights, lam) == pytest.approx(l1_penalty(flat, lam), rel=1e-12)
    assert l2_penalty(weights, lam) == pytest.approx(l2_penalty(flat, lam), rel=1e-12)
    grads = l2_penalty_grad(weights, lam)
    assert isinstance(grads, list) and [g.shape for g in grads] == [w.shape for w in weights]


@FAST
@given(arrays(), strengths)
def test_keras_l2_equals_l2_penalty_with_twice_the_factor(w, c):
    keras_l2 = c * np.sum(np.square(w))  # keras.regularizers.L2(c)
    assert l2_penalty(w, 2 * c) == pytest.approx(keras_l2, rel=1e-12, abs=1e-300)


@FAST
@given(
    shapes.flatmap(lambda s: st.tuples(arrays(moderate, s), arrays(moderate, s))),
    st.floats(1e-3, 1.0),
    st.floats(0.0, 1.0),
)
def test_weight_decay_is_gradient_descent_on_the_l2_penalised_loss(pair, lr, decay):
    params, grad = pair
    coupled = gradient_descent_step(params, grad + l2_penalty_grad(params, decay), learning_rate=lr)
    ours = weight_decay_step(params, grad, learning_rate=lr, weight_decay=decay)
    close(ours, coupled, rtol=1e-12, atol=1e-9)


@FAST
@given(arrays(small, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)), st.floats(0.1, 5.0))
def test_max_norm_caps_norms_keeps_directions_and_is_idempotent(w, c):
    out = max_norm(w, c, axis=0)
    norms_in, norms_out = np.linalg.norm(w, axis=0), np.linalg.norm(out, axis=0)
    assert np.all(norms_out <= c * (1 + 1e-12))
    inside = norms_in <= c
    np.testing.assert_array_equal(out[:, inside], w[:, inside])  # untouched, exactly
    close(out * norms_in, w * norms_out)  # same direction: out = w * c / ||w||
    close(max_norm(out, c, axis=0), out)


def test_max_norm_of_the_whole_array_and_of_zero_columns():
    close(max_norm([[3.0, 0.0], [4.0, 0.0]], 1.0, axis=None), [[0.6, 0.0], [0.8, 0.0]])
    np.testing.assert_array_equal(max_norm(np.zeros((2, 3)), 1.0), np.zeros((2, 3)))


@FAST
@given(arrays(), st.floats(0.0, 10.0), st.integers(0, 2**32))
def test_gaussian_noise_is_seeded_and_switched_off_at_inference(x, stddev, seed):
    close(gaussian_noise(x, stddev, rng=seed), gaussian_noise(x, stddev, rng=seed), 0, 0)
    np.testing.assert_array_equal(gaussian_noise(x, stddev, training=False), x)
    np.testing.assert_array_equal(gaussian_noise(x, 0.0, rng=seed), x)


@FAST
@given(batches())
def test_batch_norm_train_output_is_batch_norm_and_momentum_bounds(case):
    x, gamma, beta, running_mean, running_var = case
    y, keep_mean, keep_var = batch_norm_train(x, gamma, beta, running_mean, running_var, momentum=0)
    close(y, batch_norm(x, gamma, beta))
    close(keep_mean, running_mean, 0, 0)
    close(keep_var, running_var, 0, 0)
    _, batch_mean, batch_var = batch_norm_train(
        x, gamma, beta, running_mean, running_var, momentum=1
    )
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    close(batch_mean, x.mean(axis=axes))
    close(batch_var, x.var(axis=axes, ddof=1))  # the unbiased variance
    # inference with the biased batch statistics reproduces the training output
    biased = x.var(axis=axes)
    close(batch_norm_inference(x, gamma, beta, batch_mean, biased), y, rtol=1e-9, atol=1e-9)


def test_batch_norm_inference_handles_one_example_and_train_refuses_it():
    assert batch_norm_inference([[5.0, -1.0]], None, None, [1.0, 1.0], [4.0, 1.0]).shape == (1, 2)
    with pytest.raises(ValueError, match="more than one value per feature"):
        batch_norm_train([[5.0, -1.0]], None, None, [0.0, 0.0], [1.0, 1.0])


@pytest.mark.parametrize(
    ("function", "kwargs", "match"),
    [
        (l1_penalty, {"weights": [1.0], "lam": -0.1}, "lam must be"),
        (l2_penalty, {"weights": [], "lam": 0.1}, "must not be empty"),
        (max_norm, {"weight": [[1.0]], "max_value": 0.0}, "max_value must be"),
        (max_norm, {"weight": [[1.0]], "max_value": 1.0, "axis": (0, 0)}, "distinct"),
        (max_norm, {"weight": [[1.0]], "max_value": 1.0, "axis": 2}, "axis must be"),
        (gaussian_noise, {"x": [1.0], "stddev": -1.0}, "stddev must be"),
        (activity_penalty, {"activations": [1.0], "l1": -1.0}, "l1 must be"),
    ],
)
def test_bad_options_raise_value_errors(function, kwargs, match):
    with pytest.raises(ValueError, match=match):
        function(**kwargs)


def test_bad_kinds_raise_type_errors():
    with pytest.raises(TypeError, match="training must be True or False"):
        gaussian_noise([1.0], 0.1, training=1)
    with pytest.raises(TypeError, match="lam must be a real number"):
        l2_penalty([1.0], "0.1")
    with pytest.raises(ValueError, match="running_var must be non-negative"):
        batch_norm_inference([[1.0]], None, None, [0.0], [-1.0])
    with pytest.raises(ValueError, match="momentum must be"):
        batch_norm_train([[1.0], [2.0]], None, None, [0.0], [1.0], momentum=1.5)


# --- 3. gradients against central finite differences ---------------------------------


def numeric_grad(f, x, h=1e-6):
    """Central differences of a scalar function of one array."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


away_from_zero = st.floats(0.01, 10.0).flatmap(lambda v: st.sampled_from([v, -v]))


@FAST
@given(arrays(away_from_zero, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)), strengths)
def test_l1_penalty_grad_matches_finite_differences(w, lam):
    close(l1_penalty_grad(w, lam), numeric_grad(lambda v: l1_penalty(v, lam), w), 1e-6, 1e-6)


@FAST
@given(arrays(small, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)), strengths)
def test_l2_penalty_grad_matches_finite_differences(w, lam):
    close(l2_penalty_grad(w, lam), numeric_grad(lambda v: l2_penalty(v, lam), w), 1e-6, 1e-6)


@FAST
@given(arrays(away_from_zero, hnp.array_shapes(min_dims=1, max_dims=3, max_side=3)), strengths)
def test_activity_penalty_grad_matches_finite_differences(a, l2):
    def f(v):
        return activity_penalty(v, l1=0.3, l2=l2)

    close(activity_penalty_grad(a, l1=0.3, l2=l2), numeric_grad(f, a), 1e-6, 1e-6)


def test_l1_subgradient_is_zero_at_zero_and_bounded_there():
    assert l1_penalty_grad(0.0, 2.0) == 0.0
    h = 1e-6  # one-sided slopes at 0 are +-lam; 0 lies between them
    assert l1_penalty(h, 2.0) / h == pytest.approx(2.0)
    assert l1_penalty(-h, 2.0) / -h == pytest.approx(-2.0)


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
def test_activity_penalty_keeps_its_promise():
    a = np.array([[1e308], [1e308]])
    assert dlterms.activity_penalty(a, l1=1.0) == 1e308
    assert dlterms.activity_penalty(np.array([[1e160]] * 4), l2=1e-20) == pytest.approx(1e300)
    with pytest.raises(ValueError, match="activity penalty must fit in float64"):
        dlterms.activity_penalty(np.array([[1e200]]), l2=1.0)


def test_l2_penalty_is_finite_whenever_the_exact_penalty_is():
    # m^2 = 2**2000 overflows on the way; times lam / 2 = 2**-1075 it is 2**925
    assert l2_penalty([2.0**1000, -(2.0**1000)], 2.0**-1074) == 2.0**926
    assert l2_penalty([1e-200], 1e300) == pytest.approx(0.5e-100, rel=1e-15)
    with pytest.raises(ValueError, match="the L2 penalty must fit in float64"):
        l2_penalty([1e200, -1e200], 0.1)


def test_weight_decay_step_near_the_float_limits_is_exact_or_refused():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # both terms near the maximum, result in range: 0.75 * 1.6e308 - 0.5 * 1.6e308
        out = weight_decay_step([1.6e308], [1.6e308], learning_rate=0.5, weight_decay=0.5)
        assert out.tolist() == [0.75 * 1.6e308 - 0.5 * 1.6e308]
        # a huge learning rate on tiny values: lr * grad fits although lr and 1/grad do not
        out = weight_decay_step([1e-300], [-1e-300], learning_rate=1e300, weight_decay=0.0)
        assert out.tolist() == [pytest.approx(1.0)]
        with pytest.raises(ValueError, match="weight-decay step overflows float64"):
            weight_decay_step([1.7e308], [-1.7e308], learning_rate=0.5, weight_decay=0.5)
        with pytest.raises(ValueError, match="learning_rate \\* weight_decay must fit"):
            weight_decay_step([1.0], [1.0], learning_rate=1e200, weight_decay=1e200)
