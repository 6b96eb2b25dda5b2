"""Data handling: encoding, scaling, bucketing, augmentation, resampling and splitting.

Examples are rows: ``x`` has shape ``(n_samples, ...)`` and ``y`` one label per row.
Scalers follow scikit-learn's fit/transform split: ``*_fit`` learns statistics from
the training set and ``*_transform`` applies them to any set. Images use PyTorch's
NCHW layout ``(batch, channels, height, width)``. Every random function takes
``rng: numpy.random.Generator | int | None``.
"""

from __future__ import annotations

import math

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_index_array,
    as_pair,
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_real,
    check_shape,
    power_of_two_scale,
    scalar_or_array,
    scaled_difference,
)
from dlterms.metrics import accuracy_score
from dlterms.regularization import gaussian_noise

__all__ = [
    "add_noise",
    "bootstrap_confidence_interval",
    "bootstrap_distribution",
    "bootstrap_indices",
    "bootstrap_sample",
    "bucketize",
    "cross_val_score",
    "flip_horizontal",
    "flip_vertical",
    "iterations_per_epoch",
    "k_fold_indices",
    "min_max_fit",
    "min_max_transform",
    "one_hot",
    "one_hot_decode",
    "quantile_edges",
    "random_crop",
    "random_oversample",
    "random_undersample",
    "sparsity",
    "standardize_fit",
    "standardize_transform",
    "to_dense",
    "to_sparse",
    "train_val_test_split",
    "uniform_edges",
]


def one_hot(labels, n_classes=None):
    r"""One-hot encoding: encode integer class labels as rows of the identity matrix.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Non-negative class indices. Integer-valued floats such as ``2.0`` are accepted.
    n_classes : int, optional
        Number of classes $k$. Default: ``max(labels) + 1``.

    Returns
    -------
    ndarray of float64, shape (n, n_classes)
        Row $i$ is 1 in column ``labels[i]`` and 0 elsewhere.

    Raises
    ------
    ValueError
        If `labels` is not 1-D, is empty, holds NaN, negative or fractional values, or
        a label is not below `n_classes`.
    TypeError
        If `labels` does not hold numbers or `n_classes` is not an int.

    See Also
    --------
    one_hot_decode : The inverse, from rows back to labels.

    cross_entropy : Accepts either the indices or these one-hot rows as its target.

    Notes
    -----
    $$\mathrm{onehot}(y)_{ic} = [\, y_i = c \,], \qquad c = 0, \dots, k - 1.$$

    ``np.argmax(one_hot(y), axis=1)`` recovers ``y``. With
    ``n_classes=None`` a class above every label in this batch is silently missing, so
    pass `n_classes` when encoding batches separately.

    Examples
    --------
    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    >>> one_hot([1], n_classes=4).tolist()
    [[0.0, 1.0, 0.0, 0.0]]
    """
    labels = as_index_array(labels, "labels")
    n_labels_seen = int(labels.max()) + 1
    if n_classes is None:
        n_classes = n_labels_seen
    elif check_int(n_classes, "n_classes", minimum=1) < n_labels_seen:
        raise ValueError(
            f"n_classes must exceed every label; got n_classes={n_classes} "
            f"and a label {n_labels_seen - 1}."
        )
    return (labels[:, np.newaxis] == np.arange(n_classes)).astype(np.float64)


def one_hot_decode(one_hot_matrix):
    r"""Recover integer class labels from one-hot rows, undoing :func:`one_hot`.

    Parameters
    ----------
    one_hot_matrix : array_like of shape (n, n_classes)
        Rows that each hold exactly one 1 and zeros elsewhere. Booleans are accepted.

    Returns
    -------
    ndarray of int64, shape (n,)
        Entry $i$ is the column of the 1 in row $i$.

    Raises
    ------
    ValueError
        If `one_hot_matrix` is not 2-D, is empty, holds NaN or infinity, or a row is
        not one-hot (a value other than 0 and 1, no 1, or several 1s).
    TypeError
        If `one_hot_matrix` does not hold numbers.

    See Also
    --------
    one_hot : The encoding this inverts.

    Notes
    -----
    $$y_i = \operatorname{argmax}_c\, M_{ic}, \qquad M_{ic} \in \{0, 1\},\ \sum_c M_{ic} = 1.$$

    Unlike a bare ``np.argmax``, which also returns an answer for predicted
    probabilities or all-zero rows, every row is checked first. To turn predicted
    probabilities into labels, take the argmax of the probabilities instead.

    Examples
    --------
    >>> one_hot_decode([[0, 1, 0], [1, 0, 0], [0, 0, 1]]).tolist()
    [1, 0, 2]
    >>> one_hot_decode(one_hot([3, 0], n_classes=5)).tolist()
    [3, 0]
    """
    matrix = as_float_array(one_hot_matrix, "one_hot_matrix", ndim=2, layout="(n, n_classes)")
    is_one = matrix == 1
    bad = ~np.all(is_one | (matrix == 0), axis=1) | (is_one.sum(axis=1) != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            "every row of one_hot_matrix must hold one 1 and zeros elsewhere; "
            f"got row {i}: {matrix[i].tolist()}."
        )
    return np.argmax(is_one, axis=1).astype(np.int64)


def iterations_per_epoch(n_examples, batch_size, *, drop_last=False):
    r"""Steps per epoch: the number of mini-batches in one pass over the data.

    Parameters
    ----------
    n_examples : int
        Size of the training set, $n \ge 1$.
    batch_size : int
        Examples per mini-batch, $b \ge 1$.
    drop_last : bool, default=False
        Whether to skip the final, smaller batch when $b$ does not divide $n$, like
        ``torch.utils.data.DataLoader(drop_last=True)``.

    Returns
    -------
    int
        $\lceil n / b \rceil$, or $\lfloor n / b \rfloor$ with ``drop_last=True``.

    Raises
    ------
    ValueError
        If `n_examples` or `batch_size` is less than 1.
    TypeError
        If `n_examples` or `batch_size` is not an int, or `drop_last` not a bool.

    See Also
    --------
    gradient_descent : One iteration is one step of (mini-batch) gradient descent.

    Notes
    -----
    $$\text{iterations} = \left\lceil \frac{n}{b} \right\rceil
      \quad\text{or}\quad \left\lfloor \frac{n}{b} \right\rfloor \text{ (drop last)}.$$

    Integer arithmetic (``-(-n // b)``) avoids float rounding for huge $n$. With
    ``drop_last=True`` and $b > n$ an epoch has 0 iterations.

    Examples
    --------
    >>> iterations_per_epoch(10, 4)  # batches of 4, 4, 2
    3
    >>> iterations_per_epoch(10, 4, drop_last=True)  # the last 2 examples are skipped
    2
    """
    n = check_int(n_examples, "n_examples", minimum=1)
    b = check_int(batch_size, "batch_size", minimum=1)
    check_bool(drop_last, "drop_last")
    return n // b if drop_last else -(-n // b)


def _as_labels(y) -> np.ndarray:
    """Validate class labels `y`: 1-D, non-empty, numbers, booleans or strings, no NaN."""
    labels = as_array(y, "y")
    if labels.dtype.kind not in "biufUS":
        raise TypeError(f"y must hold numbers or strings; got dtype {labels.dtype}.")
    if labels.dtype.kind == "f":  # as_float_array also refuses NaN and infinity
        as_float_array(labels, "y", ndim=1, layout="(n_samples,)")
    elif labels.ndim != 1:
        raise ValueError(f"y must be 1-D, shaped (n_samples,); got shape {labels.shape}.")
    elif labels.size == 0:
        raise ValueError(f"y must not be empty; got shape {labels.shape}.")
    return labels


def _rows_for(x, labels: np.ndarray) -> np.ndarray:
    """Validate examples `x` of any dtype: at least 1-D, one row per label."""
    rows = as_array(x, "x")
    if rows.ndim == 0 or rows.shape[0] != labels.shape[0]:
        raise ValueError(
            f"x must have one row per label, {labels.shape[0]}; "
            f"got x of shape {rows.shape} for y of shape {labels.shape}."
        )
    return rows


def random_undersample(x, y, *, rng=None, ratio=1.0):
    r"""Random undersampling: drop examples of the larger classes until the classes balance.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Examples, one per row, of any dtype. Rows are only selected, never computed
        with, so missing values (NaN) are allowed here.
    y : array_like of shape (n_samples,)
        Class labels: numbers, booleans or strings.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.
    ratio : float, default=1.0
        Keep at most $\lfloor r \cdot n_\text{min} \rfloor$ examples of each class,
        where $n_\text{min}$ is the size of the smallest class and $r \ge 1$. The
        default makes every class as small as the minority class.

    Returns
    -------
    x_res : ndarray of shape (n_kept, ...)
        The kept rows of `x`, in their original order.
    y_res : ndarray of shape (n_kept,)
        Their labels.

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity; `x` is 0-D or its
        number of rows differs from the length of `y`; `ratio` is below 1 or not
        finite; or a seed is negative.
    TypeError
        If `y` does not hold numbers or strings, `ratio` is not a number or `rng` is
        not a Generator, int or None.

    See Also
    --------
    one_hot : Encode the kept labels for a softmax classifier.

    Notes
    -----
    With $n_c$ examples in class $c$ and $n_\text{min} = \min_c n_c$, the result has

    $$n'_c = \min\bigl(n_c,\ \lfloor r \cdot n_\text{min} \rfloor\bigr)$$

    examples of class $c$, drawn uniformly without replacement. The minority class,
    and any class already below the cap, is kept whole. Unlike oversampling, nothing
    is duplicated, but the dropped examples are lost to training: use it on the
    training set only, and score the model on data with the true class mix.

    The draw is vectorised: a random permutation, sorted stably by class, puts every
    class's rows in random order; the first $n'_c$ of each class are kept.

    References
    ----------
    imbalanced-learn, ``imblearn.under_sampling.RandomUnderSampler``.

    Examples
    --------
    Six examples of class 0 and two of class 1: two of the six survive.

    >>> x = np.arange(8.0).reshape(8, 1)
    >>> y = np.array([0, 0, 0, 0, 1, 0, 0, 1])
    >>> x_res, y_res = random_undersample(x, y, rng=0)
    >>> y_res.tolist()
    [0, 0, 1, 1]
    >>> x_res.ravel().tolist()
    [2.0, 3.0, 4.0, 7.0]

    With ``ratio=2.0`` up to $2 \cdot 2 = 4$ examples of class 0 stay:

    >>> random_undersample(x, y, rng=0, ratio=2.0)[0].ravel().tolist()
    [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    labels = _as_labels(y)
    rows = _rows_for(x, labels)
    rng = as_rng(rng)
    ratio = check_real(ratio, "ratio", low=1.0)

    _, class_of, counts = np.unique(labels, return_inverse=True, return_counts=True)
    keep_per_class = np.minimum(counts, int(np.floor(ratio * counts.min())))
    # Each class's rows in random order: shuffle, then sort stably by class.
    shuffled = rng.permutation(labels.size)
    order = shuffled[np.argsort(class_of[shuffled], kind="stable")]
    # Rank of each row within its class in that random order (0 = drawn first).
    class_start = np.cumsum(counts) - counts
    rank = np.empty(labels.size, dtype=np.int64)
    rank[order] = np.arange(labels.size) - class_start[class_of[order]]
    kept = np.flatnonzero(rank < keep_per_class[class_of])
    return rows[kept], labels[kept]


def random_oversample(x, y, *, rng=None):
    r"""Random oversampling: copy examples of smaller classes until each matches the largest.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Examples, one per row, of any dtype. Rows are only copied, never computed
        with, so missing values (NaN) are allowed here.
    y : array_like of shape (n_samples,)
        Class labels: numbers, booleans or strings.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    x_res : ndarray of shape (k * n_max, ...)
        Every row of `x` in its original order, followed by the added copies grouped
        by class (classes in sorted order); $k$ is the number of classes and
        $n_\text{max}$ the size of the largest.
    y_res : ndarray of shape (k * n_max,)
        Their labels.

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity; `x` is 0-D or its
        number of rows differs from the length of `y`; or a seed is negative.
    TypeError
        If `y` does not hold numbers or strings or `rng` is not a Generator, int or
        None.

    See Also
    --------
    random_undersample : The opposite remedy: drop rows of the larger classes.

    train_val_test_split : Split first; oversample only the training part.

    Notes
    -----
    With $n_c$ examples in class $c$ and $n_\text{max} = \max_c n_c$, class $c$ gains

    $$n_\text{max} - n_c$$

    copies, each a uniformly drawn member of class $c$ (with replacement), so every
    class ends with $n_\text{max}$ rows and no original is lost. This is the
    convention of imbalanced-learn's ``RandomOverSampler``.

    The draw is vectorised: the class of every copy comes from ``np.repeat``, a
    random rank inside that class from one ``rng.integers`` call with a per-copy upper
    bound, and a stable sort by class turns (class, rank) into a row index.

    References
    ----------
    imbalanced-learn, ``imblearn.over_sampling.RandomOverSampler``.

    Examples
    --------
    Three examples of class 0 and one of class 1: the single 1 is copied twice.

    >>> x = np.array([[10.0], [11.0], [12.0], [13.0]])
    >>> x_res, y_res = random_oversample(x, np.array([0, 1, 0, 0]), rng=0)
    >>> y_res.tolist()
    [0, 1, 0, 0, 1, 1]
    >>> x_res.ravel().tolist()
    [10.0, 11.0, 12.0, 13.0, 11.0, 11.0]

    Balanced classes come back unchanged (as a copy):

    >>> random_oversample(x, np.array([0, 1, 1, 0]), rng=0)[1].tolist()
    [0, 1, 1, 0]
    """
    labels = _as_labels(y)
    rows = _rows_for(x, labels)
    rng = as_rng(rng)

    _, class_of, counts = np.unique(labels, return_inverse=True, return_counts=True)
    copy_class = np.repeat(np.arange(counts.size), counts.max() - counts)
    # A uniform rank inside the class of each copy, drawn with replacement.
    rank = rng.integers(0, counts[copy_class], size=copy_class.size)
    by_class = np.argsort(class_of, kind="stable")
    class_start = np.cumsum(counts) - counts
    kept = np.concatenate([np.arange(labels.size), by_class[class_start[copy_class] + rank]])
    return rows[kept], labels[kept]


# --------------------------------------------------------------------------- scaling


def _as_features(x, name: str = "x") -> np.ndarray:
    """Validate `x` as finite reals shaped (n_samples, n_features) or (n_samples,)."""
    return as_float_array(x, name, ndim=(1, 2), layout="(n_samples, n_features) or (n_samples,)")


def _fitted(params, x: np.ndarray, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Validate a ``(a, b)`` pair of per-feature statistics for the features of `x`."""
    if not isinstance(params, tuple | list) or len(params) != 2:
        raise TypeError(
            f"params must be a ({names[0]}, {names[1]}) pair from the fit function; got {params!r}."
        )
    pair = []
    for name, value in zip(names, params, strict=True):
        value = as_float_array(value, name)
        check_shape(value, x.shape[1:], name, "(n_features,)" if x.ndim == 2 else "()")
        pair.append(value)
    return pair[0], pair[1]


def min_max_fit(x):
    r"""Learn the per-feature minimum and maximum that min-max normalisation uses.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        Finite training data; a 1-D array is one feature.

    Returns
    -------
    data_min, data_max : float or ndarray of shape (n_features,)
        The smallest and largest value of each feature (floats for 1-D `x`).

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    min_max_transform : Applies these statistics.

    standardize_fit : The mean/standard-deviation alternative.

    Notes
    -----
    Fit on the training set only and reuse the result on the validation and test
    sets, so that no statistic of held-out data leaks into the model. This is what
    ``sklearn.preprocessing.MinMaxScaler().fit`` stores as ``data_min_`` and
    ``data_max_``.

    Examples
    --------
    >>> min_max_fit([800.0, 6000.0, 3400.0])
    (800.0, 6000.0)
    >>> data_min, data_max = min_max_fit([[1.0, -5.0], [3.0, 5.0]])
    >>> data_min.tolist(), data_max.tolist()
    ([1.0, -5.0], [3.0, 5.0])
    """
    x = _as_features(x)
    return scalar_or_array(x.min(axis=0)), scalar_or_array(x.max(axis=0))


