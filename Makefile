# Everything a fresh clone needs: `make test` sets up .venv (Python 3.11) and runs the checks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install system lock lint test test-fast bench bench-crawl clean demo

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)

# The exact versions and hashes in requirements.lock (`make lock` regenerates it), then the project
# itself without dependencies, built by the locked setuptools: a new release of anything cannot
# change what `make test` runs on.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	# A venv's bundled pip (23.x) refuses an extra of a locked package (justext's lxml[html_clean])
	# in hash-checking mode; newer pips read the same lock.
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24.2"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP) system

# Servers the tests start for themselves: redis-server (distributed crawls), chromium (the crawl
# report, driven by Playwright: never `playwright install`, which downloads). Installed with the
# system package manager when missing; that needs root (CI machines run as root).
SYSTEM_PACKAGES := redis-server chromium
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "error: install$$missing (e.g. sudo apt-get install$$missing)" >&2; exit 1; fi; \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Regenerate requirements.lock from pyproject.toml (Python 3.11, Linux x86_64): pip-tools runs in a
# venv of its own, so it never changes .venv. Then `make install` to use it.
LOCK_TOOLS := $(VENV)/lock-tools
lock:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet "pip-tools>=7.4,<8"
	$(LOCK_TOOLS)/bin/pip-compile --quiet --upgrade --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links \
		--extra dev --output-file requirements.lock pyproject.toml

lint: install
	$(BIN)/ruff check newscrawler sample_site tests benchmarks
	$(BIN)/ruff format --check newscrawler sample_site tests benchmarks
	# the import contracts of pyproject.toml: the layers, no cycle, the registry never imports the
	# monitors, extraction without Scrapy
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy --strict newscrawler sample_site

# The whole suite on 4 pytest-xdist workers (about 3.5 minutes on 2 cores; 7.5 serially): the
# crawls wait on servers, subprocesses and timeouts more than they compute. Timing-sensitive and
# repository-writing modules are xdist groups, run one test after another (tests/README.md).
test: lint
	$(BIN)/python -m pytest -n 4 --dist loadgroup

# The lint and the unit tests: everything outside tests/crawl/ (no crawl, no server) but the Redis
# runs of the state contract (marked `server`), on 2 workers; about a minute.
test-fast: lint
	$(BIN)/python -m pytest -n 2 --ignore=tests/crawl -m "not server"

bench: install
	$(BIN)/python benchmarks/extraction.py

# Crawl throughput against nginx (not part of `make test`; about 12 minutes at the defaults).
bench-crawl: install
	@command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || { \
		if [ "$$(id -u)" != 0 ]; then echo "error: install nginx (e.g. sudo apt-get install nginx-light)" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; }
	$(BIN)/python benchmarks/crawl.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

.PHONY: demo
demo: install
	$(BIN)/python -m sample_site.demo
