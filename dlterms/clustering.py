"""Clustering: centroids, k-means++ seeding and k-means by Lloyd's algorithm."""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_index_array,
    as_rng,
    as_vector,
    check_int,
    check_shape,
)

__all__ = ["centroid", "centroids", "kmeans", "kmeans_plus_plus"]


def kmeans(x, n_clusters, *, init=None, n_iter=100, rng=None):
    r"""Partition points into `n_clusters` clusters with Lloyd's k-means algorithm.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite data points, one per row.
    n_clusters : int
        Number of clusters $k$, $1 \le k \le n$.
    init : array_like of shape (n_clusters, d) or "k-means++", optional
        Initial centroids, or ``"k-means++"`` to seed them with :func:`kmeans_plus_plus`.
        Default: `n_clusters` distinct rows of `x`, drawn uniformly without replacement
        using `rng`.
    n_iter : int, default=100
        Maximum number of iterations (update, then reassign), at least 1. The loop
        stops earlier once the assignments no longer change.
    rng : numpy.random.Generator or int or None, default=None
        Randomness for the default or ``"k-means++"`` `init`, or a seed for it. Same
        seed, same result.

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
        range (or exceeds the number of distinct points when `init` is None or
        ``"k-means++"``); `init` has the wrong shape, is not finite or is a string
        other than ``"k-means++"``; or a seed or `n_iter` is out of range.
    TypeError
        If an array does not hold real numbers, an int option is not an int, or `rng`
        is not a Generator, int or None.

    See Also
    --------
    kmeans_plus_plus : A seeding that spreads the initial centroids out.

    centroids : The update step on its own: the mean of each cluster.

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
    It runs on the data divided by a power of two at least their largest magnitude (an
    exact scaling), so squares cannot overflow near $10^{308}$ nor vanish near
    $10^{-300}$, and multiplying `x` (and `init`) by a power of two multiplies the
    centroids by it and leaves the labels unchanged. Coordinates that differ by less
    than about $10^{-308}$ times the largest magnitude count as equal.
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

    k-means++ seeding picks one starting centroid on each side here:

    >>> centroids, labels = kmeans(x, 2, init="k-means++", rng=0)
    >>> sorted(centroids.tolist())
    [[0.0, 0.5], [10.0, 0.5]]
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    k = check_int(n_clusters, "n_clusters", minimum=1)
    if k > len(x):
        raise ValueError(f"n_clusters must be at most the number of points, {len(x)}; got {k}.")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    rng = as_rng(rng)
    centroids = _initial_centroids(x, k, init, rng)
    # Lloyd's algorithm on x / 2^e, 2^e >= max |x| (exact): the squares in the
    # assignment step stay below 1, and the answer does not depend on the scale of x
    _, e = np.frexp(max(np.max(np.abs(x)), np.max(np.abs(centroids))))
    z, centroids = np.ldexp(x, -e), np.ldexp(centroids, -e)

    labels = _nearest_centroid(z, centroids)
    for _ in range(n_iter):
        centroids = _cluster_means(z, labels, centroids)
        new_labels = _nearest_centroid(z, centroids)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return np.ldexp(centroids, e), new_labels


def _initial_centroids(x, k, init, rng):
    if isinstance(init, str):
        if init != "k-means++":
            raise ValueError(f'init must be an array or "k-means++"; got {init!r}.')
        return kmeans_plus_plus(x, k, rng=rng)[0]
    if init is None:
        distinct = _distinct_rows(x, k, "when init is None")
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


def _distinct_rows(x, k, when):
    """The distinct rows of `x`, after checking there are at least `k` of them."""
    distinct = np.unique(x, axis=0)
    if k > len(distinct):
        raise ValueError(
            f"n_clusters must be at most the number of distinct points, {len(distinct)}, "
            f"{when}; got {k}."
        )
    return distinct


def kmeans_plus_plus(x, n_clusters, *, rng=None):
    r"""Choose `n_clusters` starting centroids among the points by k-means++ ($D^2$) sampling.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite data points, one per row.
    n_clusters : int
        Number of centres $k$, at least 1 and at most the number of distinct points.
    rng : numpy.random.Generator or int or None, default=None
        Randomness for the draws, or a seed for it. Same seed, same centres.

    Returns
    -------
    centres : ndarray of shape (n_clusters, d)
        The chosen rows of `x`, in the order they were drawn.
    indices : ndarray of int64, shape (n_clusters,)
        Their row numbers in `x`, all different.

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity, `n_clusters` exceeds the
        number of distinct points, or a seed is negative.
    TypeError
        If `x` does not hold real numbers, `n_clusters` is not an int, or `rng` is not a
        Generator, int or None.

    See Also
    --------
    kmeans : Runs Lloyd's algorithm; ``init="k-means++"`` seeds it with this function.

    centroids : The cluster means that k-means moves the centres to.

    Notes
    -----
    The first centre is a point drawn uniformly. Each further centre is drawn with
    probability proportional to $D(x_i)^2$, the squared distance from $x_i$ to the
    nearest centre chosen so far:

    $$P(\text{pick } x_i) = \frac{D(x_i)^2}{\sum_{j} D(x_j)^2}.$$

    Points already chosen have $D = 0$ and are never picked twice, and far-away
    points are favoured, so the centres tend to land in different clusters. Arthur
    and Vassilvitskii proved that the expected inertia of this seeding is within a
    factor $8(\ln k + 2)$ of the optimum. scikit-learn's ``kmeans_plusplus`` adds a
    greedy step (it draws $2 + \ln k$ candidates and keeps the best), so its choices
    differ from these even with the same seed. Only ratios of distances matter, so
    the draw uses $\exp(2(\log D_i - \max_j \log D_j))$, with each $\log D_i$ taken
    from the difference divided by its largest coordinate: squaring coordinates near
    $10^{308}$ cannot overflow, and distances near $10^{-300}$ (whose squares would
    underflow to 0) still give every distinct point a chance.

    References
    ----------
    D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding",
    Proceedings of SODA (2007).

    Examples
    --------
    Two pairs of points far apart. The first centre is $(10, 1)$; the squared
    distances to it are 101, 100, 1 and 0, so the second centre lands in the far
    pair with probability $201/202$:

    >>> x = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    >>> centres, indices = kmeans_plus_plus(x, 2, rng=0)
    >>> centres.tolist(), indices.tolist()
    ([[10.0, 1.0], [0.0, 0.0]], [3, 0])

    Coordinates near the float64 limit are handled without overflow:

    >>> kmeans_plus_plus([[1e308, 0.0], [-1e308, 0.0]], 2, rng=0)[1].tolist()
    [1, 0]
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    k = check_int(n_clusters, "n_clusters", minimum=1)
    rng = as_rng(rng)
    _distinct_rows(x, k, "for k-means++ seeding")
    indices = [int(rng.integers(len(x)))]
    log_d = _log_distances(x, x[indices[0]])
    for _ in range(1, k):
        # P(pick i) = D(x_i)^2 / sum_j D(x_j)^2, with D^2 / max D^2 = exp(2 (log D - max))
        weights = np.exp(2.0 * (log_d - log_d.max()))
        i = int(rng.choice(len(x), p=weights / weights.sum()))
        indices.append(i)
        log_d = np.minimum(log_d, _log_distances(x, x[i]))
    indices = np.array(indices, dtype=np.int64)
    return x[indices], indices


