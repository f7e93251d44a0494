"""The one seam every request passes through: credentials, throttling, retries, errors.

TMDBTransport wraps the real httpx transport. For each request the generated client
sends, it:
1. attaches the credentials to a copy of the request (so the request httpx logs and
   keeps carries none);
2. takes a lease from the client's limiter (_throttle.py: rate, concurrency, the pause
   after a 429; waiting out a pause spends one of the call's retries, CallBudget);
3. sends it and reads the whole answer (_body.py: a truncated body fails here, where it
   can be retried, not later in the parser), within two bounds: `max_body_size` bytes,
   counted on the wire and again once decompressed (a gzip bomb stops there,
   ResponseTooLargeError), and a deadline for the whole attempt (connect, send, read every
   byte) beside the per-read timeout, so that a server dripping a byte at a time cannot
   hold a call;
4. on a failure asks the retry policy (_retry.decide) whether and how long to wait, and
   waits and goes back to 2; after a 429 the wait is the limiter's shared pause (every
   request waits it out, in 2), paid for by the retry this call spends;
5. returns a 2xx answer, or raises the typed exception (_exceptions.py) for anything else.

Secrets: the request httpx logs and keeps carries no credential (api_key, session_id and
guest_session_id in the query, the guest session id in a path are REDACTED); the network
layer's exception, whose text names the full URL, never leaves: the typed error is raised
from a scrubbed copy of it, outside the `except` block, so no chained cause holds the
original; and any text taken from an answer (an error page echoing the URL) has the
client's secrets replaced by REDACTED. How a URL or a text is redacted is _redact.py's.

Once closed (`aclose()`), nothing more is sent: a call waiting for a retry ends at once
with ClientClosedError, one in flight or waiting for its turn ends with it instead of
opening a new connection.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
import urllib.parse
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from ._body import read_body
from ._constants import ATTEMPT_TIMEOUT_READS, CLOSED_MESSAGE, DEFAULT_MAX_BODY_SIZE
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    RateLimitError,
    ResponseTooLargeError,
    api_error,
)
from ._redact import has_secret, redact_url, scrub, scrub_bytes, url_secrets
from ._retry import RetryPolicy, decide
from ._throttle import CallBudget, Limiter, PauseRefused, Sleep

logger = logging.getLogger("tmdb_async")


@dataclass
class TransportStats:
    """Counters of what the client sent, for progress displays and tests (`TMDB.stats`)."""

    requests: int = 0  # requests handed to the transport (each may take several attempts)
    attempts: int = 0  # attempts sent, retries included
    retries: int = 0  # attempts that were retries
    failures: int = 0  # requests that ended in an exception
    # TMDB(cache=...) only (_cache.py): answers served by the cache without a request, and
    # stored answers TMDB confirmed with a 304 (those are requests, counted above too).
    cache_hits: int = 0
    cache_revalidations: int = 0


@dataclass(frozen=True)
class CallOptions:
    """Per-call overrides, set by `TMDB.with_options()` for the calls it makes."""

    policy: RetryPolicy
    timeout: httpx.Timeout | None


# The options of the call in progress in this task; None means the transport's defaults.
CALL_OPTIONS: ContextVar[CallOptions | None] = ContextVar("tmdb_async_call_options", default=None)


@dataclass(frozen=True)
class Credentials:
    """A bearer access token or a v3 API key; never shown by repr()."""

    access_token: str | None = None
    api_key: str | None = None

    def __post_init__(self) -> None:
        for kind, value in (("access_token", self.access_token), ("api_key", self.api_key)):
            if value is not None:
                _check_credential(kind, value)

    def __repr__(self) -> str:
        kind = "access_token" if self.access_token else "api_key"
        return f"Credentials({kind}=<redacted>)"

    @property
    def secrets(self) -> list[str]:
        """The values to scrub from any text shown: the credential, also as it is sent."""
        value = self.access_token or self.api_key or ""
        return [value, urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)]

    def apply(self, request: httpx.Request) -> httpx.Request:
        """The request to send, carrying the credentials.

        The token goes into a header of `request` itself: httpx logs a request's method and
        URL, never its headers. The API key goes into the URL of a copy, so that the URL
        httpx logs, and keeps on the response, has no key: appended to the query as it is,
        in one URL build (httpx's merge would parse, regroup and encode the query again).
        """
        if self.access_token:
            request.headers["Authorization"] = self._bearer  # pragma: no mutate (header names are case-insensitive)
            return request
        query = request.url.query
        if b"api_key" in query:  # one already there: httpx's merge puts the key in its place
            url = request.url.copy_merge_params({"api_key": self.api_key})
        else:  # one URL built (the merge parses and encodes the query twice and the URL once)
            url = request.url.copy_with(query=query + b"&" + self._key_query if query else self._key_query)
        return _copy(request, url)

    @property
    def _bearer(self) -> str:
        return f"Bearer {self.access_token}"

    @functools.cached_property
    def _key_query(self) -> bytes:
        """`api_key=<the key>` as httpx encodes a query parameter (percent-encoded as the merge would)."""
        return str(httpx.QueryParams({"api_key": self.api_key})).encode("ascii")


def _copy(request: httpx.Request, url: httpx.URL) -> httpx.Request:
    """The request again at `url` (the one sent, with secrets httpx's own copy must not show)."""
    return httpx.Request(
        request.method, url, headers=request.headers, stream=request.stream, extensions=request.extensions
    )


def _check_credential(kind: str, value: str) -> None:
    """ConfigurationError for a credential that cannot be sent as it is; the message never shows it."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{kind} must be a string, got {type(value).__name__}")
    if value != value.strip():
        raise ConfigurationError(
            f"{kind} starts or ends with whitespace (a newline read from a file?): strip it before passing it"
        )
    # Not printable: control characters (DEL, C1), line and paragraph separators, Unicode spaces,
    # zero-width and other format characters a copy and paste brings along.
    if any(char == " " or not char.isprintable() for char in value):
        raise ConfigurationError(f"{kind} holds a space or a control character: it is not a TMDB credential")


class TMDBTransport(httpx.AsyncBaseTransport):
    """Credentials, throttling, retries and error mapping around a real transport."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        credentials: Credentials,
        policy: RetryPolicy,
        limiter: Limiter,
        sleep: Sleep,
        wall_clock: Callable[[], float],
        random: Callable[[], float],
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        attempt_timeout: float | None = None,
    ) -> None:
        self.inner = inner
        self.max_body_size = max_body_size
        self.attempt_timeout = attempt_timeout  # None: the connect timeout + ATTEMPT_TIMEOUT_READS x the read one
        self.closed = False  # pragma: no mutate (None reads as False)
        self._closing: set[asyncio.Future[None]] = set()  # retry waits that closing must end
        self.credentials = credentials
        self.policy = policy
        self.limiter = limiter
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._random = random
        self.stats = TransportStats()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        options = CALL_OPTIONS.get()
        policy = self.policy if options is None else options.policy
        if options is not None and options.timeout is not None:
            request.extensions = {**request.extensions, "timeout": options.timeout.as_dict()}
        outgoing = self.credentials.apply(request)
        if has_secret(request.url):
            # httpx logs, and keeps on the response, the request it handed us: let that one
            # carry no session id. A copy with the real values is sent.
            if outgoing is request:
                outgoing = _copy(request, request.url)
            request.url = httpx.URL(redact_url(request.url))
        method = request.method
        attempts = policy.max_retries + 1
        deadline = self._deadline(request)
        stats = self.stats
        stats.requests += 1
        # The call's retries, spent by its own retries and by its waits in the shared pause.
        budget = CallBudget(policy.max_retries, policy.max_retry_after)
        for attempt in range(1, attempts + 1):  # pragma: no mutate (+2: the last attempt returns or raises)
            failure: httpx.TransportError | httpx.DecodingError | None = None
            response: httpx.Response | None = None  # pragma: no mutate (read only when _send returned it)
            pause: Hashable | None = None
            try:
                response = await self._send(outgoing, deadline, budget, retry=attempt > 1)
            except PauseRefused as refused:
                stats.failures += 1
                raise _paused_error(refused, request) from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                failure = exc
            except (ClientClosedError, ResponseTooLargeError):
                stats.failures += 1
                raise
            if failure is not None:
                # Decided and raised outside the `except` block: the typed error must not
                # chain to the network layer's exception, whose text holds the full URL.
                shown: int | str = f"failed: {type(failure).__name__}"
                # pragma: no mutate start (now= reads a Retry-After date: there is no answer here)
                decision = decide(method, failure, None, attempt, policy, now=self._wall_clock, random=self._random)
                # pragma: no mutate end
                if decision.wait is None or self.closed or not budget.spend():
                    self._log(request, shown, attempt, attempts, None)
                    stats.failures += 1
                    if self.closed:
                        raise ClientClosedError(CLOSED_MESSAGE)
                    error, cause = self._connection_error(failure, request, outgoing)
                    del failure
                    raise error from cause
                del failure
            else:
                assert response is not None  # no failure: _send returned it
                # A 304 is a success only for a conditional request (the cache's revalidations,
                # TMDB(cache=...), _cache.py); anywhere else it is an error status like any 3xx.
                if 200 <= response.status_code < 300 or (response.status_code == 304 and _conditional(request)):
                    self._log(request, response.status_code, attempt, attempts, None)
                    return response
                shown = status = response.status_code
                decision = decide(
                    method, status, response.headers, attempt, policy, now=self._wall_clock, random=self._random
                )
                if decision.pause is not None:
                    # Every request on this limiter waits too, instead of each finding out alone.
                    pause = await self.limiter.pause(decision.pause)
                if decision.wait is None or not budget.spend():
                    self._log(request, shown, attempt, attempts, None)
                    stats.failures += 1
                    raise await self._error(request, response, outgoing, decision.retry_after)
            self._log(request, shown, attempt, attempts, decision.wait)
            if pause is None:
                await self._wait_to_retry(decision.wait)
            else:  # this call waits in its next acquire, on the retry it just spent
                budget.paid(pause)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover, no mutate

    async def aclose(self) -> None:
        self.closed = True
        for waiter in self._closing:
            if not waiter.done():
                waiter.set_result(None)
        await self.inner.aclose()

    async def _wait_to_retry(self, seconds: float) -> None:
        """Sleep before a retry; closing the client ends the wait at once with ClientClosedError (a failure)."""
        if self.closed:
            raise self._closed_error()
        closing = asyncio.get_running_loop().create_future()
        self._closing.add(closing)
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait((sleeper, closing), return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._closing.discard(closing)
            closing.cancel()
            sleeper.cancel()
        if self.closed:
            raise self._closed_error()

    def _closed_error(self) -> ClientClosedError:
        """The error of a call that meets the closed client while it waits to retry; counted as a failure."""
        self.stats.failures += 1
        return ClientClosedError(CLOSED_MESSAGE)

    def _deadline(self, request: httpx.Request) -> float | None:
        """Seconds one attempt may take in all: attempt_timeout, else connect + ATTEMPT_TIMEOUT_READS x read."""
        if self.attempt_timeout is not None:
            return self.attempt_timeout
        timeout: dict[str, float | None] = request.extensions.get("timeout") or {}  # httpx's timeout extension
        read = timeout.get("read")
        if read is None:
            return None
        return float(timeout.get("connect") or 0.0) + ATTEMPT_TIMEOUT_READS * float(read)

    async def _send(
        self, request: httpx.Request, deadline: float | None, budget: CallBudget, *, retry: bool
    ) -> httpx.Response:
        """One attempt under the limiter and the deadline; the answer comes back with its body read."""
        lease = await self.limiter.acquire(budget)
        self.stats.attempts += 1
        self.stats.retries += retry
        try:
            if self.closed:
                raise ClientClosedError(CLOSED_MESSAGE)
            if deadline is None:
                return await self._attempt(request)
            try:
                if sys.version_info >= (3, 11):  # pragma: no mutate (either branch bounds the attempt alike)
                    async with asyncio.timeout(deadline):
                        return await self._attempt(request)
                else:  # pragma: no cover - Python 3.10
                    return await asyncio.wait_for(self._attempt(request), deadline)  # pragma: no mutate (3.10 only)
            except TimeoutError:  # only our deadline: the network layer raises httpx's timeouts
                # pragma: no mutate start (its request is never read: the typed error is built from its text)
                raise httpx.ReadTimeout(
                    f"the attempt took longer than {deadline:g} s in all (attempt_timeout)", request=request
                ) from None
                # pragma: no mutate end
        finally:
            await self.limiter.release(lease)

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        try:
            content = await read_body(request, response, self.max_body_size)
        finally:
            await response.aclose()
        # Decoded (gzip, ...) here, inside the retry loop: a corrupt body is a DecodingError
        # that can be retried, not an error in the caller's parser. The answer handed up
        # carries the decoded body: no Content-Encoding, its own Content-Length (none when
        # empty, as httpx.Response(content=b"") has none).
        wire = (b"content-encoding", b"content-length")  # the body as it came, not as it is handed up
        headers = [(name, value) for name, value in response.headers.raw if name.lower() not in wire]
        if content:
            # pragma: no mutate start (header names are case-insensitive; digits are ASCII in any spelling)
            headers.append((b"Content-Length", str(len(content)).encode("ascii")))
            # pragma: no mutate end
        answer = httpx.Response(
            response.status_code,
            headers=headers,
            stream=httpx.ByteStream(content),
            request=request,  # pragma: no mutate (httpx's client sets the request on the answer again)
            extensions=response.extensions,
        )
        # Marked as read, as Response.read() would (httpx's own cache of the body): else httpx's
        # decoders pass over these bytes again, in the constructor or in the client's aread(),
        # ~15 µs of a small call (bench/ab.py). Should httpx rename it, the stream above still
        # holds the body and the client reads it the long way: slower, never wrong (and
        # tests/client/test_hot_path.py fails, to say so).
        answer._content = content  # pyright: ignore[reportPrivateUsage]
        return answer

    def _secrets(self, outgoing: httpx.Request) -> list[str]:
        return [*self.credentials.secrets, *url_secrets(outgoing.url)]

    def _connection_error(
        self, exc: httpx.TransportError | httpx.DecodingError, request: httpx.Request, outgoing: httpx.Request
    ) -> tuple[APIConnectionError, Exception]:
        """The typed error for a network failure, and a scrubbed stand-in for its cause."""
        secrets = self._secrets(outgoing)
        texts: list[str] = []
        seen: BaseException | None = exc
        for _ in range(5):  # the network layer's own exception names the real cause
            if seen is None:
                break
            text = str(seen)
            if text and text not in texts:
                texts.append(text)
            seen = seen.__cause__ or seen.__context__
        detail = scrub(redact_url(" <- ".join(texts)), secrets) or "no detail"
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        cause = type(exc)(detail)
        error = cls(f"{type(exc).__name__}: {detail}", method=request.method, url=redact_url(request.url))
        return error, cause

    async def _error(
        self, request: httpx.Request, response: httpx.Response, outgoing: httpx.Request, retry_after: float | None
    ) -> APIError:
        body = scrub_bytes(await response.aread(), self._secrets(outgoing))
        return api_error(
            response.status_code, body, method=request.method, url=redact_url(request.url), retry_after=retry_after
        )

    def _log(self, request: httpx.Request, outcome: int | str, attempt: int, attempts: int, wait: float | None) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            then = "" if wait is None else f", retrying in {wait:.2f}s"
            logger.debug(
                "%s %s -> %s (attempt %d/%d%s)",
                request.method,
                redact_url(request.url.path),
                outcome,
                attempt,
                attempts,
                then,
            )


def _conditional(request: httpx.Request) -> bool:
    """Whether the request asked for a 304 (If-None-Match or If-Modified-Since)."""
    # pragma: no mutate start (header names are case-insensitive)
    return "if-none-match" in request.headers or "if-modified-since" in request.headers
    # pragma: no mutate end


def _paused_error(refused: PauseRefused, request: httpx.Request) -> RateLimitError:
    """The error of a call that was not sent: the shared pause after a 429 outlasts its retries."""
    return RateLimitError(
        429,
        tmdb_status_code=None,
        status_message=(
            f"not sent: requests are paused for another {refused.seconds:.1f} s after a 429 (Retry-After),"
            " and this call has no retry left to wait for it (max_retries, max_retry_after)"
        ),
        method=request.method,
        url=redact_url(request.url),
        retry_after=refused.seconds,
    )
