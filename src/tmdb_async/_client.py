"""TMDB: the client users hold. It owns the connection pool and the transport stack.

Where things happen:
- a request is built by the generated operation (generated/tmdb_api/api/<tag>/<op>.py),
  called by the generated namespace method (generated/tmdb_api/resources/<tag>.py);
- it is throttled, retried, authenticated and turned into an exception in
  _transport.py (policy in _retry.py, limiter in _throttle.py, errors in _exceptions.py);
- its body is parsed by the generated model's from_dict, and `_Caller.call` below turns
  an unparseable body into ResponseValidationError.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar, overload

import httpx

from tmdb_api.client import Client
from tmdb_api.errors import UnparseableResponse
from tmdb_api.resources import Namespaces
from tmdb_api.types import Response

from ._aiohttp import AiohttpTransport
from ._exceptions import ClientClosedError, ConfigurationError, ResponseValidationError
from ._images import ImageConfig, ImageConfigCache, ImageKind
from ._retry import RetryPolicy
from ._throttle import SYSTEM_TIMING, Limiter, Throttle, Timing
from ._transport import CALL_OPTIONS, CallOptions, Credentials, TMDBTransport, TransportStats, redact_url
from ._version import __version__
from .pagination import Page, paginate

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.themoviedb.org"
DEFAULT_TIMEOUT = 10.0
DEFAULT_REQUESTS_PER_SECOND = 40.0
DEFAULT_MAX_CONCURRENCY = 20  # TMDB's per-IP connection limit


class _Unset:
    """Marks an argument of with_options() that was not given."""


_UNSET_OPTION: Any = _Unset()


class _State:
    """What a client and every view made by with_options() share."""

    def __init__(self) -> None:
        self.closed = False


class _Caller:
    """Implements the generated namespaces' Caller protocol for one TMDB (or view)."""

    __slots__ = ("_api", "_defaults", "_options", "_state")

    def __init__(self, api: Client, state: _State, defaults: dict[str, str], options: CallOptions | None) -> None:
        self._api = api
        self._state = state
        self._defaults = defaults
        self._options = options

    async def call(self, endpoint: Callable[..., Awaitable[Response[T]]], /, **kwargs: Any) -> T:
        if self._state.closed:
            raise ClientClosedError("this TMDB client is closed; create a new one (or use it inside `async with`)")
        params = {name: value for name, value in kwargs.items() if value is not None}
        for name, value in self._defaults.items():
            if name in kwargs and name not in params:
                params[name] = value
        token = CALL_OPTIONS.set(self._options) if self._options is not None else None
        try:
            response = await endpoint(client=self._api, **params)
        except UnparseableResponse as exc:
            request = exc.response.request
            raise ResponseValidationError(
                f"TMDB's answer is not the documented JSON ({exc.reason})",
                status_code=exc.status_code,
                method=request.method,
                url=redact_url(request.url),
                body=exc.content,
            ) from exc
        finally:
            if token is not None:
                CALL_OPTIONS.reset(token)
        parsed = response.parsed
        if parsed is None:  # pragma: no cover - the transport raises for every non-2xx answer
            raise AssertionError(f"no parsed body for HTTP {response.status_code}")
        return parsed


