"""Build the site and the decks, all or nothing.

Everything is built into temporary folders beside the outputs; only when every
step has succeeded are they swapped in. A broken glossary or a failed site
build leaves the previous ``site/`` and ``dist/`` exactly as they were.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dlterms.kb.glossary import Glossary, load_glossary

__all__ = ["BuildError", "build", "next_timestamp"]

DECK_FILE = "dlterms.apkg"
INFO_FILE = "build-info.json"


class BuildError(Exception):
    """A build step failed; the message carries its output."""


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def next_timestamp(dist_dir: Path, now: float | None = None) -> int:
    """A deck timestamp later than the one in `dist_dir`'s last build.

    Anki updates a note only when the incoming modification time is newer, so
    two builds within one second must still get increasing stamps.
    """
    now = int(time.time() if now is None else now)
    try:
        previous = json.loads((dist_dir / INFO_FILE).read_text(encoding="utf-8"))["timestamp"]
    except (OSError, ValueError, KeyError, TypeError):
        previous = 0
    return max(now, int(previous) + 1)


def _swap_in(tmp: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old)


def build_site(project: Path, out_dir: Path, glossary_dir: Path) -> None:
    """Run ``mkdocs build --strict`` into `out_dir`."""
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--quiet",
        "--config-file",
        str(project / "mkdocs.yml"),
        "--site-dir",
        str(out_dir),
    ]
    env = {**os.environ, "DLTERMS_GLOSSARY": str(glossary_dir)}
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError("mkdocs build --strict failed:\n" + (proc.stderr or proc.stdout))


def build(
    project: Path | str = ".",
    *,
    site_dir: Path | str | None = None,
    dist_dir: Path | str | None = None,
    glossary_dir: Path | str | None = None,
    say: Callable[[str], None] = _say,
) -> Glossary:
    """Check the glossary, then build ``site/`` and ``dist/`` and swap them in.

    Raises
    ------
    dlterms.kb.glossary.GlossaryError
        If any entry has a problem (nothing is built).
    BuildError
        If the site or the deck fails to build (nothing is replaced).
    """
    from dlterms.kb.deck import export_deck
    from dlterms.kb.figures import render_all

    project = Path(project).resolve()
    site_dir = Path(site_dir or project / "site").resolve()
    dist_dir = Path(dist_dir or project / "dist").resolve()
    glossary_dir = Path(glossary_dir or project / "glossary").resolve()
    start = time.perf_counter()

    say(f"[1/3] checking {glossary_dir}")
    glossary = load_glossary(glossary_dir)
    say(f"      {len(glossary)} entries, no problems")

    site_dir.parent.mkdir(parents=True, exist_ok=True)
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp_site = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.tmp-", dir=site_dir.parent))
    tmp_dist = Path(tempfile.mkdtemp(prefix=f".{dist_dir.name}.tmp-", dir=dist_dir.parent))
    try:
        t = time.perf_counter()
        say(f"[2/3] building the site ({len(glossary)} term pages, mkdocs --strict)")
        build_site(project, tmp_site, glossary_dir)
        say(f"      done in {time.perf_counter() - t:.1f} s")

        say("[3/3] exporting the Anki deck")
        stamp = next_timestamp(dist_dir)
        figures = render_all(project / ".cache" / "figures", glossary.entries)
        export_deck(glossary, tmp_dist / DECK_FILE, timestamp=stamp, figures=figures)
        info = {"timestamp": stamp, "entries": len(glossary), "deck": DECK_FILE}
        (tmp_dist / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        say(f"      {len(glossary)} entries -> {dist_dir.name}/{DECK_FILE}")

        _swap_in(tmp_site, site_dir)
        _swap_in(tmp_dist, dist_dir)
    finally:
        shutil.rmtree(tmp_site, ignore_errors=True)
        shutil.rmtree(tmp_dist, ignore_errors=True)
    say(f"built {site_dir.name}/ and {dist_dir.name}/ in {time.perf_counter() - start:.1f} s")
    return glossary
