"""TMDBTransport behaviours that no other test pinned (found by mutation testing, issue 14).

A write with an API key, session ids kept out of httpx's log line, a per-call timeout on a
session write, backoff after transport errors, a body in chunks, the Retry-After cap at its
edges, a 3xx answer, and the failure counter. Runs on looptime's loop: waits take no real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import gzip
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB, APIConnectionError, APIError, APITimeoutError, RateLimitError
from tmdb_async._throttle import Timing
from tmdb_async._transport import Credentials
from tmdb_async.testing import sample

pytestmark = pytest.mark.looptime

SESSION = "s3ssion-SECRET"
MOVIE = sample("movies.details", 550, title="Fight Club")  # complete: the models check required fields
STATUS_OK = {"success": True, "status_code": 1, "status_message": "Success."}

Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers `answers` in order (the last repeats); records each request and the loop time it arrived."""

    def __init__(self, *answers: Handler) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(asyncio.get_running_loop().time())
        return self.answers[min(len(self.requests), len(self.answers)) - 1](request)

    @property
    def gaps(self) -> list[float]:
        return [later - earlier for earlier, later in zip(self.times, self.times[1:], strict=False)]


def ok(body: Any) -> Handler:
    return lambda request: httpx.Response(200, json=body)


def refuse(status: int, retry_after: str) -> Handler:
    body = {"success": False, "status_code": 25, "status_message": "over the limit"}
    return lambda request: httpx.Response(status, json=body, headers={"Retry-After": retry_after})


