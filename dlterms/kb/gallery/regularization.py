"""Figures for dlterms.regularization: L1 and L2 penalties, weight constraints and noise."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED

__all__: list[str] = []


# --------------------------------------------------------------------------- helpers


def _toy_regression(n=40, seed=4):
    """Two uncorrelated centred inputs with spreads 0.7 and 1; true weights (0.5, 1.5)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    x = (z - z.mean(axis=0)) * np.array([0.7, 1.0])
    y = x @ np.array([0.5, 1.5]) + rng.normal(0.0, 0.3, n)
    return x, y


def _fit_penalised(x, y, lams, penalty, n_steps=3000):
    """Subgradient descent on MSE + penalty, one column of weights per strength in `lams`.

    Returns the weights ``(d, len(lams))`` and the path of the first column. The step
    size decays as 1/t so that L1's subgradient jitter around zero dies out.
    """
    lams = np.asarray(lams, dtype=float)
    targets = np.repeat(y[:, np.newaxis], lams.size, axis=1)
    w = np.zeros((x.shape[1], lams.size))
    path = [w[:, 0]]
    for t in range(n_steps):
        # the MSE gradient averages over every entry; times len(lams) = per column
        data_grad = x.T @ (dlterms.mean_squared_error_grad(targets, x @ w) * lams.size)
        grad = data_grad + penalty(w, 1.0) * lams  # lam * dR/dw for R at strength 1
        w = dlterms.gradient_descent_step(w, grad, learning_rate=0.1 / (1 + t / 20))
        path.append(w[:, 0])
    return w, np.array(path)


def _loss_grid(x, y, lim, n=81):
    """The MSE of the linear model at every point of an n x n grid of weights."""
    w1, w2 = np.meshgrid(np.linspace(*lim, n), np.linspace(*lim, n))
    loss = np.array(
        [
            dlterms.mean_squared_error(y, x @ np.array(w))
            for w in zip(w1.ravel(), w2.ravel(), strict=True)
        ]
    )
    return w1, w2, loss.reshape(w1.shape)


# --------------------------------------------------------------------------- L1 and L2


@figure(
    "l1-regularization",
    alt="Two panels over the weight plane (w1, w2) with the elliptical contours of a "
    "linear-regression loss whose minimum is at (0.63, 1.53). Left, L1 penalty with "
    "strength 1: gradient descent from the origin ends at (0.00, 0.91), on the w2 axis, "
    "where a loss contour touches the diamond |w1| + |w2| = 0.91 at its corner. Right, L2 "
    "penalty with strength 1: it ends at (0.23, 0.97), on the circle of radius 0.99, with "
    "both weights non-zero.",
    caption="The L1 penalty's diamond has corners on the axes, so the penalised optimum "
    "often sets a weight to exactly zero; the L2 circle has none and only shrinks.",
    size=(6.4, 3.4),
)
def _l1_vs_l2_geometry(fig):
    x, y = _toy_regression()
    lim = (-0.6, 1.9)
    w1, w2, loss = _loss_grid(x, y, lim)
    best, _ = _fit_penalised(x, y, [0.0], dlterms.l2_penalty_grad)
    levels = np.quantile(loss, [0.01, 0.04, 0.1, 0.2, 0.35])
    angle = np.linspace(0, 2 * np.pi, 721)
    direction = np.column_stack([np.cos(angle), np.sin(angle)])
    panels = [
        ("L1 penalty: a corner", dlterms.l1_penalty_grad, dlterms.l1_penalty, BLUE),
        ("L2 penalty: no corners", dlterms.l2_penalty_grad, dlterms.l2_penalty, ORANGE),
    ]
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (title, grad, penalty, color) in zip(axes, panels, strict=True):
        w, path = _fit_penalised(x, y, [1.0], grad)
        w = w[:, 0]
        # the penalty's level set through the solution: scale each direction onto it
        size = np.array([penalty(d, 1.0) for d in direction])
        power = 1 if penalty is dlterms.l1_penalty else 2
        region = direction * (penalty(w, 1.0) / size)[:, np.newaxis] ** (1 / power)
        ax.contour(w1, w2, loss, levels=levels, colors=MUTED, linewidths=0.8)
        touching = dlterms.mean_squared_error(y, x @ w)  # the loss contour through w
        ax.contour(w1, w2, loss, levels=[touching], colors=color, linewidths=1, linestyles="--")
        ax.fill(*region.T, color=color, alpha=0.18, lw=0)
        ax.plot(*region.T, color=color, lw=1.5)
        ax.plot(*path.T, color=INK, lw=1, ls=":")
        ax.plot(*best[:, 0], "x", color=RED, ms=7, mew=2, label="no penalty")
        ax.plot(*w, "o", color=color, ms=7, label=f"penalised ({w[0]:.2f}, {w[1]:.2f})")
        ax.axhline(0, color=INK, lw=0.6)
        ax.axvline(0, color=INK, lw=0.6)
        ax.set(title=title, xlabel="$w_1$", xlim=lim, ylim=lim, aspect="equal")
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("$w_2$")


