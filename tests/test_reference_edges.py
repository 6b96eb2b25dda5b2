"""Regression tests for reference functions at the edges of the float64 range.

One test (or one parametrised family) per class of failure; the generic, generated
extremes for every export live in test_reference_common.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dlterms

MAX = np.finfo(float).max
TINY = 5e-324  # the smallest subnormal


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- a full-range logit gap ------------------------------------------------------


def test_log_softmax_takes_a_full_range_gap_without_a_warning():
    assert dlterms.log_softmax(np.array([MAX, -MAX])).tolist() == [0.0, -np.inf]
    assert dlterms.softmax(np.array([MAX, -MAX])).tolist() == [1.0, 0.0]


def test_cross_entropy_takes_a_full_range_gap():
    logits = np.array([[MAX, -MAX], [0.0, 0.0]])
    assert dlterms.cross_entropy(logits, np.array([0, 0])) == pytest.approx(np.log(2) / 2)
    # the exact mean (2 MAX + 0) / 2 = MAX is representable
    halves = np.array([[MAX / 2, -MAX / 2], [0.0, 0.0]])
    assert dlterms.cross_entropy(halves, np.array([1, 0])) == pytest.approx(MAX / 2)
    soft = np.array([[0.5, 0.5], [1.0, 0.0]])
    assert np.isfinite(dlterms.cross_entropy(halves, soft))
    with pytest.raises(ValueError, match="cross-entropy must fit in float64"):
        dlterms.cross_entropy(np.array([[MAX, -MAX]]), np.array([1]))


# --- mean reductions: one policy ---------------------------------------------------

# (function, arguments whose exact mean is representable, that exact mean)
REPRESENTABLE = [
    ("mean_squared_error", ([1e200, 0.0], [0.0, 0.0]), None),
    ("mean_squared_error", ([1e154, 1e154], [0.0, 0.0]), 1e308),
    ("mean_absolute_error", ([MAX, 0.0], [-MAX, 0.0]), MAX),
    ("mean_absolute_error", ([1e308, 1e308], [0.0, 0.0]), 1e308),
    ("hinge_loss", ([1.0, 1.0], [-1e308, -1e308]), 1e308),
    ("squared_hinge_loss", ([1, 1], [-1e154, -1e154]), 1e308),
    ("log_cosh_loss", ([0.0, 0.0], [1e308, 1e308]), 1e308),
    ("log_cosh_loss", ([MAX, 0.0], [-MAX, 0.0]), MAX),
    ("binary_cross_entropy_with_logits", ([1.0, 1.0], [-1e308, -1e308]), 1e308),
    ("poisson_loss", ([0.0, 0.0], [1e308, 1e308]), 1e308),
    ("categorical_hinge_loss", ([[1.0, 0.0], [1.0, 0.0]], [[-1e308, 1e308]] * 2), None),
]


@pytest.mark.parametrize(("name", "args", "exact"), REPRESENTABLE)
def test_mean_reductions_are_finite_where_the_exact_mean_is(name, args, exact):
    arrays = [np.array(a) for a in args]
    try:
        result = getattr(dlterms, name)(*arrays)
    except ValueError as error:  # only a mean beyond float64 may be refused
        assert exact is None and "must fit in float64" in str(error)
        return
    assert np.isfinite(result)
    if exact is not None:
        assert result == pytest.approx(exact, rel=1e-12)


def test_mean_reduction_beyond_float64_raises_a_clear_error():
    with pytest.raises(ValueError, match=r"mean squared error must fit in float64.*4e\+616"):
        dlterms.mean_squared_error(np.array([1e308, -1e308]), np.array([-1e308, 1e308]))
    with pytest.raises(ValueError, match="mean absolute error must fit in float64"):
        dlterms.mean_absolute_error(np.array([MAX]), np.array([-MAX]))


def test_mean_reductions_are_exact_at_ordinary_scale():
    assert dlterms.mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == 4 / 3
    assert dlterms.mean_squared_error([TINY, 0.0], [0.0, 0.0]) == 0.0  # TINY^2 / 2 rounds to 0
    assert dlterms.mean_absolute_error([TINY * 4, 0.0], [0.0, 0.0]) == TINY * 2


def test_activity_penalty_keeps_its_promise():
    a = np.array([[1e308], [1e308]])
    assert dlterms.activity_penalty(a, l1=1.0) == 1e308
    assert dlterms.activity_penalty(np.array([[1e160]] * 4), l2=1e-20) == pytest.approx(1e300)
    with pytest.raises(ValueError, match="activity penalty must fit in float64"):
        dlterms.activity_penalty(np.array([[1e200]]), l2=1.0)


# --- subnormals and the halving trick --------------------------------------------------


def test_min_max_transform_keeps_subnormal_data():
    x = np.array([[TINY], [2 * TINY], [0.0]])
    assert dlterms.min_max_transform(x, dlterms.min_max_fit(x)).ravel().tolist() == [
        0.5,
        1.0,
        0.0,
    ]


@pytest.mark.parametrize("n_bins", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("x", [[0.0, TINY, 3 * TINY], [-2 * TINY, 5 * TINY], [-MAX, MAX]])
def test_uniform_edges_run_from_min_to_max_and_never_decrease(x, n_bins):
    edges = dlterms.uniform_edges(np.array(x), n_bins)
    assert edges[0] == min(x) and edges[-1] == max(x)
    assert np.all(edges[1:] >= edges[:-1])


def test_quantile_edges_keep_tiny_values_on_a_wide_feature():
    edges = dlterms.quantile_edges(np.array([1e-300, 2e-300, 1e300, 1e-310]), 3)
    assert edges[0] == 1e-310 and edges[-1] == 1e300
    edges = dlterms.quantile_edges(np.array([-MAX, 1e-300, MAX]), 2)
    assert edges.tolist() == [-MAX, 1e-300, MAX]


# --- k-means ------------------------------------------------------------------------


def test_kmeans_plus_plus_survives_underflowing_squared_distances():
    x = np.array([[1e-200, 0.0], [2e-200, 0.0], [1e300, 0.0]])
    for seed in range(5):
        _, indices = dlterms.kmeans_plus_plus(x, 3, rng=seed)
        assert sorted(indices.tolist()) == [0, 1, 2]
        dlterms.kmeans(x, 3, init="k-means++", rng=seed)


SQUARE = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])


@pytest.mark.parametrize("power", [-1070, -1000, -500, 0, 500, 1000, 1019])
def test_kmeans_answer_does_not_depend_on_the_scale(power):
    scale = 2.0**power
    init = np.array([[0.0, 0.0], [0.0, 1.0]])
    expected_centroids, expected_labels = dlterms.kmeans(SQUARE, 2, init=init)
    centroids, labels = dlterms.kmeans(SQUARE * scale, 2, init=init * scale)
    assert labels.tolist() == expected_labels.tolist()
    if power > -1000:  # below, the centroids (means) are subnormal and round
        assert (centroids / scale).tolist() == expected_centroids.tolist()


@pytest.mark.parametrize("power", [200, 500, 1000, 1019])
def test_batch_norm_answer_does_not_depend_on_a_large_scale(power):
    x = np.array([[1.0, -3.0], [3.0, 0.5], [4.0, 2.0]])
    reference = dlterms.batch_norm(x * 2.0**100)  # eps is negligible from here on
    np.testing.assert_allclose(dlterms.batch_norm(x * 2.0**power), reference, rtol=1e-15)


@pytest.mark.parametrize("power", [-1074, -1060, -1000, -600])
def test_batch_norm_of_tiny_input_is_finite_and_tiny(power):
    x = np.array([[1.0], [3.0], [4.0]]) * 2.0**power
    out = dlterms.batch_norm(x)
    assert np.all(np.isfinite(out)) and np.all(np.abs(out) < 1e-100)
    np.testing.assert_array_equal(np.sign(out), np.sign(x - x.mean()))


# --- argument checks ----------------------------------------------------------------


def test_residual_block_grad_validates_bias2():
    w1, w2 = np.ones((2, 3)), np.ones((3, 2))
    for bad, match in [([np.nan, 1.0], "bias2 must be finite"), ([1.0], "bias2 must have")]:
        with pytest.raises(ValueError, match=match):
            dlterms.residual_block_grad([1.0, 2.0], w1, None, w2, bad, [1.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_active_learning_accepts_low_precision_probabilities(dtype):
    p = np.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.05, 0.05, 0.9]], dtype=dtype)
    indices, labels = dlterms.pseudo_label(p, threshold=0.85)
    assert indices.tolist() == [2] and labels.tolist() == [2]
    assert dlterms.uncertainty_query(p, 1).tolist() == [1]
    with pytest.raises(ValueError, match="sum to 1"):
        dlterms.pseudo_label(np.array([[0.5, 0.6]], dtype=dtype))


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear", "leaky_relu"])
def test_apply_activation_names_its_own_argument(name):
    for function in (dlterms.apply_activation, dlterms.apply_activation_grad):
        with pytest.raises(ValueError, match=r"^x must be finite"):
            function([[np.nan]], name)


def test_rnn_shape_errors_name_the_input_too():
    w_xh, w_hh = np.ones((2, 3)), np.ones((3, 3))
    with pytest.raises(ValueError, match=r"to match x_t of shape \(2,\)"):
        dlterms.rnn_cell(np.ones(2), np.ones((4, 3)), w_xh, w_hh)
    with pytest.raises(ValueError, match=r"to match xs of shape \(5, 4, 2\)"):
        dlterms.rnn_forward(np.ones((5, 4, 2)), np.ones((3, 3)), w_xh, w_hh)
