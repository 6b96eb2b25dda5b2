"""Rows for tests/test_reference_common.py: the functions of dlterms.activations."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import BIG, EXP, NAN, call

RAGGED = [[1.0], [1.0, 2.0]]
HUGE = np.array([-1e308, -1000.0, 1000.0, 1e308])

VALID = {
    "sigmoid": call(np.array([-2.0, 0.0, 3.0])),
    "sigmoid_grad": call(np.array([-2.0, 0.0, 3.0])),
    "relu": call(np.array([[-2.0, 0.0], [3.0, 4.0]])),
    "relu_grad": call(np.array([[-2.0, 0.0], [3.0, 4.0]])),
    "softmax": call(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), axis=0),
    "log_softmax": call(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), axis=0),
    "softmax_jvp": call(np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[1.0, 0.0], [2.0, 3.0]])),
    "tanh": call(np.array([[-2.0, 0.0], [0.5, 3.0]])),
    "tanh_grad": call(np.array([[-2.0, 0.0], [0.5, 3.0]])),
    "leaky_relu": call(np.array([-2.0, 0.0, 3.0]), negative_slope=0.2),
    "leaky_relu_grad": call(np.array([-2.0, 0.0, 3.0]), negative_slope=0.2),
    "linear": call(np.array([-2.0, 0.0, 3.0])),
    "linear_grad": call(np.array([-2.0, 0.0, 3.0]), slope=2.0),
    "apply_activation": call(np.array([[-1.0, 0.0, 2.0]]), "softmax"),
    "apply_activation_grad": call(np.array([-1.0, 0.0, 2.0]), "tanh"),
    "gelu": call(np.array([-2.0, 0.0, 3.0]), approximate="tanh"),
    "gelu_grad": call(np.array([[-2.0, 0.0], [0.5, 3.0]])),
    "silu": call(np.array([-2.0, 0.0, 3.0])),
    "silu_grad": call(np.array([-2.0, 0.0, 3.0])),
    "softplus": call(np.array([-2.0, 0.0, 3.0]), beta=2.0, threshold=5.0),
    "softplus_grad": call(np.array([-2.0, 0.0, 3.0]), beta=2.0, threshold=5.0),
    "glu": call(np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 1.0, -1.0, 2.0]])),
}

EXTREME = {
    "sigmoid": call(np.array([-1e308, -1000.0, 1000.0, 1e308])),
    "sigmoid_grad": call(np.array([-1e308, -1000.0, 1000.0, 1e308])),
    "relu": call(BIG),
    "relu_grad": call(BIG),
    "softmax": call(np.array([[1e308, -1e308], [-1e308, -1e308]])),
    "log_softmax": call(EXP),
    "softmax_jvp": call(EXP, np.array([[1.0, -1.0], [1e300, 0.0]])),
    "tanh": call(HUGE),
    "tanh_grad": call(HUGE),
    "leaky_relu": call(BIG),
    "leaky_relu_grad": call(BIG, negative_slope=1.0),
    "linear": call(BIG, slope=-1.0),
    "linear_grad": call(BIG),
    "apply_activation": call(HUGE, "tanh"),
    "apply_activation_grad": call(HUGE, "sigmoid"),
    "gelu": call(HUGE),
    "gelu_grad": call(HUGE, approximate="tanh"),
    "silu": call(HUGE),
    "silu_grad": call(HUGE),
    "softplus": call(HUGE, beta=0.5),
    "softplus_grad": call(HUGE, beta=0.5),
    "glu": call(np.array([[1e308, -1e308, 1e308, -1e308]])),
}

BAD = {
    **{
        name: {"shape": call([[1.0], [1.0, 2.0]]), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("sigmoid", "sigmoid_grad", "relu", "relu_grad")
    },
    **{
        name: {"shape": call(1.0), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("softmax", "log_softmax")
    },
    "softmax_jvp": {
        "shape": call([0.0, 1.0], [1.0, 0.0, 0.0]),
        "empty": call([], []),
        "nan": call([0.0, 1.0], [NAN, 0.0]),
    },
    **{
        name: {"shape": call(RAGGED), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("tanh", "tanh_grad", "leaky_relu", "leaky_relu_grad", "linear", "linear_grad")
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
        name: {"shape": call(RAGGED), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("gelu", "gelu_grad", "silu", "silu_grad", "softplus", "softplus_grad")
    },
    "glu": {
        "shape": call([1.0, 2.0, 3.0]),
        "empty": call([]),
        "nan": call([0.0, NAN]),
    },
}
