"""Optimisation: plain gradient descent, one step or a whole trajectory."""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_float_array,
    check_int,
    check_real,
    check_same_shape,
    scalar_or_array,
)

__all__ = ["gradient_descent", "gradient_descent_step"]


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