class TMDB(Namespaces):
    """An async client for TMDB API v3.

    >>> async with TMDB() as tmdb:  # doctest: +SKIP
    ...     movie = await tmdb.movies.details(550, append_to_response=["credits"])

    Credentials: `access_token` (sent as `Authorization: Bearer`), else `api_key` (sent as
    the `api_key` query parameter), else the environment variables TMDB_ACCESS_TOKEN, then
    TMDB_API_KEY.

    Every call goes through one connection pool, one retry policy and one rate limiter
    shared by all tasks: at most `requests_per_second` request starts per second (None:
    no limit), at most `max_concurrency` in flight, and after a 429 every call waits out
    its Retry-After. `language` and `region` are sent with every operation that takes
    them, unless a call passes its own. `transport` replaces the network layer (tests,
    proxies, custom stacks); retries and throttling still apply around it.

    `limiter` replaces the local rate limiter (and then `requests_per_second` and
    `max_concurrency` are its business): `tmdb_async.limits.RedisLimiter` shares one budget
    between processes, or any object with the methods of `tmdb_async.limits.Limiter`. The
    client does not close a limiter it was given: its owner does (it may serve other clients).
    """

    # Where time is read and waited on; tests swap it (monkeypatch) to run without sleeping.
    _timing: Timing = SYSTEM_TIMING

    def __init__(
        self,
        *,
        access_token: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_retry_after: float = 60.0,
        language: str | None = None,
        region: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        credentials = _credentials(access_token, api_key)
        _check_options(
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            max_concurrency=max_concurrency,
            max_retry_after=max_retry_after,
        )
        self.base_url = base_url or os.environ.get("TMDB_BASE_URL") or DEFAULT_BASE_URL
        timing = self._timing
        self._limiter: Limiter = limiter or Throttle(
            requests_per_second, max_concurrency, clock=timing.monotonic, sleep=timing.sleep
        )
        inner = transport or AiohttpTransport(max_connections=self._limiter.max_concurrency)
        self._transport = TMDBTransport(
            inner,
            credentials=credentials,
            policy=RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after),
            limiter=self._limiter,
            clock=timing.monotonic,
            sleep=timing.sleep,
            wall_clock=timing.wall,
            random=timing.random,
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=self._transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": f"tmdb-async/{__version__}"},
        )
        self._api = Client(base_url=self.base_url).set_async_httpx_client(self._http)
        self._state = _State()
        self._defaults = {name: value for name, value in (("language", language), ("region", region)) if value}
        self._options: CallOptions | None = None
        self._caller = _Caller(self._api, self._state, self._defaults, None)
        self._images = ImageConfigCache(lambda: self.configuration.details())

    def __repr__(self) -> str:
        kind = "access_token" if self._transport.credentials.access_token else "api_key"
        closed = ", closed" if self._state.closed else ""
        return f"TMDB(base_url={self.base_url!r}, auth={kind}{closed})"

    def with_options(
        self, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = _UNSET_OPTION
    ) -> TMDB:
        """A view of this client with other retry or timeout settings for the calls made through it.

        The view shares the connection pool, the rate limiter and the pause after a 429;
        closing either closes both. `tmdb.with_options(max_retries=0).movies.details(550)`
        fails at the first error; `timeout=None` waits without limit.
        """
        policy = self._transport.policy if self._options is None else self._options.policy
        if max_retries is not None:
            _check_options(max_retries=max_retries)
            policy = RetryPolicy(
                max_retries=max_retries,
                backoff_base=policy.backoff_base,
                backoff_cap=policy.backoff_cap,
                max_retry_after=policy.max_retry_after,
            )
        if timeout is _UNSET_OPTION:
            call_timeout = None if self._options is None else self._options.timeout
        else:
            _check_options(timeout=timeout)
            call_timeout = httpx.Timeout(timeout)
        view = object.__new__(type(self))
        view.__dict__.update({key: value for key, value in self.__dict__.items() if key not in _NAMESPACE_CACHE})
        view._options = CallOptions(policy, call_timeout)
        view._caller = _Caller(self._api, self._state, self._defaults, view._options)
        return view

    def paginate(
        self, method: Callable[..., Awaitable[Page[T]]], *args: Any, max_pages: int | None = None, **kwargs: Any
    ) -> AsyncIterator[T]:
        """Iterate over the items of every page of a paged operation.

        `async for movie in tmdb.paginate(tmdb.movies.popular, max_pages=3, region="US")`.
        Stops after the last page (`total_pages`), at TMDB's 500-page cap, or after
        `max_pages` pages. `page=` starts elsewhere than page 1.
        """
        return paginate(method, *args, max_pages=max_pages, **kwargs)

    # -- images ------------------------------------------------------------------------
    @overload
    async def image_url(self, file_path: str, size: str = ..., *, kind: ImageKind | None = ...) -> str: ...
    @overload
    async def image_url(self, file_path: None, size: str = ..., *, kind: ImageKind | None = ...) -> None: ...

    async def image_url(
        self, file_path: str | None, size: str = "original", *, kind: ImageKind | None = None
    ) -> str | None:
        """The full URL of a TMDB image: secure_base_url + size + file_path.

        `await tmdb.image_url(movie.poster_path, "w500", kind="poster")`. The sizes come from
        `configuration.details()`, fetched once per client (views share it). With `kind`
        (poster, backdrop, profile, still, logo) the size must be one TMDB offers for that
        kind; without it, any of TMDB's sizes. A bad size raises ValueError listing the valid
        ones. A None path (the item has no image) gives None.
        """
        if file_path is None:
            return None
        config = await self._images.get()
        return config.url(file_path, size, kind)

    async def image_config(self) -> ImageConfig:
        """The image base URL and the sizes of each kind (fetched once per client)."""
        return await self._images.get()

    @property
    def max_concurrency(self) -> int:
        """How many requests this client keeps in flight at most."""
        return self._limiter.max_concurrency

    @property
    def stats(self) -> TransportStats:
        """Counters shared by this client and its views: requests, attempts, retries, failures."""
        return self._transport.stats

    @property
    def closed(self) -> bool:
        return self._state.closed

    async def aclose(self) -> None:
        """Close the connection pool; later calls raise ClientClosedError. Closing twice is harmless."""
        if not self._state.closed:
            self._state.closed = True
            await self._http.aclose()

    async def __aenter__(self) -> TMDB:
        if self._state.closed:
            raise ClientClosedError("this TMDB client is closed; create a new one")
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


