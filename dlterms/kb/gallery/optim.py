"""Figures for dlterms.optim: gradients, gradient descent and its learning rate, SGD and
mini-batches, convergence, convexity, and the momentum, RMSProp, Adagrad and Adam updates.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import INK, MUTED

__all__: list[str] = []


# --------------------------------------------------------------------------- optimisation


def _descent_panel(ax, curvature, path, title):
    """Contours of L(w) = c₁w₁² + c₂w₂² under a gradient-descent path on it."""
    w1, w2 = np.meshgrid(np.linspace(-5, 5, 121), np.linspace(-3, 3, 81))
    levels = [1, 4, 9, 16, 25, 36]
    ax.contour(
        w1,
        w2,
        curvature[0] * w1**2 + curvature[1] * w2**2,
        levels=levels,
        colors=MUTED,
        linewidths=0.8,
    )
    ax.plot(path[:, 0], path[:, 1], "o-", color=ORANGE, ms=4, lw=1.5, label="iterates")
    ax.plot(*path[0], "s", color=ORANGE, mfc="white", mew=1.5, ms=7, label="start")
    ax.plot(0, 0, "*", color=INK, ms=10, label="minimum")
    ax.set(xlabel="w₁", ylabel="w₂", aspect="equal", title=title, xlim=(-5, 5), ylim=(-3, 3))


@figure(
    "gradient-descent",
    alt="Left: circular contours of L = w₁² + w₂² with gradient-descent iterates from "
    "(4, −2) at learning rate 0.25: (2, −1), (1, −0.5), (0.5, −0.25) and on, halving the "
    "distance to the minimum at the origin every step. Right: elliptical contours of the "
    "narrow valley L = w₁² + 8w₂², where iterates from (4, 2) at learning rate 0.1 zigzag "
    "across the valley while creeping along it towards the origin.",
    caption="Gradient descent steps straight downhill, across the contour lines: on a "
    "round bowl it heads for the minimum, in a narrow valley it zigzags.",
    size=(6.4, 2.7),
)
def _gradient_descent(fig):
    left, right = fig.subplots(1, 2)
    for ax, c, eta, start, steps in (
        (left, np.array([1.0, 1.0]), 0.25, [4.0, -2.0], 6),
        (right, np.array([1.0, 8.0]), 0.1, [4.0, 2.0], 12),
    ):
        path = dlterms.gradient_descent(
            lambda w, c=c: 2 * c * w, np.array(start), learning_rate=eta, n_steps=steps
        )
        title = f"L = w₁² + {c[1]:g}w₂², η = {eta:g}".replace(" 1w", " w")
        _descent_panel(ax, c, path, title)
    left.legend(loc="lower left", fontsize=9, frameon=True, facecolor="white", edgecolor="none")


@figure(
    "learning-rate",
    alt="Gradient descent on L(x) = x² from x = 4 with three learning rates. Left, the "
    "first 6 steps on the parabola: η = 0.05 creeps down one side (4, 3.6, 3.24, …); η "
    "= 0.35 reaches the bottom in a few steps (4, 1.2, 0.36, …); η = 1.05 overshoots, "
    "jumping from side to side further each time (4, −4.4, 4.84, −5.32, …). Right, the "
    "loss per step on a log scale over 12 steps: from 16 down to 1.3, down below 0.0001 "
    "after 5 steps, and up to 158.",
    caption="Too small a learning rate wastes steps, a good one converges fast, and one "
    "above 2 / curvature (here 1) overshoots further at every step and diverges.",
    size=(6.4, 3.5),
)
def _learning_rate(fig):
    left, right = fig.subplots(1, 2)
    x = np.linspace(-7.5, 7.5, 301)
    left.plot(x, x**2, color=MUTED, lw=1.2)
    rates = ((0.05, "too small", BLUE), (0.35, "good", GREEN), (1.05, "too large", RED))
    for eta, word, color in rates:
        path = dlterms.gradient_descent(lambda x: 2 * x, 4.0, learning_rate=eta, n_steps=12)
        label = f"η = {eta:g} ({word})"
        left.plot(path[:7], path[:7] ** 2, "o-", color=color, ms=4, lw=1.2, label=label)
        right.plot(np.arange(path.size), path**2, "o-", color=color, ms=3, label=label)
    left.set(xlabel="x", ylabel="loss L(x) = x²", title="first 6 steps", ylim=(-2, 58))
    right.set(xlabel="step", ylabel="loss", yscale="log", ylim=(1e-4, 1e3), xticks=range(0, 13, 2))
    right.set_title("loss per step")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=3)


# --------------------------------------------------------------------------- optimizer race

# An elongated bowl L(w) = (c1 w1^2 + c2 w2^2) / 2, steep across (w2) and shallow along (w1).
_CURVATURE = np.array([0.1, 2.0])


_START = np.array([-4.5, 1.5])


_N_STEPS = 40


_RACE_ALT = (
    "Contours of the elongated bowl L(w) = (0.1 w₁² + 2 w₂²) / 2, shallow along w₁ and steep "
    "along w₂, with five optimizers run for 40 steps from (−4.5, 1.5) towards the minimum at "
    "(0, 0). "
)


def _racers():
    """(label, step function, options, colour) for each optimizer in the race.

    Written inside a function so that the figure cache sees which dlterms functions
    the drawings call.
    """
    return (
        ("gradient descent", dlterms.sgd_step, {"learning_rate": 0.9}, RED),
        ("momentum", dlterms.momentum_step, {"learning_rate": 0.5, "momentum": 0.6}, ORANGE),
        ("AdaGrad", dlterms.adagrad_step, {"learning_rate": 1.0}, GREEN),
        ("RMSprop", dlterms.rmsprop_step, {"learning_rate": 0.1, "alpha": 0.9}, PURPLE),
        ("Adam", dlterms.adam_step, {"learning_rate": 0.3}, BLUE),
    )


def _bowl_loss(w):
    return 0.5 * np.sum(_CURVATURE * np.square(w), axis=-1)


def _optimizer_path(step, options):
    """The iterates of one optimizer on the bowl, threading its state through."""
    w, state, path = _START, None, [_START]
    for _ in range(_N_STEPS):
        grad = _CURVATURE * w  # the gradient of the bowl
        if step is dlterms.sgd_step:  # the one optimizer without a state
            w = step(w, grad, **options)
        else:
            w, state = step(w, grad, state, **options)
        path.append(w)
    return np.array(path)


def _race(fig, emphasised):
    """Every optimizer's path over the bowl's contours, `emphasised` drawn bold."""
    ax = fig.subplots()
    w1, w2 = np.meshgrid(np.linspace(-5, 1.2, 125), np.linspace(-1.7, 1.7, 69))
    loss = _bowl_loss(np.stack([w1, w2], axis=-1))
    ax.contour(w1, w2, loss, levels=[0.05, 0.2, 0.5, 1, 2, 3], colors="#d0d0d0", linewidths=0.8)
    for label, step, options, color in _racers():
        path = _optimizer_path(step, options)
        settings = ", ".join(f"{k}={v:g}" for k, v in options.items())
        text = f"{label} ({settings})".replace("learning_rate", "η").replace("momentum=", "μ=")
        if label == emphasised:
            ax.plot(*path.T, "o-", color=color, ms=3, lw=2.2, zorder=3, label=text)
        else:
            ax.plot(*path.T, "-", color=color, lw=1.0, alpha=0.45, zorder=2, label=text)
    ax.plot(*_START, "s", color=INK, mfc="white", ms=7, zorder=4, label="start (−4.5, 1.5)")
    ax.plot(0, 0, "*", color=INK, ms=11, zorder=4, label="minimum (0, 0)")
    ax.set(xlabel="w₁ (shallow direction)", ylabel="w₂ (steep direction)")
    ax.set(xlim=(-5, 1.2), ylim=(-1.7, 1.7), aspect="equal")
    ax.text(
        1.1,
        -1.55,
        f"L(w) = (0.1 w₁² + 2 w₂²) / 2\n{_N_STEPS} steps each",
        ha="right",
        va="bottom",
        fontsize=9,
        color=INK,
        bbox={"facecolor": "white", "edgecolor": "none"},
    )
    fig.legend(loc="outside lower center", ncols=3, fontsize=8)


# --------------------------------------------------------------------------- linear-regression data


def _regression_data(n=48, seed=0):
    """Points around y = 1.5 x + 0.5: the model ŷ = w x + b has parameters (w, b)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)
    return x, 1.5 * x + 0.5 + 0.4 * rng.normal(size=n)


