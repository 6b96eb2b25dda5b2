"""Tensors: their rank (number of axes) and numpy (and PyTorch) broadcasting written out."""

from __future__ import annotations

import numbers

from dlterms._validation import as_array, check_int

__all__ = ["broadcast_shapes", "tensor_rank"]


def broadcast_shapes(*shapes):
    r"""Broadcasting: the shape that arrays of the given shapes broadcast to.

    Parameters
    ----------
    *shapes : tuple of int or int
        Zero or more shapes; an int ``n`` means ``(n,)``, as in numpy.

    Returns
    -------
    tuple of int
        The broadcast shape; ``()`` when no shapes are given.

    Raises
    ------
    ValueError
        If two shapes clash (the message names both dimensions) or a dimension is
        negative.
    TypeError
        If a shape is not a tuple of ints.

    See Also
    --------
    numpy.broadcast_shapes : The library version this must agree with.

    Notes
    -----
    Align the shapes on the right, padding the shorter ones with 1s on the left.
    Then each output dimension is

    $$d = \begin{cases} \max_s d_s & \text{if every } d_s \in \{1, \max_s d_s\} \\
      \text{error} & \text{otherwise,} \end{cases}$$

    that is, sizes must be equal or 1, and a 1 stretches to match. A 0 is an ordinary
    size: ``(0,)`` and ``(1,)`` give ``(0,)``, but ``(0,)`` and ``(2,)`` clash.

    References
    ----------
    NumPy user guide, "Broadcasting".

    Examples
    --------
    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    >>> broadcast_shapes((8, 1, 6, 1), (7, 1, 5))
    (8, 7, 6, 5)
    >>> broadcast_shapes((2, 3), (2,))
    Traceback (most recent call last):
    ...
    ValueError: cannot broadcast (2, 3) with (2,): sizes 3 and 2 at axis -1 differ, neither is 1.
    """
    shapes = [_as_shape(shape) for shape in shapes]
    ndim = max((len(shape) for shape in shapes), default=0)
    result = [1] * ndim
    owner = [None] * ndim  # which shape set each result dimension, for the error message
    for shape in shapes:
        for axis, size in zip(range(-len(shape), 0), shape, strict=True):
            if size == result[axis] or size == 1:
                continue
            if result[axis] != 1:
                raise ValueError(
                    f"cannot broadcast {owner[axis]} with {shape}: sizes {result[axis]} and "
                    f"{size} at axis {axis} differ, neither is 1."
                )
            result[axis], owner[axis] = size, shape
    return tuple(result)


def _as_shape(shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    if not isinstance(shape, tuple | list):
        raise TypeError(f"each shape must be a tuple of ints; got {shape!r}.")
    return tuple(check_int(size, "a shape dimension", minimum=0) for size in shape)


def tensor_rank(x):
    r"""Rank of a tensor: its number of axes (dimensions), as NumPy's ``ndim``.

    Parameters
    ----------
    x : scalar or array_like
        A number, a nested list or an array; its elements may be numbers, booleans or
        strings.

    Returns
    -------
    int
        0 for a scalar, 1 for a vector, 2 for a matrix, $k$ for a $k$-D array.

    Raises
    ------
    ValueError
        If `x` is a ragged nested sequence (rows of different lengths), which is not a
        tensor.
    TypeError
        If the elements are not numbers, booleans or strings.

    See Also
    --------
    broadcast_shapes : How tensors of different ranks and shapes combine.

    Notes
    -----
    A tensor of shape $(d_1, \ldots, d_k)$ has rank $k$ = ``len(shape)``: the number of
    indices needed to name one element, $x_{i_1 i_2 \ldots i_k}$. It says nothing about
    the sizes $d_i$ (a $(1000,)$ vector and a $(2,)$ vector both have rank 1) and
    nothing about the values. It is **not** the matrix rank of linear algebra, the
    number of linearly independent rows (``numpy.linalg.matrix_rank``): a $3 \times 3$
    matrix of ones has tensor rank 2 but matrix rank 1. Axes of size 0 or 1 still
    count, and NaN is just a value, so neither changes the rank.

    Examples
    --------
    >>> tensor_rank(5.0), tensor_rank([1, 2, 3]), tensor_rank([[1, 2], [3, 4]])
    (0, 1, 2)
    >>> import numpy as np
    >>> tensor_rank(np.zeros((32, 3, 28, 28)))  # a batch of RGB images
    4
    >>> tensor_rank(np.ones((3, 3)))  # matrix rank 1, tensor rank 2
    2
    >>> tensor_rank([[1.0, 2.0], [3.0]])
    Traceback (most recent call last):
    ...
    ValueError: x must be a rectangular array; got a ragged nested sequence.
    """
    array = as_array(x, "x")
    if array.dtype.kind not in "biufcUS":
        raise TypeError(f"x must hold numbers, booleans or strings; got dtype {array.dtype}.")
    return int(array.ndim)
