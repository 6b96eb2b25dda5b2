"""Attention in dlterms.attention.

Oracles: ``torch.nn.functional.scaled_dot_product_attention`` (no mask, ``is_causal=True``
and a boolean padding ``attn_mask``) and autograd, ``torch.nn.MultiheadAttention`` with
the same weights for self- and cross-attention, full recomputation for the KV cache, and
central finite differences for the gradients. Everything runs in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    causal_mask,
    kv_cache_step,
    multi_head_attention,
    padding_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_grad,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
unit = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-11)


@st.composite
def qkv(draw):
    """query (n, h, L, d_k), key (n, h, S, d_k), value (n, h, S, d_v) and lengths (n,)."""
    n, h = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    length, n_keys = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    d_k, d_v = draw(st.integers(1, 4)), draw(st.integers(1, 4))

    def arr(*shape):
        return draw(hnp.arrays(np.float64, shape, elements=unit))

    lengths = np.array(draw(st.lists(st.integers(1, n_keys), min_size=n, max_size=n)))
    return arr(n, h, length, d_k), arr(n, h, n_keys, d_k), arr(n, h, n_keys, d_v), lengths


def _t(torch, *arrays):
    return [torch.from_numpy(np.ascontiguousarray(a)) for a in arrays]


# --- scaled dot-product attention -------------------------------------------------------


@FAST
@given(qkv())
def test_sdpa_matches_torch_without_mask(torch, problem):
    q, k, v, _ = problem
    expected = torch.nn.functional.scaled_dot_product_attention(*_t(torch, q, k, v))
    close(scaled_dot_product_attention(q, k, v), expected.numpy())


@FAST
@given(qkv())
def test_sdpa_matches_torch_causal(torch, problem):
    q, k, v, _ = problem
    expected = torch.nn.functional.scaled_dot_product_attention(*_t(torch, q, k, v), is_causal=True)
    close(scaled_dot_product_attention(q, k, v, causal=True), expected.numpy())


@FAST
@given(qkv())
def test_sdpa_matches_torch_with_a_padding_mask(torch, problem):
    q, k, v, lengths = problem
    mask = padding_mask(lengths, max_length=k.shape[2])[:, None]  # (n, 1, 1, S): all heads
    expected = torch.nn.functional.scaled_dot_product_attention(
        *_t(torch, q, k, v), attn_mask=torch.from_numpy(mask)
    )
    close(scaled_dot_product_attention(q, k, v, mask=mask), expected.numpy())


@FAST
@given(qkv(), st.floats(0.1, 3.0))
def test_sdpa_scale_matches_torch(torch, problem, scale):
    q, k, v, _ = problem
    expected = torch.nn.functional.scaled_dot_product_attention(*_t(torch, q, k, v), scale=scale)
    close(scaled_dot_product_attention(q, k, v, scale=scale), expected.numpy())


def test_weights_are_distributions_that_ignore_masked_keys():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    mask = np.array([True, False, True, True, False, True])
    out, w = scaled_dot_product_attention(q, k, v, mask=mask, return_weights=True)
    close(w.sum(axis=-1), np.ones(4))
    assert np.all(w[:, ~mask] == 0.0)
    # masked keys make no difference, whatever their values
    v2 = v.copy()
    v2[~mask] = 1e6
    np.testing.assert_array_equal(scaled_dot_product_attention(q, k, v2, mask=mask), out)
    # and removing them gives the same result
    close(scaled_dot_product_attention(q, k[mask], v[mask]), out)


def test_mask_and_causal_combine():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2)), rng.normal(size=(3, 3, 2))
    mask = padding_mask([3, 2, 1])
    both = scaled_dot_product_attention(q, k, v, mask=mask, causal=True)
    close(both, scaled_dot_product_attention(q, k, v, mask=mask & causal_mask(3)))


def test_large_scores_do_not_overflow():
    q = np.array([[1000.0], [-1000.0]])
    out = scaled_dot_product_attention(q, [[1.0], [2.0]], [[1.0], [5.0]], scale=1.0)
    assert out.tolist() == [[5.0], [1.0]]


def test_fully_masked_row_raises_and_names_it():
    q = k = v = np.zeros((2, 3, 1))
    mask = np.ones((2, 3, 3), bool)
    mask[1, 2] = False
    with pytest.raises(ValueError, match=r"query row \(1, 2\) with every key masked out"):
        scaled_dot_product_attention(q, k, v, mask=mask)
    with pytest.raises(ValueError, match="every key masked out"):
        scaled_dot_product_attention_grad(q, k, v, np.ones((2, 3, 1)), mask=mask)


def test_bad_mask_and_overflowing_scores_raise():
    q = k = v = np.zeros((2, 1))
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((2, 2)))
    with pytest.raises(ValueError, match="mask must broadcast"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((3, 2), bool))
    with pytest.raises(TypeError, match="causal must be True or False"):
        scaled_dot_product_attention(q, k, v, causal=1)
    with pytest.raises(ValueError, match="finite scores"):
        scaled_dot_product_attention([[1e200]], [[1e200]], [[1.0]])
    with pytest.raises(ValueError, match="value must have"):
        scaled_dot_product_attention(q, k, np.zeros((3, 1)))


# --- gradients ----------------------------------------------------------------------------


def _numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@settings(max_examples=15, deadline=None, database=None)
@given(qkv(), st.booleans())
def test_sdpa_grad_matches_finite_differences(problem, causal):
    q, k, v, lengths = problem
    mask = padding_mask(lengths, max_length=k.shape[2])[:, None]
    g_out = np.cos(np.arange(q.shape[2] * v.shape[3])).reshape(q.shape[2], v.shape[3])
    grads = scaled_dot_product_attention_grad(
        q, k, v, g_out + 0 * q[..., :1], mask=mask, causal=causal
    )

    def loss(q_, k_, v_):
        out = scaled_dot_product_attention(q_, k_, v_, mask=mask, causal=causal)
        return float(np.sum(out * g_out))

    np.testing.assert_allclose(grads.query, _numeric_grad(lambda x: loss(x, k, v), q), atol=1e-7)
    np.testing.assert_allclose(grads.key, _numeric_grad(lambda x: loss(q, x, v), k), atol=1e-7)
    np.testing.assert_allclose(grads.value, _numeric_grad(lambda x: loss(q, k, x), v), atol=1e-7)


@FAST
@given(qkv())
def test_sdpa_grad_matches_torch_autograd(torch, problem):
    q, k, v, _ = problem
    tq, tk, tv = (t.requires_grad_() for t in _t(torch, q, k, v))
    out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
    g_out = np.sin(np.arange(out.numel())).reshape(out.shape)
    out.backward(torch.from_numpy(g_out))
    grads = scaled_dot_product_attention_grad(q, k, v, g_out, causal=True)
    close(grads.query, tq.grad.numpy())
    close(grads.key, tk.grad.numpy())
    close(grads.value, tv.grad.numpy())


# --- multi-head attention -------------------------------------------------------------------


@st.composite
def mha_problems(draw, cross=False):
    n, n_heads, d_head = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    d_model, length = n_heads * d_head, draw(st.integers(1, 5))
    n_keys = draw(st.integers(1, 5)) if cross else length
    d_key = draw(st.integers(1, 4)) if cross else d_model
    d_value = draw(st.integers(1, 4)) if cross else d_model

    def arr(*shape):
        return draw(hnp.arrays(np.float64, shape, elements=unit))

    params = {
        "w_q": arr(d_model, d_model),
        "w_k": arr(d_key, d_model),
        "w_v": arr(d_value, d_model),
        "w_o": arr(d_model, d_model),
        "b_q": arr(d_model),
        "b_k": arr(d_model),
        "b_v": arr(d_model),
        "b_o": arr(d_model),
    }
    query = arr(n, length, d_model)
    key = arr(n, n_keys, d_key) if cross else query
    value = arr(n, n_keys, d_value) if cross else query
    lengths = np.array(draw(st.lists(st.integers(1, n_keys), min_size=n, max_size=n)))
    return query, key, value, params, n_heads, lengths


def _torch_mha(torch, params, n_heads):
    """torch.nn.MultiheadAttention in float64 holding our weights (transposed)."""
    d_model = params["w_q"].shape[1]
    kdim, vdim = params["w_k"].shape[0], params["w_v"].shape[0]
    mha = torch.nn.MultiheadAttention(
        d_model, n_heads, batch_first=True, kdim=kdim, vdim=vdim, dtype=torch.float64
    )
    with torch.no_grad():
        if mha._qkv_same_embed_dim:
            stacked = np.concatenate([params["w_q"].T, params["w_k"].T, params["w_v"].T])
            mha.in_proj_weight.copy_(torch.from_numpy(stacked))
        else:
            mha.q_proj_weight.copy_(torch.from_numpy(params["w_q"].T.copy()))
            mha.k_proj_weight.copy_(torch.from_numpy(params["w_k"].T.copy()))
            mha.v_proj_weight.copy_(torch.from_numpy(params["w_v"].T.copy()))
        biases = np.concatenate([params["b_q"], params["b_k"], params["b_v"]])
        mha.in_proj_bias.copy_(torch.from_numpy(biases))
        mha.out_proj.weight.copy_(torch.from_numpy(params["w_o"].T.copy()))
        mha.out_proj.bias.copy_(torch.from_numpy(params["b_o"]))
    return mha


@FAST
@given(mha_problems(), st.booleans())
def test_self_attention_matches_torch(torch, problem, causal):
    x, _, _, params, n_heads, _ = problem
    mha = _torch_mha(torch, params, n_heads)
    tx = torch.from_numpy(x)
    mask = None
    if causal:  # torch: True = not allowed
        mask = torch.from_numpy(~causal_mask(x.shape[1]))
    expected, _ = mha(tx, tx, tx, attn_mask=mask, need_weights=False)
    actual = multi_head_attention(x, x, x, params, n_heads=n_heads, causal=causal)
    close(actual, expected.detach().numpy())


@FAST
@given(mha_problems(cross=True))
def test_cross_attention_with_padding_matches_torch(torch, problem):
    query, key, value, params, n_heads, lengths = problem
    mha = _torch_mha(torch, params, n_heads)
    mask = padding_mask(lengths, max_length=key.shape[1])
    expected, _ = mha(
        *_t(torch, query, key, value),
        key_padding_mask=torch.from_numpy(~mask[:, 0]),
        need_weights=False,
    )
    actual = multi_head_attention(query, key, value, params, n_heads=n_heads, mask=mask)
    close(actual, expected.detach().numpy())


def test_multi_head_unbatched_equals_batch_of_one_and_biases_default_to_zero():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 6))
    params = {k: rng.normal(size=(6, 6)) for k in ("w_q", "w_k", "w_v", "w_o")}
    zeros = dict(params, b_q=np.zeros(6), b_k=np.zeros(6), b_v=np.zeros(6), b_o=np.zeros(6))
    one = multi_head_attention(x, x, x, params, n_heads=3)
    np.testing.assert_array_equal(
        one, multi_head_attention(x[None], x[None], x[None], zeros, n_heads=3)[0]
    )


def test_one_head_is_projected_sdpa():
    rng = np.random.default_rng(3)
    q, kv = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4))
    p = {k: rng.normal(size=(4, 4)) for k in ("w_q", "w_k", "w_v", "w_o")}
    expected = scaled_dot_product_attention(q @ p["w_q"], kv @ p["w_k"], kv @ p["w_v"]) @ p["w_o"]
    close(multi_head_attention(q, kv, kv, p, n_heads=1), expected)


def test_multi_head_bad_params():
    x = np.ones((2, 4))
    p = {k: np.eye(4) for k in ("w_q", "w_k", "w_v", "w_o")}
    with pytest.raises(ValueError, match="n_heads must divide d_model = 4"):
        multi_head_attention(x, x, x, p, n_heads=3)
    with pytest.raises(ValueError, match="got no w_o"):
        multi_head_attention(x, x, x, {k: p[k] for k in ("w_q", "w_k", "w_v")}, n_heads=1)
    with pytest.raises(TypeError, match="params must be a mapping"):
        multi_head_attention(x, x, x, [np.eye(4)] * 4, n_heads=1)
    with pytest.raises(ValueError, match="all be batched"):
        multi_head_attention(x[None], x, x, p, n_heads=1)


# --- KV cache ---------------------------------------------------------------------------------


@FAST
@given(mha_problems())
def test_kv_cache_decoding_equals_full_causal_recomputation(problem):
    x, _, _, params, n_heads, _ = problem
    full = multi_head_attention(x, x, x, params, n_heads=n_heads, causal=True)
    cache, steps = None, []
    for t in range(x.shape[1]):
        out, cache = kv_cache_step(x[:, t], cache, params, n_heads=n_heads)
        steps.append(out)
    close(np.stack(steps, axis=1), full)
    assert cache.keys.shape == cache.values.shape == x.shape
    close(cache.keys, x @ params["w_k"] + params["b_k"])


def test_kv_cache_rejects_a_cache_of_another_batch():
    p = {k: np.eye(2) for k in ("w_q", "w_k", "w_v", "w_o")}
    _, cache = kv_cache_step(np.ones((3, 2)), None, p, n_heads=1)
    with pytest.raises(ValueError, match="cache.keys must have shape"):
        kv_cache_step(np.ones((2, 2)), cache, p, n_heads=1)
    with pytest.raises(TypeError, match="cache must be a KVCache"):
        kv_cache_step(np.ones((3, 2)), cache.keys, p, n_heads=1)


# --- masks ----------------------------------------------------------------------------------


def test_masks_agree_with_loops():
    mask = causal_mask(4, 6)
    assert all(mask[i, j] == (j <= i) for i in range(4) for j in range(6))
    pad = padding_mask([1, 3, 2], max_length=5)
    assert pad.shape == (3, 1, 5)
    assert all(pad[b, 0, j] == (j < n) for b, n in enumerate([1, 3, 2]) for j in range(5))
    with pytest.raises(ValueError, match="at most max_length = 2"):
        padding_mask([3], max_length=2)
    with pytest.raises(ValueError, match="at least 1"):
        padding_mask([0, 2])
