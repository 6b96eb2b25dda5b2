"""Rows for tests/test_reference_common.py: the functions of dlterms.layers."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import BIG, NAN, call

X4 = np.random.default_rng(0).normal(size=(2, 3, 5, 5))  # (N, C, H, W)
_STATS = ([1.0], [0.0], [0.0], [1.0])  # gamma, beta, running mean, running var for D = 1

VALID = {
    "dropout": call(np.array([1.0, 2.0, 3.0, 4.0]), 0.5, rng=0),
    "batch_norm": call(X4, np.full(3, 2.0), np.ones(3)),
    "dense": call(
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]),
        np.array([0.0, 1.0, -1.0]),
    ),
    "batch_norm_train": call(X4, np.full(3, 2.0), np.ones(3), np.zeros(3), np.ones(3)),
    "batch_norm_inference": call(X4, np.full(3, 2.0), np.ones(3), np.zeros(3), np.full(3, 4.0)),
    "group_norm": call(
        np.random.default_rng(1).normal(size=(2, 4, 3)), 2, np.full(4, 2.0), np.ones(4)
    ),
    "swiglu": call(
        np.array([[1.0, -2.0], [0.5, 3.0]]),
        np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]),
        np.array([[0.5, -1.0, 2.0], [1.0, 1.0, 0.0]]),
        np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]),
    ),
}

EXTREME = {
    "dropout": call(BIG, 0.25, rng=0),
    "batch_norm": call(np.array([[1e150, -1e150], [-1e150, 1e150], [0.0, 0.0]])),
    "dense": call(np.array([[1e308, -1e308]]), np.array([[0.5], [0.25]]), np.array([-1e308])),
    "batch_norm_train": call(
        np.array([[1e150, -1e150], [-1e150, 1e150], [0.0, 0.0]]),
        None,
        None,
        np.array([1e308, -1e308]),
        np.array([1e300, 0.0]),
    ),
    "batch_norm_inference": call(
        np.array([[1e150, -1e150]]),
        None,
        None,
        np.array([-1e150, 1e150]),
        np.array([1e300, 1e-300]),
    ),
    "group_norm": call(
        np.array([[[1e308, -1e308], [0.0, 5e-324]]]), 1, None, np.array([1e308, 0.0])
    ),
    "swiglu": call(
        np.array([[1e154, -1e154]]),
        np.array([[1e154], [0.5]]),
        np.array([[1e-160], [0.0]]),
        np.array([[-1.0, 0.5]]),
    ),
}

BAD = {
    "dropout": {
        "shape": call([[1.0], [1.0, 2.0]], 0.5),
        "empty": call([], 0.5),
        "nan": call([1.0, NAN], 0.5),
    },
    "batch_norm": {
        "shape": call(np.ones((2, 3, 4))),
        "empty": call(np.ones((0, 3))),
        "nan": call([[1.0, NAN], [2.0, 3.0]]),
    },
    "dense": {
        "shape": call([1.0, 2.0, 3.0], [[1.0], [2.0]]),
        "empty": call(np.ones((0, 2)), np.ones((2, 3))),
        "nan": call([1.0, NAN], np.ones((2, 1))),
    },
    "batch_norm_train": {
        "shape": call([[1.0], [2.0]], [1.0, 1.0], None, [0.0], [1.0]),
        "empty": call(np.zeros((0, 1)), *_STATS),
        "nan": call([[1.0], [2.0]], [1.0], [0.0], [NAN], [1.0]),
    },
    "batch_norm_inference": {
        "shape": call([[1.0]], *_STATS[:3], [1.0, 1.0]),
        "empty": call(np.zeros((0, 1)), *_STATS),
        "nan": call([[NAN]], *_STATS),
    },
    "group_norm": {
        "shape": call(np.ones((2, 3)), 2),
        "empty": call(np.ones((0, 2)), 1),
        "nan": call([[1.0, NAN]], 1),
    },
    "swiglu": {
        "shape": call([[1.0, 2.0]], [[1.0]], [[1.0]], [[1.0]]),
        "empty": call(np.zeros((0, 1)), [[1.0]], [[1.0]], [[1.0]]),
        "nan": call([[NAN]], [[1.0]], [[1.0]], [[1.0]]),
    },
}
