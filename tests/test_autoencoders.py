"""The autoencoder of dlterms.autoencoders: its gradient, its training and denoising.

Oracles: torch autograd in float64 on the same tiny network, central finite
differences, and held-out data on which a trained model must beat simple baselines.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    autoencoder_loss,
    autoencoder_loss_grad,
    corrupt,
    decode,
    encode,
    reconstruct,
    train_autoencoder,
)

FAST = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
unit = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    """x, target and params of a small autoencoder."""
    n, d, h = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 3))

    def arr(*shape):
        return draw(hnp.arrays(np.float64, shape, elements=unit))

    return arr(n, d), arr(n, d), (arr(d, h), arr(h), arr(h, d), arr(d))


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


def plane_data(n, rng, noise=0.05):
    """n points near a 2-D plane through the origin in 8-D, about unit scale."""
    basis = np.linalg.qr(np.random.default_rng(0).normal(size=(8, 2)))[0].T  # fixed plane
    return rng.normal(size=(n, 2)) @ basis + noise * rng.normal(size=(n, 8))


# --- gradient ---------------------------------------------------------------------


@FAST
@given(problems())
def test_loss_and_gradient_match_torch_autograd(torch, problem):
    x, target, params = problem
    tensors = [torch.from_numpy(p.copy()).requires_grad_() for p in params]
    w_enc, b_enc, w_dec, b_dec = tensors
    x_hat = torch.tanh(torch.from_numpy(x) @ w_enc + b_enc) @ w_dec + b_dec
    loss = torch.nn.functional.mse_loss(x_hat, torch.from_numpy(target))
    loss.backward()

    close(autoencoder_loss(x, params, target=target), loss.item())
    grads = autoencoder_loss_grad(x, params, target=target)
    for ours, theirs in zip(grads, tensors, strict=True):
        close(ours, theirs.grad.numpy())


@FAST
@given(problems())
def test_gradient_matches_central_differences(problem):
    x, target, params = problem
    grads = autoencoder_loss_grad(x, params, target=target)
    eps = 1e-6
    for k, param in enumerate(params):
        numeric = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            bump = np.zeros_like(param)
            bump[idx] = eps
            up = tuple(p + bump if i == k else p for i, p in enumerate(params))
            down = tuple(p - bump if i == k else p for i, p in enumerate(params))
            numeric[idx] = (
                autoencoder_loss(x, up, target=target) - autoencoder_loss(x, down, target=target)
            ) / (2 * eps)
        np.testing.assert_allclose(grads[k], numeric, rtol=1e-5, atol=1e-8)


@FAST
@given(problems())
def test_pieces_compose_and_one_example_equals_a_batch_of_one(problem):
    x, _, params = problem
    close(reconstruct(x, params), decode(encode(x, params), params))
    assert np.all(np.abs(encode(x, params)) <= 1.0)
    np.testing.assert_array_equal(reconstruct(x[0], params), reconstruct(x[:1], params)[0])
    assert autoencoder_loss(x, params) == autoencoder_loss(x, params, target=x)
    single = autoencoder_loss_grad(x[0], params)
    for a, b in zip(single, autoencoder_loss_grad(x[:1], params), strict=True):
        np.testing.assert_array_equal(a, b)


def test_one_gradient_step_equals_a_torch_sgd_step(torch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4))
    params = (rng.normal(size=(4, 2)), np.zeros(2), rng.normal(size=(2, 4)), np.zeros(4))
    tensors = [torch.from_numpy(p.copy()).requires_grad_() for p in params]
    x_hat = torch.tanh(torch.from_numpy(x) @ tensors[0] + tensors[1]) @ tensors[2] + tensors[3]
    torch.nn.functional.mse_loss(x_hat, torch.from_numpy(x)).backward()
    with torch.no_grad():  # one plain gradient-descent step in torch
        for t in tensors:
            t -= 0.1 * t.grad
    grads = autoencoder_loss_grad(x, params)
    for p, g, t in zip(params, grads, tensors, strict=True):
        close(p - 0.1 * g, t.detach().numpy())


# --- training ----------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 20])
def test_training_really_learns_the_plane(batch_size):
    rng = np.random.default_rng(1)
    x, x_test = plane_data(200, rng), plane_data(100, rng)
    n_epochs = 300 if batch_size is None else 60
    params, history = train_autoencoder(
        x, n_hidden=2, n_epochs=n_epochs, learning_rate=0.5, batch_size=batch_size, rng=0
    )
    assert history[0] / history[-1] > 5
    held_out = autoencoder_loss(x_test, params)
    mean_baseline = np.mean((x_test - x.mean(axis=0)) ** 2)
    assert held_out < mean_baseline / 5
    assert encode(x_test, params).shape == (100, 2)


@pytest.mark.parametrize("noise", [{"noise_std": 0.3}, {"mask_rate": 0.25}])
def test_denoising_autoencoder_removes_noise(noise):
    rng = np.random.default_rng(2)
    x, x_test = plane_data(200, rng), plane_data(100, rng)
    params, history = train_autoencoder(
        x, n_hidden=2, n_epochs=60, learning_rate=0.2, batch_size=20, rng=0, **noise
    )
    assert history[-1] < history[0] / 5
    noisy = corrupt(x_test, **noise, rng=5)
    identity_error = np.mean((noisy - x_test) ** 2)
    denoised_error = autoencoder_loss(noisy, params, target=x_test)
    assert denoised_error < identity_error / 2


def test_training_is_deterministic_for_a_seed_and_does_not_touch_x():
    x = plane_data(30, np.random.default_rng(4))
    before = x.copy()
    a = train_autoencoder(
        x, n_hidden=2, n_epochs=5, learning_rate=0.1, batch_size=7, noise_std=0.1, rng=3
    )
    b = train_autoencoder(
        x, n_hidden=2, n_epochs=5, learning_rate=0.1, batch_size=7, noise_std=0.1, rng=3
    )
    for p, q in zip(a[0], b[0], strict=True):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(x, before)


def test_first_full_batch_loss_is_the_untrained_loss():
    x = plane_data(40, np.random.default_rng(5))
    one_step, history = train_autoencoder(x, n_hidden=2, n_epochs=1, learning_rate=1e-300, rng=0)
    assert history[0] == pytest.approx(autoencoder_loss(x, one_step), rel=1e-12)


def test_a_too_large_learning_rate_is_reported_not_returned_as_nan():
    x = plane_data(40, np.random.default_rng(6))
    with pytest.raises(ValueError, match="training diverged"):
        train_autoencoder(x, n_hidden=2, n_epochs=200, learning_rate=1e6, rng=0)


def test_training_options_are_checked():
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match="n_hidden"):
        train_autoencoder(x, n_hidden=0, n_epochs=1, learning_rate=0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        train_autoencoder(x, n_hidden=1, n_epochs=1, learning_rate=0.0)
    with pytest.raises(ValueError, match="mask_rate"):
        train_autoencoder(x, n_hidden=1, n_epochs=1, learning_rate=0.1, mask_rate=1.0)
    with pytest.raises(TypeError, match="batch_size"):
        train_autoencoder(x, n_hidden=1, n_epochs=1, learning_rate=0.1, batch_size=2.0)


# --- corruption ----------------------------------------------------------------------


def test_corrupt_statistics():
    x = np.ones((200, 50))
    masked = corrupt(x, mask_rate=0.3, rng=0)
    assert set(np.unique(masked)) == {0.0, 1.0}
    assert abs(np.mean(masked == 0.0) - 0.3) < 0.01
    noisy = corrupt(x, noise_std=0.5, rng=0)
    assert abs(np.mean(noisy - x)) < 0.01 and abs(np.std(noisy - x) - 0.5) < 0.01
    clean = corrupt(x, rng=0)
    np.testing.assert_array_equal(clean, x)
    assert not np.shares_memory(clean, x)


def test_params_are_checked():
    good = (np.ones((3, 2)), np.zeros(2), np.ones((2, 3)), np.zeros(3))
    with pytest.raises(TypeError, match="params must be a tuple of four arrays"):
        encode(np.ones(3), good[:3])
    with pytest.raises(ValueError, match="w_dec must have shape"):
        encode(np.ones(3), (good[0], good[1], np.ones((3, 2)), good[3]))
    with pytest.raises(ValueError, match="x must have 3 features"):
        reconstruct(np.ones((2, 4)), good)
    with pytest.raises(ValueError, match="z must have 2 code units"):
        decode(np.ones(3), good)
    with pytest.raises(ValueError, match="target must have the same shape"):
        autoencoder_loss(np.ones((2, 3)), good, target=np.ones((3, 3)))


# --- extremes: finite whenever the exact result is, else a ValueError that says so ---

_MAX = np.finfo(np.float64).max


def test_extreme_inputs_give_finite_codes_loss_and_gradients_or_a_clear_error():
    # x @ w_enc adds MAX twice on the way, yet the pre-activation MAX / 2 fits
    params = ([[1.0], [-0.5]], [0.0], [[2.0**-1000, 1.0]], [0.0, 0.0])
    x = np.array([[_MAX, _MAX]])
    assert encode(x, params).tolist() == [[1.0]]
    assert reconstruct(x, params).tolist() == [[2.0**-1000, 1.0]]
    assert decode([[_MAX]], params).tolist() == [[_MAX * 2.0**-1000, _MAX]]
    # the error x_hat - target = 2 MAX overflows, yet dL/dx_hat = 2 (2 MAX) / 4 fits
    wide = (np.zeros((4, 1)), [0.0], np.zeros((1, 4)), [_MAX, _MAX, 0.0, 0.0])
    grads = autoencoder_loss_grad(np.zeros((1, 4)), wide, target=[[-_MAX, -_MAX, 0.0, 0.0]])
    assert grads.b_dec.tolist() == [_MAX, _MAX, 0.0, 0.0]
    assert grads.w_dec.tolist() == [[0.0, 0.0, 0.0, 0.0]]
    small = ([[1.0], [1.0]], [0.0], [[0.0, 0.0]], [0.0, 0.0])
    assert autoencoder_loss([[0.0, 0.0]], small, target=[[2.0**500, 0.0]]) == 2.0**999
    with pytest.raises(ValueError, match="the reconstruction error must fit in float64"):
        autoencoder_loss([[0.0, 0.0]], small, target=[[_MAX, -_MAX]])
    with pytest.raises(ValueError, match=r"z @ w_dec \+ b_dec overflows float64"):
        decode([[_MAX]], ([[1.0]], [0.0], [[4.0]], [0.0]))
