"""dlterms.generative against torch.distributions, torch's losses and autograd."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlterms import (
    ddpm_alpha_bar,
    ddpm_forward,
    fgsm,
    gan_discriminator_loss,
    gan_generator_loss,
    gaussian_kl_standard,
    info_nce_loss,
    reparameterize,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional
FAST = settings(max_examples=25, deadline=None)
unit = st.floats(-3.0, 3.0, allow_nan=False)


def matrices():
    shapes = st.tuples(st.integers(1, 4), st.integers(1, 5))
    return shapes.flatmap(lambda s: arrays(np.float64, s, elements=unit))


@FAST
@given(matrices(), st.data())
def test_kl_matches_torch_distributions(mu, data):
    log_var = data.draw(arrays(np.float64, mu.shape, elements=unit))
    p = torch.distributions.Normal(torch.tensor(mu), torch.tensor(np.exp(0.5 * log_var)))
    q = torch.distributions.Normal(torch.zeros(mu.shape, dtype=torch.float64), 1.0)
    expected = torch.distributions.kl_divergence(p, q).sum(-1).mean().item()
    assert gaussian_kl_standard(mu, log_var) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_kl_is_tiny_and_non_negative_near_the_standard_normal():
    assert gaussian_kl_standard([[0.0]], [[1e-12]]) == pytest.approx(0.5 * 1e-24 / 2, rel=1e-6)


def test_reparameterization_has_the_right_moments_and_gradient():
    z = reparameterize(np.full((20000, 1), 3.0), np.full((20000, 1), np.log(4.0)), rng=0)
    assert z.mean() == pytest.approx(3.0, abs=0.05) and z.std() == pytest.approx(2.0, abs=0.05)
    # the same noise through torch, with autograd: dz/dmu = 1, dz/dlogvar = sigma * eps / 2
    mu = torch.tensor([[0.5]], dtype=torch.float64, requires_grad=True)
    lv = torch.tensor([[0.3]], dtype=torch.float64, requires_grad=True)
    eps = np.random.default_rng(7).standard_normal((1, 1))
    (mu + torch.exp(0.5 * lv) * torch.tensor(eps)).sum().backward()
    ours = reparameterize([[0.5]], [[0.3]], rng=7)
    assert ours[0, 0] == pytest.approx(0.5 + np.exp(0.15) * eps[0, 0])
    assert lv.grad.item() == pytest.approx(0.5 * np.exp(0.15) * eps[0, 0])


@FAST
@given(
    arrays(np.float64, st.integers(1, 6), elements=st.floats(-50, 50)),
    arrays(np.float64, st.integers(1, 6), elements=st.floats(-50, 50)),
)
def test_gan_losses_match_bce_with_logits(real, fake):
    r, f = torch.tensor(real), torch.tensor(fake)
    d = F.binary_cross_entropy_with_logits(
        r, torch.ones_like(r)
    ) + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f))
    g = F.binary_cross_entropy_with_logits(f, torch.ones_like(f))
    assert gan_discriminator_loss(real, fake) == pytest.approx(d.item(), rel=1e-12, abs=1e-12)
    assert gan_generator_loss(fake) == pytest.approx(g.item(), rel=1e-12, abs=1e-12)


@FAST
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(0.0, 0.3)), st.data())
def test_ddpm_closed_form_equals_the_iterated_process(betas, data):
    """Iterating x_s = sqrt(1-b) x + sqrt(b) e_s gives mean sqrt(abar) x0 and variance 1-abar."""
    t = data.draw(st.integers(1, betas.size))
    coef_x0, noise_var = 1.0, 0.0
    for b in betas[:t]:
        coef_x0, noise_var = coef_x0 * np.sqrt(1 - b), noise_var * (1 - b) + b
    abar = ddpm_alpha_bar(betas)[t - 1]
    assert np.sqrt(abar) == pytest.approx(coef_x0, rel=1e-12)
    assert 1 - abar == pytest.approx(noise_var, rel=1e-9, abs=1e-15)
    x = ddpm_forward([[2.0]], t, betas=betas, noise=[[1.0]])
    assert x[0, 0] == pytest.approx(2 * coef_x0 + np.sqrt(noise_var), rel=1e-9, abs=1e-12)


@FAST
@given(st.integers(1, 5), st.integers(1, 4), st.floats(0.05, 2.0), st.integers(0, 10**6))
def test_info_nce_is_cross_entropy_over_cosine_similarities(n, d, tau, seed):
    rng = np.random.default_rng(seed)
    q, k = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    qt, kt = F.normalize(torch.tensor(q), dim=1), F.normalize(torch.tensor(k), dim=1)
    expected = F.cross_entropy(qt @ kt.T / tau, torch.arange(n)).item()
    assert info_nce_loss(q, k, temperature=tau) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_info_nce_scale_does_not_matter_even_at_the_float_limits():
    q, k = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[2.0, 1.0], [-1.0, 1.0]])
    base = info_nce_loss(q, k)
    assert info_nce_loss(q * 1e300, k * 1e-300) == pytest.approx(base, rel=1e-12)


def test_fgsm_matches_autograd_input_gradient():
    """Logistic model: the FGSM image is x + eps * sign(dL/dx) with autograd's gradient."""
    rng = np.random.default_rng(3)
    x, w = rng.uniform(0, 1, 6), rng.normal(size=6)
    xt = torch.tensor(x, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits((xt * torch.tensor(w)).sum(), torch.tensor(1.0))
    loss.backward()
    expected = (xt + 0.05 * xt.grad.sign()).clamp(0, 1).detach().numpy()
    got = fgsm(x, xt.grad.numpy(), epsilon=0.05, low=0.0, high=1.0)
    np.testing.assert_array_equal(got, expected)
