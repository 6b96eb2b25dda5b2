"""The build-time figures: real entries, alt text, valid deterministic SVG, the layout
of the gallery, and a cache that can neither go stale nor tear under concurrent builds.

Every figure is drawn once (module fixture) and the files are reused; only the
determinism check and the cache checks draw again.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import multiprocessing
import shutil
import sys
import types
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from conftest import CORE_ENTRIES

import dlterms
import dlterms.kb.figures
import dlterms.kb.gallery  # noqa: F401  (registers the figures)
from dlterms.kb.figures import FIGURES, dependency_files, render, render_all
from dlterms.kb.glossary import default_glossary

SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 150_000
IDS = sorted(FIGURES)
PACKAGE = Path(dlterms.__file__).resolve().parent
GALLERY = PACKAGE / "kb" / "gallery"


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


def test_most_core_entries_have_a_figure():
    assert set(CORE_ENTRIES) <= set(default_glossary().entries)
    with_figure = [e for e in CORE_ENTRIES if e in FIGURES]
    assert len(with_figure) >= 14, sorted(set(CORE_ENTRIES) - set(FIGURES))


def _names(code: types.CodeType):
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _dlterms_calls(draw) -> set[str]:
    """The dlterms exports named by `draw` or by the helpers of its module it calls."""
    seen, todo, called = set(), [draw], set()
    while todo:
        fn = todo.pop()
        if fn in seen:
            continue
        seen.add(fn)
        for name in set(_names(fn.__code__)):
            called |= {name} & set(dlterms.__all__)
            obj = fn.__globals__.get(name)
            if isinstance(obj, types.FunctionType) and obj.__module__.startswith("dlterms.kb."):
                todo.append(obj)
    return called


@pytest.mark.parametrize("entry_id", IDS)
def test_figure_calls_dlterms(entry_id):
    assert _dlterms_calls(FIGURES[entry_id].draw), f"{entry_id} names no dlterms function"


# --------------------------------------------------------------------------- layout


def _implementation_modules(entry) -> set[str]:
    return {path.split(".")[1] for path in entry.implementation}


def test_each_figure_lives_in_the_gallery_module_of_its_reference_module():
    """gallery/<topic>.py draws entries implemented in dlterms/<topic>.py; concepts.py the rest."""
    entries = default_glossary().entries
    wrong = []
    for entry_id, spec in sorted(FIGURES.items()):
        module = spec.draw.__module__.rpartition(".")[2]
        allowed = _implementation_modules(entries[entry_id]) or {"concepts"}
        if module not in allowed:
            wrong.append(f"{entry_id}: in gallery/{module}.py, belongs in one of {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


def test_gallery_modules_are_named_after_reference_modules():
    reference = {m.__name__.rpartition(".")[2] for m in dlterms.REFERENCE_MODULES}
    public = {p.stem for p in GALLERY.glob("*.py") if not p.stem.startswith("_")}
    assert public - reference == {"concepts"}
    used = {spec.draw.__module__.rpartition(".")[2] for spec in FIGURES.values()}
    assert public == used, f"gallery modules without a figure: {sorted(public - used)}"


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


# --------------------------------------------------------------------------- cache key


def test_key_covers_every_file_the_drawing_imports():
    """A gallery figure depends on its module, the shared helpers, the figure framework,
    the package and, through ``import dlterms``, every reference module and their helpers."""
    files = set(dependency_files(FIGURES["training-set"].draw))
    expected = {
        GALLERY / "data.py",
        GALLERY / "_draw.py",
        GALLERY / "__init__.py",
        PACKAGE / "kb" / "figures.py",
        PACKAGE / "__init__.py",
        PACKAGE / "_validation.py",
        *(Path(m.__file__).resolve() for m in dlterms.REFERENCE_MODULES),
    }
    assert expected <= files
    assert GALLERY / "metrics.py" not in files  # another gallery module's edit redraws nothing here
    assert PACKAGE / "kb" / "glossary.py" not in files  # imported by lookup() only when called


@pytest.mark.parametrize(
    "edited", ["kb/gallery/data.py", "kb/gallery/_draw.py", "kb/figures.py", "_validation.py"]
)
def test_editing_any_dependency_changes_the_key(monkeypatch, edited):
    """One byte more in any of those files, even one imported only indirectly, gives a new key."""
    spec = FIGURES["training-set"]
    before = spec.cache_key()
    target = PACKAGE / edited
    real = Path.read_bytes

    def read_bytes(path):
        data = real(path)
        return data + b"\n# edited\n" if path == target else data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert spec.cache_key() != before


def _load_copy(monkeypatch, source: Path, directory: Path, name: str, edit=lambda text: text):
    """Import an edited copy of a gallery module as `name`; return the figures it registers."""
    path = directory / source.name
    path.parent.mkdir(parents=True)
    path.write_text(edit(source.read_text()))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # the key finds the file through it
    registered: dict = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dlterms.kb.figures, "FIGURES", registered)  # no clash with the originals
        spec.loader.exec_module(module)
    return registered


def test_changing_a_module_constant_redraws_the_figure(rendered, tmp_path, monkeypatch):
    """A colour constant edited in a gallery module gives a new key, a new SVG and a redraw."""
    source = GALLERY / "data.py"
    old = 'PART_COLORS = {"training": BLUE, "validation": ORANGE, "test": GREEN}'
    assert source.read_text().count(old) == 1
    same = _load_copy(monkeypatch, source, tmp_path / "same", "_gallery_copy_same")
    edited = _load_copy(
        monkeypatch,
        source,
        tmp_path / "edited",
        "_gallery_copy_edited",
        lambda text: text.replace(old, old.replace("BLUE", "PURPLE")),
    )
    same, edited = same["training-set"], edited["training-set"]
    original = FIGURES["training-set"]

    assert same.cache_key() == original.cache_key()  # keyed on content, not on where it lives
    assert edited.cache_key() != original.cache_key()
    assert render(same) == rendered[1]["training-set"][1].read_bytes()
    assert render(edited) != render(same)

    cache = tmp_path / "cache"
    shutil.copytree(rendered[0], cache)
    drawn = []
    real_render = dlterms.kb.figures.render
    monkeypatch.setattr(
        dlterms.kb.figures, "render", lambda spec: drawn.append(spec) or real_render(spec)
    )
    monkeypatch.setitem(FIGURES, "training-set", same)
    kept = render_all(cache, ["training-set"])["training-set"][1]
    assert drawn == []
    monkeypatch.setitem(FIGURES, "training-set", edited)
    redrawn = render_all(cache, ["training-set"])["training-set"][1]
    assert drawn == [edited]
    assert redrawn != kept and not kept.exists()
    assert redrawn.read_bytes() == render(edited)


# --------------------------------------------------------------------------- concurrent builds

CONCURRENT_IDS = ["relu", "sigmoid-function", "softmax", "tanh", "leaky-relu", "mean-squared-error"]


def _build_into(cache_dir: str, start) -> list[str]:
    """One build process: wait for the others, then render a few figures into `cache_dir`."""
    from dlterms.kb.figures import render_all

    start.wait()
    return sorted(p.name for _, p in render_all(Path(cache_dir), CONCURRENT_IDS).values())


def test_concurrent_builds_never_leave_a_torn_file(tmp_path):
    """Several processes render the same figures into one cache directory at once; every
    file left behind is a complete SVG, named as every build reports, and no temp file remains."""
    cache = tmp_path / "cache"
    stale = cache / "relu-0000000000000000.svg"  # a stale file every build will try to remove
    cache.mkdir()
    stale.write_bytes(b"<svg")
    context = multiprocessing.get_context("spawn")
    n = 3
    with context.Manager() as manager:
        start = manager.Barrier(n)
        with context.Pool(n) as pool:
            results = pool.starmap(_build_into, [(str(cache), start)] * n)
    assert results[0] == results[1] == results[2]
    assert sorted(p.name for p in cache.iterdir()) == results[0]  # no temp files, no stale one
    for path in cache.iterdir():
        data = path.read_bytes()
        assert ET.fromstring(data).tag == f"{SVG_NS}svg", path.name
        assert data.rstrip().endswith(b"</svg>"), path.name
        assert data == render(FIGURES[path.name[: -len("-0123456789abcdef.svg")]])


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def broken(spec):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(dlterms.kb.figures, "render", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        render_all(tmp_path, ["relu"])
    assert list(tmp_path.iterdir()) == []

    def half(path, data):
        raise OSError("disk full")

    monkeypatch.setattr(dlterms.kb.figures, "render", lambda spec: b"<svg/>")
    monkeypatch.setattr(dlterms.kb.figures.os, "replace", half)
    with pytest.raises(OSError, match="disk full"):
        render_all(tmp_path, ["relu"])
    assert list(tmp_path.iterdir()) == []
