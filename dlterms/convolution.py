"""Convolution and pooling: the layers, their output sizes and their backward passes.

:func:`conv2d` (with its gradient :func:`conv2d_backward` and the size formula
:func:`conv2d_output_size`), :func:`max_pool2d` and :func:`avg_pool2d`, then padding,
true (flipped) convolution, a whole convolutional layer and receptive fields. Image
tensors use PyTorch's NCHW layout: (batch, channels, height, width).
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
    "convolve2d_true",
    "max_pool2d",
    "max_pool2d_backward",
    "pad2d",
    "receptive_field",
]


def _as_conv_operands(x, weight):
    """Validate an NCHW input and an (C_out, C_in, kH, kW) weight with matching channels."""
    x = as_float_array(x, "x", ndim=4, layout="(N, C_in, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, layout="(C_out, C_in, kH, kW)")
    if weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight must have as many input channels as x, {x.shape[1]}; "
            f"got weight of shape {weight.shape} for x of shape {x.shape}."
        )
    return x, weight


def _correlate(x, weight, bias, stride, padding):
    """conv2d on validated arrays: y[n, o, i, j], scaled by powers of two on overflow."""
    (s_h, s_w), (p_h, p_w) = stride, padding
    k_h, k_w = weight.shape[2:]

    def contract(x, weight):
        x_padded = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))
        # windows[n, c, i, j] is the k_h x k_w patch under output pixel (i, j)
        windows = sliding_window_view(x_padded, (k_h, k_w), axis=(2, 3))[:, :, ::s_h, ::s_w]
        # y[n, o, i, j] = sum over c, u, v of windows[n, c, i, j, u, v] * weight[o, c, u, v]
        return np.einsum("ncijuv,ocuv->noij", windows, weight, optimize=True)

    # finite inputs near the float range can overflow the sums; redone scaled just below
    with np.errstate(over="ignore", invalid="ignore"):
        y = contract(x, weight) + bias[:, np.newaxis, np.newaxis]
    if np.all(np.isfinite(y)):
        return y
    # divide x and weight by powers of two near their largest magnitudes (exact), so
    # every product is below 1 in magnitude; bring the bias to the same scale
    e_x, e_w, e_b = max_exponent(x), max_exponent(weight), max_exponent(bias)
    e = max(e_x + e_w, e_b)
    y = np.ldexp(contract(np.ldexp(x, -e_x), np.ldexp(weight, -e_w)), e_x + e_w - e)
    y += np.ldexp(bias, -e)[:, np.newaxis, np.newaxis]
    return unscale_or_refuse(y, e, "the convolution output")


def conv2d_output_size(input_size, kernel_size, *, stride=1, padding=0):
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
        kernel is larger than the padded input. Also if an output exceeds the float64
        range (about 1.8e+308); sums that overflow only on the way are computed on
        inputs scaled by powers of two, so every representable output is returned.
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
    x, weight = _as_conv_operands(x, weight)
    bias = np.zeros(weight.shape[0]) if bias is None else as_vector(bias, "bias", weight.shape[0])
    s_h, s_w = as_pair(stride, "stride", minimum=1)
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    k_h, k_w = weight.shape[2:]
    check_window_fits(x.shape, (k_h, k_w), (p_h, p_w))

    return _correlate(x, weight, bias, (s_h, s_w), (p_h, p_w))


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
    activation : {"relu", "leaky_relu", "linear", "sigmoid", "tanh"}, default="relu"
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


def receptive_field(kernel_sizes, strides=None):
    r"""Stride, kernel size and padding of stacked layers: their receptive field along one axis.

    Parameters
    ----------
    kernel_sizes : sequence of int
        Kernel size $k_l \ge 1$ of each layer, first layer first. Pooling layers count
        too, with their window size.
    strides : sequence of int, optional
        Stride $s_l \ge 1$ of each layer, the same length as `kernel_sizes`.
        Default: 1 for every layer.

    Returns
    -------
    int
        How many input pixels along the axis one unit of the last layer depends on.

    Raises
    ------
    ValueError
        If `kernel_sizes` is empty, a size is below 1, or `strides` has a different
        length.
    TypeError
        If a size is not an int or the sizes are not a sequence.

    See Also
    --------
    conv2d_output_size : The output size of one layer.

    Notes
    -----
    A unit of layer $L$ sees $k_L$ units of layer $L - 1$; neighbouring units of layer
    $l$ are $\prod_{m \le l} s_m$ input pixels apart (the "jump"). Each layer therefore
    widens the field by $k_l - 1$ jumps of the layers below it:

    $$r_L = 1 + \sum_{l=1}^{L} (k_l - 1) \prod_{m=1}^{l-1} s_m.$$

    This is the span from the first to the last input pixel the unit depends on; a
    stride larger than its kernel skips some pixels inside it. Padding shifts the field
    but does not change its size, and dilation is not covered. The sum is computed with
    Python ints, so it never overflows. For a $k_H \times k_W$ field, call it once per
    axis.

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
    """
    kernels = _as_sizes(kernel_sizes, "kernel_sizes")
    steps = [1] * len(kernels) if strides is None else _as_sizes(strides, "strides")
    if len(steps) != len(kernels):
        raise ValueError(
            f"strides must have one entry per layer, {len(kernels)}; got {len(steps)}."
        )
    field, jump = 1, 1
    for k, s in zip(kernels, steps, strict=True):  # one iteration per layer
        field += (k - 1) * jump  # r_l = r_{l-1} + (k_l - 1) * prod_{m<l} s_m
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
