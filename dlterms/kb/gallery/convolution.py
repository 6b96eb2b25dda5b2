"""Figures for dlterms.convolution: convolution, filters, activation maps, stride and padding,
and tensors and their rank (``tensor_rank``)."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import FAINT, INK, MUTED, cells, diagram, outline, symbol, tint

__all__: list[str] = []


def _signed_faces(values, color_pos=BLUE, color_neg=RED):
    """Cell colours for a kernel: positive weights in one tint, negative in another."""
    values = np.asarray(values)
    return np.where(
        values > 0, tint(color_pos, 0.3), np.where(values < 0, tint(color_neg, 0.3), "white")
    )


def _shaded(values, color):
    """Cell colours growing darker with the value (0 is white)."""
    values = np.asarray(values, dtype=float)
    top = values.max() if values.max() > 0 else 1.0
    faces = np.full(values.shape, "white", dtype=object)
    for index in zip(*np.nonzero(values > 0), strict=True):
        faces[index] = tint(color, 0.15 + 0.5 * values[index] / top)
    return faces


# --------------------------------------------------------------------------- convolution


@figure(
    "convolution",
    alt="Two rows compare the library convolution with the true one on the input 0 to 8 "
    "(3 × 3). Top row: the kernel (0, 1; 2, 3) used as it is (cross-correlation, what "
    "conv2d computes) gives (19, 25; 37, 43). Bottom row: the kernel rotated by 180°, "
    "(3, 2; 1, 0), which is what true convolution uses, gives (5, 11; 23, 29). The "
    "top-left windows are outlined, with 0·0 + 1·1 + 3·2 + 4·3 = 19 and "
    "0·3 + 1·2 + 3·1 + 4·0 = 5.",
    caption="True convolution flips the kernel before sliding it; deep-learning libraries "
    "skip the flip (cross-correlation), which changes the numbers but not what a network "
    "can learn.",
    size=(6.4, 3.9),
)
def _convolution(fig):
    ax = diagram(fig, xlim=(-3.8, 16.6), ylim=(-7.8, 1.0))
    x = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[0.0, 1.0], [2.0, 3.0]])
    rows = (
        ("conv2d\n(no flip)", kernel, dlterms.conv2d(x[None, None], kernel[None, None])[0, 0]),
        ("true\nconvolution", kernel[::-1, ::-1], dlterms.convolve2d_true(x, kernel)),
    )
    window = np.full((3, 3), "white", dtype=object)
    window[:2, :2] = tint(ORANGE, 0.3)
    for r, (label, k, out) in enumerate(rows):
        top = -4.3 * r
        ax.text(-1.9, top - 1.5, label, ha="center", va="center", fontsize=10, color=INK)
        cells(ax, x, 0, top, face=window, title="input" if r == 0 else None, zorder=1.0)
        outline(ax, 0, top, 2, 2, ORANGE)
        symbol(ax, 3.75, top - 1.5, "⋆", size=24)
        title = "kernel as given" if r == 0 else "kernel flipped 180°"
        cells(
            ax,
            k,
            4.5,
            top - 0.5,
            face=tint(BLUE if r == 0 else PURPLE, 0.2),
            title=title,
            zorder=1.0,
        )
        symbol(ax, 7.25, top - 1.5, "=")
        first = np.where(np.arange(4).reshape(2, 2) == 0, tint(ORANGE, 0.3), "white")
        cells(ax, out, 8, top - 0.5, face=first, title="output" if r == 0 else None, zorder=1.0)
        outline(ax, 8, top - 0.5, 1, 1, ORANGE)
        terms = " + ".join(
            f"{a:g}·{b:g}" for a, b in zip(x[:2, :2].ravel(), k.ravel(), strict=True)
        )
        ax.text(
            10.6,
            top - 1.5,
            f"{terms}\n= {out[0, 0]:g}",
            ha="left",
            va="center",
            fontsize=9,
            color=INK,
            linespacing=1.6,
        )


@figure(
    "convolutional-filter",
    alt="A 6 × 6 image whose left three columns are 0 (white) and right three columns "
    "are 1 (grey) is convolved with the 3 × 3 vertical-edge filter whose columns are −1, "
    "0 and +1 (right column minus left column). The 4 × 4 activation map is 0 in its "
    "first and last columns, over the flat regions, and 3 in its two middle columns, "
    "where the window straddles the dark-to-bright edge.",
    caption="A vertical-edge filter responds only where dark meets bright: flat regions "
    "give 0, windows across the edge give 3.",
    size=(6.4, 2.9),
)
def _convolutional_filter(fig):
    ax = diagram(fig, xlim=(-0.2, 17.2), ylim=(-6.3, 1.0))
    image = np.repeat([[0.0, 0.0, 0.0, 1.0, 1.0, 1.0]], 6, axis=0)
    kernel = np.array([[-1.0, 0.0, 1.0]] * 3)
    fmap = dlterms.conv2d(image[None, None], kernel[None, None])[0, 0]
    cells(
        ax,
        image,
        0,
        0,
        face=np.where(image > 0, "#cfcfcf", "white"),
        title="image 6 × 6",
        zorder=1.0,
    )
    symbol(ax, 6.75, -3, "⋆", size=24)
    cells(
        ax, kernel, 7.5, -1.5, face=_signed_faces(kernel), title="vertical-edge filter", zorder=1.0
    )
    symbol(ax, 11.25, -3, "=")
    cells(ax, fmap, 12.5, -1, face=_shaded(fmap, GREEN), title="activation map 4 × 4", zorder=1.0)
    outline(ax, 1, 0, 3, 3, ORANGE)  # the window behind the map's value at (0, 1)
    outline(ax, 13.5, -1, 1, 1, ORANGE)


@figure(
    "activation-map",
    alt="Left: an 8 × 8 input image, black with a white 4 × 4 square in the middle. "
    "Middle: the ReLU activation map (padding 1) of a vertical-edge filter, right column "
    "minus left column: a two-pixel-wide band straddling only the square's left edge, "
    "where brightness rises to the right, with values 1, 2, 3, 3, 2, 1 from top to "
    "bottom; the right edge gives negative sums, which ReLU sets to 0. Right: the map "
    "of the horizontal-edge filter, bottom row minus top row, lights up the same way "
    "along the square's top edge only. A dashed outline marks the square on both maps.",
    caption="Each filter of a convolutional layer produces its own activation map, bright "
    "where the filter's pattern occurs; after ReLU only one side of each edge remains.",
    size=(6.4, 2.7),
)
def _activation_map(fig):
    axes = fig.subplots(1, 3)
    image = np.zeros((8, 8))
    image[2:6, 2:6] = 1.0
    vertical = np.array([[-1.0, 0.0, 1.0]] * 3)
    weight = np.stack([vertical, vertical.T])[:, None]  # 2 filters, 1 input channel
    maps = dlterms.conv_layer(image[None, None], weight, padding=1)[0]
    panels = (
        (image, "Greys_r", "input image 8 × 8"),
        (maps[0], "Blues", "map 1: vertical edges"),
        (maps[1], "Oranges", "map 2: horizontal edges"),
    )
    for ax, (values, cmap, title) in zip(axes, panels, strict=True):
        ax.imshow(values, cmap=cmap, vmin=0, vmax=max(values.max(), 1), interpolation="nearest")
        ax.set(xticks=[], yticks=[], title=title)
        ax.grid(False)
        ax.spines[:].set_visible(True)
        ax.spines[:].set_color(MUTED)
    for ax in axes[1:]:  # where the square was, for reference
        ax.plot([1.5, 5.5, 5.5, 1.5, 1.5], [1.5, 1.5, 5.5, 5.5, 1.5], ls="--", lw=1, color=MUTED)
    axes[0].set_xlabel("white square on black")
    axes[1].set_xlabel("filter columns −1, 0, +1, ReLU")
    axes[2].set_xlabel("filter rows −1, 0, +1, ReLU")


# --------------------------------------------------------------------------- stride, padding


def _stride_panel(ax, x0, stride, color):
    """A 5 × 5 input with the windows of a 3 × 3 kernel at `stride`, and the output grid."""
    n, k = 5, 3
    n_out = dlterms.conv2d_output_size(n, k, stride=stride)
    starts = stride * np.arange(n_out)
    visited = np.zeros((n, n), bool)
    visited[np.ix_(starts + 1, starts + 1)] = True  # window centres
    face = np.where(visited, tint(color, 0.4), "white")
    cells(ax, np.zeros((n, n)), x0, 0, fmt=None, face=face)
    ax.text(
        x0 + 4.6,
        2.0,
        f"stride {stride}",
        ha="center",
        va="bottom",
        fontsize=12,
        color=color,
        fontweight="bold",
    )
    outline(ax, x0, 0, k, k, color)
    outline(ax, x0 + starts[1], 0, k, k, color, style="--")
    ax.annotate(
        "",
        xy=(x0 + 1.5 + starts[1], 0.45),
        xytext=(x0 + 1.5, 0.45),
        arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.4},
    )
    ax.text(x0 + 1.5 + starts[1] / 2, 0.7, f"+{stride}", ha="center", va="bottom", fontsize=9)
    cells(
        ax,
        np.zeros((n_out, n_out)),
        x0 + 6.2,
        -1 - (3 - n_out) / 2,
        fmt=None,
        face=tint(color, 0.4),
        title=f"output {n_out} × {n_out}",
    )
    ax.text(
        x0 + 2.5,
        -5.3,
        f"{n_out * n_out} window centres",
        ha="center",
        va="center",
        fontsize=9,
        color=INK,
    )
    formula = f"⌊(5 − 3) / {stride}⌋ + 1 = {n_out}"
    ax.text(x0 + 7.2, -4.5, formula, ha="center", va="center", fontsize=9, color=INK)


@figure(
    "stride",
    alt="Two 5 × 5 inputs with a 3 × 3 window. Left, stride 1: the first window (solid "
    "outline) and the next one one column to the right (dashed) overlap; the window "
    "centres visited fill the inner 3 × 3 block, 9 positions, so the output is 3 × 3. "
    "Right, stride 2: the next window jumps two columns; only 4 centres are visited, at "
    "rows and columns 1 and 3, so the output is 2 × 2. The formula ⌊(5 − 3)/s⌋ + 1 "
    "gives 3 and 2.",
    caption="The stride is how far the window jumps: stride 2 visits every second "
    "position and roughly halves the output's height and width.",
    size=(6.4, 3.0),
)
def _stride(fig):
    ax = diagram(fig, xlim=(-0.3, 20.3), ylim=(-5.8, 2.8))
    _stride_panel(ax, 0, 1, BLUE)
    _stride_panel(ax, 11, 2, ORANGE)


@figure(
    "padding",
    alt="The 3 × 3 input 1 to 9 surrounded by a one-pixel border of zeros (grey cells) "
    "makes a 5 × 5 grid. A 3 × 3 kernel of ones slides over it and gives a 3 × 3 output, "
    "the same size as the input: (12, 21, 16; 27, 45, 33; 24, 39, 28). The top-left "
    "window, outlined, holds five padding zeros and 1, 2, 4, 5, so its sum is 12. "
    "Without padding the output would be a single number, 45.",
    caption="Zero padding of 1 lets a 3 × 3 kernel be centred on every input pixel, so "
    "the output keeps the input's size.",
    size=(6.4, 3.0),
)
def _padding(fig):
    ax = diagram(fig, xlim=(-0.2, 17.8), ylim=(-6.6, 1.0))
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    padded = dlterms.pad2d(x, 1)[0, 0]
    kernel = np.ones((1, 1, 3, 3))
    out = dlterms.conv2d(x, kernel, padding=1)[0, 0]
    valid = dlterms.conv2d(x, kernel)[0, 0]
    border = np.ones((5, 5), bool)
    border[1:4, 1:4] = False
    cells(
        ax,
        padded,
        0,
        0,
        face=np.where(border, FAINT, tint(BLUE, 0.25)),
        ink=np.where(border, MUTED, INK),
        title="input, padding 1: 5 × 5",
        zorder=1.0,
    )
    outline(ax, 0, 0, 3, 3, ORANGE)
    symbol(ax, 6.0, -2.5, "⋆", size=24)
    cells(ax, kernel[0, 0], 6.8, -1, title="kernel", zorder=1.0)
    symbol(ax, 10.55, -2.5, "=")
    first = np.where(np.arange(9).reshape(3, 3) == 0, tint(ORANGE, 0.3), "white")
    cells(ax, out, 11.3, -1, face=first, title="output 3 × 3", zorder=1.0)
    outline(ax, 11.3, -1, 1, 1, ORANGE)
    ax.text(
        8.3,
        -5.8,
        f"top left: {'+'.join(f'{v:g}' for v in padded[:3, :3].ravel())} = {out[0, 0]:g};   "
        f"without padding: 1 × 1, {valid[0, 0]:g}",
        ha="center",
        va="center",
        fontsize=10,
        color=INK,
    )


# --------------------------------------------------------------------------- tensors


def _tensor_examples():
    """A scalar, a vector, a matrix and a rank-3 tensor, with the element to highlight."""
    return [
        (np.array(5.0), ()),
        (np.array([1.0, 2.0, 3.0, 4.0]), (2,)),
        (np.arange(1.0, 13.0).reshape(3, 4), (1, 2)),
        (np.arange(1.0, 25.0).reshape(2, 3, 4), (1, 0, 2)),
    ]


def _solid(color: str, alpha: float) -> str:
    """`color` blended with white: an opaque tint, so cells drawn behind stay hidden."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - alpha * (255 - c)):02x}" for c in rgb)


