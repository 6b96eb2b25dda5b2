"""lookup() works from an installed wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_wheel_ships_the_glossary_and_lookup_works_installed(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dlterms-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "dlterms/_glossary/schema.json" in names
    assert "dlterms/_glossary/mean-squared-error.yaml" in names
    assert "dlterms/_glossary.json" in names  # the checked read copy that lookup reads
    assert "dlterms/py.typed" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # runtime dependencies only, at the project's pinned versions
    subprocess.run(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "requirements" / "build.txt"),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    run = tmp_path / "elsewhere"  # not the checkout, so nothing can come from it
    run.mkdir()
    code = (
        "import sys, dlterms, dlterms.kb.model as m\n"
        "print(dlterms.lookup('MSE').term)\n"
        "print(m.glossary_dir().relative_to(m.Path(dlterms.__file__).parent))\n"
        "print(dlterms.lookup('softmax').functions[0]([0.0, 0.0]).tolist())\n"
        "print(dlterms.search('cross entropy')[0].id)\n"
        "import importlib.util as u\n"
        "print([n for n in ('yaml', 'jsonschema') if u.find_spec(n)])\n"
    )
    out = subprocess.run(
        [str(py), "-c", code],
        cwd=run,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    # reading needs numpy alone: PyYAML and jsonschema are not even installed
    assert out.stdout.splitlines() == [
        "Mean squared error",
        "_glossary",
        "[0.5, 0.5]",
        "cross-entropy-loss",
        "[]",
    ]
    cli = subprocess.run(
        [str(venv / "bin" / "dlterms"), "show", "mse"],
        cwd=run,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert cli.stdout.startswith("Mean squared error")
    check = subprocess.run(
        [str(venv / "bin" / "dlterms"), "check"],
        cwd=run,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert check.returncode == 1
    assert "pip install 'dlterms[build]'" in check.stderr
