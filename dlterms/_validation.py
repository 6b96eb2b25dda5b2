"""Private input-validation (and scaling) helpers shared by the reference modules.

Each helper checks one kind of argument and either returns it in a normal form
(a float64 array, a Python int, a ``(h, w)`` pair, a Generator) or raises.
Messages follow one pattern: what the argument must be, then what was received,
e.g. ``"y_pred must have the same shape as y_true; got y_true (3,) and y_pred (4,)."``.
Bad values and shapes raise ValueError; the wrong kind of object raises TypeError.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "as_array",
    "as_class_target",
    "as_dense_params",
    "as_float_array",
    "as_index_array",
    "as_label_arrays",
    "as_pair",
    "as_rng",
    "as_vector",
    "check_axis",
    "check_bool",
    "check_choice",
    "check_class_labels",
    "check_int",
    "check_real",
    "check_same_shape",
    "check_shape",
    "check_window_fits",
    "float_from_scaled",
    "max_exponent",
    "mean_of_squares",
    "power_of_two_scale",
    "probability_sum_tolerance",
    "scalar_or_array",
    "scaled_difference",
    "scaled_mean",
    "unscale_or_refuse",
    "weighted_sum",
]


def as_array(x, name: str) -> np.ndarray:
    """Convert `x` with np.asarray, turning numpy's ragged-list error into a clear one."""
    try:
        return np.asarray(x)
    except ValueError:  # numpy >= 1.24 refuses ragged nested sequences
        raise ValueError(
            f"{name} must be a rectangular array; got a ragged nested sequence."
        ) from None


def _check_ndim(array: np.ndarray, name: str, ndim, layout: str | None) -> None:
    """Raise unless `array.ndim` is `ndim` (an int or a tuple of allowed ints)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if array.ndim not in allowed:
        dims = " or ".join(f"{n}-D" for n in allowed)
        hint = f", shaped {layout}" if layout else ""
        raise ValueError(f"{name} must be {dims}{hint}; got shape {array.shape}.")


def _check_nonempty_finite(array: np.ndarray, name: str) -> None:
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    n_bad = array.size - np.count_nonzero(np.isfinite(array))
    if n_bad:
        raise ValueError(f"{name} must be finite; got {n_bad} NaN or infinite value(s).")


def as_float_array(
    x, name: str, *, ndim=None, min_ndim: int = 0, layout=None, finite: bool = True
) -> np.ndarray:
    """Return `x` as a non-empty float64 array, finite unless ``finite=False``.

    The result may share memory with `x`; callers never write to it. `ndim` is an int
    or a tuple of allowed ints; `layout` (e.g. ``"(N, C, H, W)"``) only improves the
    error message.
    """
    array = as_array(x, name)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {array.dtype}.")
    array = array.astype(np.float64, copy=False)
    if ndim is not None:
        _check_ndim(array, name, ndim, layout)
    if array.ndim < min_ndim:
        raise ValueError(f"{name} must be at least {min_ndim}-D; got shape {array.shape}.")
    if array.size == 0 or finite:
        _check_nonempty_finite(array, name)
    return array


def as_index_array(x, name: str) -> np.ndarray:
    """Return `x` as a non-empty 1-D int64 array of non-negative integers.

    Integer-valued floats such as ``[0.0, 2.0]`` are accepted; fractions, NaN and
    negative values are not.
    """
    array = as_array(x, name)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold integers; got dtype {array.dtype}.")
    _check_ndim(array, name, 1, "(n,)")
    _check_nonempty_finite(array, name)
    if array.dtype.kind == "f" and not np.array_equal(array, np.round(array)):
        raise ValueError(
            f"{name} must hold whole numbers; got {array[array != np.round(array)][0]}."
        )
    if array.min() < 0:
        raise ValueError(f"{name} must be non-negative; got {array.min()}.")
    return array.astype(np.int64)


def as_label_arrays(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Return class labels `y_true`, `y_pred` as two 1-D arrays of the same shape.

    Labels may be numbers, booleans or strings, but both arrays must hold the same kind.
    """
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        array = as_array(y, name)
        if array.dtype.kind not in "biufUS":
            raise TypeError(f"{name} must hold numbers or strings; got dtype {array.dtype}.")
        _check_ndim(array, name, 1, "(n_samples,)")
        if array.dtype.kind == "f":
            _check_nonempty_finite(array, name)
        elif array.size == 0:
            raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
        arrays.append(array)
    y_true, y_pred = arrays
    if (y_true.dtype.kind in "US") != (y_pred.dtype.kind in "US"):
        raise TypeError(
            "y_true and y_pred must both hold numbers or both hold strings; "
            f"got dtypes {y_true.dtype} and {y_pred.dtype}."
        )
    check_same_shape(y_true, y_pred, "y_true", "y_pred")
    return y_true, y_pred