def _log_distances(x, c):
    """log ||x_i - c|| for every row i (-inf where x_i == c), without overflow or underflow.

    Each row is divided by its largest |coordinate| before squaring, so its squared
    norm lies in [1, d]; a difference that passes the float range is formed in halves.
    """
    # x - c overflows only past the float range; those rows are redone in halves below
    with np.errstate(over="ignore"):
        diff = x - c
    halved = ~np.all(np.isfinite(diff), axis=1)
    diff[halved] = 0.5 * x[halved] - 0.5 * c
    top = np.max(np.abs(diff), axis=1)
    same = top == 0
    top[same] = 1.0
    norm2 = np.sum((diff / top[:, np.newaxis]) ** 2, axis=1)  # in [1, d]
    norm2[same] = 1.0
    log_d = np.log(top) + 0.5 * np.log(norm2) + np.where(halved, np.log(2.0), 0.0)
    return np.where(same, -np.inf, log_d)


def centroid(x, *, weights=None):
    r"""The centroid of a set of points: their (weighted) mean, coordinate by coordinate.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite points, one per row.
    weights : array_like of shape (n,), optional
        Non-negative finite weights, not all zero. Default: every point counts once.

    Returns
    -------
    ndarray of shape (d,)
        The centre $\bar{x}$.

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity, or `weights` has the
        wrong shape, is negative, is all zero or is not finite.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    centroids : One centroid per cluster label.

    kmeans : Moves each centroid to the mean of its cluster, over and over.

    Notes
    -----
    $$\bar{x} = \frac{\sum_{i=1}^{n} w_i\, x_i}{\sum_{i=1}^{n} w_i},
      \qquad \bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i \text{ when all } w_i = 1.$$

    The centroid is the point with the smallest total squared distance to the
    points, which is why k-means uses it, and it is usually not one of them. The
    weights are normalised first (each divided by their sum, after scaling by the
    largest weight) and every term $w_i x_i / \sum w$ is formed before adding up, so
    the mean of coordinates near $10^{308}$ does not overflow as a plain sum would.

    Examples
    --------
    >>> centroid([[0.0, 0.0], [2.0, 0.0], [1.0, 3.0]]).tolist()
    [1.0, 1.0]
    >>> centroid([[0.0, 0.0], [4.0, 8.0]], weights=[3.0, 1.0]).tolist()
    [1.0, 2.0]

    The sum of these two points overflows; their centroid does not:

    >>> centroid([[1e308], [1e308]]).tolist()
    [1e+308]
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    if weights is None:
        p = np.full(len(x), 1.0 / len(x))
    else:
        weights = as_vector(weights, "weights", len(x))
        if weights.min() < 0 or weights.max() == 0:
            raise ValueError(
                "weights must be non-negative and not all zero; got values from "
                f"{weights.min():g} to {weights.max():g}."
            )
        scaled = weights / weights.max()  # in [0, 1], so the sum cannot overflow
        p = scaled / scaled.sum()
    # sum_i (w_i / sum w) x_i: every term is at most |x_i|, so no partial sum overflows
    return np.sum(p[:, np.newaxis] * x, axis=0)


def centroids(x, labels, n_clusters=None):
    r"""The centroid (mean point) of every cluster, given each point's cluster label.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite points, one per row.
    labels : array_like of int, shape (n,)
        Cluster index of each point, in ``[0, n_clusters)``.
    n_clusters : int, optional
        Number of clusters $k$. Default: ``max(labels) + 1``.

    Returns
    -------
    ndarray of shape (n_clusters, d)
        Row $j$ is the mean of the points labelled $j$.

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty or holds NaN or infinity; `labels` is not one
        non-negative integer per point; a label is $\ge$ `n_clusters`; or a cluster
        has no points (its mean is undefined).
    TypeError
        If `x` does not hold real numbers, `labels` does not hold integers, or
        `n_clusters` is not an int.

    See Also
    --------
    centroid : The mean of one set of points, optionally weighted.

    kmeans : Alternates this update with assigning each point to its nearest centroid.

    Notes
    -----
    $$\mu_j = \frac{1}{|S_j|} \sum_{i \in S_j} x_i, \qquad S_j = \{i : c_i = j\}.$$

    This is the update step of k-means. An empty cluster raises an error here;
    inside :func:`kmeans` it keeps its previous centroid instead. Each point is
    divided by its cluster's size before the sums, so no sum overflows.

    Examples
    --------
    >>> x = [[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [12.0, 0.0], [14.0, 3.0]]
    >>> centroids(x, [0, 0, 1, 1, 1]).tolist()
    [[0.0, 1.0], [12.0, 1.0]]
    >>> centroids(x, [0, 0, 2, 2, 2])
    Traceback (most recent call last):
    ...
    ValueError: every cluster needs at least one point; got none for cluster(s) [1].
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    labels = as_index_array(labels, "labels")
    check_shape(labels, (len(x),), "labels", "(n,)")
    k = (
        int(labels.max()) + 1
        if n_clusters is None
        else check_int(n_clusters, "n_clusters", minimum=1)
    )
    if labels.max() >= k:
        raise ValueError(f"labels must be < n_clusters = {k}; got {labels.max()}.")
    counts = np.bincount(labels, minlength=k)
    if not counts.all():
        raise ValueError(
            "every cluster needs at least one point; got none for cluster(s) "
            f"{np.flatnonzero(counts == 0).tolist()}."
        )
    # mu_j = sum over i in S_j of x_i / |S_j|
    means = np.zeros((k, x.shape[1]))
    np.add.at(means, labels, x / counts[labels, np.newaxis])
    return means
