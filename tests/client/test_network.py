"""The default network layer: respx (and any httpx mock) sees a default TMDB()'s requests; real traffic goes by aiohttp.

Every test points TMDB at a port of 127.0.0.1 where nothing listens: a request that escaped the
mock fails fast with a connection error instead of reaching the real TMDB.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import sys
from collections.abc import Iterator

import httpx
import pytest
import respx

from tmdb_async import TMDB, APIConnectionError, NotFoundError
from tmdb_async._aiohttp import AiohttpTransport
from tmdb_async._network import NetworkTransport, httpx_is_mocked
from tmdb_async._throttle import Timing
from tmdb_async.testing import FakeTMDB

from support import official

MOVIE = official("movies.details")
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}


@pytest.fixture
def dead_base_url() -> Iterator[str]:
    """http://127.0.0.1:<port> of a bound socket that does not listen: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


async def test_respx_routes_answer_a_default_client(dead_base_url: str) -> None:
    with respx.mock(base_url=dead_base_url, assert_all_called=True) as router:
        route = router.get("/3/movie/550").mock(return_value=httpx.Response(200, json=MOVIE))
        async with TMDB(base_url=dead_base_url, access_token="t0ken", max_retries=0) as tmdb:
            movie = await asyncio.wait_for(tmdb.movies.details(550, language="fr-FR"), 5)

    assert movie.title == MOVIE["title"]
    assert route.call_count == 1
    sent = route.calls.last.request
    assert sent.url.params["language"] == "fr-FR"
    assert sent.headers["Authorization"] == "Bearer t0ken"


async def test_the_respx_docs_example_with_the_real_base_url_is_hit() -> None:
    # What respx's documentation shows: the decorator and the API's real URL.
    @respx.mock
    async def users_test() -> str:
        respx.get("https://api.themoviedb.org/3/movie/550").mock(return_value=httpx.Response(200, json=MOVIE))
        async with TMDB(access_token="t0ken", max_retries=0) as tmdb:
            return (await asyncio.wait_for(tmdb.movies.details(550), 5)).title

    assert await users_test() == MOVIE["title"]


async def test_a_mocked_error_status_still_raises_the_typed_error(dead_base_url: str) -> None:
    with respx.mock(base_url=dead_base_url) as router:
        router.get("/3/movie/1").mock(return_value=httpx.Response(404, json=NOT_FOUND))
        async with TMDB(base_url=dead_base_url, access_token="t0ken", max_retries=0) as tmdb:
            with pytest.raises(NotFoundError) as caught:
                await asyncio.wait_for(tmdb.movies.details(1), 5)

    assert caught.value.tmdb_status_code == 34


async def test_a_mocked_503_is_retried_by_the_client(dead_base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=no_wait))
    with respx.mock(base_url=dead_base_url) as router:
        route = router.get("/3/movie/550")
        route.side_effect = [httpx.Response(503, json={"status_code": 9}), httpx.Response(200, json=MOVIE)]
        async with TMDB(base_url=dead_base_url, access_token="t0ken", max_retries=2) as tmdb:
            movie = await asyncio.wait_for(tmdb.movies.details(550), 5)
            assert tmdb.stats.retries == 1

    assert movie.id == MOVIE["id"]
    assert route.call_count == 2


async def test_a_client_made_before_the_mock_started_is_mocked_too(dead_base_url: str) -> None:
    async with TMDB(base_url=dead_base_url, access_token="t0ken", max_retries=0) as tmdb:
        with pytest.raises(APIConnectionError):
            await asyncio.wait_for(tmdb.movies.details(550), 5)
        with respx.mock(base_url=dead_base_url) as router:
            router.get("/3/movie/550").mock(return_value=httpx.Response(200, json=MOVIE))
            movie = await asyncio.wait_for(tmdb.movies.details(550), 5)

    assert movie.id == MOVIE["id"]


def test_mock_detection_follows_respx_start_and_stop() -> None:
    assert not httpx_is_mocked()
    with respx.mock:
        assert httpx_is_mocked()
    assert not httpx_is_mocked()


def test_a_patched_httpx_transport_as_pytest_httpx_does_is_detected_too() -> None:
    # pytest-httpx replaces httpx.AsyncHTTPTransport.handle_async_request rather than httpcore's pool.
    original = httpx.AsyncHTTPTransport.handle_async_request

    async def replaced(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        raise AssertionError("not called")  # pragma: no cover

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", replaced)
        assert httpx_is_mocked()
    assert httpx.AsyncHTTPTransport.handle_async_request is original
    assert not httpx_is_mocked()


async def test_unmocked_traffic_goes_through_aiohttp_and_never_creates_an_httpx_pool() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test") as tmdb:
        movie = await asyncio.wait_for(tmdb.movies.details(550), 5)
        network = tmdb._transport.inner
        assert isinstance(network, NetworkTransport)
        assert isinstance(network.aiohttp, AiohttpTransport)
        assert network.aiohttp._session is not None
        assert network._httpx is None

    assert movie.id == 550


def test_without_httpcore_imported_nothing_is_mocked(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx imports httpcore lazily: a program that never built an httpx transport has no httpcore to patch.
    monkeypatch.delitem(sys.modules, "httpcore", raising=False)
    assert not httpx_is_mocked()


@pytest.mark.parametrize("patched", ["httpx", "httpcore"])
def test_a_replacement_without_a_qualname_counts_as_a_mock(patched: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A patcher may install a callable object (a partial, a Mock) that has no __qualname__: still a mock, no crash.
    import httpcore

    owner: type[httpx.AsyncHTTPTransport] | type[httpcore.AsyncConnectionPool] = (
        httpx.AsyncHTTPTransport if patched == "httpx" else httpcore.AsyncConnectionPool
    )
    replacement = functools.partial(owner.handle_async_request)
    assert not hasattr(replacement, "__qualname__")
    monkeypatch.setattr(owner, "handle_async_request", replacement)
    assert httpx_is_mocked()


async def test_closing_twice_after_a_mocked_request_closes_the_httpx_pool_once(dead_base_url: str) -> None:
    closed: list[str] = []

    class Layer(httpx.AsyncHTTPTransport):
        async def aclose(self) -> None:
            closed.append("httpx")
            await super().aclose()

    network = NetworkTransport(AiohttpTransport(max_connections=1), Layer)
    with respx.mock(base_url=dead_base_url, assert_all_called=True) as router:
        router.get("/3/movie/550").mock(return_value=httpx.Response(200, json=MOVIE))
        answer = await network.handle_async_request(httpx.Request("GET", f"{dead_base_url}/3/movie/550"))
        assert answer.status_code == 200
    await network.aclose()
    await network.aclose()

    assert closed == ["httpx"]
    assert network._httpx is None
