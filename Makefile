# Alliance Hub — the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# The test suite runs on PostgreSQL and Redis on this machine.
TEST_ENV := DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliance \
	REDIS_URL=redis://127.0.0.1:6379/15 CACHE_KEY_PREFIX=alliance-test

.PHONY: run test lint format bench system services messages clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

system:
	@scripts/ensure-system.sh

services:
	@scripts/ensure-services.sh

messages: $(BIN)/.installed
	ALLIANCE_BROWSER_TESTS=0 scripts/ensure-system.sh
	$(MANAGE) compilemessages --ignore '$(VENV)' --ignore 'var' -v 0

run: $(BIN)/.installed messages
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

# --create-db: a test database left by an earlier checkout must never decide the result.
test: $(BIN)/.installed messages system services
	$(TEST_ENV) $(BIN)/pytest --create-db $(PYTEST_ARGS)

# A bounded load test of gunicorn on a seeded copy of the network (bench/run.py); a few minutes.
# Then N digests (default 10,000) built and sent to a local SMTP sink (bench/digest.py).
bench: $(BIN)/.installed messages services
	ALLIANCE_BENCH_TOOLS=1 scripts/ensure-system.sh
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.digest $(DIGEST_BENCH_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache
