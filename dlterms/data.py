"""Data handling: one-hot encoding, mini-batch arithmetic and class rebalancing."""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_index_array,
    as_rng,
    check_int,
    check_real,
)

__all__ = ["iterations_per_epoch", "one_hot", "random_undersample"]


def one_hot(labels, n_classes=None):
    r"""Encode integer class labels as rows of the identity matrix.

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


def iterations_per_epoch(n_examples, batch_size, *, drop_last=False):
    r"""Number of mini-batches (optimizer steps) in one pass over the data.

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
    if not isinstance(drop_last, bool | np.bool_):
        raise TypeError(f"drop_last must be a bool; got {drop_last!r}.")
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


def random_undersample(x, y, *, rng=None, ratio=1.0):
    r"""Randomly drop examples of the larger classes until the classes are balanced.

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
    rows = as_array(x, "x")
    if rows.ndim == 0 or rows.shape[0] != labels.shape[0]:
        raise ValueError(
            f"x must have one row per label, {labels.shape[0]}; "
            f"got x of shape {rows.shape} for y of shape {labels.shape}."
        )
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
