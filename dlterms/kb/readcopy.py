"""The fast read path: the glossary's read copy, one JSON file the stdlib reads in milliseconds.

:func:`dlterms.lookup`, :func:`dlterms.search`, ``dlterms show`` and ``dlterms search``
only read entries; checking them (PyYAML, JSON Schema on every file, importing every
implementation) is the job of ``dlterms check``, ``dlterms build`` and the tests. So a
clean check writes what it loaded to ``dlterms/_glossary.json``, the *read copy*, and
reading loads that with :mod:`json` alone. The wheel ships a read copy written by its
build hook (``hatch_build.py``) after a full check, so an installed package never
parses YAML to read.

In a source checkout the read copy is used only while it is fresh: it records the
name, size and modification time of every file it was made from, and any edit,
added or removed file makes it stale. A stale or missing read copy is not rebuilt
behind the reader's back (reading never writes into the package); instead the
YAML is parsed with libyaml's C loader, without schema validation or implementation
checks, which takes a few tenths of a second. ``dlterms check`` (run by ``make test``)
or ``dlterms build`` (``make build``) brings the read copy up to date.

Only the stdlib is imported here; PyYAML is imported by the stale-checkout fallback.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from dlterms.kb.model import (
    _PACKAGE_DIR,
    SCHEMA_FILE,
    Entry,
    Glossary,
    glossary_dir,
    package_glossary_dir,
)

__all__ = [
    "FORMAT",
    "READ_COPY",
    "read_glossary",
    "reading_glossary",
    "stamp",
    "write_read_copy",
]

READ_COPY = _PACKAGE_DIR / "_glossary.json"
"""Where the package's read copy lives, in a checkout and in an installed wheel."""

FORMAT = 3
"""The read copy's layout version; a copy of another version is ignored."""


def stamp(root: Path) -> dict[str, list[int]]:
    """``{file name: [size, mtime_ns]}`` of every file under `root` that the glossary is made of.

    Take it *before* checking, so an edit made during the check leaves the copy stale.
    """
    out = {}
    with os.scandir(root) as it:
        for item in it:
            if item.name.endswith((".yaml", ".yml")) or item.name == SCHEMA_FILE:
                try:
                    st = item.stat()
                except OSError:  # a dangling link: the checker reports it; stamp the link
                    st = item.stat(follow_symlinks=False)
                out[item.name] = [st.st_size, st.st_mtime_ns]
    return dict(sorted(out.items()))


def write_read_copy(
    glossary: Glossary, files: dict[str, list[int]], path: Path = READ_COPY
) -> Path:
    """Write the read copy of a glossary that has passed every check.

    Parameters
    ----------
    glossary : Glossary
        The checked glossary, as :func:`dlterms.kb.glossary.load_glossary` returns it.
    files : dict
        Its :func:`stamp`, taken before it was loaded.
    path : Path, default=READ_COPY
        Where to write; the file is replaced atomically, so a concurrent reader sees
        the old copy or the new one, never half of one.

    Returns
    -------
    Path
        `path`.
    """
    data = {
        "format": FORMAT,
        "files": files,
        "entries": {e.id: e.to_mapping() for e in glossary},
    }
    import tempfile  # writing only; reading stays as light as it can be

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.chmod(tmp, 0o644)  # readable by all, like the package's other files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _fresh_copy(root: Path, path: Path, *, check_files: bool) -> dict[str, Any] | None:
    """The read copy's data if it exists, has our format and (if asked) matches `root`'s files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if check_files and data.get("files") != stamp(root):
        return None
    return data


def read_glossary(root: Path | str | None = None, *, read_copy: Path = READ_COPY) -> Glossary:
    """Read the glossary under `root` for lookup and search, as fast as it can be.

    The read copy is used when `root` is the package's own glossary and the copy is
    fresh (an installed package's copy is always fresh: nothing edits it). Otherwise
    the YAML is parsed with ``yaml.CSafeLoader`` and nothing is validated; a file that
    does not even parse into an entry gets the full checker's report.

    Parameters
    ----------
    root : Path or str, optional
        The glossary folder; default :func:`~dlterms.kb.model.glossary_dir`.
    read_copy : Path, default=READ_COPY
        The read copy to try.

    Returns
    -------
    Glossary

    Raises
    ------
    dlterms.kb.glossary.GlossaryError
        If the YAML had to be parsed and some file is not an entry.
    """
    root = Path(root).resolve() if root else glossary_dir()
    own = package_glossary_dir().resolve()
    if root == own:
        installed = own == (_PACKAGE_DIR / "_glossary").resolve()
        data = _fresh_copy(root, read_copy, check_files=not installed)
        if data is not None:
            entries = (
                Entry.from_mapping(i, fields, root / f"{i}.yaml")
                for i, fields in data["entries"].items()
            )
            return Glossary(entries, root)
    return _parse_unchecked(root)


def _parse_unchecked(root: Path) -> Glossary:
    """Parse every entry with libyaml, checking nothing; on any failure, report like the checker."""
    try:
        import yaml
    except ImportError as exc:  # an installed package whose read copy went missing
        raise RuntimeError(
            f"the glossary's read copy {READ_COPY} is missing or stale, and reading the YAML "
            "needs PyYAML; reinstall dlterms, or install dlterms[build] and run 'dlterms check'"
        ) from exc
    entries = []
    try:
        for path in sorted(root.glob("*.yaml")):
            data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            entries.append(Entry.from_mapping(path.stem, data, path))
    except Exception:  # noqa: BLE001  any broken file: the checker says which and why
        from dlterms.kb.glossary import load_glossary

        return load_glossary(root)
    return Glossary(entries, root)


@functools.cache
def reading_glossary() -> Glossary:
    """The package's glossary for reading, loaded once per process (see :func:`read_glossary`)."""
    return read_glossary()
