"""Rows of tests/test_reference_common.py for dlterms.regularization: VALID, EXTREME and BAD."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import call

__all__ = ["BAD", "EXTREME", "VALID"]

_rng = np.random.default_rng(11)
W = _rng.normal(size=(3, 4))
WEIGHTS = [_rng.normal(size=(3, 2)), _rng.normal(size=2)]  # a list of tensors
X2 = _rng.normal(size=(5, 3))
NAN = float("nan")

VALID = {
    "l1_penalty": call(WEIGHTS, 0.01),
    "l1_penalty_grad": call(W, 0.01),
    "l2_penalty": call(W, 0.1),
    "l2_penalty_grad": call(WEIGHTS, 0.1),
    "weight_decay_step": call(W, _rng.normal(size=(3, 4)), learning_rate=0.1, weight_decay=0.01),
    "activity_penalty": call(X2, l1=0.01, l2=0.1),
    "activity_penalty_grad": call(X2, l1=0.01, l2=0.1),
    "max_norm": call(3 * W, 1.5, axis=0),
    "gaussian_noise": call(X2, 0.1, rng=0),
}

# Extreme but finite: +-1e308 where the result is representable, +-1e150 where the
# maths squares its input.
BIG = np.array([1e308, -1e308, 0.0])
EXTREME = {
    "l1_penalty": call(BIG, 0.5),
    "l1_penalty_grad": call(BIG, 1.0),
    "l2_penalty": call(np.array([1e200, -1e200]), 1e-300),
    "l2_penalty_grad": call(BIG, 0.5),
    "weight_decay_step": call(BIG, BIG, learning_rate=0.5, weight_decay=0.5),
    "activity_penalty": call(np.array([[1e150, -1e150], [0.0, 1e150]]), l1=1.0, l2=1.0),
    "activity_penalty_grad": call(np.array([[1e308, -1e308], [0.0, 1.0]]), l1=1.0, l2=0.5),
    "max_norm": call(np.array([[1e308, 1.0], [1e308, -1.0]]), 2.0),
    "gaussian_noise": call(BIG, 1.0, rng=0),
}

BAD = {
    **{
        name: {
            "shape": call([[1.0], [1.0, 2.0]], 0.1),
            "empty": call([], 0.1),
            "nan": call([1.0, NAN], 0.1),
        }
        for name in ("l1_penalty", "l1_penalty_grad", "l2_penalty", "l2_penalty_grad")
    },
    "weight_decay_step": {
        "shape": call([1.0, 2.0], [1.0], learning_rate=0.1, weight_decay=0.01),
        "empty": call([], [], learning_rate=0.1, weight_decay=0.01),
        "nan": call([1.0, NAN], [1.0, 1.0], learning_rate=0.1, weight_decay=0.01),
    },
    **{
        name: {
            "shape": call(1.0, l1=0.1),
            "empty": call(np.zeros((0, 3)), l1=0.1),
            "nan": call([[1.0, NAN]], l2=0.1),
        }
        for name in ("activity_penalty", "activity_penalty_grad")
    },
    "max_norm": {
        "shape": call(2.0, 1.0),
        "empty": call(np.zeros((0, 2)), 1.0),
        "nan": call([[1.0], [NAN]], 1.0),
    },
    "gaussian_noise": {
        "shape": call([[1.0], [1.0, 2.0]], 0.1),
        "empty": call([], 0.1),
        "nan": call([1.0, NAN], 0.1),
    },
}
