"""dlterms.decoding: filtered distributions, samplers and decoders.

Oracles: ``torch.softmax(z / T)``; top-k and top-p distributions written independently
with Python sorting and loops; exhaustive search over every continuation of a tiny
vocabulary for beam search (beam width = V ** length must equal it); greedy = beam width 1
= top-k 1 = temperature near 0; empirical frequencies of the sampler.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import (
    beam_search,
    generate,
    greedy_decode,
    sample_next_token,
    temperature_softmax,
    top_k_probs,
    top_p_probs,
)

FAST = settings(max_examples=25, deadline=None, database=None)
seeds = st.integers(0, 2**32 - 1)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def direct_top_k(z, k):
    """Keep every logit >= the k-th largest (ties kept), renormalise exp(z - max)."""
    out = []
    for row in np.atleast_2d(z):
        kth = sorted(row, reverse=True)[min(k, len(row)) - 1]
        weights = [np.exp(v - max(row)) if v >= kth else 0.0 for v in row]
        out.append([w / sum(weights) for w in weights])
    return np.array(out).reshape(np.shape(z))


def direct_top_p(z, p):
    """Holtzman et al.: the smallest prefix of tokens, by falling probability, with mass >= p."""
    out = []
    for row in np.atleast_2d(z):
        probs = np.exp(row - max(row)) / np.exp(row - max(row)).sum()
        order = sorted(range(len(row)), key=lambda i: (-probs[i], i))
        kept, mass = [], 0.0
        for i in order:
            kept.append(i)
            mass += probs[i]
            if mass >= p:
                break
        total = sum(probs[i] for i in kept)
        out.append([probs[i] / total if i in kept else 0.0 for i in range(len(row))])
    return np.array(out).reshape(np.shape(z))


def logits_strategy(draw_seed, rows, vocab):
    return np.random.default_rng(draw_seed).normal(scale=2.0, size=(rows, vocab))


@FAST
@given(seeds, st.integers(1, 4), st.integers(1, 9), st.floats(0.05, 20.0))
def test_temperature_matches_torch_softmax_of_scaled_logits(torch, seed, rows, vocab, t):
    z = logits_strategy(seed, rows, vocab)
    expected = torch.softmax(torch.tensor(z) / t, dim=-1).numpy()
    np.testing.assert_allclose(
        temperature_softmax(z, temperature=t), expected, rtol=1e-12, atol=1e-15
    )


@FAST
@given(seeds, st.integers(1, 4), st.integers(1, 9), st.integers(1, 12))
def test_top_k_matches_the_direct_computation(seed, rows, vocab, k):
    z = np.round(logits_strategy(seed, rows, vocab))  # rounding creates ties
    np.testing.assert_allclose(top_k_probs(z, k), direct_top_k(z, k), rtol=1e-12, atol=1e-15)


@FAST
@given(seeds, st.integers(1, 4), st.integers(1, 9), st.floats(0.01, 1.0))
def test_top_p_matches_the_direct_computation(seed, rows, vocab, p):
    z = logits_strategy(seed, rows, vocab)
    np.testing.assert_allclose(top_p_probs(z, p), direct_top_p(z, p), rtol=1e-12, atol=1e-15)


def test_top_p_edge_cases():
    z = np.log([0.5, 0.25, 0.125, 0.125])
    assert top_p_probs(z, 1.0).round(12).tolist() == [0.5, 0.25, 0.125, 0.125]
    # exactly 0.75 after two tokens: the third is not needed
    np.testing.assert_allclose(top_p_probs(z, 0.75), [2 / 3, 1 / 3, 0, 0], rtol=1e-12)
    assert top_p_probs(z, 1e-9).tolist() == [1.0, 0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match=r"p must be a finite number in \(0, 1\]"):
        top_p_probs(z, 0.0)


def test_temperature_zero_is_refused_with_a_pointer_to_greedy():
    with pytest.raises(ValueError, match=r"temperature must be a finite number in \(0, inf\)"):
        temperature_softmax([1.0, 2.0], temperature=0.0)


def test_sampler_frequencies_follow_the_filtered_distribution():
    z = np.log([0.5, 0.25, 0.125, 0.125])
    draws = sample_next_token(np.tile(z, (200_000, 1)), top_p=0.7, rng=0)
    freq = np.bincount(draws, minlength=4) / draws.size
    np.testing.assert_allclose(freq, [2 / 3, 1 / 3, 0, 0], atol=0.005)
    draws = sample_next_token(np.tile(z, (200_000, 1)), temperature=2.0, rng=1)
    freq = np.bincount(draws, minlength=4) / draws.size
    np.testing.assert_allclose(freq, temperature_softmax(z, temperature=2.0), atol=0.005)


def markov_model(seed, vocab, order=2):
    """A random model whose logits depend on the last `order` tokens."""
    table = np.random.default_rng(seed).normal(scale=2.0, size=(vocab,) * order + (vocab,))

    def next_logits(prefix):
        context = tuple(int(t) for t in prefix[-order:])
        context = (0,) * (order - len(context)) + context
        return table[context]

    return next_logits


def log_softmax(z):
    return z - z.max() - np.log(np.exp(z - z.max()).sum())


def exhaustive(model, prompt, vocab, length):
    best, best_score = None, -np.inf
    for tail in itertools.product(range(vocab), repeat=length):
        seq, score = list(prompt), 0.0
        for token in tail:
            score += log_softmax(model(np.array(seq)))[token]
            seq.append(token)
        if score > best_score:
            best, best_score = seq, score
    return best, best_score


@FAST
@given(seeds, st.integers(2, 3), st.integers(1, 3))
def test_beam_as_wide_as_every_continuation_is_exhaustive_search(seed, vocab, length):
    model = markov_model(seed, vocab)
    expected, expected_score = exhaustive(model, [0], vocab, length)
    tokens, score = beam_search(model, [0], beam_width=vocab**length, max_new_tokens=length)
    assert tokens.tolist() == expected
    assert score == pytest.approx(expected_score, rel=1e-12, abs=1e-12)


@FAST
@given(seeds, st.integers(2, 5), st.integers(1, 6))
def test_greedy_is_beam_width_one_top_k_one_and_cold_sampling(seed, vocab, length):
    model = markov_model(seed, vocab)
    greedy = greedy_decode(model, [1], max_new_tokens=length)
    beam, _ = beam_search(model, [1], beam_width=1, max_new_tokens=length)
    assert beam.tolist() == greedy.tolist()
    assert generate(model, [1], max_new_tokens=length, top_k=1, rng=seed).tolist() == (
        greedy.tolist()
    )
    cold = generate(model, [1], max_new_tokens=length, temperature=1e-4, rng=seed)
    assert cold.tolist() == greedy.tolist()


@FAST
@given(seeds, st.integers(2, 4), st.integers(1, 4))
def test_wider_beams_never_score_worse_than_greedy(seed, vocab, length):
    model = markov_model(seed, vocab)
    _, narrow = beam_search(model, [0], beam_width=1, max_new_tokens=length)
    _, wide = beam_search(model, [0], beam_width=vocab**length, max_new_tokens=length)
    assert wide >= narrow - 1e-12


def test_beam_search_stops_at_eos_and_keeps_finished_hypotheses():
    eos = 2
    table = np.log([[0.1, 0.3, 0.6], [0.05, 0.05, 0.9], [1 / 3, 1 / 3, 1 / 3]])
    tokens, score = beam_search(
        lambda p: table[p[-1]], [0], beam_width=3, max_new_tokens=5, eos_id=eos
    )
    assert tokens.tolist() == [0, 2]
    assert score == pytest.approx(np.log(0.6))


def test_generate_is_reproducible_and_stops_at_eos():
    model = markov_model(3, 4)
    a = generate(model, [0], max_new_tokens=20, rng=5)
    assert np.array_equal(a, generate(model, [0], max_new_tokens=20, rng=5))
    b = generate(model, [0], max_new_tokens=50, eos_id=3, rng=5)
    assert 3 not in b[1:-1].tolist() and (b[-1] == 3 or b.size == 51)


def test_model_errors_are_named():
    with pytest.raises(ValueError, match="next_logits\\(prefix\\) must return 3 logits"):
        calls = iter([np.zeros(3), np.zeros(4)])
        greedy_decode(lambda p: next(calls), [0], max_new_tokens=3)
    with pytest.raises(ValueError, match="prompt ids must be < 3"):
        greedy_decode(lambda p: np.zeros(3), [5], max_new_tokens=1)
    with pytest.raises(TypeError, match="next_logits must be callable"):
        beam_search(np.zeros(3), [0], beam_width=2, max_new_tokens=1)
