"""The default network layer: httpx's transport interface on an aiohttp connection pool.

Why: httpx's own pool (httpcore) scans every connection for every request event, so its
CPU per request grows with the requests in flight (measured in bench/RESULTS.md: 549 µs
sequentially, 5,344 µs at 64 in flight); aiohttp's stays flat (about 95 µs). Our bulk
fetches run 20 to 64 requests at once, so this is where the time goes.

Why not the httpx-aiohttp package: it maps a server that closed the connection without an
answer (ServerDisconnectedError) to httpx.ConnectTimeout. The retry policy reads a
connect error as "the request never left", and retries writes on it (rating POSTs), which
would be wrong here; the mapping below keeps "never sent" and "may have been received"
apart, and reports timeouts as timeouts.

The answer's body is handed to httpx as a stream, still encoded (gzip), so that httpx
decodes it exactly as it does its own and the transport above (_transport.py) counts it
chunk by chunk against its size limit and deadline.

Like httpx's own transport: proxies come from `proxy` (resolved by the client from
`proxy=` or HTTP(S)_PROXY / ALL_PROXY / NO_PROXY), certificates are checked against the
client's SSL context (certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR), and header
bytes are sent exactly as httpx would send them (a UTF-8 token is not encoded twice).
Once closed, the transport opens no new pool: a request raises ClientClosedError.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import httpx

from ._constants import CLOSED_MESSAGE, KEEPALIVE_SECONDS
from ._exceptions import ClientClosedError

if TYPE_CHECKING:
    import aiohttp

CHUNK_BYTES = 64 * 1024


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends through one aiohttp ClientSession (created on first use)."""

    def __init__(
        self,
        *,
        max_connections: int,
        proxy: str | None = None,
        ssl_context: Callable[[], ssl.SSLContext] | None = None,
    ) -> None:
        self.max_connections = max_connections
        self.proxy = proxy
        self.ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._closed = False  # pragma: no mutate (None is as false: the same pool is opened)

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError(CLOSED_MESSAGE)
        if self._session is None:
            import aiohttp

            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=self.max_connections,
                keepalive_timeout=KEEPALIVE_SECONDS,
                ssl=self.ssl_context() if self.ssl_context is not None else True,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes, as with its own  # pragma: no mutate (None: as false)
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=("User-Agent",),  # pragma: no mutate (aiohttp matches names in any case)
                proxy=self.proxy,
                trust_env=False,  # the client resolved the proxy, as httpx does  # pragma: no mutate (None: as false)
            )
            # aiohttp silently sends a GET again when a kept-alive connection fails; then the
            # server sees attempts the client neither counts, paces nor bounds by max_retries.
            # Every attempt is the retry policy's to make (tests/reliability counts them).
            # No public switch exists: the attribute is checked by a test on upgrade.
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # no public switch (above)
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import yarl

        session = self._get_session()
        timeout: dict[str, float | None] = request.extensions.get("timeout") or {}  # httpx's timeout extension
        raw = request.headers.raw
        try:  # UTF-8 almost always: one pass, no call per header (_header_value below is the general case)
            headers = [
                (key.decode("latin-1"), value.decode("utf-8"))  # pragma: no mutate (codec names: any case)
                for key, value in raw
            ]
        except UnicodeDecodeError:
            headers = [
                (key.decode("latin-1"), _header_value(value))  # pragma: no mutate (codec names: any case)
                for key, value in raw
            ]
        body = await request.aread() or None
        try:
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,  # pragma: no mutate (None is as false: not followed)
                timeout=_client_timeout(timeout.get("connect"), timeout.get("read")),
            )
        except Exception as exc:
            mapped = _httpx_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            extensions={"http_version": b"HTTP/1.1"},
            request=request,
        )

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()


class _Body(httpx.AsyncByteStream):
    """An aiohttp answer's body as httpx's stream: chunk by chunk, aiohttp's errors as httpx's."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request
        # pragma below: aiohttp pools a connection read to the end by itself, and release() drops a
        # half-read one: the two branches of aclose() differ in nothing observable (no mutate).
        self._finished = False  # pragma: no mutate

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(CHUNK_BYTES):
                yield chunk
        except Exception as exc:
            mapped = _httpx_error(exc, self._request)
            if mapped is None:
                raise
            raise mapped from exc
        self._finished = True  # pragma: no mutate (see __init__)

    async def aclose(self) -> None:
        if self._finished:
            self._response.release()  # read to the end: the connection goes back to the pool
        else:
            self._response.close()  # abandoned mid-body (too large, too slow): drop the connection


@functools.lru_cache(maxsize=32)
def _client_timeout(connect: float | None, read: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's timeouts for httpx's connect and read ones (an immutable object: one per pair, not per request)."""
    import aiohttp

    return aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)


def _header_value(value: bytes) -> str:
    """The text aiohttp encodes back to exactly `value`: aiohttp writes headers as UTF-8."""
    try:
        return value.decode("utf-8")  # pragma: no mutate (codec names are read in any case)
    except UnicodeDecodeError:  # not UTF-8: no text gives these bytes back; Latin-1 keeps it readable
        return value.decode("latin-1")  # pragma: no mutate (codec names are read in any case)


def _httpx_error(exc: Exception, request: httpx.Request) -> httpx.TransportError | None:
    """aiohttp's exception as the httpx one the retry policy understands (None: not aiohttp's)."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError):  # before ClientOSError: it is one
        return httpx.ConnectError(_text(exc), request=request)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(_text(exc), request=request)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(_text(exc), request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError("the server closed the connection without an answer", request=request)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(f"incomplete body: {_text(exc)}", request=request)
    if isinstance(exc, aiohttp.ClientOSError):
        return httpx.ReadError(_text(exc), request=request)
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        return httpx.UnsupportedProtocol(_text(exc), request=request)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.ReadError(f"{type(exc).__name__}: {_text(exc)}", request=request)
    return None


def _text(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


__all__ = ["AiohttpTransport"]
