"""The retry policy's pure functions: `decide()` (wait or give up) by a table, and the rules it is made of."""

from __future__ import annotations

import email.utils
import ssl
from collections.abc import Callable

import httpx
import pytest

from tmdb_async._retry import (
    Decision,
    RetryPolicy,
    backoff_delay,
    decide,
    is_certificate_error,
    parse_retry_after,
    should_retry_error,
    should_retry_status,
)

NOW = 1_700_000_000.0  # a whole second, so formatdate() (whole seconds) round-trips exactly

REQUEST = httpx.Request("GET", "https://api.themoviedb.org/3/movie/550")


def certificate_error() -> Exception:
    error = httpx.ConnectError("certificate verify failed", request=REQUEST)
    error.__cause__ = ssl.SSLCertVerificationError("unable to get local issuer certificate")
    return error


# With RetryPolicy() (3 retries) and a jitter draw of 0.5: the backoff before retry n (attempt n
# failed) is 0.75 x min(8, 0.5 * 2**(n-1)), 0.375 after the first attempt, 0.75 after the second.
# (id, method, status or error, Retry-After, attempt, expected decision, jitter draws expected)
DECISIONS: list[tuple[str, str, int | Callable[[], Exception], str | None, int, Decision, int]] = [
    ("get-500-first", "GET", 500, None, 1, Decision(0.375), 1),
    ("get-500-second", "GET", 500, None, 2, Decision(0.75), 1),
    ("get-500-last-retry", "GET", 500, None, 4 - 1, Decision(1.5), 1),
    ("get-500-retries-spent", "GET", 500, None, 4, Decision(None), 0),
    ("get-404", "GET", 404, None, 1, Decision(None), 0),
    ("get-404-keeps-retry-after", "GET", 404, "5", 1, Decision(None, retry_after=5.0), 0),
    ("post-500-may-have-acted", "POST", 500, None, 1, Decision(None), 0),
    ("delete-502-may-have-acted", "DELETE", 502, None, 1, Decision(None), 0),
    ("get-503-retry-after", "GET", 503, "5", 1, Decision(5.0, retry_after=5.0), 0),
    ("get-503-retry-after-at-cap", "GET", 503, "60", 1, Decision(60.0, retry_after=60.0), 0),
    ("get-503-retry-after-over-cap", "GET", 503, "61", 1, Decision(None, retry_after=61.0), 0),
    ("get-503-retries-spent-keeps-retry-after", "GET", 503, "5", 4, Decision(None, retry_after=5.0), 0),
    ("post-500-not-retried-keeps-retry-after", "POST", 500, "5", 1, Decision(None, retry_after=5.0), 0),
    ("get-503-garbled-retry-after-backs-off", "GET", 503, "soon", 1, Decision(0.375), 1),
    ("delete-503-refused", "DELETE", 503, "1", 1, Decision(1.0, retry_after=1.0), 0),
    ("get-429-backoff-pauses-all", "GET", 429, None, 1, Decision(0.375, pause=0.375), 1),
    ("get-429-retry-after-pauses-all", "GET", 429, "2", 1, Decision(2.0, pause=2.0, retry_after=2.0), 0),
    ("post-429-refused", "POST", 429, "2", 1, Decision(2.0, pause=2.0, retry_after=2.0), 0),
    ("get-429-retries-spent-still-pauses", "GET", 429, "2", 4, Decision(None, pause=2.0, retry_after=2.0), 0),
    ("get-429-over-cap-gives-up-no-pause", "GET", 429, "120", 1, Decision(None, retry_after=120.0), 0),
    (
        "get-429-http-date",
        "GET",
        429,
        email.utils.formatdate(NOW + 30, usegmt=True),
        1,
        Decision(30.0, pause=30.0, retry_after=30.0),
        0,
    ),
    ("get-connect-error", "GET", lambda: httpx.ConnectError("refused", request=REQUEST), None, 1, Decision(0.375), 1),
    (
        "post-connect-error-not-sent",
        "POST",
        lambda: httpx.ConnectError("x", request=REQUEST),
        None,
        2,
        Decision(0.75),
        1,
    ),
    ("get-read-timeout", "GET", lambda: httpx.ReadTimeout("slow", request=REQUEST), None, 1, Decision(0.375), 1),
    (
        "post-read-timeout-may-have-acted",
        "POST",
        lambda: httpx.ReadTimeout("slow", request=REQUEST),
        None,
        1,
        Decision(None),
        0,
    ),
    (
        "get-read-error-retries-spent",
        "GET",
        lambda: httpx.ReadError("reset", request=REQUEST),
        None,
        4,
        Decision(None),
        0,
    ),
    (
        "get-unsupported-protocol",
        "GET",
        lambda: httpx.UnsupportedProtocol("ftp", request=REQUEST),
        None,
        1,
        Decision(None),
        0,
    ),
    ("get-certificate-error", "GET", certificate_error, None, 1, Decision(None), 0),
]


