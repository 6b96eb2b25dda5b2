"""Layers as pure functions: dense, dropout, SwiGLU, and batch and group normalisation.

:func:`batch_norm` normalises with the batch's own statistics; :func:`batch_norm_train`
also updates running statistics, which :func:`batch_norm_inference` then uses. The
convolution and pooling layers live in :mod:`dlterms.convolution`; layer normalisation
and RMSNorm, which act on one vector, in :mod:`dlterms.transformer`.
"""

from __future__ import annotations

import functools

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_rng,
    as_vector,
    check_bool,
    check_int,
    check_real,
    check_same_shape,
    scalar_or_array,
    scaled_difference,
)
from dlterms.activations import silu

__all__ = [
    "batch_norm",
    "batch_norm_inference",
    "batch_norm_train",
    "dense",
    "dropout",
    "group_norm",
    "swiglu",
]


def _affine(x, weight, bias=None, *, what="x @ weight + bias"):
    """``x @ weight + bias`` for validated arrays, finite whenever the exact result is.

    The plain product is tried first. If it leaves the float range (a partial sum may
    overflow although the result fits) it is redone on ``x / 2**ex`` and
    ``weight / 2**ew`` (exact scalings to magnitudes below 1), the bias is brought to
    the same power of two ``2**E``, and the sum is scaled back; a result beyond float64
    raises ValueError naming `what`.
    """
    # an overflow here is redone below on scaled inputs, or reported; never warned
    with np.errstate(over="ignore", invalid="ignore"):
        y = x @ weight if bias is None else x @ weight + bias
    if np.all(np.isfinite(y)):
        return y
    _, ex = np.frexp(np.max(np.abs(x)))
    _, ew = np.frexp(np.max(np.abs(weight)))
    e_prod = int(ex) + int(ew)
    e_bias = e_prod if bias is None else int(np.frexp(np.max(np.abs(bias)))[1])
    e_top = max(e_prod, e_bias)
    # |x / 2**ex|, |weight / 2**ew| < 1: the product's entries are below d_in
    scaled = np.ldexp(np.ldexp(x, -int(ex)) @ np.ldexp(weight, -int(ew)), e_prod - e_top)
    if bias is not None:
        scaled = scaled + np.ldexp(bias, -e_top)
    # 2**e_top times a number below d_in + 1 overflows only if the result does
    with np.errstate(over="ignore"):
        y = np.ldexp(scaled, e_top)
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"{what} overflows float64: got a result beyond about 1.8e+308 for inputs of "
            f"largest magnitude {np.abs(x).max():.3g} and {np.abs(weight).max():.3g}; "
            "rescale the inputs."
        )
    return y


def _sum_of_parts(parts, what):
    """The sum of terms ``m * 2**e`` (broadcast arrays), finite whenever the sum is.

    Each term is rewritten as a mantissa in [1/2, 1) times a power of two, all are
    brought to the largest power ``2**E`` (so the partial sums stay below the number of
    terms) and the total is scaled back once; a sum beyond float64 raises ValueError.
    """
    exact = []
    for mantissa, exponent in parts:
        m, e = np.frexp(mantissa)
        exact.append((m, np.where(m == 0.0, -(2**20), e + np.asarray(exponent))))
    top = functools.reduce(np.maximum, [e for _, e in exact])
    total = sum(np.ldexp(m, e - top) for m, e in exact)
    # 2**top times a number below len(parts) overflows only if the sum does
    with np.errstate(over="ignore"):
        result = np.ldexp(total, top)
    if not np.all(np.isfinite(result)):
        raise ValueError(
            f"{what} overflows float64: an entry lies beyond about 1.8e+308; rescale the inputs."
        )
    return result


