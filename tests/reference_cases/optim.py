"""Rows for the functions added to dlterms.optim (see tests/test_reference_common.py).

gradient_descent and gradient_descent_step keep their rows in the common table.
"""

from __future__ import annotations

import numpy as np

from dlterms.optim import AdagradState, AdamState, MomentumState, RMSpropState
from reference_cases._helpers import BIG, Call, Expect, call  # noqa: F401  (rows use them)


def _quadratic_grad(x):
    """Gradient of f(x) = ||x||^2 / 2."""
    return x


def _wrong_shape_grad(x):
    return np.zeros(x.size + 1)


NAN = float("nan")


def _bowl(x):
    """f(x) = sum(x^2) / 2, whose gradient is x."""
    return 0.5 * float(np.sum(np.square(x)))


def _sum(x):
    return float(np.sum(x))


def _vector_valued(x):
    return np.asarray(x) * 2.0


def _batch_grad(w, x_batch, y_batch):
    """Mean gradient of (w x - y)^2 over a batch, for a scalar weight w."""
    return np.mean(2 * x_batch * (w * x_batch - y_batch))


def _decay_grad(w, x_batch, y_batch):
    """Gradient of |w|^2 / 2, ignoring the data: the iterates halve at learning rate 0.5."""
    return w


_P = np.array([1.0, -2.0, 0.5])
_G = np.array([0.5, 1.0, -4.0])
_X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
_Y = 2.0 * _X

VALID = {
    "numerical_gradient": call(_bowl, np.array([[1.0, 2.0], [-3.0, 0.5]])),
    "partial_derivative": call(_bowl, np.array([1.0, 2.0, 3.0]), -1, h=1e-4),
    "sgd_step": call(_P, _G, learning_rate=0.1),
    "minibatch_sgd": call(
        _batch_grad, _X, _Y, np.array(0.0), learning_rate=0.01, batch_size=2, n_epochs=2, rng=0
    ),
    "momentum_step": call(
        _P, _G, MomentumState(np.array([0.25, 0.0, 1.0])), learning_rate=0.1, nesterov=True
    ),
    "adagrad_step": call(_P, _G, AdagradState(np.array([1.0, 0.0, 4.0])), learning_rate=0.1),
    "rmsprop_step": call(_P, _G, RMSpropState(np.array([1.0, 0.0, 4.0])), alpha=0.9),
    "adam_step": call(_P, _G, AdamState(3, np.array([0.1, 0.0, -0.5]), np.array([1.0, 0.0, 4.0]))),
    "adamw_step": call(
        _P,
        _G,
        AdamState(3, np.array([0.1, 0.0, -0.5]), np.array([1.0, 0.0, 4.0])),
        weight_decay=0.1,
    ),
    "has_converged": call(np.array([4.0, 2.0, 1.0, 0.9, 0.89, 0.889]), tol=0.05, patience=2),
    "is_convex_on": call(_bowl, np.array([-1.0, 0.0]), np.array([2.0, 3.0]), n=50, rng=0),
    "gradient_descent_step": call(np.array([1.0, 2.0]), np.array([0.5, 1.0]), learning_rate=0.1),
    "gradient_descent": call(_quadratic_grad, np.array([1.0, -2.0]), n_steps=5),
}

# Extreme but finite inputs; +-1e150 where the update squares the gradient.
_BIG = np.array([1e308, -1e308, 0.0])
_HUGE_GRAD = np.array([1e150, -1e150, 1e-300])
EXTREME = {
    "numerical_gradient": call(_sum, _BIG, h=1e300),
    "partial_derivative": call(_sum, _BIG, 0, h=1e300),
    "sgd_step": call(_BIG, _BIG, learning_rate=0.5),
    "minibatch_sgd": call(
        _decay_grad, _BIG, _BIG, _BIG, learning_rate=0.5, batch_size=2, n_epochs=2, rng=0
    ),
    "momentum_step": call(_BIG, _BIG, MomentumState(_BIG.copy()), learning_rate=0.5, momentum=0.5),
    "adagrad_step": call(_BIG, _HUGE_GRAD, AdagradState(np.array([1e300, 0.0, 1e-300]))),
    "rmsprop_step": call(_BIG, _HUGE_GRAD, RMSpropState(np.array([1e300, 0.0, 1e-300]))),
    "adam_step": call(_BIG, _HUGE_GRAD, AdamState(10**9, _BIG / 2, np.array([1e300, 0.0, 1e-300]))),
    "adamw_step": call(
        _BIG,
        _HUGE_GRAD,
        AdamState(10**9, _BIG / 2, np.array([1e300, 0.0, 1e-300])),
        weight_decay=1.0,
    ),
    "has_converged": call(np.array([1e308, -1e308, 1e308, 1e308]), tol=1.0),
    "is_convex_on": call(np.abs, -1e308, 1e308, n=50, rng=0),
    "gradient_descent_step": call(BIG, BIG, learning_rate=0.5),
    "gradient_descent": call(_quadratic_grad, BIG, learning_rate=0.5, n_steps=3),
}

