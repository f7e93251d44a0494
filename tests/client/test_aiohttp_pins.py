"""The aiohttp network layer against real sockets on 127.0.0.1: what it sends, what it does not do.

A redirect is handed back, not followed; the connect timeout applies; no more than
max_connections connections are open at once; no cookie is kept; the URL goes out as
encoded; and every aiohttp error comes out as the httpx error the retry policy reads.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey

from tmdb_async._aiohttp import AiohttpTransport, _httpx_error
from tmdb_async._constants import CLOSED_MESSAGE, KEEPALIVE_SECONDS
from tmdb_async._exceptions import ClientClosedError

from scripted_server import Answer, ScriptedServer, cut_short, delayed
from support import FIXTURES

BOUND = 10.0  # seconds: a test that would hang fails instead
TLS = FIXTURES / "tls"


OK = Answer(b"{}", close=True)  # one answer per connection, as a plain server gives


@asynccontextmanager
async def transport(max_connections: int = 2, **options: Any) -> AsyncIterator[AiohttpTransport]:
    layer = AiohttpTransport(max_connections=max_connections, **options)
    try:
        yield layer
    finally:
        await layer.aclose()


async def send(layer: AiohttpTransport, url: str, **timeout: float) -> httpx.Response:
    extensions = {"timeout": timeout} if timeout else {}
    return await asyncio.wait_for(layer.handle_async_request(httpx.Request("GET", url, extensions=extensions)), BOUND)


async def test_a_redirect_is_handed_back_not_followed() -> None:
    redirect = Answer(b"{}", 302, {"Location": "/3/movie/551"}, close=True)
    async with ScriptedServer(default=redirect) as server, transport() as layer:
        response = await send(layer, f"{server.base_url}/3/movie/550")

    assert response.status_code == 302
    assert response.headers["Location"] == "/3/movie/551"
    assert [seen.line for seen in server.seen] == ["GET /3/movie/550 HTTP/1.1"]


@contextmanager
def a_port_that_never_accepts() -> Iterator[int]:
    """A listening socket whose backlog is full: a new connection's handshake never completes."""
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = int(listener.getsockname()[1])
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            fillers.append(filler)
            with suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_the_answer_and_an_error_carry_the_request_sent_as_httpx_transports_do() -> None:
    async with ScriptedServer(default=OK) as server, transport() as layer:
        request = httpx.Request("GET", f"{server.base_url}/3/movie/550")
        response = await asyncio.wait_for(layer.handle_async_request(request), BOUND)
        with a_port_that_never_accepts() as port:
            refused = httpx.Request(
                "GET", f"http://127.0.0.1:{port}/3/movie/550", extensions={"timeout": {"connect": 0.2}}
            )
            with pytest.raises(httpx.ConnectTimeout) as caught:
                await asyncio.wait_for(layer.handle_async_request(refused), BOUND)

    assert response.request is request
    assert caught.value.request is refused


async def test_the_connect_timeout_applies() -> None:
    with a_port_that_never_accepts() as port:
        async with transport() as layer:
            with pytest.raises(httpx.ConnectTimeout):
                await send(layer, f"http://127.0.0.1:{port}/3/movie/550", connect=0.2, read=BOUND)


async def test_no_more_than_max_connections_are_open_at_once() -> None:
    # Each answer holds its connection 0.05 s while the others try to open theirs.
    async with ScriptedServer(default=delayed(OK, seconds=0.05)) as server, transport(max_connections=2) as layer:
        responses = await asyncio.gather(*(send(layer, f"{server.base_url}/3/movie/{n}") for n in range(6)))

    assert [response.status_code for response in responses] == [200] * 6
    assert len(server.seen) == 6
    assert server.peak_connections == 2


async def test_the_connection_pool_is_limited_per_host_too_and_kept_alive_15_seconds() -> None:
    async with transport(max_connections=3) as layer:
        connector = layer._get_session().connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert (connector.limit, connector.limit_per_host) == (3, 3)
        assert connector._keepalive_timeout == KEEPALIVE_SECONDS == 15.0


