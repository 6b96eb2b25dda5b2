"""Nothing a contributor writes runs in a reader's browser or in Anki.

A copy of a real entry gets a script payload in every text field. The site is built
from it (bypassing the checker, which refuses such text, so the renderers themselves
are tested), the pages that show the entry are opened in headless Chromium with a
dialog listener, and every card of the entry is imported into a real Anki collection
and rendered in the same browser. Every payload calls ``alert``; the count must be 0.
"""

from __future__ import annotations

import dataclasses
import threading
from functools import partial
from pathlib import Path

import pytest

from dlterms.kb import deck, site
from dlterms.kb.glossary import Example, Glossary, QuizItem, default_glossary
from dlterms.kb.safe import raw_html_tags, sanitize_html, unsafe_links

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "softmax"

PAYLOADS = [
    '<script>alert("script")</script>',
    "<img src=x onerror=alert('img')>",
    "[click me](javascript:alert('md-link'))",
    "[click me](JaVaScRiPt:alert('md-link-case'))",
    "<a href=\"javascript:alert('a-href')\">click me</a>",
    '"><svg onload=alert("attr-breakout")>',
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<details open ontoggle=alert('details')>x</details>",
    "<style>@import 'javascript:alert(1)'</style>",
    "[data](data:text/html,<script>alert('data-url')</script>)",
    "$\\href{javascript:alert('tex-href')}{x}$",
    "<!--><img src=x onerror=alert('comment')>-->",
]
BLOB = " ".join(PAYLOADS)

# DOM checks run on every page and card: no live markup a payload could have made.
DOM_REPORT = """() => ({
    scripts: Array.from(document.querySelectorAll('article script, .card script')).length,
    handlers: Array.from(document.querySelectorAll('*')).filter(
        el => Array.from(el.attributes).some(a => a.name.startsWith('on'))).length,
    jsLinks: Array.from(document.querySelectorAll('[href],[src]')).filter(el => {
        const v = (el.getAttribute('href') || el.getAttribute('src') || '').trim().toLowerCase();
        return v.startsWith('javascript:') || v.startsWith('data:text/html');
    }).length,
    frames: document.querySelectorAll('iframe, article svg[onload], object, embed').length,
    metaSvg: document.head ? document.head.querySelectorAll('svg, img').length : 0,
})"""


def _payload_glossary() -> Glossary:
    g = default_glossary()
    e = g[ENTRY]
    bad = dataclasses.replace(
        e,
        term=f"Softmax {PAYLOADS[0]}",
        aliases=(*e.aliases, PAYLOADS[1], PAYLOADS[5]),
        definition=f"{e.definition} {BLOB}",
        explanation=f"{e.explanation}\n\n{BLOB}",
        example=Example(f"{e.example.text}\n\n{BLOB}", e.example.code),
        pitfalls=(*e.pitfalls, BLOB),
        quiz=(
            *e.quiz,
            QuizItem("payload-qa", f"Why {PAYLOADS[5]} {PAYLOADS[1]}?", BLOB),
            QuizItem("payload-cloze", "A {{c1::" + PAYLOADS[1] + "}} " + BLOB, cloze=True),
        ),
        frameworks={**e.frameworks, "pytorch": ("torch.softmax", PAYLOADS[5])},
    )
    return Glossary([bad if x.id == ENTRY else x for x in g], g.root)