@figure(
    "l2-regularization",
    alt="Two panels of the four weights of a linear regression plotted against the "
    "penalty strength lambda from 0.01 to 10 on a log axis. Left, L2 (weight decay): all "
    "four weights shrink smoothly towards zero, the largest from 1.84 to 0.33, and none "
    "reaches zero. Right, L1: the weights hit zero one after another, the smallest "
    "(true value 0.25) near lambda 0.6, then 0.6 near 1.7, -1.2 near 3.5 and 2 near 4.1.",
    caption="L2 regularisation shrinks every weight a little but keeps them all; L1 sets "
    "the weakest weights to zero first.",
    size=(6.4, 3.2),
)
def _shrinkage_paths(fig):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(50, 4))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    true_w = np.array([2.0, -1.2, 0.6, 0.25])
    y = x @ true_w + rng.normal(0.0, 0.5, 50)
    lams = np.geomspace(0.01, 10, 40)
    axes = fig.subplots(1, 2, sharey=True)
    panels = [("L2 (weight decay)", dlterms.l2_penalty_grad), ("L1", dlterms.l1_penalty_grad)]
    colors = [BLUE, ORANGE, GREEN, PURPLE]
    for ax, (title, grad) in zip(axes, panels, strict=True):
        w, _ = _fit_penalised(x, y, lams, grad)
        for j in range(4):
            ax.plot(lams, w[j], color=colors[j], label=f"$w_{j + 1}$ (true {true_w[j]:g})")
        ax.axhline(0, color=INK, lw=0.6)
        ax.set(title=title, xscale="log", xlabel=r"penalty strength $\lambda$")
    axes[0].set_ylabel("weight after training")
    axes[1].legend(loc="lower left", bbox_to_anchor=(0.0, 0.1), fontsize=8)


# --------------------------------------------------------------------------- constraint


@figure(
    "weight-constraint",
    alt="Eight weight vectors of a layer drawn as arrows from the origin, one per unit. "
    "A dashed circle of radius 1 marks the max-norm bound. The three arrows that reach "
    "beyond it (lengths 1.6, 1.9 and 2.3) are shown in grey before and in colour after "
    "the constraint: they are shortened onto the circle without turning. The five "
    "arrows already inside are unchanged.",
    caption="Max norm rescales only the units whose weight vector is too long, keeping "
    "its direction.",
    size=(6.4, 3.4),
)
def _max_norm(fig):
    angle = np.linspace(0.2, 2 * np.pi - 0.5, 8)
    length = np.array([0.5, 1.6, 0.8, 1.9, 0.35, 0.9, 2.3, 0.65])
    kernel = np.vstack([np.cos(angle), np.sin(angle)]) * length  # (d_in = 2, d_out = 8)
    capped = dlterms.max_norm(kernel, 1.0, axis=0)
    ax = fig.subplots()
    circle = np.linspace(0, 2 * np.pi, 361)
    ax.plot(np.cos(circle), np.sin(circle), color=RED, ls="--", lw=1.2, label="max norm c = 1")
    for j in range(kernel.shape[1]):
        moved = not np.allclose(kernel[:, j], capped[:, j])
        if moved:
            ax.annotate(
                "",
                xy=kernel[:, j],
                xytext=(0, 0),
                arrowprops={"color": MUTED, "lw": 1.5, "arrowstyle": "->"},
            )
        ax.annotate(
            "",
            xy=capped[:, j],
            xytext=(0, 0),
            arrowprops={"color": ORANGE if moved else BLUE, "lw": 2, "arrowstyle": "->"},
        )
    ax.plot([], [], color=MUTED, label="before (too long)")
    ax.plot([], [], color=ORANGE, label="after: rescaled to norm 1")
    ax.plot([], [], color=BLUE, label="already inside: unchanged")
    ax.set(
        xlim=(-2.5, 2.5),
        ylim=(-2.5, 2.5),
        aspect="equal",
        xlabel="weight from input 1",
        ylabel="weight from input 2",
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)


# --------------------------------------------------------------------------- noise


@figure(
    "noise-injection",
    alt="A clean sine-shaped input signal of 60 points between 0 and 1, and two noisy "
    "copies made by adding Gaussian noise with standard deviation 0.2, drawn with "
    "different seeds for epoch 1 and epoch 2; the points scatter around the curve by "
    "about plus or minus 0.4, differently each time.",
    caption="With noise injection the network sees a new random perturbation of the "
    "same inputs in every epoch, so it cannot memorise exact values.",
)
def _noise(fig):
    t = np.linspace(0, 1, 60)
    clean = np.sin(2 * np.pi * t)
    ax = fig.subplots()
    ax.plot(t, clean, color=INK, lw=1.5, label="clean input")
    for seed, color in ((1, BLUE), (2, ORANGE)):
        noisy = dlterms.gaussian_noise(clean, 0.2, rng=seed)
        ax.plot(t, noisy, "o", ms=3.5, color=color, label=f"epoch {seed}: + noise, σ = 0.2")
    ax.set(xlabel="input position", ylabel="value")
    ax.legend(loc="upper right", fontsize=8)