def dense(x, weight, bias=None):
    r"""Fully connected (dense) layer: every output is a weighted sum of every input plus a bias.

    Parameters
    ----------
    x : array_like of shape (n, d_in) or (d_in,)
        Finite inputs: a batch of `n` examples with `d_in` features each, or one example.
    weight : array_like of shape (d_in, d_out)
        Finite weights; column `j` holds the weights of output unit `j`.
    bias : array_like of shape (d_out,), optional
        Finite bias, one number per output unit. Default: no bias (zeros).

    Returns
    -------
    ndarray of shape (n, d_out) or (d_out,)
        ``x @ weight + bias``; a single example gives a 1-D result.

    Raises
    ------
    ValueError
        If `x` is not 1-D or 2-D, `weight` is not 2-D, `bias` is not shaped
        ``(d_out,)``, `weight` has a row count other than the number of features of
        `x`, an array is empty or holds NaN or infinity, or an output exceeds the
        float64 range (about 1.8e308; rescale the inputs).
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    conv2d : The same weighted sum over local windows, with weights shared across
        positions.

    relu, sigmoid : Activations usually applied to the output.

    Notes
    -----
    For example $i$ and output unit $j$,

    $$y_{ij} = \sum_{k=1}^{d_\text{in}} x_{ik}\, w_{kj} + b_j,
      \qquad Y = X W + \mathbf{1} b^\top.$$

    The layer has $d_\text{in} d_\text{out} + d_\text{out}$ parameters. The weight is
    stored ``(d_in, d_out)``, as in Keras's ``Dense`` kernel, so the product reads
    ``x @ weight``. PyTorch's ``Linear`` stores the transpose, ``(d_out, d_in)``, and
    computes ``x @ weight.T``. Without the bias every output is 0 when the input is 0;
    the bias $b$ moves that point, like the intercept of a straight line.

    Any finite inputs whose exact outputs fit in float64 give finite outputs: where a
    partial sum would overflow, $x$ and $W$ are first divided by powers of two (an
    exact scaling) and the result is scaled back.

    Examples
    --------
    Two inputs, three output units: $(1, 2) W = (1 + 2 \cdot 3, 2 + 2 \cdot 4, 0)$.

    >>> w = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 0.0]])
    >>> dense([1.0, 2.0], w).tolist()
    [7.0, 10.0, 0.0]
    >>> dense([[1.0, 2.0], [0.0, 0.0]], w, [0.5, -1.0, 2.0]).tolist()
    [[7.5, 9.0, 2.0], [0.5, -1.0, 2.0]]
    """
    x = as_float_array(x, "x", ndim=(1, 2), layout="(n, d_in) or (d_in,)")
    weight = as_float_array(weight, "weight", ndim=2, layout="(d_in, d_out)")
    if weight.shape[0] != x.shape[-1]:
        raise ValueError(
            f"weight must have one row per input feature, {x.shape[-1]}; "
            f"got weight of shape {weight.shape} for x of shape {x.shape}."
        )
    d_out = weight.shape[1]
    bias = np.zeros(d_out) if bias is None else as_vector(bias, "bias", d_out)
    # y[i, j] = sum over k of x[i, k] * weight[k, j], plus bias[j] broadcast over the batch
    return _affine(x, weight, bias)


