# The two commands a user needs: `make demo` and `make test`. Both set up .venv from the pinned set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo test lint format ui bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m pipelines demo

# Debian's Chromium for the browser tests (tests/browser/): Playwright drives it by path, because
# `playwright install` downloads its own browser builds from a CDN that is not reachable here.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ui: $(STAMP)
	$(BIN)/dagster dev -w workspace.yaml

bench: $(STAMP)
	$(BIN)/python bench/cafe24_ingest.py
	$(BIN)/python bench/infobank_ingest.py
	$(BIN)/python bench/infobank_floor.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
