"""Transformer blocks: positions, layer norm, RMSNorm, feed-forward, encoder block, ViT, MoE.

Sequences are ``(n, T, d_model)`` (batch first) or ``(T, d_model)``. Weights are stored
so that products read ``x @ w``, as in :func:`dlterms.dense`; PyTorch's ``nn.Linear``
stores the transposes. The attention inside the encoder block is
:func:`dlterms.multi_head_attention`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_float_array,
    as_vector,
    check_bool,
    check_int,
    check_real,
    check_same_shape,
    check_shape,
    power_of_two_scale,
)
from dlterms.activations import apply_activation, softmax
from dlterms.attention import multi_head_attention

__all__ = [
    "feed_forward",
    "layer_norm",
    "layer_norm_grad",
    "mixture_of_experts",
    "patch_embedding",
    "rms_norm",
    "rotary_embedding",
    "sinusoidal_positional_encoding",
    "transformer_encoder_block",
]


class LayerNormGradients(NamedTuple):
    """Gradients returned by :func:`layer_norm_grad`."""

    x: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray


# --------------------------------------------------------------------------- positions


def sinusoidal_positional_encoding(n_positions, d_model, *, base=10000.0):
    r"""Sinusoidal positional encoding: the fixed sine and cosine codes of the transformer.

    Parameters
    ----------
    n_positions : int
        Number of positions $T \ge 1$ (rows).
    d_model : int
        Width of each code, $d \ge 1$; usually the model width, so the codes can be
        added to the token embeddings.
    base : float, default=10000.0
        The wavelength scale; the wavelengths grow geometrically from $2\pi$ to about
        $2\pi \cdot$ `base`. Must be greater than 1.

    Returns
    -------
    ndarray of shape (n_positions, d_model)
        Row $p$ encodes position $p$; every entry is in $[-1, 1]$.

    Raises
    ------
    ValueError
        If a size is below 1 or `base` is not a finite number above 1.
    TypeError
        If a size is not an integer or `base` is not a number.

    See Also
    --------
    rotary_embedding : Encodes positions by rotating queries and keys instead.

    Notes
    -----
    For position $p$ and $i = 0, 1, \dots$:

    $$PE_{p,\,2i} = \sin\!\left(\frac{p}{b^{2i/d}}\right), \qquad
      PE_{p,\,2i+1} = \cos\!\left(\frac{p}{b^{2i/d}}\right), \qquad b = 10000.$$

    Each pair of columns is a clock hand turning at its own speed, so nearby
    positions get similar codes, and for every offset $k$, $PE_{p+k}$ is a fixed
    rotation of $PE_p$, which lets attention find relative positions. With an odd
    `d_model` the last column is a sine.

    References
    ----------
    A. Vaswani et al., "Attention is all you need", NeurIPS (2017), section 3.5.

    Examples
    --------
    Position 0 is $(\sin 0, \cos 0, \ldots) = (0, 1, 0, 1)$; position 1 has
    $\sin 1 = 0.8415$, $\cos 1 = 0.5403$ in its fastest pair and
    $\sin(1/100) = 0.01$, $\cos(1/100) = 0.99995$ in the next, since
    $10000^{2/4} = 100$.

    >>> sinusoidal_positional_encoding(2, 4).round(4).tolist()
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 1.0]]
    """
    n_positions = check_int(n_positions, "n_positions", minimum=1)
    d_model = check_int(d_model, "d_model", minimum=1)
    base = check_real(base, "base", low=1.0, closed="neither")
    # 1 / b^(2i/d) = exp(-(2i/d) ln b), one frequency per pair of columns
    frequencies = np.exp(-(2 * (np.arange(d_model) // 2) / d_model) * np.log(base))
    angles = np.arange(n_positions)[:, None] * frequencies
    return np.where(np.arange(d_model) % 2 == 0, np.sin(angles), np.cos(angles))


def rotary_embedding(x, *, positions=None, base=10000.0):
    r"""Rotary position embedding (RoPE): rotate each pair of features by a position angle.

    Parameters
    ----------
    x : array_like of shape (..., T, d)
        Finite queries or keys, `T` positions of even width `d`.
    positions : array_like of shape (T,), optional
        Finite position of each row. Default: ``0, 1, ..., T - 1``.
    base : float, default=10000.0
        Sets the rotation speeds $\theta_i = b^{-2i/d}$; must be above 1.

    Returns
    -------
    ndarray of shape (..., T, d)
        Features $(2i, 2i + 1)$ of row $m$ rotated by the angle $m \theta_i$; every
        row keeps its length.

    Raises
    ------
    ValueError
        If `x` is not at least 2-D, has an odd width, is empty or holds NaN or infinity;
        if `positions` does not have shape ``(T,)``; or if `base` is not above 1.
    TypeError
        If an array does not hold real numbers or `base` is not a number.

    See Also
    --------
    sinusoidal_positional_encoding : Adds position codes to the input instead.

    dlterms.scaled_dot_product_attention : Where the rotated queries and keys meet.

    Notes
    -----
    Reading the pair $(x_{2i}, x_{2i+1})$ as the complex number $x_{2i} + i\,x_{2i+1}$:

    $$\operatorname{RoPE}(x, m)_i = (x_{2i} + i\,x_{2i+1})\, e^{\mathrm{i} m \theta_i},
      \qquad \theta_i = b^{-2i/d}.$$

    Rotations preserve dot products up to their difference of angle, so
    $\langle \operatorname{RoPE}(q, m), \operatorname{RoPE}(k, n) \rangle$ depends on
    the positions only through $m - n$: attention scores see relative positions. This
    is the paper's interleaved pairing; many code bases (GPT-NeoX, Hugging Face's LLaMA)
    pair feature $j$ with $j + d/2$ instead ("rotate half"), which is the same idea
    on a permutation of the features, so weights are not interchangeable.

    References
    ----------
    J. Su et al., "RoFormer: enhanced transformer with rotary position embedding",
    Neurocomputing 568 (2024); arXiv:2104.09864 (2021).

    Examples
    --------
    With $d = 2$, $\theta_0 = 1$: position 0 is unchanged, and the vector $(1, 0)$ at
    position $\pi / 2$ turns a quarter circle to $(0, 1)$.

    >>> import numpy as np
    >>> rotary_embedding([[1.0, 0.0], [1.0, 0.0]], positions=[0.0, np.pi / 2]).round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    x = as_float_array(x, "x", min_ndim=2)
    length, d = x.shape[-2:]
    if d % 2:
        raise ValueError(f"x must have an even number of features to pair up; got {d}.")
    if positions is None:
        positions = np.arange(length, dtype=float)
    else:
        positions = as_vector(positions, "positions", length)
    base = check_real(base, "base", low=1.0, closed="neither")
    theta = np.exp(-(np.arange(0, d, 2) / d) * np.log(base))  # b^(-2i/d)
    angles = positions[:, None] * theta  # (T, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    # (x_2i + i x_2i+1) e^{i m theta_i}, written out in real and imaginary parts
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


