"""Hatch build hook: check the glossary and ship its read copy in the wheel.

An installed dlterms reads entries from ``dlterms/_glossary.json`` with the stdlib
alone (see ``dlterms/kb/readcopy.py``). This hook writes that file while building
the wheel, from ``glossary/`` after every check has passed, so a wheel can neither
ship a broken glossary nor need PyYAML to read one. The checks import the reference
functions, hence numpy among the hook's build dependencies in ``pyproject.toml``.

Editable installs skip the hook: they read the checkout, whose read copy
``dlterms check`` and ``dlterms build`` keep up to date.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

READ_COPY_IN_WHEEL = "dlterms/_glossary.json"


class ReadCopyHook(BuildHookInterface):
    """Write the checked read copy into a temporary folder and force-include it."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        sys.path.insert(0, str(root))  # check this checkout's dlterms, not an installed one
        try:
            from dlterms.kb.glossary import GlossaryError, load_glossary
            from dlterms.kb.readcopy import stamp, write_read_copy

            files = stamp(root / "glossary")
            try:
                glossary = load_glossary(root / "glossary")
            except GlossaryError as exc:
                raise RuntimeError(
                    "the wheel ships the glossary only when it is clean:\n" + exc.report()
                ) from None
        finally:
            sys.path.remove(str(root))
        self._tmp = Path(tempfile.mkdtemp(prefix="dlterms-read-copy-"))
        path = write_read_copy(glossary, files, self._tmp / "_glossary.json")
        build_data["force_include"][str(path)] = READ_COPY_IN_WHEEL

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