def _draw_tensors(fig, label, *, highlight):
    """Draw the four tensors left to right; `label(t, index)` gives the text below each."""
    ax = diagram(fig, xlim=(-0.3, 17.0), ylim=(-6.4, 1.4))
    x0, shift = 0.0, 1.0  # a rank-3 tensor's back slice sits up and to the right
    for t, index in _tensor_examples():
        slices = t if t.ndim == 3 else np.atleast_2d(t)[None]
        for d in range(len(slices) - 1, -1, -1):  # back slice first
            face = np.full(slices[d].shape, _solid(GREEN if t.ndim == 3 else BLUE, 0.25))
            face = face.astype(object)
            if highlight and (t.ndim < 3 or d == index[0]):
                face[(0,) * (2 - len(index[-2:])) + tuple(index[-2:])] = _solid(ORANGE, 0.6)
            top = 0.5 * (slices[d].shape[0] - 3) + shift * d
            size = 9 if t.ndim == 3 else 11
            cells(ax, slices[d], x0 + shift * d, top, face=face, size=size, zorder=2 - 0.1 * d)
        width = slices.shape[-1] + shift * (len(slices) - 1)
        ax.text(
            x0 + width / 2,
            -3.6,
            label(t, index),
            ha="center",
            va="top",
            fontsize=10,
            color=INK,
            linespacing=1.5,
        )
        x0 += width + 1.3
    ax.set_xlim(-0.3, x0 - 1.0)