# --------------------------------------------------------------------------- layer norm


def _layer_norm_parts(x, gamma, eps):
    """Validated x, gamma, and x_hat with its (scaled) std; never overflows."""
    x = as_float_array(x, "x", min_ndim=1)
    d = x.shape[-1]
    gamma = np.ones(d) if gamma is None else as_vector(gamma, "gamma", d)
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    # Divide by a power of two s >= 1 first: exact, and (x - mean)^2 cannot overflow.
    # x_hat is unchanged if eps is divided by s^2 too.
    s = np.maximum(power_of_two_scale(x, axis=-1), 1.0)[..., None]
    centred = x / s - (x / s).mean(axis=-1, keepdims=True)
    # eps / s / s, not eps / s**2: s**2 could overflow, and underflow to 0 is harmless
    std = np.sqrt((centred**2).mean(axis=-1, keepdims=True) + eps / s / s)
    return x, gamma, centred / std, s * std


def layer_norm(x, gamma=None, beta=None, *, eps=1e-5):
    r"""Layer normalisation in a transformer: standardise each vector, then scale and shift.

    Parameters
    ----------
    x : array_like of shape (..., d)
        Finite activations; every vector along the last axis is normalised on its own.
    gamma : array_like of shape (d,), optional
        Learned scale $\gamma$. Default: ones.
    beta : array_like of shape (d,), optional
        Learned shift $\beta$. Default: zeros.
    eps : float, default=1e-5
        Added to the variance, $\varepsilon > 0$, so a constant vector gives $\beta$
        rather than 0 / 0.

    Returns
    -------
    ndarray
        Same shape as `x`.

    Raises
    ------
    ValueError
        If `x` is 0-D, empty or holds NaN or infinity; if `gamma` or `beta` does not
        have shape ``(d,)``; or if `eps` is not positive.
    TypeError
        If an array does not hold real numbers or `eps` is not a number.

    See Also
    --------
    layer_norm_grad : Its gradients.

    rms_norm : Rescales without centring, as LLaMA-style models do.

    dlterms.batch_norm : Normalises each feature over the batch instead.

    dlterms.group_norm : Normalises groups of channels of an image.

    Notes
    -----
    Over the $d$ features of one vector:

    $$\mu = \frac1d \sum_j x_j, \quad \sigma^2 = \frac1d \sum_j (x_j - \mu)^2, \quad
      y_j = \gamma_j \frac{x_j - \mu}{\sqrt{\sigma^2 + \varepsilon}} + \beta_j.$$

    The statistics come from one example, so the layer behaves the same in training
    and inference and for any batch size, which is why transformers use it rather
    than batch normalisation. The variance is the biased one, as in PyTorch's
    ``layer_norm``. Each vector is first divided by a power of two near its largest
    entry (exact in floating point, with $\varepsilon$ divided by its square), so
    inputs up to the float limit neither overflow nor lose precision.

    References
    ----------
    J. L. Ba, J. R. Kiros and G. E. Hinton, "Layer normalization", arXiv:1607.06450
    (2016).

    Examples
    --------
    $(1, 3)$ has mean 2 and variance 1; $(1, 2, 3)$ has mean 2 and variance $2/3$, so
    $y_1 = -1 / \sqrt{2/3} = -1.2247$ (with $\varepsilon$ negligible).

    >>> layer_norm([[1.0, 3.0], [1.0, 2.0]], eps=1e-12).round(4).tolist()
    [[-1.0, 1.0], [-1.0, 1.0]]
    >>> layer_norm([1.0, 2.0, 3.0], gamma=[2.0, 2.0, 2.0], beta=[0.0, 1.0, 0.0]).round(4).tolist()
    [-2.4495, 1.0, 2.4495]
    >>> layer_norm([1e308, -1e308]).tolist()
    [1.0, -1.0]
    """
    x, gamma, x_hat, _ = _layer_norm_parts(x, gamma, eps)
    d = x.shape[-1]
    beta = np.zeros(d) if beta is None else as_vector(beta, "beta", d)
    return gamma * x_hat + beta


