# BZPEER's everyday commands. `make run` and `make test` set up everything they
# need on a fresh machine: the virtual environment, the packages from uv.lock and,
# when DATABASE_URL is unset, the embedded Postgres (see bzpeer/localdb.py).

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
WITH_DB := $(PY) -m bzpeer.localdb
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint fmt check ci bench install clean

run: $(VENV)/.installed ## Import the demo records and serve http://127.0.0.1:8000/
	$(WITH_DB) sh -c '$(PY) manage.py load_demo \
		&& exec $(PY) manage.py runserver $(HOST):$(PORT)'

test: $(VENV)/.installed ## Lint, type-check, check migrations and settings, run the tests
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djhtml --check templates
	$(WITH_DB) sh -c '$(VENV)/bin/mypy bzpeer profiles works graph \
		&& $(PY) manage.py makemigrations --check --dry-run \
		&& DEBUG=0 SECRET_KEY=check-only-$$$$-not-a-real-secret-key-value-0123456789 \
			ALLOWED_HOSTS=bzpeer.example SECURE_SSL_REDIRECT=1 \
			$(PY) manage.py check --deploy --fail-level WARNING \
		&& $(PY) -m pytest $(PYTEST_ARGS)'

lint: $(VENV)/.installed
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djhtml --check templates

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml templates

check: $(VENV)/.installed
	$(WITH_DB) $(PY) manage.py makemigrations --check --dry-run

ci: test

bench: $(VENV)/.installed ## Print speed figures (see docs/performance.md)
	$(WITH_DB) $(PY) -m tests.bench.profile_page

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(PY) || "$$(.ci/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --locked --inexact --python $(PY)
	touch $@

clean: ## Remove the virtual environment and the embedded database's data
	rm -rf $(VENV) .pgdata staticfiles
