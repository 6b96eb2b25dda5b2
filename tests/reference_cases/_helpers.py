"""Row builders shared by tests/test_reference_common.py and the per-topic case tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["BIG", "EXP", "NAN", "Call", "Expect", "call"]

NAN = float("nan")
#: Extreme but finite inputs: +-1e308 where the exact result is representable, +-1000
#: for exponentials (rows use +-1e150 where the maths squares its input).
BIG = np.array([1e308, -1e308, 0.0])
EXP = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])


@dataclass(frozen=True)
class Call:
    """The arguments of one call of a reference function."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __call__(self, function):
        return function(*self.args, **self.kwargs)


def call(*args, **kwargs) -> Call:
    return Call(args, kwargs)


@dataclass(frozen=True)
class Expect:
    """A bad-input row whose documented outcome is not a ValueError."""

    call: Call
    raises: type[Exception] | None = None
    returns: object = None
    why: str = ""
