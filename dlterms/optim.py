"""Optimisation: finite-difference gradients, gradient descent and its optimizers.

The optimizers are pure functions. Each ``*_step`` takes the parameters, their
gradient and the optimizer's state, and returns ``(new_params, new_state)``;
nothing is updated in place. The state is a small named tuple (`MomentumState`,
`AdagradState`, `RMSpropState`, `AdamState`): pass ``state=None`` on the first
step and the returned state on every later one. The update rules are those of
``torch.optim`` without weight decay, so a step here and a step there agree to
rounding; `adamw_step` is ``torch.optim.AdamW``, whose weight decay is decoupled
from the gradient.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_rng,
    check_bool,
    check_int,
    check_real,
    check_same_shape,
    scalar_or_array,
)
from dlterms.data import iterations_per_epoch

__all__ = [
    "adagrad_step",
    "adam_step",
    "adamw_step",
    "gradient_descent",
    "gradient_descent_step",
    "has_converged",
    "is_convex_on",
    "minibatch_sgd",
    "momentum_step",
    "numerical_gradient",
    "partial_derivative",
    "rmsprop_step",
    "sgd_step",
]


class MomentumState(NamedTuple):
    """State of `momentum_step`: the velocity $v$ (torch's ``momentum_buffer``)."""

    velocity: float | np.ndarray


class AdagradState(NamedTuple):
    """State of `adagrad_step`: the running sum $G$ of squared gradients."""

    sum_sq: float | np.ndarray


class RMSpropState(NamedTuple):
    """State of `rmsprop_step`: the moving average $s$ of squared gradients."""

    square_avg: float | np.ndarray


class AdamState(NamedTuple):
    """State of `adam_step`: the steps taken $t$ and the moment estimates $m$ and $v$."""

    step: int
    m: float | np.ndarray
    v: float | np.ndarray


# State fields that average squared gradients, so can never be negative.
_SQUARED = frozenset({"sum_sq", "square_avg", "v"})


# --------------------------------------------------------------------------- helpers


def _check_callable(fn, name: str) -> None:
    if not callable(fn):
        raise TypeError(f"{name} must be callable; got {type(fn).__name__}.")


def _scalar_value(f, x: np.ndarray) -> float:
    """``f(x)`` as a finite Python float, or a clear error."""
    # f may overflow near the float range (x**2 at 1e200); its non-finite value is
    # reported below as an error naming the point, rather than as a numpy warning
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = as_array(f(x), "f(x)")
    if value.dtype.kind not in "biuf":
        raise TypeError(f"f must return a real number; got dtype {value.dtype}.")
    if value.ndim != 0:
        raise ValueError(f"f must return a scalar; got an array of shape {value.shape}.")
    if not math.isfinite(value):
        where = f"x={float(x)}" if np.ndim(x) == 0 else f"an x of shape {np.shape(x)}"
        raise ValueError(f"f must return a finite number; got {float(value)} at {where}.")
    return float(value)


def _coordinate(index: tuple) -> str:
    """How an error names one entry of x: ``x[1, 0]``, or plain ``x`` for a scalar."""
    return f"x[{', '.join(str(int(k)) for k in index)}]" if index else "x"


def _central_difference(f, x: np.ndarray, index: tuple, h: float) -> float:
    """The central difference quotient of `f` at `x` along coordinate `index`."""
    x_plus, x_minus = x.copy(), x.copy()
    x_plus[index] = float(x[index]) + h  # Python floats: an overflow gives inf, caught below
    x_minus[index] = float(x[index]) - h
    # The step actually taken: x ± h rounds, and dividing by 2h would keep that error.
    step = float(x_plus[index]) - float(x_minus[index])
    if not (0.0 < step < math.inf):
        raise ValueError(
            f"h must change {_coordinate(index)}={float(x[index]):g} in float64 without "
            f"overflow; got h={h:g}. Pass an h near 1e-5 times the size of x."
        )
    # df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)
    quotient = (_scalar_value(f, x_plus) - _scalar_value(f, x_minus)) / step
    if not math.isfinite(quotient):
        raise ValueError(f"the difference quotient at {_coordinate(index)} overflowed float64.")
    return quotient


def _params_and_grad(params, grad) -> tuple[np.ndarray, np.ndarray]:
    params = as_float_array(params, "params")
    grad = as_float_array(grad, "grad")
    check_same_shape(params, grad, "params", "grad")
    return params, grad


def _previous_state(state, kind, params: np.ndarray):
    """Validate `state`, a `kind` named tuple, against `params`; None means the first step."""
    if state is None:
        return None
    if not isinstance(state, tuple) or len(state) != len(kind._fields):
        raise TypeError(
            f"state must be None or the {kind.__name__}{kind._fields} returned by the "
            f"previous step; got {type(state).__name__}."
        )
    fields = {}
    for name, value in zip(kind._fields, state, strict=True):
        if name == "step":
            fields[name] = check_int(value, "state.step", minimum=0)
            continue
        array = as_float_array(value, f"state.{name}")
        check_same_shape(params, array, "params", f"state.{name}")
        if name in _SQUARED and array.min() < 0:
            raise ValueError(
                f"state.{name} must be non-negative, as it averages squared gradients; "
                f"got minimum {array.min():g}."
            )
        fields[name] = array
    return kind(**fields)


def _check_no_overflow(array: np.ndarray, name: str) -> None:
    """Raise if `array` holds inf or NaN (max and min reduce without a big temporary)."""
    if not (np.isfinite(array.max()) and np.isfinite(array.min())):
        raise ValueError(
            f"{name} overflowed float64; scale the loss down or lower the learning rate."
        )


def _step_result(new_params: np.ndarray, state: tuple):
    """``(new_params, state)`` with 0-d arrays turned into Python floats."""
    values = (v if isinstance(v, int) else scalar_or_array(v) for v in state)
    return scalar_or_array(new_params), type(state)(*values)


# --------------------------------------------------------------------------- gradients


def numerical_gradient(f, x, *, h=1e-5):
    r"""Gradient of a scalar function, estimated by central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar for an array shaped like `x`. It receives
        copies, so it cannot change `x`.
    x : float or array_like
        Finite point at which to differentiate, any shape.
    h : float, default=1e-5
        Half-width of each difference, $h > 0$, in the units of `x`.

    Returns
    -------
    float or ndarray
        $\nabla f(x)$, same shape as `x`: entry $i$ is the partial derivative
        $\partial f / \partial x_i$.

    Raises
    ------
    ValueError
        If `x` is empty or not finite, `h` is not a positive finite number or too small
        to change an entry of `x`, or `f` returns an array or a non-finite value.
    TypeError
        If `f` is not callable, `x` does not hold real numbers, or `f` does not return
        a real number.

    See Also
    --------
    partial_derivative : One entry of this vector.

    gradient_descent : Steps against the gradient.

    Notes
    -----
    For each coordinate $i$, with $e_i$ the $i$-th unit vector,

    $$\frac{\partial f}{\partial x_i}(x) \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}.$$

    The error is $O(h^2)$ from truncation plus about $\epsilon\,|f| / h$ from
    rounding ($\epsilon \approx 2.2 \times 10^{-16}$), so $h \approx 10^{-5}$ suits an
    `x` of order 1; scale `h` with `x`. The denominator is the step actually taken,
    $(x_i + h) - (x_i - h)$ in floating point, as in SciPy. The loop over coordinates
    costs $2n$ calls of `f`, which is why backpropagation, not this, trains networks;
    this estimate is the standard check of a hand-written gradient.

    Examples
    --------
    $f(x) = x_0^2 + 3 x_1$ has gradient $(2 x_0, 3)$, so $(2, 3)$ at $(1, 2)$:

    >>> numerical_gradient(lambda x: x[0] ** 2 + 3 * x[1], [1.0, 2.0]).round(6).tolist()
    [2.0, 3.0]

    The truncation error shows: for $x^3$ the quotient is $3x^2 + h^2$ exactly.

    >>> round(numerical_gradient(lambda x: x**3, 2.0, h=1e-4), 10)  # 12 + 1e-8
    12.00000001

    An `h` below the spacing of float64 at `x` cannot move it and is refused:

    >>> numerical_gradient(lambda x: x**2, 1e12)
    Traceback (most recent call last):
    ...
    ValueError: h must change x=1e+12 in float64 without overflow; got h=1e-05. Pass an h near 1e-5 times the size of x.
    """  # noqa: E501
    _check_callable(f, "f")
    x = as_float_array(x, "x")
    h = check_real(h, "h", low=0.0, closed="neither")
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):  # one coordinate at a time: the clearest form
        grad[index] = _central_difference(f, x, index, h)
    return scalar_or_array(grad)


