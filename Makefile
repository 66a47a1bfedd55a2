# memnun — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test lint typecheck pytest bench soak messages install install-test chromium imap-server screenshots

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps: reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# gettext's msgfmt compiles the catalogues; Debian's package brings it.
messages:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	cd memnun && ../$(VENV)/bin/django-admin compilemessages -v 0

run: install messages
	$(VENV)/bin/memnun init --demo
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py load_demo
	$(VENV)/bin/memnun run --port $(PORT)

# Debian's Chromium drives the browser tests (never a downloaded browser build);
# axe-core comes from npm and is injected into the pages under test.
chromium:
	@if ! command -v chromium >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; fi
	@if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then \
		command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm); \
		npm ci --prefix tests/browser --no-audit --no-fund --silent; fi

# Debian's dovecot is the real IMAP server the mail-in tests start on loopback
# (its system service is not started: the tests run their own on a free port).
imap-server:
	@command -v dovecot >/dev/null || (apt-get update -qq && apt-get install -y -qq dovecot-imapd)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo

typecheck: install-test
	MEMNUN_TESTING=1 $(VENV)/bin/mypy memnun

pytest: install-test messages chromium imap-server
	MEMNUN_TESTING=1 $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test: lint typecheck pytest

# SQLite always; PostgreSQL as well when DATABASE_URL points at a server.
bench: install-test messages
	env -u DATABASE_URL $(PY) -m bench $(BENCH_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then $(PY) -m bench --only http --only queue --only mail --only reports --only compare $(BENCH_ARGS); \
	else echo "Set DATABASE_URL=postgres://... to measure PostgreSQL too."; fi

# The kill -9 soak (RELIABILITY.md): SQLite and a throwaway PostgreSQL cluster of its own
# (Debian's server binaries; the machine's own PostgreSQL is never touched).
# `make soak SOAK_ARGS="--count 2000"`; default 10,000 intakes per database.
soak: install-test messages
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq postgresql)
	env -u DATABASE_URL $(PY) -m bench.soak $(SOAK_ARGS)

# Pictures of the main pages for review (desktop and phone, Turkish and English).
screenshots: install-test messages chromium
	$(PY) -m scripts.screenshots
