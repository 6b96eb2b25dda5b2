"""The training loop: mini-batches, gradient accumulation, a run with its curves, checkpoints.

A network's parameters are the list of ``(weight, bias)`` pairs of
:mod:`dlterms.networks`. :func:`minibatches` is the data loader: it cuts one epoch of
data into batches, and :func:`accumulate_gradients` adds up the gradients of several
small batches into the gradient of one large one. :func:`fit_mlp` trains a small
softmax classifier on the batches, one gradient-descent update per batch, and records
the loss after every update and the training and validation loss after every epoch: the
loss curve and the generalization curve. :func:`save_checkpoint` and
:func:`load_checkpoint` write and read the parameters with numpy's ``.npz`` format, so a
run can stop and resume exactly where it was.
"""

from __future__ import annotations

import numbers
import os
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dlterms._validation import (
    as_array,
    as_dense_params,
    as_float_array,
    as_index_array,
    as_rng,
    check_bool,
    check_int,
    check_real,
    check_same_shape,
    scalar_or_array,
)
from dlterms.data import iterations_per_epoch
from dlterms.losses import cross_entropy, cross_entropy_grad
from dlterms.metrics import accuracy_score
from dlterms.networks import _layer_sizes, init_mlp, mlp_backward, mlp_forward
from dlterms.optim import gradient_descent_step

__all__ = [
    "accumulate_gradients",
    "count_iterations",
    "fit_mlp",
    "generalization_gap",
    "load_checkpoint",
    "minibatches",
    "save_checkpoint",
]


class TrainingHistory(NamedTuple):
    """What :func:`fit_mlp` returns: the trained parameters and the curves of the run."""

    params: list
    batch_loss: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray


# --------------------------------------------------------------------------- helpers


def _as_rows(x, name: str) -> np.ndarray:
    """An array whose rows are examples: numbers, at least 1-D, non-empty, finite."""
    array = as_array(x, name)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"{name} must have one row per example; got a 0-D array.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    n_bad = array.size - np.count_nonzero(np.isfinite(array))
    if n_bad:
        raise ValueError(f"{name} must be finite; got {n_bad} NaN or infinite value(s).")
    return array


def _check_rows(x: np.ndarray, y: np.ndarray, name_x: str, name_y: str) -> None:
    if len(x) != len(y):
        raise ValueError(
            f"{name_x} and {name_y} must have one row per example each; "
            f"got {len(x)} and {len(y)} rows."
        )


# --------------------------------------------------------------------------- batches


