"""The built site in a real browser: pages load cleanly, search, math, figures, links.

The site from the session's real build (the `built` fixture) is served from a local
HTTP server and driven with the system Chromium through Playwright. Anything that
would leave 127.0.0.1 is recorded and blocked, so a regression fails fast instead
of hanging on the network.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import ProxyHandler, build_opener

import pytest

from dlterms.kb.glossary import default_glossary

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

pw = pytest.importorskip(
    "playwright.sync_api",
    reason="python playwright is not installed in this environment "
    "(install the test requirements: `make test` or pip install -r requirements/test.txt)",
)
CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "the browser tests need a system Chromium on PATH and none was found; "
        "install it with `apt-get install chromium` (Playwright's own browser download "
        "does not work here)",
        allow_module_level=True,
    )

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
HOST = "127.0.0.1"
# Every URL that does not start with the local server's origin is aborted.
NOT_LOCAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")


# --------------------------------------------------------------------------- server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser dropping a connection it no longer needs is not a site defect.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def site_url(built) -> Iterator[str]:
    """The built site over HTTP on an ephemeral local port; its root URL ends with '/'."""
    site_dir = built[0]
    server = _QuietServer((HOST, 0), partial(_QuietHandler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser() -> Iterator[pw.Browser]:
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Tab:
    """One page in a fresh browser context, with everything it did on the network."""

    page: pw.Page
    base: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def goto(self, path: str, wait_until: str = "load") -> pw.Response:
        response = self.page.goto(self.base + path, wait_until=wait_until)
        assert response is not None and response.status == 200, (path, response)
        return response

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not _is_local(u)]

    def assert_clean(self, where: str) -> None:
        assert not self.foreign_requests(), f"{where}: requests to other hosts"
        assert not self.console_errors, f"{where}: console errors: {self.console_errors}"
        assert not self.page_errors, f"{where}: uncaught exceptions: {self.page_errors}"
        assert not self.bad_responses, f"{where}: HTTP errors: {self.bad_responses}"
        assert not self.failed_requests, f"{where}: failed requests: {self.failed_requests}"


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == HOST


@pytest.fixture
def tab(browser, site_url) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.route(NOT_LOCAL, lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    t = Tab(page, site_url)
    context.on("request", lambda r: t.requests.append(r.url))
    context.on(
        "response",
        lambda r: r.status >= 400 and t.bad_responses.append(f"{r.status} {r.url}"),
    )
    # net::ERR_ABORTED is a request cancelled by leaving the page (often the favicon);
    # an HTTP error shows up in bad_responses, a foreign request in requests.
    context.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED" and t.failed_requests.append(f"{r.url}: {r.failure}")
        ),
    )
    page.on(
        "console",
        lambda m: m.type == "error" and t.console_errors.append(f"{m.text} ({m.location})"),
    )
    page.on("pageerror", lambda exc: t.page_errors.append(str(exc)))
    try:
        yield t
    finally:
        context.close()


# --------------------------------------------------------------------------- helpers

# JS: null while math.js has not typeset every .arithmatex; then what a reader sees of the math.
MATH_REPORT = """() => {
    if (document.querySelector(".arithmatex:not([data-typeset])")) return null;
    return {
        untypeset: Array.from(document.querySelectorAll(".arithmatex"))
            .filter(el => !el.querySelector(".katex")).map(el => el.textContent.slice(0, 60)),
        katexErrors: Array.from(document.querySelectorAll(".katex-error"))
            .map(el => el.title || el.textContent),
        text: document.body.innerText,
    };
}"""
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$\n]*\$|\\\(|\\\)|\\\[|\\\]")

# JS: scroll each figure image into view (they are loading=lazy), wait for it, describe it.
FIGURES_REPORT = """async timeout => {
    const out = [];
    for (const img of document.querySelectorAll("figure.dlt-figure img")) {
        img.scrollIntoView();
        if (!img.complete) {
            await new Promise(done => {
                img.addEventListener("load", done, { once: true });
                img.addEventListener("error", done, { once: true });
                setTimeout(done, timeout);
            });
        }
        out.push({ src: img.getAttribute("src"), width: img.naturalWidth,
                   alt: (img.getAttribute("alt") || "").trim() });
    }
    return out;
}"""


def _wait_for_math(page: pw.Page) -> None:
    """Wait until math.js has typeset every .arithmatex element of the page."""
    pw.expect(page.locator(".arithmatex:not([data-typeset])")).to_have_count(0)


def _math_problems(page: pw.Page) -> list[str]:
    """Wait until math.js has typeset the page, then say what is wrong with its math."""
    return _read_math_report(page.wait_for_function(MATH_REPORT).json_value())


def _read_math_report(report: dict) -> list[str]:
    problems = [f".arithmatex without .katex: {t!r}" for t in report["untypeset"]]
    problems += [f"KaTeX error: {t!r}" for t in report["katexErrors"]]
    problems += [f"raw TeX in the visible text: {t!r}" for t in RAW_TEX.findall(report["text"])]
    return problems


def _read_figures_report(images: list[dict]) -> list[str]:
    problems = [f"figure {i['src']} did not load" for i in images if i["width"] <= 0]
    problems += [f"figure {i['src']} has no alt text" for i in images if not i["alt"]]
    return problems


def _search(tab: Tab, query: str) -> pw.Locator:
    """Open Material's search with '/' on the home page, type `query`; return the result links."""
    tab.goto("")
    tab.page.keyboard.press("/")
    pw.expect(tab.page.locator("input.md-search__input")).to_be_focused()
    tab.page.keyboard.type(query)
    results = tab.page.locator(".md-search-result__item > a")
    results.first.wait_for(state="visible")
    return results


