"""Rows of tests/test_reference_common.py for dlterms.convolution: VALID, EXTREME and BAD."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Expect, call

__all__ = ["BAD", "EXTREME", "VALID"]

_rng = np.random.default_rng(5)
X = _rng.normal(size=(2, 3, 5, 4))
W = _rng.normal(size=(2, 3, 3, 2))
NAN = float("nan")

VALID = {
    "conv2d_backward": call(X, W, _rng.normal(size=(2, 2, 3, 5)), stride=(2, 1), padding=1),
    "conv_layer": call(X, W, np.array([0.5, -1.0]), stride=1, padding=(1, 0), activation="relu"),
    "convolve2d_true": call(np.arange(12.0).reshape(3, 4), np.array([[1.0, -1.0], [2.0, 0.5]])),
    "max_pool2d_backward": call(X, _rng.normal(size=(2, 3, 4, 3)), 2, stride=1),
    "pad2d": call(X, (1, 2), value=-1.0),
    "receptive_field": call([3, 2, 3], [1, 2, 1]),
    "tensor_rank": call(X),
}

# Extreme but finite: values near the float maximum where the result is representable.
_BIG = np.full((1, 1, 2, 2), 1e308)
EXTREME = {
    "conv2d_backward": call(_BIG, np.full((1, 1, 2, 2), 0.25), np.full((1, 1, 1, 1), 1.0)),
    "conv_layer": call(_BIG, np.full((1, 1, 1, 1), 0.5), np.array([-1e308]), activation="sigmoid"),
    "convolve2d_true": call(np.array([[1e308, -1e308]]), np.array([[0.5, 0.5]])),
    "max_pool2d_backward": call(-_BIG, np.full((1, 1, 1, 1), 1e308), 2),
    "pad2d": call(_BIG, 2, value=-1e308),
    "receptive_field": call([10**6] * 10, [10] * 10),
    "tensor_rank": call(np.full((1,) * 32, 1e308)),
}

BAD = {
    "conv2d_backward": {
        "shape": call(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))),
        "empty": call(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), np.ones((1, 1, 0, 2))),
        "nan": call(np.ones((1, 1, 3, 3)), np.full((1, 1, 2, 2), NAN), np.ones((1, 1, 2, 2))),
    },
    "conv_layer": {
        "shape": call(np.ones((1, 2, 3, 3)), np.ones((1, 3, 2, 2))),
        "empty": call(np.ones((1, 1, 0, 3)), np.ones((1, 1, 2, 2))),
        "nan": call(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), [NAN]),
    },
    "convolve2d_true": {
        "shape": call(np.ones((2, 2)), np.ones((3, 3))),
        "empty": call(np.ones((0, 3)), np.ones((1, 1))),
        "nan": call([[1.0, NAN]], [[1.0]]),
    },
    "max_pool2d_backward": {
        "shape": call(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), 2),
        "empty": call(np.ones((1, 0, 4, 4)), np.ones((1, 0, 2, 2)), 2),
        "nan": call(np.ones((1, 1, 2, 2)), np.full((1, 1, 1, 1), NAN), 2),
    },
    "pad2d": {
        "shape": call(np.ones((3, 3)), 1),
        "empty": call(np.ones((1, 1, 0, 3)), 1),
        "nan": call(np.ones((1, 1, 2, 2)), 1, value=NAN),
    },
    "receptive_field": {
        "shape": call([3, 3], [1, 1, 1]),
        "empty": call([]),
        "nan": Expect(call([3, NAN]), raises=TypeError, why="kernel sizes are ints, not floats"),
    },
    "tensor_rank": {
        "shape": call([[1.0, 2.0], [3.0]]),
        "empty": Expect(call([]), returns=1, why="an empty vector is still a rank-1 tensor"),
        "nan": Expect(call([NAN]), returns=1, why="NaN is a value; the rank counts only axes"),
    },
}
