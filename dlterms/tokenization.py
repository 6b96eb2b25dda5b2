"""Tokenization: text to integer ids with a fixed vocabulary, and byte-pair encoding.

A tokenizer turns text into a sequence of integer ids, one per token, that index an
embedding table. :func:`tokenize` splits text into characters or whitespace-separated
words and looks each one up in a given vocabulary. Byte-pair encoding learns its
vocabulary instead: it starts from the 256 byte values of the UTF-8 text and repeatedly
merges the most frequent adjacent pair into a new id (:func:`bpe_learn`);
:func:`bpe_encode` replays the merges on new text and :func:`bpe_decode` undoes them.

The BPE functions work on bytes, as GPT-2's byte-level BPE does, so every text can be
encoded and nothing is ever out of vocabulary. Merge number ``k`` (counting from 0)
creates id ``256 + k``; merges are an int array of shape ``(n_merges, 2)``.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_array, check_choice, check_int

__all__ = ["bpe_decode", "bpe_encode", "bpe_learn", "tokenize"]

N_BYTES = 256


def _as_text(text, name: str = "text") -> np.ndarray:
    """Return `text` (str or bytes) as a non-empty uint8 array of its UTF-8 bytes."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    if not isinstance(text, bytes | bytearray):
        raise TypeError(f"{name} must be a str or bytes; got {type(text).__name__}.")
    if len(text) == 0:
        raise ValueError(f"{name} must not be empty; got {text!r}.")
    return np.frombuffer(bytes(text), dtype=np.uint8).astype(np.int64)


def _as_merges(merges) -> np.ndarray:
    """Return `merges` as an int64 array (m, 2) whose row k only uses ids below 256 + k."""
    array = as_array(merges, "merges")
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"merges must hold integers; got dtype {array.dtype}.")
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"merges must have shape (n_merges, 2); got {array.shape}.")
    limit = N_BYTES + np.arange(array.shape[0])[:, None]
    bad = (array < 0) | (array >= limit)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise ValueError(
            f"merges row {row} must join ids in [0, {N_BYTES + row}) (bytes and earlier "
            f"merges); got {array[row].tolist()}."
        )
    return array.astype(np.int64)


def _as_ids(ids, n_ids: int) -> np.ndarray:
    array = as_array(ids, "ids")
    if array.dtype.kind not in "iu":
        raise TypeError(f"ids must hold integers; got dtype {array.dtype}.")
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"ids must be a non-empty 1-D array; got shape {array.shape}.")
    if array.min() < 0 or array.max() >= n_ids:
        raise ValueError(
            f"ids must be in [0, {n_ids}) for {n_ids - N_BYTES} merges; "
            f"got values in [{array.min()}, {array.max()}]."
        )
    return array.astype(np.int64)


def _merge(ids: np.ndarray, pair, new_id: int) -> np.ndarray:
    """Replace the occurrences of `pair` in `ids`, left to right, by `new_id`."""
    match = np.zeros(ids.size, dtype=bool)
    match[:-1] = (ids[:-1] == pair[0]) & (ids[1:] == pair[1])
    # Overlapping matches only occur for a pair (a, a) inside a run of a's: scanning
    # left to right keeps every other match, counted from the start of each run.
    index = np.arange(ids.size)
    starts = match & ~np.concatenate(([False], match[:-1]))
    run_start = np.maximum.accumulate(np.where(starts, index, 0))
    keep = match & ((index - run_start) % 2 == 0)
    out = ids.copy()
    out[keep] = new_id
    drop = np.zeros(ids.size, dtype=bool)
    drop[1:] = keep[:-1]
    return out[~drop]


