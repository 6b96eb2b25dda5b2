"""Adam written for memory, not for reading: the in-place form ``dlterms.adam_step`` once had.

``dlterms.adam_step`` writes one line per equation, as labml does; each line allocates
a temporary the size of the parameters. This version instead fills three buffers that
it returns (the new parameters and the two moments), using the new-parameter buffer as
scratch, so its peak extra memory stays at the three outputs. It validates exactly as
``dlterms.adam_step`` does and returns identical numbers, bit for bit
(``tests/test_optim.py`` checks it); ``bench_functions.py`` times the two side by side.
"""

from __future__ import annotations

import math

import numpy as np

from dlterms._validation import check_real
from dlterms.optim import (
    AdamState,
    _check_no_overflow,
    _params_and_grad,
    _previous_state,
    _step_result,
)

__all__ = ["adam_step_inplace"]


def adam_step_inplace(
    params, grad, state=None, *, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8
):
    """``dlterms.adam_step`` with three output buffers and no other full-size temporary."""
    params, grad = _params_and_grad(params, grad)
    learning_rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    beta1 = check_real(beta1, "beta1", low=0.0, high=1.0, closed="left")
    beta2 = check_real(beta2, "beta2", low=0.0, high=1.0, closed="left")
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    previous = _previous_state(state, AdamState, params)
    step, m_prev, v_prev = (0, 0.0, 0.0) if previous is None else previous
    t = step + 1

    # Three buffers, all returned; new_params doubles as scratch until the last lines.
    m, v, new_params = np.empty_like(params), np.empty_like(params), np.empty_like(params)
    # m_t = beta1 m_{t-1} + (1 - beta1) g_t
    np.multiply(m_prev, beta1, out=m)
    np.multiply(grad, 1 - beta1, out=new_params)
    m += new_params
    with np.errstate(over="ignore"):  # a squared gradient above 1.8e308 is reported below
        # v_t = beta2 v_{t-1} + (1 - beta2) g_t^2
        np.multiply(v_prev, beta2, out=v)
        np.multiply(grad, grad, out=new_params)
        new_params *= 1 - beta2
        v += new_params
    _check_no_overflow(v, "the second moment v")
    bias_correction1 = 1 - beta1**t
    bias_correction2 = 1 - beta2**t
    # denominator sqrt(v_t) / sqrt(1 - beta2^t) + eps
    np.sqrt(v, out=new_params)
    new_params /= math.sqrt(bias_correction2)
    new_params += eps
    # theta_t = theta_{t-1} - (eta / (1 - beta1^t)) m_t / denominator
    np.divide(m, new_params, out=new_params)
    new_params *= -learning_rate / bias_correction1
    new_params += params
    return _step_result(new_params, AdamState(t, m, v))