def test_the_payloads_are_recognised_by_the_checkers_helpers():
    tags = [t for p in PAYLOADS for t in raw_html_tags(p)]
    assert len(tags) >= 8
    assert len([u for p in PAYLOADS for u in unsafe_links(p)]) == 3
    for p in PAYLOADS:
        assert "onerror" not in sanitize_html(p) and "<script" not in sanitize_html(p)


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    """The real site built in-process from the glossary with the payload entry."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    glossary = _payload_glossary()
    out = tmp_path_factory.mktemp("payload-site")
    mp = pytest.MonkeyPatch()
    mp.setattr(site, "load_glossary", lambda: glossary)
    try:
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out)))
    finally:
        mp.undo()
    return out, glossary


@pytest.fixture(scope="module")
def browser():
    from test_browser import CHROMIUM, CHROMIUM_ARGS, pw

    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _pages_showing(glossary: Glossary) -> list[str]:
    e = glossary[ENTRY]
    shown = [f"terms/{ENTRY}/", "terms/", "study-path/", "tags/"]
    shown += [f"tags/{t}/" for t in e.tags]
    shown += [f"terms/{x.id}/" for x in glossary if ENTRY in x.see_also or ENTRY in x.prerequisites]
    shown += [f"terms/{x}/" for x in e.see_also]
    return list(dict.fromkeys(shown))


def _watch(page, dialogs: list[str]) -> None:
    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)


def test_no_payload_runs_on_any_page_that_shows_the_entry(payload_site, browser):
    from test_browser import HOST, NOT_LOCAL, _QuietHandler, _QuietServer

    site_dir, glossary = payload_site
    server = _QuietServer((HOST, 0), partial(_QuietHandler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://{HOST}:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(NOT_LOCAL, lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    dialogs: list[str] = []
    _watch(page, dialogs)
    try:
        pages = _pages_showing(glossary)
        assert len(pages) >= 6
        for path in pages:
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(150)  # let onload/onerror/ontoggle handlers fire
            for link in page.query_selector_all("article a"):
                href = (link.get_attribute("href") or "").strip().lower()
                assert not href.startswith(("javascript:", "data:")), (path, href)
            report = page.evaluate(DOM_REPORT)
            assert report == {
                "scripts": 0,
                "handlers": 0,
                "jsLinks": 0,
                "frames": 0,
                "metaSvg": 0,
            }, (path, report)
            # The payload text is shown as text, not dropped: the reader sees what was written.
            if path == f"terms/{ENTRY}/":
                assert "<script>" in page.inner_text("article")
                meta = page.get_attribute('meta[name="description"]', "content")
                assert meta and '"><svg' in meta  # one attribute, whole, as text
                assert "<script>" in page.title()
        # Search: the term's payload reaches the index; typing it must not run it.
        page.goto(base + f"terms/{ENTRY}/", wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type("softmax onerror script")
        page.wait_for_timeout(1500)
        report = page.evaluate(DOM_REPORT)
        assert report["handlers"] == 0 and report["jsLinks"] == 0, report
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert dialogs == [], f"payloads ran: {dialogs}"


def test_no_payload_runs_on_any_card_of_the_entry(tmp_path, payload_site, browser):
    anki_collection = pytest.importorskip("anki.collection")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    _, glossary = payload_site
    one = Glossary([glossary[ENTRY]], glossary.root)
    apkg = deck.export_deck(one, tmp_path / "payload.apkg", timestamp=1_800_000_000)
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options))
        cards = [col.get_card(cid) for cid in col.find_cards("")]
        sides = [html for c in cards for html in (c.question(), c.answer())]
    finally:
        col.close()
    assert len(cards) >= 8  # term, reverse, clozes, predict cards
    context = browser.new_context(viewport={"width": 390, "height": 800})
    context.route("**/*", lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    dialogs: list[str] = []
    _watch(page, dialogs)
    try:
        for html in sides:
            page.set_content(f'<div class="card">{html}</div>', wait_until="load")
            page.wait_for_timeout(50)
            report = page.evaluate(DOM_REPORT)
            # Anki adds its own <style> but no script; a payload's <script> would count here.
            assert report["handlers"] == 0 and report["jsLinks"] == 0, report
            assert report["frames"] == 0 and "<script>alert" not in html, report
    finally:
        context.close()
    assert any("&lt;script&gt;" in h for h in sides)  # shown as text on the cards
    assert dialogs == [], f"payloads ran on cards: {dialogs}"
