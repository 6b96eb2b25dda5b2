"""Learning-rate schedules: the learning rate as a function of the training step.

Every function takes a step number or an array of them and returns the learning rate
to use at that step (a Python float for a scalar step), so a whole schedule is one
call: ``cosine_decay(np.arange(1000), base_lr=3e-4, total_steps=1000)``.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_array, check_int, check_real, scalar_or_array

__all__ = ["cosine_decay", "linear_warmup", "step_decay", "warmup_cosine"]


def _steps(step) -> np.ndarray:
    array = as_array(step, "step")
    if array.dtype.kind not in "iu":
        raise TypeError(f"step must hold whole numbers; got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError("step must not be empty; got an empty array.")
    if array.min() < 0:
        raise ValueError(f"step must be >= 0; got {int(array.min())}.")
    return array.astype(np.float64)


def _lr(value, name: str) -> float:
    return check_real(value, name, low=0.0, closed="neither")


def step_decay(step, *, base_lr, step_size, gamma=0.1):
    r"""Step-decay learning rate schedule: multiply the rate by `gamma` every `step_size` steps.

    Parameters
    ----------
    step : int or array_like of int
        Training steps (or epochs), starting at 0.
    base_lr : float
        Learning rate at step 0, positive.
    step_size : int
        Steps between two decays, at least 1.
    gamma : float, default=0.1
        Factor applied at each decay, in $(0, 1]$.

    Returns
    -------
    float or ndarray
        $\eta_0 \, \gamma^{\lfloor t / s \rfloor}$, shaped like `step`.

    Raises
    ------
    ValueError
        If `step` is empty or negative, or a setting is out of range.
    TypeError
        If a step is not a whole number or a setting has the wrong type.

    See Also
    --------
    cosine_decay : A smooth decay to a floor.

    Notes
    -----
    The same values as ``torch.optim.lr_scheduler.StepLR`` read before each
    ``scheduler.step()``.

    Examples
    --------
    >>> step_decay([0, 1, 2, 3, 4], base_lr=0.1, step_size=2, gamma=0.5).tolist()
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    t = _steps(step)
    base_lr = _lr(base_lr, "base_lr")
    step_size = check_int(step_size, "step_size", minimum=1)
    gamma = check_real(gamma, "gamma", low=0.0, high=1.0, closed="right")
    with np.errstate(under="ignore"):  # gamma ** many decays may flush to 0: a floor of 0
        return scalar_or_array(base_lr * gamma ** np.floor(t / step_size))


def linear_warmup(step, *, base_lr, warmup_steps, start_factor=0.0):
    r"""Raise the learning rate linearly to `base_lr` over the first `warmup_steps` steps.

    Parameters
    ----------
    step : int or array_like of int
        Training steps, starting at 0.
    base_lr : float
        Learning rate reached at the end of the warmup and kept after it, positive.
    warmup_steps : int
        Length of the warmup, at least 1.
    start_factor : float, default=0.0
        Fraction of `base_lr` used at step 0, in $[0, 1]$.

    Returns
    -------
    float or ndarray
        $\eta_0 \bigl(f + (1 - f) \min(t, W) / W\bigr)$, shaped like `step`.

    Raises
    ------
    ValueError
        If `step` is empty or negative, or a setting is out of range.
    TypeError
        If a step is not a whole number or a setting has the wrong type.

    See Also
    --------
    warmup_cosine : Warmup followed by cosine decay, the usual transformer schedule.

    Notes
    -----
    With ``start_factor > 0`` these are the values of
    ``torch.optim.lr_scheduler.LinearLR(start_factor=f, total_iters=W)``; PyTorch does
    not allow a factor of exactly 0.

    Examples
    --------
    >>> linear_warmup([0, 1, 2, 3, 4], base_lr=0.1, warmup_steps=4).round(4).tolist()
    [0.0, 0.025, 0.05, 0.075, 0.1]
    """
    t = _steps(step)
    base_lr = _lr(base_lr, "base_lr")
    warmup = check_int(warmup_steps, "warmup_steps", minimum=1)
    f = check_real(start_factor, "start_factor", low=0.0, high=1.0)
    return scalar_or_array(base_lr * (f + (1.0 - f) * np.minimum(t, warmup) / warmup))


