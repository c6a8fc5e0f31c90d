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

.PHONY: run serve bench test setup messages lint format clean

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_archive
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	DJANGO_DEBUG=1 $(PY) -m pytest

# The production stack on this machine: DEBUG off, gunicorn (gunicorn.conf.py), static
# files collected and served by WhiteNoise. Nothing terminates TLS here, so unless the
# environment says otherwise: SSL redirect and secure cookies off, hosts 127.0.0.1 and
# localhost, and a secret key generated once into var/secret_key (not in git).
# In production set the variables instead (.env.example, docs/deployment.md).
SECRET_KEY_FILE := var/secret_key
SERVE_ENV = DJANGO_DEBUG=0 PORT=$(PORT) \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	DJANGO_SECURE_COOKIES="$${DJANGO_SECURE_COOKIES:-0}" \
	DJANGO_SECRET_KEY_FILE="$${DJANGO_SECRET_KEY_FILE:-$(SECRET_KEY_FILE)}"

serve: setup
	@if [ -z "$$DJANGO_SECRET_KEY$$DJANGO_SECRET_KEY_FILE" ] && [ ! -s $(SECRET_KEY_FILE) ]; then \
	  mkdir -p $(dir $(SECRET_KEY_FILE)) && \
	  (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE)) && \
	  echo "make serve: generated a secret key in $(SECRET_KEY_FILE)"; fi
	@echo "make serve: DEBUG off. No TLS on this machine, so for local use:" \
	  "DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	  "DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-0} (behind a TLS proxy: both 1)."
	@echo "make serve: migrate, collectstatic, load_archive"
	@$(SERVE_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	@$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(SERVE_ENV) $(PY) manage.py load_archive
	@echo "make serve: gunicorn on http://$${HOST:-127.0.0.1}:$(PORT)/"
	@exec env $(SERVE_ENV) $(VENV)/bin/gunicorn --config gunicorn.conf.py

# The benchmark (scripts/bench.py, docs/performance.md): the production stack on the real
# five projects and on a copy grown to 10,000, side by side, measured with wrk; the project
# page also against a baseline commit. Prints tables; asserts nothing. Quicker:
# BENCH_DURATION=2 (seconds per run), BENCH_PROJECTS=1000, BENCH_BASELINE=none.
bench: setup
	@command -v wrk >/dev/null || { echo "make bench: installing wrk (Debian package)"; \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "make bench: wrk missing: apt-get install wrk"; exit 1; }
	$(PY) scripts/bench.py

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