def partial_derivative(f, x, i, *, h=1e-5):
    r"""Partial derivative of a scalar function along one coordinate, by central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar for an array shaped like `x`.
    x : float or array_like
        Finite point at which to differentiate, any shape.
    i : int
        Which coordinate: an index into the flattened `x` (C order), so for a vector
        simply the position, and ``-1`` the last. Must be in ``[-x.size, x.size)``.
    h : float, default=1e-5
        Half-width of the difference, $h > 0$.

    Returns
    -------
    float
        $\partial f / \partial x_i$ at `x`, holding every other coordinate fixed.

    Raises
    ------
    ValueError
        If `x` is empty or not finite, `i` is out of range, `h` is not a positive
        finite number or too small to change ``x[i]``, or `f` returns an array or a
        non-finite value.
    TypeError
        If `f` is not callable, `x` does not hold real numbers, `i` is not an int, or
        `f` does not return a real number.

    See Also
    --------
    numerical_gradient : Every partial derivative at once, as a vector.

    Notes
    -----
    $$\frac{\partial f}{\partial x_i}(x) = \lim_{h \to 0} \frac{f(x + h e_i) - f(x)}{h}
      \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}.$$

    Only $x_i$ moves; the other coordinates are held constant, so this is the slope of
    the one-variable function $t \mapsto f(x_1, \dots, t, \dots, x_n)$. The central
    form is accurate to $O(h^2)$, against $O(h)$ for the one-sided quotient.

    Examples
    --------
    $f(x) = x_0 x_1$ at $(3, 4)$: $\partial f / \partial x_0 = x_1 = 4$ and
    $\partial f / \partial x_1 = x_0 = 3$.

    >>> f = lambda x: x[0] * x[1]
    >>> round(partial_derivative(f, [3.0, 4.0], 0), 6), round(partial_derivative(f, [3.0, 4.0], 1), 6)
    (4.0, 3.0)
    >>> partial_derivative(f, [3.0, 4.0], 2)
    Traceback (most recent call last):
    ...
    ValueError: i must be in [-2, 2) for x with 2 entries; got 2.
    """  # noqa: E501
    _check_callable(f, "f")
    x = as_float_array(x, "x")
    i = check_int(i, "i", minimum=-x.size)
    if i >= x.size:
        raise ValueError(
            f"i must be in [{-x.size}, {x.size}) for x with {x.size} entries; got {i}."
        )
    h = check_real(h, "h", low=0.0, closed="neither")
    return _central_difference(f, x, np.unravel_index(i % x.size, x.shape), h)


# --------------------------------------------------------------------------- gradient descent


def gradient_descent_step(params, grad, *, learning_rate):
    r"""One gradient-descent update, returned as a new array.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_t$, finite, any shape.
    grad : float or array_like
        Gradient of the loss at $\theta_t$, same shape as `params`.
    learning_rate : float
        Step size $\eta > 0$.

    Returns
    -------
    float or ndarray
        $\theta_{t+1}$, same shape as `params`. The inputs are not modified.

    Raises
    ------
    ValueError
        If an input is empty or holds NaN or infinity, the shapes differ, or
        `learning_rate` is not a positive finite number.
    TypeError
        If an input does not hold real numbers or `learning_rate` is not a number.

    See Also
    --------
    gradient_descent : Repeats this step and records the path.

    Notes
    -----
    $$\theta_{t+1} = \theta_t - \eta\, \nabla L(\theta_t).$$

    The gradient points uphill, so stepping against it lowers the loss when $\eta$ is
    small enough. Frameworks update in place (``p -= lr * g``); a reference function
    returns a new array instead, so callers can keep the old parameters.

    Examples
    --------
    >>> gradient_descent_step([1.0, 2.0], [0.5, 1.0], learning_rate=0.5).tolist()
    [0.75, 1.5]
    >>> gradient_descent_step(1.0, 4.0, learning_rate=0.25)
    0.0
    """
    params = as_float_array(params, "params")
    grad = as_float_array(grad, "grad")
    check_same_shape(params, grad, "params", "grad")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    # theta_{t+1} = theta_t - eta * grad L(theta_t)
    return scalar_or_array(params - learning_rate * grad)


