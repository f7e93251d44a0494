"""Hostile servers and careless callers: bounds, secrets, lifecycle, TLS and proxies, on both network layers.

Each server here is the scripted server of tests/scripted_server.py on 127.0.0.1, told to misbehave on purpose
(drips bytes, sends 500 MiB, a gzip bomb, JSON nested 100,000 deep, an error page echoing the request, a bad
certificate, ...). Every test
runs on the aiohttp layer and on httpx's own transport (`layer` fixture), each scenario bounded by
`asyncio.wait_for`, and fails when the guarantee it pins is reverted.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import socket
import ssl
import threading
import traceback
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest

from tmdb_async import (
    TMDB,
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
)
from tmdb_async.testing import sample

from scripted_server import (
    MIB,
    Answer,
    Handler,
    ScriptedServer,
    delayed,
    drip,
    echo_page,
    endless_zeros,
    gzip_bomb,
)
from support import FIXTURES

TLS = FIXTURES / "tls"
SECRET_KEY = "key-SECRET-HOSTILE"
SECRET_TOKEN = "tok-SECRET-HOSTILE"
SECRET_GUEST = "guest-SECRET-HOSTILE"
SECRETS = (SECRET_KEY, SECRET_TOKEN, SECRET_GUEST, "SECRET-HOSTILE")


# A complete movie (the models check every field TMDB always sends).
MOVIE = Answer(sample("movies.details", 550, title="Fight Club"))


def hostile(routes: Mapping[str, Handler] | None = None, *, tls: bool = False) -> ScriptedServer:
    """`async with hostile({"/3/movie/1": handler}) as server`: unknown paths get MOVIE."""
    return ScriptedServer(routes, default=MOVIE, tls=tls)


@pytest.fixture(params=["aiohttp", "httpx"])
def layer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs on both built-in network layers."""
    monkeypatch.setattr(TMDB, "_network", request.param)
    for name in ("TMDB_ACCESS_TOKEN", "TMDB_API_KEY", "TMDB_BASE_URL", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    value: str = request.param
    return value


def texts_of(exc: BaseException) -> list[str]:
    """Everything an exception shows: str, repr, args, the formatted traceback, and the same for its whole chain."""
    texts = ["".join(traceback.format_exception(exc))]
    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo and len(seen) < 20:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), *map(repr, current.args)]
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
    return texts


def assert_no_secret(exc: BaseException) -> None:
    leaks = [text[:200] for text in texts_of(exc) for secret in SECRETS if secret in text]
    assert not leaks, leaks


def run(scenario: Awaitable[Any], seconds: float = 20) -> Any:
    return asyncio.wait_for(scenario, seconds)


# -- memory bounds ------------------------------------------------------------------------------------------------
async def test_a_body_past_max_body_size_is_refused_on_the_wire_and_the_client_stays_usable(layer: str) -> None:
    async with (
        hostile({"/3/movie/1": endless_zeros}) as server,
        TMDB(api_key=SECRET_KEY, base_url=server.base_url) as tmdb,
    ):
        with pytest.raises(ResponseTooLargeError, match="on the wire") as caught:
            await run(tmdb.movies.details(1))
        assert isinstance(caught.value, ResponseValidationError)
        assert len([seen for seen in server.seen if seen.target.startswith("/3/movie/1?")]) == 1, "retried"
        assert (await run(tmdb.movies.details(2))).id == 550
        assert_no_secret(caught.value)


async def test_a_gzip_bomb_is_refused_once_decompressed_past_the_limit(layer: str) -> None:
    bomb = gzip_bomb(64)  # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < MIB
    routes = {"/3/movie/1": Answer(bomb, 200, headers={"Content-Encoding": "gzip"})}
    async with hostile(routes) as server, TMDB(access_token=SECRET_TOKEN, base_url=server.base_url) as tmdb:
        with pytest.raises(ResponseTooLargeError, match="decompressed"):
            await run(tmdb.movies.details(1))
        assert (await run(tmdb.movies.details(2))).id == 550


