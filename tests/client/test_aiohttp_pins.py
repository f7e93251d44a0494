"""The aiohttp network layer against real sockets on 127.0.0.1: what it sends, what it does not do.

A redirect is handed back, not followed; the connect timeout applies; no more than
max_connections connections are open at once; no cookie is kept; the URL goes out as
encoded; and every aiohttp error comes out as the httpx error the retry policy reads.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp.client_reqrep import ConnectionKey

from tmdb_async._aiohttp import AiohttpTransport, _httpx_error
from tmdb_async._constants import CLOSED_MESSAGE, KEEPALIVE_SECONDS
from tmdb_async._exceptions import ClientClosedError

from support import FIXTURES

BOUND = 10.0  # seconds: a test that would hang fails instead
TLS = FIXTURES / "tls"


@dataclass
class Seen:
    """What the server received: one (request line, headers) per request; connections open now and at most."""

    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    open: int = 0
    max_open: int = 0


Respond = Callable[[str, Seen], Awaitable[bytes]]


def answer(status: str, *headers: str, body: bytes = b"{}") -> bytes:
    head = [f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@asynccontextmanager
async def server(respond: Respond, *, tls: bool = False) -> AsyncIterator[tuple[str, Seen]]:
    """An HTTP/1.1 server on 127.0.0.1 that answers each request with `respond(request_line, seen)` and closes.

    With `tls`, it speaks HTTPS with tests/fixtures/tls/server.pem, signed by a CA no system trusts.
    """
    seen = Seen()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.open += 1
        seen.max_open = max(seen.max_open, seen.open)
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in head[1:] if line)
            seen.requests.append((head[0], {key.lower(): value for key, value in headers.items()}))
            writer.write(await respond(head[0], seen))
            await writer.drain()
        finally:
            seen.open -= 1
            writer.close()

    context = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
    listening = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}", seen
    finally:
        listening.close()
        await listening.wait_closed()


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
    async def respond(line: str, seen: Seen) -> bytes:
        return answer("302 Found", "Location: /3/movie/551")

    async with server(respond) as (base, seen), transport() as layer:
        response = await send(layer, f"{base}/3/movie/550")

    assert response.status_code == 302
    assert response.headers["Location"] == "/3/movie/551"
    assert [line for line, _ in seen.requests] == ["GET /3/movie/550 HTTP/1.1"]


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
    async def respond(line: str, seen: Seen) -> bytes:
        return answer("200 OK")

    async with server(respond) as (base, _seen), transport() as layer:
        request = httpx.Request("GET", f"{base}/3/movie/550")
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
    async def respond(line: str, seen: Seen) -> bytes:
        await asyncio.sleep(0.05)  # hold the connection while the others try to open theirs
        return answer("200 OK")

    async with server(respond) as (base, seen), transport(max_connections=2) as layer:
        responses = await asyncio.gather(*(send(layer, f"{base}/3/movie/{n}") for n in range(6)))

    assert [response.status_code for response in responses] == [200] * 6
    assert len(seen.requests) == 6
    assert seen.max_open == 2


async def test_the_connection_pool_is_limited_per_host_too_and_kept_alive_15_seconds() -> None:
    async with transport(max_connections=3) as layer:
        connector = layer._get_session().connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert (connector.limit, connector.limit_per_host) == (3, 3)
        assert connector._keepalive_timeout == KEEPALIVE_SECONDS == 15.0


async def test_a_cookie_set_by_the_server_is_not_sent_back() -> None:
    async def respond(line: str, seen: Seen) -> bytes:
        return answer("200 OK", "Set-Cookie: tracker=1; Path=/")

    async with server(respond) as (base, seen), transport() as layer:
        named = base.replace("127.0.0.1", "localhost")  # aiohttp's cookie jar keeps no cookie of a bare IP
        await send(layer, f"{named}/3/movie/550")
        await send(layer, f"{named}/3/movie/551")

    assert [headers.get("cookie") for _, headers in seen.requests] == [None, None]


async def test_the_url_goes_out_as_encoded_and_no_user_agent_of_aiohttps_is_added() -> None:
    async def respond(line: str, seen: Seen) -> bytes:
        return answer("200 OK")

    async with server(respond) as (base, seen), transport() as layer:
        response = await send(layer, f"{base}/3/search/movie?query=a%2Cb%26c&page=1")

    ((line, headers),) = seen.requests
    assert line == "GET /3/search/movie?query=a%2Cb%26c&page=1 HTTP/1.1"
    assert "user-agent" not in headers
    assert response.extensions["http_version"] == b"HTTP/1.1"


async def test_a_closed_transport_sends_nothing_and_opens_no_new_session() -> None:
    async def respond(line: str, seen: Seen) -> bytes:
        return answer("200 OK")

    async with server(respond) as (base, seen), transport() as layer:
        await send(layer, f"{base}/a")
        await layer.aclose()
        session = layer._session
        assert session is None or session.closed
        with pytest.raises(ClientClosedError) as closed:
            await send(layer, f"{base}/b")
        assert str(closed.value) == CLOSED_MESSAGE
        assert layer._session is session  # no new pool

    assert len(seen.requests) == 1


def ok(line: str, seen: Seen) -> Awaitable[bytes]:
    async def answered() -> bytes:
        return answer("200 OK")

    return answered()


async def test_certificates_are_checked_against_the_clients_ssl_context() -> None:
    trusting = ssl.create_default_context(cafile=TLS / "ca.pem")
    async with server(ok, tls=True) as (base, seen), transport(ssl_context=lambda: trusting) as layer:
        response = await send(layer, f"{base}/3/movie/550")

    assert response.status_code == 200
    assert len(seen.requests) == 1


async def test_without_an_ssl_context_certificates_are_still_checked() -> None:
    async with server(ok, tls=True) as (base, seen), transport() as layer:
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            await send(layer, f"{base}/3/movie/550")

    assert seen.requests == []


async def test_requests_go_through_the_proxy_given() -> None:
    async with server(ok) as (proxy, seen), transport(proxy=proxy) as layer:
        response = await send(layer, "http://tmdb.invalid/3/movie/550?language=de")

    assert response.status_code == 200
    assert [line for line, _ in seen.requests] == ["GET http://tmdb.invalid/3/movie/550?language=de HTTP/1.1"]


async def test_proxy_variables_of_the_environment_are_not_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client resolves HTTP(S)_PROXY / NO_PROXY itself and passes `proxy`; this layer must not add its own.
    async with server(ok) as (proxy, via_proxy), server(ok) as (base, direct):
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy)
        async with transport() as layer:
            await send(layer, f"{base}/3/movie/550")

    assert (len(direct.requests), len(via_proxy.requests)) == (1, 0)


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
    async def respond(line: str, seen: Seen) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n" + b"x" * 10

    async with server(respond) as (base, _seen), transport() as layer:
        request = httpx.Request("GET", f"{base}/3/movie/550")
        response = await asyncio.wait_for(layer.handle_async_request(request), BOUND)
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete body") as caught:
            await asyncio.wait_for(response.aread(), BOUND)
        await response.aclose()

    assert caught.value.request is request


async def test_a_header_value_that_is_not_utf8_is_sent_readable() -> None:
    async with server(ok) as (base, seen), transport() as layer:
        request = httpx.Request("GET", f"{base}/3/movie/550", headers={b"X-Name": b"caf\xe9"})
        await asyncio.wait_for(layer.handle_async_request(request), BOUND)

    ((_, headers),) = seen.requests
    assert headers["x-name"] == "café".encode().decode("latin-1")  # Latin-1 read, written as UTF-8 by aiohttp


async def test_a_body_read_to_the_end_gives_its_connection_back_to_the_pool() -> None:
    connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    try:
        async with transport() as layer:
            for path in ("/a", "/b", "/c"):
                response = await send(layer, base + path)
                assert await asyncio.wait_for(response.aread(), BOUND) == b"{}"
                await response.aclose()
    finally:
        listening.close()
        await listening.wait_closed()

    assert connections == 1


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