def minibatches(x, y, *, batch_size, shuffle=True, rng=None, drop_last=False):
    r"""Cut one epoch of data into mini-batches, as a data loader does.

    Parameters
    ----------
    x : array_like of shape (n, ...)
        Examples, one per row; finite numbers.
    y : array_like of shape (n, ...)
        Their labels or targets, one per row of `x`.
    batch_size : int
        Examples per batch, $b \ge 1$. A batch size above $n$ gives one batch of all
        the data.
    shuffle : bool, default=True
        Visit the examples in a random order; False keeps the order of `x`.
    rng : numpy.random.Generator or int or None, default=None
        Source of the shuffling, or a seed for one. Ignored when ``shuffle=False``.
        Pass the same Generator every epoch to get a new order each time; an int seed
        gives the same order on every call.
    drop_last : bool, default=False
        Leave out the final batch when it has fewer than $b$ examples.

    Returns
    -------
    list of (ndarray, ndarray)
        ``(x_batch, y_batch)`` pairs, copies of rows of `x` and `y` with their dtypes;
        every batch but possibly the last holds $b$ rows. Their number is
        ``iterations_per_epoch(n, b, drop_last=drop_last)``.

    Raises
    ------
    ValueError
        If `x` or `y` is 0-D, empty or holds NaN or infinity, or their numbers of rows
        differ; or `batch_size` is below 1.
    TypeError
        If `x` or `y` does not hold numbers, `batch_size` is not an int, `shuffle` or
        `drop_last` is not a bool, or `rng` is not a Generator, int or None.

    See Also
    --------
    iterations_per_epoch : How many batches an epoch has.

    count_iterations : How many batches a whole run has.

    fit_mlp : Trains on these batches, one update per batch.

    Notes
    -----
    With the order $\pi$ (``rng.permutation(n)``, or $0, 1, \dots, n - 1$ without
    shuffling), batch $k = 0, 1, \dots$ holds the examples

    $$B_k = \{\pi_{kb}, \pi_{kb + 1}, \dots, \pi_{\min((k+1)b,\, n) - 1}\},$$

    so the batches partition the data: every example lands in exactly one batch per
    epoch (or in none, when it falls in a dropped last batch). This is what
    ``torch.utils.data.DataLoader`` yields with the same `batch_size`, `shuffle` and
    `drop_last`. The batches are built eagerly as a list, which is fine for the
    in-memory data used here; real loaders read from disk and produce batches lazily.

    Examples
    --------
    Ten examples in batches of 4 give batches of 4, 4 and 2; dropping the last leaves 2:

    >>> x, y = np.arange(10.0).reshape(10, 1), np.arange(10)
    >>> [yb.tolist() for _, yb in minibatches(x, y, batch_size=4, shuffle=False)]
    [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    >>> len(minibatches(x, y, batch_size=4, shuffle=False, drop_last=True))
    2

    Shuffled with a seed, the order is random but repeatable, and still covers every
    example once:

    >>> batches = minibatches(x, y, batch_size=4, rng=0)
    >>> sorted(np.concatenate([yb for _, yb in batches]).tolist()) == list(range(10))
    True

    A batch size above $n$ with ``drop_last=True`` leaves no batch at all, as in PyTorch:

    >>> minibatches(x, y, batch_size=16, drop_last=True)
    []
    """
    x, y = _as_rows(x, "x"), _as_rows(y, "y")
    _check_rows(x, y, "x", "y")
    b = check_int(batch_size, "batch_size", minimum=1)
    shuffle = check_bool(shuffle, "shuffle")
    drop_last = check_bool(drop_last, "drop_last")
    n = len(x)
    order = as_rng(rng).permutation(n) if shuffle else np.arange(n)
    n_batches = iterations_per_epoch(n, b, drop_last=drop_last)
    # batch k takes positions k*b .. (k+1)*b - 1 of the order; fancy indexing copies
    return [
        (x[order[k * b : (k + 1) * b]], y[order[k * b : (k + 1) * b]]) for k in range(n_batches)
    ]


# --------------------------------------------------------------------------- gradient accumulation


def _micro_batch(batch, k: int) -> tuple:
    """Micro-batch `k` as a tuple of arrays with one row per example each."""
    if not isinstance(batch, tuple | list) or len(batch) == 0:
        raise TypeError(
            f"micro_batches[{k}] must be a tuple of arrays such as (x_batch, y_batch); "
            f"got {type(batch).__name__}."
        )
    arrays = tuple(_as_rows(a, f"micro_batches[{k}][{i}]") for i, a in enumerate(batch))
    for i, a in enumerate(arrays[1:], start=1):
        _check_rows(arrays[0], a, f"micro_batches[{k}][0]", f"micro_batches[{k}][{i}]")
    return arrays