def dropout(x, rate, *, rng=None, training=True):
    r"""Inverted dropout: zero each unit with probability `rate`, scale the rest up.

    Parameters
    ----------
    x : float or array_like
        Finite activations of any shape.
    rate : float
        Drop probability $p \in [0, 1)$.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one. None draws fresh OS entropy.
    training : bool, default=True
        If False, return `x` unchanged (as a new float array), as at inference time.

    Returns
    -------
    float or ndarray
        Same shape as `x`: each entry is $x / (1 - p)$ with probability $1 - p$,
        otherwise 0.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity, `rate` is outside $[0, 1)$, a seed
        is negative, or a kept unit $x / (1 - p)$ exceeds the float64 range.
    TypeError
        If `x` does not hold real numbers, `rate` is not a number, `rng` is not a
        Generator, int or None, or `training` is not a bool.

    See Also
    --------
    batch_norm : The other layer that behaves differently in training.

    Notes
    -----
    With a mask $m_i \sim \mathrm{Bernoulli}(1 - p)$ drawn independently per unit,

    $$y_i = \frac{m_i\, x_i}{1 - p}, \qquad \mathbb{E}[y_i] = x_i.$$

    Scaling at training time ("inverted" dropout) keeps the expected activation
    unchanged, so inference needs no rescaling: the layer is simply the identity.
    If $|x| / (1 - p)$ exceeds the float64 range for a kept unit, ValueError is raised.

    References
    ----------
    N. Srivastava et al., "Dropout: a simple way to prevent neural networks from
    overfitting", JMLR 15 (2014).

    Examples
    --------
    Half the units are dropped on average, the rest doubled, so the mean stays 1:

    >>> dropout([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 0.5, rng=1).tolist()
    [2.0, 2.0, 0.0, 2.0, 0.0, 0.0]
    >>> dropout([1.0, 2.0], 0.5, training=False).tolist()
    [1.0, 2.0]
    """
    x = as_float_array(x, "x")
    rate = check_real(rate, "rate", low=0.0, high=1.0, closed="left")
    rng = as_rng(rng)
    check_bool(training, "training")
    if not training or rate == 0.0:
        return scalar_or_array(x.copy())
    keep = rng.random(x.shape) >= rate  # each unit survives with probability 1 - rate
    # |x| / (1 - p) may pass the float range; that is reported just below, not warned
    with np.errstate(over="ignore"):
        y = np.where(keep, x / (1.0 - rate), 0.0)
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"x / (1 - rate) overflows float64 for rate {rate:g}: x holds a magnitude of "
            f"{np.abs(x).max():.3g}; rescale the inputs."
        )
    return scalar_or_array(y)


def batch_norm(x, gamma=None, beta=None, *, eps=1e-5):
    r"""Batch normalisation in training mode, using the statistics of this batch.

    Parameters
    ----------
    x : array_like of shape (N, D) or (N, C, H, W)
        Finite activations. Each feature (column $d$, or channel $c$ over all pixels)
        is normalised separately.
    gamma : array_like of shape (D,) or (C,), optional
        Learned scale $\gamma$. Default: ones.
    beta : array_like of shape (D,) or (C,), optional
        Learned shift $\beta$. Default: zeros.
    eps : float, default=1e-5
        Added to the variance, $\varepsilon > 0$, so a constant feature gives 0 rather
        than 0 / 0.

    Returns
    -------
    ndarray
        Same shape as `x`.

    Raises
    ------
    ValueError
        If `x` is not 2-D or 4-D, is empty, has fewer than two values per feature or
        holds NaN or infinity; if `gamma` or `beta` has the wrong shape; if `eps`
        is not positive; or if an output $\gamma \hat x + \beta$ exceeds the float64
        range.
    TypeError
        If an array does not hold real numbers or `eps` is not a number.

    See Also
    --------
    dropout : The other layer that behaves differently in training.

    Notes
    -----
    Over the $m$ values of a feature in the batch (all $N$ rows, or all $N H W$ pixels
    of a channel):

    $$\mu = \frac{1}{m}\sum_i x_i, \quad \sigma^2 = \frac{1}{m}\sum_i (x_i - \mu)^2,
      \quad y_i = \gamma\,\frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta.$$

    The variance is the biased one (divide by $m$, not $m - 1$), as in the paper and
    PyTorch's normalisation step. Running averages for inference are not kept here.
    Like PyTorch, a feature with a single value in the batch is refused, since it would
    always normalise to 0. The statistics are taken of $x$ divided by a power of two
    near its largest magnitude (an exact scaling), so nothing is squared outside
    $[0, 1]$: any finite input works, and scaling $x$ by a power of two $c$ gives the
    same result as keeping $x$ and dividing $\varepsilon$ by $c^2$.

    References
    ----------
    S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep network
    training by reducing internal covariate shift", ICML (2015).

    Examples
    --------
    Mean 2, variance 1:

    >>> batch_norm([[1.0], [3.0]]).round(4).tolist()
    [[-1.0], [1.0]]
    >>> batch_norm([[1.0], [3.0]], gamma=[2.0], beta=[0.5]).round(4).tolist()
    [[-1.5], [2.5]]
    """
    x = as_float_array(x, "x", ndim=(2, 4), layout="(N, D) or (N, C, H, W)")
    n_features = x.shape[1]
    if x.size // n_features < 2:
        raise ValueError(
            f"batch_norm needs more than one value per feature; got x of shape {x.shape}."
        )
    gamma = np.ones(n_features) if gamma is None else as_vector(gamma, "gamma", n_features)
    beta = np.zeros(n_features) if beta is None else as_vector(beta, "beta", n_features)
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    per_feature = (1, n_features) + (1,) * (x.ndim - 2)  # broadcasts along the feature axis

    x_hat = _normalise(x, axes, eps)
    # gamma x_hat + beta, gamma as mantissa and power of two: only the result may overflow
    g_m, g_e = np.frexp(gamma.reshape(per_feature))
    shift = np.broadcast_to(beta.reshape(per_feature), x.shape)
    return _sum_of_parts([(g_m * x_hat, g_e), (shift, 0)], "batch_norm's output")


