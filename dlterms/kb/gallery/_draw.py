"""Drawing helpers shared by the gallery modules: ink colours, number text, cells, diagrams.

Every gallery module draws with these, so one edit here changes every figure that
uses them, and the figure cache (which hashes this file) redraws them all.
Build-only: imports matplotlib through :mod:`dlterms.kb.figures`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

__all__ = [
    "EDGE",
    "FAINT",
    "INK",
    "MUTED",
    "PALE",
    "REGIONS",
    "arrow",
    "cells",
    "diagram",
    "num",
    "outline",
    "shade_regions",
    "symbol",
    "tint",
]

INK = "#222222"  # text, boundaries, arrows
EDGE = "#555555"  # cell borders and table lines
MUTED = "#9e9e9e"  # reference lines, contrast curves, dropped units
PALE = "#e6e6e6"  # greyed-out cells
FAINT = "#eeeeee"  # padding and empty cells
REGIONS = ListedColormap(["#dfe3f5", "#fbe3cf"])  # class 0 and 1: BLUE and ORANGE, lightened


def tint(color: str, alpha: float) -> str:
    """`color` (``#rrggbb``) made translucent, which reads as a light tint on white."""
    return f"{color}{round(alpha * 255):02x}"


def num(value, fmt="g") -> str:
    """A number as text, with a real minus sign."""
    return format(value, fmt).replace("-", "−")


def diagram(fig, xlim, ylim):
    """One axes for a drawing in data units: equal aspect, no frame, fixed limits."""
    ax = fig.subplots()
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    return ax


def cells(
    ax,
    values,
    x,
    y,
    *,
    fmt="{:g}",
    face="white",
    ink=INK,
    bold=None,
    title=None,
    size=11,
    zorder=None,
):
    """Draw a 2-D array as unit squares with its numbers, top-left corner at (x, y).

    ``fmt=None`` draws empty cells. With a `zorder`, cells and numbers share it, so a
    block drawn later with a higher one hides this one; without, matplotlib's defaults
    put every number above every cell.
    """
    values = np.asarray(values)
    face = np.broadcast_to(np.asarray(face, dtype=object), values.shape)
    ink = np.broadcast_to(np.asarray(ink, dtype=object), values.shape)
    bold = np.broadcast_to(False if bold is None else bold, values.shape)
    layer = {} if zorder is None else {"zorder": zorder}
    text_layer = {} if zorder is None else {"zorder": zorder + 0.01}
    rows, cols = np.indices(values.shape).reshape(2, -1)
    ax.bar(
        x + cols,
        1,
        width=1,
        bottom=y - rows - 1,
        align="edge",
        color=list(face.ravel()),
        edgecolor=EDGE,
        linewidth=0.8,
        **layer,
    )
    if fmt:
        for (i, j), v in np.ndenumerate(values):
            ax.text(
                x + j + 0.5,
                y - i - 0.5,
                fmt.format(v).replace("-", "−"),
                ha="center",
                va="center",
                fontsize=size,
                color=ink[i, j],
                fontweight="bold" if bold[i, j] else "normal",
                **text_layer,
            )
    if title:
        ax.text(x + values.shape[1] / 2, y + 0.25, title, ha="center", va="bottom", fontsize=10)


def outline(ax, x, y, width, height, color, style="-"):
    """A thick frame around the block of cells whose top-left corner is (x, y)."""
    ax.bar(
        x,
        height,
        width=width,
        bottom=y - height,
        align="edge",
        fill=False,
        edgecolor=color,
        linewidth=2.5,
        linestyle=style,
    )


def symbol(ax, x, y, text, size=16):
    """An operator sign (×, =, +) between two blocks of a diagram."""
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK)


def arrow(ax, start, end, label=None):
    """A plain arrow from `start` to `end`, with an optional code label above its middle."""
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": INK, "lw": 1.4})
    if label:
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.15)
        ax.text(*mid, label, ha="center", va="bottom", fontsize=9, family="monospace")


def box(ax, x, y, text, *, face="white", size=10):
    """A rounded box centred at (x, y) with `text` inside."""
    bbox = {"boxstyle": "round,pad=0.35", "fc": face, "ec": EDGE, "lw": 1.0}
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=INK, bbox=bbox)


def box_border(center, toward, half_w, half_h):
    """Where the segment from `center` to `toward` leaves the box of half sizes
    `half_w` by `half_h` around `center`."""
    d = np.subtract(toward, center)
    t = min(half_w / abs(d[0]) if d[0] else np.inf, half_h / abs(d[1]) if d[1] else np.inf)
    return tuple(np.add(center, t * d))


def graph_edge(ax, start, end, label=None, *, half, offset=(0.0, 0.1), size=8):
    """An arrow between two node boxes of half sizes `half` = (w, h) in a computational
    graph, from border to border, with an optional label above its middle."""
    a, b = box_border(start, end, *half), box_border(end, start, *half)
    ax.annotate(
        "",
        xy=b,
        xytext=a,
        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.1, "shrinkA": 1, "shrinkB": 1},
    )
    if label:
        mid = ((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1])
        ax.text(*mid, label, ha="center", va="bottom", fontsize=size, color=INK)


def shade_regions(ax, labels, xx, yy):
    """Shade a grid of predicted classes 0/1 (or -1/+1): light blue, light orange."""
    ax.imshow(
        labels > 0,
        extent=(xx.min(), xx.max(), yy.min(), yy.max()),
        origin="lower",
        cmap=REGIONS,
        vmin=0,
        vmax=1,
        aspect="auto",
        interpolation="none",
    )
    ax.grid(False)
