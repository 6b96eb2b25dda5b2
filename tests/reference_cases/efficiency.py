"""Rows for tests/test_reference_common.py: dlterms.efficiency."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
W = _rng.normal(size=(3, 4))
A = _rng.normal(size=(2, 4))
B = _rng.normal(size=(3, 2))
X = _rng.normal(size=(5, 4))
LOGITS = _rng.normal(size=(3, 6))
EXP = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])

VALID = {
    "lora_forward": call(X, W, A, B, alpha=4.0, bias=np.ones(3)),
    "lora_merge": call(W, A, B, alpha=4.0),
    "distillation_loss": call(LOGITS, LOGITS[::-1].copy(), temperature=2.0),
    "quantization_params": call(X, dtype="int8"),
    "quantize": call(X, 0.05, 3, dtype="int8"),
    "dequantize": call(np.array([0, 13, 255]), 0.5, 10),
    "round_to_float16": call(X),
    "round_to_bfloat16": call(X),
}

EXTREME = {
    "lora_forward": call(
        np.array([[1e150, -1e150]]),
        np.eye(2),
        np.array([[1e-150, 0.0]]),
        np.array([[0.0], [1e-150]]),
        alpha=1.0,
    ),
    "lora_merge": call(
        np.array([[1e308, -1e308]]), np.array([[1e150, 0.0]]), np.array([[-1e150]]), alpha=1.0
    ),
    "distillation_loss": call(EXP, EXP[::-1].copy(), temperature=10.0),
    "quantization_params": call(np.array([1e308, -1e308]), dtype="int8"),
    "quantize": call(np.array([1e308, -1e308, 0.0]), 1e-300, 0, dtype="int8"),
    "dequantize": call(np.array([-128, 127]), 1e300, 0, dtype="int8"),
    "round_to_float16": call(np.array([65519.0, -65504.0, 1e-300, -1e-320])),
    "round_to_bfloat16": call(np.array([3.3e38, -3.38e38, 1e-300, 1e-44])),
}

BAD = {
    "lora_forward": {
        "shape": call(X, W, A, B.T, alpha=1.0),
        "empty": call(np.zeros((0, 4)), W, A, B, alpha=1.0),
        "nan": call(X, W, A, B, alpha=NAN),
    },
    "lora_merge": {
        "shape": call(W, A.T, B, alpha=1.0),
        "empty": call(np.zeros((0, 4)), A, np.zeros((0, 2)), alpha=1.0),
        "nan": call(W, A, np.full((3, 2), NAN), alpha=1.0),
    },
    "distillation_loss": {
        "shape": call(np.zeros((2, 3)), np.zeros((2, 4))),
        "empty": call([], []),
        "nan": call([[0.0, NAN]], [[0.0, 0.0]]),
    },
    "quantization_params": {
        "shape": call([[1.0], [1.0, 2.0]]),
        "empty": call([]),
        "nan": call([1.0, NAN]),
    },
    "quantize": {
        "shape": call([[1.0], [1.0, 2.0]], 0.5, 0),
        "empty": call([], 0.5, 0),
        "nan": call([1.0, NAN], 0.5, 0),
    },
    "dequantize": {
        "shape": call([0, 300], 0.5, 0),
        "empty": call(np.array([], dtype=int), 0.5, 0),
        "nan": Expect(call([1.0, NAN], 0.5, 0), raises=TypeError, why="q holds ints"),
    },
    **{
        name: {"shape": call([[1.0], [1.0, 2.0]]), "empty": call([]), "nan": call([1.0, NAN])}
        for name in ("round_to_float16", "round_to_bfloat16")
    },
}
