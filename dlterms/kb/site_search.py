"""Search that ranks like a glossary, offline, on a small index.

mkdocs-material's search UI stays (the box, the result list, ``/`` to focus), but the
index and the engine behind it are ours:

- :func:`search_docs` writes one record per term page (its term, its aliases as a
  separate field, its definition as readable text), one per reference function and
  one per other page. No section of a page is indexed, so results land on pages,
  not on anchors, and the index stays small (tens of kB instead of megabytes).
- ``docs/assets/js/search-worker.js`` replaces Material's lunr worker and speaks the
  same messages. It ranks a query that *is* a term or an alias first, then a term
  or alias named inside the query, then word matches in titles, aliases and text;
  term pages outrank reference functions, which outrank other pages.

The hook swaps the worker in each page's ``__config`` (:func:`use_worker`) and
replaces ``search/search_index.json`` after the search plugin wrote it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from dlterms.kb.glossary import Glossary
from dlterms.kb.site_text import plain_text

__all__ = ["WORKER", "search_docs", "use_worker", "write_index"]

#: The worker, relative to the site root (served from docs/assets/js/).
WORKER = "assets/js/search-worker.js"

_MATERIAL_WORKER = re.compile(
    r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"'
)


def search_docs(glossary: Glossary, functions: list[dict[str, str]], pages: list[dict[str, str]]):
    """The index records: terms first, then reference functions, then other pages."""
    docs: list[dict[str, Any]] = []
    for e in sorted(glossary, key=lambda e: e.term.lower()):
        docs.append(
            {
                "location": f"terms/{e.id}/",
                "title": e.term,
                "aliases": list(e.aliases),
                "text": plain_text(e.definition),
                "kind": "term",
            }
        )
    docs += [{**f, "kind": "api"} for f in functions]
    docs += [{**p, "kind": "page"} for p in pages]
    return docs


def write_index(site_dir: Path, docs: list[dict[str, Any]]) -> int:
    """Replace the search plugin's index with ours (keeping its config); return its size."""
    path = site_dir / "search" / "search_index.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))["config"]
    except (OSError, ValueError, KeyError):
        config = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    data = json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data, encoding="utf-8")
    return len(data.encode("utf-8"))


def use_worker(output: str) -> str:
    """Point a page's ``__config`` at our search worker instead of Material's.

    Examples
    --------
    >>> use_worker('{"search": "../assets/javascripts/workers/search.a7633da7.min.js"}')
    '{"search": "../assets/js/search-worker.js"}'
    """
    new, n = _MATERIAL_WORKER.subn(lambda m: f'{m.group(1)}{m.group(2)}{WORKER}"', output)
    return new if n else output
