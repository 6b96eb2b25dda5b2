"""How long a fresh process takes to read one entry, against a fresh ``import numpy``.

    python benchmarks/bench_startup.py [--rounds 10] [--out DIR]

Each command runs in a fresh interpreter, as a user runs it; the commands are
interleaved round by round so that load on the machine affects them alike, and the
median of the rounds is compared with the median of ``python -c "import numpy"``.
Target: ``import dlterms; dlterms.lookup("MSE")`` and ``dlterms show MSE`` within 2x.
``import dlterms`` alone is timed too, to show how much of that is the reference
functions' import and how much is reading the glossary.

Reading is fast only from a fresh read copy (``dlterms/_glossary.json``, written by a
clean ``dlterms check``); ``make bench`` runs the check first, and this script says
which path the lookup took.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TARGET = 2.0

__all__ = ["commands", "main", "read_path", "table", "time_commands"]


def commands() -> dict[str, list[str]]:
    """The timed commands, by label; the first is the baseline."""
    script = Path(PYTHON).with_name("dlterms")
    show = [str(script)] if script.exists() else [PYTHON, "-m", "dlterms.cli"]
    return {
        'python -c "import numpy"': [PYTHON, "-c", "import numpy"],
        'python -c "import dlterms"': [PYTHON, "-c", "import dlterms"],
        "python -c \"import dlterms; dlterms.lookup('MSE')\"": [
            PYTHON,
            "-c",
            "import dlterms; dlterms.lookup('MSE')",
        ],
        "dlterms show MSE": [*show, "show", "MSE"],
    }


def _env() -> dict[str, str]:
    """The checkout's dlterms, whatever is installed, with bytecode caches as a user has them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # else every run recompiles dlterms, not numpy
    return env


def read_path() -> str:
    """Which path a fresh lookup takes: the read copy, or parsing the YAML."""
    code = "import sys, dlterms; dlterms.lookup('MSE'); print('yaml' in sys.modules)"
    out = subprocess.run(
        [PYTHON, "-c", code], env=_env(), capture_output=True, text=True, check=True
    )
    if out.stdout.strip() == "False":
        return "the read copy"
    return "the YAML (the read copy is missing or stale: run `dlterms check`)"


def time_commands(rounds: int = 10) -> dict[str, list[float]]:
    """Wall seconds of each command, `rounds` times, interleaved, after one warm-up run each."""
    cmds = commands()
    env = _env()
    times: dict[str, list[float]] = {label: [] for label in cmds}
    for r in range(rounds + 1):
        for label, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True)
            if r:  # round 0 writes the bytecode caches and warms the file cache
                times[label].append(time.perf_counter() - t)
    return times


def table(times: dict[str, list[float]], path: str) -> str:
    labels = list(times)
    base = statistics.median(times[labels[0]])
    lines = [
        "| fresh process | median | × `import numpy` |",
        "| --- | ---: | ---: |",
    ]
    for label in labels:
        med = statistics.median(times[label])
        lines.append(f"| `{label}` | {med * 1000:.0f} ms | {med / base:.2f}× |")
    lines += ["", "| target | measured | met |", "| --- | --- | --- |"]
    for label in labels[2:]:
        ratio = statistics.median(times[label]) / base
        lines.append(
            f"| `{label}` ≤ {TARGET:.0f}× `import numpy` | {ratio:.2f}× "
            f"| {'yes' if ratio <= TARGET else 'no'} |"
        )
    rounds = len(times[labels[0]])
    lines += ["", f"Median of {rounds} interleaved rounds; the lookup read {path}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    path = read_path()
    md = table(time_commands(args.rounds), path)
    print(md)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "startup.md").write_text(md, encoding="utf-8")
    return md


if __name__ == "__main__":
    main()
