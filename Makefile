# The two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev messages error-codes clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Migrate, load the demo venue and serve it on http://127.0.0.1:8000 (SQLite by default).
run: install
	$(BIN)/totem init --demo
	$(BIN)/totem serve --host $(HOST) --port $(PORT)

## Install the dev dependencies, check the import layers, run the whole suite (SQLite and PostgreSQL).
## On both cores, a test module per worker; then the browser tests, one at a time in a process of their own
## (in a parallel worker Playwright's sync API can meet an event loop an earlier test left running).
test: install-dev
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadscope -m "not e2e"
	$(BIN)/pytest -m e2e

## Extract the English messages into a template, to update the catalogs by hand.
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k Invalid -k Conflict -k Forbidden -k NotFound \
		-k Unauthenticated -k TooManyAttempts -k DomainError -k NavItem -k said -k said_n:1,2 -k ntranslate:2,3 -k ngettext:1,2 -k translate:2 -k redirect:3 \
		-o totem/locale/messages.pot totem cohorts spaces

## Write the codes declared with `error_code()` into README.md's "Error codes" table (a test checks it).
error-codes: install-dev
	$(BIN)/python -m tests.test_error_codes

clean:
	rm -rf $(VENV) .pytest_cache
