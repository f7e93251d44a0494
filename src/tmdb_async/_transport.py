"""The one seam every request passes through: credentials, throttling, retries, errors.

TMDBTransport wraps the real httpx transport. For each request the generated client
sends, it:
1. attaches the credentials to a copy of the request (so the request httpx logs and
   keeps carries none);
2. takes a lease from the client's limiter (_throttle.py: rate, concurrency, the pause
   after a 429; waiting out a pause spends one of the call's retries, CallBudget);
3. sends it and reads the whole answer (a truncated body fails here, where it can be
   retried, not later in the parser);
4. on a retryable failure waits (Retry-After or backoff, _retry.py) and goes back to 2;
   after a 429 the wait is the limiter's shared pause, waited out in 2;
5. returns a 2xx answer, or raises the typed exception (_exceptions.py) for anything else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

import httpx

from ._exceptions import APIConnectionError, APIError, APITimeoutError, RateLimitError, api_error
from ._retry import RetryPolicy, backoff_delay, parse_retry_after, should_retry_error, should_retry_status
from ._throttle import CallBudget, Clock, Limiter, PauseRefused, Sleep

logger = logging.getLogger("tmdb_async")

_SECRET_PARAMS = re.compile(r"(?<=[?&])(api_key|session_id|guest_session_id)=[^&#]*")


def redact_url(url: httpx.URL | str) -> str:
    """The URL with the values of credential parameters replaced by `REDACTED`."""
    return _SECRET_PARAMS.sub(r"\1=REDACTED", str(url))


@dataclass
class TransportStats:
    """Counters of what the client sent, for progress displays and tests (`TMDB.stats`)."""

    requests: int = 0  # requests handed to the transport (each may take several attempts)
    attempts: int = 0  # attempts sent, retries included
    retries: int = 0  # attempts that were retries
    failures: int = 0  # requests that ended in an exception


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

    def __repr__(self) -> str:
        kind = "access_token" if self.access_token else "api_key"
        return f"Credentials({kind}=<redacted>)"

    def apply(self, request: httpx.Request) -> httpx.Request:
        """The request to send, carrying the credentials.

        The token goes into a header of `request` itself: httpx logs a request's method and
        URL, never its headers. The API key goes into the URL of a copy, so that the URL
        httpx logs, and keeps on the response, has no key.
        """
        if self.access_token:
            request.headers["Authorization"] = self._bearer
            return request
        url = request.url.copy_merge_params({"api_key": self.api_key or ""})
        return httpx.Request(
            request.method, url, headers=request.headers, stream=request.stream, extensions=request.extensions
        )

    @property
    def _bearer(self) -> str:
        return f"Bearer {self.access_token}"


class TMDBTransport(httpx.AsyncBaseTransport):
    """Credentials, throttling, retries and error mapping around a real transport."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        credentials: Credentials,
        policy: RetryPolicy,
        limiter: Limiter,
        clock: Clock,
        sleep: Sleep,
        wall_clock: Callable[[], float],
        random: Callable[[], float],
    ) -> None:
        self.inner = inner
        self.credentials = credentials
        self.policy = policy
        self.limiter = limiter
        self._clock = clock
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
        if b"session_id=" in request.url.query:
            # httpx logs, and keeps on the response, the request it handed us: let that one
            # carry no session id. A copy with the real values is sent.
            if outgoing is request:
                outgoing = httpx.Request(
                    request.method, request.url, headers=request.headers, stream=request.stream,
                    extensions=request.extensions,
                )  # fmt: skip
            request.url = httpx.URL(redact_url(request.url))
        method = request.method
        attempts = policy.max_retries + 1
        stats = self.stats
        stats.requests += 1
        # The call's retries, spent by its own retries and by its waits in the shared pause.
        budget = CallBudget(policy.max_retries, policy.max_retry_after)
        for attempt in range(1, attempts + 1):
            try:
                response = await self._send(outgoing, budget, retry=attempt > 1)
            except PauseRefused as refused:
                stats.failures += 1
                raise _paused_error(refused, request) from None
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if not should_retry_error(method, exc) or not budget.spend():
                    self._log(request, f"failed: {type(exc).__name__}", attempt, attempts, None)
                    stats.failures += 1
                    raise _connection_error(exc, request) from exc
                wait = backoff_delay(attempt - 1, policy, self._random)
                self._log(request, f"failed: {type(exc).__name__}", attempt, attempts, wait)
                await self._sleep(wait)
                continue
            status = response.status_code
            if 200 <= status < 300:
                self._log(request, status, attempt, attempts, None)
                return response
            delay = self._wait_before_retry(response, policy, attempt)
            # After a 429 every request on this limiter waits, instead of each finding out alone.
            pause = None if status != 429 or delay is None else await self.limiter.pause(delay)
            if delay is None or not should_retry_status(method, status) or not budget.spend():
                self._log(request, status, attempt, attempts, None)
                stats.failures += 1
                raise await self._error(request, response)
            self._log(request, status, attempt, attempts, delay)
            if pause is None:
                await self._sleep(delay)
            else:  # this call waits in its next acquire, on the retry it just spent
                budget.paid(pause)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def _send(self, request: httpx.Request, budget: CallBudget, *, retry: bool) -> httpx.Response:
        """One attempt under the limiter; the answer comes back with its body read."""
        lease = await self.limiter.acquire(budget)
        self.stats.attempts += 1
        self.stats.retries += retry
        try:
            response = await self.inner.handle_async_request(request)
            try:
                raw = b"".join([chunk async for chunk in response.stream])  # type: ignore[union-attr]
            finally:
                await response.stream.aclose()  # type: ignore[union-attr]
        finally:
            await self.limiter.release(lease)
        # Replace the consumed network stream and decode (gzip, ...) now, inside the retry
        # loop: a corrupt body is a DecodingError here, not in the caller's parser.
        response.stream = httpx.ByteStream(raw)
        await response.aread()
        return response

    def _wait_before_retry(self, response: httpx.Response, policy: RetryPolicy, attempt: int) -> float | None:
        """Seconds to wait before retrying this answer; None when the wait would exceed the cap."""
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self._wall_clock())
        if retry_after is not None and retry_after > policy.max_retry_after:
            return None
        return backoff_delay(attempt - 1, policy, self._random) if retry_after is None else retry_after

    async def _error(self, request: httpx.Request, response: httpx.Response) -> APIError:
        body = await response.aread()
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self._wall_clock())
        return api_error(
            response.status_code, body, method=request.method, url=redact_url(request.url), retry_after=retry_after
        )

    def _log(self, request: httpx.Request, outcome: int | str, attempt: int, attempts: int, wait: float | None) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            then = "" if wait is None else f", retrying in {wait:.2f}s"
            logger.debug(
                "%s %s -> %s (attempt %d/%d%s)", request.method, request.url.path, outcome, attempt, attempts, then
            )


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


def _connection_error(exc: Exception, request: httpx.Request) -> APIConnectionError:
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    detail = redact_url(str(exc)) or "no detail"
    return cls(f"{type(exc).__name__}: {detail}", method=request.method, url=redact_url(request.url))
