"""The strict site build: every term has a page, search finds aliases, nothing loads remotely."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dlterms.kb.glossary import default_glossary

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_build_reports_progress(built):
    _, _, messages = built
    assert messages[0].startswith("[1/3] checking")
    assert any(m.startswith("[2/3] building the site") for m in messages)
    assert messages[-1].startswith("built site/ and dist/")


def test_every_entry_has_a_page(built):
    site, _, _ = built
    for e in default_glossary():
        page = site / "terms" / e.id / "index.html"
        assert page.is_file(), e.id
    extras = [
        "index.html",
        "terms/index.html",
        "tags/index.html",
        "study-path/index.html",
        "overloaded-words/index.html",
        "404.html",
    ]
    for extra in extras:
        assert (site / extra).is_file(), extra


def test_term_page_shows_everything(built):
    site, _, _ = built
    html = (site / "terms" / "mean-squared-error" / "index.html").read_text(encoding="utf-8")
    entry = default_glossary()["mean-squared-error"]
    assert "<h1" in html and entry.term in html
    assert "MSE" in html  # aliases
    assert 'class="arithmatex"' in html  # formula, typeset in the browser by local KaTeX
    assert "Worked example" in html and "&gt;&gt;&gt;" in html
    # the reference function: a short summary here, the full docs on the API page
    assert 'href="../../api/losses/#dlterms.losses.mean_squared_error"' in html
    api = (site / "api" / "losses" / "index.html").read_text(encoding="utf-8")
    assert 'id="dlterms.losses.mean_squared_error"' in api
    assert "doc-signature" in api and "Source code in" in api
    # see-also links resolve to term pages
    for ref in entry.see_also:
        assert f'href="../{ref}/"' in html


def test_search_index_has_every_term_and_alias(built):
    site, _, _ = built
    path = site / "search" / "search_index.json"
    docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
    terms = {d["location"]: d for d in docs if d.get("kind") == "term"}
    for e in default_glossary():
        d = terms[f"terms/{e.id}/"]
        assert d["title"] == e.term and d["aliases"] == list(e.aliases), e.id
    assert "MSE" in terms["terms/mean-squared-error/"]["aliases"]
    # pages, not sections: no term page is indexed by anchor
    assert not [d for d in docs if d["location"].startswith("terms/") and "#" in d["location"]]
    assert path.stat().st_size < 250_000, "the index every page downloads must stay small"


def test_index_and_tags_pages_link_every_term(built):
    site, _, _ = built
    az = (site / "terms" / "index.html").read_text(encoding="utf-8")
    tag_pages = [p for p in (site / "tags").glob("*/index.html")]
    tags = " ".join(p.read_text(encoding="utf-8") for p in tag_pages)
    tags_index = (site / "tags" / "index.html").read_text(encoding="utf-8")
    used = {t for e in default_glossary() for t in e.tags}
    assert sorted(p.parent.name for p in tag_pages) == sorted(used)
    for e in default_glossary():
        assert f'href="{e.id}/"' in az, e.id
        assert f'href="../../terms/{e.id}/"' in tags, e.id
    for t in used:
        assert f'href="{t}/"' in tags_index, t


def test_study_path_lists_every_term_after_its_prerequisites(built):
    site, _, _ = built
    html = (site / "study-path" / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'<li><a href="\.\./terms/([a-z0-9-]+)/"', html)
    assert sorted(order) == sorted(default_glossary().entries)
    for e in default_glossary():
        for p in e.prerequisites:
            assert order.index(p) < order.index(e.id), f"{p} should come before {e.id}"


LOADS = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']([^"']+)"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)""",
    re.I,
)


def test_no_page_loads_anything_from_another_host(built):
    site, _, _ = built
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(default_glossary())
    for page in pages:
        for m in LOADS.finditer(page.read_text(encoding="utf-8")):
            url = m.group(1) or m.group(2)
            assert not urlparse(url).netloc and not url.startswith("//"), f"{page}: {url}"
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            url = url.strip("'\" ")
            assert not url.startswith(("http:", "https:", "//")), f"{css}: {url}"
    assert (site / "assets" / "katex" / "katex.min.js").is_file()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_broken_glossary_leaves_previous_build_untouched(built, tmp_path):
    site, dist, _ = built
    out = tmp_path / "out"
    shutil.copytree(site, out / "site")
    shutil.copytree(dist, out / "dist")
    before = (_digest(out / "site"), _digest(out / "dist"))

    glossary = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", glossary)
    path = glossary / "softmax.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "see_alsoo: [relu]\n", encoding="utf-8")

    cmd = [
        sys.executable,
        "-m",
        "dlterms.cli",
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
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 1
    assert re.search(
        r"^glossary/softmax\.yaml:\d+: see_alsoo: unknown field \(did you mean "
        r"'see_also'\?\)$",
        proc.stderr,
        re.M,
    ), proc.stderr
    assert "Found 1 error(s) in 1 file(s)" in proc.stderr
    assert (_digest(out / "site"), _digest(out / "dist")) == before
    assert sorted(p.name for p in out.iterdir()) == ["dist", "site"], "no temporary left behind"


def test_failed_site_build_leaves_previous_build_untouched(built, tmp_path, monkeypatch):
    """A failure after the check (here: mkdocs itself) must not swap anything in either."""
    from dlterms.kb import build as build_mod

    site, dist, _ = built
    out = tmp_path / "out"
    shutil.copytree(site, out / "site")
    shutil.copytree(dist, out / "dist")
    before = (_digest(out / "site"), _digest(out / "dist"))

    def failing(*args, **kwargs):
        raise build_mod.BuildError("mkdocs build --strict failed: simulated")

    monkeypatch.setattr(build_mod, "build_site", failing)
    with pytest.raises(build_mod.BuildError):
        build_mod.build(ROOT, site_dir=out / "site", dist_dir=out / "dist", say=lambda m: None)
    assert (_digest(out / "site"), _digest(out / "dist")) == before
    assert sorted(p.name for p in out.iterdir()) == ["dist", "site"]


def test_term_pages_stay_small(built):
    site, _, _ = built
    sizes = {p.parent.name: p.stat().st_size for p in (site / "terms").glob("*/index.html")}
    too_big = {k: v for k, v in sizes.items() if v > 100_000}
    assert not too_big, f"term pages over 100 KB of HTML: {too_big}"
