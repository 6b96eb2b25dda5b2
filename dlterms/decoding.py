"""Decoding: turning a language model's logits into text, one token at a time.

A decoder repeatedly asks the model for the logits of the next token and picks one.
:func:`greedy_decode` takes the most likely token; :func:`beam_search` keeps the
`beam_width` most likely sequences; :func:`generate` samples, after reshaping the
distribution with a temperature (:func:`temperature_softmax`), top-k filtering
(:func:`top_k_probs`) and nucleus (top-p) filtering (:func:`top_p_probs`);
:func:`sample_next_token` draws one token from the result.

The model is any callable ``next_logits(prefix)`` that takes the 1-D int array of tokens
so far and returns the 1-D logits of the next token, of the same length `V` at every
call. Every decoder returns the prompt followed by the new tokens, as Hugging Face's
``generate`` does.
"""

from __future__ import annotations

import numpy as np

from dlterms._validation import as_float_array, as_rng, check_int, check_real
from dlterms.activations import log_softmax
from dlterms.language_models import as_token_ids

__all__ = [
    "beam_search",
    "generate",
    "greedy_decode",
    "sample_next_token",
    "temperature_softmax",
    "top_k_probs",
    "top_p_probs",
]


def _scaled(logits, temperature) -> np.ndarray:
    """Return finite float `logits` divided by `temperature` > 0."""
    logits = as_float_array(logits, "logits", min_ndim=1)
    temperature = check_real(temperature, "temperature", low=0.0, closed="neither")
    with np.errstate(over="ignore"):  # checked just below, with a clearer message
        z = logits / temperature
    if not np.isfinite(z).all():
        raise ValueError(
            f"logits / temperature must be finite; got an overflow for temperature {temperature:g}."
        )
    return z


