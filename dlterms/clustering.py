"""Clustering: k-means by Lloyd's algorithm."""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_float_array, as_rng, check_int, check_shape

__all__ = ["kmeans"]


def kmeans(x, n_clusters, *, init=None, n_iter=100, rng=None):
    r"""Partition points into `n_clusters` clusters with Lloyd's k-means algorithm.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite data points, one per row.
    n_clusters : int
        Number of clusters $k$, $1 \le k \le n$.
    init : array_like of shape (n_clusters, d), optional
        Initial centroids. Default: `n_clusters` distinct rows of `x`, drawn uniformly
        without replacement using `rng`.
    n_iter : int, default=100
        Maximum number of iterations (update, then reassign), at least 1. The loop
        stops earlier once the assignments no longer change.
    rng : numpy.random.Generator or int or None, default=None
        Randomness for the default `init`, or a seed for it. Same seed, same result.

    Returns
    -------
    centroids : ndarray of shape (n_clusters, d)
        Final cluster centres.
    labels : ndarray of int64, shape (n,)
        Index of the nearest centroid for each point (ties go to the lower index).

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity; `n_clusters` is out of
        range (or exceeds the number of distinct points when `init` is None); `init`
        has the wrong shape or is not finite; or a seed or `n_iter` is out of range.
    TypeError
        If an array does not hold real numbers, an int option is not an int, or `rng`
        is not a Generator, int or None.

    See Also
    --------
    one_hot : Cluster labels can be one-hot encoded like class labels.

    Notes
    -----
    Lloyd's algorithm alternates two steps that each lower (or keep) the inertia
    $J = \sum_i \lVert x_i - \mu_{c_i} \rVert^2$:

    $$c_i \leftarrow \arg\min_j \lVert x_i - \mu_j \rVert^2, \qquad
      \mu_j \leftarrow \frac{1}{|\{i : c_i = j\}|} \sum_{i : c_i = j} x_i.$$

    It stops at a local minimum, which depends on the initial centroids. A cluster that
    loses all its points keeps its previous centroid (scikit-learn instead moves it to
    a far-away point). The assignment step expands
    $\lVert x - \mu\rVert^2 = \lVert x\rVert^2 - 2x\cdot\mu + \lVert\mu\rVert^2$ so
    that the work is one matrix product, as scikit-learn does, after centring the data
    on their mean so that the expansion does not cancel for data far from the origin.
    Squares limit coordinates to about $10^{150}$.
    The returned labels always match the returned centroids.

    References
    ----------
    S. P. Lloyd, "Least squares quantization in PCM", IEEE Transactions on
    Information Theory 28(2) (1982).

    Examples
    --------
    >>> x = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    >>> centroids, labels = kmeans(x, 2, init=[[0.0, 0.0], [10.0, 0.0]])
    >>> centroids.tolist(), labels.tolist()
    ([[0.0, 0.5], [10.0, 0.5]], [0, 0, 1, 1])

    The result is a local minimum that depends on the start. Starting both centroids
    on the left splits the data top/bottom, with a larger inertia (4 * 25 = 100,
    against 4 * 0.25 = 1 above):

    >>> centroids, labels = kmeans(x, 2, init=[[0.0, 0.0], [0.0, 1.0]])
    >>> centroids.tolist(), labels.tolist()
    ([[5.0, 0.0], [5.0, 1.0]], [0, 1, 0, 1])

    Without `init`, the starting centroids are distinct points drawn with `rng`:

    >>> centroids, labels = kmeans(x, 2, rng=1)
    >>> labels.tolist()
    [0, 0, 1, 1]
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    k = check_int(n_clusters, "n_clusters", minimum=1)
    if k > len(x):
        raise ValueError(f"n_clusters must be at most the number of points, {len(x)}; got {k}.")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    rng = as_rng(rng)
    centroids = _initial_centroids(x, k, init, rng)

    labels = _nearest_centroid(x, centroids)
    for _ in range(n_iter):
        centroids = _cluster_means(x, labels, centroids)
        new_labels = _nearest_centroid(x, centroids)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centroids, new_labels


def _initial_centroids(x, k, init, rng):
    if init is None:
        distinct = np.unique(x, axis=0)
        if k > len(distinct):
            raise ValueError(
                f"n_clusters must be at most the number of distinct points, {len(distinct)}, "
                f"when init is None; got {k}."
            )
        return distinct[rng.choice(len(distinct), size=k, replace=False)]
    init = as_float_array(init, "init", ndim=2, layout="(n_clusters, d)")
    check_shape(init, (k, x.shape[1]), "init", "(n_clusters, d)")
    return init.copy()


def _nearest_centroid(x, centroids):
    """c_i = argmin_j ||x_i - mu_j||^2, for every point at once.

    Expands ||x - mu||^2 = ||x||^2 - 2 x.mu + ||mu||^2, whose middle term is one
    matrix product (fast, and an (n, k) array instead of (n, k, d)); ||x||^2 is the
    same for every centroid, so the argmin can drop it. Centring on the data mean
    first keeps the expansion from cancelling when the data sit far from the origin.
    """
    shift = x.mean(axis=0)
    mu = centroids - shift
    return np.argmin((np.sum(mu**2, axis=1) - 2 * ((x - shift) @ mu.T)), axis=1)


def _cluster_means(x, labels, centroids):
    """mu_j = mean of the points labelled j; an empty cluster keeps its centroid."""
    k = len(centroids)
    counts = np.bincount(labels, minlength=k)[:, np.newaxis]
    # one weighted count per coordinate: O(n d), against O(n k d) for a membership product
    sums = np.stack([np.bincount(labels, weights=col, minlength=k) for col in x.T], axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), centroids)
