"""Language models: embeddings, logits and the losses a language model is trained with.

A language model reads token ids, looks each one up in an embedding table
(:func:`embedding`, whose gradient is :func:`embedding_grad`), and outputs logits: one
unnormalised score per vocabulary entry at every position. :func:`logit` is the inverse
of the sigmoid, the function the word "logits" comes from. A causal language model is
trained to predict each next token (:func:`next_token_loss`) and scored by
:func:`perplexity`; a masked language model such as BERT hides some tokens
(:func:`mask_tokens`) and is trained to recover them (:func:`masked_lm_loss`).

Logits are ``(..., V)`` arrays over a vocabulary of `V` tokens; token ids are integer
arrays with the leading shape of the logits.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_rng,
    check_int,
    check_real,
)
from dlterms.activations import log_softmax

__all__ = [
    "embedding",
    "embedding_grad",
    "logit",
    "mask_tokens",
    "masked_lm_loss",
    "next_token_loss",
    "perplexity",
]

IGNORE_INDEX = -100


def as_token_ids(ids, name: str, n_tokens: int | None = None, *, ignore=None) -> np.ndarray:
    """Return `ids` as a non-empty int64 array of ids in ``[0, n_tokens)`` (or `ignore`)."""
    array = as_array(ids, name)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer token ids; got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    array = array.astype(np.int64)
    valid = array if ignore is None else array[array != ignore]
    if valid.size and (valid.min() < 0 or (n_tokens is not None and valid.max() >= n_tokens)):
        upper = "" if n_tokens is None else f" and < {n_tokens}, the vocabulary size"
        hint = "" if ignore is None else f" (or {ignore}, ignored)"
        raise ValueError(
            f"{name} must be >= 0{upper}{hint}; got values in [{valid.min()}, {valid.max()}]."
        )
    return array


def _mean_nll(logits: np.ndarray, targets: np.ndarray, ignore_index) -> float:
    """Mean negative log-likelihood of `targets` under `logits`, skipping `ignore_index`."""
    keep = np.ones(targets.shape, dtype=bool) if ignore_index is None else targets != ignore_index
    if not keep.any():
        raise ValueError(
            f"targets must have at least one position that is not ignore_index={ignore_index}; "
            "every position is ignored, so the mean loss would be 0 / 0."
        )
    picked = np.take_along_axis(log_softmax(logits[keep]), targets[keep][:, None], axis=-1)
    return float(-picked.mean())


def _as_logits(logits, min_ndim: int = 1) -> np.ndarray:
    return as_float_array(logits, "logits", min_ndim=min_ndim)


def _check_lead(logits: np.ndarray, targets: np.ndarray, name: str = "targets") -> None:
    if targets.shape != logits.shape[:-1]:
        raise ValueError(
            f"{name} must have the shape of logits without its last axis, "
            f"{logits.shape[:-1]}; got {targets.shape}."
        )


def embedding(ids, weight):
    """Look up the row of an embedding table for every token id.

    Parameters
    ----------
    ids : array_like of int, any shape
        Token ids in ``[0, V)``.
    weight : array_like of shape (V, d)
        The embedding table: one `d`-dimensional vector per token.

    Returns
    -------
    ndarray of shape ``ids.shape + (d,)``
        ``weight[ids]``, a copy.

    Raises
    ------
    ValueError
        If `weight` is not 2-D, an array is empty or holds NaN or infinity, or an id is
        negative or not below `V`.
    TypeError
        If `ids` does not hold integers or `weight` does not hold real numbers.

    See Also
    --------
    embedding_grad : Its gradient with respect to the table.

    dlterms.one_hot : The equivalent one-hot encoding, multiplied by the table.

    Notes
    -----
    $$e_t = W_{x_t} = \\operatorname{onehot}(x_t)^\\top W$$

    An embedding layer is a dense layer without bias applied to one-hot inputs,
    computed as an index instead of a matrix product. The table is learned with the rest
    of the model. This is ``torch.nn.functional.embedding(ids, weight)``.

    Examples
    --------
    >>> table = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    >>> embedding([2, 0, 2], table).tolist()
    [[4.0, 5.0], [0.0, 1.0], [4.0, 5.0]]
    """
    weight = as_float_array(weight, "weight", ndim=2, layout="(V, d)")
    ids = as_token_ids(ids, "ids", weight.shape[0])
    return weight[ids]


def embedding_grad(ids, grad_output, n_embeddings):
    """Gradient of a loss with respect to the embedding table, given its output gradient.

    Parameters
    ----------
    ids : array_like of int, any shape
        The token ids that were looked up.
    grad_output : array_like of shape ``ids.shape + (d,)``
        The gradient of the loss with respect to :func:`embedding`'s output.
    n_embeddings : int
        `V`, the number of rows of the table.

    Returns
    -------
    ndarray of shape (V, d)
        Row `v` is the sum of the output gradients at every position holding token `v`;
        rows of tokens that do not occur are 0.

    Raises
    ------
    ValueError
        If the shapes do not match, an array is empty or holds NaN or infinity, or an id
        is out of range.
    TypeError
        If `ids` does not hold integers or `n_embeddings` is not an int.

    See Also
    --------
    embedding : The lookup.

    Notes
    -----
    $$\\frac{\\partial L}{\\partial W_v} = \\sum_{t : x_t = v} \\frac{\\partial L}{\\partial e_t}$$

    A token that occurs twice collects both gradients: the accumulation uses
    ``np.add.at``, which, unlike ``grad[ids] += g``, does not drop repeated indices.
    The gradient is sparse: only rows of tokens in the batch change.

    Examples
    --------
    >>> embedding_grad([2, 0, 2], [[1.0, 1.0], [0.5, 0.0], [2.0, 0.0]], 3).tolist()
    [[0.5, 0.0], [0.0, 0.0], [3.0, 1.0]]
    """
    n_embeddings = check_int(n_embeddings, "n_embeddings", minimum=1)
    ids = as_token_ids(ids, "ids", n_embeddings)
    grad_output = as_float_array(grad_output, "grad_output", min_ndim=1)
    if grad_output.shape[:-1] != ids.shape:
        raise ValueError(
            f"grad_output must have shape ids.shape + (d,) = {ids.shape} + (d,); "
            f"got {grad_output.shape}."
        )
    grad = np.zeros((n_embeddings, grad_output.shape[-1]))
    np.add.at(grad, ids.reshape(-1), grad_output.reshape(-1, grad_output.shape[-1]))
    return grad


def logit(p):
    """The logit of a probability: its log-odds, the inverse of the sigmoid.

    Parameters
    ----------
    p : array_like
        Probabilities in ``[0, 1]``.

    Returns
    -------
    float or ndarray
        $\\log(p / (1 - p))$, of the shape of `p`; ``-inf`` at 0 and ``inf`` at 1, as in
        ``scipy.special.logit``.

    Raises
    ------
    ValueError
        If `p` is empty, holds NaN, or lies outside ``[0, 1]``.
    TypeError
        If `p` does not hold real numbers.

    See Also
    --------
    dlterms.sigmoid : The inverse, $\\sigma(\\operatorname{logit}(p)) = p$.

    dlterms.softmax : Turns a vector of logits into probabilities.

    Notes
    -----
    $$\\operatorname{logit}(p) = \\log\\frac{p}{1 - p} = \\log p - \\log(1 - p)$$

    Computed as ``log(p) - log1p(-p)``; its values agree with ``scipy.special.logit``
    to within a few units in the last place (both lose some relative precision where the
    logit is near 0, around ``p = 0.5``). The word "logits" for a network's unnormalised
    outputs comes from here: with two classes, the sigmoid of the logit is the
    probability; with many, the softmax of the logits is the distribution, and logits
    are the log-probabilities up to an additive constant.

    Examples
    --------
    >>> logit([0.5, 0.75, 0.2]).round(6).tolist()
    [0.0, 1.098612, -1.386294]
    >>> logit(1e-300)
    -690.7755278982137
    """
    array = as_float_array(p, "p", finite=False)
    if np.isnan(array).any() or array.min() < 0 or array.max() > 1:
        raise ValueError(
            f"p must hold probabilities in [0, 1]; got values in [{array.min()}, {array.max()}]."
        )
    with np.errstate(divide="ignore"):  # p = 0 or 1 give -inf or inf, as documented
        result = np.log(array) - np.log1p(-array)
    return float(result) if result.ndim == 0 else result


def next_token_loss(logits, tokens, *, ignore_index=None):
    """Causal language modeling loss: each position's cross-entropy against the next token.

    Parameters
    ----------
    logits : array_like of shape (..., T, V)
        The model's output at every position of each sequence.
    tokens : array_like of int, shape (..., T)
        The input sequences the logits were computed from.
    ignore_index : int, optional
        A token id (typically a padding id) whose positions count neither as a target nor
        in the mean. Default: None, every target counts.

    Returns
    -------
    float
        The mean over sequences and positions ``t = 0 .. T - 2`` of
        $-\\log p(x_{t+1} \\mid x_{\\le t})$, in nats.

    Raises
    ------
    ValueError
        If the shapes do not match, ``T < 2``, logits hold NaN or infinity, an id is out
        of range, or every target is `ignore_index`.
    TypeError
        If `tokens` does not hold integers.

    See Also
    --------
    perplexity : The exponential of this loss.

    dlterms.cross_entropy : The same loss for one prediction per example.

    Notes
    -----
    $$L = -\\frac{1}{N(T-1)} \\sum_{n} \\sum_{t=1}^{T-1}
         \\log \\operatorname{softmax}(z_{n,t})_{x_{n,t+1}}$$

    The logits at position `t` predict token ``t + 1``: the last position has no target
    and the first token is never predicted. Forgetting this shift trains the model to
    copy its input. Equal to ``torch.nn.functional.cross_entropy(logits[..., :-1, :]
    .reshape(-1, V), tokens[..., 1:].reshape(-1))``; log-probabilities come from a
    max-shifted log-softmax, so large logits do not overflow.

    Examples
    --------
    Uniform logits over 4 tokens give $\\log 4 \\approx 1.3863$ whatever the tokens:

    >>> import numpy as np
    >>> round(next_token_loss(np.zeros((3, 4)), [0, 1, 2]), 4)
    1.3863

    Position 0 puts logit $\\log 3$ on token 1, which comes next: $p = 3/6 = 0.5$.
    Position 1 is uniform over 4 tokens: $p = 0.25$. The mean of $\\log 2$ and
    $\\log 4$ is $1.5 \\log 2 \\approx 1.0397$.

    >>> z = np.zeros((3, 4)); z[0, 1] = np.log(3.0)
    >>> round(next_token_loss(z, [0, 1, 3]), 4)
    1.0397
    """
    logits = _as_logits(logits, min_ndim=2)
    if ignore_index is not None:
        ignore_index = check_int(ignore_index, "ignore_index", minimum=-(2**62))
    tokens = as_token_ids(tokens, "tokens", logits.shape[-1], ignore=ignore_index)
    _check_lead(logits, tokens, "tokens")
    if tokens.shape[-1] < 2:
        raise ValueError(
            f"tokens must have at least 2 positions to predict a next token; got {tokens.shape}."
        )
    return _mean_nll(logits[..., :-1, :], tokens[..., 1:], ignore_index)


def perplexity(logits, targets):
    """Perplexity: the exponential of the mean negative log-likelihood of the targets.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        One prediction per target.
    targets : array_like of int, shape (...)
        The tokens that actually came next.

    Returns
    -------
    float
        $\\exp$ of the mean cross-entropy in nats; 1 for a perfect model, `V` for a
        uniform guess over `V` tokens.

    Raises
    ------
    ValueError
        If the shapes do not match, logits hold NaN or infinity, or a target is out of
        range.
    TypeError
        If `targets` does not hold integers.

    See Also
    --------
    next_token_loss : The loss whose exponential this is, with the shift built in.

    dlterms.cross_entropy : The mean negative log-likelihood.

    Notes
    -----
    $$\\operatorname{PPL} = \\exp\\Bigl(-\\frac1N \\sum_{i=1}^{N} \\log p(y_i)\\Bigr)$$

    Read it as an effective branching factor: a model with perplexity 20 is as unsure
    as a uniform choice among 20 tokens. It depends on the tokenizer, so perplexities of
    models with different vocabularies are not comparable. The exponential can overflow
    for a model that is confidently wrong; the result is then ``inf``, returned without a
    warning, because the mean log-likelihood itself is finite.

    Examples
    --------
    >>> import numpy as np
    >>> round(perplexity(np.zeros((2, 8)), [3, 5]), 6)
    8.0
    >>> round(perplexity([[np.log(3.0), 0.0]], [0]), 6)
    1.333333
    """
    logits = _as_logits(logits)
    targets = as_token_ids(targets, "targets", logits.shape[-1])
    _check_lead(logits, targets)
    loss = _mean_nll(logits, targets, None)
    with np.errstate(over="ignore"):  # a loss above ~709 nats is an infinite perplexity
        return float(np.exp(loss))


def mask_tokens(tokens, *, mask_id, vocab_size, mask_prob=0.15, rng=None):
    """Mask tokens for masked language modeling, as BERT does (80/10/10).

    Parameters
    ----------
    tokens : array_like of int, any shape
        Token ids in ``[0, vocab_size)``.
    mask_id : int
        The id of the mask token, in ``[0, vocab_size)``.
    vocab_size : int
        The vocabulary size, for the random replacements.
    mask_prob : float, default=0.15
        The probability that a position is chosen as a prediction target.
    rng : numpy.random.Generator or int or None, optional
        Source of randomness.

    Returns
    -------
    inputs : ndarray of int64, shape of `tokens`
        The corrupted ids: of the chosen positions, 80% become `mask_id`, 10% a random
        token and 10% stay unchanged.
    labels : ndarray of int64, shape of `tokens`
        The original id at chosen positions and -100 elsewhere, the ignore value of
        :func:`masked_lm_loss` and of PyTorch's cross-entropy.

    Raises
    ------
    ValueError
        If `tokens` is empty or out of range, `mask_id` is out of range, or `mask_prob`
        is not in ``[0, 1]``.
    TypeError
        If `tokens` does not hold integers or an option has the wrong type.

    See Also
    --------
    masked_lm_loss : The loss on the chosen positions.

    Notes
    -----
    Each position is chosen independently with probability `mask_prob` (BERT chooses
    exactly 15% of the positions; the expected count is the same). Keeping 10% of the
    targets unchanged and randomising 10% stops the model from learning that only
    ``[MASK]`` positions matter, since ``[MASK]`` never appears when the model is
    fine-tuned.

    References
    ----------
    J. Devlin et al., "BERT: pre-training of deep bidirectional transformers for language
    understanding", NAACL (2019), section 3.1.

    Examples
    --------
    >>> inputs, labels = mask_tokens([5, 6, 7, 8], mask_id=0, vocab_size=10, mask_prob=1.0,
    ...                              rng=0)
    >>> labels.tolist()
    [5, 6, 7, 8]
    >>> inputs, labels = mask_tokens([5, 6, 7, 8], mask_id=0, vocab_size=10, mask_prob=0.0)
    >>> inputs.tolist(), labels.tolist()
    ([5, 6, 7, 8], [-100, -100, -100, -100])
    """
    vocab_size = check_int(vocab_size, "vocab_size", minimum=1)
    tokens = as_token_ids(tokens, "tokens", vocab_size)
    mask_id = check_int(mask_id, "mask_id", minimum=0)
    if mask_id >= vocab_size:
        raise ValueError(f"mask_id must be < vocab_size = {vocab_size}; got {mask_id}.")
    mask_prob = check_real(mask_prob, "mask_prob", low=0.0, high=1.0)
    rng = as_rng(rng)
    chosen = rng.random(tokens.shape) < mask_prob
    action = rng.random(tokens.shape)
    random_ids = rng.integers(0, vocab_size, size=tokens.shape)
    inputs = np.where(chosen & (action < 0.8), mask_id, tokens)
    inputs = np.where(chosen & (action >= 0.8) & (action < 0.9), random_ids, inputs)
    labels = np.where(chosen, tokens, IGNORE_INDEX)
    return inputs.astype(np.int64), labels.astype(np.int64)


def masked_lm_loss(logits, labels):
    """Masked language modeling loss: cross-entropy at the chosen positions only.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        The model's output at every position.
    labels : array_like of int, shape (...)
        The original id at chosen positions and -100 elsewhere, as returned by
        :func:`mask_tokens`.

    Returns
    -------
    float
        The mean of $-\\log p(x_i)$ over the positions whose label is not -100.

    Raises
    ------
    ValueError
        If the shapes do not match, logits hold NaN or infinity, a label is out of range,
        or every label is -100 (no position was chosen: the mean would be 0 / 0).
    TypeError
        If `labels` does not hold integers.

    See Also
    --------
    mask_tokens : Chooses the positions and corrupts the input.

    next_token_loss : The causal alternative, which predicts every next token.

    Notes
    -----
    $$L = -\\frac{1}{|M|} \\sum_{i \\in M} \\log \\operatorname{softmax}(z_i)_{x_i}$$

    Unlike next-token prediction there is no shift: position `i` predicts its own
    original token, and the model sees context on both sides. Only about 15% of the
    positions give a training signal. Equal to ``torch.nn.functional.cross_entropy``
    with its default ``ignore_index=-100``.

    Examples
    --------
    Two positions chosen: uniform over 4 tokens ($\\log 4$), and a position whose true
    token has probability 1/2 ($\\log 2$); the mean is $1.5 \\log 2$.

    >>> import numpy as np
    >>> z = np.zeros((3, 4)); z[2, 3] = np.log(3.0)
    >>> round(masked_lm_loss(z, [1, -100, 3]), 4)
    1.0397
    """
    logits = _as_logits(logits)
    labels = as_token_ids(labels, "labels", logits.shape[-1], ignore=IGNORE_INDEX)
    _check_lead(logits, labels, "labels")
    return _mean_nll(logits, labels, IGNORE_INDEX)