def _normalise(x, axes, eps):
    r"""$(x - \mu) / \sqrt{\sigma^2 + \varepsilon}$ per feature, at any scale of `x`.

    With $s = 2^e \ge \max|x|$ per feature and $z = x / s$ (exact), the result is
    $(z - \mu_z) / \sqrt{\sigma_z^2 + (\sqrt\varepsilon / s)^2}$: the squares of $z$ stay
    below 1, and the hypotenuse never squares $\sqrt\varepsilon / s$.
    """
    _, e = np.frexp(np.max(np.abs(x), axis=axes, keepdims=True))
    z = np.ldexp(x, -e)
    centred = z - z.mean(axis=axes, keepdims=True)
    std_z = np.sqrt(np.mean(centred**2, axis=axes, keepdims=True))  # biased: divides by m
    # sqrt(eps) / s passes the float range only for |x| below ~1e-300 (eps = 1e-5);
    # those features are finished below without it
    with np.errstate(over="ignore"):
        root_eps_z = np.ldexp(np.sqrt(eps), -e)
    tiny = ~np.isfinite(root_eps_z)
    root_eps_z[tiny] = 1.0
    x_hat = centred / np.hypot(std_z, root_eps_z)
    # there sigma^2 is below eps * 1e-600: (x - mu) / sqrt(eps) to rounding
    return np.where(tiny, np.ldexp(centred, np.where(tiny, e, 0)) / np.sqrt(eps), x_hat)


def _running_stats(running_mean, running_var, n_features: int):
    mean = as_vector(running_mean, "running_mean", n_features)
    var = as_vector(running_var, "running_var", n_features)
    if var.min() < 0:
        raise ValueError(f"running_var must be non-negative; got minimum {var.min():g}.")
    return mean, var


