"""The clients under benchmark, each behind the same small adapter interface.

Every adapter fetches GET /3/movie/{id} (with append_to_response for the large body), parses the
answer the way that client does, and returns a Fetched, which run.py checks against the request.
Each is configured as a careful user would: pools sized for the in-flight level, no client-side
rate limit, and the base URL pointed at the local server through the library's own mechanism.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from tmdb_async_api.resources.movies import MovieDetailsAppend

APPEND: tuple[MovieDetailsAppend, ...] = ("credits", "images", "videos", "keywords", "recommendations")
APPEND_PARAM = ",".join(APPEND)
TIMEOUT_SECONDS = 30.0
TOKEN = "bench-token"


@dataclass(frozen=True)
class Fetched:
    """What a client got back: enough to tell the right movie, fully parsed, from anything else."""

    id: int
    title: str
    cast: int  # len(credits.cast) for the large body, 0 for the small one


def _from_dict(data: dict[str, Any], large: bool) -> Fetched:
    return Fetched(data["id"], data["title"], len(data["credits"]["cast"]) if large else 0)


class AsyncAdapter(ABC):
    """An asyncio client: open() once per measurement, fetch() many times, close()."""

    name: ClassVar[str]
    is_async: ClassVar[bool] = True

    @abstractmethod
    async def open(self, base_url: str, in_flight: int) -> None: ...

    @abstractmethod
    async def fetch(self, movie_id: int, large: bool) -> Fetched: ...

    @abstractmethod
    async def close(self) -> None: ...


class SyncAdapter(ABC):
    """A blocking client; run.py runs it in threads for the in-flight levels."""

    name: ClassVar[str]
    is_async: ClassVar[bool] = False

    @abstractmethod
    def open(self, base_url: str, in_flight: int) -> None: ...

    @abstractmethod
    def fetch(self, movie_id: int, large: bool) -> Fetched: ...

    @abstractmethod
    def close(self) -> None: ...


Adapter = AsyncAdapter | SyncAdapter


class HttpxRaw(AsyncAdapter):
    """The baseline: httpx.AsyncClient + json.loads, pool sized to the in-flight level."""

    name = "httpx"

    async def open(self, base_url: str, in_flight: int) -> None:
        import httpx

        limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
        self.client = httpx.AsyncClient(
            base_url=base_url,
            limits=limits,
            timeout=TIMEOUT_SECONDS,
            headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        )

    async def fetch(self, movie_id: int, large: bool) -> Fetched:
        params = {"append_to_response": APPEND_PARAM} if large else None
        response = await self.client.get(f"/3/movie/{movie_id}", params=params)
        response.raise_for_status()
        return _from_dict(json.loads(response.content), large)

    async def close(self) -> None:
        await self.client.aclose()


class AiohttpRaw(AsyncAdapter):
    """aiohttp.ClientSession + json.loads, connector limited to the in-flight level."""

    name = "aiohttp"

    async def open(self, base_url: str, in_flight: int) -> None:
        import aiohttp

        self.base_url = base_url
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=in_flight),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
            headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        )

    async def fetch(self, movie_id: int, large: bool) -> Fetched:
        params = {"append_to_response": APPEND_PARAM} if large else None
        async with self.session.get(f"{self.base_url}/3/movie/{movie_id}", params=params) as response:
            response.raise_for_status()
            body = await response.read()
        return _from_dict(json.loads(body), large)

    async def close(self) -> None:
        await self.session.close()


class TmdbAsync(AsyncAdapter):
    """tmdb_async.TMDB, no rate limit, max_concurrency = the in-flight level, default retries."""

    name = "tmdb_async"

    async def open(self, base_url: str, in_flight: int) -> None:
        from tmdb_async import TMDB

        self.tmdb = TMDB(
            base_url=base_url,
            access_token=TOKEN,
            requests_per_second=None,
            max_concurrency=in_flight,
            timeout=TIMEOUT_SECONDS,
        )
        await self.tmdb.__aenter__()
        self.append = list(APPEND)

    async def fetch(self, movie_id: int, large: bool) -> Fetched:
        movie = await self.tmdb.movies.details(movie_id, append_to_response=self.append if large else None)
        cast = len(movie.credits.cast) if large else 0
        return Fetched(movie.id, str(movie.title), cast)  # an UNSET title would fail run.py's check

    async def close(self) -> None:
        await self.tmdb.aclose()


class TmdbAsyncHttpx(TmdbAsync):
    """tmdb_async.TMDB on httpx's own pool (`transport=httpx.AsyncHTTPTransport(...)`), sized as httpx above.

    The default network layer is aiohttp's pool (src/tmdb_async/_network.py); this is the
    opt-in alternative, measured so that README can say what choosing it costs.
    """

    name = "tmdb_async_httpx"

    async def open(self, base_url: str, in_flight: int) -> None:
        import httpx

        from tmdb_async import TMDB

        limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
        self.tmdb = TMDB(
            base_url=base_url,
            access_token=TOKEN,
            requests_per_second=None,
            max_concurrency=in_flight,
            timeout=TIMEOUT_SECONDS,
            transport=httpx.AsyncHTTPTransport(limits=limits),
        )
        await self.tmdb.__aenter__()
        self.append = list(APPEND)


class Themoviedb(AsyncAdapter):
    """themoviedb.aioTMDb (aiohttp, dacite dataclasses), its own ClientSession as users get it.

    The library has no base-URL option: ClientConfig.host is where every URL starts, so it is
    set on the client's config, which all its resources share.
    """

    name = "themoviedb"

    async def open(self, base_url: str, in_flight: int) -> None:
        from themoviedb.aiotmdb import aioTMDb

        self.tmdb = aioTMDb(api_key=TOKEN, timeout=TIMEOUT_SECONDS)
        self.tmdb._config.host = base_url
        await self.tmdb.__aenter__()

    async def fetch(self, movie_id: int, large: bool) -> Fetched:
        append = APPEND_PARAM if large else None
        movie = await self.tmdb.movie(movie_id).details(append_to_response=append)
        cast = len(movie.credits.cast) if large and movie.credits and movie.credits.cast else 0
        return Fetched(movie.id, movie.title, cast)

    async def close(self) -> None:
        await self.tmdb.aclose()


class Tmdbsimple(SyncAdapter):
    """tmdbsimple (requests), one shared requests.Session as its README recommends.

    tmdbsimple hard-codes https://api.themoviedb.org in each object's `base_uri` (set in
    __init__), so it is replaced on each Movies object. It sends `Connection: close` on every
    request, so it opens a connection per request: that is its real behaviour and cost.
    """

    name = "tmdbsimple"

    def open(self, base_url: str, in_flight: int) -> None:
        import requests
        import tmdbsimple

        self.base_uri = f"{base_url}/3"
        self.session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=in_flight)
        self.session.mount("http://", adapter)
        tmdbsimple.API_KEY = TOKEN
        tmdbsimple.REQUESTS_SESSION = self.session
        tmdbsimple.REQUESTS_TIMEOUT = TIMEOUT_SECONDS
        self.movies = tmdbsimple.Movies

    def fetch(self, movie_id: int, large: bool) -> Fetched:
        movie = self.movies(movie_id)
        movie.base_uri = self.base_uri
        data = movie.info(append_to_response=APPEND_PARAM) if large else movie.info()
        return _from_dict(data, large)

    def close(self) -> None:
        import tmdbsimple

        tmdbsimple.REQUESTS_SESSION = None
        self.session.close()


ADAPTERS: tuple[type[AsyncAdapter] | type[SyncAdapter], ...] = (
    HttpxRaw,
    AiohttpRaw,
    TmdbAsync,
    TmdbAsyncHttpx,
    Tmdbsimple,
    Themoviedb,
)
BASELINE = HttpxRaw.name
