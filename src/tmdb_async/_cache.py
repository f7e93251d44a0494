"""Optional HTTP caching, `TMDB(cache=...)`: hishel's RFC 9111 cache above the retry/throttle seam.

TMDB asks clients to cache, and says for how long in each answer's Cache-Control. hishel
(the `tmdb-async[cache]` extra) implements RFC 9111: freshness from Cache-Control/Expires,
revalidation with ETag/If-None-Match, `no-store`, Vary, invalidation by unsafe methods.
We do not hand-write any of that; this module only decides where the cache sits and what
it must never hold:

- It sits between httpx's client and TMDBTransport (_transport.py). A fresh answer comes
  from the storage without reaching the transport: no rate-limit turn, no concurrency
  slot, no attempt counted. A revalidation (a conditional GET answered 304) is a real
  request and takes its turn like any other.
- The key and the stored request are the request above the transport, which has no
  credentials yet: neither the access token nor the api_key ever reaches the storage.
- Requests carrying a `session_id` or `guest_session_id` (account states, ratings, lists
  of a user) bypass the cache: they are one user's, change with that user's writes, and
  their URL holds a secret.
- It is a private cache (`shared=False`): one client's cache, as a browser's is.

`cache=` takes ":memory:" (a dict in this process, 64 MiB of bodies at most, least recently
used out; _cache_memory.py says why not SQLite in memory), a path (an SQLite file, created
with its folder if missing, reusable across runs and processes), or any hishel async
storage (`hishel.AsyncSqliteStorage(...)`, `hishel.AsyncRedisStorage(...)`). The SQLite
connection is opened on the first request (it needs the event loop) and closed with the
client.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, cast

import httpx

from ._exceptions import ConfigurationError
from ._transport import TransportStats

if TYPE_CHECKING:
    from hishel import AsyncBaseStorage
    from hishel.httpx import AsyncCacheTransport

CacheSetting = Union[str, "os.PathLike[str]", "AsyncBaseStorage", None]
MEMORY = ":memory:"
INSTALL_HINT = "caching needs hishel: pip install 'tmdb-async[cache]'"
_USER_PARAMS = (b"session_id=",)  # guest_session_id= contains it


def check_cache(cache: object) -> str | AsyncBaseStorage | None:
    """`cache=` as CacheTransport takes it (a path expanded), or ConfigurationError when it cannot work."""
    if cache is None:
        return None
    try:
        import hishel

        importlib.import_module("hishel.httpx")  # needs the httpx extra's packages (anyio, anysqlite)
    except ImportError as exc:
        raise ConfigurationError(f"cache={cache!r}: {INSTALL_HINT} (missing: {exc.name})") from None
    if isinstance(cache, hishel.AsyncBaseStorage):
        return cache
    text = os.fsdecode(cast("str | os.PathLike[str]", cache)) if isinstance(cache, (str, os.PathLike)) else ""
    if not text:  # empty strings, True, numbers, ...
        raise ConfigurationError(
            f'cache must be ":memory:", the path of an SQLite file, or a hishel async storage; got {cache!r}'
        )
    if text == MEMORY:
        return MEMORY
    path = Path(text).expanduser()
    if path.exists() and not path.is_file():
        raise ConfigurationError(f"cache={text!r} is not a file: give an SQLite file to create or use")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # `~/.cache/tmdb.db` on a machine without ~/.cache
    except OSError as exc:
        raise ConfigurationError(f"cache={text!r}: cannot create its folder ({exc.strerror})") from None
    return str(path)


class CacheTransport(httpx.AsyncBaseTransport):
    """hishel's cache transport around `inner` (TMDBTransport), created on the first request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, cache: str | AsyncBaseStorage, stats: TransportStats) -> None:
        self.inner = inner
        self.setting = cache
        self.stats = stats
        self._cached: AsyncCacheTransport | None = None
        self._storage: AsyncBaseStorage | None = None
        self._opening = asyncio.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if any(param in request.url.query for param in _USER_PARAMS):
            return await self.inner.handle_async_request(request)
        cached = self._cached or await self._open()
        response = await cached.handle_async_request(request)
        status: Any = response.extensions.get("caching")
        if status is not None and status["from_cache"]:
            if status["revalidated"]:
                self.stats.cache_revalidations += 1
            else:
                self.stats.cache_hits += 1
        return response

    async def _open(self) -> AsyncCacheTransport:
        async with self._opening:
            if self._cached is None:
                import hishel
                from hishel.httpx import AsyncCacheTransport

                self._storage = await _storage(self.setting)
                options = hishel.CacheOptions(shared=False)
                self._cached = AsyncCacheTransport(self.inner, storage=self._storage, rfc=options)
            return self._cached

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            if self._storage is not None and self._storage is not self.setting:
                await self._storage.close()  # ours (":memory:" or a path); a storage the user gave stays theirs
            self._cached = None  # pragma: no mutate (any false value: the next request opens it again)
            self._storage = None


async def _storage(cache: str | AsyncBaseStorage) -> AsyncBaseStorage:
    import anysqlite
    import hishel

    if isinstance(cache, hishel.AsyncBaseStorage):
        return cache
    if cache == MEMORY:
        from ._cache_memory import MemoryStorage

        return MemoryStorage()
    # Our own connection, so that the file is where the user said: given only a path, hishel
    # puts a bare file name under ./.cache/hishel/ and writes a .gitignore beside it.
    connection = await anysqlite.connect(cache, isolation_level=None)
    return hishel.AsyncSqliteStorage(connection=connection)


__all__ = ["MEMORY", "CacheSetting", "CacheTransport", "check_cache"]
