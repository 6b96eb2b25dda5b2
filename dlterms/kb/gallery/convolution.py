"""Figures for dlterms.convolution: convolution, filters, activation maps, stride, padding,
convolution layers, pooling and downsampling."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, GREEN, ORANGE, PURPLE, RED, figure
from dlterms.kb.gallery._draw import FAINT, INK, MUTED, arrow, cells, diagram, outline, symbol, tint

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


# --------------------------------------------------------------------------- layers, pooling


@figure(
    "convolutional-operation",
    alt="A 3 × 3 input holding 0 to 8, a 2 × 2 kernel (0, 1; 2, 3) and the 2 × 2 output "
    "(19, 25; 37, 43). The top-left input window (0, 1; 3, 4) and the output 19 are "
    "highlighted, with the sum 0·0 + 1·1 + 3·2 + 4·3 = 19 written below.",
    caption="Each output value is the sum of the kernel times the input window under it; "
    "sliding the window one step gives the next value.",
    size=(6.4, 3.0),
)
def _convolutional_operation(fig):
    ax = diagram(fig, xlim=(-0.2, 10.2), ylim=(-1.4, 3.9))
    x = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[0.0, 1.0], [2.0, 3.0]])
    out = dlterms.conv2d(x[None, None], kernel[None, None])[0, 0]
    window = np.zeros((3, 3), bool)
    window[:2, :2] = True
    cells(ax, x, 0, 3, face=np.where(window, tint(ORANGE, 0.3), "white"), title="input")
    outline(ax, 0, 3, 2, 2, ORANGE)
    symbol(ax, 3.75, 1.5, "⋆", size=30)
    cells(ax, kernel, 4.5, 2.5, face=tint(BLUE, 0.2), title="kernel")
    symbol(ax, 7.25, 1.5, "=")
    first = np.zeros((2, 2), bool)
    first[0, 0] = True
    cells(ax, out, 8, 2.5, face=np.where(first, tint(ORANGE, 0.3), "white"), title="output")
    outline(ax, 8, 2.5, 1, 1, ORANGE)
    terms = " + ".join(
        f"{v:g}·{k:g}" for v, k in zip(x[:2, :2].ravel(), kernel.ravel(), strict=True)
    )
    ax.text(5, -0.8, f"{terms} = {out[0, 0]:g}", ha="center", va="center", fontsize=12, color=INK)


@figure(
    "pooling",
    alt="A 4 × 4 input (1, 3, 2, 0; 4, 6, 5, 1; 0, 2, 7, 8; 3, 1, 4, 9) split into four "
    "coloured 2 × 2 windows, the largest value of each in bold. Max pooling keeps 6, 5, 3 "
    "and 9; average pooling gives 3.5, 2, 1.5 and 7, each output cell in its window's "
    "colour.",
    caption="Pooling sums up each window by one number, its largest value or its mean; "
    "2 × 2 windows with stride 2 halve the height and the width.",
    size=(6.4, 3.0),
)
def _pooling(fig):
    ax = diagram(fig, xlim=(-0.2, 11.7), ylim=(-0.2, 4.9))
    x = np.array([[1.0, 3, 2, 0], [4, 6, 5, 1], [0, 2, 7, 8], [3, 1, 4, 9]])
    largest = dlterms.max_pool2d(x[None, None], 2)[0, 0]
    mean = dlterms.avg_pool2d(x[None, None], 2)[0, 0]
    colors = np.array([[BLUE, ORANGE], [GREEN, PURPLE]], dtype=object)
    tints = np.vectorize(tint, otypes=[object])(colors, 0.3)
    is_max = x == np.kron(largest, np.ones((2, 2)))
    cells(ax, x, 0, 4, face=np.kron(tints, np.ones((2, 2), int)), bold=is_max, title="input")
    for i, j in np.ndindex(2, 2):
        outline(ax, 2 * j, 4 - 2 * i, 2, 2, colors[i, j])
    arrow(ax, (4.3, 2), (5.8, 2), label="2×2")
    cells(ax, largest, 6, 3, face=tints, bold=True, title="max pool")
    cells(ax, mean, 9.5, 3, face=tints, title="average pool")


@figure(
    "downsampling",
    alt="Three greyscale images. A 16 × 16 input shows a disc filled with one-pixel-wide "
    "vertical stripes; after 2 × 2 average pooling it is 8 × 8, the disc still visible "
    "but the stripes merged into a flat grey; after a second pooling it is 4 × 4, only "
    "a blurred blob where the disc was.",
    caption="Each 2 × 2 pooling step halves the height and the width, keeping the coarse "
    "shape of an image and losing its fine detail.",
    size=(6.4, 2.6),
)
def _downsampling(fig):
    axes = fig.subplots(1, 3)
    i, j = np.indices((16, 16)) - 7.5
    stripes = np.indices((16, 16))[1] % 2  # fine detail: one-pixel stripes
    image = np.where(np.hypot(i, j) < 6.5, 0.3 + 0.7 * stripes, 0.0)  # coarse shape: a disc
    maps = [image[None, None]]
    for _ in range(2):
        maps.append(dlterms.avg_pool2d(maps[-1], 2))
    for ax, m in zip(axes, maps, strict=True):
        n = m.shape[-1]
        ax.imshow(m[0, 0], cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
        ax.set(xticks=[], yticks=[], title=f"{n} × {n}")
        ax.grid(False)
        ax.spines[:].set_visible(True)
        ax.spines[:].set_color(MUTED)
    half = dlterms.conv2d_output_size(16, 2, stride=2)
    axes[1].set_xlabel(f"avg_pool2d, 2 × 2: 16 → {half}")
    axes[2].set_xlabel(f"again: {half} → {dlterms.conv2d_output_size(half, 2, stride=2)}")
    axes[0].set_xlabel("input")


@figure(
    "dilated-convolution",
    alt="Three 7 × 7 grids, each with the nine taps of a 3 × 3 kernel shaded. Left, "
    "dilation 1: the taps are neighbours and cover a 3 × 3 square. Middle, dilation 2: "
    "one empty pixel between taps, covering 5 × 5. Right, dilation 3: two empty pixels "
    "between taps, covering the whole 7 × 7 grid. Each grid is labelled with d and the "
    "span d (k − 1) + 1 = 3, 5, 7; the kernel keeps its 9 weights.",
    caption="The same nine weights spread d pixels apart: the area a kernel covers "
    "grows as d (k − 1) + 1 while its cost stays the same.",
    size=(6.4, 2.7),
)
def _dilated_convolution(fig):
    ax = diagram(fig, xlim=(-0.3, 23.8), ylim=(-8.6, 0.6))
    for panel, (d, color) in enumerate(((1, BLUE), (2, ORANGE), (3, PURPLE))):
        span = dlterms.receptive_field([3], dilations=[d])  # d (k - 1) + 1
        start = (7 - span) // 2
        faces = np.full((7, 7), "white", dtype=object)
        taps = start + d * np.arange(3)
        faces[np.ix_(taps, taps)] = tint(color, 0.55)
        left = 8.2 * panel
        cells(ax, np.zeros((7, 7)), left, 0, fmt=None, face=faces)
        outline(ax, left + start, -start, span, span, color, style="--")
        ax.text(left + 3.5, -7.9, f"d = {d}, span {span}", ha="center", fontsize=10, color=INK)


@figure(
    "transposed-convolution",
    alt="Left: the 2 × 2 input (1, 2; 3, 4) and a 2 × 2 kernel of ones. Middle: stride 1 "
    "gives a 3 × 3 output (1, 3, 2; 4, 10, 6; 3, 7, 4) where the four copies of the "
    "kernel overlap; the copy placed by the input 1 is outlined in its top-left corner. "
    "Right: stride 2 gives a 4 × 4 output in which each input value fills its own 2 × 2 "
    "block (1, 1, 2, 2; 1, 1, 2, 2; 3, 3, 4, 4; 3, 3, 4, 4).",
    caption="Each input pixel adds a copy of the kernel, scaled by its value, to the "
    "output; the stride sets how far apart the copies land, and overlaps add up.",
    size=(6.4, 2.9),
)
def _transposed_convolution(fig):
    ax = diagram(fig, xlim=(-0.3, 17.3), ylim=(-4.4, 1.0))
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    kernel = np.ones((1, 1, 2, 2))
    first = np.where(np.arange(4).reshape(2, 2) == 0, tint(ORANGE, 0.35), "white")
    cells(ax, x[0, 0], 0, -1, face=first, title="input")
    cells(ax, kernel[0, 0], 3, -1, face=tint(BLUE, 0.2), title="kernel")
    for left, stride in ((6.5, 1), (12, 2)):
        out = dlterms.conv_transpose2d(x, kernel, stride=stride)[0, 0]
        faces = _shaded(out, GREEN)
        cells(ax, out, left, 0, face=faces, title=f"stride {stride}")
        outline(ax, left, 0, 2, 2, ORANGE)
    arrow(ax, (5.2, -2.0), (6.3, -2.0))


@figure(
    "receptive-field",
    alt="Four rows of cells stacked from an input row at the bottom to layer 3 at the "
    "top, with 3-tap convolutions (stride 1) between them. One unit of layer 3 is "
    "shaded; below it, the units it depends on are shaded: 3 in layer 2, 5 in layer 1 "
    "and 7 in the input. Lines from the top unit fan out to the edges of each shaded "
    "block. Labels on the right give the widths 1, 3, 5, 7.",
    caption="Each 3-tap layer adds k − 1 = 2 to the span of input pixels one unit "
    "depends on: 3, 5, 7 after one, two and three layers.",
    size=(6.4, 3.2),
)
def _receptive_field(fig):
    ax = diagram(fig, xlim=(-2.6, 13.5), ylim=(-7.6, 0.6))
    width, centre = 11, 5
    names = ("layer 3", "layer 2", "layer 1", "input")
    for row, name in enumerate(names):
        # the top unit seen through `row` stacked 3-tap layers
        field = 1 if row == 0 else dlterms.receptive_field([3] * row)
        faces = np.full((1, width), "white", dtype=object)
        faces[0, centre - field // 2 : centre + field // 2 + 1] = tint(BLUE, 0.2 + 0.15 * row)
        top = -2.1 * row
        cells(ax, np.zeros((1, width)), 0, top, fmt=None, face=faces)
        ax.text(-0.3, top - 0.5, name, ha="right", va="center", fontsize=9, color=MUTED)
        ax.text(width + 0.3, top - 0.5, f"{field}", ha="left", va="center", fontsize=10)
        if row:
            for edge in (centre - field // 2, centre + field // 2 + 1):
                ax.plot([centre + 0.5, edge], [-1.0, top], color=FAINT, lw=0.8)
