"""The retry policy, pure: `decide()` answers "wait this long, or give up" for one failed attempt.

The transport (_transport.py) only carries the decision out: it sleeps `wait`, pauses the
shared limiter for `pause` after a 429, and raises (with `retry_after`) when `wait` is None.

Retried: 408, 429, 500, 502, 503, 504, timeouts and connection errors. Only GET (and
HEAD/OPTIONS) are retried after the request may have reached TMDB. POST and DELETE (the
rating writes) are retried only where TMDB surely did not act on them: the connection was
never made, or TMDB refused with 429/503 before doing anything. Why not more: a rating
POST sets a value, so repeating it is harmless in itself, but a DELETE repeated after a
lost answer finds nothing and answers 404 (code 34), reporting a failure for a delete that
worked; one rule for both writes keeps what the caller sees true.

The wait honours `Retry-After` (seconds or an HTTP date) up to `max_retry_after`; a longer
wait is not slept through, the error is raised at once. Without `Retry-After` the wait is
exponential with jitter: attempt n waits between half and all of min(cap, base * 2**n).

Never retried: a certificate that fails verification (an untrusted or expired certificate,
a wrong host name), and a URL whose scheme no transport speaks (UnsupportedProtocol). They
are not transient, and a retry only delays the error.

Retry-After is read once per answer (the decision carries it to the error raised), and the
jitter of the backoff is drawn only once the answer is known to be retried.
"""

from __future__ import annotations

import datetime
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from ._constants import DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Answers that say the server did nothing with the request: safe to repeat a write.
REFUSED_STATUSES = frozenset({429, 503})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Errors raised before a single byte of the request could reach the server.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors where the server may or may not have received the request.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts."""

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_cap: float = DEFAULT_BACKOFF_CAP
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER


@dataclass(frozen=True)
class Decision:
    """What to do after a failed attempt.

    wait: seconds to sleep before the next attempt, or None: give up and raise.
    pause: after a 429, seconds every request on the client holds off (the shared limiter),
        even when this call gives up because its retries are spent; None otherwise.
    retry_after: the answer's Retry-After in seconds (None: absent or unreadable), for the error.
    """

    wait: float | None
    pause: float | None = None
    retry_after: float | None = None


def decide(
    method: str,
    outcome: int | Exception,
    headers: Mapping[str, str] | None,
    attempt: int,
    policy: RetryPolicy,
    *,
    now: Callable[[], float],
    random: Callable[[], float],
) -> Decision:
    """Whether, and after how long, to try again after attempt number `attempt` (1 for the first).

    `outcome` is the answer's status code (a non-2xx one) or the error the attempt raised;
    `headers` are the answer's (None for an error). `now` gives the Unix time (read only for
    a Retry-After HTTP date); `random` draws in [0, 1) (only when a backoff wait is needed).
    """
    if isinstance(outcome, Exception):
        if attempt > policy.max_retries or not should_retry_error(method, outcome):
            return Decision(None)
        return Decision(backoff_delay(attempt - 1, policy, random))
    header = None if headers is None else headers.get("Retry-After")
    retry_after = None if header is None else parse_retry_after(header, now())
    if outcome not in RETRY_STATUSES or (retry_after is not None and retry_after > policy.max_retry_after):
        return Decision(None, retry_after=retry_after)
    retried = attempt <= policy.max_retries and should_retry_status(method, outcome)
    if not retried and outcome != 429:
        return Decision(None, retry_after=retry_after)
    wait = backoff_delay(attempt - 1, policy, random) if retry_after is None else retry_after
    pause = wait if outcome == 429 else None
    return Decision(wait if retried else None, pause, retry_after)


def should_retry_status(method: str, status_code: int) -> bool:
    """Whether an answer with this status is worth another attempt."""
    if status_code not in RETRY_STATUSES:
        return False
    return method in SAFE_METHODS or status_code in REFUSED_STATUSES


def should_retry_error(method: str, error: Exception) -> bool:
    """Whether a request that failed with this error is worth another attempt."""
    if is_certificate_error(error):
        return False
    if isinstance(error, NOT_SENT_ERRORS):
        return True
    return method in SAFE_METHODS and isinstance(error, TRANSIENT_ERRORS)


def is_certificate_error(error: BaseException) -> bool:
    """Whether the error, or one it was raised from, is a failed TLS certificate verification."""
    seen: BaseException | None = error
    for _ in range(10):  # a chain is short; a cycle must not loop forever
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable.

    `now` is the current Unix time, used for the HTTP-date form. A date in the past gives 0.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # here, not at the top: rare (an HTTP-date Retry-After) and it costs import time

        try:
            moment = email.utils.parsedate_to_datetime(value)
            if moment.tzinfo is None:  # "-0000" dates: RFC 9110 says UTC
                moment = moment.replace(tzinfo=datetime.timezone.utc)
            seconds = moment.timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):  # a garbled date reads as no header
            return None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """The wait before retry number `attempt` (0 for the first retry): in [ceiling/2, ceiling]."""
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0**attempt)
    return ceiling / 2 + random() * ceiling / 2