def connect_error(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


@asynccontextmanager
async def client(handler: Handler, **options: Any) -> AsyncIterator[TMDB]:
    options.setdefault("access_token", "t0ken-SECRET")
    async with TMDB(transport=httpx.MockTransport(handler), **options) as tmdb:
        yield tmdb


# -- credentials on writes -----------------------------------------------------------------


async def test_a_rating_with_an_api_key_sends_its_json_body_and_content_type() -> None:
    script = Script(ok(STATUS_OK))
    async with client(script, access_token=None, api_key="k3y-SECRET") as tmdb:
        await tmdb.movies.add_rating(550, value=8.5, guest_session_id="g")

    (sent,) = script.requests
    assert sent.method == "POST"
    assert json.loads(sent.content) == {"value": 8.5}
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.url.params["api_key"] == "k3y-SECRET"
    assert "Authorization" not in sent.headers


async def test_a_session_write_with_a_token_keeps_the_per_call_timeout() -> None:
    script = Script(ok(STATUS_OK))
    async with client(script) as tmdb:
        await tmdb.with_options(timeout=httpx.Timeout(3.0, connect=1.5)).movies.add_rating(
            550, value=8.5, session_id=SESSION
        )

    (sent,) = script.requests
    assert sent.extensions["timeout"] == {"connect": 1.5, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert sent.url.params["session_id"] == SESSION
    assert sent.headers["Authorization"] == "Bearer t0ken-SECRET"
    assert json.loads(sent.content) == {"value": 8.5}


@pytest.mark.parametrize("param", ["session_id", "guest_session_id"])
async def test_httpxs_info_line_shows_no_session_id_while_the_request_sent_has_it(
    caplog: pytest.LogCaptureFixture, param: str
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    script = Script(ok(STATUS_OK))
    async with client(script) as tmdb:
        session: dict[str, Any] = {param: SESSION}
        await tmdb.movies.add_rating(550, value=8.5, **session)

    (sent,) = script.requests
    assert sent.url.params[param] == SESSION
    (line,) = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert f"{param}=REDACTED" in line
    assert SESSION not in line


# -- waits -----------------------------------------------------------------------------------


async def test_backoff_after_transport_errors_doubles_from_a_quarter_second_with_no_jitter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(TMDB, "_timing", Timing(random=lambda: 0.0))
    script = Script(connect_error)
    async with client(script, requests_per_second=None) as tmdb:
        with pytest.raises(APIConnectionError):
            await tmdb.movies.details(550)

    assert script.gaps == pytest.approx([0.25, 0.5, 1.0], abs=0.001)


async def test_a_retry_after_exactly_at_the_cap_is_waited() -> None:
    script = Script(refuse(429, "60"), ok(MOVIE))
    async with client(script, max_retry_after=60) as tmdb:
        movie = await tmdb.movies.details(550)

    assert movie.id == 550
    assert script.gaps == pytest.approx([60.0], abs=0.01)


async def test_an_http_date_retry_after_over_the_cap_raises_at_once_with_its_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = 1_700_000_000.0
    monkeypatch.setattr(TMDB, "_timing", Timing(wall=lambda: now))
    script = Script(refuse(429, email.utils.formatdate(now + 120, usegmt=True)), ok(MOVIE))
    async with client(script, max_retry_after=60) as tmdb:
        with pytest.raises(RateLimitError) as caught:
            await tmdb.movies.details(550)

    assert len(script.requests) == 1
    assert caught.value.retry_after == 120.0


# -- answers ---------------------------------------------------------------------------------


class ChunkedBody(httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


class ChunkedTransport(httpx.AsyncBaseTransport):
    """A custom transport whose answer arrives in pieces, as a network stream does."""

    def __init__(self, body: bytes, pieces: int) -> None:
        size = -(-len(body) // pieces)
        self.stream = ChunkedBody(*(body[start : start + size] for start in range(0, len(body), size)))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, stream=self.stream)


async def test_a_body_arriving_in_chunks_from_a_custom_transport_is_joined_whole_and_its_stream_closed() -> None:
    transport = ChunkedTransport(json.dumps({"id": 7, "name": "Seven"}).encode(), pieces=5)
    async with TMDB(access_token="t", transport=transport) as tmdb:
        keyword = await tmdb.keywords.details(7)

    assert (keyword.id, keyword.name) == (7, "Seven")
    assert len(transport.stream.chunks) == 5
    assert transport.stream.closed


@pytest.mark.parametrize("status", [300, 301, 304])
async def test_a_3xx_answer_raises_api_error_without_a_retry(status: int) -> None:
    script = Script(lambda request: httpx.Response(status, headers={"Location": "/3/movie/551"}))
    async with client(script) as tmdb:
        with pytest.raises(APIError) as caught:
            await tmdb.movies.details(550)

    assert type(caught.value) is APIError
    assert caught.value.status_code == status
    assert len(script.requests) == 1


# -- counters --------------------------------------------------------------------------------


async def test_stats_count_each_request_that_failed_on_transport_errors_as_one_failure() -> None:
    script = Script(connect_error)
    async with client(script, max_retries=2) as tmdb:
        for _ in range(2):
            with pytest.raises(APIConnectionError):
                await tmdb.movies.details(550)
        stats = tmdb.stats

    assert (stats.requests, stats.attempts, stats.retries, stats.failures) == (2, 6, 4, 2)


async def test_stats_count_no_failure_when_a_transport_error_is_retried_into_a_success() -> None:
    script = Script(connect_error, ok(MOVIE))
    async with client(script) as tmdb:
        await tmdb.movies.details(550)
        stats = tmdb.stats

    assert (stats.requests, stats.attempts, stats.retries, stats.failures) == (1, 2, 1, 0)


async def test_a_503_with_retry_after_waits_for_its_own_retry_without_pausing_the_client() -> None:
    started: dict[str, float] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        loop_time = asyncio.get_running_loop().time()
        started.setdefault(request.url.path, loop_time)
        if request.url.path == "/3/movie/1" and loop_time - started["/3/movie/1"] < 1:
            return httpx.Response(
                503, json={"status_code": 9, "status_message": "offline"}, headers={"Retry-After": "30"}
            )
        return httpx.Response(200, json=MOVIE)

    async with client(answer) as tmdb:
        began = asyncio.get_running_loop().time()

        async def later() -> float:
            await asyncio.sleep(1.0)
            await tmdb.movies.details(2)
            return asyncio.get_running_loop().time() - began

        _, second_done = await asyncio.gather(tmdb.movies.details(1), later())

    assert second_done == pytest.approx(1.0, abs=0.1)  # not held until the 503's Retry-After, 30 s later


# -- what a failure says -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [
        (httpx.ConnectError("refused"), APIConnectionError, "ConnectError: refused"),
        (httpx.ConnectError(""), APIConnectionError, "ConnectError: no detail"),
        (httpx.ReadTimeout("slow"), APITimeoutError, "ReadTimeout: slow"),
        (httpx.ConnectTimeout("no route"), APITimeoutError, "ConnectTimeout: no route"),
    ],
)
async def test_a_transport_failure_raises_its_class_with_a_one_line_message(
    error: httpx.TransportError, raised: type[APIConnectionError], message: str
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    async with client(fail, max_retries=0) as tmdb:
        with pytest.raises(APIConnectionError) as caught:
            await tmdb.movies.details(550)

    assert type(caught.value) is raised
    assert str(caught.value) == f"{message} (GET https://api.themoviedb.org/3/movie/550)"


async def test_each_attempt_that_failed_without_an_answer_logs_one_debug_record(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(TMDB, "_timing", Timing(random=lambda: 0.0))
    caplog.set_level(logging.DEBUG, logger="tmdb_async")
    async with client(Script(connect_error), max_retries=1) as tmdb:
        with pytest.raises(APIConnectionError):
            await tmdb.movies.details(550)

    assert [record.getMessage() for record in caplog.records if record.name == "tmdb_async"] == [
        "GET /3/movie/550 -> failed: ConnectError (attempt 1/2, retrying in 0.25s)",
        "GET /3/movie/550 -> failed: ConnectError (attempt 2/2)",
    ]


@pytest.mark.parametrize(
    ("credentials", "shown"),
    [({"access_token": "t0ken-SECRET"}, "Credentials(access_token=<redacted>)"),
     ({"api_key": "k3y-SECRET"}, "Credentials(api_key=<redacted>)")],
)  # fmt: skip
def test_credentials_show_their_kind_and_never_their_value(credentials: dict[str, str], shown: str) -> None:
    assert repr(Credentials(**credentials)) == shown


# -- the answer is read inside the retry loop, and the turn given back ---------------------------


class GzipTransport(httpx.AsyncBaseTransport):
    """A network-like transport (the body streamed, not preloaded): a corrupt gzip body first, then a good one."""

    def __init__(self) -> None:
        self.bodies = [b"\x1f\x8b\x08\x00 not gzip at all", gzip.compress(json.dumps(MOVIE).encode())]
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = self.bodies[min(self.sent, 1)]
        self.sent += 1
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=ChunkedBody(body))


async def test_a_corrupt_gzip_body_is_retried_as_a_decoding_error_inside_the_transport() -> None:
    transport = GzipTransport()
    async with TMDB(access_token="t", transport=transport) as tmdb:
        movie = await tmdb.movies.details(550)

    assert movie.id == 550
    assert transport.sent == 2
    assert tmdb.stats.retries == 1


@pytest.mark.parametrize("first", [ok(MOVIE), connect_error], ids=["answered", "failed"])
async def test_each_request_gives_its_turn_back_so_one_slot_serves_many(first: Handler) -> None:
    script = Script(first, ok(MOVIE))
    async with client(script, max_concurrency=1, max_retries=0) as tmdb:
        with contextlib.suppress(APIConnectionError):
            await tmdb.movies.details(1)
        for ident in (2, 3):
            movie = await asyncio.wait_for(tmdb.movies.details(ident), 10)  # a slot kept would block forever

    assert movie.id == 550
    assert len(script.requests) == 3


async def test_a_request_with_an_api_key_keeps_the_per_call_timeout() -> None:
    script = Script(ok(MOVIE))
    async with client(script, access_token=None, api_key="k3y-SECRET") as tmdb:
        await tmdb.with_options(timeout=httpx.Timeout(4.0, connect=2.0)).movies.details(550)

    (sent,) = script.requests
    assert sent.extensions["timeout"] == {"connect": 2.0, "read": 4.0, "write": 4.0, "pool": 4.0}
    assert sent.url.params["api_key"] == "k3y-SECRET"


async def test_an_error_answer_that_is_not_retried_logs_its_status_and_counts_as_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tmdb_async")
    not_found = {"success": False, "status_code": 34, "status_message": "not found"}
    async with client(Script(lambda request: httpx.Response(404, json=not_found))) as tmdb:
        for _ in range(2):
            with pytest.raises(APIError):
                await tmdb.movies.details(550)
        stats = tmdb.stats

    assert [record.getMessage() for record in caplog.records if record.name == "tmdb_async"] == [
        "GET /3/movie/550 -> 404 (attempt 1/4)",
        "GET /3/movie/550 -> 404 (attempt 1/4)",
    ]
    assert (stats.requests, stats.attempts, stats.retries, stats.failures) == (2, 2, 0, 2)