def layer_norm_grad(x, grad_output, gamma=None, *, eps=1e-5):
    r"""Gradients of a transformer's layer normalisation for its input, scale and shift.

    Parameters
    ----------
    x : array_like of shape (..., d)
        Finite input of the forward pass.
    grad_output : array_like
        Finite $\partial \ell / \partial y$, shaped like `x`.
    gamma : array_like of shape (d,), optional
        The scale of the forward pass. Default: ones.
    eps : float, default=1e-5
        As in the forward pass.

    Returns
    -------
    LayerNormGradients
        A named tuple ``(x, gamma, beta)``: the gradient for `x` (shaped like `x`) and
        those for $\gamma$ and $\beta$ (shape ``(d,)``, summed over all vectors).

    Raises
    ------
    ValueError
        As :func:`layer_norm`, or if `grad_output` does not have the shape of `x`.
    TypeError
        As :func:`layer_norm`.

    See Also
    --------
    layer_norm : The forward pass.

    dlterms.batch_norm : The same algebra with the mean taken over the batch.

    Notes
    -----
    With $\hat x = (x - \mu) / \tilde\sigma$, $\tilde\sigma = \sqrt{\sigma^2 +
    \varepsilon}$, $g = \partial \ell / \partial y$ and $\hat g = \gamma \odot g$:

    $$\frac{\partial \ell}{\partial \beta} = \sum g, \quad
      \frac{\partial \ell}{\partial \gamma} = \sum g \odot \hat x, \quad
      \frac{\partial \ell}{\partial x} = \frac{1}{\tilde\sigma}\Big(\hat g
      - \operatorname{mean}(\hat g) - \hat x \operatorname{mean}(\hat g \odot \hat x)\Big).$$

    The two subtracted means remove the parts of $\hat g$ that the normalisation
    cancels anyway: a shift of all features, and a change of their spread.

    Examples
    --------
    Shifting every input by the same amount never changes the output, so a gradient
    that asks for that gets nothing back; $\partial\ell/\partial\beta$ is $g$ itself.

    >>> g = layer_norm_grad([1.0, 3.0], [1.0, 1.0])
    >>> g.x.tolist(), g.beta.tolist(), g.gamma.round(4).tolist()
    ([0.0, 0.0], [1.0, 1.0], [-1.0, 1.0])
    """
    x, gamma, x_hat, std = _layer_norm_parts(x, gamma, eps)
    grad_output = as_float_array(grad_output, "grad_output")
    check_same_shape(x, grad_output, "x", "grad_output")
    lead = tuple(range(x.ndim - 1))
    g_hat = grad_output * gamma
    grad_x = (
        g_hat
        - g_hat.mean(axis=-1, keepdims=True)
        - x_hat * (g_hat * x_hat).mean(axis=-1, keepdims=True)
    ) / std
    grad_gamma = (grad_output * x_hat).sum(axis=lead)
    grad_beta = grad_output.sum(axis=lead)
    return LayerNormGradients(grad_x, grad_gamma, grad_beta)