def batch_norm_train(x, gamma, beta, running_mean, running_var, *, momentum=0.1, eps=1e-5):
    r"""Batch normalisation in training mode, also returning the updated running statistics.

    Parameters
    ----------
    x : array_like of shape (N, D) or (N, C, H, W)
        Finite activations; each feature (column, or channel over all pixels) is
        normalised separately, with at least two values per feature.
    gamma : array_like of shape (D,) or (C,), or None
        Learned scale $\gamma$; None means ones.
    beta : array_like of shape (D,) or (C,), or None
        Learned shift $\beta$; None means zeros.
    running_mean : array_like of shape (D,) or (C,)
        Running mean before this batch (PyTorch starts it at zeros).
    running_var : array_like of shape (D,) or (C,)
        Running variance before this batch, non-negative (PyTorch starts it at ones).
    momentum : float, default=0.1
        Weight $\alpha \in [0, 1]$ of the new batch in the running averages
        (PyTorch's convention).
    eps : float, default=1e-5
        $\varepsilon > 0$ added to the variance.

    Returns
    -------
    y : ndarray
        The normalised batch, same shape as `x`, as :func:`~dlterms.layers.batch_norm`.
    new_running_mean : ndarray of shape (D,) or (C,)
        $(1 - \alpha)\,\hat\mu + \alpha\,\mu_B$.
    new_running_var : ndarray of shape (D,) or (C,)
        $(1 - \alpha)\,\hat\sigma^2 + \alpha\,s_B^2$, with the *unbiased* batch variance.

    Raises
    ------
    ValueError
        If `x` is not 2-D or 4-D, is empty, has one value per feature or holds NaN or
        infinity; a parameter or statistic has the wrong shape; `running_var` is
        negative; `momentum` is outside $[0, 1]$; `eps` is not positive; or the new
        running variance exceeds the float64 range (a batch spread wider than about
        1e154 around its mean).
    TypeError
        If an array does not hold real numbers or an option is not a number.

    See Also
    --------
    batch_norm_inference : The inference mode, which uses the running statistics.

    batch_norm : The normalisation alone.

    Notes
    -----
    Over the $m$ values of a feature in the batch, with
    $\mu_B = \frac{1}{m}\sum_i x_i$ and $\sigma_B^2 = \frac{1}{m}\sum_i (x_i - \mu_B)^2$,

    $$y_i = \gamma \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}} + \beta,\qquad
      \hat\mu \leftarrow (1 - \alpha)\hat\mu + \alpha\mu_B,\qquad
      \hat\sigma^2 \leftarrow (1 - \alpha)\hat\sigma^2 + \alpha\,\frac{m}{m - 1}\sigma_B^2.$$

    These are PyTorch's conventions (``torch.nn.functional.batch_norm`` with
    ``training=True``): the batch is normalised with the biased variance, but the
    running variance is fed the unbiased one. Keras's ``BatchNormalization`` uses the
    opposite momentum, the weight of the *old* value (default 0.99, which matches
    PyTorch's 0.01), and the biased variance. PyTorch updates its buffers in place;
    here new arrays are returned. The batch statistics are taken of $x$ divided by a
    power of two and combined with the running ones as mantissas and powers of two, so
    the result is finite whenever the exact running statistics are.

    References
    ----------
    S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep network
    training by reducing internal covariate shift", ICML (2015).

    Examples
    --------
    Feature $(1, 3)$: mean 2, biased variance 1, unbiased variance 2. The running
    mean moves from 0 to $0.1 \cdot 2 = 0.2$, the variance from 1 to $0.9 + 0.1 \cdot 2$:

    >>> y, mean, var = batch_norm_train([[1.0], [3.0]], None, None, [0.0], [1.0])
    >>> y.round(4).tolist(), mean.tolist(), var.round(4).tolist()
    ([[-1.0], [1.0]], [0.2], [1.1])
    """
    x = as_float_array(x, "x", ndim=(2, 4), layout="(N, D) or (N, C, H, W)")
    y = batch_norm(x, gamma, beta, eps=eps)  # validates gamma, beta, eps and N
    old_mean, old_var = _running_stats(running_mean, running_var, x.shape[1])
    alpha = check_real(momentum, "momentum", low=0.0, high=1.0)
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    m = x.size // x.shape[1]  # values per feature
    # the statistics of z = x / 2**e (exact), so nothing overflows on the way
    _, e = np.frexp(np.max(np.abs(x), axis=axes, keepdims=True))
    z = np.ldexp(x, -e)
    e = e.reshape(-1)
    mean_z = z.mean(axis=axes)
    var_z = z.var(axis=axes) * (m / (m - 1))  # unbiased, for the running estimate
    new_mean = _sum_of_parts(
        [((1.0 - alpha) * old_mean, 0), (alpha * mean_z, e)], "the new running mean"
    )
    new_var = _sum_of_parts(
        [((1.0 - alpha) * old_var, 0), (alpha * var_z, 2 * e)], "the new running variance"
    )
    return y, new_mean, new_var


