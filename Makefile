# The two commands a user needs: `make demo` and `make test`. Both set up .venv from the pinned set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser demo demo-ui test lint defs format ui bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m pipelines demo

# The UI on what `make demo` left: its warehouse, its runs (.dagster_home/), its simulator serving again.
demo-ui: $(STAMP)
	$(BIN)/python -m pipelines demo-ui

# The Infobank report endpoint (docs/infobank-receiver.md), configured by INFOBANK_REPORTS_DIR and
# INFOBANK_RECEIVER_*; stops cleanly on Ctrl+C or SIGTERM.
.PHONY: receive
receive: $(STAMP)
	$(BIN)/python -m pipelines receive

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
	$(BIN)/sqlfluff lint sql --processes 2 --disable-progress-bar
	$(MAKE) --no-print-directory defs
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql --processes 2 --disable-progress-bar
	$(MAKE) --no-print-directory defs

# `dg check defs`: the code location sms_warehouse (pyproject.toml [tool.dg]) loads. VIRTUAL_ENV names the
# project's .venv as the active one, which dg otherwise warns about when make runs it.
defs: $(STAMP)
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/dg check defs

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The UI and the daemon (schedule, sensors, run queue) on the code location sms_warehouse. Dagster reads
# .env here, and it wins over the shell's variables; without DAGSTER_HOME the run history is thrown away.
ui: $(STAMP)
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/dg dev

bench: $(STAMP)
	$(BIN)/python bench/pipeline_run.py
	$(BIN)/python bench/cafe24_ingest.py
	$(BIN)/python bench/infobank_ingest.py
	$(BIN)/python bench/infobank_floor.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Mutation testing (docs/mutation-testing.md), not part of `make test`: mutmut on the core Python modules
# (pyproject.toml [tool.mutmut]), then the one-line business-rule mutations of tests/mutation/. Each prints
# its kill rate and survivors. MUTANTS picks mutmut's mutants by name (globs); MUTANTS= runs every mutant of
# the configured modules (hours on 2 cores; mutmut then re-tests only what changed on later runs).
# SQL_MUTATIONS_ARGS=--copy mutates a temporary copy instead of this tree's files.
.PHONY: mutate
MUTMUT_CHILDREN ?= 2
MUTANTS ?= 'pipelines.cafe24.answer.*' 'pipelines.cafe24.client.x__page_count*' \
	'pipelines.cafe24.client.x__pages_agree*' 'pipelines.cafe24.client.x__same_rows*' \
	'pipelines.cafe24.client.x__retry_after*' 'pipelines.cafe24.client.*_backoff*' \
	'pipelines.cafe24.client.*fetch_window*' 'pipelines.infobank.store.*' 'pipelines.infobank.lines.*' \
	'pipelines.infobank.files.x_plan_reads*' 'pipelines.infobank.files.*_Renames*' \
	'pipelines.infobank.files.x__unchanged*' 'pipelines.infobank.files.x__continue*' \
	'pipelines.infobank.files.x__new*' 'pipelines.reports.*' 'pipelines.exports.x_neutralise*' \
	'pipelines.exports.x__write_table*'
SQL_MUTATIONS_ARGS ?=

mutate: $(STAMP)
	$(BIN)/mutmut run --max-children $(MUTMUT_CHILDREN) $(MUTANTS)
	$(BIN)/python tests/mutation/mutmut_summary.py
	$(BIN)/python tests/mutation/run_sql_mutations.py $(SQL_MUTATIONS_ARGS)
