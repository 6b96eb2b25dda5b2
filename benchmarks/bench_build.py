"""How the build scales: the real glossary, synthetic glossaries, and a rebuild under serve.

    python benchmarks/bench_build.py [--sizes 300 3000] [--out DIR] [--skip-serve]

* the full ``dlterms build`` (site and decks) of the real glossary: wall time and
  the peak memory of the build process (target: 20 s on 2 cores);
* builds of synthetic glossaries of each size, generated in a temporary folder
  (target: the largest within 10x of the smallest per 10x entries, i.e. linear);
* ``mkdocs serve``: the time from saving an edited entry to the rebuilt site.

Each build runs in a fresh process, as a contributor runs it; figures come from
the shared cache, as on a contributor's machine after the first build.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

__all__ = ["main", "synthetic_glossary", "time_build", "time_serve_rebuild"]

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


_MEASURE = """
import resource, sys
from dlterms.cli import main
code = main(sys.argv[1:])
usage = [resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print("PEAK_KIB", max(usage), file=sys.stderr)
sys.exit(code)
"""


def time_build(glossary: Path, out: Path) -> dict:
    """One `dlterms build` in a fresh process: wall seconds and peak RSS (MiB).

    The peak is the largest resident set of the build process or of the mkdocs
    process it starts.
    """
    args = [
        "build",
        "--project",
        str(ROOT),
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_serve_rebuild(timeout: float = 120.0) -> float | None:
    """Seconds from touching a glossary file to `mkdocs serve` finishing its rebuild."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(
            ROOT,
            project,
            ignore=shutil.ignore_patterns(
                ".venv", "site", "dist", ".git", "test-artifacts", "__pycache__"
            ),
        )
        port = _free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "mkdocs",
                "serve",  # with live reload: that is what watches the files
                "--dev-addr",
                f"127.0.0.1:{port}",
                "-f",
                str(project / "mkdocs.yml"),
            ],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            if not _wait_for(proc, r"Serving on", timeout):
                return None
            time.sleep(1.0)  # let the watcher settle
            entry = project / "glossary" / "softmax.yaml"
            t = time.perf_counter()
            entry.write_text(
                entry.read_text(encoding="utf-8").replace(
                    "A function that turns", "A function which turns", 1
                ),
                encoding="utf-8",
            )
            if not _wait_for(proc, r"Reloading browsers|Documentation built in", timeout):
                return None
            return time.perf_counter() - t
        finally:
            proc.terminate()
            proc.wait(timeout=10)


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


def table(real: dict, synthetic: list[dict], serve: float | None, first: dict | None = None) -> str:
    lines = ["| build | entries | time | peak memory |", "| --- | ---: | ---: | ---: |"]
    if first is not None:
        lines.append(
            f"| real glossary, first build (draws the figures not yet cached) "
            f"| {first['entries']} | {first['seconds']:.1f} s | {first['peak_mib']:.0f} MiB |"
        )
    lines.append(
        f"| real glossary, rebuild | {real['entries']} | {real['seconds']:.1f} s "
        f"| {real['peak_mib']:.0f} MiB |"
    )
    for r in synthetic:
        lines.append(
            f"| synthetic | {r['entries']} | {r['seconds']:.1f} s | {r['peak_mib']:.0f} MiB |"
        )
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    lines.append(
        f"| full build ≤ 20 s | {real['seconds']:.1f} s | "
        f"{'yes' if real['seconds'] <= 20 else 'no'} |"
    )
    if len(synthetic) >= 2:
        small, big = synthetic[0], synthetic[-1]
        growth = big["seconds"] / small["seconds"]
        size = big["entries"] / small["entries"]
        lines.append(
            f"| {big['entries']} entries ≤ {size:.0f}× the {small['entries']}-entry "
            f"build | {growth:.1f}× | {'yes' if growth <= size else 'no'} |"
        )
    if serve is not None:
        lines.append(f"| rebuild after editing one entry under `make serve` | {serve:.1f} s | — |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[300, 3000])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--skip-serve", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        first = time_build(ROOT / "glossary", tmp / "first")  # draws figures not yet cached
        real = time_build(ROOT / "glossary", tmp / "real")  # a contributor's rebuild
        print(
            f"real glossary: first {first['seconds']:.1f} s, rebuild {real['seconds']:.1f} s",
            flush=True,
        )
        synthetic = []
        for n in args.sizes:
            folder = synthetic_glossary(tmp / f"syn-{n}" / "glossary", n)
            r = time_build(folder, tmp / f"syn-{n}")
            print(f"synthetic {n}: {r['seconds']:.1f} s, {r['peak_mib']:.0f} MiB", flush=True)
            synthetic.append(r)
    serve = None if args.skip_serve else time_serve_rebuild()
    md = table(real, synthetic, serve, first=first)
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