def gradient_descent(grad_fn, x0, *, learning_rate=0.1, n_steps=100):
    r"""Run gradient descent from `x0` and return every iterate.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient of the objective at `x`, with the shape of
        `x0`. It receives a copy, so it may not change the trajectory.
    x0 : float or array_like
        Finite starting point, any shape.
    learning_rate : float, default=0.1
        Step size $\eta > 0$.
    n_steps : int, default=100
        Number of updates, $T \ge 0$.

    Returns
    -------
    ndarray of shape (n_steps + 1,) + x0.shape
        The trajectory $\theta_0 = x_0, \theta_1, \dots, \theta_T$.

    Raises
    ------
    ValueError
        If `x0` is empty or not finite, `learning_rate` is not a positive finite
        number, `n_steps` is negative, `grad_fn` returns the wrong shape, or the
        iterates stop being finite (the learning rate is too large); the message names
        the step.
    TypeError
        If `grad_fn` is not callable, `x0` or a gradient does not hold real numbers,
        or `n_steps` is not an int.

    See Also
    --------
    gradient_descent_step : The single update.

    iterations_per_epoch : How many steps make one epoch of mini-batch training.

    Notes
    -----
    $$\theta_{t+1} = \theta_t - \eta\, \nabla f(\theta_t), \qquad t = 0, \dots, T - 1.$$

    On a quadratic $f(\theta) = \tfrac{a}{2}\theta^2$ each step multiplies $\theta$ by
    $1 - \eta a$: it converges for $0 < \eta < 2 / a$ and diverges beyond. Divergence
    grows geometrically until the numbers overflow; rather than return ``inf`` or
    ``nan``, we stop at the first non-finite iterate and raise an error naming the step.

    Examples
    --------
    Minimise $f(x) = x^2$, whose gradient is $2x$; each step halves $x$:

    >>> gradient_descent(lambda x: 2 * x, 1.0, learning_rate=0.25, n_steps=3).tolist()
    [1.0, 0.5, 0.25, 0.125]

    With $\eta = 1.5$ each step multiplies $x$ by $-2$, which overflows after 1024 steps:

    >>> gradient_descent(lambda x: 2 * x, 1.0, learning_rate=1.5, n_steps=2000)
    Traceback (most recent call last):
    ...
    ValueError: gradient descent diverged at step 1024 of 2000: learning_rate=1.5 is too large.
    """
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable; got {type(grad_fn).__name__}.")
    x0 = as_float_array(x0, "x0")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    n_steps = check_int(n_steps, "n_steps", minimum=0)

    trajectory = np.empty((n_steps + 1, *x0.shape))
    trajectory[0] = x0
    for t in range(n_steps):
        x = trajectory[t]
        # A too-large learning rate makes the iterates overflow; instead of warning we
        # detect it just below and raise an error that names the step. (At the finite
        # start x0, a non-finite gradient is grad_fn's fault, so it is refused at once.)
        with np.errstate(over="ignore", invalid="ignore"):
            grad = as_float_array(grad_fn(x.copy()), "grad_fn(x)", finite=(t == 0))
            check_same_shape(x, grad, "x0", "grad_fn(x)")
            # theta_{t+1} = theta_t - eta * grad f(theta_t)
            x_next = x - learning_rate * grad
        if not np.all(np.isfinite(x_next)):
            raise ValueError(
                f"gradient descent diverged at step {t + 1} of {n_steps}: "
                f"learning_rate={learning_rate:g} is too large."
            )
        trajectory[t + 1] = x_next
    return trajectory


# --------------------------------------------------------------------------- stochastic


def sgd_step(params, grad, *, learning_rate):
    r"""One stochastic-gradient-descent update: :func:`gradient_descent_step` under its SGD name.

    Parameters
    ----------
    params, grad, learning_rate
        As for :func:`gradient_descent_step`; `grad` is the gradient of one example, or
        the mean over one mini-batch $B_t$.

    Returns
    -------
    float or ndarray
        ``gradient_descent_step(params, grad, learning_rate=learning_rate)``.

    Raises
    ------
    ValueError, TypeError
        As for :func:`gradient_descent_step`.

    See Also
    --------
    gradient_descent_step : The update itself.

    minibatch_sgd : Draws the batches and repeats this step over epochs.

    Notes
    -----
    $$\theta_{t+1} = \theta_t - \eta\, \frac{1}{|B_t|} \sum_{i \in B_t} \nabla \ell_i(\theta_t).$$

    The arithmetic is that of gradient descent; what makes it *stochastic* is the
    gradient passed in, from a random example ($|B_t| = 1$) or mini-batch: an unbiased
    but noisy estimate of the full gradient that costs $|B_t|$ gradient evaluations
    instead of $n$. ``torch.optim.SGD`` and ``keras.optimizers.SGD`` are named after
    this use: they only see whatever gradient the batch produced.

    Examples
    --------
    One example $(x, y) = (2, 3)$ for $\hat y = w x$ with squared error: at $w = 1$ the
    gradient is $2 x (w x - y) = -4$.

    >>> sgd_step(1.0, -4.0, learning_rate=0.25)
    2.0
    """
    return gradient_descent_step(params, grad, learning_rate=learning_rate)