@figure(
    "tensor",
    alt="Four tensors drawn as boxes of numbers: a scalar 5, shape (), 1 element; a "
    "vector 1, 2, 3, 4, shape (4,), 4 elements; a 3 × 4 matrix of 1 to 12, shape "
    "(3, 4), 12 elements; and a rank-3 tensor of 1 to 24 drawn as two stacked 3 × 4 "
    "slices, shape (2, 3, 4), 24 elements.",
    caption="A tensor is an array with any number of axes: scalars, vectors and matrices "
    "are the first three cases, and the shape lists the length of every axis.",
    size=(6.4, 2.6),
)
def _tensor(fig):
    def label(t, index):
        kind = ["scalar", "vector", "matrix", "3-D tensor"][dlterms.tensor_rank(t)]
        return f"{kind}\nshape {t.shape}\n{t.size} element{'s' if t.size > 1 else ''}"

    _draw_tensors(fig, label, highlight=False)


@figure(
    "rank-tensor",
    alt="The same four tensors as boxes, each with one highlighted element and the index "
    "that picks it: the scalar 5 is x itself, rank 0; in the vector 1, 2, 3, 4 the "
    "element 3 is x[2], rank 1; in the 3 × 4 matrix of 1 to 12 the element 7 is "
    "x[1, 2], rank 2; in the 2 × 3 × 4 tensor of 1 to 24 the element 15 is x[1, 0, 2], "
    "rank 3.",
    caption="The rank of a tensor is its number of axes: how many indices it takes to "
    "pick out one element, whatever the axes' lengths.",
    size=(6.4, 2.6),
)
def _rank_tensor(fig):
    def label(t, index):
        picked = t[index]
        where = "x" if not index else f"x[{', '.join(map(str, index))}]"
        return f"rank {dlterms.tensor_rank(t)}\n{where} = {picked:g}"

    _draw_tensors(fig, label, highlight=True)