_NAMESPACE_CACHE = frozenset(name for name in dir(Namespaces) if not name.startswith("_"))


def _credentials(access_token: str | None, api_key: str | None) -> Credentials:
    access_token = access_token or None
    api_key = api_key or None
    if access_token is None and api_key is None:
        access_token = os.environ.get("TMDB_ACCESS_TOKEN") or None
        api_key = None if access_token else os.environ.get("TMDB_API_KEY") or None
    if access_token is None and api_key is None:
        raise ConfigurationError(
            "no TMDB credentials: pass access_token=... (the API read access token) or api_key=..."
            " (the v3 API key), or set the environment variable TMDB_ACCESS_TOKEN or TMDB_API_KEY"
        )
    if access_token is not None:
        return Credentials(access_token=access_token)
    return Credentials(api_key=api_key)


def _check_options(
    *,
    timeout: float | httpx.Timeout | None = None,
    max_retries: int = 0,
    requests_per_second: float | None = None,
    max_concurrency: int = 1,
    max_retry_after: float = 0.0,
) -> None:
    """Raise ConfigurationError naming every option that is out of range (defaults are valid)."""
    problems = []
    if isinstance(timeout, httpx.Timeout):
        parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        if any(part is not None and not part > 0 for part in parts):
            problems.append(f"every part of timeout must be a positive number of seconds or None, got {timeout!r}")
    elif timeout is not None and not timeout > 0:
        problems.append(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        problems.append(f"max_retries must be a whole number >= 0, got {max_retries!r}")
    if requests_per_second is not None and not requests_per_second > 0:
        problems.append(f"requests_per_second must be > 0, or None for no limit, got {requests_per_second!r}")
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        problems.append(f"max_concurrency must be a whole number >= 1, got {max_concurrency!r}")
    if not max_retry_after >= 0:
        problems.append(f"max_retry_after must be >= 0 seconds, got {max_retry_after!r}")
    if problems:
        raise ConfigurationError("; ".join(problems))