def rms_norm(x, weight=None, *, eps=None):
    r"""RMSNorm: divide each vector by its root mean square, then scale; no centring, no shift.

    Parameters
    ----------
    x : array_like of shape (..., d)
        Finite activations; every vector along the last axis is normalised on its own.
    weight : array_like of shape (d,), optional
        Learned scale $\gamma$. Default: ones.
    eps : float, optional
        Added to the mean square, $\varepsilon > 0$. Default: the float64 machine
        epsilon, ``np.finfo(np.float64).eps`` $\approx 2.2 \times 10^{-16}$, which is
        what PyTorch's ``rms_norm`` uses for float64 input (``eps=None`` means
        ``torch.finfo(x.dtype).eps``: $1.19 \times 10^{-7}$ for float32).

    Returns
    -------
    ndarray
        Same shape as `x`.

    Raises
    ------
    ValueError
        If `x` is 0-D, empty or holds NaN or infinity; if `weight` does not have shape
        ``(d,)``; if `eps` is not positive; or if an output $\gamma_j \hat x_j$ exceeds
        the float64 range.
    TypeError
        If an array does not hold real numbers or `eps` is not a number.

    See Also
    --------
    layer_norm : Also subtracts the mean and adds a shift $\beta$.

    Notes
    -----
    Over the $d$ features of one vector:

    $$\operatorname{RMS}(x) = \sqrt{\frac1d \sum_j x_j^2 + \varepsilon}, \qquad
      y_j = \gamma_j\,\frac{x_j}{\operatorname{RMS}(x)}.$$

    Zhang and Sennrich found that the re-centring of layer normalisation can be dropped:
    rescaling alone stabilises training, and costs less. LLaMA, Mistral, Gemma and
    T5 use it (LLaMA before each sublayer, with $\varepsilon = 10^{-6}$ or $10^{-5}$ set
    explicitly). As in :func:`layer_norm`, each vector is first divided by a power of
    two near its largest entry (exact, with $\varepsilon$ divided by its square), so
    the squares never overflow. Every $|\hat x_j| \le \sqrt d$.

    References
    ----------
    B. Zhang and R. Sennrich, "Root mean square layer normalization", NeurIPS (2019).

    Examples
    --------
    $(3, 4)$ has mean square $(9 + 16) / 2 = 12.5$, so $\operatorname{RMS} =
    3.5355$ and $y = (0.8485, 1.1314)$; unlike layer norm, the mean is not removed:

    >>> rms_norm([3.0, 4.0]).round(4).tolist()
    [0.8485, 1.1314]
    >>> rms_norm([[1.0, 1.0], [-2.0, 2.0]], weight=[2.0, 0.5]).round(4).tolist()
    [[2.0, 0.5], [-2.0, 0.5]]
    >>> rms_norm([1e308, -1e308]).tolist()
    [1.0, -1.0]
    """
    x = as_float_array(x, "x", min_ndim=1)
    d = x.shape[-1]
    weight = np.ones(d) if weight is None else as_vector(weight, "weight", d)
    eps = np.finfo(np.float64).eps if eps is None else eps
    eps = check_real(eps, "eps", low=0.0, closed="neither")
    # x / s with s a power of two >= 1 is exact, and its squares cannot overflow;
    # x_hat is unchanged if eps is divided by s^2 too (eps / s / s: s**2 may overflow)
    s = np.maximum(power_of_two_scale(x, axis=-1), 1.0)[..., None]
    z = x / s
    x_hat = z / np.sqrt((z * z).mean(axis=-1, keepdims=True) + eps / s / s)
    # |x_hat| <= sqrt(d): the product overflows only where the exact output does
    with np.errstate(over="ignore"):
        y = weight * x_hat
    if not np.all(np.isfinite(y)):
        raise ValueError(
            "rms_norm's output overflows float64: weight * x_hat exceeds 1.8e+308 for "
            f"weight of largest magnitude {np.abs(weight).max():.3g}; rescale weight."
        )
    return y


# --------------------------------------------------------------------------- feed-forward


def _linear(x, w, b, name_w, name_b):
    """x @ w + b with w (d_in, d_out) checked against x's last axis."""
    w = as_float_array(w, name_w, ndim=2, layout="(d_in, d_out)")
    if w.shape[0] != x.shape[-1]:
        raise ValueError(
            f"{name_w} must have one row per input feature, {x.shape[-1]}; got shape {w.shape}."
        )
    b = np.zeros(w.shape[1]) if b is None else as_vector(b, name_b, w.shape[1])
    return x @ w + b


