"""Every card of the built deck, as Anki renders it, fits a phone and a desktop screen.

One page holds every side of every card, each in its own box 390 px wide (then
1024 px), with the project's KaTeX standing in for Anki's MathJax. Nothing may
stick out of a box; a formula wider than the box must sit in a ``.math`` box that
scrolls sideways and shows the shadow cue.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, pw  # the launch flags and the system Chromium

pytestmark = [pytest.mark.slow, pytest.mark.anki]
anki_collection = pytest.importorskip("anki.collection")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "cards"
KATEX = ROOT / "docs" / "assets" / "katex"

MEASURE = """(width) => {
  document.documentElement.style.setProperty('--box', width + 'px');
  const out = {boxes: 0, overflow: [], cut: [], scrolled: 0, noCue: []};
  for (const box of document.querySelectorAll('.box')) {
    out.boxes += 1;
    if (box.scrollWidth > box.clientWidth + 1) out.overflow.push([box.id, box.scrollWidth]);
    for (const d of box.querySelectorAll('.katex-display')) {
      if (d.scrollWidth <= d.clientWidth + 1) continue;
      const holder = d.closest('.math');
      const style = holder && getComputedStyle(holder);
      if (!holder || !['auto', 'scroll'].includes(style.overflowX)) {
        out.cut.push(box.id);
        continue;
      }
      out.scrolled += 1;
      if (!style.backgroundImage.includes('gradient')) out.noCue.push(box.id);
    }
  }
  return out;
}"""


def _math_to_katex(side: str) -> str:
    """Anki's ``\\( \\)`` and ``\\[ \\]`` as spans that KaTeX renders (as MathJax would)."""
    side = re.sub(
        r"\\\[(.+?)\\\]", r'<span class="tex" data-display="1">\1</span>', side, flags=re.S
    )
    return re.sub(r"\\\((.+?)\\\)", r'<span class="tex">\1</span>', side, flags=re.S)


@pytest.fixture(scope="module")
def sides(built, tmp_path_factory):
    """(kind, card id, question html, answer html) for every card, rendered by Anki."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    _, dist, _ = built
    folder = tmp_path_factory.mktemp("anki")
    col = anki_collection.Collection(str(folder / "c.anki2"))
    try:
        options = ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)
        request = ImportAnkiPackageRequest(package_path=str(dist / "dlterms.apkg"), options=options)
        col.import_anki_package(request)
        out = []
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            note = card.note()
            kind = re.match(r"dlterms (\w+)", note.note_type()["name"]).group(1)
            if kind == "term" and card.ord == 1:
                kind = "reverse"
            if kind == "cloze" and note["Id"].endswith("#formula"):
                kind = "formula-cloze"
            out.append((kind, cid, card.question(), card.answer()))
        media = Path(col.media.dir())
        yield out, media
    finally:
        col.close()


def test_every_card_fits_a_phone_and_a_desktop(sides, tmp_path):
    cards, media = sides
    style = re.search(r"<style>(.*?)</style>", cards[0][2], re.S).group(1)
    boxes = []
    for kind, cid, question, answer in cards:
        for side, text in (("q", question), ("a", answer)):
            body = _math_to_katex(re.sub(r"<style>.*?</style>", "", text, flags=re.S))
            boxes.append(
                f'<div class="box" id="{kind}-{cid}-{side}"><div class="card">{body}</div></div>'
            )
    page_file = tmp_path / "cards.html"
    for svg in media.glob("*.svg"):
        shutil.copyfile(svg, tmp_path / svg.name)
    page_file.write_text(
        f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(KATEX / "katex.min.css").as_uri()}">
<script src="{(KATEX / "katex.min.js").as_uri()}"></script>
<style>{style}
:root {{ --box: 390px; }}
.box {{ width: var(--box); box-sizing: border-box; overflow: hidden; border: 1px solid #ddd;
  margin: 0 0 8px 0; background: #fdfdfd; }}
</style></head><body>{"".join(boxes)}
<script>
for (const el of document.querySelectorAll('.tex')) {{
  const displayMode = el.dataset.display === '1';
  katex.render(el.textContent, el, {{displayMode, throwOnError: false}});
}}
document.body.dataset.typeset = '1';
</script></body></html>""",
        encoding="utf-8",
    )
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_selector("body[data-typeset]")
            errors = page.evaluate("document.querySelectorAll('.katex-error').length")
            assert errors == 0, page.evaluate(
                "[...document.querySelectorAll('.katex-error')].slice(0, 5).map(e => e.title)"
            )
            phone = page.evaluate(MEASURE, 390)
            kinds = {kind for kind, *_ in cards}
            assert phone["boxes"] == 2 * len(cards) >= 2000
            assert phone["overflow"] == [] and phone["cut"] == [] and phone["noCue"] == [], phone
            assert phone["scrolled"] > 0  # wide formulas exist, and they scroll with a cue
            desktop = page.evaluate(MEASURE, 1024)
            assert desktop["overflow"] == [] and desktop["cut"] == [] and desktop["noCue"] == []
            assert desktop["scrolled"] <= phone["scrolled"]

            page.evaluate("(w) => document.documentElement.style.setProperty('--box', w)", "390px")
            SHOTS.mkdir(parents=True, exist_ok=True)
            for kind in sorted(kinds):
                # the widest back of the kind shows the scroll cue where there is one
                chosen = max(
                    (c for c in cards if c[0] == kind),
                    key=lambda c: (
                        page.evaluate(
                            "(id) => { const m = document.getElementById(id)"
                            ".querySelector('.math'); return m ? m.scrollWidth : 0 }",
                            f"{kind}-{c[1]}-a",
                        )
                        if kind == "formula-cloze"
                        else -c[1]
                    ),
                )
                shot = SHOTS / f"{kind}.png"
                page.locator(f"#{kind}-{chosen[1]}-a").screenshot(path=shot)
                assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 3000
            print(
                f"\n{len(cards)} cards; {phone['scrolled']} formulas scroll at 390 px, "
                f"{desktop['scrolled']} at 1024 px"
            )
        finally:
            browser.close()
