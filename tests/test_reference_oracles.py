"""Each reference function against an independent implementation.

Oracles: scikit-learn, SciPy and PyTorch (CPU, float64), numpy itself, and a plain
loop for conv2d. Each library comes from a module-scoped fixture that calls
``pytest.importorskip``, so a missing oracle skips its tests rather than failing.
``random_undersample`` has no oracle (imbalanced-learn is not a test dependency); its
properties are checked in test_reference_properties.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms

FAST = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
moderate = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
small = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


# sklearn warns when only one label occurs; the drawn labels often do, on purpose.
SINGLE_LABEL_OK = pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")


def label_arrays(n, n_labels):
    return hnp.arrays(np.int64, n, elements=st.integers(0, n_labels - 1))


def images(data, max_side=7, elements=small):
    """Draw an (N, C, H, W) float64 array."""
    shape = (
        data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(1, max_side)),
        data.draw(st.integers(1, max_side)),
    )
    return data.draw(hnp.arrays(np.float64, shape, elements=elements))


@pytest.fixture(scope="module")
def sk_metrics():
    return pytest.importorskip("sklearn.metrics")


@pytest.fixture(scope="module")
def sk_cluster():
    return pytest.importorskip("sklearn.cluster")


@pytest.fixture(scope="module")
def special():
    return pytest.importorskip("scipy.special")


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _t(torch, array):
    """A float64 torch tensor from a numpy array."""
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float64))


def close(actual, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# --- scikit-learn metrics ---------------------------------------------------------


@SINGLE_LABEL_OK
@FAST
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 4), label_arrays(n, 4))))
def test_accuracy_and_confusion_matrix_match_sklearn(sk_metrics, pair):
    y_true, y_pred = pair
    assert dlterms.accuracy_score(y_true, y_pred) == sk_metrics.accuracy_score(y_true, y_pred)
    np.testing.assert_array_equal(
        dlterms.confusion_matrix(y_true, y_pred), sk_metrics.confusion_matrix(y_true, y_pred)
    )


@SINGLE_LABEL_OK
@FAST
@given(
    st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 5), label_arrays(n, 5))),
    st.permutations(range(6)).flatmap(lambda p: st.integers(1, 6).map(lambda k: list(p[:k]))),
)
def test_confusion_matrix_with_labels_matches_sklearn(sk_metrics, pair, labels):
    y_true, y_pred = pair
    labels = [*labels, int(y_true[0])] if y_true[0] not in labels else labels
    np.testing.assert_array_equal(
        dlterms.confusion_matrix(y_true, y_pred, labels=labels),
        sk_metrics.confusion_matrix(y_true, y_pred, labels=labels),
    )


@SINGLE_LABEL_OK
@FAST
@given(
    st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 2), label_arrays(n, 2))),
    st.sampled_from([0, 1]),
)
def test_precision_and_recall_match_sklearn_with_zero_division_0(sk_metrics, pair, pos_label):
    y_true, y_pred = pair
    for ours, theirs in [
        (dlterms.precision_score, sk_metrics.precision_score),
        (dlterms.recall_score, sk_metrics.recall_score),
    ]:
        expected = theirs(y_true, y_pred, pos_label=pos_label, zero_division=0)
        assert ours(y_true, y_pred, pos_label=pos_label) == expected


# --- SciPy special functions ------------------------------------------------------


@FAST
@given(
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=6), elements=moderate),
    st.data(),
)
def test_softmax_and_log_softmax_match_scipy(special, z, data):
    axis = data.draw(st.integers(-z.ndim, z.ndim - 1))
    close(dlterms.softmax(z, axis=axis), special.softmax(z, axis=axis), atol=1e-300)
    close(dlterms.log_softmax(z, axis=axis), special.log_softmax(z, axis=axis))


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e308, 1e308)))
def test_sigmoid_matches_scipy_expit(special, x):
    close(dlterms.sigmoid(x), special.expit(x), rtol=1e-14, atol=1e-300)


# --- PyTorch ----------------------------------------------------------------------


@FAST
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=st.floats(-1e308, 1e308)))
def test_relu_matches_torch(torch, x):
    F = torch.nn.functional
    np.testing.assert_array_equal(dlterms.relu(x), F.relu(_t(torch, x)).numpy())


@FAST
@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_cross_entropy_matches_torch_for_index_and_probability_targets(torch, n, k, data):
    F = torch.nn.functional
    logits = data.draw(hnp.arrays(np.float64, (n, k), elements=moderate))
    index = data.draw(label_arrays(n, k))
    scores = data.draw(hnp.arrays(np.float64, (n, k), elements=small))
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    expected = F.cross_entropy(_t(torch, logits), torch.from_numpy(index)).item()
    assert dlterms.cross_entropy(logits, index) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    expected = F.cross_entropy(_t(torch, logits), _t(torch, probabilities)).item()
    assert dlterms.cross_entropy(logits, probabilities) == pytest.approx(
        expected, rel=1e-10, abs=1e-12
    )


@FAST
@given(st.data())
def test_conv2d_matches_torch(torch, data):
    F = torch.nn.functional
    x = images(data)
    stride = data.draw(st.integers(1, 3) | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = data.draw(st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2)))
    p_h, p_w = (padding, padding) if isinstance(padding, int) else padding
    k_h = data.draw(st.integers(1, x.shape[2] + 2 * p_h))
    k_w = data.draw(st.integers(1, x.shape[3] + 2 * p_w))
    c_out = data.draw(st.integers(1, 3))
    weight = data.draw(hnp.arrays(np.float64, (c_out, x.shape[1], k_h, k_w), elements=small))
    bias = data.draw(st.none() | hnp.arrays(np.float64, c_out, elements=small))
    expected = F.conv2d(
        _t(torch, x),
        _t(torch, weight),
        None if bias is None else _t(torch, bias),
        stride=stride,
        padding=padding,
    ).numpy()
    close(dlterms.conv2d(x, weight, bias, stride=stride, padding=padding), expected)


def _conv2d_loop(x, weight, stride, padding):
    """The textbook definition, one output pixel at a time."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    c_out, _, k_h, k_w = weight.shape
    h_out = (x.shape[2] - k_h) // stride + 1
    w_out = (x.shape[3] - k_w) // stride + 1
    y = np.zeros((x.shape[0], c_out, h_out, w_out))
    for n in range(x.shape[0]):
        for o in range(c_out):
            for i in range(h_out):
                for j in range(w_out):
                    patch = x[n, :, i * stride : i * stride + k_h, j * stride : j * stride + k_w]
                    y[n, o, i, j] = np.sum(patch * weight[o])
    return y