def accumulate_gradients(grad_fn, params, micro_batches):
    r"""Gradient accumulation: the large-batch mean gradient, summed over micro-batches.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(params, *batch)`` returns the **mean** gradient of the loss over the
        examples of one micro-batch, shaped like `params`; for ``(x_batch, y_batch)``
        pairs that is ``grad_fn(params, x_batch, y_batch)``. It receives a copy of
        `params`.
    params : float or array_like
        Finite parameters $\theta$, any shape; not changed.
    micro_batches : sequence of tuple of array_like
        The micro-batches of one large batch, each a tuple of arrays with one row per
        example, such as the ``(x_batch, y_batch)`` pairs of :func:`minibatches`.
        They may differ in size.

    Returns
    -------
    float or ndarray
        $\nabla L_B(\theta)$, the mean gradient over all the examples of all the
        micro-batches, shaped like `params`.

    Raises
    ------
    ValueError
        If `params` or an array of a micro-batch is empty or not finite,
        `micro_batches` is empty, the arrays of one micro-batch differ in length, or
        `grad_fn` returns the wrong shape or a non-finite gradient.
    TypeError
        If `grad_fn` is not callable, `micro_batches` is not a sequence of tuples, or
        an array does not hold numbers.

    See Also
    --------
    minibatches : Cuts a batch into the micro-batches.

    count_iterations : Optimizer steps in a run; with accumulation, one step per
        large batch of $K$ micro-batches.

    Notes
    -----
    For micro-batches $B_1, \dots, B_K$ of sizes $n_k$, with $N = \sum_k n_k$ and
    $g_k$ the mean gradient over $B_k$,

    $$\nabla L_B = \frac{1}{N} \sum_{i \in B} \nabla \ell_i
      = \sum_{k=1}^{K} \frac{n_k}{N}\, g_k ,$$

    so $K$ passes through micro-batches that fit in memory give exactly the gradient
    of the batch of $N$ that does not, and one optimizer step on it is a large-batch
    step. Frameworks do this by calling ``backward()`` $K$ times, which adds into
    ``.grad``, before one ``optimizer.step()``; each micro-batch loss must then be
    scaled by $n_k / N$. The common recipe, ``loss / K``, weights each micro-batch
    equally: it is right only when all the $n_k$ are equal, and otherwise gives the
    examples of a short last micro-batch too much weight. Batch normalization
    breaks the equality anyway: its statistics are those of each micro-batch.

    The sum runs one micro-batch at a time, as a framework's would, keeping one
    gradient in memory. The exact result lies between the smallest and the largest
    $g_k$ of each entry, so it is clipped to that range: rounding near the float64
    limit cannot turn it into infinity.

    Examples
    --------
    The loss $\ell_i = \tfrac12 (w - y_i)^2$ has mean gradient $w - \bar y$ over a
    batch. At $w = 0$ with targets 1, 2, 3, 4, 5, the full batch gives
    $-\bar y = -3$. Micro-batches of sizes 2, 2 and 1 give $-1.5$, $-3.5$ and $-5$,
    and $\tfrac25(-1.5) + \tfrac25(-3.5) + \tfrac15(-5) = -3$:

    >>> def grad_fn(w, x_batch, y_batch):
    ...     return w - y_batch.mean()
    >>> x, y = np.zeros((5, 1)), np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> batches = minibatches(x, y, batch_size=2, shuffle=False)
    >>> [len(yb) for _, yb in batches]
    [2, 2, 1]
    >>> accumulate_gradients(grad_fn, 0.0, batches)
    -3.0

    Dividing the sum of the three means by $K = 3$ instead gives the wrong
    $-10 / 3$, overweighting the last target:

    >>> round(float(sum(grad_fn(0.0, xb, yb) for xb, yb in batches)) / 3, 4)
    -3.3333
    """
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be callable; got {type(grad_fn).__name__}.")
    params = as_float_array(params, "params")
    if isinstance(micro_batches, str | bytes | np.ndarray) or not hasattr(micro_batches, "__len__"):
        raise TypeError(
            "micro_batches must be a list of (x_batch, y_batch) tuples; "
            f"got {type(micro_batches).__name__}."
        )
    if len(micro_batches) == 0:
        raise ValueError("micro_batches must hold at least one micro-batch; got none.")
    batches = [_micro_batch(batch, k) for k, batch in enumerate(micro_batches)]
    sizes = [len(batch[0]) for batch in batches]
    total = sum(sizes)
    accumulated = np.zeros_like(params)
    low = np.full_like(params, np.inf)
    high = np.full_like(params, -np.inf)
    for k, (batch, n_k) in enumerate(zip(batches, sizes, strict=True)):
        where = f"grad_fn(params, *micro_batches[{k}])"
        grad = as_float_array(grad_fn(params.copy(), *batch), where)
        check_same_shape(params, grad, "params", where)
        # a sum of weighted gradients may round past the float64 limit; clipped below
        with np.errstate(over="ignore"):
            # .grad += (n_k / N) g_k, as backward() adds into .grad
            accumulated += (n_k / total) * grad
        np.minimum(low, grad, out=low)
        np.maximum(high, grad, out=high)
    # sum_k (n_k / N) g_k is a weighted mean of the g_k, so it lies in [min_k g_k, max_k g_k]
    return scalar_or_array(np.clip(accumulated, low, high))


