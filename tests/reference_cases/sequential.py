"""Rows for tests/test_reference_common.py: the functions of dlterms.sequential."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")

_rng = np.random.default_rng(6)
X = _rng.normal(size=(4, 3))
Y = np.array([0, 2, 1, 0])
PARAMS = [
    (_rng.normal(size=(3, 5)), _rng.normal(size=5)),
    (_rng.normal(size=(5, 4)), _rng.normal(size=4)),
    (_rng.normal(size=(4, 3)), np.array([0.5, -0.5, 0.0])),
]
ONE = [(np.ones((1, 2)), np.zeros(2))]  # a single softmax layer on one feature

# Extreme but finite: inputs at the float64 limit, weights that keep every sum in range.
# The hidden layer sees (2.5e307, 0); the logits are (1.25e307, -1.25e307), so the true
# class 1 costs 2.5e307 and the input gradient stays at most 1e308.
X_BIG = np.array([[1e308, -1e308]])
BIG_PARAMS = [
    (np.array([[0.5, 0.0], [0.25, 0.0]]), np.zeros(2)),
    (np.array([[0.5, -0.5], [0.0, 0.0]]), np.zeros(2)),
]

VALID = {
    "make_trial_data": call(5, rng=0, exception_rate=0.2),
    "sequential_forward": call(X, PARAMS, ["relu", "tanh", "softmax"]),
    "sequential_loss_grad": call(X, Y, PARAMS, ["sigmoid", "leaky_relu", "softmax"]),
}

EXTREME = {
    "make_trial_data": call(1, rng=2**63, exception_rate=1.0),
    "sequential_forward": call(X_BIG, BIG_PARAMS, ["relu", "softmax"]),
    "sequential_loss_grad": call(X_BIG, np.array([1]), BIG_PARAMS, ["relu", "softmax"]),
}

BAD = {
    "make_trial_data": {
        "shape": Expect(call([10]), raises=TypeError, why="n is an int, not an array"),
        "empty": call(0),
        "nan": Expect(call(NAN), raises=TypeError, why="n is an int, not a float"),
    },
    "sequential_forward": {
        "shape": call([[1.0, 2.0]], ONE, ["softmax"]),
        "empty": call(np.zeros((0, 1)), ONE, ["softmax"]),
        "nan": call([[NAN]], ONE, ["softmax"]),
    },
    "sequential_loss_grad": {
        "shape": call([[1.0], [2.0]], [0], ONE, ["softmax"]),
        "empty": call(np.zeros((0, 1)), np.zeros(0, dtype=int), ONE, ["softmax"]),
        "nan": call([[1.0]], [0], [(np.array([[NAN, 1.0]]), np.zeros(2))], ["softmax"]),
    },
}
