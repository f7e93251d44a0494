# tmdb-async developer tasks. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo demo-distributed bench api-coverage generate generate-check lint format typecheck test test-fast wheel-check docs docs-serve check mutation clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install: $(STAMP)  ## create .venv and install the project with its dev tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,cli,testing]'
	@touch $@

demo: $(STAMP)  ## the main job offline: bulk-fetch 300 movies from an embedded fake TMDB, with faults
	rm -f demo-output/movies.jsonl demo-output/movies.jsonl.failed.jsonl
	$(BIN)/tmdb-async --fake --fake-fault-rate 0.05 fetch movies.details \
		--ids examples/ids.txt --out demo-output/movies.jsonl --append credits,videos
	$(BIN)/tmdb-async --fake get movies.details 11 | head -n 12
	@echo "... one JSON line per movie in demo-output/movies.jsonl"

demo-distributed: $(STAMP)  ## four shard processes share one rate limit through a local Redis (needs redis-server)
	$(PY) bench/distributed.py --demo

generate: $(STAMP)  ## regenerate generated/tmdb_async_api from openapi/tmdb.yaml
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
	$(BIN)/ruff check src tests openapi bench scripts docs
	$(BIN)/ruff format --check src tests openapi bench scripts docs

format: $(STAMP)  ## ruff format and fix what ruff can
	$(BIN)/ruff check --fix src tests openapi bench scripts docs
	$(BIN)/ruff format src tests openapi bench scripts docs

# The tests are checked as Python 3.11 code: the few 3.11-only tests (asyncio.TaskGroup, asyncio.timeout) are the
# looptime ones, which the 3.10 leg of .ci/matrix leaves out. MYPYPATH=tests finds support.py & co.;
# --explicit-package-bases tells the folders' conftest.py files apart. tests/typing is checked above (must_fail.py
# must fail), tests/limits is not checked yet.
typecheck: $(STAMP)  ## mypy --strict and pyright strict on src/, generated/, openapi/resources_base.py and the typing tests (tests/typing/must_fail.py must fail); mypy --strict on the tests
	$(BIN)/mypy
	$(BIN)/mypy openapi/resources_base.py
	$(BIN)/mypy tests/typing
	MYPYPATH=tests $(BIN)/mypy --python-version 3.11 --explicit-package-bases tests/*.py tests/cli tests/client \
		tests/generated tests/limits tests/live tests/models tests/mutation tests/operations tests/reliability tests/testing
	$(BIN)/pyright

test: $(STAMP)  ## run the whole test suite
	$(BIN)/pytest

test-fast: $(STAMP)  ## the fast loop: every test not marked slow (about 20 s)
	$(BIN)/pytest -m "not slow"

wheel-check: $(STAMP)  ## build the wheel, install it in fresh venvs outside the repo (Python 3.10-3.13 found), use it
	$(PY) scripts/check_wheel.py

docs: $(STAMP)  ## build the documentation site into site/ (strict: a warning fails the build)
	$(PY) -m pip install --quiet -r docs/requirements.txt
	NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true $(BIN)/mkdocs build --strict

docs-serve: $(STAMP)  ## serve the documentation site with live reload on http://127.0.0.1:8001
	$(PY) -m pip install --quiet -r docs/requirements.txt
	NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

mutation: $(STAMP)  ## mutation testing of the core (about an hour for all, minutes for one; not in check): MODULES="_retry _fetch" for some; writes tests/MUTATION.md
	$(PY) tests/mutation/run.py $(MODULES)

check: lint typecheck generate-check test  ## everything CI runs

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build demo-output site
