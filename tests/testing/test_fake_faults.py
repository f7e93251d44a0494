"""FakeTMDB's rate and connection limits and its fault injection, over real sockets.

Faults are checked with plain httpx (no retries, so each failure is seen as the server acts it out), and
once through the TMDB client, which must retry the transient ones. No looptime here: real sockets.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

import httpx
import pytest

from tmdb_async import TMDB, ResponseValidationError, ServerError
from tmdb_async._throttle import Timing
from tmdb_async.testing import CONNECTION_FAULTS, FAULT_KINDS, STATUS_FAULTS, TRANSIENT_FAULTS, FakeTMDB

from support import BOUND, bounded

AUTH = {"Authorization": "Bearer test"}
SLOW_SECONDS = 0.3
TMDB_CODES = {"500": 11, "502": 43, "503": 9, "504": 24}


def raw_client(fake: FakeTMDB, timeout: float = BOUND) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=fake.base_url, headers=AUTH, timeout=timeout)


def test_the_fault_kinds_are_the_documented_ones() -> None:
    assert STATUS_FAULTS == ("429", "500", "502", "503", "504", "502_html", "503_html", "504_html")
    assert CONNECTION_FAULTS == ("reset", "close", "truncate")
    assert (*STATUS_FAULTS, "reset", "close", "truncate", "slow") == TRANSIENT_FAULTS
    assert (*STATUS_FAULTS, "reset", "close", "truncate", "slow", "invalid_json") == FAULT_KINDS


# -- fail(path, kind, times) for every kind ------------------------------------------------


async def assert_fails_in_its_way(http: httpx.AsyncClient, kind: str) -> None:
    """One request to /3/movie/550 that the fake acts `kind` out on."""
    if kind == "429":
        response = await bounded(http.get("/3/movie/550"))
        assert response.status_code == 429
        assert response.json()["status_code"] == 25
        assert float(response.headers["Retry-After"]) == 1.0
    elif kind in TMDB_CODES:
        response = await bounded(http.get("/3/movie/550"))
        assert response.status_code == int(kind)
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json() == {
            "success": False,
            "status_code": TMDB_CODES[kind],
            "status_message": response.json()["status_message"],
        }
    elif kind.endswith("_html"):
        response = await bounded(http.get("/3/movie/550"))
        assert response.status_code == int(kind[:3])
        assert response.headers["Content-Type"] == "text/html"
        assert response.text.startswith("<html>")
        assert f"<title>{kind[:3]} " in response.text
        with pytest.raises(json.JSONDecodeError):
            response.json()
    elif kind == "close":
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await bounded(http.get("/3/movie/550"))
    elif kind == "reset":
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            await bounded(http.get("/3/movie/550"))
    elif kind == "truncate":
        with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message body"):
            await bounded(http.get("/3/movie/550"))
    elif kind == "invalid_json":
        response = await bounded(http.get("/3/movie/550"))
        assert response.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            response.json()
    else:  # pragma: no cover - a new kind must get its own check here
        raise AssertionError(f"no check for fault kind {kind!r}")


@pytest.mark.parametrize("kind", [kind for kind in FAULT_KINDS if kind != "slow"])
async def test_fail_acts_the_kind_out_on_the_next_two_requests_and_the_third_succeeds(kind: str) -> None:
    async with FakeTMDB() as fake, raw_client(fake) as http:
        fake.fail("/3/movie/550", kind, times=2)
        await assert_fails_in_its_way(http, kind)
        await assert_fails_in_its_way(http, kind)
        third = await bounded(http.get("/3/movie/550"))

    assert third.status_code == 200
    assert third.json()["id"] == 550
    assert fake.stats.faults == Counter({kind: 2})
    assert fake.stats.requests == 3


async def test_fail_slow_answers_only_after_slow_seconds_twice_then_at_once() -> None:
    async with FakeTMDB(slow_seconds=SLOW_SECONDS) as fake:
        fake.fail("/3/movie/550", "slow", times=2)
        async with raw_client(fake, timeout=0.1) as impatient:
            with pytest.raises(httpx.ReadTimeout):
                await bounded(impatient.get("/3/movie/550"))
        async with raw_client(fake) as patient:
            started = time.perf_counter()
            second = await bounded(patient.get("/3/movie/550"))
            second_seconds = time.perf_counter() - started
            third = await bounded(patient.get("/3/movie/550"))

    assert second.status_code == 200
    assert second.json()["id"] == 550
    assert second_seconds >= SLOW_SECONDS
    assert third.status_code == 200
    # The third was not slowed: two faults acted out in all (counted, not timed: a loaded machine
    # can take longer than SLOW_SECONDS for any answer).
    assert fake.stats.faults == Counter({"slow": 2})
    assert fake.stats.requests == 3
    assert fake.stats.faults == Counter({"slow": 2})


async def test_fail_takes_glob_patterns_and_leaves_other_paths_alone() -> None:
    async with FakeTMDB() as fake, raw_client(fake) as http:
        fake.fail("/3/movie/*", "500", times=2)
        fake.fail("/3/tv/13?9", "502", times=1)
        statuses = [
            (await bounded(http.get(path))).status_code
            for path in ("/3/tv/1400", "/3/movie/551", "/3/movie/552/credits", "/3/movie/553", "/3/tv/1399")
        ]

    assert statuses == [200, 500, 500, 200, 502]
    assert fake.stats.faults == Counter({"500": 2, "502": 1})


async def test_an_unknown_fault_kind_is_a_value_error_listing_the_known_ones() -> None:
    async with FakeTMDB() as fake:
        with pytest.raises(ValueError, match="unknown fault kind 'teapot'") as caught:
            fake.fail("/3/movie/550", "teapot")
        assert fake.app.path_faults == []

    for kind in FAULT_KINDS:
        assert kind in str(caught.value)
    with pytest.raises(ValueError, match="teapot"):
        FakeTMDB(fault_kinds=("503", "teapot"))
    with pytest.raises(ValueError, match="fault_rate"):
        FakeTMDB(fault_rate=1.5)


async def test_fault_rate_1_with_only_503_fails_every_request_with_503() -> None:
    async with FakeTMDB(fault_rate=1.0, fault_kinds=("503",)) as fake, raw_client(fake) as http:
        responses = [await bounded(http.get(f"/3/movie/{550 + i}")) for i in range(10)]

    assert [response.status_code for response in responses] == [503] * 10
    assert {response.json()["status_code"] for response in responses} == {9}
    assert fake.stats.faults == Counter({"503": 10})
    assert fake.stats.by_status == Counter({503: 10})


async def test_through_the_client_a_503_on_every_request_is_a_server_error_without_retries() -> None:
    async with (
        FakeTMDB(fault_rate=1.0, fault_kinds=("503",)) as fake,
        TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb,
    ):
        with pytest.raises(ServerError) as caught:
            await bounded(tmdb.movies.details(550))

    assert caught.value.status_code == 503
    assert caught.value.tmdb_status_code == 9
    assert fake.stats.requests == 1


async def test_through_the_client_invalid_json_is_a_response_validation_error() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        fake.fail("/3/movie/550", "invalid_json")
        with pytest.raises(ResponseValidationError) as caught:
            await bounded(tmdb.movies.details(550))
        movie = await bounded(tmdb.movies.details(550))

    assert caught.value.status_code == 200
    assert caught.value.body == b'{"id": 550, "title": "Fight'
    assert movie.id == 550


@pytest.mark.slow
async def test_through_the_client_transient_faults_are_retried_and_every_call_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def short_sleep(seconds: float) -> None:
        # Real time, but backoffs shortened: the pause after a 429 is polled until it has passed.
        await asyncio.sleep(min(seconds, 0.02))

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=short_sleep))
    async with (
        FakeTMDB(fault_rate=0.3, slow_seconds=0.2) as fake,
        TMDB(base_url=fake.base_url, access_token="test", max_retries=10, requests_per_second=None, timeout=2) as tmdb,
    ):
        movies = await bounded(asyncio.gather(*(tmdb.movies.details(movie_id) for movie_id in range(1, 101))), 20)

    assert [movie.id for movie in movies] == list(range(1, 101))
    faults = fake.stats.faults
    assert faults.total() > 0
    assert set(faults) <= set(TRANSIENT_FAULTS)
    # Every fault but "slow" (answered within the timeout) cost exactly one retry.
    assert tmdb.stats.retries == faults.total() - faults["slow"]
    assert fake.stats.requests == 100 + tmdb.stats.retries
    assert tmdb.stats.failures == 0


# -- rate and connection limits ------------------------------------------------------------


async def test_a_burst_over_requests_per_second_gets_429_with_code_25_and_a_short_retry_after() -> None:
    async with FakeTMDB(requests_per_second=10) as fake, raw_client(fake) as http:
        responses = await bounded(asyncio.gather(*(http.get(f"/3/movie/{550 + i}") for i in range(30))))

    limited = [response for response in responses if response.status_code == 429]
    served = [response for response in responses if response.status_code == 200]
    assert len(limited) + len(served) == 30
    assert 10 <= len(limited) <= 20  # 10 a second pass: 20 limited, or 10 if the burst spans two seconds
    for response in limited:
        assert response.json()["status_code"] == 25
        assert 0 < float(response.headers["Retry-After"]) <= 1
    assert fake.stats.rate_limited == len(limited)
    assert fake.stats.by_status == Counter({200: len(served), 429: len(limited)})


async def test_the_client_waits_out_the_fakes_rate_limit_and_gets_every_answer() -> None:
    async with (
        FakeTMDB(requests_per_second=10) as fake,
        TMDB(base_url=fake.base_url, access_token="test", requests_per_second=None, max_retries=5) as tmdb,
    ):
        movies = await bounded(asyncio.gather(*(tmdb.movies.details(movie_id) for movie_id in range(1, 16))))

    assert [movie.id for movie in movies] == list(range(1, 16))
    assert fake.stats.rate_limited >= 5
    assert fake.stats.by_status[200] == 15


async def test_requests_beyond_max_connections_in_flight_get_429() -> None:
    async with FakeTMDB(max_connections=2, slow_seconds=SLOW_SECONDS) as fake, raw_client(fake) as http:
        fake.fail("/3/movie/*", "slow", times=10)  # the first two hold their slot while the rest arrive
        responses = await bounded(asyncio.gather(*(http.get(f"/3/movie/{550 + i}") for i in range(10))))

    statuses = Counter(response.status_code for response in responses)
    assert statuses == Counter({200: 2, 429: 8})
    for response in responses:
        if response.status_code == 429:
            assert response.json()["status_code"] == 25
            assert response.headers["Retry-After"] == "1.000"
    assert fake.stats.rate_limited == 8
    assert fake.stats.faults == Counter({"slow": 2})  # a refused request consumes no planned fault
    assert fake.stats.max_in_flight >= 3
    assert fake.stats.max_connections == 10
