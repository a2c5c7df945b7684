# Two commands for a new user: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LANDING := data/landing
DEMO_PRESET ?= demo
DEMO_SEED ?= 7
# Test processes: the suite is mostly single-threaded waits and stage runs, so one per core.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: install demo test test-fast lint repro up down clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	$(BIN)/python tools/dvc_plots_template.py .dvc/plots/offline.html
	touch $(INSTALLED)

## demo: install, generate the demo world if absent, run the whole pipeline once, print a summary
demo: install
	@test -d $(LANDING) || $(BIN)/tastemaker world generate --out $(LANDING) --preset $(DEMO_PRESET) --seed $(DEMO_SEED)
	$(BIN)/tastemaker run

## test: the whole suite (unit, data, model, pipelines, flows, end to end)
test: install
	$(PYTEST)

## test-fast: everything but the tests marked slow
test-fast: install
	$(PYTEST) -m "not slow"

## lint: ruff's checks and its formatting, as CI runs them
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## repro: the same pipeline through DVC
repro: install
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

## up / down: local MLflow (port 5000) and Prefect (port 4200) servers as plain processes, no Docker
up: install
	PATH="$(CURDIR)/$(BIN):$$PATH" infra/local/up.sh

down:
	infra/local/down.sh

clean:
	rm -rf data .tastemaker
