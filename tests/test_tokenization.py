"""dlterms.tokenization: a vocabulary tokenizer and byte-pair encoding.

Oracles: merges checked by hand on the Wikipedia corpus ``aaabdaaabac`` and on
``low low low lower``; a plain-Python BPE (dict counts, list rewriting) written
independently; round trips on hypothesis-drawn Unicode text.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import bpe_decode, bpe_encode, bpe_learn, tokenize

FAST = settings(max_examples=25, deadline=None, database=None)


def python_bpe(data: bytes, n_merges: int):
    """BPE with Python lists: count pairs, take the most frequent (smallest on ties), rewrite."""
    ids, merges = list(data), []
    for k in range(n_merges):
        counts = Counter(zip(ids, ids[1:], strict=False))
        if not counts or max(counts.values()) < 2:
            break
        top = max(counts.values())
        pair = min(p for p, c in counts.items() if c == top)
        merges.append(pair)
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
                out.append(256 + k)
                i += 2
            else:
                out.append(ids[i])
                i += 1
        ids = out
    return merges, ids


def test_wikipedia_example_by_hand():
    merges = bpe_learn("aaabdaaabac", 10)
    # aa -> Z, ab -> Y, ZY -> X; then no pair occurs twice in "XdXac"
    assert merges.tolist() == [[97, 97], [97, 98], [256, 257]]
    assert bpe_encode("aaabdaaabac", merges).tolist() == [258, 100, 258, 97, 99]


def test_runs_of_one_byte_merge_left_to_right():
    merges = bpe_learn("aaaaa", 1)
    assert merges.tolist() == [[97, 97]]
    assert bpe_encode("aaaaa", merges).tolist() == [256, 256, 97]
    assert bpe_encode("aaa", merges).tolist() == [256, 97]


def test_unseen_word_reuses_learned_subwords():
    merges = bpe_learn("low low low lower", 2)
    assert bpe_encode("lowest", merges).tolist() == [257, ord("e"), ord("s"), ord("t")]


@FAST
@given(st.text(alphabet="abc d", min_size=1, max_size=60), st.integers(0, 12))
def test_learn_matches_a_plain_python_bpe(text, n_merges):
    merges, ids = python_bpe(text.encode(), n_merges)
    learned = bpe_learn(text, n_merges)
    assert [tuple(row) for row in learned.tolist()] == merges
    assert bpe_encode(text, learned).tolist() == ids


@FAST
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40), st.integers(0, 20))
def test_decode_inverts_encode_on_any_unicode(corpus, text, n_merges):
    merges = bpe_learn(corpus, n_merges)
    ids = bpe_encode(text, merges)
    assert bytes(bpe_decode(ids, merges)).decode("utf-8") == text
    assert ids.size <= len(text.encode())


def test_merges_that_refer_to_unknown_ids_are_refused():
    with pytest.raises(ValueError, match="merges row 0 must join ids in \\[0, 256\\)"):
        bpe_encode("ab", [[256, 97]])
    with pytest.raises(ValueError, match="ids must be in \\[0, 257\\)"):
        bpe_decode([257], [[97, 98]])


def test_tokenize_characters_and_words():
    vocabulary = sorted(set("hello world"))
    ids = tokenize("hello world", vocabulary)
    assert "".join(vocabulary[i] for i in ids) == "hello world"
    words = ["<unk>", "the", "cat"]
    assert tokenize("the  cat\tthe dog", words, level="word", unknown="<unk>").tolist() == [
        1,
        2,
        1,
        0,
    ]


def test_tokenize_names_the_missing_token():
    with pytest.raises(ValueError, match="text holds char 'z', which is not in the vocabulary"):
        tokenize("abz", ["a", "b"])
    with pytest.raises(ValueError, match="unknown must be a vocabulary token"):
        tokenize("abz", ["a", "b"], unknown="<unk>")
    with pytest.raises(ValueError, match="level must be one of 'char', 'word'"):
        tokenize("ab", ["a", "b"], level="byte")


@FAST
@given(st.text(alphabet="abcxyz ", min_size=1, max_size=30))
def test_tokenize_matches_a_dict_lookup(text):
    vocabulary = ["<unk>", "a", "b", "c", " "]
    index = {token: i for i, token in enumerate(vocabulary)}
    expected = [index.get(ch, 0) for ch in text]
    assert tokenize(text, vocabulary, unknown="<unk>").tolist() == expected
