# The README's commands. Every target sets up what it needs from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# uv installs into the project's own venv; pip only bootstraps uv itself.
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
PORT ?= 8000
# Python's bytecode cache, kept inside the venv (`make clean` removes it). uv installs no
# bytecode, and where PYTHONDONTWRITEBYTECODE is set (as container images often do) every
# process of a run (xdist workers, CDK syntheses, the local stack's workers) compiled each
# module it imports again: about 4 s of CPU per pytest process before its first test.
export PYTHONDONTWRITEBYTECODE :=
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache

.PHONY: run test lint typecheck unit synth bench bench-load clean web web-test chromium

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

# The web app (web/): npm ci once per lockfile, then a Vite build whenever a source changed.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/vite.form.config.ts web/tsconfig.json

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build

# The website form's script is built by the same `npm run build`; this rebuilds it alone
# where a build of the app predates it.
web/dist/form.js: web/dist/index.html
	test -f $@ || (cd web && npx vite build --config vite.form.config.ts)

web: web/dist/index.html web/dist/form.js

# The web app's component tests (Vitest).
web-test: web/node_modules/.installed
	cd web && npm test

# Debian's Chromium for the browser tests; installed where missing and possible (root + apt).
chromium:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		echo "warning: /usr/bin/chromium is missing and could not be installed (apt-get install chromium)"

run: $(VENV)/.local-ready web
	$(BIN)/python -m local --port $(PORT) $(if $(RESET),--reset,) $(if $(EMPTY),--empty,)

test: $(VENV)/.dev-ready lint typecheck web chromium web-test
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

# Every benchmark script in bench/ but load.py (minutes of load through the local stack).
BENCH := $(filter-out bench/load.py,$(sort $(wildcard bench/[!_]*.py)))

bench: $(VENV)/.dev-ready
	@set -e; for script in $(BENCH); do echo "== $$script"; $(BIN)/python $$script; done

bench-load: $(VENV)/.dev-ready
	$(BIN)/python bench/load.py

# Rebuild the report's rollups from the stored offers (idempotent; docs/data-model.md).
# TABLE_NAME and the AWS settings as for the functions; for `make run`'s stack set
# AWS_ENDPOINT_URL to the moto address it prints.
.PHONY: rebuild-rollups
rebuild-rollups: $(VENV)/.dev-ready
	TABLE_NAME=$${TABLE_NAME:-inquiries} $(BIN)/python -m inquiries.tools.rebuild_rollups

# The generated holiday table of the layer (inquiries/holiday_table.py) from the installed
# `holidays` package: after updating the package or moving the table's years.
.PHONY: holiday-table
holiday-table: $(VENV)/.dev-ready
	$(BIN)/python -m inquiries.tools.holiday_table

clean:
	rm -rf $(VENV) cdk.out .local .pytest_cache .mypy_cache .ruff_cache .hypothesis \
		layers/common/python/*.egg-info web/dist web/node_modules
