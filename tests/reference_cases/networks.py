"""Rows for tests/test_reference_common.py: the functions of dlterms.networks."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")


def _double(v):
    return 2.0 * v


def _halve_and_negate(v):
    return -0.5 * v


def _first_only(v):
    return v[:1]


_rng = np.random.default_rng(4)
X = _rng.normal(size=(2, 3))
PARAMS = [
    (_rng.normal(size=(3, 4)), _rng.normal(size=4)),
    (_rng.normal(size=(4, 2)), np.array([0.5, -0.5])),
]
XB = _rng.normal(size=(2, 4))
W1, B1 = _rng.normal(size=(4, 3)), _rng.normal(size=3)
W2, B2 = _rng.normal(size=(3, 4)), _rng.normal(size=4)
G = _rng.normal(size=(2, 4))
W_DOWN, W_UP = _rng.normal(size=(4, 2)), _rng.normal(size=(2, 4))

# Extreme but finite: inputs near the float64 limit with weights that keep every
# intermediate sum representable, and layer sizes far beyond anything allocatable.
X_BIG = np.array([[1e308, -1e308]])
W_HALF = np.array([[0.5, 0.0], [0.25, 0.0]])  # x W = (2.5e307, 0)
W_SPLIT = np.array([[1.0, -1.0], [0.0, 0.0]])  # logits (2.5e307, -2.5e307)
W_BACK = np.array([[-1.0, 0.0], [0.0, 0.0]])  # branch (-2.5e307, 0)

VALID = {
    "init_mlp": call([3, 4, 2], rng=0, scheme="he"),
    "mlp_forward": call(
        X, PARAMS, activation="sigmoid", output_activation="softmax", return_activations=True
    ),
    "mlp_backward": call(X, PARAMS, G[:, :2], activation="sigmoid", output_activation="softmax"),
    "network_depth": call(PARAMS),
    "network_width": call(np.array([3, 4, 2]), layer=1),
    "count_parameters": call(PARAMS, bias=False),
    # fn must not overflow by itself: generated extremes reach +-MAX, and a warning
    # raised inside the caller's fn is not one of dlterms
    "residual": call(np.array([1.0, -2.0]), _halve_and_negate),
    "residual_block": call(XB, W1, B1, W2, B2),
    "residual_block_grad": call(XB, W1, B1, W2, B2, G),
    "bottleneck": call(XB, W_DOWN, W_UP, np.zeros(2), np.ones(4), skip=True),
}

EXTREME = {
    "init_mlp": call([2, 100_000, 1], rng=0),
    "mlp_forward": call(X_BIG, [(W_HALF, None), (W_SPLIT, None)], output_activation="softmax"),
    "mlp_backward": call(
        X_BIG,
        [(W_HALF, None), (W_SPLIT, None)],
        np.array([[1e300, -1e300]]),
        output_activation="softmax",
    ),
    "network_depth": call([10**30, 10**30, 10**30]),
    "network_width": call([1, 10**30, 1]),
    "count_parameters": call([10**30, 10**30, 10**30]),
    "residual": call(np.array([1e308, -1e308, 0.0]), _halve_and_negate),
    "residual_block": call(X_BIG, W_HALF, None, W_BACK, np.array([0.0, 1e308])),
    "residual_block_grad": call(X_BIG, W_HALF, None, W_BACK, None, np.array([[1e300, -1e300]])),
    "bottleneck": call(
        np.array([[1e308, -1e308, 0.0]]),
        np.array([[0.25], [0.0], [0.0]]),
        np.array([[-1.0, 0.0, 0.0]]),
        skip=True,
    ),
}

_MISMATCHED = [(np.ones((2, 3)), None), (np.ones((4, 1)), None)]
_ONE_LAYER = [(np.ones((2, 1)), None)]

BAD = {
    "init_mlp": {
        "shape": call([3]),
        "empty": call([]),
        "nan": Expect(call([3, NAN]), raises=TypeError, why="layer sizes are ints, not floats"),
    },
    "mlp_forward": {
        "shape": call([1.0, 2.0, 3.0], _ONE_LAYER),
        "empty": call(np.ones((0, 2)), _ONE_LAYER),
        "nan": call([1.0, NAN], _ONE_LAYER),
    },
    "mlp_backward": {
        "shape": call([1.0, 2.0], _ONE_LAYER, [1.0, 0.0]),
        "empty": call(np.ones((0, 2)), _ONE_LAYER, np.ones((0, 1))),
        "nan": call([1.0, 2.0], _ONE_LAYER, [NAN]),
    },
    **{
        name: {
            "shape": call(_MISMATCHED),
            "empty": call([]),
            "nan": Expect(call([3, NAN]), raises=TypeError, why="layer sizes are ints, not floats"),
        }
        for name in ("network_depth", "network_width", "count_parameters")
    },
    "residual": {
        "shape": call([1.0, 2.0], _first_only),
        "empty": call([], _double),
        "nan": call([1.0, NAN], _double),
    },
    "residual_block": {
        "shape": call(np.ones(4), W1, B1, np.ones((3, 2)), None),
        "empty": call(np.ones((0, 4)), W1, B1, W2, B2),
        "nan": call([1.0, NAN, 0.0, 0.0], W1, B1, W2, B2),
    },
    "residual_block_grad": {
        "shape": call(np.ones(4), W1, B1, W2, B2, np.ones(3)),
        "empty": call(np.ones((0, 4)), W1, B1, W2, B2, np.ones((0, 4))),
        "nan": call(np.ones(4), W1, B1, W2, B2, [1.0, NAN, 0.0, 0.0]),
    },
    "bottleneck": {
        "shape": call(np.ones(4), np.ones((4, 4)), np.ones((4, 4))),
        "empty": call(np.ones((0, 4)), W_DOWN, W_UP),
        "nan": call([1.0, NAN, 0.0, 0.0], W_DOWN, W_UP),
    },
}
