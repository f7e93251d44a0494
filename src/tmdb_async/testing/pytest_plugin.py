"""The pytest plugin of tmdb-async: `tmdb_fake` (a running FakeTMDB) and `tmdb` (a client bound to it).

Installed with the package (entry point `pytest11`), so a test needs nothing else:

    async def test_title(tmdb):
        movie = await tmdb.movies.details(550)
        assert movie.title

    async def test_scripted(tmdb, tmdb_fake):
        tmdb_fake.add_movie(949, title="Heat")
        assert (await tmdb.search.movies(query="heat")).results[0].id == 949

The fixtures are async fixtures of pytest-asyncio, one fake per test: with pytest-asyncio's
`asyncio_mode = "auto"` plain `async def` tests use them; in its default strict mode mark
the tests `@pytest.mark.asyncio`. `@pytest.mark.tmdb_fake(fault_rate=0.1, seed=3)` passes
options to FakeTMDB. The client has `access_token="test"`, no rate limit, and otherwise
TMDB's defaults; `tmdb.with_options(...)` changes them for a call.

Everything heavy is imported inside the fixtures: a project that has tmdb-async installed
but does not use these fixtures pays nothing at pytest start-up.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tmdb_async import TMDB
    from tmdb_async.testing import FakeTMDB

HAS_PYTEST_ASYNCIO = importlib.util.find_spec("pytest_asyncio") is not None

MISSING_ASYNCIO = (
    "the tmdb_fake and tmdb fixtures are async fixtures of pytest-asyncio: `pip install pytest-asyncio` "
    '(and set asyncio_mode = "auto", or mark the tests @pytest.mark.asyncio)'
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tmdb_fake(**options): options for the tmdb_fake fixture's FakeTMDB (fault_rate=, seed=, ...)"
    )


def _fake_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("tmdb_fake")
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError("@pytest.mark.tmdb_fake takes keyword options only, e.g. tmdb_fake(fault_rate=0.1)")
    return dict(marker.kwargs)


if HAS_PYTEST_ASYNCIO:
    import pytest_asyncio

    @pytest_asyncio.fixture
    async def tmdb_fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeTMDB]:
        """A FakeTMDB running on 127.0.0.1 for this test (options from @pytest.mark.tmdb_fake)."""
        from tmdb_async.testing import FakeTMDB

        async with FakeTMDB(**_fake_options(request)) as fake:
            yield fake

    @pytest_asyncio.fixture
    async def tmdb(tmdb_fake: FakeTMDB) -> AsyncIterator[TMDB]:
        """A TMDB client bound to `tmdb_fake` (access token "test", no rate limit)."""
        from tmdb_async import TMDB

        async with TMDB(base_url=tmdb_fake.base_url, access_token="test", requests_per_second=None) as client:
            yield client

else:  # pragma: no cover - exercised only where pytest-asyncio is absent
    # Named through `name=`: one function name per definition, so type checkers see no redefinition.
    @pytest.fixture(name="tmdb_fake")
    def _tmdb_fake_missing_asyncio() -> None:
        pytest.fail(MISSING_ASYNCIO, pytrace=False)

    @pytest.fixture(name="tmdb")
    def _tmdb_missing_asyncio() -> None:
        pytest.fail(MISSING_ASYNCIO, pytrace=False)
