"""Rows for tests/test_reference_common.py: dlterms.transformer."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(1)
X = _rng.normal(size=(2, 3, 4))
W1, B1, W2, B2 = (_rng.normal(size=s) for s in ((4, 6), (6,), (6, 4), (4,)))
BLOCK = {name: _rng.normal(size=(4, 4)) for name in ("w_q", "w_k", "w_v", "w_o")}
BLOCK.update(w_1=W1, b_1=B1, w_2=W2, b_2=B2, gamma_1=_rng.normal(size=4))
EXPERTS = {
    "w_1": _rng.normal(size=(3, 4, 5)),
    "b_1": _rng.normal(size=(3, 5)),
    "w_2": _rng.normal(size=(3, 5, 4)),
}
GATE = _rng.normal(size=(4, 3))

BIG = np.array([[1e308, -1e308, 0.0]])
BIG_X = np.array([[1e300, -1e300], [-1e300, 1e300]])
HALF = {name: 0.5 * np.eye(2) for name in ("w_q", "w_k", "w_v", "w_o", "w_1", "w_2")}

VALID = {
    "sinusoidal_positional_encoding": call(5, 6, base=100.0),
    "rotary_embedding": call(X, positions=np.array([0.0, 2.0, 5.0])),
    "layer_norm": call(X, np.full(4, 2.0), np.ones(4)),
    "layer_norm_grad": call(X, np.ones((2, 3, 4)), np.full(4, 2.0)),
    "rms_norm": call(X, np.full(4, 2.0), eps=1e-6),
    "feed_forward": call(X, W1, B1, W2, B2),
    "transformer_encoder_block": call(X, BLOCK, n_heads=2, norm_first=True, causal=True),
    "patch_embedding": call(_rng.normal(size=(2, 3, 4, 6)), _rng.normal(size=(5, 3, 2, 3))),
    "mixture_of_experts": call(X, GATE, EXPERTS, top_k=2, return_gates=True),
}

EXTREME = {
    "sinusoidal_positional_encoding": call(100_000, 2, base=1e308),
    "rotary_embedding": call(
        np.array([[1e308, 0.0], [0.0, -1e308]]), positions=np.array([0.0, 1e300])
    ),
    "layer_norm": call(BIG),
    "layer_norm_grad": call(BIG, np.array([[1e300, -1e300, 1.0]])),
    "rms_norm": call(BIG, np.array([1e300, -1e300, 1.0])),
    "feed_forward": call(
        np.array([[1e308]]), np.array([[0.5, -0.5]]), None, np.array([[0.5], [0.5]]), None
    ),
    "transformer_encoder_block": call(BIG_X, HALF, n_heads=2, norm_first=True),
    "patch_embedding": call(
        np.full((1, 1, 2, 2), 1e308), np.full((1, 1, 2, 2), 0.25), np.array([-1e308])
    ),
    "mixture_of_experts": call(
        np.array([[1e150]]),
        np.array([[1.0, -1.0]]),
        {"w_1": np.full((2, 1, 1), 0.5), "w_2": np.full((2, 1, 1), 0.5)},
    ),
}

_FF = ([[1.0]], None, [[1.0]], None)
_E1 = {"w_1": [[[1.0]]], "w_2": [[[1.0]]]}
BAD = {
    "sinusoidal_positional_encoding": {
        "shape": Expect(call([3], 2), raises=TypeError, why="sizes are ints, not arrays"),
        "empty": call(0, 2),
        "nan": Expect(call(NAN, 2), raises=TypeError, why="sizes are ints, not floats"),
    },
    "rotary_embedding": {
        "shape": call([[1.0, 2.0, 3.0]]),
        "empty": call(np.zeros((0, 2))),
        "nan": call([[1.0, NAN]]),
    },
    "layer_norm": {
        "shape": call(1.0),
        "empty": call([]),
        "nan": call([1.0, NAN]),
    },
    "rms_norm": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([]),
        "nan": call([1.0, NAN]),
    },
    "layer_norm_grad": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([], []),
        "nan": call([1.0, 2.0], [NAN, 1.0]),
    },
    "feed_forward": {
        "shape": call([[1.0, 2.0]], *_FF),
        "empty": call(np.zeros((0, 1)), *_FF),
        "nan": call([[NAN]], *_FF),
    },
    "transformer_encoder_block": {
        "shape": call([1.0, 2.0], HALF, n_heads=1),
        "empty": call(np.zeros((0, 2)), HALF, n_heads=1),
        "nan": call([[NAN, 1.0]], HALF, n_heads=1),
    },
    "patch_embedding": {
        "shape": call(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))),
        "empty": call(np.ones((0, 1, 2, 2)), np.ones((1, 1, 2, 2))),
        "nan": call(np.full((1, 1, 2, 2), NAN), np.ones((1, 1, 2, 2))),
    },
    "mixture_of_experts": {
        "shape": call([[1.0, 2.0]], [[1.0]], _E1, top_k=1),
        "empty": call(np.zeros((0, 1)), [[1.0]], _E1, top_k=1),
        "nan": call([[NAN]], [[1.0]], _E1, top_k=1),
    },
}
