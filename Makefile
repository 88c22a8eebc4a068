# Two commands on a fresh machine: `make run` (build the database if missing, serve it) and
# `make test` (lint + the whole test suite, browser tests included). Both install what they need.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
# Test processes (pytest-xdist): CI and the reference machine have 2 cores.
WORKERS ?= 2
# axe-core for the accessibility tests (tests/browser/test_accessibility.py), from the npm registry.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: run test etl bench browser-deps clean

# --no-compile: Python compiles the modules a process imports on first use (half of pip's
# 34 s was byte-compiling every installed file, most of them plotly's, never imported).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-compile -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/migdash serve

etl: $(VENV)/.installed
	$(VENV)/bin/migdash etl

test: $(VENV)/.installed browser-deps $(AXE)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest tests --headless --webdriver Chrome -q -n $(WORKERS) --dist worksteal --durations=15

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Debian's Chromium and ChromeDriver for the browser tests and the PDFs (no test tool downloads a
# browser), and poppler-utils (pdftoppm) for the report's page checks.
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v pdftoppm >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver poppler-utils; }

# Installed once (a file target); the tests read this file and never download anything.
$(AXE):
	npm install --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

clean:
	rm -rf $(VENV) data/migdash.duckdb data/cache data/reports
