"""Convolution and pooling: the layers, their output sizes and their backward passes.

:func:`conv2d` (with dilation and groups, its gradient :func:`conv2d_backward` and the
size formula :func:`conv2d_output_size`), :func:`max_pool2d`, :func:`avg_pool2d` and
:func:`global_avg_pool2d`, then padding, true (flipped) convolution, a whole
convolutional layer, depthwise separable and transposed convolution, and receptive
fields. Image tensors use PyTorch's NCHW layout: (batch, channels, height, width).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlterms._validation import (
    as_array,
    as_float_array,
    as_pair,
    as_vector,
    check_bool,
    check_int,
    check_real,
    check_shape,
    check_window_fits,
    max_exponent,
    unscale_or_refuse,
)
from dlterms.activations import ELEMENTWISE, activation_forward, check_activation

__all__ = [
    "avg_pool2d",
    "conv2d",
    "conv2d_backward",
    "conv2d_output_size",
    "conv_layer",
    "conv_transpose2d",
    "convolve2d_true",
    "depthwise_separable_conv2d",
    "global_avg_pool2d",
    "max_pool2d",
    "max_pool2d_backward",
    "pad2d",
    "receptive_field",
]


def _as_conv_operands(x, weight, groups=1):
    """Validate an NCHW input and a (C_out, C_in / groups, kH, kW) weight."""
    x = as_float_array(x, "x", ndim=4, layout="(N, C_in, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, layout="(C_out, C_in / groups, kH, kW)")
    if groups == 1 and weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight must have as many input channels as x, {x.shape[1]}; "
            f"got weight of shape {weight.shape} for x of shape {x.shape}."
        )
    if x.shape[1] % groups or weight.shape[0] % groups:
        raise ValueError(
            f"groups must divide both channel counts; got groups={groups} for "
            f"C_in={x.shape[1]} and C_out={weight.shape[0]}."
        )
    if weight.shape[1] * groups != x.shape[1]:
        raise ValueError(
            f"weight must have C_in / groups = {x.shape[1] // groups} input channels; "
            f"got weight of shape {weight.shape} for x of shape {x.shape} and groups={groups}."
        )
    return x, weight


def _span(kernel, dilation):
    """The extent d (k - 1) + 1 of a dilated kernel along each axis."""
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))


def _bilinear_scaled(compute, x, weight, bias, what):
    """compute(x, weight) + bias, redone on power-of-two-scaled inputs if it overflows.

    `compute` is linear in x and in weight and returns (N, C_out, H_out, W_out).
    """
    # finite inputs near the float range can overflow the sums; redone scaled just below
    with np.errstate(over="ignore", invalid="ignore"):
        y = compute(x, weight) + bias[:, np.newaxis, np.newaxis]
    if np.all(np.isfinite(y)):
        return y
    # divide x and weight by powers of two near their largest magnitudes (exact), so
    # every product is below 1 in magnitude; bring the bias to the same scale
    e_x, e_w, e_b = max_exponent(x), max_exponent(weight), max_exponent(bias)
    e = max(e_x + e_w, e_b)
    y = np.ldexp(compute(np.ldexp(x, -e_x), np.ldexp(weight, -e_w)), e_x + e_w - e)
    y += np.ldexp(bias, -e)[:, np.newaxis, np.newaxis]
    return unscale_or_refuse(y, e, what)


def _correlate(x, weight, bias, stride, padding, dilation=(1, 1), groups=1):
    """conv2d on validated arrays: y[n, o, i, j], scaled by powers of two on overflow."""
    (s_h, s_w), (p_h, p_w), (d_h, d_w) = stride, padding, dilation
    k_h, k_w = weight.shape[2:]
    span = _span((k_h, k_w), dilation)

    def contract(x, weight):
        x_padded = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
        # windows[n, c, i, j] is the k_h x k_w patch under output pixel (i, j): every
        # d-th pixel of a span-sized window
        windows = sliding_window_view(x_padded, span, axis=(2, 3))
        windows = windows[:, :, ::s_h, ::s_w, ::d_h, ::d_w]
        n, c, h_out, w_out = windows.shape[:4]
        # channel c of group g meets only the kernels of that group
        windows = windows.reshape(n, groups, c // groups, h_out, w_out, k_h, k_w)
        kernels = weight.reshape(groups, weight.shape[0] // groups, *weight.shape[1:])
        # y[n, g, o, i, j] = sum over c, u, v of windows[n, g, c, i, j, u, v] * w[g, o, c, u, v]
        y = np.einsum("ngcijuv,gocuv->ngoij", windows, kernels, optimize=True)
        return y.reshape(n, weight.shape[0], h_out, w_out)

    return _bilinear_scaled(contract, x, weight, bias, "the convolution output")


def conv2d_output_size(input_size, kernel_size, *, stride=1, padding=0, dilation=1):
    r"""Convolutional operation: the output length of a convolution or pooling along one axis.

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
    dilation : int, default=1
        Spacing $d \ge 1$ between the kernel's taps; the kernel then spans
        $d (k - 1) + 1$ pixels.

    Returns
    -------
    int
        $\lfloor (n + 2p - d (k - 1) - 1) / s \rfloor + 1$, which is
        $\lfloor (n + 2p - k) / s \rfloor + 1$ for $d = 1$.

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
    divide $n + 2p - k$, the last few positions are never covered. A dilated kernel
    covers $d (k - 1) + 1$ pixels, which takes the place of $k$ (PyTorch's formula).

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
    >>> conv2d_output_size(7, 3, dilation=2)  # the kernel spans 5 pixels: 7 - 5 + 1
    3
    """
    n = check_int(input_size, "input_size", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    s = check_int(stride, "stride", minimum=1)
    p = check_int(padding, "padding", minimum=0)
    d = check_int(dilation, "dilation", minimum=1)
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(
            f"kernel_size must fit in the padded input, d (k - 1) + 1 <= n + 2p = {n + 2 * p}; "
            f"got kernel_size={k} and dilation={d} for input_size={n} and padding={p}."
        )
    return (n + 2 * p - span) // s + 1


def conv2d(x, weight, bias=None, *, stride=1, padding=0, dilation=1, groups=1):
    r"""2-D convolution (really cross-correlation) of a batch of images.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        Finite input images.
    weight : array_like of shape (C_out, C_in / groups, kH, kW)
        Finite kernels, one stack of `C_in / groups` kernels per output channel.
    bias : array_like of shape (C_out,), optional
        Added to every pixel of each output channel. Default: no bias.
    stride : int or (int, int), default=1
        Step between windows, for both axes or as ``(height, width)``.
    padding : int or (int, int), default=0
        Zeros added on each side, for both axes or as ``(height, width)``.
    dilation : int or (int, int), default=1
        Spacing between the kernel's taps (dilated or "atrous" convolution): a
        $k \times k$ kernel with dilation $d$ reads every $d$-th pixel of a
        $(d (k - 1) + 1)$-pixel square.
    groups : int, default=1
        Split the channels into this many groups, each convolved with its own
        kernels; ``groups=C_in`` with one kernel per channel is a depthwise
        convolution. It must divide `C_in` and `C_out`.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        With ``H_out = conv2d_output_size(H, kH, stride=..., padding=...,
        dilation=...)`` and likewise for ``W_out``.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; the channel counts disagree with `groups`; an option is out of
        range; or the (dilated) kernel is larger than the padded input. Also if an
        output exceeds the float64 range (about 1.8e+308); sums that overflow only on
        the way are computed on inputs scaled by powers of two, so every representable
        output is returned.
    TypeError
        If an array does not hold real numbers or an option is not an int or pair.

    See Also
    --------
    conv2d_output_size : The output size formula.

    max_pool2d, avg_pool2d : Windowed reductions with the same geometry.

    depthwise_separable_conv2d : A depthwise (``groups=C_in``) then a 1 × 1 convolution.

    conv_transpose2d : The transposed operation, which upsamples.

    Notes
    -----
    With $\tilde x$ the zero-padded input, strides $(s_h, s_w)$ and dilations
    $(d_h, d_w)$,

    $$\begin{aligned} y_{n,o,i,j} = b_o + \sum_{c=1}^{C_\text{in}} \sum_{u=0}^{k_H-1}
      \sum_{v=0}^{k_W-1} \tilde x_{n,\,c,\,s_h i + d_h u,\,s_w j + d_w v}\;
      w_{o,c,u,v}. \end{aligned}$$

    With groups $G$, output channel $o$ belongs to group $g = \lfloor o G / C_\text{out}
    \rfloor$ and sums only over that group's $C_\text{in} / G$ input channels, as in
    PyTorch; the weight has $C_\text{out} \cdot C_\text{in} / G \cdot k_H k_W$
    entries instead of $C_\text{out} C_\text{in} k_H k_W$.

    The kernel is **not flipped**: what deep learning calls convolution is
    cross-correlation, as in PyTorch's ``conv2d``. A flipped kernel is just another
    kernel, so learning is unaffected. The code takes every window of the dilated
    kernel's extent with ``sliding_window_view`` (a view, no copy), keeps every $s$-th
    window and every $d$-th pixel in it, and contracts windows with kernels in one
    ``einsum``; there is no loop over pixels.

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

    With dilation 2 the 2 × 2 kernel reads the four corners of the 3 × 3 input,
    $0 \cdot 0 + 2 \cdot 1 + 6 \cdot 2 + 8 \cdot 3 = 38$; with two groups each
    channel keeps its own kernel:

    >>> conv2d(x, w, dilation=2).tolist()
    [[[[38.0]]]]
    >>> conv2d(np.ones((1, 2, 1, 1)), [[[[2.0]]], [[[3.0]]]], groups=2).tolist()
    [[[[2.0]], [[3.0]]]]
    """
    groups = check_int(groups, "groups", minimum=1)
    x, weight = _as_conv_operands(x, weight, groups)
    bias = np.zeros(weight.shape[0]) if bias is None else as_vector(bias, "bias", weight.shape[0])
    stride = as_pair(stride, "stride", minimum=1)
    padding = as_pair(padding, "padding", minimum=0)
    dilation = as_pair(dilation, "dilation", minimum=1)
    check_window_fits(x.shape, _span(weight.shape[2:], dilation), padding)
    return _correlate(x, weight, bias, stride, padding, dilation, groups)


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


def pad2d(x, padding, *, value=0.0):
    r"""Padding: add a border of a constant value around the height and width of a batch of images.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        Finite input images.
    padding : int or (int, int)
        Rows and columns $p \ge 0$ added on each side, for both axes or as
        ``(height, width)``.
    value : float, default=0.0
        The finite number written into the border; 0 gives zero padding.

    Returns
    -------
    ndarray of shape (N, C, H + 2 p_h, W + 2 p_w)
        A new array: the input in the middle, `value` all around it.

    Raises
    ------
    ValueError
        If `x` is not 4-D, is empty or holds NaN or infinity, a padding is negative, or
        `value` is not finite.
    TypeError
        If `x` does not hold real numbers, `padding` is not an int or pair of ints, or
        `value` is not a number.

    See Also
    --------
    conv2d : Takes a ``padding`` argument and zero-pads this way before sliding.

    conv2d_output_size : How the padding changes the output size.

    Notes
    -----
    With $p_h, p_w$ the padding and $v$ the fill value,

    $$\tilde x_{n,c,i,j} = \begin{cases} x_{n,c,\,i - p_h,\,j - p_w} &
      \text{if } p_h \le i < H + p_h \text{ and } p_w \le j < W + p_w \\
      v & \text{otherwise.} \end{cases}$$

    A convolution with a $k \times k$ kernel and stride 1 shrinks each side by $k - 1$;
    padding $p = (k - 1) / 2$ for odd $k$ undoes that ("same" padding). Only the two
    spatial axes are padded, never the batch or channel axes. Zero padding is what
    ``conv2d`` and the frameworks use; other values (or reflecting the edge) are
    options of ``numpy.pad`` and ``torch.nn.functional.pad``.

    Examples
    --------
    >>> pad2d([[[[1.0, 2.0], [3.0, 4.0]]]], 1)[0, 0].tolist()
    [[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 0.0], [0.0, 3.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    >>> pad2d(np.ones((2, 3, 5, 5)), (1, 2)).shape
    (2, 3, 7, 9)
    >>> pad2d([[[[5.0]]]], (0, 1), value=-1.0).tolist()
    [[[[-1.0, 5.0, -1.0]]]]
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C, H, W)")
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    value = check_real(value, "value")
    widths = ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w))
    # np.pad always returns a new array, never a view of x
    return np.pad(x, widths, mode="constant", constant_values=value)


