"""Efficiency: making large models cheaper to fine-tune, store and run.

Four techniques, all about doing the same job with fewer bits or fewer trainable numbers.
LoRA trains a low-rank update beside a frozen weight (:func:`lora_forward`) and folds it
in afterwards (:func:`lora_merge`). Knowledge distillation trains a small student to
match a large teacher's softened outputs (:func:`distillation_loss`). Quantization
stores numbers as 8-bit integers with a scale and a zero point (:func:`quantize`,
:func:`dequantize`, :func:`quantization_params`). Mixed precision computes in 16-bit
floats, whose rounding :func:`round_to_float16` and :func:`round_to_bfloat16` show.

Weights follow PyTorch and the LoRA paper: a linear layer's weight is ``(d_out, d_in)``
and computes ``x @ weight.T``.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    check_choice,
    check_int,
    check_real,
)
from dlterms.activations import log_softmax

__all__ = [
    "dequantize",
    "distillation_loss",
    "lora_forward",
    "lora_merge",
    "quantization_params",
    "quantize",
    "round_to_bfloat16",
    "round_to_float16",
]

_QRANGE = {"int8": (-128, 127), "uint8": (0, 255)}


def _lora_operands(weight, lora_a, lora_b, alpha):
    weight = as_float_array(weight, "weight", ndim=2, layout="(d_out, d_in)")
    lora_a = as_float_array(lora_a, "lora_a", ndim=2, layout="(r, d_in)")
    lora_b = as_float_array(lora_b, "lora_b", ndim=2, layout="(d_out, r)")
    d_out, d_in = weight.shape
    r = lora_a.shape[0]
    if lora_a.shape[1] != d_in:
        raise ValueError(f"lora_a must have shape (r, d_in) = (r, {d_in}); got {lora_a.shape}.")
    if lora_b.shape != (d_out, r):
        raise ValueError(f"lora_b must have shape (d_out, r) = ({d_out}, {r}); got {lora_b.shape}.")
    alpha = check_real(alpha, "alpha")
    return weight, lora_a, lora_b, alpha / r


def lora_forward(x, weight, lora_a, lora_b, *, alpha, bias=None):
    """A linear layer with a frozen weight plus a trainable low-rank update (LoRA).

    Parameters
    ----------
    x : array_like of shape (..., d_in)
        Inputs.
    weight : array_like of shape (d_out, d_in)
        The frozen pretrained weight $W_0$.
    lora_a : array_like of shape (r, d_in)
        The down-projection $A$, initialised randomly.
    lora_b : array_like of shape (d_out, r)
        The up-projection $B$, initialised to zero so training starts from $W_0$.
    alpha : float
        The scaling numerator: the update is multiplied by ``alpha / r``.
    bias : array_like of shape (d_out,), optional
        The frozen bias.

    Returns
    -------
    ndarray of shape (..., d_out)
        $x W_0^\\top + \\frac{\\alpha}{r} (x A^\\top) B^\\top (+ b)$.

    Raises
    ------
    ValueError
        If the shapes do not fit together or an array is empty or not finite.
    TypeError
        If an array does not hold real numbers or `alpha` is not a number.

    See Also
    --------
    lora_merge : Folds the update into the weight for inference.

    dlterms.dense : A plain linear layer.

    Notes
    -----
    $$h = W_0 x + \\frac{\\alpha}{r} B A x, \\qquad B \\in \\mathbb{R}^{d_{out} \\times r},
      \\; A \\in \\mathbb{R}^{r \\times d_{in}}, \\; r \\ll \\min(d_{in}, d_{out})$$

    Only $A$ and $B$ are trained: $r (d_{in} + d_{out})$ numbers instead of
    $d_{in} d_{out}$. The update is applied as two thin products, never as a dense
    matrix, and equals ``x @ lora_merge(...).T`` up to rounding.

    References
    ----------
    E. J. Hu et al., "LoRA: low-rank adaptation of large language models", ICLR (2022).

    Examples
    --------
    $W_0 = I_2$, rank 1 with $A = (1, 1)$, $B = (0, 2)^\\top$ and $\\alpha = 1$: the input
    $(1, 2)$ gives $(1, 2) + (0, 2 \\cdot 3) = (1, 8)$.

    >>> lora_forward([[1.0, 2.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], [[0.0], [2.0]],
    ...              alpha=1.0).tolist()
    [[1.0, 8.0]]
    """
    weight, lora_a, lora_b, scaling = _lora_operands(weight, lora_a, lora_b, alpha)
    x = as_float_array(x, "x", min_ndim=1)
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"x must have d_in = {weight.shape[1]} features on its last axis; got {x.shape}."
        )
    out = x @ weight.T + scaling * ((x @ lora_a.T) @ lora_b.T)
    if bias is not None:
        bias = as_float_array(bias, "bias", ndim=1)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"bias must have shape ({weight.shape[0]},); got {bias.shape}.")
        out = out + bias
    return out


def lora_merge(weight, lora_a, lora_b, *, alpha):
    """Fold a LoRA update into the weight: $W_0 + (\\alpha / r) B A$.

    Parameters
    ----------
    weight : array_like of shape (d_out, d_in)
        The frozen weight $W_0$.
    lora_a : array_like of shape (r, d_in)
        The trained down-projection.
    lora_b : array_like of shape (d_out, r)
        The trained up-projection.
    alpha : float
        The scaling numerator.

    Returns
    -------
    ndarray of shape (d_out, d_in)
        The merged weight, a new array.

    Raises
    ------
    ValueError
        If the shapes do not fit together or an array is empty or not finite.
    TypeError
        If an array does not hold real numbers or `alpha` is not a number.

    See Also
    --------
    lora_forward : The unmerged layer used during training.

    Notes
    -----
    $$W = W_0 + \\frac{\\alpha}{r} B A$$

    After merging, inference costs exactly what the original layer cost: LoRA adds no
    latency. The update $BA$ has rank at most $r$. Keeping $W_0$ lets one swap adapters
    for different tasks by subtracting one update and adding another.

    Examples
    --------
    >>> lora_merge([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], [[0.0], [2.0]], alpha=1.0).tolist()
    [[1.0, 0.0], [2.0, 3.0]]
    """
    weight, lora_a, lora_b, scaling = _lora_operands(weight, lora_a, lora_b, alpha)
    return weight + scaling * (lora_b @ lora_a)


def distillation_loss(student_logits, teacher_logits, *, temperature=1.0):
    """Knowledge-distillation loss: $T^2$ times the KL divergence of softened outputs.

    Parameters
    ----------
    student_logits : array_like of shape (..., V)
        The student's logits.
    teacher_logits : array_like of shape (..., V)
        The teacher's logits for the same inputs.
    temperature : float, default=1.0
        $T > 0$; above 1 softens both distributions so the teacher's small probabilities
        carry signal.

    Returns
    -------
    float
        $T^2 \\, \\mathrm{KL}(p_T^{teacher} \\,\\|\\, p_T^{student})$, averaged over the rows.

    Raises
    ------
    ValueError
        If the shapes differ, an array is empty or not finite, or `temperature` is not
        positive.
    TypeError
        If an array does not hold real numbers or `temperature` is not a number.

    See Also
    --------
    dlterms.kl_divergence : The divergence between two probability arrays.

    dlterms.temperature_softmax : The softened distributions.

    Notes
    -----
    $$L = \\frac{T^2}{N} \\sum_{n=1}^{N} \\sum_{v} p^{t}_{n,v}
         \\bigl(\\log p^{t}_{n,v} - \\log p^{s}_{n,v}\\bigr), \\qquad
         p = \\operatorname{softmax}(z / T)$$

    The factor $T^2$ follows Hinton et al. (2015): the gradient of the softened loss
    shrinks like $1/T^2$, so multiplying by $T^2$ keeps its size comparable to the hard
    cross-entropy it is usually added to, as ``alpha * hard + (1 - alpha) * soft``.
    For 2-D logits this is ``T**2 * torch.nn.functional.kl_div(log_softmax(s / T),
    log_softmax(t / T), reduction="batchmean", log_target=True)``. Both log-softmaxes
    are max-shifted, so large logits do not overflow.

    References
    ----------
    G. Hinton, O. Vinyals and J. Dean, "Distilling the knowledge in a neural network",
    NeurIPS Deep Learning Workshop (2015), arXiv:1503.02531.

    Examples
    --------
    A student that matches the teacher has loss 0. Teacher $(0.5, 0.5)$ and student
    $(0.8, 0.2)$ at $T = 1$: $0.5 \\ln(0.5/0.8) + 0.5 \\ln(0.5/0.2) = 0.5 \\ln(25/16)
    \\approx 0.2231$.

    >>> import numpy as np
    >>> distillation_loss([[1.0, 2.0]], [[1.0, 2.0]], temperature=4.0)
    0.0
    >>> round(distillation_loss([[np.log(4.0), 0.0]], [[0.0, 0.0]]), 4)
    0.2231
    """
    student = as_float_array(student_logits, "student_logits", min_ndim=1)
    teacher = as_float_array(teacher_logits, "teacher_logits", min_ndim=1)
    if student.shape != teacher.shape:
        raise ValueError(
            "teacher_logits must have the same shape as student_logits; "
            f"got student_logits {student.shape} and teacher_logits {teacher.shape}."
        )
    t = check_real(temperature, "temperature", low=0.0, closed="neither")
    with np.errstate(over="ignore"):  # checked just below, with a clearer message
        s_scaled, t_scaled = student / t, teacher / t
    if not (np.isfinite(s_scaled).all() and np.isfinite(t_scaled).all()):
        raise ValueError(f"logits / temperature must be finite; got an overflow for {t:g}.")
    log_p_teacher, log_p_student = log_softmax(t_scaled), log_softmax(s_scaled)
    kl = (np.exp(log_p_teacher) * (log_p_teacher - log_p_student)).sum(axis=-1)
    return float(t * t * kl.mean())


def _qrange(dtype) -> tuple[int, int]:
    return _QRANGE[check_choice(dtype, "dtype", tuple(_QRANGE))]


def quantization_params(x, *, dtype="uint8"):
    """Quantization parameters: the scale and zero point that map `x`'s range onto int8.

    Parameters
    ----------
    x : array_like
        The values to be quantized, such as a weight tensor.
    dtype : {"uint8", "int8"}, default="uint8"
        The integer range: ``[0, 255]`` or ``[-128, 127]``.

    Returns
    -------
    scale : float
        The step between adjacent integers, ``(max - min) / (q_max - q_min)``; 1.0 if
        every value is 0.
    zero_point : int
        The integer that stands for the real number 0.

    Raises
    ------
    ValueError
        If `x` is empty or not finite, or `dtype` is unknown.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    quantize : Uses these parameters.

    Notes
    -----
    The range is widened to include 0, so that 0 (padding, ReLU outputs) is exactly
    representable, as PyTorch's ``MinMaxObserver`` does for affine per-tensor
    quantization:

    $$s = \\frac{\\max(x_{max}, 0) - \\min(x_{min}, 0)}{q_{max} - q_{min}}, \\qquad
      z = q_{min} - \\operatorname{round}\\bigl(\\min(x_{min}, 0) / s\\bigr)$$

    Examples
    --------
    Values in $[-1, 2]$ spread over 255 steps: $s = 3/255$, and $0$ sits at
    $z = 0 - \\operatorname{round}(-1 / s) = 85$.

    >>> scale, zero_point = quantization_params([-1.0, 0.5, 2.0])
    >>> round(scale * 255, 12), zero_point
    (3.0, 85)
    """
    x = as_float_array(x, "x")
    q_min, q_max = _qrange(dtype)
    low, high = min(x.min(), 0.0), max(x.max(), 0.0)
    scale = (high / 2 - low / 2) / (q_max - q_min) * 2  # halves: high - low may overflow
    if scale == 0:  # every value is 0: any scale works; PyTorch's observer gives q_min
        return 1.0, q_min
    zero_point = int(np.clip(q_min - np.rint(low / scale), q_min, q_max))
    return float(scale), zero_point


def _check_scale_zero(scale, zero_point, q_min, q_max):
    scale = check_real(scale, "scale", low=0.0, closed="neither")
    zero_point = check_int(zero_point, "zero_point", minimum=q_min)
    if zero_point > q_max:
        raise ValueError(f"zero_point must be in [{q_min}, {q_max}]; got {zero_point}.")
    return scale, zero_point


def quantize(x, scale, zero_point, *, dtype="uint8"):
    """Affine quantization: round ``x / scale``, shift by the zero point and clamp.

    Parameters
    ----------
    x : array_like
        Real values.
    scale : float
        The real value of one integer step, greater than 0.
    zero_point : int
        The integer that represents 0, inside the range of `dtype`.
    dtype : {"uint8", "int8"}, default="uint8"
        The integer range.

    Returns
    -------
    ndarray of int64, shape of `x`
        $\\operatorname{clamp}(\\operatorname{round}(x / s + z), q_{min}, q_{max})$.

    Raises
    ------
    ValueError
        If `x` is empty or not finite, `scale` is not positive, or `zero_point` is out of
        range.
    TypeError
        If `x` does not hold real numbers or `zero_point` is not an int.

    See Also
    --------
    dequantize : Maps the integers back to reals.

    quantization_params : Chooses `scale` and `zero_point`.

    Notes
    -----
    $$q = \\operatorname{clamp}\\bigl(\\operatorname{round}(x / s + z),\\,
    q_{min},\\, q_{max}\\bigr)$$

    Rounding is to nearest, ties to even (``np.rint``), and the zero point is added
    before rounding, as in ``torch.quantize_per_tensor``: a tie goes to the even value
    of `q`, so with an odd zero point ``x / s = 1.5`` becomes ``z + 1``. Values outside
    the representable range saturate. Integers are returned as int64 so that
    arithmetic on them cannot wrap around.

    Examples
    --------
    With scale 0.5 and zero point 10: $1.3 / 0.5 + 10 = 12.6 \\to 13$; $0.25 / 0.5 + 10 =
    10.5$ ties to even, 10; $-100$ saturates at 0.

    >>> quantize([1.3, 0.25, -100.0], 0.5, 10).tolist()
    [13, 10, 0]
    """
    x = as_float_array(x, "x")
    q_min, q_max = _qrange(dtype)
    scale, zero_point = _check_scale_zero(scale, zero_point, q_min, q_max)
    with np.errstate(over="ignore"):  # x / scale beyond float range saturates below anyway
        q = np.rint(x / scale + zero_point)
    return np.clip(q, q_min, q_max).astype(np.int64)


def dequantize(q, scale, zero_point, *, dtype="uint8"):
    """Undo quantization: map the integers back to reals, $(q - z) \\, s$.

    Parameters
    ----------
    q : array_like of int
        Quantized values in the range of `dtype`.
    scale : float
        The real value of one step, greater than 0.
    zero_point : int
        The integer that represents 0.
    dtype : {"uint8", "int8"}, default="uint8"
        The integer range.

    Returns
    -------
    ndarray of float64, shape of `q`
        The reals the integers stand for.

    Raises
    ------
    ValueError
        If `q` is empty or outside the range of `dtype`, `scale` is not positive, or
        `zero_point` is out of range.
    TypeError
        If `q` does not hold integers.

    See Also
    --------
    quantize : The inverse, up to rounding.

    Notes
    -----
    $$\\hat x = (q - z)\\, s$$

    ``dequantize(quantize(x))`` differs from `x` by at most $s/2$ inside the range: the
    quantization error. Outside it the error is the clipping distance.

    Examples
    --------
    >>> dequantize([13, 10, 0], 0.5, 10).tolist()
    [1.5, 0.0, -5.0]
    """
    array = as_array(q, "q")
    if array.dtype.kind not in "iu":
        raise TypeError(f"q must hold integers; got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"q must not be empty; got shape {array.shape}.")
    q_min, q_max = _qrange(dtype)
    scale, zero_point = _check_scale_zero(scale, zero_point, q_min, q_max)
    if array.min() < q_min or array.max() > q_max:
        raise ValueError(
            f"q must be in [{q_min}, {q_max}] for dtype {dtype!r}; "
            f"got values in [{array.min()}, {array.max()}]."
        )
    return (array.astype(np.int64) - zero_point) * scale


def _round_to_format(x, name: str, mantissa_bits: int, min_exponent: int, max_finite: float):
    """Round float64 `x` to the nearest value of a binary format, ties to even."""
    x = as_float_array(x, name)
    _, e = np.frexp(x)  # x = m 2**e with 0.5 <= |m| < 1, so the leading bit is 2**(e - 1)
    quantum = np.maximum(e - 1, min_exponent) - mantissa_bits  # exponent of one last-place unit
    with np.errstate(over="ignore"):  # a carry past float64's top is beyond max_finite too
        rounded = np.ldexp(np.rint(np.ldexp(x, -quantum)), quantum)
    result = np.where(np.abs(rounded) > max_finite, np.copysign(np.inf, x), rounded)
    return float(result) if result.ndim == 0 else result


def round_to_float16(x):
    """Mixed precision: round to the nearest IEEE half-precision (float16) value, as float64.

    Parameters
    ----------
    x : array_like
        Finite real values.

    Returns
    -------
    float or ndarray of float64
        Each value rounded to 11 significant bits (ties to even); 0 or a subnormal below
        $2^{-14}$; ``±inf`` from $65520$ up, where float16 overflows.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    round_to_bfloat16 : The 16-bit format with float32's range.

    Notes
    -----
    float16 has 1 sign bit, 5 exponent bits and 10 mantissa bits: relative precision
    $2^{-11} \\approx 4.9 \\times 10^{-4}$, largest value 65504, smallest normal
    $2^{-14}$. Its narrow range is why float16 training needs loss scaling: small
    gradients underflow to 0. The rounding is computed from the exponent, scaling by
    powers of two (which is exact) and ``np.rint``; it matches ``np.float16``.

    Examples
    --------
    Near 1 the spacing is $2^{-10}$, so $1 + 2^{-11}$ is a tie and goes to even (1.0);
    2049 is a tie between 2048 and 2050.

    >>> round_to_float16([1.0 + 2.0**-11, 0.1, 2049.0, 65519.0]).tolist()
    [1.0, 0.0999755859375, 2048.0, 65504.0]
    >>> round_to_float16(70000.0)
    inf
    """
    return _round_to_format(x, "x", 10, -14, 65504.0)


def round_to_bfloat16(x):
    """Mixed precision: round to the nearest bfloat16 value, returned as float64.

    Parameters
    ----------
    x : array_like
        Finite real values.

    Returns
    -------
    float or ndarray of float64
        Each value rounded to 8 significant bits (ties to even), with float32's exponent
        range; ``±inf`` beyond about $3.39 \\times 10^{38}$.

    Raises
    ------
    ValueError
        If `x` is empty or holds NaN or infinity.
    TypeError
        If `x` does not hold real numbers.

    See Also
    --------
    round_to_float16 : More precision, much less range.

    Notes
    -----
    bfloat16 keeps float32's 8 exponent bits and cuts the mantissa to 7 bits: relative
    precision $2^{-8} \\approx 0.0039$, but the same range as float32, so mixed-precision
    training in bfloat16 needs no loss scaling. The value is rounded once, from the exact
    input; PyTorch converts float64 to float32 first, which can differ by one unit in
    rare double-rounding cases, and agrees for float32 inputs.

    References
    ----------
    D. Kalamkar et al., "A study of BFLOAT16 for deep learning training",
    arXiv:1905.12322 (2019).

    Examples
    --------
    Near 1 the spacing is $2^{-7} = 0.0078125$; between 512 and 1024 it is 4, so 1001
    rounds to 1000; 1e38 stays finite, where float16 would overflow.

    >>> round_to_bfloat16([1.01, 0.1, 1001.0]).tolist()
    [1.0078125, 0.10009765625, 1000.0]
    >>> round_to_bfloat16(1e38) == float(np.float32(round_to_bfloat16(1e38)))
    True
    """
    return _round_to_format(x, "x", 7, -126, float(np.ldexp(2.0 - 2.0**-7, 127)))
