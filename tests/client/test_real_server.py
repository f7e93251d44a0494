"""TMDB against a real HTTP/1.1 server on 127.0.0.1: real sockets, the real httpx transport and its pool.

The server is tests/scripted_server.py in the test's own event loop; it counts the connections open at
once and the requests in progress at once. Every test is bounded by `asyncio.wait_for`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tmdb_async import TMDB, NotFoundError
from tmdb_async._throttle import Timing
from tmdb_async.models import MovieDetails

from scripted_server import NOT_FOUND, Answer, Handler, ScriptedServer, delayed, in_turn
from support import bounded, official

MOVIE = official("movies.details")
OFFLINE = {"success": False, "status_code": 9, "status_message": "Service offline."}


def turning(answer: Answer) -> Handler:
    """`answer` after five turns of the event loop: the other connections' requests arrive meanwhile."""
    return delayed(answer, turns=5)


@pytest.fixture
async def tiny_tmdb_server() -> AsyncIterator[ScriptedServer]:
    """Serves /3/movie/550 (the official details example), /3/movie/13 (503, then 200) and TMDB's 404 elsewhere."""
    routes = {
        "/3/movie/550": turning(Answer(MOVIE)),
        "/3/movie/13": in_turn(turning(Answer(OFFLINE, 503)), turning(Answer(MOVIE))),
    }
    async with ScriptedServer(routes, default=turning(NOT_FOUND)) as server:
        yield server


def client_of(server: ScriptedServer, **options: Any) -> TMDB:
    return TMDB(base_url=server.base_url, access_token="t", timeout=3, **options)


async def test_details_are_fetched_and_parsed_over_a_real_socket(tiny_tmdb_server: ScriptedServer) -> None:
    async with client_of(tiny_tmdb_server) as tmdb:
        movie = await bounded(tmdb.movies.details(550))

    assert isinstance(movie, MovieDetails)
    assert movie.id == MOVIE["id"]
    assert movie.title == "Star Wars"
    assert [seen.headers.get("authorization", "") for seen in tiny_tmdb_server.seen] == ["Bearer t"]


async def test_a_tmdb_404_over_a_real_socket_raises_not_found_error(tiny_tmdb_server: ScriptedServer) -> None:
    async with client_of(tiny_tmdb_server) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await bounded(tmdb.movies.details(404))

    assert caught.value.status_code == 404
    assert caught.value.tmdb_status_code == 34
    assert caught.value.url == f"{tiny_tmdb_server.base_url}/3/movie/404"
    assert tiny_tmdb_server.hits("/3/movie/404") == 1


async def test_a_503_over_a_real_socket_is_retried_after_the_backoff(
    tiny_tmdb_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=no_sleep, random=lambda: 0.0))

    async with client_of(tiny_tmdb_server, requests_per_second=None) as tmdb:
        movie = await bounded(tmdb.movies.details(13))

    assert movie.title == "Star Wars"
    assert tiny_tmdb_server.hits("/3/movie/13") == 2
    assert waits == [0.25]


async def test_max_concurrency_caps_the_connections_open_at_the_server(tiny_tmdb_server: ScriptedServer) -> None:
    # requests_per_second=None: no pacing, so only max_concurrency holds the 50 calls back.
    async with client_of(tiny_tmdb_server, max_concurrency=5, requests_per_second=None) as tmdb:
        movies = await bounded(asyncio.gather(*(tmdb.movies.details(550) for _ in range(50))))

    assert [movie.id for movie in movies] == [MOVIE["id"]] * 50
    assert tiny_tmdb_server.hits("/3/movie/550") == 50
    assert tiny_tmdb_server.peak_connections == 5
    assert tiny_tmdb_server.peak_in_progress == 5
