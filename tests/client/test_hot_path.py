"""The small-call hot path: work it skips, pinned by counting calls (never by timing).

Each pin is a cost bench/ab.py measured on a small `movies.details` call (bench/README.md,
"Where a small call's CPU goes"): the URL parsed twice to append a path to the base URL and
again to merge the query, the body passed through httpx's decoders a second time (and a body
with no Content-Encoding through them at all), httpx's cookie jar looking at every answer,
aiohttp's timeout object built anew for every request, an API key merged into the query by
parsing and encoding the query again.
Beside each pin, a test (over real sockets on 127.0.0.1, or against httpx's own client) that
what is sent and the answer handed up are what they were.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async._client import _HTTPClient
from tmdb_async._transport import Credentials

from operation_table import OPERATIONS
from scripted_server import Answer, ScriptedServer
from support import bounded, official

T = TypeVar("T")
MOVIE = official("movies.details")
MOVIE_PATH = f"/3/movie/{MOVIE['id']}"


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


# Path parameter values as a caller may pass them (the generated operations percent-encode them all).
ODD_VALUES = ["550", "a b", "é日本", "%", "..", "x/y?z#w", "\x00\r\n", "~!$&'()*+,;=:@[]{}|\\^`\""]
# Other paths than the generated ones: httpx's own way.
OTHER_PATHS = ["/3/x?a=1", "//elsewhere.example/x", "/3/x#f", "3/x", "", "/"]
BASE_URLS = [
    "https://api.themoviedb.org",
    "http://127.0.0.1:8080/",
    "http://example.com/tmdb",
    "http://user:pw@[::1]:99/x%20y/",
    "http://example.com/?q=1",
]
# Query parameters as the generated operations pass them (values of every JSON scalar type).
QUERIES: list[dict[str, Any]] = [
    {},
    {"language": "fr-FR"},
    {"append_to_response": "credits,images", "page": 2, "include_adult": "true"},
    {"query": "a b&c=d#e?f/g+h%i", "year": 1999, "vote_average.gte": 7.5},
    {"with_genres": "28|12", "é日本": "\x00\r\n", "": ""},
]


@pytest.mark.parametrize("base_url", BASE_URLS)
async def test_every_path_and_query_gets_the_url_httpx_builds(base_url: str) -> None:
    paths = [re.sub(r"\{\w+\}", quote(value, safe=""), op.route) for op in OPERATIONS for value in ODD_VALUES]
    async with _HTTPClient(base_url=base_url) as ours, httpx.AsyncClient(base_url=base_url) as httpx_own:
        for path in paths + OTHER_PATHS:
            for query in QUERIES:
                built = ours.build_request("GET", path, params=query)
                expected = httpx_own.build_request("GET", path, params=query or None)
                assert (str(built.url), built.url.raw_path) == (str(expected.url), expected.url.raw_path), (path, query)


@pytest.mark.parametrize("query", [{}, {"language": "fr-FR"}])
async def test_a_generated_path_is_parsed_once_with_the_base_url_and_query(
    query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async with _HTTPClient(base_url="https://api.themoviedb.org") as client:
        urls = Counter(monkeypatch, httpx.URL, "__init__")
        request = client.build_request("GET", "/3/movie/550", params=query)
    # URL(text) parses; URL(a_url, params=...) or any other change parses again; URL(a_url) copies.
    parses = [str(args[1]) for args, kwargs in urls.calls if isinstance(args[1], str) or kwargs]
    assert str(request.url) == "https://api.themoviedb.org/3/movie/550" + ("?language=fr-FR" if query else "")
    assert parses == ["https://api.themoviedb.org/3/movie/550"]


async def test_a_call_without_query_parameters_merges_none_into_its_url(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, client_of(server) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        urls = Counter(monkeypatch, httpx.URL, "__init__")
        await bounded(tmdb.movies.details(MOVIE["id"]))
        merged = [kwargs["params"] for _, kwargs in urls.calls if "params" in kwargs]
        assert merged == []
        assert [seen.target for seen in server.seen] == [MOVIE_PATH]


async def test_a_call_with_query_parameters_still_sends_them(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, client_of(server) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        urls = Counter(monkeypatch, httpx.URL, "__init__")
        await bounded(tmdb.movies.details(MOVIE["id"], language="fr-FR", append_to_response=["credits"]))
        merged = [kwargs["params"] for _, kwargs in urls.calls if "params" in kwargs]
        assert [dict(httpx.QueryParams(params)) for params in merged] == [
            {"append_to_response": "credits", "language": "fr-FR"}
        ]
        assert [seen.target for seen in server.seen] == [f"{MOVIE_PATH}?append_to_response=credits&language=fr-FR"]


async def test_a_plain_body_goes_through_no_httpx_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, client_of(server) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        passes = [Counter(monkeypatch, httpx.Response, name) for name in ("iter_bytes", "aiter_bytes")]
        movie = await bounded(tmdb.movies.details(MOVIE["id"]))
        assert sum(len(counter.calls) for counter in passes) == 0  # read as it came (aiter_raw), decoded by none
        assert movie.title == MOVIE["title"]


async def test_a_body_httpx_decodes_goes_through_its_decoders_once_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    body = gzip.compress(json.dumps(MOVIE).encode())
    # "gzip, identity": not one of the encodings _body inflates itself
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, identity\r\nContent-Length: {len(body)}"
    async with fixed_server(head, body) as base_url, client_of(base_url) as tmdb:
        passes = [Counter(monkeypatch, httpx.Response, name) for name in ("iter_bytes", "aiter_bytes")]
        movie = await bounded(tmdb.movies.details(MOVIE["id"]))
        assert sum(len(counter.calls) for counter in passes) == 1  # the transport's own read, on the wire
        assert movie.title == MOVIE["title"]


@asynccontextmanager
async def fixed_server(head: str, body: bytes) -> AsyncIterator[str]:
    """A server on 127.0.0.1 that answers every request with `head` (status line and headers) and `body`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(head.encode("latin-1") + b"\r\n\r\n" + body)
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


