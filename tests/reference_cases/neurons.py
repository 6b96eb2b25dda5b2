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
    "tanh": call(np.array([[-2.0, 0.0], [0.5, 3.0]])),
    "tanh_grad": call(np.array([[-2.0, 0.0], [0.5, 3.0]])),
    "leaky_relu": call(np.array([-2.0, 0.0, 3.0]), negative_slope=0.2),
    "leaky_relu_grad": call(np.array([-2.0, 0.0, 3.0]), negative_slope=0.2),
    "linear": call(np.array([-2.0, 0.0, 3.0])),
    "linear_grad": call(np.array([-2.0, 0.0, 3.0]), slope=2.0),
    "apply_activation": call(np.array([[-1.0, 0.0, 2.0]]), "softmax"),
    "apply_activation_grad": call(np.array([-1.0, 0.0, 2.0]), "tanh"),
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
    "tanh": call(HUGE),
    "tanh_grad": call(HUGE),
    "leaky_relu": call(BIG),
    "leaky_relu_grad": call(BIG, negative_slope=1.0),
    "linear": call(BIG, slope=-1.0),
    "linear_grad": call(BIG),
    "apply_activation": call(HUGE, "tanh"),
    "apply_activation_grad": call(HUGE, "sigmoid"),
    "neuron": call(np.array([[1e308, -1e308]]), np.array([0.5, 0.25]), -1e307),
    "neuron_grad": call(np.array([1e308, -1e308]), np.array([0.5, 0.25]), 0.0),
    "perceptron_predict": call(np.array([[1e308, -1e308], [-1e308, 0.0]]), [0.5, 0.5], 0.0),
    "perceptron_train": call(np.array([[1e150, 0.0], [0.0, 1e150]]), np.array([1, 0])),
    "saturated_mask": call(BIG, activation="relu"),
    "saturation_fraction": call(HUGE, activation="tanh"),
}

_ELEMENTWISE = {"shape": call(RAGGED), "empty": call([]), "nan": call([0.0, NAN])}

BAD = {
    **{
        name: _ELEMENTWISE
        for name in (
            "tanh",
            "tanh_grad",
            "leaky_relu",
            "leaky_relu_grad",
            "linear",
            "linear_grad",
            "saturated_mask",
            "saturation_fraction",
        )
    },
    "apply_activation": {
        "shape": call(2.0, "softmax"),
        "empty": call([], "relu"),
        "nan": call([0.0, NAN], "sigmoid"),
    },
    "apply_activation_grad": {
        "shape": call(RAGGED, "tanh"),
        "empty": call([], "relu"),
        "nan": call([0.0, NAN], "sigmoid"),
    },
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