def _save_screenshot(page: pw.Page, name: str, full_page: bool = False) -> None:
    """Save a screenshot as a test artifact and check it is a real picture of the page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    path.unlink(missing_ok=True)
    page.screenshot(path=path, full_page=full_page, animations="disabled")
    assert path.is_file(), path
    assert path.stat().st_size > 20_000, f"{path} is suspiciously small"
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    assert width == page.viewport_size["width"], (name, width)
    page_height = page.evaluate("document.documentElement.scrollHeight")
    expected = page_height if full_page else page.viewport_size["height"]
    assert abs(height - expected) <= 0.05 * expected, (name, height, expected)


FIGURE_IMG = re.compile(
    r"<figure\b[^>]*\bclass=\"[^\"]*\bdlt-figure\b[^>]*>(?:(?!</figure>).)*?<img\b", re.S
)


def _term_pages_with_figures(site_dir: Path) -> list[str]:
    return sorted(
        p.parent.name
        for p in (site_dir / "terms").glob("*/index.html")
        if FIGURE_IMG.search(p.read_text(encoding="utf-8"))
    )


# --------------------------------------------------------------------------- 1. clean loads


@pytest.mark.parametrize(
    "path", ["", "terms/mean-squared-error/", "terms/"], ids=["home", "term", "a-z"]
)
def test_page_loads_without_errors_or_foreign_requests(tab, path):
    tab.goto(path, wait_until="networkidle")
    pw.expect(tab.page.locator("h1").first).to_be_visible()
    assert _math_problems(tab.page) == []  # the A–Z index shows formulas too
    assert tab.requests, "no request was recorded"
    assert tab.foreign_requests() == [], "the page asked another host"
    assert tab.console_errors == []
    assert tab.page_errors == []
    assert tab.bad_responses == []
    assert tab.failed_requests == []


def test_foreign_requests_are_recorded_and_blocked(tab):
    """The guard itself: a request to another host is seen, and fails at once."""
    tab.goto("")
    outcome = tab.page.evaluate(
        "() => fetch('https://fonts.googleapis.com/css?family=Roboto')"
        ".then(() => 'loaded', () => 'blocked')"
    )
    assert outcome == "blocked"
    assert tab.foreign_requests() == ["https://fonts.googleapis.com/css?family=Roboto"]


# --------------------------------------------------------------------------- 2. search


def test_search_mse_finds_and_opens_mean_squared_error(tab):
    results = _search(tab, "MSE")
    mse = tab.page.locator('.md-search-result__item > a[href*="terms/mean-squared-error"]')
    pw.expect(mse.first).to_be_visible()
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("terms/mean-squared-error" in h for h in hrefs), hrefs
    _save_screenshot(tab.page, "search-mse.png")  # the list of results, open
    with tab.page.expect_navigation():
        mse.first.click()
    assert urlsplit(tab.page.url).path == "/terms/mean-squared-error/"
    h1 = tab.page.locator("h1")
    pw.expect(h1).to_have_count(1)
    title = h1.evaluate(
        "h => Array.from(h.childNodes).filter(n => !(n.classList && "
        "n.classList.contains('headerlink'))).map(n => n.textContent).join('').trim()"
    )
    assert title == "Mean squared error"
    tab.assert_clean("search and open MSE")


# --------------------------------------------------------------------------- 3. math


def test_softmax_formulas_are_typeset(tab):
    tab.goto("terms/softmax/")
    page = tab.page
    _wait_for_math(page)
    assert page.locator(".arithmatex").count() > 0
    assert page.locator(".katex").count() > 0
    assert page.locator(".katex-display").count() >= 1, "the display formula is not typeset"
    pw.expect(page.locator(".arithmatex:not(:has(.katex))")).to_have_count(0)
    text = page.evaluate("document.body.innerText")
    assert "$" not in text, re.findall(r".{0,30}\$.{0,30}", text)
    assert "\\(" not in text and "\\[" not in text
    assert _math_problems(page) == []
    tab.assert_clean("terms/softmax/")


# --------------------------------------------------------------------------- 4. figures
# (and, with them, the math of every term page)


def test_figures_load_on_their_pages(tab):
    """Full loads of pages with a figure: scrolled into view, the figure loads, has alt."""
    for entry_id in ["softmax", "sigmoid-function"]:
        tab.goto(f"terms/{entry_id}/")
        images = tab.page.locator("figure.dlt-figure img")
        pw.expect(images).not_to_have_count(0)
        for img in images.all():
            img.scroll_into_view_if_needed()
            tab.page.wait_for_function("img => img.complete", arg=img.element_handle())
            assert img.evaluate("img => img.naturalWidth") > 0, f"{entry_id}: figure is broken"
            assert (img.get_attribute("alt") or "").strip(), f"{entry_id}: figure has no alt"
    tab.assert_clean("figure pages")


# JS: put the article of the term page at `url` in place of the current one, let math.js
# typeset it, and report on its math and figures (one round trip per page).
SHOW_AND_CHECK = (
    "async ([url, timeout]) => {\n    const mathReport = "
    + MATH_REPORT
    + ";\n    const figuresReport = "
    + FIGURES_REPORT
    + """;
    const response = await fetch(url);
    const html = await response.text();
    const fresh = new DOMParser().parseFromString(html, "text/html")
        .querySelector("article.md-content__inner");
    if (!response.ok || !fresh) return { shown: `HTTP ${response.status}, article ${!!fresh}` };
    document.querySelector("article.md-content__inner").replaceWith(document.adoptNode(fresh));
    window.scrollTo(0, 0);
    document$.next(document);  // as Material's instant navigation does; math.js typesets
    const deadline = Date.now() + timeout;
    let math = mathReport();
    while (math === null && Date.now() < deadline) {
        await new Promise(later => setTimeout(later, 10));
        math = mathReport();
    }
    if (math === null) return { shown: "math.js did not typeset the page" };
    const h1 = document.querySelector("article h1");
    return { shown: "ok", id: h1 && h1.id, math, figures: await figuresReport(timeout) };
}"""
)


def test_every_term_page_typesets_math_and_loads_its_figures(tab, built):
    """Every term page: its math typesets without KaTeX errors and leaves no raw TeX; its
    figures, scrolled into view, load and have alt text; nothing logs an error.

    Term pages share one template and one set of scripts, so after one full load each
    page's article is put in place of the previous one and announced on Material's
    `document$`, as its instant navigation does; the site's math.js then typesets it.
    A full load costs ~0.4 s of CPU per page, too much for ~100 pages; this takes ~0.1 s.
    """
    site_dir = built[0]
    tab.goto("terms/softmax/")
    problems: dict[str, list[str]] = {}
    shown: list[str] = []  # term pages on which the browser found a figure image
    for entry in default_glossary():
        path = f"terms/{entry.id}/"
        report = tab.page.evaluate(SHOW_AND_CHECK, [tab.base + path, TIMEOUT_MS // 2])
        if report["shown"] != "ok" or report["id"] != entry.id:
            problems[path] = [f"not shown: {report['shown']}, h1 id {report.get('id')!r}"]
            continue
        found = _read_math_report(report["math"]) + _read_figures_report(report["figures"])
        if report["figures"]:
            shown.append(entry.id)
        found += [f"console error: {e}" for e in tab.console_errors]
        found += [f"uncaught exception: {e}" for e in tab.page_errors]
        if found:
            problems[path] = found
        tab.console_errors.clear()
        tab.page_errors.clear()
    assert not problems, "\n" + "\n".join(f"{p}: {x}" for p, xs in problems.items() for x in xs)
    tab.assert_clean("term pages")

    assert {"softmax", "sigmoid-function"} <= set(shown), shown
    # the browser saw exactly the figures the build put in the HTML and rendered as SVG
    shown.sort()
    assert shown == _term_pages_with_figures(site_dir)
    rendered = sorted(p.stem for p in (site_dir / "figures").glob("*.svg"))
    assert shown == rendered, "every rendered figure is shown on its own term page"


# --------------------------------------------------------------------------- 5. links


class _PageParser(HTMLParser):
    REFS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, raw URL)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        attr = self.REFS.get(tag)
        if attr and a.get(attr) is not None:
            self.refs.append((tag, a[attr]))


@dataclass
class _Fetched:
    status: int
    url: str  # after redirects
    is_html: bool
    body: bytes


_DIRECT = build_opener(ProxyHandler({}))  # never through a proxy: the server is local


def _fetch(url: str) -> _Fetched:
    try:
        with _DIRECT.open(url, timeout=10) as r:
            html = r.headers.get_content_type() == "text/html"
            return _Fetched(r.status, r.url, html, r.read() if html else b"")
    except HTTPError as e:
        e.close()
        return _Fetched(e.code, url, False, b"")


def test_no_broken_links(site_url):
    max_pages = 500
    fetched: dict[str, _Fetched] = {}

    def get(url: str) -> _Fetched:
        if url not in fetched:
            fetched[url] = _fetch(url)
        return fetched[url]

    pages: dict[str, _PageParser] = {}  # final page URL -> its parsed HTML
    queue = [site_url]
    broken: list[str] = []
    anchors: list[tuple[str, str, str]] = []  # (linking page, target page, fragment)
    external: set[str] = set()
    while queue and len(pages) < max_pages:
        res = get(queue.pop(0))
        if res.url in pages or not res.is_html:
            continue
        parser = _PageParser()
        parser.feed(res.body.decode("utf-8"))
        pages[res.url] = parser
        for tag, raw in parser.refs:
            raw = raw.strip()
            if not raw or raw.startswith(("mailto:", "javascript:", "data:", "tel:")):
                continue
            target, fragment = urldefrag(urljoin(res.url, raw))
            if not target.startswith(site_url):
                if tag == "a":
                    external.add(target)  # cannot be checked offline
                else:
                    broken.append(f"{res.url}: <{tag}> {raw} loads from another host")
                continue
            got = get(target)
            if got.status != 200:
                broken.append(f"{res.url}: <{tag}> {raw} -> {got.status}")
                continue
            if fragment:
                anchors.append((res.url, got.url, unquote(fragment)))
            if tag == "a" and got.is_html and got.url not in pages:
                queue.append(got.url)
    assert len(pages) < max_pages, "crawl limit reached; is something generating URLs?"

    for source, target, fragment in anchors:
        if target in pages and fragment not in pages[target].ids:
            broken.append(f"{source}: #{fragment} not found in {target}")
    assert not broken, "broken links:\n" + "\n".join(broken)

    crawled = {urlsplit(u).path for u in pages}
    missing = [e.id for e in default_glossary() if f"/terms/{e.id}/" not in crawled]
    assert missing == [], "term pages not reachable from the home page"
    assert {"/", "/terms/", "/tags/"} <= crawled
    # Plain links to other sites (the theme's credit) are not followed; all are web links.
    assert all(urlsplit(u).scheme in ("http", "https") for u in external), external


# --------------------------------------------------------------------------- 6. screenshots


def test_screenshots(tab):
    """Whole-page screenshots of the home page and a term page (the search one is taken by
    the search test), kept in test-artifacts/screenshots/ for people to look at."""
    tab.goto("")
    _save_screenshot(tab.page, "home.png", full_page=True)
    tab.goto("terms/mean-squared-error/")
    _wait_for_math(tab.page)
    pw.expect(tab.page.locator(".katex-display").first).to_be_visible()
    _save_screenshot(tab.page, "term-mean-squared-error.png", full_page=True)
    tab.assert_clean("screenshots")


# ------------------------------------------------------------ 7. search ranks like a glossary

#: A learner's query and the page that must come first.
LEARNER_QUERIES = {
    "MSE": "mean-squared-error",
    "BN": "batch-normalization",
    "relu": "relu",
    "crossentropy": "cross-entropy-loss",
    "L1": "l1-regularization",
    "what is an epoch": "epoch",
    "softmax vs sigmoid": "softmax",
    "k means": "k-means",
    "adam optimizer": "adam",
    "vanishing gradients": "vanishing-gradient",
    "one hot": "one-hot-encoding",
    "auc": "roc-curve",
}

# JS: note when the result list next changes (the answer to the key about to be pressed).
WATCH_RESULTS = """() => {
    window.__dltChanged = false;
    const list = document.querySelector(".md-search-result__list");
    const seen = new MutationObserver(() => { window.__dltChanged = true; seen.disconnect(); });
    seen.observe(list, { childList: true, subtree: true });
}"""


def _type_query(tab: Tab, query: str) -> list[str]:
    """Type `query` into the open search box; return the result links, best first."""
    box = tab.page.locator("input.md-search__input")
    box.fill("")
    tab.page.keyboard.type(query[:-1])
    tab.page.wait_for_timeout(150)  # the answer to the prefix arrives and is drawn
    tab.page.evaluate(WATCH_RESULTS)
    tab.page.keyboard.type(query[-1])
    tab.page.wait_for_function("window.__dltChanged")
    pw.expect(box).to_have_value(query)
    return tab.page.locator(".md-search-result__item > a").evaluate_all(
        "els => els.map(e => new URL(e.href).pathname + new URL(e.href).hash)"
    )


def test_learner_queries_find_the_right_term_first(tab):
    tab.goto("")
    tab.page.keyboard.press("/")
    pw.expect(tab.page.locator("input.md-search__input")).to_be_focused()
    wrong = {}
    for query, entry_id in LEARNER_QUERIES.items():
        hrefs = _type_query(tab, query)
        if not hrefs or hrefs[0] != f"/terms/{entry_id}/":
            wrong[query] = hrefs[:3]
    assert not wrong, f"first results: {wrong}"
    # previews are readable text: no TeX, no dollar signs
    _type_query(tab, "sigmoid")
    preview = tab.page.locator(".md-search-result__item").first.inner_text()
    assert "\\" not in preview and "$" not in preview, preview
    tab.assert_clean("learner queries")


def test_search_downloads_a_small_index_once(tab):
    sizes: dict[str, int] = {}
    tab.page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    tab.goto("", wait_until="networkidle")
    index = [u for u in sizes if u.endswith("search/search_index.json")]
    assert len(index) == 1 and sizes[index[0]] < 250_000, {u: sizes[u] for u in index}
    assert sum(sizes.values()) < 500_000, f"home page: {sum(sizes.values())} bytes"
    assert not [u for u in sizes if "katex" in u], "a page without math loads no KaTeX"


# --------------------------------------------------------------------------- 8. formulas in sight

# JS: put a term page's article in place (as SHOW_AND_CHECK does), typeset it, and measure
# every display formula: how much wider than its column it is, and whether it says so.
FORMULAS_REPORT = """async ([url, timeout]) => {
    const response = await fetch(url);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html")
        .querySelector("article.md-content__inner");
    document.querySelector("article.md-content__inner").replaceWith(document.adoptNode(fresh));
    document$.next(document);
    const deadline = Date.now() + timeout;
    while (document.querySelector(".arithmatex:not([data-typeset])") && Date.now() < deadline) {
        await new Promise(later => setTimeout(later, 10));
    }
    await new Promise(later => requestAnimationFrame(() => setTimeout(later, 0)));
    return Array.from(document.querySelectorAll("article div.arithmatex")).map(el => {
        const style = getComputedStyle(el);
        return {
            tex: (el.querySelector("annotation") || el).textContent.slice(0, 60),
            over: el.scrollWidth - el.clientWidth,
            scrolls: style.overflowX === "auto" || style.overflowX === "scroll",
            marked: el.getAttribute("data-overflow"),
            mask: style.maskImage || style.webkitMaskImage || "none",
        };
    });
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_display_formula_is_in_sight(tab, width):
    """At 1280 px every display formula fits its column; at 390 px one that does not
    scrolls sideways and shows it (marked, with a fade), so nothing is cut off unseen."""
    tab.page.set_viewport_size({"width": width, "height": 800})
    tab.goto("terms/softmax/")
    too_wide, unmarked, measured = [], [], 0
    for entry in default_glossary():
        if not entry.formula:
            continue
        formulas = tab.page.evaluate(FORMULAS_REPORT, [tab.base + f"terms/{entry.id}/", 5000])
        measured += len(formulas)
        for f in formulas:
            if f["over"] <= 1:
                continue
            if width >= 1280:
                too_wide.append(f"{entry.id}: {f['over']} px too wide: {f['tex']!r}")
            elif not (f["scrolls"] and f["marked"] and f["mask"] != "none"):
                unmarked.append(f"{entry.id}: overflows {f['over']} px unmarked: {f}")
    assert measured >= sum(1 for e in default_glossary() if e.formula)
    assert not too_wide, "\n" + "\n".join(too_wide)
    assert not unmarked, "\n" + "\n".join(unmarked)
    tab.assert_clean(f"formulas at {width} px")


@pytest.mark.parametrize("width", [390, 1280])
def test_term_page_screenshots_at_phone_and_desktop_width(tab, width):
    tab.page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
    tab.goto("terms/adam/")
    _wait_for_math(tab.page)
    page = tab.page
    # nothing but a formula or a figure card scrolls sideways; the page itself does not
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the copy button does not cover the first line of code
    button = page.locator(".md-code__button").first
    if button.count():
        code = page.locator("pre > code").first
        b, c = button.bounding_box(), code.bounding_box()
        line = page.evaluate(
            "c => parseFloat(getComputedStyle(c).paddingTop)", code.element_handle()
        )
        assert b["y"] + b["height"] <= c["y"] + line + 1, (b, c, line)
    _save_screenshot(page, f"term-adam-{width}px.png", full_page=True)
    tab.assert_clean(f"screenshot at {width} px")