def tokenize(text, vocabulary, *, level="char", unknown=None):
    """Tokenization: split text into characters or words and look up each vocabulary index.

    Parameters
    ----------
    text : str
        The text to tokenize.
    vocabulary : sequence of str
        The distinct tokens; token ``vocabulary[i]`` gets id ``i``.
    level : {"char", "word"}, default="char"
        Split into single characters, or into words at runs of whitespace.
    unknown : str, optional
        A vocabulary token (such as ``"<unk>"``) that stands for every token missing
        from `vocabulary`. Default: None, a missing token raises ValueError.

    Returns
    -------
    ndarray of int64, shape (n_tokens,)
        The id of each token, in order.

    Raises
    ------
    ValueError
        If `text` has no token, `vocabulary` is empty or repeats a token, `unknown` is
        not in `vocabulary`, or a token is missing and `unknown` is None.
    TypeError
        If `text` is not a str or `vocabulary` does not hold strings.

    See Also
    --------
    bpe_encode : A tokenizer that learns sub-word units, with no unknown tokens.

    dlterms.embedding : Turns the ids into vectors.

    Notes
    -----
    A fixed vocabulary is the simplest tokenizer: the vocabulary is usually every
    character or word of a training corpus (``sorted(set(corpus))``), plus special
    tokens such as ``<unk>``, ``<pad>`` or an end-of-sequence token. A word vocabulary
    must be large and still misses rare words; a character vocabulary is small but makes
    sequences long. Sub-word tokenizers such as BPE sit between the two.

    Examples
    --------
    >>> vocabulary = sorted(set("hello world"))
    >>> vocabulary
    [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']
    >>> tokenize("hello", vocabulary).tolist()
    [3, 2, 4, 4, 5]
    >>> words = ["<unk>", "the", "cat", "sat"]
    >>> tokenize("the cat sat on the mat", words, level="word", unknown="<unk>").tolist()
    [1, 2, 3, 0, 1, 0]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}.")
    level = check_choice(level, "level", ("char", "word"))
    if isinstance(vocabulary, str):
        vocabulary = list(vocabulary)
    vocab = as_array(list(vocabulary), "vocabulary")
    if vocab.size == 0 or vocab.ndim != 1:
        raise ValueError(f"vocabulary must be a non-empty list of str; got shape {vocab.shape}.")
    if vocab.dtype.kind != "U":
        raise TypeError(f"vocabulary must hold strings; got dtype {vocab.dtype}.")
    if np.unique(vocab).size != vocab.size:
        raise ValueError("vocabulary must not repeat a token; got a repeated entry.")
    tokens = np.array(list(text) if level == "char" else text.split(), dtype=str)
    if tokens.size == 0:
        raise ValueError(f"text must contain at least one {level}; got {text!r}.")
    order = np.argsort(vocab)
    position = np.searchsorted(vocab[order], tokens).clip(max=vocab.size - 1)
    ids = order[position]
    missing = vocab[ids] != tokens
    if missing.any():
        if unknown is None:
            raise ValueError(
                f"text holds {level} {str(tokens[missing][0])!r}, which is not in the "
                "vocabulary; add it, or pass unknown='<unk>' with '<unk>' in the vocabulary."
            )
        where = np.flatnonzero(vocab == unknown)
        if where.size == 0:
            raise ValueError(f"unknown must be a vocabulary token; got {unknown!r}.")
        ids = np.where(missing, where[0], ids)
    return ids.astype(np.int64)


def bpe_learn(text, n_merges):
    """Learn byte-pair-encoding merges: repeatedly join the most frequent adjacent pair.

    Parameters
    ----------
    text : str or bytes
        The training corpus; a str is encoded as UTF-8.
    n_merges : int
        The number of merges to learn, at least 0. Learning stops early when no pair
        occurs twice.

    Returns
    -------
    ndarray of int64, shape (n_learned, 2)
        Row ``k`` is the pair of ids merged into the new id ``256 + k``.

    Raises
    ------
    ValueError
        If `text` is empty or `n_merges` is negative.
    TypeError
        If `text` is not a str or bytes, or `n_merges` is not an int.

    See Also
    --------
    bpe_encode : Apply the merges to a text.

    bpe_decode : Turn ids back into bytes.

    Notes
    -----
    Starting from the bytes $x_1 \\dots x_n$, each step counts every adjacent pair
    (overlapping pairs in a run such as ``aaa`` count twice), picks the most frequent
    one, and replaces its occurrences, scanning left to right, by a new id. Ties go to the
    pair with the smallest ids, so the result is deterministic. Real tokenizers first
    split the text into words (pre-tokenization) so that merges never cross a word
    boundary; this function merges across the whole text.

    References
    ----------
    P. Gage, "A new algorithm for data compression", C Users Journal 12(2) (1994).
    R. Sennrich, B. Haddow and A. Birch, "Neural machine translation of rare words with
    subword units", ACL (2016).

    Examples
    --------
    In ``aaabdaaabac`` the pair ``aa`` occurs four times, so it becomes id 256 ("Z"),
    giving ``ZabdZabac``; then ``ab`` (twice, tied with ``Za`` but with smaller ids)
    becomes 257 ("Y"), giving ``ZYdZYac``; then ``ZY`` becomes 258 ("X"): ``XdXac``.

    >>> merges = bpe_learn("aaabdaaabac", 3)
    >>> merges.tolist()
    [[97, 97], [97, 98], [256, 257]]
    >>> bpe_encode("aaabdaaabac", merges).tolist()
    [258, 100, 258, 97, 99]
    """
    ids = _as_text(text)
    n_merges = check_int(n_merges, "n_merges", minimum=0)
    merges = []
    for k in range(n_merges):
        if ids.size < 2:
            break
        width = N_BYTES + k
        pairs, counts = np.unique(ids[:-1] * width + ids[1:], return_counts=True)
        if counts.max() < 2:
            break
        best = pairs[np.argmax(counts)]  # argmax returns the smallest pair among ties
        pair = (int(best // width), int(best % width))
        merges.append(pair)
        ids = _merge(ids, pair, N_BYTES + k)
    return np.array(merges, dtype=np.int64).reshape(-1, 2)


def bpe_encode(text, merges):
    """Encode text as byte-pair-encoding ids by replaying learned merges in order.

    Parameters
    ----------
    text : str or bytes
        The text; a str is encoded as UTF-8.
    merges : array_like of int, shape (n_merges, 2)
        From :func:`bpe_learn`: row ``k`` joins a pair into id ``256 + k``.

    Returns
    -------
    ndarray of int64, shape (n_tokens,)
        Ids in ``[0, 256 + n_merges)``; ids below 256 are single bytes.

    Raises
    ------
    ValueError
        If `text` is empty, or `merges` is not ``(n_merges, 2)`` or a row uses an id it
        cannot know (negative, or not below ``256 + k``).
    TypeError
        If `text` is not a str or bytes, or `merges` does not hold integers.

    See Also
    --------
    bpe_learn : Learn the merges.

    bpe_decode : The inverse.

    Notes
    -----
    Applying merge 0 everywhere, then merge 1, and so on gives the same ids as the
    usual rule "repeatedly merge the adjacent pair with the lowest merge rank": a merge
    only creates pairs that contain its new id, which no earlier merge uses.

    Examples
    --------
    >>> merges = bpe_learn("low low low lower", 2)
    >>> merges.tolist()
    [[108, 111], [256, 119]]
    >>> bpe_encode("slow", merges).tolist()
    [115, 257]
    >>> bytes([115]), bytes(bpe_decode([257], merges))
    (b's', b'low')
    """
    ids = _as_text(text)
    merges = _as_merges(merges)
    for k, pair in enumerate(merges):
        ids = _merge(ids, pair, N_BYTES + k)
    return ids


def bpe_decode(ids, merges):
    """Turn byte-pair-encoding ids back into the bytes they stand for.

    Parameters
    ----------
    ids : array_like of int, shape (n_tokens,)
        Ids in ``[0, 256 + n_merges)``.
    merges : array_like of int, shape (n_merges, 2)
        The merges the ids were encoded with.

    Returns
    -------
    ndarray of uint8, shape (n_bytes,)
        The bytes; ``bytes(result).decode("utf-8")`` gives back the text.

    Raises
    ------
    ValueError
        If `ids` is empty, not 1-D or out of range, or `merges` is malformed.
    TypeError
        If `ids` or `merges` does not hold integers.

    See Also
    --------
    bpe_encode : The inverse.

    Notes
    -----
    Decoding undoes the merges from the last to the first, each one splitting its id
    back into its pair. ``bpe_decode(bpe_encode(t, m), m)`` is the UTF-8 encoding of
    ``t`` for every text and every set of merges. A prefix of the ids may end inside a
    multi-byte character, so decode the bytes of a whole sequence, not token by token.

    Examples
    --------
    >>> merges = bpe_learn("aaabdaaabac", 3)
    >>> bytes(bpe_decode([258, 100], merges))
    b'aaabd'
    >>> bytes(bpe_decode(bpe_encode("héllo", merges), merges)).decode("utf-8")
    'héllo'
    """
    merges = _as_merges(merges)
    ids = _as_ids(ids, N_BYTES + merges.shape[0])
    for k in range(merges.shape[0] - 1, -1, -1):
        hit = ids == N_BYTES + k
        if hit.any():
            ids = np.repeat(ids, np.where(hit, 2, 1))
            first = np.flatnonzero(np.repeat(hit, np.where(hit, 2, 1)))[::2]
            ids[first], ids[first + 1] = merges[k]
    return ids.astype(np.uint8)