def _feature_range(feature_range) -> tuple[float, float]:
    if not isinstance(feature_range, tuple | list) or len(feature_range) != 2:
        raise TypeError(f"feature_range must be a (low, high) pair; got {feature_range!r}.")
    low = check_real(feature_range[0], "feature_range[0]")
    high = check_real(feature_range[1], "feature_range[1]")
    if not (low < high and math.isfinite(high - low)):
        raise ValueError(
            "feature_range must be (low, high) with low < high and a finite width; "
            f"got {feature_range!r}."
        )
    return low, high


def min_max_transform(x, params, *, feature_range=(0, 1)):
    r"""Min-max normalization: map each feature's training range linearly onto `feature_range`.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        Finite data to rescale: the training set or any later set.
    params : tuple
        ``(data_min, data_max)`` from :func:`min_max_fit` on the training set, each a
        float (1-D `x`) or shaped ``(n_features,)``.
    feature_range : tuple of two floats, default=(0, 1)
        Target interval ``(low, high)``, e.g. ``(-1, 1)``.

    Returns
    -------
    ndarray
        The rescaled data, shaped like `x`. Values outside the training range land
        outside `feature_range`; nothing is clipped.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, is empty or holds NaN or infinity; the statistics
        do not match the features of `x`, are not finite or have ``data_min >
        data_max``; `feature_range` is not increasing with a finite width; or a
        value of `x` lies so far outside the fitted range that its rescaled value
        leaves float64.
    TypeError
        If `x` does not hold real numbers, or `params` or `feature_range` is not a pair
        of the right kind.

    See Also
    --------
    min_max_fit : Learns `params`.

    standardize_transform : Centre and scale by the standard deviation instead.

    Notes
    -----
    $$x' = a + (b - a)\,\frac{x - x_{\min}}{x_{\max} - x_{\min}}, \qquad
      (a, b) = \text{feature\_range}.$$

    A constant feature ($x_{\max} = x_{\min}$) is divided by 1 instead of 0, as in
    scikit-learn's ``MinMaxScaler``, so on the training set it becomes $a$. A
    difference that would pass the float range, as in $[-10^{308}, 10^{308}]$, is formed
    from both values divided by a power of two (exact); every other difference is the
    plain one, so subnormal data such as $[0, 5 \times 10^{-324}]$ keep every bit.

    Examples
    --------
    A feature whose natural range is 800 to 6,000, mapped to $[-1, 1]$:
    $3400 \mapsto -1 + 2 \cdot 2600 / 5200 = 0$.

    >>> params = min_max_fit([800.0, 6000.0, 3400.0])
    >>> min_max_transform([800.0, 3400.0, 6000.0, 7300.0], params,
    ...                   feature_range=(-1, 1)).tolist()
    [-1.0, 0.0, 1.0, 1.5]

    A constant column is shifted, not divided by zero; extreme ranges stay finite:

    >>> x = np.array([[1.0, 7.0], [3.0, 7.0]])
    >>> min_max_transform(x, min_max_fit(x)).tolist()
    [[0.0, 0.0], [1.0, 0.0]]
    >>> min_max_transform([-1e308, 0.0, 1e308], (-1e308, 1e308)).tolist()
    [0.0, 0.5, 1.0]
    """
    x = _as_features(x)
    data_min, data_max = _fitted(params, x, ("data_min", "data_max"))
    if np.any(data_min > data_max):
        raise ValueError(
            f"params must have data_min <= data_max; got {data_min!r} and {data_max!r}."
        )
    low, high = _feature_range(feature_range)
    span, e_span = scaled_difference(data_max, data_min)
    shift, e_shift = scaled_difference(x, data_min)
    # (x - min) / (max - min) from the two scaled differences; the plain (unscaled) ones
    # are used whenever they fit, so subnormal data lose nothing
    # low + (high - low) * shift / span, built from mantissas in [1/2, 1) and one power
    # of two, so no intermediate overflows: only a result beyond float64 is refused
    m_shift, p_shift = np.frexp(shift)
    m_span, p_span = np.frexp(np.where(span == 0, np.ldexp(1.0, -e_span), span))
    m_width, p_width = np.frexp(high - low)
    exponent = p_width + p_shift - p_span + e_shift - e_span
    with np.errstate(over="ignore"):  # an overflow here is refused just below
        out = low + np.ldexp(m_width * m_shift / m_span, exponent)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "min_max_transform overflows float64: x lies so far outside the fitted range "
            "[data_min, data_max] that the rescaled value passes 1.8e+308; "
            "refit on data that covers x or use a narrower feature_range."
        )
    return out


def standardize_fit(x):
    r"""Learn the per-feature mean and standard deviation for standardisation.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        Finite training data; a 1-D array is one feature.

    Returns
    -------
    mean, std : float or ndarray of shape (n_features,)
        The mean $\mu$ and the biased (population, ``ddof=0``) standard deviation
        $\sigma$ of each feature; $\sigma = 0$ exactly for a constant feature.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    standardize_transform : Applies these statistics.

    min_max_fit : The minimum/maximum alternative.

    batch_norm : The same standardisation inside a network, per mini-batch.

    Notes
    -----
    $$\mu = \frac1n \sum_{i=1}^{n} x_i, \qquad
      \sigma = \sqrt{\frac1n \sum_{i=1}^{n} (x_i - \mu)^2}.$$

    Dividing by $n$, not $n - 1$, matches ``sklearn.preprocessing.StandardScaler``
    (its ``mean_`` and ``scale_``). Each feature is first divided by a power of two
    near its largest magnitude, which is exact, so the sums cannot overflow even
    for values near $10^{308}$; the results equal the plain formulas. A feature
    whose values are all equal gets its own value as the mean, so that rounding
    cannot leave a tiny non-zero $\sigma$.

    Examples
    --------
    >>> standardize_fit([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    (5.0, 2.0)
    >>> mean, std = standardize_fit([[1.0, 0.1], [3.0, 0.1], [5.0, 0.1]])
    >>> mean.tolist(), std.round(4).tolist()
    ([3.0, 0.1], [1.633, 0.0])
    >>> standardize_fit([1e308, -1e308])
    (0.0, 1e+308)
    """
    x = _as_features(x)
    scale = power_of_two_scale(x, axis=0)
    scaled = x / scale  # exact: a power of two
    mean = scaled.mean(axis=0)
    mean = np.where(x.min(axis=0) == x.max(axis=0), scaled[0], mean)
    std = np.sqrt(np.mean((scaled - mean) ** 2, axis=0))
    return scalar_or_array(mean * scale), scalar_or_array(std * scale)


def standardize_transform(x, params):
    r"""Input standardization: subtract each feature's training mean, divide by its std.

    Parameters
    ----------
    x : array_like of shape (n_samples, n_features) or (n_samples,)
        Finite data to standardise: the training set or any later set.
    params : tuple
        ``(mean, std)`` from :func:`standardize_fit` on the training set, each a float
        (1-D `x`) or shaped ``(n_features,)``.

    Returns
    -------
    ndarray
        The z-scores $(x - \mu) / \sigma$, shaped like `x`.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, is empty or holds NaN or infinity; or the
        statistics do not match the features of `x`, are not finite or have a
        negative std; or a z-score $|x - \mu| / \sigma$ exceeds the largest float64
        (about $1.8 \times 10^{308}$).
    TypeError
        If `x` does not hold real numbers or `params` is not a pair.

    See Also
    --------
    standardize_fit : Learns `params`.

    min_max_transform : Map onto a fixed interval instead.

    Notes
    -----
    $$z = \frac{x - \mu}{\sigma}, \qquad \sigma := 1 \text{ where } \sigma = 0.$$

    On the training set every feature then has mean 0 and standard deviation 1
    (constant features become 0). A zero-variance feature is divided by 1, as
    ``StandardScaler`` does, instead of producing NaN. The difference and the
    quotient are formed from mantissas and exponents (``numpy.frexp``), so nothing
    overflows on the way and each z-score is the correctly rounded quotient of
    $x - \mu$ by $\sigma$, whether $x$ and $\mu$ are huge with opposite signs or
    $\sigma$ is subnormal. A z-score beyond the float64 range (huge $x$ over a tiny
    $\sigma$) raises ValueError instead of returning infinity.

    Examples
    --------
    $(2 - 5) / 2 = -1.5$ and $(9 - 5) / 2 = 2$:

    >>> params = standardize_fit([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    >>> standardize_transform([2.0, 5.0, 9.0, 11.0], params).tolist()
    [-1.5, 0.0, 2.0, 3.0]
    >>> x = np.array([[1.0, 0.1], [3.0, 0.1], [5.0, 0.1]])
    >>> standardize_transform(x, standardize_fit(x)).round(4).tolist()
    [[-1.2247, 0.0], [0.0, 0.0], [1.2247, 0.0]]
    >>> standardize_transform([1e308, -1e308], (0.0, 1e308)).tolist()
    [1.0, -1.0]
    """
    x = _as_features(x)
    mean, std = _fitted(params, x, ("mean", "std"))
    if np.any(std < 0):
        raise ValueError(f"params must have a non-negative std; got {std!r}.")
    shift, e_shift = scaled_difference(x, mean)  # x - mean == shift * 2**e_shift
    m_shift, e_x = np.frexp(shift)
    m_std, e_std = np.frexp(np.where(std == 0, 1.0, std))
    # z = (m_shift / m_std) 2**(e_x - e_std + e_shift); the mantissa quotient lies in
    # (1/2, 2), so only the final ldexp can overflow, and only when z itself does
    with np.errstate(over="ignore"):  # reported just below
        z = np.ldexp(m_shift / m_std, e_x - e_std + e_shift)
    if not np.all(np.isfinite(z)):
        raise ValueError(
            "the z-scores (x - mean) / std overflow float64 (at most about 1.8e+308) for x "
            f"of largest magnitude {np.abs(x).max():g} and std as small as "
            f"{np.min(np.where(std == 0, 1.0, std)):g}; rescale the inputs."
        )
    return z


