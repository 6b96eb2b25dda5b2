"""Rows for the loss functions added to dlterms.losses (see tests/test_reference_common.py).

mean_squared_error, mean_absolute_error and cross_entropy keep their rows in the
common table.
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import BIG, EXP, Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")
MAX = np.finfo(np.float64).max

_A = np.array([1.0, 2.0, 0.0])
_B = np.array([1.5, 2.0, 0.5])
_LABELS = np.array([1.0, -1.0, 1.0])
_SCORES = np.array([2.0, 0.5, 0.25])
_ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
_PROBS = np.array([[0.25, 0.5, 0.25], [0.5, 0.25, 0.25]])
_LOGITS = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]])

VALID = {
    "mean_squared_error_grad": call(_A, _B),
    "mean_absolute_percentage_error": call(_A, _B),
    "mean_squared_logarithmic_error": call(_A, _B),
    "log_cosh_loss": call(_A, _B),
    "log_cosh_loss_grad": call(_A, _B),
    "poisson_loss": call(_A, _B),
    "binary_cross_entropy": call(np.array([1.0, 0.0, 0.5]), np.array([0.75, 0.25, 0.5])),
    "binary_cross_entropy_with_logits": call(np.array([1.0, 0.0, 0.5]), _SCORES),
    "binary_cross_entropy_with_logits_grad": call(np.array([1.0, 0.0, 0.5]), _SCORES),
    "cross_entropy_grad": call(_LOGITS, np.array([2, 0])),
    "categorical_cross_entropy": call(_ONE_HOT, _PROBS),
    "sparse_categorical_cross_entropy": call(np.array([1, 0]), _PROBS),
    "kl_divergence": call(_PROBS, _PROBS[::-1].copy()),
    "hinge_loss": call(_LABELS, _SCORES),
    "hinge_loss_grad": call(_LABELS, _SCORES),
    "squared_hinge_loss": call(np.array([1, 0, 1]), _SCORES),
    "categorical_hinge_loss": call(_ONE_HOT, _LOGITS),
    "cosine_similarity_loss": call(_LOGITS, _PROBS),
    "mean_squared_error": call(np.array([1.0, 2.0]), np.array([1.5, 2.0])),
    "mean_absolute_error": call(np.array([1.0, 2.0]), np.array([1.5, 2.0])),
    "cross_entropy": call(np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]]), np.array([2, 0])),
    "root_mean_squared_error": call(_A, _B),
    "huber_loss": call(_A, np.array([1.5, 4.0, -0.25])),
    "huber_loss_grad": call(_A, np.array([1.5, 4.0, -0.25])),
    "nll_loss": call(
        np.log(_PROBS), np.array([1, 0]), weight=np.array([1.0, 2.0, 0.5]), reduction="mean"
    ),
    "entropy": call(np.array([[0.5, 2.0], [0.25, 1.0], [0.25, 0.0]])),
    "smooth_labels": call(_ONE_HOT, label_smoothing=0.2),
}

# Extreme but finite inputs whose exact results are representable.
_BIG = np.array([1e308, -1e308, 0.0])
EXTREME = {
    "mean_squared_error_grad": call(_BIG, np.array([1e308, -1e308, 1.0])),
    "mean_absolute_percentage_error": call(_BIG, np.array([5e307, -1e308, 1e-300])),
    "mean_squared_logarithmic_error": call(np.array([0.0, 1e308]), np.array([1e308, 0.0])),
    "log_cosh_loss": call(np.zeros(3), np.array([1e308, -1.0, -5e307])),
    "log_cosh_loss_grad": call(np.zeros(2), np.array([1e308, -1e308])),
    "poisson_loss": call(np.array([0.0, 1.0, 1e300]), np.array([1e308, 0.0, 1e300])),
    "binary_cross_entropy": call(np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1e-300])),
    "binary_cross_entropy_with_logits": call(
        np.array([1.0, 0.0, 0.5]), np.array([1e308, -1e308, 1e308])
    ),
    "binary_cross_entropy_with_logits_grad": call(
        np.array([1.0, 0.0, 0.5]), np.array([1e308, -1e308, 1e308])
    ),
    "cross_entropy_grad": call(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), np.array([1, 1])),
    "categorical_cross_entropy": call(
        np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 1e-300]])
    ),
    "sparse_categorical_cross_entropy": call(np.array([0, 1]), np.array([[0.0, 1.0], [1.0, 0.0]])),
    "kl_divergence": call(
        np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([[0.0, 1.0], [1e-300, 1.0]])
    ),
    "hinge_loss": call(np.array([1.0, -1.0, 1.0]), np.array([-1e308, -1e308, 1e308])),
    "hinge_loss_grad": call(np.array([1.0, -1.0, 1.0]), np.array([-1e308, -1e308, 1e308])),
    "squared_hinge_loss": call(np.array([1, 0, 1]), np.array([1e308, -1e308, -1e150])),
    "categorical_hinge_loss": call(
        np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1e308, -1e308], [5e307, -5e307]])
    ),
    "cosine_similarity_loss": call(
        np.array([[1e308, -1e308], [1e-300, 0.0], [0.0, 0.0]]),
        np.array([[1e308, 1e308], [1e-320, 5e-324], [1e308, 1.0]]),
    ),
    "mean_squared_error": call(BIG, np.array([1e308, -1e308, 1.0])),
    "mean_absolute_error": call(BIG, np.array([1e308, -1e308, 1.0])),
    "cross_entropy": call(EXP, np.array([1, 1])),
    "root_mean_squared_error": call(np.array([1e308, -1e308, 0.0]), np.array([-1e308, 1e308, 0.0])),
    "huber_loss": call(np.array([MAX, 0.0, 1.0]), np.array([-MAX, 1e-300, 1.5])),
    "huber_loss_grad": call(np.array([MAX, 0.0]), np.array([-MAX, 5e-324])),
    "nll_loss": call(
        np.array([[-1e308, 0.0], [-1e308, -1e308]]),
        np.array([0, 1]),
        weight=np.array([1.0, 1e300]),
    ),
    "entropy": call(np.array([[1e308, 5e-324], [1e308, 5e-324], [0.0, 0.0]])),
    "smooth_labels": call(np.array([[1.0, 0.0], [5e-324, 1.0]]), label_smoothing=1e-300),
}

_ELEMENTWISE = {
    "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
    "empty": call([], []),
    "nan": call([1.0, NAN], [1.0, 2.0]),
}
BAD = {
    **{
        name: _ELEMENTWISE
        for name in (
            "mean_squared_error_grad",
            "mean_absolute_percentage_error",
            "mean_squared_logarithmic_error",
            "log_cosh_loss",
            "log_cosh_loss_grad",
            "poisson_loss",
            "binary_cross_entropy",
            "binary_cross_entropy_with_logits",
            "binary_cross_entropy_with_logits_grad",
            "hinge_loss",
            "hinge_loss_grad",
            "squared_hinge_loss",
            "root_mean_squared_error",
            "huber_loss",
            "huber_loss_grad",
        )
    },
    "cross_entropy_grad": {
        "shape": call([[0.0, 1.0], [1.0, 0.0]], [0, 1, 1]),
        "empty": call(np.zeros((0, 3)), np.zeros(0, dtype=int)),
        "nan": call([[0.0, NAN]], [0]),
    },
    "categorical_cross_entropy": {
        "shape": call([0.0, 1.0], [0.5, 0.5]),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2))),
        "nan": call([[0.0, 1.0]], [[NAN, 0.5]]),
    },
    "sparse_categorical_cross_entropy": {
        "shape": call([0, 1, 1], [[0.5, 0.5], [0.5, 0.5]]),
        "empty": call(np.zeros(0, dtype=int), np.zeros((0, 2))),
        "nan": call([0.0, NAN], [[0.5, 0.5], [0.5, 0.5]]),
    },
    "kl_divergence": {
        "shape": call([0.5, 0.5], [0.25, 0.25, 0.5]),
        "empty": call([], []),
        "nan": call([0.5, NAN], [0.5, 0.5]),
    },
    "categorical_hinge_loss": {
        "shape": call([0.0, 1.0], [0.5, 0.5]),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2))),
        "nan": call([[0.0, 1.0]], [[NAN, 0.5]]),
    },
    "cosine_similarity_loss": {
        "shape": call([1.0, 0.0], [1.0, 0.0, 0.0]),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 0.0]),
    },
    **{
        name: {
            "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
            "empty": call([], []),
            "nan": call([1.0, NAN], [1.0, 2.0]),
        }
        for name in ("mean_squared_error", "mean_absolute_error")
    },
    "nll_loss": {
        "shape": call([[0.0, -1.0], [-1.0, 0.0]], [0, 1, 1]),
        "empty": call(np.zeros((0, 3)), np.zeros(0, dtype=int)),
        "nan": call([[0.0, NAN]], [0]),
    },
    "entropy": {
        "shape": call(np.array(0.5)),
        "empty": call([]),
        "nan": call([0.5, NAN]),
    },
    "smooth_labels": {
        "shape": call(np.array(1.0)),
        "empty": call(np.zeros((2, 0))),
        "nan": call([[NAN, 1.0]]),
    },
    "cross_entropy": {
        "shape": call([[0.0, 1.0], [1.0, 0.0]], [0, 1, 1]),
        "empty": call(np.zeros((0, 3)), np.zeros(0, dtype=int)),
        "nan": call([[0.0, NAN]], [0]),
    },
}
