"""TMDB: the client users hold, a light view over a shared core (`_Core`: pool, transport stack, state).

`TMDB(...)` builds a core; `with_options()` makes another view over the same core, with its
own retry and timeout options and namespaces: closing either closes the core.

Where things happen:
- a request is built by the generated operation (generated/tmdb_async_api/api/<tag>/<op>.py),
  called by the generated namespace method (generated/tmdb_async_api/resources/<tag>.py);
- the httpx client that builds it is `_HTTPClient` below: httpx's, with the URL parsed once
  and no cookie jar (the two costs of a small call it had; bench/README.md);
- a call's extra_query/extra_headers are added to it by a request hook (_call_extras.py);
- with `cache=`, a fresh stored answer is served by hishel's cache (_cache.py) before
  anything below is reached;
- it is throttled, retried, authenticated and turned into an exception in
  _transport.py (policy in _retry.py, limiter in _throttle.py, errors in _exceptions.py);
- it is sent by _network.py: aiohttp's pool, or httpx's own while respx mocks httpx;
- its body is parsed by the generated model's from_dict, and `_Caller.send` below turns
  an unparseable body into ResponseValidationError; `_RawCaller` (tmdb.with_raw_response)
  answers the status, headers and body next to the model.

The network layer (`_network_layer`) is built here, so that `proxy=`, `verify=` and the
environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR) mean the
same on either layer, and the same as for httpx.

The loop rule: a client belongs to the event loop it is first used in (its pool, its rate
limiter and its locks do); a call from another loop raises ConfigurationError.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import ssl
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable
from functools import cached_property
from types import TracebackType
from typing import Any, Literal, ParamSpec, TypeVar, overload

import httpx

from tmdb_async_api.client import Client
from tmdb_async_api.errors import UnparseableResponse
from tmdb_async_api.resources import Namespaces, RawNamespaces
from tmdb_async_api.resources._base import ExtraHeaders, ExtraQuery, RawResponse
from tmdb_async_api.types import UNSET, Response, Unset

from ._aiohttp import AiohttpTransport
from ._cache import CacheSetting, CacheTransport, check_cache
from ._call_extras import CALL_EXTRAS, Extras, check_extras
from ._call_extras import apply as apply_extras
from ._constants import (
    CLOSED_MESSAGE,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_REQUESTS_PER_SECOND,
    DEFAULT_TIMEOUT,
)
from ._exceptions import ClientClosedError, ConfigurationError, ResponseValidationError
from ._images import ImageConfig, ImageConfigCache, ImageKind
from ._network import NetworkTransport
from ._redact import redact_url, scrub, scrub_bytes
from ._retry import RetryPolicy
from ._throttle import SYSTEM_TIMING, Limiter, Throttle, Timing
from ._transport import (
    CALL_OPTIONS,
    CallOptions,
    Credentials,
    TMDBTransport,
    TransportStats,
)
from ._version import __version__
from .pagination import Page, Pages, paginate

T = TypeVar("T")
P = ParamSpec("P")
_Client = TypeVar("_Client", bound="TMDB")  # `Self` (3.11+): a subclass's with_options() and `async with` keep its type

NetworkLayer = Literal["aiohttp", "httpx"]


class _Unset:
    """Marks an argument of with_options() that was not given."""


_UNSET_OPTION: Any = _Unset()


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps none of the cookies answers set."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing (httpx's own builds a urllib request per answer to find out what to keep)."""