async def test_the_pools_keep_alive_is_the_constants_not_aiohttps_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # aiohttp's own default is 15 s too: only another value tells that the constant is passed.
    monkeypatch.setattr("tmdb_async._aiohttp.KEEPALIVE_SECONDS", 7.0)
    async with transport() as layer:
        connector = layer._get_session().connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert connector._keepalive_timeout == 7.0


async def test_a_cookie_set_by_the_server_is_not_sent_back() -> None:
    cookie = Answer(b"{}", headers={"Set-Cookie": "tracker=1; Path=/"}, close=True)
    async with ScriptedServer(default=cookie) as server, transport() as layer:
        named = server.base_url.replace("127.0.0.1", "localhost")  # aiohttp's cookie jar keeps no cookie of a bare IP
        await send(layer, f"{named}/3/movie/550")
        await send(layer, f"{named}/3/movie/551")

    assert [seen.headers.get("cookie") for seen in server.seen] == [None, None]


async def test_the_url_goes_out_as_encoded_and_no_user_agent_of_aiohttps_is_added() -> None:
    async with ScriptedServer(default=OK) as server, transport() as layer:
        response = await send(layer, f"{server.base_url}/3/search/movie?query=a%2Cb%26c&page=1")

    (seen,) = server.seen
    assert seen.line == "GET /3/search/movie?query=a%2Cb%26c&page=1 HTTP/1.1"
    assert "user-agent" not in seen.headers
    assert response.extensions["http_version"] == b"HTTP/1.1"


async def test_a_closed_transport_sends_nothing_and_opens_no_new_session() -> None:
    async with ScriptedServer(default=OK) as server, transport() as layer:
        base = server.base_url
        await send(layer, f"{base}/a")
        await layer.aclose()
        session = layer._session
        assert session is None or session.closed
        with pytest.raises(ClientClosedError) as closed:
            await send(layer, f"{base}/b")
        assert str(closed.value) == CLOSED_MESSAGE
        assert layer._session is session  # no new pool

    assert len(server.seen) == 1


async def test_certificates_are_checked_against_the_clients_ssl_context() -> None:
    trusting = ssl.create_default_context(cafile=TLS / "ca.pem")
    async with ScriptedServer(default=OK, tls=True) as server, transport(ssl_context=lambda: trusting) as layer:
        response = await send(layer, f"{server.base_url}/3/movie/550")

    assert response.status_code == 200
    assert len(server.seen) == 1


async def test_without_an_ssl_context_certificates_are_still_checked() -> None:
    async with ScriptedServer(default=OK, tls=True) as server, transport() as layer:
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            await send(layer, f"{server.base_url}/3/movie/550")

    assert server.seen == []


async def test_requests_go_through_the_proxy_given() -> None:
    async with ScriptedServer(default=OK) as proxy, transport(proxy=proxy.base_url) as layer:
        response = await send(layer, "http://tmdb.invalid/3/movie/550?language=de")

    assert response.status_code == 200
    assert [seen.line for seen in proxy.seen] == ["GET http://tmdb.invalid/3/movie/550?language=de HTTP/1.1"]


async def test_proxy_variables_of_the_environment_are_not_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client resolves HTTP(S)_PROXY / NO_PROXY itself and passes `proxy`; this layer must not add its own.
    async with ScriptedServer(default=OK) as via_proxy, ScriptedServer(default=OK) as direct:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, via_proxy.base_url)
        async with transport() as layer:
            await send(layer, f"{direct.base_url}/3/movie/550")

    assert (len(direct.seen), len(via_proxy.seen)) == (1, 0)


async def test_the_read_timeout_applies() -> None:
    # A socket that listens but never accepts: the kernel completes the connection, nobody ever answers.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        async with transport() as layer:
            with pytest.raises(httpx.ReadTimeout):
                await send(layer, f"http://127.0.0.1:{port}/3/movie/550", connect=BOUND, read=0.2)