def convolve2d_true(x, kernel):
    r"""True 2-D convolution of one image with one kernel: the kernel is flipped first.

    Parameters
    ----------
    x : array_like of shape (H, W)
        A finite single-channel image.
    kernel : array_like of shape (kH, kW)
        A finite kernel no larger than `x` in either direction.

    Returns
    -------
    ndarray of shape (H - kH + 1, W - kW + 1)
        The "valid" convolution: only the positions where the flipped kernel lies
        wholly inside `x`.

    Raises
    ------
    ValueError
        If an array is not 2-D, is empty or holds NaN or infinity, the kernel is
        larger than `x`, or an output exceeds the float64 range (about 1.8e+308).
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    conv2d : What deep learning calls convolution: the same sum without the flip
        (cross-correlation).

    Notes
    -----
    The convolution of mathematics and signal processing reverses the kernel in both
    directions before sliding it:

    $$(x * k)_{i,j} = \sum_{u=0}^{k_H-1} \sum_{v=0}^{k_W-1}
      x_{i+u,\,j+v}\; k_{k_H-1-u,\,k_W-1-v},$$

    while ``conv2d`` uses $k_{u,v}$ unflipped. So the true convolution with $k$ is
    ``conv2d`` with $k$ rotated by 180°, which is how it is computed here. The flip makes
    convolution commutative and associative; for learning it does not matter, because a
    learned kernel can just as well learn its own mirror image. This agrees with
    ``scipy.signal.convolve2d(x, k, mode="valid")``, and ``conv2d`` agrees with
    ``scipy.signal.correlate2d``.

    Examples
    --------
    The same 3 × 3 input and 2 × 2 kernel as in ``conv2d``, whose top-left value is
    $0 \cdot 0 + 1 \cdot 1 + 3 \cdot 2 + 4 \cdot 3 = 19$. Flipped, the kernel becomes
    $(3, 2; 1, 0)$ and the top-left value is
    $0 \cdot 3 + 1 \cdot 2 + 3 \cdot 1 + 4 \cdot 0 = 5$:

    >>> x = np.arange(9.0).reshape(3, 3)
    >>> convolve2d_true(x, [[0.0, 1.0], [2.0, 3.0]]).tolist()
    [[5.0, 11.0], [23.0, 29.0]]

    A symmetric kernel is its own flip, so then both agree:

    >>> convolve2d_true(x, [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [[4.0, 6.0], [10.0, 12.0]]
    """
    x = as_float_array(x, "x", ndim=2, layout="(H, W)")
    kernel = as_float_array(kernel, "kernel", ndim=2, layout="(kH, kW)")
    check_window_fits((1, 1, *x.shape), kernel.shape, (0, 0))
    flipped = kernel[::-1, ::-1]  # rotate by 180 degrees: k[kH-1-u, kW-1-v]
    return conv2d(x[np.newaxis, np.newaxis], flipped[np.newaxis, np.newaxis])[0, 0]


