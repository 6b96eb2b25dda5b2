"""Rows for tests/test_reference_common.py: the functions of dlterms.schedules."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import NAN, Expect, call

STEPS = np.arange(12)
BIG = np.array([0, 2**62])

VALID = {
    "step_decay": call(STEPS, base_lr=0.1, step_size=3, gamma=0.5),
    "linear_warmup": call(STEPS, base_lr=0.1, warmup_steps=4, start_factor=0.25),
    "cosine_decay": call(STEPS, base_lr=0.1, total_steps=10, min_lr=0.01),
    "warmup_cosine": call(STEPS, base_lr=0.1, warmup_steps=3, total_steps=10),
}

EXTREME = {
    "step_decay": call(BIG, base_lr=1e308, step_size=1, gamma=0.5),
    "linear_warmup": call(BIG, base_lr=1e308, warmup_steps=2**62),
    "cosine_decay": call(BIG, base_lr=1e308, total_steps=2**62, min_lr=5e-324),
    "warmup_cosine": call(BIG, base_lr=1e308, warmup_steps=1, total_steps=2**62),
}

_ANY_SHAPE = "a schedule is elementwise: one step (0-d) is a valid shape and gives a float"
_AT_ZERO = {"step_decay": 0.1, "linear_warmup": 0.0, "cosine_decay": 0.1, "warmup_cosine": 0.0}
BAD = {
    name: {
        "shape": Expect(call(0, **kwargs), returns=_AT_ZERO[name], why=_ANY_SHAPE),
        "empty": call(np.zeros(0, dtype=int), **kwargs),
        "nan": Expect(call([0, NAN], **kwargs), raises=TypeError, why="steps are whole numbers"),
    }
    for name, kwargs in {
        "step_decay": {"base_lr": 0.1, "step_size": 2},
        "linear_warmup": {"base_lr": 0.1, "warmup_steps": 2},
        "cosine_decay": {"base_lr": 0.1, "total_steps": 2},
        "warmup_cosine": {"base_lr": 0.1, "warmup_steps": 1, "total_steps": 2},
    }.items()
}
