"""Tensor shape rules: numpy (and PyTorch) broadcasting written out."""

from __future__ import annotations

import numbers

from dlterms._validation import check_int

__all__ = ["broadcast_shapes"]


def broadcast_shapes(*shapes):
    r"""Shape that arrays of the given shapes broadcast to.

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