async def test_max_body_size_is_settable_and_gzip_within_it_is_decoded(layer: str) -> None:
    movie = json.dumps(sample("movies.details", 7, overview="x" * (2 * MIB))).encode()
    routes = {"/3/movie/7": Answer(gzip.compress(movie), 200, headers={"Content-Encoding": "gzip"})}
    async with hostile(routes) as server:
        async with TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_body_size=MIB) as small:
            with pytest.raises(ResponseTooLargeError):
                await run(small.movies.details(7))
        async with TMDB(access_token=SECRET_TOKEN, base_url=server.base_url) as default:
            assert (await run(default.movies.details(7))).overview == "x" * (2 * MIB)


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", deflate_raw)],
)
async def test_every_zlib_encoding_is_decoded_in_bounded_steps(
    layer: str, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    movie = json.dumps(sample("movies.details", 8, overview="y" * 300_000)).encode()
    routes = {
        "/3/movie/8": Answer(encode(movie), 200, headers={"Content-Encoding": encoding}),
        "/3/movie/9": Answer(
            encode(movie)[:-20] + b"garbage-garbage-garbage", 200, headers={"Content-Encoding": encoding}
        ),
    }
    async with (
        hostile(routes) as server,
        TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_retries=1) as tmdb,
    ):
        assert (await run(tmdb.movies.details(8))).overview == "y" * 300_000
        with pytest.raises(APIConnectionError, match="DecodingError"):
            await run(tmdb.movies.details(9))
        assert tmdb.stats.retries == 1  # a corrupt body is retried like a broken connection
        async with TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_body_size=200_000) as small:
            with pytest.raises(ResponseTooLargeError, match="decompressed"):
                await run(small.movies.details(8))


@pytest.mark.parametrize("status", [200, 404])
async def test_json_nested_100000_deep_is_a_typed_error(layer: str, status: int) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    async with (
        hostile({"/3/movie/1": Answer(deep, status)}) as server,
        TMDB(access_token=SECRET_TOKEN, base_url=server.base_url) as tmdb,
    ):
        expected = ResponseValidationError if status == 200 else NotFoundError
        with pytest.raises(expected) as caught:
            await run(tmdb.movies.details(1))
        assert type(caught.value) is expected
        assert caught.value.status_code == status


# -- time bounds --------------------------------------------------------------------------------------------------
async def test_a_dripping_server_cannot_hold_an_attempt_past_its_deadline(layer: str) -> None:
    async with (
        hostile({"/3/movie/1": drip}) as server,
        TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, timeout=0.25, max_retries=1) as tmdb,
    ):
        # Each read waits 0.05 s (< 0.25); each attempt may take connect + 3 x read = 1 s in all; two attempts
        # end well within the bound of 10 s, where the whole answer would take 30 s.
        with pytest.raises(APITimeoutError, match="attempt_timeout"):
            await run(tmdb.movies.details(1), 10)
        assert len(server.seen) == 2
        with pytest.raises(APITimeoutError):
            await run(tmdb.with_options(max_retries=0).movies.details(1), 10)


async def test_attempt_timeout_is_settable(layer: str) -> None:
    async with (
        hostile({"/3/movie/1": drip}) as server,
        TMDB(
            access_token=SECRET_TOKEN, base_url=server.base_url, timeout=30, attempt_timeout=0.5, max_retries=0
        ) as tmdb,
    ):
        with pytest.raises(APITimeoutError, match=r"0\.5 s"):
            await run(tmdb.movies.details(1), 10)


# -- secrets ------------------------------------------------------------------------------------------------------
async def test_an_error_page_echoing_the_request_shows_no_secret(layer: str) -> None:
    routes = {f"/3/guest_session/{SECRET_GUEST}/rated/movies": echo_page, "/3/movie/1": echo_page}
    async with hostile(routes) as server:
        every_credential: list[dict[str, Any]] = [{"api_key": SECRET_KEY}, {"access_token": SECRET_TOKEN}]
        for credentials in every_credential:
            async with TMDB(base_url=server.base_url, max_retries=0, **credentials) as tmdb:
                for call in (tmdb.movies.details(1), tmdb.guest_sessions.rated_movies(SECRET_GUEST)):
                    with pytest.raises(ServerError) as caught:
                        await run(call)
                    assert "502 Bad Gateway" in caught.value.status_message
                    assert b"REDACTED" in caught.value.body
                    assert_no_secret(caught.value)
                    assert SECRET_GUEST.encode() not in caught.value.body
    assert any(SECRET_GUEST in seen.path for seen in server.seen), "the guest session id was not sent"
    assert any(SECRET_KEY in seen.target for seen in server.seen), "the api key was not sent"


