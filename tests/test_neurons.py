"""tanh, Leaky ReLU, the linear activation, the dispatchers and dlterms.neurons.

Three kinds of check: agreement with PyTorch (CPU, float64) and scikit-learn's
``Perceptron``; hypothesis properties; and every hand-written derivative against
central finite differences. Oracles load through ``pytest.importorskip``.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import any_finite, as_tensor, eighths, moderate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    apply_activation,
    apply_activation_grad,
    dense,
    leaky_relu,
    leaky_relu_grad,
    linear,
    linear_grad,
    neuron,
    neuron_grad,
    perceptron_predict,
    perceptron_train,
    relu,
    relu_grad,
    saturated_mask,
    saturation_fraction,
    sigmoid,
    sigmoid_grad,
    softmax,
    tanh,
    tanh_grad,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
small = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
slopes = st.floats(0.0, 1.0, allow_nan=False)
UNIT = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
SMOOTH = {"sigmoid": sigmoid_grad, "tanh": tanh_grad, "linear": linear_grad}


def arrays(elements=moderate, max_dims=3, max_side=5):
    shapes = hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=1, max_side=max_side)
    return hnp.arrays(np.float64, shapes, elements=elements)


def close(actual, expected, rtol=1e-12, atol=1e-15):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def central_difference(f, x, h=1e-6):
    """Elementwise derivative of an elementwise function f at x."""
    return (f(x + h) - f(x - h)) / (2 * h)


def separable(data, n_max=30, d_max=3):
    """A linearly separable set with both classes: labels from a random hyperplane."""
    n, d = data.draw(st.integers(2, n_max)), data.draw(st.integers(1, d_max))
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=st.integers(-10, 10).map(float)))
    w = data.draw(hnp.arrays(np.float64, d, elements=st.integers(-3, 3).map(float)))
    w[0] = w[0] or 1.0
    b = float(data.draw(st.integers(-5, 5))) + 0.5  # z is never 0: a margin of 0.5
    x = np.vstack([x, 12 * np.sign(w), -12 * np.sign(w)])  # one point on each side
    return x, (x @ w + b > 0).astype(np.int64)


# --- oracles: PyTorch -------------------------------------------------------------


@FAST
@given(arrays(elements=any_finite))
def test_tanh_matches_torch(torch, x):
    close(tanh(x), torch.tanh(as_tensor(torch, x)).numpy(), rtol=1e-14, atol=1e-300)


@FAST
@given(arrays(elements=small))
def test_tanh_grad_matches_torch_autograd(torch, x):
    t = as_tensor(torch, x, grad=True)
    torch.tanh(t).sum().backward()
    close(tanh_grad(x), t.grad.numpy(), rtol=1e-12, atol=1e-15)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-350, 350)))
def test_tanh_grad_keeps_relative_precision_in_the_tails(x):
    # 1 / cosh^2 is exact to a few ulps wherever cosh does not overflow (|x| < 710)
    close(tanh_grad(x), np.cosh(x) ** -2.0, rtol=1e-13, atol=0)


@FAST
@given(arrays(elements=any_finite), slopes)
def test_leaky_relu_matches_torch(torch, x, a):
    F = torch.nn.functional
    expected = F.leaky_relu(as_tensor(torch, x), negative_slope=a).numpy()
    np.testing.assert_array_equal(leaky_relu(x, negative_slope=a), expected)


@FAST
@given(arrays(elements=st.sampled_from([-2.0, -0.5, 0.0, 0.5, 3.0]) | moderate), slopes)
def test_leaky_relu_grad_matches_torch_autograd_including_zero(torch, x, a):
    t = as_tensor(torch, x, grad=True)
    torch.nn.functional.leaky_relu(t, negative_slope=a).sum().backward()
    np.testing.assert_array_equal(leaky_relu_grad(x, negative_slope=a), t.grad.numpy())


def _torch_activation(torch, name):
    F = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": F.leaky_relu,  # default negative_slope 0.01, as ours
        "linear": lambda z: z,
    }[name]


@FAST
@given(st.integers(1, 6), st.integers(1, 4), st.sampled_from(UNIT), st.data())
def test_neuron_and_its_gradients_match_torch(torch, n, d, activation, data):
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=small))
    w = data.draw(hnp.arrays(np.float64, d, elements=small))
    b = data.draw(small)
    tx, tw, tb = (
        as_tensor(torch, x, True),
        as_tensor(torch, w, True),
        as_tensor(torch, np.array(b), True),
    )
    y = _torch_activation(torch, activation)(tx @ tw + tb)
    close(neuron(x, w, b, activation=activation), y.detach().numpy())
    y.sum().backward()  # each output depends on its own row: sum the per-example grads
    g_x, g_w, g_b = neuron_grad(x, w, b, activation=activation)
    close(g_x, tx.grad.numpy())
    close(g_w.sum(axis=0), tw.grad.numpy(), atol=1e-12)
    close(g_b.sum(), tb.grad.item(), atol=1e-12)


# --- oracle: scikit-learn's Perceptron --------------------------------------------


@FAST
@given(st.data())
def test_perceptron_separates_like_sklearn_on_separable_data(sk_linear, data):
    x, y = separable(data)
    # sklearn's rule with labels -1/+1 also updates when z = 0, so the weights differ;
    # both must end with every training example on the right side
    sk = sk_linear.Perceptron(shuffle=False, eta0=1.0, tol=None, max_iter=1000)
    sk.fit(x, y)
    w, b, n_errors = perceptron_train(x, y, n_epochs=1000)
    assert n_errors[-1] == 0, "the rule must converge on separable data"
    assert sk.score(x, y) == 1.0
    np.testing.assert_array_equal(perceptron_predict(x, w, b), y)
    np.testing.assert_array_equal(perceptron_predict(x, w, b), sk.predict(x))


def _rosenblatt_loop(x, y, learning_rate, n_epochs):
    """The rule in plain Python floats, one coordinate at a time."""
    w, b, history = [0.0] * len(x[0]), 0.0, []
    for _ in range(n_epochs):
        mistakes = 0
        for xi, yi in zip(x, y, strict=True):
            z = sum(wk * xk for wk, xk in zip(w, xi, strict=True)) + b
            step = learning_rate * (yi - (1 if z > 0 else 0))
            if step:
                w = [wk + step * xk for wk, xk in zip(w, xi, strict=True)]
                b += step
                mistakes += 1
        history.append(mistakes)
        if not mistakes:
            break
    return w, b, history


@FAST
@given(st.data(), st.sampled_from([0.25, 1.0, 2.0]))
def test_perceptron_train_matches_a_plain_python_loop(data, learning_rate):
    x, y = separable(data, n_max=12)
    y = data.draw(st.sampled_from([y, 1 - y, np.zeros_like(y)]))
    w, b, n_errors = perceptron_train(x, y, learning_rate=learning_rate, n_epochs=50)
    w_loop, b_loop, history = _rosenblatt_loop(x.tolist(), y.tolist(), learning_rate, 50)
    np.testing.assert_array_equal(w, w_loop)
    assert b == b_loop
    assert n_errors.tolist() == history


# --- properties -------------------------------------------------------------------


@FAST
@given(arrays(elements=any_finite))
def test_tanh_is_odd_bounded_monotone_and_a_rescaled_sigmoid(x):
    t = tanh(x)
    assert np.all(np.abs(t) <= 1)
    np.testing.assert_array_equal(tanh(-x), -t)
    order = np.argsort(x.ravel())
    assert np.all(np.diff(t.ravel()[order]) >= 0)
    moderate_x = np.clip(x, -300, 300)
    close(tanh(moderate_x), 2 * sigmoid(2 * moderate_x) - 1, rtol=0, atol=1e-15)


@FAST
@given(arrays(elements=any_finite))
def test_tanh_grad_is_even_in_unit_interval_and_one_minus_tanh_squared(x):
    g = tanh_grad(x)
    assert np.all((g >= 0) & (g <= 1))
    np.testing.assert_array_equal(tanh_grad(-x), g)
    close(g, 1 - tanh(x) ** 2, rtol=0, atol=4e-16)


@FAST
@given(arrays(elements=any_finite), slopes)
def test_leaky_relu_interpolates_between_relu_and_identity(x, a):
    np.testing.assert_array_equal(leaky_relu(x, negative_slope=0.0), relu(x))
    np.testing.assert_array_equal(leaky_relu(x, negative_slope=1.0), x)
    np.testing.assert_array_equal(leaky_relu(x, negative_slope=a), np.maximum(x, a * x))
    np.testing.assert_array_equal(leaky_relu_grad(x, negative_slope=0.0), relu_grad(x))


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=eighths), eighths, eighths)
def test_linear_is_additive_and_homogeneous(u, c, slope):
    v = u[::-1].copy()
    # the seed's definition: f(u + v) = f(u) + f(v) and f(c u) = c f(u), here exact
    np.testing.assert_array_equal(linear(u + v, slope=slope), linear(u) * slope + v * slope)
    np.testing.assert_array_equal(linear(c * u, slope=slope), c * linear(u, slope=slope))
    np.testing.assert_array_equal(linear_grad(u, slope=slope), np.full(u.shape, slope))


@FAST
@given(arrays(), st.sampled_from(UNIT + ["softmax"]))
def test_apply_activation_dispatches_to_the_named_function(x, name):
    direct = {
        "sigmoid": sigmoid,
        "tanh": tanh,
        "relu": relu,
        "leaky_relu": leaky_relu,
        "linear": linear,
        "softmax": softmax,
    }
    np.testing.assert_array_equal(apply_activation(x, name), direct[name](x))
    if name == "softmax":
        with pytest.raises(ValueError, match="softmax_jvp"):
            apply_activation_grad(x, name)
    else:
        grads = {**SMOOTH, "relu": relu_grad, "leaky_relu": leaky_relu_grad}
        np.testing.assert_array_equal(apply_activation_grad(x, name), grads[name](x))


@pytest.mark.parametrize("function", [apply_activation, apply_activation_grad])
def test_dispatch_rejects_unknown_names_listing_the_allowed_ones(function):
    allowed = r"'gelu', 'leaky_relu', 'linear', 'relu', 'sigmoid', 'silu'.*'swish'\."
    with pytest.raises(ValueError, match=allowed):
        function([1.0], "swish")
    listed = r"name must be one of 'gelu', 'leaky_relu'.*; got <function .*\(function\)\."
    with pytest.raises(TypeError, match=listed):
        function([1.0], sigmoid)


@FAST
@given(st.integers(1, 5), st.integers(1, 4), st.sampled_from(UNIT), st.data())
def test_neuron_is_a_one_unit_dense_layer(n, d, activation, data):
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=moderate))
    w = data.draw(hnp.arrays(np.float64, d, elements=moderate))
    b = data.draw(moderate)
    z = dense(x, w[:, None], [b])[:, 0]
    close(neuron(x, w, b, activation=activation), apply_activation(z, activation))
    one = neuron(x[0], w, b, activation=activation)
    assert isinstance(one, float)
    assert one == pytest.approx(neuron(x, w, b, activation=activation)[0], rel=1e-12, abs=1e-12)


def test_neuron_refuses_softmax_and_overflowing_sums():
    with pytest.raises(ValueError, match="Softmax needs several units"):
        neuron([1.0], [1.0], 0.0, activation="softmax")
    with pytest.raises(ValueError, match=r"weighted sum .* must fit in float64"):
        neuron([1e308, 1e308], [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="weight must have shape"):
        neuron([1.0, 2.0], [1.0, 2.0, 3.0], 0.0)
    with pytest.raises(TypeError, match="bias must be a real number"):
        neuron([1.0], [1.0], [0.0])


@FAST
@given(st.data(), st.sampled_from([0.125, 0.5, 4.0]))
def test_perceptron_learning_rate_only_rescales_the_weights(data, learning_rate):
    x, y = separable(data)
    w1, b1, e1 = perceptron_train(x, y, n_epochs=20)
    w, b, e = perceptron_train(x, y, learning_rate=learning_rate, n_epochs=20)
    np.testing.assert_array_equal(w, learning_rate * w1)  # powers of 2: exact
    assert b == learning_rate * b1
    np.testing.assert_array_equal(e, e1)


@FAST
@given(st.data(), st.integers(0, 2**16))
def test_perceptron_converges_on_separable_data_in_any_order(data, seed):
    x, y = separable(data)
    w, b, n_errors = perceptron_train(x, y, n_epochs=1000, shuffle=True, rng=seed)
    assert n_errors[-1] == 0 and np.all(n_errors[:-1] > 0)
    np.testing.assert_array_equal(perceptron_predict(x, w, b), y)
    again = perceptron_train(x, y, n_epochs=1000, shuffle=True, rng=seed)
    np.testing.assert_array_equal(again[0], w)


def test_perceptron_never_settles_on_xor_and_checks_its_labels():
    x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    n_errors = perceptron_train(x, [0, 1, 1, 0], n_epochs=200)[2]
    assert len(n_errors) == 200 and n_errors.min() > 0
    with pytest.raises(ValueError, match=r"only the labels 0 and 1; got \[-1.0, 1.0\]"):
        perceptron_train(x, [-1, 1, 1, -1])
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        perceptron_train(x, [0, 1, 1, 0], shuffle=1)
    with pytest.raises(ValueError, match="learning_rate must be a finite number in"):
        perceptron_train(x, [0, 1, 1, 0], learning_rate=0.0)


@FAST
@given(arrays(elements=any_finite), st.sampled_from(UNIT), st.floats(1e-6, 0.5))
def test_saturation_is_a_small_slope(z, activation, threshold):
    mask = saturated_mask(z, activation=activation, threshold=threshold)
    slope = apply_activation_grad(z, activation)
    np.testing.assert_array_equal(mask, slope < threshold)
    assert saturation_fraction(z, activation=activation, threshold=threshold) == mask.mean()
    if activation in ("sigmoid", "tanh"):  # symmetric, and worse the larger |z|
        mirrored = saturated_mask(-z, activation=activation, threshold=threshold)
        np.testing.assert_array_equal(mirrored, mask)
    if activation == "relu":
        np.testing.assert_array_equal(mask, z <= 0)
    if activation == "linear":
        assert not mask.any()


def test_large_inputs_saturate_sigmoid_and_tanh_but_not_relus_positive_side():
    z = np.array([-50.0, -5.0, 5.0, 50.0])
    assert saturated_mask(z).tolist() == [True, True, True, True]
    assert saturated_mask(z, activation="tanh").tolist() == [True, True, True, True]
    assert saturated_mask(z, activation="relu").tolist() == [True, True, False, False]
    assert saturated_mask(z, activation="leaky_relu").tolist() == [False] * 4
    with pytest.raises(ValueError, match=r"threshold must be a finite number in \(0, inf\)"):
        saturated_mask(z, threshold=0.0)


# --- gradients against central finite differences -----------------------------------


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=small))
def test_tanh_grad_matches_finite_differences(x):
    close(tanh_grad(x), central_difference(tanh, x), rtol=1e-6, atol=1e-8)


@FAST
@given(
    hnp.arrays(np.float64, st.integers(1, 10), elements=small.filter(lambda v: abs(v) > 1e-3)),
    slopes,
)
def test_leaky_relu_grad_matches_finite_differences_away_from_the_kink(x, a):
    f = lambda v: leaky_relu(v, negative_slope=a)  # noqa: E731
    close(leaky_relu_grad(x, negative_slope=a), central_difference(f, x), rtol=1e-6, atol=1e-8)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 10), elements=small), eighths)
def test_linear_grad_matches_finite_differences(x, slope):
    f = lambda v: linear(v, slope=slope)  # noqa: E731
    close(linear_grad(x, slope=slope), central_difference(f, x), rtol=1e-6, atol=1e-6)


@FAST
@given(st.integers(1, 4), st.integers(1, 3), st.sampled_from(UNIT), st.data())
def test_neuron_grad_matches_finite_differences(n, d, activation, data):
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=small))
    w = data.draw(hnp.arrays(np.float64, d, elements=small))
    b = data.draw(small)
    if np.any(np.abs(x @ w + b) < 1e-3) and activation in ("relu", "leaky_relu"):
        b += 0.5  # keep away from the kink, where the derivative is a convention
    if np.any(np.abs(x @ w + b) < 1e-3) and activation in ("relu", "leaky_relu"):
        return
    g_x, g_w, g_b = neuron_grad(x, w, b, activation=activation)
    h = 1e-6

    def f(x_, w_, b_):
        return neuron(x_, w_, b_, activation=activation)

    for k in range(d):
        e = np.zeros(d)
        e[k] = h
        close(g_w[:, k], (f(x, w + e, b) - f(x, w - e, b)) / (2 * h), rtol=1e-6, atol=1e-8)
        close(g_x[:, k], (f(x + e, w, b) - f(x - e, w, b)) / (2 * h), rtol=1e-6, atol=1e-8)
    close(g_b, (f(x, w, b + h) - f(x, w, b - h)) / (2 * h), rtol=1e-6, atol=1e-8)
