"""Keep the benchmarks working: each runs once on a tiny input. Nothing here is timed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_build  # noqa: E402
import bench_functions  # noqa: E402
import bench_startup  # noqa: E402


@pytest.mark.parametrize("case", bench_functions.all_cases(), ids=lambda c: c.name.split(" ")[0])
def test_function_case_runs_on_a_tiny_input(case):
    result = bench_functions.run_case(case, scale=1e-4, repeats=1)
    assert result.ours > 0 and result.peak_extra >= 0
    assert (result.peer is not None) == (case.peer is not None)


def test_results_table_names_every_target():
    results = [
        bench_functions.run_case(c, scale=1e-4, repeats=1) for c in bench_functions.CASES[:3]
    ]
    md = bench_functions.table(results)
    assert md.count("\n| softmax") == 1 and "worst peak extra memory" in md


def test_synthetic_glossary_is_valid(tmp_path):
    from dlterms.kb.glossary import check_glossary

    folder = bench_build.synthetic_glossary(tmp_path / "glossary", 25)
    assert check_glossary(folder) == []


def test_startup_bench_times_every_command_once():
    times = bench_startup.time_commands(rounds=1)
    assert list(times) == list(bench_startup.commands())
    assert all(len(t) == 1 and t[0] > 0 for t in times.values())
    md = bench_startup.table(times, bench_startup.read_path())
    assert md.count("≤ 2× `import numpy`") == 2
    assert "dlterms show MSE" in md and "Median of 1 interleaved rounds" in md


def test_build_bench_times_the_check_and_reports_its_target(tmp_path):
    folder = bench_build.synthetic_glossary(tmp_path / "glossary", 5)
    check = bench_build.time_check(folder, rounds=1)
    assert check["entries"] == 5 and len(check["rounds"]) == 1 and check["seconds"] > 0
    build = {"entries": 5, "seconds": 1.0, "peak_mib": 1.0}
    md = bench_build.table({"real": build, "baseline": build}, [], {}, check=check)
    assert "| real glossary, `dlterms check` alone | 5 |" in md
    assert f"| `dlterms check` ≤ {bench_build.CHECK_LIMIT} s |" in md
    broken = folder / "term-00000.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "see_alsoo: []\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="check failed"):
        bench_build.time_check(folder, rounds=1)