@pytest.mark.parametrize(
    ("method", "outcome", "retry_after", "attempt", "expected", "draws"),
    [pytest.param(*row[1:], id=row[0]) for row in DECISIONS],
)
def test_decide(
    method: str,
    outcome: int | Callable[[], Exception],
    retry_after: str | None,
    attempt: int,
    expected: Decision,
    draws: int,
) -> None:
    drawn: list[float] = []

    def draw() -> float:
        drawn.append(0.5)
        return 0.5

    headers = None if not isinstance(outcome, int) else ({} if retry_after is None else {"Retry-After": retry_after})
    result = outcome if isinstance(outcome, int) else outcome()

    decision = decide(method, result, headers, attempt, RetryPolicy(), now=lambda: NOW, random=draw)

    assert (decision, len(drawn)) == (expected, draws)


def test_decide_takes_a_status_without_headers() -> None:
    # headers=None is documented for errors; a status given without headers is an answer without Retry-After.
    decision = decide("GET", 500, None, 1, RetryPolicy(), now=lambda: NOW, random=lambda: 0.5)

    assert decision == Decision(0.375)


def test_an_error_chain_that_loops_without_a_certificate_error_is_not_one() -> None:
    error = httpx.ConnectError("refused", request=REQUEST)
    cause = OSError("reset")
    error.__cause__ = cause
    cause.__context__ = error  # a cycle: the search must end, and say no

    assert not is_certificate_error(error)
    assert is_certificate_error(certificate_error())


@pytest.mark.parametrize("status", [429, 500, 503])
def test_decide_with_no_retries_gives_up_on_the_first_failure(status: int) -> None:
    decision = decide("GET", status, {}, 1, RetryPolicy(max_retries=0), now=lambda: NOW, random=lambda: 0.5)

    assert decision.wait is None


def test_decide_reads_the_clock_only_for_a_retry_after_header() -> None:
    reads: list[str] = []

    def now() -> float:
        reads.append("now")
        return NOW

    decide("GET", 503, {}, 1, RetryPolicy(), now=now, random=lambda: 0.5)
    decide("GET", httpx.ReadError("reset", request=REQUEST), None, 1, RetryPolicy(), now=now, random=lambda: 0.5)
    assert reads == []
    decide("GET", 503, {"Retry-After": "3"}, 1, RetryPolicy(), now=now, random=lambda: 0.5)
    assert reads == ["now"]


# (status, retried for GET, retried for POST and DELETE)
STATUS_TABLE: list[tuple[int, bool, bool]] = [
    (200, False, False),
    (400, False, False),
    (401, False, False),
    (404, False, False),
    (408, True, False),
    (422, False, False),
    (429, True, True),
    (500, True, False),
    (502, True, False),
    (503, True, True),
    (504, True, False),
]


@pytest.mark.parametrize(("status_code", "expected"), [(status, get) for status, get, _ in STATUS_TABLE])
def test_should_retry_status_get(status_code: int, expected: bool) -> None:
    assert should_retry_status("GET", status_code) == expected


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize(("status_code", "expected"), [(status, write) for status, _, write in STATUS_TABLE])
def test_should_retry_status_writes_only_on_refusals(method: str, status_code: int, expected: bool) -> None:
    assert should_retry_status(method, status_code) == expected


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
@pytest.mark.parametrize("status_code", [408, 500, 502, 504])
def test_should_retry_status_other_safe_methods_like_get(method: str, status_code: int) -> None:
    assert should_retry_status(method, status_code) is True


# (error factory, retried for GET, retried for POST and DELETE)
ERROR_TABLE: list[tuple[Callable[[], Exception], bool, bool]] = [
    (lambda: httpx.ConnectError("refused", request=REQUEST), True, True),
    (lambda: httpx.ConnectTimeout("connect timeout", request=REQUEST), True, True),
    (lambda: httpx.PoolTimeout("pool timeout", request=REQUEST), True, True),
    (lambda: httpx.UnsupportedProtocol("ftp", request=REQUEST), False, False),
    (lambda: httpx.ReadTimeout("read timeout", request=REQUEST), True, False),
    (lambda: httpx.WriteTimeout("write timeout", request=REQUEST), True, False),
    (lambda: httpx.ReadError("reset", request=REQUEST), True, False),
    (lambda: httpx.WriteError("broken pipe", request=REQUEST), True, False),
    (lambda: httpx.RemoteProtocolError("closed without response", request=REQUEST), True, False),
    (lambda: httpx.DecodingError("bad gzip", request=REQUEST), True, False),
    (lambda: httpx.LocalProtocolError("bad header", request=REQUEST), False, False),
    (lambda: httpx.TooManyRedirects("loop", request=REQUEST), False, False),
    (lambda: ValueError("not an httpx error"), False, False),
]
ERROR_IDS = [
    "ConnectError",
    "ConnectTimeout",
    "PoolTimeout",
    "UnsupportedProtocol",
    "ReadTimeout",
    "WriteTimeout",
    "ReadError",
    "WriteError",
    "RemoteProtocolError",
    "DecodingError",
    "LocalProtocolError",
    "TooManyRedirects",
    "ValueError",
]