def conv_layer(x, weight, bias=None, *, stride=1, padding=0, activation="relu"):
    r"""A convolutional layer: convolve with every filter, add its bias, apply an activation.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        Finite input images (or the activation maps of the layer before).
    weight : array_like of shape (C_out, C_in, kH, kW)
        Finite filters, one per output channel, each spanning all input channels.
    bias : array_like of shape (C_out,), optional
        One bias per filter. Default: no bias.
    stride : int or (int, int), default=1
        Step between windows, for both axes or as ``(height, width)``.
    padding : int or (int, int), default=0
        Zeros added on each side, for both axes or as ``(height, width)``.
    activation : str, default="relu"
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``, ``"gelu"``,
        ``"silu"`` or ``"softplus"`` (the registry's elementwise activations).
        Applied to every value; ``"linear"`` leaves the sums as they are.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        The activation maps: one map per filter for each input image.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; the channel counts disagree; an option is out of range; the kernel is
        larger than the padded input; `activation` is not one of the names above; or a
        pre-activation exceeds the float64 range (about 1.8e+308).
    TypeError
        If an array does not hold real numbers, an option is not an int or pair, or
        `activation` is not a string.

    See Also
    --------
    conv2d : The linear part, before the activation.

    conv2d_backward : Its gradients; multiply `grad_out` by ``relu_grad`` of the
        pre-activation first.

    max_pool2d : The pooling layer usually placed after one or two of these.

    Notes
    -----
    For image $n$ and filter $o$, with $\tilde x$ the zero-padded input and $\phi$ the
    activation,

    $$A_{n,o,i,j} = \phi\Big(b_o + \sum_{c=1}^{C_\text{in}} \sum_{u=0}^{k_H-1}
      \sum_{v=0}^{k_W-1} w_{o,c,u,v}\, \tilde x_{n,\,c,\,s_h i + u,\,s_w j + v}\Big).$$

    The layer has $C_\text{out}(C_\text{in} k_H k_W + 1)$ parameters, however large the
    image: each filter's weights are shared across every position. Keras's ``Conv2D``
    folds the activation in the same way (``activation="relu"``); in PyTorch it is a
    separate module after ``Conv2d``.

    Examples
    --------
    A 3 × 3 image with a bright middle column and two 1 × 3 filters. The filter
    $(-1, 0, 1)$ computes "right neighbour minus left neighbour": with one column of
    zero padding on each side, row $(0, 4, 0)$ gives $4 - 0 = 4$, $0 - 0 = 0$ and
    $0 - 4 = -4$, and ReLU turns the $-4$ into 0. The mirrored filter finds the other
    edge.

    >>> x = np.array([[[[0.0, 4.0, 0.0]] * 3]])
    >>> w = np.array([[[[-1.0, 0.0, 1.0]]], [[[1.0, 0.0, -1.0]]]])
    >>> maps = conv_layer(x, w, [0.0, 0.0], padding=(0, 1))
    >>> maps.shape
    (1, 2, 3, 3)
    >>> maps[0, :, 0].tolist()  # the first row of each activation map
    [[4.0, 0.0, 0.0], [0.0, 0.0, 4.0]]
    >>> conv_layer(x, w, padding=(0, 1), activation="linear")[0, 0, 0].tolist()
    [4.0, 0.0, -4.0]
    """
    activation = check_activation(activation, allowed=ELEMENTWISE)
    z = conv2d(x, weight, bias, stride=stride, padding=padding)
    return activation_forward(z, activation)


