# The README's commands. Every target sets up what it needs from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# uv installs into the project's own venv; pip only bootstraps uv itself.
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
PORT ?= 8000

.PHONY: run test lint typecheck unit synth bench bench-load clean

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

synth: $(VENV)/.dev-ready
	$(BIN)/python infra/app.py

# Every benchmark script in bench/ but load.py (minutes of load through the local stack).
BENCH := $(filter-out bench/load.py,$(sort $(wildcard bench/[!_]*.py)))

bench: $(VENV)/.dev-ready
	@set -e; for script in $(BENCH); do echo "== $$script"; $(BIN)/python $$script; done

bench-load: $(VENV)/.dev-ready
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) cdk.out .local .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		layers/common/python/*.egg-info
