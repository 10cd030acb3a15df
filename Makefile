# The front door. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | md5sum | cut -c1-12)
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)

.DEFAULT_GOAL := help
.PHONY: help setup build test lint demo-data docs refresh validate check-freshness benchmark clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned requirements

build: $(STAMP) ## Build the warehouse (warehouse.duckdb or $$DBT_DUCKDB_PATH) on the demo data and summarise it
	$(BIN)/dbt build
	$(BIN)/python scripts/validate.py --as-of 2026-11-01 --no-record --quiet
	$(BIN)/python scripts/summary.py

test: $(STAMP) ## Set up, then run every test: dbt build on the demo data in a temp DuckDB, lint, Python tests
	$(BIN)/python -m pytest tests

lint: $(STAMP) ## sqlfluff lint of models, macros-using SQL, analyses and singular tests
	$(BIN)/sqlfluff lint models analyses tests

demo-data: $(STAMP) ## Regenerate the committed demo seeds with the data generator
	$(BIN)/python scripts/generate_data.py --out seeds --contacts 2000 --days 90 --seed 42 --format csv

refresh: $(STAMP) ## Scheduler entry: incremental build into a copy, tests, validation, atomic publish (ARGS="..." passes options)
	$(BIN)/python scripts/refresh.py $(ARGS)

validate: $(STAMP) ## Great Expectations checkpoint over the marts (demo data: AS_OF=2026-11-01)
	$(BIN)/python scripts/validate.py $(if $(AS_OF),--as-of $(AS_OF),) $(ARGS)

check-freshness: $(STAMP) ## dbt source freshness of the raw tables that have a load time
	$(BIN)/dbt source freshness

benchmark: $(STAMP) ## Measure builds at 1k, 100k and 1M contacts (1k: the fixed cost); writes docs/benchmarks.md (takes long)
	$(BIN)/python scripts/benchmark.py --scales 1000,100000,1000000 --days 90 --out-doc docs/benchmarks.md

docs: $(STAMP) ## Generate dbt docs (target/index.html)
	$(BIN)/dbt docs generate

clean: ## Remove build artefacts (keeps .venv)
	rm -rf target target_* logs logs_* .duckdb_tmp warehouse.duckdb warehouse.duckdb.wal warehouse.duckdb.refresh warehouse.duckdb.refresh.lock