def count_iterations(n_examples, batch_size, n_epochs, *, drop_last=False):
    r"""Total number of iterations (parameter updates) in a training run.

    Parameters
    ----------
    n_examples : int
        Size of the training set, $n \ge 1$.
    batch_size : int
        Examples per batch, $b \ge 1$.
    n_epochs : int
        Passes over the data, $E \ge 0$.
    drop_last : bool, default=False
        Whether each epoch skips its final, incomplete batch.

    Returns
    -------
    int
        $E \lceil n / b \rceil$, or $E \lfloor n / b \rfloor$ with ``drop_last=True``.

    Raises
    ------
    ValueError
        If `n_examples` or `batch_size` is below 1, or `n_epochs` is negative.
    TypeError
        If a count is not an int or `drop_last` is not a bool.

    See Also
    --------
    iterations_per_epoch : The count for one epoch.

    minibatches : The batches themselves.

    Notes
    -----
    $$T = E \cdot \left\lceil \frac{n}{b} \right\rceil
      \quad\text{or}\quad E \cdot \left\lfloor \frac{n}{b} \right\rfloor
      \text{ (drop last)}.$$

    One iteration processes one batch and makes one update, so $T$ is the number of
    optimizer steps, the x-axis of a loss curve drawn per iteration. Each epoch ends
    with its own short batch, so $T$ is not $\lceil E n / b \rceil$ unless $b$ divides
    $n$. Integer arithmetic keeps the count exact for any size.

    Examples
    --------
    MNIST's 60,000 images in batches of 100 for 20 epochs: $20 \cdot 600 = 12000$.

    >>> count_iterations(60000, 100, 20)
    12000

    1,000 examples in batches of 32 take 32 iterations per epoch, 31 without the short
    last batch of 8:

    >>> count_iterations(1000, 32, 10), count_iterations(1000, 32, 10, drop_last=True)
    (320, 310)
    """
    per_epoch = iterations_per_epoch(n_examples, batch_size, drop_last=drop_last)
    return check_int(n_epochs, "n_epochs", minimum=0) * per_epoch


# --------------------------------------------------------------------------- training


def _check_fit_data(x_train, y_train, x_val, y_val, sizes):
    """Validated float features and int labels for a classifier with these layer sizes."""
    d, k = sizes[0], sizes[-1]
    out = []
    for name, x, y in (("train", x_train, y_train), ("val", x_val, y_val)):
        x = as_float_array(x, f"x_{name}", ndim=2, layout="(n, d)")
        y = as_index_array(y, f"y_{name}")
        _check_rows(x, y, f"x_{name}", f"y_{name}")
        if x.shape[1] != d:
            raise ValueError(
                f"x_{name} must have layer_sizes[0] = {d} features; got shape {x.shape}."
            )
        if y.max() >= k:
            raise ValueError(
                f"y_{name} must hold class indices below layer_sizes[-1] = {k}; got {y.max()}."
            )
        out += [x, y]
    return out


def _start_params(initial_params, sizes, rng):
    """Copies of `initial_params` (checked against `sizes`), or fresh random ones."""
    if initial_params is None:
        return init_mlp(list(sizes), rng=rng)
    if _layer_sizes(initial_params) != sizes:
        raise ValueError(
            f"initial_params must have the layer sizes {list(sizes)}; "
            f"got {list(_layer_sizes(initial_params))}."
        )
    return [(w.copy(), b.copy()) for w, b in as_dense_params(initial_params)]