def _line_grad(params, xb, yb):
    """Mean gradient of the squared error of ŷ = w x + b over a batch."""
    residual = params[0] * xb + params[1] - yb
    return np.array([np.mean(2 * residual * xb), np.mean(2 * residual)])


def _loss_ticks(ax):
    """Plain numbers on a logarithmic loss axis."""
    ticks = [0.2, 0.5, 1, 2, 4]
    ax.set_yticks(ticks, labels=[f"{t:g}" for t in ticks])
    ax.minorticks_off()


def _line_losses(path, x, y):
    """The mean squared error on all the data at every iterate."""
    return np.array([dlterms.mean_squared_error(y, w * x + b) for w, b in path])


# --------------------------------------------------------------------------- gradient


@figure(
    "gradient",
    alt="Contour ellipses of f(w) = w₁²/2 + 2w₂² with blue gradient arrows on a grid: each "
    "arrow points away from the minimum at the origin, across the contour lines, and is "
    "longer where the contours are closer (steeper in w₂). At (2, 1) the gradient is (2, 4); "
    "an orange arrow of the same length points the opposite way, the direction gradient "
    "descent steps in.",
    caption="The gradient points uphill, perpendicular to the contour lines, and is longest "
    "where the function is steepest; gradient descent follows its negative.",
    size=(6.4, 4.0),
)
def _gradient(fig):
    ax = fig.subplots()
    f = lambda w: 0.5 * w[0] ** 2 + 2 * w[1] ** 2  # noqa: E731
    w1, w2 = np.meshgrid(np.linspace(-3.9, 3.9, 157), np.linspace(-2.2, 2.2, 89))
    levels = [0.5, 1, 2, 3, 4.5]
    ax.contour(w1, w2, 0.5 * w1**2 + 2 * w2**2, levels=levels, colors=MUTED, linewidths=0.8)
    scale = 0.1  # arrow length per unit of gradient
    points = np.array([[a, b] for a in range(-3, 4) for b in (-1.5, -0.75, 0.0, 0.75, 1.5)])
    grads = np.array([dlterms.numerical_gradient(f, p) for p in points])
    arrows = {"angles": "xy", "scale_units": "xy", "scale": 1}
    ax.quiver(
        *points.T,
        *(scale * grads).T,
        color=BLUE,
        width=0.004,
        **arrows,
        label="gradient ∇f: uphill, across the contours",
    )
    p = np.array([2.0, 1.0])
    g = dlterms.numerical_gradient(f, p)
    ax.quiver(*p, *(scale * g), color=BLUE, width=0.008, **arrows)
    ax.quiver(
        *p,
        *(-scale * g),
        color=ORANGE,
        width=0.008,
        **arrows,
        label="−∇f: the gradient-descent direction",
    )
    ax.plot(*p, "o", color=INK, ms=4)
    ax.annotate(
        f"∇f(2, 1) = ({g[0]:.0f}, {g[1]:.0f})",
        p,
        xytext=(10, -2),
        textcoords="offset points",
        fontsize=9,
        color=INK,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )
    ax.plot(0, 0, "*", color=INK, ms=10, label="minimum, where ∇f = 0")
    ax.set(xlabel="w₁", ylabel="w₂", aspect="equal", xlim=(-3.9, 3.9), ylim=(-2.2, 2.2))
    fig.legend(
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        title="f(w) = w₁²/2 + 2w₂²,   ∇f(w) = (w₁, 4w₂)",
        title_fontsize=9,
    )


