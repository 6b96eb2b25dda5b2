"""Layers as pure functions: dense, 2-D convolution, pooling, dropout, batch normalisation.

Image tensors use PyTorch's NCHW layout: (batch, channels, height, width).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlterms._validation import (
    as_float_array,
    as_pair,
    as_rng,
    as_vector,
    check_bool,
    check_int,
    check_real,
    check_window_fits,
    scalar_or_array,
)

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "conv2d",
    "conv2d_output_size",
    "dense",
    "dropout",
    "max_pool2d",
]


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
        `x`, or an array is empty or holds NaN or infinity.
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
    return x @ weight + bias


def conv2d_output_size(input_size, kernel_size, *, stride=1, padding=0):
    r"""Length of a convolution or pooling output along one spatial axis.

    Parameters
    ----------
    input_size : int
        Input length $n \ge 1$ (height or width).
    kernel_size : int
        Kernel length $k \ge 1$.
    stride : int, default=1
        Step $s \ge 1$ between neighbouring windows.
    padding : int, default=0
        Zeros $p \ge 0$ added on each side.

    Returns
    -------
    int
        $\lfloor (n + 2p - k) / s \rfloor + 1$.

    Raises
    ------
    ValueError
        If a size is out of range or the kernel is longer than the padded input.
    TypeError
        If an argument is not an int.

    See Also
    --------
    conv2d, max_pool2d, avg_pool2d : The layers whose output this sizes.

    Notes
    -----
    $$n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$

    The padded input has $n + 2p$ positions and the first window starts at 0; the last
    start must be at most $n + 2p - k$, and starts are $s$ apart. When $s$ does not
    divide $n + 2p - k$, the last few positions are never covered.

    References
    ----------
    V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep
    learning", arXiv:1603.07285 (2016).

    Examples
    --------
    >>> conv2d_output_size(5, 3)  # "valid" convolution shrinks by k - 1
    3
    >>> conv2d_output_size(5, 3, padding=1)  # "same" padding for an odd kernel
    5
    >>> conv2d_output_size(7, 3, stride=2, padding=1)  # floor(6 / 2) + 1
    4
    """
    n = check_int(input_size, "input_size", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    if k > n + 2 * p:
        raise ValueError(
            f"kernel_size must fit in the padded input, k <= n + 2p = {n + 2 * p}; "
            f"got kernel_size={k} for input_size={n} and padding={p}."
        )
    return (n + 2 * p - k) // s + 1


def conv2d(x, weight, bias=None, *, stride=1, padding=0):
    r"""2-D convolution (really cross-correlation) of a batch of images.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        Finite input images.
    weight : array_like of shape (C_out, C_in, kH, kW)
        Finite kernels, one stack of `C_in` kernels per output channel.
    bias : array_like of shape (C_out,), optional
        Added to every pixel of each output channel. Default: no bias.
    stride : int or (int, int), default=1
        Step between windows, for both axes or as ``(height, width)``.
    padding : int or (int, int), default=0
        Zeros added on each side, for both axes or as ``(height, width)``.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        With ``H_out = conv2d_output_size(H, kH, stride=..., padding=...)`` and
        likewise for ``W_out``.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; the channel counts disagree; an option is out of range; or the
        kernel is larger than the padded input.
    TypeError
        If an array does not hold real numbers or an option is not an int or pair.

    See Also
    --------
    conv2d_output_size : The output size formula.

    max_pool2d, avg_pool2d : Windowed reductions with the same geometry.

    Notes
    -----
    With $\tilde x$ the zero-padded input and strides $(s_h, s_w)$,

    $$y_{n,o,i,j} = b_o + \sum_{c=1}^{C_\text{in}} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
      \tilde x_{n,\,c,\,s_h i + u,\,s_w j + v}\; w_{o,c,u,v}.$$

    The kernel is **not flipped**: what deep learning calls convolution is
    cross-correlation, as in PyTorch's ``conv2d``. A flipped kernel is just another
    kernel, so learning is unaffected. The code takes every $k_H \times k_W$ window
    with ``sliding_window_view`` (a view, no copy), keeps every $s$-th one, and
    contracts windows with kernels in one ``einsum``; there is no loop over pixels.

    References
    ----------
    A. Zhang, Z. C. Lipton, M. Li and A. J. Smola, *Dive into Deep Learning*,
    section 7.2 "Convolutions for Images".

    Examples
    --------
    The worked example from *Dive into Deep Learning*:
    $0 \cdot 0 + 1 \cdot 1 + 3 \cdot 2 + 4 \cdot 3 = 19$.

    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> w = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> conv2d(x, w).tolist()
    [[[[19.0, 25.0], [37.0, 43.0]]]]
    >>> conv2d(x, w, [1.0], stride=2, padding=1).tolist()
    [[[[1.0, 9.0], [22.0, 44.0]]]]
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C_in, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, layout="(C_out, C_in, kH, kW)")
    if weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight must have as many input channels as x, {x.shape[1]}; "
            f"got weight of shape {weight.shape} for x of shape {x.shape}."
        )
    bias = np.zeros(weight.shape[0]) if bias is None else as_vector(bias, "bias", weight.shape[0])
    s_h, s_w = as_pair(stride, "stride", minimum=1)
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    k_h, k_w = weight.shape[2:]
    check_window_fits(x.shape, (k_h, k_w), (p_h, p_w))

    x_padded = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
    # windows[n, c, i, j] is the k_h x k_w patch under output pixel (i, j)
    windows = sliding_window_view(x_padded, (k_h, k_w), axis=(2, 3))[:, :, ::s_h, ::s_w]
    # y[n, o, i, j] = sum over c, u, v of windows[n, c, i, j, u, v] * weight[o, c, u, v]
    y = np.einsum("ncijuv,ocuv->noij", windows, weight, optimize=True)
    return y + bias[:, np.newaxis, np.newaxis]