def minibatch_sgd(grad_fn, x, y, params0, *, learning_rate, batch_size, n_epochs, rng=None):
    r"""Train by mini-batch stochastic gradient descent and return every iterate.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(params, x_batch, y_batch)`` returns the mean gradient of the loss
        over the batch, shaped like `params0`. It receives copies.
    x : array_like of shape (n, ...)
        Training inputs, one example per row.
    y : array_like of shape (n, ...)
        Targets, one per row of `x`.
    params0 : float or array_like
        Finite starting parameters, any shape.
    learning_rate : float
        Step size $\eta > 0$.
    batch_size : int
        Examples per mini-batch, $1 \le b$; $b = 1$ is plain SGD and $b \ge n$ is
        full-batch gradient descent.
    n_epochs : int
        Passes over the data, $E \ge 0$.
    rng : numpy.random.Generator or int or None, default=None
        Source of the shuffling, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    ndarray of shape (E * iterations_per_epoch(n, b) + 1,) + params0.shape
        The trajectory $\theta_0, \theta_1, \dots$, one row per update. Evaluate the
        loss on each row to get the loss history.

    Raises
    ------
    ValueError
        If an array is empty or not finite, `x` and `y` differ in length,
        `learning_rate` is not positive and finite, `batch_size` < 1, `n_epochs` < 0,
        `grad_fn` returns the wrong shape, or the iterates overflow (the message names
        the step).
    TypeError
        If `grad_fn` is not callable, an array does not hold real numbers, or
        `batch_size`, `n_epochs` or `rng` has the wrong type.

    See Also
    --------
    sgd_step : The update made for each batch.

    iterations_per_epoch : How many batches, and so steps, one epoch has.

    gradient_descent : The full-batch version, for a gradient of the whole objective.

    Notes
    -----
    Each epoch shuffles the $n$ examples, cuts them into $\lceil n / b \rceil$ batches
    $B_t$ (the last one smaller when $b$ does not divide $n$, as in a PyTorch
    ``DataLoader(shuffle=True)``), and makes one update per batch:

    $$\theta_{t+1} = \theta_t - \eta\, \frac{1}{|B_t|} \sum_{i \in B_t} \nabla \ell_i(\theta_t).$$

    The batch gradient is an unbiased estimate of the full one; its noise shrinks like
    $1 / \sqrt{b}$. Small batches take many cheap, noisy steps per epoch, large ones
    few accurate steps.

    Examples
    --------
    Fit $\hat y = w x$ to $(1, 2)$ and $(2, 4)$ with squared error. With one batch of
    both examples, the gradient at $w = 0$ is the mean of $2 \cdot 1 \cdot (0 - 2)$ and
    $2 \cdot 2 \cdot (0 - 4)$, i.e. $-10$, so $w_1 = 0 + 0.25 \cdot 10 = 2.5$; there it is
    the mean of $1$ and $4$, so $w_2 = 2.5 - 0.25 \cdot 2.5 = 1.875$.

    >>> import numpy as np
    >>> grad = lambda w, xb, yb: np.mean(2 * xb * (w * xb - yb))
    >>> x, y = np.array([1.0, 2.0]), np.array([2.0, 4.0])
    >>> minibatch_sgd(grad, x, y, 0.0, learning_rate=0.25, batch_size=2, n_epochs=2).tolist()
    [0.0, 2.5, 1.875]

    With $b = 1$ every epoch has two steps, taken in a shuffled order:

    >>> minibatch_sgd(grad, x, y, 0.0, learning_rate=0.1, batch_size=1, n_epochs=3, rng=0).shape
    (7,)
    """
    _check_callable(grad_fn, "grad_fn")
    x = as_float_array(x, "x", min_ndim=1, layout="(n, ...)")
    y = as_float_array(y, "y", min_ndim=1, layout="(n, ...)")
    if y.shape[0] != x.shape[0]:
        raise ValueError(
            f"y must have one row per row of x; got {x.shape[0]} rows in x and {y.shape[0]} in y."
        )
    params0 = as_float_array(params0, "params0")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    n = x.shape[0]
    steps_per_epoch = iterations_per_epoch(n, batch_size)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=0)
    rng = as_rng(rng)

    trajectory = np.empty((n_epochs * steps_per_epoch + 1, *params0.shape))
    trajectory[0] = params0
    t = 0
    for _ in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):  # iterations_per_epoch(n, b) batches
            batch, params = order[start : start + batch_size], trajectory[t]
            # As in gradient_descent: an overflowing iterate is reported just below.
            with np.errstate(over="ignore", invalid="ignore"):
                grad = grad_fn(params.copy(), x[batch], y[batch])
                grad = as_float_array(grad, "grad_fn(params, x_batch, y_batch)", finite=t == 0)
                check_same_shape(params, grad, "params0", "grad_fn(params, x_batch, y_batch)")
                # theta_{t+1} = theta_t - eta * mean_{i in B_t} grad l_i(theta_t)
                trajectory[t + 1] = params - learning_rate * grad
            if not np.all(np.isfinite(trajectory[t + 1])):
                raise ValueError(
                    f"mini-batch SGD diverged at step {t + 1} of {len(trajectory) - 1}: "
                    f"learning_rate={learning_rate:g} is too large."
                )
            t += 1
    return trajectory


# --------------------------------------------------------------------------- optimizers


