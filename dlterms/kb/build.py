"""Build the site and the decks, and publish them as one unit.

Every build goes into a new *generation* folder, ``<parent>/.dlterms-builds/gen-*``,
holding both ``site/`` and ``dist/``. ``site`` and ``dist`` themselves are symbolic
links into ``.dlterms-builds/current``, which is one more link to the newest complete
generation. Publishing replaces that single link with :func:`os.replace`, an atomic
rename, so a reader (or a web server) sees the old pair or the new pair, never a new
site beside an old deck, and never no site at all, whenever the build is killed.

- A broken glossary or a failed step publishes nothing; the folder it was building
  in is removed.
- Builds of one checkout take a lock and queue; generations left by a killed build
  are removed by the next one.
- The mkdocs process a build starts dies with it (``PR_SET_PDEATHSIG`` on Linux,
  and SIGTERM is turned into a clean stop).
- The first build in a folder that still has plain ``site/`` and ``dist/`` folders
  swaps each for its link with one atomic exchange (``renameat2``) where the kernel
  offers it.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dlterms.kb.glossary import Glossary, load_glossary

__all__ = ["BuildError", "build", "next_timestamp"]

DECK_FILE = "dlterms.apkg"
INFO_FILE = "build-info.json"
STORE = ".dlterms-builds"


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


# --------------------------------------------------------------------------- publishing


@contextmanager
def _locked(store: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the checkout's build lock; a second build waits for the first."""
    store.mkdir(parents=True, exist_ok=True)
    with open(store / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("      another build of this checkout is running; waiting for it")
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _current(store: Path) -> Path | None:
    link = store / "current"
    return (store / os.readlink(link)) if link.is_symlink() else None


def _remove_stale(store: Path, outputs: list[Path]) -> None:
    """Under the lock, every generation but the published one is left over from a kill."""
    keep = _current(store)
    stale = [p for p in store.iterdir() if p.name.startswith(("gen-", "tmp-")) and p != keep]
    for final in outputs:
        stale += final.parent.glob(f".{final.name}.tmp-*")
    for path in stale:
        if path.is_symlink() or path.is_file():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _switch(store: Path, gen: Path) -> None:
    """Point ``current`` at `gen`: one atomic rename, the moment of publication."""
    tmp = store / f"tmp-current-{uuid.uuid4().hex[:8]}"
    os.symlink(gen.name, tmp)
    os.replace(tmp, store / "current")


def _ensure_links(store: Path, outputs: dict[str, Path]) -> None:
    """Make each output (``site``, ``dist``) a relative link to ``current/<name>``.

    A plain folder left by an older build is first adopted as a generation of its
    own, by an atomic exchange with a link, so the reader never loses it.
    """
    plain = {
        name: final for name, final in outputs.items() if final.is_dir() and not final.is_symlink()
    }
    if plain:
        adopted = store / f"gen-adopted-{uuid.uuid4().hex[:8]}"
        adopted.mkdir()
        for name in plain:  # placeholders: absolute links that will sit at `final`
            os.symlink(os.path.abspath(store / "current" / name), adopted / name)
        previous = _current(store)
        _switch(store, adopted)
        for name, final in plain.items():
            if not _exchange(final, adopted / name):  # no renameat2: a brief gap, once
                (adopted / name).unlink()
                final.rename(adopted / name)
                os.symlink(os.path.abspath(store / "current" / name), final)
        if previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    for name, final in outputs.items():
        rel = os.path.relpath(store / "current" / name, final.parent)
        if final.is_symlink() and os.readlink(final) == rel:
            continue
        tmp = final.with_name(f".{final.name}.tmp-{uuid.uuid4().hex[:8]}")
        os.symlink(rel, tmp)
        os.replace(tmp, final)  # a link replaces a link (or nothing) atomically


def _publish(gen: Path, store: Path, site_dir: Path, dist_dir: Path) -> None:
    """Link the outputs to ``current``, point ``current`` at `gen`, drop the old generation."""
    _ensure_links(store, {"site": site_dir, "dist": dist_dir})
    old = _current(store)
    _switch(store, gen)
    if old is not None and old != gen:
        shutil.rmtree(old, ignore_errors=True)


def _stop_on_sigterm() -> tuple[Callable[[], None], Callable[[], None]]:
    """Turn SIGTERM into SystemExit during a build, so its clean-up runs.

    Returns ``(restore, check)``. Python drops an exception raised by a signal handler
    while a ``__del__`` method or a garbage-collector callback runs, so the handler
    also records the signal, and `check`, called before anything is published, raises
    it again.
    """
    received: list[int] = []

    def handler(signum, frame):
        received.append(signum)
        raise SystemExit(128 + signum)

    def check() -> None:
        if received:
            raise SystemExit(128 + received[0])

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        return (lambda: None), check
    return (lambda: signal.signal(signal.SIGTERM, previous)), check


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the mkdocs child: receive SIGKILL when the build process dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def build_site(
    project: Path,
    out_dir: Path,
    glossary_dir: Path,
    while_running: Callable[[], None] | None = None,
) -> None:
    """Run ``mkdocs build --strict`` into `out_dir`; call `while_running` meanwhile.

    Not ``--quiet``: with it, mkdocs hides the warnings that ``--strict`` counts and a
    page with a broken link would be published. The mkdocs process writes into
    temporary files, not pipes, so it never waits for this process to read; if
    `while_running` raises (or the build is stopped), the mkdocs process is killed.
    """
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--config-file",
        str(project / "mkdocs.yml"),
        "--site-dir",
        str(out_dir),
    ]
    env = {**os.environ, "DLTERMS_GLOSSARY": str(glossary_dir)}
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        proc = subprocess.Popen(
            cmd,
            cwd=project,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        try:
            if while_running is not None:
                while_running()
            proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if proc.returncode != 0:
            out.seek(0)
            err.seek(0)
            raise BuildError("mkdocs build --strict failed:\n" + (err.read() or out.read()))


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
    project = Path(project).resolve()
    # absolute, but not resolved: site/ and dist/ are links into the published generation,
    # and the links themselves are what a build replaces
    site_dir = Path(os.path.abspath(site_dir or project / "site"))
    dist_dir = Path(os.path.abspath(dist_dir or project / "dist"))
    glossary_dir = Path(glossary_dir or project / "glossary").resolve()
    start = time.perf_counter()

    say(f"[1/3] checking {glossary_dir}")
    glossary = load_glossary(glossary_dir)
    say(f"      {len(glossary)} entries, no problems")

    store = site_dir.parent / STORE
    restore, check_stop = _stop_on_sigterm()
    try:
        with _locked(store, say):
            _remove_stale(store, [site_dir, dist_dir])
            gen = store / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
            try:
                _build_into(project, gen, glossary, glossary_dir, dist_dir, say)
                check_stop()  # a SIGTERM whose SystemExit was dropped still stops here
                _publish(gen, store, site_dir, dist_dir)
            except BaseException:
                shutil.rmtree(gen, ignore_errors=True)
                if _current(store) is None:  # nothing was ever published here
                    shutil.rmtree(store, ignore_errors=True)
                raise
    finally:
        restore()
    say(f"built {site_dir.name}/ and {dist_dir.name}/ in {time.perf_counter() - start:.1f} s")
    return glossary


def _build_into(
    project: Path,
    gen: Path,
    glossary: Glossary,
    glossary_dir: Path,
    dist_dir: Path,
    say: Callable[[str], None],
) -> None:
    """Build the site and the deck into the generation folder `gen`."""
    from dlterms.kb.deck import LEDGER, LEDGER_FILE, export_deck, site_url
    from dlterms.kb.figures import render_all

    (gen / "dist").mkdir(parents=True)
    t = time.perf_counter()
    say(f"[2/3] building the site ({len(glossary)} term pages, mkdocs --strict)")
    stamp = next_timestamp(dist_dir)

    def export() -> None:
        """The deck, built in this process while mkdocs builds the site in its own."""
        say("[3/3] exporting the Anki deck while the site builds")
        figures = render_all(project / ".cache" / "figures", glossary.entries)
        # Notes keep their modification time until their content changes (see
        # dlterms.kb.deck): the committed ledger and the last build's shipped one go in,
        # the new one ships in dist/ and, when this build publishes the checkout's own
        # dist/, goes back into the checkout.
        shipped = gen / "dist" / LEDGER_FILE
        committed = project / "dlterms" / "kb" / LEDGER.name
        own_dist = (
            dist_dir.absolute() == (project / "dist").absolute() and committed.parent.is_dir()
        )
        export_deck(
            glossary,
            gen / "dist" / DECK_FILE,
            timestamp=stamp,
            figures=figures,
            ledger=[committed if committed.is_file() else LEDGER, dist_dir / LEDGER_FILE],
            ledger_out=[shipped, committed] if own_dist else [shipped],
            base_url=site_url(project),
        )
        say(f"      {len(glossary)} entries -> {dist_dir.name}/{DECK_FILE}")

    build_site(project, gen / "site", glossary_dir, while_running=export)
    say(f"      site done in {time.perf_counter() - t:.1f} s")
    # The same build id in both halves: a reader can check they belong together.
    info = {"build": gen.name, "timestamp": stamp, "entries": len(glossary), "deck": DECK_FILE}
    text = json.dumps(info, indent=2) + "\n"
    (gen / "dist" / INFO_FILE).write_text(text, encoding="utf-8")
    (gen / "site" / INFO_FILE).write_text(text, encoding="utf-8")
    # The site links the deck (home page and every term page): the same file, in the site.
    (gen / "site" / "downloads").mkdir(exist_ok=True)
    shutil.copy2(gen / "dist" / DECK_FILE, gen / "site" / "downloads" / DECK_FILE)
