# tmdb-async developer tasks. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo demo-distributed bench coverage generate generate-check lint format typecheck test check clean

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

demo-distributed: $(STAMP)  ## four shard processes share one rate limit through a local Redis (needs redis-server)
	$(PY) bench/distributed.py --demo

generate: $(STAMP)  ## regenerate generated/tmdb_api from openapi/tmdb.yaml
	$(PY) openapi/generate.py

generate-check: $(STAMP)  ## fail if generated/ is not exactly what the spec produces
	$(PY) openapi/generate.py --check

bench: $(STAMP)  ## benchmark against raw httpx, aiohttp, tmdbsimple and themoviedb; writes bench/RESULTS.md
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/run.py

coverage: $(STAMP)  ## which of TMDB's 152 official operations the spec covers, and what is missing
	$(PY) openapi/coverage.py

lint: $(STAMP)  ## validate the spec, ruff check and ruff format --check
	$(PY) -m openapi_spec_validator openapi/tmdb.yaml
	$(BIN)/ruff check src tests openapi
	$(BIN)/ruff format --check src tests openapi

format: $(STAMP)  ## ruff format and fix what ruff can
	$(BIN)/ruff check --fix src tests openapi
	$(BIN)/ruff format src tests openapi

typecheck: $(STAMP)  ## mypy --strict on src/, generated/ and the typing tests
	$(BIN)/mypy
	$(BIN)/mypy tests/typing

test: $(STAMP)  ## run the test suite
	$(BIN)/pytest

check: lint typecheck generate-check test  ## everything CI runs

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build demo-output
