# SmartBranch — the commands a person runs. `make run` serves the demo; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE := smartbranch.settings

.PHONY: run test lint typecheck contracts checks pytest browser-deps migrate seed messages clean help

help:
	@echo "make run   - install, migrate, load the demo university and serve it on http://127.0.0.1:$${PORT:-8000}"
	@echo "make test  - install test tools and Chromium, run linters, type checks and all tests"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "SmartBranch needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	rm -f $(VENV)/.runtime-* && touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-* && touch $@ $(RUNTIME_STAMP)

migrate: $(RUNTIME_STAMP)
	$(BIN)/python manage.py migrate --no-input -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

run: seed
	$(BIN)/python manage.py collectstatic --no-input -v 0
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py serve

# Chromium and CJK fonts come from the system packages (Playwright's own browser download
# cannot work on a closed network); installed here when missing, as root or through sudo.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/opentype/noto ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
		echo "Installing Chromium and Noto CJK fonts from the system packages"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy .

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

checks: $(DEV_STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run
	HTTPS=1 DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=party.example.edu.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: $(DEV_STAMP) browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck contracts checks pytest

# Each app keeps its own catalogue in <app>/locale; the project catalogue (locale/) holds the
# strings of templates/ and smartbranch/. Fill every new msgstr before committing: a test fails on gaps.
APPS := core accounts orgs archive
messages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		$(foreach app,$(APPS),--ignore '$(app)/*') --ignore 'tests/*'
	for app in $(APPS); do (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete); done
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/staticfiles
