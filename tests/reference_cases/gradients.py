"""Rows for tests/test_reference_common.py: the functions of dlterms.gradients."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")

_rng = np.random.default_rng(9)
X = _rng.normal(size=(2, 3))
Y = _rng.normal(size=(2, 2))
PARAMS = [
    (_rng.normal(size=(3, 4)), _rng.normal(size=4)),
    (_rng.normal(size=(4, 2)), np.array([0.5, -0.5])),
]
X_TRAIN = np.linspace(-1.0, 1.0, 6)
Y_TRAIN = X_TRAIN**2 + np.array([0.1, -0.1, 0.05, 0.0, -0.05, 0.1])
X_TEST = np.array([-0.5, 0.25, 0.9])
Y_TEST = X_TEST**2

# Extreme but finite. The gradient check saturates its sigmoid units with inputs of
# 1e300; the polynomial fits span the whole float range, with targets of 1e150 so that
# squared residuals stay representable; early stopping compares losses of opposite sign
# near the float limit, whose difference is beyond it.
X_HUGE = np.array([[1e300, -1e300]])
PARAMS_HUGE = [(np.array([[1.0, -0.5], [0.25, 2.0]]), None), (np.array([[1.0], [-1.0]]), None)]
X_WIDE = np.array([-1e308, 0.0, 1e308])
Y_WIDE = np.array([1e150, -1e150, 1e150])

VALID = {
    "backprop_check": call(X, Y, PARAMS, activation="sigmoid"),
    "clip_by_norm": call([np.array([3.0, 4.0]), np.array([[1.0, 2.0]])], 1.0),
    "clip_by_value": call(np.array([[3.0, -0.5], [0.1, -4.0]]), 1.0),
    "early_stopping": call(np.array([1.0, 0.8, 0.9, 0.95]), patience=2),
    "gradient_norms_through_depth": call(4, 8, activation="tanh", rng=0),
    "he_init": call(4, 3, uniform=True, rng=0),
    "polynomial_fit_errors": call(X_TRAIN, Y_TRAIN, X_TEST, Y_TEST, np.array([0, 1, 2])),
    "polynomial_predict": call(X_TRAIN, Y_TRAIN, X_TEST, degree=2),
    "xavier_init": call(4, 3, gain=2.0, rng=0),
}

EXTREME = {
    "backprop_check": call(X_HUGE, np.array([[0.5]]), PARAMS_HUGE, activation="sigmoid"),
    "clip_by_norm": call(np.array([1e308, -1e308, 1e308]), 1.0),
    "clip_by_value": call(np.array([1e308, -1e308, 1e-308]), 1e-300),
    "early_stopping": call(np.array([1e308, -1e308, 1e308, 1e308]), patience=2, min_delta=1e308),
    "gradient_norms_through_depth": call(200, 16, activation="sigmoid", rng=0),
    "he_init": call(10**6, 1, rng=0),
    "polynomial_fit_errors": call(X_WIDE, Y_WIDE, np.array([5e307]), np.array([0.0]), [0, 1, 2]),
    "polynomial_predict": call(X_WIDE, Y_WIDE, np.array([-5e307, 5e307]), degree=2),
    "xavier_init": call(1, 1, gain=1e300, rng=0),
}

_SIZES_ARE_INTS = "layer sizes (fans, depth) are ints, not arrays or floats"

BAD = {
    "backprop_check": {
        "shape": call(np.ones(4), Y[0], PARAMS),
        "empty": call(np.ones((0, 3)), np.ones((0, 2)), PARAMS),
        "nan": call(np.array([[1.0, NAN, 0.0]]), np.ones((1, 2)), PARAMS),
    },
    "clip_by_norm": {
        "shape": call([[[1.0], [1.0, 2.0]]], 1.0),
        "empty": call([], 1.0),
        "nan": call(np.array([1.0, NAN]), 1.0),
    },
    "clip_by_value": {
        "shape": call([[1.0], [1.0, 2.0]], 1.0),
        "empty": call([], 1.0),
        "nan": call([1.0, NAN], 1.0),
    },
    "early_stopping": {
        "shape": call(np.ones((2, 2)), patience=1),
        "empty": call([], patience=1),
        "nan": call([1.0, NAN], patience=1),
    },
    "gradient_norms_through_depth": {
        "shape": Expect(call((3,), 4), raises=TypeError, why=_SIZES_ARE_INTS),
        "empty": call(0, 4),
        "nan": call(3, 4, weight_scale=NAN),
    },
    "he_init": {
        "shape": Expect(call((3, 2), 4), raises=TypeError, why=_SIZES_ARE_INTS),
        "empty": call(0, 4),
        "nan": Expect(call(NAN, 4), raises=TypeError, why=_SIZES_ARE_INTS),
    },
    "polynomial_fit_errors": {
        "shape": call([[0.0, 1.0]], [[0.0, 1.0]], [0.5], [0.5], 1),
        "empty": call([], [], [0.5], [0.5], 0),
        "nan": call([0.0, 1.0, NAN], [0.0, 1.0, 2.0], [0.5], [0.5], 1),
    },
    "polynomial_predict": {
        "shape": call([0.0, 1.0], [0.0], [0.5], degree=0),
        "empty": call([0.0, 1.0], [0.0, 1.0], [], degree=1),
        "nan": call([0.0, 1.0], [0.0, 1.0], [NAN], degree=1),
    },
    "xavier_init": {
        "shape": Expect(call((3, 2), 4), raises=TypeError, why=_SIZES_ARE_INTS),
        "empty": call(0, 4),
        "nan": call(3, 4, gain=NAN),
    },
}
