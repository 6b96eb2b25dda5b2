"""Rows for dlterms.tuning (see tests/test_reference_common.py)."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import BIG, Call, Expect, call  # noqa: F401  (rows use them)

NAN = float("nan")


def _log_uniform(rng):
    """A learning rate between 1e-4 and 1e-2 on a log scale."""
    return float(10 ** rng.uniform(-4, -2))


_GRID = {"lr": np.array([0.1, 0.01]), "width": np.array([16.0, 32.0, 64.0])}

VALID = {
    "parameter_grid": call(_GRID),
    "sample_parameters": call({"lr": _log_uniform, "width": np.array([16.0, 32.0])}, 3, rng=0),
}

EXTREME = {
    "parameter_grid": call({"a": BIG, "b": np.array([5e-324, -1e-310])}),
    "sample_parameters": call({"a": BIG, "b": np.array([5e-324, -1e-310])}, 6, rng=0),
}

BAD = {
    "parameter_grid": {
        "shape": call({"lr": np.array([[0.1, 0.01]])}),
        "empty": call({"lr": []}),
        "nan": call({"lr": [0.1, NAN]}),
    },
    "sample_parameters": {
        "shape": call({"lr": np.array([[0.1, 0.01]])}, 1, rng=0),
        "empty": call({"lr": []}, 1, rng=0),
        "nan": call({"lr": [0.1, NAN]}, 1, rng=0),
    },
}
