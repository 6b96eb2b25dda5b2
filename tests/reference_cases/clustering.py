"""Rows for the dlterms.clustering functions added beside kmeans: centroids and k-means++."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import call

NAN = float("nan")
POINTS = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0], [5.0, 5.0]])
HUGE = np.array([[1e308, 0.0], [1e308, 1.0], [-1e308, 0.0]])

VALID = {
    "centroid": call(POINTS, weights=np.array([1.0, 2.0, 0.0, 1.0, 4.0])),
    "centroids": call(POINTS, np.array([0, 0, 1, 1, 1]), 2),
    "kmeans_plus_plus": call(POINTS, 3, rng=0),
    "kmeans": call(POINTS, 2, init=np.array([[0.0, 0.0], [10.0, 0.0]]), n_iter=10),
}

EXTREME = {
    "centroid": call(HUGE, weights=np.array([1e308, 1e308, 1e-308])),
    "centroids": call(HUGE, np.array([0, 0, 1])),
    "kmeans_plus_plus": call(HUGE, 2, rng=0),
    "kmeans": call(np.array([[1e150, 0.0], [1e150, 1.0], [-1e150, 0.0]]), 2, rng=0),
}

BAD = {
    "centroid": {
        "shape": call([1.0, 2.0, 3.0]),
        "empty": call(np.zeros((0, 2))),
        "nan": call([[0.0, NAN]]),
    },
    "centroids": {
        "shape": call(POINTS, [0, 1]),
        "empty": call(np.zeros((0, 2)), []),
        "nan": call([[0.0, NAN]], [0]),
    },
    "kmeans_plus_plus": {
        "shape": call([1.0, 2.0, 3.0], 2),
        "empty": call(np.zeros((0, 2)), 1),
        "nan": call([[0.0, 0.0], [NAN, 1.0]], 1),
    },
    "kmeans": {
        "shape": call([1.0, 2.0, 3.0], 2),
        "empty": call(np.zeros((0, 2)), 1),
        "nan": call([[0.0, 0.0], [NAN, 1.0]], 1),
    },
}