BAD = {
    "numerical_gradient": {
        "shape": call(_vector_valued, [1.0, 2.0]),
        "empty": call(_bowl, []),
        "nan": call(_bowl, [1.0, NAN]),
    },
    "partial_derivative": {
        "shape": call(_vector_valued, [1.0, 2.0], 0),
        "empty": call(_bowl, [], 0),
        "nan": call(_bowl, [1.0, NAN], 0),
    },
    "sgd_step": {
        "shape": call([1.0, 2.0], [1.0], learning_rate=0.1),
        "empty": call([], [], learning_rate=0.1),
        "nan": call([1.0, NAN], [1.0, 1.0], learning_rate=0.1),
    },
    "minibatch_sgd": {
        "shape": call(
            _batch_grad,
            [1.0, 2.0, 3.0],
            [2.0, 4.0],
            0.0,
            learning_rate=0.1,
            batch_size=1,
            n_epochs=1,
        ),
        "empty": call(_batch_grad, [], [], 0.0, learning_rate=0.1, batch_size=1, n_epochs=1),
        "nan": call(
            _batch_grad, [1.0, NAN], [2.0, 4.0], 0.0, learning_rate=0.1, batch_size=1, n_epochs=1
        ),
    },
    "momentum_step": {
        "shape": call([1.0, 2.0], [1.0, 2.0], MomentumState([1.0]), learning_rate=0.1),
        "empty": call([], [], learning_rate=0.1),
        "nan": call([1.0, 2.0], [1.0, 2.0], MomentumState([0.0, NAN]), learning_rate=0.1),
    },
    "adagrad_step": {
        "shape": call([1.0, 2.0], [[1.0, 2.0]]),
        "empty": call([], []),
        "nan": call([1.0, 2.0], [NAN, 2.0]),
    },
    "rmsprop_step": {
        "shape": call([1.0, 2.0], [1.0, 2.0], RMSpropState([1.0, 2.0, 3.0])),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 2.0]),
    },
    "adam_step": {
        "shape": call([1.0, 2.0], [1.0, 2.0], AdamState(1, [0.0, 0.0], [[1.0, 1.0]])),
        "empty": call([], []),
        "nan": call([1.0, 2.0], [1.0, 2.0], AdamState(1, [0.0, NAN], [1.0, 1.0])),
    },
    "adamw_step": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 2.0]),
    },
    "has_converged": {
        "shape": call([[1.0, 0.5], [0.25, 0.125]], tol=0.1),
        "empty": call([], tol=0.1),
        "nan": call([1.0, NAN, 0.5], tol=0.1),
    },
    "is_convex_on": {
        "shape": call(_bowl, [0.0, 1.0], [1.0, 2.0, 3.0]),
        "empty": call(_bowl, [], []),
        "nan": call(_bowl, [0.0, NAN], [1.0, 2.0]),
    },
    "gradient_descent_step": {
        "shape": call([1.0, 2.0], [1.0], learning_rate=0.1),
        "empty": call([], [], learning_rate=0.1),
        "nan": call([1.0, NAN], [1.0, 1.0], learning_rate=0.1),
    },
    "gradient_descent": {
        "shape": call(_wrong_shape_grad, [1.0, 2.0]),
        "empty": call(_quadratic_grad, []),
        "nan": call(_quadratic_grad, [1.0, NAN]),
    },
}