# --------------------------------------------------------------------------- bucketing

QUANTILE_METHODS = (
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "linear",
    "median_unbiased",
    "normal_unbiased",
)


def _as_feature(x) -> np.ndarray:
    return as_float_array(x, "x", ndim=1, layout="(n_samples,)")


def uniform_edges(x, n_bins):
    r"""Bucketing into equal widths: edges that cut one feature's range into equal buckets.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        Finite training values of one feature.
    n_bins : int
        Number of buckets, at least 1.

    Returns
    -------
    ndarray of shape (n_bins + 1,)
        Non-decreasing edges from ``min(x)`` to ``max(x)``, increasing unless the range
        holds too few floats (see Notes); for a constant feature the two edges
        ``[c, c]`` (one bucket).

    Raises
    ------
    ValueError
        If `x` is not 1-D, is empty or holds NaN or infinity, or `n_bins` < 1.
    TypeError
        If `x` does not hold real numbers or `n_bins` is not an int.

    See Also
    --------
    quantile_edges : Buckets with equal counts instead of equal widths.

    bucketize : Maps values to bucket indices with these edges.

    Notes
    -----
    $$e_j = x_{\min} + \frac{j}{B}\,(x_{\max} - x_{\min}), \qquad j = 0, \dots, B.$$

    These are the edges of ``sklearn.preprocessing.KBinsDiscretizer(strategy=
    "uniform")``, ``np.linspace(min, max, n_bins + 1)``. A range wider than the
    float range, such as $[-10^{308}, 10^{308}]$, is cut from quarters of the
    endpoints and multiplied by 4, which gives the same numbers (the scaling is exact
    for normal numbers) without overflowing. The first and last edges are exactly
    ``min(x)`` and ``max(x)``. A range that holds fewer than `n_bins` floats (subnormal
    data) gives repeated edges, i.e. empty buckets; edges never decrease.
    scikit-learn stores $[-\infty, \infty]$ for a constant feature; both put every
    value in bucket 0.

    Examples
    --------
    Temperatures from 0 to 50 degrees in 5 buckets, each 10 degrees wide:

    >>> uniform_edges([0.0, 12.5, 31.0, 50.0], 5).tolist()
    [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
    >>> uniform_edges([-1e308, 1e308], 2).tolist()
    [-1e+308, 0.0, 1e+308]
    """
    x = _as_feature(x)
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    low, high = float(x.min()), float(x.max())
    if low == high:
        return np.array([low, high])
    if np.isfinite(high / 2 - low / 2) and abs(high / 2 - low / 2) <= np.finfo(float).max / 2:
        return np.linspace(low, high, n_bins + 1)
    # high - low passes the float range: linspace of the quarters, times 4 (exact for
    # these normal numbers, and no step or product of linspace can overflow)
    edges = 4 * np.linspace(0.25 * low, 0.25 * high, n_bins + 1)
    edges[[0, -1]] = low, high
    return edges


def quantile_edges(x, n_bins, *, method="averaged_inverted_cdf"):
    r"""Bucketing by quantiles: edges that give the buckets of one feature similar counts.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
        Finite training values of one feature.
    n_bins : int
        Number of buckets asked for, at least 1.
    method : str, default="averaged_inverted_cdf"
        Quantile definition, any ``method`` of ``np.percentile``. The default is
        scikit-learn's since version 1.9; ``"linear"`` is numpy's default.

    Returns
    -------
    ndarray of shape (m + 1,)
        Increasing edges from ``min(x)`` to ``max(x)``, with $m \le$ `n_bins`:
        repeated quantiles (many equal values) are merged. A constant feature gives
        ``[c, c]``.

    Raises
    ------
    ValueError
        If `x` is not 1-D, is empty or holds NaN or infinity, `n_bins` < 1 or
        `method` is unknown.
    TypeError
        If `x` does not hold real numbers, `n_bins` is not an int or `method` not a
        str.

    See Also
    --------
    uniform_edges : Buckets of equal width instead.

    bucketize : Maps values to bucket indices with these edges.

    Notes
    -----
    $$e_j = Q\!\left(\frac{j}{B}\right), \qquad j = 0, \dots, B,$$

    where $Q$ is the empirical quantile function, evaluated like
    ``sklearn.preprocessing.KBinsDiscretizer(strategy="quantile")`` as
    ``np.percentile(x, np.linspace(0, 100, B + 1))``. Equal edges are merged, which
    leaves fewer buckets; like scikit-learn, edges closer than $10^{-8}$ (an absolute
    tolerance) count as equal.
    When the range of `x` is wider than half the float range, the quantiles are taken
    of $x / 4$ and multiplied back, which is exact for normal numbers and keeps the
    interpolation from overflowing near $10^{308}$; otherwise of $x$ itself, so values
    as small as $10^{-300}$ survive on a feature that also holds $10^{300}$. The first
    and last edges are exactly ``min(x)`` and ``max(x)``.

    Examples
    --------
    Eight values in 4 buckets of 2: the edges fall between the pairs.

    >>> quantile_edges([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 100.0], 4).tolist()
    [1.0, 2.5, 4.5, 6.5, 100.0]

    Four zeros among six values: the edges $0, 0, 0.5, 2$ merge to two buckets.

    >>> quantile_edges([0.0, 0.0, 0.0, 0.0, 1.0, 2.0], 3).tolist()
    [0.0, 0.5, 2.0]
    """
    x = _as_feature(x)
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    check_choice(method, "method", QUANTILE_METHODS)
    low, high = x.min(), x.max()
    # Quantiles of x / 4 (exact for normal numbers), multiplied back, only when the
    # interpolation b - a could pass the float range; otherwise of x itself, so tiny
    # values are not flushed to 0.
    scale = 4.0 if high / 2 - low / 2 > np.finfo(float).max / 4 else 1.0
    edges = np.percentile(x / scale, np.linspace(0, 100, n_bins + 1), method=method) * scale
    edges[[0, -1]] = low, high
    # Merge edges closer than 1e-8, as scikit-learn does: interpolating between equal
    # values can leave an edge a rounding error away from its twin.
    edges = edges[np.concatenate(([True], np.diff(edges) > 1e-8))]
    return np.repeat(edges, 2) if edges.size == 1 else edges


