"""Rows for the metrics added to dlterms.metrics (the original five are in the common table).

Imported by tests/test_reference_common.py, which checks every function against them:
valid arguments (no mutation, no views), an extreme finite input (finite output, no
warnings) and three bad inputs (a bad shape, an empty input, a NaN).
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import BIG as BIG_VEC
from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")
BIG = 1e308


def _sign_of_first(points):
    """A tiny classifier for decision_regions: 1 where the first coordinate is >= 0."""
    return (points[:, 0] >= 0).astype(int)


def _one_label(points):
    """A broken classifier: one label for the whole grid."""
    return np.zeros(1, dtype=int)


Y_TRUE = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
Y_PRED = np.array([1, 1, 1, 0, 1, 1, 0, 0, 0, 0])
SCORES = np.array([0.9, 0.8, 0.3, 0.6, 0.7, 0.1, 0.2, 0.4, 0.05, 0.5])
BIG_LABELS = np.array([BIG, -BIG, BIG])
BIG_SCORES = np.array([BIG, -BIG, 0.0, -BIG])
BIG_TRUTH = np.array([1, 0, 1, 0])
# Class probabilities and tied scores for the multiclass metrics.
CLASS_PROBS = np.array([[0.75, 0.25, 0.0], [0.0, 0.25, 0.75], [0.25, 0.0, 0.75], [0.5, 0.5, 0.0]])
CLASS_SCORES = np.array([[0.5, 0.25, 0.25], [0.5, 0.25, 0.25], [0.25, 0.25, 0.5], [0.1, 0.8, 0.1]])
CLASS_INDEX = np.array([1, 2, 0, 1])

VALID = {
    "confusion_counts": call(Y_TRUE, Y_PRED),
    "f1_score": call(Y_TRUE, Y_PRED, pos_label=0),
    "true_positive_rate": call(Y_TRUE, Y_PRED),
    "false_positive_rate": call(Y_TRUE, Y_PRED),
    "apply_threshold": call(SCORES.reshape(2, 5), threshold=0.45),
    "threshold_sweep": call(Y_TRUE, SCORES, np.array([0.0, 0.5, 1.0])),
    "roc_curve": call(Y_TRUE, SCORES),
    "roc_auc_score": call(Y_TRUE, SCORES),
    "precision_recall_curve": call(Y_TRUE, SCORES, drop_intermediate=True),
    "average_precision_score": call(Y_TRUE, SCORES, pos_label=0),
    "specificity_score": call(Y_TRUE, Y_PRED),
    "calibration_curve": call(Y_TRUE, SCORES, n_bins=3, strategy="quantile"),
    "expected_calibration_error": call(CLASS_INDEX, CLASS_PROBS, n_bins=4),
    "top_k_accuracy_score": call(CLASS_INDEX, CLASS_SCORES, k=2),
    "r2_score": call(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 5.0])),
    "class_balance": call(Y_PRED),
    "imbalance_ratio": call(np.array(["a", "b", "b", "c"])),
    "majority_class_predict": call(Y_TRUE, 3),
    "linear_decision_boundary": call(np.array([1.0, 2.0]), -4.0, np.array([0.0, 2.0])),
    "decision_regions": call(_sign_of_first, *np.meshgrid([-1.0, 1.0], [0.0, 1.0, 2.0])),
    "bounding_box": call(np.array([[2.0, 1.0], [5.0, 4.0], [3.0, 0.5]])),
    "iou": call(np.array([[0.0, 0.0, 2.0, 2.0]]), np.array([[1.0, 1.0, 3.0, 3.0]])),
    "non_max_suppression": call(
        np.array([[0.0, 0, 4, 4], [1, 0, 5, 4], [6, 6, 8, 8]]), np.array([0.8, 0.9, 0.7]), 0.5
    ),
    "accuracy_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0])),
    "precision_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), pos_label=0),
    "recall_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), pos_label=1),
    "confusion_matrix": call(np.array([0, 1, 2]), np.array([0, 2, 2]), labels=np.array([2, 0])),
    "prediction_bias": call(np.array([0.0, 1.0, 1.0]), np.array([0.25, 0.5, 1.0])),
}

EXTREME = {
    "confusion_counts": call(BIG_LABELS, np.array([BIG, BIG, -BIG]), pos_label=BIG),
    "f1_score": call(BIG_LABELS, np.array([BIG, BIG, -BIG]), pos_label=BIG),
    "true_positive_rate": call(BIG_LABELS, np.array([BIG, BIG, -BIG]), pos_label=BIG),
    "false_positive_rate": call(BIG_LABELS, np.array([BIG, BIG, -BIG]), pos_label=BIG),
    "apply_threshold": call(BIG_SCORES, threshold=-BIG),
    "threshold_sweep": call(BIG_TRUTH, BIG_SCORES, np.array([-BIG, 0.0, BIG])),
    "roc_curve": call(BIG_TRUTH, BIG_SCORES),
    "roc_auc_score": call(BIG_TRUTH, BIG_SCORES),
    "precision_recall_curve": call(BIG_TRUTH, BIG_SCORES),
    "average_precision_score": call(BIG_TRUTH, BIG_SCORES),
    "specificity_score": call(BIG_LABELS, np.array([BIG, BIG, -BIG]), pos_label=BIG),
    "calibration_curve": call(
        BIG_TRUTH, np.array([5e-324, 1.0, 1e-300, 0.0]), n_bins=4, strategy="quantile"
    ),
    "expected_calibration_error": call(np.array([0, 1]), np.array([[5e-324, 1.0], [1.0, 0.0]])),
    "top_k_accuracy_score": call(
        np.array([0, 1, 2]), np.array([[BIG, -BIG, 0.0], [-BIG, BIG, BIG], [5e-324, -5e-324, 0.0]])
    ),
    "r2_score": call(np.array([BIG, -BIG, 0.0]), np.array([-BIG, BIG, 5e-324])),
    "class_balance": call(BIG_LABELS),
    "imbalance_ratio": call(np.append(np.zeros(10**5), BIG)),
    "majority_class_predict": call(BIG_LABELS, 2),
    "linear_decision_boundary": call(np.array([4.0, 8.0]), BIG, np.array([BIG, -BIG])),
    "decision_regions": call(_sign_of_first, np.array([[BIG, -BIG]]), np.array([[-BIG, BIG]])),
    "bounding_box": call(np.array([[BIG, -BIG], [-BIG, BIG]])),
    "iou": call(np.array([-BIG, -BIG, BIG, BIG]), np.array([[0.0, 0.0, BIG, BIG], [0, 0, 1, 1]])),
    "non_max_suppression": call(
        np.array([[-BIG, -BIG, BIG, BIG], [0.0, 0.0, BIG, BIG], [0, 0, 5e-324, 5e-324]]),
        np.array([-BIG, BIG, 5e-324]),
        1.0,
    ),
    "accuracy_score": call(BIG_VEC, np.array([1e308, 1e308, 0.0])),
    "precision_score": call(BIG_VEC[:2], np.array([1e308, 1e308]), pos_label=1e308),
    "recall_score": call(BIG_VEC[:2], np.array([1e308, 1e308]), pos_label=1e308),
    "confusion_matrix": call(BIG_VEC, np.array([1e308, 1e308, 0.0])),
    "prediction_bias": call(np.array([1e308, 1e308, -1e308]), np.array([1e308, 5e307, -1e308])),
}

BAD = {
    **{
        name: {
            "shape": call([0, 1, 1], [0, 1]),
            "empty": call([], []),
            "nan": call([0.0, NAN], [0.0, 1.0]),
        }
        for name in ("confusion_counts", "f1_score", "true_positive_rate", "false_positive_rate")
    },
    "apply_threshold": {
        "shape": call([[0.1], [0.2, 0.3]]),
        "empty": call([]),
        "nan": call([0.1, NAN]),
    },
    "threshold_sweep": {
        "shape": call([0, 1], [0.2, 0.4], [[0.5]]),
        "empty": call([0, 1], [0.2, 0.4], []),
        "nan": call([0, 1], [0.2, NAN], [0.5]),
    },
    **{
        name: {
            "shape": call([0, 1, 1], [0.2, 0.4]),
            "empty": call([], []),
            "nan": call([0, 1], [NAN, 0.4]),
        }
        for name in ("roc_curve", "roc_auc_score")
    },
    **{
        name: {
            "shape": call([0, 1, 1], [0.2, 0.4]),
            "empty": call([], []),
            "nan": call([0, 1], [NAN, 0.4]),
        }
        for name in ("precision_recall_curve", "average_precision_score", "calibration_curve")
    },
    "specificity_score": {
        "shape": call([0, 1, 1], [0, 1]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "expected_calibration_error": {
        "shape": call([0, 1], [[[0.5, 0.5]], [[0.5, 0.5]]]),
        "empty": call([], []),
        "nan": call([0, 1], [[NAN, 0.5], [0.5, 0.5]]),
    },
    "top_k_accuracy_score": {
        "shape": call([0, 1], [0.5, 0.5]),
        "empty": call([], np.zeros((0, 3))),
        "nan": call([0], [[NAN, 0.5]]),
    },
    "r2_score": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 2.0]),
    },
    **{
        name: {"shape": call([[0, 1]]), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("class_balance", "imbalance_ratio")
    },
    "majority_class_predict": {
        "shape": call([[0, 1]], 2),
        "empty": call([], 2),
        "nan": call([0.0, NAN], 2),
    },
    "linear_decision_boundary": {
        "shape": call([1.0, 2.0, 3.0], 0.0, [1.0]),
        "empty": call([1.0, 2.0], 0.0, []),
        "nan": call([1.0, 2.0], 0.0, [NAN]),
    },
    "decision_regions": {
        "shape": call(_one_label, [[0.0, 1.0]], [[0.0, 1.0]]),
        "empty": call(_sign_of_first, [], []),
        "nan": call(_sign_of_first, [[0.0, NAN]], [[0.0, 1.0]]),
    },
    "bounding_box": {
        "shape": call([[1.0, 2.0, 3.0]]),
        "empty": call(np.zeros((0, 2))),
        "nan": call([[1.0, NAN]]),
    },
    "iou": {
        "shape": call([0.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]),
        "empty": call(np.zeros((0, 4)), [0.0, 0.0, 1.0, 1.0]),
        "nan": call([0.0, 0.0, NAN, 1.0], [0.0, 0.0, 1.0, 1.0]),
    },
    "non_max_suppression": {
        "shape": call([[0.0, 0.0, 1.0, 1.0]], [0.5, 0.25], 0.5),
        "empty": call(np.zeros((0, 4)), np.zeros(0), 0.5),
        "nan": call([[0.0, 0.0, 1.0, 1.0]], [NAN], 0.5),
    },
    "accuracy_score": {
        "shape": call([0, 1, 1], [0, 1]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "precision_score": {
        "shape": call([[0, 1]], [[0, 1]]),
        "empty": call([], []),
        "nan": call([0.0, 1.0], [NAN, 1.0]),
    },
    "recall_score": {
        "shape": call([0, 1], [0, 1, 1]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "confusion_matrix": {
        "shape": call([0, 1], [[0, 1]]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "prediction_bias": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 2.0]),
    },
}
