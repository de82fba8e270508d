# Lixiao: `make demo` runs the system on the sample data, `make test` runs the checks and the suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SAMPLES ?= ../shared/samples
# Tables 1 and 2: the copy shipped in lixiao/rules/reference/ unless SEED names a folder with them.
SEED ?=
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python >= 3.12: the one .python-version names under pyenv, else python3.13/python3.12 on PATH.
PYTHON ?= $(shell for c in $$HOME/.pyenv/versions/$$(cat .python-version 2>/dev/null)/bin/python \
	$$HOME/.pyenv/versions/3.13.*/bin/python $$HOME/.pyenv/versions/3.12.*/bin/python python3.13 python3.12 python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

# The PostgreSQL test database is named after this checkout, so two checkouts on one machine never share it.
PG_SUFFIX := $(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-8)

.PHONY: venv demo test lint check-python messages pg-up clean serve browser

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "Lixiao needs Python >= 3.12 (Django 6.1). Install one (e.g. pyenv install 3.12) or set PYTHON=/path/to/python3.12." >&2; exit 1; fi

$(VENV)/.installed: pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

# Compiled translations (.mo) are built, not committed.
messages: venv
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
	  $(PY) manage.py compilemessages --ignore '.venv/*' -v 0; fi

# The demo: a fresh SQLite database (unless DATABASE_URL names another), the seed's university, the June 2026
# campaign on the sample rosters, the server.
demo: venv messages
	@if [ -z "$$DATABASE_URL" ]; then rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm; fi
	$(PY) manage.py migrate -v 0
	$(PY) manage.py load_reference $(if $(SEED),--seed $(SEED))
	$(PY) manage.py demo_campaign --samples $(SAMPLES)
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Lixiao is at http://$(HOST):$(PORT)/"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT) --noreload

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Browser tests drive Debian's chromium through Playwright; install it when missing and we may (root, apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed: the browser tests will be skipped" >&2; fi; }

# The suite on SQLite; with TEST_POSTGRES=1 (CI) again on PostgreSQL.
test: venv messages lint browser
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(VENV)/bin/pytest
	@if [ -n "$$TEST_POSTGRES$$CI" ]; then $(MAKE) --no-print-directory pg-up && \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/lixiao_$(PG_SUFFIX) $(VENV)/bin/pytest; fi

pg-up:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2; }
	@pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
