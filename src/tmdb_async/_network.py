"""The default network layer: aiohttp's pool, yielding to httpx's own when a test mocks httpx.

Why two: aiohttp's pool keeps the CPU per request flat as requests in flight grow, httpx's
does not (bench/RESULTS.md, "Network layers"), so real traffic goes through aiohttp
(_aiohttp.py). But the Python ecosystem mocks httpx: respx (by default) replaces
`httpcore.AsyncConnectionPool.handle_async_request`, pytest-httpx replaces
`httpx.AsyncHTTPTransport.handle_async_request`. A request sent through aiohttp never
reaches either, so a user who follows respx's docs would see their routes ignored and
the request go to the real TMDB.

So, for every request, NetworkTransport looks whether one of those two methods has been
replaced (its `__qualname__` is no longer the class's own: a few hundred nanoseconds) and,
if so, sends the request through an `httpx.AsyncHTTPTransport`, where the mock answers it.
Credentials, throttling, retries and error mapping sit above (_transport.py), so a mocked
404 still raises NotFoundError and a mocked 503 is still retried. When nothing is mocked
the httpx transport is never created.

`TMDB(transport=httpx.AsyncHTTPTransport())` picks httpx's pool for real traffic too
(a proxy httpx understands, HTTP/2 with `http2=True`); bench/RESULTS.md says what it costs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx

# The class whose sending method pytest-httpx replaces; respx replaces httpcore's
# AsyncConnectionPool's. httpcore is not imported here (it imports h11 and costs import
# time): a respx mock has imported it already, so it is looked up in sys.modules.
_TRANSPORT = httpx.AsyncHTTPTransport


def httpx_is_mocked() -> bool:
    """True while respx, pytest-httpx or another patcher has replaced httpx's or httpcore's sending method.

    The real methods are recognised by their __qualname__, not by identity with a reference
    taken at import: tmdb_async may well be imported while a mock is active.
    """
    if getattr(_TRANSPORT.handle_async_request, "__qualname__", None) != "AsyncHTTPTransport.handle_async_request":
        return True
    httpcore = sys.modules.get("httpcore")
    if httpcore is None:  # not even imported: nothing can have replaced its pool's method
        return False
    pool = httpcore.AsyncConnectionPool.handle_async_request
    return getattr(pool, "__qualname__", None) != "AsyncConnectionPool.handle_async_request"


class NetworkTransport(httpx.AsyncBaseTransport):
    """aiohttp for real traffic; httpx's own transport while httpx is mocked (see the module docstring)."""

    def __init__(self, aiohttp: httpx.AsyncBaseTransport, make_httpx: Callable[[], httpx.AsyncHTTPTransport]) -> None:
        """`aiohttp`: the real layer; `make_httpx` builds the httpx one (same proxy, same TLS) when first needed."""
        self.aiohttp = aiohttp
        self._make_httpx = make_httpx
        self._httpx: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if httpx_is_mocked():
            return await self._httpx_transport().handle_async_request(request)
        return await self.aiohttp.handle_async_request(request)

    def _httpx_transport(self) -> httpx.AsyncHTTPTransport:
        if self._httpx is None:
            self._httpx = self._make_httpx()
        return self._httpx

    async def aclose(self) -> None:
        await self.aiohttp.aclose()
        if self._httpx is not None:
            await self._httpx.aclose()
            self._httpx = None


__all__ = ["NetworkTransport", "httpx_is_mocked"]
