# bureau: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests always run on PostgreSQL (pytest-django creates test_<name> and drops it afterwards).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bureau
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: help venv run worker bench test test-fast test-e2e lint format migrations-check messages clean system-packages services

help:
	@echo "make run    - install, migrate, load the demo county, serve http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite on PostgreSQL (and Redis, Chromium)"
	@echo "make lint   - ruff, mypy, migrations check"

$(STAMP): pyproject.toml requirements/constraints.txt
	@scripts/check-python "$(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev]"
	@touch $@

venv: $(STAMP)

system-packages:
	@scripts/ensure-system-packages $(SYSTEM_PACKAGES_FOR)

services:
	@scripts/ensure-services

run: SYSTEM_PACKAGES_FOR = run
run: system-packages venv
	@if [ -n "$$DATABASE_URL" ]; then echo "Database: $$DATABASE_URL"; else echo "Database: SQLite (var/bureau.sqlite3); set DATABASE_URL for PostgreSQL"; fi
	@if [ -n "$$REDIS_URL" ]; then echo "Tasks: Celery on $$REDIS_URL (start a worker: make worker)"; else echo "Tasks: in-process (set REDIS_URL for Celery on Redis)"; fi
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: venv
	$(BIN)/celery -A bureau worker --beat --loglevel=INFO

test: SYSTEM_PACKAGES_FOR = test
test: system-packages venv services
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

test-fast: venv services
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not e2e and not celery_worker" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SECRET_KEY=lint $(BIN)/mypy
	DJANGO_SECRET_KEY=lint $(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Update the English catalog after changing UI text, translate the new entries (tests fail
# while any is empty or fuzzy), then run it again to compile.
messages: venv
	DJANGO_SECRET_KEY=x $(BIN)/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DJANGO_SECRET_KEY=x $(BIN)/python manage.py makemessages -d djangojs -l en --no-obsolete --ignore=.venv --ignore=var --ignore=static/vendor --ignore=tests
	DJANGO_SECRET_KEY=x $(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bureau_bench
bench: venv services
	@psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='bureau_bench'" | grep -q 1 || createdb -h 127.0.0.1 -U postgres bureau_bench
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SECRET_KEY=bench $(BIN)/python bench/api_lists.py $(BENCH_ARGS)
