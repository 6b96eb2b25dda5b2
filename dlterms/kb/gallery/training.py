"""Figures for dlterms.training: data loaders, iterations, batch size, loss and
generalisation curves, and checkpoints.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, TEAL, figure
from dlterms.kb.gallery._draw import EDGE, FAINT, INK, MUTED, diagram, tint

__all__: list[str] = []


BATCH_COLORS = (BLUE, ORANGE, GREEN, PURPLE, TEAL, RED)


def _blobs(n, seed, separation=1.0):
    """Two overlapping Gaussian classes in 2-D, centred at (-s, 0) and (s, 0)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    return rng.normal(size=(n, 2)) + np.c_[(2 * y - 1) * separation, np.zeros(n)], y


def _box(ax, x, y, width, text, face, *, height=0.8, ink=INK):
    """A labelled cell with its lower-left corner at (x, y)."""
    ax.bar(x, height, width=width, bottom=y, align="edge", color=face, edgecolor=EDGE, lw=0.8)
    ax.text(x + width / 2, y + height / 2, text, ha="center", va="center", fontsize=10, color=ink)


# --------------------------------------------------------------------------- batches


@figure(
    "data-loader",
    alt="Ten examples numbered 0 to 9 in a row, and below them two epochs as a data loader "
    "with batch size 4 delivers them. Epoch 1 (shuffled): batches 9 6 0 2 | 1 4 7 5 | 3 8. "
    "Epoch 2 (reshuffled): 7 4 3 5 | 0 8 9 6 | 1 2. Each epoch has iterations_per_epoch(10, "
    "4) = 3 batches, the last holding only 2 examples, and every example appears exactly "
    "once per epoch.",
    caption="A data loader reshuffles the examples every epoch and cuts them into batches; "
    "10 examples in batches of 4 give 3 batches, the last one short.",
    size=(6.4, 2.6),
)
def _data_loader(fig):
    n, b = 10, 4
    x, y = np.arange(n, dtype=float)[:, None], np.arange(n)
    rng = np.random.default_rng(3)  # one generator: every call draws a fresh order
    ax = diagram(fig, (-2.6, n + 2 * 0.4 + 0.2), (-3.1, 1.35))
    for i in range(n):
        _box(ax, i + 0.4, 0.2, 1.0, str(i), FAINT)
    ax.text(-0.1, 0.6, "data set", ha="right", va="center", fontsize=10, color=INK)
    for row, name in enumerate(("epoch 1", "epoch 2"), start=1):
        batches = dlterms.minibatches(x, y, batch_size=b, rng=rng)
        top, left = 0.2 - 1.6 * row, 0.0
        for k, (_, yb) in enumerate(batches):
            color = BATCH_COLORS[k]
            for j, label in enumerate(yb):
                _box(ax, left + j, top, 1.0, str(label), tint(color, 0.3))
            ax.text(left + len(yb) / 2, top - 0.05, f"batch {k + 1}", ha="center", va="top",
                    fontsize=8.5, color=color)  # fmt: skip
            left += len(yb) + 0.4
        ax.text(-0.1, top + 0.4, name, ha="right", va="center", fontsize=10, color=INK)
    count = dlterms.iterations_per_epoch(n, b)
    ax.set_title(f"batch size {b}: {count} batches (iterations) per epoch", fontsize=10)


@figure(
    "iteration",
    alt="Three epochs of training on 10 examples with batch size 4, drawn as numbered "
    "boxes whose widths are the batch sizes. Top row, keeping the short batch: each epoch "
    "has batches of 4, 4 and 2, so count_iterations(10, 4, 3) = 9 iterations. Bottom row, "
    "with drop_last=True: each epoch has two batches of 4 and skips 2 examples, so "
    "count_iterations(10, 4, 3, drop_last=True) = 6 iterations.",
    caption="Each iteration is one update on one batch: 3 epochs of 10 examples in batches "
    "of 4 make 9 iterations, or 6 if the short last batch is dropped.",
    size=(6.4, 2.6),
)
def _iteration(fig):
    n, b, epochs = 10, 4, 3
    x, y = np.zeros((n, 1)), np.arange(n)
    ax = fig.subplots()
    ax.set(xlim=(-0.3, epochs * (n + 1.5)), ylim=(-3.4, 1.3))
    ax.axis("off")
    for row, drop_last in enumerate((False, True)):
        top, t = -2.1 * row, 0
        total = dlterms.count_iterations(n, b, epochs, drop_last=drop_last)
        rule = "drop_last=True" if drop_last else "keep the short batch"
        ax.text(0, top + 0.95, f"{rule}: {total} iterations", ha="left", va="bottom",
                fontsize=10, color=INK, fontweight="bold")  # fmt: skip
        for epoch in range(epochs):
            left = epoch * (n + 1.5)
            batches = dlterms.minibatches(x, y, batch_size=b, shuffle=False, drop_last=drop_last)
            for _, yb in batches:
                t += 1
                _box(ax, left, top, len(yb), f"{t}", tint(BATCH_COLORS[epoch], 0.3))
                left += len(yb)
            if drop_last:
                _box(ax, left, top, n - (left - epoch * (n + 1.5)), "skip", "white", ink=MUTED)
            ax.text(epoch * (n + 1.5) + n / 2, top - 0.1, f"epoch {epoch + 1}", ha="center",
                    va="top", fontsize=9, color=BATCH_COLORS[epoch])  # fmt: skip


