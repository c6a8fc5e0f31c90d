# clusterspace: `make run` serves the archive for development, `make test` runs the suite.
# Both set themselves up: a virtual environment in .venv from pyproject.toml, the
# compiled translations, the database schema and the archive's content.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup messages lint format clean

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_archive
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	DJANGO_DEBUG=1 $(PY) -m pytest

setup: $(STAMP) messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

# Compiled catalogues are build products: made from the .po files with GNU gettext.
messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "msgfmt missing: apt-get install gettext"; exit 1; }
	msgfmt --check-format -o $@ $<

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