@pytest.mark.parametrize(("make_error", "expected"), [(make, get) for make, get, _ in ERROR_TABLE], ids=ERROR_IDS)
def test_should_retry_error_get(make_error: Callable[[], Exception], expected: bool) -> None:
    assert should_retry_error("GET", make_error()) == expected


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize(("make_error", "expected"), [(make, write) for make, _, write in ERROR_TABLE], ids=ERROR_IDS)
def test_should_retry_error_writes_only_when_not_sent(
    method: str, make_error: Callable[[], Exception], expected: bool
) -> None:
    assert should_retry_error(method, make_error()) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("3", 3.0, id="integer"),
        pytest.param("1.5", 1.5, id="fraction"),
        pytest.param(" 7 ", 7.0, id="surrounding-spaces"),
        pytest.param("-5", 0.0, id="negative-clamped"),
        pytest.param("nan", None, id="nan"),
        pytest.param("inf", None, id="inf"),
        pytest.param("-inf", None, id="minus-inf"),
        pytest.param("1e400", None, id="overflows-to-inf"),
        pytest.param("abc", None, id="garbage"),
        pytest.param(email.utils.formatdate(NOW + 30, usegmt=True), 30.0, id="http-date-gmt-future"),
        pytest.param(email.utils.formatdate(NOW - 120, usegmt=True), 0.0, id="http-date-past"),
        pytest.param(email.utils.formatdate(NOW + 45), 45.0, id="http-date-minus-0000-zone"),
        pytest.param("Tue, 14 Nov 2023 23:14:20 +0100", 60.0, id="http-date-plus-0100-zone"),
        pytest.param("Mon, 99999999999999999999 Jan 2020 00:00:00 GMT", None, id="http-date-huge-day"),
        pytest.param("Mon, 01 Jan 2020 99999999999999:00:00 GMT", None, id="http-date-huge-hour"),
        pytest.param("Mon, 01 Jan 99999 00:00:00 GMT", None, id="http-date-year-out-of-range"),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_minus_0000_date_is_read_as_utc() -> None:
    header = email.utils.formatdate(NOW + 30)

    assert header.endswith(" -0000")
    assert parse_retry_after(header, NOW) == 30.0


def test_parse_retry_after_http_date_is_relative_to_now() -> None:
    header = email.utils.formatdate(NOW + 30, usegmt=True)

    assert parse_retry_after(header, NOW + 10) == 20.0


# ceiling = min(cap 8, base 0.5 * 2**attempt)
DEFAULT_CEILINGS = [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (6, 8.0)]


def test_default_policy_values() -> None:
    assert RetryPolicy() == RetryPolicy(max_retries=3, backoff_base=0.5, backoff_cap=8.0, max_retry_after=60.0)


@pytest.mark.parametrize(
    ("draw", "fraction"),
    [pytest.param(0.0, 0.5, id="low"), pytest.param(0.5, 0.75, id="middle"), pytest.param(1.0, 1.0, id="high")],
)
@pytest.mark.parametrize(("attempt", "ceiling"), DEFAULT_CEILINGS)
def test_backoff_delay_default_policy(attempt: int, ceiling: float, draw: float, fraction: float) -> None:
    assert backoff_delay(attempt, RetryPolicy(), lambda: draw) == fraction * ceiling


@pytest.mark.parametrize(
    ("draw", "fraction"),
    [pytest.param(0.0, 0.5, id="low"), pytest.param(0.5, 0.75, id="middle"), pytest.param(1.0, 1.0, id="high")],
)
@pytest.mark.parametrize(("attempt", "ceiling"), [(0, 1.0), (1, 2.0), (2, 3.0), (3, 3.0), (6, 3.0)])
def test_backoff_delay_custom_policy(attempt: int, ceiling: float, draw: float, fraction: float) -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=3.0)

    assert backoff_delay(attempt, policy, lambda: draw) == fraction * ceiling


def test_backoff_delay_draws_random_once_per_call() -> None:
    draws: list[float] = []

    def fake_random() -> float:
        draws.append(0.25)
        return 0.25

    delay = backoff_delay(2, RetryPolicy(), fake_random)

    assert (delay, draws) == (2.0 * 0.5 + 0.25 * 2.0 * 0.5, [0.25])
