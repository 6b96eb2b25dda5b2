"""Tutorial pages that define code in ```python blocks and check it in ```pycon blocks.

The blocks run in page order in one namespace, as a reader would run them; every
`>>>` line must print exactly what the page shows.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["docs/tutorials/tiny-transformer.md"]
BLOCK = re.compile(r"^```(python|pycon)\n(.*?)^```\n", re.S | re.M)


@pytest.mark.parametrize("page", PAGES)
def test_every_block_of_the_page_runs_and_prints_what_it_shows(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    namespace: dict = {"__name__": "tutorial"}
    blocks = BLOCK.findall(text)
    assert [kind for kind, _ in blocks].count("pycon") >= 4
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for n, (kind, code) in enumerate(blocks):
        if kind == "python":
            exec(compile(code, f"{page}:block{n}", "exec"), namespace)
        else:
            test = doctest.DocTestParser().get_doctest(code, namespace, f"{page}:block{n}", page, 0)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy of the namespace
    assert runner.failures == 0 and runner.tries >= 10
