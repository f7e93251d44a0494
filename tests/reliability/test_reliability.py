"""Reliability: the real client against FakeTMDB over real sockets on 127.0.0.1, under faults and rate limits.

No looptime: waits are real, so every scenario is bounded by `asyncio.wait_for` and every polling loop by a
count. No assertion reads the wall clock: scenarios 2 and 3 count the client's pace on a clock of their
own (`ClientClock`), which moves only when the client sleeps. The figures of each scenario are printed
(`pytest -s`) and gathered in `FIGURES`.

Every scenario uses the same distinctive credentials (`SECRET_TOKEN`, `SECRET_KEY`); every log record (all
loggers, DEBUG), every exception raised and every output of the CLI is kept in `SHOWN`, and the last test
checks that neither secret appears anywhere in it.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import logging
import math
import os
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tmdb_async import (
    TMDB,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)
from tmdb_async._throttle import Timing
from tmdb_async.models import MovieDetails
from tmdb_async.testing import TRANSIENT_FAULTS, FakeTMDB

from support import bounded

E = TypeVar("E", bound=Exception)

SECRET_TOKEN = "tok-SECRET-RELIABILITY"
SECRET_KEY = "key-SECRET-RELIABILITY"
SECRETS = (SECRET_TOKEN, SECRET_KEY, "SECRET-RELIABILITY")

# What each scenario measured: scenario name -> figure -> value (also printed with `pytest -s`).
FIGURES: dict[str, dict[str, Any]] = {}
# Everything the suite saw that a user could see: log records, exception texts, CLI output.
SHOWN: list[str] = []
# How many log records each logger produced across the suite (proves the leak check is not vacuous).
LOGGERS_SEEN: Counter[str] = Counter()

CLI = Path(sys.executable).parent / "tmdb-async"
MOVIE_PATH = "/3/movie/{}"
POLL_SECONDS = 0.005
LOG_FORMAT = logging.Formatter("%(levelname)s %(name)s: %(message)s")


# -- helpers -----------------------------------------------------------------------------------------------------
def report(scenario: str, **figures: Any) -> None:
    FIGURES.setdefault(scenario, {}).update(figures)
    shown = ", ".join(f"{name}={value}" for name, value in figures.items())
    print(f"\n[reliability] {scenario}: {shown}")


def shown_by(exc: BaseException) -> None:
    """Keep every text an exception shows: str, repr, its chain, the traceback, and its fields."""
    SHOWN.extend([str(exc), repr(exc), "".join(traceback.format_exception(exc))])
    cause: BaseException | None = exc.__cause__ or exc.__context__
    for _ in range(10):  # a chain is short; a cycle must not loop forever
        if cause is None:
            break
        SHOWN.extend([str(cause), repr(cause)])
        cause = cause.__cause__ or cause.__context__
    for name in ("url", "status_message", "method"):
        value = getattr(exc, name, None)
        if isinstance(value, str):
            SHOWN.append(value)
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        SHOWN.append(body.decode("utf-8", "replace"))


async def raised(call: Awaitable[object], expected: type[E]) -> E:
    """The exception `call` raises, recorded in SHOWN; fails the test unless it is exactly of class `expected`."""
    with pytest.raises(expected) as caught:
        await call
    shown_by(caught.value)
    assert type(caught.value) is expected, f"expected exactly {expected.__name__}, got {caught.value!r}"
    return caught.value


async def details_of_all(tmdb: TMDB, ids: list[int]) -> tuple[list[MovieDetails], list[BaseException], float]:
    """Every id's details, asked for at once: the movies in id order, the exceptions (kept in SHOWN), the seconds."""
    started = time.perf_counter()
    results = await asyncio.gather(*(tmdb.movies.details(ident) for ident in ids), return_exceptions=True)
    seconds = time.perf_counter() - started
    errors = [result for result in results if isinstance(result, BaseException)]
    for error in errors:
        shown_by(error)
    return [result for result in results if isinstance(result, MovieDetails)], errors, seconds


