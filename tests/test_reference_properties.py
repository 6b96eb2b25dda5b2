"""Mathematical properties of the reference functions, checked with hypothesis.

Each test states an identity or inequality that holds for every valid input, plus
central finite-difference checks of the hand-written derivatives.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    accuracy_score,
    avg_pool2d,
    batch_norm,
    broadcast_shapes,
    confusion_matrix,
    conv2d,
    conv2d_output_size,
    cross_entropy,
    dense,
    dropout,
    gradient_descent,
    gradient_descent_step,
    iterations_per_epoch,
    kmeans,
    log_softmax,
    max_pool2d,
    mean_absolute_error,
    mean_squared_error,
    one_hot,
    precision_score,
    prediction_bias,
    random_undersample,
    recall_score,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jvp,
)

FAST = settings(max_examples=50, deadline=None, database=None)
FEW = settings(max_examples=10, deadline=None, database=None)

# Eighths in [-1000, 1000]: exact in binary, so sums and differences are exact too.
eighths = st.integers(-8000, 8000).map(lambda i: i / 8)
moderate = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)


def float_arrays(elements=moderate, min_dims=1, max_dims=3, max_side=5):
    shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)
    return hnp.arrays(np.float64, shapes, elements=elements)


def label_pairs(n_labels=2, max_size=30):
    """Pairs (y_true, y_pred) of equal-length int label arrays."""
    return st.integers(1, max_size).flatmap(
        lambda n: st.tuples(*[hnp.arrays(np.int64, n, elements=st.integers(0, n_labels - 1))] * 2)
    )


# --- activations -----------------------------------------------------------------


@FAST
@given(float_arrays(), st.data())
def test_softmax_is_a_distribution_invariant_to_shifts(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    c = data.draw(moderate)
    s = softmax(z, axis=axis)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + c, axis=axis), s, rtol=1e-9, atol=1e-15)


@FAST
@given(float_arrays(), st.data())
def test_log_softmax_is_log_of_softmax_and_normalised(z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    log_s = log_softmax(z, axis=axis)
    assert np.all(log_s <= 0)
    np.testing.assert_allclose(np.exp(log_s).sum(axis=axis), 1.0, rtol=1e-12)
    s = softmax(z, axis=axis)
    visible = s > 1e-300  # where softmax has not underflowed to 0
    np.testing.assert_allclose(log_s[visible], np.log(s[visible]), rtol=1e-9, atol=1e-12)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 20), elements=any_finite))
def test_sigmoid_is_symmetric_bounded_and_monotone(x):
    s = sigmoid(x)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(sigmoid(-x), 1 - s, rtol=0, atol=1e-15)
    order = np.argsort(x)
    assert np.all(np.diff(s[order]) >= 0)


@FAST
@given(moderate)
def test_sigmoid_is_two_class_softmax(x):
    assert sigmoid(x) == pytest.approx(softmax([x, 0.0])[0], rel=1e-12, abs=1e-300)


@FAST
@given(float_arrays(elements=any_finite))
def test_relu_is_idempotent_and_splits_x(x):
    r = relu(x)
    np.testing.assert_array_equal(relu(r), r)
    np.testing.assert_array_equal(r - relu(-x), x)


@FAST
@given(float_arrays(elements=st.floats(-20, 20)))
def test_sigmoid_grad_matches_central_differences(x):
    h = 1e-5
    numeric = (sigmoid(x + h) - sigmoid(x - h)) / (2 * h)
    np.testing.assert_allclose(sigmoid_grad(x), numeric, rtol=1e-6, atol=1e-10)


@FAST
@given(float_arrays(elements=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)))
def test_relu_grad_matches_central_differences_away_from_zero(x):
    h = 1e-6
    numeric = (relu(x + h) - relu(x - h)) / (2 * h)
    np.testing.assert_allclose(relu_grad(x), numeric, rtol=1e-6)


@FAST
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


# --- metrics ---------------------------------------------------------------------


@FAST
@given(label_pairs(), st.sampled_from([0, 1]))
def test_binary_metrics_lie_in_unit_interval(pair, pos_label):
    y_true, y_pred = pair
    for metric in (precision_score, recall_score):
        assert 0.0 <= metric(y_true, y_pred, pos_label=pos_label) <= 1.0
    assert 0.0 <= accuracy_score(y_true, y_pred) <= 1.0


@FAST
@given(label_pairs(n_labels=4))
def test_confusion_matrix_counts_and_trace_give_accuracy(pair):
    y_true, y_pred = pair
    cm = confusion_matrix(y_true, y_pred)
    labels = np.union1d(y_true, y_pred)
    assert cm.shape == (labels.size, labels.size) and cm.dtype == np.int64
    assert cm.sum() == y_true.size
    np.testing.assert_array_equal(cm.sum(axis=1), [np.sum(y_true == c) for c in labels])
    assert np.trace(cm) / y_true.size == pytest.approx(accuracy_score(y_true, y_pred))


@FAST
@given(label_pairs())
def test_precision_and_recall_read_off_the_confusion_matrix(pair):
    y_true, y_pred = pair
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, labels=[0, 1])
    assert precision_score(y_true, y_pred) == (tp / (tp + fp) if tp + fp else 0.0)
    assert recall_score(y_true, y_pred) == (tp / (tp + fn) if tp + fn else 0.0)


@FAST
@given(st.data())
def test_prediction_bias_shifts_with_the_predictions_and_has_the_sign_of_the_error(data):
    y_true = data.draw(float_arrays(elements=eighths))
    y_pred = data.draw(hnp.arrays(np.float64, y_true.shape, elements=eighths))
    c = data.draw(eighths)
    bias = prediction_bias(y_true, y_pred)
    assert prediction_bias(y_true, y_true) == 0.0
    assert prediction_bias(y_pred, y_true) == -bias
    assert prediction_bias(y_true, y_pred + c) == pytest.approx(bias + c, rel=1e-12, abs=1e-9)
    assert prediction_bias(y_true + c, y_pred) == pytest.approx(bias - c, rel=1e-12, abs=1e-9)
    # predicting at least the label everywhere gives a bias >= 0, and > 0 if ever above
    above = np.maximum(y_pred, y_true)
    assert prediction_bias(y_true, above) >= 0.0
    assert (prediction_bias(y_true, above) > 0.0) == bool(np.any(above > y_true))


# --- losses ----------------------------------------------------------------------


@FAST
@given(st.data())
def test_mse_and_mae_are_nonnegative_zero_iff_equal_and_ordered(data):
    a = data.draw(float_arrays(elements=eighths))
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=eighths))
    mse, mae = mean_squared_error(a, b), mean_absolute_error(a, b)
    assert mse >= 0 and mae >= 0
    assert (mse == 0) == np.array_equal(a, b) == (mae == 0)
    assert mean_squared_error(a, a) == 0.0
    assert mae <= np.sqrt(mse) * (1 + 1e-12)  # Jensen: mean|d| <= sqrt(mean d^2)


@FAST
@given(st.data())
def test_cross_entropy_index_and_one_hot_targets_agree_on_either_axis(data):
    n, k = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6))
    logits = data.draw(hnp.arrays(np.float64, (n, k), elements=moderate))
    target = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    loss = cross_entropy(logits, target)
    assert loss >= 0
    assert loss == pytest.approx(cross_entropy(logits, one_hot(target, k)), rel=1e-12)
    assert loss == pytest.approx(cross_entropy(logits.T, target, axis=0), rel=1e-12)
    expected = -np.mean(log_softmax(logits)[np.arange(n), target])
    assert loss == pytest.approx(expected, rel=1e-12, abs=1e-300)


# --- data ------------------------------------------------------------------------


@FAST
@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 9)), st.integers(0, 3))
def test_one_hot_round_trips_through_argmax(labels, extra_classes):
    n_classes = int(labels.max()) + 1 + extra_classes
    encoded = one_hot(labels, n_classes)
    assert encoded.shape == (labels.size, n_classes) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), labels)


@FAST
@given(st.integers(1, 10**6), st.integers(1, 10**4))
def test_iterations_per_epoch_cover_the_data_exactly_once(n, b):
    ceil, floor = iterations_per_epoch(n, b), iterations_per_epoch(n, b, drop_last=True)
    assert (ceil - 1) * b < n <= ceil * b
    assert floor * b <= n < (floor + 1) * b
    assert ceil - floor == (n % b != 0)


@FAST
@given(
    hnp.arrays(np.int64, st.integers(1, 40), elements=st.integers(0, 3)),
    st.floats(1.0, 4.0),
    st.integers(0, 2**32),
)
def test_random_undersample_caps_classes_and_keeps_a_subset_in_order(y, ratio, seed):
    x = np.arange(y.size * 2).reshape(y.size, 2)  # row i is (2i, 2i + 1): its own id
    x_res, y_res = random_undersample(x, y, rng=seed, ratio=ratio)
    kept = x_res[:, 0] // 2
    assert np.all(np.diff(kept) > 0)  # distinct rows, in their original order
    np.testing.assert_array_equal(x_res, x[kept])
    np.testing.assert_array_equal(y_res, y[kept])
    classes, counts = np.unique(y, return_counts=True)
    cap = int(np.floor(ratio * counts.min()))
    for label, count in zip(classes, counts, strict=True):
        assert np.sum(y_res == label) == min(count, cap)
    # the minority class is kept whole
    minority = classes[counts == counts.min()]
    np.testing.assert_array_equal(
        np.sort(kept[np.isin(y_res, minority)]), np.flatnonzero(np.isin(y, minority))
    )
    # the same seed gives the same draw; a ratio above the imbalance keeps everything
    np.testing.assert_array_equal(random_undersample(x, y, rng=seed, ratio=ratio)[0], x_res)
    x_all, y_all = random_undersample(x, y, rng=seed, ratio=counts.max() / counts.min())
    np.testing.assert_array_equal(x_all, x)
    np.testing.assert_array_equal(y_all, y)


def test_random_undersample_keeps_each_majority_row_equally_often():
    y = np.array(["a", "b", "a", "a", "b", "a", "a", "a"])  # six "a", two "b"
    x = np.arange(y.size)
    n_draws = 3000
    kept = np.zeros(y.size)
    rng = np.random.default_rng(2024)
    for _ in range(n_draws):
        kept[random_undersample(x, y, rng=rng)[0]] += 1
    np.testing.assert_array_equal(kept[y == "b"], n_draws)
    # each "a" survives with probability 2 / 6; 5 standard errors of a binomial
    p = 2 / 6
    assert np.all(np.abs(kept[y == "a"] / n_draws - p) < 5 * np.sqrt(p * (1 - p) / n_draws))


# --- layers ----------------------------------------------------------------------


@FAST
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


conv_sizes = st.tuples(
    st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)
)


@FAST
@given(conv_sizes, st.integers(1, 3), st.integers(0, 2), st.data())
def test_conv2d_is_linear_in_x_and_sized_by_the_formula(sizes, stride, padding, data):
    n, c_in, c_out, k_h, k_w = sizes
    h = data.draw(st.integers(max(1, k_h - 2 * padding), 7))
    w = data.draw(st.integers(max(1, k_w - 2 * padding), 7))
    x1, x2 = (data.draw(hnp.arrays(np.float64, (n, c_in, h, w), elements=eighths)) for _ in "12")
    weight = data.draw(hnp.arrays(np.float64, (c_out, c_in, k_h, k_w), elements=eighths))
    a, b = data.draw(eighths), data.draw(eighths)

    def f(x):
        return conv2d(x, weight, stride=stride, padding=padding)

    np.testing.assert_allclose(f(a * x1 + b * x2), a * f(x1) + b * f(x2), rtol=1e-9, atol=1e-6)
    h_out = conv2d_output_size(h, k_h, stride=stride, padding=padding)
    w_out = conv2d_output_size(w, k_w, stride=stride, padding=padding)
    assert f(x1).shape == (n, c_out, h_out, w_out)


@FAST
@given(st.integers(1, 50), st.integers(1, 50), st.integers(1, 5), st.integers(0, 5))
def test_conv2d_output_size_counts_window_positions(n, k, s, p):
    if k > n + 2 * p:
        with pytest.raises(ValueError, match="kernel_size"):
            conv2d_output_size(n, k, stride=s, padding=p)
    else:
        assert conv2d_output_size(n, k, stride=s, padding=p) == len(range(0, n + 2 * p - k + 1, s))


@FAST
@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=4, max_dims=4, max_side=6), elements=moderate),
    st.data(),
)
def test_pooling_shape_matches_output_size_and_max_bounds_mean(x, data):
    k = (data.draw(st.integers(1, x.shape[2])), data.draw(st.integers(1, x.shape[3])))
    stride = data.draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    s = k if stride is None else stride
    expected = (
        *x.shape[:2],
        conv2d_output_size(x.shape[2], k[0], stride=s[0]),
        conv2d_output_size(x.shape[3], k[1], stride=s[1]),
    )
    biggest, mean = max_pool2d(x, k, stride=stride), avg_pool2d(x, k, stride=stride)
    assert biggest.shape == mean.shape == expected
    assert np.all(biggest >= mean - 1e-9 * np.abs(mean))
    np.testing.assert_allclose(avg_pool2d(x, 1), x)


@FAST
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


@FAST
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


# --- optimisation ----------------------------------------------------------------


@FAST
@given(
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(0.1, 10)),
    hnp.arrays(np.float64, 4, elements=st.floats(-100, 100)),
    st.floats(0.01, 1.0),
)
def test_gradient_descent_converges_on_a_quadratic_for_small_steps(a, x0, fraction):
    # f(x) = sum(a x^2) / 2 has gradient a x; a step of eta < 1 / max(a) contracts.
    x0 = x0[: a.size]
    eta = fraction / a.max()
    path = gradient_descent(lambda x: a * x, x0, learning_rate=eta, n_steps=200)
    assert path.shape == (201, a.size)
    np.testing.assert_array_equal(path[0], x0)
    assert np.all(np.diff(np.abs(path), axis=0) <= 0)
    bound = (1 - eta * a.min()) ** 200 * np.abs(x0)
    assert np.all(np.abs(path[-1]) <= bound * (1 + 1e-9) + 1e-300)
    np.testing.assert_array_equal(path[1], gradient_descent_step(x0, a * x0, learning_rate=eta))


@FAST
@given(st.floats(2.5, 100), st.floats(0.1, 10))
def test_gradient_descent_reports_divergence_with_the_step(factor, a):
    # eta > 2 / a makes |x| grow by |1 - eta a| > 1 per step, until it overflows.
    with pytest.raises(ValueError, match=r"diverged at step \d+ .*too large") as info:
        gradient_descent(lambda x: a * x, 1.0, learning_rate=factor / a, n_steps=100_000)
    step = int(re.search(r"step (\d+)", str(info.value)).group(1))
    # |x_t| = (factor - 1)^t passes 1e300 (where a * x or eta * grad may overflow) no sooner
    assert step >= np.log(1e300) / np.log(factor - 1)


# --- clustering ------------------------------------------------------------------


def _inertia(x, centroids, labels):
    return float(np.sum((x - centroids[labels]) ** 2))


@FAST
@given(st.integers(0, 2**32), st.integers(1, 4), st.integers(5, 40), st.integers(1, 3))
def test_kmeans_inertia_never_increases_and_labels_are_nearest(seed, k, n, d):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * 10
    init = x[rng.choice(n, size=k, replace=False)]
    inertias = []
    for n_iter in range(1, 8):
        centroids, labels = kmeans(x, k, init=init, n_iter=n_iter)
        distances = ((x[:, None, :] - centroids[None]) ** 2).sum(axis=2)
        np.testing.assert_array_equal(labels, distances.argmin(axis=1))
        inertias.append(_inertia(x, centroids, labels))
    assert all(b <= a * (1 + 1e-12) for a, b in zip(inertias, inertias[1:], strict=False))
    # run to convergence: a fixed point, each non-empty cluster's centroid is its mean
    centroids, labels = kmeans(x, k, init=init, n_iter=1000)
    for j in np.unique(labels):
        np.testing.assert_allclose(centroids[j], x[labels == j].mean(axis=0), rtol=1e-12)
    first, second = kmeans(x, k, rng=seed), kmeans(x, k, rng=seed)
    np.testing.assert_array_equal(first[0], second[0])  # same seed, same clustering
    np.testing.assert_array_equal(first[1], second[1])


# --- tensors ---------------------------------------------------------------------

shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3)


@FAST
@given(st.lists(shapes, max_size=4))
def test_broadcast_shapes_agrees_with_numpy_including_errors(shape_list):
    try:
        expected = np.broadcast_shapes(*shape_list)
    except ValueError:
        with pytest.raises(ValueError, match=r"cannot broadcast .* sizes \d+ and \d+"):
            broadcast_shapes(*shape_list)
    else:
        assert broadcast_shapes(*shape_list) == expected


@FAST
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4))
def test_broadcast_shapes_is_order_free_and_idempotent(drawn):
    result = broadcast_shapes(*drawn.input_shapes)
    assert result == drawn.result_shape
    assert broadcast_shapes(*reversed(drawn.input_shapes)) == result
    assert broadcast_shapes(result, *drawn.input_shapes) == result


def test_avg_pool_of_equal_tiny_values_is_exact():
    """Regression: dividing subnormals before summing rounded the mean above the max."""
    tiny = np.full((1, 1, 1, 2), 1.5e-323)
    assert avg_pool2d(tiny, (1, 2)).item() == 1.5e-323
    assert avg_pool2d(np.full((1, 1, 2, 2), -1.7e308), 2).item() == -1.7e308
