"""What a reader pays for the site: bytes to load the home page, bytes and time to search.

Not a test: it serves one or more built sites over local HTTP, loads the home page in
headless Chromium, types a query into the search box and measures

- the bytes transferred for the home page (raw, and gzip-compressed as any static
  host serves text), including the search index the page downloads up front;
- the extra bytes to answer the query;
- the time from the last keystroke to the first result on screen (median of runs);

and writes a side-by-side table (``--out``/site.md). It also lists the top three
results for each learner query.

    python benchmarks/bench_site.py --site before=/tmp/old/site --site after=site
    python benchmarks/bench_site.py            # builds the current checkout first
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "MSE", "BN", "relu", "crossentropy", "L1", "what is an epoch", "softmax vs sigmoid",
    "k means", "adam optimizer", "vanishing gradients", "one hot", "auc",
]  # fmt: skip
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


# JS: note the time now, and the time the result list next changes.
WATCH_RESULTS = """() => {
    window.__t1 = undefined;
    const list = document.querySelector(".md-search-result__list");
    const seen = new MutationObserver(() => { window.__t1 = performance.now(); seen.disconnect(); });
    seen.observe(list, { childList: true, subtree: true });
    window.__t0 = performance.now();
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class _Meter:
    def __init__(self) -> None:
        self.raw = 0
        self.gz = 0

    def add(self, response) -> None:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            return
        kind = response.headers.get("content-type", "")
        self.raw += len(body)
        self.gz += len(gzip.compress(body, 6)) if kind.startswith(COMPRESSIBLE) else len(body)


def measure(browser, site: Path, runs: int = 3) -> dict:
    server, url = _serve(site)
    try:
        home_raw, home_gz, query_raw, query_gz, times = [], [], [], [], []
        tops: dict[str, list[str]] = {}
        for run in range(runs):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            page = ctx.new_page()
            meter = _Meter()
            page.on("response", meter.add)
            page.goto(url, wait_until="networkidle")
            home_raw.append(meter.raw)
            home_gz.append(meter.gz)
            before = (meter.raw, meter.gz)
            page.keyboard.press("/")
            page.wait_for_selector("input.md-search__input:focus")
            for query in QUERIES if run == 0 else ["softmax"]:
                page.fill("input.md-search__input", "")
                page.keyboard.type(query[:-1])
                page.wait_for_timeout(300)  # let the results for the prefix settle
                page.evaluate(WATCH_RESULTS)
                page.keyboard.type(query[-1])
                page.wait_for_function("window.__t1 !== undefined")
                page.wait_for_timeout(200)
                times.append(page.evaluate("window.__t1 - window.__t0"))
                if run == 0:
                    tops[query] = page.eval_on_selector_all(
                        ".md-search-result__item > a",
                        "els => els.slice(0, 3).map(e => e.querySelector('h1, h2').textContent.trim()"
                        " + ' <' + new URL(e.href).pathname + new URL(e.href).hash + '>')",
                    )
            page.wait_for_load_state("networkidle")
            query_raw.append(meter.raw - before[0])
            query_gz.append(meter.gz - before[1])
            ctx.close()
        index = site / "search" / "search_index.json"
        return {
            "home_raw": statistics.median(home_raw),
            "home_gz": statistics.median(home_gz),
            "query_raw": statistics.median(query_raw),
            "query_gz": statistics.median(query_gz),
            "ms": statistics.median(times),
            "index_raw": index.stat().st_size,
            "index_gz": len(gzip.compress(index.read_bytes(), 6)),
            "tops": tops,
        }
    finally:
        server.shutdown()


def _kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sites = [tuple(s.split("=", 1)) for s in args.site]
    tmp = None
    if not sites:
        from dlterms.kb.build import build

        tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
        build(ROOT, site_dir=tmp / "site", dist_dir=tmp / "dist", say=lambda m: None)
        sites = [("current", str(tmp / "site"))]
    chromium = shutil.which("chromium")
    if chromium is None:
        print("bench_site needs a system Chromium on PATH", file=sys.stderr)
        return 1
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        for name, folder in sites:
            results[name] = measure(browser, Path(folder))
        browser.close()
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)

    names = list(results)
    rows = [
        ("Home page, bytes transferred (raw)", lambda r: _kb(r["home_raw"])),
        ("Home page, bytes transferred (gzip)", lambda r: _kb(r["home_gz"])),
        ("Search index (raw / gzip)", lambda r: f"{_kb(r['index_raw'])} / {_kb(r['index_gz'])}"),
        ("One query, extra bytes (raw / gzip)", lambda r: f"{_kb(r['query_raw'])} / {_kb(r['query_gz'])}"),
        ("Home page + one query (gzip)", lambda r: _kb(r["home_gz"] + r["query_gz"])),
        ("Last keystroke to results (median)", lambda r: f"{r['ms']:.0f} ms"),
    ]  # fmt: skip
    lines = ["# Site: what a reader pays", "", "| Measure | " + " | ".join(names) + " |"]
    lines.append("| --- |" + " ---: |" * len(names))
    lines += [f"| {label} | " + " | ".join(fn(results[n]) for n in names) + " |" for label, fn in rows]
    for name in names:
        lines += ["", f"## Top three results: {name}", "", "| Query | 1 | 2 | 3 |", "| --- | --- | --- | --- |"]
        for q, top in results[name]["tops"].items():
            lines.append(f"| `{q}` | " + " | ".join((top + ["", "", ""])[:3]) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "site.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