async def test_a_body_cut_short_is_an_error_that_carries_the_request() -> None:
    async with ScriptedServer(default=cut_short(100, b"x" * 10)) as server, transport() as layer:
        request = httpx.Request("GET", f"{server.base_url}/3/movie/550")
        response = await asyncio.wait_for(layer.handle_async_request(request), BOUND)
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete body") as caught:
            await asyncio.wait_for(response.aread(), BOUND)
        await response.aclose()

    assert caught.value.request is request


async def test_a_body_cut_short_carries_the_request_when_its_stream_is_read_without_httpxs_response() -> None:
    # httpx's Response sets the request on a stream error it passes up; the stream alone must carry it too.
    async with ScriptedServer(default=cut_short(100, b"x" * 10)) as server, transport() as layer:
        request = httpx.Request("GET", f"{server.base_url}/3/movie/550")
        response = await asyncio.wait_for(layer.handle_async_request(request), BOUND)
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)

        async def read_all() -> None:
            async for _ in stream:
                pass

        with pytest.raises(httpx.RemoteProtocolError, match="incomplete body") as caught:
            await asyncio.wait_for(read_all(), BOUND)
        await stream.aclose()

    assert caught.value.request is request


async def test_a_header_value_that_is_not_utf8_is_sent_readable() -> None:
    async with ScriptedServer(default=OK) as server, transport() as layer:
        request = httpx.Request("GET", f"{server.base_url}/3/movie/550", headers={b"X-Name": b"caf\xe9"})
        await asyncio.wait_for(layer.handle_async_request(request), BOUND)

    (seen,) = server.seen
    assert seen.headers["x-name"] == "café".encode().decode("latin-1")  # Latin-1 read, written as UTF-8 by aiohttp


async def test_a_body_read_to_the_end_gives_its_connection_back_to_the_pool() -> None:
    async with ScriptedServer(default=Answer(b"{}")) as server, transport() as layer:
        for path in ("/a", "/b", "/c"):
            response = await send(layer, server.base_url + path)
            assert await asyncio.wait_for(response.aread(), BOUND) == b"{}"
            await response.aclose()

    assert server.connections == 1


REQUEST = httpx.Request("GET", "http://127.0.0.1/3/movie/550")
KEY = ConnectionKey("127.0.0.1", 80, False, True, None, None, None)

# aiohttp's error -> (the httpx error the retry policy reads, its message)
ERRORS: list[tuple[BaseException, type[httpx.TransportError], str]] = [
    (aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "refused")), httpx.ConnectError,
     "Cannot connect to host 127.0.0.1:80 ssl:default [refused]"),
    (aiohttp.ConnectionTimeoutError("connect took too long"), httpx.ConnectTimeout, "connect took too long"),
    (aiohttp.ServerTimeoutError("read took too long"), httpx.ReadTimeout, "read took too long"),
    (asyncio.TimeoutError(), httpx.ReadTimeout, "TimeoutError"),
    (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError,
     "the server closed the connection without an answer"),
    (aiohttp.ClientPayloadError("short body"), httpx.RemoteProtocolError, "incomplete body: short body"),
    (aiohttp.ClientOSError(104, "reset by peer"), httpx.ReadError, "[Errno 104] reset by peer"),
    (aiohttp.InvalidURL("ftp://x"), httpx.UnsupportedProtocol, "ftp://x"),
    (aiohttp.NonHttpUrlClientError("ftp://x"), httpx.UnsupportedProtocol, "ftp://x"),
    (aiohttp.ClientError("odd"), httpx.ReadError, "ClientError: odd"),
    (aiohttp.ClientError(), httpx.ReadError, "ClientError: ClientError"),
]  # fmt: skip


@pytest.mark.parametrize(("error", "expected", "message"), ERRORS, ids=[type(e).__name__ for e, _, _ in ERRORS])
def test_each_aiohttp_error_maps_to_the_httpx_error_the_retry_policy_reads(
    error: Exception, expected: type[httpx.TransportError], message: str
) -> None:
    mapped = _httpx_error(error, REQUEST)

    assert type(mapped) is expected
    assert str(mapped) == message
    assert mapped.request is REQUEST


def test_an_error_that_is_not_aiohttps_is_not_mapped() -> None:
    assert _httpx_error(ValueError("ours"), REQUEST) is None