def cosine_decay(step, *, base_lr, total_steps, min_lr=0.0):
    r"""Cosine decay: the learning rate falls from `base_lr` to `min_lr` along half a cosine.

    Parameters
    ----------
    step : int or array_like of int
        Training steps, starting at 0; steps after `total_steps` keep `min_lr`.
    base_lr : float
        Learning rate at step 0, positive.
    total_steps : int
        Length of the decay, at least 1.
    min_lr : float, default=0.0
        Floor reached at `total_steps`, in $[0, \text{base\_lr}]$.

    Returns
    -------
    float or ndarray
        $\eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\bigl(1 + \cos(\pi \min(t, T)/T)\bigr)$.

    Raises
    ------
    ValueError
        If `step` is empty or negative, or a setting is out of range.
    TypeError
        If a step is not a whole number or a setting has the wrong type.

    See Also
    --------
    warmup_cosine : The same decay after a linear warmup.

    Notes
    -----
    Up to ``T_max`` these are the values of ``torch.optim.lr_scheduler.CosineAnnealingLR``
    (``eta_min=min_lr``). After it PyTorch's schedule rises again along the cosine;
    here, as in ``optax.cosine_decay_schedule``, it stays at the floor.

    References
    ----------
    .. [1] I. Loshchilov and F. Hutter, "SGDR: Stochastic Gradient Descent with Warm
       Restarts", ICLR 2017.

    Examples
    --------
    Half-way through, the rate is half-way between the two ends:

    >>> cosine_decay([0, 2, 4, 6], base_lr=0.1, total_steps=4, min_lr=0.02).round(4).tolist()
    [0.1, 0.06, 0.02, 0.02]
    """
    t = _steps(step)
    base_lr = _lr(base_lr, "base_lr")
    total = check_int(total_steps, "total_steps", minimum=1)
    min_lr = check_real(min_lr, "min_lr", low=0.0, high=base_lr)
    progress = np.minimum(t, total) / total
    return scalar_or_array(min_lr + 0.5 * (base_lr - min_lr) * (1.0 + np.cos(np.pi * progress)))


def warmup_cosine(step, *, base_lr, warmup_steps, total_steps, min_lr=0.0):
    r"""Linear warmup from 0 to `base_lr`, then cosine decay to `min_lr` at `total_steps`.

    Parameters
    ----------
    step : int or array_like of int
        Training steps, starting at 0.
    base_lr : float
        Peak learning rate, reached at step `warmup_steps`.
    warmup_steps : int
        Length of the warmup, at least 1 and less than `total_steps`.
    total_steps : int
        Step at which the decay reaches `min_lr`.
    min_lr : float, default=0.0
        Floor of the decay, in $[0, \text{base\_lr}]$.

    Returns
    -------
    float or ndarray
        :func:`linear_warmup` before `warmup_steps`, then :func:`cosine_decay` over the
        remaining ``total_steps - warmup_steps`` steps.

    Raises
    ------
    ValueError
        If `step` is empty or negative, or a setting is out of range.
    TypeError
        If a step is not a whole number or a setting has the wrong type.

    See Also
    --------
    linear_warmup, cosine_decay : The two halves.

    Notes
    -----
    The common schedule for training transformers: warmup keeps the first updates
    small while Adam's moment estimates are still noisy, then the rate decays smoothly.

    Examples
    --------
    >>> lr = warmup_cosine([0, 1, 2, 4, 6], base_lr=0.1, warmup_steps=2, total_steps=6)
    >>> lr.round(4).tolist()
    [0.0, 0.05, 0.1, 0.05, 0.0]
    """
    t = _steps(step)
    total = check_int(total_steps, "total_steps", minimum=2)
    warmup = check_int(warmup_steps, "warmup_steps", minimum=1)
    if warmup >= total:
        raise ValueError(f"warmup_steps must be less than total_steps; got {warmup} and {total}.")
    rising = np.asarray(linear_warmup(t.astype(np.int64), base_lr=base_lr, warmup_steps=warmup))
    after = np.maximum(t - warmup, 0).astype(np.int64)
    falling = np.asarray(
        cosine_decay(after, base_lr=base_lr, total_steps=total - warmup, min_lr=min_lr)
    )
    return scalar_or_array(np.where(t < warmup, rising, falling))