def batch_norm_inference(x, gamma, beta, running_mean, running_var, *, eps=1e-5):
    r"""Batch normalisation in inference mode: normalise with the running statistics.

    Parameters
    ----------
    x : array_like of shape (N, D) or (N, C, H, W)
        Finite activations; a single example ($N = 1$) is fine.
    gamma : array_like of shape (D,) or (C,), or None
        Learned scale $\gamma$; None means ones.
    beta : array_like of shape (D,) or (C,), or None
        Learned shift $\beta$; None means zeros.
    running_mean : array_like of shape (D,) or (C,)
        Mean estimated during training.
    running_var : array_like of shape (D,) or (C,)
        Variance estimated during training, non-negative.
    eps : float, default=1e-5
        $\varepsilon > 0$ added to the variance.

    Returns
    -------
    ndarray
        Same shape as `x`.

    Raises
    ------
    ValueError
        If `x` is not 2-D or 4-D, is empty or holds NaN or infinity; a parameter or
        statistic has the wrong shape; `running_var` is negative; `eps` is not
        positive; or an output exceeds the float64 range.
    TypeError
        If an array does not hold real numbers or `eps` is not a number.

    See Also
    --------
    batch_norm_train : Training mode, which produces the running statistics.

    Notes
    -----
    $$y = \gamma\,\frac{x - \hat\mu}{\sqrt{\hat\sigma^2 + \varepsilon}} + \beta.$$

    The statistics are constants here, so each example is transformed on its own:
    the layer becomes a fixed per-feature affine map that does not depend on the
    rest of the batch, and it can be folded into the preceding weights. This is
    PyTorch's ``model.eval()`` mode (``training=False``) and Keras's
    ``training=False``. The factors are multiplied as mantissas and powers of two, so
    the output is finite whenever the exact one is; one beyond float64 raises
    ValueError.

    Examples
    --------
    Running mean 2 and variance 4 (standard deviation 2, ignoring $\varepsilon$):
    $(4 - 2)/2 = 1$, then $\gamma = 3$, $\beta = 1$ give $3 \cdot 1 + 1 = 4$.

    >>> batch_norm_inference([[4.0]], [3.0], [1.0], [2.0], [4.0], eps=1e-12).round(6).tolist()
    [[4.0]]
    """
    x = as_float_array(x, "x", ndim=(2, 4), layout="(N, D) or (N, C, H, W)")
    n_features = x.shape[1]
    gamma = np.ones(n_features) if gamma is None else as_vector(gamma, "gamma", n_features)
    beta = np.zeros(n_features) if beta is None else as_vector(beta, "beta", n_features)
    mean, var = _running_stats(running_mean, running_var, n_features)
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    per_feature = (1, n_features) + (1,) * (x.ndim - 2)  # broadcasts along the feature axis
    # y = gamma (x - mean) / sqrt(var + eps) + beta, each factor as mantissa and power of
    # two: d 2**k = x - mean, and sqrt(var + eps) as a hypotenuse that never squares
    d, k = scaled_difference(x, mean.reshape(per_feature))
    g_m, g_e = np.frexp(gamma.reshape(per_feature))
    r_m, r_e = np.frexp(np.hypot(np.sqrt(var), np.sqrt(eps)).reshape(per_feature))
    d_m, d_e = np.frexp(d)
    shift = np.broadcast_to(beta.reshape(per_feature), x.shape)
    return _sum_of_parts(
        [(g_m * d_m / r_m, g_e + d_e + k - r_e), (shift, 0)], "batch_norm_inference's output"
    )