def as_class_target(target, logits: np.ndarray, axis: int) -> np.ndarray:
    """Return a cross-entropy target for 2-D `logits` whose classes lie along `axis`.

    Either 1-D class indices, one per example, in ``[0, k)``; or class probabilities
    with the shape of `logits`, non-negative and summing to 1 along `axis`.
    """
    k, n = logits.shape[axis], logits.shape[1 - axis]
    target_ndim = as_array(target, "target").ndim
    if target_ndim == 1:
        target = as_index_array(target, "target")
        if target.shape != (n,):
            raise ValueError(f"target indices must have shape ({n},); got {target.shape}.")
        if target.max() >= k:
            raise ValueError(
                f"target indices must be < {k}, the number of classes; got {target.max()}."
            )
        return target
    if target_ndim != 2:
        raise ValueError(
            f"target must be 1-D class indices ({n},) or 2-D probabilities {logits.shape}; "
            f"got a {target_ndim}-D array."
        )
    target = as_float_array(target, "target")
    check_same_shape(logits, target, "logits", "target")
    if target.min() < 0 or not np.allclose(target.sum(axis=axis), 1.0, rtol=0, atol=1e-6):
        raise ValueError(
            "target probabilities must be non-negative and sum to 1 along axis; "
            f"got minimum {target.min():g} and sums in [{target.sum(axis=axis).min():g}, "
            f"{target.sum(axis=axis).max():g}]."
        )
    return target


def check_class_labels(labels, y_true: np.ndarray) -> np.ndarray:
    """Return `labels` as a 1-D array of distinct labels, at least one of them in `y_true`."""
    labels = as_array(labels, "labels")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence; got shape {labels.shape}.")
    if labels.dtype.kind == "f":
        _check_nonempty_finite(labels, "labels")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"labels must not repeat; got {labels.tolist()}.")
    if not np.isin(y_true, labels).any():
        raise ValueError(
            f"labels must include at least one label of y_true; got {labels.tolist()}."
        )
    return labels


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise unless `b` has the shape of `a`."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} must have the same shape as {name_a}; "
            f"got {name_a} {a.shape} and {name_b} {b.shape}."
        )


def check_shape(array: np.ndarray, shape: tuple[int, ...], name: str, layout: str = "") -> None:
    """Raise unless `array` has exactly `shape` (`layout` names its axes, e.g. "(k, d)")."""
    if array.shape != shape:
        expected = f"{layout} = {shape}" if layout else f"{shape}"
        raise ValueError(f"{name} must have shape {expected}; got {array.shape}.")


def check_int(value, name: str, *, minimum: int) -> int:
    """Return `value` as a Python int >= `minimum` (bools and floats are refused)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return int(value)


def check_bool(value, name: str) -> bool:
    """Return `value` as a Python bool; only True, False and numpy booleans are accepted."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r} ({type(value).__name__}).")
    return bool(value)


def check_choice(value, name: str, options, *, hint: str = ""):
    """Return `value` if it is one of `options`, in the spirit of scikit-learn's StrOptions.

    `options` holds strings, and None where None is allowed; the message lists them in
    the order given: ``"activation must be one of 'relu', 'tanh'; got 'gelu'."``. A
    value that is neither a string nor an allowed None raises TypeError, any other
    value outside `options` ValueError. `hint`, a sentence, is appended to the message.
    """
    options = tuple(options)
    listed = ", ".join(repr(option) for option in options)
    suffix = f" {hint}" if hint else ""
    if not isinstance(value, str) and not (value is None and None in options):
        raise TypeError(
            f"{name} must be one of {listed}; got {value!r} ({type(value).__name__}).{suffix}"
        )
    if value not in options:
        raise ValueError(f"{name} must be one of {listed}; got {value!r}.{suffix}")
    return value