def _masked_softmax(z: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Softmax over the last axis with the scores outside `keep` at -inf (each row keeps one)."""
    masked = np.where(keep, z, -np.inf)
    with np.errstate(over="ignore"):  # z - max below -1.8e308 is -inf, and exp(-inf) is 0
        e = np.exp(masked - masked.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _top_k_keep(z: np.ndarray, k) -> np.ndarray:
    k = check_int(k, "k", minimum=1)
    k = min(k, z.shape[-1])
    kth = np.partition(z, -k, axis=-1)[..., -k, None]
    return z >= kth


def _top_p_keep(z: np.ndarray, keep: np.ndarray, p) -> np.ndarray:
    p = check_real(p, "p", low=0.0, high=1.0, closed="right")
    probs = _masked_softmax(z, keep)
    order = np.argsort(-probs, axis=-1, kind="stable")
    sorted_probs = np.take_along_axis(probs, order, axis=-1)
    mass_before = np.cumsum(sorted_probs, axis=-1) - sorted_probs
    nucleus = np.empty_like(keep)
    np.put_along_axis(nucleus, order, (mass_before < p) | (p == 1.0), axis=-1)
    return keep & nucleus


def _filtered(logits, temperature, top_k, top_p) -> np.ndarray:
    z = _scaled(logits, temperature)
    keep = np.ones(z.shape, dtype=bool) if top_k is None else _top_k_keep(z, top_k)
    if top_p is not None:
        keep = _top_p_keep(z, keep, top_p)
    return _masked_softmax(z, keep)


def temperature_softmax(logits, *, temperature=1.0):
    """Softmax of the logits divided by a temperature.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        Finite next-token logits.
    temperature : float, default=1.0
        Greater than 0. Below 1 sharpens the distribution, above 1 flattens it.

    Returns
    -------
    ndarray of shape (..., V)
        Probabilities summing to 1 along the last axis.

    Raises
    ------
    ValueError
        If `logits` is empty or holds NaN or infinity, `temperature` is not positive,
        or ``logits / temperature`` overflows.
    TypeError
        If `logits` does not hold real numbers or `temperature` is not a number.

    See Also
    --------
    top_k_probs : Keeps only the `k` most likely tokens.

    top_p_probs : Keeps the smallest set of tokens holding probability `p`.

    dlterms.softmax : The case ``temperature=1``.

    Notes
    -----
    $$p_i = \\frac{e^{z_i / T}}{\\sum_j e^{z_j / T}}$$

    As $T \\to 0$ the distribution tends to a one-hot vector on the largest logit
    (greedy decoding); as $T \\to \\infty$ it tends to uniform. The order of the tokens
    never changes. ``temperature=0`` is refused rather than read as greedy: call
    :func:`greedy_decode` for that. Knowledge distillation uses the same softening on
    the teacher's logits.

    Examples
    --------
    Logits $(\\ln 4, 0)$ give $(0.8, 0.2)$; halving the temperature squares the ratio
    ($16 : 1$), doubling it takes the square root ($2 : 1$).

    >>> import numpy as np
    >>> z = [np.log(4.0), 0.0]
    >>> temperature_softmax(z).round(6).tolist()
    [0.8, 0.2]
    >>> temperature_softmax(z, temperature=0.5).round(6).tolist()
    [0.941176, 0.058824]
    >>> temperature_softmax(z, temperature=2.0).round(6).tolist()
    [0.666667, 0.333333]
    """
    return _filtered(logits, temperature, None, None)


def top_k_probs(logits, k, *, temperature=1.0):
    """Top-k sampling's distribution: the `k` most likely tokens, renormalised.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        Finite next-token logits.
    k : int
        At least 1; a `k` above `V` keeps every token.
    temperature : float, default=1.0
        Applied before filtering, as in :func:`temperature_softmax`.

    Returns
    -------
    ndarray of shape (..., V)
        Zero outside the top `k`; the kept probabilities are in the same ratios as before
        and sum to 1.

    Raises
    ------
    ValueError
        If `logits` is empty or not finite, `k` < 1, or `temperature` is not positive.
    TypeError
        If `k` is not an int.

    See Also
    --------
    top_p_probs : A cut-off that adapts to the shape of the distribution.

    sample_next_token : Draws a token from the filtered distribution.

    Notes
    -----
    $$p'_i = \\frac{p_i \\, [z_i \\ge z_{(k)}]}{\\sum_j p_j \\, [z_j \\ge z_{(k)}]}$$

    where $z_{(k)}$ is the `k`-th largest logit. Tokens tied with it are all kept, so
    more than `k` may survive, as with the Hugging Face ``TopKLogitsWarper`` (a
    comparison with the `k`-th value of ``torch.topk``). ``k=1`` is greedy.

    References
    ----------
    A. Fan, M. Lewis and Y. Dauphin, "Hierarchical neural story generation", ACL (2018).

    Examples
    --------
    Probabilities $(0.5, 0.25, 0.125, 0.125)$ with $k = 2$ keep $0.5$ and $0.25$,
    renormalised by $0.75$:

    >>> import numpy as np
    >>> z = np.log([0.5, 0.25, 0.125, 0.125])
    >>> top_k_probs(z, 2).round(6).tolist()
    [0.666667, 0.333333, 0.0, 0.0]
    """
    return _filtered(logits, temperature, k, None)


def top_p_probs(logits, p, *, temperature=1.0):
    """Top-p sampling's distribution: the most likely tokens until their mass reaches `p`.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        Finite next-token logits.
    p : float
        In ``(0, 1]``; 1 keeps every token.
    temperature : float, default=1.0
        Applied before filtering, as in :func:`temperature_softmax`.

    Returns
    -------
    ndarray of shape (..., V)
        Zero outside the nucleus, renormalised inside it.

    Raises
    ------
    ValueError
        If `logits` is empty or not finite, `p` is not in ``(0, 1]``, or `temperature`
        is not positive.
    TypeError
        If `p` is not a number.

    See Also
    --------
    top_k_probs : A fixed number of tokens instead.

    Notes
    -----
    Sort the tokens by probability, $p_{(1)} \\ge p_{(2)} \\ge \\dots$; token $(i)$ is kept
    when the tokens before it hold less than `p`:

    $$\\sum_{j < i} p_{(j)} < p$$

    so the nucleus is the smallest prefix whose total reaches `p`, and the most likely
    token is always kept. On a peaked distribution the nucleus is small; on a flat one
    it is large, which a fixed `k` cannot do. Tokens tied in probability are ordered by
    index.

    References
    ----------
    A. Holtzman, J. Buys, L. Du, M. Forbes and Y. Choi, "The curious case of neural text
    degeneration", ICLR (2020).

    Examples
    --------
    Probabilities $(0.5, 0.25, 0.125, 0.125)$ with $p = 0.7$: after $0.5$ the total is
    below 0.7, after $0.25$ it is $0.75$, so two tokens are kept.

    >>> import numpy as np
    >>> z = np.log([0.5, 0.25, 0.125, 0.125])
    >>> top_p_probs(z, 0.7).round(6).tolist()
    [0.666667, 0.333333, 0.0, 0.0]
    >>> top_p_probs(z, 0.5).tolist()
    [1.0, 0.0, 0.0, 0.0]
    """
    return _filtered(logits, temperature, None, p)


def sample_next_token(logits, *, temperature=1.0, top_k=None, top_p=None, rng=None):
    """Draw the next token by top-k or top-p sampling of the logits, after a temperature.

    Parameters
    ----------
    logits : array_like of shape (..., V)
        Finite next-token logits; leading axes are independent rows.
    temperature : float, default=1.0
        Greater than 0.
    top_k : int, optional
        Keep only the `top_k` most likely tokens (:func:`top_k_probs`).
    top_p : float, optional
        Then keep the nucleus of probability `top_p` (:func:`top_p_probs`).
    rng : numpy.random.Generator or int or None, optional
        Source of randomness.

    Returns
    -------
    int or ndarray of int64, shape (...)
        One token id per row; an int for 1-D `logits`.

    Raises
    ------
    ValueError
        If `logits` is empty or not finite, or an option is out of range.
    TypeError
        If an option has the wrong type.

    See Also
    --------
    generate : Samples a whole continuation.

    Notes
    -----
    The filters run in the order temperature, top-k, top-p, as in Hugging Face
    ``generate``. Each row draws one uniform number $u$ and returns the first token whose
    cumulative probability exceeds $u$ (inverse-CDF sampling), so a token of probability
    0 is never drawn.

    Examples
    --------
    With ``top_k=1`` sampling is greedy, whatever the seed:

    >>> sample_next_token([1.0, 3.0, 2.0], top_k=1, rng=0)
    1
    >>> sample_next_token([[0.0, 0.0, 5.0], [9.0, 0.0, 0.0]], top_k=1, rng=1).tolist()
    [2, 0]
    """
    probs = _filtered(logits, temperature, top_k, top_p)
    rng = as_rng(rng)
    u = rng.random(probs.shape[:-1] + (1,))
    cumulative = np.cumsum(probs, axis=-1)
    # first index with cumulative > u; clip guards against a total that rounds below 1
    choice = np.minimum((cumulative <= u).sum(axis=-1), probs.shape[-1] - 1)
    # step back over zero-probability tokens that rounding may have landed on
    choice = np.where(
        np.take_along_axis(probs, choice[..., None], axis=-1)[..., 0] > 0,
        choice,
        np.argmax(probs, axis=-1),
    )
    return int(choice) if choice.ndim == 0 else choice.astype(np.int64)


def _as_prompt(prompt) -> np.ndarray:
    prompt = as_token_ids(prompt, "prompt")
    if prompt.ndim != 1:
        raise ValueError(f"prompt must be 1-D, one sequence of ids; got shape {prompt.shape}.")
    return prompt


def _call(next_logits, prefix: np.ndarray, vocab_size: int | None) -> np.ndarray:
    """Call the model and check that it returned finite 1-D logits of the usual length."""
    if not callable(next_logits):
        raise TypeError(f"next_logits must be callable; got {type(next_logits).__name__}.")
    logits = as_float_array(
        next_logits(prefix.copy()), "next_logits(prefix)", ndim=1, layout="(V,)"
    )
    if vocab_size is not None and logits.shape[0] != vocab_size:
        raise ValueError(
            f"next_logits(prefix) must return {vocab_size} logits at every step; "
            f"got {logits.shape[0]}."
        )
    return logits


def _check_prompt_ids(prompt: np.ndarray, vocab_size: int) -> None:
    if prompt.max() >= vocab_size:
        raise ValueError(
            f"prompt ids must be < {vocab_size}, the number of logits; got {prompt.max()}."
        )


def _decode_options(max_new_tokens, eos_id):
    max_new_tokens = check_int(max_new_tokens, "max_new_tokens", minimum=1)
    if eos_id is not None:
        eos_id = check_int(eos_id, "eos_id", minimum=0)
    return max_new_tokens, eos_id


def _sampled_decode(next_logits, prompt, max_new_tokens, eos_id, pick) -> np.ndarray:
    prompt = _as_prompt(prompt)
    max_new_tokens, eos_id = _decode_options(max_new_tokens, eos_id)
    tokens, vocab_size = list(prompt), None
    for _ in range(max_new_tokens):
        logits = _call(next_logits, np.array(tokens), vocab_size)
        if vocab_size is None:
            vocab_size = logits.shape[0]
            _check_prompt_ids(prompt, vocab_size)
        token = pick(logits)
        tokens.append(token)
        if token == eos_id:
            break
    return np.array(tokens, dtype=np.int64)


def greedy_decode(next_logits, prompt, *, max_new_tokens, eos_id=None):
    """Greedy decoding: extend a prompt by always taking the most likely next token.

    Parameters
    ----------
    next_logits : callable
        ``next_logits(prefix)`` returns the next-token logits, shape (V,), for a 1-D int
        array `prefix`.
    prompt : array_like of int, shape (n,)
        The tokens to continue; at least one.
    max_new_tokens : int
        The most tokens to add.
    eos_id : int, optional
        Stop after generating this token.

    Returns
    -------
    ndarray of int64
        The prompt followed by the new tokens.

    Raises
    ------
    ValueError
        If the prompt is empty or out of range, or the model returns logits that are not
        finite, not 1-D, or change length.
    TypeError
        If `next_logits` is not callable or an option has the wrong type.

    See Also
    --------
    beam_search : Greedy decoding is beam search with ``beam_width=1``.

    generate : Sampling; as its temperature tends to 0 it becomes greedy.

    Notes
    -----
    $$x_{t+1} = \\arg\\max_v \\, z_t(v)$$

    Ties go to the smallest id. Greedy decoding is deterministic and cheap but short-
    sighted: a likely first token can lead into an unlikely sequence, and long greedy
    outputs tend to repeat themselves.

    Examples
    --------
    A bigram model: the logits depend only on the last token.

    >>> import numpy as np
    >>> table = np.log([[0.1, 0.6, 0.3], [0.2, 0.1, 0.7], [0.5, 0.4, 0.1]])
    >>> greedy_decode(lambda prefix: table[prefix[-1]], [0], max_new_tokens=4).tolist()
    [0, 1, 2, 0, 1]
    >>> greedy_decode(lambda prefix: table[prefix[-1]], [0], max_new_tokens=4,
    ...               eos_id=2).tolist()
    [0, 1, 2]
    """
    return _sampled_decode(next_logits, prompt, max_new_tokens, eos_id, lambda z: int(np.argmax(z)))


def generate(
    next_logits,
    prompt,
    *,
    max_new_tokens,
    temperature=1.0,
    top_k=None,
    top_p=None,
    eos_id=None,
    rng=None,
):
    """Extend a prompt by top-k or top-p sampling of each next token, with a temperature.

    Parameters
    ----------
    next_logits : callable
        ``next_logits(prefix)`` returns the next-token logits, shape (V,).
    prompt : array_like of int, shape (n,)
        The tokens to continue; at least one.
    max_new_tokens : int
        The most tokens to add.
    temperature, top_k, top_p
        As in :func:`sample_next_token`.
    eos_id : int, optional
        Stop after generating this token.
    rng : numpy.random.Generator or int or None, optional
        Source of randomness; a seed makes the output reproducible.

    Returns
    -------
    ndarray of int64
        The prompt followed by the new tokens.

    Raises
    ------
    ValueError
        As :func:`greedy_decode`, or an option is out of range.
    TypeError
        If `next_logits` is not callable or an option has the wrong type.

    See Also
    --------
    sample_next_token : One step.

    greedy_decode : The limit of small temperatures.

    Notes
    -----
    $$x_{t+1} \\sim \\operatorname{filter}\\bigl(\\operatorname{softmax}(z_t / T)\\bigr)$$

    One generator is used for the whole sequence, so the same seed gives the same text.

    Examples
    --------
    >>> import numpy as np
    >>> table = np.log([[0.1, 0.6, 0.3], [0.2, 0.1, 0.7], [0.5, 0.4, 0.1]])
    >>> model = lambda prefix: table[prefix[-1]]
    >>> generate(model, [0], max_new_tokens=4, top_k=1).tolist()
    [0, 1, 2, 0, 1]
    >>> a = generate(model, [0], max_new_tokens=8, rng=7)
    >>> b = generate(model, [0], max_new_tokens=8, rng=7)
    >>> bool((a == b).all())
    True
    """
    rng = as_rng(rng)
    return _sampled_decode(
        next_logits,
        prompt,
        max_new_tokens,
        eos_id,
        lambda z: sample_next_token(z, temperature=temperature, top_k=top_k, top_p=top_p, rng=rng),
    )


def beam_search(next_logits, prompt, *, beam_width, max_new_tokens, eos_id=None):
    """Beam search: extend a prompt, keeping the `beam_width` most likely continuations.

    Parameters
    ----------
    next_logits : callable
        ``next_logits(prefix)`` returns the next-token logits, shape (V,).
    prompt : array_like of int, shape (n,)
        The tokens to continue; at least one.
    beam_width : int
        The number of hypotheses kept; 1 is greedy decoding.
    max_new_tokens : int
        The most tokens to add.
    eos_id : int, optional
        A hypothesis that generates this token is finished: it keeps its score and is
        no longer extended.

    Returns
    -------
    tokens : ndarray of int64
        The prompt followed by the best continuation (ending at `eos_id` if it was
        generated).
    log_prob : float
        Its total log-probability, $\\sum_t \\log p(x_{t+1} \\mid x_{\\le t})$ over the new
        tokens.

    Raises
    ------
    ValueError
        As :func:`greedy_decode`, or `beam_width` < 1.
    TypeError
        If `next_logits` is not callable or an option has the wrong type.

    See Also
    --------
    greedy_decode : The case ``beam_width=1``.

    Notes
    -----
    At each step every unfinished hypothesis is extended by every token, a finished one
    is carried over unchanged, and the `beam_width` candidates with the highest total
    log-probability survive (ties: earlier hypothesis, then smaller id). With
    ``beam_width >= V ** max_new_tokens`` nothing is pruned and the result is the most
    likely continuation, found by exhaustive search. Scores are not normalised by
    length, so with `eos_id` short hypotheses are favoured: each extra token can only
    lower the total.

    Examples
    --------
    Greedy takes token 0 (0.5) and then 0.4 at best: 0.2 in all. Beam search with width
    2 also tries token 1 (0.4), followed by a sure token (0.4 * 1.0 = 0.4).

    >>> import numpy as np
    >>> def model(prefix):
    ...     if len(prefix) == 1:
    ...         return np.log([0.5, 0.4, 0.1])
    ...     return np.log([0.4, 0.3, 0.3]) if prefix[1] == 0 else np.log([0.0001, 0.0001, 0.9998])
    >>> greedy_decode(model, [0], max_new_tokens=2).tolist()
    [0, 0, 0]
    >>> tokens, log_prob = beam_search(model, [0], beam_width=2, max_new_tokens=2)
    >>> tokens.tolist(), round(float(np.exp(log_prob)), 4)
    ([0, 1, 2], 0.3999)
    """
    prompt = _as_prompt(prompt)
    beam_width = check_int(beam_width, "beam_width", minimum=1)
    max_new_tokens, eos_id = _decode_options(max_new_tokens, eos_id)
    beams = prompt[None, :]
    scores = np.zeros(1)
    finished = np.zeros(1, dtype=bool)
    vocab_size = None
    for _ in range(max_new_tokens):
        if finished.all():
            break
        rows = []
        for beam, done in zip(beams, finished, strict=True):
            if done:
                rows.append(None)
                continue
            logits = _call(next_logits, beam, vocab_size)
            if vocab_size is None:
                vocab_size = logits.shape[0]
                _check_prompt_ids(prompt, vocab_size)
            rows.append(log_softmax(logits))
        # a finished beam has one candidate, "append eos_id", at no cost
        candidate_scores = np.full((beams.shape[0], vocab_size), -np.inf)
        for i, row in enumerate(rows):
            if row is None:
                candidate_scores[i, eos_id] = scores[i]
            else:
                candidate_scores[i] = scores[i] + row
        flat = candidate_scores.ravel()
        n_alive = int(np.isfinite(flat).sum())
        best = np.argsort(-flat, kind="stable")[: min(beam_width, n_alive)]
        parent, token = np.divmod(best, vocab_size)
        beams = np.concatenate([beams[parent], token[:, None]], axis=1)
        scores = flat[best]
        finished = finished[parent] | (token == eos_id)
    tokens = beams[0]
    if eos_id is not None:
        generated = tokens[prompt.size :]
        hits = np.flatnonzero(generated == eos_id)
        if hits.size:
            tokens = tokens[: prompt.size + hits[0] + 1]
    return tokens.astype(np.int64), float(scores[0])