def _pooling_windows(x, kernel_size, stride):
    """Validate pooling arguments; return the (N, C, H_out, W_out, kH, kW) window view."""
    x = as_float_array(x, "x", ndim=4, layout="(N, C, H, W)")
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    stride = kernel if stride is None else as_pair(stride, "stride", minimum=1)
    check_window_fits(x.shape, kernel, (0, 0))
    return sliding_window_view(x, kernel, axis=(2, 3))[:, :, :: stride[0], :: stride[1]]


def max_pool2d(x, kernel_size, *, stride=None):
    r"""2-D max pooling: the largest value in each window, per channel.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        Finite input images.
    kernel_size : int or (int, int)
        Window size, square or as ``(height, width)``.
    stride : int or (int, int), optional
        Step between windows. Default: `kernel_size` (non-overlapping windows).

    Returns
    -------
    ndarray of shape (N, C, H_out, W_out)
        With ``H_out = conv2d_output_size(H, kH, stride=sH)``; no padding.

    Raises
    ------
    ValueError
        If `x` is not 4-D, is empty or holds NaN or infinity; a size is out of range;
        or the window is larger than the input.
    TypeError
        If `x` does not hold real numbers or a size is not an int or pair.

    See Also
    --------
    avg_pool2d : The mean instead of the maximum.

    conv2d_output_size : The output size formula.

    Notes
    -----
    $$y_{n,c,i,j} = \max_{0 \le u < k_H,\ 0 \le v < k_W} x_{n,\,c,\,s_h i + u,\,s_w j + v}.$$

    Rows and columns left over when the stride does not divide the input are dropped,
    as in PyTorch with ``ceil_mode=False``. The gradient flows only to each window's
    maximum.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    >>> max_pool2d(x, 3, stride=1).tolist()
    [[[[10.0, 11.0], [14.0, 15.0]]]]
    """
    return _pooling_windows(x, kernel_size, stride).max(axis=(-2, -1))


def avg_pool2d(x, kernel_size, *, stride=None):
    r"""2-D average pooling: the mean of each window, per channel.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        Finite input images.
    kernel_size : int or (int, int)
        Window size, square or as ``(height, width)``.
    stride : int or (int, int), optional
        Step between windows. Default: `kernel_size` (non-overlapping windows).

    Returns
    -------
    ndarray of shape (N, C, H_out, W_out)
        With ``H_out = conv2d_output_size(H, kH, stride=sH)``; no padding.

    Raises
    ------
    ValueError
        If `x` is not 4-D, is empty or holds NaN or infinity; a size is out of range;
        or the window is larger than the input.
    TypeError
        If `x` does not hold real numbers or a size is not an int or pair.

    See Also
    --------
    max_pool2d : The maximum instead of the mean.

    conv2d : Average pooling is a convolution with a constant kernel $1 / (k_H k_W)$.

    Notes
    -----
    $$y_{n,c,i,j} = \frac{1}{k_H k_W} \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
      x_{n,\,c,\,s_h i + u,\,s_w j + v}.$$

    The window is summed, then divided by $k_H k_W$. When a value is so large that the
    sum could overflow, the input is first scaled down by a power of two, which is
    exact, so a window of values near the float maximum still averages to a finite
    number; tiny (subnormal) values are never pre-divided, which would round them up.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2).tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    >>> avg_pool2d(np.full((1, 1, 2, 2), 1e308), 2).tolist()
    [[[[1e+308]]]]
    """
    windows = _pooling_windows(x, kernel_size, stride)
    area = windows.shape[-2] * windows.shape[-1]
    # 2**-e >= 1/area: multiplying by it is exact and keeps the sum below the float max
    scale = 1.0
    if np.abs(windows).max() > np.finfo(np.float64).max / area:
        scale = 2.0 ** -math.ceil(math.log2(area))
    return (windows * scale).sum(axis=(-2, -1)) / (area * scale)


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
        If `x` is empty or holds NaN or infinity, `rate` is outside $[0, 1)$, or a seed
        is negative.
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
    The output overflows only if $|x| / (1 - p)$ exceeds the float range.

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
    return scalar_or_array(np.where(keep, x / (1.0 - rate), 0.0))


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
        holds NaN or infinity; if `gamma` or `beta` has the wrong shape; or if `eps`
        is not positive.
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
    always normalise to 0. Squaring limits the inputs to about $|x| < 10^{154}$.

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

    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)  # biased: divides by m, not m - 1
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma.reshape(per_feature) * x_hat + beta.reshape(per_feature)
