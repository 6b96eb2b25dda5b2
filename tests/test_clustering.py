"""dlterms.clustering: k-means.

Oracle: scikit-learn's ``KMeans`` with Lloyd's algorithm from the same initial
centroids. Properties: the inertia never increases, every label names the nearest
centroid, a converged centroid is the mean of its cluster, and a seed fixes the run.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import ORACLE, PROPERTY, assert_close
from hypothesis import given
from hypothesis import strategies as st

import dlterms
from dlterms import kmeans

# --- against independent implementations -----------------------------------


@ORACLE
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
    ours = kmeans(x, k, init=init, n_iter=n_iter)
    theirs = sk_cluster.KMeans(
        n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=n_iter, tol=0.0
    ).fit(x)
    assert_close(ours[0], theirs.cluster_centers_, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ours[1], theirs.labels_)


# --- properties ---------------------------------------------------------------


def _inertia(x, centroids, labels):
    return float(np.sum((x - centroids[labels]) ** 2))


@PROPERTY
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


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
def test_kmeans_plus_plus_survives_underflowing_squared_distances():
    x = np.array([[1e-200, 0.0], [2e-200, 0.0], [1e300, 0.0]])
    for seed in range(5):
        _, indices = dlterms.kmeans_plus_plus(x, 3, rng=seed)
        assert sorted(indices.tolist()) == [0, 1, 2]
        dlterms.kmeans(x, 3, init="k-means++", rng=seed)


SQUARE = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("power", [-1070, -1000, -500, 0, 500, 1000, 1019])
def test_kmeans_answer_does_not_depend_on_the_scale(power):
    scale = 2.0**power
    init = np.array([[0.0, 0.0], [0.0, 1.0]])
    expected_centroids, expected_labels = dlterms.kmeans(SQUARE, 2, init=init)
    centroids, labels = dlterms.kmeans(SQUARE * scale, 2, init=init * scale)
    assert labels.tolist() == expected_labels.tolist()
    if power > -1000:  # below, the centroids (means) are subnormal and round
        assert (centroids / scale).tolist() == expected_centroids.tolist()
