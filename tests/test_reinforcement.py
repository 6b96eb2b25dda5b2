"""dlterms.reinforcement against hand-computed episodes and a plain loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import discounted_return, epsilon_greedy_policy, q_learning_update

rewards = st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=600)
gammas = st.floats(0.0, 1.0)


def _loop_returns(r, gamma):
    """The textbook recursion G_t = r_t + gamma G_{t+1}, one step at a time."""
    out, g = [], 0.0
    for x in reversed(r):
        g = x + gamma * g
        out.append(g)
    return out[::-1]


def test_hand_computed_episode():
    # rewards 1, 0, 2 with gamma 0.5: G2 = 2, G1 = 0 + 0.5 * 2 = 1, G0 = 1 + 0.5 * 1 = 1.5
    assert discounted_return([1.0, 0.0, 2.0], gamma=0.5).tolist() == [1.5, 1.0, 2.0]
    assert discounted_return([3.0, 4.0], gamma=0.0).tolist() == [3.0, 4.0]  # myopic
    assert discounted_return([1.0, 1.0, 1.0], gamma=1.0).tolist() == [3.0, 2.0, 1.0]


@settings(max_examples=40, deadline=None)
@given(rewards, gammas)
def test_returns_match_the_recursion_across_block_boundaries(r, gamma):
    np.testing.assert_allclose(
        discounted_return(r, gamma=gamma), _loop_returns(r, gamma), rtol=1e-9, atol=1e-9
    )


def test_long_episode_with_small_gamma_does_not_underflow_warnings():
    r = np.ones(5000)
    g = discounted_return(r, gamma=0.01)
    np.testing.assert_allclose(g[:-10], 1 / 0.99, rtol=1e-12)  # far from the end
    assert g[-1] == 1.0 and g[-2] == 1.01


def test_hand_computed_q_learning_episode():
    """A 3-state corridor 0 -> 1 -> 2 (terminal), reward 1 on reaching 2, one action."""
    q = np.zeros((3, 1))
    for _ in range(2):  # two passes along the corridor, alpha = 0.5, gamma = 0.9
        q = q_learning_update(q, 0, 0, 0.0, 1, learning_rate=0.5, gamma=0.9)
        q = q_learning_update(q, 1, 0, 1.0, 2, learning_rate=0.5, gamma=0.9, done=True)
    # pass 1: Q0 = 0, Q1 = 0.5; pass 2: Q0 = 0.5 * 0 + 0.5 * (0.9 * 0.5) = 0.225, Q1 = 0.75
    np.testing.assert_allclose(q[:, 0], [0.225, 0.75, 0.0])


def test_q_learning_does_not_touch_its_input_and_checks_indices():
    q = np.zeros((2, 2))
    new = q_learning_update(q, 1, 1, 2.0, 0, learning_rate=1.0, gamma=0.5)
    assert q.sum() == 0 and new[1, 1] == 2.0
    with pytest.raises(ValueError, match="action must be less than 2; got 2"):
        q_learning_update(q, 0, 2, 0.0, 0, learning_rate=0.5, gamma=0.5)
    with pytest.raises(ValueError, match="learning_rate must be a finite number in"):
        q_learning_update(q, 0, 0, 0.0, 0, learning_rate=0.0, gamma=0.5)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-3, 3).map(float), min_size=1, max_size=6),
    st.floats(0.0, 1.0),
)
def test_epsilon_greedy_is_a_distribution_favouring_the_best(values, epsilon):
    p = epsilon_greedy_policy(values, epsilon=epsilon)
    assert p.sum() == pytest.approx(1.0)
    best = np.array(values) == max(values)
    assert np.allclose(p[best], p[best][0]) and (p[best] >= p.max() - 1e-12).all()
    assert np.allclose(p[~best], epsilon / len(values))
