"""Figures for dlterms.networks: a multilayer perceptron worked by hand, the forward pass,
depth and width, residual connections and bottleneck layers.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED, num

__all__: list[str] = []


def _fmt_int(n: int) -> str:
    """An integer with thin thousands separators, e.g. 101,770."""
    return f"{n:,}"


# --------------------------------------------------------------------------- forward pass


def _network_diagram(fig):
    """A 3-4-2 network with the activations of one example written in its units."""
    sizes = [3, 4, 2]
    params = dlterms.init_mlp(sizes, rng=2, scheme="he")
    x = np.array([1.0, 0.5, -1.0])
    acts = dlterms.mlp_forward(x, params, output_activation="softmax", return_activations=True)
    ax = fig.subplots()
    gap = 2.2  # horizontal distance between layers
    ax.set(xlim=(-0.9, 2 * gap + 0.9), ylim=(-2.75, 2.1), aspect="equal")
    ax.axis("off")
    ys = [np.arange(n)[::-1] - (n - 1) / 2 for n in sizes]
    big = max(np.abs(w).max() for w, _ in params)
    for layer, (weight, _) in enumerate(params):
        for (i, j), w in np.ndenumerate(weight):
            ax.plot(
                [gap * layer, gap * (layer + 1)],
                [ys[layer][i], ys[layer + 1][j]],
                color=BLUE if w > 0 else RED,
                lw=0.6 + 2.4 * abs(w) / big,
                alpha=0.75,
                zorder=1,
            )
    faces = ["#f5f5f5", "#e8eaf6", "#fff3e0"]
    for layer, (y, h) in enumerate(zip(ys, acts, strict=True)):
        for yy, value in zip(y, h, strict=True):
            dead = layer == 1 and value == 0
            ax.add_patch(
                _circle((gap * layer, yy), 0.32, faces[layer] if not dead else "white", dead)
            )
            text = f"{value:.2f}".replace("-", "−")
            ax.text(
                gap * layer,
                yy,
                text,
                ha="center",
                va="center",
                fontsize=9,
                color=MUTED if dead else INK,
            )
    labels = [
        "input layer\n3 features",
        "hidden layer\n4 units, ReLU",
        "output layer\n2 units, softmax",
    ]
    for layer, label in enumerate(labels):
        ax.text(gap * layer, -2.2, label, ha="center", va="top", fontsize=9, color=INK)
    ax.plot([], [], color=BLUE, label="positive weight")
    ax.plot([], [], color=RED, label="negative weight")
    ax.legend(loc="upper center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, 1.02))


def _circle(center, radius, face, dashed):
    return Circle(
        center,
        radius,
        facecolor=face,
        edgecolor=MUTED if dashed else "#555555",
        lw=1.2,
        ls="--" if dashed else "-",
        zorder=2,
    )


FORWARD_ALT = (
    "Diagram of a 3-4-2 neural network with the values of one forward pass written in "
    "its units: input (1.00, 0.50, −1.00); hidden ReLU layer (0.66, 0.49, 0.00, 0.00), "
    "the last two units switched off and drawn dashed; softmax output (0.60, 0.40). "
    "Lines between layers are blue for positive and red for negative weights, thicker "
    "for larger magnitudes."
)


@figure(
    "forward-pass",
    alt=FORWARD_ALT,
    caption="A forward pass: each layer's outputs, computed from the previous layer's "
    "through the weights, become the next layer's inputs.",
    size=(6.4, 4.0),
)
def _forward_pass(fig):
    _network_diagram(fig)


@figure(
    "neural-network",
    alt=FORWARD_ALT,
    caption="A small neural network: an input layer, one hidden layer of ReLU units and a "
    "softmax output layer, every unit connected to all units of the next layer.",
    size=(6.4, 4.0),
)
def _neural_network(fig):
    _network_diagram(fig)


# --------------------------------------------------------------------------- multilayer perceptron

MLP_WEIGHTS = (
    (np.array([[2.0, 1.0], [1.0, -2.0]]), np.array([-1.0, 1.0])),
    (np.array([[2.0], [3.0]]), np.array([1.0])),
)
MLP_INPUT = np.array([1.0, 2.0])


@figure(
    "multilayer-perceptron",
    alt="Diagram of a 2-2-1 network computing one example. Inputs 1 and 2 on the left; "
    "arrows labelled with weights 2 and 1 (from the first input) and 1 and −2 (from the "
    "second) lead to two hidden ReLU units with biases −1 and +1, whose weighted sums are "
    "3 and −2. ReLU keeps 3 and turns −2 into 0; that unit is drawn dashed. Arrows with "
    "weights 2 and 3 lead to the linear output unit with bias +1, which holds "
    "3·2 + 0·3 + 1 = 7.",
    caption="Each layer takes a weighted sum of every output of the layer before, adds a "
    "bias and applies its activation; the unit whose sum is negative passes 0 on.",
    size=(6.4, 3.4),
)
def _multilayer_perceptron(fig):
    params = [(w.copy(), b.copy()) for w, b in MLP_WEIGHTS]
    acts = dlterms.mlp_forward(MLP_INPUT, params, return_activations=True)
    hidden_sums = dlterms.dense(MLP_INPUT, *params[0])
    ax = fig.subplots()
    gap = 3.0
    ax.set(xlim=(-1.1, 2 * gap + 1.6), ylim=(-2.15, 1.6), aspect="equal")
    ax.axis("off")
    ys = [np.array([0.75, -0.75]), np.array([0.75, -0.75]), np.array([0.0])]
    for layer, (weight, _) in enumerate(params):
        for (i, j), w in np.ndenumerate(weight):
            start = (gap * layer, ys[layer][i])
            end = (gap * (layer + 1), ys[layer + 1][j])
            ax.annotate(
                "",
                xy=end,
                xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": BLUE if w > 0 else RED, "lw": 1.2,
                            "shrinkA": 15, "shrinkB": 15},
            )  # fmt: skip
            # label each arrow near its start, crossing arrows at different points
            t = 0.55 if layer else (0.3 if i == j else 0.22)
            at = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
            ax.text(*at, num(w), ha="center", va="bottom", fontsize=9, color=INK,
                    bbox={"fc": "white", "ec": "none", "pad": 0.5})  # fmt: skip
    faces = ["#f5f5f5", "#e8eaf6", "#fff3e0"]
    for layer, (y, h) in enumerate(zip(ys, acts, strict=True)):
        for k, (yy, value) in enumerate(zip(y, h, strict=True)):
            dead = layer == 1 and value == 0
            ax.add_patch(_circle((gap * layer, yy), 0.36, "white" if dead else faces[layer], dead))
            ax.text(gap * layer, yy, num(value), ha="center", va="center", fontsize=10,
                    color=MUTED if dead else INK)  # fmt: skip
            if layer == 1:  # the bias and the weighted sum, above the top unit, below the other
                note = f"b = {num(params[0][1][k], '+g')}, sum {num(hidden_sums[k])}"
                up = yy > 0
                ax.text(gap, yy + (0.45 if up else -0.45), note, ha="center",
                        va="bottom" if up else "top", fontsize=8, color=MUTED)  # fmt: skip
            elif layer == 2:
                ax.text(gap * layer + 0.5, yy, f"b = {num(params[1][1][0], '+g')}", ha="left",
                        va="center", fontsize=8, color=MUTED)  # fmt: skip
    labels = ["input x", "hidden layer\n2 units, ReLU", "output\n1 unit, linear"]
    for layer, label in enumerate(labels):
        ax.text(gap * layer, -1.55, label, ha="center", va="top", fontsize=9, color=INK)


# --------------------------------------------------------------------------- depth and width

DEEP = [16, 20, 20, 20, 20, 4]


WIDE = [16, 80, 4]


def _width_profiles(fig):
    """Layer widths of a deep and a wide network with the same number of parameters."""
    axes = fig.subplots(1, 2, sharey=True)
    styles = zip(axes, (DEEP, WIDE), (BLUE, ORANGE), ("deep", "wide"), strict=True)
    for ax, sizes, color, name in styles:
        layers = np.arange(len(sizes))
        hidden = np.zeros(len(sizes), dtype=bool)
        hidden[1:-1] = True
        bars = ax.bar(
            layers,
            sizes,
            color=[color if h else MUTED for h in hidden],
            width=0.6,
        )
        ax.bar_label(bars, padding=2, fontsize=9)
        ax.set_axisbelow(True)
        depth = dlterms.network_depth(sizes)
        width = dlterms.network_width(sizes)
        n_params = dlterms.count_parameters(sizes)
        ax.set(
            xticks=layers,
            xticklabels=["in", *[f"h{i}" for i in range(1, len(sizes) - 1)], "out"],
            xlabel="layer",
            ylim=(0, 95),
            title=f"{name}: depth {depth}, width {width}\n{_fmt_int(n_params)} parameters",
        )
    axes[0].set_ylabel("units in the layer")


DEPTH_ALT = (
    "Two bar charts of layer widths. Deep network 16-20-20-20-20-4: four hidden layers of "
    "20 units, depth 5, width 20. Wide network 16-80-4: one hidden layer of 80 units, "
    "depth 2, width 80. Both have exactly 1,684 parameters; input and output bars are grey."
)


@figure(
    "depth",
    alt=DEPTH_ALT,
    caption="The same parameter budget spent two ways: on more layers (depth) or on "
    "wider layers (width).",
)
def _depth(fig):
    _width_profiles(fig)


@figure(
    "width",
    alt=DEPTH_ALT,
    caption="Width is the number of units in a layer; a wide, shallow network and a "
    "narrow, deep one can have the same number of parameters.",
)
def _width(fig):
    _width_profiles(fig)


# --------------------------------------------------------------------------- residual


def _gradient_norms(blocks, x, *, skip):
    """Norm of dl/dx at the input of each block, walking back from the output."""
    inputs = [x]
    for (w1, b1), (w2, b2) in blocks:
        inputs.append(dlterms.residual_block(inputs[-1], w1, b1, w2, b2, skip=skip))
    grad = np.full(x.shape, 0.25)  # an upstream gradient of norm 1 for 16 features
    norms = [np.linalg.norm(grad)]
    for ((w1, b1), (w2, b2)), block_input in zip(blocks[::-1], inputs[-2::-1], strict=True):
        grad = dlterms.residual_block_grad(block_input, w1, b1, w2, b2, grad, skip=skip)
        norms.append(np.linalg.norm(grad))
    return np.array(norms)


@figure(
    "residual-connection",
    alt="Line chart on a log scale of the gradient norm at each of 30 blocks of a "
    "16-unit network, counted back from the output. With residual connections the norm "
    "stays between 1 and about 5; the same blocks without them shrink it by about 100 "
    "times every 5 blocks, to about 1e-15 at the input.",
    caption="Backpropagated gradient through 30 identical two-layer blocks: the skip "
    "path keeps it alive, the plain stack lets it vanish.",
)
def _residual(fig):
    rng = np.random.default_rng(0)
    n_blocks, d = 30, 16
    blocks = []
    for _ in range(n_blocks):
        (w1, b1), (w2, b2) = dlterms.init_mlp([d, d, d], rng=rng)
        blocks.append(((w1, b1), (0.5 * w2, b2)))  # branch output at half the Glorot scale
    x = rng.normal(size=d)
    ax = fig.subplots()
    steps = np.arange(n_blocks + 1)
    ax.semilogy(
        steps,
        _gradient_norms(blocks, x, skip=True),
        color=GREEN,
        label="with skip connections, y = x + F(x)",
    )
    ax.semilogy(
        steps, _gradient_norms(blocks, x, skip=False), color=RED, label="plain blocks, y = F(x)"
    )
    ax.set(
        xlabel="blocks between the output and this point",
        ylabel="gradient norm ‖∂ℓ/∂x‖",
        xlim=(0, n_blocks),
    )
    ax.legend(loc="lower left")


# --------------------------------------------------------------------------- bottleneck


@figure(
    "bottleneck-layer",
    alt="Left: an hourglass of three centred bars, layer widths 256, 64 and 256, the "
    "middle bottleneck layer highlighted. Right: parameter counts, 33,088 for the "
    "256-64-256 bottleneck block against 131,584 for a 256-256-256 block, four times as "
    "many.",
    caption="A bottleneck squeezes 256 features through 64 units and widens them again, "
    "at a quarter of the cost of a full-width block.",
)
def _bottleneck(fig):
    left, right = fig.subplots(1, 2, width_ratios=(1.2, 1))
    narrow, full = [256, 64, 256], [256, 256, 256]
    for i, size in enumerate(narrow):
        left.barh(-i, size, left=-size / 2, height=0.55, color=ORANGE if i == 1 else BLUE)
    left.set(
        xlim=(-140, 140),
        xticks=[],
        yticks=[0, -1, -2],
        yticklabels=[
            f"{name}\n{size} units"
            for name, size in zip(("input", "bottleneck", "output"), narrow, strict=True)
        ],
        xlabel="bar width = units in the layer",
        title=f"layer widths, code width k = {min(narrow)}",
    )
    left.grid(False)
    counts = [dlterms.count_parameters(narrow), dlterms.count_parameters(full)]
    bars = right.bar([0, 1], counts, color=[ORANGE, MUTED], width=0.6)
    right.bar_label(bars, labels=[_fmt_int(c) for c in counts], padding=2, fontsize=9)
    right.set_axisbelow(True)
    right.set(
        xticks=[0, 1],
        xticklabels=["256-64-256", "256-256-256"],
        ylabel="parameters",
        ylim=(0, 1.15 * max(counts)),
        title="cost of the block",
    )
    right.ticklabel_format(axis="y", style="plain")
