# SmartBranch — the commands a person runs. `make run` serves the demo; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE := smartbranch.settings

.PHONY: run test lint typecheck contracts checks pytest system-deps browser-deps migrate seed messages clean help

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

run: system-deps seed
	$(BIN)/python manage.py collectstatic --no-input -v 0
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py serve

# System packages, installed when missing (as root or through sudo): the Noto CJK fonts and pango
# that PDFs with Chinese text need (weasyprint), and for the tests Debian's Chromium (Playwright's
# own browser download cannot work on a closed network).
APT_INSTALL = SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq
system-deps:
	@if [ ! -d /usr/share/fonts/opentype/noto ] || ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then \
		echo "Installing fonts-noto-cjk and pango from the system packages"; \
		$(APT_INSTALL) fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

browser-deps: system-deps
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Chromium from the system packages"; \
		$(APT_INSTALL) chromium >/dev/null; \
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
APPS := core accounts orgs archive moderation development orglife dues publishing learning engagement
messages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		$(foreach app,$(APPS),--ignore '$(app)/*') --ignore 'tests/*'
	for app in $(APPS); do (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete); done
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/staticfiles

# --- Benchmarks (docs/performance.md) -------------------------------------------------------------
# `make bench`: scale data of SIZE (XS, S, M, L, XL; default M) in the PostgreSQL database
# smartbranch_bench, served as `make run` serves it, every scenario driven with wrk. wrk comes from
# the system packages, installed here when missing (as root or through sudo).
# `make bench-compare A=bench/results/x.json B=bench/results/y.json` marks scenarios worse than 10%.
.PHONY: bench bench-compare
SIZE ?= M
bench: $(RUNTIME_STAMP)
	@if ! command -v wrk >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
		echo "Installing wrk from the system packages"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi
	SIZE=$(SIZE) $(BIN)/python -m bench.run

bench-compare:
	@if [ -z "$(A)" ] || [ -z "$(B)" ]; then \
		echo "usage: make bench-compare A=bench/results/first.json B=bench/results/second.json"; exit 2; fi
	$(BIN)/python -m bench.compare $(A) $(B)