def group_norm(x, num_groups, weight=None, bias=None, *, eps=1e-5):
    r"""Group normalization: standardise each example's channels in groups, then scale and shift.

    Parameters
    ----------
    x : array_like of shape (N, C, *)
        Finite activations: `N` examples with `C` channels and any spatial axes
        (none, ``(L,)``, ``(H, W)``, ...).
    num_groups : int
        The number of groups $G \ge 1$; it must divide `C`. Each group holds $C / G$
        consecutive channels.
    weight : array_like of shape (C,), optional
        Learned per-channel scale $\gamma$. Default: ones.
    bias : array_like of shape (C,), optional
        Learned per-channel shift $\beta$. Default: zeros.
    eps : float, default=1e-5
        Added to the variance, $\varepsilon > 0$.

    Returns
    -------
    ndarray
        Same shape as `x`.

    Raises
    ------
    ValueError
        If `x` has fewer than two axes, is empty or holds NaN or infinity; if
        `num_groups` does not divide the number of channels or leaves a single value
        in a group; if `weight` or `bias`
        does not have shape ``(C,)``; if `eps` is not positive; or if an output
        exceeds the float64 range.
    TypeError
        If an array does not hold real numbers, `num_groups` is not an int or `eps` is
        not a number.

    See Also
    --------
    batch_norm : Normalises each channel over the batch instead.

    dlterms.layer_norm : Normalises each vector over its features.

    Notes
    -----
    For example $n$ and group $g$, over the $m = (C / G) \cdot HW$ values $x_i$ of
    its channels and positions:

    $$\mu_{ng} = \frac1m \sum_i x_i, \quad \sigma_{ng}^2 = \frac1m \sum_i
      (x_i - \mu_{ng})^2, \quad y_{nchw} = \gamma_c\,\frac{x_{nchw} - \mu_{ng}}
      {\sqrt{\sigma_{ng}^2 + \varepsilon}} + \beta_c.$$

    The statistics never mix examples, so the layer works the same for any batch
    size, in training and inference; that is why detection and segmentation models,
    trained with a few images per device, and diffusion U-Nets (with 32 groups) use
    it. $G = 1$ gives layer normalisation over $(C, H, W)$ and $G = C$ instance
    normalisation. The variance is the biased one, as in PyTorch's ``group_norm``;
    the statistics are taken at any scale of $x$, as in :func:`batch_norm`. A group
    of a single value is refused, since it always normalises to 0 (PyTorch refuses it
    only for a batch of one).

    References
    ----------
    Y. Wu and K. He, "Group normalization", ECCV (2018).

    Examples
    --------
    One example, four channels of one pixel, two groups: $(1, 3)$ and $(10, 30)$ each
    standardise to $(-1, 1)$:

    >>> group_norm([[1.0, 3.0, 10.0, 30.0]], 2, eps=1e-12).round(4).tolist()
    [[-1.0, 1.0, -1.0, 1.0]]

    One group of $(0, 2, 4, 6)$: mean 3, variance $(9 + 1 + 1 + 9) / 4 = 5$:

    >>> group_norm([[0.0, 2.0, 4.0, 6.0]], 1).round(4).tolist()
    [[-1.3416, -0.4472, 0.4472, 1.3416]]
    """
    x = as_float_array(x, "x", layout="(N, C, *)", min_ndim=2)
    n, c = x.shape[:2]
    num_groups = check_int(num_groups, "num_groups", minimum=1)
    if c % num_groups:
        raise ValueError(
            f"num_groups must divide the number of channels {c}; got num_groups={num_groups}."
        )
    if x.size // (n * num_groups) < 2:
        raise ValueError(
            "group_norm needs more than one value per group, which would always normalise "
            f"to 0; got x of shape {x.shape} with num_groups={num_groups}. Use fewer groups."
        )
    weight = np.ones(c) if weight is None else as_vector(weight, "weight", c)
    bias = np.zeros(c) if bias is None else as_vector(bias, "bias", c)
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    per_channel = (1, c) + (1,) * (x.ndim - 2)  # broadcasts along the channel axis

    x_hat = _normalise(x.reshape(n, num_groups, -1), (2,), eps).reshape(x.shape)
    # weight x_hat + bias, weight as mantissa and power of two: only the result may overflow
    w_m, w_e = np.frexp(weight.reshape(per_channel))
    shift = np.broadcast_to(bias.reshape(per_channel), x.shape)
    return _sum_of_parts([(w_m * x_hat, w_e), (shift, 0)], "group_norm's output")