def gzip_server(document: object) -> AbstractAsyncContextManager[str]:
    """A server that answers every request with `document` as gzip-encoded JSON."""
    body = gzip.compress(json.dumps(document).encode())
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Encoding: gzip\r\n"
        f"X-Kept: yes\r\nContent-Length: {len(body)}"
    )
    return fixed_server(head, body)


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
    async with ScriptedServer() as server:
        server.routes[MOVIE_PATH] = Answer(MOVIE, headers={"Set-Cookie": "tracker=1; Path=/"})
        async with client_of(server.base_url.replace("127.0.0.1", "localhost")) as tmdb:
            for _ in range(2):
                await bounded(tmdb.movies.details(MOVIE["id"]))
        assert [seen.headers.get("cookie") for seen in server.seen] == [None, None]


async def test_the_http_client_refuses_a_cookie_jar() -> None:
    async with ScriptedServer() as server, client_of(server) as tmdb:
        with pytest.raises(AttributeError, match="keeps no cookies"):
            tmdb._http.cookies = {"tracker": "1"}
        assert len(tmdb._http.cookies) == 0


async def test_the_aiohttp_layer_builds_aiohttps_timeouts_once_for_many_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with ScriptedServer() as server, client_of(server, timeout=httpx.Timeout(7.25, read=3.5)) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        timeouts = Counter(monkeypatch, aiohttp.ClientTimeout, "__init__")
        for _ in range(3):
            await bounded(tmdb.movies.details(MOVIE["id"]))
    assert [kwargs for _, kwargs in timeouts.calls] in (
        [],  # built by an earlier test of this process
        [{"total": None, "sock_connect": 7.25, "sock_read": 3.5}],
    )


@pytest.mark.parametrize("network", ["aiohttp", "httpx"])
async def test_an_empty_answer_is_handed_up_with_no_content_length(
    network: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TMDB, "_network", network)
    empty = "HTTP/1.1 200 OK\r\nX-Kept: yes\r\nContent-Length: 0"
    async with fixed_server(empty, b"") as base_url, client_of(base_url) as tmdb:
        answer = await bounded(tmdb._http.get("/3/movie/550"))
    assert (answer.status_code, answer.content) == (200, b"")
    assert [name for name, _ in answer.headers.raw] == [b"X-Kept"]  # as httpx.Response(content=b"") had it


def key_client(server: ScriptedServer, key: str = "k3y-SECRET") -> TMDB:
    return TMDB(base_url=server.base_url, api_key=key, requests_per_second=None)


async def test_an_api_key_call_builds_no_query_params(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, key_client(server) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        await bounded(tmdb.movies.details(MOVIE["id"]))  # the encoded key is kept from the first call
        queries = Counter(monkeypatch, httpx.QueryParams, "__init__")
        movie = await bounded(tmdb.movies.details(MOVIE["id"], language="fr-FR"))
        built = [args[1:] for args, _ in queries.calls]
        # The merge parsed the query into QueryParams, and copied, merged and encoded them again, per request.
        assert built == [({"language": "fr-FR"},)]  # the generated query parameters alone
        assert movie.title == MOVIE["title"]
        assert [seen.target for seen in server.seen] == [
            f"{MOVIE_PATH}?api_key=k3y-SECRET",
            f"{MOVIE_PATH}?language=fr-FR&api_key=k3y-SECRET",
        ]


ODD_KEY = "k/y+&=é%41#?~"  # every character the query must percent-encode (a space or a control one is refused)
ODD_KEY_SENT = "k%2Fy%2B%26%3D%C3%A9%2541%23%3F~"


@pytest.mark.parametrize("key", ["k3y-SECRET", ODD_KEY])
async def test_an_api_key_goes_where_httpxs_merge_put_it_on_a_copy(key: str) -> None:
    credentials = Credentials(api_key=key)
    async with _HTTPClient(base_url="https://api.themoviedb.org") as client:
        for query in QUERIES:
            for method, body in (("GET", None), ("POST", {"value": 8.5})):
                request = client.build_request(method, "/3/movie/550", params=query, json=body)
                request.extensions["timeout"] = {"read": 4.0}
                sent = credentials.apply(request)
                assert str(sent.url) == str(request.url.copy_merge_params({"api_key": key})), query
                assert "api_key" not in str(request.url)
                assert (sent.method, sent.headers, sent.extensions) == (method, request.headers, request.extensions)
                assert sent.stream is request.stream
                assert sent.read() == request.read()


async def test_an_api_key_is_sent_after_the_query_as_it_was_escaped() -> None:
    async with ScriptedServer() as server, key_client(server, ODD_KEY) as tmdb:
        server.routes[MOVIE_PATH] = Answer(MOVIE)
        base_url = server.base_url
        kept = await bounded(tmdb._http.get(f"{MOVIE_PATH}?b=2&a=1&b=3&c"))
        await bounded(tmdb._http.get(f"{MOVIE_PATH}?api_key=old&a=1"))
    assert [seen.target for seen in server.seen] == [
        f"{MOVIE_PATH}?b=2&a=1&b=3&c&api_key={ODD_KEY_SENT}",  # the query as it was (httpx's merge sorts it by name)
        f"{MOVIE_PATH}?api_key={ODD_KEY_SENT}&a=1",  # one already there: replaced in its place
    ]
    assert str(kept.request.url) == f"{base_url}{MOVIE_PATH}?b=2&a=1&b=3&c"  # httpx keeps no key