class _HTTPClient(httpx.AsyncClient):
    """httpx's client, minus two costs of every call (bench/ab.py measures them on a small call).

    - `params={}` is passed on as None: the generated operations always pass `params`, an
      empty dict when the call has no query parameter (movies.details(550)), and httpx then
      re-parses the URL to merge nothing into it (about 14 µs, 3 % of a small call's CPU).
    - The URL of a path is the base URL's text + the path (+ the query), parsed once: httpx
      parses the path, then the base URL with the merged path again, then once more to add
      the query (about 10 µs each). The same URL, for every path the generated operations
      build ("/3/...", their parameters percent-encoded; tests/client/test_hot_path.py
      compares the two ways); anything else goes httpx's way.
    - No cookie is kept: TMDB's API is stateless and sets none that matter, and the aiohttp
      layer keeps none either (its DummyCookieJar); httpx's jar would send back whatever an
      answer set (a CDN's tracking cookie) and costs about 15 µs per answer to look.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._no_cookies = _NoCookies()
        self._prefix_of: tuple[httpx.URL, str | None] | None = None  # (base_url, its text ending in "/")

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        raise AttributeError("tmdb_async's HTTP client keeps no cookies")

    def build_request(self, method: str, url: httpx.URL | str, *, params: Any = None, **kwargs: Any) -> httpx.Request:
        if isinstance(url, str) and url.startswith("/") and not url.startswith("//") and "#" not in url:
            prefix = self._prefix()
            if prefix is not None:
                if params and "?" not in url and not self.params:  # the query in the same single parse
                    return super().build_request(method, httpx.URL(prefix + url[1:], params=params), **kwargs)
                url = httpx.URL(prefix + url[1:])
        return super().build_request(method, url, params=params or None, **kwargs)

    def _prefix(self) -> str | None:
        """The base URL as text ending in "/" (what a path is appended to); None if it has a query."""
        base = self.base_url
        if self._prefix_of is None or self._prefix_of[0] is not base:
            text = str(base)
            self._prefix_of = (base, None if base.query else text if text.endswith("/") else text + "/")
        return self._prefix_of[1]


class _Core:
    """What a client and every view made by with_options() share: the pool and transport stack, the state.

    A TMDB is a light view over one core: its own retry and timeout options (with_options)
    and its own namespaces, and everything else here.
    """

    __slots__ = ("api", "base_url", "closed", "defaults", "http", "images", "limiter", "loop", "secrets", "transport")

    def __init__(
        self,
        *,
        base_url: str,
        limiter: Limiter,
        transport: TMDBTransport,
        http: httpx.AsyncClient,
        defaults: dict[str, str],
        secrets: list[str],
        images: ImageConfigCache,
    ) -> None:
        self.base_url = base_url
        self.limiter = limiter  # the local Throttle, or the one given (TMDB(limiter=...))
        self.transport = transport
        self.http = http
        self.api = Client(base_url=base_url).set_async_httpx_client(http)
        self.defaults = defaults  # language and region, sent with every operation that takes them
        self.secrets = secrets  # the values scrubbed from every text shown
        self.closed = False
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop of the first call
        self.images = images  # the image configuration, fetched once for the client and its views

    def check_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is None:
            self.loop = loop
        elif loop is not self.loop:
            raise ConfigurationError(
                "this TMDB client was first used in another event loop, and its connection pool and rate limiter"
                " belong to that loop: create one TMDB per event loop (inside the coroutine you pass to asyncio.run)"
            )

    async def aclose(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.transport.closed = True  # nothing more is sent, even before the pool is closed
        home = self.loop
        if home is None or home is asyncio.get_running_loop():
            await self.http.aclose()
        elif home.is_running():  # the client's own loop runs in another thread: close the pool there
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.http.aclose(), home))
        # else: the pool belongs to a loop that no longer runs; its connections cannot be closed from here


class _Caller:
    """Implements the generated namespaces' Caller protocol for one TMDB (or view)."""

    __slots__ = ("_core", "_options")

    def __init__(self, core: _Core, options: CallOptions | None) -> None:
        self._core = core
        self._options = options

    async def call(
        self,
        endpoint: Callable[..., Awaitable[Response[T]]],
        /,
        *,
        extra_query: ExtraQuery | None = None,
        extra_headers: ExtraHeaders | None = None,
        **kwargs: Any,
    ) -> T:
        return _parsed(await self.send(endpoint, check_extras(extra_query, extra_headers), kwargs))

    async def send(
        self, endpoint: Callable[..., Awaitable[Response[T]]], extras: Extras | None, kwargs: dict[str, Any]
    ) -> Response[T]:
        """The generated operation's Response, sent with this client's defaults, options and the call's extras."""
        core = self._core
        if core.closed:
            raise ClientClosedError(CLOSED_MESSAGE)
        if core.loop is not asyncio.get_running_loop():
            core.check_loop()
        for name, value in core.defaults.items():
            if name in kwargs and kwargs[name] is None:
                kwargs[name] = value
        token = CALL_OPTIONS.set(self._options) if self._options is not None else None
        extras_token = CALL_EXTRAS.set(extras) if extras is not None else None
        try:
            # An absent argument (None) is passed on as it is: the generated module drops it.
            return await endpoint(client=core.api, **kwargs)
        except UnparseableResponse as exc:
            unparseable = (exc.response, exc.reason)
        finally:
            if extras_token is not None:
                CALL_EXTRAS.reset(extras_token)
            if token is not None:
                CALL_OPTIONS.reset(token)
        # Raised outside the `except` block: no chained cause, whose text may quote the body.
        answer, reason = unparseable
        raise ResponseValidationError(
            f"TMDB's answer is not the documented JSON ({scrub(reason[:300], core.secrets)})",
            status_code=answer.status_code,
            method=answer.request.method,
            url=redact_url(answer.request.url),
            body=scrub_bytes(answer.content, core.secrets),
        )


