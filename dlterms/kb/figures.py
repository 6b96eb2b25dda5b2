"""Figures drawn at build time by the reference functions themselves.

Each figure is a small function registered with :func:`figure` under the id of
the entry it illustrates. It receives a blank matplotlib ``Figure`` and draws on
it by calling ``dlterms`` functions, so a picture can never disagree with the
tested code. The site shows each one as an SVG with alt text, and the deck's
picture cards reuse the same files.

Rendering is cached by the bytes of every file a figure's drawing depends on: the
module that defines its draw function and, transitively, every ``dlterms`` module
that one imports at module level (the gallery's shared helpers, this module with the
style and the SVG writer, ``dlterms/__init__.py`` and through it every reference
module), plus the figure's own alt text and size and the matplotlib and numpy
versions. Any edit to any of those files, a module-level constant included, gives a
new key, so a stale SVG is never reused. A rebuild redraws only figures whose inputs
changed; concurrent builds sharing a cache directory write each file atomically.

This module is build-only: it imports matplotlib, and ``import dlterms`` never
imports it.
"""

from __future__ import annotations

import ast
import hashlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure as MplFigure

import dlterms

__all__ = ["FIGURES", "FigureSpec", "dependency_files", "figure", "render", "render_all"]

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
        """A digest of everything the drawing depends on (see :func:`dependency_files`)."""
        return _cache_key(self, _Sources())


FIGURES: dict[str, FigureSpec] = {}


def figure(entry_id: str, *, alt: str, caption: str = "", size=(6.4, 3.2)):
    """Register the decorated function as the figure for `entry_id`."""

    def register(draw: Callable[[MplFigure], None]) -> Callable[[MplFigure], None]:
        if entry_id in FIGURES:
            raise ValueError(f"a figure for {entry_id!r} is already registered")
        FIGURES[entry_id] = FigureSpec(entry_id, alt, caption, draw, tuple(size))
        return draw

    return register


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


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_all(
    cache_dir: Path, entry_ids: Iterable[str] | None = None
) -> dict[str, tuple[FigureSpec, Path]]:
    """Render every registered figure (or those for `entry_ids`) through the cache.

    Returns ``{entry_id: (spec, path to the cached SVG)}``. Stale cache files of a
    figure are removed when it is redrawn. Each file is written to a temporary name in
    `cache_dir` and renamed into place, so a concurrent build never sees half a file.
    """
    _load_figure_modules()
    cache_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(FIGURES) if entry_ids is None else set(entry_ids) & set(FIGURES)
    build = _Sources()  # each source file read once per build
    out = {}
    for entry_id in sorted(wanted):
        spec = FIGURES[entry_id]
        path = cache_dir / f"{entry_id}-{_cache_key(spec, build)}.svg"
        if not path.exists():
            for stale in cache_dir.glob(f"{entry_id}-*.svg"):
                if stale.name[: -len("-0123456789abcdef.svg")] == entry_id:
                    stale.unlink(missing_ok=True)  # another build may have removed it first
            _write_atomically(path, render(spec))
        out[entry_id] = (spec, path)
    return out


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a unique temporary file in the same directory."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- cache key

_PACKAGE_ROOT = Path(dlterms.__file__).resolve().parent


def _cache_key(spec: FigureSpec, build: _Sources) -> str:
    """The cache key of `spec`; `build` reads each source file once per build."""
    h = hashlib.sha256()
    for text in (
        *(f"{name}:{digest}" for name, digest in build.digests(spec.draw)),
        spec.draw.__qualname__,
        spec.alt,  # written into the SVG as its <title>
        repr(spec.size),
        repr(sorted(STYLE.items(), key=lambda kv: kv[0])),
        matplotlib.__version__,
        np.__version__,
    ):
        h.update(text.encode())
        h.update(b"\x00")
    return h.hexdigest()[:16]


def dependency_files(draw: Callable) -> list[Path]:
    """Every file whose bytes the drawing `draw` depends on, sorted.

    That is the file defining `draw` and, transitively, every file of the ``dlterms``
    package imported at module level by one of them (``import dlterms`` brings in
    ``dlterms/__init__.py`` and so every reference module; ``from dlterms.kb.figures
    import figure`` brings in this module and its package's ``__init__.py``). Imports
    inside functions and under ``if TYPE_CHECKING:`` do not run when a module is
    imported, so they are not followed.
    """
    return _Sources().closure(Path(sys.modules[draw.__module__].__file__).resolve())


class _Sources:
    """The source files seen by one build: read, hashed and parsed once each."""

    def __init__(self) -> None:
        self._digest: dict[Path, str] = {}
        self._closure: dict[Path, list[Path]] = {}
        self._files: dict[str, list[Path]] = {}

    def digests(self, draw: Callable) -> list[tuple[str, str]]:
        """(name, sha256 of the bytes) of every file in `draw`'s dependency closure."""
        start = Path(sys.modules[draw.__module__].__file__).resolve()
        others = sorted(
            (_display_name(p), self.digest(p)) for p in self.closure(start) if p != start
        )
        return [("", self.digest(start)), *others]  # the draw function's own module first

    def digest(self, path: Path) -> str:
        if path not in self._digest:
            self._digest[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digest[path]

    def closure(self, start: Path) -> list[Path]:
        if start not in self._closure:
            found = {start}
            todo = [start]
            while todo:
                path = todo.pop()
                for module in _module_imports(path.read_bytes()):
                    if module not in self._files:
                        self._files[module] = _module_files(module)
                    for dep in self._files[module]:
                        if dep not in found:
                            found.add(dep)
                            todo.append(dep)
            self._closure[start] = sorted(found)
        return self._closure[start]


def _display_name(path: Path) -> str:
    """`path` relative to the package (the same in every clone), else its bare name.

    Names and contents key a figure, not the directory a clone sits in.
    """
    return str(path.relative_to(_PACKAGE_ROOT)) if path.is_relative_to(_PACKAGE_ROOT) else path.name


_IMPORTS: dict[bytes, tuple[str, ...]] = {}  # source digest -> modules it imports


def _module_imports(source: bytes) -> tuple[str, ...]:
    """The dotted names of the modules a source file imports when it is imported.

    ``from package import name`` yields both ``package`` and ``package.name``; the
    second is kept only if it is a module (see :func:`_module_files`).
    """
    digest = hashlib.sha256(source).digest()
    if digest not in _IMPORTS:
        names: list[str] = []
        todo = list(ast.parse(source).body)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.Import):
                names += (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += (f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If) and not _is_type_checking(node.test):
                todo += node.body + node.orelse
            elif isinstance(node, ast.Try):
                todo += node.body + node.orelse + node.finalbody
                todo += (stmt for handler in node.handlers for stmt in handler.body)
            elif isinstance(node, ast.With):
                todo += node.body
        _IMPORTS[digest] = tuple(sorted(set(names)))
    return _IMPORTS[digest]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_files(module: str) -> list[Path]:
    """The files executed by importing `module` if it is in the dlterms package: the
    ``__init__.py`` of each enclosing package and the module's own file."""
    parts = module.split(".")
    if parts[0] != dlterms.__name__:
        return []
    out = []
    for depth in range(1, len(parts) + 1):
        base = _PACKAGE_ROOT.joinpath(*parts[1:depth])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                out.append(candidate)
                break
        else:
            break  # not a module: an attribute imported from the package above
    return out


def _load_figure_modules() -> None:
    """Import the modules that register figures (kept apart from this framework)."""
    from dlterms.kb import gallery  # noqa: F401  (registers on import)
