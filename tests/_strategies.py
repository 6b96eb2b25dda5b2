"""Hypothesis strategies, settings and helpers that several test modules share.

Import what a test module needs: ``from _strategies import PROPERTY, eighths``.
The oracle libraries come from fixtures in ``conftest.py`` (``torch``,
``special``, ``sk_metrics``, ``sk_cluster``), each behind ``pytest.importorskip``
so that a missing oracle skips its tests rather than failing them.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: Comparisons with an independent implementation (a library or a plain loop).
ORACLE = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: Identities and inequalities that hold for every valid input.
PROPERTY = settings(max_examples=50, deadline=None, database=None)
#: Statistical checks whose every example is expensive.
FEW = settings(max_examples=10, deadline=None, database=None)

#: Eighths in [-1000, 1000]: exact in binary, so sums and differences are exact too.
eighths = st.integers(-8000, 8000).map(lambda i: i / 8)
moderate = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
small = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
any_finite = st.floats(allow_nan=False, allow_infinity=False)

#: sklearn warns when only one label occurs; the drawn labels often do, on purpose.
SINGLE_LABEL_OK = pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")


def float_arrays(elements=moderate, min_dims=1, max_dims=3, max_side=5):
    """Float64 arrays of a drawn shape, every side at least 1."""
    shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)
    return hnp.arrays(np.float64, shapes, elements=elements)


def label_arrays(n, n_labels):
    """Int64 label arrays of length `n` with values in ``range(n_labels)``."""
    return hnp.arrays(np.int64, n, elements=st.integers(0, n_labels - 1))


def label_pairs(n_labels=2, max_size=30):
    """Pairs (y_true, y_pred) of equal-length int label arrays."""
    return st.integers(1, max_size).flatmap(
        lambda n: st.tuples(label_arrays(n, n_labels), label_arrays(n, n_labels))
    )


def images(data, max_side=7, elements=small):
    """Draw an (N, C, H, W) float64 array."""
    shape = (
        data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(1, max_side)),
        data.draw(st.integers(1, max_side)),
    )
    return data.draw(hnp.arrays(np.float64, shape, elements=elements))


def as_tensor(torch, array, grad=False):
    """A float64 torch tensor holding a copy of `array`."""
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def assert_close(actual, expected, rtol=1e-10, atol=1e-12):
    """``np.testing.assert_allclose`` with the tolerances the oracle tests share."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
