# Everything a fresh clone needs: `make test` sets up .venv (Python 3.11) and runs the checks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install lint test bench clean demo

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check newscrawler sample_site tests benchmarks
	$(BIN)/ruff format --check newscrawler sample_site tests benchmarks
	$(BIN)/mypy newscrawler sample_site
	# strict where components meet: the state, the pipelines, the crawl plan and the frontier
	$(BIN)/mypy --strict --follow-imports=silent newscrawler/state newscrawler/pipelines \
		newscrawler/plan.py newscrawler/frontier.py

test: lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/extraction.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

.PHONY: demo
demo: install
	$(BIN)/python -m sample_site.demo