def full_backlog() -> Iterator[socket.socket]:
    """A listening socket that never accepts, its queue filled: a connection to it times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(listener.getsockname())
        fillers.append(filler)
    yield listener
    for sock in (*fillers, listener):
        sock.close()


@pytest.fixture
def unreachable() -> Iterator[str]:
    for listener in full_backlog():
        host, port = listener.getsockname()
        yield f"http://{host}:{port}"


async def test_connection_errors_chain_no_secret(layer: str, unreachable: str) -> None:
    async with TMDB(api_key=SECRET_KEY, base_url=unreachable, timeout=0.3, max_retries=0) as tmdb:
        with pytest.raises(APIConnectionError) as caught:
            await run(tmdb.guest_sessions.rated_movies(SECRET_GUEST), 10)
    assert "REDACTED" in str(caught.value)
    assert_no_secret(caught.value)
    assert caught.value.__context__ is None, "the network layer's exception is still chained"
    assert caught.value.__cause__ is not None, "the scrubbed stand-in for the network error is missing"
    if layer == "aiohttp":  # aiohttp names the full URL in its own message: it is there, scrubbed
        assert "REDACTED" in str(caught.value.__cause__)


async def test_a_non_ascii_token_goes_out_as_its_utf8_bytes(layer: str) -> None:
    async with hostile() as server, TMDB(access_token="t\u00ebst-token", base_url=server.base_url) as tmdb:
        await run(tmdb.movies.details(1))
    assert b"\r\nAuthorization: Bearer t\xc3\xabst-token\r\n" in server.seen[0].head.replace(
        b"authorization", b"Authorization"
    )


# -- lifecycle ----------------------------------------------------------------------------------------------------
async def test_aclose_with_calls_in_flight_sends_nothing_more_and_opens_no_pool(layer: str) -> None:
    async with hostile({f"/3/movie/{ident}": delayed(MOVIE, seconds=0.5) for ident in range(1, 21)}) as server:
        tmdb = TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_retries=3, requests_per_second=None)
        calls = [asyncio.ensure_future(tmdb.movies.details(ident)) for ident in range(1, 21)]
        for _ in range(400):
            if len(server.seen) == 20:
                break
            await asyncio.sleep(0.005)
        assert len(server.seen) == 20
        await tmdb.aclose()
        results = await run(asyncio.gather(*calls, return_exceptions=True), 10)
        await asyncio.sleep(0.6)  # any retry would have been sent by now (backoff 0.25-0.5 s)
        assert len(server.seen) == 20, "a request was sent after aclose()"
        assert server.connections == 20, "a new connection was opened after aclose()"
        kinds = {type(result).__name__ for result in results}
        assert kinds <= {"ClientClosedError", "CancelledError"}, results
        with pytest.raises(ClientClosedError):
            await tmdb.movies.details(1)


async def test_aclose_ends_a_call_waiting_out_a_retry_delay_at_once(layer: str) -> None:
    routes = {"/3/movie/1": Answer(b'{"status_code": 9}', 503, headers={"Retry-After": "30"})}
    async with hostile(routes) as server:
        tmdb = TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_retries=1)
        call = asyncio.ensure_future(tmdb.movies.details(1))
        for _ in range(400):
            if server.seen:
                break
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)  # the answer is read and the call is waiting its 30 s
        await tmdb.aclose()
        with pytest.raises(ClientClosedError):
            await run(call, 5)  # not 30 s later
        assert len(server.seen) == 1


def test_a_second_event_loop_gets_a_clear_configuration_error(layer: str) -> None:
    async def serve_and_use() -> tuple[TMDB, ScriptedServer]:
        server = await hostile().__aenter__()
        tmdb = TMDB(access_token=SECRET_TOKEN, base_url=server.base_url)
        assert (await tmdb.movies.details(1)).id == 550
        return tmdb, server

    async def then_again(tmdb: TMDB) -> None:
        with pytest.raises(ConfigurationError, match="one TMDB per event loop"):
            await tmdb.movies.details(1)
        await tmdb.aclose()  # from the wrong loop: no error, and the client is closed
        assert tmdb.closed

    loop = asyncio.new_event_loop()
    try:
        tmdb, server = loop.run_until_complete(serve_and_use())
        asyncio.run(then_again(tmdb))
        loop.run_until_complete(tmdb._http.aclose())  # the pool, in its own loop (aclose() could not reach it)
        loop.run_until_complete(server.__aexit__())
    finally:
        loop.close()


async def test_a_client_of_a_live_loop_in_another_thread_refuses_calls_here_and_closes_over_there(layer: str) -> None:
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever)
    thread.start()
    try:
        async with hostile() as server:

            async def there() -> TMDB:
                tmdb = TMDB(access_token=SECRET_TOKEN, base_url=server.base_url)
                await tmdb.movies.details(1)
                return tmdb

            tmdb = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(there(), other))
            with pytest.raises(ConfigurationError, match="one TMDB per event loop"):
                await tmdb.movies.details(2)
            await run(tmdb.aclose(), 10)
            assert tmdb.closed
            for _ in range(400):  # the pool was closed in its own loop: the server sees the connection end
                if not server.open_connections:
                    break
                await asyncio.sleep(0.005)
            assert server.open_connections == 0, "the pool of the other loop was left open"
            assert [seen.path for seen in server.seen] == ["/3/movie/1"]
    finally:
        other.call_soon_threadsafe(other.stop)
        thread.join(10)
        other.close()


# -- TLS ----------------------------------------------------------------------------------------------------------
async def test_an_untrusted_certificate_fails_at_once_without_retries(layer: str) -> None:
    async with (
        hostile(tls=True) as server,
        TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, max_retries=4) as tmdb,
    ):
        with pytest.raises(APIConnectionError, match=r"(?i)certificate") as caught:
            await run(tmdb.movies.details(1), 10)
        assert (tmdb.stats.attempts, tmdb.stats.retries) == (1, 0), "a certificate error was retried"
        assert_no_secret(caught.value)


@pytest.mark.parametrize("how", ["verify_path", "verify_context", "SSL_CERT_FILE", "verify_false"])
async def test_the_trust_store_is_settable_like_httpx(layer: str, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    options: dict[str, Any] = {}
    if how == "verify_path":
        options["verify"] = str(TLS / "ca.pem")
    elif how == "verify_context":
        options["verify"] = ssl.create_default_context(cafile=TLS / "ca.pem")
    elif how == "verify_false":
        options["verify"] = False
    else:
        monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "ca.pem"))
    async with (
        hostile(tls=True) as server,
        TMDB(access_token=SECRET_TOKEN, base_url=server.base_url, **options) as tmdb,
    ):
        assert (await run(tmdb.movies.details(1), 10)).id == 550


def test_a_missing_ca_bundle_is_a_configuration_error(layer: str) -> None:
    with pytest.raises(ConfigurationError, match="no CA bundle"):
        TMDB(access_token=SECRET_TOKEN, verify="/nonexistent/ca.pem")


# -- proxies ------------------------------------------------------------------------------------------------------
PROXIED_BASE = "http://tmdb.invalid"  # never resolves: an answer proves the proxy carried the request


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "argument"])
async def test_proxies_are_honoured_like_httpx(layer: str, variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with hostile() as proxy:
        options: dict[str, Any] = {}
        if variable == "argument":
            options["proxy"] = proxy.base_url
        else:
            monkeypatch.setenv(variable, proxy.base_url)
        async with TMDB(access_token=SECRET_TOKEN, base_url=PROXIED_BASE, max_retries=0, **options) as tmdb:
            assert (await run(tmdb.movies.details(1), 10)).id == 550
    assert [seen.target for seen in proxy.seen] == [f"{PROXIED_BASE}/3/movie/1"]


async def test_no_proxy_and_trust_env_false_bypass_the_proxy(layer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with hostile() as proxy, hostile() as direct:
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        async with TMDB(access_token=SECRET_TOKEN, base_url=direct.base_url, trust_env=False) as tmdb:
            await run(tmdb.movies.details(1), 10)
        monkeypatch.setenv("NO_PROXY", "example.com,127.0.0.1")
        async with TMDB(access_token=SECRET_TOKEN, base_url=direct.base_url) as tmdb:
            await run(tmdb.movies.details(2), 10)
        assert proxy.seen == []
        assert [seen.target for seen in direct.seen] == ["/3/movie/1", "/3/movie/2"]


def test_a_socks_proxy_is_refused_in_one_line(layer: str) -> None:
    with pytest.raises(ConfigurationError, match="'socks5' is not supported"):
        TMDB(access_token=SECRET_TOKEN, proxy="socks5://127.0.0.1:1080")


# -- credentials --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad", [SECRET_TOKEN + "\n", " " + SECRET_TOKEN, "tok SECRET-HOSTILE", "tok\x00SECRET-HOSTILE"]
)
@pytest.mark.parametrize("kind", ["access_token", "api_key"])
def test_a_malformed_credential_is_a_configuration_error_that_never_echoes_it(layer: str, kind: str, bad: str) -> None:
    credential: dict[str, Any] = {kind: bad}
    with pytest.raises(ConfigurationError, match=kind) as caught:
        TMDB(**credential)
    assert_no_secret(caught.value)


async def test_a_guest_session_id_in_the_path_is_redacted_in_logs_and_errors(
    layer: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    routes = {f"/3/guest_session/{SECRET_GUEST}/rated/movies": Answer(b'{"status_code": 34}', 404)}
    async with hostile(routes) as server, TMDB(api_key=SECRET_KEY, base_url=server.base_url) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await run(tmdb.guest_sessions.rated_movies(SECRET_GUEST))
    assert server.seen[0].target.startswith(f"/3/guest_session/{SECRET_GUEST}/rated/movies?")
    assert "/3/guest_session/REDACTED/rated/movies" in str(caught.value)
    assert_no_secret(caught.value)
    records = [record.getMessage() for record in caplog.records]
    assert any("/guest_session/REDACTED/rated/movies" in text for text in records)
    assert not [text for text in records for secret in SECRETS if secret in text]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"max_body_size": 0}, "max_body_size"),
        ({"max_body_size": 1.5}, "max_body_size"),
        ({"attempt_timeout": 0}, "attempt_timeout"),
        ({"verify": 3}, "verify"),
    ],
)
def test_bounds_and_tls_options_out_of_range_are_configuration_errors(options: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        TMDB(access_token=SECRET_TOKEN, **options)