def bucketize(x, edges):
    r"""Bucketing: replace each value by the index of the bucket it falls into.

    Parameters
    ----------
    x : float or array_like
        Finite values of any shape.
    edges : array_like of shape (n_bins + 1,)
        Non-decreasing bucket edges, e.g. from :func:`uniform_edges` or
        :func:`quantile_edges`; at least two.

    Returns
    -------
    int or ndarray of int64
        Bucket indices in ``0, ..., n_bins - 1``, shaped like `x`.

    Raises
    ------
    ValueError
        If `x` or `edges` is empty or holds NaN or infinity, `edges` is not 1-D, has
        fewer than two entries or decreases somewhere.
    TypeError
        If `x` or `edges` does not hold real numbers.

    See Also
    --------
    uniform_edges, quantile_edges : Choose the edges from training data.

    one_hot : Turn the bucket indices into one binary feature per bucket.

    Notes
    -----
    Bucket $j$ is the half-open interval $[e_j, e_{j+1})$:

    $$b(x) = \#\{\, j \in \{1, \dots, B - 1\} : e_j \le x \,\}.$$

    A value equal to an inner edge goes to the bucket on its right. The outer edges
    $e_0$ and $e_B$ only record the training range: smaller values go to bucket 0
    and larger ones, including $e_B$ itself, to bucket $B - 1$. This is
    ``np.digitize(x, edges[1:-1])`` and exactly what ``KBinsDiscretizer(encode=
    "ordinal")`` computes, ``np.searchsorted(edges[1:-1], x, side="right")``, except
    that the result is an int rather than a float.

    Examples
    --------
    Buckets $[0, 15)$, $[15, 30)$, $[30, 50]$ for temperatures; 15.0 opens the second:

    >>> bucketize([-3.0, 0.0, 14.9, 15.0, 30.0, 50.0, 61.0], [0.0, 15.0, 30.0, 50.0]).tolist()
    [0, 0, 0, 1, 2, 2, 2]
    >>> bucketize(22.5, [0.0, 15.0, 30.0, 50.0])
    1
    """
    x = as_float_array(x, "x")
    edges = as_float_array(edges, "edges", ndim=1, layout="(n_bins + 1,)")
    if edges.size < 2:
        raise ValueError(f"edges must hold at least two values; got {edges.tolist()}.")
    if np.any(edges[1:] < edges[:-1]):  # a comparison, not np.diff: no overflow
        raise ValueError(f"edges must be non-decreasing; got {edges.tolist()}.")
    index = np.searchsorted(edges[1:-1], x, side="right")
    return int(index) if index.ndim == 0 else index.astype(np.int64)


# --------------------------------------------------------------------------- augmentation


def _as_images(images) -> np.ndarray:
    return as_float_array(images, "images", ndim=4, layout="(N, C, H, W)")


def flip_horizontal(images):
    r"""Mirror every image left to right, a label-preserving data augmentation.

    Parameters
    ----------
    images : array_like of shape (N, C, H, W)
        Finite image batch in NCHW layout.

    Returns
    -------
    ndarray of shape (N, C, H, W)
        A new array with the columns of every image in reverse order.

    Raises
    ------
    ValueError
        If `images` is not 4-D, is empty or holds NaN or infinity.
    TypeError
        If `images` does not hold real numbers.

    See Also
    --------
    flip_vertical : Mirror top to bottom.

    random_crop, add_noise : Other augmentations.

    Notes
    -----
    $$y_{n,c,i,j} = x_{n,c,i,\,W-1-j}.$$

    A left-facing dog becomes a right-facing one and is still a dog, so the label
    is kept. The flip is its own inverse. Mirror text, digits or road signs only if
    the mirrored picture still means the same thing.

    Examples
    --------
    >>> x = np.arange(6.0).reshape(1, 1, 2, 3)
    >>> x[0, 0].tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    >>> flip_horizontal(x)[0, 0].tolist()
    [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    """
    return _as_images(images)[..., ::-1].copy()


def flip_vertical(images):
    r"""Mirror every image top to bottom, a data augmentation for images without an up.

    Parameters
    ----------
    images : array_like of shape (N, C, H, W)
        Finite image batch in NCHW layout.

    Returns
    -------
    ndarray of shape (N, C, H, W)
        A new array with the rows of every image in reverse order.

    Raises
    ------
    ValueError
        If `images` is not 4-D, is empty or holds NaN or infinity.
    TypeError
        If `images` does not hold real numbers.

    See Also
    --------
    flip_horizontal : Mirror left to right.

    Notes
    -----
    $$y_{n,c,i,j} = x_{n,c,\,H-1-i,\,j}.$$

    Suits pictures with no natural up and down, such as satellite or microscope
    images; an upside-down street scene is not a realistic example.

    Examples
    --------
    >>> x = np.arange(6.0).reshape(1, 1, 2, 3)
    >>> flip_vertical(x)[0, 0].tolist()
    [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]
    """
    return _as_images(images)[:, :, ::-1].copy()


def random_crop(images, size, *, rng=None):
    r"""Data augmentation by random cropping: cut a fixed-size window out of every image.

    Parameters
    ----------
    images : array_like of shape (N, C, H, W)
        Finite image batch in NCHW layout.
    size : int or tuple of two ints
        Crop height and width ``(h, w)``; an int means a square. At most the image
        size.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    ndarray of shape (N, C, h, w)
        The crops; each image gets its own offset, shared by its channels.

    Raises
    ------
    ValueError
        If `images` is not 4-D, is empty or holds NaN or infinity, `size` is below 1
        or larger than the images, or a seed is negative.
    TypeError
        If `images` does not hold real numbers, `size` is not an int or a pair of
        ints, or `rng` is not a Generator, int or None.

    See Also
    --------
    flip_horizontal, add_noise : Other augmentations.

    Notes
    -----
    With offsets $t_n \sim U\{0, \dots, H - h\}$ and $l_n \sim U\{0, \dots, W - w\}$,

    $$y_{n,c,i,j} = x_{n,c,\,t_n + i,\,l_n + j}.$$

    There are $(H - h + 1)(W - w + 1)$ possible crops of each image, so a small
    margin already gives many shifted copies. The crops are gathered with one
    fancy-indexing expression, which copies, instead of a loop over images. Like
    ``torchvision.transforms.RandomCrop`` without padding.

    Examples
    --------
    A 4x4 image has $(4 - 3 + 1)^2 = 4$ possible 3x3 crops; this one starts at row 1,
    column 1:

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> random_crop(x, 3, rng=0)[0, 0].tolist()
    [[5.0, 6.0, 7.0], [9.0, 10.0, 11.0], [13.0, 14.0, 15.0]]
    >>> random_crop(x, (4, 2), rng=1).shape
    (1, 1, 4, 2)
    """
    images = _as_images(images)
    crop_h, crop_w = as_pair(size, "size", minimum=1)
    n, c, h, w = images.shape
    if crop_h > h or crop_w > w:
        raise ValueError(
            f"size must fit inside the images, at most ({h}, {w}); got ({crop_h}, {crop_w})."
        )
    rng = as_rng(rng)
    top = rng.integers(0, h - crop_h + 1, size=n)
    left = rng.integers(0, w - crop_w + 1, size=n)
    rows = (top[:, np.newaxis] + np.arange(crop_h))[:, np.newaxis, :, np.newaxis]
    cols = (left[:, np.newaxis] + np.arange(crop_w))[:, np.newaxis, np.newaxis, :]
    batch = np.arange(n)[:, np.newaxis, np.newaxis, np.newaxis]
    channel = np.arange(c)[np.newaxis, :, np.newaxis, np.newaxis]
    return images[batch, channel, rows, cols]


def add_noise(x, stddev, *, rng=None):
    r"""Data augmentation with noise: add independent Gaussian noise to every entry, always on.

    Parameters
    ----------
    x, stddev, rng
        As for :func:`dlterms.regularization.gaussian_noise`: finite inputs of any
        shape, the standard deviation $\sigma \ge 0$ in the units of `x`, and the source
        of randomness.

    Returns
    -------
    float or ndarray
        A noisy copy of `x`, same shape; the same draw as ``gaussian_noise`` with the
        same seed.

    Raises
    ------
    ValueError, TypeError
        As for :func:`dlterms.regularization.gaussian_noise`.

    See Also
    --------
    gaussian_noise : The implementation, with a switch for inference.

    flip_horizontal, random_crop : Geometric augmentations.

    corrupt : The noise of a denoising autoencoder, with masking too.

    Notes
    -----
    $$y = x + \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, \sigma^2)
      \text{ independently for every entry.}$$

    As data augmentation, a fresh draw each epoch shows the model many slightly
    different versions of every example. Choose $\sigma$ relative to the scale of the
    data (standardise first): noise that swamps the signal changes what it shows.

    Examples
    --------
    >>> add_noise([1.0, 2.0, 3.0], 0.1, rng=0).round(3).tolist()
    [1.013, 1.987, 3.064]
    >>> add_noise([1.0, 2.0], 0.0, rng=0).tolist()  # no noise: an exact copy
    [1.0, 2.0]
    """
    return gaussian_noise(x, stddev, rng=rng)


