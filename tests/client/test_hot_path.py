"""The small-call hot path: work it skips, pinned by counting calls (never by timing), over real sockets.

Each pin is a cost bench/ab.py measured on a small `movies.details` call (CHANGELOG, performance):
the URL parsed once more to merge empty query parameters, the body passed through httpx's
decoders a second time, httpx's cookie jar looking at every answer. Beside each pin, a test
that what is sent and the answer handed up are what they were.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest

from tmdb_async import TMDB

from scripted_server import BOUND, Answer, ScriptedServer, scripted_server
from support import official

T = TypeVar("T")
MOVIE = official("movies.details")
MOVIE_PATH = f"/3/movie/{MOVIE['id']}"


async def bounded(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, BOUND)


def client_of(server: ScriptedServer | str, **options: Any) -> TMDB:
    base_url = server if isinstance(server, str) else server.base_url
    return TMDB(base_url=base_url, access_token="t0ken-SECRET", requests_per_second=None, **options)


class Counter:
    """Counts the calls of one method, keeping its behaviour (monkeypatch puts it back)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        original: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((args, kwargs))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


async def test_a_call_without_query_parameters_merges_none_into_its_url(monkeypatch: pytest.MonkeyPatch) -> None:
    async with scripted_server() as server, client_of(server) as tmdb:
        server.answers[MOVIE_PATH] = Answer(MOVIE)
        urls = Counter(monkeypatch, httpx.URL, "__init__")
        await bounded(tmdb.movies.details(MOVIE["id"]))
        merged = [kwargs["params"] for _, kwargs in urls.calls if "params" in kwargs]
        assert merged == []
        assert [seen.target for seen in server.seen] == [MOVIE_PATH]


async def test_a_call_with_query_parameters_still_sends_them(monkeypatch: pytest.MonkeyPatch) -> None:
    async with scripted_server() as server, client_of(server) as tmdb:
        server.answers[MOVIE_PATH] = Answer(MOVIE)
        urls = Counter(monkeypatch, httpx.URL, "__init__")
        await bounded(tmdb.movies.details(MOVIE["id"], language="fr-FR", append_to_response=["credits"]))
        merged = [kwargs["params"] for _, kwargs in urls.calls if "params" in kwargs]
        assert [dict(httpx.QueryParams(params)) for params in merged] == [
            {"append_to_response": "credits", "language": "fr-FR"}
        ]
        assert [seen.target for seen in server.seen] == [f"{MOVIE_PATH}?append_to_response=credits&language=fr-FR"]


async def test_the_body_goes_through_httpx_decoders_once_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    async with scripted_server() as server, client_of(server) as tmdb:
        server.answers[MOVIE_PATH] = Answer(MOVIE)
        passes = [Counter(monkeypatch, httpx.Response, name) for name in ("iter_bytes", "aiter_bytes")]
        movie = await bounded(tmdb.movies.details(MOVIE["id"]))
        assert sum(len(counter.calls) for counter in passes) == 1  # the transport's own read, on the wire
        assert movie.title == MOVIE["title"]


@asynccontextmanager
async def gzip_server(document: object) -> AsyncIterator[str]:
    """A server on 127.0.0.1 that answers every request with `document` as gzip-encoded JSON."""
    body = gzip.compress(json.dumps(document).encode())

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Encoding: gzip\r\n"
                    b"X-Kept: yes\r\nContent-Length: %d\r\n\r\n" % len(body) + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    finally:
        listening.close()


@pytest.mark.parametrize("network", ["aiohttp", "httpx"])
async def test_a_gzip_answer_is_handed_up_decoded_with_its_own_length(
    network: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TMDB, "_network", network)
    async with gzip_server(MOVIE) as base_url, client_of(base_url) as tmdb:
        raw = await bounded(tmdb.with_raw_response.movies.details(MOVIE["id"]))
    decoded = json.dumps(MOVIE).encode()
    assert raw.content == decoded
    assert raw.parsed.title == MOVIE["title"]
    assert "content-encoding" not in raw.headers
    assert raw.headers.get_list("content-length") == [str(len(decoded))]
    assert raw.headers["x-kept"] == "yes"


@pytest.mark.parametrize("network", ["aiohttp", "httpx"])
async def test_a_cookie_set_by_an_answer_is_not_sent_back(network: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TMDB, "_network", network)
    async with scripted_server() as server:
        server.answers[MOVIE_PATH] = Answer(MOVIE, headers={"Set-Cookie": "tracker=1; Path=/"})
        async with client_of(server.base_url.replace("127.0.0.1", "localhost")) as tmdb:
            for _ in range(2):
                await bounded(tmdb.movies.details(MOVIE["id"]))
        assert [seen.headers.get("cookie") for seen in server.seen] == [None, None]


async def test_the_http_client_refuses_a_cookie_jar() -> None:
    async with scripted_server() as server, client_of(server) as tmdb:
        with pytest.raises(AttributeError, match="keeps no cookies"):
            tmdb._http.cookies = {"tracker": "1"}
        assert len(tmdb._http.cookies) == 0