@FAST
@given(st.data())
def test_conv2d_matches_a_plain_loop(data):
    x = images(data, max_side=5)
    stride, padding = data.draw(st.integers(1, 2)), data.draw(st.integers(0, 1))
    k = data.draw(st.integers(1, min(x.shape[2:]) + 2 * padding))
    weight = data.draw(hnp.arrays(np.float64, (2, x.shape[1], k, k), elements=small))
    expected = _conv2d_loop(x, weight, stride, padding)
    close(dlterms.conv2d(x, weight, stride=stride, padding=padding), expected)


@FAST
@given(st.data())
def test_max_and_avg_pool2d_match_torch(torch, data):
    F = torch.nn.functional
    x = images(data, max_side=8, elements=moderate)
    kernel = data.draw(st.tuples(st.integers(1, x.shape[2]), st.integers(1, x.shape[3])))
    stride = data.draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    for ours, theirs in [
        (dlterms.max_pool2d, F.max_pool2d),
        (dlterms.avg_pool2d, F.avg_pool2d),
    ]:
        expected = theirs(_t(torch, x), kernel, stride=stride).numpy()
        close(ours(x, kernel, stride=stride), expected)


@FAST
@given(st.sampled_from([(5, 3), (2, 4), (3, 2, 2, 3), (2, 1, 1, 2)]), st.data())
def test_batch_norm_matches_torch_in_training_mode(torch, shape, data):
    F = torch.nn.functional
    x = data.draw(hnp.arrays(np.float64, shape, elements=small))
    gamma = data.draw(hnp.arrays(np.float64, shape[1], elements=small))
    beta = data.draw(hnp.arrays(np.float64, shape[1], elements=small))
    eps = data.draw(st.sampled_from([1e-5, 1e-3, 0.5]))
    expected = F.batch_norm(
        _t(torch, x), None, None, _t(torch, gamma), _t(torch, beta), training=True, eps=eps
    ).numpy()
    close(dlterms.batch_norm(x, gamma, beta, eps=eps), expected, rtol=1e-9, atol=1e-9)


