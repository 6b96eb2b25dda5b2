"""Shared fixtures: one real build of the site and the deck per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Run `dlterms build` once into a temporary folder; return (site_dir, dist_dir)."""
    from dlterms.build import build

    out = tmp_path_factory.mktemp("build")
    messages: list[str] = []
    build(ROOT, site_dir=out / "site", dist_dir=out / "dist", say=messages.append)
    return out / "site", out / "dist", messages
