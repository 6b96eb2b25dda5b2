"""Rows for the functions added to dlterms.data with the data entries.

Scaling, bucketing, augmentation, oversampling, splitting, cross-validation,
bootstrapping and sparse features. one_hot, iterations_per_epoch and
random_undersample keep their rows in tests/test_reference_common.py.
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")
RAGGED = [[1.0], [1.0, 2.0]]
X2 = np.array([[1.0, -5.0, 7.0], [3.0, 5.0, 7.0], [2.0, 0.0, 7.0]])
X4 = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
BIG2 = np.array([[1e308, -1e308], [-1e308, -1e308], [1e308, 1e308]])
BIG4 = np.full((1, 2, 3, 3), 1e308) * np.array([1.0, -1.0])[:, np.newaxis, np.newaxis]
BIG_ROWS = np.array([[1e308], [-1e308], [1e308], [-1e308], [0.0]])
SPLIT = {"val_fraction": 0.2, "test_fraction": 0.2}


def _majority(x_train, y_train, x_val):
    """A fit_predict that predicts the most common training label for every row."""
    return np.full(len(x_val), np.bincount(y_train).argmax())


VALID = {
    "one_hot_decode": call(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])),
    "min_max_fit": call(X2),
    "min_max_transform": call(
        X2, (np.array([1.0, -5.0, 7.0]), np.array([3.0, 5.0, 7.0])), feature_range=(-1, 1)
    ),
    "standardize_fit": call(X2),
    "standardize_transform": call(X2, (np.array([2.0, 0.0, 7.0]), np.array([1.0, 4.0, 0.0]))),
    "bucketize": call(np.array([[-1.0, 0.5], [2.0, 1.0]]), np.array([0.0, 1.0, 2.0])),
    "uniform_edges": call(np.array([0.0, 1.0, 5.0]), 4),
    "quantile_edges": call(np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0]), 3, method="linear"),
    "flip_horizontal": call(X4),
    "flip_vertical": call(X4),
    "random_crop": call(X4, (2, 3), rng=0),
    "add_noise": call(np.array([1.0, 2.0]), 0.5, rng=0),
    "random_oversample": call(np.arange(12.0).reshape(6, 2), np.array([0, 1, 1, 0, 1, 1]), rng=0),
    "train_val_test_split": call(
        np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5), rng=0, stratify=True, **SPLIT
    ),
    "k_fold_indices": call(7, 3, shuffle=True, rng=0),
    "cross_val_score": call(_majority, np.zeros((6, 1)), np.array([0, 0, 0, 1, 1, 1]), k=3),
    "bootstrap_indices": call(5, 3, rng=0),
    "bootstrap_sample": call(np.array([[1.0, 2.0], [3.0, 4.0]]), rng=0),
    "bootstrap_distribution": call(np.array([1.0, 2.0, 4.0]), np.median, n_resamples=20, rng=0),
    "bootstrap_confidence_interval": call(
        np.array([1.0, 2.0, 4.0]), n_resamples=50, level=0.9, rng=0
    ),
    "to_sparse": call(np.array([0.0, 2.0, 0.0])),
    "to_dense": call(np.array([1, 3]), np.array([2.0, -1.0]), 5),
    "sparsity": call(np.array([[0.0, 1.0], [0.0, 0.0]])),
    "one_hot": call(np.array([0, 2, 1]), 4),
    "iterations_per_epoch": call(10, 4, drop_last=True),
    "random_undersample": call(
        np.arange(12.0).reshape(6, 2), np.array([0, 1, 1, 0, 1, 1]), rng=0, ratio=1.5
    ),
}

# Extreme but finite: +-1e308 wherever the exact result is representable.
EXTREME = {
    "one_hot_decode": call(np.eye(1000)),
    "min_max_fit": call(BIG2),
    "min_max_transform": call(
        np.array([-1e308, 0.0, 1e308]), (-1e308, 1e308), feature_range=(-1e307, 1e307)
    ),
    "standardize_fit": call(BIG2),
    "standardize_transform": call(np.array([1e308, -1e308]), (-1e308, 1e308)),
    "bucketize": call(np.array([1e308, -1e308, 0.0]), np.array([-1e308, 0.0, 1e308])),
    "uniform_edges": call(np.array([-1e308, 1e308]), 4),
    "quantile_edges": call(np.array([-1e308, 1e308, 1e308, -1e308, 0.0]), 4, method="linear"),
    "flip_horizontal": call(BIG4),
    "flip_vertical": call(BIG4),
    "random_crop": call(BIG4, 2, rng=0),
    "add_noise": call(np.array([1e308, -1e308]), 1.0, rng=0),
    "random_oversample": call(BIG_ROWS, np.array([1e308, -1e308, 1e308, 0.0, 0.0]), rng=0),
    "train_val_test_split": call(BIG_ROWS, BIG_ROWS[:, 0], rng=0, **SPLIT),
    "k_fold_indices": call(10**5, 7, shuffle=True, rng=0),
    "cross_val_score": call(_majority, BIG_ROWS, np.array([0, 1, 0, 1, 0]), k=2),
    "bootstrap_indices": call(10**4, 2, rng=0),
    "bootstrap_sample": call(np.array([1e308, -1e308]), rng=0),
    "bootstrap_distribution": call(np.array([1e308, 1e308, -1e308]), n_resamples=50, rng=0),
    "bootstrap_confidence_interval": call(
        np.array([1e308, 1e308, -1e308, 1e308]), n_resamples=50, rng=0
    ),
    "to_sparse": call(np.array([1e308, 0.0, -1e308])),
    "to_dense": call(np.array([0, 2]), np.array([1e308, -1e308]), 3),
    "sparsity": call(np.array([1e308, 0.0, -1e308])),
    "one_hot": call(np.array([0, 1000])),
    "iterations_per_epoch": call(10**30, 7),
    "random_undersample": call(
        np.array([[1e308], [-1e308], [1e308]]), np.array([1e308, -1e308, 1e308]), rng=0
    ),
}

_FEATURES = {"shape": call(np.ones((2, 2, 2))), "empty": call([]), "nan": call([1.0, NAN])}
_EDGES = {"shape": call([[1.0, 2.0]], 2), "empty": call([], 2), "nan": call([1.0, NAN], 2)}
_IMAGES = {
    "shape": call(np.ones((2, 3))),
    "empty": call(np.ones((0, 1, 2, 2))),
    "nan": call(np.full((1, 1, 2, 2), NAN)),
}
_VALUES = {"shape": call([[1.0, 2.0]]), "empty": call([]), "nan": call([1.0, NAN])}


def _sizes_are_ints():
    return {
        "shape": Expect(call([10], 2), raises=TypeError, why="sizes are ints, not arrays"),
        "empty": call(0, 2),
        "nan": Expect(call(NAN, 2), raises=TypeError, why="sizes are ints, not floats"),
    }


BAD = {
    "one_hot_decode": {
        "shape": call([0.0, 1.0]),
        "empty": call(np.zeros((0, 3))),
        "nan": call([[NAN, 1.0]]),
    },
    "min_max_fit": _FEATURES,
    "standardize_fit": _FEATURES,
    "min_max_transform": {
        "shape": call([[1.0, 2.0]], (0.0, 1.0)),
        "empty": call([], (0.0, 1.0)),
        "nan": call([1.0, 2.0], (NAN, 1.0)),
    },
    "standardize_transform": {
        "shape": call([[1.0, 2.0]], (0.0, 1.0)),
        "empty": call([], (0.0, 1.0)),
        "nan": call([1.0, 2.0], (0.0, NAN)),
    },
    "bucketize": {
        "shape": call([1.0], [[0.0, 1.0]]),
        "empty": call([], [0.0, 1.0]),
        "nan": call([NAN], [0.0, 1.0]),
    },
    "uniform_edges": _EDGES,
    "quantile_edges": _EDGES,
    "flip_horizontal": _IMAGES,
    "flip_vertical": _IMAGES,
    "random_crop": {name: Call(row.args + (1,)) for name, row in _IMAGES.items()},
    "add_noise": {"shape": call(RAGGED, 1.0), "empty": call([], 1.0), "nan": call([NAN], 1.0)},
    "random_oversample": {
        "shape": call([[1.0], [2.0], [3.0]], [0, 1]),
        "empty": call([], []),
        "nan": call([[1.0], [2.0]], [0.0, NAN]),
    },
    "train_val_test_split": {
        "shape": call([[1.0], [2.0]], [0, 1, 1], **SPLIT),
        "empty": call([], [], **SPLIT),
        "nan": call([[1.0], [2.0]], [0.0, NAN], **SPLIT),
    },
    "k_fold_indices": _sizes_are_ints(),
    "cross_val_score": {
        "shape": call(_majority, [[1.0], [2.0]], [0, 1, 1]),
        "empty": call(_majority, [], []),
        "nan": call(_majority, [[1.0], [2.0]], [0.0, NAN], k=2),
    },
    "bootstrap_indices": _sizes_are_ints(),
    "bootstrap_sample": {"shape": call(5.0), "empty": call([]), "nan": call([1.0, NAN])},
    "bootstrap_distribution": _VALUES,
    "bootstrap_confidence_interval": _VALUES,
    "to_sparse": _VALUES,
    "to_dense": {
        "shape": call([[0]], [1.0], 2),
        "empty": call([], [], 0),
        "nan": call([0], [NAN], 2),
    },
    "sparsity": {"shape": call(RAGGED), "empty": call([]), "nan": call([NAN])},
    "one_hot": {
        "shape": call([[0, 1]]),
        "empty": call([]),
        "nan": call([0.0, NAN]),
    },
    "iterations_per_epoch": {
        "shape": Expect(call([10], 4), raises=TypeError, why="sizes are ints, not arrays"),
        "empty": call(0, 4),
        "nan": Expect(call(NAN, 4), raises=TypeError, why="sizes are ints, not floats"),
    },
    "random_undersample": {
        "shape": call([[1.0], [2.0], [3.0]], [0, 1]),
        "empty": call([], []),
        "nan": call([[1.0], [2.0]], [0.0, NAN]),
    },
}
