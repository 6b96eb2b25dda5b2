"""dlterms.efficiency against PyTorch and NumPy, on hypothesis-drawn shapes.

Oracles: the merged dense weight W + (alpha / r) B A; ``torch.nn.functional.kl_div``
with temperature scaling (T^2 convention of Hinton et al. 2015);
``torch.quantize_per_tensor`` and ``dequantize``; ``numpy.float16`` and
``torch.bfloat16`` casts; central finite differences of the distillation loss.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import (
    dequantize,
    distillation_loss,
    lora_forward,
    lora_merge,
    quantization_params,
    quantize,
    round_to_bfloat16,
    round_to_float16,
)

# PyTorch 2.13 deprecates its quantized tensors but still ships them; they are the peer here.
pytestmark = pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
FAST = settings(max_examples=25, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


@FAST
@given(seeds, st.integers(1, 6), st.integers(1, 6), st.integers(1, 3), st.floats(0.5, 32.0))
def test_lora_equals_the_merged_dense_weight(seed, d_in, d_out, r, alpha):
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(4, d_in)), rng.normal(size=(d_out, d_in))
    a, b, bias = rng.normal(size=(r, d_in)), rng.normal(size=(d_out, r)), rng.normal(size=d_out)
    merged = w + (alpha / r) * b @ a
    np.testing.assert_allclose(lora_merge(w, a, b, alpha=alpha), merged, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        lora_forward(x, w, a, b, alpha=alpha, bias=bias),
        x @ merged.T + bias,
        rtol=1e-10,
        atol=1e-10,
    )


def test_lora_starts_from_the_pretrained_layer_and_has_low_rank():
    rng = np.random.default_rng(0)
    w, a, x = rng.normal(size=(6, 5)), rng.normal(size=(2, 5)), rng.normal(size=(3, 5))
    assert np.array_equal(lora_forward(x, w, a, np.zeros((6, 2)), alpha=8.0), x @ w.T)
    update = lora_merge(w, a, rng.normal(size=(6, 2)), alpha=8.0) - w
    assert np.linalg.matrix_rank(update) == 2


def test_lora_shapes_are_named():
    with pytest.raises(ValueError, match=r"lora_b must have shape \(d_out, r\) = \(3, 2\)"):
        lora_merge(np.ones((3, 4)), np.ones((2, 4)), np.ones((2, 3)), alpha=1.0)


@FAST
@given(seeds, st.integers(1, 5), st.integers(2, 8), st.floats(0.5, 10.0))
def test_distillation_matches_torch_kl_div_times_t_squared(torch, seed, n, v, t):
    rng = np.random.default_rng(seed)
    s, te = rng.normal(scale=3, size=(n, v)), rng.normal(scale=3, size=(n, v))
    f = torch.nn.functional
    expected = (
        f.kl_div(
            f.log_softmax(torch.tensor(s) / t, -1),
            f.log_softmax(torch.tensor(te) / t, -1),
            reduction="batchmean",
            log_target=True,
        )
        * t**2
    )
    assert distillation_loss(s, te, temperature=t) == pytest.approx(
        expected.item(), rel=1e-10, abs=1e-14
    )


def test_distillation_gradient_keeps_its_size_across_temperatures():
    """Hinton et al.: the T^2-scaled gradient is T (p_s - p_t) -> (z_s - z_t) / V for large T."""
    rng = np.random.default_rng(2)
    s, te = rng.normal(size=(1, 5)), rng.normal(size=(1, 5))
    s, te = s - s.mean(), te - te.mean()

    def softmax(z):
        return np.exp(z - z.max()) / np.exp(z - z.max()).sum()

    for t in (1.0, 4.0, 100.0):
        grad = np.zeros(5)
        for i in range(5):
            step = np.zeros((1, 5))
            step[0, i] = 1e-4
            grad[i] = (
                distillation_loss(s + step, te, temperature=t)
                - distillation_loss(s - step, te, temperature=t)
            ) / 2e-4
        np.testing.assert_allclose(
            grad, t * (softmax(s[0] / t) - softmax(te[0] / t)), rtol=1e-5, atol=1e-8
        )
    np.testing.assert_allclose(grad, (s - te)[0] / 5, rtol=0.05)  # the error is O(1 / T)


QRANGE = {"uint8": (0, 255), "int8": (-128, 127)}


@FAST
@given(seeds, st.sampled_from(["uint8", "int8"]), st.integers(-6, 1), st.integers(-5, 5))
def test_quantize_matches_torch_quantize_per_tensor_exactly(torch, seed, dtype, log_scale, shift):
    """Power-of-two scales make x / s exact in float32 and float64, ties included."""
    rng = np.random.default_rng(seed)
    scale = 2.0**log_scale
    x = rng.normal(scale=50 * scale, size=40).astype(np.float32).astype(np.float64)
    x[:4] = np.array([0.5, 1.5, -2.5, 3.5]) * scale  # ties: even q, not even x / s
    q_min, q_max = QRANGE[dtype]
    zero_point = int(np.clip((q_min + q_max) // 2 + shift, q_min, q_max))
    torch_dtype = {"uint8": torch.quint8, "int8": torch.qint8}[dtype]
    qt = torch.quantize_per_tensor(
        torch.tensor(x, dtype=torch.float32), scale, zero_point, torch_dtype
    )
    q = quantize(x, scale, zero_point, dtype=dtype)
    np.testing.assert_array_equal(q, qt.int_repr().numpy().astype(np.int64))
    np.testing.assert_array_equal(
        dequantize(q, scale, zero_point, dtype=dtype), qt.dequantize().numpy().astype(np.float64)
    )


@FAST
@given(seeds, st.sampled_from(["uint8", "int8"]), st.floats(1e-3, 2.0))
def test_quantize_matches_torch_away_from_ties(torch, seed, dtype, scale):
    """Torch multiplies by a float32 1 / s; only values within rounding of a tie may differ."""
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=50 * scale, size=40).astype(np.float32).astype(np.float64)
    zero_point = 3 if dtype == "uint8" else -3
    torch_dtype = {"uint8": torch.quint8, "int8": torch.qint8}[dtype]
    qt = torch.quantize_per_tensor(
        torch.tensor(x, dtype=torch.float32), scale, zero_point, torch_dtype
    )
    mismatch = quantize(x, scale, zero_point, dtype=dtype) != qt.int_repr().numpy()
    frac = x / scale - np.floor(x / scale)
    assert not (mismatch & (np.abs(frac - 0.5) > 1e-5)).any()


def test_dequantize_matches_torch_and_error_is_half_a_step(torch):
    x = np.linspace(-1.0, 2.0, 301).astype(np.float32).astype(np.float64)
    scale, zero_point = quantization_params(x)
    q = quantize(x, scale, zero_point)
    qt = torch.quantize_per_tensor(
        torch.tensor(x, dtype=torch.float32), scale, zero_point, torch.quint8
    )
    # this grid holds exact ties of x / s, where torch's float32 1 / s may round either way
    assert np.abs(q - qt.int_repr().numpy()).max() <= 1
    np.testing.assert_allclose(
        dequantize(qt.int_repr().numpy(), scale, zero_point),
        qt.dequantize().numpy(),
        rtol=1e-6,
        atol=1e-7,
    )
    assert np.abs(dequantize(q, scale, zero_point) - x).max() <= scale / 2 + 1e-12


def test_quantization_params_match_torch_minmax_observer(torch):
    rng = np.random.default_rng(4)
    for dtype, torch_dtype in (("uint8", torch.quint8), ("int8", torch.qint8)):
        x = rng.normal(size=50) * 3 + 1
        observer = torch.ao.quantization.MinMaxObserver(dtype=torch_dtype)
        observer(torch.tensor(x, dtype=torch.float32))
        t_scale, t_zero = observer.calculate_qparams()
        scale, zero_point = quantization_params(x, dtype=dtype)
        assert scale == pytest.approx(t_scale.item(), rel=1e-6)
        assert zero_point == t_zero.item()


@FAST
@given(seeds, st.integers(-30, 17))
def test_float16_rounding_matches_numpy(seed, exponent):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=200) * 2.0**exponent
    x[:3] = [65519.999, 65520.0, 2.0**-25]  # below and at the overflow tie; half the
    # smallest subnormal, a tie that goes to even (0)
    with np.errstate(over="ignore"):  # numpy warns when 65520 overflows to inf; we do not
        expected = x.astype(np.float16).astype(np.float64)
    np.testing.assert_array_equal(round_to_float16(x), expected)


@FAST
@given(seeds, st.integers(-140, 120))
def test_bfloat16_rounding_matches_torch_on_float32_inputs(torch, seed, exponent):
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=200) * 2.0**exponent).astype(np.float32)
    ties = np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, 2.0**-134], dtype=np.float32)
    x = np.concatenate([x, ties])
    expected = torch.tensor(x).to(torch.bfloat16).to(torch.float64).numpy()
    np.testing.assert_array_equal(round_to_bfloat16(x.astype(np.float64)), expected)
