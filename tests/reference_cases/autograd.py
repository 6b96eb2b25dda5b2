"""Rows for tests/test_reference_common.py: the functions of dlterms.autograd."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import NAN, call


def every_operation(a, b, c):
    """One expression using every operation of dlterms.autograd.Value, `a` and `c` twice."""
    mixed = (a * b + c).tanh() + (a - c).sigmoid() * b.relu() - (c * c + 1.0).log() / 2.0
    return mixed + (-a).exp() * (b**2) / (1.0 + c**2)


def saturating(a, b, c):
    """Functions that stay finite, with finite slopes, at +-1e308."""
    return a.tanh() + b.sigmoid() + a.log() + b.relu() - c.tanh()


VALID = {"grad": call(every_operation, np.array([0.5, -1.5, 2.0]))}

EXTREME = {"grad": call(saturating, np.array([1e308, -1e308, -1e308]))}

BAD = {
    "grad": {
        "shape": call(every_operation, np.ones((1, 3))),
        "empty": call(every_operation, np.zeros(0)),
        "nan": call(every_operation, np.array([0.5, NAN, 2.0])),
    }
}