class _RawCaller:
    """Implements the RawCaller protocol: the same sending as _Caller, answering RawResponse."""

    __slots__ = ("_caller",)

    def __init__(self, caller: _Caller) -> None:
        self._caller = caller

    async def call(
        self,
        endpoint: Callable[..., Awaitable[Response[T]]],
        /,
        *,
        extra_query: ExtraQuery | None = None,
        extra_headers: ExtraHeaders | None = None,
        **kwargs: Any,
    ) -> RawResponse[T]:
        response = await self._caller.send(endpoint, check_extras(extra_query, extra_headers), kwargs)
        headers = response.headers if isinstance(response.headers, httpx.Headers) else httpx.Headers(response.headers)
        return RawResponse(int(response.status_code), headers, response.content, _parsed(response))


def _parsed(response: Response[T]) -> T:
    """The parsed body of a 2xx answer (the transport raises for every other)."""
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
    them, unless a call passes its own. The network layer is aiohttp's pool, or httpx's own
    while respx or pytest-httpx mocks httpx (_network.py); `transport` replaces it (tests,
    custom stacks, `httpx.AsyncHTTPTransport()`); retries and throttling still apply around it.

    Bounds: `timeout` bounds each wait (connect, each read); `attempt_timeout` bounds one
    whole attempt, body included (default: connect + 3 x read timeout, 40 s); `max_body_size`
    bounds a body on the wire and decompressed (default 32 MiB; past it,
    ResponseTooLargeError).

    Network: `proxy` (a URL) or, with `trust_env` (the default), HTTPS_PROXY / HTTP_PROXY /
    ALL_PROXY / NO_PROXY, as httpx reads them. `verify`: True (certifi's bundle, or
    SSL_CERT_FILE / SSL_CERT_DIR with `trust_env`), a CA bundle path, an ssl.SSLContext,
    or False. Both apply to the built-in network layer, whichever it is.

    A client belongs to the event loop it is first used in; `aclose()` (or the end of
    `async with`) ends it: nothing more is sent, calls in flight end with ClientClosedError.

    `cache` (off by default; the `tmdb-async[cache]` extra) keeps TMDB's answers as long as
    their Cache-Control allows: ":memory:", the path of an SQLite file, or a hishel async
    storage. Cached answers take no rate-limit turn; `stats.cache_hits` counts them.

    `limiter` replaces the local rate limiter (and then `requests_per_second` and
    `max_concurrency` are its business): `tmdb_async.limits.RedisLimiter` shares one budget
    between processes, or any object with the methods of `tmdb_async.limits.Limiter`. The
    client does not close a limiter it was given: its owner does (it may serve other clients).
    """

    # Where time is read and waited on; tests swap it (monkeypatch) to run without sleeping.
    _timing: Timing = SYSTEM_TIMING
    # The built-in network layer (tests run their guarantees on both).
    _network: NetworkLayer = "aiohttp"

    def __init__(
        self,
        *,
        access_token: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        language: str | None = None,
        region: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        attempt_timeout: float | None = None,
        proxy: str | None = None,
        verify: ssl.SSLContext | str | bool = True,
        trust_env: bool = True,
        cache: CacheSetting = None,
        limiter: Limiter | None = None,
    ) -> None:
        credentials = _credentials(access_token, api_key)
        cache_setting = check_cache(cache)
        _check_options(
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            max_concurrency=max_concurrency,
            max_retry_after=max_retry_after,
            max_body_size=max_body_size,
            attempt_timeout=attempt_timeout,
        )
        base_url = base_url or os.environ.get("TMDB_BASE_URL") or DEFAULT_BASE_URL
        timing = self._timing
        limiter_: Limiter = limiter or Throttle(
            requests_per_second, max_concurrency, clock=timing.monotonic, sleep=timing.sleep
        )
        inner = transport or _network_layer(
            self._network,
            max_connections=limiter_.max_concurrency,
            proxy=_proxy_for(base_url, proxy, trust_env),
            ssl_context=_ssl_context_factory(verify, trust_env),
        )
        tmdb_transport = TMDBTransport(
            inner,
            credentials=credentials,
            policy=RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after),
            limiter=limiter_,
            sleep=timing.sleep,
            wall_clock=timing.wall,
            random=timing.random,
            max_body_size=max_body_size,
            attempt_timeout=attempt_timeout,
        )
        http = _HTTPClient(
            base_url=base_url,
            transport=tmdb_transport
            if cache_setting is None
            else CacheTransport(tmdb_transport, cache_setting, tmdb_transport.stats),
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": f"tmdb-async/{__version__}"},
            event_hooks={"request": [apply_extras]},
        )
        core = _Core(
            base_url=base_url,
            limiter=limiter_,
            transport=tmdb_transport,
            http=http,
            defaults={name: value for name, value in (("language", language), ("region", region)) if value},
            secrets=credentials.secrets,
            images=ImageConfigCache(lambda: self.configuration.details()),
        )
        self._attach(core, None)

    def _attach(self, core: _Core, options: CallOptions | None) -> None:
        """Make this object a view over `core` with its own call options (None: the client's)."""
        self._core = core
        self._options = options
        self._caller = _Caller(core, options)

    def __repr__(self) -> str:
        kind = "access_token" if self._core.transport.credentials.access_token else "api_key"
        closed = ", closed" if self._core.closed else ""
        return f"TMDB(base_url={self.base_url!r}, auth={kind}{closed})"

    @property
    def base_url(self) -> str:
        """Where TMDB is: `base_url=`, else TMDB_BASE_URL, else https://api.themoviedb.org."""
        return self._core.base_url

    # The shared parts, by the names tests (and the limiter) reach them under.
    @property
    def _transport(self) -> TMDBTransport:
        return self._core.transport

    @property
    def _limiter(self) -> Limiter:
        return self._core.limiter

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._core.http

    def with_options(
        self: _Client, *, max_retries: int | None = None, timeout: float | httpx.Timeout | None = _UNSET_OPTION
    ) -> _Client:
        """A view of this client with other retry or timeout settings for the calls made through it.

        The view shares the connection pool, the rate limiter and the pause after a 429;
        closing either closes both. `tmdb.with_options(max_retries=0).movies.details(550)`
        fails at the first error; `timeout=None` waits without limit. The view is of the
        client's own class: a subclass's attributes are the view's too (the same objects,
        not copies), while its namespaces (and any cached_property) are its own.
        """
        policy = self._core.transport.policy if self._options is None else self._options.policy
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
        view = type(self).__new__(type(self))  # not __init__: a view builds nothing, it shares this core
        view.__dict__.update(_own_attributes(self))
        view._attach(self._core, CallOptions(policy, call_timeout))
        return view

    @cached_property
    def with_raw_response(self) -> RawNamespaces:
        """The namespaces again, each method answering `RawResponse[...]`: status, headers and body next to the model.

        `raw = await tmdb.with_raw_response.movies.details(550)`; `raw.parsed` is the MovieDetails,
        `raw.headers["Cache-Control"]`, `raw.status_code`, `raw.content` are TMDB's answer. Errors raise
        as with the plain methods. Views made by with_options() have their own.
        """
        caller = self._caller
        if not isinstance(caller, _Caller):  # pragma: no cover - set by __init__ and with_options only
            raise TypeError(f"unexpected caller {caller!r}")
        return RawNamespaces(_RawCaller(caller))

    def paginate(self, method: Callable[P, Awaitable[Page[T]]], /, *args: P.args, **kwargs: P.kwargs) -> Pages[T]:
        """Iterate over the items of every page of a paged operation.

        `async for movie in tmdb.paginate(tmdb.movies.popular, region="US").max_pages(3)`.
        The method's own arguments are type-checked against it. Stops after the last page
        (`total_pages`), at TMDB's 500-page cap, or after `.max_pages(n)` pages. `page=`
        starts elsewhere than page 1.
        """
        return paginate(method, *args, **kwargs)

    # -- images ------------------------------------------------------------------------
    @overload
    async def image_url(self, file_path: str, size: str = ..., *, kind: ImageKind | None = ...) -> str: ...
    @overload
    async def image_url(self, file_path: Unset | None, size: str = ..., *, kind: ImageKind | None = ...) -> None: ...
    @overload
    async def image_url(
        self, file_path: str | Unset | None, size: str = ..., *, kind: ImageKind | None = ...
    ) -> str | None: ...

    async def image_url(
        self, file_path: str | Unset | None, size: str = "original", *, kind: ImageKind | None = None
    ) -> str | None:
        """The full URL of a TMDB image: secure_base_url + size + file_path.

        `await tmdb.image_url(movie.poster_path, "w500", kind="poster")`. The sizes come from
        `configuration.details()`, fetched once per client (views share it). With `kind`
        (poster, backdrop, profile, still, logo) the size must be one TMDB offers for that
        kind; without it, any of TMDB's sizes. A bad size raises ValueError listing the valid
        ones. A None or UNSET path (the item has no image, or the field was not sent) gives None.
        """
        if file_path is None or file_path is UNSET:
            return None
        config = await self._core.images.get()
        return config.url(file_path, size, kind)

    async def image_config(self) -> ImageConfig:
        """The image base URL and the sizes of each kind (fetched once per client)."""
        return await self._core.images.get()

    @property
    def max_concurrency(self) -> int:
        """How many requests this client keeps in flight at most."""
        return self._core.limiter.max_concurrency

    @property
    def stats(self) -> TransportStats:
        """Counters shared by this client and its views: requests, attempts, retries, failures."""
        return self._core.transport.stats

    @property
    def closed(self) -> bool:
        return self._core.closed

    async def aclose(self) -> None:
        """Close the connection pool; later calls raise ClientClosedError. Closing twice is harmless.

        Nothing is sent after this: a call in flight, waiting for its turn or for a retry,
        ends with ClientClosedError, and no pool is opened again. Close a client in the
        event loop it was used in (or while that loop runs in another thread); from another
        loop whose pool's loop has stopped, aclose() only marks it closed.
        """
        await self._core.aclose()

    async def __aenter__(self: _Client) -> _Client:
        if self._core.closed:
            raise ClientClosedError(CLOSED_MESSAGE)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def _own_attributes(client: TMDB) -> dict[str, Any]:
    """What a view copies of `client`: a subclass's attributes, not the cached namespaces (a view makes its own)."""
    cls = type(client)
    return {
        name: value
        for name, value in vars(client).items()
        if not isinstance(inspect.getattr_static(cls, name, None), cached_property)
    }


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


def _network_layer(
    kind: NetworkLayer, *, max_connections: int, proxy: str | None, ssl_context: Callable[[], ssl.SSLContext]
) -> httpx.AsyncBaseTransport:
    """The built-in network layer, with the client's proxy and certificate settings.

    "aiohttp" (the default) is aiohttp's pool, yielding to an httpx transport with the same
    settings while respx or pytest-httpx mocks httpx (_network.py); "httpx" is httpx's own.
    """

    def httpx_layer() -> httpx.AsyncHTTPTransport:
        return httpx.AsyncHTTPTransport(
            verify=ssl_context(),
            proxy=proxy,
            trust_env=False,  # the proxy and the trust store were resolved above, from the environment too
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        )

    if kind == "httpx":
        return httpx_layer()
    return NetworkTransport(
        AiohttpTransport(max_connections=max_connections, proxy=proxy, ssl_context=ssl_context), httpx_layer
    )


def _proxy_for(base_url: str, proxy: str | None, trust_env: bool) -> str | None:
    """The proxy for requests to `base_url`: `proxy`, else (trust_env) the environment, as httpx reads it."""
    if proxy is None and trust_env:
        found = urllib.request.getproxies_environment()  # HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY
        url = urllib.parse.urlsplit(base_url)
        host = url.hostname or ""
        bypass = found.pop("no", "")
        candidate = found.get(url.scheme) or found.get("all")
        if candidate and not _bypassed(host, url.port, bypass):
            proxy = candidate if "://" in candidate else f"http://{candidate}"
    if proxy is not None and urllib.parse.urlsplit(proxy).scheme not in ("http", "https"):
        raise ConfigurationError(
            f"proxy scheme {urllib.parse.urlsplit(proxy).scheme or '(none)'!r} is not supported:"
            " use an http:// or https:// proxy URL"
        )
    return proxy


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether NO_PROXY (comma-separated hosts, domains, `*`) exempts `host` from the proxy."""
    for entry in (item.strip().lower() for item in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.partition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and port is not None and entry_port != str(port):
            continue
        name = name.lstrip(".").removeprefix("*.")
        if host.lower() == name or host.lower().endswith("." + name):
            return True
    return False


def _ssl_context_factory(verify: ssl.SSLContext | str | bool, trust_env: bool) -> Callable[[], ssl.SSLContext]:
    """What makes the context certificates are checked with: the same trust store as httpx's by default.

    The choice is checked now; the context is made when the pool is (loading a CA bundle
    takes about 35 ms), and the default one once per process.
    """
    if isinstance(verify, ssl.SSLContext):
        context = verify
        return lambda: context
    if verify is False:
        return _unverified_context
    if isinstance(verify, str):
        if not os.path.exists(verify):
            raise ConfigurationError(f"verify: no CA bundle or directory at {verify!r}")
        cafile, capath = (None, verify) if os.path.isdir(verify) else (verify, None)
    elif verify is True:
        cafile = (os.environ.get("SSL_CERT_FILE") or None) if trust_env else None
        capath = (os.environ.get("SSL_CERT_DIR") or None) if trust_env and cafile is None else None
        if cafile is None and capath is None:
            import certifi

            cafile = certifi.where()
    else:
        raise ConfigurationError(
            f"verify must be True, False, a CA bundle path or an ssl.SSLContext, got {type(verify).__name__}"
        )
    return functools.partial(_trust_store, cafile, capath)


@functools.cache
def _trust_store(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"cannot load the CA certificates ({cafile or capath}): {exc}") from None


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _check_options(
    *,
    timeout: float | httpx.Timeout | None = None,
    max_retries: int = 0,
    requests_per_second: float | None = None,
    max_concurrency: int = 1,
    max_retry_after: float = 0.0,
    max_body_size: int = 1,
    attempt_timeout: float | None = None,
) -> None:
    """Raise ConfigurationError naming every option that is out of range (defaults are valid)."""
    problems: list[str] = []
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
    if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size < 1:
        problems.append(f"max_body_size must be a whole number of bytes >= 1, got {max_body_size!r}")
    if attempt_timeout is not None and not attempt_timeout > 0:
        problems.append(f"attempt_timeout must be a positive number of seconds or None, got {attempt_timeout!r}")
    if problems:
        raise ConfigurationError("; ".join(problems))
