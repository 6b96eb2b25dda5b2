"""Figures for dlterms.autoencoders: an autoencoder's 2-D code and a denoising autoencoder."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, figure
from dlterms.kb.gallery._draw import INK, MUTED

__all__: list[str] = []


def _plane_data(n, rng, *, n_clusters=3):
    """n points in 8-D near a 2-D plane, in `n_clusters` blobs; returns points and blob labels."""
    basis = np.linalg.qr(np.random.default_rng(0).normal(size=(8, 2)))[0].T
    centres = 1.2 * np.array([[1.0, 0.0], [-0.5, 0.87], [-0.5, -0.87]])[:n_clusters]
    labels = rng.integers(0, n_clusters, n)
    flat = centres[labels] + 0.35 * rng.normal(size=(n, 2))
    return flat @ basis + 0.05 * rng.normal(size=(n, 8)), labels


# --------------------------------------------------------------------------- autoencoders


@figure(
    "autoencoder",
    alt="Left: the training loss of an autoencoder with a 2-unit tanh code, trained on 300 "
    "points in 8-D that lie near a plane, on a log scale: it starts at 0.30, above the "
    "dashed line at 0.20 for always predicting the mean, drops to 0.007 by epoch 20 and "
    "ends at 0.004 after 200 epochs. Right: the 2-D codes of 150 held-out points form "
    "three separate blobs, one per cluster of the original 8-D data.",
    caption="An autoencoder learns to squeeze 8 numbers into 2 and back; the 2-D codes keep "
    "the structure of the data, here its three clusters.",
)
def _autoencoder(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(1)
    x, _ = _plane_data(300, rng)
    x_test, labels = _plane_data(150, rng)
    params, history = dlterms.train_autoencoder(
        x, n_hidden=2, n_epochs=200, learning_rate=0.2, batch_size=30, rng=0
    )
    epochs = np.arange(1, history.size + 1)
    mean_baseline = dlterms.mean_squared_error(x, np.broadcast_to(x.mean(axis=0), x.shape))
    left.plot(epochs, history, label="training loss")
    left.axhline(mean_baseline, color=MUTED, ls="--", lw=1, label="predict the mean")
    left.set(xlabel="epoch", ylabel="mean squared error", yscale="log", title="training")
    left.legend(loc="center right", fontsize=9)
    codes = dlterms.encode(x_test, params)
    for k, (color, marker) in enumerate(((BLUE, "o"), (ORANGE, "^"), (PURPLE, "s"))):
        label = f"cluster {k + 1}"
        right.plot(*codes[labels == k].T, marker, color=color, ms=4, ls="none", label=label)
    right.set(xlabel="code z₁", ylabel="code z₂", title="codes of held-out points")
    right.legend(loc="best", fontsize=8)


@figure(
    "denoising-autoencoder",
    alt="A held-out window of 24 samples of a sine wave. The clean signal is a smooth dashed "
    "curve; the noisy input, with Gaussian noise of standard deviation 0.3, jitters around "
    "it (mean squared error 0.069); the output of the denoising autoencoder, which has a "
    "4-unit code, follows the clean curve closely (mean squared error 0.016). Over all 20 "
    "held-out windows the error falls from 0.075 to 0.014.",
    caption="Trained to map noisy windows of a signal back to clean ones, a denoising "
    "autoencoder removes most of the noise from a window it has never seen.",
)
def _denoising(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(3)
    t = np.arange(24)

    def windows(n):  # sine waves with random phase, amplitude and one of two frequencies
        freq = rng.choice([0.25, 0.4], size=(n, 1))
        phase = rng.uniform(0, 2 * np.pi, (n, 1))
        return rng.uniform(0.7, 1.3, (n, 1)) * np.sin(freq * t + phase)

    x, x_test = windows(400), windows(20)
    params, _ = dlterms.train_autoencoder(
        x, n_hidden=4, n_epochs=150, learning_rate=0.2, batch_size=40, noise_std=0.3, rng=0
    )
    noisy = dlterms.corrupt(x_test, noise_std=0.3, rng=1)
    cleaned = dlterms.reconstruct(noisy, params)
    k = 3  # the window shown
    noisy_err = dlterms.mean_squared_error(x_test[k], noisy[k])
    cleaned_err = dlterms.mean_squared_error(x_test[k], cleaned[k])
    ax.plot(t, noisy[k], "o:", color=MUTED, ms=4, lw=1, label=f"noisy input (MSE {noisy_err:.3f})")
    ax.plot(t, x_test[k], color=INK, lw=1.5, ls="--", label="clean signal")
    ax.plot(t, cleaned[k], color=GREEN, label=f"reconstruction (MSE {cleaned_err:.3f})")
    before = dlterms.mean_squared_error(x_test, noisy)
    after = dlterms.mean_squared_error(x_test, cleaned)
    ax.set(
        xlabel="sample",
        ylabel="value",
        title=f"all 20 held-out windows: MSE {before:.3f} noisy → {after:.3f} denoised",
    )
    ax.legend(loc="upper center", fontsize=9, ncols=3, bbox_to_anchor=(0.5, -0.2))
