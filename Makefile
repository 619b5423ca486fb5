# The two commands: `make run` (demo server on SQLite) and `make test` (lint, types, suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PLANS := nap1325/data/plans/mali-2012-2014.yaml nap1325/data/plans/mali-2015-2017.yaml \
	nap1325/data/plans/mali-2019-2023.yaml
HOST ?= 127.0.0.1:8000
# `make run DEMO=0` starts without the fictitious operational plan (and removes it).
DEMO ?= 1

.PHONY: run demo-data screenshots test lint types suite bench messages makemessages install clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint constraints.txt --editable '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compile the translations (.po → .mo) with Babel: no system gettext needed.
messages: install
	$(BIN)/pybabel compile --statistics --directory locale --domain django

run: messages
	$(MAKE) --no-print-directory demo-data
	DEBUG=1 $(MANAGE) demo_login
	@echo "Serving on http://$(HOST)/ (Ctrl-C to stop)"
	DEBUG=1 $(MANAGE) runserver $(HOST)

# The database of `make run` (of DATABASE_URL, else db.sqlite3): Mali's places,
# plans, observatory and alignment, and with DEMO=1 the fictitious reports.
demo-data:
	DEBUG=1 $(MANAGE) migrate --verbosity 0
	DEBUG=1 $(MANAGE) loadplaces
	DEBUG=1 $(MANAGE) loadobservatory
	for plan in $(PLANS); do DEBUG=1 $(MANAGE) loadplan $$plan || exit 1; done
	DEBUG=1 $(MANAGE) loadglobalindicators
	DEBUG=1 $(MANAGE) loadalignment nap1325/data/alignment/mali-2019-2023-tags.yaml
	if [ "$(DEMO)" = 1 ]; then DEBUG=1 $(MANAGE) demo; else DEBUG=1 $(MANAGE) demo --remove; fi

# The guides' screenshots (docs/screenshots/), from a fresh demonstration
# database in a temporary folder; needs Chromium and chromedriver.
screenshots: messages
	$(BIN)/python docs/screenshots/take.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy .

# One test process per core (pytest-xdist); each has its own test database.
WORKERS ?= auto

suite: messages
	$(BIN)/pytest -n $(WORKERS)

test: lint types suite

# Every benchmark (bench/README.md): `make bench FIGURES=10000000`; with
# DATABASE_URL=postgres://… they run in a database nap1325_bench beside it.
FIGURES ?= 1000000

bench: messages
	$(BIN)/python bench/run.py --figures $(FIGURES)

# For developers (needs GNU gettext): refresh the .po files from the code.
makemessages: install
	$(MANAGE) makemessages --locale fr --locale en --no-obsolete --no-location --ignore '.venv/*' --ignore 'build/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
