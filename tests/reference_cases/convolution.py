"""Rows of tests/test_reference_common.py for dlterms.convolution: VALID, EXTREME and BAD."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Expect, call

_rng0 = np.random.default_rng(0)
X4 = _rng0.normal(size=(2, 3, 5, 5))
W4 = _rng0.normal(size=(4, 3, 3, 2))

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
    "conv2d": call(X4, W4, np.ones(4), stride=(2, 1), padding=1),
    "conv2d_output_size": call(7, 3, stride=2, padding=1),
    "max_pool2d": call(X4, 2, stride=1),
    "avg_pool2d": call(X4, (2, 3)),
    "global_avg_pool2d": call(X4, keepdims=True),
    "depthwise_separable_conv2d": call(
        X4,
        _rng0.normal(size=(6, 1, 3, 3)),
        _rng0.normal(size=(4, 6, 1, 1)),
        np.ones(6),
        stride=2,
        padding=(1, 0),
        dilation=(1, 2),
    ),
    "conv_transpose2d": call(
        X4,
        _rng0.normal(size=(3, 2, 3, 2)),
        np.ones(2),
        stride=(2, 1),
        padding=1,
        output_padding=(1, 0),
        dilation=(1, 2),
    ),
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
    "conv2d": call(np.full((1, 1, 3, 3), 1e308), np.full((1, 1, 1, 1), 0.5), np.array([-1e308])),
    "conv2d_output_size": call(10**30, 3, stride=2, padding=10**20),
    "max_pool2d": call(np.full((1, 1, 2, 2), -1e308), 2),
    "avg_pool2d": call(np.full((1, 1, 2, 2), 1e308), 2),
    "global_avg_pool2d": call(np.full((1, 2, 3, 3), -1e308)),
    "depthwise_separable_conv2d": call(
        np.array([[[[1e308, -1e308], [1e308, 1e308]]]]),
        np.full((1, 1, 2, 2), 0.25),
        np.full((1, 1, 1, 1), 0.5),
        np.array([1e308]),
    ),
    "conv_transpose2d": call(
        np.array([[[[1e308, 1e308]]]]), np.full((1, 1, 1, 2), 0.75), np.array([-1e308])
    ),
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
    "conv2d": {
        "shape": call(np.ones((1, 2, 3, 3)), np.ones((1, 3, 2, 2))),
        "empty": call(np.ones((0, 1, 3, 3)), np.ones((1, 1, 2, 2))),
        "nan": call(np.full((1, 1, 3, 3), NAN), np.ones((1, 1, 2, 2))),
    },
    "conv2d_output_size": {
        "shape": call(3, 5),
        "empty": call(0, 1),
        "nan": Expect(call(NAN, 3), raises=TypeError, why="sizes are ints, not floats"),
    },
    **{
        name: {
            "shape": call(np.ones((1, 3, 3)), 2),
            "empty": call(np.ones((1, 0, 3, 3)), 2),
            "nan": call(np.full((1, 1, 2, 2), NAN), 2),
        }
        for name in ("max_pool2d", "avg_pool2d")
    },
    "global_avg_pool2d": {
        "shape": call(np.ones((2, 3, 3))),
        "empty": call(np.ones((1, 0, 3, 3))),
        "nan": call(np.full((1, 1, 2, 2), NAN)),
    },
    "depthwise_separable_conv2d": {
        "shape": call(np.ones((1, 2, 3, 3)), np.ones((2, 2, 3, 3)), np.ones((1, 2, 1, 1))),
        "empty": call(np.ones((1, 0, 3, 3)), np.ones((2, 1, 3, 3)), np.ones((1, 2, 1, 1))),
        "nan": call(np.ones((1, 2, 3, 3)), np.full((2, 1, 3, 3), NAN), np.ones((1, 2, 1, 1))),
    },
    "conv_transpose2d": {
        "shape": call(np.ones((1, 2, 3, 3)), np.ones((3, 1, 2, 2))),
        "empty": call(np.ones((1, 1, 0, 3)), np.ones((1, 1, 2, 2))),
        "nan": call(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), [NAN]),
    },
}