# --------------------------------------------------------------------------- SGD, mini-batches


@figure(
    "stochastic-gradient-descent",
    alt="Fitting a line ŷ = w x + b to 48 noisy points by squared error, learning rate 0.05, "
    "3 epochs from (0, 0). Left: over the loss contours, SGD with one example per step "
    "(144 steps) wanders in a jagged path to the minimum near (1.54, 0.56) and keeps "
    "jittering around it; full-batch descent takes only 3 smooth steps, reaching (0.55, "
    "0.19). Right: the loss on all the data, log scale, against epochs: SGD falls from 3.86 "
    "to about 0.18 within the first epoch and then bounces between about 0.17 and 0.25; the "
    "full batch falls steadily but only to 1.69 after 3 epochs.",
    caption="One example per step makes each update cheap but noisy: SGD gets close to the "
    "minimum within one pass over the data, then jitters around it.",
    size=(6.4, 3.2),
)
def _sgd(fig):
    left, right = fig.subplots(1, 2)
    x, y = _regression_data()
    n, epochs, eta = len(x), 3, 0.05
    runs = {}
    for b in (1, n):
        runs[b] = dlterms.minibatch_sgd(
            _line_grad, x, y, np.zeros(2), learning_rate=eta, batch_size=b, n_epochs=epochs, rng=0
        )
    w, b = np.meshgrid(np.linspace(-0.3, 2.2, 101), np.linspace(-0.5, 1.3, 73))
    grid_loss = [
        [dlterms.mean_squared_error(y, wi * x + bi) for wi, bi in zip(rw, rb, strict=True)]
        for rw, rb in zip(w, b, strict=True)
    ]
    left.contour(w, b, grid_loss, levels=[0.2, 0.4, 0.8, 1.6, 3.2], colors=MUTED, linewidths=0.8)
    left.plot(*runs[1].T, "-", color=ORANGE, lw=1.0, label=f"SGD, batch of 1 ({epochs * n} steps)")
    left.plot(*runs[n].T, "o-", color=BLUE, ms=4, label=f"full batch ({epochs} steps)")
    left.plot(0, 0, "s", color=INK, mfc="white", ms=6)
    left.set(xlabel="slope w", ylabel="intercept b", title=f"paths over {epochs} epochs")
    for bsize, color, label in ((1, ORANGE, "SGD, batch of 1"), (n, BLUE, "full batch")):
        losses = _line_losses(runs[bsize], x, y)
        steps = np.arange(len(losses)) / dlterms.iterations_per_epoch(n, bsize)
        style = "-" if bsize == 1 else "o-"
        right.plot(
            steps, losses, style, color=color, ms=4, lw=1.2 if bsize == 1 else 2, label=label
        )
    right.set(
        xlabel="epochs (passes over the data)",
        ylabel="MSE on all data",
        yscale="log",
        title="loss after each step",
    )
    _loss_ticks(right)
    right.legend(loc="upper right", fontsize=8)
    left.legend(loc="upper left", fontsize=8)


