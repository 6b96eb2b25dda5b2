"""Rows for tests/test_reference_common.py: the functions of dlterms.reinforcement."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import NAN, call

Q = np.array([[0.0, 0.5], [2.0, -1.0], [1.0, 1.0]])

VALID = {
    "discounted_return": call(np.array([0.0, 1.0, -2.0, 0.5]), gamma=0.9),
    "q_learning_update": call(Q, 0, 1, 1.0, 2, learning_rate=0.5, gamma=0.9),
    "epsilon_greedy_policy": call(np.array([1.0, 3.0, 3.0]), epsilon=0.3),
}

EXTREME = {
    # exact returns 0.75e308, -0.5e308 and 1e308 are representable
    "discounted_return": call(np.array([1e308, -1e308, 1e308]), gamma=0.5),
    "q_learning_update": call(
        np.array([[1e308, -1e308], [1e308, 1e308]]), 0, 1, -1e308, 1, learning_rate=1.0, gamma=0.5
    ),
    "epsilon_greedy_policy": call(np.array([1e308, -1e308, 5e-324]), epsilon=1.0),
}

BAD = {
    "discounted_return": {
        "shape": call(np.zeros((2, 2)), gamma=0.9),
        "empty": call(np.zeros(0), gamma=0.9),
        "nan": call(np.array([1.0, NAN]), gamma=0.9),
    },
    "q_learning_update": {
        "shape": call(np.zeros(3), 0, 0, 1.0, 0, learning_rate=0.5, gamma=0.9),
        "empty": call(np.zeros((0, 2)), 0, 0, 1.0, 0, learning_rate=0.5, gamma=0.9),
        "nan": call(np.array([[NAN, 0.0]]), 0, 0, 1.0, 0, learning_rate=0.5, gamma=0.9),
    },
    "epsilon_greedy_policy": {
        "shape": call(np.zeros((2, 2)), epsilon=0.1),
        "empty": call(np.zeros(0), epsilon=0.1),
        "nan": call(np.array([0.0, NAN]), epsilon=0.1),
    },
}
