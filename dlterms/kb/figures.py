"""Figures drawn at build time by the reference functions themselves.

Each figure is a small function registered with :func:`figure` under the id of
the entry it illustrates. It receives a blank matplotlib ``Figure`` and draws on
it by calling ``dlterms`` functions, so a picture can never disagree with the
tested code. The site shows each one as an SVG with alt text, and the deck
(issue: picture cards) reuses the same files.

Rendering is cached by the content of a figure's inputs: its own source, the
source of every ``dlterms`` module it calls, the shared style and the matplotlib
version. A rebuild redraws only the figures whose inputs changed.

This module is build-only: it imports matplotlib, and ``import dlterms`` never
imports it.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure as MplFigure

import dlterms

__all__ = ["FIGURES", "FigureSpec", "figure", "render", "render_all"]

#: Shared look: readable on the site's light and dark themes (white card) and on phones.
STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": "#444444",
    "axes.labelcolor": "#222222",
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(
        color=["#3f51b5", "#e65100", "#2e7d32", "#8e24aa", "#00838f", "#c62828"]
    ),
    "font.size": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "svg.hashsalt": "dlterms",  # stable element ids, so identical inputs give identical files
    "svg.fonttype": "path",  # text as outlines: no font needed on the reader's side
}

#: Colours by role, for figures that need to name them.
BLUE, ORANGE, GREEN, PURPLE, TEAL, RED = STYLE["axes.prop_cycle"].by_key()["color"]


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: which entry it illustrates and how to draw it."""

    entry_id: str
    alt: str
    caption: str
    draw: Callable[[MplFigure], None]
    size: tuple[float, float] = (6.4, 3.2)

    @property
    def filename(self) -> str:
        return f"{self.entry_id}.svg"

    def cache_key(self) -> str:
        """A digest of everything the drawing depends on."""
        h = hashlib.sha256()
        for part in (
            _RENDER_SOURCE,  # how every figure is written out
            *(inspect.getsource(f) for f in _local_functions(self.draw)),
            repr(sorted(STYLE.items(), key=lambda kv: kv[0])),
            repr(self.size),
            matplotlib.__version__,
            np.__version__,
            *(inspect.getsource(m) for m in _modules_used(self.draw)),
        ):
            h.update(part.encode())
            h.update(b"\x00")
        return h.hexdigest()[:16]


FIGURES: dict[str, FigureSpec] = {}


def figure(entry_id: str, *, alt: str, caption: str = "", size=(6.4, 3.2)):
    """Register the decorated function as the figure for `entry_id`."""

    def register(draw: Callable[[MplFigure], None]) -> Callable[[MplFigure], None]:
        if entry_id in FIGURES:
            raise ValueError(f"a figure for {entry_id!r} is already registered")
        FIGURES[entry_id] = FigureSpec(entry_id, alt, caption, draw, tuple(size))
        return draw

    return register


def _names(code: types.CodeType) -> Iterable[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _local_functions(draw: Callable) -> list[Callable]:
    """`draw` and every helper of its own module that it calls, directly or not."""
    found: dict[str, Callable] = {}
    todo = [draw]
    while todo:
        fn = todo.pop()
        if fn.__qualname__ in found:
            continue
        found[fn.__qualname__] = fn
        for name in set(_names(fn.__code__)):
            obj = fn.__globals__.get(name)
            if inspect.isfunction(obj) and obj.__module__ == draw.__module__:
                todo.append(obj)
    return [found[k] for k in sorted(found)]


def _modules_used(draw: Callable) -> list[types.ModuleType]:
    """The dlterms reference modules whose functions `draw` calls, sorted by name."""
    found = {}
    names = {n for fn in _local_functions(draw) for n in _names(fn.__code__)}
    for name in names:
        obj = getattr(dlterms, name, None) if name in dlterms.__all__ else None
        if callable(obj) and obj.__module__.startswith("dlterms."):
            found[obj.__module__] = sys.modules[obj.__module__]
    return [found[k] for k in sorted(found)]


def render(spec: FigureSpec) -> bytes:
    """Draw one figure and return it as SVG bytes (deterministic for the same inputs)."""
    with matplotlib.rc_context(STYLE):
        fig = MplFigure(figsize=spec.size, layout="constrained")
        spec.draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "dlterms"})
    # Give screen readers the alt text inside the file too, as the first child of <svg>.
    title = f"<title>{_xml_escape(spec.alt)}</title>".encode()
    return re.sub(
        rb"(<svg\b[^>]*>)", lambda m: m.group(1) + b"\n " + title, buf.getvalue(), count=1
    )


_RENDER_SOURCE = inspect.getsource(render)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_all(
    cache_dir: Path, entry_ids: Iterable[str] | None = None
) -> dict[str, tuple[FigureSpec, Path]]:
    """Render every registered figure (or those for `entry_ids`) through the cache.

    Returns ``{entry_id: (spec, path to the cached SVG)}``. Stale cache files of a
    figure are removed when it is redrawn.
    """
    _load_figure_modules()
    cache_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(FIGURES) if entry_ids is None else set(entry_ids) & set(FIGURES)
    out = {}
    for entry_id in sorted(wanted):
        spec = FIGURES[entry_id]
        path = cache_dir / f"{entry_id}-{spec.cache_key()}.svg"
        if not path.exists():
            for stale in cache_dir.glob(f"{entry_id}-*.svg"):
                if stale.name[: -len("-0123456789abcdef.svg")] == entry_id:
                    stale.unlink()
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(render(spec))
            tmp.replace(path)
        out[entry_id] = (spec, path)
    return out


def _load_figure_modules() -> None:
    """Import the modules that register figures (kept apart from this framework)."""
    from dlterms.kb import gallery  # noqa: F401  (registers on import)
