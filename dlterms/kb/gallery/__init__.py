"""The figures themselves; importing this package registers them all.

Layout: ``<topic>.py`` holds the figures of the entries whose implementation lives in
``dlterms/<topic>.py`` (the reference module whose functions the figure draws);
``concepts.py`` holds the figures of concept entries with no reference module; and
``_draw.py`` holds the shared inks and drawing helpers (cells, diagrams, arrows).
Every number drawn comes from a dlterms function; numpy only builds the inputs.

Each module registers its drawings with :func:`dlterms.kb.figures.figure` under the id
of the entry they illustrate. A new module needs no registration: every public module
of this package is imported.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[0] != "_"):
    importlib.import_module(f"{__name__}.{_module}")
