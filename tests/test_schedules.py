"""dlterms.schedules step by step against torch.optim.lr_scheduler."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import cosine_decay, linear_warmup, step_decay, warmup_cosine

torch = pytest.importorskip("torch")
FAST = settings(max_examples=25, deadline=None)


def _torch_lrs(make_scheduler, base_lr: float, n_steps: int) -> list[float]:
    """The learning rate PyTorch uses at steps 0..n-1 (read before each step)."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    scheduler = make_scheduler(optimizer)
    out = []
    for _ in range(n_steps):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return out


@FAST
@given(st.floats(1e-4, 1.0), st.integers(1, 5), st.floats(0.05, 1.0), st.integers(1, 20))
def test_step_decay_matches_step_lr(base_lr, step_size, gamma, n):
    expected = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=step_size, gamma=gamma), base_lr, n
    )
    got = step_decay(np.arange(n), base_lr=base_lr, step_size=step_size, gamma=gamma)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@FAST
@given(st.floats(1e-4, 1.0), st.integers(1, 8), st.floats(0.01, 1.0), st.integers(1, 20))
def test_linear_warmup_matches_linear_lr(base_lr, warmup, start, n):
    expected = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=start, total_iters=warmup),
        base_lr,
        n,
    )
    got = linear_warmup(np.arange(n), base_lr=base_lr, warmup_steps=warmup, start_factor=start)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@FAST
@given(st.floats(1e-4, 1.0), st.integers(1, 12), st.floats(0.0, 1.0))
def test_cosine_decay_matches_cosine_annealing_up_to_t_max(base_lr, total, floor_share):
    min_lr = floor_share * base_lr
    expected = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total, eta_min=min_lr),
        base_lr,
        total + 1,
    )
    got = cosine_decay(np.arange(total + 1), base_lr=base_lr, total_steps=total, min_lr=min_lr)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


def test_cosine_decay_stays_at_the_floor_after_the_end():
    assert cosine_decay([10, 50], base_lr=0.1, total_steps=10, min_lr=0.01).tolist() == [0.01, 0.01]


def test_warmup_cosine_is_the_two_halves_joined_and_matches_sequential_lr():
    base, warmup, total = 0.1, 3, 10
    got = warmup_cosine(np.arange(total + 1), base_lr=base, warmup_steps=warmup, total_steps=total)
    # LinearLR cannot start at exactly 0; from step 1 on the schedules agree with
    # LinearLR(1/warmup) followed by CosineAnnealingLR(T_max=total - warmup).
    expected = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=1e-9, total_iters=warmup),
                torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=total - warmup),
            ],
            milestones=[warmup],
        ),
        base,
        total + 1,
    )
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-10)
    assert got[warmup] == base and got[0] == 0.0 and got[-1] == pytest.approx(0.0, abs=1e-18)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="warmup_steps must be less than total_steps"):
        warmup_cosine(0, base_lr=0.1, warmup_steps=5, total_steps=5)
    with pytest.raises(ValueError, match="step must be >= 0"):
        step_decay([-1], base_lr=0.1, step_size=1)
    with pytest.raises(TypeError, match="step must hold whole numbers"):
        cosine_decay([0.5], base_lr=0.1, total_steps=2)
