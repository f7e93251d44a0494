"""The generation pipeline and the facade's static types, checked from the outside (subprocesses).

- Thinness: one new operation in a copy of openapi/tmdb.yaml, one `openapi/generate.py --spec ... --out ...`, and
  `tmdb.movies.fancy_facts(550)` works at run time and type-checks, with no hand-written line anywhere.
- Types that must NOT check: mypy --strict rejects an unknown append name, a string id, a string rating, ...
- `openapi/generate.py --check` passes on the committed tree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs the generator and mypy: seconds each

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "tmdb.yaml"
GENERATE = ROOT / "openapi" / "generate.py"

# mypy --strict, with none of pyproject's settings (its `packages=` would check the whole project instead).
MYPY_INI = "[mypy]\nstrict = True\npython_version = 3.10\n"

FANCY_FACTS_PATH = """\
  /3/movie/{movie_id}/fancy_facts:
    get:
      operationId: movies_fancy_facts
      tags: [movies]
      summary: Movie fancy facts
      parameters:
        - $ref: "#/components/parameters/movie_id"
        - $ref: "#/components/parameters/language"
      responses:
        "200":
          description: Fancy facts
          content:
            application/json:
              schema: {$ref: "#/components/schemas/FancyFacts"}
        default: {$ref: "#/components/responses/Error"}
"""

FANCY_FACTS_SCHEMA = """\
    FancyFacts:
      type: object
      required: [id, facts]
      properties:
        id: {type: integer}
        facts:
          type: array
          items: {type: string}
"""

FANCY_FACTS_RUN = """\
import asyncio
import json

import httpx

import tmdb_async_api
from tmdb_async import TMDB

seen = []


def answer(request: httpx.Request) -> httpx.Response:
    seen.append(f"{request.method} {request.url.path}?{request.url.query.decode()}")
    return httpx.Response(200, json={"id": 550, "facts": ["a"]})


async def main() -> None:
    async with TMDB(access_token="tok", transport=httpx.MockTransport(answer)) as tmdb:
        facts = await tmdb.movies.fancy_facts(550, language="en")
        raw = await tmdb.with_raw_response.movies.fancy_facts(550, extra_query={"x": "1"})
    print(tmdb_async_api.__file__)
    print(type(facts).__name__)
    print(json.dumps({"id": facts.id, "facts": facts.facts, "raw": [raw.status_code, raw.parsed.id], "requests": seen}))


asyncio.run(main())
"""

FANCY_FACTS_TYPED = """\
from tmdb_async import TMDB, RawResponse
from tmdb_async_api.models import FancyFacts


async def main(tmdb: TMDB) -> None:
    facts: FancyFacts = await tmdb.movies.fancy_facts(550)
    raw: RawResponse[FancyFacts] = await tmdb.with_raw_response.movies.fancy_facts(550, extra_headers={"X": "y"})
    print(raw.parsed.id)
    x: int = (await tmdb.movies.fancy_facts(550, language="en")).id
    first: str = facts.facts[0]
    print(x, first)
"""

FANCY_FACTS_STRING_ID = """\
from tmdb_async import TMDB


async def main(tmdb: TMDB) -> None:
    await tmdb.movies.fancy_facts("550")
"""


def add_fancy_facts(spec: str) -> str:
    """The spec with one more operation, `movies_fancy_facts`, and its response schema `FancyFacts`."""
    assert spec.count("\npaths:\n") == 1
    assert spec.count("\n  schemas:\n") == 1
    spec = spec.replace("\npaths:\n", "\npaths:\n" + FANCY_FACTS_PATH, 1)
    return spec.replace("\n  schemas:\n", "\n  schemas:\n" + FANCY_FACTS_SCHEMA, 1)


def run_mypy(file: Path, *, cache_dir: Path, mypy_path: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m mypy --strict` on one file, from its folder; MYPYPATH only when given."""
    config = file.parent / "mypy.ini"
    config.write_text(MYPY_INI, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in {"MYPYPATH", "PYTHONPATH"}}
    if mypy_path is not None:
        env["MYPYPATH"] = mypy_path
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(config), "--cache-dir", str(cache_dir)]
    command.append(file.name)
    return subprocess.run(command, cwd=file.parent, env=env, capture_output=True, text=True, timeout=300)


