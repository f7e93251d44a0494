# tmdb-async developer tasks. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo bench api-coverage generate generate-check lint format typecheck test test-fast check mutation clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install the project with its dev tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

demo: $(STAMP)  ## the main job offline: bulk-fetch 300 movies from an embedded fake TMDB, with faults
	rm -f demo-output/movies.jsonl demo-output/movies.jsonl.failed.jsonl
	$(BIN)/tmdb-async --fake --fake-fault-rate 0.05 fetch movies.details \
		--ids examples/ids.txt --out demo-output/movies.jsonl --append credits,videos
	$(BIN)/tmdb-async --fake get movies.details 11 | head -n 12
	@echo "... one JSON line per movie in demo-output/movies.jsonl"

generate: $(STAMP)  ## regenerate generated/tmdb_api from openapi/tmdb.yaml
	$(PY) openapi/generate.py

generate-check: $(STAMP)  ## fail if generated/ is not exactly what the spec produces
	$(PY) openapi/generate.py --check

bench: $(STAMP)  ## benchmark against raw httpx, aiohttp, tmdbsimple and themoviedb; writes bench/RESULTS.md
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/run.py

api-coverage: $(STAMP)  ## API coverage (not code coverage): which of TMDB's official operations the spec covers, and what is missing
	$(PY) openapi/coverage.py

lint: $(STAMP)  ## validate the spec (openapi-spec-validator + openapi/lint.py), ruff check and ruff format --check
	$(PY) -m openapi_spec_validator openapi/tmdb.yaml
	$(PY) openapi/lint.py
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml
	$(BIN)/ruff check src tests openapi bench
	$(BIN)/ruff format --check src tests openapi bench

format: $(STAMP)  ## ruff format and fix what ruff can
	$(BIN)/ruff check --fix src tests openapi bench
	$(BIN)/ruff format src tests openapi bench

typecheck: $(STAMP)  ## mypy --strict on src/, generated/ and the typing tests
	$(BIN)/mypy
	$(BIN)/mypy tests/typing

test: $(STAMP)  ## run the whole test suite
	$(BIN)/pytest

test-fast: $(STAMP)  ## the fast loop: every test not marked slow (about 20 s)
	$(BIN)/pytest -m "not slow"

mutation: $(STAMP)  ## mutation testing of the core (about 15 min; not in check): MODULES="_retry _fetch" for some; writes tests/MUTATION.md
	$(PY) tests/mutation/run.py $(MODULES)

check: lint typecheck generate-check test  ## everything CI runs

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build demo-output