def conv2d_backward(x, weight, grad_out, *, stride=1, padding=0):
    r"""Gradients of ``conv2d`` with respect to its input, weights and bias.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        The finite input of the forward pass.
    weight : array_like of shape (C_out, C_in, kH, kW)
        The finite kernels of the forward pass.
    grad_out : array_like of shape (N, C_out, H_out, W_out)
        The finite gradient of the loss with respect to the output of ``conv2d``.
    stride : int or (int, int), default=1
        The stride of the forward pass.
    padding : int or (int, int), default=0
        The zero padding of the forward pass.

    Returns
    -------
    grad_x : ndarray of shape (N, C_in, H, W)
        $\partial L / \partial x$.
    grad_weight : ndarray of shape (C_out, C_in, kH, kW)
        $\partial L / \partial w$.
    grad_bias : ndarray of shape (C_out,)
        $\partial L / \partial b$ (whether or not the forward pass used a bias).

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; the channel counts disagree; an option is out of range; the kernel is
        larger than the padded input; `grad_out` does not have the shape of the
        forward output; or a gradient exceeds the float64 range (about 1.8e+308).
        Sums that overflow only on the way are computed on inputs scaled by powers
        of two, so every representable gradient is returned.
    TypeError
        If an array does not hold real numbers or an option is not an int or pair.

    See Also
    --------
    conv2d : The forward pass.

    max_pool2d_backward : The backward pass of the pooling layer.

    Notes
    -----
    With $\tilde x$ the zero-padded input and $g = \partial L / \partial y$, each output
    $y_{n,o,i,j}$ is a sum of products $w_{o,c,u,v}\,\tilde x_{n,c,s_h i+u,s_w j+v}$, so

    $$\frac{\partial L}{\partial b_o} = \sum_{n,i,j} g_{n,o,i,j}, \qquad
      \frac{\partial L}{\partial w_{o,c,u,v}} = \sum_{n,i,j} g_{n,o,i,j}\,
      \tilde x_{n,\,c,\,s_h i + u,\,s_w j + v},$$

    $$\frac{\partial L}{\partial \tilde x_{n,c,\,s_h i + u,\,s_w j + v}}
      \mathrel{+}= \sum_{o} g_{n,o,i,j}\, w_{o,c,u,v}.$$

    The weight gradient is a correlation of the input with $g$ (one ``einsum`` over the
    same window view the forward pass uses). For the input, every output pixel sends
    its gradient, weighted by the kernel, back to the window it was computed from;
    overlapping windows add up, which ``np.add.at`` does without a Python loop. This
    scatter equals a transposed convolution with the kernel flipped. Finally the padding
    border is cut off, and rows or columns that no window reached keep gradient 0.

    Examples
    --------
    One 3 × 3 input, a 2 × 2 kernel and the loss $L = \sum y$ (so $g = 1$): the bias
    gradient counts the 4 outputs, each weight sees the sum of its 4 input positions
    ($0 + 1 + 3 + 4 = 8$ for $w_{0,0}$), and the centre pixel, inside all 4 windows,
    collects $0 + 1 + 2 + 3 = 6$.

    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> w = np.arange(4.0).reshape(1, 1, 2, 2)
    >>> gx, gw, gb = conv2d_backward(x, w, np.ones((1, 1, 2, 2)))
    >>> gx[0, 0].tolist()
    [[0.0, 1.0, 1.0], [2.0, 6.0, 4.0], [2.0, 5.0, 3.0]]
    >>> gw[0, 0].tolist(), gb.tolist()
    ([[8.0, 12.0], [20.0, 24.0]], [4.0])

    With stride 2 and no padding, the last row and column of a 3 × 3 input are never
    read by a 2 × 2 window, so their gradient is 0:

    >>> conv2d_backward(x, w, np.ones((1, 1, 1, 1)), stride=2)[0][0, 0].tolist()
    [[0.0, 1.0, 0.0], [2.0, 3.0, 0.0], [0.0, 0.0, 0.0]]
    """
    x, weight = _as_conv_operands(x, weight)
    s_h, s_w = as_pair(stride, "stride", minimum=1)
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    k_h, k_w = weight.shape[2:]
    check_window_fits(x.shape, (k_h, k_w), (p_h, p_w))
    h_out = conv2d_output_size(x.shape[2], k_h, stride=s_h, padding=p_h)
    w_out = conv2d_output_size(x.shape[3], k_w, stride=s_w, padding=p_w)
    grad_out = as_float_array(grad_out, "grad_out", ndim=4, layout="(N, C_out, H_out, W_out)")
    expected = (x.shape[0], weight.shape[0], h_out, w_out)
    check_shape(grad_out, expected, "grad_out", "(N, C_out, H_out, W_out)")

    def gradients(x, weight, grad_out):
        x_padded = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
        windows = sliding_window_view(x_padded, (k_h, k_w), axis=(2, 3))[:, :, ::s_h, ::s_w]
        # dL/db[o] = sum over n, i, j of g[n, o, i, j]
        grad_bias = grad_out.sum(axis=(0, 2, 3))
        # dL/dw[o, c, u, v] = sum over n, i, j of g[n, o, i, j] * windows[n, c, i, j, u, v]
        grad_weight = np.einsum("noij,ncijuv->ocuv", grad_out, windows, optimize=True)
        # each window (n, c, i, j) receives sum over o of g[n, o, i, j] * w[o, c, u, v] ...
        to_windows = np.einsum("noij,ocuv->ncijuv", grad_out, weight, optimize=True)
        # ... at padded pixel (s_h i + u, s_w j + v); overlapping windows accumulate
        rows = s_h * np.arange(h_out)[:, None] + np.arange(k_h)  # (H_out, kH)
        cols = s_w * np.arange(w_out)[:, None] + np.arange(k_w)  # (W_out, kW)
        grad_padded = np.zeros_like(x_padded)
        index = (slice(None), slice(None), rows[:, None, :, None], cols[None, :, None, :])
        np.add.at(grad_padded, index, to_windows)
        grad_x = grad_padded[:, :, p_h : p_h + x.shape[2], p_w : p_w + x.shape[3]].copy()
        return grad_x, grad_weight, grad_bias

    # finite inputs near the float range can overflow the sums; redone scaled just below
    with np.errstate(over="ignore", invalid="ignore"):
        grads = gradients(x, weight, grad_out)
    if all(np.all(np.isfinite(g)) for g in grads):
        return grads
    # each gradient is a sum of products of two of x, weight and grad_out: divide all
    # three by powers of two near their largest magnitudes (exact) and scale back
    e_x, e_w, e_g = max_exponent(x), max_exponent(weight), max_exponent(grad_out)
    grad_x, grad_weight, grad_bias = gradients(
        np.ldexp(x, -e_x), np.ldexp(weight, -e_w), np.ldexp(grad_out, -e_g)
    )
    grad_x = unscale_or_refuse(grad_x, e_g + e_w, "the input gradient")
    grad_weight = unscale_or_refuse(grad_weight, e_g + e_x, "the weight gradient")
    grad_bias = unscale_or_refuse(grad_bias, e_g, "the bias gradient")
    return grad_x, grad_weight, grad_bias


