# Shokuba — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test setup setup-dev check lint typecheck layers audit prod-check bench lock messages clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

## make run: environment, locked dependencies, SQLite database with reference and demo data, server.
run: setup
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference
	$(MANAGE) seed_demo
	@echo "Shokuba: http://127.0.0.1:$(PORT)/  (background tasks: db_worker runs alongside; Ctrl-C stops both)"
	@$(MANAGE) db_worker >var/worker.log 2>&1 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

## make test: test tools, the browser (Debian's chromium), LibreOffice (round trips), poppler (PDF text) and nginx
## (the deployment test) when missing, then every test.
test: setup-dev
	bash scripts/install_browser.sh
	bash scripts/install_axe.sh
	bash scripts/install_libreoffice.sh
	bash scripts/install_poppler.sh
	bash scripts/install_nginx.sh
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	$(BIN)/mypy shokuba

## make layers: import-linter's contracts (pyproject.toml): apps above core above the pure engine, core imports no app.
layers: setup-dev
	$(BIN)/lint-imports

check: lint typecheck layers
	$(MANAGE) makemigrations --check --dry-run
	@# The Citus plan (deploy/citus/tables.toml) against a freshly migrated schema: docs/citus.md.
	@scratch=$$(mktemp -d); \
		DATABASE_URL=sqlite:///$$scratch/schema.sqlite3 $(MANAGE) migrate --noinput -v 0 \
		&& DATABASE_URL=sqlite:///$$scratch/schema.sqlite3 $(MANAGE) check_distribution; \
		status=$$?; rm -rf $$scratch; exit $$status
	DJANGO_SETTINGS_MODULE=shokuba.settings.prod SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(MANAGE) check --deploy --fail-level WARNING

## make prod-check: on a production machine, with its environment (deploy/shokuba.env.example): Django's deploy
## checks and ours (core/management/commands/prod_check.py). Exits non-zero if anything must be fixed first.
prod-check: setup
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-shokuba.settings.prod} $(MANAGE) check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-shokuba.settings.prod} $(MANAGE) prod_check

## make audit: the locked dependencies against the advisory database (pip-audit); says SKIPPED when unreachable.
audit: setup-dev
	$(BIN)/python scripts/audit_dependencies.py requirements.txt requirements-dev.txt

## make bench [ONLY=name]: figures with ratios to a reference (see bench/).
bench: setup-dev
	$(BIN)/python -m bench $(if $(ONLY),--only $(ONLY),)

## make lock: re-resolve the pinned dependency files after editing requirements*.in.
lock: setup-dev
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url -o requirements-dev.txt requirements-dev.in

## make messages: refresh and compile the translation catalogues.
messages: setup
	cd shokuba && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete -i "*/tests/*" -i "migrations/*" \
		&& ../$(BIN)/python ../manage.py compilemessages

clean-db:
	rm -f var/shokuba.sqlite3
