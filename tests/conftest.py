"""Shared fixtures: one real build of the site and the deck per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples on every run, so a green commit stays green; locally,
# hypothesis explores fresh examples each run and finds new edge cases.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]

#: Core entries held to the full teaching standard: formula, worked example with code,
#: pitfalls, see-also, reference functions and both kinds of quiz item, and most with a figure.
CORE_ENTRIES = [
    "accuracy",
    "precision",
    "recall",
    "confusion-matrix",
    "softmax",
    "sigmoid-function",
    "relu",
    "mean-squared-error",
    "mean-absolute-error",
    "cross-entropy-loss",
    "one-hot-encoding",
    "broadcasting",
    "convolutional-operation",
    "pooling",
    "dropout-regularization",
    "batch-normalization",
    "gradient-descent",
    "learning-rate",
    "epoch",
    "k-means",
]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Run `dlterms build` once into a temporary folder; return (site_dir, dist_dir, messages).

    Under pytest-xdist every worker asks for it; the first builds under a file lock in
    the run's shared temporary folder and the others read the same, finished build.
    Tests treat it as read-only and copy it before changing anything.
    """
    import json

    from filelock import FileLock

    from dlterms.kb.build import build

    if os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.getbasetemp().parent / "shared-build"
        out.mkdir(exist_ok=True)
    else:
        out = tmp_path_factory.mktemp("build")
    done = out / "messages.json"
    with FileLock(str(out) + ".lock"):
        if not done.exists():
            messages: list[str] = []
            build(ROOT, site_dir=out / "site", dist_dir=out / "dist", say=messages.append)
            done.write_text(json.dumps(messages), encoding="utf-8")
    return out / "site", out / "dist", json.loads(done.read_text(encoding="utf-8"))


# Oracle libraries for the reference tests. A missing library skips the tests that
# ask for it instead of failing them; strategies and helpers live in _strategies.py.
@pytest.fixture(scope="session")
def torch():
    return pytest.importorskip("torch")


@pytest.fixture(scope="session")
def special():
    return pytest.importorskip("scipy.special")


@pytest.fixture(scope="session")
def sk_metrics():
    return pytest.importorskip("sklearn.metrics")


@pytest.fixture(scope="session")
def sk_cluster():
    return pytest.importorskip("sklearn.cluster")


@pytest.fixture(scope="session")
def sk_linear():
    return pytest.importorskip("sklearn.linear_model")


@pytest.fixture
def warnings_are_errors():
    """Every warning, not only RuntimeWarning, fails the test that uses this."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


#: The longest test files, started first so that under `pytest -n` (one file per worker)
#: the many short files fill in around them instead of one long file running last.
#: test_figures draws every figure without the session build, while the other worker
#: makes that build for the rest.
LONGEST_FIRST = [
    "test_figures.py",
    "test_build.py",
    "test_browser.py",
    "test_anki.py",
    "test_injection.py",
    "test_deck_render.py",
    "test_wheel.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
