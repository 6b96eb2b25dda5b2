"""Transformer building blocks in dlterms.transformer.

Oracles: the sinusoidal formula of Vaswani et al. (2017) written as a loop, a complex-number
rotation for RoPE, ``torch.nn.functional.layer_norm`` and autograd, central finite
differences, ``torch.nn.TransformerEncoderLayer`` (dropout 0, batch_first, norm_first both
ways) holding the same weights, ``torch.nn.Conv2d`` with stride equal to the patch size,
and a dense loop over tokens and experts for the mixture of experts. All in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    causal_mask,
    feed_forward,
    layer_norm,
    layer_norm_grad,
    mixture_of_experts,
    padding_mask,
    patch_embedding,
    rms_norm,
    rotary_embedding,
    sinusoidal_positional_encoding,
    transformer_encoder_block,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
unit = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def close(actual, expected, atol=1e-11):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=atol)


def arrays(draw, *shape, elements=unit):
    return draw(hnp.arrays(np.float64, shape, elements=elements))


# --- positions -------------------------------------------------------------------------------


@given(st.integers(1, 30), st.integers(1, 12))
def test_positional_encoding_is_the_formula_of_vaswani_et_al(n_positions, d_model):
    pe = sinusoidal_positional_encoding(n_positions, d_model)
    for pos in range(n_positions):
        for i in range(d_model):
            angle = pos / 10000 ** (2 * (i // 2) / d_model)
            expected = math.sin(angle) if i % 2 == 0 else math.cos(angle)
            assert pe[pos, i] == pytest.approx(expected, abs=1e-12)


def test_positional_encoding_offsets_are_rotations():
    """PE[p + k] is a fixed linear map (a rotation per pair) of PE[p], for every p."""
    pe = sinusoidal_positional_encoding(20, 8)
    k = 3
    for pair in range(4):
        block = pe[:, 2 * pair : 2 * pair + 2]
        rotation, *_ = np.linalg.lstsq(block[:-k], block[k:], rcond=None)
        close(block[:-k] @ rotation, block[k:], atol=1e-10)
        close(rotation @ rotation.T, np.eye(2), atol=1e-10)


def _rope_by_complex_numbers(x, positions, base=10000.0):
    """An independent RoPE: pairs as complex numbers multiplied by exp(i m theta)."""
    d = x.shape[-1]
    z = x[..., 0::2] + 1j * x[..., 1::2]
    theta = np.array([base ** (-2 * i / d) for i in range(d // 2)])
    z = z * np.exp(1j * np.outer(positions, theta))
    out = np.empty_like(x)
    out[..., 0::2], out[..., 1::2] = z.real, z.imag
    return out


@st.composite
def rope_problems(draw):
    n, length, half = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 4))
    x = arrays(draw, n, length, 2 * half)
    positions = arrays(draw, length, elements=st.floats(0.0, 500.0))
    return x, positions


@FAST
@given(rope_problems())
def test_rope_is_a_complex_rotation(problem):
    x, positions = problem
    close(rotary_embedding(x, positions=positions), _rope_by_complex_numbers(x, positions))
    close(
        rotary_embedding(x),
        _rope_by_complex_numbers(x, np.arange(x.shape[1], dtype=float)),
    )


@FAST
@given(rope_problems(), st.integers(-20, 20))
def test_rope_scores_depend_only_on_relative_position(problem, shift):
    x, positions = problem
    q, k = x[0, :1], x[-1, :1]
    for m, n in [(3.0, 1.0), (10.0, 2.0)]:
        base = rotary_embedding(q, positions=[m]) @ rotary_embedding(k, positions=[n]).T
        moved = (
            rotary_embedding(q, positions=[m + shift])
            @ rotary_embedding(k, positions=[n + shift]).T
        )
        close(moved, base, atol=1e-9)
    norms = np.linalg.norm(rotary_embedding(x, positions=positions), axis=-1)
    close(norms, np.linalg.norm(x, axis=-1))


# --- layer norm ------------------------------------------------------------------------------


@st.composite
def norm_problems(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    x = arrays(draw, *shape, elements=st.floats(-100.0, 100.0))
    gamma, beta = arrays(draw, shape[-1]), arrays(draw, shape[-1])
    return x, gamma, beta, draw(st.sampled_from([1e-5, 1e-3, 0.5]))


@FAST
@given(norm_problems())
def test_layer_norm_matches_torch(torch, problem):
    x, gamma, beta, eps = problem
    expected = torch.nn.functional.layer_norm(
        torch.from_numpy(x),
        x.shape[-1:],
        torch.from_numpy(gamma),
        torch.from_numpy(beta),
        eps=eps,
    )
    close(layer_norm(x, gamma, beta, eps=eps), expected.numpy(), atol=1e-9)


@FAST
@given(norm_problems())
def test_layer_norm_grad_matches_torch_autograd(torch, problem):
    x, gamma, beta, eps = problem
    tx, tg, tb = (torch.from_numpy(a).requires_grad_() for a in (x, gamma, beta))
    out = torch.nn.functional.layer_norm(tx, x.shape[-1:], tg, tb, eps=eps)
    g_out = np.cos(np.arange(x.size)).reshape(x.shape)
    out.backward(torch.from_numpy(g_out))
    grads = layer_norm_grad(x, g_out, gamma, eps=eps)
    close(grads.x, tx.grad.numpy(), atol=1e-9)
    close(grads.gamma, tg.grad.numpy(), atol=1e-9)
    close(grads.beta, tb.grad.numpy(), atol=1e-9)


def test_layer_norm_grad_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, gamma, g_out = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(3, 5))
    grads = layer_norm_grad(x, g_out, gamma, eps=1e-3)
    eps = 1e-6
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        up = np.sum(layer_norm(x + step, gamma, eps=1e-3) * g_out)
        down = np.sum(layer_norm(x - step, gamma, eps=1e-3) * g_out)
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(grads.x, numeric, atol=1e-8)


def test_layer_norm_is_scale_safe_at_the_float_limits():
    huge = layer_norm([3e307, -1e308, 5e307], eps=1e-300)
    close(huge, layer_norm([0.3, -1.0, 0.5], eps=1e-300))
    # variance 6.7e-601 is far below eps = 1e-300: (x - mean) / sqrt(eps) = +-1e-300 / 1e-150
    tiny = layer_norm([1e-300, 3e-300, 2e-300], eps=1e-300)
    np.testing.assert_allclose(tiny, [-1e-150, 1e-150, 0.0], rtol=1e-12, atol=0)
    assert layer_norm([7.0, 7.0, 7.0], beta=[1.0, 2.0, 3.0]).tolist() == [1.0, 2.0, 3.0]


# --- feed-forward and the encoder block --------------------------------------------------------


@st.composite
def block_problems(draw):
    n, length = draw(st.integers(1, 2)), draw(st.integers(1, 5))
    n_heads, d_head, d_ff = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, 3)),
        draw(st.integers(1, 6)),
    )
    d = n_heads * d_head
    params = {name: arrays(draw, d, d) for name in ("w_q", "w_k", "w_v", "w_o")}
    params.update({name: arrays(draw, d) for name in ("b_q", "b_k", "b_v", "b_o")})
    params.update(w_1=arrays(draw, d, d_ff), b_1=arrays(draw, d_ff))
    params.update(w_2=arrays(draw, d_ff, d), b_2=arrays(draw, d))
    for name in ("gamma_1", "beta_1", "gamma_2", "beta_2"):
        params[name] = arrays(draw, d)
    lengths = np.array(draw(st.lists(st.integers(1, length), min_size=n, max_size=n)))
    return arrays(draw, n, length, d), params, n_heads, lengths


def _torch_encoder_layer(torch, params, n_heads, norm_first):
    d, d_ff = params["w_1"].shape
    layer = torch.nn.TransformerEncoderLayer(
        d,
        n_heads,
        dim_feedforward=d_ff,
        dropout=0.0,
        activation="relu",
        batch_first=True,
        norm_first=norm_first,
        dtype=torch.float64,
    )

    def put(tensor, array):
        tensor.copy_(torch.from_numpy(np.ascontiguousarray(array)))

    with torch.no_grad():
        attn = layer.self_attn
        put(attn.in_proj_weight, np.concatenate([params[k].T for k in ("w_q", "w_k", "w_v")]))
        put(attn.in_proj_bias, np.concatenate([params[k] for k in ("b_q", "b_k", "b_v")]))
        put(attn.out_proj.weight, params["w_o"].T)
        put(attn.out_proj.bias, params["b_o"])
        put(layer.linear1.weight, params["w_1"].T)
        put(layer.linear1.bias, params["b_1"])
        put(layer.linear2.weight, params["w_2"].T)
        put(layer.linear2.bias, params["b_2"])
        put(layer.norm1.weight, params["gamma_1"])
        put(layer.norm1.bias, params["beta_1"])
        put(layer.norm2.weight, params["gamma_2"])
        put(layer.norm2.bias, params["beta_2"])
    return layer


@FAST
@given(block_problems(), st.booleans(), st.sampled_from(["none", "causal", "padding"]))
def test_encoder_block_matches_torch(torch, problem, norm_first, masking):
    x, params, n_heads, lengths = problem
    layer = _torch_encoder_layer(torch, params, n_heads, norm_first)
    kwargs, mask, causal = {}, None, masking == "causal"
    if causal:
        kwargs = {"src_mask": torch.from_numpy(~causal_mask(x.shape[1])), "is_causal": True}
    if masking == "padding":
        mask = padding_mask(lengths, max_length=x.shape[1])
        kwargs = {"src_key_padding_mask": torch.from_numpy(~mask[:, 0])}
    expected = layer(torch.from_numpy(x), **kwargs).detach().numpy()
    actual = transformer_encoder_block(
        x, params, n_heads=n_heads, norm_first=norm_first, mask=mask, causal=causal
    )
    close(actual, expected, atol=1e-9)


def test_feed_forward_acts_on_each_position_alone():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 3))
    w_1, b_1, w_2, b_2 = rng.normal(size=(3, 8)), rng.normal(size=8), rng.normal(size=(8, 3)), None
    out = feed_forward(x, w_1, b_1, w_2, b_2)
    for b in range(2):
        for t in range(5):
            hidden = np.maximum(x[b, t] @ w_1 + b_1, 0.0)
            close(out[b, t], hidden @ w_2)
    close(feed_forward(x, w_1, b_1, w_2, b_2, activation="tanh"), np.tanh(x @ w_1 + b_1) @ w_2)
    with pytest.raises(ValueError, match="elementwise"):
        feed_forward(x, w_1, b_1, w_2, b_2, activation="softmax")


def test_encoder_block_defaults_and_errors():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 4))
    params = {k: rng.normal(size=(4, 4)) for k in ("w_q", "w_k", "w_v", "w_o", "w_1", "w_2")}
    full = dict(
        params,
        gamma_1=np.ones(4),
        beta_1=np.zeros(4),
        gamma_2=np.ones(4),
        beta_2=np.zeros(4),
        b_1=np.zeros(4),
        b_2=np.zeros(4),
    )
    for norm_first in (False, True):
        np.testing.assert_array_equal(
            transformer_encoder_block(x, params, n_heads=2, norm_first=norm_first),
            transformer_encoder_block(x[None], full, n_heads=2, norm_first=norm_first)[0],
        )
    with pytest.raises(ValueError, match="got no w_2"):
        transformer_encoder_block(x, {k: params[k] for k in params if k != "w_2"}, n_heads=1)
    with pytest.raises(TypeError, match="norm_first must be True or False"):
        transformer_encoder_block(x, params, n_heads=1, norm_first="yes")


# --- vision transformer --------------------------------------------------------------------------


@st.composite
def patch_problems(draw):
    n, c, d = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    p_h, p_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    images = arrays(draw, n, c, rows * p_h, cols * p_w)
    return images, arrays(draw, d, c, p_h, p_w), arrays(draw, d)


@FAST
@given(patch_problems())
def test_patch_embedding_is_a_strided_conv2d(torch, problem):
    images, weight, bias = problem
    d, c, p_h, p_w = weight.shape
    conv = torch.nn.Conv2d(c, d, (p_h, p_w), stride=(p_h, p_w), dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(weight))
        conv.bias.copy_(torch.from_numpy(bias))
    expected = conv(torch.from_numpy(images)).flatten(2).transpose(1, 2).detach().numpy()
    close(patch_embedding(images, weight, bias), expected)


def test_patch_embedding_refuses_a_partial_patch():
    with pytest.raises(ValueError, match="multiples of the patch size"):
        patch_embedding(np.ones((1, 3, 224, 225)), np.ones((8, 3, 16, 16)))
    with pytest.raises(ValueError, match="3 input channels"):
        patch_embedding(np.ones((1, 3, 4, 4)), np.ones((8, 1, 2, 2)))


# --- mixture of experts ---------------------------------------------------------------------


@st.composite
def moe_problems(draw):
    n, d, d_ff = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    n_experts = draw(st.integers(1, 5))
    top_k = draw(st.integers(1, n_experts))
    experts = {
        "w_1": arrays(draw, n_experts, d, d_ff),
        "b_1": arrays(draw, n_experts, d_ff),
        "w_2": arrays(draw, n_experts, d_ff, d),
        "b_2": arrays(draw, n_experts, d),
    }
    return arrays(draw, n, d), arrays(draw, d, n_experts), experts, top_k


def _moe_loop(x, gate_weight, experts, top_k):
    """Token by token: sort the router scores, softmax the top k, run those experts."""
    out = np.zeros_like(x)
    for i, token in enumerate(x):
        scores = token @ gate_weight
        order = sorted(range(len(scores)), key=lambda e: (-scores[e], e))[:top_k]
        exps = [math.exp(scores[e] - scores[order[0]]) for e in order]
        for e, weight in zip(order, exps, strict=True):
            hidden = np.maximum(token @ experts["w_1"][e] + experts["b_1"][e], 0.0)
            out[i] += weight / sum(exps) * (hidden @ experts["w_2"][e] + experts["b_2"][e])
    return out


@FAST
@given(moe_problems())
def test_mixture_of_experts_matches_a_loop_over_experts(problem):
    x, gate_weight, experts, top_k = problem
    out, gates = mixture_of_experts(x, gate_weight, experts, top_k=top_k, return_gates=True)
    close(out, _moe_loop(x, gate_weight, experts, top_k))
    assert np.all((gates > 0).sum(axis=-1) <= top_k)
    close(gates.sum(axis=-1), np.ones(len(x)))


def test_mixture_of_experts_keeps_leading_axes_and_breaks_ties_low():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 3, 4))
    experts = {"w_1": rng.normal(size=(3, 4, 5)), "w_2": rng.normal(size=(3, 5, 4))}
    gate = rng.normal(size=(4, 3))
    out = mixture_of_experts(x, gate, experts)
    close(out.reshape(6, 4), mixture_of_experts(x.reshape(6, 4), gate, experts))
    _, gates = mixture_of_experts(x[0], np.zeros((4, 3)), experts, top_k=1, return_gates=True)
    assert gates.tolist() == [[1.0, 0.0, 0.0]] * 3
    with pytest.raises(ValueError, match="top_k must be at most the number of experts, 3"):
        mixture_of_experts(x, gate, experts, top_k=4)


# --- RMSNorm ----------------------------------------------------------------------------------


@FAST
@given(norm_problems(), st.booleans())
def test_rms_norm_matches_torch_including_its_default_eps(torch, problem, default_eps):
    x, gamma, _, eps = problem
    expected = torch.nn.functional.rms_norm(
        torch.from_numpy(x), x.shape[-1:], torch.from_numpy(gamma), eps=None if default_eps else eps
    )
    actual = rms_norm(x, gamma) if default_eps else rms_norm(x, gamma, eps=eps)
    close(actual, expected.numpy(), atol=1e-9)


def test_rms_norm_keeps_the_mean_and_is_scale_safe():
    # no centring: a constant vector stays constant, at 1 / sqrt(1 + eps / c^2)
    np.testing.assert_allclose(rms_norm([5.0, 5.0, 5.0]), 1.0, rtol=1e-15)
    close(rms_norm([3e307, -1e308, 5e307]), rms_norm([0.3, -1.0, 0.5]))
    # mean square 1e-600 is far below eps: x / sqrt(eps)
    np.testing.assert_allclose(rms_norm([1e-300, -2e-300], eps=1e-300), [1e-150, -2e-150])
    with pytest.raises(ValueError, match=r"^rms_norm's output overflows float64"):
        rms_norm([1.0, -1.0, 0.0], weight=[1.5e308, 1.5e308, 1.0])
    with pytest.raises(ValueError, match=r"^eps must be"):
        rms_norm([1.0, 2.0], eps=0.0)
