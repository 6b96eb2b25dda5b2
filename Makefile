# Two commands on a fresh machine with Python 3.11+:
#   make build   create .venv from pinned versions, build site/ and dist/*.apkg
#   make test    the same set-up, then every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
BUILD_DEPS := $(VENV)/.build-deps
TEST_DEPS  := $(VENV)/.test-deps
# Two workers, one per core of the reference machine; each test file runs on one worker,
# and the session's real build is made once and shared (tests/conftest.py).
PYTEST_JOBS ?= -n 2 --dist loadfile

.PHONY: build test serve check venv clean bench

build: $(BUILD_DEPS)
	$(VENV)/bin/dlterms build

# `dlterms check` first: it reports every glossary problem at once and, when there is
# none, refreshes dlterms/_glossary.json, the read copy that lookup/show/search use.
test: $(TEST_DEPS) browser
	$(VENV)/bin/dlterms check
	$(PY) -m pytest $(PYTEST_JOBS)

check: $(BUILD_DEPS)
	$(VENV)/bin/dlterms check

serve: $(BUILD_DEPS)
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000

venv: $(BUILD_DEPS)

$(BUILD_DEPS): requirements/build.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dlterms needs Python 3.11 or newer; set PYTHON=python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r requirements/build.txt
	$(PIP) install --quiet --no-deps --no-build-isolation --editable .
	@touch $@

$(TEST_DEPS): $(BUILD_DEPS) requirements/test.txt
	$(PIP) install --quiet -r requirements/test.txt
	@touch $@

# Headless Chromium for the browser tests, from Debian's packages where apt is usable.
# Where it cannot be installed the browser tests skip and say why.
.PHONY: browser
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: chromium not found and apt-get unavailable; browser tests will be skipped"; fi; }

# Benchmarks are not tests: they compare ratios side by side in one run and write
# benchmarks/results/*.md (shown on the site's Performance page) and a plot.
bench: $(TEST_DEPS)
	$(PY) benchmarks/bench_functions.py --out benchmarks/results --plot docs/assets/benchmarks/functions.svg
	$(PY) benchmarks/bench_build.py --out benchmarks/results
	$(VENV)/bin/dlterms check >/dev/null
	$(PY) benchmarks/bench_startup.py --out benchmarks/results
	$(PY) benchmarks/bench_site.py --out benchmarks/results

clean:
	rm -rf site dist build .cache
