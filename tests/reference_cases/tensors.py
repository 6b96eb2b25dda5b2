"""Rows for tests/test_reference_common.py: the functions of dlterms.tensors."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import NAN, Expect, call

X = np.random.default_rng(5).normal(size=(2, 3, 5, 4))

VALID = {
    "broadcast_shapes": call((2, 1), [3]),
    "tensor_rank": call(X),
}

EXTREME = {
    "broadcast_shapes": call((2**62, 1), (1, 2**62)),
    "tensor_rank": call(np.full((1,) * 32, 1e308)),
}

BAD = {
    "broadcast_shapes": {
        "shape": call((2, 3), (4,)),
        "empty": Expect(call(), returns=(), why="no shapes broadcast to (), as in numpy"),
        "nan": Expect(call((NAN,)), raises=TypeError, why="a float is not a dimension"),
    },
    "tensor_rank": {
        "shape": call([[1.0, 2.0], [3.0]]),
        "empty": Expect(call([]), returns=1, why="an empty vector is still a rank-1 tensor"),
        "nan": Expect(call([NAN]), returns=1, why="NaN is a value; the rank counts only axes"),
    },
}
