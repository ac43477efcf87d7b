# Care Passport: `make run` starts the service, `make test` runs every check. Both set themselves up.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PASSPORT_HOME ?= ./var
HOST ?= 127.0.0.1
PORT ?= 8000
export PASSPORT_HOME
# The install stamp is named by pyproject.toml's content, so a change of dependencies reinstalls
# and an unchanged file (in any clone) does not.
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
# What the other targets need first; `SETUP=` uses $(VENV) as it is (the tests' clean clones do).
SETUP ?= $(STAMP)

.PHONY: run test lint typecheck unit postgres chromium openapi bench clean

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(SETUP)
	@test -f $(PASSPORT_HOME)/issuer.json || $(BIN)/passport init \
		--org-id prison:WYI --name "HMP Wymott (demonstration)" --kind prison --base-url http://$(HOST):$(PORT)
	$(BIN)/passport serve --host $(HOST) --port $(PORT)

# The PostgreSQL server the storage and API suites also run against (trust auth, database `test`).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
		echo "error: PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1

# The browser tests drive Debian's chromium package (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

lint: $(SETUP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(SETUP)
	$(BIN)/mypy
	$(BIN)/mypy bench  # the benchmarks are scripts that import each other as modules, so they are checked apart

unit: $(SETUP) postgres chromium
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck unit

openapi: $(SETUP)
	$(BIN)/passport openapi > openapi/openapi.json

bench: $(SETUP)
	$(BIN)/python bench/verify.py
	$(BIN)/python bench/card.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/api_get.py
	$(BIN)/python bench/bulk_import.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
