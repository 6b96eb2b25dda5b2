"""How the build scales: the real glossary, the 198-entry glossary, synthetic ones, and serve.

    python benchmarks/bench_build.py [--sizes 300 3000] [--rounds 3] [--out DIR] [--skip-serve]

* ``dlterms build`` (site and decks) of the real glossary and of the 198-entry
  glossary it grew from (the ids in ``baseline-entries.txt``, today's text of each,
  with links to later entries dropped), side by side: each build in a fresh process,
  the two interleaved over ``--rounds`` rounds, the median reported, with the
  wall time and the peak memory of the build (target: 20 s on 2 cores; the real
  glossary within 1.3x the 198-entry one);
* builds of synthetic glossaries of each size, generated in a temporary folder
  (target: the largest within 10x of the smallest per 10x entries, i.e. linear);
* ``mkdocs serve`` of both glossaries, one server each, edits interleaved: the time
  from saving an edited entry until its page is served with the edit (target: the
  real glossary within 1.3x the 198-entry one);
* ``dlterms check`` of the real glossary alone, as before every commit (target: 5 s).

Figures come from the shared cache, as on a contributor's machine after the first
build.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

__all__ = [
    "baseline_glossary",
    "main",
    "synthetic_glossary",
    "time_build",
    "time_builds",
    "time_check",
    "time_serve_rebuilds",
]

#: The 198 entries the glossary had before the modern-core entries (commit dc9a621).
BASELINE_IDS = Path(__file__).with_name("baseline-entries.txt")

#: How much slower than the 198-entry glossary the real one may build.
GROWTH_LIMIT = 1.3
#: `dlterms check` of the real glossary, which runs before every build and commit (seconds)
CHECK_LIMIT = 5

WORDS = (
    "gradient loss weight layer tensor batch epoch model feature label neuron kernel "
    "stride bias variance signal error update rate sample class score margin"
).split()


def synthetic_glossary(folder: Path, n: int) -> Path:
    """Write `n` valid entries (ids term-00000 …) linking each other, plus the schema."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "glossary" / "schema.json", folder / "schema.json")
    tags = ["foundations", "metrics", "losses", "activations", "layers", "training"]
    for i in range(n):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
        see = sorted(
            {f"term-{(i * 31 + 7) % n:05d}", f"term-{(i * 17 + 3) % n:05d}"} - {f"term-{i:05d}"}
        )
        prereq = [f"term-{i - 1:05d}"] if i and i % 5 else []
        impl = ["dlterms.activations.softmax"] if i % 10 == 0 else []
        entry = {
            "term": f"Synthetic term {i} {words[0]}",
            "aliases": [f"ST{i}"],
            "definition": f"A generated entry about {' '.join(words)} used to time the build.",
            "explanation": f"Entry {i} explains $x_{{{i}}} = {i}$ in a short paragraph.\n\n"
            + " ".join(words * 4),
            "formula": f"y_{{{i}}} = \\frac{{{i}}}{{1 + e^{{-x}}}}",
            "example": {"text": f"With $x = 0$ the value is ${i}/2$."},
            "pitfalls": [f"Do not confuse {words[1]} with {words[2]}."],
            "tags": [tags[i % len(tags)]],
            "see_also": see,
            "prerequisites": prereq,
            "implementation": impl,
            "sources": ["000_162742986209318a.txt"],
            "quiz": [
                {"id": "q1", "question": f"What is entry {i} about?", "answer": words[0]},
                {"id": "c1", "cloze": f"Entry {i} is about {{{{c1::{words[0]}}}}}."},
            ],
        }
        text = json.dumps(entry, indent=1)  # JSON is YAML
        (folder / f"term-{i:05d}.yaml").write_text(text + "\n", encoding="utf-8")
    return folder


