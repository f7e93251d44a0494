"""Helpers shared by the tests: fixture loading and the spec."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import yaml

from tmdb_async import TMDB
from tmdb_async.testing import FakeTMDB

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# TMDB_SPEC_PATH points the tests at another spec (a merged fragment, see openapi/fragments.py).
SPEC_PATH = Path(os.environ.get("TMDB_SPEC_PATH") or ROOT / "openapi" / "tmdb.yaml")


def load_script(relative: str, name: str) -> ModuleType:
    """A script of the repository that is not a package module (e.g. `openapi/lint.py`), imported as `name`."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official(name: str) -> Any:
    """The 200 example of TMDB's official file for a facade method, e.g. `movies.details`.

    Copied unmodified from TMDB's official OpenAPI file (tests/fixtures/reference/tmdb-openapi-official.json)
    into tests/fixtures/official/, so that a fresh clone needs nothing outside the repository.
    """
    return json.loads((FIXTURES / "official" / f"{name}.json").read_text(encoding="utf-8"))


def corrected_names() -> list[str]:
    """The facade methods whose official example is wrong: tests/fixtures/corrected/<method>.json replaces it."""
    return sorted(path.stem for path in (FIXTURES / "corrected").glob("*.json"))


def example(name: str) -> Any:
    """The body TMDB answers for a facade method: the corrected example where the official one is wrong."""
    corrected = FIXTURES / "corrected" / f"{name}.json"
    if corrected.exists():
        return json.loads(corrected.read_text(encoding="utf-8"))
    return official(name)


@cache
def spec() -> dict[str, Any]:
    """openapi/tmdb.yaml, parsed."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


# The escape hatches every facade method takes besides the spec's parameters (openapi/facade.py).
EXTRA_ARGS = frozenset({"extra_query", "extra_headers"})


# asyncio.timeout is Python 3.11+; aiohttp brings async-timeout (the same API) on 3.10.
if sys.version_info >= (3, 11):
    timeout = asyncio.timeout
else:  # pragma: no cover - the 3.10 leg of .ci/matrix
    import async_timeout

    timeout = async_timeout.timeout


T = TypeVar("T")
BOUND = 10.0  # seconds one awaited step may take before the test fails instead of hanging


async def bounded(awaitable: Awaitable[T], seconds: float = BOUND) -> T:
    """`awaitable`, failing the test after `seconds` instead of hanging."""
    return await asyncio.wait_for(awaitable, seconds)


@asynccontextmanager
async def fake_and_client(**fake_options: Any) -> AsyncIterator[tuple[FakeTMDB, TMDB]]:
    """A FakeTMDB(**fake_options) on 127.0.0.1 and an unpaced TMDB client of it (token "test")."""
    async with (
        FakeTMDB(**fake_options) as fake,
        TMDB(base_url=fake.base_url, access_token="test", requests_per_second=None) as tmdb,
    ):
        yield fake, tmdb
