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

The answer's body is read whole, as the transport above it (_transport.py) needs it, and
handed to httpx still encoded (gzip), so httpx decodes it exactly as it does its own.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    import aiohttp

KEEPALIVE_SECONDS = 15.0
HEADER_ENCODING = "latin-1"  # header bytes as httpx keeps them, passed through unchanged


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends through one aiohttp ClientSession (created on first use)."""

    def __init__(self, *, max_connections: int) -> None:
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            import aiohttp

            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=self.max_connections,
                keepalive_timeout=KEEPALIVE_SECONDS,  # pragma: no mutate (equivalent: aiohttp's default is 15 s too)
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # httpx decodes, as with its own transport  # pragma: no mutate (None: as false)
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=("User-Agent",),  # pragma: no mutate (equivalent: any case of the name)
            )
            # aiohttp silently sends a GET again when a kept-alive connection fails; then the
            # server sees attempts the client neither counts, paces nor bounds by max_retries.
            # Every attempt is the retry policy's to make (tests/reliability counts them).
            # No public switch exists: the attribute is checked by a test on upgrade.
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp
        import yarl

        session = self._get_session()
        timeout = request.extensions.get("timeout") or {}
        headers = [(key.decode(HEADER_ENCODING), value.decode(HEADER_ENCODING)) for key, value in request.headers.raw]
        body = await request.aread() or None
        try:
            async with session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,  # pragma: no mutate (equivalent: None, as false; True is tested)
                timeout=aiohttp.ClientTimeout(
                    total=None,  # pragma: no mutate (equivalent: ClientTimeout's default, said here on purpose)
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as response:
                content = await response.read()
                raw_headers = list(response.raw_headers)
                status = response.status
        except Exception as exc:
            mapped = _httpx_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        return httpx.Response(
            status,
            headers=raw_headers,
            stream=httpx.ByteStream(content),
            extensions={"http_version": b"HTTP/1.1"},
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


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
