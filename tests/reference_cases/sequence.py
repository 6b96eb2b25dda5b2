"""Rows for tests/test_reference_common.py: dlterms.sequence."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
XS = _rng.normal(size=(5, 2, 3))  # (T, n, d_in)
H0 = _rng.normal(size=(2, 4))  # (n, hidden)
W_XH, W_HH, B_H = _rng.normal(size=(3, 4)), 0.5 * _rng.normal(size=(4, 4)), _rng.normal(size=4)
GRAD_HS = _rng.normal(size=(5, 2, 4))

# Pre-activations near the float range saturate tanh to exactly +-1 (their sums stay finite).
BIG_XS = np.array([[[1e308, -1e308]], [[-1e308, 1e308]]])  # (T=2, n=1, d_in=2)
BIG_W_XH = np.array([[0.5], [0.25]])
BIG_W_HH = np.array([[1e300]])
BIG_ID = 2**62

W2 = (_rng.normal(size=(3, 4)), 0.5 * _rng.normal(size=(4, 4)), _rng.normal(size=4))

VALID = {
    "bidirectional_rnn_forward": call(XS, np.stack([H0, -H0]), (W_XH, W_HH, B_H), W2),
    "rnn_cell": call(XS[0], H0, W_XH, W_HH, B_H),
    "rnn_forward": call(XS, H0, W_XH, W_HH, B_H),
    "rnn_bptt": call(XS, H0, (W_XH, W_HH, B_H), GRAD_HS, truncate=2),
    "truncate_at_eos": call(np.array([[5, 2, 7], [4, 6, 2]]), 2, keep_eos=False, pad_id=9),
    "pad_sequences": call([np.array([1, 2, 3]), np.array([4])], pad_id=0, max_length=2),
}

EXTREME = {
    "bidirectional_rnn_forward": call(
        BIG_XS, np.array([[[0.0]], [[1e308]]]), (BIG_W_XH, BIG_W_HH), (BIG_W_XH, -BIG_W_HH)
    ),
    "rnn_cell": call(BIG_XS[0], np.array([[1.0]]), BIG_W_XH, BIG_W_HH, np.array([-1e308])),
    "rnn_forward": call(BIG_XS, np.array([[0.0]]), BIG_W_XH, BIG_W_HH, np.array([1e308])),
    "rnn_bptt": call(
        BIG_XS, np.array([[0.0]]), (BIG_W_XH, BIG_W_HH, np.array([0.0])), np.full((2, 1, 1), 1e300)
    ),
    "truncate_at_eos": call(np.array([[BIG_ID, 0, BIG_ID], [1, 1, 1]]), BIG_ID, pad_id=BIG_ID),
    "pad_sequences": call([np.array([BIG_ID]), np.array([0, 2**63 - 1])], pad_id=BIG_ID),
}

_ONE = ([[1.0]], [[1.0]])  # w_xh, w_hh of a one-unit RNN with one input feature
BAD = {
    "bidirectional_rnn_forward": {
        "shape": call([[1.0]], [0.0], _ONE, _ONE),
        "empty": call(np.zeros((0, 1)), [[0.0], [0.0]], _ONE, _ONE),
        "nan": call([[NAN]], [[0.0], [0.0]], _ONE, _ONE),
    },
    "rnn_cell": {
        "shape": call([[1.0, 2.0]], [[0.0]], *_ONE),
        "empty": call(np.zeros((0, 1)), np.zeros((0, 1)), *_ONE),
        "nan": call([NAN], [0.0], *_ONE),
    },
    "rnn_forward": {
        "shape": call([[[1.0]]], [[0.0, 0.0]], *_ONE),
        "empty": call(np.zeros((0, 1, 1)), [[0.0]], *_ONE),
        "nan": call([[1.0], [NAN]], [0.0], *_ONE),
    },
    "rnn_bptt": {
        "shape": call([[1.0], [2.0]], [0.0], (*_ONE, [0.0]), [[1.0]]),
        "empty": call(np.zeros((0, 1)), [0.0], (*_ONE, [0.0]), np.zeros((0, 1))),
        "nan": call([[1.0]], [0.0], (*_ONE, [0.0]), [[NAN]]),
    },
    "truncate_at_eos": {
        "shape": call(np.zeros((2, 2, 2), dtype=int), 0),
        "empty": call([], 0),
        "nan": call([1.0, NAN], 2),
    },
    "pad_sequences": {
        "shape": call([[[1, 2]]]),
        "empty": call([]),
        "nan": call([[1.0, NAN]]),
    },
}
