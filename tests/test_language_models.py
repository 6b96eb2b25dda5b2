"""dlterms.language_models against PyTorch and SciPy, on hypothesis-drawn shapes.

Oracles: ``torch.nn.functional.embedding`` and autograd for its gradient (plus central
finite differences); ``scipy.special.logit``; ``torch.nn.functional.cross_entropy`` on
shifted targets for the next-token loss, with ``ignore_index`` for padding and masked
LM; the exponential of torch's cross-entropy for perplexity. All in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import (
    embedding,
    embedding_grad,
    logit,
    mask_tokens,
    masked_lm_loss,
    next_token_loss,
    perplexity,
    sigmoid,
)

FAST = settings(max_examples=25, deadline=None, database=None)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def problem(seed, lead, vocab, scale=3.0):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=scale, size=(*lead, vocab)), rng.integers(0, vocab, size=lead)


@FAST
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
    st.integers(1, 6),
    st.integers(1, 5),
)
def test_embedding_and_its_gradient_match_torch(torch, seed, shape, vocab, dim):
    rng = np.random.default_rng(seed)
    ids, weight = rng.integers(0, vocab, size=shape), rng.normal(size=(vocab, dim))
    grad_out = rng.normal(size=(*shape, dim))
    w = torch.tensor(weight, requires_grad=True)
    out = torch.nn.functional.embedding(torch.tensor(ids), w)
    out.backward(torch.tensor(grad_out))
    np.testing.assert_array_equal(embedding(ids, weight), out.detach().numpy())
    np.testing.assert_allclose(
        embedding_grad(ids, grad_out, vocab), w.grad.numpy(), rtol=1e-12, atol=1e-12
    )


def test_embedding_grad_by_finite_differences():
    rng = np.random.default_rng(1)
    ids, weight = np.array([[0, 2, 2], [1, 2, 0]]), rng.normal(size=(4, 3))
    upstream = rng.normal(size=(2, 3, 3))

    def loss(w):
        return float((embedding(ids, w) * upstream).sum())

    numeric = np.zeros_like(weight)
    for index in np.ndindex(weight.shape):
        step = np.zeros_like(weight)
        step[index] = 1e-6
        numeric[index] = (loss(weight + step) - loss(weight - step)) / 2e-6
    np.testing.assert_allclose(embedding_grad(ids, upstream, 4), numeric, atol=1e-8)
    assert not embedding_grad(ids, upstream, 4)[3].any(), "an unused row has zero gradient"


def test_embedding_is_one_hot_times_the_table():
    weight = np.arange(12.0).reshape(4, 3)
    ids = np.array([3, 0, 3])
    np.testing.assert_array_equal(embedding(ids, weight), np.eye(4)[ids] @ weight)


def test_embedding_names_an_out_of_range_id():
    with pytest.raises(ValueError, match="ids must be >= 0 and < 3, the vocabulary size"):
        embedding([0, 3], np.ones((3, 2)))


@FAST
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20))
def test_logit_matches_scipy(p):
    special = pytest.importorskip("scipy.special")
    p = np.array(p)
    np.testing.assert_allclose(logit(p), special.logit(p), rtol=1e-12, atol=1e-12)


def test_logit_inverts_the_sigmoid_and_keeps_precision_near_zero():
    z = np.linspace(-30, 10, 41)  # above ~10, sigmoid(z) itself has rounded 1 - p away
    np.testing.assert_allclose(logit(sigmoid(z)), z, rtol=1e-6, atol=1e-9)
    assert logit(1e-300) == pytest.approx(np.log(1e-300), rel=1e-15)
    assert logit([0.0, 1.0]).tolist() == [-np.inf, np.inf]
    with pytest.raises(ValueError, match=r"p must hold probabilities in \[0, 1\]"):
        logit([0.5, 1.5])


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(2, 6), st.integers(2, 7))
def test_next_token_loss_is_cross_entropy_on_shifted_targets(torch, seed, n, t, vocab):
    logits, tokens = problem(seed, (n, t), vocab)
    expected = torch.nn.functional.cross_entropy(
        torch.tensor(logits[:, :-1].reshape(-1, vocab)), torch.tensor(tokens[:, 1:].reshape(-1))
    )
    assert next_token_loss(logits, tokens) == pytest.approx(expected.item(), rel=1e-12)


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(3, 6), st.integers(3, 6))
def test_next_token_loss_skips_padding_like_torch_ignore_index(torch, seed, t, vocab):
    logits, tokens = problem(seed, (2, t), vocab)
    tokens[1, -2:] = 0  # pad id 0 at the end of the second sequence
    tokens[0, 1] = 1
    expected = torch.nn.functional.cross_entropy(
        torch.tensor(logits[:, :-1].reshape(-1, vocab)),
        torch.tensor(tokens[:, 1:].reshape(-1)),
        ignore_index=0,
    )
    assert next_token_loss(logits, tokens, ignore_index=0) == pytest.approx(
        expected.item(), rel=1e-12
    )


def test_next_token_loss_refuses_all_ignored_and_too_short():
    with pytest.raises(ValueError, match="every position is ignored"):
        next_token_loss(np.zeros((3, 4)), [1, 0, 0], ignore_index=0)
    with pytest.raises(ValueError, match="at least 2 positions"):
        next_token_loss(np.zeros((1, 4)), [1])


@FAST
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 4), min_size=1, max_size=2),
    st.integers(1, 8),
)
def test_perplexity_is_exp_of_torch_cross_entropy(torch, seed, lead, vocab):
    logits, targets = problem(seed, tuple(lead), vocab)
    ce = torch.nn.functional.cross_entropy(
        torch.tensor(logits.reshape(-1, vocab)), torch.tensor(targets.reshape(-1))
    )
    assert perplexity(logits, targets) == pytest.approx(float(torch.exp(ce)), rel=1e-12)


def test_perplexity_bounds_and_overflow():
    assert perplexity(np.zeros((5, 7)), np.arange(5) % 7) == pytest.approx(7.0, rel=1e-14)
    assert perplexity([[1000.0, -1000.0]], [0]) == 1.0
    assert perplexity([[1000.0, -1000.0]], [1]) == np.inf  # exp(2000): documented as inf


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 6), st.integers(2, 6))
def test_masked_lm_loss_matches_torch_ignore_index(torch, seed, n, t, vocab):
    logits, tokens = problem(seed, (n, t), vocab)
    _, labels = mask_tokens(tokens, mask_id=0, vocab_size=vocab, mask_prob=0.5, rng=seed)
    labels.reshape(-1)[0] = tokens.reshape(-1)[0]  # at least one position chosen
    expected = torch.nn.functional.cross_entropy(
        torch.tensor(logits.reshape(-1, vocab)), torch.tensor(labels.reshape(-1))
    )
    assert masked_lm_loss(logits, labels) == pytest.approx(expected.item(), rel=1e-12)


def test_mask_tokens_follows_the_80_10_10_rule():
    tokens = np.full(200_000, 7)
    inputs, labels = mask_tokens(tokens, mask_id=0, vocab_size=50, rng=0)
    chosen = labels != -100
    assert np.array_equal(labels[chosen], tokens[chosen])
    assert np.array_equal(inputs[~chosen], tokens[~chosen])
    assert chosen.mean() == pytest.approx(0.15, abs=0.005)
    masked = (inputs[chosen] == 0).mean()
    kept = (inputs[chosen] == 7).mean()  # unchanged, or randomly replaced by 7 itself
    assert masked == pytest.approx(0.8, abs=0.01)
    assert kept == pytest.approx(0.1 + 0.1 / 50, abs=0.01)
    again = mask_tokens(tokens, mask_id=0, vocab_size=50, rng=0)
    assert np.array_equal(again[0], inputs), "a seed reproduces the corruption"
