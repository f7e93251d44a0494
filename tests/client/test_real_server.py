"""TMDB against a real HTTP/1.1 server on 127.0.0.1: real sockets, the real httpx transport and its pool.

The server is a few lines of asyncio streams in the test's own event loop; it counts the connections
open at once and the requests in progress at once. Every test is bounded by `asyncio.wait_for`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import pytest

from tmdb_async import TMDB, NotFoundError
from tmdb_async._throttle import Timing
from tmdb_async.models import MovieDetails

from support import official

T = TypeVar("T")

MOVIE = official("movies.details")
NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
OFFLINE = {"success": False, "status_code": 9, "status_message": "Service offline."}
REASONS = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}
BOUND = 5.0  # seconds any test may take before it fails instead of hanging


class TinyTMDB:
    """Serves /3/movie/550 (the official details example), /3/movie/404 (TMDB's 404) and /3/movie/13 (503, then 200)."""

    def __init__(self) -> None:
        self.port = 0
        self.hits: Counter[str] = Counter()
        self.open_connections = 0
        self.peak_connections = 0
        self.in_progress = 0
        self.peak_in_progress = 0
        self.authorizations: list[str] = []
        self._handlers: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str) -> tuple[int, object]:
        self.hits[path] += 1
        if path == "/3/movie/550":
            return 200, MOVIE
        if path == "/3/movie/13" and self.hits[path] == 1:
            return 503, OFFLINE
        if path == "/3/movie/13":
            return 200, MOVIE
        return 404, NOT_FOUND

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        self.open_connections += 1
        self.peak_connections = max(self.peak_connections, self.open_connections)
        try:
            while await self._answer_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open_connections -= 1
            writer.close()
            self._writers.discard(writer)
            self._handlers.discard(task)

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        request_line = await reader.readline()
        if not request_line:
            return False  # the client closed the connection
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if length := int(headers.get("content-length", "0")):
            await reader.readexactly(length)
        self.authorizations.append(headers.get("authorization", ""))
        self.in_progress += 1
        self.peak_in_progress = max(self.peak_in_progress, self.in_progress)
        try:
            target = request_line.decode("latin-1").split(" ")[1]
            status, body = self.route(target.split("?", 1)[0])
            for _ in range(5):
                await asyncio.sleep(0)  # let the other connections' requests arrive meanwhile
            payload = json.dumps(body).encode()
            head = (
                f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: application/json;charset=utf-8\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + payload)
            await writer.drain()
        finally:
            self.in_progress -= 1
        return True

    async def shut_down(self) -> None:
        for writer in list(self._writers):
            writer.close()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=BOUND)


@pytest.fixture
async def tiny_tmdb_server() -> AsyncIterator[TinyTMDB]:
    """A TinyTMDB listening on a free port of 127.0.0.1, shut down (connections included) after the test."""
    tiny = TinyTMDB()
    server = await asyncio.start_server(tiny.handle, "127.0.0.1", 0)
    tiny.port = server.sockets[0].getsockname()[1]
    try:
        yield tiny
    finally:
        server.close()
        await tiny.shut_down()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.wait_closed(), BOUND)


def client_of(server: TinyTMDB, **options: Any) -> TMDB:
    return TMDB(base_url=server.base_url, access_token="t", timeout=3, **options)


async def bounded(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, BOUND)


async def test_details_are_fetched_and_parsed_over_a_real_socket(tiny_tmdb_server: TinyTMDB) -> None:
    async with client_of(tiny_tmdb_server) as tmdb:
        movie = await bounded(tmdb.movies.details(550))

    assert isinstance(movie, MovieDetails)
    assert movie.id == MOVIE["id"]
    assert movie.title == "Star Wars"
    assert tiny_tmdb_server.authorizations == ["Bearer t"]


async def test_a_tmdb_404_over_a_real_socket_raises_not_found_error(tiny_tmdb_server: TinyTMDB) -> None:
    async with client_of(tiny_tmdb_server) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await bounded(tmdb.movies.details(404))

    assert caught.value.status_code == 404
    assert caught.value.tmdb_status_code == 34
    assert caught.value.url == f"{tiny_tmdb_server.base_url}/3/movie/404"
    assert tiny_tmdb_server.hits["/3/movie/404"] == 1


async def test_a_503_over_a_real_socket_is_retried_after_the_backoff(
    tiny_tmdb_server: TinyTMDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=no_sleep, random=lambda: 0.0))

    async with client_of(tiny_tmdb_server, requests_per_second=None) as tmdb:
        movie = await bounded(tmdb.movies.details(13))

    assert movie.title == "Star Wars"
    assert tiny_tmdb_server.hits["/3/movie/13"] == 2
    assert waits == [0.25]


async def test_max_concurrency_caps_the_connections_open_at_the_server(tiny_tmdb_server: TinyTMDB) -> None:
    # requests_per_second=None: no pacing, so only max_concurrency holds the 50 calls back.
    async with client_of(tiny_tmdb_server, max_concurrency=5, requests_per_second=None) as tmdb:
        movies = await bounded(asyncio.gather(*(tmdb.movies.details(550) for _ in range(50))))

    assert [movie.id for movie in movies] == [MOVIE["id"]] * 50
    assert tiny_tmdb_server.hits["/3/movie/550"] == 50
    assert tiny_tmdb_server.peak_connections == 5
    assert tiny_tmdb_server.peak_in_progress == 5