# --------------------------------------------------------------------------- curves


@figure(
    "loss-curve",
    alt="Loss curve of a small network trained for 30 epochs on 64 examples in batches of "
    "8 (8 iterations per epoch, 240 in all). The loss of each mini-batch, a jagged grey "
    "line, starts at 0.61 and in the last 10 epochs jumps between 0.03 and 0.44; the loss "
    "on the whole training set after each epoch, blue dots, falls smoothly from 0.48 after "
    "epoch 1 to 0.11 after epoch 30, ever more slowly.",
    caption="Per iteration the loss is noisy, because every batch is a different sample; "
    "measured once per epoch it shows the trend, falling fast and then flattening.",
)
def _loss_curve(fig):
    x, y = _blobs(64, 1, separation=2.0)
    h = dlterms.fit_mlp(x, y, x, y, layer_sizes=[2, 16, 2], learning_rate=0.02, batch_size=8,
                        n_epochs=30, rng=0)  # fmt: skip
    per_epoch = dlterms.iterations_per_epoch(64, 8)
    ax = fig.subplots()
    steps = np.arange(1, h.batch_loss.size + 1)
    ends = per_epoch * np.arange(1, h.train_loss.size + 1)
    ax.plot(steps, h.batch_loss, color=MUTED, lw=1.0, label="mini-batch loss, every iteration")
    ax.plot(ends, h.train_loss, "o-", color=BLUE, ms=4, lw=1.5,
            label="whole training set, end of each epoch")  # fmt: skip
    ax.set(xlabel="iteration (weight update)", ylabel="cross-entropy", ylim=(0, None),
           xlim=(0, steps[-1] + 2))  # fmt: skip
    ax.legend(loc="upper right")


@figure(
    "generalization-curve",
    alt="Generalization curve of a network with 32 hidden units trained on only 16 noisy "
    "examples for 150 epochs. The training loss (blue) falls steadily from 0.63 after "
    "epoch 1 to 0.02. The validation loss (orange, 400 held-out examples) falls from 0.65 "
    "to its minimum of 0.37 at epoch 18, marked by a dashed line labelled 'overfitting "
    "starts', then climbs steadily back to 0.65 at epoch 150; the shaded gap between the "
    "curves widens after the minimum.",
    caption="Validation loss bottoms out and then rises while the training loss keeps "
    "falling: the model has started to memorise its 16 training examples.",
    size=(6.4, 3.4),
)
def _generalization_curve(fig):
    x, y = _blobs(16, 1)
    x_val, y_val = _blobs(400, 2)
    h = dlterms.fit_mlp(
        x, y, x_val, y_val, layer_sizes=[2, 32, 2], learning_rate=0.05, batch_size=4,
        n_epochs=150, rng=0,
    )  # fmt: skip
    epochs = np.arange(1, h.train_loss.size + 1)
    best = int(np.argmin(h.val_loss)) + 1
    gap = dlterms.generalization_gap(h.train_loss, h.val_loss)
    ax = fig.subplots()
    ax.fill_between(epochs, h.train_loss, h.train_loss + gap, color=tint(ORANGE, 0.15), lw=0,
                    label="generalization gap")  # fmt: skip
    ax.plot(epochs, h.train_loss, color=BLUE, label="training loss (16 examples)")
    ax.plot(epochs, h.val_loss, color=ORANGE, label="validation loss (400 examples)")
    ax.axvline(best, color=INK, ls="--", lw=1.0)
    ax.annotate(f"overfitting starts\n(epoch {best}, lowest\nvalidation loss)",
                (best, h.val_loss[best - 1]), xytext=(best + 8, 0.08), fontsize=9, color=INK,
                arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.0})  # fmt: skip
    ax.set(xlabel="epoch", ylabel="cross-entropy", ylim=(0, None), xlim=(0, epochs[-1] + 1))
    ax.legend(loc="upper right")


@figure(
    "batch-size",
    alt="Three panels with the mini-batch loss at each of the first 150 iterations of the "
    "same network on the same data (256 examples, learning rate 0.05), for batch sizes 1, "
    "8 and 64, on the same vertical scale. With batch size 1 the loss jumps between "
    "almost 0 and up to 2.4 from step to step; with 8 it wobbles between 0.13 and 0.89; "
    "with 64 it is a nearly smooth line falling from 0.64 to about 0.36.",
    caption="The loss of a small batch is a noisy estimate of the loss on all the data; "
    "larger batches give smoother, more reliable steps but fewer of them per epoch.",
    size=(6.4, 3.0),
)
def _batch_size(fig):
    x, y = _blobs(256, 1)
    axes = fig.subplots(1, 3, sharey=True)
    steps = 150
    for ax, b, color in zip(axes, (1, 8, 64), (RED, ORANGE, BLUE), strict=True):
        epochs = -(-steps // dlterms.iterations_per_epoch(256, b))
        h = dlterms.fit_mlp(x, y, x, y, layer_sizes=[2, 16, 2], learning_rate=0.05,
                            batch_size=b, n_epochs=epochs, rng=0)  # fmt: skip
        ax.plot(np.arange(1, steps + 1), h.batch_loss[:steps], color=color, lw=1.0)
        ax.set(title=f"batch size {b}", xlabel="iteration", xticks=(0, 50, 100, 150))
    axes[0].set_ylabel("mini-batch loss")
    axes[0].set_ylim(0, None)


# --------------------------------------------------------------------------- checkpoints


@figure(
    "checkpoint",
    alt="Validation loss per epoch of two training runs of the same network with the same "
    "seed, falling from 0.52 after epoch 1 to about 0.37 and rising slightly to 0.39 by "
    "epoch 30. The blue line trains 30 epochs without a break. The orange run stops after "
    "epoch 12, as if the job had crashed, saves a checkpoint (parameters plus epoch = 12) "
    "with save_checkpoint, and a new session loads it with load_checkpoint and trains "
    "epochs 13 to 30: its dots fall exactly on the blue line, bit for bit.",
    caption="A checkpoint that stores the parameters and the epoch lets training resume "
    "after an interruption exactly where it stopped.",
)
def _checkpoint(fig):
    x, y = _blobs(40, 4)
    x_val, y_val = _blobs(200, 5)
    kwargs = {"layer_sizes": [2, 16, 2], "learning_rate": 0.1, "batch_size": 8, "rng": 0}
    whole = dlterms.fit_mlp(x, y, x_val, y_val, n_epochs=30, **kwargs)
    first = dlterms.fit_mlp(x, y, x_val, y_val, n_epochs=12, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        dlterms.save_checkpoint(Path(tmp) / "ckpt.npz", first.params, epoch=12)
        params, meta = dlterms.load_checkpoint(Path(tmp) / "ckpt.npz")
    rest = dlterms.fit_mlp(x, y, x_val, y_val, n_epochs=18, initial_params=params,
                           first_epoch=meta["epoch"], **kwargs)  # fmt: skip
    ax = fig.subplots()
    ax.plot(np.arange(1, 31), whole.val_loss, color=BLUE, label="uninterrupted run")
    ax.plot(np.arange(1, 13), first.val_loss, "o", color=ORANGE, ms=4,
            label="session 1, then checkpoint")  # fmt: skip
    ax.plot(np.arange(13, 31), rest.val_loss, "o", color=ORANGE, mfc="white", ms=4,
            label="session 2, resumed from checkpoint")  # fmt: skip
    ax.axvline(12.5, color=INK, ls="--", lw=1.0)
    ax.text(12.7, 0.98, "save_checkpoint(…, epoch=12)\nload_checkpoint(…)", fontsize=8.5,
            va="top", transform=ax.get_xaxis_transform(), family="monospace")  # fmt: skip
    ax.set(xlabel="epoch", ylabel="validation loss", xlim=(0, 31))
    ax.legend(loc="center right")