def baseline_glossary(folder: Path, ids_file: Path = BASELINE_IDS) -> Path:
    """Today's text of the entries listed in `ids_file`, as a valid glossary in `folder`.

    Links to entries outside the list (``see_also`` items, senses whose ``see`` is one,
    and a disambiguation left with no sense) are dropped, as the entries had none before
    those entries existed; nothing else changes.
    """
    import yaml

    ids = set(ids_file.read_text(encoding="utf-8").split())
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "glossary" / "schema.json", folder / "schema.json")
    for entry_id in sorted(ids):
        src = ROOT / "glossary" / f"{entry_id}.yaml"
        data = yaml.safe_load(src.read_text(encoding="utf-8"))
        keep = [s for s in data.get("see_also", []) if s in ids]
        senses = (data.get("disambiguation") or {}).get("senses", [])
        if keep == data.get("see_also", []) and all(s.get("see", entry_id) in ids for s in senses):
            shutil.copy(src, folder / src.name)  # the file as it is
            continue
        if "see_also" in data:
            data["see_also"] = keep
        if senses:
            data["disambiguation"]["senses"] = [x for x in senses if x.get("see") in ids]
            if not data["disambiguation"]["senses"]:
                del data["disambiguation"]
        text = json.dumps(data, indent=1, ensure_ascii=False, default=str)  # JSON is YAML
        (folder / src.name).write_text(text + "\n", encoding="utf-8")
    return folder


_IGNORE = shutil.ignore_patterns(
    ".venv", "site", "dist", ".git", "test-artifacts", "__pycache__", ".dlterms-builds"
)
_TERM_LINK = re.compile(r"(\]\((?:\.\./)?terms/)([a-z0-9-]+)(\.md)(#[^)]*)?\)")
_FIGURE = re.compile(r"!\[([^\]]*)\]\((?:\.\./)?figures/([a-z0-9-]+)\.svg\)(\{[^}]*\})?")


