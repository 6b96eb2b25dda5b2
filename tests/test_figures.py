"""The build-time figures: real entries, alt text, valid deterministic SVG, the cache.

Every figure is drawn once (module fixture) and the files are reused; only the
determinism check and the cache check draw again.
"""

from __future__ import annotations

import dataclasses
import shutil
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from conftest import FIRST_20

import dlterms
import dlterms.kb.figures
import dlterms.kb.gallery  # noqa: F401  (registers the figures)
from dlterms.kb.figures import FIGURES, _modules_used, render, render_all
from dlterms.kb.glossary import default_glossary

SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 150_000
IDS = sorted(FIGURES)
# The glossary's first twenty entries, the ones with reference functions (as in test_api).


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """All figures rendered through the cache, with any warning turned into an error."""
    cache = tmp_path_factory.mktemp("figures")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = render_all(cache)
    return cache, out


def test_every_figure_belongs_to_a_real_entry_and_is_described():
    entries = default_glossary().entries
    for entry_id, spec in FIGURES.items():
        assert entry_id in entries, entry_id
        assert spec.entry_id == entry_id
        assert spec.alt.strip(), f"{entry_id}: empty alt text"
        assert spec.caption.strip(), f"{entry_id}: empty caption"


def test_most_of_the_first_twenty_entries_have_a_figure():
    assert set(FIRST_20) <= set(default_glossary().entries)
    with_figure = [e for e in FIRST_20 if e in FIGURES]
    assert len(with_figure) >= 14, sorted(set(FIRST_20) - set(FIGURES))


@pytest.mark.parametrize("entry_id", IDS)
def test_figure_calls_dlterms(entry_id):
    assert _modules_used(FIGURES[entry_id].draw), f"{entry_id} names no dlterms function"


def test_render_all_covers_every_figure(rendered):
    cache, out = rendered
    assert sorted(out) == IDS
    assert sorted(p.name for p in cache.glob("*.svg")) == sorted(p.name for _, p in out.values())


@pytest.mark.parametrize("entry_id", IDS)
def test_svg_is_valid_small_and_titled_with_the_alt_text(rendered, entry_id):
    spec, path = rendered[1][entry_id]
    data = path.read_bytes()
    assert len(data) < MAX_BYTES, f"{entry_id}: {len(data)} bytes"
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    titles = [t.text for t in root.iter(f"{SVG_NS}title")]
    assert spec.alt in titles


@pytest.mark.parametrize("entry_id", IDS)
def test_rendering_is_deterministic(rendered, entry_id):
    spec, path = rendered[1][entry_id]
    assert render(spec) == path.read_bytes()


def _other_relu(fig):
    ax = fig.subplots()
    x = np.linspace(-1.0, 1.0, 5)
    ax.plot(x, dlterms.relu(x))


def test_cache_redraws_only_what_changed(rendered, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    shutil.copytree(rendered[0], cache)
    drawn = []
    real_render = dlterms.kb.figures.render

    def counting_render(spec):
        drawn.append(spec.entry_id)
        return real_render(spec)

    monkeypatch.setattr(dlterms.kb.figures, "render", counting_render)
    before = {p.name: p.read_bytes() for p in cache.glob("*.svg")}

    again = render_all(cache)
    assert drawn == []
    assert {p.name for _, p in again.values()} == set(before)

    changed = dataclasses.replace(FIGURES["relu"], draw=_other_relu)
    monkeypatch.setitem(FIGURES, "relu", changed)
    after = render_all(cache)
    assert drawn == ["relu"]
    new_path = after["relu"][1]
    assert new_path.name not in before
    assert [p.name for p in cache.glob("relu-*.svg")] == [new_path.name]  # stale one removed
    untouched = {p.name: p.read_bytes() for p in cache.glob("*.svg") if p != new_path}
    assert untouched == {k: v for k, v in before.items() if not k.startswith("relu-")}


def test_cache_key_follows_module_helpers():
    """Editing a private helper that several draw functions share changes their keys."""
    from dlterms.kb.figures import FIGURES, _local_functions

    names = {f.__name__ for f in _local_functions(FIGURES["precision"].draw)}
    assert len(names) > 1, "the precision figure is drawn by a shared helper"
    helper = next(n for n in sorted(names) if n != FIGURES["precision"].draw.__name__)
    assert helper in {f.__name__ for f in _local_functions(FIGURES["recall"].draw)}