def as_dense_params(params) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return `params` as float64 ``(weight, bias)`` pairs whose shapes chain up.

    Each weight is ``(d_in, d_out)``; a None bias becomes zeros of shape ``(d_out,)``.
    """
    if not isinstance(params, list | tuple):
        raise TypeError(
            f"params must be a list of (weight, bias) pairs; got {type(params).__name__}."
        )
    if not params:
        raise ValueError("params must hold at least one (weight, bias) pair; got none.")
    pairs = []
    for i, pair in enumerate(params):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise TypeError(f"params[{i}] must be a (weight, bias) pair; got {pair!r}.")
        weight = as_float_array(pair[0], f"params[{i}] weight", ndim=2, layout="(d_in, d_out)")
        d_out = weight.shape[1]
        bias = (
            np.zeros(d_out) if pair[1] is None else as_vector(pair[1], f"params[{i}] bias", d_out)
        )
        if pairs and weight.shape[0] != pairs[-1][0].shape[1]:
            raise ValueError(
                f"params[{i}] weight must have {pairs[-1][0].shape[1]} rows, the width of the "
                f"layer before it; got shape {weight.shape}."
            )
        pairs.append((weight, bias))
    return pairs


def check_real(value, name: str, *, low=-math.inf, high=math.inf, closed: str = "both") -> float:
    """Return `value` as a finite Python float inside an interval.

    `closed` is ``"both"``, ``"left"``, ``"right"`` or ``"neither"`` and says which
    ends of ``[low, high]`` are allowed.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__}).")
    value = float(value)
    above = value >= low if closed in ("both", "left") else value > low
    below = value <= high if closed in ("both", "right") else value < high
    if not (math.isfinite(value) and above and below):
        left = "[" if closed in ("both", "left") else "("
        right = "]" if closed in ("both", "right") else ")"
        raise ValueError(
            f"{name} must be a finite number in {left}{low:g}, {high:g}{right}; got {value!r}."
        )
    return value


def check_axis(axis, ndim: int, name: str = "axis") -> int:
    """Return `axis` normalised to ``0 <= axis < ndim``."""
    axis = check_int(axis, name, minimum=-ndim)
    if axis >= ndim:
        raise ValueError(
            f"{name} must be in [{-ndim}, {ndim - 1}] for a {ndim}-D input; got {axis}."
        )
    return axis % ndim


def as_pair(value, name: str, *, minimum: int) -> tuple[int, int]:
    """Return an int or a length-2 sequence of ints as an ``(h, w)`` pair."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        size = check_int(value, name, minimum=minimum)
        return size, size
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise TypeError(f"{name} must be an int or an (h, w) pair of ints; got {value!r}.")
    return (
        check_int(value[0], f"{name}[0]", minimum=minimum),
        check_int(value[1], f"{name}[1]", minimum=minimum),
    )


def check_window_fits(x_shape: tuple[int, ...], kernel, padding) -> None:
    """Raise unless a `kernel` ``(kH, kW)`` fits in the padded height and width of NCHW `x`."""
    for axis, name in ((0, "height"), (1, "width")):
        padded = x_shape[2 + axis] + 2 * padding[axis]
        if kernel[axis] > padded:
            raise ValueError(
                f"the kernel {name} must be at most the padded input {name}, {padded}; got "
                f"{kernel[axis]} for x of shape {x_shape} and padding {padding[axis]}."
            )


def as_rng(rng) -> np.random.Generator:
    """Return a Generator from ``np.random.Generator | int | None`` (None: fresh entropy)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        return np.random.default_rng(check_int(rng, "rng", minimum=0))
    raise TypeError(
        f"rng must be a numpy Generator, an int seed or None; got {rng!r} ({type(rng).__name__})."
    )


def as_vector(value, name: str, length: int) -> np.ndarray:
    """Return `value` as a finite float64 vector of shape ``(length,)``."""
    vector = as_float_array(value, name, ndim=1, layout=f"({length},)")
    check_shape(vector, (length,), name)
    return vector


def scalar_or_array(result: np.ndarray) -> float | np.ndarray:
    """Return a 0-d result as a Python float, so scalar inputs give scalar outputs."""
    return float(result) if result.ndim == 0 else result


def power_of_two_scale(x: np.ndarray, axis=None):
    """A power of two $s$ in (max |x| / 2, max |x|] along `axis` (1/2 where x is 0).

    Dividing by it is exact in binary floating point, so sums and squares of x / s
    cannot overflow and scaling back loses nothing. frexp writes max |x| = m 2^e with
    m in [1/2, 1); 2^e itself may overflow, 2^(e - 1) cannot.
    """
    _, exponent = np.frexp(np.max(np.abs(x), axis=axis))
    return np.ldexp(1.0, exponent - 1)