def errors(output: str) -> list[tuple[int, str]]:
    """(line, error code) of each `file.py:LINE: error: ...  [code]` line of mypy's output."""
    return [(int(line), code) for line, code in re.findall(r"^\S+?:(\d+): error: .*\[([\w-]+)\]$", output, re.M)]


# --------------------------------------------------------------------------- thinness


@pytest.fixture(scope="module")
def fancy_facts_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package generated from openapi/tmdb.yaml plus `movies_fancy_facts`: the folder holding tmdb_async_api."""
    tmp = tmp_path_factory.mktemp("fancy_facts")
    spec = tmp / "tmdb.yaml"
    spec.write_text(add_fancy_facts(SPEC.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp / "gen"
    proc = subprocess.run(
        [sys.executable, str(GENERATE), "--spec", str(spec), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "tmdb_async_api" / "resources" / "movies.py").is_file()
    return out


def test_new_spec_operation_needs_no_hand_written_code_to_run(fancy_facts_package: Path, tmp_path: Path) -> None:
    script = tmp_path / "run_fancy_facts.py"
    script.write_text(FANCY_FACTS_RUN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fancy_facts_package), str(ROOT / "src")])}

    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )

    assert proc.returncode == 0, proc.stderr
    module_file, class_name, values = proc.stdout.splitlines()
    assert (
        Path(module_file) == fancy_facts_package / "tmdb_async_api" / "__init__.py"
    )  # the fresh package, not generated/
    assert class_name == "FancyFacts"
    assert json.loads(values) == {
        "id": 550,
        "facts": ["a"],
        "raw": [200, 550],  # with_raw_response and extra_query come with it too
        "requests": ["GET /3/movie/550/fancy_facts?language=en", "GET /3/movie/550/fancy_facts?x=1"],
    }


def mypy_with_fancy_facts(package: Path, check: Path, source: str) -> subprocess.CompletedProcess[str]:
    """run_mypy on `source`, written to `check`, with the generated package that has fancy_facts on MYPYPATH."""
    check.write_text(source, encoding="utf-8")
    return run_mypy(
        check,
        cache_dir=package.parent / "mypy_cache",  # shared: the second run is warm
        mypy_path=os.pathsep.join([str(package), str(ROOT / "src")]),
    )


def test_new_spec_operation_type_checks_with_its_model(fancy_facts_package: Path, tmp_path: Path) -> None:
    proc = mypy_with_fancy_facts(fancy_facts_package, tmp_path / "check_fancy_facts.py", FANCY_FACTS_TYPED)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found in 1 source file")


def test_new_spec_operation_rejects_a_string_id_under_mypy(fancy_facts_package: Path, tmp_path: Path) -> None:
    proc = mypy_with_fancy_facts(
        fancy_facts_package, tmp_path / "check_fancy_facts_string_id.py", FANCY_FACTS_STRING_ID
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert errors(proc.stdout) == [(5, "arg-type")], proc.stdout
    assert 'Argument 1 to "fancy_facts" of "MoviesResource" has incompatible type "str"; expected "int"' in proc.stdout


# --------------------------------------------------------------------------- types that must not check


PRELUDE = """\
from tmdb_async import TMDB
from tmdb_async.models import UNSET, MovieDetails, MoviePage


