"""Rows for the activations added with the neuron entries, and for dlterms.neurons.

Covers tanh, Leaky ReLU, the linear activation and the by-name dispatchers in
dlterms.activations, and every function of dlterms.neurons.
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import call

NAN = float("nan")
RAGGED = [[1.0], [1.0, 2.0]]
AND_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
BIG = np.array([1e308, -1e308, 0.0])
HUGE = np.array([-1e308, -1000.0, 1000.0, 1e308])

VALID = {
    "neuron": call(np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -0.25]), 0.1),
    "neuron_grad": call(
        np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -0.25]), 0.1, activation="tanh"
    ),
    "perceptron_predict": call(AND_X, np.array([1.0, 1.0]), -1.5),
    "perceptron_train": call(AND_X, np.array([0, 0, 0, 1]), shuffle=True, rng=0),
    "saturated_mask": call(np.array([-10.0, 0.0, 10.0]), activation="tanh"),
    "saturation_fraction": call(np.array([[-10.0, 0.0], [1.0, 10.0]])),
}

# Extreme but finite: +-1e308 where the exact result is representable, 1e150 where the
# maths multiplies inputs by weights that grow like the inputs (the perceptron).
EXTREME = {
    "neuron": call(np.array([[1e308, -1e308]]), np.array([0.5, 0.25]), -1e307),
    "neuron_grad": call(np.array([1e308, -1e308]), np.array([0.5, 0.25]), 0.0),
    "perceptron_predict": call(np.array([[1e308, -1e308], [-1e308, 0.0]]), [0.5, 0.5], 0.0),
    "perceptron_train": call(np.array([[1e150, 0.0], [0.0, 1e150]]), np.array([1, 0])),
    "saturated_mask": call(BIG, activation="relu"),
    "saturation_fraction": call(HUGE, activation="tanh"),
}

_ELEMENTWISE = {"shape": call(RAGGED), "empty": call([]), "nan": call([0.0, NAN])}

BAD = {
    **{name: _ELEMENTWISE for name in ("saturated_mask", "saturation_fraction")},
    **{
        name: {
            "shape": call([1.0, 2.0], [1.0], 0.0),
            "empty": call(np.ones((0, 2)), [1.0, 1.0], 0.0),
            "nan": call([1.0, NAN], [1.0, 1.0], 0.0),
        }
        for name in ("neuron", "neuron_grad", "perceptron_predict")
    },
    "perceptron_train": {
        "shape": call(np.ones((3, 2)), [0, 1]),
        "empty": call(np.zeros((0, 2)), []),
        "nan": call([[0.0, NAN]], [1]),
    },
}
