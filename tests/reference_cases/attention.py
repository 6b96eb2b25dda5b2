"""Rows for tests/test_reference_common.py: dlterms.attention."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
Q, K, V = _rng.normal(size=(2, 3, 4)), _rng.normal(size=(2, 5, 4)), _rng.normal(size=(2, 5, 3))
X = _rng.normal(size=(2, 3, 4))
PARAMS = {name: _rng.normal(size=(4, 4)) for name in ("w_q", "w_k", "w_v", "w_o")}
PARAMS["b_q"] = _rng.normal(size=4)
CACHE = (_rng.normal(size=(2, 3, 4)), _rng.normal(size=(2, 3, 4)))

# Scores up to 1e300 stay finite; one key wins outright, so values near the float range
# come out unchanged.
BIG_Q = np.array([[1e150, -1e150]])
BIG_K = np.array([[1e150, 1e150], [-1e150, 1e150]])
BIG_V = np.array([[1e300], [-1e300]])
HALF = {name: 0.5 * np.eye(2) for name in ("w_q", "w_k", "w_v", "w_o")}
BIG_X = np.array([[[1e150, -1e150], [-1e150, 1e150]]])

VALID = {
    "causal_mask": call(3, 4),
    "padding_mask": call(np.array([2, 3]), max_length=4),
    "scaled_dot_product_attention": call(
        Q, K, V, mask=np.array([True, True, False, True, False]), return_weights=True
    ),
    "scaled_dot_product_attention_grad": call(Q, K, V, np.ones((2, 3, 3)), causal=True),
    "multi_head_attention": call(Q, K, K, PARAMS, n_heads=2, mask=np.ones((2, 1, 5), bool)),
    "kv_cache_step": call(X[:, 0], CACHE, PARAMS, n_heads=2),
}

EXTREME = {
    "causal_mask": call(1, 100_000),
    "padding_mask": call(np.array([1, 100_000])),
    "scaled_dot_product_attention": call(BIG_Q, BIG_K, BIG_V),
    "scaled_dot_product_attention_grad": call(BIG_Q, BIG_K, BIG_V, np.array([[1.0]])),
    "multi_head_attention": call(BIG_X, BIG_X, BIG_X, HALF, n_heads=2, causal=True),
    "kv_cache_step": call(
        np.array([[1e150, -1e150]]), (BIG_X.copy(), BIG_X.copy()), HALF, n_heads=1
    ),
}

_P1 = {name: [[1.0]] for name in ("w_q", "w_k", "w_v", "w_o")}
BAD = {
    "causal_mask": {
        "shape": Expect(call([3]), raises=TypeError, why="sizes are ints, not arrays"),
        "empty": call(0),
        "nan": Expect(call(NAN), raises=TypeError, why="sizes are ints, not floats"),
    },
    "padding_mask": {
        "shape": call([[1, 2]]),
        "empty": call([]),
        "nan": call([1.0, NAN]),
    },
    "scaled_dot_product_attention": {
        "shape": call([[1.0, 2.0]], [[1.0]], [[1.0]]),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2))),
        "nan": call([[NAN]], [[1.0]], [[1.0]]),
    },
    "scaled_dot_product_attention_grad": {
        "shape": call([[1.0]], [[1.0]], [[1.0]], [[1.0, 2.0]]),
        "empty": call(np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1))),
        "nan": call([[1.0]], [[1.0]], [[1.0]], [[NAN]]),
    },
    "multi_head_attention": {
        "shape": call([[1.0, 2.0]], [[1.0]], [[1.0]], _P1, n_heads=1),
        "empty": call(np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1)), _P1, n_heads=1),
        "nan": call([[NAN]], [[1.0]], [[1.0]], _P1, n_heads=1),
    },
    "kv_cache_step": {
        "shape": call([[1.0, 2.0]], None, _P1, n_heads=1),
        "empty": call(np.zeros((0, 1)), None, _P1, n_heads=1),
        "nan": call([[NAN]], None, _P1, n_heads=1),
    },
}