def client(fake: FakeTMDB, **options: Any) -> TMDB:
    if "api_key" not in options:
        options.setdefault("access_token", SECRET_TOKEN)
    return TMDB(base_url=fake.base_url, **options)


def cli_environment(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMDB_")}
    env.update(extra)
    return env


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    return path.read_bytes().count(b"\n")


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def write_ids(path: Path, ids: list[int]) -> None:
    path.write_text("".join(f"{ident}\n" for ident in ids), encoding="utf-8")


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    lines_at_kill: int | None = None


async def run_cli(
    args: list[str],
    *,
    workdir: Path,
    name: str,
    env: dict[str, str],
    kill_when_lines: tuple[Path, int] | None = None,
    bound: float = 30.0,
) -> CliRun:
    """Run `tmdb-async ARGS` in this loop (the fake keeps serving); SIGKILL it once a file has enough lines."""
    stdout_path, stderr_path = workdir / f"{name}.stdout", workdir / f"{name}.stderr"
    started = time.perf_counter()
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            str(CLI), *args, stdout=stdout, stderr=stderr, env=env, cwd=workdir
        )
    lines_at_kill = None
    try:
        if kill_when_lines is not None:
            path, wanted = kill_when_lines
            for _ in range(math.ceil(bound / POLL_SECONDS)):
                if process.returncode is not None or count_lines(path) >= wanted:
                    break
                await asyncio.sleep(POLL_SECONDS)
            if process.returncode is None:
                process.kill()
                lines_at_kill = count_lines(path)
        await asyncio.wait_for(process.wait(), bound)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    run = CliRun(
        process.returncode if process.returncode is not None else -1,
        read_text(stdout_path),
        read_text(stderr_path),
        time.perf_counter() - started,
        lines_at_kill,
    )
    SHOWN.extend([run.stdout, run.stderr])
    return run


