"""Rows for tests/test_reference_common.py: dlterms.recurrent."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
_rng = np.random.default_rng(0)
T, N, D, H = 4, 2, 3, 2
XS = _rng.normal(size=(T, N, D))
H0, C0 = _rng.normal(size=(N, H)), _rng.normal(size=(N, H))
LSTM = (_rng.normal(size=(4 * H, D)), 0.5 * _rng.normal(size=(4 * H, H)))
LSTM_B = (_rng.normal(size=4 * H), _rng.normal(size=4 * H))
GRU = (_rng.normal(size=(3 * H, D)), 0.5 * _rng.normal(size=(3 * H, H)))
GRU_B = (_rng.normal(size=3 * H), _rng.normal(size=3 * H))
GRAD_HS = _rng.normal(size=(T, N, H))

# Sums near the float range: the gates saturate to exactly 0 or 1 and tanh to +-1.
BIG_XS = np.array([[[1e308, -1e308]], [[-1e308, 1e308]]])  # (T=2, n=1, d_in=2)
BIG_STATE = np.array([[1e308]])


def _big(n_gates):
    return np.tile([[0.5, 0.25]], (n_gates, 1)), np.full((n_gates, 1), 1e300)


VALID = {
    "lstm_cell": call(XS[0], H0, C0, *LSTM, *LSTM_B),
    "lstm_forward": call(XS, H0, C0, *LSTM, *LSTM_B),
    "lstm_bptt": call(XS, H0, C0, (*LSTM, *LSTM_B), GRAD_HS),
    "gru_cell": call(XS[0], H0, *GRU, *GRU_B),
    "gru_forward": call(XS, H0, *GRU, *GRU_B),
    "gru_bptt": call(XS, H0, (*GRU, *GRU_B), GRAD_HS),
}

EXTREME = {
    "lstm_cell": call(BIG_XS[0], BIG_STATE, -BIG_STATE, *_big(4), np.full(4, -1e308)),
    "lstm_forward": call(BIG_XS, BIG_STATE, BIG_STATE, *_big(4), None, np.full(4, 1e308)),
    "lstm_bptt": call(BIG_XS, [[0.0]], BIG_STATE, (*_big(4), None, None), np.ones((2, 1, 1))),
    "gru_cell": call(BIG_XS[0], -BIG_STATE, *_big(3), np.full(3, 1e308), np.full(3, -1e308)),
    "gru_forward": call(BIG_XS, BIG_STATE, *_big(3), None, np.full(3, 1e308)),
    "gru_bptt": call(BIG_XS, [[1.0]], (*_big(3), None, None), np.full((2, 1, 1), 1e300)),
}

_L1 = ([[1.0]] * 4, [[1.0]] * 4)  # weight_ih, weight_hh of a one-unit LSTM
_G1 = ([[1.0]] * 3, [[1.0]] * 3)
BAD = {
    "lstm_cell": {
        "shape": call([1.0], [0.0], [0.0], [[1.0]] * 3, [[1.0]] * 3),
        "empty": call(np.zeros((0, 1)), np.zeros((0, 1)), np.zeros((0, 1)), *_L1),
        "nan": call([NAN], [0.0], [0.0], *_L1),
    },
    "lstm_forward": {
        "shape": call([[1.0]], [0.0], [0.0, 0.0], *_L1),
        "empty": call(np.zeros((0, 1)), [0.0], [0.0], *_L1),
        "nan": call([[1.0]], [0.0], [NAN], *_L1),
    },
    "lstm_bptt": {
        "shape": call([[1.0], [2.0]], [0.0], [0.0], (*_L1, None, None), [[1.0]]),
        "empty": call([[1.0]], [0.0], [0.0], (*_L1, None, None), np.zeros((0, 1))),
        "nan": call([[1.0]], [0.0], [0.0], (*_L1, None, None), [[NAN]]),
    },
    "gru_cell": {
        "shape": call([1.0], [0.0], [[1.0]] * 4, [[1.0]] * 4),
        "empty": call(np.zeros((0, 1)), np.zeros((0, 1)), *_G1),
        "nan": call([1.0], [NAN], *_G1),
    },
    "gru_forward": {
        "shape": call([[1.0]], [[0.0]], *_G1),
        "empty": call(np.zeros((0, 1)), [0.0], *_G1),
        "nan": call([[NAN]], [0.0], *_G1),
    },
    "gru_bptt": {
        "shape": call([[1.0]], [0.0], (*_G1, None, None), [[1.0, 1.0]]),
        "empty": call(np.zeros((0, 1)), [0.0], (*_G1, None, None), np.zeros((0, 1))),
        "nan": call([[1.0]], [0.0], (*_G1, None, None), [[NAN]]),
    },
}