def momentum_step(params, grad, state=None, *, learning_rate, momentum=0.9, nesterov=False):
    r"""One step of SGD with (heavy-ball or Nesterov) momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_{t-1}$, finite, any shape.
    grad : float or array_like
        Gradient $g_t$ at $\theta_{t-1}$ (usually from a mini-batch), same shape.
    state : MomentumState or None, default=None
        The state returned by the previous step; None on the first step.
    learning_rate : float
        Step size $\eta > 0$.
    momentum : float, default=0.9
        Momentum coefficient $\mu \in [0, 1)$; 0 gives plain SGD.
    nesterov : bool, default=False
        Use Nesterov's look-ahead form.

    Returns
    -------
    new_params : float or ndarray
        $\theta_t$, same shape as `params`.
    new_state : MomentumState
        ``MomentumState(velocity)`` with $v_t$, same shape as `params`.

    Raises
    ------
    ValueError
        If an array is empty, not finite or shaped unlike `params`, an option is out
        of range, or the update overflows float64.
    TypeError
        If an array does not hold real numbers, `state` is not a `MomentumState`, or
        `nesterov` is not a bool.

    See Also
    --------
    sgd_step : The update without momentum.

    adam_step : Momentum combined with a per-parameter step size.

    Notes
    -----
    $$v_t = \mu\, v_{t-1} + g_t, \qquad
      \theta_t = \theta_{t-1} - \eta\, v_t
      \quad\text{or, Nesterov,}\quad
      \theta_t = \theta_{t-1} - \eta\, (g_t + \mu\, v_t),$$

    with $v_0 = 0$, which is PyTorch's convention (``dampening=0``; its first step sets
    $v_1 = g_1$, the same thing). Some texts write $v_t = \mu v_{t-1} + \eta g_t$ and
    subtract $v_t$ instead; for a fixed $\eta$ it is the same algorithm. The velocity
    averages recent gradients: directions that agree add up (towards a step of
    $\eta g / (1 - \mu)$, ten times longer for $\mu = 0.9$), and zigzags across a
    narrow valley cancel.

    Examples
    --------
    Two steps with the constant gradient 1, $\eta = \mu = 0.5$: $v_1 = 1$ and
    $\theta_1 = 1 - 0.5 = 0.5$; then $v_2 = 0.5 \cdot 1 + 1 = 1.5$ and
    $\theta_2 = 0.5 - 0.75 = -0.25$.

    >>> theta, state = momentum_step(1.0, 1.0, learning_rate=0.5, momentum=0.5)
    >>> theta, state
    (0.5, MomentumState(velocity=1.0))
    >>> momentum_step(theta, 1.0, state, learning_rate=0.5, momentum=0.5)
    (-0.25, MomentumState(velocity=1.5))

    Nesterov steps with $g_1 + \mu v_1 = 1.5$, so $\theta_1 = 1 - 0.75 = 0.25$:

    >>> momentum_step(1.0, 1.0, learning_rate=0.5, momentum=0.5, nesterov=True)[0]
    0.25
    """
    params, grad = _params_and_grad(params, grad)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    momentum = check_real(momentum, "momentum", low=0.0, high=1.0, closed="left")
    check_bool(nesterov, "nesterov")
    previous = _previous_state(state, MomentumState, params)
    v_prev = 0.0 if previous is None else previous.velocity

    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
        # v_t = \mu v_{t-1} + g_t
        velocity = momentum * v_prev + grad
        # d_t = g_t + \mu v_t  (Nesterov),  or  d_t = v_t
        direction = grad + momentum * velocity if nesterov else velocity
        # \theta_t = \theta_{t-1} - \eta d_t
        new_params = params - learning_rate * direction
    _check_no_overflow(velocity, "the velocity")
    _check_no_overflow(new_params, "the update")
    return _step_result(new_params, MomentumState(velocity))


def adagrad_step(params, grad, state=None, *, learning_rate=0.01, eps=1e-10):
    r"""One AdaGrad step: divide by the root of every squared gradient so far, as torch.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_{t-1}$, finite, any shape.
    grad : float or array_like
        Gradient $g_t$ at $\theta_{t-1}$, same shape.
    state : AdagradState or None, default=None
        The state returned by the previous step; None on the first step.
    learning_rate : float, default=0.01
        Base step size $\eta > 0$ (PyTorch's default).
    eps : float, default=1e-10
        $\epsilon > 0$ added to the root before dividing.

    Returns
    -------
    new_params : float or ndarray
        $\theta_t$, same shape as `params`.
    new_state : AdagradState
        ``AdagradState(sum_sq)`` with $G_t$, same shape as `params`.

    Raises
    ------
    ValueError
        If an array is empty, not finite or shaped unlike `params`, ``state.sum_sq``
        is negative, an option is out of range, or $g^2$ overflows float64 (a
        gradient above about 1e154).
    TypeError
        If an array does not hold real numbers or `state` is not an `AdagradState`.

    See Also
    --------
    rmsprop_step : Forgets old gradients, so the step does not shrink for ever.

    adam_step : Adds momentum and bias correction.

    Notes
    -----
    $$G_t = G_{t-1} + g_t^2, \qquad
      \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{G_t} + \epsilon},$$

    elementwise, with $G_0 = 0$; this is ``torch.optim.Adagrad`` with ``lr_decay=0``
    and ``initial_accumulator_value=0``. Each parameter gets its own step size
    $\eta / \sqrt{G_t}$: large where gradients have been small or rare (good for sparse
    features), small where they have been large. Because $G_t$ only grows, the steps
    shrink towards zero and training can stall before reaching the minimum. Keras'
    ``Adagrad`` starts $G_0$ at 0.1 and puts $\epsilon$ inside the root, so its first
    steps differ.

    Examples
    --------
    On the first step $\sqrt{G_1} = |g_1|$, so every coordinate moves by almost exactly
    $\eta$, whatever the size of its gradient:

    >>> theta, state = adagrad_step([1.0, 1.0], [2.0, -0.5], learning_rate=0.5)
    >>> theta.round(6).tolist(), state.sum_sq.tolist()
    ([0.5, 1.5], [4.0, 0.25])

    A second, equal gradient moves only $\eta / \sqrt 2$:

    >>> round(adagrad_step(0.0, 2.0, (4.0,), learning_rate=0.5)[0], 6)
    -0.353553
    """
    params, grad = _params_and_grad(params, grad)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    previous = _previous_state(state, AdagradState, params)
    sum_prev = 0.0 if previous is None else previous.sum_sq

    with np.errstate(over="ignore"):  # a squared gradient above 1.8e308 is reported below
        # G_t = G_{t-1} + g_t^2
        sum_sq = sum_prev + grad * grad
    _check_no_overflow(sum_sq, "the sum of squared gradients")
    # \theta_t = \theta_{t-1} - \eta \, g_t / (\sqrt{G_t} + \epsilon)
    new_params = params - learning_rate * (grad / (np.sqrt(sum_sq) + eps))
    return _step_result(new_params, AdagradState(sum_sq))


