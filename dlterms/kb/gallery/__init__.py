"""The figures themselves, one module per topic; importing this package registers them all.

Each module draws with the dlterms functions and registers each drawing with
:func:`dlterms.kb.figures.figure` under the id of the entry it illustrates. A new
topic module needs no registration: every module in this package is imported.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
