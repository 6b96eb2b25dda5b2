"""Figures for dlterms.gradients: vanishing and exploding gradients, initialisation,
clipping, backpropagation, under- and overfitting, generalisation and early stopping.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib.patches import FancyBboxPatch, Rectangle

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED, graph_edge, num

__all__: list[str] = []


DEPTH, WIDTH = 20, 128


# --------------------------------------------------------------------------- gradients and depth


def _depth_plot(fig, settings, legend_loc):
    """Per-layer gradient norms (log scale) for (label, colour, keyword arguments) settings."""
    ax = fig.subplots()
    layers = np.arange(1, DEPTH + 1)
    for label, color, kwargs in settings:
        norms = dlterms.gradient_norms_through_depth(DEPTH, WIDTH, rng=0, **kwargs)
        ax.plot(layers, norms, marker="o", markersize=3.5, color=color, label=label)
    ax.set_yscale("log")
    ax.set(
        xlabel="layer (1 = next to the input, 20 = last)",
        ylabel="gradient norm at the layer",
        xticks=[1, 5, 10, 15, 20],
    )
    ax.set_title(
        "the backward pass runs from layer 20 (right) down to layer 1 (left)", fontsize=9.5
    )
    ax.legend(loc=legend_loc, fontsize=8.5)


@figure(
    "vanishing-gradient",
    alt="Log-scale line chart of the gradient norm at each of the 20 layers of a random "
    "network 128 units wide, the backward pass running from layer 20 to layer 1. With "
    "sigmoid units and Xavier weights the norm falls about fourfold per layer, from 2.7 "
    "at layer 20 to 3 × 10^-12 at layer 1; with tanh and half-scale Xavier weights it "
    "roughly halves per layer, from 11 to 2 × 10^-5; with ReLU and He weights it stays "
    "between 8 and 13 at every layer",
    caption="Each sigmoid layer divides the gradient by about 4 on its way back, so the "
    "first layers get almost nothing; ReLU with He initialisation keeps it level.",
)
def _vanishing(fig):
    _depth_plot(
        fig,
        [
            ("sigmoid, Xavier", RED, {"activation": "sigmoid"}),
            ("tanh, Xavier × 0.5", ORANGE, {"activation": "tanh", "weight_scale": 0.5}),
            ("ReLU, He", BLUE, {"activation": "relu", "init": "he"}),
        ],
        "lower right",
    )


@figure(
    "exploding-gradient",
    alt="Log-scale line chart of the gradient norm at each of the 20 layers of a random "
    "ReLU network 128 units wide, the backward pass running from layer 20 to layer 1. "
    "With He weights it stays between 8 and 13; with He weights times 1.5 it grows about "
    "1.5-fold per layer, from 8 at layer 20 to 3 × 10^4 at layer 1; with He weights "
    "times 2 it doubles per layer, reaching 6 × 10^6 at layer 1",
    caption="When each layer multiplies the gradient by more than 1, the product grows "
    "exponentially towards the input: here, weights twice the He scale.",
)
def _exploding(fig):
    _depth_plot(
        fig,
        [
            ("ReLU, He × 2", RED, {"activation": "relu", "init": "he", "weight_scale": 2.0}),
            ("ReLU, He × 1.5", ORANGE, {"activation": "relu", "init": "he", "weight_scale": 1.5}),
            ("ReLU, He", BLUE, {"activation": "relu", "init": "he"}),
        ],
        "upper right",
    )


# --------------------------------------------------------------------------- initialisation


@figure(
    "weight-initialization",
    alt="Three panels of histograms of the activations of layers 1, 4 and 10 of a "
    "10-layer tanh network 256 units wide. With Xavier weights times 0.5, layer 1 "
    "spreads over about −0.8 to 0.8, layer 4 is a narrow peak within ±0.1 and layer 10 "
    "a spike at 0. With Xavier weights the activations stay spread at every layer, "
    "layer 10 mostly within ±0.6. With Xavier weights times 4 nearly all activations "
    "pile up at −1 and +1, saturated, at every layer",
    caption="Too small and the signal dies out with depth; too large and tanh units "
    "saturate at ±1; Xavier keeps the activations spread at every layer.",
    size=(6.4, 3.0),
)
def _initialization(fig):
    axes = fig.subplots(1, 3, sharey=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 256))
    shown = {1: BLUE, 4: ORANGE, 10: RED}
    bins = np.linspace(-1, 1, 41)
    panels = ((0.5, "Xavier × 0.5: too small"), (1.0, "Xavier"), (4.0, "Xavier × 4: too large"))
    for ax, (gain, title) in zip(axes, panels, strict=True):
        h = x
        for layer in range(1, 11):
            weight = dlterms.xavier_init(256, 256, gain=gain, rng=rng)
            h = dlterms.tanh(dlterms.dense(h, weight))
            if layer in shown:
                ax.hist(
                    h.ravel(),
                    bins=bins,
                    density=True,
                    histtype="step",
                    lw=1.6,
                    color=shown[layer],
                    label=f"layer {layer}",
                )
        ax.set(xlabel="tanh activation", xlim=(-1.05, 1.05), xticks=[-1, 0, 1])
        ax.set_title(title, fontsize=9.5)
    axes[0].set(ylabel="density", ylim=(0, 4.5))
    axes[0].text(0.2, 4.4, "layer 10: all\nnear 0 ↑", fontsize=8, color=RED, va="top")
    axes[1].legend(loc="upper left", fontsize=8)


# --------------------------------------------------------------------------- clipping


@figure(
    "gradient-clipping",
    alt="Two-dimensional diagram of the gradient (6, 8) of length 10 drawn as a grey "
    "arrow, with the threshold 5 shown as a circle of radius 5 and the square from −5 to "
    "5. Clipping by norm gives the blue arrow (3, 4): length 5, same direction. "
    "Clipping by value gives the orange arrow (5, 5): inside the square, but pointing in "
    "a different direction.",
    caption="Clipping by norm shortens the gradient to the threshold and keeps its "
    "direction; clipping by value caps each component and turns it.",
    size=(6.4, 3.6),
)
def _clipping(fig):
    ax = fig.subplots()
    g, c = np.array([6.0, 8.0]), 5.0
    by_norm, norm = dlterms.clip_by_norm(g, c)
    by_value = dlterms.clip_by_value(g, c)
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(c * np.cos(t), c * np.sin(t), color=BLUE, lw=1, ls="--", alpha=0.7)
    ax.add_patch(Rectangle((-c, -c), 2 * c, 2 * c, fill=False, ec=ORANGE, lw=1, ls=":"))
    arrows = [
        (g, MUTED, f"gradient (6, 8), length {norm:g}"),
        (
            by_value,
            ORANGE,
            f"by value: ({num(by_value[0])}, {num(by_value[1])}), direction changed",
        ),
        (by_norm, BLUE, f"by norm: ({num(by_norm[0])}, {num(by_norm[1])}), length 5"),
    ]
    for vector, color, label in arrows:
        ax.annotate(
            "",
            xy=vector,
            xytext=(0, 0),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2, "mutation_scale": 14},
        )
        ax.plot([], [], color=color, lw=2.2, label=label)
    ax.plot([], [], color=BLUE, lw=1, ls="--", label="norm limit: radius 5")
    ax.plot([], [], color=ORANGE, lw=1, ls=":", label="value limit: |gᵢ| ≤ 5")
    ax.set(xlim=(-0.5, 17), ylim=(-0.5, 8.7), aspect="equal", xlabel="g₁", ylabel="g₂")
    ax.set(xticks=[0, 2, 4, 6, 8], yticks=[0, 2, 4, 6, 8])
    ax.legend(loc="center right", fontsize=8.5)
    ax.spines["bottom"].set_bounds(-0.5, 8.7)


# --------------------------------------------------------------------------- backpropagation


HALF_W, HALF_H = 0.85, 0.42  # half the size of a value box, in data units


def _node(ax, xy, name, value, grad, color=BLUE):
    """A value node: its forward value above, its gradient below."""
    ax.add_patch(
        FancyBboxPatch(
            (xy[0] - HALF_W, xy[1] - HALF_H),
            2 * HALF_W,
            2 * HALF_H,
            boxstyle="round,pad=0.02,rounding_size=0.15",
            fc="white",
            ec="#555555",
            lw=1.1,
            zorder=2,
        )
    )
    top, bottom = (xy[1] + 0.16, xy[1] - 0.18) if grad is not None else (xy[1], None)
    ax.text(
        xy[0], top, f"{name} = {num(value)}", ha="center", va="center", fontsize=9.5, color=color
    )
    if grad is not None:
        ax.text(
            xy[0],
            bottom,
            f"∂ℓ/∂{name} = {num(grad)}",
            ha="center",
            va="center",
            fontsize=9,
            color=ORANGE,
        )


_edge = partial(graph_edge, half=(HALF_W, HALF_H), offset=(0.0, 0.08), size=8.5)


@figure(
    "backpropagation",
    alt="Computational graph of a two-layer chain: x = 2 and w1 = 0.5 multiply to "
    "z = 1, a ReLU gives h = 1, multiplying by w2 = 3 gives the prediction 3, and the "
    "squared error against the target 1 is the loss 4. The backward pass writes the "
    "gradient of the loss under each node: 4 for the prediction and for w2, 12 for h "
    "and z, 24 for w1 and 6 for x.",
    caption="Forward values (blue) flow left to right; the backward pass multiplies local "
    "slopes from right to left to give every gradient (orange).",
    size=(6.4, 3.0),
)
def _backpropagation(fig):
    params = [(np.array([[0.5]]), None), (np.array([[3.0]]), None)]
    x, y = np.array([2.0]), np.array([1.0])
    _, z_or_h, y_hat = dlterms.mlp_forward(x, params, return_activations=True)
    loss = dlterms.mean_squared_error(y, y_hat)
    g = dlterms.mean_squared_error_grad(y, y_hat)
    grad_x, ((dw1, dz), (dw2, _)) = dlterms.mlp_backward(x, params, g)
    grad_h, _ = dlterms.mlp_backward(z_or_h, params[1:], g)
    ax = fig.subplots()
    ax.set(xlim=(-0.95, 11.0), ylim=(-2.15, 1.65), aspect="equal")
    ax.axis("off")
    pos = {
        "x": (0, 0.8),
        "w₁": (0, -0.8),
        "z": (2.5, 0),
        "h": (5.0, 0),
        "w₂": (5.0, -1.6),
        "ŷ": (7.5, 0),
        "y": (7.5, -1.6),
        "ℓ": (10.1, 0),
    }
    _edge(ax, pos["x"], pos["z"], "×")
    _edge(ax, pos["w₁"], pos["z"])
    _edge(ax, pos["z"], pos["h"], "ReLU")
    _edge(ax, pos["h"], pos["ŷ"], "×")
    _edge(ax, pos["w₂"], pos["ŷ"])
    _edge(ax, pos["ŷ"], pos["ℓ"], "(ŷ−y)²")
    _edge(ax, pos["y"], pos["ℓ"])
    _node(ax, pos["x"], "x", x[0], grad_x[0])
    _node(ax, pos["w₁"], "w₁", params[0][0][0, 0], dw1[0, 0])
    _node(ax, pos["z"], "z", z_or_h[0], dz[0])
    _node(ax, pos["h"], "h", z_or_h[0], grad_h[0])
    _node(ax, pos["w₂"], "w₂", params[1][0][0, 0], dw2[0, 0])
    _node(ax, pos["ŷ"], "ŷ", y_hat[0], g[0])
    _node(ax, pos["y"], "y", y[0], None, color=INK)
    _node(ax, pos["ℓ"], "ℓ", loss, 1.0)
    ax.text(2.0, 1.6, "forward values →", color=BLUE, fontsize=9.5, va="top")
    ax.text(5.0, 1.6, "← gradients from the backward pass", color=ORANGE, fontsize=9.5, va="top")


# --------------------------------------------------------------------------- polynomial fits


def _noisy_data():
    """15 training and 100 test points of cos(pi x) plus noise of standard deviation 0.2."""
    rng = np.random.default_rng(3)
    x_train = np.linspace(-1, 1, 15) + rng.uniform(-0.04, 0.04, size=15)
    y_train = np.cos(np.pi * x_train) + 0.2 * rng.normal(size=15)
    x_test = rng.uniform(x_train.min(), x_train.max(), size=100)
    y_test = np.cos(np.pi * x_test) + 0.2 * rng.normal(size=100)
    return x_train, y_train, x_test, y_test


def _three_fits(fig, highlight):
    """Degree 1, 3 and 12 fits side by side; `highlight` is the degree to frame."""
    x_train, y_train, x_test, y_test = _noisy_data()
    degrees = [1, 3, 12]
    train, test = dlterms.polynomial_fit_errors(x_train, y_train, x_test, y_test, degrees)
    grid = np.linspace(x_train.min(), x_train.max(), 400)
    axes = fig.subplots(1, 3, sharey=True)
    names = {1: "underfits", 3: "fits well", 12: "overfits"}
    for ax, degree, tr, te in zip(axes, degrees, train, test, strict=True):
        ax.plot(grid, np.cos(np.pi * grid), color=MUTED, lw=1, ls="--", label="true curve")
        ax.scatter(x_test, y_test, s=6, color=GREEN, alpha=0.45, label="test points", lw=0)
        ax.scatter(x_train, y_train, s=16, color=INK, zorder=3, label="training points")
        fit = dlterms.polynomial_predict(x_train, y_train, grid, degree=degree)
        ax.plot(grid, fit, color=RED if degree == highlight else BLUE, lw=2, label="fit")
        ax.set(ylim=(-1.8, 1.8), xlabel="x", xticks=[-1, 0, 1])
        ax.set_title(
            f"degree {degree}: {names[degree]}\nMSE: train {tr:.2f}, test {te:.2f}",
            fontsize=9,
            color=RED if degree == highlight else INK,
        )
        if degree == highlight:
            for spine in ax.spines.values():
                spine.set(visible=True, color=RED, lw=1.5)
    axes[0].set_ylabel("y")
    axes[0].legend(loc="lower center", fontsize=7, ncol=1)
    return train, test


@figure(
    "underfitting",
    alt="Three panels fitting polynomials of degree 1, 3 and 12 to the same 15 noisy "
    "training points of a cosine arch, with 100 test points and the true curve. The "
    "degree-1 line, framed in red, cannot bend and misses most points: mean squared "
    "error 0.56 on the training points and 0.49 on the test points, both high. Degree 3 "
    "follows the arch (0.08 and 0.10); degree 12 wiggles through the training points "
    "(0.001 and 0.44)",
    caption="A straight line is too simple for this curve: it misses the training points "
    "and the new points alike.",
    size=(6.4, 3.0),
)
def _underfitting(fig):
    _three_fits(fig, highlight=1)


@figure(
    "overfitting",
    alt="Three panels fitting polynomials of degree 1, 3 and 12 to the same 15 noisy "
    "training points of a cosine arch, with 100 test points and the true curve. The "
    "degree-12 curve, framed in red, wiggles to pass almost exactly through every "
    "training point, swinging far outside the data near the ends: training mean squared "
    "error 0.001 but test error 0.44, four times that of degree 3 (0.08 training, 0.10 "
    "test). Degree 1 misses everything (0.56 and 0.49)",
    caption="Degree 12 follows the noise: the smallest training error of the three, but "
    "worse predictions on new points than degree 3.",
    size=(6.4, 3.0),
)
def _overfitting(fig):
    _three_fits(fig, highlight=12)


@figure(
    "generalization",
    alt="Line chart of mean squared error against polynomial degree 0 to 12 for 15 "
    "noisy training points. The training error falls steadily, from 0.56 at degree 0 "
    "to 0.001 at degree 12. The test error falls from 0.49 to its minimum, 0.04 at "
    "degree 5 (marked as the best generalisation), stays low to degree 9 and rises to "
    "0.44 at degree 12: a U shape, with underfitting on the left and overfitting on the "
    "right",
    caption="Training error only falls as the model grows; test error, the measure of "
    "generalisation, falls and then rises again.",
)
def _generalization(fig):
    x_train, y_train, x_test, y_test = _noisy_data()
    degrees = np.arange(13)
    train, test = dlterms.polynomial_fit_errors(x_train, y_train, x_test, y_test, degrees)
    best = int(degrees[np.argmin(test)])
    ax = fig.subplots()
    ax.plot(degrees, train, marker="o", markersize=3.5, color=BLUE, label="training error")
    ax.plot(degrees, test, marker="o", markersize=3.5, color=RED, label="test error")
    ax.axvline(best, color=MUTED, lw=1, ls="--")
    ax.annotate(
        f"best generalisation: degree {best}",
        xy=(best, test[best]),
        xytext=(best + 0.6, 0.45),
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": INK},
    )
    ax.text(0.1, 0.35, "← underfitting", transform=ax.get_xaxis_transform(), fontsize=9)
    ax.text(11.2, 0.35, "overfitting →", transform=ax.get_xaxis_transform(), fontsize=9, ha="right")
    ax.set(
        xlabel="polynomial degree (model complexity)",
        ylabel="mean squared error",
        xticks=degrees,
        ylim=(0, None),
    )
    ax.legend(loc="upper right", fontsize=8.5)


# --------------------------------------------------------------------------- early stopping


@figure(
    "early-stopping",
    alt="Line chart of the training and validation cross-entropy of a small ReLU "
    "network trained for 200 epochs on 24 noisy examples. The training loss keeps "
    "falling, to 0.10. The validation loss falls from 0.61 to its minimum, 0.36 at epoch "
    "12, marked as the best epoch, then climbs steadily to 0.91. With a patience of 10 "
    "epochs training stops at epoch 22, marked by a dashed line; the later epochs are "
    "shaded as never trained",
    caption="Early stopping keeps the weights from the epoch with the lowest validation "
    "loss and stops once patience runs out.",
)
def _early_stopping(fig):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, size=324)
    x = rng.normal(size=(324, 2)) + np.where(labels[:, None] == 1, 0.7, -0.7)
    history = dlterms.fit_mlp(
        x[:24],
        labels[:24],
        x[24:],
        labels[24:],
        layer_sizes=[2, 64, 2],
        learning_rate=0.5,
        batch_size=24,
        n_epochs=200,
        rng=0,
    )
    patience = 10
    stop, best = dlterms.early_stopping(history.val_loss, patience=patience)
    epochs = np.arange(len(history.val_loss))
    ax = fig.subplots()
    ax.plot(epochs, history.train_loss, color=BLUE, label="training loss")
    ax.plot(epochs, history.val_loss, color=RED, label="validation loss")
    ax.axvspan(stop, epochs[-1], color=MUTED, alpha=0.15, lw=0)
    ax.axvline(stop, color=INK, lw=1.2, ls="--")
    ax.plot(best, history.val_loss[best], marker="o", markersize=8, color=GREEN, zorder=3)
    ax.annotate(
        f"best epoch {best}",
        xy=(best, history.val_loss[best]),
        xytext=(best + 25, history.val_loss[best] - 0.12),
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": INK},
    )
    ax.text(
        stop + 4,
        0.93,
        f"stop at epoch {stop} (patience {patience});\nnot trained",
        transform=ax.get_xaxis_transform(),
        fontsize=9,
        va="top",
    )
    ax.set(xlabel="epoch", ylabel="cross-entropy")
    ax.legend(loc="lower left", fontsize=8.5)