def rmsprop_step(params, grad, state=None, *, learning_rate=0.01, alpha=0.99, eps=1e-8):
    r"""One RMSprop step: divide by a moving root-mean-square of the gradients, as torch.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_{t-1}$, finite, any shape.
    grad : float or array_like
        Gradient $g_t$ at $\theta_{t-1}$, same shape.
    state : RMSpropState or None, default=None
        The state returned by the previous step; None on the first step.
    learning_rate : float, default=0.01
        Base step size $\eta > 0$ (PyTorch's default; Keras uses 0.001).
    alpha : float, default=0.99
        Decay rate $\alpha \in [0, 1)$ of the average (Keras calls it ``rho``).
    eps : float, default=1e-8
        $\epsilon > 0$ added to the root before dividing.

    Returns
    -------
    new_params : float or ndarray
        $\theta_t$, same shape as `params`.
    new_state : RMSpropState
        ``RMSpropState(square_avg)`` with $s_t$, same shape as `params`.

    Raises
    ------
    ValueError
        If an array is empty, not finite or shaped unlike `params`,
        ``state.square_avg`` is negative, an option is out of range, or $g^2$
        overflows float64 (a gradient above about 1e154).
    TypeError
        If an array does not hold real numbers or `state` is not an `RMSpropState`.

    See Also
    --------
    adagrad_step : Sums the squares instead of averaging them.

    adam_step : RMSprop plus momentum and bias correction.

    Notes
    -----
    $$s_t = \alpha\, s_{t-1} + (1 - \alpha)\, g_t^2, \qquad
      \theta_t = \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon},$$

    elementwise, with $s_0 = 0$; this is ``torch.optim.RMSprop`` with its defaults
    (no momentum, not centred). The exponential average forgets gradients older than
    about $1 / (1 - \alpha)$ steps, so, unlike AdaGrad, the step size adapts to the
    recent scale of each gradient and does not decay for ever. There is no bias
    correction: $s_1 = (1 - \alpha) g_1^2$ is small, so the first steps are about
    $\eta / \sqrt{1 - \alpha}$, ten times $\eta$ for $\alpha = 0.99$.

    Examples
    --------
    First step: $\sqrt{s_1} = \sqrt{0.01}\,|g| = 0.1 |g|$, so each coordinate moves by
    $10 \eta = 0.1$ against the sign of its gradient, whether that is 4 or 0.01:

    >>> theta, state = rmsprop_step([1.0, 1.0], [4.0, -0.01])
    >>> theta.round(4).tolist(), state.square_avg.round(8).tolist()
    ([0.9, 1.1], [0.16, 1e-06])
    """
    params, grad = _params_and_grad(params, grad)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    alpha = check_real(alpha, "alpha", low=0.0, high=1.0, closed="left")
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    previous = _previous_state(state, RMSpropState, params)
    s_prev = 0.0 if previous is None else previous.square_avg

    with np.errstate(over="ignore"):  # a squared gradient above 1.8e308 is reported below
        # s_t = \alpha s_{t-1} + (1 - \alpha) g_t^2
        square_avg = alpha * s_prev + (1 - alpha) * (grad * grad)
    _check_no_overflow(square_avg, "the average of squared gradients")
    # \theta_t = \theta_{t-1} - \eta \, g_t / (\sqrt{s_t} + \epsilon)
    new_params = params - learning_rate * (grad / (np.sqrt(square_avg) + eps))
    return _step_result(new_params, RMSpropState(square_avg))