def _activation(activation):
    if activation == "softmax":
        raise ValueError("activation must be elementwise; got 'softmax'.")
    return activation


def feed_forward(x, w_1, b_1, w_2, b_2, *, activation="relu"):
    r"""Position-wise feed-forward network: the same two-layer MLP applied to every position.

    Parameters
    ----------
    x : array_like of shape (..., d_model)
        Finite inputs; every vector along the last axis (every position of every
        sequence) is transformed on its own.
    w_1 : array_like of shape (d_model, d_ff)
        Finite weights of the expanding layer; usually $d_{ff} = 4 d_\text{model}$.
    b_1 : array_like of shape (d_ff,) or None
        Its bias; None for zeros.
    w_2 : array_like of shape (d_ff, d_model)
        Finite weights of the projecting layer.
    b_2 : array_like of shape (d_model,) or None
        Its bias; None for zeros.
    activation : str, default="relu"
        An elementwise activation of :func:`dlterms.apply_activation`.

    Returns
    -------
    ndarray of shape (..., d_model)
        $\phi(x W_1 + b_1) W_2 + b_2$.

    Raises
    ------
    ValueError
        If a shape does not fit, an array is empty or holds NaN or infinity, or the
        activation is unknown or not elementwise.
    TypeError
        If an array does not hold real numbers or `activation` is not a string.

    See Also
    --------
    transformer_encoder_block : Where it follows the attention sublayer.

    mixture_of_experts : Several of these, with a router choosing among them.

    dlterms.dense : One layer of it.

    Notes
    -----
    $$\operatorname{FFN}(x) = \phi(x W_1 + b_1)\, W_2 + b_2.$$

    Attention moves information between positions; this sublayer then processes
    each position separately, with the same weights everywhere (a $1 \times 1$
    convolution over the sequence). It holds about two thirds of a transformer
    layer's parameters.

    References
    ----------
    A. Vaswani et al., "Attention is all you need", NeurIPS (2017), section 3.3.

    Examples
    --------
    $d_\text{model} = 1$, $d_{ff} = 2$: position $x = 2$ gives the hidden layer
    $\mathrm{ReLU}(2, -2) = (2, 0)$ and the output $2 \cdot 1 + 0 \cdot 1 = 2$;
    position $-1$ gives $(0, 1)$ and output 1: $|x|$.

    >>> feed_forward([[2.0], [-1.0]], [[1.0, -1.0]], None, [[1.0], [1.0]], None).tolist()
    [[2.0], [1.0]]
    """
    x = as_float_array(x, "x", min_ndim=1)
    hidden = apply_activation(_linear(x, w_1, b_1, "w_1", "b_1"), _activation(activation))
    return _linear(hidden, w_2, b_2, "w_2", "b_2")


# --------------------------------------------------------------------------- encoder block