def _run_seed(rng) -> int:
    """The run's seed: `rng` itself if it is an int, else one drawn from it."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        return check_int(rng, "rng", minimum=0)
    return int(as_rng(rng).integers(2**63))


def _epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The shuffling of one epoch: the `epoch`-th child of the run's SeedSequence."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(epoch,)))


def _diverged(epoch: int, what: str) -> ValueError:
    return ValueError(
        f"training diverged in epoch {epoch + 1}: the {what} overflowed; lower learning_rate."
    )


def _finite_logits(x, params, epoch):
    """The network's logits, or a clear error once training has diverged."""
    # a diverging run overflows here; it is reported just below, not as a warning
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            logits = mlp_forward(x, params)
    except ValueError:
        raise _diverged(epoch, "outputs") from None
    if not np.all(np.isfinite(logits)):
        raise _diverged(epoch, "outputs")
    return logits


def _step(xb, yb, params, lr, frozen, epoch):
    """One iteration: the batch's loss before the update, and the updated parameters."""
    logits = _finite_logits(xb, params, epoch)
    # a diverging run overflows here too; the checks below report it
    with np.errstate(over="ignore", invalid="ignore"):
        # dL/dlogits of the batch's mean cross-entropy, backpropagated to every layer
        try:
            _, grads = mlp_backward(xb, params, cross_entropy_grad(logits, yb))
        except ValueError:
            raise _diverged(epoch, "gradients") from None
        if not all(np.all(np.isfinite(g)) for pair in grads for g in pair):
            raise _diverged(epoch, "gradients")
        # theta <- theta - eta * dL/dtheta, for every weight and bias not frozen
        new = params[:frozen] + [
            tuple(
                gradient_descent_step(p, g, learning_rate=lr)
                for p, g in zip(pair, grad, strict=True)
            )
            for pair, grad in zip(params[frozen:], grads[frozen:], strict=True)
        ]
    if not all(np.all(np.isfinite(p)) for pair in new for p in pair):
        raise _diverged(epoch, "parameters")
    return cross_entropy(logits, yb), new


