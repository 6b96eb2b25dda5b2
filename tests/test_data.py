"""The data functions added to dlterms.data: scaling, buckets, augmentation, splits, bootstrap.

Oracles: scikit-learn (MinMaxScaler, StandardScaler, KBinsDiscretizer, train_test_split,
KFold, cross_val_score with a DummyClassifier), SciPy (scipy.stats.bootstrap with the
same Generator, scipy.sparse) and plain loops (the flips). Properties are checked with
hypothesis. None of these functions is trained through, so there are no gradients here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from _strategies import PROPERTY, eighths
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib.stride_tricks import sliding_window_view

import dlterms
from dlterms import (
    add_noise,
    bootstrap_confidence_interval,
    bootstrap_distribution,
    bootstrap_indices,
    bootstrap_sample,
    bucketize,
    cross_val_score,
    flip_horizontal,
    flip_vertical,
    iterations_per_epoch,
    k_fold_indices,
    min_max_fit,
    min_max_transform,
    one_hot,
    one_hot_decode,
    quantile_edges,
    random_crop,
    random_oversample,
    random_undersample,
    sparsity,
    standardize_fit,
    standardize_transform,
    to_dense,
    to_sparse,
    train_val_test_split,
    uniform_edges,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
# Eighths in [-1000, 1000]: exact in binary, so distinct values differ by at least 1/8.
small_ints = st.integers(-3, 3).map(float)  # many ties and constant columns
fractions = st.sampled_from([0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.4])


def features(min_rows=1, max_rows=20, max_cols=4, elements=eighths):
    shape = st.tuples(st.integers(min_rows, max_rows), st.integers(1, max_cols))
    return shape.flatmap(lambda s: hnp.arrays(np.float64, s, elements=elements))


def labels(n, n_classes=3):
    return hnp.arrays(np.int64, n, elements=st.integers(0, n_classes - 1))


@pytest.fixture(scope="module")
def sk_pre():
    return pytest.importorskip("sklearn.preprocessing")


@pytest.fixture(scope="module")
def sk_ms():
    return pytest.importorskip("sklearn.model_selection")


@pytest.fixture(scope="module")
def scipy_stats():
    return pytest.importorskip("scipy.stats")


# --- one-hot decoding ------------------------------------------------------------


@FAST
@given(st.integers(1, 30).flatmap(labels))
def test_one_hot_decode_inverts_one_hot(y):
    np.testing.assert_array_equal(one_hot_decode(one_hot(y)), y)
    np.testing.assert_array_equal(one_hot_decode(one_hot(y).astype(bool)), y)


@pytest.mark.parametrize("row", [[0.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.0], [2.0, 0, 0]])
def test_one_hot_decode_refuses_rows_that_are_not_one_hot(row):
    with pytest.raises(ValueError, match="row 1"):
        one_hot_decode([[1.0, 0.0, 0.0], row])


# --- scaling: oracles --------------------------------------------------------------


@FAST
@given(features(elements=eighths | small_ints), st.data())
def test_min_max_matches_sklearn_fitted_on_train_applied_to_test(sk_pre, x, data):
    test = data.draw(hnp.arrays(np.float64, (5, x.shape[1]), elements=eighths))
    low, high = data.draw(st.sampled_from([(0, 1), (-1, 1), (2.5, 10.0)]))
    scaler = sk_pre.MinMaxScaler(feature_range=(low, high)).fit(x)
    data_min, data_max = min_max_fit(x)
    np.testing.assert_array_equal(data_min, scaler.data_min_)
    np.testing.assert_array_equal(data_max, scaler.data_max_)
    params = (data_min, data_max)
    for part in (x, test):
        ours = min_max_transform(part, params, feature_range=(low, high))
        np.testing.assert_allclose(ours, scaler.transform(part), rtol=1e-12, atol=1e-9)


@FAST
@given(features(elements=eighths | small_ints), st.data())
def test_standardize_matches_sklearn_fitted_on_train_applied_to_test(sk_pre, x, data):
    test = data.draw(hnp.arrays(np.float64, (5, x.shape[1]), elements=eighths))
    scaler = sk_pre.StandardScaler().fit(x)
    mean, std = standardize_fit(x)
    np.testing.assert_allclose(mean, scaler.mean_, rtol=1e-12, atol=1e-12)
    # sklearn stores 1 as the scale of a zero-variance feature; we return its std, 0
    np.testing.assert_allclose(np.where(std == 0, 1.0, std), scaler.scale_, rtol=1e-10)
    np.testing.assert_array_equal(std == 0, np.ptp(x, axis=0) == 0)
    for part in (x, test):
        ours = standardize_transform(part, (mean, std))
        np.testing.assert_allclose(ours, scaler.transform(part), rtol=1e-9, atol=1e-9)


# --- scaling: properties -----------------------------------------------------------


@FAST
@given(features(min_rows=2, elements=st.floats(-1e300, 1e300)))
def test_min_max_maps_the_training_range_onto_the_feature_range(x):
    z = min_max_transform(x, min_max_fit(x), feature_range=(-1, 1))
    assert np.all((z >= -1) & (z <= 1))
    varying = np.ptp(x / 4, axis=0) > 0
    np.testing.assert_array_equal(z.min(axis=0)[varying], -1.0)
    np.testing.assert_allclose(z.max(axis=0)[varying], 1.0, rtol=1e-15)
    np.testing.assert_array_equal(z[:, ~varying], -1.0)  # constant: shifted to low


@FAST
@given(features(min_rows=2, elements=eighths), st.floats(0.01, 100.0), eighths)
def test_standardized_training_data_has_mean_0_and_std_1_whatever_the_units(x, a, b):
    z = standardize_transform(x, standardize_fit(x))
    varying = np.ptp(x, axis=0) > 0
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(z.std(axis=0)[varying], 1.0, rtol=1e-9)
    np.testing.assert_array_equal(z[:, ~varying], 0.0)
    y = a * x + b  # new units: the z-scores do not change
    np.testing.assert_allclose(standardize_transform(y, standardize_fit(y)), z, atol=1e-6)


def test_scalers_reject_statistics_of_the_wrong_features():
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"data_min must have shape"):
        min_max_transform(x, (np.zeros(3), np.ones(3)))
    with pytest.raises(ValueError, match="data_min <= data_max"):
        min_max_transform(x, (np.ones(2), np.zeros(2)))
    with pytest.raises(ValueError, match="non-negative std"):
        standardize_transform(x, (np.zeros(2), -np.ones(2)))
    with pytest.raises(TypeError, match="pair"):
        standardize_transform(x, np.zeros(2))
    with pytest.raises(ValueError, match="feature_range"):
        min_max_transform(x, min_max_fit(x), feature_range=(1, 1))


# --- bucketing ---------------------------------------------------------------------


@FAST
@given(
    hnp.arrays(np.float64, st.integers(2, 40), elements=eighths | small_ints),
    st.integers(2, 6),
    st.sampled_from(["uniform", "quantile", "quantile-linear"]),
)
def test_buckets_match_sklearn_kbins_discretizer(sk_pre, x, n_bins, strategy):
    test = np.concatenate([x, x + 0.0625, [-2000.0, 2000.0]])
    if strategy == "uniform":
        edges = uniform_edges(x, n_bins)
        kwargs = {"strategy": "uniform"}
    else:
        method = "linear" if strategy.endswith("linear") else "averaged_inverted_cdf"
        edges = quantile_edges(x, n_bins, method=method)
        kwargs = {"strategy": "quantile", "quantile_method": method}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # constant features, merged bins
        kbins = sk_pre.KBinsDiscretizer(n_bins, encode="ordinal", subsample=None, **kwargs)
        kbins.fit(x[:, np.newaxis])
    expected = kbins.transform(test[:, np.newaxis])[:, 0]
    np.testing.assert_array_equal(bucketize(test, edges), expected)
    if x.min() < x.max():
        np.testing.assert_allclose(edges, kbins.bin_edges_[0], rtol=1e-14, atol=1e-12)
    else:
        assert edges.tolist() == [x[0], x[0]]


@FAST
@given(
    hnp.arrays(np.float64, st.integers(1, 30), elements=eighths),
    hnp.arrays(np.float64, st.integers(2, 6), elements=eighths, unique=True),
)
def test_bucketize_is_np_digitize_on_the_inner_edges(x, edges):
    edges = np.sort(edges)
    index = bucketize(x, edges)
    np.testing.assert_array_equal(index, np.digitize(x, edges[1:-1]))
    assert index.min() >= 0 and index.max() <= edges.size - 2
    inside = (x >= edges[0]) & (x < edges[-1])
    assert np.all(edges[index[inside]] <= x[inside])
    assert np.all(x[inside] < edges[index[inside] + 1])


@FAST
@given(hnp.arrays(np.float64, st.integers(8, 60), elements=eighths, unique=True))
def test_quantile_buckets_hold_about_equal_counts(x):
    counts = np.bincount(bucketize(x, quantile_edges(x, 4)), minlength=4)
    assert counts.sum() == x.size
    assert counts.max() - counts.min() <= 2


def test_bucketize_refuses_decreasing_edges():
    with pytest.raises(ValueError, match="non-decreasing"):
        bucketize([1.0], [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="method"):
        quantile_edges([1.0, 2.0], 2, method="nearest-ish")


# --- augmentation ------------------------------------------------------------------

images = st.tuples(*[st.integers(1, 4)] * 4).flatmap(
    lambda s: hnp.arrays(np.float64, s, elements=eighths)
)


def _flip_by_loop(x, axis):
    """Reference: copy row (or column) i of every image to position size - 1 - i."""
    out = np.empty_like(x)
    size = x.shape[axis]
    for i in range(size):
        target = [slice(None)] * 4
        source = [slice(None)] * 4
        target[axis], source[axis] = size - 1 - i, i
        out[tuple(target)] = x[tuple(source)]
    return out


@FAST
@given(images)
def test_flips_match_a_loop_and_undo_themselves(x):
    np.testing.assert_array_equal(flip_horizontal(x), _flip_by_loop(x, 3))
    np.testing.assert_array_equal(flip_vertical(x), _flip_by_loop(x, 2))
    np.testing.assert_array_equal(flip_horizontal(flip_horizontal(x)), x)
    np.testing.assert_array_equal(flip_vertical(flip_vertical(x)), x)


@FAST
@given(images, st.data())
def test_random_crop_returns_one_window_of_each_image_for_all_channels(x, data):
    n, c, h, w = x.shape
    size = (data.draw(st.integers(1, h)), data.draw(st.integers(1, w)))
    crops = random_crop(x, size, rng=data.draw(st.integers(0, 2**32)))
    assert crops.shape == (n, c, *size)
    windows = sliding_window_view(x, size, axis=(2, 3))  # (n, c, oh, ow, *size)
    for i in range(n):
        hits = np.all(windows[i] == crops[i][:, np.newaxis, np.newaxis], axis=(0, 3, 4))
        assert hits.any(), "the crop is not a window of its image"


def test_random_crop_reaches_every_offset_and_is_reproducible():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    corners = {random_crop(x, 3, rng=seed)[0, 0, 0, 0] for seed in range(200)}
    assert corners == {0.0, 1.0, 2.0, 5.0, 6.0, 7.0, 10.0, 11.0, 12.0}
    np.testing.assert_array_equal(random_crop(x, 2, rng=7), random_crop(x, 2, rng=7))
    with pytest.raises(ValueError, match="fit inside"):
        random_crop(x, (6, 1))


def test_add_noise_has_the_requested_spread_and_leaves_x_alone():
    x = np.full((200, 500), 3.0)
    noisy = add_noise(x, 0.5, rng=0)
    assert abs((noisy - 3.0).mean()) < 0.005
    assert abs((noisy - 3.0).std() - 0.5) < 0.005
    np.testing.assert_array_equal(x, 3.0)
    np.testing.assert_array_equal(add_noise(x, 0.0, rng=0), x)
    assert isinstance(add_noise(1.0, 1.0, rng=0), float)


# --- oversampling ------------------------------------------------------------------


@FAST
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(labels(n, 4), st.integers(0, 2**32))))
def test_random_oversample_keeps_originals_and_balances_with_copies(args):
    y, seed = args
    x = np.arange(y.size * 2.0).reshape(y.size, 2)  # every row is distinct
    x_res, y_res = random_oversample(x, y, rng=seed)
    n = y.size
    np.testing.assert_array_equal(x_res[:n], x)  # originals first, in order
    np.testing.assert_array_equal(y_res[:n], y)
    classes, counts = np.unique(y, return_counts=True)
    np.testing.assert_array_equal(np.unique(y_res, return_counts=True)[1], counts.max())
    source = (x_res[n:, 0] / 2).astype(int)  # the row each copy came from
    np.testing.assert_array_equal(y[source], y_res[n:])
    assert np.all(np.diff(y_res[n:]) >= 0), "copies are grouped by class"


def test_random_oversample_works_with_string_labels_and_draws_with_replacement():
    y = np.array(["cat"] * 2 + ["dog"] * 50)
    x_res, y_res = random_oversample(np.arange(52), y, rng=0)
    assert (y_res == "cat").sum() == 50
    assert set(x_res[y_res == "cat"].tolist()) == {0, 1}


# --- splitting ---------------------------------------------------------------------


@FAST
@given(st.integers(3, 60), fractions, fractions.filter(bool))
def test_split_sizes_round_up_like_sklearn_train_test_split(sk_ms, n, v, t):
    assume(math.ceil(v * n) + math.ceil(t * n) < n)
    x, y = np.arange(n * 2.0).reshape(n, 2), np.arange(n)
    train, val, test = train_val_test_split(x, y, val_fraction=v, test_fraction=t, shuffle=False)
    _, x_te_sk = sk_ms.train_test_split(x, test_size=t, shuffle=False)
    assert len(test[0]) == len(x_te_sk)
    np.testing.assert_array_equal(test[0], x_te_sk)  # the last rows, unshuffled
    if v:
        assert len(val[0]) == len(sk_ms.train_test_split(x, test_size=v, shuffle=False)[1])
    rest = x[: n - len(test[0])]
    x_tr_sk, x_val_sk = sk_ms.train_test_split(rest, test_size=len(val[0]) or None, shuffle=False)
    np.testing.assert_array_equal(train[0], x_tr_sk if v else rest)
    if v:
        np.testing.assert_array_equal(val[0], x_val_sk)


@FAST
@given(
    st.integers(3, 60).flatmap(lambda n: labels(n, 3)),
    fractions,
    fractions,
    st.booleans(),
    st.integers(0, 2**32),
)
def test_split_is_disjoint_complete_and_stratified_within_one(y, v, t, stratify, seed):
    n = y.size
    assume(math.ceil(v * n) + math.ceil(t * n) < n)
    x = np.arange(n)
    parts = train_val_test_split(x, y, val_fraction=v, test_fraction=t, rng=seed, stratify=stratify)
    rows = np.concatenate([p[0] for p in parts])
    np.testing.assert_array_equal(np.sort(rows), x)  # every row exactly once
    for p in parts:
        np.testing.assert_array_equal(y[p[0]], p[1])  # labels travel with their rows
    assert [len(p[0]) for p in parts[1:]] == [math.ceil(v * n), math.ceil(t * n)]
    if stratify:
        n_test = len(parts[2][0])
        share = n_test * np.bincount(y, minlength=3) / n
        assert np.all(np.abs(np.bincount(parts[2][1], minlength=3) - share) < 1)


def test_split_refuses_fractions_that_leave_no_training_data():
    with pytest.raises(ValueError, match="at least one training example"):
        train_val_test_split([1, 2, 3], [0, 1, 0], val_fraction=0.34, test_fraction=0.34)
    with pytest.raises(ValueError, match="shuffle=True"):
        train_val_test_split(
            [1, 2, 3], [0, 1, 0], val_fraction=0, test_fraction=0.3, shuffle=False, stratify=True
        )


# --- cross-validation --------------------------------------------------------------


@FAST
@given(st.integers(2, 40), st.data())
def test_k_fold_indices_match_sklearn_kfold(sk_ms, n, data):
    k = data.draw(st.integers(2, min(n, 10)))
    ours = k_fold_indices(n, k)
    theirs = list(sk_ms.KFold(n_splits=k).split(np.zeros(n)))
    assert len(ours) == len(theirs) == k
    for (tr, va), (tr_sk, va_sk) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(tr, tr_sk)
        np.testing.assert_array_equal(va, va_sk)


@FAST
@given(st.integers(2, 40), st.data())
def test_shuffled_folds_partition_the_rows_with_kfold_sizes(n, data):
    k = data.draw(st.integers(2, min(n, 10)))
    folds = k_fold_indices(n, k, shuffle=True, rng=data.draw(st.integers(0, 2**32)))
    val = np.concatenate([v for _, v in folds])
    np.testing.assert_array_equal(np.sort(val), np.arange(n))
    assert [len(v) for _, v in folds] == [len(v) for _, v in k_fold_indices(n, k)]
    for train, v in folds:
        np.testing.assert_array_equal(np.union1d(train, v), np.arange(n))
        assert np.intersect1d(train, v).size == 0


def _majority(x_train, y_train, x_val):
    return np.full(len(x_val), np.bincount(y_train).argmax())


@FAST
@given(st.integers(4, 40).flatmap(lambda n: labels(n, 3)), st.data())
def test_cross_val_score_matches_sklearn_with_a_dummy_classifier(sk_ms, y, data):
    from sklearn.dummy import DummyClassifier

    k = data.draw(st.integers(2, min(y.size, 6)))
    x = np.zeros((y.size, 1))
    expected = sk_ms.cross_val_score(
        DummyClassifier(strategy="most_frequent"), x, y, cv=sk_ms.KFold(k), scoring="accuracy"
    )
    np.testing.assert_allclose(cross_val_score(_majority, x, y, k=k), expected, rtol=1e-15)


def test_cross_val_score_takes_any_metric_and_refuses_non_callables():
    y = np.array([1.0, 2.0, 3.0, 4.0])

    def mean_model(x_train, y_train, x_val):
        return np.full(len(x_val), y_train.mean())

    def mse(a, b):
        return float(np.mean((a - b) ** 2))

    # folds [0, 1] and [2, 3]: training means 3.5 and 1.5, errors (2.5^2 + 1.5^2) / 2 = 4.25
    scores = cross_val_score(mean_model, np.zeros((4, 1)), y, k=2, metric=mse)
    assert scores.tolist() == [4.25, 4.25]
    with pytest.raises(TypeError, match="fit_predict must be callable"):
        cross_val_score(None, np.zeros((4, 1)), y)


# --- bootstrapping -----------------------------------------------------------------


@FAST
@given(
    hnp.arrays(np.float64, st.integers(2, 30), elements=eighths),
    st.sampled_from([np.mean, np.median, np.std]),
    st.sampled_from([0.8, 0.9, 0.95]),
    st.integers(0, 2**32),
)
def test_bootstrap_ci_matches_scipy_percentile_with_the_same_generator(
    scipy_stats, values, statistic, level, seed
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns about degenerate distributions
        res = scipy_stats.bootstrap(
            (values,),
            statistic,
            n_resamples=200,
            confidence_level=level,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    dist = bootstrap_distribution(values, statistic, n_resamples=200, rng=seed)
    np.testing.assert_allclose(dist, res.bootstrap_distribution, rtol=1e-12, atol=1e-12)
    low, high = bootstrap_confidence_interval(
        values, statistic, n_resamples=200, level=level, rng=seed
    )
    np.testing.assert_allclose([low, high], res.confidence_interval, rtol=1e-12, atol=1e-12)


@FAST
@given(st.integers(1, 50), st.integers(1, 20), st.integers(0, 2**32))
def test_bootstrap_indices_stay_in_range_and_samples_reuse_rows(n, b, seed):
    idx = bootstrap_indices(n, b, rng=seed)
    assert idx.shape == (b, n) and idx.dtype == np.int64
    assert idx.min() >= 0 and idx.max() < n
    x = np.arange(n * 3).reshape(n, 3)
    sample = bootstrap_sample(x, rng=seed)
    assert sample.shape == x.shape and sample.dtype == x.dtype
    np.testing.assert_array_equal(sample, x[bootstrap_indices(n, 1, rng=seed)[0]])


def test_bootstrap_sample_keeps_about_63_percent_distinct_rows():
    distinct = len(np.unique(bootstrap_sample(np.arange(100_000), rng=0)))
    assert abs(distinct / 100_000 - (1 - math.exp(-1))) < 0.005


def test_bootstrap_ci_narrows_with_more_data_and_rejects_bad_statistics():
    rng = np.random.default_rng(0)
    wide = bootstrap_confidence_interval(rng.normal(size=20), rng=1)
    narrow = bootstrap_confidence_interval(rng.normal(size=2000), rng=1)
    assert narrow[1] - narrow[0] < (wide[1] - wide[0]) / 5
    with pytest.raises(ValueError, match="one finite number per resample"):
        bootstrap_distribution([1.0, 2.0], lambda a, axis: a, n_resamples=3)
    with pytest.raises(ValueError, match="level"):
        bootstrap_confidence_interval([1.0, 2.0], level=1.0)


# --- sparse and dense features -----------------------------------------------------


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 40), elements=st.sampled_from([0.0]) | eighths))
def test_sparse_round_trip_matches_scipy_sparse(x):
    sparse = pytest.importorskip("scipy.sparse")
    indices, values = to_sparse(x)
    csr = sparse.csr_array(x[np.newaxis])
    np.testing.assert_array_equal(indices, csr.indices)
    np.testing.assert_array_equal(values, csr.data)
    np.testing.assert_array_equal(to_dense(indices, values, x.size), x)
    assert sparsity(x) == (x.size - indices.size) / x.size


@FAST
@given(st.integers(1, 20), st.data())
def test_to_dense_sums_repeated_indices_like_scipy_coo(size, data):
    sparse = pytest.importorskip("scipy.sparse")
    nnz = data.draw(st.integers(0, 30))
    idx = data.draw(hnp.arrays(np.int64, nnz, elements=st.integers(0, size - 1)))
    val = data.draw(hnp.arrays(np.float64, nnz, elements=eighths))
    coo = sparse.coo_array((val, (np.zeros(nnz, dtype=np.int64), idx)), shape=(1, size))
    np.testing.assert_allclose(to_dense(idx, val, size), coo.toarray()[0], atol=1e-12)


def test_to_dense_refuses_out_of_range_and_mismatched_indices():
    with pytest.raises(ValueError, match="below size 3"):
        to_dense([0, 3], [1.0, 1.0], 3)
    with pytest.raises(ValueError, match="same length"):
        to_dense([0, 1], [1.0], 3)
    with pytest.raises(ValueError, match="non-negative"):
        to_dense([-1], [1.0], 3)


def test_quantile_edges_merge_rounding_twins():
    """Regression (found by hypothesis): interpolation left an edge 2e-16 from zero."""
    from dlterms import quantile_edges

    x = np.array([0.0] * 11 + [0.125] * 2)
    assert quantile_edges(x, 6, method="linear").tolist() == [0.0, 0.125]


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(hnp.arrays(np.int64, st.integers(1, 30), elements=st.integers(0, 9)), st.integers(0, 3))
def test_one_hot_round_trips_through_argmax(labels, extra_classes):
    n_classes = int(labels.max()) + 1 + extra_classes
    encoded = one_hot(labels, n_classes)
    assert encoded.shape == (labels.size, n_classes) and encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), labels)


@PROPERTY
@given(st.integers(1, 10**6), st.integers(1, 10**4))
def test_iterations_per_epoch_cover_the_data_exactly_once(n, b):
    ceil, floor = iterations_per_epoch(n, b), iterations_per_epoch(n, b, drop_last=True)
    assert (ceil - 1) * b < n <= ceil * b
    assert floor * b <= n < (floor + 1) * b
    assert ceil - floor == (n % b != 0)


@PROPERTY
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


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------

MAX = np.finfo(float).max
TINY = 5e-324  # the smallest subnormal


@pytest.mark.usefixtures("warnings_are_errors")
def test_min_max_transform_keeps_subnormal_data():
    x = np.array([[TINY], [2 * TINY], [0.0]])
    assert dlterms.min_max_transform(x, dlterms.min_max_fit(x)).ravel().tolist() == [
        0.5,
        1.0,
        0.0,
    ]


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("n_bins", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("x", [[0.0, TINY, 3 * TINY], [-2 * TINY, 5 * TINY], [-MAX, MAX]])
def test_uniform_edges_run_from_min_to_max_and_never_decrease(x, n_bins):
    edges = dlterms.uniform_edges(np.array(x), n_bins)
    assert edges[0] == min(x) and edges[-1] == max(x)
    assert np.all(edges[1:] >= edges[:-1])


@pytest.mark.usefixtures("warnings_are_errors")
def test_quantile_edges_keep_tiny_values_on_a_wide_feature():
    edges = dlterms.quantile_edges(np.array([1e-300, 2e-300, 1e300, 1e-310]), 3)
    assert edges[0] == 1e-310 and edges[-1] == 1e300
    edges = dlterms.quantile_edges(np.array([-MAX, 1e-300, MAX]), 2)
    assert edges.tolist() == [-MAX, 1e-300, MAX]


@pytest.mark.usefixtures("warnings_are_errors")
def test_standardize_transform_divides_by_a_subnormal_std_exactly():
    # halving 3 * TINY first (the old form) rounds it to 2 * TINY and gives 4
    assert dlterms.standardize_transform(np.array([3 * TINY]), (0.0, TINY)).tolist() == [3.0]
    assert dlterms.standardize_transform(np.array([MAX, -MAX]), (-MAX, MAX)).tolist() == [
        2.0,
        0.0,
    ]


_full_range = st.floats(allow_nan=False, allow_infinity=False)


@pytest.mark.usefixtures("warnings_are_errors")
@settings(max_examples=300, deadline=None, database=None)
@given(_full_range, _full_range, _full_range.map(abs))
def test_standardize_transform_is_the_exact_z_score_or_says_it_overflows(x, mean, std):
    from fractions import Fraction

    exact = (Fraction(x) - Fraction(mean)) / Fraction(std if std else 1.0)
    if abs(exact) > Fraction(MAX) * (1 + Fraction(1, 2**52)):
        with pytest.raises(ValueError, match="overflow float64.*rescale the inputs"):
            dlterms.standardize_transform(np.array([x]), (mean, std))
        return
    assume(abs(exact) < Fraction(MAX))
    (z,) = dlterms.standardize_transform(np.array([x]), (mean, std)).tolist()
    # x - mean is rounded once (as in the plain formula), then the quotient once
    assert math.isclose(z, float(exact), rel_tol=4 * 2.0**-52, abs_tol=4 * TINY)


def test_min_max_transform_far_outside_the_fitted_range_is_exact_or_refused():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the training range includes the float maximum; no intermediate may overflow
        x = np.array([[1.0, -5.0, 1.79769313e308], [3.0, 5.0, 7.0], [2.0, 0.0, 7.0]])
        out = min_max_transform(x, min_max_fit(x))
        assert out.tolist() == [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]]
        # (x - min) / (max - min) = 1e608 does not fit, but times a width of 1e-300 it does
        out = min_max_transform(np.array([1e308]), (0.0, 1e-300), feature_range=(0, 1e-300))
        assert out.tolist() == [pytest.approx(1e308)]
        with pytest.raises(ValueError, match="min_max_transform overflows float64"):
            min_max_transform(np.array([1e308]), (0.0, 1e-300))
