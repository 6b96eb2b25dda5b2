"""Data handling: one-hot encoding and mini-batch arithmetic."""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_index_array, check_int

__all__ = ["iterations_per_epoch", "one_hot"]


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