def weighted_sum(x, weight, bias):
    """z = x @ w + b, refusing a sum that leaves the float64 range."""
    # finite inputs can still overflow the sum; it is reported just below, not warned
    with np.errstate(over="ignore", invalid="ignore"):
        z = x @ weight + bias
    if not np.all(np.isfinite(z)):
        raise ValueError(
            "the weighted sum x @ weight + bias must fit in float64; got an overflow for "
            f"x of largest magnitude {np.abs(x).max():g} and weight of largest magnitude "
            f"{np.abs(weight).max():g}. Rescale the inputs."
        )
    return z


# --- the mean-reduction policy ------------------------------------------------------
# Every loss that averages terms computes the mean of the terms divided by a power of
# two near the largest one, then multiplies back with math.ldexp. Dividing by a power of
# two is exact (terms below 2**-1022 times the scale lose bits, but they are negligible
# beside the largest term), no partial sum can overflow, and the result is finite
# whenever the exact mean is; a mean beyond the float64 range raises ValueError.


def float_from_scaled(mantissa: float, exponent: int, what: str) -> float:
    """Return ``mantissa * 2**exponent`` as a float, or raise if it leaves float64."""
    try:
        return math.ldexp(float(mantissa), int(exponent))
    except OverflowError:
        digits = math.log10(abs(mantissa)) + exponent * math.log10(2.0)
        raise ValueError(
            f"{what} must fit in float64 (at most about 1.8e+308); got about "
            f"{math.copysign(10 ** (digits % 1), mantissa):.2g}e+{int(digits)}. "
            "Rescale the inputs."
        ) from None


def scaled_mean(terms: np.ndarray, exponent: int = 0, *, what: str = "the mean") -> float:
    """The mean of finite `terms` times ``2**exponent``, with no overflow on the way."""
    _, e = np.frexp(np.max(np.abs(terms)))
    return float_from_scaled(np.mean(np.ldexp(terms, -e)), int(e) + exponent, what)


def mean_of_squares(d: np.ndarray, exponent: int = 0, *, what: str = "the mean") -> float:
    """The mean of ``(d * 2**exponent) ** 2`` for finite `d`, with no overflow on the way."""
    _, e = np.frexp(np.max(np.abs(d)))
    u = np.ldexp(d, -e)  # |u| < 1: its square cannot overflow
    return float_from_scaled(np.mean(u * u), 2 * (int(e) + exponent), what)


def scaled_difference(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, int]:
    """Return ``(d, e)`` with ``a - b == d * 2**e`` and `d` finite.

    ``e`` is 0, and ``d`` the plain difference, unless that overflows; then both
    arguments are divided by a power of two near their largest magnitude first.
    """
    # a - b of finite inputs overflows only past the float range; redone scaled below
    with np.errstate(over="ignore"):
        d = a - b
    if np.all(np.isfinite(d)):
        return d, 0
    _, e = np.frexp(max(np.max(np.abs(a)), np.max(np.abs(b))))
    return np.ldexp(a, -e) - np.ldexp(b, -e), int(e)


def probability_sum_tolerance(probabilities, n_classes: int) -> float:
    """How far from 1 a row of `probabilities` may sum: 1e-6, or the rounding of its dtype.

    Probabilities stored as float16 or float32 carry that precision: three float16 values
    that are the nearest to 0.1, 0.2 and 0.7 sum to 1.00012.
    """
    dtype = np.asarray(probabilities).dtype
    eps = float(np.finfo(dtype).eps) if dtype.kind == "f" else 0.0
    return max(1e-6, n_classes * eps)


def max_exponent(a) -> int:
    """The e with max |a| = m 2**e, m in [1/2, 1) (0 for an all-zero array)."""
    return int(np.frexp(np.max(np.abs(a)))[1])


def unscale_or_refuse(y, exponent: int, what: str) -> np.ndarray:
    """Return ``y * 2**exponent`` for a finite scaled result, or raise if it leaves float64."""
    # the scaled result is finite; ldexp overflows only where the exact result does
    with np.errstate(over="ignore"):
        out = np.ldexp(y, exponent)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"{what} overflows float64 (a magnitude of about 2**{max_exponent(y) + exponent}, "
            "beyond 1.8e+308); rescale the inputs."
        )
    return out
