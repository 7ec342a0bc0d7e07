# The README's commands. Every target sets up what it needs from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# uv installs into the project's own venv; pip only bootstraps uv itself.
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
PORT ?= 8000

.PHONY: run test lint typecheck unit synth bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q 'uv>=0.9,<1'

# The local stack only: the package, moto's server, a JWT library. No CDK toolchain.
$(VENV)/.local-ready: pyproject.toml | $(BIN)/python
	$(INSTALL) -e '.[local]'
	touch $@

# Everything the tests need, the CDK app and its checks included.
$(VENV)/.dev-ready: pyproject.toml | $(BIN)/python
	$(INSTALL) -e '.[dev,cdk]'
	touch $@ $(VENV)/.local-ready

run: $(VENV)/.local-ready
	$(BIN)/python -m local --port $(PORT) $(if $(RESET),--reset,) $(if $(EMPTY),--empty,)

test: $(VENV)/.dev-ready lint typecheck
	$(BIN)/pytest -n auto --dist loadgroup

lint: $(VENV)/.dev-ready
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-ready
	$(BIN)/mypy

unit: $(VENV)/.dev-ready
	$(BIN)/pytest tests/unit

# The CDK app uploads the web app's files: `make web` builds them into web/dist first.
synth: $(VENV)/.dev-ready web
	$(BIN)/python infra/app.py

bench: $(VENV)/.dev-ready
	$(BIN)/python bench/business_time.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/calls.py

clean:
	rm -rf $(VENV) cdk.out .local .pytest_cache .mypy_cache .ruff_cache
