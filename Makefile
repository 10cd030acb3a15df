# The front door. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | md5sum | cut -c1-12)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)

.DEFAULT_GOAL := help
.PHONY: help setup build test test-fast lint demo-data docs refresh validate check-freshness benchmark clean
.PHONY: dashboard browser screenshots
.PHONY: fast-pytest fast-casting fast-parse fast-build fast-docs fast-lint-false fast-lint-true

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned requirements

build: $(STAMP) ## Build the warehouse (warehouse.duckdb or $$DBT_DUCKDB_PATH) on the demo data, publish its BI file (warehouse_bi.duckdb: the marts alone), summarise it
	$(BIN)/dbt build
	$(BIN)/python scripts/validate.py --no-record --quiet
	$(BIN)/python scripts/publish_bi.py
	$(BIN)/python scripts/summary.py

# one worker per core, whole files per worker (a file's module fixtures are built once)
test: $(STAMP) browser ## Set up, then run every test: dbt build on the demo data in a temp DuckDB, lint, Python tests, the dashboard in chromium
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=25 tests

# The fast loop (under 2 minutes on 2 cores): Python tests without dbt builds, the exact-casting
# property test (dbt compile only), dbt parse, an empty build (seeds, models with no rows: model
# contracts) with the dbt unit tests, the docs checks on it, and lint of both is_incremental()
# branches, side by side, in a temp folder (kept on failure).
# Lint covers the SQL files changed since the last commit (every file when macros or configuration
# changed; LINT=all for every file, as `make lint` and `make test` do).
LINT ?= changed
test-fast: $(STAMP) ## Fast loop (<2 min): pytest -m "not dbt", exact casting, dbt parse, unit tests on an empty build, docs checks, lint of changed SQL (LINT=all)
	@dir=$$(mktemp -d -t msgwh-test-fast-XXXXXX); started=$$SECONDS; \
	$(MAKE) --no-print-directory -k -j3 --output-sync=target FAST_DIR=$$dir \
		fast-pytest fast-casting fast-lint-false fast-docs fast-lint-true; status=$$?; \
	if [ $$status -eq 0 ]; then rm -rf $$dir; echo "test-fast: passed in $$((SECONDS - started)) s"; \
	else echo "test-fast: FAILED after $$((SECONDS - started)) s (dbt files in $$dir)"; fi; exit $$status

LINT_SCOPE = $(if $(filter all,$(LINT)),,--changed)
# every dbt file of the fast loop under FAST_DIR, never warehouse.duckdb or target/
FAST_ENV = env -u DBT_TARGET DBT_DUCKDB_PATH=$(FAST_DIR)/warehouse.duckdb DBT_TARGET_PATH=$(FAST_DIR)/target \
	DBT_LOG_PATH=$(FAST_DIR)/logs DBT_DUCKDB_TEMP_DIR=$(FAST_DIR)/duckdb_tmp

fast-pytest:
	$(BIN)/python -m pytest -m "not dbt" -q tests
# the exact-casting property test compiles the typing SQL with dbt (no build)
fast-casting:
	$(FAST_ENV) $(BIN)/python -m pytest -q -p no:cacheprovider tests/python/test_exact_casting.py
fast-parse:
	$(FAST_ENV) $(BIN)/dbt parse --quiet
# dbt unit tests need their inputs' relations (for column types), not their rows
fast-build: fast-parse
	$(FAST_ENV) $(BIN)/dbt build --empty --exclude-resource-type test --quiet
fast-docs: fast-build
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/python/test_docs_coverage.py --demo-warehouse $(FAST_DIR)/warehouse.duckdb
fast-lint-false:
	$(BIN)/python scripts/lint.py --branch false $(LINT_SCOPE)
fast-lint-true: fast-build
	$(BIN)/python scripts/lint.py --branch true --empty-build $(FAST_DIR) $(LINT_SCOPE)

lint: $(STAMP) ## sqlfluff of models, analyses and singular tests, both is_incremental() branches, whatever warehouse.duckdb holds
	$(BIN)/python scripts/lint.py

demo-data: $(STAMP) ## Regenerate the committed demo seeds with the data generator
	$(BIN)/python scripts/generate_data.py --out seeds --contacts 2000 --days 90 --seed 42 --format csv

refresh: $(STAMP) ## Scheduler entry: incremental build into a copy, tests, validation, atomic publish (ARGS="..." passes options)
	$(BIN)/python scripts/refresh.py $(ARGS)

validate: $(STAMP) ## Great Expectations checkpoint over the marts (freshness as of the data's own as-of; AS_OF=... to override)
	$(BIN)/python scripts/validate.py $(if $(AS_OF),--as-of $(AS_OF),) $(ARGS)

check-freshness: $(STAMP) ## dbt source freshness of the raw tables that have a load time; names each late table and its age
	$(BIN)/python scripts/check_freshness.py $(ARGS)

benchmark: $(STAMP) ## Measure builds at 1k, 100k and 1M contacts (1k: the fixed cost); writes docs/benchmarks.md (takes long)
	$(BIN)/python scripts/benchmark.py --scales 1000,100000,1000000 --days 90 --out-doc docs/benchmarks.md

# WORKSPACE=w01: the dashboard of one workspace, reading that workspace's own BI file (published first)
WORKSPACE ?=
PORT ?= 8501
dashboard: $(STAMP) ## Serve the dashboard on 127.0.0.1:8501 (PORT=...) from the published BI file, read-only (WORKSPACE=... for one workspace)
	$(if $(WORKSPACE),$(BIN)/python scripts/publish_bi.py --per-workspace,@test -f "$${MSGWH_BI_PATH:-warehouse_bi.duckdb}" || $(MAKE) --no-print-directory build)
	MSGWH_DASHBOARD_WORKSPACE=$(WORKSPACE) $(BIN)/streamlit run msgwh/dashboard/app.py --server.address 127.0.0.1 \
		--server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian's chromium for the browser test (Playwright's own browser download is not reachable);
# where it cannot be installed the browser test is skipped and says why
browser: ## Install chromium for the dashboard's browser test when it is missing (apt-get, as root)
	@command -v chromium >/dev/null || { { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium fonts-noto-color-emoji >/dev/null; } || echo "browser: chromium could not be installed; the browser test will be skipped"; }

screenshots: $(STAMP) browser ## Refresh the dashboard screenshots of docs/dashboard.md (the browser test writes them)
	MSGWH_SCREENSHOTS=docs/dashboard $(BIN)/python -m pytest -q -p no:cacheprovider tests/python/test_dashboard_browser.py

docs: $(STAMP) ## Generate dbt docs (target/index.html)
	$(BIN)/dbt docs generate

clean: ## Remove build artefacts (keeps .venv)
	rm -rf target target_* logs logs_* .duckdb_tmp warehouse.duckdb warehouse.duckdb.wal warehouse.duckdb.refresh warehouse.duckdb.refresh.lock warehouse_bi*.duckdb