# --------------------------------------------------------------------------- splitting


def _apportion(total: int, counts: np.ndarray) -> np.ndarray:
    """Split `total` over classes in proportion to `counts`: floors, then largest remainders."""
    quota, remainder = np.divmod(total * counts, counts.sum())
    winners = np.argsort(-remainder, kind="stable")[: total - quota.sum()]
    quota[winners] += 1
    return quota


def _stratified_parts(class_of: np.ndarray, order: np.ndarray, n_val: int, n_test: int):
    """Part (0 train, 1 validation, 2 test) of each position of `order`, class by class."""
    counts = np.bincount(class_of)
    test_quota = _apportion(n_test, counts)
    val_quota = _apportion(n_val, counts - test_quota)
    # Rank of each position among the positions of its class (0 = first in `order`).
    cls = class_of[order]
    by_class = np.argsort(cls, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[by_class] = np.arange(order.size) - (np.cumsum(counts) - counts)[cls[by_class]]
    return np.where(
        rank < test_quota[cls], 2, np.where(rank < test_quota[cls] + val_quota[cls], 1, 0)
    )


def train_val_test_split(
    x, y, *, val_fraction, test_fraction, shuffle=True, rng=None, stratify=False
):
    r"""Split examples into disjoint training, validation and test sets.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Examples, one per row, of any dtype (rows are only selected).
    y : array_like of shape (n_samples,)
        Labels or targets: numbers, booleans or strings.
    val_fraction : float
        Share of all examples for the validation set, in $[0, 1)$.
    test_fraction : float
        Share of all examples for the test set, in $[0, 1)$.
    shuffle : bool, default=True
        Whether to shuffle before splitting. With False the first rows train, the
        next ones validate and the last ones test, which keeps time order.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness for the shuffle, or a seed for one. None draws fresh
        OS entropy.
    stratify : bool, default=False
        Whether to keep the class proportions of `y` in every part (needs
        ``shuffle=True``).

    Returns
    -------
    (x_train, y_train), (x_val, y_val), (x_test, y_test) : tuple of tuples of ndarray
        The three parts. Together they hold every row exactly once; with shuffling
        each part is in random order. A part with fraction 0 is empty.

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity; `x` has a different
        number of rows; a fraction is outside $[0, 1)$; no example is left for
        training; ``stratify=True`` with ``shuffle=False``; or a seed is negative.
    TypeError
        If `y` does not hold numbers or strings, a fraction is not a number,
        `shuffle` or `stratify` is not a bool, or `rng` is of the wrong kind.

    See Also
    --------
    k_fold_indices : Reuse every example for validation once instead.

    random_oversample, random_undersample : Rebalance the training part only.

    Notes
    -----
    With $n$ examples the sizes are, as in ``sklearn.model_selection.
    train_test_split``, rounded up for the held-out parts:

    $$n_\text{test} = \lceil t\,n \rceil, \qquad n_\text{val} = \lceil v\,n \rceil,
      \qquad n_\text{train} = n - n_\text{val} - n_\text{test} \ge 1.$$

    The products $t\,n$ and $v\,n$ are rounded in floating point first, exactly as
    scikit-learn does. Without stratification the rows of one random permutation
    are dealt out in order: training, validation, test. With stratification every
    class $c$ of $n_c$ examples sends $\lfloor n_\text{test} n_c / n \rfloor$ or one
    more to the test set (largest remainders get the extra ones, so the total is
    exactly $n_\text{test}$), then the validation set is shared out the same way
    from what is left; no class is ever over-drawn.

    Examples
    --------
    Ten examples, 20 % for validation and 30 % for test: $\lceil 2 \rceil = 2$ and
    $\lceil 3 \rceil = 3$ rows, leaving 5 to train. Without shuffling the order is kept:

    >>> x, y = np.arange(10.0).reshape(10, 1), np.arange(10)
    >>> train, val, test = train_val_test_split(
    ...     x, y, val_fraction=0.2, test_fraction=0.3, shuffle=False)
    >>> train[1].tolist(), val[1].tolist(), test[1].tolist()
    ([0, 1, 2, 3, 4], [5, 6], [7, 8, 9])

    Stratified: six 0s and four 1s, 50 % test, so 3 zeros and 2 ones are tested.

    >>> y = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    >>> _, _, (x_te, y_te) = train_val_test_split(
    ...     x, y, val_fraction=0.0, test_fraction=0.5, rng=0, stratify=True)
    >>> np.bincount(y_te).tolist()
    [3, 2]
    """
    labels = _as_labels(y)
    rows = _rows_for(x, labels)
    v = check_real(val_fraction, "val_fraction", low=0.0, high=1.0, closed="left")
    t = check_real(test_fraction, "test_fraction", low=0.0, high=1.0, closed="left")
    shuffle, stratify = check_bool(shuffle, "shuffle"), check_bool(stratify, "stratify")
    n = labels.size
    n_val, n_test = math.ceil(v * n), math.ceil(t * n)
    if n - n_val - n_test < 1:
        raise ValueError(
            "val_fraction and test_fraction must leave at least one training example; "
            f"got {n_val} validation and {n_test} test of {n} examples."
        )
    if stratify and not shuffle:
        raise ValueError("stratify=True needs shuffle=True; got shuffle=False.")
    rng = as_rng(rng)
    order = rng.permutation(n) if shuffle else np.arange(n)
    if stratify:
        class_of = np.unique(labels, return_inverse=True)[1]
        part = _stratified_parts(class_of, order, n_val, n_test)
    else:
        part = np.repeat([0, 1, 2], [n - n_val - n_test, n_val, n_test])
    chosen = (order[part == p] for p in range(3))
    return tuple((rows[i], labels[i]) for i in chosen)


def k_fold_indices(n, k, *, shuffle=False, rng=None):
    r"""Row indices of the training and validation parts of each fold of k-fold cross-validation.

    Parameters
    ----------
    n : int
        Number of examples, $n \ge k$.
    k : int
        Number of folds, $k \ge 2$.
    shuffle : bool, default=False
        Whether to assign rows to folds at random instead of in consecutive blocks.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness for the shuffle, or a seed for one.

    Returns
    -------
    list of (train_idx, val_idx)
        One pair per fold, both int64 arrays in increasing order. The validation
        parts are disjoint and together cover ``range(n)``; each training part is
        the complement of its validation part.

    Raises
    ------
    ValueError
        If `n` < `k`, `k` < 2, or a seed is negative.
    TypeError
        If `n` or `k` is not an int, `shuffle` not a bool, or `rng` of the wrong
        kind.

    See Also
    --------
    cross_val_score : Trains and scores a model on each of these folds.

    train_val_test_split : A single split.

    Notes
    -----
    The folds are ``sklearn.model_selection.KFold(n_splits=k)``'s: fold $f$
    validates on one block of rows and trains on the others. The first $n \bmod k$
    folds hold $\lfloor n/k \rfloor + 1$ rows and the rest $\lfloor n/k \rfloor$,

    $$|V_f| = \left\lfloor \frac{n}{k} \right\rfloor + [\, f < n \bmod k \,],
      \qquad T_f = \{0, \dots, n - 1\} \setminus V_f.$$

    With ``shuffle=True`` a random permutation is cut into those blocks, so the
    fold sizes stay the same. Every example is validated exactly once and used for
    training $k - 1$ times.

    Examples
    --------
    Seven examples in 3 folds of sizes 3, 2, 2:

    >>> for train, val in k_fold_indices(7, 3):
    ...     print(train.tolist(), val.tolist())
    [3, 4, 5, 6] [0, 1, 2]
    [0, 1, 2, 5, 6] [3, 4]
    [0, 1, 2, 3, 4] [5, 6]
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=2)
    if k > n:
        raise ValueError(f"k must be at most n, the number of examples, {n}; got k={k}.")
    shuffle = check_bool(shuffle, "shuffle")
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    fold_of = np.repeat(np.arange(k), sizes)  # fold of each position
    if shuffle:
        shuffled = np.empty(n, dtype=np.int64)
        shuffled[as_rng(rng).permutation(n)] = fold_of
        fold_of = shuffled
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def cross_val_score(fit_predict, x, y, *, k=5, metric=None, shuffle=False, rng=None):
    r"""Score a model by k-fold cross-validation: train on k - 1 folds, score on the one left out.

    Parameters
    ----------
    fit_predict : callable
        ``fit_predict(x_train, y_train, x_val)`` trains a fresh model on the
        training part and returns its predictions for `x_val`.
    x : array_like of shape (n_samples, ...)
        Examples, one per row, of any dtype.
    y : array_like of shape (n_samples,)
        Labels or targets: numbers, booleans or strings.
    k : int, default=5
        Number of folds, $2 \le k \le n$.
    metric : callable, optional
        ``metric(y_true, y_pred)`` returning a number. Default:
        :func:`accuracy_score`.
    shuffle : bool, default=False
        Whether to assign rows to folds at random.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness for the shuffle, or a seed for one.

    Returns
    -------
    ndarray of shape (k,)
        The score of each fold; report their mean (and spread).

    Raises
    ------
    ValueError
        If `y` is not 1-D, is empty or holds NaN or infinity; `x` has a different
        number of rows; `k` is out of range; or a seed is negative.
    TypeError
        If `fit_predict` or `metric` is not callable, `y` does not hold numbers or
        strings, or another option has the wrong kind.

    See Also
    --------
    k_fold_indices : The folds used.

    accuracy_score : The default metric.

    Notes
    -----
    $$\text{CV} = \frac1k \sum_{f=1}^{k} \operatorname{metric}\bigl(y_{V_f},\,
      \hat y_{V_f}\bigr), \qquad \hat y_{V_f} \text{ from a model trained on } T_f.$$

    The $k$ models never see the fold they are scored on, so the mean estimates
    performance on new data while every example is used both for training and for
    validation. Any preprocessing that learns statistics (scaling, resampling)
    belongs inside `fit_predict`, fitted on the training part of each fold. The
    loop over folds is the algorithm: $k$ separate trainings.

    References
    ----------
    scikit-learn, ``sklearn.model_selection.cross_val_score``.

    Examples
    --------
    A "model" that always predicts the most common training label, on six examples
    in 3 folds. Fold 1 trains on ``[1, 1, 0, 1]``, predicts 1 for ``[0, 0]``: score
    0. The other folds predict 0 for ``[0, 1]`` and ``[1, 1]``: 0.5 and 0.

    >>> def majority(x_train, y_train, x_val):
    ...     return np.full(len(x_val), np.bincount(y_train).argmax())
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> cross_val_score(majority, np.zeros((6, 1)), y, k=3).tolist()
    [0.0, 0.5, 0.0]
    """
    if not callable(fit_predict):
        raise TypeError(f"fit_predict must be callable; got {fit_predict!r}.")
    metric = accuracy_score if metric is None else metric
    if not callable(metric):
        raise TypeError(f"metric must be callable; got {metric!r}.")
    labels = _as_labels(y)
    rows = _rows_for(x, labels)
    folds = k_fold_indices(labels.size, k, shuffle=shuffle, rng=rng)
    scores = [
        float(metric(labels[val], fit_predict(rows[train], labels[train], rows[val])))
        for train, val in folds  # one independent training per fold
    ]
    return np.array(scores)


# --------------------------------------------------------------------------- bootstrapping


def bootstrap_indices(n, n_resamples, *, rng=None):
    r"""Row indices of bootstrap resamples: each row draws `n` indices with replacement.

    Parameters
    ----------
    n : int
        Size of the original sample, $n \ge 1$.
    n_resamples : int
        Number of resamples $B \ge 1$.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    ndarray of int64, shape (n_resamples, n)
        Row $b$ lists the indices of resample $b$; ``x[idx]`` gathers the resamples.

    Raises
    ------
    ValueError
        If `n` or `n_resamples` is below 1 or a seed is negative.
    TypeError
        If `n` or `n_resamples` is not an int, or `rng` is not a Generator, int or
        None.

    See Also
    --------
    bootstrap_sample : One resample of the rows themselves.

    bootstrap_distribution : A statistic on every resample.

    Notes
    -----
    Every index is an independent uniform draw from $\{0, \dots, n - 1\}$. A given
    example is missing from a resample with probability $(1 - 1/n)^n \approx
    e^{-1} \approx 0.368$, so a resample holds about 63.2 % distinct examples; the
    rest are repeats. The draw is one call, ``rng.integers(0, n, (B, n))``, the same
    as ``scipy.stats.bootstrap`` makes, so the same Generator state gives the
    same resamples.

    Examples
    --------
    >>> bootstrap_indices(5, 2, rng=0).tolist()
    [[4, 3, 2, 1, 1], [0, 0, 0, 0, 4]]
    """
    n = check_int(n, "n", minimum=1)
    n_resamples = check_int(n_resamples, "n_resamples", minimum=1)
    return as_rng(rng).integers(0, n, size=(n_resamples, n))


def bootstrap_sample(x, *, rng=None):
    r"""Draw one bootstrap resample: as many rows as `x` has, chosen with replacement.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Finite numeric sample, one example per row.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    ndarray of shape (n_samples, ...)
        Rows of `x`, some repeated and some missing, with the dtype of `x`.

    Raises
    ------
    ValueError
        If `x` is 0-D, is empty or holds NaN or infinity, or a seed is negative.
    TypeError
        If `x` does not hold real numbers or `rng` is not a Generator, int or None.

    See Also
    --------
    bootstrap_indices : The indices behind many resamples at once.

    random_oversample : Also samples with replacement, but only from small classes.

    Notes
    -----
    $$x^{*} = (x_{i_1}, \dots, x_{i_n}), \qquad i_j \sim U\{1, \dots, n\}
      \text{ independently.}$$

    Training one model per resample and averaging them is bagging; the rows left
    out of a resample (about 36.8 %) can serve as its validation data.

    Examples
    --------
    >>> bootstrap_sample([10, 20, 30, 40, 50], rng=0).tolist()
    [50, 40, 30, 20, 20]
    """
    sample = as_array(x, "x")
    as_float_array(sample, "x", min_ndim=1)  # checks only: reals, at least 1-D, finite
    return sample[bootstrap_indices(sample.shape[0], 1, rng=rng)[0]]


def bootstrap_distribution(values, statistic=np.mean, *, n_resamples=1000, rng=None):
    r"""A statistic computed on many bootstrap resamples of a sample: its bootstrap distribution.

    Parameters
    ----------
    values : array_like of shape (n_samples,)
        Finite observed sample, e.g. per-example scores of a model.
    statistic : callable, default=numpy.mean
        ``statistic(resamples, axis=-1)`` reduces the last axis, as ``np.mean``,
        ``np.median`` and ``np.std`` do.
    n_resamples : int, default=1000
        Number of resamples $B \ge 1$.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    ndarray of shape (n_resamples,)
        The statistic of each resample.

    Raises
    ------
    ValueError
        If `values` is not 1-D, is empty or holds NaN or infinity, `n_resamples` is
        below 1, `statistic` does not return one finite number per resample, or a
        seed is negative.
    TypeError
        If `values` does not hold real numbers, `statistic` is not callable or
        another option has the wrong kind.

    See Also
    --------
    bootstrap_confidence_interval : Reads an interval off this distribution.

    bootstrap_indices : The resamples used.

    Notes
    -----
    $$\hat\theta^{*}_b = s\bigl(x^{*}_b\bigr), \qquad b = 1, \dots, B,$$

    where $x^{*}_b$ is resample $b$ of :func:`bootstrap_indices`. The spread of the
    $\hat\theta^{*}_b$ around $s(x)$ stands in for the sampling variability of
    $s(x)$, which would otherwise need many fresh samples. For ``np.mean`` the
    values are first divided by a power of two near their largest magnitude (exact),
    so the sums cannot overflow.

    Examples
    --------
    The possible means of a resample of $(0, 1)$ are 0, 0.5 and 1:

    >>> bootstrap_distribution([0.0, 1.0], n_resamples=6, rng=0).tolist()
    [1.0, 0.5, 0.0, 0.0, 0.5, 1.0]
    >>> bootstrap_distribution([1e308, 1e308], n_resamples=2, rng=0).tolist()
    [1e+308, 1e+308]
    """
    values = as_float_array(values, "values", ndim=1, layout="(n_samples,)")
    if not callable(statistic):
        raise TypeError(f"statistic must be callable; got {statistic!r}.")
    resamples = values[bootstrap_indices(values.size, n_resamples, rng=rng)]
    if statistic is np.mean:
        scale = power_of_two_scale(values, axis=0)
        result = np.mean(resamples / scale, axis=-1) * scale  # exact scaling: no overflow
    else:
        result = np.asarray(statistic(resamples, axis=-1), dtype=np.float64)
    if result.shape != (resamples.shape[0],) or not np.all(np.isfinite(result)):
        raise ValueError(
            "statistic(resamples, axis=-1) must return one finite number per resample, "
            f"shape ({resamples.shape[0]},); got shape {result.shape}."
        )
    return result


def bootstrap_confidence_interval(
    values, statistic=np.mean, *, n_resamples=1000, level=0.95, rng=None
):
    r"""Percentile bootstrap confidence interval for a statistic of a sample.

    Parameters
    ----------
    values : array_like of shape (n_samples,)
        Finite observed sample, e.g. per-example scores of a model.
    statistic : callable, default=numpy.mean
        ``statistic(resamples, axis=-1)`` reduces the last axis.
    n_resamples : int, default=1000
        Number of resamples $B \ge 1$; use thousands for a stable interval.
    level : float, default=0.95
        Confidence level $1 - \alpha$, in $(0, 1)$.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    low, high : float
        The $\alpha/2$ and $1 - \alpha/2$ quantiles of the bootstrap distribution.

    Raises
    ------
    ValueError
        If `values` is not 1-D, is empty or holds NaN or infinity, `n_resamples` is
        below 1, `level` is outside $(0, 1)$, `statistic` does not return one finite
        number per resample, or a seed is negative.
    TypeError
        If `values` does not hold real numbers, `statistic` is not callable or
        another option has the wrong kind.

    See Also
    --------
    bootstrap_distribution : The distribution the interval is read from.

    Notes
    -----
    $$\bigl[\, Q^{*}(\alpha/2),\ Q^{*}(1 - \alpha/2) \,\bigr],$$

    where $Q^{*}$ is the quantile function (numpy's default linear interpolation)
    of the $B$ bootstrap statistics. This is ``scipy.stats.bootstrap(...,
    method="percentile")``; handed a Generator in the same state, both draw the same
    resamples and agree to rounding. The percentile method is the simplest
    bootstrap interval. It can be off for small samples or skewed statistics,
    which the BCa method corrects. The quantiles are taken after dividing by a
    power of two, so the interpolation cannot overflow.

    References
    ----------
    B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman &
    Hall (1993), chapter 13.

    Examples
    --------
    >>> scores = [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]  # 70 % correct
    >>> low, high = bootstrap_confidence_interval(scores, rng=0)
    >>> round(low, 2), round(high, 2)
    (0.4, 0.9)
    """
    level = check_real(level, "level", low=0.0, high=1.0, closed="neither")
    stats = bootstrap_distribution(values, statistic, n_resamples=n_resamples, rng=rng)
    alpha = (1 - level) / 2
    scale = power_of_two_scale(stats, axis=0)
    low, high = np.quantile(stats / scale, [alpha, 1 - alpha]) * scale
    return float(low), float(high)


# --------------------------------------------------------------------------- sparse features


def to_sparse(dense):
    r"""Sparse feature storage: the positions of a vector's non-zero entries and their values.

    Parameters
    ----------
    dense : array_like of shape (size,)
        Finite feature vector.

    Returns
    -------
    indices : ndarray of int64, shape (nnz,)
        Positions of the non-zero entries, increasing; empty for an all-zero vector.
    values : ndarray of float64, shape (nnz,)
        The entries at those positions.

    Raises
    ------
    ValueError
        If `dense` is not 1-D, is empty or holds NaN or infinity.
    TypeError
        If `dense` does not hold real numbers.

    See Also
    --------
    to_dense : The inverse.

    sparsity : The share of zeros, which decides whether this saves memory.

    Notes
    -----
    $$\text{indices} = \{\, j : x_j \ne 0 \,\}, \qquad \text{values} = (x_j)_{j \in
      \text{indices}}.$$

    A vector with $d$ entries of which $m$ are non-zero needs $2m$ numbers instead
    of $d$: a large saving for a one-hot word over a 50,000-word vocabulary
    ($m = 1$), none for a dense embedding. This is the coordinate (COO) format of
    ``scipy.sparse.coo_array`` and ``tf.sparse.SparseTensor``, for one vector.

    Examples
    --------
    >>> indices, values = to_sparse([0.0, 0.0, 3.0, 0.0, -1.5, 0.0])
    >>> indices.tolist(), values.tolist()
    ([2, 4], [3.0, -1.5])
    """
    dense = as_float_array(dense, "dense", ndim=1, layout="(size,)")
    indices = np.flatnonzero(dense).astype(np.int64)
    return indices, dense[indices]


def to_dense(indices, values, size):
    r"""Expand a sparse feature (positions and values) into a full vector with zeros elsewhere.

    Parameters
    ----------
    indices : array_like of int, shape (nnz,)
        Positions in ``0, ..., size - 1``; may be empty. Repeated positions add up.
    values : array_like of float, shape (nnz,)
        Finite value at each position.
    size : int
        Length $d \ge 1$ of the dense vector.

    Returns
    -------
    ndarray of float64, shape (size,)
        The dense vector.

    Raises
    ------
    ValueError
        If `indices` or `values` is not 1-D, their lengths differ, a value is NaN or
        infinite, an index is negative, fractional or not below `size`, or `size` is
        below 1.
    TypeError
        If `indices` does not hold integers, `values` not real numbers, or `size` is
        not an int.

    See Also
    --------
    to_sparse : The inverse.

    one_hot : The dense encoding of a sparse feature with one value 1.

    Notes
    -----
    $$x_j = \sum_{t\,:\, \text{indices}_t = j} \text{values}_t, \qquad j = 0, \dots, d - 1.$$

    Repeated positions are summed, as ``scipy.sparse.coo_array(...).toarray()``
    and ``torch.sparse_coo_tensor(...).to_dense()`` do; the sum is one
    ``np.bincount`` with weights.

    Examples
    --------
    >>> to_dense([2, 4], [3.0, -1.5], 6).tolist()
    [0.0, 0.0, 3.0, 0.0, -1.5, 0.0]
    >>> to_dense([1, 1], [0.5, 0.25], 3).tolist()  # a repeated index adds up
    [0.0, 0.75, 0.0]
    >>> to_dense([], [], 2).tolist()
    [0.0, 0.0]
    """
    size = check_int(size, "size", minimum=1)
    index_array, value_array = as_array(indices, "indices"), as_array(values, "values")
    if index_array.size == 0 and value_array.size == 0:  # no non-zero entries at all
        index_array, value_array = np.zeros(0, np.int64), np.zeros(0)
    else:
        index_array = as_index_array(index_array, "indices")
        value_array = as_float_array(value_array, "values", ndim=1, layout="(nnz,)")
    if index_array.shape != value_array.shape:
        raise ValueError(
            "indices and values must have the same length; "
            f"got {index_array.shape} and {value_array.shape}."
        )
    if index_array.size and index_array.max() >= size:
        raise ValueError(f"indices must be below size {size}; got {index_array.max()}.")
    return np.bincount(index_array, weights=value_array, minlength=size).astype(np.float64)


def sparsity(x):
    r"""Dense feature sparsity: the share of the entries of `x` that are exactly zero.

    Parameters
    ----------
    x : float or array_like
        Finite values of any shape.

    Returns
    -------
    float
        The fraction of zeros, in $[0, 1]$; its complement is the density.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    to_sparse : The storage that pays off when this is high.

    Notes
    -----
    $$\text{sparsity}(x) = \frac{\#\{\, j : x_j = 0 \,\}}{d}.$$

    A feature is called sparse when most entries are zero (a one-hot word has
    sparsity $1 - 1/d$), dense when most are not (an embedding or a pixel vector,
    sparsity near 0). ReLU activations and L1-regularised weights are often
    sparse too.

    Examples
    --------
    >>> sparsity([0.0, 0.0, 3.0, 0.0])
    0.75
    >>> sparsity([[0.5, -1.0], [2.0, 0.25]])
    0.0
    """
    x = as_float_array(x, "x")
    return float(x.size - np.count_nonzero(x)) / x.size