async def main(tmdb: TMDB) -> None:
"""
FIRST_LINE = PRELUDE.count("\n") + 1  # the line of the snippet's statement


@dataclass(frozen=True)
class Misuse:
    name: str
    statement: str
    codes: tuple[str, ...]  # the mypy error codes it must raise, all on the statement's line
    message: str  # a part of mypy's message


MISUSES = [
    Misuse(
        "unknown_append_name",
        'await tmdb.movies.details(550, append_to_response=["creditz"])',
        ("list-item",),
        """List item 0 has incompatible type "Literal['creditz']"; expected "Literal['account_states',""",
    ),
    Misuse(
        "unknown_tv_append_name",
        'await tmdb.tv.details(1399, append_to_response=["credits", "release_dates"])',
        ("list-item",),
        """List item 1 has incompatible type "Literal['release_dates']\"""",
    ),
    Misuse(
        "string_movie_id",
        'await tmdb.movies.details("550")',
        ("arg-type",),
        'Argument 1 to "details" of "MoviesResource" has incompatible type "str"; expected "int"',
    ),
    Misuse(
        "string_series_id",
        'await tmdb.tv.credits("1399")',
        ("arg-type",),
        'Argument 1 to "credits" of "TvResource" has incompatible type "str"; expected "int"',
    ),
    Misuse(
        "string_rating",
        'await tmdb.movies.add_rating(550, value="8.5")',
        ("arg-type",),
        'Argument "value" to "add_rating" of "MoviesResource" has incompatible type "str"; expected "float"',
    ),
    Misuse(
        "rating_without_value",
        "await tmdb.tv.add_rating(1399)",
        ("call-arg",),
        'Missing named argument "value" for "add_rating" of "TvResource"',
    ),
    Misuse(
        "misspelled_keyword",
        'await tmdb.movies.credits(550, languag="pt-BR")',
        ("call-arg",),
        'Unexpected keyword argument "languag" for "credits" of "MoviesResource"',
    ),
    Misuse(
        "page_passed_positionally",
        "await tmdb.movies.popular(2)",
        ("call-arg", "arg-type"),  # mypy then matches the 2 against `language: str | None`
        'Too many positional arguments for "popular" of "MoviesResource"',
    ),
    Misuse(
        "string_page",
        'await tmdb.movies.popular(page="2")',
        ("arg-type",),
        'Argument "page" to "popular" of "MoviesResource" has incompatible type "str"; expected "int | None"',
    ),
    Misuse(
        "details_read_as_a_page",
        "page: MoviePage = await tmdb.movies.details(550)",
        ("assignment",),
        'Incompatible types in assignment (expression has type "MovieDetails", variable has type "MoviePage")',
    ),
    Misuse(
        "page_read_as_details",
        "movie: MovieDetails = await tmdb.movies.similar(550)",
        ("assignment",),
        'Incompatible types in assignment (expression has type "MoviePage", variable has type "MovieDetails")',
    ),
]


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every snippet against the installed packages: after the first, each run is warm."""
    return tmp_path_factory.mktemp("mypy_cache")


def snippet(statement: str) -> str:
    return PRELUDE + textwrap.indent(statement, "    ") + "\n"


def test_the_snippet_prelude_alone_type_checks(mypy_cache: Path, tmp_path: Path) -> None:
    """The control: the misuses below fail because of their one statement, not because of the prelude."""
    check = tmp_path / "snippet_ok.py"
    check.write_text(
        snippet(
            'movie: MovieDetails = await tmdb.movies.details(550, append_to_response=["credits", "videos"])\n'
            'page: MoviePage = await tmdb.movies.popular(page=2, region="US")\n'
            "await tmdb.tv.add_rating(1399, value=8.5)\n"
            'print(page.results[0].title, "550")\n'
            "if movie.credits is not UNSET:\n"
            "    print(movie.credits.cast[0].name)"
        ),
        encoding="utf-8",
    )

    proc = run_mypy(check, cache_dir=mypy_cache)

    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("misuse", MISUSES, ids=[misuse.name for misuse in MISUSES])
def test_misuse_of_the_facade_is_a_mypy_error(misuse: Misuse, mypy_cache: Path, tmp_path: Path) -> None:
    check = tmp_path / f"snippet_{misuse.name}.py"
    check.write_text(snippet(misuse.statement), encoding="utf-8")

    proc = run_mypy(check, cache_dir=mypy_cache)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert errors(proc.stdout) == [(FIRST_LINE, code) for code in misuse.codes], proc.stdout
    assert misuse.message in proc.stdout


# --------------------------------------------------------------------------- the committed tree


def test_committed_generated_tree_is_what_the_spec_produces() -> None:
    proc = subprocess.run(
        [sys.executable, str(GENERATE), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "generated/tmdb_async_api is up to date"
