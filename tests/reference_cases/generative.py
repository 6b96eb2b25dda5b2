"""Rows for tests/test_reference_common.py: the functions of dlterms.generative."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import NAN, call

MU = np.array([[0.5, -1.0], [0.0, 2.0]])
LV = np.array([[0.1, -0.5], [0.0, 0.3]])
BETAS = np.array([0.1, 0.2, 0.3])
X = np.array([[1.0, -2.0], [0.5, 0.0]])

VALID = {
    "gaussian_kl_standard": call(MU, LV),
    "reparameterize": call(MU, LV, rng=0),
    "gan_discriminator_loss": call(np.array([1.0, -2.0]), np.array([0.5])),
    "gan_generator_loss": call(np.array([0.5, -3.0])),
    "ddpm_alpha_bar": call(BETAS),
    "ddpm_forward": call(X, 2, betas=BETAS, noise=np.array([[0.1, 0.2], [-0.3, 0.4]])),
    "info_nce_loss": call(X + 0.1, X[::-1].copy() + 0.2, temperature=0.5),
    "fgsm": call(X, np.array([[0.1, -0.2], [0.0, 3.0]]), epsilon=0.1),
}

EXTREME = {
    # exact KL = 0.5 * (1e154**2 ...) would overflow; 1e150**2 / 2 = 5e299 is representable
    "gaussian_kl_standard": call(np.array([[1e150]]), np.array([[-700.0]])),
    "reparameterize": call(np.array([[1e308, -1e308]]), np.array([[-1400.0, -1400.0]]), rng=0),
    "gan_discriminator_loss": call(np.array([1e308, -1e308]), np.array([1e308, -1e308])),
    "gan_generator_loss": call(np.array([1e308, -1e308])),
    "ddpm_alpha_bar": call(np.array([0.999999999] * 100)),
    "ddpm_forward": call(np.array([[1e308]]), 1, betas=np.array([0.5]), noise=np.array([[-1e308]])),
    "info_nce_loss": call(
        np.array([[1e308, 1.0], [5e-324, 1e308]]),
        np.array([[1e-308, 2.0], [1.0, 1e308]]),
        temperature=1e-3,
    ),
    "fgsm": call(np.array([1e308, -1e308]), np.array([1.0, -1.0]), epsilon=1e300),
}

BAD = {
    "gaussian_kl_standard": {
        "shape": call(MU, LV[:1]),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2))),
        "nan": call(np.array([[NAN]]), np.array([[0.0]])),
    },
    "reparameterize": {
        "shape": call(MU, LV[:1], rng=0),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2)), rng=0),
        "nan": call(np.array([[NAN]]), np.array([[0.0]]), rng=0),
    },
    "gan_discriminator_loss": {
        "shape": call(np.zeros((2, 2)), np.zeros(2)),
        "empty": call(np.zeros(0), np.zeros(1)),
        "nan": call(np.array([NAN]), np.zeros(1)),
    },
    "gan_generator_loss": {
        "shape": call(np.zeros((2, 2))),
        "empty": call(np.zeros(0)),
        "nan": call(np.array([NAN])),
    },
    "ddpm_alpha_bar": {
        "shape": call(np.zeros((2, 2))),
        "empty": call(np.zeros(0)),
        "nan": call(np.array([0.1, NAN])),
    },
    "ddpm_forward": {
        "shape": call(X, 1, betas=BETAS, noise=np.zeros((1, 2))),
        "empty": call(np.zeros((0, 2)), 1, betas=BETAS, noise=np.zeros((0, 2))),
        "nan": call(np.array([[NAN]]), 1, betas=BETAS, noise=np.zeros((1, 1))),
    },
    "info_nce_loss": {
        "shape": call(X, X[:1]),
        "empty": call(np.zeros((0, 2)), np.zeros((0, 2))),
        "nan": call(np.array([[NAN, 1.0]]), np.array([[1.0, 1.0]])),
    },
    "fgsm": {
        "shape": call(np.zeros(3), np.zeros(2), epsilon=0.1),
        "empty": call(np.zeros(0), np.zeros(0), epsilon=0.1),
        "nan": call(np.array([NAN]), np.array([1.0]), epsilon=0.1),
    },
}
