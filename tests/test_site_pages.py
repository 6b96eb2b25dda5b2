"""Term pages teach first, the API reference, the study path, plain text and the deck."""

from __future__ import annotations

import json
import re

import pytest

from dlterms.kb.glossary import default_glossary

pytestmark = pytest.mark.slow


def test_term_page_teaches_before_it_references(built):
    """Definition first (as body text, not a small admonition), the full generated docs
    only on the API page, and a short reference implementation last."""
    site, _, _ = built
    html = (site / "terms" / "mean-squared-error" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="dlt-definition">The average', html)
    order = re.findall(r'<h2 id="([a-z0-9-]+)"', html)
    expected = ["explanation", "formula", "worked-example", "pitfalls", "check-yourself",
                "see-also", "framework-names", "reference-implementation"]  # fmt: skip
    assert [h for h in order if h in expected] == expected, order
    assert "doc-signature" not in html and "Source code in" not in html


def test_api_reference_has_a_page_per_module_in_the_nav(built):
    import dlterms

    site, _, _ = built
    home = (site / "index.html").read_text(encoding="utf-8")
    for module in dlterms.REFERENCE_MODULES:
        name = module.__name__.rsplit(".", 1)[1]
        assert (site / "api" / name / "index.html").is_file(), name
        assert f'href="api/{name}/"' in home, f"{name} is not in the navigation"


SPHINX_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|ref|term|doc):`?")


def test_no_sphinx_role_anywhere(built):
    site, _, _ = built
    leaks = {}
    for page in site.rglob("*.html"):
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        found = SPHINX_ROLE.findall(text)
        if found:
            leaks[str(page.relative_to(site))] = len(found)
    assert not leaks, leaks


def test_descriptions_and_search_previews_are_plain_text(built):
    site, _, _ = built
    for page in (site / "terms").glob("*/index.html"):
        m = re.search(r'<meta name="description" content="([^"]*)"', page.read_text("utf-8"))
        assert m, page
        assert "\\" not in m.group(1) and "$" not in m.group(1), (page, m.group(1))
    docs = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    for d in docs:
        assert "\\" not in d["text"] and "$" not in d["text"], d


def test_sources_are_named_and_frameworks_link_their_docs(built):
    site, _, _ = built
    html = (site / "terms" / "mean-squared-error" / "index.html").read_text(encoding="utf-8")
    assert "000_162742986209318a" not in html
    assert "glossary of about 113 terms" in html
    assert 'href="https://docs.pytorch.org/docs/stable/generated/torch.nn.MSELoss.html"' in html
    assert "sklearn.metrics.mean_squared_error.html" in html
    assert "torch.<wbr>nn.<wbr>MSELoss" in html  # wraps after a dot, not mid-identifier


def test_deck_is_in_the_site_and_linked(built):
    site, dist, _ = built
    deck = site / "downloads" / "dlterms.apkg"
    assert deck.read_bytes() == (dist / "dlterms.apkg").read_bytes()
    assert 'href="downloads/dlterms.apkg"' in (site / "index.html").read_text("utf-8")
    for e in default_glossary():
        page = (site / "terms" / e.id / "index.html").read_text("utf-8")
        assert 'href="../../downloads/dlterms.apkg"' in page, e.id


def _study_order(site) -> list[str]:
    html = (site / "study-path" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<li><a href="\.\./terms/([a-z0-9-]+)/"', html)


def test_study_path_has_stages_in_a_learners_order(built):
    site, _, _ = built
    html = (site / "study-path" / "index.html").read_text(encoding="utf-8")
    stages = re.findall(r'<h2 id="([a-z0-9-]+)"', html)
    assert stages[:3] == ["foundations", "neurons-and-networks", "losses-and-metrics"], stages
    order = _study_order(site)
    pairs = [("backpropagation", "backpropagation-through-time"),
             ("neuron", "mean-squared-error"),
             ("activation-function", "cross-entropy-loss")]  # fmt: skip
    for first, then in pairs:
        assert order.index(first) < order.index(then), f"{then} should come after {first}"


def test_every_term_page_links_previous_and_next_on_the_study_path(built):
    site, _, _ = built
    order = _study_order(site)
    for i, entry_id in enumerate(order):
        page = (site / "terms" / entry_id / "index.html").read_text(encoding="utf-8")
        nav = re.search(r'<p class="dlt-study-nav">(.*?)</p>', page, re.S)
        assert nav, entry_id
        links = re.findall(r'href="\.\./([a-z0-9-]+)/"', nav.group(1))
        expected = ([order[i - 1]] if i else []) + ([order[i + 1]] if i + 1 < len(order) else [])
        assert links == expected, (entry_id, links, expected)
