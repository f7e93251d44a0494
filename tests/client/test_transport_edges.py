"""TMDBTransport at its edges, in process: the deadline of an attempt, the text of a network failure,
the credentials refused, the answer handed back, the call refused by a shared pause.

Each network here is a small httpx.AsyncBaseTransport: an answer that takes as long as a test says,
an exception chain a test builds. Runs on looptime's loop: waits take no real time, and the loop's
clock says exactly when a deadline fired.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, cast

import httpx
import pytest

from tmdb_async import (
    TMDB,
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    RateLimitError,
)
from tmdb_async._constants import CLOSED_MESSAGE
from tmdb_async._transport import _conditional
from tmdb_async.testing import sample

pytestmark = pytest.mark.looptime

MOVIE = json.dumps(sample("movies.details", 550, title="Fight Club")).encode()
KEY = "k3y-SECRET"


class Slow(httpx.AsyncBaseTransport):
    """Answers the movie after `seconds` (of the loop's clock); records each request's timeout extension."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.timeouts: list[dict[str, float | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append(request.extensions["timeout"])
        await asyncio.sleep(self.seconds)
        return httpx.Response(200, content=MOVIE, request=request)


def message(error: APIConnectionError) -> str:
    """The message of a connection error, without the request it appends: ` (GET https://...)`."""
    text = str(error)
    shown = f" ({error.method} {error.url})"
    assert text.endswith(shown)
    return text.removesuffix(shown)


def tmdb_on(network: httpx.AsyncBaseTransport, **options: Any) -> TMDB:
    options.setdefault("max_retries", 0)
    return TMDB(api_key=KEY, transport=network, **options)


# -- the deadline of one attempt -----------------------------------------------------------------------------------

DEADLINES = [
    pytest.param({}, 40.0, id="default: connect 10 + 3 x read 10"),
    pytest.param({"timeout": 2.0}, 8.0, id="timeout 2: 2 + 3 x 2"),
    pytest.param({"timeout": httpx.Timeout(2.0, connect=1.0)}, 7.0, id="connect 1 + 3 x read 2"),
    pytest.param({"timeout": httpx.Timeout(2.0, connect=None)}, 6.0, id="connect unbounded: 3 x read 2"),
    pytest.param({"timeout": 2.0, "attempt_timeout": 3.5}, 3.5, id="attempt_timeout wins"),
    pytest.param({"timeout": None, "attempt_timeout": 3.5}, 3.5, id="attempt_timeout without timeouts"),
]


@pytest.mark.parametrize(("options", "deadline"), DEADLINES)
async def test_an_attempt_slower_than_its_deadline_ends_there_as_a_timeout(
    options: dict[str, Any], deadline: float
) -> None:
    loop = asyncio.get_running_loop()
    async with tmdb_on(Slow(1000.0), **options) as tmdb:
        start = loop.time()
        with pytest.raises(APITimeoutError) as caught:
            await tmdb.movies.details(550)
        assert loop.time() - start == pytest.approx(deadline)
    assert message(caught.value) == (
        f"ReadTimeout: the attempt took longer than {deadline:g} s in all (attempt_timeout)"
    )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


@pytest.mark.parametrize(("options", "deadline"), DEADLINES)
async def test_an_attempt_just_within_its_deadline_is_answered(options: dict[str, Any], deadline: float) -> None:
    async with tmdb_on(Slow(deadline - 0.01), **options) as tmdb:
        assert (await tmdb.movies.details(550)).title == "Fight Club"


@pytest.mark.parametrize(
    "timeout",
    [None, httpx.Timeout(None, connect=5.0)],
    ids=["no timeout", "reads unbounded"],
)
async def test_without_a_read_timeout_or_attempt_timeout_an_attempt_has_no_deadline(
    timeout: httpx.Timeout | None,
) -> None:
    async with tmdb_on(Slow(100_000.0), timeout=timeout) as tmdb:
        assert (await tmdb.movies.details(550)).title == "Fight Club"


async def test_a_per_call_timeout_sets_that_call_s_deadline() -> None:
    loop = asyncio.get_running_loop()
    network = Slow(1000.0)
    async with tmdb_on(network) as tmdb:
        start = loop.time()
        with pytest.raises(APITimeoutError) as caught:
            await tmdb.with_options(timeout=1.5).movies.details(550)
        assert loop.time() - start == pytest.approx(6.0)  # 1.5 + 3 x 1.5
    assert "took longer than 6 s in all" in message(caught.value)
    assert network.timeouts[0]["read"] == 1.5


# -- the text of a network failure ---------------------------------------------------------------------------------


class Failing(httpx.AsyncBaseTransport):
    """Raises the exception `make(request)` builds."""

    def __init__(self, make: Callable[[httpx.Request], Exception]) -> None:
        self.make = make

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise self.make(request)


def chained(*texts: str, implicit: bool = False) -> Callable[[httpx.Request], Exception]:
    """A ConnectError with texts[0], caused by an OSError with texts[1], caused by ... (`raise from`, or implicit)."""

    def make(request: httpx.Request) -> Exception:
        cause: BaseException | None = None
        for text in reversed(texts[1:]):
            error = OSError(text)
            if implicit:
                error.__context__ = cause
            else:
                error.__cause__ = cause
            cause = error
        top = httpx.ConnectError(texts[0], request=request)
        if implicit:
            top.__context__ = cause
        else:
            top.__cause__ = cause
        return top

    return make


async def failure(make: Callable[[httpx.Request], Exception]) -> APIConnectionError:
    async with tmdb_on(Failing(make)) as tmdb:
        with pytest.raises(APIConnectionError) as caught:
            await tmdb.movies.details(550)
    return caught.value


@pytest.mark.parametrize("implicit", [False, True], ids=["raise from", "raised while handling"])
async def test_a_network_failure_shows_its_chain_of_causes(implicit: bool) -> None:
    error = await failure(chained("cannot connect", "connection refused", implicit=implicit))
    assert message(error) == "ConnectError: cannot connect <- connection refused"


async def test_a_network_failure_shows_five_causes_at_most() -> None:
    error = await failure(chained(*(f"cause {n}" for n in range(8))))
    assert message(error) == "ConnectError: cause 0 <- cause 1 <- cause 2 <- cause 3 <- cause 4"


async def test_a_network_failure_shows_each_text_once_and_skips_empty_ones() -> None:
    error = await failure(chained("", "refused", "refused", "", "reset"))
    assert message(error) == "ConnectError: refused <- reset"


async def test_a_network_failure_without_any_text_says_so() -> None:
    error = await failure(chained("", ""))
    assert message(error) == "ConnectError: no detail"


async def test_a_network_failure_shows_no_secret_and_chains_to_a_scrubbed_copy_of_its_kind() -> None:
    def make(request: httpx.Request) -> Exception:
        return httpx.ReadTimeout(f"{KEY} timed out on {request.url}", request=request)

    error = await failure(make)
    shown = "ReadTimeout: REDACTED timed out on https://api.themoviedb.org/3/movie/550?api_key=REDACTED"
    assert isinstance(error, APITimeoutError)
    assert (message(error), error.method, error.url) == (
        shown,
        "GET",
        "https://api.themoviedb.org/3/movie/550",
    )
    cause = error.__cause__
    assert type(cause) is httpx.ReadTimeout
    assert str(cause) == shown.removeprefix("ReadTimeout: ")
    assert cause.__cause__ is None
    assert cause.__context__ is None


# -- credentials refused -------------------------------------------------------------------------------------------

CONTROL = "holds a space or a control character: it is not a TMDB credential"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("a b", CONTROL),
        ("a\tb", CONTROL),
        ("a\x01b", CONTROL),
        ("a\x1fb", CONTROL),
        ("a\x7fb", CONTROL),  # DEL
        ("a\x85b", CONTROL),  # NEL
        ("a\u200bb", CONTROL),  # zero-width space
        ("a\u00a0b", CONTROL),  # no-break space
        (" ab", "starts or ends with whitespace (a newline read from a file?): strip it before passing it"),
        ("ab\n", "starts or ends with whitespace (a newline read from a file?): strip it before passing it"),
    ],
)
@pytest.mark.parametrize("kind", ["access_token", "api_key"])
def test_a_credential_that_cannot_be_sent_is_refused_by_name_without_showing_it(
    kind: str, value: str, why: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        TMDB(**cast("dict[str, Any]", {kind: value}))
    assert str(caught.value) == f"{kind} {why}"


@pytest.mark.parametrize("kind", ["access_token", "api_key"])
def test_a_credential_that_is_not_a_string_is_refused_naming_its_type(kind: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        TMDB(**cast("dict[str, Any]", {kind: 12345}))  # what a checker refuses, as untyped code passes it
    assert str(caught.value) == f"{kind} must be a string, got int"


@pytest.mark.parametrize("value", ["tokén-ünïcode", "a-b_c.d~e", "eyJhbGciOiJIUzI1NiJ9.e30.sig"])
def test_printable_credentials_are_accepted(value: str) -> None:
    TMDB(access_token=value)
    TMDB(api_key=value)


# -- the answer handed back ----------------------------------------------------------------------------------------


class Gzipped(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = gzip.compress(MOVIE)
        headers = {"Content-Encoding": "gzip", "Content-Length": str(len(body)), "X-Kept": "yes"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body), request=request)


async def test_the_answer_is_handed_back_decoded_with_its_own_length_and_its_other_headers() -> None:
    async with tmdb_on(Gzipped()) as tmdb:
        raw = await tmdb.with_raw_response.movies.details(550)
    assert raw.content == MOVIE
    assert "Content-Encoding" not in raw.headers
    assert raw.headers["Content-Length"] == str(len(MOVIE))
    assert raw.headers["X-Kept"] == "yes"


# -- a call refused by the shared pause ----------------------------------------------------------------------------


class Refusing(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        body = {"success": False, "status_code": 25, "status_message": "over the limit"}
        return httpx.Response(429, json=body, headers={"Retry-After": "30"}, request=request)


async def test_a_call_with_no_retry_left_for_the_shared_pause_is_refused_unsent_with_a_429() -> None:
    network = Refusing()
    async with tmdb_on(network) as tmdb:
        with pytest.raises(RateLimitError):
            await tmdb.movies.details(550)  # the 429 starts a 30 s pause for every call
        with pytest.raises(RateLimitError) as caught:
            await tmdb.movies.details(550, language="fr")
        assert tmdb.stats.failures == 2
    error = caught.value
    assert network.sent == 1
    assert (error.status_code, error.tmdb_status_code, error.method, error.url) == (
        429,
        None,
        "GET",
        "https://api.themoviedb.org/3/movie/550?language=fr",
    )
    assert error.retry_after == pytest.approx(30.0)
    assert error.status_message == (
        "not sent: requests are paused for another 30.0 s after a 429 (Retry-After),"
        " and this call has no retry left to wait for it (max_retries, max_retry_after)"
    )


class Misbehaving(httpx.AsyncBaseTransport):
    """Runs `act(request)` for each request: it may close the client, fail, or answer."""

    def __init__(self, act: Callable[[httpx.Request], Awaitable[httpx.Response]]) -> None:
        self.act = act
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await self.act(request)


async def test_a_call_that_spent_its_retry_waiting_out_a_pause_is_not_retried_after_a_network_failure() -> None:
    async def act(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/1"):
            body = {"success": False, "status_code": 25, "status_message": "over the limit"}
            return httpx.Response(429, json=body, headers={"Retry-After": "5"}, request=request)
        raise httpx.ConnectError("refused", request=request)

    network = Misbehaving(act)
    async with tmdb_on(network, max_retries=1) as tmdb:
        with pytest.raises(RateLimitError):
            await tmdb.with_options(max_retries=0).movies.details(1)  # starts a 5 s pause for every call
        with pytest.raises(APIConnectionError):
            await tmdb.movies.details(2)  # waits the pause out with its one retry: none left after the failure
        assert network.sent == 2
        assert tmdb.stats.failures == 2


# -- closing the client: every way a call meets it ends with the same message ---------------------------------------


def closing_then(then: Callable[[httpx.Request], httpx.Response]) -> tuple[Misbehaving, list[TMDB]]:
    clients: list[TMDB] = []

    async def act(request: httpx.Request) -> httpx.Response:
        await clients[0].aclose()
        return then(request)

    return Misbehaving(act), clients


def connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


def unavailable(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, json={"status_code": 9, "status_message": "down"}, request=request)


@pytest.mark.parametrize("then", [connect_error, unavailable], ids=["network failure", "retryable status"])
async def test_a_call_whose_client_closes_during_its_attempt_ends_with_client_closed_error(
    then: Callable[[httpx.Request], httpx.Response],
) -> None:
    network, clients = closing_then(then)
    clients.append(tmdb_on(network, max_retries=3))
    with pytest.raises(ClientClosedError) as caught:
        await clients[0].movies.details(550)
    assert str(caught.value) == CLOSED_MESSAGE
    assert network.sent == 1
    assert clients[0].stats.failures == 1


async def test_closing_the_client_ends_a_call_waiting_to_retry_at_once() -> None:
    async def act(request: httpx.Request) -> httpx.Response:
        return unavailable(request)

    loop = asyncio.get_running_loop()
    tmdb = tmdb_on(Misbehaving(act), max_retries=3)
    calls = [asyncio.create_task(tmdb.movies.details(movie)) for movie in (550, 551)]
    await asyncio.sleep(0.1)  # each call got its 503 and waits for its retry (0.25 s to 0.5 s)
    start = loop.time()
    await tmdb.aclose()
    for call in calls:
        with pytest.raises(ClientClosedError) as caught:
            await call
        assert str(caught.value) == CLOSED_MESSAGE
    assert loop.time() == start
    assert tmdb.stats.failures == 2


async def test_closing_the_client_ends_a_call_waiting_for_its_turn_without_sending_it() -> None:
    network = Slow(10.0)
    tmdb = tmdb_on(network, max_concurrency=1)
    first = asyncio.create_task(tmdb.movies.details(550))
    second = asyncio.create_task(tmdb.movies.details(551))
    await asyncio.sleep(1.0)  # the first is in flight, the second waits for the one slot
    await tmdb.aclose()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert len(network.timeouts) == 1
    assert isinstance(results[1], ClientClosedError)
    assert str(results[1]) == CLOSED_MESSAGE
    assert tmdb.stats.failures == sum(isinstance(result, Exception) for result in results)


async def test_a_retry_wait_leaves_nothing_for_closing_to_end() -> None:
    answers: Iterator[Callable[[httpx.Request], httpx.Response]] = iter(
        [unavailable, unavailable, lambda request: httpx.Response(200, content=MOVIE, request=request)]
    )

    async def act(request: httpx.Request) -> httpx.Response:
        return next(answers)(request)

    async with tmdb_on(Misbehaving(act), max_retries=3) as tmdb:
        assert (await tmdb.movies.details(550)).title == "Fight Club"
        assert tmdb._transport._closing == set()  # a leak is not visible otherwise


@pytest.mark.parametrize(
    ("headers", "conditional"),
    [({"If-None-Match": '"e1"'}, True), ({"If-Modified-Since": "Sat, 28 Nov 2026 07:00:00 GMT"}, True), ({}, False)],
)
def test_a_request_is_conditional_when_it_names_an_etag_or_a_date(headers: dict[str, str], conditional: bool) -> None:
    assert _conditional(httpx.Request("GET", "https://api.themoviedb.org/3/movie/550", headers=headers)) is conditional


async def test_the_answer_handed_up_keeps_what_the_network_layer_said_of_it() -> None:
    """HTTP version and reason phrase (httpx's log line shows them) survive the rebuilt answer."""

    class Http2(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            extensions = {"http_version": b"HTTP/2", "reason_phrase": b"Fine"}
            return httpx.Response(200, content=MOVIE, request=request, extensions=extensions)

    async with tmdb_on(Http2()) as tmdb:
        answer = await tmdb._http.get("/3/movie/550")

    assert (answer.http_version, answer.reason_phrase) == ("HTTP/2", "Fine")
    assert answer.json()["title"] == "Fight Club"
