"""Rows for tests/test_reference_common.py: dlterms.decoding.

The decoders take a model, ``next_logits(prefix)``; the rows use small tables.
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
TABLE = np.log([[0.1, 0.6, 0.3], [0.2, 0.1, 0.7], [0.5, 0.4, 0.1]])
BIG = np.array([[1000.0, -1000.0, 999.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 1000.0]])
LOGITS = np.array([[1.0, 3.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
EXP = np.array([[1e308, -1e308, 1e308], [-1e308, -1e308, 0.0]])


def bigram(prefix):
    return TABLE[prefix[-1]]


def big_bigram(prefix):
    return BIG[prefix[-1]]


def wrong_shape(prefix):
    return np.zeros((1, 3))


def nan_model(prefix):
    return np.array([0.0, NAN, 0.0])


VALID = {
    "temperature_softmax": call(LOGITS, temperature=0.5),
    "top_k_probs": call(LOGITS, 2, temperature=2.0),
    "top_p_probs": call(LOGITS, 0.8),
    "sample_next_token": call(LOGITS, temperature=0.7, top_k=3, top_p=0.9, rng=0),
    "greedy_decode": call(bigram, np.array([0]), max_new_tokens=5, eos_id=2),
    "beam_search": call(bigram, np.array([0, 1]), beam_width=2, max_new_tokens=3),
    "generate": call(bigram, np.array([0]), max_new_tokens=5, top_p=0.9, rng=0),
}

EXTREME = {
    "temperature_softmax": call(EXP),
    "top_k_probs": call(EXP, 2),
    "top_p_probs": call(EXP, 0.5),
    "sample_next_token": call(EXP, top_k=2, rng=0),
    "greedy_decode": call(big_bigram, np.array([0]), max_new_tokens=5),
    "beam_search": call(big_bigram, np.array([0]), beam_width=3, max_new_tokens=4),
    "generate": call(big_bigram, np.array([0]), max_new_tokens=5, temperature=1e-3, rng=0),
}

BAD = {
    **{
        name: {
            "shape": call(np.float64(1.0), **extra),
            "empty": call(np.zeros((2, 0)), **extra),
            "nan": call([0.0, NAN], **extra),
        }
        for name, extra in (("temperature_softmax", {}), ("sample_next_token", {"rng": 0}))
    },
    "top_k_probs": {
        "shape": call(np.float64(1.0), 1),
        "empty": call([], 1),
        "nan": call([0.0, NAN], 1),
    },
    "top_p_probs": {
        "shape": call(np.float64(1.0), 0.5),
        "empty": call([], 0.5),
        "nan": call([0.0, NAN], 0.5),
    },
    **{
        name: {
            "shape": call(wrong_shape, [0], max_new_tokens=2, **extra),
            "empty": call(bigram, np.array([], dtype=int), max_new_tokens=2, **extra),
            "nan": call(nan_model, [0], max_new_tokens=2, **extra),
        }
        for name, extra in (
            ("greedy_decode", {}),
            ("generate", {"rng": 0}),
            ("beam_search", {"beam_width": 2}),
        )
    },
}
