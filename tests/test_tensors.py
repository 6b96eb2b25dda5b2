"""dlterms.tensors: broadcasting.

Oracle: numpy's ``broadcast_shapes`` and ``broadcast``, including which shapes raise.
Properties: the broadcast shape does not depend on the order of the shapes, and adding
the result to the shapes leaves it unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import ORACLE, PROPERTY
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import broadcast_shapes

# --- against independent implementations -----------------------------------


@ORACLE
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=5))
def test_broadcast_shapes_matches_numpy_on_compatible_shapes(drawn):
    shapes = drawn.input_shapes
    assert broadcast_shapes(*shapes) == np.broadcast_shapes(*shapes)
    arrays = [np.zeros(shape) for shape in shapes]
    assert broadcast_shapes(*shapes) == np.broadcast(*arrays).shape


@ORACLE
@given(st.lists(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), max_size=4))
def test_broadcast_shapes_raises_exactly_when_numpy_does(shapes):
    try:
        expected = np.broadcast_shapes(*shapes)
    except ValueError:
        with pytest.raises(ValueError):
            broadcast_shapes(*shapes)
    else:
        assert broadcast_shapes(*shapes) == expected


# --- properties ---------------------------------------------------------------


shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=3)


@PROPERTY
@given(st.lists(shapes, max_size=4))
def test_broadcast_shapes_agrees_with_numpy_including_errors(shape_list):
    try:
        expected = np.broadcast_shapes(*shape_list)
    except ValueError:
        with pytest.raises(ValueError, match=r"cannot broadcast .* sizes \d+ and \d+"):
            broadcast_shapes(*shape_list)
    else:
        assert broadcast_shapes(*shape_list) == expected


@PROPERTY
@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4))
def test_broadcast_shapes_is_order_free_and_idempotent(drawn):
    result = broadcast_shapes(*drawn.input_shapes)
    assert result == drawn.result_shape
    assert broadcast_shapes(*reversed(drawn.input_shapes)) == result
    assert broadcast_shapes(result, *drawn.input_shapes) == result