def transformer_encoder_block(
    x,
    params,
    *,
    n_heads,
    norm_first=False,
    mask=None,
    causal=False,
    activation="relu",
    eps=1e-5,
):
    r"""One transformer encoder layer: self-attention and a feed-forward network, each
    wrapped in a residual connection and layer normalisation.

    Parameters
    ----------
    x : array_like of shape (n, T, d_model) or (T, d_model)
        Finite input sequences.
    params : mapping
        The attention weights of :func:`dlterms.multi_head_attention` (``w_q``, ``w_k``,
        ``w_v``, ``w_o``, all ``(d_model, d_model)``, and optional biases), the
        feed-forward weights ``w_1`` ``(d_model, d_ff)`` and ``w_2`` ``(d_ff, d_model)``
        with optional biases ``b_1``, ``b_2``, and optional layer-norm parameters
        ``gamma_1``, ``beta_1`` (before or after attention) and ``gamma_2``, ``beta_2``
        (before or after the feed-forward network), each ``(d_model,)``.
    n_heads : int
        Number of attention heads; it must divide `d_model`.
    norm_first : bool, default=False
        False: post-norm, as in the original transformer. True: pre-norm, as in GPT-2
        and most models since.
    mask : array_like of bool, optional
        Broadcastable to ``(n, T, T)``, True where a position may attend to another.
    causal : bool, default=False
        Hide later positions (a decoder-only block, without cross-attention).
    activation : str, default="relu"
        The feed-forward activation, an elementwise name of
        :func:`dlterms.apply_activation`.
    eps : float, default=1e-5
        The layer norms' $\varepsilon$.

    Returns
    -------
    ndarray of the shape of `x`
        The block's output, ready for the next block.

    Raises
    ------
    ValueError
        If a shape does not fit, an array is empty or holds NaN or infinity, a weight is
        missing, `n_heads` does not divide `d_model`, the mask leaves a position with
        nothing to attend to, or `eps` is not positive.
    TypeError
        If `params` is not a mapping, an array does not hold real numbers, `mask` is
        not boolean, or a flag is not a bool.

    See Also
    --------
    dlterms.multi_head_attention : The first sublayer.

    feed_forward : The second sublayer.

    layer_norm : The normalisation around each sublayer.

    Notes
    -----
    Post-norm (``norm_first=False``) and pre-norm (``norm_first=True``):

    $$h = \operatorname{LN}_1(x + \operatorname{MHA}(x)), \quad
      y = \operatorname{LN}_2(h + \operatorname{FFN}(h));$$

    $$h = x + \operatorname{MHA}(\operatorname{LN}_1(x)), \quad
      y = h + \operatorname{FFN}(\operatorname{LN}_2(h)).$$

    In the pre-norm form the residual path from input to output is a plain sum, which
    keeps gradients healthy in deep stacks and usually trains without a learning-rate
    warmup; the post-norm form normalises the output of every block. Both equal
    ``torch.nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0.0,
    batch_first=True, norm_first=...)`` holding the same weights (transposed). There is
    no dropout here.

    References
    ----------
    A. Vaswani et al., "Attention is all you need", NeurIPS (2017), section 3.1.
    R. Xiong et al., "On layer normalization in the transformer architecture", ICML
    (2020).

    Examples
    --------
    With all weights zero both sublayers output 0, so the pre-norm block passes its
    input through the residual connections unchanged, and the post-norm block returns
    the layer norm of its input, $(1, 3) \to (-1, 1)$.

    >>> import numpy as np
    >>> zero = np.zeros((2, 2))
    >>> params = {k: zero for k in ("w_q", "w_k", "w_v", "w_o", "w_1", "w_2")}
    >>> x = [[1.0, 3.0], [2.0, 2.0]]
    >>> transformer_encoder_block(x, params, n_heads=1, norm_first=True).tolist()
    [[1.0, 3.0], [2.0, 2.0]]
    >>> transformer_encoder_block(x, params, n_heads=1, eps=1e-12).round(4).tolist()
    [[-1.0, 1.0], [0.0, 0.0]]
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of weight names to arrays; got {params!r}.")
    norm_first = check_bool(norm_first, "norm_first")
    x = as_float_array(x, "x", ndim=(2, 3), layout="(n, T, d_model) or (T, d_model)")
    for name in ("w_1", "w_2"):
        if name not in params:
            raise ValueError(
                f"params must hold the feed-forward weights w_1 and w_2; got no {name}."
            )

    def norm(h, i):
        return layer_norm(h, params.get(f"gamma_{i}"), params.get(f"beta_{i}"), eps=eps)

    def attend(h):
        return multi_head_attention(h, h, h, params, n_heads=n_heads, mask=mask, causal=causal)

    def ffn(h):
        w_1, w_2 = params["w_1"], params["w_2"]
        return feed_forward(
            h, w_1, params.get("b_1"), w_2, params.get("b_2"), activation=activation
        )

    if norm_first:
        h = x + attend(norm(x, 1))
        return h + ffn(norm(h, 2))
    h = norm(x + attend(x), 1)
    return norm(h + ffn(h), 2)


# --------------------------------------------------------------------------- vision


def patch_embedding(images, weight, bias=None):
    r"""Vision-transformer patch embedding: cut images into patches and project each one.

    Parameters
    ----------
    images : array_like of shape (n, C, H, W)
        Finite images, channels first.
    weight : array_like of shape (d_model, C, p_h, p_w)
        Finite projection of one $p_h \times p_w$ patch to a `d_model`-vector, laid out
        like the weight of ``torch.nn.Conv2d(C, d_model, kernel_size=(p_h, p_w))``.
        `H` must be a multiple of `p_h` and `W` of `p_w`.
    bias : array_like of shape (d_model,), optional
        Finite bias. Default: zeros.

    Returns
    -------
    ndarray of shape (n, (H / p_h) * (W / p_w), d_model)
        One token per patch, patches in row-major order (left to right, then top to
        bottom).

    Raises
    ------
    ValueError
        If an array has the wrong number of dimensions, the channels differ, the image
        size is not a multiple of the patch size, or an array is empty or holds NaN or
        infinity.
    TypeError
        If an array does not hold real numbers.

    See Also
    --------
    dlterms.conv2d : The same computation, as a convolution whose stride is its size.

    transformer_encoder_block : What the patch tokens go through next.

    Notes
    -----
    Patch $P_k$, flattened to $C p_h p_w$ numbers, becomes the token

    $$z_k = \operatorname{vec}(P_k)\, E + b, \qquad E \in \mathbb{R}^{C p_h p_w
      \times d_\text{model}}.$$

    Because patches do not overlap, this equals a convolution with kernel size and
    stride both equal to the patch size, which is how libraries implement it. A
    $224 \times 224$ image with $16 \times 16$ patches gives $14 \cdot 14 = 196$
    tokens. A ViT then prepends a learned class token and adds position embeddings.

    References
    ----------
    A. Dosovitskiy et al., "An image is worth 16x16 words: transformers for image
    recognition at scale", ICLR (2021).

    Examples
    --------
    A $2 \times 4$ image, $2 \times 2$ patches, a weight that sums each patch: the
    left patch holds $1 + 2 + 5 + 6 = 14$ and the right one $3 + 4 + 7 + 8 = 22$.

    >>> import numpy as np
    >>> image = np.arange(1.0, 9.0).reshape(1, 1, 2, 4)
    >>> patch_embedding(image, np.ones((1, 1, 2, 2))).tolist()
    [[[14.0], [22.0]]]
    """
    images = as_float_array(images, "images", ndim=4, layout="(n, C, H, W)")
    weight = as_float_array(weight, "weight", ndim=4, layout="(d_model, C, p_h, p_w)")
    n, c, height, width = images.shape
    d_model, c_w, p_h, p_w = weight.shape
    if c_w != c:
        raise ValueError(
            f"weight must have {c} input channels, those of images; got weight {weight.shape}."
        )
    if height % p_h or width % p_w:
        raise ValueError(
            f"images must have a height and width that are multiples of the patch size "
            f"{(p_h, p_w)}; got {(height, width)}."
        )
    bias = np.zeros(d_model) if bias is None else as_vector(bias, "bias", d_model)
    rows, cols = height // p_h, width // p_w
    # (n, C, rows, p_h, cols, p_w) -> (n, rows, cols, C, p_h, p_w): one flat vector per patch
    patches = images.reshape(n, c, rows, p_h, cols, p_w).transpose(0, 2, 4, 1, 3, 5)
    return patches.reshape(n, rows * cols, c * p_h * p_w) @ weight.reshape(d_model, -1).T + bias


# --------------------------------------------------------------------------- mixture of experts


def _expert_weights(experts, d: int):
    if not isinstance(experts, Mapping):
        raise TypeError(
            f"experts must be a mapping with keys w_1, w_2 (and b_1, b_2); got {experts!r}."
        )
    for name in ("w_1", "w_2"):
        if name not in experts:
            raise ValueError(f"experts must hold w_1 and w_2; got no {name}.")
    w_1 = as_float_array(experts["w_1"], "experts['w_1']", ndim=3, layout="(E, d, d_ff)")
    n_experts, _, d_ff = w_1.shape
    check_shape(w_1, (n_experts, d, d_ff), "experts['w_1']", "(E, d, d_ff)")
    w_2 = as_float_array(experts["w_2"], "experts['w_2']", ndim=3, layout="(E, d_ff, d)")
    check_shape(w_2, (n_experts, d_ff, d), "experts['w_2']", "(E, d_ff, d)")
    out = [w_1, w_2]
    for name, shape in (("b_1", (n_experts, d_ff)), ("b_2", (n_experts, d))):
        b = experts.get(name)
        if b is None:
            out.append(np.zeros(shape))
        else:
            b = as_float_array(b, f"experts[{name!r}]", ndim=2, layout="(E, d_out)")
            check_shape(b, shape, f"experts[{name!r}]", "(E, d_out)")
            out.append(b)
    return out


def mixture_of_experts(x, gate_weight, experts, *, top_k=2, return_gates=False):
    r"""A sparse mixture-of-experts layer: a router sends each token to its top-k experts.

    Parameters
    ----------
    x : array_like of shape (..., d)
        Finite tokens; each vector along the last axis is routed on its own.
    gate_weight : array_like of shape (d, E)
        Finite router weights: token $x$ scores expert $e$ with $(x W_g)_e$.
    experts : mapping
        The stacked weights of `E` ReLU feed-forward experts: ``w_1`` ``(E, d, d_ff)``,
        ``w_2`` ``(E, d_ff, d)`` and optional biases ``b_1`` ``(E, d_ff)`` and ``b_2``
        ``(E, d)``.
    top_k : int, default=2
        How many experts process each token, $1 \le k \le E$.
    return_gates : bool, default=False
        Also return the gate matrix.

    Returns
    -------
    output : ndarray of shape (..., d)
        The gate-weighted sum of the chosen experts' outputs.
    gates : ndarray of shape (..., E)
        Only if `return_gates`: the weight of each expert for each token, $k$ nonzero
        entries summing to 1.

    Raises
    ------
    ValueError
        If a shape does not fit, a weight is missing, `top_k` is not in ``[1, E]``, or
        an array is empty or holds NaN or infinity.
    TypeError
        If `experts` is not a mapping, an array does not hold real numbers, or `top_k`
        is not an integer.

    See Also
    --------
    feed_forward : One expert.

    dlterms.softmax : Normalises the kept router scores.

    Notes
    -----
    With router scores $s = x W_g$ and $T$ the indices of the $k$ largest:

    $$g_e = \frac{e^{s_e}}{\sum_{j \in T} e^{s_j}}\ (e \in T), \quad g_e = 0\ (e
      \notin T), \qquad y = \sum_{e \in T} g_e \operatorname{FFN}_e(x).$$

    Only the $k$ chosen experts run for a token, so the parameter count grows with
    $E$ while the compute per token grows with $k$ (Mixtral 8x7B: $E = 8$, $k = 2$).
    Ties between equal scores go to the lower expert index. Training also needs a
    load-balancing loss so the router does not send every token to the same experts;
    it is not part of this forward pass.

    References
    ----------
    N. Shazeer et al., "Outrageously large neural networks: the sparsely-gated
    mixture-of-experts layer", ICLR (2017).
    W. Fedus, B. Zoph and N. Shazeer, "Switch transformers", JMLR 23 (2022).

    Examples
    --------
    Two experts on one feature: expert 0 doubles its input, expert 1 negates it
    (through ReLU hidden units). The router scores $x = 1$ as $(\ln 3, 0)$; with
    $k = 2$ the gates are $(3/4, 1/4)$ and the output $\tfrac34 \cdot 2 -
    \tfrac14 \cdot 1 = 1.25$; with $k = 1$ only expert 0 runs and the output is 2.

    >>> import numpy as np
    >>> experts = {"w_1": [[[1.0, -1.0]], [[1.0, -1.0]]],
    ...            "w_2": [[[2.0], [-2.0]], [[-1.0], [1.0]]]}
    >>> gate = [[np.log(3.0), 0.0]]
    >>> out, gates = mixture_of_experts([[1.0]], gate, experts, return_gates=True)
    >>> out.round(6).tolist(), gates.round(6).tolist()
    ([[1.25]], [[0.75, 0.25]])
    >>> mixture_of_experts([[1.0]], gate, experts, top_k=1).tolist()
    [[2.0]]
    """
    x = as_float_array(x, "x", min_ndim=1)
    d = x.shape[-1]
    gate_weight = as_float_array(gate_weight, "gate_weight", ndim=2, layout="(d, E)")
    if gate_weight.shape[0] != d:
        raise ValueError(
            f"gate_weight must have one row per feature of x, {d}; got {gate_weight.shape}."
        )
    w_1, w_2, b_1, b_2 = _expert_weights(experts, d)
    n_experts = w_1.shape[0]
    if gate_weight.shape[1] != n_experts:
        raise ValueError(
            f"gate_weight must have one column per expert, {n_experts}; got {gate_weight.shape}."
        )
    top_k = check_int(top_k, "top_k", minimum=1)
    if top_k > n_experts:
        raise ValueError(f"top_k must be at most the number of experts, {n_experts}; got {top_k}.")
    return_gates = check_bool(return_gates, "return_gates")

    tokens = x.reshape(-1, d)
    scores = tokens @ gate_weight  # (N, E)
    chosen = np.argsort(-scores, axis=-1, kind="stable")[:, :top_k]  # (N, k), ties: low index
    kept = softmax(np.take_along_axis(scores, chosen, axis=-1))  # (N, k)
    # Run only the chosen experts: gather their weights per token, (N, k, ...)
    hidden = np.maximum(np.einsum("nd,nkdf->nkf", tokens, w_1[chosen]) + b_1[chosen], 0.0)
    outputs = np.einsum("nkf,nkfd->nkd", hidden, w_2[chosen]) + b_2[chosen]
    out = np.einsum("nk,nkd->nd", kept, outputs).reshape(x.shape)
    if not return_gates:
        return out
    gates = np.zeros_like(scores)
    np.put_along_axis(gates, chosen, kept, axis=-1)
    return out, gates.reshape(x.shape[:-1] + (n_experts,))