@FAST
@given(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.booleans(), st.data())
def test_dense_matches_torch_linear(torch, n, d_in, d_out, one_example, data):
    F = torch.nn.functional
    x_shape = (d_in,) if one_example else (n, d_in)
    x = data.draw(hnp.arrays(np.float64, x_shape, elements=moderate))
    weight = data.draw(hnp.arrays(np.float64, (d_in, d_out), elements=moderate))
    bias = data.draw(st.none() | hnp.arrays(np.float64, d_out, elements=moderate))
    # torch stores the weight as (d_out, d_in) and computes x @ weight.T
    expected = F.linear(
        _t(torch, x), _t(torch, weight.T), None if bias is None else _t(torch, bias)
    ).numpy()
    close(dlterms.dense(x, weight, bias), expected, atol=1e-9)


# --- scikit-learn KMeans ------------------------------------------------------------


@FAST
@given(
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(2, 10),
    st.integers(1, 6),
    st.integers(0, 2**32),
)
def test_kmeans_matches_sklearn_lloyd_on_separated_blobs(sk_cluster, k, d, per_blob, n_iter, seed):
    rng = np.random.default_rng(seed)
    centres = 100.0 * np.arange(k)[:, None] + rng.uniform(-5, 5, size=(k, d))
    x = np.concatenate([c + rng.uniform(-3, 3, size=(per_blob, d)) for c in centres])
    rng.shuffle(x)
    # one data point from each blob, so no cluster can ever empty
    blob_of = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
    init = np.stack([x[np.flatnonzero(blob_of == j)[0]] for j in range(k)])
    ours = dlterms.kmeans(x, k, init=init, n_iter=n_iter)
    theirs = sk_cluster.KMeans(
        n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=n_iter, tol=0.0
    ).fit(x)
    close(ours[0], theirs.cluster_centers_, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ours[1], theirs.labels_)


# --- numpy --------------------------------------------------------------------------


@FAST
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=5))
def test_broadcast_shapes_matches_numpy_on_compatible_shapes(drawn):
    shapes = drawn.input_shapes
    assert dlterms.broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)
    arrays = [np.zeros(shape) for shape in shapes]
    assert dlterms.broadcast_shapes(*shapes) == np.broadcast(*arrays).shape


@FAST
@given(st.lists(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), max_size=4))
def test_broadcast_shapes_raises_exactly_when_numpy_does(shapes):
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        with pytest.raises(ValueError):
            dlterms.broadcast_shapes(*shapes)
    else:
        assert dlterms.broadcast_shapes(*shapes) == expected


@FAST
@given(st.data())
def test_prediction_bias_matches_the_difference_of_numpy_means(data):
    y_true = data.draw(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=moderate))
    y_pred = data.draw(hnp.arrays(np.float64, y_true.shape, elements=moderate))
    expected = np.mean(y_pred) - np.mean(y_true)
    assert dlterms.prediction_bias(y_true, y_pred) == pytest.approx(expected, rel=1e-12, abs=1e-12)
