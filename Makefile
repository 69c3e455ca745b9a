# SEC Release Manager: every set-up step needed from a fresh clone.
#   make run     create the virtualenv, migrate, load demo data, serve on 127.0.0.1:$(PORT)
#   make test    system packages, virtualenv, lint, migration check, pytest (PostgreSQL:
#                DATABASE_URL or the local server)
#   make bench   performance figures
#   make lock    re-compile requirements*.txt (hashed locks) from requirements*.in
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Debian packages: chromium-headless-shell (browser tests), libharfbuzz-subset0 (WeasyPrint font
# subsetting), poppler-utils (pdftotext/pdfinfo/pdftoppm in PDF tests), fonts-dejavu-core (symbol
# fallback).
SYSTEM_PACKAGES := chromium-headless-shell libharfbuzz-subset0 poppler-utils fonts-dejavu-core

.PHONY: venv lock system-deps run test test-run bench lint format

venv: $(VENV)/.stamp

# Installs the dev lock (the runtime lock plus test tools), every file checked against its hash.
# Re-installs only when a lock changes (the stamp is older than it).
$(VENV)/.stamp: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# Re-compiles both locks from the short direct lists in requirements*.in, keeping current pins
# (`make lock UPGRADE=1` moves everything to the newest versions the .in files allow). The dev
# lock is constrained by the runtime lock, so both pin the same versions.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: venv
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

system-deps:
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then \
	  echo "system-deps: all present ($(SYSTEM_PACKAGES))"; \
	elif [ "$$(id -u)" != 0 ]; then \
	  echo "system-deps: not root, skipping; please install:$$missing"; \
	else \
	  echo "system-deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq; \
	  apt-get install -y -qq $$missing; \
	fi

# Local development server: DEBUG on unless the environment says otherwise.
run: export DEBUG ?= 1
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The tests run on PostgreSQL only. Without DATABASE_URL, `make test` uses the local server on
# 127.0.0.1:5432 (.ci/postgres starts it when it is down and we are root, and creates the
# database), says so on its first line, and stops if there is none.
TEST_DB_NAME ?= secrelease
test:
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "make test: database from DATABASE_URL: $$(echo "$$DATABASE_URL" | sed -E 's#//([^:/@]*):[^@/]*@#//\1:***@#')"; \
	else \
	  echo "make test: DATABASE_URL is not set: using the local PostgreSQL, postgres://postgres@127.0.0.1:5432/$(TEST_DB_NAME)"; \
	  DATABASE_URL="$$(.ci/postgres $(TEST_DB_NAME))" || { \
	    echo "make test: FAIL: no PostgreSQL to test on; start it or set DATABASE_URL (the tests do not run on SQLite)" >&2; \
	    exit 1; }; \
	  export DATABASE_URL; \
	fi; \
	$(MAKE) --no-print-directory test-run

# Playwright's sync API inside Django's live_server needs this in the test process.
test-run: export DJANGO_ALLOW_ASYNC_UNSAFE = true
# The settings' development key is used only when SECRET_KEY is unset.
test-run bench: export DJANGO_DEV_SECRET ?= 1
# The suite runs in random order (pytest-randomly prints its seed; `make test SEED=N` repeats
# that order) on every core (pytest-xdist, a test module per worker at a time), then the browser
# tests on every core (each worker with its own live server, Chromium and test database; a worker
# that finishes takes tests from the others). One after the other: run at the same time, the two
# starved each other on two cores (7m22s in all against 6m57s). Both run even if the first fails.
# PYTEST_ARGS runs just those arguments.
RANDOM_ORDER = $(if $(SEED),-p randomly --randomly-seed=$(SEED))
test-run: system-deps venv lint
	$(PY) manage.py makemigrations --check --dry-run
ifeq ($(strip $(PYTEST_ARGS)),)
	@suite=0; $(VENV)/bin/pytest -n auto --dist loadfile --ignore=tests/browser $(RANDOM_ORDER) || suite=$$?; \
	browser=0; $(VENV)/bin/pytest tests/browser -n auto --dist worksteal $(RANDOM_ORDER) || browser=$$?; \
	[ $$suite -eq 0 ] && [ $$browser -eq 0 ]
else
	$(VENV)/bin/pytest $(PYTEST_ARGS)
endif

# Performance figures (releases/management/commands/bench.py), in a database of their own:
# DATABASE_URL when set, else the local PostgreSQL database $(BENCH_DB_NAME) (as make test
# finds it), else a SQLite file. The demo data is loaded (idempotent), then bench adds its
# generated register once. wrk (Debian) loads the pages; installed here when root and missing.
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--runs 3 --only pages".
BENCH_DB_NAME ?= secrelease_bench
BENCH_ARGS ?=
bench: venv
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "make bench: installing wrk"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || true; \
	  else echo "make bench: wrk is missing (apt-get install wrk); a Python client loads the pages"; fi; }
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "make bench: database from DATABASE_URL: $$(echo "$$DATABASE_URL" | sed -E 's#//([^:/@]*):[^@/]*@#//\1:***@#')"; \
	elif DATABASE_URL="$$(.ci/postgres $(BENCH_DB_NAME) 2>/dev/null)"; then \
	  echo "make bench: the local PostgreSQL, database $(BENCH_DB_NAME)"; \
	else \
	  DATABASE_URL="sqlite:///$(CURDIR)/bench.sqlite3"; \
	  echo "make bench: no PostgreSQL: SQLite file bench.sqlite3 (figures differ from production)"; \
	fi; \
	export DATABASE_URL; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py load_demo; \
	$(PY) manage.py bench $(BENCH_ARGS)

# The pre-commit hooks (.pre-commit-config.yaml: ruff, djhtml, django-upgrade) on every file.
lint: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates
