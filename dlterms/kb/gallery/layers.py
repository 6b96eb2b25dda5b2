"""Figures for dlterms.layers: layers and their bias, dropout, batch and group normalisation."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, RED, figure
from dlterms.kb.gallery._draw import (
    INK,
    MUTED,
    PALE,
    arrow,
    cells,
    diagram,
    num,
    tint,
)

__all__: list[str] = []


# --------------------------------------------------------------------------- layers


@figure(
    "dropout-regularization",
    alt="Left: a 4 × 6 grid of activations with values from 1 to 4, mean 2.25. Right: the "
    "output of dropout with rate 0.5 and a fixed seed: 11 of the 24 units are dropped, "
    "shown as grey 0 cells, and the 13 kept ones are doubled (1 becomes 2, 3 becomes 6, "
    "4 becomes 8); the mean is 2.50, equal to the input's in expectation.",
    caption="Dropout zeroes each unit with probability 0.5 and doubles the survivors, so "
    "the expected value of every activation stays the same.",
    size=(6.4, 2.6),
)
def _dropout(fig):
    ax = diagram(fig, xlim=(-0.2, 14.2), ylim=(-1.2, 5.0))
    x = np.random.default_rng(5).integers(1, 5, size=(4, 6)).astype(float)
    y = dlterms.dropout(x, 0.5, rng=7)
    kept = y != 0
    cells(ax, x, 0, 4, face=tint(BLUE, 0.2), title=f"activations x, mean {x.mean():.2f}")
    arrow(ax, (6.2, 2), (7.8, 2), label="rate 0.5")
    cells(
        ax,
        y,
        8,
        4,
        face=np.where(kept, tint(GREEN, 0.35), PALE),
        ink=np.where(kept, INK, MUTED),
        title=f"dropout(x), mean {y.mean():.2f}",
    )
    note = f"{kept.sum()} kept, scaled by 1/(1 − 0.5) = 2;  {(~kept).sum()} dropped to 0"
    ax.text(11, -0.3, note, ha="center", va="top", fontsize=9, color=INK)


@figure(
    "batch-normalization",
    alt="Left: histograms of two features of a batch of 400 examples on very different "
    "scales: feature 1 around 40.4 with standard deviation 7.7, feature 2 skewed to the "
    "right, around 3.1 with standard deviation 2.3. Right: after batch_norm both have "
    "mean 0.0 and standard deviation 1.0 and overlap on the same scale; feature 2 is "
    "still skewed.",
    caption="Batch normalisation shifts and scales every feature to mean 0 and standard "
    "deviation 1 over the batch, without changing the shape of its distribution.",
)
def _batch_norm(fig):
    left, right = fig.subplots(1, 2)
    rng = np.random.default_rng(11)
    x = np.column_stack([rng.normal(40.0, 8.0, 400), rng.gamma(2.0, 1.5, 400)])
    y = dlterms.batch_norm(x)
    for ax, data, title in ((left, x, "before"), (right, y, "after batch_norm")):
        for f, name, color in ((data[:, 0], "feature 1", BLUE), (data[:, 1], "feature 2", ORANGE)):
            mean, sd = round(f.mean(), 1) + 0.0, f.std()  # + 0.0: no "-0.0"
            ax.hist(
                f, bins=20, color=color, alpha=0.6, label=f"{name}: mean {mean:.1f}, sd {sd:.1f}"
            )
        ax.set(xlabel="value", title=title)
        ax.set_axisbelow(True)
        ax.set_ylim(top=ax.get_ylim()[1] * 1.35)
        ax.legend(loc="upper right", fontsize=9)
    left.set_ylabel("examples")


@figure(
    "bias-math",
    alt="Left: the output z = 0.5·x + b of one dense unit for the biases 1.5, 0 and −1: "
    "three parallel lines, crossing x = 0 at 1.5, 0 and −1; only the one without a bias "
    "passes through the origin. Right: the same units after a ReLU: each is 0 up to a "
    "kink and rises after it, the kink at x = −3, 0 and 2 respectively.",
    caption="The bias shifts a unit's weighted sum up or down, and after a ReLU it moves "
    "the input at which the unit switches on.",
)
def _bias(fig):
    left, right = fig.subplots(1, 2, sharey=True)
    x = np.linspace(-4, 4, 161)[:, None]  # one input feature
    weight = np.array([[0.5]])  # one unit, weight 0.5
    for b, color in ((1.5, ORANGE), (0.0, BLUE), (-1.0, GREEN)):
        z = dlterms.dense(x, weight, [b])[:, 0]
        label = f"b = {num(b)}" + (" (no bias)" if b == 0 else "")
        left.plot(x, z, color=color, label=label)
        left.plot(0, dlterms.dense([0.0], weight, [b])[0], "o", color=color)
        right.plot(x, dlterms.relu(z), color=color, label=label)
    left.set(xlabel="input x", ylabel="unit output", title="z = 0.5·x + b")
    right.set(xlabel="input x", title="ReLU(0.5·x + b)")
    left.legend(loc="upper left", fontsize=9)


@figure(
    "layer",
    alt="A diagram of a dense layer with 3 inputs and 2 units, with the input x = (1, 0, "
    "2). Every input is joined to every unit by a line labelled with its weight: 1 and "
    "0 from the first input, 2 and 1 from the second, 0 and −1 from the third. With "
    "biases 0 and 1 the units compute z = (1, −1), and a ReLU turns that into the "
    "output (1, 0).",
    caption="A dense layer connects every input to every unit: each unit adds up the inputs "
    "times its own weights, adds its bias, and passes the sum through an activation.",
    size=(6.4, 3.0),
)
def _layer(fig):
    ax = diagram(fig, xlim=(-1.2, 7.6), ylim=(-0.3, 3.0))
    x = np.array([1.0, 0.0, 2.0])
    weight = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, -1.0]])
    bias = np.array([0.0, 1.0])
    z = dlterms.dense(x, weight, bias)
    out = dlterms.relu(z)
    inputs, units = np.array([2.2, 1.2, 0.2]), np.array([1.7, 0.7])
    for k, j in np.ndindex(weight.shape):
        w = weight[k, j]
        color = BLUE if w > 0 else RED if w < 0 else MUTED
        ax.plot(
            [0, 3],
            [inputs[k], units[j]],
            color=color,
            lw=1 + abs(w),
            alpha=0.7,
            ls="-" if w else ":",
        )
        tx, ty = 0.9, inputs[k] + 0.3 * (units[j] - inputs[k])
        ax.text(
            tx,
            ty,
            num(w),
            ha="center",
            va="center",
            fontsize=9,
            color=color,
            bbox={"fc": "white", "ec": "none", "pad": 0.5},
        )
    for j in range(2):
        ax.annotate(
            "",
            xy=(5.4, units[j]),
            xytext=(3.35, units[j]),
            arrowprops={"arrowstyle": "->", "color": INK},
        )
        ax.text(4.35, units[j] + 0.12, "ReLU", ha="center", va="bottom", fontsize=9)
        ax.text(3, units[j] - 0.42, f"b = {bias[j]:g}", ha="center", va="top", fontsize=9)
    for xs, ys, values in ((0, inputs, x), (3, units, z), (5.75, units, out)):
        ax.plot(np.full(len(ys), xs), ys, "o", ms=26, mfc="white", mec=INK, mew=1.2)
        for yv, v in zip(ys, values, strict=True):
            ax.text(xs, yv, num(v), ha="center", va="center", fontsize=11)
    for xs, text in ((0, "input x"), (3, "z = xW + b"), (5.75, "output")):
        ax.text(xs, 2.75, text, ha="center", va="bottom", fontsize=10)


# --------------------------------------------------------------------------- normalisation sets

_DEPTH = 0.32  # how far one channel recedes, up and to the right, in the block drawings


def _shared_statistics(normalize, x, probe):
    """Where the output of `normalize` moves when the one input at `probe` does.

    Those are the values normalised with the probe's mean and variance: a value in
    another set is computed from unchanged statistics and stays bit for bit the same.
    """
    nudged = x.copy()
    nudged[probe] += 1.0
    return normalize(nudged) != normalize(x)


def _block(ax, shaded, x0, color, *, axes=False):
    """An N × C × (H·W) block seen from the front, the top and the right, with the
    cells of `shaded` (a boolean array of that shape) filled: examples run left to
    right, positions top to bottom, channels into the page; `axes` names the three."""
    n_examples, n_channels, n_positions = shaded.shape
    top, right = n_positions, x0 + n_examples

    def cell(corner, across, up, on):
        x, y = corner
        ax.fill(
            [x, x + across[0], x + across[0] + up[0], x + up[0]],
            [y, y + across[1], y + across[1] + up[1], y + up[1]],
            facecolor=tint(color, 0.55) if on else "white",
            edgecolor=INK,
            lw=0.6,
        )

    back = (_DEPTH, _DEPTH)
    for n, p in np.ndindex(n_examples, n_positions):  # front face: channel 0
        cell((x0 + n, top - p - 1), (1, 0), (0, 1), shaded[n, 0, p])
    for n, c in np.ndindex(n_examples, n_channels):  # top face: the first position
        cell((x0 + n + c * _DEPTH, top + c * _DEPTH), (1, 0), back, shaded[n, c, 0])
    for c, p in np.ndindex(n_channels, n_positions):  # right face: the last example
        corner = (right + c * _DEPTH, top - p - 1 + c * _DEPTH)
        cell(corner, back, (0, 1), shaded[-1, c, p])
    if axes:
        depth = n_channels * _DEPTH
        ax.text(x0 - 0.2, n_positions / 2, "H, W", ha="right", va="center", fontsize=9.5)
        ax.text(x0 + n_examples / 2, -0.1, "N", ha="center", va="top", fontsize=9.5)
        ax.text(x0 + depth / 2 - 0.2, top + depth / 2 + 0.1, "C", ha="right", va="bottom",
                fontsize=9.5)  # fmt: skip


@figure(
    "group-normalization",
    alt="Four drawings of the same block of activations, 4 examples (N, left to right) "
    "by 6 channels (C, into the page) by 4 positions (H, W, top to bottom), each shading "
    "the values that share one mean and variance with the first example's first channel. "
    "One channel over all examples, 16 values, as in batch normalisation; one example "
    "over all channels, 24 values, as in layer normalisation; one example and one channel, "
    "4 values, as in instance normalisation; and one example over a set of 2 consecutive "
    "channels, 8 values, in between the last two.",
    caption="With its channels split into sets of C/G, each example is standardised over "
    "one set's channels and all positions: never across the batch, and between one "
    "channel (G = C) and all of them (G = 1).",
    size=(6.6, 2.5),
)
def _group_norm(fig):
    ax = diagram(fig, xlim=(-1.7, 25.6), ylim=(-2.0, 8.3))
    n_examples, n_channels, n_positions = 4, 6, 4
    x = np.random.default_rng(3).normal(size=(n_examples, n_channels, n_positions))
    probe = (0, 0, 0)
    panels = [
        ("one channel,\nall examples", lambda v: dlterms.batch_norm(v[..., None])[..., 0]),
        ("one example,\nall channels", lambda v: dlterms.group_norm(v, 1)),
        ("one example,\none channel", lambda v: dlterms.group_norm(v, n_channels)),
        ("one example,\n2 channels", lambda v: dlterms.group_norm(v, n_channels // 2)),
    ]
    colors = [MUTED, MUTED, MUTED, BLUE]
    for k, ((title, normalize), color) in enumerate(zip(panels, colors, strict=True)):
        x0 = 6.6 * k
        shaded = _shared_statistics(normalize, x, probe)
        _block(ax, shaded, x0, color, axes=k == 0)
        ax.text(x0 + 2.9, 8.2, title, ha="center", va="top", fontsize=10, color=INK)
        ax.text(x0 + 2.0, -1.05, f"{shaded.sum()} values", ha="center", va="top", fontsize=10)