def max_pool2d_backward(x, grad_out, kernel_size, *, stride=None):
    r"""Gradient of ``max_pool2d`` with respect to its input: each window's max gets it all.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        The finite input of the forward pass.
    grad_out : array_like of shape (N, C, H_out, W_out)
        The finite gradient of the loss with respect to the pooled output.
    kernel_size : int or (int, int)
        The window size of the forward pass.
    stride : int or (int, int), optional
        The stride of the forward pass. Default: `kernel_size`.

    Returns
    -------
    ndarray of shape (N, C, H, W)
        $\partial L / \partial x$: zero except at the positions that were a window's
        maximum.

    Raises
    ------
    ValueError
        If an array is not 4-D, is empty or holds NaN or infinity; a size is out of
        range; the window is larger than the input; or `grad_out` does not have the
        shape of the pooled output.
    TypeError
        If an array does not hold real numbers or a size is not an int or pair.

    See Also
    --------
    max_pool2d : The forward pass.

    conv2d_backward : The backward pass of the convolution.

    Notes
    -----
    For each window, the output is $y_{n,c,i,j} = x_{n,c,r,q}$ where $(r, q)$ is the
    position of the window's maximum, so

    $$\frac{\partial L}{\partial x_{n,c,r,q}} = \sum_{(i,j):\ (r,q) = \operatorname{argmax}
      \text{ of window } (i,j)} g_{n,c,i,j}.$$

    The other entries of the window get nothing: nudging them does not change the
    maximum. Where windows overlap (stride smaller than the window), one input can be
    the maximum of several windows and collects all their gradients. **Ties:** when a
    window holds its maximum more than once, the whole gradient goes to the first one
    in row-major order (top row first, then left to right), as in PyTorch. Strictly,
    the maximum is not differentiable at a tie; this is the usual convention.

    Examples
    --------
    The maxima of the two 2 × 2 windows are 4 (bottom left of the first) and 8 (top
    right of the second); they receive the gradients 10 and 20:

    >>> x = np.array([[[[1.0, 2.0, 5.0, 8.0], [4.0, 3.0, 6.0, 7.0]]]])
    >>> max_pool2d_backward(x, [[[[10.0, 20.0]]]], 2).tolist()
    [[[[0.0, 0.0, 0.0, 20.0], [10.0, 0.0, 0.0, 0.0]]]]

    A tie goes to the first maximum; with overlapping windows (stride 1) the 3 in the
    middle is the maximum of both and collects $1 + 1$:

    >>> max_pool2d_backward([[[[3.0, 3.0], [0.0, 0.0]]]], [[[[1.0]]]], 2).tolist()
    [[[[1.0, 0.0], [0.0, 0.0]]]]
    >>> max_pool2d_backward([[[[1.0, 3.0, 2.0]]]], [[[[1.0, 1.0]]]], (1, 2), stride=1).tolist()
    [[[[0.0, 2.0, 0.0]]]]
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C, H, W)")
    k_h, k_w = as_pair(kernel_size, "kernel_size", minimum=1)
    s_h, s_w = (k_h, k_w) if stride is None else as_pair(stride, "stride", minimum=1)
    check_window_fits(x.shape, (k_h, k_w), (0, 0))
    windows = sliding_window_view(x, (k_h, k_w), axis=(2, 3))[:, :, ::s_h, ::s_w]
    n, c, h_out, w_out = windows.shape[:4]
    grad_out = as_float_array(grad_out, "grad_out", ndim=4, layout="(N, C, H_out, W_out)")
    check_shape(grad_out, (n, c, h_out, w_out), "grad_out", "(N, C, H_out, W_out)")

    # argmax returns the first maximum in row-major order: PyTorch's tie rule
    first_max = windows.reshape(n, c, h_out, w_out, k_h * k_w).argmax(axis=-1)
    u, v = np.divmod(first_max, k_w)
    rows = s_h * np.arange(h_out)[:, None] + u  # input row of each window's maximum
    cols = s_w * np.arange(w_out)[None, :] + v
    batch, channel = np.indices((n, c))[..., None, None]
    grad_x = np.zeros_like(x)
    np.add.at(grad_x, (batch, channel, rows, cols), grad_out)  # overlapping windows add up
    return grad_x


def global_avg_pool2d(x, *, keepdims=False):
    r"""Global average pooling: the mean of each whole feature map, one number per channel.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        Finite feature maps.
    keepdims : bool, default=False
        Return shape ``(N, C, 1, 1)``, like PyTorch's ``adaptive_avg_pool2d(x, 1)``,
        instead of ``(N, C)``, like Keras's ``GlobalAveragePooling2D``.

    Returns
    -------
    ndarray of shape (N, C), or (N, C, 1, 1) with ``keepdims=True``
        $\frac{1}{HW} \sum_{i,j} x_{n,c,i,j}$ for each image and channel.

    Raises
    ------
    ValueError
        If `x` is not 4-D, is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers or `keepdims` is not a bool.

    See Also
    --------
    avg_pool2d : Average pooling over small windows; this is one window as large as the map.

    Notes
    -----
    $$y_{n,c} = \frac{1}{H W} \sum_{i=1}^{H} \sum_{j=1}^{W} x_{n,c,i,j}.$$

    It has no weights and accepts any height and width, so a network that ends in
    global average pooling and a linear layer classifies images of any size. It is
    ``avg_pool2d`` with the window set to the whole map, and so shares its guard
    against overflow: a map of values near the float maximum still has a finite mean.

    References
    ----------
    M. Lin, Q. Chen and S. Yan, "Network In Network", ICLR 2014, arXiv:1312.4400.

    Examples
    --------
    Two channels of a 2 × 2 map: $(0 + 1 + 2 + 3) / 4 = 1.5$ and
    $(4 + 5 + 6 + 7) / 4 = 5.5$.

    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> global_avg_pool2d(x).tolist()
    [[1.5, 5.5]]
    >>> global_avg_pool2d(x, keepdims=True).shape
    (1, 2, 1, 1)
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C, H, W)")
    keepdims = check_bool(keepdims, "keepdims")
    pooled = avg_pool2d(x, x.shape[2:])  # one window covering the whole map
    return pooled if keepdims else pooled[:, :, 0, 0].copy()


