# The two commands: `make run` (Gilde with demo data on embedded defaults) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000

# uv from PATH, else the copy `make` installs into ~/.local/bin. Never let uv download a Python:
# .python-version asks for 3.13, which must come from the machine (pyenv here).
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export UV_PYTHON_DOWNLOADS := never

# Services the test suite runs against; override from the environment.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gilde
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# The benchmarks' own database (seeded once with seed_scale; never the test database).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gilde_bench

.PHONY: help install run test audit lint format translations bench bench-notifications bench-dashboard load

help:
	@echo "make run    Gilde with demo data at http://127.0.0.1:$(PORT) (no servers needed)"
	@echo "make test   ruff, then the whole pytest suite on PostgreSQL and Redis, with coverage"

$(UV):
	python3 -m pip install --user --quiet uv

install: $(UV)
	$(UV) sync --frozen --quiet
	DEBUG=true $(UV) run --frozen python manage.py compile_translations -v 0 >/dev/null

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --silent

# Embedded mode: SQLite in var/, tasks in-process, mail in the local outbox (/dev/mail/), whatever
# service URLs the shell may hold.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL -u EMAIL_HOST DEBUG=true $(UV) run --frozen python manage.py

run: install
	$(EMBEDDED) migrate --noinput -v 0
	$(EMBEDDED) seed_demo
	@echo "Gilde: http://127.0.0.1:$(PORT)/  (local outbox: http://127.0.0.1:$(PORT)/dev/mail/)"
	$(EMBEDDED) run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(EMBEDDED) runserver 127.0.0.1:$(PORT)

test: export DEBUG := true
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: install node_modules/.package-lock.json
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	UV=$(UV) $(UV) run --frozen python tools/audit_dependencies.py
	$(UV) run --frozen pytest --cov --cov-report=term:skip-covered

# Every locked package against PyPI's advisories (tools/audit_dependencies.py); fails on a known
# vulnerability. Also the first step of make test.
audit: install
	UV=$(UV) $(UV) run --frozen python tools/audit_dependencies.py

lint: install
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

translations: install
	@# Extracting strings needs GNU gettext (xgettext); compiling them does not.
	$(UV) run --frozen python manage.py makemessages -l nl -l en --no-location --ignore=.venv --ignore=node_modules --ignore=var
	$(UV) run --frozen python manage.py compile_translations

# Page benchmark (not part of make test; a scaled-down run of it is, as a smoke test): every key
# page through gunicorn on PostgreSQL and Redis with seed_scale's data (BENCH_FACTOR, default 1.0,
# seeded once into BENCH_DATABASE_URL), written to BENCHMARKS.md. See bench/pages.py.
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(UV) run --frozen python bench/pages.py

# Outbox benchmark (not part of make test): BENCH_COUNT=10000 by default.
bench-notifications: install
	$(UV) run --frozen python bench/notifications.py

# Load and faults (not part of make test; a 30-intern run with both faults is): 300 interns answer
# a survey within a minute through gunicorn, then the database is counted; exits 1 on any
# violation. LOAD_FAULT=redis, postgres or redis,postgres; see bench/load.py for the other knobs.
load: install
	$(UV) run --frozen python bench/load.py

# Dashboard benchmark (not part of make test): seeds its own database once with seed_scale at
# factor 1.0, times the dashboard and writes the table into README.md (BENCH_README=0: print only).
bench-dashboard: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(UV) run --frozen python bench/dashboard.py