@pytest.fixture(autouse=True)
def debug_logs_kept(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every logger at DEBUG (httpx, httpcore, tmdb_async, ...); each record, formatted, goes to SHOWN."""
    caplog.set_level(logging.DEBUG)
    yield
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            SHOWN.append(LOG_FORMAT.format(record))
            LOGGERS_SEEN[record.name.split(".")[0]] += 1


@pytest.fixture(autouse=True, scope="module")
def figures_printed() -> Iterator[None]:
    yield
    print("\n[reliability] all figures:")
    for scenario, figures in FIGURES.items():
        print(f"  {scenario}: {json.dumps(figures, default=str)}")


# -- 1. transient faults -----------------------------------------------------------------------------------------
FAULT_REQUESTS = 2_000
FAULT_CONCURRENCY = 50
# A request fails only if all its attempts meet a fault: 0.1 ** 7 = 1e-7 per request, 2e-4 for the 2,000 of the
# run (with 4 retries it would be 0.1 ** 5 * 2000 = 2 %, with 5 retries 0.2 %: not negligible enough).
FAULT_MAX_RETRIES = 6


async def test_transient_faults_are_retried_and_every_request_returns_its_movie_exactly_once() -> None:
    async def scenario() -> None:
        ids = list(range(100_001, 100_001 + FAULT_REQUESTS))
        async with (
            FakeTMDB(
                credentials=(SECRET_TOKEN,), fault_rate=0.10, fault_kinds=TRANSIENT_FAULTS, slow_seconds=0.5
            ) as fake,
            # read timeout 0.3 s < slow_seconds 0.5 s: a "slow" answer is a timeout, and must be
            # retried. Connecting gets 10 s: the fake shares this event loop, and 50 connections
            # opened at once under load can take longer than 0.3 s to be accepted; such an
            # attempt never reaches the fake and would break the attempts == served count.
            client(
                fake,
                max_concurrency=FAULT_CONCURRENCY,
                requests_per_second=None,
                timeout=httpx.Timeout(0.3, connect=10.0),
                max_retries=FAULT_MAX_RETRIES,
            ) as tmdb,
        ):
            movies, errors, elapsed = await details_of_all(tmdb, ids)
            stats, served = tmdb.stats, fake.stats
            report(
                "1 transient faults",
                requests=stats.requests,
                attempts=stats.attempts,
                retries=stats.retries,
                failures=stats.failures,
                served=served.requests,
                faults_injected=served.faults_injected,
                faults_by_kind=dict(sorted(served.faults.items())),
                retries_without_fault=stats.retries - served.faults_injected,
                most_attempts_for_one_id=max(served.by_path.values()),
                wall_seconds=round(elapsed, 2),
                # Each "429" fault says Retry-After: 1, and the whole client waits it out (at most this long).
                shared_pause_seconds_at_most=served.faults["429"] * 1.0,
            )
            assert not errors, f"{len(errors)} requests failed, first: {errors[:3]!r}"
            assert len(movies) == FAULT_REQUESTS
            assert [movie.id for movie in movies] == ids, "a request returned another request's movie"
            assert Counter(movie.id for movie in movies) == Counter(ids)
            # Every kind was injected, "slow" included: timeouts were met and retried, not raised.
            assert set(served.faults) == set(TRANSIENT_FAULTS)
            # Nothing lost, nothing duplicated: each attempt the client counted reached the fake once.
            assert stats.requests == FAULT_REQUESTS
            assert served.requests == stats.attempts == stats.requests + stats.retries
            assert sum(served.by_path.values()) == served.requests
            assert set(served.by_path) == {MOVIE_PATH.format(ident) for ident in ids}
            # Retries stay within max_retries, in total and for every single request.
            assert stats.attempts <= FAULT_REQUESTS * (FAULT_MAX_RETRIES + 1)
            over = {path: count for path, count in served.by_path.items() if count > FAULT_MAX_RETRIES + 1}
            assert not over, f"requests past max_retries + 1 attempts: {over}"
            assert stats.failures == 0
            # Each injected fault costs one retry (none was the last attempt): retries >= faults.
            assert stats.retries >= served.faults_injected

    await bounded(scenario(), 60)


# -- 2. and 3. a server that allows 100 requests per second ------------------------------------------------------


class ClientClock:
    """The client's clock and sleep in scenarios 2 and 3, read by the fake too: time moves only when the client sleeps.

    A sleep of `seconds` from moment t moves the clock to t + seconds (or leaves it where it is, when
    another sleep already took it further: the callers waiting out one pause all wake at its end).
    Before it moves, every request the client has started (`tmdb.stats.attempts`, counted as its
    limiter lets it start) has reached the fake (`fake.stats.requests`): each request reaches the fake
    at the moment the client started it, however slow the machine is, so what the fake counts per
    second depends on the client's pacing and pauses alone.
    """

    def __init__(self, fake: FakeTMDB) -> None:
        self.now = 0.0
        self.arrivals: list[float] = []  # the moment of every request the fake counted
        self._fake = fake
        self._client: TMDB | None = None
        fake.app.clock = self._arrival  # the fake's 100-per-second windows read this clock

    def pacing(self, tmdb: TMDB) -> None:
        self._client = tmdb

    def monotonic(self) -> float:
        return self.now

    def _arrival(self) -> float:
        self.arrivals.append(self.now)
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert self._client is not None
        until = self.now + seconds
        for _ in range(CATCH_UP_TURNS):
            if self._fake.stats.requests >= self._client.stats.attempts:
                break
            await asyncio.sleep(0)
        else:
            raise AssertionError("a started request never reached the fake")
        self.now = max(self.now, until)


CATCH_UP_TURNS = 1_000_000  # turns of the event loop a started request may take to reach the fake


def most_in_one_second(moments: list[float]) -> int:
    """The most moments in any one-second span [t, t + 1)."""
    ordered = sorted(moments)
    return max((bisect.bisect_left(ordered, moment + 1.0) - index for index, moment in enumerate(ordered)), default=0)


SERVER_RATE = 100
UNPACED_REQUESTS = 600  # 100 per one-second window: 5 full windows and part of a sixth, 5-6 s
PACED_REQUESTS = 450  # 450 starts at 90/s: 5 s


async def test_unpaced_client_completes_through_429s_without_rate_limit_error(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        ids = list(range(200_001, 200_001 + UNPACED_REQUESTS))
        async with FakeTMDB(credentials=(SECRET_TOKEN,), requests_per_second=SERVER_RATE) as fake:
            clock = ClientClock(fake)
            monkeypatch.setattr(TMDB, "_timing", Timing(monotonic=clock.monotonic, sleep=clock.sleep))
            # Each 429 costs one retry; 10 is far above the 2-3 attempts per request seen at most.
            async with client(fake, max_concurrency=20, requests_per_second=None, max_retries=10) as tmdb:
                clock.pacing(tmdb)
                movies, errors, elapsed = await details_of_all(tmdb, ids)
            per_second = Counter(math.floor(moment) for moment in clock.arrivals)
            report(
                "2 unpaced client vs 100 req/s server",
                requests=tmdb.stats.requests,
                attempts=tmdb.stats.attempts,
                retries=tmdb.stats.retries,
                rate_limited_429=fake.stats.rate_limited,
                rate_limit_errors=sum(isinstance(error, RateLimitError) for error in errors),
                most_attempts_for_one_id=max(fake.stats.by_path.values()),
                attempts_per_second=dict(sorted(per_second.items())),
                rate_per_second=round(UNPACED_REQUESTS / len(per_second), 1),
                wall_seconds=round(elapsed, 2),
            )
            assert not [error for error in errors if isinstance(error, RateLimitError)], "RateLimitError raised"
            assert not errors, f"{len(errors)} requests failed, first: {errors[:3]!r}"
            assert [movie.id for movie in movies] == ids
            assert fake.stats.requests == tmdb.stats.attempts
            assert tmdb.stats.retries == fake.stats.rate_limited, "a retry that no 429 asked for"
            # Counted on the client's clock: 600 answers at 100 per second are six seconds, each of
            # which the client used whole (100 answered, the rest 429) by waiting out each pause and no more.
            assert len(clock.arrivals) == fake.stats.requests
            assert sorted(per_second) == [0, 1, 2, 3, 4, 5]
            assert all(count >= SERVER_RATE for count in per_second.values()), per_second

    await bounded(scenario(), 20)


async def test_client_paced_at_90_per_second_meets_no_429(monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> None:
        ids = list(range(300_001, 300_001 + PACED_REQUESTS))
        async with FakeTMDB(credentials=(SECRET_TOKEN,), requests_per_second=SERVER_RATE) as fake:
            clock = ClientClock(fake)
            monkeypatch.setattr(TMDB, "_timing", Timing(monotonic=clock.monotonic, sleep=clock.sleep))
            async with client(fake, max_concurrency=20, requests_per_second=90) as tmdb:
                clock.pacing(tmdb)
                movies, errors, elapsed = await details_of_all(tmdb, ids)
            per_second = Counter(math.floor(moment) for moment in clock.arrivals)
            span = clock.arrivals[-1] - clock.arrivals[0] if clock.arrivals else 0.0
            report(
                "3 client at 90 req/s vs 100 req/s server",
                requests=tmdb.stats.requests,
                attempts=tmdb.stats.attempts,
                retries=tmdb.stats.retries,
                rate_limited_429=fake.stats.rate_limited,
                starts_per_second=dict(sorted(per_second.items())),
                most_in_one_second=most_in_one_second(clock.arrivals),
                paced_seconds=round(span, 3),
                wall_seconds=round(elapsed, 2),
            )
            assert not errors, f"{len(errors)} requests failed, first: {errors[:3]!r}"
            assert [movie.id for movie in movies] == ids
            assert fake.stats.rate_limited == 0
            assert tmdb.stats.retries == 0
            # Counted on the paced clock: 450 starts at 90/s are five seconds of 90 starts each (one may
            # cross a second's edge by float rounding), never more than 91 in any one second, 449 gaps of 1/90 s.
            assert len(clock.arrivals) == fake.stats.requests == PACED_REQUESTS
            assert sorted(per_second) == [0, 1, 2, 3, 4]
            assert all(89 <= count <= 91 for count in per_second.values()), per_second
            assert most_in_one_second(clock.arrivals) <= 91
            assert span == pytest.approx((PACED_REQUESTS - 1) / 90)

    await bounded(scenario(), 20)


# -- 4. the CLI killed and restarted -----------------------------------------------------------------------------
CLI_IDS = 1_000


def output_state(path: Path) -> tuple[int, bool]:
    """(complete lines, whether a partial last line is left)."""
    data = path.read_bytes() if path.exists() else b""
    return data.count(b"\n"), bool(data) and not data.endswith(b"\n")


def parsed_output(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def half_line_appended(path: Path, ids: list[int]) -> int:
    """What a kill in the middle of a write leaves: half the line of an id not yet written. The id."""
    done = {entry["id"] for entry in parsed_output(path)}
    ident = next(ident for ident in ids if ident not in done)
    line = json.dumps({"id": ident, "result": {"id": ident, "title": "Half a line"}})
    with path.open("a", encoding="utf-8") as out:
        out.write(line[: len(line) // 2])
    return ident


async def test_cli_fetch_killed_twice_and_restarted_writes_every_id_exactly_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        ids = random.Random(4).sample(range(1, 5_000_000), CLI_IDS)
        ids_path, out = tmp_path / "ids.txt", tmp_path / "out.jsonl"
        write_ids(ids_path, ids)
        async with FakeTMDB(credentials=None) as fake:
            args = [
                "--base-url", fake.base_url, "--requests-per-second", "0",
                "fetch", "movies.details", "--ids", str(ids_path), "--out", str(out), "--no-progress",
            ]  # fmt: skip
            env = cli_environment(TMDB_ACCESS_TOKEN=SECRET_TOKEN)
            # Kill 1: right after the first answer lands; kill 2: a few hundred lines later.
            first = await run_cli(args, workdir=tmp_path, name="run1", env=env, kill_when_lines=(out, 1))
            after_first = output_state(out)
            second = await run_cli(
                args, workdir=tmp_path, name="run2", env=env, kill_when_lines=(out, after_first[0] + 300)
            )
            after_second = output_state(out)
            # A SIGKILL rarely lands inside a write (each line is one small flushed write): when it did not,
            # leave the half line it would have left, which the restart must cut off and fetch again.
            half_line_id = None if after_second[1] else half_line_appended(out, ids)
            last = await run_cli(args, workdir=tmp_path, name="run3", env=env)
            entries = parsed_output(out)
            requested_twice = sum(1 for count in fake.stats.by_path.values() if count > 1)
            report(
                "4 CLI fetch killed and restarted",
                ids=CLI_IDS,
                run1_exit=first.returncode,
                run1_lines_at_kill=first.lines_at_kill,
                run1_lines_after_kill=after_first[0],
                run1_partial_line_left=after_first[1],
                run2_exit=second.returncode,
                run2_lines_at_kill=second.lines_at_kill,
                run2_lines_after_kill=after_second[0],
                run2_partial_line_left=after_second[1],
                half_line_appended_for_id=half_line_id,
                run3_exit=last.returncode,
                run3_summary=last.stderr.strip().splitlines()[-1:],
                served=fake.stats.requests,
                ids_requested_more_than_once=requested_twice,
                seconds=[round(run.seconds, 2) for run in (first, second, last)],
            )
            assert first.returncode == -signal.SIGKILL, f"run 1 was not killed mid-run: {first}"
            assert second.returncode == -signal.SIGKILL, f"run 2 was not killed mid-run: {second}"
            assert after_first[0] < after_second[0] < CLI_IDS, "a kill came after the end of the fetch"
            assert last.returncode == 0, last.stderr
            assert all(entry["result"]["id"] == entry["id"] for entry in entries)
            assert Counter(entry["id"] for entry in entries) == Counter(ids), "an id is missing or duplicated"
            assert set(fake.stats.by_path) == {MOVIE_PATH.format(ident) for ident in ids}
            assert not read_text(out.with_name(out.name + ".failed.jsonl")), "a fetch failed"

    await bounded(scenario(), 60)


# -- 5. permanent errors -----------------------------------------------------------------------------------------
TOO_MANY_APPENDED = ",".join(["credits", "videos", "images"] * 7)  # 21 names: TMDB answers 400 (code 27)


async def test_permanent_errors_are_not_retried() -> None:
    async def scenario() -> None:
        missing = list(range(400_001, 400_021))
        async with (
            FakeTMDB(credentials=("someone-else",)) as refusing,
            client(refusing, max_retries=5) as wrong_token,
            client(refusing, api_key=SECRET_KEY, max_retries=5) as wrong_key,
        ):
            for number, tmdb in enumerate((wrong_token, wrong_key), start=1):
                error = await raised(tmdb.movies.details(550), AuthenticationError)
                assert (error.status_code, error.tmdb_status_code) == (401, 7)
                assert refusing.stats.by_path[MOVIE_PATH.format(550)] == number, "a 401 was retried"
            assert wrong_token.stats.retries == wrong_key.stats.retries == 0
        async with (
            FakeTMDB(credentials=(SECRET_TOKEN,), missing_ids=set(missing)) as fake,
            client(fake, max_retries=5) as tmdb,
        ):
            errors = await asyncio.gather(*(raised(tmdb.movies.details(ident), NotFoundError) for ident in missing))
            assert {(error.status_code, error.tmdb_status_code) for error in errors} == {(404, 34)}
            assert [fake.stats.by_path[MOVIE_PATH.format(ident)] for ident in missing] == [1] * len(missing), (
                "a 404 was retried"
            )
            bad = await raised(tmdb.movies.details(550, append_to_response=TOO_MANY_APPENDED), BadRequestError)
            assert (bad.status_code, bad.tmdb_status_code) == (400, 27)
            assert fake.stats.by_path[MOVIE_PATH.format(550)] == 1, "a 400 was retried"
            assert fake.stats.requests == len(missing) + 1
            assert (tmdb.stats.retries, tmdb.stats.failures) == (0, len(missing) + 1)
            report(
                "5 permanent errors",
                calls_401=2,
                served_401=refusing.stats.requests,
                calls_404=len(missing),
                calls_400=1,
                served_404_400=fake.stats.requests,
                retries=tmdb.stats.retries + wrong_token.stats.retries + wrong_key.stats.retries,
            )

    await bounded(scenario(), 15)


# -- 6. hostile bodies -------------------------------------------------------------------------------------------
async def test_hostile_bodies_raise_typed_errors_and_the_client_keeps_working() -> None:
    async def scenario() -> None:
        async with (
            FakeTMDB(credentials=(SECRET_TOKEN,)) as fake,
            client(fake, max_retries=0, timeout=5) as tmdb,
        ):
            fake.fail(MOVIE_PATH.format(501), "invalid_json")
            fake.fail(MOVIE_PATH.format(502), "502_html")
            fake.fail(MOVIE_PATH.format(503), "truncate")
            invalid = await raised(tmdb.movies.details(501), ResponseValidationError)
            html = await raised(tmdb.movies.details(502), ServerError)
            truncated = await raised(tmdb.movies.details(503), APIConnectionError)

            assert invalid.status_code == 200
            assert invalid.body == b'{"id": 550, "title": "Fight'
            assert (html.status_code, html.tmdb_status_code) == (502, None)
            assert html.body.startswith(b"<html>")
            assert b"502 Bad Gateway" in html.body
            assert "502 Bad Gateway" in html.status_message
            assert "RemoteProtocolError" in str(truncated)
            for ident in (501, 502, 503):
                assert fake.stats.by_path[MOVIE_PATH.format(ident)] == 1

            more = [*range(600_001, 600_021)]
            movies = await asyncio.gather(*(tmdb.movies.details(ident) for ident in more))
            assert [movie.id for movie in movies] == more
            again = await asyncio.gather(*(tmdb.movies.details(ident) for ident in (501, 502, 503)))
            assert [movie.id for movie in again] == [501, 502, 503]
            report(
                "6 hostile bodies",
                invalid_json=type(invalid).__name__,
                html_502=type(html).__name__,
                truncate=type(truncated).__name__,
                then_fetched=len(movies) + len(again),
                served=fake.stats.requests,
                faults_by_kind=dict(fake.stats.faults),
            )

    await bounded(scenario(), 15)


# -- 7. no credential in anything shown --------------------------------------------------------------------------
# Transient faults, each injected once on its own movie: the retry is logged, then the movie comes. No "429":
# its Retry-After of 1 s would pause the client for a second and show nothing more.
LEAK_FAULTS = ("500", "503_html", "reset", "close", "truncate", "slow")
ONE_SHOT_ERRORS: tuple[tuple[str, type[Exception]], ...] = (
    ("503", ServerError),
    ("reset", APIConnectionError),
    ("slow", APITimeoutError),
    ("invalid_json", ResponseValidationError),
)


def faults_planned(fake: FakeTMDB, first_id: int) -> list[int]:
    """Plan each of LEAK_FAULTS once on its own movie, from `first_id` on; the ids."""
    ids = list(range(first_id, first_id + len(LEAK_FAULTS)))
    for ident, kind in zip(ids, LEAK_FAULTS, strict=True):
        fake.fail(MOVIE_PATH.format(ident), kind)
    return ids


async def test_no_credential_appears_in_logs_errors_or_cli_output(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def in_process() -> int:
        async with FakeTMDB(credentials=(SECRET_TOKEN, SECRET_KEY), slow_seconds=0.5, missing_ids={404}) as fake:
            credentials: list[dict[str, str]] = [{"access_token": SECRET_TOKEN}, {"api_key": SECRET_KEY}]
            for number, credential in enumerate(credentials):
                async with client(fake, timeout=httpx.Timeout(0.3, connect=10.0), max_retries=3, **credential) as tmdb:
                    SHOWN.extend([repr(tmdb), str(tmdb)])
                    retried = faults_planned(fake, 700_001 + 100 * number)
                    movies = await asyncio.gather(*(tmdb.movies.details(ident) for ident in retried))
                    assert [movie.id for movie in movies] == retried
                    await raised(tmdb.movies.details(404), NotFoundError)
                    once = tmdb.with_options(max_retries=0)
                    for kind, expected in ONE_SHOT_ERRORS:
                        before = fake.stats.by_path[MOVIE_PATH.format(777)]
                        fake.fail(MOVIE_PATH.format(777), kind)
                        await raised(once.movies.details(777), expected)
                        assert fake.stats.by_path[MOVIE_PATH.format(777)] == before + 1, f"{kind} was retried"
            async with client(fake, access_token=SECRET_TOKEN + "-revoked") as revoked:
                await raised(revoked.movies.details(550), AuthenticationError)
            async with client(fake, api_key=SECRET_KEY + "-revoked") as revoked:
                await raised(revoked.movies.details(550), AuthenticationError)
            return fake.stats.faults_injected

    async def command_line() -> tuple[dict[str, CliRun], int]:
        ids_path, out = tmp_path / "ids.txt", tmp_path / "out.jsonl"
        async with (
            FakeTMDB(credentials=None, slow_seconds=0.5, missing_ids={404}) as fake,
            FakeTMDB(credentials=("someone-else",)) as refusing,
        ):
            write_ids(ids_path, [*faults_planned(fake, 800_001), *range(800_101, 800_121), 404])
            token_env = cli_environment(TMDB_ACCESS_TOKEN=SECRET_TOKEN)
            key_env = cli_environment(TMDB_API_KEY=SECRET_KEY)
            fetch = ["fetch", "movies.details", "--ids", str(ids_path), "--no-progress"]
            commands: dict[str, tuple[list[str], dict[str, str]]] = {
                # Retries logged; id 404 goes to the failed file with its message.
                "fetch": ([fake.base_url, *fetch, "--out", str(out)], token_env),
                "get_404_api_key": ([fake.base_url, "get", "movies.details", "404"], key_env),
                "get_401": ([refusing.base_url, "get", "movies.details", "550"], token_env),
                # The discouraged option still works (with a warning that does not show the key).
                "fetch_401_api_key_option": (
                    [refusing.base_url, "--api-key", SECRET_KEY, *fetch, "--out", str(tmp_path / "refused.jsonl")],
                    cli_environment(),
                ),
            }
            done = await asyncio.gather(
                *(
                    run_cli(["--verbose", "--base-url", *args], workdir=tmp_path, name=name, env=env)
                    for name, (args, env) in commands.items()
                ),
                return_exceptions=True,
            )
            runs: dict[str, CliRun] = {}
            for name, run in zip(commands, done, strict=True):
                if isinstance(run, BaseException):
                    raise run
                runs[name] = run
            faults = fake.stats.faults_injected
        SHOWN.extend([read_text(out), read_text(out.with_name(out.name + ".failed.jsonl"))])
        return runs, faults

    in_process_faults = await bounded(in_process(), 20)
    runs, cli_faults = await bounded(command_line(), 30)
    fetched = len(LEAK_FAULTS) + 20
    assert runs["fetch"].returncode == 1, runs["fetch"].stderr[-2000:]  # id 404 failed, the others not
    assert f"fetched {fetched} of {fetched + 1} ids" in runs["fetch"].stderr
    assert "retrying in" in runs["fetch"].stderr
    assert runs["get_404_api_key"].returncode == 1
    assert "NotFoundError" in runs["get_404_api_key"].stderr
    assert runs["get_401"].returncode == runs["fetch_401_api_key_option"].returncode == 1
    assert "AuthenticationError" in runs["get_401"].stderr
    assert "AuthenticationError" in runs["fetch_401_api_key_option"].stderr
    for run in runs.values():
        # --verbose worked: the client's attempts were logged (the network layer is aiohttp,
        # which logs nothing per request; httpx's INFO line below shows each answer).
        assert "DEBUG tmdb_async:" in run.stderr
    assert "INFO httpx: HTTP Request: GET" in runs["fetch"].stderr  # httpx logs the answers it hands back

    records = caplog.records  # this test's records so far (the fixture adds them to SHOWN at teardown)
    texts = [*SHOWN, *map(LOG_FORMAT.format, records)]
    loggers = LOGGERS_SEEN + Counter(record.name.split(".")[0] for record in records)
    report(
        "7 credential leaks",
        in_process_faults=in_process_faults,
        cli_faults=cli_faults,
        cli_exits={name: run.returncode for name, run in runs.items()},
        cli_seconds={name: round(run.seconds, 2) for name, run in runs.items()},
        texts_checked=len(texts),
        characters_checked=sum(map(len, texts)),
        log_records_by_logger=dict(loggers),
    )
    # The capture saw what it should: the client's attempts and httpx's requests.
    assert {"tmdb_async", "httpx"} <= set(loggers)  # aiohttp, the network layer, logs nothing per request
    assert any("retrying in" in text for text in texts)
    leaks = [(secret, text[:300]) for text in texts for secret in SECRETS if secret in text]
    assert not leaks, f"{len(leaks)} texts show a credential, first: {leaks[:3]}"
