"""The layout of the reference tests: one test module and one case table per module.

Every ``dlterms/<module>.py`` in ``dlterms.REFERENCE_MODULES`` has its tests in
``tests/test_<module>.py`` (what the functions compute: oracles, properties, worked
examples) and its rows for the generic contract tests in
``tests/reference_cases/<module>.py``. A reader looking for the tests of
``dlterms.softmax`` opens ``tests/test_activations.py`` and finds all of them there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dlterms

TESTS = Path(__file__).resolve().parent
REFERENCE_MODULES = [m.__name__.removeprefix("dlterms.") for m in dlterms.REFERENCE_MODULES]


def missing_test_files(module_name: str, tests: Path = TESTS) -> list[str]:
    """The test files `module_name` should have under `tests` but does not."""
    wanted = [f"test_{module_name}.py", f"reference_cases/{module_name}.py"]
    return [f"tests/{path}" for path in wanted if not (tests / path).is_file()]


def stray_case_tables(module_names: list[str], tests: Path = TESTS) -> list[str]:
    """Case tables under `tests`/reference_cases that name no reference module."""
    tables = (tests / "reference_cases").glob("[!_]*.py")
    return sorted(f"tests/reference_cases/{p.name}" for p in tables if p.stem not in module_names)


@pytest.mark.parametrize("module_name", REFERENCE_MODULES)
def test_each_reference_module_has_a_test_module_and_a_case_table(module_name):
    missing = missing_test_files(module_name)
    assert not missing, (
        f"dlterms/{module_name}.py is a reference module but has no {' or '.join(missing)}; "
        f"put the tests of its functions in tests/test_{module_name}.py and its VALID, "
        f"EXTREME and BAD rows in tests/reference_cases/{module_name}.py"
    )


def test_every_case_table_belongs_to_a_reference_module():
    strays = stray_case_tables(REFERENCE_MODULES)
    assert not strays, (
        f"{strays} name no module in dlterms.REFERENCE_MODULES; rename each after its "
        "module, or prefix a shared helper module with '_'"
    )


def test_the_layout_checks_report_what_is_missing_or_stray(tmp_path):
    (tmp_path / "reference_cases").mkdir()
    (tmp_path / "test_alpha.py").touch()
    (tmp_path / "reference_cases" / "beta.py").touch()
    (tmp_path / "reference_cases" / "gamma.py").touch()
    (tmp_path / "reference_cases" / "_helpers.py").touch()
    assert missing_test_files("alpha", tmp_path) == ["tests/reference_cases/alpha.py"]
    assert missing_test_files("beta", tmp_path) == ["tests/test_beta.py"]
    assert missing_test_files("delta", tmp_path) == [
        "tests/test_delta.py",
        "tests/reference_cases/delta.py",
    ]
    assert stray_case_tables(["alpha", "beta"], tmp_path) == ["tests/reference_cases/gamma.py"]


def test_no_test_module_gathers_the_tests_of_several_reference_modules():
    # Tests of reference functions live in the test module of the function's own module;
    # the one generic file is test_reference_common.py (the contract every export keeps).
    grab_bags = sorted(
        f"tests/{p.name}"
        for p in TESTS.glob("test_reference_*.py")
        if p.name != "test_reference_common.py"
    )
    assert not grab_bags, f"move the tests in {grab_bags} into tests/test_<module>.py"