def fit_mlp(
    x_train,
    y_train,
    x_val,
    y_val,
    *,
    layer_sizes,
    learning_rate,
    batch_size,
    n_epochs,
    rng=None,
    shuffle=True,
    initial_params=None,
    first_epoch=0,
    frozen_layers=0,
):
    r"""Train a ReLU softmax network by mini-batch descent, recording its generalization curve.

    Parameters
    ----------
    x_train : array_like of shape (n, d)
        Finite training features.
    y_train : array_like of int, shape (n,)
        Their class indices, in ``[0, k)``.
    x_val : array_like of shape (m, d)
        Validation features: scored after every epoch, never trained on.
    y_val : array_like of int, shape (m,)
        Their class indices.
    layer_sizes : sequence of int
        $d, h_1, \dots, k$: the features, the hidden widths and the number of classes.
    learning_rate : float
        Step size $\eta > 0$.
    batch_size : int
        Examples per update, $b \ge 1$; $b \ge n$ is full-batch gradient descent.
    n_epochs : int
        Passes over the training set, at least 1.
    rng : numpy.random.Generator or int or None, default=None
        The run's seed, or a source to draw one from. It sets the initial weights and
        every epoch's shuffling.
    shuffle : bool, default=True
        Reshuffle the training set every epoch; False visits it in order.
    initial_params : list of (array_like, array_like), optional
        Start from these ``(weight, bias)`` pairs, e.g. a checkpoint or a pretrained
        network, instead of ``init_mlp(layer_sizes, rng=seed)``. They are not modified.
    first_epoch : int, default=0
        The number of the first epoch of this call. A run resumed at epoch $e$ with
        ``first_epoch=e`` and the same seed reshuffles exactly as the uninterrupted run.
    frozen_layers : int, default=0
        Keep the first this-many weight layers fixed and train only the rest, as when
        fine-tuning the new head of a pretrained network.

    Returns
    -------
    TrainingHistory
        A named tuple of

        - ``params``: the trained ``(weight, bias)`` pairs;
        - ``batch_loss``, shape ``(n_epochs * iterations_per_epoch(n, b),)``: each
          batch's mean cross-entropy, measured just before its update;
        - ``train_loss``, ``val_loss``, shape ``(n_epochs,)``: the mean cross-entropy on
          the whole training and validation sets after each epoch;
        - ``val_accuracy``, shape ``(n_epochs,)``: the validation accuracy after each
          epoch.

    Raises
    ------
    ValueError
        If an array has the wrong shape, is empty or holds NaN or infinity; a label is
        not below $k$; an option is out of range; `initial_params` does not match
        `layer_sizes`; or training diverges (the learning rate is too large).
    TypeError
        If an array does not hold numbers or an option has the wrong type.

    See Also
    --------
    minibatches : The data loader used for every epoch.

    mlp_backward : The gradients of every update.

    gradient_descent_step : The update rule.

    generalization_gap : Validation minus training loss, from the returned curves.

    save_checkpoint : Store the parameters to resume from them later.

    Notes
    -----
    Each iteration takes a batch $B$ and steps every trainable parameter against the
    gradient of the batch's mean softmax cross-entropy,

    $$\theta \leftarrow \theta - \eta\, \nabla_\theta \frac{1}{|B|} \sum_{i \in B}
      -\log \operatorname{softmax}\bigl(f_\theta(x_i)\bigr)_{y_i}.$$

    The per-epoch training loss is measured on the whole training set with the
    end-of-epoch parameters, the same footing as the validation loss, so the two curves
    can be compared directly; Keras instead averages the batch losses over the epoch,
    which lags behind by about half an epoch.

    Randomness is reproducible: with an int seed $s$ the initial weights are
    ``init_mlp(layer_sizes, rng=s)`` and epoch $e$ shuffles with
    ``np.random.default_rng(np.random.SeedSequence(s, spawn_key=(e,)))``. Each epoch's
    order depends only on $(s, e)$, like ``set_epoch`` of PyTorch's
    ``DistributedSampler``, so a run restarted from a checkpoint continues bit for bit.
    A too-large learning rate makes the outputs overflow; that is reported as a
    ValueError rather than returned as NaN.

    Examples
    --------
    Two well-separated classes on a line: the loss falls and every validation point is
    classified correctly.

    >>> x = np.array([[-2.0], [-1.5], [-1.0], [1.0], [1.5], [2.0]])
    >>> y = np.array([0, 0, 0, 1, 1, 1])
    >>> h = fit_mlp(x, y, x, y, layer_sizes=[1, 4, 2], learning_rate=0.5,
    ...             batch_size=2, n_epochs=20, rng=0)
    >>> h.batch_loss.shape, h.train_loss.shape
    ((60,), (20,))
    >>> bool(h.train_loss[-1] < h.train_loss[0]), h.val_accuracy[-1].item()
    (True, 1.0)

    A learning rate far too large is caught instead of producing NaN:

    >>> fit_mlp(x * 1e150, y, x, y, layer_sizes=[1, 4, 2], learning_rate=1e150,
    ...         batch_size=6, n_epochs=5, rng=0)
    Traceback (most recent call last):
    ...
    ValueError: training diverged in epoch 1: the outputs overflowed; lower learning_rate.
    """
    sizes = _layer_sizes(layer_sizes)
    x_train, y_train, x_val, y_val = _check_fit_data(x_train, y_train, x_val, y_val, sizes)
    lr = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    first_epoch = check_int(first_epoch, "first_epoch", minimum=0)
    frozen = check_int(frozen_layers, "frozen_layers", minimum=0)
    if frozen >= len(sizes) - 1:
        raise ValueError(
            f"frozen_layers must leave at least one of the {len(sizes) - 1} weight layers "
            f"to train; got {frozen}."
        )
    seed = _run_seed(rng)
    params = _start_params(initial_params, sizes, seed)
    batch_loss, curves = [], np.empty((3, n_epochs))
    for i, epoch in enumerate(range(first_epoch, first_epoch + n_epochs)):
        loader = minibatches(
            x_train, y_train, batch_size=batch_size, shuffle=shuffle, rng=_epoch_rng(seed, epoch)
        )
        for xb, yb in loader:
            loss, params = _step(xb, yb, params, lr, frozen, epoch)
            batch_loss.append(loss)
        val_logits = _finite_logits(x_val, params, epoch)
        curves[:, i] = (
            cross_entropy(_finite_logits(x_train, params, epoch), y_train),
            cross_entropy(val_logits, y_val),
            accuracy_score(y_val, val_logits.argmax(axis=1)),
        )
    return TrainingHistory(params, np.array(batch_loss), *curves)