def depthwise_separable_conv2d(
    x,
    depthwise_weight,
    pointwise_weight,
    depthwise_bias=None,
    pointwise_bias=None,
    *,
    stride=1,
    padding=0,
    dilation=1,
):
    r"""Depthwise separable convolution: a per-channel spatial filter, then a 1 × 1 mix of channels.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        Finite input images.
    depthwise_weight : array_like of shape (C_in * M, 1, kH, kW)
        One or more ($M$, the depth multiplier) finite spatial kernels per input
        channel; kernels ``c * M`` to ``c * M + M - 1`` read channel ``c``.
    pointwise_weight : array_like of shape (C_out, C_in * M, 1, 1)
        The finite 1 × 1 kernels that mix the depthwise outputs.
    depthwise_bias : array_like of shape (C_in * M,), optional
        Bias of the depthwise step. Default: none.
    pointwise_bias : array_like of shape (C_out,), optional
        Bias of the pointwise step. Default: none.
    stride, padding, dilation : int or (int, int), default=1, 0, 1
        Options of the depthwise step, as in ``conv2d``.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        With ``H_out = conv2d_output_size(H, kH, stride=..., padding=...,
        dilation=...)``.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; `depthwise_weight` does not have one input channel and a multiple
        of `C_in` kernels; `pointwise_weight` is not 1 × 1 or does not read
        ``C_in * M`` channels; an option is out of range; the kernel is larger than
        the padded input; or an output exceeds the float64 range.
    TypeError
        If an array does not hold real numbers or an option is not an int or pair.

    See Also
    --------
    conv2d : Both steps, through its ``groups`` argument.

    Notes
    -----
    The depthwise step is ``conv2d(x, depthwise_weight, groups=C_in)``: every channel
    is filtered on its own. The pointwise step is ``conv2d`` with 1 × 1 kernels, a
    linear map across channels at every pixel. Together they stand in for one
    convolution with a $(C_\text{out}, C_\text{in}, k_H, k_W)$ weight, with far fewer
    weights and multiplications. With $M = 1$ the weight counts are

    $$\underbrace{C_\text{in} k_H k_W}_\text{depthwise}
      + \underbrace{C_\text{in} C_\text{out}}_\text{pointwise}
      \quad\text{instead of}\quad C_\text{out} C_\text{in} k_H k_W,$$

    a ratio of $1 / C_\text{out} + 1 / (k_H k_W)$: about 1/8 for 3 × 3 kernels and
    64 output channels. Networks usually put a normalisation and an activation
    between the two steps (MobileNet) or none (Xception); this function composes the
    two linear steps only.

    References
    ----------
    F. Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions",
    CVPR 2017, arXiv:1610.02357.

    A. G. Howard et al., "MobileNets: Efficient Convolutional Neural Networks for
    Mobile Vision Applications", arXiv:1704.04861 (2017).

    Examples
    --------
    Two 3 × 3 channels holding 1 and 2. Kernels of ones sum each channel to 9 and 18;
    the pointwise step forms their sum 27 and difference $-9$:

    >>> x = np.stack([np.ones((3, 3)), np.full((3, 3), 2.0)])[np.newaxis]
    >>> depthwise = np.ones((2, 1, 3, 3))
    >>> pointwise = np.array([[1.0, 1.0], [1.0, -1.0]]).reshape(2, 2, 1, 1)
    >>> depthwise_separable_conv2d(x, depthwise, pointwise).tolist()
    [[[[27.0]], [[-9.0]]]]

    The weights it saves with 64 channels in and out and 3 × 3 kernels:

    >>> 64 * 3 * 3 + 64 * 64, 64 * 64 * 3 * 3
    (4672, 36864)
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C_in, H, W)")
    depthwise_weight = as_float_array(
        depthwise_weight, "depthwise_weight", ndim=4, layout="(C_in * M, 1, kH, kW)"
    )
    pointwise_weight = as_float_array(
        pointwise_weight, "pointwise_weight", ndim=4, layout="(C_out, C_in * M, 1, 1)"
    )
    c_in, (c_mid, one) = x.shape[1], depthwise_weight.shape[:2]
    if one != 1 or c_mid % c_in:
        raise ValueError(
            f"depthwise_weight must have shape (C_in * M, 1, kH, kW) with C_in = {c_in}; "
            f"got {depthwise_weight.shape}."
        )
    if pointwise_weight.shape[1:] != (c_mid, 1, 1):
        raise ValueError(
            f"pointwise_weight must have shape (C_out, {c_mid}, 1, 1), 1 x 1 kernels over "
            f"the {c_mid} depthwise outputs; got {pointwise_weight.shape}."
        )
    z = conv2d(
        x,
        depthwise_weight,
        depthwise_bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=c_in,
    )
    return conv2d(z, pointwise_weight, pointwise_bias)


def conv_transpose2d(x, weight, bias=None, *, stride=1, padding=0, output_padding=0, dilation=1):
    r"""Transposed convolution: each input pixel adds a scaled kernel copy to a larger output.

    Parameters
    ----------
    x : array_like of shape (N, C_in, H, W)
        Finite input images.
    weight : array_like of shape (C_in, C_out, kH, kW)
        Finite kernels, in PyTorch's layout for ``conv_transpose2d`` (input channels
        first, the transpose of ``conv2d``'s).
    bias : array_like of shape (C_out,), optional
        Added to every output pixel of each channel. Default: no bias.
    stride : int or (int, int), default=1
        Distance in the output between the copies placed by neighbouring input pixels.
    padding : int or (int, int), default=0
        Rows and columns cut from each side of the full output (the padding of the
        ``conv2d`` this transposes).
    output_padding : int or (int, int), default=0
        Extra rows and columns kept at the bottom and right, smaller than `stride` or
        `dilation`, to pick one of the input sizes a strided ``conv2d`` maps to the
        same output size.
    dilation : int or (int, int), default=1
        Spacing between the kernel's taps.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        With $H_\text{out} = (H - 1) s - 2p + d (k_H - 1) + p_\text{out} + 1$ and
        likewise for $W_\text{out}$.

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, is empty or holds NaN or
        infinity; the channel counts disagree; an option is out of range;
        `output_padding` is not smaller than the stride or the dilation; the padding
        leaves no output; or an output exceeds the float64 range.
    TypeError
        If an array does not hold real numbers or an option is not an int or pair.

    See Also
    --------
    conv2d : The convolution whose transpose (gradient with respect to its input)
        this is.

    conv2d_backward : Its input gradient is this function applied to the output
        gradient.

    Notes
    -----
    Each input pixel $(i, j)$ adds $x_{n,c,i,j}\, w_{c,o,u,v}$ at position
    $(s_h i + d_h u,\ s_w j + d_w v)$ of a full output, where overlapping copies add up:

    $$\begin{aligned} \hat y_{n,o,\,s_h i + d_h u,\,s_w j + d_w v}
      \mathrel{+}= \sum_{c} x_{n,c,i,j}\, w_{c,o,u,v}, \end{aligned}$$

    then `padding` rows and columns are cut from each side and $b_o$ is added. This
    is the transpose (adjoint) of the linear map ``conv2d`` with the same weight array
    and options, which ``conv2d`` reads as a map from ``weight.shape[1]`` to
    ``weight.shape[0]`` channels: $\langle \operatorname{conv2d}(z), x \rangle =
    \langle z, \operatorname{conv\_transpose2d}(x) \rangle$ for all $z$ and $x$ (no
    bias). With stride $s > 1$ it upsamples about $s$ times, which is
    why decoders, U-Nets and GAN generators use it. It is **not** the inverse of a
    convolution; it restores the shape, not the values. When the kernel size is not
    a multiple of the stride, the copies overlap unevenly, a known source of
    checkerboard artefacts. The scatter is one ``einsum`` and one ``np.add.at``, with
    no loop over pixels.

    References
    ----------
    V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep
    learning", arXiv:1603.07285 (2016), chapter 4.

    A. Odena, V. Dumoulin and C. Olah, "Deconvolution and Checkerboard Artifacts",
    Distill (2016). https://distill.pub/2016/deconv-checkerboard/

    Examples
    --------
    A 2 × 2 input and a 2 × 2 kernel of ones. With stride 1 the four copies overlap
    in the middle, $1 + 2 + 3 + 4 = 10$; with stride 2 they tile a 4 × 4 output:

    >>> x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    >>> w = np.ones((1, 1, 2, 2))
    >>> conv_transpose2d(x, w).tolist()
    [[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]]
    >>> conv_transpose2d(x, w, stride=2).tolist()
    [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]]]

    A stride-2 ``conv2d`` with a 3 × 3 kernel and padding 1 sends both 7 × 7 and
    8 × 8 inputs to 4 × 4; `output_padding` chooses which one comes back:

    >>> y = np.ones((1, 1, 4, 4))
    >>> k = np.ones((1, 1, 3, 3))
    >>> conv_transpose2d(y, k, stride=2, padding=1).shape
    (1, 1, 7, 7)
    >>> conv_transpose2d(y, k, stride=2, padding=1, output_padding=1).shape
    (1, 1, 8, 8)
    """
    x = as_float_array(x, "x", ndim=4, layout="(N, C_in, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, layout="(C_in, C_out, kH, kW)")
    if weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"weight must have shape (C_in, C_out, kH, kW) with C_in = {x.shape[1]}, the "
            f"channels of x; got weight of shape {weight.shape} for x of shape {x.shape}."
        )
    c_out, k_h, k_w = weight.shape[1:]
    bias = np.zeros(c_out) if bias is None else as_vector(bias, "bias", c_out)
    s_h, s_w = as_pair(stride, "stride", minimum=1)
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    o_h, o_w = as_pair(output_padding, "output_padding", minimum=0)
    d_h, d_w = as_pair(dilation, "dilation", minimum=1)
    for axis, o, s, d in (("height", o_h, s_h, d_h), ("width", o_w, s_w, d_w)):
        if o >= max(s, d):
            raise ValueError(
                f"output_padding must be smaller than the stride or the dilation along the "
                f"{axis}, {max(s, d)}; got {o}."
            )
    n, _, h, w = x.shape
    full_h = (h - 1) * s_h + d_h * (k_h - 1) + 1 + o_h
    full_w = (w - 1) * s_w + d_w * (k_w - 1) + 1 + o_w
    h_out, w_out = full_h - 2 * p_h, full_w - 2 * p_w
    if h_out < 1 or w_out < 1:
        raise ValueError(
            f"padding must leave at least one output pixel; got an output of "
            f"{h_out} x {w_out} for x of shape {x.shape}, a {k_h} x {k_w} kernel and "
            f"padding {(p_h, p_w)}. Lower the padding."
        )
    rows = s_h * np.arange(h)[:, None] + d_h * np.arange(k_h)  # (H, kH): output rows
    cols = s_w * np.arange(w)[:, None] + d_w * np.arange(k_w)  # (W, kW)
    where = (slice(None), slice(None), rows[:, None, :, None], cols[None, :, None, :])

    def scatter(x, weight):
        # copies[n, o, i, j, u, v] = sum over c of x[n, c, i, j] * w[c, o, u, v]
        copies = np.einsum("ncij,couv->noijuv", x, weight, optimize=True)
        full = np.zeros((n, c_out, full_h, full_w))
        np.add.at(full, where, copies)  # overlapping copies add up
        return full[:, :, p_h : p_h + h_out, p_w : p_w + w_out]

    return _bilinear_scaled(scatter, x, weight, bias, "the transposed convolution output")


def receptive_field(kernel_sizes, strides=None, dilations=None):
    r"""Receptive field of stacked convolution or pooling layers along one axis.

    Parameters
    ----------
    kernel_sizes : sequence of int
        Kernel size $k_l \ge 1$ of each layer, first layer first. Pooling layers count
        too, with their window size.
    strides : sequence of int, optional
        Stride $s_l \ge 1$ of each layer, the same length as `kernel_sizes`.
        Default: 1 for every layer.
    dilations : sequence of int, optional
        Dilation $d_l \ge 1$ of each layer, the same length as `kernel_sizes`.
        Default: 1 for every layer.

    Returns
    -------
    int
        How many input pixels along the axis one unit of the last layer depends on.

    Raises
    ------
    ValueError
        If `kernel_sizes` is empty, a size is below 1, or `strides` or `dilations`
        has a different length.
    TypeError
        If a size is not an int or the sizes are not a sequence.

    See Also
    --------
    conv2d_output_size : The output size of one layer.

    Notes
    -----
    A unit of layer $L$ sees $k_L$ units of layer $L - 1$; neighbouring units of layer
    $l$ are $\prod_{m \le l} s_m$ input pixels apart (the "jump"). A kernel with
    dilation $d_l$ spans $d_l (k_l - 1) + 1$ units of the layer below. Each layer
    therefore widens the field by $(k_l - 1) d_l$ jumps of the layers below it:

    $$r_L = 1 + \sum_{l=1}^{L} (k_l - 1)\, d_l \prod_{m=1}^{l-1} s_m.$$

    This is the span from the first to the last input pixel the unit depends on; a
    stride or dilation larger than 1 can skip some pixels inside it (the gaps of a
    dilated layer are filled when the layers under it see enough neighbours). Padding shifts
    the field but does not change its size. The sum is computed with Python ints, so
    it never overflows. For a $k_H \times k_W$ field, call it once per axis.

    References
    ----------
    V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep
    learning", arXiv:1603.07285 (2016).

    Examples
    --------
    Two stacked 3 × 3 convolutions see 5 × 5 pixels, three see 7 × 7:
    $1 + 2 + 2 + 2 = 7$.

    >>> receptive_field([3, 3])
    5
    >>> receptive_field([3, 3, 3])
    7

    After a stride-2 pooling layer, each later pixel is 2 input pixels apart, so a
    3 × 3 convolution on top adds $2 \cdot 2 = 4$: $1 + 2 + 1 + 4 = 8$.

    >>> receptive_field([3, 2, 3], [1, 2, 1])
    8

    Dilations 1, 2, 4 of three 3 × 3 convolutions double the growth at every layer,
    $1 + 2 + 4 + 8 = 15$, with no stride and no lost resolution:

    >>> receptive_field([3, 3, 3], dilations=[1, 2, 4])
    15
    """
    kernels = _as_sizes(kernel_sizes, "kernel_sizes")
    per_layer = []
    for values, name in ((strides, "strides"), (dilations, "dilations")):
        values = [1] * len(kernels) if values is None else _as_sizes(values, name)
        if len(values) != len(kernels):
            raise ValueError(
                f"{name} must have one entry per layer, {len(kernels)}; got {len(values)}."
            )
        per_layer.append(values)
    field, jump = 1, 1
    for k, s, d in zip(kernels, *per_layer, strict=True):  # one iteration per layer
        field += (k - 1) * d * jump  # r_l = r_{l-1} + (k_l - 1) d_l prod_{m<l} s_m
        jump *= s
    return field


def _as_sizes(values, name: str) -> list[int]:
    """Return a non-empty sequence of ints >= 1 as a list of Python ints."""
    if isinstance(values, str) or not isinstance(values, list | tuple | np.ndarray):
        raise TypeError(f"{name} must be a sequence of ints; got {values!r}.")
    shape = as_array(values, name).shape
    if len(shape) != 1:
        raise ValueError(f"{name} must be a flat sequence of ints; got shape {shape}.")
    if len(values) == 0:
        raise ValueError(f"{name} must name at least one layer; got an empty sequence.")
    return [check_int(v, f"{name}[{i}]", minimum=1) for i, v in enumerate(values)]