def adam_step(params, grad, state=None, *, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    r"""One Adam step: momentum on the gradient, RMSprop-style scaling, bias-corrected.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_{t-1}$, finite, any shape.
    grad : float or array_like
        Gradient $g_t$ at $\theta_{t-1}$, same shape.
    state : AdamState or None, default=None
        The state returned by the previous step; None on the first step.
    learning_rate : float, default=0.001
        Step size $\eta > 0$.
    beta1 : float, default=0.9
        Decay rate $\beta_1 \in [0, 1)$ of the first-moment (mean) estimate.
    beta2 : float, default=0.999
        Decay rate $\beta_2 \in [0, 1)$ of the second-moment (uncentred variance)
        estimate.
    eps : float, default=1e-8
        $\epsilon > 0$ added to the root before dividing.

    Returns
    -------
    new_params : float or ndarray
        $\theta_t$, same shape as `params`.
    new_state : AdamState
        ``AdamState(step, m, v)`` with $t$, $m_t$ and $v_t$.

    Raises
    ------
    ValueError
        If an array is empty, not finite or shaped unlike `params`, ``state.v`` is
        negative, an option is out of range, $g^2$ overflows float64 (a gradient
        above about 1e154), or $m$ or the updated parameters exceed float64 (a
        state whose $m$ is huge beside $\sqrt{v}$ asks for a step past 1.8e+308).
    TypeError
        If an array does not hold real numbers or `state` is not an `AdamState`.

    See Also
    --------
    momentum_step : The first-moment half on its own.

    rmsprop_step : The second-moment half on its own, without bias correction.

    Notes
    -----
    With $m_0 = v_0 = 0$ and, elementwise,

    $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad
      v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,$$

    $$\hat m_t = \frac{m_t}{1 - \beta_1^t}, \qquad \hat v_t = \frac{v_t}{1 - \beta_2^t},
      \qquad \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.$$

    The moments start at 0 and so are biased towards 0 early on; dividing by
    $1 - \beta^t$ removes that bias, so even the first step is about $\eta$ long. The
    ratio $\hat m / \sqrt{\hat v}$ does not change when the gradient is rescaled, so
    each parameter moves by roughly $\eta$ per step whatever its gradient's units.
    This is ``torch.optim.Adam`` (no weight decay, no AMSGrad); Keras applies
    $\epsilon$ the same way.

    The state is $2\times$ the parameters, and the step allocates nothing beyond the
    three arrays it returns: every line below works in place in them.

    References
    ----------
    Kingma, D. P. and Ba, J. (2015). Adam: A method for stochastic optimization. ICLR.

    Examples
    --------
    On the first step $\hat m_1 = g_1$ and $\sqrt{\hat v_1} = |g_1|$, so each coordinate
    moves by $\eta$ against the sign of its gradient, whether that is 0.5 or $-20$:

    >>> theta, state = adam_step([1.0, -1.0], [0.5, -20.0], learning_rate=0.1)
    >>> theta.round(6).tolist()
    [0.9, -0.9]
    >>> state.step, state.m.round(6).tolist(), state.v.round(6).tolist()
    (1, [0.05, -2.0], [0.00025, 0.4])

    Rescaling the gradient by $10^6$ leaves the step unchanged:

    >>> round(adam_step(0.0, 1e-3)[0], 6), round(adam_step(0.0, 1e3)[0], 6)
    (-0.001, -0.001)

    A gradient whose square overflows float64 is refused rather than stored as inf:

    >>> adam_step(0.0, 1e200)
    Traceback (most recent call last):
    ...
    ValueError: the second moment v overflowed float64; scale the loss down or lower the learning rate.
    """  # noqa: E501
    params, grad = _params_and_grad(params, grad)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    beta1 = check_real(beta1, "beta1", low=0.0, high=1.0, closed="left")
    beta2 = check_real(beta2, "beta2", low=0.0, high=1.0, closed="left")
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    previous = _previous_state(state, AdamState, params)
    step, m_prev, v_prev = (0, 0.0, 0.0) if previous is None else previous
    t = step + 1

    with np.errstate(over="ignore"):  # a moment beyond 1.8e308 is reported below
        # m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t
        m = beta1 * m_prev + (1 - beta1) * grad
    _check_no_overflow(m, "the first moment m")
    with np.errstate(over="ignore"):  # a squared gradient above 1.8e308 is reported below
        # v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2
        v = beta2 * v_prev + (1 - beta2) * (grad * grad)
    _check_no_overflow(v, "the second moment v")
    # 1 - \beta_1^t and 1 - \beta_2^t, which undo the bias of m and v towards 0
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    # \sqrt{\hat v_t} + \epsilon = \sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon
    denominator = np.sqrt(v) / math.sqrt(bias_correction2) + eps
    # \eta / (1 - \beta_1^t), so that \eta \hat m_t = step_size \cdot m_t
    step_size = learning_rate / bias_correction1
    # a state with a large m but a tiny v can ask for a step beyond float64; reported below
    with np.errstate(over="ignore", invalid="ignore"):
        # \theta_t = \theta_{t-1} - \eta \hat m_t / (\sqrt{\hat v_t} + \epsilon)
        new_params = params - step_size * (m / denominator)
    _check_no_overflow(new_params, "the updated params")
    return _step_result(new_params, AdamState(t, m, v))


def adamw_step(
    params,
    grad,
    state=None,
    *,
    learning_rate=0.001,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    weight_decay=0.01,
):
    r"""One AdamW step: Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Parameters
    ----------
    params : float or array_like
        Current parameters $\theta_{t-1}$, finite, any shape.
    grad : float or array_like
        Gradient $g_t$ of the loss alone (no penalty term) at $\theta_{t-1}$, same shape.
    state : AdamState or None, default=None
        The state returned by the previous step; None on the first step.
    learning_rate : float, default=0.001
        Step size $\eta > 0$.
    beta1 : float, default=0.9
        Decay rate $\beta_1 \in [0, 1)$ of the first-moment estimate.
    beta2 : float, default=0.999
        Decay rate $\beta_2 \in [0, 1)$ of the second-moment estimate.
    eps : float, default=1e-8
        $\epsilon > 0$ added to the root before dividing.
    weight_decay : float, default=0.01
        Decoupled weight decay $\lambda \ge 0$; each step first multiplies the
        parameters by $1 - \eta\lambda$. 0 gives `adam_step` exactly.

    Returns
    -------
    new_params : float or ndarray
        $\theta_t$, same shape as `params`.
    new_state : AdamState
        ``AdamState(step, m, v)`` with $t$, $m_t$ and $v_t$, the same state as Adam's.

    Raises
    ------
    ValueError
        If an array is empty, not finite or shaped unlike `params`, ``state.v`` is
        negative, an option is out of range, or a moment or the updated parameters
        exceed float64 (as in `adam_step`).
    TypeError
        If an array does not hold real numbers or `state` is not an `AdamState`.

    See Also
    --------
    adam_step : The same update without the decay.

    weight_decay_step : The same decay with plain SGD, where it equals an L2 penalty.

    l2_penalty : The penalty whose gradient Adam + L2 adds to `grad` instead.

    Notes
    -----
    The decay acts on the parameters, outside the adaptive scaling:

    $$\begin{aligned}
    \theta' &= (1 - \eta\lambda)\,\theta_{t-1}, \\
    \theta_t &= \theta' - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon},
    \end{aligned}$$

    with $m_t$, $v_t$, $\hat m_t$ and $\hat v_t$ computed from $g_t$ exactly as in
    `adam_step`. Adam with an L2 penalty instead adds $\lambda\theta_{t-1}$ to the
    gradient, so the decay enters $m$ and $v$ and is divided by $\sqrt{\hat v}$:
    parameters with large gradients are barely decayed, and on the first step the
    decay is lost unless it flips a gradient's sign, as every coordinate moves by
    $\eta$ against that sign whatever the gradient's size. For plain SGD the two
    coincide (with $\lambda$ rescaled by the learning rate); for Adam they do not,
    which is Loshchilov and Hutter's point.
    This is ``torch.optim.AdamW`` (default ``weight_decay=0.01``, no AMSGrad).
    Keras's ``AdamW`` (default 0.004) multiplies by $1 - \eta\lambda$ the same way.

    References
    ----------
    Loshchilov, I. and Hutter, F. (2019). Decoupled weight decay regularization. ICLR.
    https://arxiv.org/abs/1711.05101

    Examples
    --------
    With $\eta = 0.1$ and $\lambda = 0.5$ the parameters first shrink by
    $1 - 0.05 = 0.95$, to $(0.95, -0.95)$; then Adam's first step moves each by
    $\eta$ against its gradient's sign:

    >>> theta, state = adamw_step([1.0, -1.0], [0.5, -20.0], learning_rate=0.1, weight_decay=0.5)
    >>> theta.round(6).tolist()
    [0.85, -0.85]

    Adam with the L2 gradient $\lambda\theta$ added gets $(1.0, -20.5)$, and its first
    step is $\eta$ against the sign again: the decay has vanished.

    >>> adam_step([1.0, -1.0], [0.5 + 0.5, -20.0 - 0.5], learning_rate=0.1)[0].round(6).tolist()
    [0.9, -0.9]
    """  # noqa: E501
    params = as_float_array(params, "params")
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    weight_decay = check_real(weight_decay, "weight_decay", low=0.0)
    # 1 - \eta\lambda, applied to the parameters before the Adam update
    shrink = 1 - learning_rate * weight_decay
    with np.errstate(over="ignore"):  # |1 - eta lambda| > 1 can overflow; reported below
        # \theta' = (1 - \eta\lambda) \theta_{t-1}
        decayed = params * shrink
    _check_no_overflow(decayed, "the decayed params")
    return adam_step(
        decayed, grad, state, learning_rate=learning_rate, beta1=beta1, beta2=beta2, eps=eps
    )


# --------------------------------------------------------------------------- convergence, convexity


def has_converged(losses, *, tol, patience=1):
    r"""Convergence of a loss history: the step ending the first `patience` small changes in a row.

    Parameters
    ----------
    losses : array_like of shape (n_steps,)
        Loss after each step, $L_0, L_1, \dots$, finite.
    tol : float
        Threshold $\tau > 0$ on the absolute change $|L_t - L_{t-1}|$.
    patience : int, default=1
        How many consecutive changes $p \ge 1$ must all be below `tol`.

    Returns
    -------
    int or None
        The first step $t$ such that $|L_s - L_{s-1}| < \tau$ for every
        $s = t - p + 1, \dots, t$: an index into `losses`, at least `patience`, where
        training would stop. None if the rule never fires. An int is always truthy,
        so ``if has_converged(...)`` reads as expected.

    Raises
    ------
    ValueError
        If `losses` is not 1-D, is empty or holds NaN or infinity (a diverged run),
        `tol` is not a positive finite number, or `patience` < 1.
    TypeError
        If `losses` does not hold real numbers or `patience` is not an int.

    See Also
    --------
    gradient_descent : Produces a trajectory whose losses this can watch.

    Notes
    -----
    $$t^\star = \min\{\, t \ge p : |L_s - L_{s-1}| < \tau
      \ \text{for}\ s = t - p + 1, \dots, t \,\}.$$

    Convergence is declared, not proven: a loss can sit on a plateau for many steps and
    then fall again, so a small `patience` stops early. A relative rule divides by the
    loss, $|L_t - L_{t-1}| < \tau |L_{t-1}|$; early stopping applies the same idea to a
    *validation* loss. Differences that overflow float64 are infinite, hence never
    small, so extreme losses are safe.

    Examples
    --------
    Losses 8, 4, 2, 1.5, 1.25, 1.125, 1.0625 change by 4, 2, 0.5, 0.25, 0.125 and
    0.0625. With $\tau = 0.2$ the first small change is the one into step 5, and two in
    a row end at step 6:

    >>> losses = [8.0, 4.0, 2.0, 1.5, 1.25, 1.125, 1.0625]
    >>> has_converged(losses, tol=0.2), has_converged(losses, tol=0.2, patience=2)
    (5, 6)
    >>> print(has_converged(losses, tol=0.05))
    None
    """
    losses = as_float_array(losses, "losses", ndim=1, layout="(n_steps,)")
    tol = check_real(tol, "tol", low=0.0, closed="neither")
    patience = check_int(patience, "patience", minimum=1)
    # An overflowing difference (1e308 - -1e308) is inf, which is correctly not small.
    with np.errstate(over="ignore"):
        small = np.abs(np.diff(losses)) < tol
    # counts[j + p] - counts[j] = number of small changes among changes j+1 .. j+p
    counts = np.concatenate(([0], np.cumsum(small)))
    if len(counts) <= patience:  # fewer changes than the rule needs: it cannot fire
        return None
    runs = np.flatnonzero(counts[patience:] - counts[: len(counts) - patience] == patience)
    return int(runs[0]) + patience if runs.size else None


def is_convex_on(f, a, b, *, n=1000, rng=None):
    r"""Convex function test by sampling: chords above the graph on the box between `a` and `b`.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar for an array shaped like `a`.
    a, b : float or array_like
        Finite opposite corners of the box (an interval for scalars), same shape.
    n : int, default=1000
        Number of random triples $(u, w, t)$ to try, $n \ge 1$.
    rng : numpy.random.Generator or int or None, default=None
        Source of the samples, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    bool
        False if some sampled chord lies below the graph (a witness that `f` is not
        convex there); True if none of the `n` samples found one.

    Raises
    ------
    ValueError
        If `a` or `b` is empty or not finite, their shapes differ, `n` < 1, or `f`
        returns an array or a non-finite value.
    TypeError
        If `f` is not callable, `a` or `b` does not hold real numbers, `n` is not an
        int, or `f` does not return a real number.

    See Also
    --------
    numerical_gradient : Convex functions also lie above every tangent.

    Notes
    -----
    $f$ is convex on a convex set when, for all $u, w$ in it and $t \in [0, 1]$,

    $$f(t u + (1 - t) w) \le t f(u) + (1 - t) f(w):$$

    every chord lies on or above the graph. The test draws $u$ and $w$ uniformly in the
    box and $t$ uniformly in $[0, 1]$, and allows a relative slack of $10^{-9}$ for
    rounding, so straight lines pass. **A True answer is evidence, not a proof**: a
    small non-convex region can be missed, and all that is checked is the box. A False
    answer comes with a concrete counterexample. Points are formed as
    $(1 - s) a + s b$, which cannot overflow for any finite corners. `f` is called
    $3n$ times, on one point at a time, so it need not be vectorised.

    Examples
    --------
    $x^2$ is convex; $\sin$ is concave on $[0, 3]$, where its chords lie below it;
    $x^3$ is convex on $[0, 2]$ but not on $[-1, 2]$:

    >>> import numpy as np
    >>> is_convex_on(np.square, -2.0, 3.0, rng=0), is_convex_on(np.sin, 0.0, 3.0, rng=0)
    (True, False)
    >>> is_convex_on(lambda x: x**3, 0.0, 2.0, rng=0), is_convex_on(lambda x: x**3, -1.0, 2.0, rng=0)
    (True, False)

    In two dimensions, on the square $[-1, 1]^2$, a straight line passes despite rounding:

    >>> is_convex_on(lambda x: x @ x, [-1.0, -1.0], [1.0, 1.0], rng=0)
    True
    >>> is_convex_on(lambda x: 0.1 * x[0] - 0.3 * x[1], [-1.0, -1.0], [1.0, 1.0], rng=0)
    True
    """  # noqa: E501
    _check_callable(f, "f")
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    check_same_shape(a, b, "a", "b")
    n = check_int(n, "n", minimum=1)
    rng = as_rng(rng)
    s = rng.random((2, n, *a.shape))
    t = rng.random(n)
    # two points per trial, u and w, in the box: (1 - s) a + s b never overflows
    u, w = (1 - s) * a + s * b
    t_ = t.reshape(n, *[1] * a.ndim)
    mid = t_ * u + (1 - t_) * w
    for k in range(n):  # f is a black box: one trial, three calls, at a time
        f_u, f_w, f_mid = _scalar_value(f, u[k]), _scalar_value(f, w[k]), _scalar_value(f, mid[k])
        chord = t[k] * f_u + (1 - t[k]) * f_w
        slack = 1e-9 * max(abs(t[k] * f_u), abs((1 - t[k]) * f_w), abs(f_mid))
        if f_mid > chord + slack:
            return False
    return True