def swiglu(x, w_gate, w_up, w_down):
    r"""SwiGLU feed-forward layer: a gated linear unit with a SiLU gate, then a projection.

    Parameters
    ----------
    x : array_like of shape (..., d_model)
        Finite inputs; every vector along the last axis (every position) is
        transformed on its own.
    w_gate : array_like of shape (d_model, d_ff)
        Finite weights $W$ of the gate path, passed through SiLU.
    w_up : array_like of shape (d_model, d_ff)
        Finite weights $V$ of the value path, left linear.
    w_down : array_like of shape (d_ff, d_model)
        Finite weights $W_2$ that project back to `d_model` (any output width works).

    Returns
    -------
    ndarray of shape (..., d_out)
        The layer's output, where `d_out` is the number of columns of `w_down`.

    Raises
    ------
    ValueError
        If a shape does not fit, an array is 0-D or empty or holds NaN or infinity, or
        an intermediate or output value exceeds the float64 range.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    dlterms.glu : The gate on one tensor split in halves, with a sigmoid.

    dlterms.silu : The gate's activation.

    dlterms.feed_forward : The original two-layer ReLU feed-forward network.

    Notes
    -----
    Shazeer's $\mathrm{FFN}_\mathrm{SwiGLU}$ (equation 6 of the paper, with Swish
    $\beta = 1$, i.e. SiLU, and no biases):

    $$\mathrm{FFN}_\mathrm{SwiGLU}(x) = \bigl(\mathrm{SiLU}(x W) \odot x V\bigr)\, W_2.$$

    Three matrices instead of two; to keep the parameter count of a ReLU network with
    $d_{ff} = 4 d_\text{model}$, the paper shrinks $d_{ff}$ to $\tfrac23 \cdot 4
    d_\text{model}$. LLaMA-style blocks compute exactly this as ``w2(silu(w1(x)) *
    w3(x))``, with $W$ = ``w1`` (gate), $V$ = ``w3`` (up), $W_2$ = ``w2`` (down),
    $d_{ff}$ about $\tfrac83 d_\text{model}$ rounded up to a multiple of 256, and no
    biases; PyTorch's ``nn.Linear`` stores each matrix transposed. Weights here are
    stored so that products read ``x @ w``, as in :func:`dense`. Products that would
    overflow are redone on scaled inputs, as :func:`dense` does.

    References
    ----------
    N. Shazeer, "GLU variants improve transformer", arXiv:2002.05202 (2020).

    Examples
    --------
    $d_\text{model} = 1$, $d_{ff} = 1$, all weights 1: $\mathrm{SiLU}(2) \cdot 2 =
    1.7616 \cdot 2 = 3.5232$, and at $x = 0$ the gate shuts: $0$.

    >>> swiglu([[2.0], [0.0]], [[1.0]], [[1.0]], [[1.0]]).round(4).tolist()
    [[3.5232], [0.0]]
    """
    x = as_float_array(x, "x", min_ndim=1, layout="(..., d_model)")
    d_model = x.shape[-1]
    w_gate, w_up = (
        as_float_array(w, name, ndim=2, layout="(d_model, d_ff)")
        for w, name in ((w_gate, "w_gate"), (w_up, "w_up"))
    )
    w_down = as_float_array(w_down, "w_down", ndim=2, layout="(d_ff, d_model)")
    if w_gate.shape[0] != d_model:
        raise ValueError(
            f"w_gate must have one row per input feature, {d_model}; got shape {w_gate.shape}."
        )
    check_same_shape(w_gate, w_up, "w_gate", "w_up")
    if w_down.shape[0] != w_gate.shape[1]:
        raise ValueError(
            f"w_down must have one row per hidden unit, {w_gate.shape[1]}; "
            f"got shape {w_down.shape}."
        )
    gate = silu(_affine(x, w_gate, what="x @ w_gate"))
    up = _affine(x, w_up, what="x @ w_up")
    # |silu(a) * b| <= |a b|: it overflows only where the exact product does
    with np.errstate(over="ignore"):
        hidden = gate * up
    if not np.all(np.isfinite(hidden)):
        raise ValueError(
            "swiglu's hidden product silu(x @ w_gate) * (x @ w_up) overflows float64; "
            "rescale the inputs."
        )
    return _affine(hidden, w_down, what="the hidden layer @ w_down")