@figure(
    "mini-batch-stochastic-gradient-descent",
    alt="The same line fit (48 points, learning rate 0.05) with batch sizes 1, 8 and 48 (full "
    "batch); loss on all the data, log scale. Left, per update step over 60 steps: all "
    "three fall from about 3.9 towards the minimum 0.166; batch size 1 is jagged and keeps "
    "bouncing up to about 0.2, batch size 8 is nearly as smooth as the full batch. Right, "
    "per epoch over 12 epochs: batch size 1 reaches the floor within the first epoch, "
    "batch size 8 after about 2 epochs, while the full batch, one step per epoch, is "
    "still at 0.27 after 12 epochs.",
    caption="Larger batches give smoother steps, smaller ones more steps per pass over the "
    "data; mini-batches balance the two.",
    size=(6.4, 3.2),
)
def _minibatch(fig):
    left, right = fig.subplots(1, 2, sharey=True)
    x, y = _regression_data()
    n, eta = len(x), 0.05
    for b, color in ((1, ORANGE), (8, GREEN), (n, BLUE)):
        per_epoch = dlterms.iterations_per_epoch(n, b)
        path = dlterms.minibatch_sgd(
            _line_grad,
            x,
            y,
            np.zeros(2),
            learning_rate=eta,
            batch_size=b,
            n_epochs=max(12, -(-60 // per_epoch)),  # at least 60 steps and 12 epochs
            rng=1,
        )
        losses = _line_losses(path, x, y)
        label = "full batch" if b == n else f"batch size {b}"
        left.plot(np.arange(61), losses[:61], "-", color=color, lw=1.2, label=label)
        right.plot(np.arange(len(losses)) / per_epoch, losses, "-", color=color, lw=1.2)
    left.set(
        xlabel="update step", ylabel="MSE on all data", yscale="log", title="per step (60 updates)"
    )
    right.set(xlabel="epochs", title="per epoch (same compute)", xlim=(0, 12))
    _loss_ticks(left)
    left.legend(loc="upper right", fontsize=8)


# --------------------------------------------------------------------------- convergence, convexity


@figure(
    "convergence",
    alt="Loss (w² − 1)² of gradient descent started at w = 0.01 with learning rate 0.02, over "
    "150 steps: it sits on a plateau near 1 for about 30 steps, drops steeply between steps "
    "40 and 70, and flattens at 0. With tolerance 1e-4, the rule with patience 5 stops at "
    "step 5 on the plateau (loss 0.9996), a false convergence; with patience 30 it stops at "
    "step 113, where the loss is below 1e-8.",
    caption="A convergence rule stops when the loss has barely changed for a while; too little "
    "patience mistakes a plateau for the end.",
    size=(6.4, 3.2),
)
def _convergence(fig):
    ax = fig.subplots()
    loss = lambda w: (w**2 - 1) ** 2  # noqa: E731  (a plateau at w = 0, minima at ±1)
    path = dlterms.gradient_descent(
        lambda w: 4 * w * (w**2 - 1), 0.01, learning_rate=0.02, n_steps=150
    )
    losses = loss(path)
    ax.plot(losses, color=BLUE, label="training loss")
    for patience, color in ((5, RED), (30, GREEN)):
        t = dlterms.has_converged(losses, tol=1e-4, patience=patience)
        ax.axvline(t, color=color, ls="--", lw=1.2)
        ax.plot(t, losses[t], "o", color=color, label=f"stop at step {t} (patience {patience})")
    ax.annotate(
        "plateau: the loss barely moves,\nyet the minimum is still far",
        (8, 0.98),
        xytext=(14, 0.62),
        fontsize=9,
        color=RED,
        arrowprops={"arrowstyle": "->", "color": RED, "lw": 1},
    )
    ax.set(xlabel="step", ylabel="loss", title="has_converged(losses, tol=1e-4, patience=…)")
    ax.legend(loc="center right", fontsize=8)


@figure(
    "convex-function",
    alt="Left: the convex parabola f(x) = x²/2 + 0.5 with a chord from x = −1.6 to x = 1.2 "
    "lying above the graph (green shading between them); the sampled test "
    "is_convex_on on [−2, 2] returns True. Right: the double well g(x) = (x² − 1)² with "
    "minima at −1 and 1 and a hump of height 1 at 0; the chord between the two minima lies "
    "at 0, below the hump (red shading), and is_convex_on returns False.",
    caption="A function is convex when every chord lies on or above its graph; a double well "
    "fails, and so has two separate minima.",
    size=(6.4, 3.0),
)
def _convex(fig):
    axes = fig.subplots(1, 2, sharey=True)
    xs = np.linspace(-2, 2, 201)
    cases = (
        ("convex: f(x) = x²/2 + 0.5", lambda x: 0.5 * x**2 + 0.5, (-1.6, 1.2)),
        ("not convex: g(x) = (x² − 1)²", lambda x: (x**2 - 1) ** 2, (-1.0, 1.0)),
    )
    for ax, (title, f, (a, b)) in zip(axes, cases, strict=True):
        convex = dlterms.is_convex_on(f, -2.0, 2.0, rng=0)
        ax.plot(xs, f(xs), color=BLUE, label="graph")
        ax.plot([a, b], [f(a), f(b)], "o-", color=ORANGE, label="chord")
        t = np.linspace(0, 1, 51)
        ax.fill_between(
            t * a + (1 - t) * b,
            f(t * a + (1 - t) * b),
            t * f(a) + (1 - t) * f(b),
            color=GREEN if convex else RED,
            alpha=0.2,
        )
        note = "chord above the graph" if convex else "chord below the graph"
        ax.text((a + b) / 2, 2.1, note, ha="center", fontsize=9, color=GREEN if convex else RED)
        ax.set(xlabel="x", title=f"{title}\nis_convex_on(−2, 2) → {convex}")
    axes[0].set(ylabel="value", ylim=(-0.2, 3.2))
    axes[0].legend(loc="upper center", fontsize=8)


# --------------------------------------------------------------------------- the optimizer race


@figure(
    "momentum",
    alt=_RACE_ALT + "Highlighted: momentum (η = 0.5, μ = 0.6), which swings "
    "across the valley a few times with shrinking swings (down to w₂ ≈ −0.9) while moving "
    "quickly along it, and ends at the minimum. Faint: plain gradient descent (η = 0.9) "
    "zigzags between the steep walls (w₂ = −1.2, then +0.96, …) and is still at w₁ ≈ −0.10 "
    "after 40 steps; AdaGrad, RMSprop and Adam for comparison.",
    caption="Momentum averages past gradients: the zigzags across the steep direction cancel "
    "while speed builds up along the shallow one.",
    size=(6.4, 4.2),
)
def _momentum(fig):
    _race(fig, "momentum")


@figure(
    "adam",
    alt=_RACE_ALT + "Highlighted: Adam (η = 0.3). Its first step, to (−4.2, 1.2), moves η in both "
    "coordinates regardless of their very different gradients; the path then curves, "
    "overshoots the minimum to w₁ ≈ 0.85, curls back and ends near (0.20, −0.11). Faint: "
    "gradient descent, momentum, AdaGrad and RMSprop.",
    caption="Adam combines RMSprop's per-coordinate scaling, so steps of about η in every "
    "direction, with momentum, so it overshoots and curls back.",
    size=(6.4, 4.2),
)
def _adam(fig):
    _race(fig, "Adam")


@figure(
    "rmsprop",
    alt=_RACE_ALT + "Highlighted: RMSprop (η = 0.1, α = 0.9). It takes steps of about η: first "
    "diagonally, to (−4.18, 1.18), equally in both coordinates, then straight along the "
    "valley floor without zigzagging, ending at (−0.68, 0) after 40 steps. Faint: gradient "
    "descent, momentum, AdaGrad and Adam.",
    caption="RMSprop divides each gradient by its recent root mean square, so every coordinate "
    "moves about η per step: no zigzag, but steady, small steps.",
    size=(6.4, 4.2),
)
def _rmsprop(fig):
    _race(fig, "RMSprop")


@figure(
    "adagrad",
    alt=_RACE_ALT + "Highlighted: AdaGrad (η = 1). Its first step goes diagonally to (−3.5, 0.5), "
    "exactly η in each coordinate whatever the gradient; every later step is shorter, as "
    "the sums of squared gradients grow, and it ends at (−0.016, 0). Faint: gradient "
    "descent, momentum, RMSprop and Adam.",
    caption="AdaGrad scales each coordinate by its whole gradient history: the first step is the "
    "same size in every direction, and the steps keep shrinking.",
    size=(6.4, 4.2),
)
def _adagrad(fig):
    _race(fig, "AdaGrad")
