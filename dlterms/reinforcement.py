"""Reinforcement learning: discounted returns, the tabular Q-learning update, epsilon-greedy.

All three work on plain arrays: rewards of one episode, a Q-table of shape
``(n_states, n_actions)``, and one row of action values.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_float_array,
    check_bool,
    check_int,
    check_real,
)

__all__ = ["discounted_return", "epsilon_greedy_policy", "q_learning_update"]

#: Rewards are summed in blocks of this many steps: one small matrix per block.
_BLOCK = 256


def discounted_return(rewards, *, gamma):
    r"""Discounted return from every step of an episode: future rewards weighted by `gamma`.

    Parameters
    ----------
    rewards : array_like of shape (T,)
        Finite rewards $r_1, \dots, r_T$ of one episode, in order; ``rewards[t]`` is
        the reward received after the action at step ``t``.
    gamma : float
        Discount factor in $[0, 1]$.

    Returns
    -------
    ndarray of shape (T,)
        ``G[t]`` $= \sum_{k \ge t} \gamma^{k-t}$ ``rewards[k]``; ``G[0]`` is the
        return of the whole episode.

    Raises
    ------
    ValueError
        If `rewards` is not 1-D, is empty or holds NaN or infinity, or `gamma` is
        outside $[0, 1]$.
    TypeError
        If `rewards` does not hold real numbers or `gamma` is not a real number.

    See Also
    --------
    q_learning_update : Learns action values whose targets are one-step returns.

    Notes
    -----
    $G_t = r_{t+1} + \gamma G_{t+1}$, computed without a Python loop over steps:
    within each block of up to 256 steps, with an upper-triangular matrix of powers
    $\gamma^{k-t}$; between blocks, by carrying the next block's first return scaled by
    $\gamma^{\text{block length}}$. The powers of $\gamma$ are at most 1, so nothing
    overflows; a return can overflow only if the exact return does.

    References
    ----------
    .. [1] R. S. Sutton and A. G. Barto, "Reinforcement Learning: An Introduction",
       2nd ed., MIT Press, 2018, section 3.3.

    Examples
    --------
    Rewards $0, 0, 1$ with $\gamma = 0.9$: the episode's return is
    $0.9^2 = 0.81$, from the second step $0.9$, from the last $1$.

    >>> discounted_return([0.0, 0.0, 1.0], gamma=0.9).round(4).tolist()
    [0.81, 0.9, 1.0]
    >>> discounted_return([1.0, 1.0, 1.0], gamma=0.5).tolist()
    [1.75, 1.5, 1.0]
    """
    r = as_float_array(rewards, "rewards", ndim=1)
    gamma = check_real(gamma, "gamma", low=0.0, high=1.0)
    n = r.shape[0]
    out = np.empty(n)
    carry = 0.0
    for end in range(n, 0, -_BLOCK):  # one iteration per block of steps, last block first
        start = max(0, end - _BLOCK)
        k = np.arange(end - start)
        gap = k[None, :] - k[:, None]
        with np.errstate(under="ignore"):  # gamma**gap for large gaps is a harmless 0
            powers = np.where(gap >= 0, gamma ** np.maximum(gap, 0), 0.0)
        tail = gamma ** (end - start - k)  # weight of the next block's first return
        with np.errstate(under="ignore"):
            out[start:end] = powers @ r[start:end] + tail * carry
        carry = out[start]
    return out


def q_learning_update(q, state, action, reward, next_state, *, learning_rate, gamma, done=False):
    r"""One tabular Q-learning update for the transition ``(state, action, reward, next_state)``.

    Parameters
    ----------
    q : array_like of shape (n_states, n_actions)
        Finite action values $Q(s, a)$.
    state, action, next_state : int
        Indices into the rows (states) and columns (actions) of `q`.
    reward : float
        The finite reward received for taking `action` in `state`.
    learning_rate : float
        Step size $\alpha$ in $(0, 1]$.
    gamma : float
        Discount factor in $[0, 1]$.
    done : bool, default=False
        True if `next_state` is terminal: the target is then `reward` alone.

    Returns
    -------
    ndarray of shape (n_states, n_actions)
        A new table; only ``[state, action]`` differs from `q`.

    Raises
    ------
    ValueError
        If `q` is not 2-D, is empty or holds NaN or infinity, an index is out of range,
        or `learning_rate` or `gamma` is out of range.
    TypeError
        If an index is not an int, `done` is not a bool, or a number is not real.

    See Also
    --------
    epsilon_greedy_policy : How an agent usually picks actions from these values.
    discounted_return : The quantity whose expectation the values estimate.

    Notes
    -----
    $Q(s, a) \leftarrow Q(s, a) + \alpha \bigl(r + \gamma \max_{a'} Q(s', a') - Q(s, a)\bigr)$,
    with the $\max$ term dropped when $s'$ is terminal. The target uses the greedy
    action in $s'$ whatever the agent does next, which makes Q-learning off-policy.

    References
    ----------
    .. [1] C. J. C. H. Watkins and P. Dayan, "Q-learning", Machine Learning 8,
       279-292, 1992.

    Examples
    --------
    Two states, two actions, all values 0 except $Q(1, 0) = 2$. Taking action 1 in
    state 0 earns reward 1 and leads to state 1: the target is $1 + 0.9 \cdot 2 = 2.8$,
    and with $\alpha = 0.5$ the value moves half-way, from 0 to 1.4.

    >>> q = [[0.0, 0.0], [2.0, 0.0]]
    >>> q_learning_update(q, 0, 1, 1.0, 1, learning_rate=0.5, gamma=0.9).tolist()
    [[0.0, 1.4], [2.0, 0.0]]
    >>> q_learning_update(q, 0, 1, 1.0, 1, learning_rate=0.5, gamma=0.9, done=True).tolist()
    [[0.0, 0.5], [2.0, 0.0]]
    """
    table = as_float_array(q, "q", ndim=2).copy()
    n_states, n_actions = table.shape
    state = check_int(state, "state", minimum=0)
    next_state = check_int(next_state, "next_state", minimum=0)
    action = check_int(action, "action", minimum=0)
    for name, value, size in (
        ("state", state, n_states),
        ("next_state", next_state, n_states),
        ("action", action, n_actions),
    ):
        if value >= size:
            raise ValueError(f"{name} must be less than {size}; got {value}.")
    reward = check_real(reward, "reward")
    alpha = check_real(learning_rate, "learning_rate", low=0.0, high=1.0, closed="right")
    gamma = check_real(gamma, "gamma", low=0.0, high=1.0)
    done = check_bool(done, "done")
    # target = r + gamma * max_a' Q(s', a'), or r alone after a terminal step
    target = reward if done else reward + gamma * float(table[next_state].max())
    # Q(s, a) <- Q(s, a) + alpha * (target - Q(s, a)), written as a convex mix so
    # that it stays finite whenever both values are
    table[state, action] = (1.0 - alpha) * table[state, action] + alpha * target
    if not np.isfinite(table[state, action]):
        raise ValueError("the updated value overflows; rescale the rewards.")
    return table


def epsilon_greedy_policy(action_values, *, epsilon):
    r"""Action probabilities of the epsilon-greedy policy for one state.

    Parameters
    ----------
    action_values : array_like of shape (n_actions,)
        Finite estimated values of the actions, e.g. one row of a Q-table.
    epsilon : float
        Exploration rate in $[0, 1]$: the chance of acting uniformly at random.

    Returns
    -------
    ndarray of shape (n_actions,)
        Probabilities summing to 1: $\varepsilon / n$ for every action, plus
        $1 - \varepsilon$ shared equally by the actions of highest value.

    Raises
    ------
    ValueError
        If `action_values` is not 1-D, is empty or holds NaN or infinity, or
        `epsilon` is outside $[0, 1]$.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    q_learning_update : Learns the action values this policy acts on.

    Notes
    -----
    $\pi(a \mid s) = \varepsilon / n + (1 - \varepsilon) \, [a \in \arg\max] / |\arg\max|$.
    Ties share the greedy probability, so the policy does not depend on the order of
    the actions.

    References
    ----------
    .. [1] R. S. Sutton and A. G. Barto, "Reinforcement Learning: An Introduction",
       2nd ed., MIT Press, 2018, section 2.2.

    Examples
    --------
    With $\varepsilon = 0.1$ and two actions the greedy one gets $0.9 + 0.05 = 0.95$:

    >>> epsilon_greedy_policy([1.0, 0.0], epsilon=0.1).round(4).tolist()
    [0.95, 0.05]
    >>> epsilon_greedy_policy([2.0, 5.0, 5.0, 1.0], epsilon=0.2).round(4).tolist()
    [0.05, 0.45, 0.45, 0.05]
    """
    values = as_float_array(action_values, "action_values", ndim=1)
    epsilon = check_real(epsilon, "epsilon", low=0.0, high=1.0)
    best = values == values.max()
    return epsilon / values.size + (1.0 - epsilon) * best / best.sum()
