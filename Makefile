# clusterspace: `make run` serves the archive for development, `make test` runs the suite.
# Both set themselves up: a virtual environment in .venv from the lock files
# (requirements/*.txt, compiled from pyproject.toml), the compiled translations, the
# database schema and the archive's content.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run serve bench deploy-check test export setup lock upgrade messages lint format clean

run: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_archive
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	DJANGO_DEBUG=1 $(PY) -m pytest

# The whole public site as static files (manage.py export_site): DIR=path (default
# export/), EXPORT_FLAGS="--replace --base-url https://… --warc" for more. Exports the
# database `make run` serves; in production run `manage.py export_site` with its settings.
DIR ?= export
EXPORT_FLAGS ?=
export: setup
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput --verbosity 0
	DJANGO_DEBUG=1 $(PY) manage.py load_archive
	DJANGO_DEBUG=1 $(PY) manage.py export_site "$(DIR)" $(EXPORT_FLAGS)

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

# The benchmark (scripts/bench.py, docs/performance.md): issue 19's goals on SQLite and on
# a throwaway PostgreSQL 15 cluster, side by side: the production stack on the real five
# projects and on copies grown to 500 and 10,000, measured with wrk (uncached, cached,
# first requests, worker memory); the site through nginx with the micro-cache
# (scripts/bench_nginx.py, deploy/nginx/); the code's size in lines; last a table of the
# goals, met or not. Before it, the static export on nginx beside the live site
# (scripts/bench_export.py). Prints tables; asserts nothing; about 35 minutes.
# Quicker: BENCH_DURATION=2 (seconds per run) BENCH_PROJECTS=1000; BENCH_ENGINES=sqlite
# (or postgresql); BENCH_BASELINE=<git revision> adds that commit's project page.
bench: setup
	@command -v wrk >/dev/null || { echo "make bench: installing wrk (Debian package)"; \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || \
	  { echo "make bench: wrk missing: apt-get install wrk"; exit 1; }
	$(PY) scripts/bench_export.py
	$(PY) scripts/bench.py

# The deployment as an operator installs it (deploy/), checked through nginx: PostgreSQL,
# Redis, gunicorn and Debian's nginx on 127.0.0.1, each installed with apt-get if missing
# and all stopped at the end (scripts/deploy_check.py). Prints PASS/FAIL per check.
deploy-check: setup
	$(PY) scripts/deploy_check.py

setup: $(STAMP) messages

# Installs exactly the versions in the lock, checked against their hashes, then the
# project itself without resolving anything (its build backend, setuptools, is pinned in
# the lock too). requirements/test.txt holds everything in requirements/base.txt (the
# app and the extras a deployment may use) plus the test tools, at the same versions.
PIP := $(PY) -m pip --quiet --disable-pip-version-check
$(STAMP): pyproject.toml requirements/base.txt requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements/test.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $(STAMP)

# The lock files, compiled by pip-tools for the Python that runs them (3.11 here and in
# CI). `make lock` keeps every pinned version and only adds or drops what pyproject.toml
# changed; `make upgrade` moves everything to the newest versions pyproject.toml admits.
# requirements/base.txt: the app with the deployment extras (s3, redis, memcached,
# sentry); requirements/test.txt: all extras, held to base.txt's versions.
DEPLOY_EXTRAS := --extra s3 --extra redis --extra memcached --extra sentry
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --all-build-deps --newline=lf \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
# Needs only pip-tools (pinned in requirements/test.txt), not an installed project: the
# lock is recompiled exactly when pyproject.toml and the installed set disagree.
lock:
	@test -x $(VENV)/bin/pip-compile || { $(PYTHON) -m venv $(VENV) && \
	  $(PIP) install --require-hashes --no-deps -r requirements/test.txt; }
	$(PIP_COMPILE) $(UPGRADE) $(DEPLOY_EXTRAS) -o requirements/base.txt pyproject.toml
	$(PIP_COMPILE) $(UPGRADE) --all-extras -c requirements/base.txt \
	  -o requirements/test.txt pyproject.toml

upgrade:
	$(MAKE) lock UPGRADE=--upgrade

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
