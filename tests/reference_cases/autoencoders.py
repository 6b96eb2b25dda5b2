"""Rows for tests/test_reference_common.py: dlterms.autoencoders."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
X = _rng.normal(size=(4, 3))  # (n, d)
TARGET = _rng.normal(size=(4, 3))
PARAMS = (_rng.normal(size=(3, 2)), _rng.normal(size=2), _rng.normal(size=(2, 3)), np.zeros(3))
TRAIN_X = _rng.normal(size=(6, 3))

# Weighted sums stay inside the float range; tanh saturates them to exactly +-1.
BIG_PARAMS = (
    np.array([[0.5, 0.0], [0.0, -0.5], [0.25, 0.25]]),
    np.zeros(2),
    np.array([[1e300, -1e300, 0.5], [0.5, 1e300, -1e300]]),
    np.array([1e300, 0.0, -1e300]),
)
BIG_X = np.array([[1e308, -1e308, 1e308], [-1e308, 1e308, 0.0]])
HUGE_ERR = np.array([[1e150, -1e150, 1e150], [-1e150, 1e150, 0.0]])  # the loss squares these
SMALL_PARAMS = (np.full((3, 2), 0.5), np.zeros(2), np.full((2, 3), 0.5), np.zeros(3))

VALID = {
    "encode": call(X, PARAMS),
    "decode": call(_rng.normal(size=(4, 2)), PARAMS),
    "reconstruct": call(X, PARAMS),
    "autoencoder_loss": call(X, PARAMS, target=TARGET),
    "autoencoder_loss_grad": call(X, PARAMS, target=TARGET),
    "corrupt": call(X, noise_std=0.1, mask_rate=0.2, rng=0),
    "train_autoencoder": call(
        TRAIN_X, n_hidden=2, n_epochs=3, learning_rate=0.1, batch_size=2, noise_std=0.1, rng=0
    ),
}

EXTREME = {
    "encode": call(BIG_X, BIG_PARAMS),
    "decode": call(np.array([[1e308, -1e308]]), SMALL_PARAMS),
    "reconstruct": call(BIG_X, BIG_PARAMS),
    "autoencoder_loss": call(HUGE_ERR, SMALL_PARAMS),
    "autoencoder_loss_grad": call(HUGE_ERR, SMALL_PARAMS),
    "corrupt": call(BIG_X, noise_std=1.0, mask_rate=0.5, rng=0),
    # huge inputs need a tiny step: the decoder's gradient grows like x, the loss like x^2
    "train_autoencoder": call(
        np.array([[1e100, -1e100], [-1e100, 1e100], [1e100, 1e100]]),
        n_hidden=1,
        n_epochs=2,
        learning_rate=1e-200,
        rng=0,
    ),
}

_P1 = ([[1.0], [1.0]], [0.0], [[1.0, 1.0]], [0.0, 0.0])  # d = 2 features, h = 1 code unit
BAD = {
    **{
        name: {
            "shape": call([[1.0, 2.0, 3.0]], _P1),
            "empty": call(np.zeros((0, 2)), _P1),
            "nan": call([[1.0, NAN]], _P1),
        }
        for name in ("encode", "reconstruct", "autoencoder_loss", "autoencoder_loss_grad")
    },
    "decode": {
        "shape": call([[1.0, 2.0]], _P1),
        "empty": call(np.zeros((0, 1)), _P1),
        "nan": call([NAN], _P1),
    },
    "corrupt": {
        "shape": call([[1.0], [1.0, 2.0]], noise_std=0.1),
        "empty": call([], noise_std=0.1),
        "nan": call([1.0, NAN], noise_std=0.1),
    },
    "train_autoencoder": {
        "shape": call([1.0, 2.0], n_hidden=1, n_epochs=1, learning_rate=0.1),
        "empty": call(np.zeros((0, 2)), n_hidden=1, n_epochs=1, learning_rate=0.1),
        "nan": call([[1.0, NAN]], n_hidden=1, n_epochs=1, learning_rate=0.1),
    },
}
