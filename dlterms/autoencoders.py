"""Autoencoders: a one-hidden-layer autoencoder, its gradient, training and denoising.

The network has a tanh encoder and a linear decoder. Its parameters travel as one tuple
``(w_enc, b_enc, w_dec, b_dec)`` of shapes ``(d, h)``, ``(h,)``, ``(h, d)`` and ``(d,)``,
where `d` is the number of features and `h` the size of the code; products read
``x @ w``, as in :func:`dlterms.dense`. The loss is the mean squared reconstruction error
over every entry, as in ``torch.nn.functional.mse_loss``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_rng,
    check_int,
    check_real,
    check_same_shape,
    check_shape,
    mean_of_squares,
    scaled_difference,
)
from dlterms.layers import _affine, _sum_of_parts

__all__ = [
    "autoencoder_loss",
    "autoencoder_loss_grad",
    "corrupt",
    "decode",
    "encode",
    "reconstruct",
    "train_autoencoder",
]


class AutoencoderParams(NamedTuple):
    """The parameters of the autoencoder (or their gradients), as a named tuple."""

    w_enc: np.ndarray
    b_enc: np.ndarray
    w_dec: np.ndarray
    b_dec: np.ndarray


# --------------------------------------------------------------------------- validation


def _as_params(params) -> AutoencoderParams:
    """Validate `params`; return them as float arrays of consistent shapes."""
    if not isinstance(params, tuple | list) or len(params) != 4:
        raise TypeError(
            "params must be a tuple of four arrays (w_enc, b_enc, w_dec, b_dec); "
            f"got {type(params).__name__}"
            + (f" of length {len(params)}." if isinstance(params, tuple | list) else ".")
        )
    w_enc = as_float_array(params[0], "w_enc", ndim=2, layout="(d, h)")
    d, h = w_enc.shape
    b_enc = as_float_array(params[1], "b_enc", ndim=1, layout="(h,)")
    check_shape(b_enc, (h,), "b_enc", "(h,)")
    w_dec = as_float_array(params[2], "w_dec", ndim=2, layout="(h, d)")
    check_shape(w_dec, (h, d), "w_dec", "(h, d)")
    b_dec = as_float_array(params[3], "b_dec", ndim=1, layout="(d,)")
    check_shape(b_dec, (d,), "b_dec", "(d,)")
    return AutoencoderParams(w_enc, b_enc, w_dec, b_dec)


def _as_data(x, name, n_features):
    """Validate a (n, d) or (d,) float array whose last axis has `n_features` entries."""
    x = as_float_array(x, name, ndim=(1, 2), layout=f"(n, {n_features}) or ({n_features},)")
    if x.shape[-1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} features to match params; got shape {x.shape}."
        )
    return x


def _forward(x, p):
    """Code and reconstruction of validated `x` under validated params `p`."""
    # z = tanh(x W_enc + b_enc), x_hat = z W_dec + b_dec
    z = np.tanh(_affine(x, p.w_enc, p.b_enc, what="the pre-activation x @ w_enc + b_enc"))
    return z, _affine(z, p.w_dec, p.b_dec, what="the reconstruction z @ w_dec + b_dec")


def _loss_and_grad(x, target, p, *, with_loss=True):
    """Mean squared reconstruction error (None unless `with_loss`) and its gradient.

    The arrays are validated and 2-D.
    """
    z, x_hat = _forward(x, p)
    err, e = scaled_difference(x_hat, target)  # x_hat - target = err * 2**e
    loss = mean_of_squares(err, e, what="the reconstruction error") if with_loss else None
    # dL/dx_hat = 2 (x_hat - target) / (n d), with the power of two applied last
    g_out = _sum_of_parts([(err / err.size, e + 1)], "the gradient of the loss")
    # through tanh: 1 - z^2 = (1 - z)(1 + z), at most 1
    g_a = _affine(g_out, p.w_dec.T, what="the gradient g @ w_dec.T") * (1.0 - z) * (1.0 + z)
    ones = np.ones(x.shape[0])
    grads = AutoencoderParams(
        w_enc=_affine(x.T, g_a, what="the gradient x.T @ a"),
        b_enc=_affine(ones, g_a, what="the gradient sum of a"),
        w_dec=_affine(z.T, g_out, what="the gradient z.T @ g"),
        b_dec=_affine(ones, g_out, what="the gradient sum of g"),
    )
    return loss, grads


# --------------------------------------------------------------------------- the network


def encode(x, params):
    r"""Encode inputs into codes: the hidden layer of the autoencoder, $\tanh(x W + b)$.

    Parameters
    ----------
    x : array_like of shape (n, d) or (d,)
        Finite inputs, a batch of `n` examples or one.
    params : tuple of (w_enc, b_enc, w_dec, b_dec)
        Finite parameters, e.g. from :func:`train_autoencoder`.

    Returns
    -------
    ndarray of shape (n, h) or (h,)
        The codes, every entry in $[-1, 1]$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a result the function
        computes exceeds the float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If `params` is not a tuple of four arrays or an array does not hold real numbers.

    See Also
    --------
    decode : Map codes back to the input space.

    reconstruct : Encode, then decode.

    Notes
    -----
    $$z = \tanh\left(x W_\text{enc} + b_\text{enc}\right).$$

    With $h < d$ the code is a compressed summary of the input: the hidden layer is a
    bottleneck. ``np.tanh`` saturates to exactly $\pm 1$ without overflow.

    Examples
    --------
    Two features squeezed into one code, $\tanh(0.5 \cdot 1 + 0.5 \cdot 1) = \tanh(1)$:

    >>> params = ([[0.5], [0.5]], [0.0], [[1.0, 1.0]], [0.0, 0.0])
    >>> encode([1.0, 1.0], params).round(4).tolist()
    [0.7616]
    >>> encode([[1e300, 1e300]], params).tolist()
    [[1.0]]
    """
    p = _as_params(params)
    x = _as_data(x, "x", p.w_enc.shape[0])
    return np.tanh(_affine(x, p.w_enc, p.b_enc, what="the pre-activation x @ w_enc + b_enc"))


def decode(z, params):
    r"""Autoencoder decoder: map codes back to the input space with a linear layer, $z W + b$.

    Parameters
    ----------
    z : array_like of shape (n, h) or (h,)
        Finite codes, usually from :func:`encode`.
    params : tuple of (w_enc, b_enc, w_dec, b_dec)
        Finite parameters, e.g. from :func:`train_autoencoder`.

    Returns
    -------
    ndarray of shape (n, d) or (d,)
        The decoded points.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a result the function
        computes exceeds the float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If `params` is not a tuple of four arrays or an array does not hold real numbers.

    See Also
    --------
    encode : The inverse direction.

    Notes
    -----
    $$\hat x = z\, W_\text{dec} + b_\text{dec}.$$

    The decoder is linear, so it can produce any real value; that suits real-valued
    data scored with the squared error. Data in $[0, 1]$, such as pixel intensities, is
    often decoded through a sigmoid instead.

    Examples
    --------
    >>> params = ([[0.5], [0.5]], [0.0], [[1.0, -2.0]], [0.5, 0.0])
    >>> decode([0.5], params).tolist()
    [1.0, -1.0]
    """
    p = _as_params(params)
    z = as_float_array(z, "z", ndim=(1, 2), layout="(n, h) or (h,)")
    if z.shape[-1] != p.w_dec.shape[0]:
        raise ValueError(
            f"z must have {p.w_dec.shape[0]} code units to match params; got shape {z.shape}."
        )
    return _affine(z, p.w_dec, p.b_dec, what="the reconstruction z @ w_dec + b_dec")


def reconstruct(x, params):
    r"""Pass inputs through the whole autoencoder: decode(encode(x)).

    Parameters
    ----------
    x : array_like of shape (n, d) or (d,)
        Finite inputs.
    params : tuple of (w_enc, b_enc, w_dec, b_dec)
        Finite parameters, e.g. from :func:`train_autoencoder`.

    Returns
    -------
    ndarray of shape (n, d) or (d,)
        The reconstructions $\hat x$, shaped like `x`.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a result the function
        computes exceeds the float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If `params` is not a tuple of four arrays or an array does not hold real numbers.

    See Also
    --------
    autoencoder_loss : How far the reconstructions are from a target.

    Notes
    -----
    $$\hat x = \tanh\left(x W_\text{enc} + b_\text{enc}\right) W_\text{dec} + b_\text{dec}.$$

    Examples
    --------
    The code is $\tanh(0) = 0$, so the output is the decoder bias:

    >>> params = ([[1.0], [-1.0]], [0.0], [[2.0, 2.0]], [0.5, 0.25])
    >>> reconstruct([3.0, 3.0], params).tolist()
    [0.5, 0.25]
    """
    p = _as_params(params)
    return _forward(_as_data(x, "x", p.w_enc.shape[0]), p)[1]


def autoencoder_loss(x, params, *, target=None):
    r"""Mean squared reconstruction error of the autoencoder.

    Parameters
    ----------
    x : array_like of shape (n, d) or (d,)
        Finite inputs fed to the network.
    params : tuple of (w_enc, b_enc, w_dec, b_dec)
        Finite parameters.
    target : array_like, optional
        Finite values the reconstruction should match, shaped like `x`. Default: `x`
        itself. A denoising autoencoder feeds corrupted inputs and passes the clean ones
        here.

    Returns
    -------
    float
        The mean over all $n d$ entries of $(\hat x - t)^2$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a result the function
        computes exceeds the float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If `params` is not a tuple of four arrays or an array does not hold real numbers.

    See Also
    --------
    autoencoder_loss_grad : Its gradient with respect to the parameters.

    mean_squared_error : The same average for any prediction.

    Notes
    -----
    $$L = \frac{1}{n d} \sum_{i=1}^{n} \sum_{j=1}^{d} \left(\hat x_{ij} - t_{ij}\right)^2.$$

    The errors are squared after division by a power of two near the largest, so the
    loss is finite whenever the exact mean is (errors up to about $10^{154}$ in the
    mean; any larger mean raises ValueError).

    Examples
    --------
    The reconstruction is the decoder bias $(0.5, 0.25)$, target $(1, 1)$:
    $(0.5^2 + 0.75^2) / 2 = 0.40625$.

    >>> params = ([[1.0], [-1.0]], [0.0], [[2.0, 2.0]], [0.5, 0.25])
    >>> autoencoder_loss([3.0, 3.0], params, target=[1.0, 1.0])
    0.40625
    """
    p = _as_params(params)
    x = _as_data(x, "x", p.w_enc.shape[0])
    target = x if target is None else as_float_array(target, "target")
    check_same_shape(x, target, "x", "target")
    err, e = scaled_difference(_forward(x, p)[1], target)  # x_hat - target = err * 2**e
    return mean_of_squares(err, e, what="the reconstruction error")


def autoencoder_loss_grad(x, params, *, target=None):
    r"""Gradient of :func:`autoencoder_loss` with respect to every parameter.

    Parameters
    ----------
    x : array_like of shape (n, d) or (d,)
        Finite inputs fed to the network.
    params : tuple of (w_enc, b_enc, w_dec, b_dec)
        Finite parameters.
    target : array_like, optional
        Finite values the reconstruction should match, shaped like `x`. Default: `x`.

    Returns
    -------
    AutoencoderParams
        A named tuple ``(w_enc, b_enc, w_dec, b_dec)`` of gradients, each shaped like its
        parameter.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions or a shape that does not fit the
        others, is empty, or holds NaN or infinity; or if a result the function
        computes exceeds the float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If `params` is not a tuple of four arrays or an array does not hold real numbers.

    See Also
    --------
    autoencoder_loss : The loss itself.

    train_autoencoder : Gradient descent with this gradient.

    Notes
    -----
    Backpropagation through the two layers, with $G = \partial L / \partial \hat x$:

    $$G = \frac{2}{n d}(\hat X - T), \quad
      \frac{\partial L}{\partial W_\text{dec}} = Z^\top G, \quad
      \frac{\partial L}{\partial b_\text{dec}} = \mathbf{1}^\top G,$$

    $$A = \left(G W_\text{dec}^\top\right) \odot (1 - Z)(1 + Z), \quad
      \frac{\partial L}{\partial W_\text{enc}} = X^\top A, \quad
      \frac{\partial L}{\partial b_\text{enc}} = \mathbf{1}^\top A,$$

    where $1 - z^2$, the slope of tanh, is computed as $(1 - z)(1 + z)$ to keep its
    precision near $z = \pm 1$. The target is treated as a constant.

    Examples
    --------
    The code is $\tanh(0) = 0$ and the error $\hat x - t = (-0.5, -0.75)$, so
    $\partial L / \partial b_\text{dec} = 2 (-0.5, -0.75) / 2 = (-0.5, -0.75)$ and the
    decoder weights, multiplied by a zero code, get no gradient:

    >>> params = ([[1.0], [-1.0]], [0.0], [[2.0, 2.0]], [0.5, 0.25])
    >>> g = autoencoder_loss_grad([3.0, 3.0], params, target=[1.0, 1.0])
    >>> g.b_dec.tolist(), g.w_dec.tolist(), g.b_enc.tolist()
    ([-0.5, -0.75], [[0.0, 0.0]], [-2.5])
    """
    p = _as_params(params)
    x = _as_data(x, "x", p.w_enc.shape[0])
    target = x if target is None else as_float_array(target, "target")
    check_same_shape(x, target, "x", "target")
    return _loss_and_grad(np.atleast_2d(x), np.atleast_2d(target), p, with_loss=False)[1]


# --------------------------------------------------------------------------- training


def corrupt(x, *, noise_std=0.0, mask_rate=0.0, rng=None):
    r"""Corrupt inputs for a denoising autoencoder: add Gaussian noise, zero a random share.

    Parameters
    ----------
    x : float or array_like
        Finite clean inputs of any shape.
    noise_std : float, default=0.0
        Standard deviation $\sigma \ge 0$ of the Gaussian noise added to every entry.
    mask_rate : float, default=0.0
        Probability $q \in [0, 1)$ that an entry is set to 0 (masking noise).
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    float or ndarray
        A corrupted copy of `x`, same shape; `x` itself is left unchanged.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, `noise_std` is negative or not finite,
        `mask_rate` is outside $[0, 1)$, or a seed is negative.
    TypeError
        If `x` does not hold real numbers, an option is not a number, or `rng` is not a
        Generator, int or None.

    See Also
    --------
    train_autoencoder : Trains on ``corrupt(x)`` with `x` as the target when asked to.

    dropout : Masking with rescaling, used inside networks.

    Notes
    -----
    $$\tilde x = m \odot (x + \varepsilon), \qquad \varepsilon_{ij} \sim
      \mathcal N(0, \sigma^2), \quad m_{ij} \sim \mathrm{Bernoulli}(1 - q).$$

    Unlike dropout, the surviving entries are not scaled up: the network must learn to
    fill in what is missing. The target of the denoising loss stays the clean $x$.

    References
    ----------
    P. Vincent, H. Larochelle, Y. Bengio and P.-A. Manzagol, "Extracting and composing
    robust features with denoising autoencoders", ICML (2008).

    Examples
    --------
    >>> corrupt([1.0, 2.0, 3.0, 4.0], mask_rate=0.5, rng=3).tolist()
    [0.0, 0.0, 3.0, 4.0]
    >>> corrupt([[1.0, 2.0]], noise_std=0.1, rng=0).round(3).tolist()
    [[1.013, 1.987]]
    >>> corrupt(5.0, rng=0)  # no noise asked for: an unchanged copy
    5.0
    """
    x = as_float_array(x, "x")
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    mask_rate = check_real(mask_rate, "mask_rate", low=0.0, high=1.0, closed="left")
    rng = as_rng(rng)
    noisy = x + rng.normal(0.0, noise_std, x.shape) if noise_std > 0 else x.copy()
    if mask_rate > 0:
        noisy = np.where(rng.random(x.shape) >= mask_rate, noisy, 0.0)
    return float(noisy) if noisy.ndim == 0 else noisy


def _init_params(d, h, rng):
    """Glorot-uniform weights, zero biases."""
    limit = math.sqrt(6.0 / (d + h))
    return AutoencoderParams(
        w_enc=rng.uniform(-limit, limit, (d, h)),
        b_enc=np.zeros(h),
        w_dec=rng.uniform(-limit, limit, (h, d)),
        b_dec=np.zeros(d),
    )


def train_autoencoder(
    x,
    *,
    n_hidden,
    n_epochs,
    learning_rate,
    batch_size=None,
    noise_std=0.0,
    mask_rate=0.0,
    rng=None,
):
    r"""Train a one-hidden-layer autoencoder by (mini-batch) gradient descent.

    Parameters
    ----------
    x : array_like of shape (n, d)
        Finite training data, one example per row. Scale it to about unit size first.
    n_hidden : int
        Size $h \ge 1$ of the code; $h < d$ makes the hidden layer a bottleneck.
    n_epochs : int
        Passes over the data, at least 1.
    learning_rate : float
        Step size $\eta > 0$ of gradient descent.
    batch_size : int, optional
        Examples per update. Default: None, all `n` at once (full-batch gradient
        descent). With a batch size, the rows are shuffled at every epoch.
    noise_std : float, default=0.0
        Gaussian corruption of the inputs (see :func:`corrupt`); with it or `mask_rate`
        this trains a denoising autoencoder: corrupted inputs, clean targets.
    mask_rate : float, default=0.0
        Masking corruption: the share of input entries set to 0, in $[0, 1)$.
    rng : numpy.random.Generator or int or None, default=None
        Randomness for the initial weights, the shuffling and the corruption, or a seed.

    Returns
    -------
    params : AutoencoderParams
        The trained ``(w_enc, b_enc, w_dec, b_dec)``, for :func:`encode`,
        :func:`decode` and :func:`reconstruct`.
    loss_history : ndarray of shape (n_epochs,)
        The mean loss of the mini-batches of each epoch, each measured just before its
        update (so ``loss_history[0]`` starts at the untrained loss).

    Raises
    ------
    ValueError
        If `x` is not 2-D, is empty, or holds NaN or infinity; an option is out of
        range; or the loss stops being finite (the learning rate is too large).
    TypeError
        If `x` does not hold real numbers, an option has the wrong type, or `rng` is not
        a Generator, int or None.

    See Also
    --------
    autoencoder_loss_grad : The gradient used at every step.

    corrupt : The corruption of a denoising autoencoder.

    gradient_descent_step : The update rule.

    Notes
    -----
    Each update draws a batch $X_B$, corrupts it to $\tilde X_B$ (a no-op without
    noise), and steps every parameter $\theta$ against the gradient of the
    reconstruction error of the clean batch:

    $$\theta \leftarrow \theta - \eta\, \nabla_\theta \frac{1}{|B| d}
      \left\lVert \mathrm{dec}(\mathrm{enc}(\tilde X_B)) - X_B \right\rVert^2 .$$

    Weights start Glorot-uniform, $U(-a, a)$ with $a = \sqrt{6 / (d + h)}$, and biases
    at 0. A learning rate that is too large makes the loss grow without bound; the
    resulting overflow is caught and reported as a ValueError instead of returning NaN.

    Examples
    --------
    Points on a line through the origin in 2-D need one code unit; the loss falls:

    >>> t = np.linspace(-1.0, 1.0, 21)[:, None]
    >>> x = t * [[0.6, 0.8]]
    >>> params, history = train_autoencoder(
    ...     x, n_hidden=1, n_epochs=300, learning_rate=0.5, rng=0)
    >>> history.shape, bool(history[-1] < history[0] / 100)
    ((300,), True)
    >>> encode(x, params).shape
    (21, 1)
    """
    x = as_float_array(x, "x", ndim=2, layout="(n, d)")
    n, d = x.shape
    h = check_int(n_hidden, "n_hidden", minimum=1)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    lr = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    batch = n if batch_size is None else min(check_int(batch_size, "batch_size", minimum=1), n)
    noise = {"noise_std": noise_std, "mask_rate": mask_rate}
    corrupt(x[:1, :1], **noise, rng=0)  # validate the noise options before training
    rng = as_rng(rng)
    params = _init_params(d, h, rng)
    history = np.empty(n_epochs)
    for epoch in range(n_epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        losses = np.empty(len(range(0, n, batch)))
        # a diverging run overflows in here; it is reported below, not as a warning
        with np.errstate(over="ignore", invalid="ignore"):
            for k, start in enumerate(range(0, n, batch)):
                xb = x[order[start : start + batch]]
                noisy = corrupt(xb, **noise, rng=rng) if noise_std or mask_rate else xb
                try:
                    losses[k], grads = _loss_and_grad(noisy, xb, params)
                except ValueError:  # an overflow: reported as divergence just below
                    losses[k], grads = np.inf, params
                # theta <- theta - eta * dL/dtheta, for every parameter
                params = AutoencoderParams(
                    *(p - lr * g for p, g in zip(params, grads, strict=True))
                )
            history[epoch] = losses.mean()
        if not (np.isfinite(history[epoch]) and all(np.isfinite(p).all() for p in params)):
            raise ValueError(
                f"training diverged at epoch {epoch + 1}: the loss is no longer finite; "
                f"got learning_rate={lr:g}, try a smaller one or scale x."
            )
    return params, history
