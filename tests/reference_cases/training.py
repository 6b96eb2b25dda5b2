"""Rows for tests/test_reference_common.py: dlterms.training.

The checkpoint rows need files: they are written once, at import, into a temporary
folder that is removed when the test session ends.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
X = _rng.normal(size=(7, 2))
Y = np.array([0, 1, 1, 0, 1, 0, 0])
X_VAL = _rng.normal(size=(3, 2))
Y_VAL = np.array([1, 0, 1])
PARAMS = [(_rng.normal(size=(2, 3)), np.zeros(3)), (_rng.normal(size=(3, 2)), np.ones(2))]

# Huge inputs need a tiny step: every gradient grows like x, which is also the
# scale of the logits; log-softmax keeps their cross-entropy finite.
X_BIG = np.array([[1e100, -1e100], [-1e100, 1e100], [1e100, 1e100], [-1e100, -1e100]])
BIG_PARAMS = [(np.array([[1e300, -1e-300]]), np.array([-1e300, 5e-324]))]


def _half_gap_grad(w, x_batch, y_batch):
    """(w - max y) / 2, in halves first so no extreme input overflows."""
    return w / 2 - np.max(y_batch) / 2


_MICRO = [(X[:3], X[:3, 0]), (X[3:], X[3:, 1])]
_BIG_MICRO = [(X_BIG[:1], np.array([1e308])), (X_BIG[1:], np.array([-1e308, 5e-324, 1e308]))]

_DIR = Path(tempfile.mkdtemp(prefix="dlterms-training-cases-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)


def _write(name: str, **arrays) -> str:
    """A raw .npz file, for checkpoints that save_checkpoint itself would refuse."""
    path = _DIR / name
    np.savez(path, **arrays)
    return str(path)


SAVED = _write(
    "valid.npz",
    **{"params.0.weight": PARAMS[0][0], "params.0.bias": PARAMS[0][1]},
    **{"params.1.weight": PARAMS[1][0], "params.1.bias": PARAMS[1][1]},
    **{"meta.epoch": np.array(3), "meta.note": np.array("after warm-up")},
)
SAVED_BIG = _write(
    "big.npz",
    **{"params.0.weight": BIG_PARAMS[0][0], "params.0.bias": BIG_PARAMS[0][1]},
    **{"meta.loss": np.array(1e308)},
)
MISMATCHED = _write(
    "mismatched.npz",
    **{"params.0.weight": np.ones((2, 3)), "params.0.bias": np.zeros(3)},
    **{"params.1.weight": np.ones((4, 1)), "params.1.bias": np.zeros(1)},
)
NO_PARAMS = _write("empty.npz", **{"meta.epoch": np.array(0)})
WITH_NAN = _write(
    "nan.npz", **{"params.0.weight": np.array([[1.0, NAN]]), "params.0.bias": np.zeros(2)}
)


VALID = {
    "accumulate_gradients": call(_half_gap_grad, np.array([0.5, -1.0]), _MICRO),
    "minibatches": call(X, Y, batch_size=3, rng=0, drop_last=True),
    "count_iterations": call(1000, 32, 10, drop_last=True),
    "fit_mlp": call(
        X,
        Y,
        X_VAL,
        Y_VAL,
        layer_sizes=[2, 3, 2],
        learning_rate=0.1,
        batch_size=3,
        n_epochs=2,
        rng=0,
        initial_params=PARAMS,
        first_epoch=4,
        frozen_layers=1,
    ),
    "generalization_gap": call(np.array([0.5, 0.25]), np.array([0.5, 0.75])),
    "save_checkpoint": call(str(_DIR / "saved.npz"), PARAMS, epoch=3, seed=0),
    "load_checkpoint": call(SAVED),
}

EXTREME = {
    "accumulate_gradients": call(_half_gap_grad, np.array([1e308, -1e308]), _BIG_MICRO),
    "minibatches": call(np.array([[1e308], [-1e308], [5e-324]]), np.array([1, 0, 1]), batch_size=2),
    "count_iterations": call(10**30, 7, 10**20),
    "fit_mlp": call(
        X_BIG,
        np.array([0, 1, 1, 0]),
        X_BIG,
        np.array([0, 1, 1, 0]),
        layer_sizes=[2, 2, 2],
        learning_rate=1e-200,
        batch_size=2,
        n_epochs=2,
        rng=0,
    ),
    "generalization_gap": call(np.array([1e308, -1e308, 0.0]), np.array([1e308, -1e308, 1e308])),
    "save_checkpoint": call(_DIR / "big-saved.npz", BIG_PARAMS, loss=1e308, step=2**62),
    "load_checkpoint": call(SAVED_BIG),
}

BAD = {
    "accumulate_gradients": {
        "shape": call(_half_gap_grad, [0.5], [(X[:3], Y[:2])]),
        "empty": call(_half_gap_grad, [0.5], []),
        "nan": call(_half_gap_grad, [0.5], [(X[:2], np.array([1.0, NAN]))]),
    },
    "minibatches": {
        "shape": call(np.ones((3, 2)), np.ones(4), batch_size=2),
        "empty": call(np.ones((0, 2)), np.ones(0), batch_size=2),
        "nan": call([[1.0], [NAN]], [0, 1], batch_size=1),
    },
    "count_iterations": {
        "shape": Expect(call([100], 10, 2), raises=TypeError, why="counts are ints, not arrays"),
        "empty": call(0, 10, 2),
        "nan": Expect(call(100, 10, NAN), raises=TypeError, why="counts are ints, not floats"),
    },
    "fit_mlp": {
        "shape": call(
            X[:, :1],
            Y,
            X_VAL,
            Y_VAL,
            layer_sizes=[2, 2],
            learning_rate=0.1,
            batch_size=2,
            n_epochs=1,
        ),
        "empty": call(
            np.ones((0, 2)),
            np.zeros(0, dtype=int),
            X_VAL,
            Y_VAL,
            layer_sizes=[2, 2],
            learning_rate=0.1,
            batch_size=2,
            n_epochs=1,
        ),
        "nan": call(
            X,
            Y,
            np.array([[NAN, 0.0]]),
            [0],
            layer_sizes=[2, 2],
            learning_rate=0.1,
            batch_size=2,
            n_epochs=1,
        ),
    },
    "generalization_gap": {
        "shape": call([0.5, 0.25], [0.5, 0.25, 0.125]),
        "empty": call([], []),
        "nan": call([0.5, NAN], [0.5, 0.25]),
    },
    "save_checkpoint": {
        "shape": call(str(_DIR / "bad.npz"), [(np.ones((2, 3)), None), (np.ones((4, 1)), None)]),
        "empty": call(str(_DIR / "bad.npz"), []),
        "nan": call(str(_DIR / "bad.npz"), [(np.array([[1.0, NAN]]), None)]),
    },
    "load_checkpoint": {
        "shape": call(MISMATCHED),
        "empty": call(NO_PARAMS),
        "nan": call(WITH_NAN),
    },
}
