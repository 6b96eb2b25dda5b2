"""Attention: scaled dot-product attention, masks, multi-head attention and a KV cache.

Shapes follow PyTorch with ``batch_first=True``. Queries are ``(..., L, d_k)``, keys
``(..., S, d_k)`` and values ``(..., S, d_v)``: `L` query positions attend over `S` key
positions. Masks are boolean and broadcast against the ``(..., L, S)`` scores; as in
``torch.nn.functional.scaled_dot_product_attention``, **True means "may attend"** (the
opposite of ``torch.nn.MultiheadAttention``, where True means "masked out").

Projection weights are stored so that products read ``x @ w``, as in
:func:`dlterms.dense`; PyTorch stores the transposes. The parameters of a multi-head
layer are a mapping with keys ``w_q``, ``w_k``, ``w_v``, ``w_o`` (each ``(d_in, d_model)``)
and optional biases ``b_q``, ``b_k``, ``b_v``, ``b_o`` (each ``(d_model,)``).

A query row whose mask allows no key at all has no defined softmax (0 / 0). These
functions raise ValueError for it, naming the row, instead of returning NaN (as
``torch.nn.MultiheadAttention`` does) or zeros (as
``torch.nn.functional.scaled_dot_product_attention`` does in PyTorch 2.13).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_array,
    as_float_array,
    as_index_array,
    as_vector,
    check_bool,
    check_int,
    check_real,
    check_shape,
)

__all__ = [
    "causal_mask",
    "kv_cache_step",
    "multi_head_attention",
    "padding_mask",
    "scaled_dot_product_attention",
    "scaled_dot_product_attention_grad",
]


class AttentionGradients(NamedTuple):
    """Gradients returned by :func:`scaled_dot_product_attention_grad`."""

    query: np.ndarray
    key: np.ndarray
    value: np.ndarray


class KVCache(NamedTuple):
    """Projected keys and values of every position decoded so far, ``(n, t, d_model)``."""

    keys: np.ndarray
    values: np.ndarray


# --------------------------------------------------------------------------- validation


def _qkv(query, key, value):
    """Validate query (..., L, d_k), key (..., S, d_k), value (..., S, d_v)."""
    query = as_float_array(query, "query", min_ndim=2)
    key = as_float_array(key, "key", min_ndim=2)
    value = as_float_array(value, "value", min_ndim=2)
    if key.shape[:-2] != query.shape[:-2] or key.shape[-1] != query.shape[-1]:
        raise ValueError(
            "key must have the batch dimensions and the last dimension d_k of query; "
            f"got query {query.shape} and key {key.shape}."
        )
    if value.shape[:-1] != key.shape[:-1]:
        raise ValueError(
            "value must have the batch dimensions and the length S of key; "
            f"got key {key.shape} and value {value.shape}."
        )
    return query, key, value


def _allowed(mask, causal, scores_shape) -> np.ndarray | None:
    """The boolean "may attend" array for scores of `scores_shape`, or None for no mask."""
    causal = check_bool(causal, "causal")
    n_queries, n_keys = scores_shape[-2:]
    allowed = None
    if mask is not None:
        mask = as_array(mask, "mask")
        if mask.dtype != np.bool_:
            raise TypeError(
                f"mask must be a boolean array (True = may attend); got dtype {mask.dtype}."
            )
        try:
            allowed = np.broadcast_to(mask, scores_shape)
        except ValueError:
            raise ValueError(
                f"mask must broadcast to the scores' shape (..., L, S) = {scores_shape}; "
                f"got {mask.shape}."
            ) from None
    if causal:
        lower = causal_mask(n_queries, n_keys)
        allowed = lower if allowed is None else allowed & lower
    if allowed is None:
        return None
    allowed = np.broadcast_to(allowed, scores_shape)
    if not allowed.any(axis=-1).all():
        where = np.argwhere(~allowed.any(axis=-1))[0]
        raise ValueError(
            "mask must let every query attend to at least one key; got query row "
            f"{tuple(where.tolist())} with every key masked out (its softmax would be 0 / 0)."
        )
    return allowed


def _softmax_scores(query, key, allowed, scale):
    """Attention weights softmax(scale q k^T) with masked scores at -inf, max-shifted."""
    with np.errstate(over="ignore"):  # an overflow is reported just below, as ValueError
        scores = scale * (query @ np.swapaxes(key, -1, -2))
    if not np.isfinite(scores).all():
        raise ValueError(
            "query and key must give finite scores q . k; got an overflow for inputs "
            f"up to {max(np.abs(query).max(), np.abs(key).max()):g} (scale them down)."
        )
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    # Every row keeps at least one finite score, so the max is finite and exp(-inf) = 0.
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights


def _scale(scale, d_k: int) -> float:
    if scale is None:
        return 1.0 / np.sqrt(d_k)
    return check_real(scale, "scale", low=0.0, closed="neither")


# --------------------------------------------------------------------------- masks


def causal_mask(n_queries, n_keys=None):
    r"""Boolean causal mask: query $i$ may attend to key $j$ only when $j \le i$.

    Parameters
    ----------
    n_queries : int
        Number of query positions $L \ge 1$.
    n_keys : int, optional
        Number of key positions $S \ge 1$. Default: `n_queries`.

    Returns
    -------
    ndarray of bool, shape (n_queries, n_keys)
        Lower-triangular: True on and below the diagonal (may attend), False above it.

    Raises
    ------
    ValueError
        If a size is below 1.
    TypeError
        If a size is not an integer.

    See Also
    --------
    padding_mask : The other common mask, for padded batches.

    scaled_dot_product_attention : Takes ``causal=True`` or ``mask=causal_mask(...)``.

    Notes
    -----
    $$M_{ij} = [\, j \le i \,].$$

    In a decoder this hides the future: the output at position $i$ depends only on
    positions $0, \dots, i$, so a whole sequence can be trained in parallel while each
    position still predicts the next token without seeing it. When $L \ne S$ the
    triangle starts at the top-left corner, like ``is_causal=True`` in PyTorch's
    ``scaled_dot_product_attention``.

    Examples
    --------
    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    >>> causal_mask(2, 3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0]]
    """
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    n_keys = n_queries if n_keys is None else check_int(n_keys, "n_keys", minimum=1)
    return np.tri(n_queries, n_keys, dtype=bool)


def padding_mask(lengths, max_length=None):
    r"""Boolean key-padding mask for a batch of sequences padded on the right.

    Parameters
    ----------
    lengths : array_like of int, shape (n,)
        The real length of each sequence, each at least 1.
    max_length : int, optional
        The padded length $S$. Default: ``max(lengths)``.

    Returns
    -------
    ndarray of bool, shape (n, 1, max_length)
        ``mask[b, 0, j]`` is True when key position $j$ of sequence $b$ is a real token.
        The middle axis of size 1 broadcasts over the query positions, so the mask can
        be passed as is to :func:`scaled_dot_product_attention` with ``(n, L, d)``
        queries or to :func:`multi_head_attention`.

    Raises
    ------
    ValueError
        If `lengths` is not 1-D, is empty, holds a length below 1 or above
        `max_length`, or holds NaN.
    TypeError
        If `lengths` does not hold integers or `max_length` is not an integer.

    See Also
    --------
    causal_mask : Hides future positions instead of padding.

    dlterms.pad_sequences : Pads token sequences and returns these lengths.

    Notes
    -----
    $$M_{b,j} = [\, j < \ell_b \,].$$

    Padding tokens exist only to make the batch rectangular; masking their keys gives
    every real query the same output as if its sequence were alone. PyTorch's
    ``key_padding_mask`` has shape ``(n, S)`` and the opposite meaning (True = pad).

    Examples
    --------
    >>> padding_mask([3, 1]).astype(int).tolist()
    [[[1, 1, 1]], [[1, 0, 0]]]
    >>> padding_mask([2], max_length=4).astype(int).tolist()
    [[[1, 1, 0, 0]]]
    """
    lengths = as_index_array(lengths, "lengths")
    if lengths.min() < 1:
        raise ValueError(f"lengths must be at least 1; got {lengths.min()}.")
    longest = int(lengths.max())
    max_length = longest if max_length is None else check_int(max_length, "max_length", minimum=1)
    if longest > max_length:
        raise ValueError(f"lengths must be at most max_length = {max_length}; got {longest}.")
    return (np.arange(max_length) < lengths[:, None])[:, None, :]


# --------------------------------------------------------------------------- one head


def scaled_dot_product_attention(
    query, key, value, *, mask=None, causal=False, scale=None, return_weights=False
):
    r"""Scaled dot-product attention: each query takes a softmax-weighted mean of the values.

    Parameters
    ----------
    query : array_like of shape (..., L, d_k)
        Finite queries, one row per output position.
    key : array_like of shape (..., S, d_k)
        Finite keys, one row per input position, with the batch dimensions of `query`.
    value : array_like of shape (..., S, d_v)
        Finite values, one row per key.
    mask : array_like of bool, optional
        Broadcastable to ``(..., L, S)``; True where a query may attend to a key, as in
        PyTorch's ``attn_mask``. Default: None, every query sees every key.
    causal : bool, default=False
        Also hide keys after the query's position (:func:`causal_mask`).
    scale : float, optional
        Multiplies the scores. Default: $1 / \sqrt{d_k}$.
    return_weights : bool, default=False
        Also return the attention weights.

    Returns
    -------
    output : ndarray of shape (..., L, d_v)
        ``weights @ value``.
    weights : ndarray of shape (..., L, S)
        Only if `return_weights`: each row is a probability distribution over the keys,
        0 at masked positions.

    Raises
    ------
    ValueError
        If the shapes do not fit together, an array is empty or holds NaN or infinity,
        the mask does not broadcast, the mask leaves a query row with no key, or the
        scores overflow.
    TypeError
        If an array does not hold real numbers, `mask` is not boolean, or a flag is not
        a bool.

    See Also
    --------
    scaled_dot_product_attention_grad : Its gradients, by backpropagation.

    multi_head_attention : Several attentions over learned projections.

    dlterms.softmax : The normalisation used for each row of scores.

    Notes
    -----
    $$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\left(
      \frac{Q K^\top}{\sqrt{d_k}} + M\right) V,
      \qquad M_{ij} = \begin{cases} 0 & \text{may attend} \\ -\infty & \text{masked}
      \end{cases}$$

    The softmax is shifted by each row's maximum, so large scores never overflow, and
    masked scores are $-\infty$, whose exponential is exactly 0. Dividing by
    $\sqrt{d_k}$ keeps the scores of random unit-variance vectors at unit variance, so
    the softmax does not saturate as $d_k$ grows. A row with every key masked raises
    ValueError (see the module notes). Unlike PyTorch, `mask` and `causal` may be
    combined: a key must pass both.

    References
    ----------
    A. Vaswani et al., "Attention is all you need", NeurIPS (2017), section 3.2.1.

    Examples
    --------
    One query and two keys; with ``scale=1`` the scores are $q \cdot k_1 = 0$ and
    $q \cdot k_2 = \ln 3$, so the weights are $(1, 3) / 4$ and the output is
    $\tfrac14 \cdot 4 + \tfrac34 \cdot 8 = 7$.

    >>> import numpy as np
    >>> q, k, v = [[np.log(3.0), 0.0]], [[0.0, 1.0], [1.0, 0.0]], [[4.0], [8.0]]
    >>> out, w = scaled_dot_product_attention(q, k, v, scale=1.0, return_weights=True)
    >>> out.round(6).tolist(), w.round(6).tolist()
    ([[7.0]], [[0.25, 0.75]])

    A causal mask: the first query sees only the first key.

    >>> scaled_dot_product_attention(
    ...     [[0.0], [0.0]], [[0.0], [0.0]], [[2.0], [4.0]], causal=True).tolist()
    [[2.0], [3.0]]
    """
    query, key, value = _qkv(query, key, value)
    return_weights = check_bool(return_weights, "return_weights")
    scale = _scale(scale, query.shape[-1])
    allowed = _allowed(mask, causal, query.shape[:-1] + key.shape[-2:-1])
    weights = _softmax_scores(query, key, allowed, scale)
    output = weights @ value
    return (output, weights) if return_weights else output


def scaled_dot_product_attention_grad(
    query, key, value, grad_output, *, mask=None, causal=False, scale=None
):
    r"""Gradients of scaled dot-product attention with respect to its query, key and value.

    Parameters
    ----------
    query, key, value : array_like
        As for :func:`scaled_dot_product_attention`: ``(..., L, d_k)``, ``(..., S, d_k)``
        and ``(..., S, d_v)``.
    grad_output : array_like of shape (..., L, d_v)
        Finite $\partial \ell / \partial O$, the gradient arriving at the output.
    mask : array_like of bool, optional
        As for :func:`scaled_dot_product_attention`.
    causal : bool, default=False
        As for :func:`scaled_dot_product_attention`.
    scale : float, optional
        As for :func:`scaled_dot_product_attention`. Default: $1 / \sqrt{d_k}$.

    Returns
    -------
    AttentionGradients
        A named tuple ``(query, key, value)`` of gradients, each shaped like its input.

    Raises
    ------
    ValueError
        As :func:`scaled_dot_product_attention`, or if `grad_output` has the wrong shape.
    TypeError
        As :func:`scaled_dot_product_attention`.

    See Also
    --------
    scaled_dot_product_attention : The forward pass.

    dlterms.softmax_jvp : The softmax Jacobian-vector product used inside.

    Notes
    -----
    With $S = s\,Q K^\top$ (masked entries $-\infty$), $P = \operatorname{softmax}(S)$
    row by row and $O = P V$:

    $$\frac{\partial \ell}{\partial V} = P^\top G, \quad
      \frac{\partial \ell}{\partial P} = G V^\top, \quad
      \frac{\partial \ell}{\partial S} = P \odot \Big(\frac{\partial \ell}{\partial P}
        - \operatorname{rowsum}\big(P \odot \tfrac{\partial \ell}{\partial P}\big)\Big),$$

    $$\frac{\partial \ell}{\partial Q} = s\, \frac{\partial \ell}{\partial S} K, \qquad
      \frac{\partial \ell}{\partial K} = s\, \Big(\frac{\partial \ell}{\partial S}\Big)^\top Q.$$

    Masked positions have $P = 0$, so no gradient flows through them. The softmax
    Jacobian is applied to a vector, never built as an $S \times S$ matrix.

    Examples
    --------
    With a single key, the weight is always 1: the output is that key's value whatever
    the query and key, so they get zero gradient and the value gets all of it.

    >>> g = scaled_dot_product_attention_grad([[1.0]], [[2.0]], [[5.0]], [[1.0]])
    >>> g.query.tolist(), g.key.tolist(), g.value.tolist()
    ([[0.0]], [[0.0]], [[1.0]])

    Two keys with equal scores get weights $(1/2, 1/2)$, so each value receives half
    of the upstream gradient:

    >>> scaled_dot_product_attention_grad(
    ...     [[0.0]], [[1.0], [1.0]], [[1.0], [3.0]], [[1.0]]).value.tolist()
    [[0.5], [0.5]]
    """
    query, key, value = _qkv(query, key, value)
    scale = _scale(scale, query.shape[-1])
    grad_output = as_float_array(grad_output, "grad_output")
    check_shape(grad_output, query.shape[:-1] + value.shape[-1:], "grad_output", "(..., L, d_v)")
    allowed = _allowed(mask, causal, query.shape[:-1] + key.shape[-2:-1])
    weights = _softmax_scores(query, key, allowed, scale)
    grad_value = np.swapaxes(weights, -1, -2) @ grad_output
    grad_weights = grad_output @ np.swapaxes(value, -1, -2)
    # dS = P * (dP - sum_j P_j dP_j): the softmax Jacobian-vector product, row by row
    grad_scores = weights * (grad_weights - (weights * grad_weights).sum(axis=-1, keepdims=True))
    grad_query = scale * (grad_scores @ key)
    grad_key = scale * (np.swapaxes(grad_scores, -1, -2) @ query)
    return AttentionGradients(grad_query, grad_key, grad_value)


# --------------------------------------------------------------------------- several heads


def _mha_params(params, d_q: int, d_k: int, d_v: int, n_heads: int) -> dict[str, np.ndarray]:
    """Validate the projection weights; return them with missing biases as zeros."""
    if not isinstance(params, Mapping):
        raise TypeError(
            "params must be a mapping with keys w_q, w_k, w_v, w_o (and optional biases); "
            f"got {type(params).__name__}."
        )
    missing = [k for k in ("w_q", "w_k", "w_v", "w_o") if k not in params]
    if missing:
        raise ValueError(f"params must hold w_q, w_k, w_v and w_o; got no {', '.join(missing)}.")
    w_q = as_float_array(params["w_q"], "params['w_q']", ndim=2, layout="(d_query, d_model)")
    d_model = w_q.shape[1]
    if d_model % n_heads:
        raise ValueError(
            f"n_heads must divide d_model = {d_model}, the width of params['w_q']; got {n_heads}."
        )
    out = {"w_q": w_q}
    for name, d_in in (("w_q", d_q), ("w_k", d_k), ("w_v", d_v), ("w_o", d_model)):
        w = as_float_array(params[name], f"params[{name!r}]", ndim=2, layout="(d_in, d_model)")
        check_shape(w, (d_in, d_model), f"params[{name!r}]", "(d_in, d_model)")
        out[name] = w
        bias = "b_" + name[2:]
        b = params.get(bias)
        out[bias] = np.zeros(d_model) if b is None else as_vector(b, f"params[{bias!r}]", d_model)
    return out


def _batched(x, name: str) -> np.ndarray:
    return as_float_array(x, name, ndim=(2, 3), layout="(n, T, d) or (T, d)")


def _heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """(n, T, d_model) -> (n, n_heads, T, d_model / n_heads): contiguous slices of features."""
    n, t, d_model = x.shape
    return x.reshape(n, t, n_heads, d_model // n_heads).transpose(0, 2, 1, 3)


def _merge_heads(x: np.ndarray) -> np.ndarray:
    n, h, t, d_head = x.shape
    return x.transpose(0, 2, 1, 3).reshape(n, t, h * d_head)


def multi_head_attention(query, key, value, params, *, n_heads, mask=None, causal=False):
    r"""Multi-head attention: `n_heads` attentions over learned projections, concatenated.

    Self-attention passes the same sequence three times, ``multi_head_attention(x, x, x,
    ...)``; cross-attention takes the queries from one sequence (a decoder's) and the
    keys and values from another (an encoder's output).

    Parameters
    ----------
    query : array_like of shape (n, L, d_query) or (L, d_query)
        Finite input of the positions that ask.
    key : array_like of shape (n, S, d_key) or (S, d_key)
        Finite input of the positions that are looked up, with the batch size of `query`.
    value : array_like of shape (n, S, d_value) or (S, d_value)
        Finite input whose projections are mixed, one row per key position.
    params : mapping
        ``w_q`` ``(d_query, d_model)``, ``w_k`` ``(d_key, d_model)``, ``w_v``
        ``(d_value, d_model)``, ``w_o`` ``(d_model, d_model)``, and optional biases
        ``b_q``, ``b_k``, ``b_v``, ``b_o`` of shape ``(d_model,)`` (default zeros).
    n_heads : int
        Number of heads $h$; it must divide `d_model`.
    mask : array_like of bool, optional
        Broadcastable to ``(n, L, S)``, True where a query may attend to a key; the same
        mask is used by every head. :func:`padding_mask` gives one.
    causal : bool, default=False
        Also hide keys after the query's position.

    Returns
    -------
    ndarray of shape (n, L, d_model) or (L, d_model)
        The output projection of the concatenated heads.

    Raises
    ------
    ValueError
        If a shape does not fit, an array is empty or holds NaN or infinity, `params`
        lacks a weight, `n_heads` does not divide `d_model`, or the mask leaves a query
        with no key.
    TypeError
        If `params` is not a mapping, an array does not hold real numbers, `mask` is not
        boolean, or `n_heads` is not an integer.

    See Also
    --------
    scaled_dot_product_attention : What each head computes.

    kv_cache_step : The same layer, one decoded position at a time.

    Notes
    -----
    With $d_h = d_\text{model} / h$ and head $i$ taking columns
    $i d_h, \dots, (i + 1) d_h - 1$ of each projection:

    $$\operatorname{head}_i = \operatorname{Attention}(Q W^Q_i, K W^K_i, V W^V_i),
      \qquad \operatorname{MHA}(Q, K, V) = [\operatorname{head}_1, \dots,
      \operatorname{head}_h]\, W^O.$$

    Each head works in a $d_h$-dimensional subspace, so $h$ heads cost about as much as
    one full-width head but can attend to different positions for different reasons.
    This equals ``torch.nn.MultiheadAttention(d_model, n_heads, batch_first=True)``
    whose ``in_proj_weight`` stacks ``w_q.T``, ``w_k.T`` and ``w_v.T`` and whose
    ``out_proj.weight`` is ``w_o.T``, with its boolean masks negated.

    References
    ----------
    A. Vaswani et al., "Attention is all you need", NeurIPS (2017), section 3.2.2.

    Examples
    --------
    Identity projections and two heads of width 1 on two positions: head 1 reads
    feature 0, head 2 feature 1. With all scores equal each head averages its feature
    over the positions: $(1 + 3)/2 = 2$ and $(0 + 4)/2 = 2$.

    >>> import numpy as np
    >>> eye = np.eye(2)
    >>> params = {"w_q": 0 * eye, "w_k": eye, "w_v": eye, "w_o": eye}
    >>> x = [[1.0, 0.0], [3.0, 4.0]]
    >>> multi_head_attention(x, x, x, params, n_heads=2).tolist()
    [[2.0, 2.0], [2.0, 2.0]]
    >>> multi_head_attention(x, x, x, params, n_heads=2, causal=True).tolist()
    [[1.0, 0.0], [2.0, 2.0]]
    """
    query, key, value = _batched(query, "query"), _batched(key, "key"), _batched(value, "value")
    unbatched = query.ndim == 2
    if not (key.ndim == value.ndim == query.ndim):
        raise ValueError(
            "query, key and value must all be batched (3-D) or all unbatched (2-D); "
            f"got {query.shape}, {key.shape} and {value.shape}."
        )
    if unbatched:
        query, key, value = query[None], key[None], value[None]
    if key.shape[:2] != value.shape[:2] or key.shape[0] != query.shape[0]:
        raise ValueError(
            "key and value must have the same batch size and length S, and the batch size "
            f"of query; got query {query.shape}, key {key.shape} and value {value.shape}."
        )
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    p = _mha_params(params, query.shape[-1], key.shape[-1], value.shape[-1], n_heads)
    n, length, n_keys = query.shape[0], query.shape[1], key.shape[1]
    allowed = _allowed(mask, causal, (n, length, n_keys))
    if allowed is not None:
        allowed = allowed[:, None]  # the same mask for every head
    q = _heads(query @ p["w_q"] + p["b_q"], n_heads)
    k = _heads(key @ p["w_k"] + p["b_k"], n_heads)
    v = _heads(value @ p["w_v"] + p["b_v"], n_heads)
    weights = _softmax_scores(q, k, allowed, 1.0 / np.sqrt(q.shape[-1]))
    out = _merge_heads(weights @ v) @ p["w_o"] + p["b_o"]
    return out[0] if unbatched else out


def kv_cache_step(x_t, cache, params, *, n_heads):
    r"""KV cache decoding: one causal self-attention step that reuses the cached keys and values.

    Parameters
    ----------
    x_t : array_like of shape (n, d_model)
        Finite input of the newest position of each of `n` sequences.
    cache : KVCache or None
        The projected keys and values ``(n, t, d_model)`` of the `t` earlier positions,
        as returned by the previous call; None before the first position.
    params : mapping
        The weights of :func:`multi_head_attention` (self-attention, so ``w_q``, ``w_k``
        and ``w_v`` are all ``(d_model, d_model)``).
    n_heads : int
        Number of heads; it must divide `d_model`.

    Returns
    -------
    output : ndarray of shape (n, d_model)
        The attention output for the new position: row $t$ of causal
        ``multi_head_attention(x, x, x, params, causal=True)`` over the whole prefix.
    cache : KVCache
        A new cache with this position's key and value appended, ``(n, t + 1, d_model)``.

    Raises
    ------
    ValueError
        If a shape does not fit, an array is empty or holds NaN or infinity, or `params`
        lacks a weight.
    TypeError
        If `cache` is not a KVCache (or a ``(keys, values)`` pair) or None, or another
        argument has the wrong type.

    See Also
    --------
    multi_head_attention : The same layer over a whole sequence at once.

    Notes
    -----
    In causal attention the key and value of position $j$ never change once computed,
    because position $j$ sees nothing after itself. Generating token $t + 1$ therefore
    needs only the new query, key and value:

    $$K_{0:t+1} = [K_{0:t};\ x_t W^K], \quad V_{0:t+1} = [V_{0:t};\ x_t W^V], \quad
      o_t = \operatorname{MHA}(x_t W^Q, K_{0:t+1}, V_{0:t+1}).$$

    A step costs $O(t\, d)$ instead of the $O(t^2 d)$ of recomputing the prefix, at the
    price of memory growing as $2 \cdot \text{layers} \cdot t \cdot d_\text{model}$ per
    sequence. The new query needs no mask: every cached key is in its past.

    Examples
    --------
    Identity projections, one head, one feature: the first position attends only to
    itself; the second has equal scores 0 against both keys and averages the values.

    >>> import numpy as np
    >>> params = {"w_q": [[0.0]], "w_k": [[1.0]], "w_v": [[1.0]], "w_o": [[1.0]]}
    >>> out, cache = kv_cache_step([[2.0]], None, params, n_heads=1)
    >>> out.tolist(), cache.keys.shape
    ([[2.0]], (1, 1, 1))
    >>> out, cache = kv_cache_step([[4.0]], cache, params, n_heads=1)
    >>> out.tolist(), cache.values.tolist()
    ([[3.0]], [[[2.0], [4.0]]])
    """
    x_t = as_float_array(x_t, "x_t", ndim=2, layout="(n, d_model)")
    n_heads = check_int(n_heads, "n_heads", minimum=1)
    d = x_t.shape[1]
    p = _mha_params(params, d, d, d, n_heads)
    d_model = p["w_q"].shape[1]
    new_k = (x_t @ p["w_k"] + p["b_k"])[:, None]
    new_v = (x_t @ p["w_v"] + p["b_v"])[:, None]
    if cache is None:
        keys, values = new_k, new_v
    else:
        if not isinstance(cache, tuple) or len(cache) != 2:
            raise TypeError(
                f"cache must be a KVCache (keys, values) or None; got {type(cache).__name__}."
            )
        old_k = as_float_array(cache[0], "cache.keys", ndim=3, layout="(n, t, d_model)")
        old_v = as_float_array(cache[1], "cache.values", ndim=3, layout="(n, t, d_model)")
        check_shape(old_k, (x_t.shape[0], old_k.shape[1], d_model), "cache.keys", "(n, t, d_model)")
        check_shape(old_v, old_k.shape, "cache.values", "(n, t, d_model)")
        keys = np.concatenate([old_k, new_k], axis=1)
        values = np.concatenate([old_v, new_v], axis=1)
    q = _heads((x_t @ p["w_q"] + p["b_q"])[:, None], n_heads)
    weights = _softmax_scores(q, _heads(keys, n_heads), None, 1.0 / np.sqrt(q.shape[-1]))
    out = _merge_heads(weights @ _heads(values, n_heads))[:, 0] @ p["w_o"] + p["b_o"]
    return out, KVCache(keys, values)
