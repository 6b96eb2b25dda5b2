"""Rows for tests/test_reference_common.py: dlterms.language_models."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
TABLE = _rng.normal(size=(5, 3))
LOGITS = _rng.normal(size=(2, 4, 5))
TOKENS = np.array([[0, 4, 2, 1], [3, 3, 0, 2]])
EXP = np.array([[[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 1000.0]]])

VALID = {
    "embedding": call(TOKENS, TABLE),
    "embedding_grad": call(TOKENS, _rng.normal(size=(2, 4, 3)), 5),
    "logit": call(np.array([0.25, 0.5, 0.9])),
    "next_token_loss": call(LOGITS, TOKENS, ignore_index=3),
    "perplexity": call(LOGITS, TOKENS),
    "mask_tokens": call(TOKENS, mask_id=4, vocab_size=5, mask_prob=0.5, rng=0),
    "masked_lm_loss": call(LOGITS, np.array([[-100, 4, -100, 1], [3, -100, -100, -100]])),
}

EXTREME = {
    "embedding": call(np.array([1, 0, 1]), np.array([[1e308, -1e308], [-1e308, 5e307]])),
    "embedding_grad": call(np.array([0, 1]), np.array([[1e308, -1e308], [-1e308, 1e308]]), 2),
    "logit": call(np.array([1e-300, 1.0 - 2.0**-53, 0.5])),
    "next_token_loss": call(EXP, np.array([[0, 1, 0]])),
    "perplexity": call(EXP[0], np.array([0, 1, 1])),
    "mask_tokens": call(np.array([0, 2**40]), mask_id=0, vocab_size=2**40 + 1, rng=0),
    "masked_lm_loss": call(EXP, np.array([[0, -100, 1]])),
}

BAD = {
    "embedding": {
        "shape": call([0, 1], [1.0, 2.0]),
        "empty": call(np.array([], dtype=int), np.ones((2, 2))),
        "nan": call([0, 1], [[1.0, NAN], [0.0, 0.0]]),
    },
    "embedding_grad": {
        "shape": call([0, 1], np.ones((3, 2)), 2),
        "empty": call(np.array([], dtype=int), np.ones((0, 2)), 2),
        "nan": call([0, 1], [[1.0, NAN], [0.0, 0.0]], 2),
    },
    "logit": {
        "shape": call([[0.5], [0.5, 0.25]]),
        "empty": call([]),
        "nan": call([0.5, NAN]),
    },
    "next_token_loss": {
        "shape": call(np.zeros((4, 5)), [0, 1, 2]),
        "empty": call(np.zeros((0, 5)), np.array([], dtype=int)),
        "nan": call([[0.0, NAN], [0.0, 0.0]], [0, 1]),
    },
    "perplexity": {
        "shape": call(np.zeros((2, 3)), [0, 1, 2]),
        "empty": call(np.zeros((0, 3)), np.array([], dtype=int)),
        "nan": call([[0.0, NAN]], [1]),
    },
    "mask_tokens": {
        "shape": call([0, 5], mask_id=0, vocab_size=5),
        "empty": call(np.array([], dtype=int), mask_id=0, vocab_size=5),
        "nan": Expect(
            call([0.0, NAN], mask_id=0, vocab_size=5), raises=TypeError, why="ids are ints"
        ),
    },
    "masked_lm_loss": {
        "shape": call(np.zeros((2, 3)), [0, 1, 2]),
        "empty": call(np.zeros((0, 3)), np.array([], dtype=int)),
        "nan": call([[0.0, NAN]], [1]),
    },
}
