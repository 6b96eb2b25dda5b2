"""`dlterms build` publishes the site and the deck as one unit, whatever happens to it.

Each test runs the real command in a child process against a copy of a previous
build, kills it or races it, and then reads the outputs the way a reader (or a web
server) would: through the ``site`` and ``dist`` paths.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def _cmd(out: Path, glossary: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "dlterms.cli", "build", "--project", str(ROOT)]
    cmd += ["--site-dir", str(out / "site"), "--dist-dir", str(out / "dist")]
    return cmd + (["--glossary", str(glossary)] if glossary else [])


def _pair(out: Path) -> tuple[str, str]:
    """The build ids a reader sees in site/ and in dist/ right now."""
    ids = []
    for half in ("site", "dist"):
        info = json.loads((out / half / "build-info.json").read_text(encoding="utf-8"))
        ids.append(info["build"])
    return ids[0], ids[1]


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (proc / "stat").read_text().split()[2]
            except OSError:
                continue
            if text in cmdline and state != "Z":
                pids.append(int(proc.name))
    return pids


def _wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def out(built, tmp_path) -> Path:
    """A folder holding plain site/ and dist/ folders from a previous build."""
    site, dist, _ = built
    out = tmp_path / "out"
    shutil.copytree(site, out / "site")
    shutil.copytree(dist, out / "dist")
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_build_leaves_the_old_pair_and_no_mkdocs_behind(out):
    old = _pair(out)
    assert old[0] == old[1]
    # Kill during the check, while mkdocs runs, and while the deck is written.
    for phase in ("check", "mkdocs", "late"):
        proc = subprocess.Popen(_cmd(out), stderr=subprocess.PIPE, start_new_session=True)
        if phase == "check":
            time.sleep(0.3)
        else:
            assert _wait_for(lambda: _processes_mentioning(f"{out}/.dlterms-builds/gen-"), 60)
            time.sleep(0.5 if phase == "mkdocs" else 0.0)
            if phase == "late":  # mkdocs has finished; the deck is being exported
                _wait_for(lambda: not _processes_mentioning(f"{out}/.dlterms-builds/gen-"), 60)
        proc.kill()
        proc.wait()
        assert _wait_for(lambda: not _processes_mentioning(str(out)), 5), "mkdocs outlived it"
        assert _pair(out) in (old, _pair(out)) and _pair(out)[0] == _pair(out)[1], phase
        if phase != "late":
            assert _pair(out) == old, phase
    # The next build cleans up after the killed ones and publishes a new pair.
    done = subprocess.run(_cmd(out), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    new = _pair(out)
    assert new[0] == new[1] and new != old
    store = out / ".dlterms-builds"
    assert sorted(p.name for p in store.iterdir()) == ["current", new[0], "lock"]
    assert sorted(p.name for p in out.iterdir()) == [".dlterms-builds", "dist", "site"]
    # the new build replaced the links' target, not what they pointed into
    assert (out / "site").is_symlink() and (out / "dist").is_symlink()
    assert sorted(p.name for p in (store / new[0]).iterdir()) == ["dist", "site"]
    assert (out / "site" / "terms" / "softmax" / "index.html").is_file()
    assert (out / "dist" / "dlterms.apkg").is_file()


def test_two_builds_at_once_queue_and_both_succeed(out):
    first = subprocess.Popen(_cmd(out), stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(_cmd(out), stderr=subprocess.PIPE, text=True)
    errors = [p.communicate()[1] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], errors
    assert any("waiting for it" in e for e in errors)
    site_id, dist_id = _pair(out)
    assert site_id == dist_id
    assert sorted(p.name for p in (out / ".dlterms-builds").iterdir()) == [
        "current",
        site_id,
        "lock",
    ]
    # The second build replaced the first one's generation behind the links: only its
    # own is left, and site/ and dist/ are links into it, not folders written over.
    assert (out / "site").is_symlink() and (out / "dist").is_symlink()
    assert sorted(p.name for p in (out / ".dlterms-builds" / site_id).iterdir()) == [
        "dist",
        "site",
    ]


def test_strict_really_is_strict_a_broken_link_publishes_nothing(out, tmp_path):
    old = _pair(out)
    glossary = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", glossary)
    path = glossary / "softmax.yaml"
    text = path.read_text(encoding="utf-8")
    broken = "explanation: |\n  See [the missing page](missing.md).\n"
    path.write_text(text.replace("explanation: |\n", broken, 1), encoding="utf-8")
    proc = subprocess.run(_cmd(out, glossary), capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "missing.md" in proc.stderr
    assert "nothing was changed" in proc.stderr
    assert _pair(out) == old
    assert not (out / ".dlterms-builds").exists(), "nothing published, nothing left"


def test_sigterm_stops_the_build_cleanly(out):
    old = _pair(out)
    proc = subprocess.Popen(_cmd(out), stderr=subprocess.PIPE, start_new_session=True)
    assert _wait_for(lambda: _processes_mentioning(f"{out}/.dlterms-builds/gen-"), 60)
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert _wait_for(lambda: not _processes_mentioning(str(out)), 5)
    assert _pair(out) == old
    assert not (out / ".dlterms-builds").exists(), "nothing published, nothing left"


_DROPPED_SIGTERM = """
import os, signal, sys
from pathlib import Path
from dlterms.kb import build

class Dropper:
    def __del__(self):  # Python drops an exception raised here, the handler's SystemExit too
        os.kill(os.getpid(), signal.SIGTERM)

def build_into(project, gen, *args):
    (gen / "site").mkdir(parents=True)
    (gen / "dist").mkdir()
    Dropper()

build._build_into = build_into
out = Path(sys.argv[1])
build.build(Path(sys.argv[2]), site_dir=out / "site", dist_dir=out / "dist", say=print)
"""


def test_a_sigterm_whose_exit_python_drops_still_stops_the_build(tmp_path):
    """SIGTERM during a __del__ (frequent while the deck and figures are made) raises a
    SystemExit that Python only prints; the build must still stop before publishing."""
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-c", _DROPPED_SIGTERM, str(out), str(ROOT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "Exception ignored" in proc.stderr and "SystemExit: 143" in proc.stderr
    assert proc.returncode == 143, proc.stderr
    assert list(out.iterdir()) == [], "nothing published, nothing left"
