"""Generative models and representation learning: the VAE's KL term and reparameterisation,
GAN losses, the diffusion forward process, the InfoNCE contrastive loss, and FGSM.

Batches are rows: arrays of shape ``(n, d)`` hold ``n`` examples of ``d`` features.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_float_array, as_rng, check_real, check_same_shape
from dlterms.activations import log1p_exp

__all__ = [
    "ddpm_alpha_bar",
    "ddpm_forward",
    "fgsm",
    "gan_discriminator_loss",
    "gan_generator_loss",
    "gaussian_kl_standard",
    "info_nce_loss",
    "reparameterize",
]


def _mean(v: np.ndarray) -> float:
    """The mean as a sum of v / n, so it is finite whenever the exact mean is."""
    return float((v / v.size).sum())


def gaussian_kl_standard(mu, log_var):
    r"""KL divergence from a diagonal Gaussian to the standard normal, the VAE regulariser.

    Parameters
    ----------
    mu : array_like of shape (n, d)
        Finite means of the encoder's diagonal Gaussians, one row per example.
    log_var : array_like of shape (n, d)
        Finite $\log \sigma^2$ of the same Gaussians.

    Returns
    -------
    float
        The KL divergence summed over the `d` latent dimensions and averaged over
        the `n` examples.

    Raises
    ------
    ValueError
        If the inputs are not 2-D, differ in shape, are empty or hold NaN or infinity,
        or the result overflows.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    reparameterize : How a VAE samples from these Gaussians with a gradient.
    dlterms.kl_divergence : The discrete KL divergence.

    Notes
    -----
    $D_{KL} = \tfrac12 \sum_j \bigl(\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1\bigr)$, zero
    exactly when $\mu = 0$ and $\sigma = 1$. $\sigma^2 - \log \sigma^2 - 1$ is computed
    as ``expm1(v) - v`` so that it stays accurate (and never negative) near $v = 0$.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
       appendix B.

    Examples
    --------
    $\mu = 1$, $\sigma = 1$: $\tfrac12(1 + 1 - 0 - 1) = 0.5$; a standard normal costs 0.

    >>> gaussian_kl_standard([[1.0]], [[0.0]])
    0.5
    >>> gaussian_kl_standard([[0.0, 0.0]], [[0.0, 0.0]])
    0.0
    """
    mu = as_float_array(mu, "mu", ndim=2)
    log_var = as_float_array(log_var, "log_var", ndim=2)
    check_same_shape(mu, log_var, "mu", "log_var")
    with np.errstate(over="ignore"):  # an overflow is caught just below
        terms = 0.5 * (mu * mu + (np.expm1(log_var) - log_var))
        total = terms.sum(axis=1).mean()
    if not np.isfinite(total):
        raise ValueError("the KL divergence overflows; the variances are too large.")
    return float(total)


def reparameterize(mu, log_var, *, rng=None):
    r"""The reparameterization trick: draw z = mu + sigma * eps with standard normal noise eps.

    Parameters
    ----------
    mu, log_var : array_like of shape (n, d)
        Finite means and log-variances, as for :func:`gaussian_kl_standard`.
    rng : numpy.random.Generator, int or None, optional
        Source of the noise $\varepsilon$.

    Returns
    -------
    ndarray of shape (n, d)
        The samples. For a fixed $\varepsilon$, $z$ is a differentiable function of
        $\mu$ and $\log\sigma^2$: $\partial z / \partial \mu = 1$ and
        $\partial z / \partial \log\sigma^2 = \tfrac12 \sigma \varepsilon$.

    Raises
    ------
    ValueError
        If the inputs are not 2-D, differ in shape, are empty or hold NaN or infinity.
    TypeError
        If an input does not hold real numbers or `rng` is not a generator or seed.

    See Also
    --------
    gaussian_kl_standard : The KL term trained together with these samples.

    Notes
    -----
    The trick moves the randomness into an input $\varepsilon$, so that
    backpropagation reaches the encoder's outputs; sampling $z$ directly would
    not be differentiable. $\sigma = e^{\log\sigma^2 / 2}$, which cannot overflow
    for a finite $\log\sigma^2$ below about 1419.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-Encoding Variational Bayes", ICLR 2014.

    Examples
    --------
    With zero variance ($\log\sigma^2 \to -\infty$) the sample is the mean:

    >>> reparameterize([[1.0, -2.0]], [[-800.0, -800.0]], rng=0).tolist()
    [[1.0, -2.0]]
    >>> reparameterize([[0.0]], [[0.0]], rng=0).shape
    (1, 1)
    """
    mu = as_float_array(mu, "mu", ndim=2)
    log_var = as_float_array(log_var, "log_var", ndim=2)
    check_same_shape(mu, log_var, "mu", "log_var")
    eps = as_rng(rng).standard_normal(mu.shape)
    with np.errstate(over="ignore", under="ignore"):  # exp(-800 / 2) is a harmless 0
        z = mu + np.exp(0.5 * log_var) * eps
    if not np.all(np.isfinite(z)):
        raise ValueError("the samples overflow; the variances are too large.")
    return z


def gan_discriminator_loss(real_logits, fake_logits):
    r"""The GAN discriminator's binary cross-entropy, from logits: real is 1, fake is 0.

    Parameters
    ----------
    real_logits : array_like of shape (n,)
        Finite discriminator logits on real examples.
    fake_logits : array_like of shape (m,)
        Finite discriminator logits on generated examples.

    Returns
    -------
    float
        $\operatorname{mean}_i \log(1 + e^{-r_i}) + \operatorname{mean}_j \log(1 + e^{f_j})$.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty or holds NaN or infinity.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    gan_generator_loss : The generator's side of the game.

    Notes
    -----
    Equal to ``binary_cross_entropy_with_logits(real, 1) +
    binary_cross_entropy_with_logits(fake, 0)`` in PyTorch: the sum of the two
    averaged halves. $\log(1 + e^z)$ is computed as a stable softplus.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.

    Examples
    --------
    At logit 0 the discriminator says 1/2 to everything: $\ln 2 + \ln 2$.

    >>> round(gan_discriminator_loss([0.0], [0.0]), 4)
    1.3863
    >>> gan_discriminator_loss([1000.0], [-1000.0])
    0.0
    """
    real = as_float_array(real_logits, "real_logits", ndim=1)
    fake = as_float_array(fake_logits, "fake_logits", ndim=1)
    return float(_mean(log1p_exp(-real)) + _mean(log1p_exp(fake)))


def gan_generator_loss(fake_logits):
    r"""The non-saturating GAN generator loss $-\log D(G(z))$, from the discriminator's logits.

    Parameters
    ----------
    fake_logits : array_like of shape (m,)
        Finite discriminator logits on generated examples.

    Returns
    -------
    float
        $\operatorname{mean}_j \log(1 + e^{-f_j})$: the binary cross-entropy of the fakes
        against the label "real".

    Raises
    ------
    ValueError
        If the input is not 1-D, is empty or holds NaN or infinity.
    TypeError
        If the input does not hold real numbers.

    See Also
    --------
    gan_discriminator_loss : The discriminator's side of the game.

    Notes
    -----
    Goodfellow et al. propose this form instead of minimising $\log(1 - D(G(z)))$,
    which saturates when the discriminator confidently rejects the fakes early in
    training. The value is large exactly when the discriminator is not fooled.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3.

    Examples
    --------
    The discriminator gives a fake the probability $0.2$ of being real (logit
    $\ln(0.2/0.8)$): the generator's loss is $-\ln 0.2 \approx 1.609$.

    >>> import math
    >>> round(gan_generator_loss([math.log(0.2 / 0.8)]), 3)
    1.609
    """
    fake = as_float_array(fake_logits, "fake_logits", ndim=1)
    return float(_mean(log1p_exp(-fake)))


def ddpm_alpha_bar(betas):
    r"""Diffusion model noise schedule: the share of the signal left after each step.

    Parameters
    ----------
    betas : array_like of shape (T,)
        Noise variances $\beta_1, \dots, \beta_T$, each in $[0, 1)$.

    Returns
    -------
    ndarray of shape (T,)
        ``alpha_bar[t - 1]`` $= \bar\alpha_t$, decreasing from $1 - \beta_1$.

    Raises
    ------
    ValueError
        If `betas` is not 1-D, is empty, holds NaN or infinity, or a value outside
        $[0, 1)$.
    TypeError
        If `betas` does not hold real numbers.

    See Also
    --------
    ddpm_forward : Noise an example to step $t$ in one go.

    Notes
    -----
    Computed as $\exp \sum \log(1 - \beta_s)$ with ``log1p``, so long schedules with
    tiny $\beta$ keep their precision.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic Models",
       NeurIPS 2020.

    Examples
    --------
    >>> ddpm_alpha_bar([0.5, 0.5, 0.5]).round(6).tolist()
    [0.5, 0.25, 0.125]
    """
    betas = as_float_array(betas, "betas", ndim=1)
    if np.any((betas < 0) | (betas >= 1)):
        raise ValueError("betas must lie in [0, 1); got a value outside it.")
    with np.errstate(under="ignore"):  # a schedule that destroys the signal reaches 0
        return np.exp(np.cumsum(np.log1p(-betas)))


def ddpm_forward(x0, t, *, betas, noise):
    r"""Noise clean examples to diffusion step `t` in one step: the DDPM forward process.

    Parameters
    ----------
    x0 : array_like of shape (n, d)
        Finite clean examples.
    t : int
        The step, from 1 to ``len(betas)``.
    betas : array_like of shape (T,)
        The noise schedule, as for :func:`ddpm_alpha_bar`.
    noise : array_like of shape (n, d)
        Finite standard normal noise $\varepsilon$ (passing it in makes the result
        reproducible and lets the training target, $\varepsilon$ itself, be known).

    Returns
    -------
    ndarray of shape (n, d)
        $x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon$.

    Raises
    ------
    ValueError
        If the arrays have the wrong shapes, are empty or hold NaN or infinity, `t`
        is out of range, or a beta is outside $[0, 1)$.
    TypeError
        If an input does not hold real numbers or `t` is not an int.

    See Also
    --------
    ddpm_alpha_bar : The $\bar\alpha_t$ used here.

    Notes
    -----
    Applying $x_s = \sqrt{1 - \beta_s}\, x_{s-1} + \sqrt{\beta_s}\, \varepsilon_s$ for
    $s = 1, \dots, t$ with independent noises gives a Gaussian with exactly this mean
    and variance, so training can jump to any step directly.

    References
    ----------
    .. [1] J. Ho, A. Jain and P. Abbeel, "Denoising Diffusion Probabilistic Models",
       NeurIPS 2020, equation 4.

    Examples
    --------
    With $\bar\alpha_2 = 0.25$, the clean value 2 and noise 1 give
    $0.5 \cdot 2 + \sqrt{0.75} \cdot 1 \approx 1.866$:

    >>> ddpm_forward([[2.0]], 2, betas=[0.5, 0.5, 0.5], noise=[[1.0]]).round(3).tolist()
    [[1.866]]
    """
    x0 = as_float_array(x0, "x0", ndim=2)
    noise = as_float_array(noise, "noise", ndim=2)
    check_same_shape(x0, noise, "x0", "noise")
    alpha_bar = ddpm_alpha_bar(betas)
    if isinstance(t, bool) or not isinstance(t, int | np.integer):
        raise TypeError(f"t must be an int; got {t!r} ({type(t).__name__}).")
    if not 1 <= t <= alpha_bar.size:
        raise ValueError(f"t must be between 1 and {alpha_bar.size}; got {t}.")
    a = alpha_bar[t - 1]
    return np.sqrt(a) * x0 + np.sqrt(1.0 - a) * noise


def info_nce_loss(queries, keys, *, temperature=0.1):
    r"""The InfoNCE contrastive loss: row $i$ of `keys` is the positive for query $i$.

    Parameters
    ----------
    queries : array_like of shape (n, d)
        Finite embeddings, one per example; each row must be non-zero.
    keys : array_like of shape (n, d)
        Finite embeddings of the positives (e.g. another augmentation of the same
        example); the other rows act as negatives.
    temperature : float, default=0.1
        Positive temperature $\tau$ dividing the cosine similarities.

    Returns
    -------
    float
        The mean cross-entropy of each query's similarities, with its own key as the
        correct class.

    Raises
    ------
    ValueError
        If the inputs differ in shape, are not 2-D, are empty, hold NaN or infinity or
        a zero row, or `temperature` is not positive.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    dlterms.cross_entropy : The loss applied to the similarity matrix.

    Notes
    -----
    $\ell = -\frac1n \sum_i \log \frac{e^{s_{ii}/\tau}}{\sum_j e^{s_{ij}/\tau}}$ with
    cosine similarities $s_{ij}$. Rows are normalised after scaling by their largest
    entry, so very large or tiny embeddings do not overflow; the softmax is max-shifted.

    References
    ----------
    .. [1] A. van den Oord, Y. Li and O. Vinyals, "Representation Learning with
       Contrastive Predictive Coding", 2018.
    .. [2] T. Chen et al., "A Simple Framework for Contrastive Learning of Visual
       Representations" (SimCLR), ICML 2020.

    Examples
    --------
    Each query points the same way as its own key and at right angles to the other:
    similarities 1 and 0, so with $\tau = 1$ the loss is $\ln(1 + e^{-1}) \approx 0.3133$.

    >>> q, k = [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 3.0]]
    >>> round(info_nce_loss(q, k, temperature=1.0), 4)
    0.3133
    """
    q = as_float_array(queries, "queries", ndim=2)
    k = as_float_array(keys, "keys", ndim=2)
    check_same_shape(q, k, "queries", "keys")
    tau = check_real(temperature, "temperature", low=0.0, closed="neither")

    def unit_rows(x: np.ndarray, name: str) -> np.ndarray:
        scale = np.abs(x).max(axis=1, keepdims=True)
        if np.any(scale == 0):
            raise ValueError(f"{name} must have no all-zero row; a zero vector has no direction.")
        with np.errstate(under="ignore"):  # tiny entries relative to the largest: fine
            y = x / scale
        return y / np.linalg.norm(y, axis=1, keepdims=True)

    sim = unit_rows(q, "queries") @ unit_rows(k, "keys").T / tau
    shifted = sim - sim.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):  # exp of very negative similarities is 0
        log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_norm - np.diagonal(shifted)))


def fgsm(x, grad, *, epsilon, low=None, high=None):
    r"""The fast gradient sign method: step each input feature by `epsilon` up its loss gradient.

    Parameters
    ----------
    x : array_like
        Finite inputs (any shape).
    grad : array_like
        The finite gradient of the loss with respect to `x`, same shape.
    epsilon : float
        Size of the perturbation in each feature ($L_\infty$ radius), non-negative.
    low, high : float, optional
        Valid input range (e.g. 0 and 1 for pixels); the result is clipped to it.

    Returns
    -------
    ndarray
        $x + \epsilon \operatorname{sign}(\nabla_x L)$, clipped if a range is given.

    Raises
    ------
    ValueError
        If the shapes differ, an input is empty or holds NaN or infinity, `epsilon`
        is negative, or ``low > high``.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    dlterms.gradient : What `grad` is.

    Notes
    -----
    The sign keeps the perturbation within $\epsilon$ in every feature while
    increasing a locally linear loss as much as possible. A feature whose gradient
    is exactly 0 is left unchanged.

    References
    ----------
    .. [1] I. Goodfellow, J. Shlens and C. Szegedy, "Explaining and Harnessing
       Adversarial Examples", ICLR 2015.

    Examples
    --------
    >>> fgsm([0.5, 0.5, 0.5], [0.3, -2.0, 0.0], epsilon=0.1).tolist()
    [0.6, 0.4, 0.5]
    >>> fgsm([0.95, 0.02], [1.0, -1.0], epsilon=0.1, low=0.0, high=1.0).tolist()
    [1.0, 0.0]
    """
    x = as_float_array(x, "x")
    grad = as_float_array(grad, "grad")
    check_same_shape(x, grad, "x", "grad")
    epsilon = check_real(epsilon, "epsilon", low=0.0)
    out = x + epsilon * np.sign(grad)
    if low is not None or high is not None:
        lo = -np.inf if low is None else check_real(low, "low")
        hi = np.inf if high is None else check_real(high, "high")
        if lo > hi:
            raise ValueError(f"low must not exceed high; got {lo} and {hi}.")
        out = np.clip(out, lo, hi)
    if not np.all(np.isfinite(out)):
        raise ValueError("the perturbed input overflows; use a smaller epsilon.")
    return out