def generalization_gap(train_loss, val_loss):
    r"""Generalization gap, epoch by epoch: validation loss minus training loss.

    Parameters
    ----------
    train_loss : float or array_like
        Training loss, one value per epoch (e.g. ``fit_mlp(...).train_loss``).
    val_loss : float or array_like
        Validation loss at the same epochs, with the shape of `train_loss`.

    Returns
    -------
    float or ndarray
        ``val_loss - train_loss``, with their shape.

    Raises
    ------
    ValueError
        If an input is empty or holds NaN or infinity, or the shapes differ.
    TypeError
        If an input does not hold real numbers.

    See Also
    --------
    fit_mlp : Records both curves of a training run.

    Notes
    -----
    $$g_e = L_\text{val}(\theta_e) - L_\text{train}(\theta_e).$$

    A small gap with both losses high means underfitting; a gap that keeps growing
    while the training loss still falls means overfitting. The validation curve's
    minimum, ``np.argmin(val_loss)``, marks where overfitting sets in, the epoch whose
    checkpoint early stopping keeps. No shapes are broadcast: the two curves must
    cover the same epochs.

    Examples
    --------
    >>> generalization_gap([0.5, 0.25, 0.125], [0.5, 0.375, 0.5]).tolist()
    [0.0, 0.125, 0.375]
    >>> generalization_gap(0.25, 0.75)
    0.5
    """
    train_loss = as_float_array(train_loss, "train_loss")
    val_loss = as_float_array(val_loss, "val_loss")
    check_same_shape(train_loss, val_loss, "train_loss", "val_loss")
    # g_e = L_val - L_train at each epoch e
    return scalar_or_array(val_loss - train_loss)


# --------------------------------------------------------------------------- checkpoints

_PARAM_KEY = re.compile(r"params\.(\d+)\.(weight|bias)")
_META_PREFIX = "meta."


def _check_path(path) -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}.")
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"path must end in .npz, numpy's archive format; got {str(path)!r}.")
    return path


def _metadata_array(key: str, value) -> np.ndarray:
    """A metadata value as a numpy array that loads without pickle."""
    array = as_array(value, f"metadata {key!r}")
    if array.dtype.kind not in "biufU":
        raise TypeError(
            f"metadata {key!r} must be a number, a string or an array of numbers; "
            f"got {type(value).__name__}."
        )
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"metadata {key!r} must be finite; got {value!r}.")
    return array


def save_checkpoint(path, params, **metadata):
    r"""Save a checkpoint: the network's parameters and numbers on the run, in an ``.npz`` file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; it must end in ``.npz`` and is replaced if it exists.
    params : list of (array_like, array_like or None)
        The network's ``(weight, bias)`` pairs, whose shapes chain up; a None bias is
        stored as zeros.
    **metadata : number, str or array_like of numbers
        What else the run needs to resume, e.g. ``epoch=3, seed=0``.

    Returns
    -------
    int
        How many parameter values were written, weights plus biases.

    Raises
    ------
    ValueError
        If `params` is empty, a shape does not chain up, a value is NaN or infinite,
        or `path` does not end in ``.npz``.
    TypeError
        If `params` is not a list of pairs, `path` is not a path, or a metadata value
        is not a number, string or numeric array.

    See Also
    --------
    load_checkpoint : Reads the file back.

    fit_mlp : Resumes training from the loaded parameters.

    Notes
    -----
    Layer $l$'s arrays are stored under the stable keys ``params.<l>.weight`` and
    ``params.<l>.bias``, and each metadata item under ``meta.<name>``, in numpy's
    documented ``.npz`` format (a zip of ``.npy`` files). Nothing is pickled, so
    loading runs no code from the file. The arrays are float64 and written exactly,
    so the round trip is bit for bit. The file is written under a temporary name and
    then renamed, so a crash during the save never leaves a half-written checkpoint
    in place of the previous one.

    Examples
    --------
    >>> import tempfile
    >>> params = [(np.array([[1.0, -2.0]]), np.array([0.5, 0.0]))]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "ckpt.npz"
    ...     n_saved = save_checkpoint(path, params, epoch=3, learning_rate=0.1)
    ...     restored, meta = load_checkpoint(path)
    >>> n_saved, meta
    (4, {'epoch': 3, 'learning_rate': 0.1})
    >>> restored[0][0].tolist(), restored[0][1].tolist()
    ([[1.0, -2.0]], [0.5, 0.0])
    """
    path = _check_path(path)
    params = as_dense_params(params)
    arrays = {}
    for layer, (w, b) in enumerate(params):
        arrays[f"params.{layer}.weight"], arrays[f"params.{layer}.bias"] = w, b
    for key, value in metadata.items():
        arrays[f"{_META_PREFIX}{key}"] = _metadata_array(key, value)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as file:
        np.savez(file, **arrays)
    # the rename is atomic: readers see the old checkpoint or the new one, never half
    tmp.replace(path)
    return sum(w.size + b.size for w, b in params)


