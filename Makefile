# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help run test test-sqlite test-postgres frontend openapi lint clean-test-dbs bench

help:
	@echo "make run    build and serve the portal at http://127.0.0.1:8080 with demo data (SQLite)"
	@echo "make test   run every test on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set"

## Build the SPA when there is one, migrate, seed the demo on first start, serve.
run: frontend
	$(CARGO) build --release -p ordinavo-api
	./target/release/ordinavo serve --demo-if-empty

frontend:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || npm ci; } && npm run build; \
	fi

## Every test: SQLite always; PostgreSQL as well when TEST_DATABASE_URL is set; then the SPA's
## lint, types, API-drift check, component tests and the Chromium end-to-end run (which drives the
## debug `ordinavo` binary, found under CARGO_TARGET_DIR or ./target).
test: test-sqlite test-postgres
	@if [ -f frontend/package.json ]; then \
	  $(CARGO) build -q -p ordinavo-api && \
	  cd frontend && { [ -d node_modules ] || npm ci; } && npm test; \
	fi

test-sqlite:
	env -u TEST_DATABASE_URL $(CARGO) test --workspace

test-postgres:
	@if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
	  echo "== the same suite on PostgreSQL ($${TEST_DATABASE_URL%%@*}@…)"; \
	  $(CARGO) test --workspace; \
	else \
	  echo "== TEST_DATABASE_URL is unset: PostgreSQL run skipped (e.g. TEST_DATABASE_URL=$(PG_ADMIN_URL))"; \
	fi

## The hot-path benchmark (never part of `make test`): PostgreSQL and SQLite, ROWS appointments
## (default 100000); results go in bench/RESULTS.md by hand.
bench:
	bench/run.sh --rows $${ROWS:-100000}

## Regenerate openapi/*.json from the code.
openapi:
	$(CARGO) run -q -p ordinavo-api -- openapi export --out openapi

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## Drop the per-test PostgreSQL databases (ordinavo_test_*) left by earlier runs.
clean-test-dbs:
	@psql "$(PG_ADMIN_URL)" -Atc "select datname from pg_database where datname like 'ordinavo\_test\_%' or datname like 'ordinavo\_ci\_%'" \
	  | while read -r db; do psql "$(PG_ADMIN_URL)" -qc "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)"; done