def project_copy(folder: Path, glossary: Path) -> Path:
    """A copy of the project (with its figure cache) whose glossary is `glossary`.

    A hand-written page's link to a term that `glossary` lacks points to the A–Z
    index instead, and an image of such a term's figure becomes its alt text, so
    ``mkdocs build --strict`` accepts the copy and builds the same pages.
    """
    shutil.copytree(ROOT, folder, ignore=_IGNORE)
    if glossary.resolve() != (ROOT / "glossary").resolve():
        shutil.rmtree(folder / "glossary")
        shutil.copytree(glossary, folder / "glossary")
    ids = {p.stem for p in (folder / "glossary").glob("*.yaml")}

    def fix(m: re.Match) -> str:
        return m.group(0) if m.group(2) in ids else f"{m.group(1)}index.md)"

    for page in (folder / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        fixed = _TERM_LINK.sub(fix, text)
        fixed = _FIGURE.sub(lambda m: m.group(0) if m.group(2) in ids else m.group(1), fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    return folder


_MEASURE = """
import resource, sys
from dlterms.cli import main
code = main(sys.argv[1:])
usage = [resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print("PEAK_KIB", max(usage), file=sys.stderr)
sys.exit(code)
"""


def time_build(glossary: Path, out: Path, project: Path = ROOT) -> dict:
    """One `dlterms build` of `project` in a fresh process: wall seconds and peak RSS (MiB).

    The peak is the largest resident set of the build process or of the mkdocs
    process it starts.
    """
    args = [
        "build",
        "--project",
        str(project),
        "--glossary",
        str(glossary),
        "--site-dir",
        str(out / "site"),
        "--dist-dir",
        str(out / "dist"),
    ]
    t = time.perf_counter()
    proc = subprocess.run([PYTHON, "-c", _MEASURE, *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"build failed:\n{proc.stderr[-3000:]}")
    peak_kib = int(re.search(r"PEAK_KIB (\d+)", proc.stderr).group(1))
    entries = len(list(glossary.glob("*.yaml")))
    return {"entries": entries, "seconds": wall, "peak_mib": peak_kib / 1024}


def time_builds(projects: dict[str, Path], out: Path, rounds: int) -> dict[str, dict]:
    """Build each project `rounds` times, interleaved; the median wall time and peak memory."""
    runs: dict[str, list[dict]] = {name: [] for name in projects}
    for r in range(rounds):
        for name, project in projects.items():
            result = time_build(project / "glossary", out / f"{name}-{r}", project)
            print(f"  round {r + 1}: {name} {result['seconds']:.1f} s", flush=True)
            runs[name].append(result)
    return {
        name: {
            "entries": rs[0]["entries"],
            "seconds": statistics.median(x["seconds"] for x in rs),
            "peak_mib": statistics.median(x["peak_mib"] for x in rs),
            "rounds": [x["seconds"] for x in rs],
        }
        for name, rs in runs.items()
    }


def time_check(glossary: Path, rounds: int) -> dict:
    """`dlterms check` of `glossary` in a fresh process, `rounds` times: the median seconds.

    The check runs first in every build and on its own before every commit, so it
    has its own target (CHECK_LIMIT seconds); the KaTeX verdicts are cached, as on a
    contributor's machine after the first check.
    """
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        proc = subprocess.run(
            [PYTHON, "-m", "dlterms.cli", "check", "--glossary", str(glossary)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - t)
        if proc.returncode:
            raise RuntimeError(f"check failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    entries = len(list(glossary.glob("*.yaml")))
    return {"entries": entries, "seconds": statistics.median(times), "rounds": times}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """``mkdocs serve`` of a copy of the project whose glossary is `glossary`."""

    EDIT = ("A function that turns", "A function which turns")

    def __init__(self, tmp: Path, glossary: Path) -> None:
        self.project = project_copy(tmp / "project", glossary)
        self.entry = self.project / "glossary" / "softmax.yaml"
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "mkdocs",
                "serve",  # with live reload: that is what watches the files
                "--dev-addr",
                f"127.0.0.1:{self.port}",
                "-f",
                str(self.project / "mkdocs.yml"),
            ],
            cwd=self.project,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.edits = 0

    def started(self, timeout: float) -> bool:
        return _wait_for(self.proc, r"Serving on", timeout)

    def _page(self) -> str:
        url = f"http://127.0.0.1:{self.port}/terms/softmax/"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def time_edit(self, timeout: float) -> float | None:
        """Seconds from saving an edit of the softmax entry until its page shows it."""
        old, new = self.EDIT if self.edits % 2 == 0 else self.EDIT[::-1]
        self.edits += 1
        text = self.entry.read_text(encoding="utf-8")
        t = time.perf_counter()
        self.entry.write_text(text.replace(old, new, 1), encoding="utf-8")
        while time.perf_counter() - t < timeout:
            if new in self._page():
                return time.perf_counter() - t
            if self.proc.poll() is not None:
                return None
            time.sleep(0.1)
        return None

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def time_serve_rebuilds(
    glossaries: dict[str, Path], rounds: int, timeout: float = 180.0
) -> dict[str, float | None]:
    """Median seconds from saving an edited entry to its rebuilt page, per glossary.

    One server per glossary, all started first; then the edits alternate between
    them, so each server rebuilds while the others sit idle.
    """
    with tempfile.TemporaryDirectory() as tmp:
        servers = {name: _Server(Path(tmp) / name, folder) for name, folder in glossaries.items()}
        try:
            if not all(s.started(timeout) for s in servers.values()):
                return dict.fromkeys(glossaries)
            time.sleep(2.0)  # let the watchers settle
            times: dict[str, list[float]] = {name: [] for name in servers}
            for r in range(rounds):
                for name, server in servers.items():
                    took = server.time_edit(timeout)
                    if took is None:
                        return dict.fromkeys(glossaries)
                    print(f"  serve round {r + 1}: {name} {took:.1f} s", flush=True)
                    times[name].append(took)
                    time.sleep(1.0)
            return {name: statistics.median(ts) for name, ts in times.items()}
        finally:
            for server in servers.values():
                server.stop()


def _wait_for(proc: subprocess.Popen, pattern: str, timeout: float) -> bool:
    """Read the server's output until a line matches, the server exits, or time runs out."""
    lines = getattr(proc, "_lines", None)
    if lines is None:  # one reader thread per server, so a silent server cannot block us
        lines = proc._lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=min(left, 1.0))
        except queue.Empty:
            if proc.poll() is not None:
                return False
            continue
        if re.search(pattern, line):
            return True
    return False


def _ratio_row(what: str, real: float | None, base: float | None) -> str:
    if real is None or base is None:
        return f"| {what} ≤ {GROWTH_LIMIT}× the 198-entry time | not measured | — |"
    ratio = real / base
    met = "yes" if ratio <= GROWTH_LIMIT else "no"
    return f"| {what} ≤ {GROWTH_LIMIT}× the 198-entry time | {ratio:.2f}× | {met} |"


def table(
    builds: dict[str, dict],
    synthetic: list[dict],
    serve: dict[str, float | None],
    first: dict | None = None,
    rounds: int = 1,
    check: dict | None = None,
) -> str:
    real, base = builds["real"], builds["baseline"]
    lines = ["| build | entries | time | peak memory |", "| --- | ---: | ---: | ---: |"]
    if first is not None:
        lines.append(
            f"| real glossary, first build (draws the figures not yet cached) "
            f"| {first['entries']} | {first['seconds']:.1f} s | {first['peak_mib']:.0f} MiB |"
        )
    for label, r in (("198-entry glossary, rebuild", base), ("real glossary, rebuild", real)):
        lines.append(
            f"| {label} | {r['entries']} | {r['seconds']:.1f} s | {r['peak_mib']:.0f} MiB |"
        )
    for r in synthetic:
        lines.append(
            f"| synthetic | {r['entries']} | {r['seconds']:.1f} s | {r['peak_mib']:.0f} MiB |"
        )
    for label, key, r in (
        ("198-entry glossary", "baseline", base),
        ("real glossary", "real", real),
    ):
        took = serve.get(key)
        shown = "not measured" if took is None else f"{took:.1f} s"
        lines.append(
            f"| {label}, `make serve` after editing one entry | {r['entries']} | {shown} | — |"
        )
    if check is not None:
        lines.append(
            f"| real glossary, `dlterms check` alone | {check['entries']} "
            f"| {check['seconds']:.1f} s | — |"
        )
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    if check is not None:
        met = "yes" if check["seconds"] <= CHECK_LIMIT else "no"
        lines.append(f"| `dlterms check` ≤ {CHECK_LIMIT} s | {check['seconds']:.1f} s | {met} |")
    lines.append(
        f"| full build ≤ 20 s | {real['seconds']:.1f} s | "
        f"{'yes' if real['seconds'] <= 20 else 'no'} |"
    )
    lines.append(
        _ratio_row(f"rebuild of {real['entries']} entries", real["seconds"], base["seconds"])
    )
    lines.append(
        _ratio_row(
            f"`make serve` rebuild with {real['entries']} entries",
            serve.get("real"),
            serve.get("baseline"),
        )
    )
    if len(synthetic) >= 2:
        small, big = synthetic[0], synthetic[-1]
        growth = big["seconds"] / small["seconds"]
        size = big["entries"] / small["entries"]
        lines.append(
            f"| {big['entries']} entries ≤ {size:.0f}× the {small['entries']}-entry "
            f"build | {growth:.1f}× | {'yes' if growth <= size else 'no'} |"
        )
    lines += [
        "",
        f"Rebuilds and serve rebuilds: median of {rounds} interleaved rounds, each build in a "
        "fresh process.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[300, 3000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--skip-serve", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        glossaries = {
            "baseline": baseline_glossary(tmp / "baseline" / "glossary"),
            "real": ROOT / "glossary",
        }
        projects = {
            name: project_copy(tmp / f"project-{name}", g) for name, g in glossaries.items()
        }
        first = time_build(ROOT / "glossary", tmp / "first")  # draws figures not yet cached
        print(f"real glossary: first build {first['seconds']:.1f} s", flush=True)
        builds = time_builds(projects, tmp, args.rounds)  # a contributor's rebuilds
        synthetic = []
        for n in args.sizes:
            folder = synthetic_glossary(tmp / f"syn-{n}" / "glossary", n)
            project = project_copy(tmp / f"syn-{n}" / "project", folder)
            r = time_build(project / "glossary", tmp / f"syn-{n}", project)
            print(f"synthetic {n}: {r['seconds']:.1f} s, {r['peak_mib']:.0f} MiB", flush=True)
            synthetic.append(r)
        serve = {} if args.skip_serve else time_serve_rebuilds(glossaries, args.rounds)
    check = time_check(ROOT / "glossary", args.rounds)
    print(f"real glossary: check {check['seconds']:.1f} s", flush=True)
    md = table(builds, synthetic, serve, first=first, rounds=args.rounds, check=check)
    print()
    print(md)
    notes = Path(__file__).parent / "results" / "build-notes.md"
    if notes.exists():  # what the numbers mean, and why a target is missed
        print(notes.read_text(encoding="utf-8"))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "build.md").write_text(md, encoding="utf-8")
    return md


if __name__ == "__main__":
    main()