def load_checkpoint(path):
    r"""Read a checkpoint written by :func:`save_checkpoint`.

    Parameters
    ----------
    path : str or os.PathLike
        An ``.npz`` file written by :func:`save_checkpoint`.

    Returns
    -------
    params : list of (ndarray, ndarray)
        The ``(weight, bias)`` pairs, in layer order, bit for bit as saved.
    metadata : dict
        The saved metadata: numbers and strings as Python ``int``, ``float``, ``bool``
        or ``str``, arrays as arrays.

    Raises
    ------
    FileNotFoundError
        If there is no file at `path`.
    ValueError
        If `path` does not end in ``.npz``, or the file holds pickled objects,
        unknown keys, no parameters, parameters with a layer missing, shapes that do not
        chain up, or NaN or infinite values.
    TypeError
        If `path` is not a path.

    See Also
    --------
    save_checkpoint : Writes the file.

    fit_mlp : Continues training from `params` (``initial_params``).

    Notes
    -----
    The file is opened with ``allow_pickle=False``: a checkpoint is data, and
    unpickling a file from elsewhere can run arbitrary code. Layers are ordered by
    their number, not by the text of their keys, so ``params.10`` follows
    ``params.9``. The parameters are validated like any network's, so a truncated or
    corrupted file fails here rather than in the middle of a later training run.

    Examples
    --------
    A two-layer network survives the round trip unchanged:

    >>> import tempfile
    >>> params = [(np.ones((3, 2)), np.zeros(2)), (np.full((2, 1), 1e-300), np.ones(1))]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_checkpoint(Path(tmp) / "net.npz", params, seed=0)
    ...     restored, meta = load_checkpoint(Path(tmp) / "net.npz")
    11
    >>> all(np.array_equal(a, b) for p, q in zip(params, restored) for a, b in zip(p, q))
    True
    >>> meta
    {'seed': 0}
    """
    path = _check_path(path)
    layers, metadata = {}, {}
    with np.load(path, allow_pickle=False) as archive:
        for key in archive.files:
            match = _PARAM_KEY.fullmatch(key)
            if match:
                layers.setdefault(int(match[1]), {})[match[2]] = archive[key]
            elif key.startswith(_META_PREFIX):
                value = archive[key]
                metadata[key[len(_META_PREFIX) :]] = value.item() if value.ndim == 0 else value
            else:
                raise ValueError(f"{path} is not a dlterms checkpoint; got the key {key!r}.")
    if sorted(layers) != list(range(len(layers))) or any(len(p) != 2 for p in layers.values()):
        raise ValueError(
            f"{path} must store a weight and a bias for layers 0, 1, ...; "
            f"got {sorted(f'{k}.{n}' for k, p in layers.items() for n in p)}."
        )
    params = as_dense_params([(layers[i]["weight"], layers[i]["bias"]) for i in range(len(layers))])
    return params, metadata
