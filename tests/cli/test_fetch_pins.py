"""`tmdb-async fetch` behaviours no other test pinned (found by mutation testing, issue 14).

Which failures are permanent (a table of every failure kind), reruns over several permanent
failures, a suspended key stopping the run, nested output folders, what an ids file may hold,
the exact summary line, the progress display on a terminal, and the number of calls in flight.
Some tests call `run_fetch` with a mocked client; the others run the command in-process with `--fake`.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import threading
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import run

import tmdb_async._fetch
from tmdb_async import (
    TMDB,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TMDBError,
)
from tmdb_async._fetch import FetchError, read_ids, run_fetch

from support import official

ABOVE_MAX_ID = 10_000_001  # the embedded fake's max_id is 10_000_000
MOVIE = official("movies.details")


def fetch_argv(ids: Path, out: Path, *extra: str) -> list[str]:
    return ["--fake", "fetch", "movies.details", "--ids", str(ids), "--out", str(out), *extra]


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def api_error(cls: type[APIError], status: int, code: int | None) -> APIError:
    return cls(status, tmdb_status_code=code, status_message="m", method="GET", url="https://api.test/3/movie/1")


# Every kind of failure a call can end in, and whether asking again can give another answer.
FAILURES: list[tuple[Callable[[], TMDBError], bool]] = [
    (lambda: api_error(NotFoundError, 404, 34), True),
    (lambda: api_error(BadRequestError, 400, 22), True),
    (lambda: api_error(BadRequestError, 422, 20), True),
    (lambda: api_error(PermissionDeniedError, 403, 45), True),
    (lambda: api_error(ServerError, 503, 9), False),
    (lambda: api_error(ServerError, 500, None), False),
    (lambda: RateLimitError(429, retry_after=120.0, tmdb_status_code=25, status_message="m", method="GET", url="u"),
     False),
    (lambda: api_error(APIError, 418, None), False),
    (lambda: APIConnectionError("ConnectError: refused", method="GET", url="u"), False),
    (lambda: APITimeoutError("ReadTimeout: no answer in time", method="GET", url="u"), False),
    # Not the documented JSON: permanent (issue 9: a poison answer is filed once, not refetched forever).
    (lambda: ResponseValidationError("not JSON", status_code=200, method="GET", url="u", body=b"<html>"), True),
]  # fmt: skip
FAILURE_IDS = [f"{make().__class__.__name__}-{n}" for n, (make, _) in enumerate(FAILURES)]


class Calls:
    """A fake fetch method: raises `errors[id]` or answers a movie; records the ids asked and the calls in flight."""

    def __init__(self, errors: dict[int, TMDBError]) -> None:
        self.errors = errors
        self.asked: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def __call__(self, ident: int, **kwargs: Any) -> Any:
        self.asked.append(ident)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let the other workers start theirs
            if ident in self.errors:
                raise self.errors[ident]
            return types.SimpleNamespace(to_dict=lambda: {"id": ident, **kwargs})
        finally:
            self.in_flight -= 1


def mocked_tmdb(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> TMDB:
    return TMDB(access_token="t", transport=httpx.MockTransport(handler), requests_per_second=None, **options)


async def fetch(tmp_path: Path, tmdb: TMDB, method: Any, ids: Sequence[int]) -> tmdb_async._fetch.FetchSummary:
    ids_path = tmp_path / "ids.txt"
    ids_path.write_text("".join(f"{ident}\n" for ident in ids), encoding="utf-8")
    return await run_fetch(
        tmdb,
        method,
        ids_path=ids_path,
        out_path=tmp_path / "out.jsonl",
        failed_path=tmp_path / "failed.jsonl",
        kwargs={},
        progress=False,
    )


# -- permanent and transient failures ------------------------------------------------------


@pytest.mark.parametrize(("make_error", "permanent"), FAILURES, ids=FAILURE_IDS)
async def test_each_failure_kind_is_filed_as_permanent_or_transient_and_reruns_follow_it(
    tmp_path: Path, make_error: Callable[[], TMDBError], permanent: bool
) -> None:
    error = make_error()
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        first = Calls({7: error})
        summary = await fetch(tmp_path, tmdb, first, [5, 7])
        second = Calls({})
        again = await fetch(tmp_path, tmdb, second, [5, 7])

    expected: dict[str, Any] = {"id": 7, "error": type(error).__name__, "message": str(error)}
    if isinstance(error, APIError):
        expected.update(status_code=error.status_code, tmdb_status_code=error.tmdb_status_code)
    expected["permanent"] = permanent
    assert (summary.fetched, summary.failed) == (1, 1)
    assert second.asked == ([] if permanent else [7])
    assert (again.already_done, again.skipped_failed) == ((1, 1) if permanent else (1, 0))
    assert lines(tmp_path / "failed.jsonl") == ([expected] if permanent else [])


def test_two_permanent_failures_survive_two_reruns_byte_for_byte(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(f"550\n{ABOVE_MAX_ID}\n{ABOVE_MAX_ID + 1}\n{ABOVE_MAX_ID + 2}\n", encoding="utf-8")
    out = tmp_path / "movies.jsonl"
    failed = tmp_path / "movies.jsonl.failed.jsonl"

    assert run(fetch_argv(ids, out, "--no-progress")) == 1
    after_first = failed.read_bytes()
    assert run(fetch_argv(ids, out, "--no-progress")) == 0
    assert run(fetch_argv(ids, out, "--no-progress")) == 0

    assert failed.read_bytes() == after_first
    assert sorted(entry["id"] for entry in lines(failed)) == [ABOVE_MAX_ID, ABOVE_MAX_ID + 1, ABOVE_MAX_ID + 2]
    assert [entry["id"] for entry in lines(out)] == [550]


async def test_a_suspended_key_stops_the_fetch_instead_of_filing_ids_as_missing(tmp_path: Path) -> None:
    asked: list[str] = []

    def suspended_on_the_first_call(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if len(asked) == 1:
            body = {"success": False, "status_code": 10, "status_message": "Suspended API key."}
            return httpx.Response(401, json=body)
        return httpx.Response(200, json=MOVIE)

    async with mocked_tmdb(suspended_on_the_first_call, max_concurrency=2) as tmdb:
        summary = await fetch(tmp_path, tmdb, tmdb.movies.details, list(range(1, 41)))

    assert isinstance(summary.fatal, AuthenticationError)
    assert summary.fatal.tmdb_status_code == 10
    assert summary.failed == 0
    assert (tmp_path / "failed.jsonl").read_text(encoding="utf-8") == ""
    # Stopped: only the call already in flight on the other worker finished, not the other 39.
    assert summary.fetched <= 1
    assert len(asked) <= 2


@pytest.mark.parametrize("max_concurrency", [1, 3])
async def test_no_more_calls_are_in_flight_than_the_clients_max_concurrency(
    tmp_path: Path, max_concurrency: int
) -> None:
    calls = Calls({})
    async with mocked_tmdb(lambda request: httpx.Response(500), max_concurrency=max_concurrency) as tmdb:
        summary = await fetch(tmp_path, tmdb, calls, list(range(1, 11)))

    assert summary.fetched == 10
    assert calls.max_in_flight == max_concurrency
    assert sorted(calls.asked) == list(range(1, 11))


def offline_once_per_path() -> Callable[[httpx.Request], httpx.Response]:
    """A mock TMDB that answers each path 503 the first time it is asked, then the movie."""
    attempts: dict[str, int] = {}

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts[request.url.path] = attempts.get(request.url.path, 0) + 1
        if attempts[request.url.path] == 1:
            return httpx.Response(503, json={"success": False, "status_code": 9, "status_message": "offline"})
        return httpx.Response(200, json=MOVIE)

    return flaky


@pytest.mark.looptime
async def test_the_summary_counts_only_the_retries_of_this_fetch(tmp_path: Path) -> None:
    flaky = offline_once_per_path()
    async with mocked_tmdb(flaky) as tmdb:
        await tmdb.movies.details(99)  # one retry before the fetch
        summary = await fetch(tmp_path, tmdb, tmdb.movies.details, [1, 2, 3])

    assert tmdb.stats.retries == 4
    assert (summary.fetched, summary.retries) == (3, 3)


# -- files ---------------------------------------------------------------------------------


def test_out_and_failed_may_be_in_folders_that_do_not_exist_yet(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(f"550\n{ABOVE_MAX_ID}\n", encoding="utf-8")
    out = tmp_path / "new" / "nested" / "movies.jsonl"
    failed = tmp_path / "other" / "deeper" / "failed.jsonl"

    assert run(fetch_argv(ids, out, "--no-progress", "--failed", str(failed))) == 1

    assert [entry["id"] for entry in lines(out)] == [550]
    assert [entry["id"] for entry in lines(failed)] == [ABOVE_MAX_ID]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\n", [1]),
        ("550 # a comment # with two hashes\n", [550]),
        ("# only a comment\n\n   \n7\n", [7]),
        ("  42  \n42\n", [42]),
        ("3\n1\n2\n1\n", [3, 1, 2]),
        ("1234567890123456789\n", [1234567890123456789]),  # 19 digits: the longest id taken
        ("7" + " " * 4094 + "\n", [7]),  # a line of exactly MAX_IDS_LINE characters
    ],
)
def test_ids_file_lines_that_are_accepted(tmp_path: Path, text: str, expected: list[int]) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(text, encoding="utf-8")

    assert read_ids(path) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0\n", "'0'"),
        ("-1\n", "'-1'"),
        ("1.5\n", "'1.5'"),
        ("\u0663\n", "'\u0663'"),
        ("5\nabc # x\n", "'abc'"),
        ("x" * 50 + "\n", repr("x" * 40)),
        ("12345678901234567890\n", "'12345678901234567890'"),  # 20 digits
    ],
)
def test_ids_file_lines_that_are_refused_name_the_line(tmp_path: Path, text: str, shown: str) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(text, encoding="utf-8")
    number = text.count("\n")

    with pytest.raises(FetchError) as caught:
        read_ids(path)

    assert str(caught.value) == f"{path}:{number}: {shown} is not a TMDB id (a whole number >= 1 on each line)"


def test_a_line_longer_than_the_limit_is_refused_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("1\n" + "7" + " " * 4095 + "\n", encoding="utf-8")

    with pytest.raises(FetchError) as caught:
        read_ids(path)

    assert str(caught.value) == f"{path}:2: the line is longer than 4096 characters; not an id"


def test_a_line_too_long_is_refused_before_the_rest_of_it_is_read(tmp_path: Path) -> None:
    # A pipe that gives 5,000 digits and no newline, and stays open: reading the whole line would
    # wait for its writer; the refusal must come from the first MAX_IDS_LINE + 1 bytes alone.
    pipe = tmp_path / "ids.fifo"
    os.mkfifo(pipe)
    refused = threading.Event()
    still_open_when_refused: list[bool] = []

    def writer() -> None:
        with pipe.open("wb") as stream:
            stream.write(b"7" * 5000)
            stream.flush()
            still_open_when_refused.append(refused.wait(10.0))  # bounded: a reader that waits gets the end

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with pytest.raises(FetchError, match=r":1: the line is longer than 4096 characters; not an id$"):
            read_ids(pipe)
    finally:
        refused.set()
        thread.join()

    assert still_open_when_refused == [True]


def test_a_binary_ids_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.png"
    ids.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")

    status = run(fetch_argv(ids, tmp_path / "out.jsonl", "--no-progress"))

    err = capsys.readouterr().err
    assert status == 2
    assert err == f"tmdb-async: error: {ids} is not a text file of ids (one whole number per line)\n"


# -- what is shown -------------------------------------------------------------------------


@pytest.fixture
def fetch_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[float]], None]:
    """`set_clock([t0, t1, ...])`: fetch's perf_counter answers these in turn, then the last one forever."""

    def set_clock(times: list[float]) -> None:
        readings = iter(times)

        def perf_counter() -> float:
            return next(readings, times[-1])

        monkeypatch.setattr(tmdb_async._fetch, "time", types.SimpleNamespace(perf_counter=perf_counter))

    return set_clock


def test_the_summary_line_of_a_first_run_and_of_a_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fetch_clock: Callable[[list[float]], None]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(
        "".join(f"{550 + n}\n" for n in range(8)) + f"{ABOVE_MAX_ID}\n{ABOVE_MAX_ID + 1}\n", encoding="utf-8"
    )
    out = tmp_path / "movies.jsonl"

    fetch_clock([100.0, 104.0])
    assert run(fetch_argv(ids, out, "--no-progress")) == 1
    first = capsys.readouterr().err
    fetch_clock([100.0, 100.5])
    assert run(fetch_argv(ids, out, "--no-progress")) == 0
    rerun = capsys.readouterr().err

    failed = f"{out}.failed.jsonl"
    assert first == f"fetched 8 of 10 ids into {out}; 2 failed (reasons in {failed}); 0 retries, 4.0 s, 2 ids/s\n"
    assert rerun == (
        f"fetched 0 of 10 ids into {out}; 8 were already there; 2 skipped as failed before; 0 retries, 0.5 s, 0 ids/s\n"
    )


ANSI = r"\x1b\[[0-9;?]*[A-Za-z]"  # colours, cursor moves


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, as when fetch runs in a shell."""

    def isatty(self) -> bool:
        return True


def final_frame(shown: str) -> str:
    """The last state of rich's progress line, without its colours."""
    plain = re.sub(ANSI, "", shown)
    return plain.rsplit("\r", 1)[-1].split("\n", 1)[0]


def test_on_a_terminal_fetch_shows_a_progress_line_and_still_writes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fetch_clock: Callable[[list[float]], None]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text(f"550\n551\n552\n{ABOVE_MAX_ID}\n", encoding="utf-8")
    out = tmp_path / "movies.jsonl"
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    fetch_clock([100.0, 100.0, 100.5])  # fetch starts, the display starts, then half a second later for good

    status = run(fetch_argv(ids, out))

    shown = terminal.getvalue()
    frame = final_frame(shown)
    assert status == 1
    assert sorted(entry["id"] for entry in lines(out)) == [550, 551, 552]
    match = PROGRESS_FRAME.match(frame)
    assert match is not None, frame
    assert match.groups() == ("4", "4", "8", "0", "1")  # 4 of 4 finished in 0.5 s, 1 failed
    frames = [PROGRESS_FRAME.match(frame) for frame in re.sub(ANSI, "", shown).split("\r")]
    first = next(frame for frame in frames if frame is not None)
    assert first.groups() == ("0", "4", "0", "0", "0")  # shown as the task is added, before any answer
    assert "\nfetched 3 of 4" in re.sub(ANSI, "", shown)  # the display ended its line before the summary
    assert shown.endswith(f"fetched 3 of 4 ids into {out}; 1 failed (reasons in {out}.failed.jsonl); "
                          "0 retries, 0.5 s, 6 ids/s\n")  # fmt: skip


def test_with_no_progress_a_terminal_shows_only_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("550\n", encoding="utf-8")
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    assert run(fetch_argv(ids, tmp_path / "out.jsonl", "--no-progress")) == 0

    assert terminal.getvalue().startswith("fetched 1 of 1 ids")


def test_without_a_terminal_fetch_shows_only_the_summary_even_without_no_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("550\n551\n", encoding="utf-8")

    assert run(fetch_argv(ids, tmp_path / "out.jsonl")) == 0

    err = capsys.readouterr().err
    assert err.startswith("fetched 2 of 2 ids")
    assert len(err.splitlines()) == 1


def test_the_progress_display_does_nothing_when_off() -> None:
    display = tmdb_async._fetch._Display(False, 3)
    with display:
        display.update(tmdb_async._fetch.FetchSummary(total=3, already_done=0, skipped_failed=0), 0)

    assert display._progress is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, "fetched 0 of 0 ids into o.jsonl; 0 retries, 0.0 s, 0 ids/s"),
        ({"total": 9, "fetched": 9, "seconds": 3.0, "retries": 4},
         "fetched 9 of 9 ids into o.jsonl; 4 retries, 3.0 s, 3 ids/s"),
        ({"total": 9, "already_done": 2, "skipped_failed": 3, "fetched": 1, "failed": 3, "seconds": 0.25},
         "fetched 1 of 9 ids into o.jsonl; 2 were already there; 3 skipped as failed before; "
         "3 failed (reasons in f.jsonl); 0 retries, 0.2 s, 4 ids/s"),
    ],
)  # fmt: skip
def test_the_summary_line_names_each_count_it_has(counts: dict[str, Any], expected: str) -> None:
    fields: dict[str, Any] = {"total": 0, "already_done": 0, "skipped_failed": 0, **counts}
    summary = tmdb_async._fetch.FetchSummary(**fields, out="o.jsonl", failed_path="f.jsonl")

    assert summary.line() == expected


async def test_an_id_both_in_the_output_and_filed_as_failed_counts_as_done_only(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").write_text('{"id": 7, "result": {}}\n', encoding="utf-8")
    failed = '{"id": 7, "error": "NotFoundError", "message": "m", "permanent": true}\n'
    failed += '{"id": 8, "error": "NotFoundError", "message": "m", "permanent": true}\n'
    (tmp_path / "failed.jsonl").write_text(failed, encoding="utf-8")
    calls = Calls({})
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        summary = await fetch(tmp_path, tmdb, calls, [7, 8, 9])

    assert (summary.total, summary.already_done, summary.skipped_failed, summary.fetched) == (3, 1, 1, 1)
    assert calls.asked == [9]


async def test_each_line_is_flushed_as_its_answer_arrives(tmp_path: Path) -> None:
    seen: list[tuple[str, str]] = []
    errors: dict[int, TMDBError] = {2: api_error(NotFoundError, 404, 34)}

    async def method(ident: int) -> Any:
        seen.append(((tmp_path / "out.jsonl").read_text(), (tmp_path / "failed.jsonl").read_text()))
        if ident in errors:
            raise errors[ident]
        return types.SimpleNamespace(to_dict=lambda: {"title": "Amélie"})

    async with mocked_tmdb(lambda request: httpx.Response(500), max_concurrency=1) as tmdb:
        await fetch(tmp_path, tmdb, method, [1, 2, 3])

    assert seen[1][0] == '{"id": 1, "result": {"title": "Amélie"}}\n'  # as written, not \\u-escaped
    assert seen[2][1].startswith('{"id": 2, "error": "NotFoundError"')


async def test_a_failed_file_that_cannot_be_rewritten_is_a_fetch_error(tmp_path: Path) -> None:
    (tmp_path / "failed.jsonl").write_text('{"id": 8, "error": "E", "message": "m", "permanent": true}\n')
    (tmp_path / "failed.jsonl.tmp").mkdir()  # where the rewrite goes first

    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        with pytest.raises(FetchError) as caught:
            await fetch(tmp_path, tmdb, Calls({}), [8])

    assert str(caught.value) == f"cannot write {tmp_path / 'failed.jsonl'}: Is a directory"


PROGRESS_FRAME = re.compile(r"^fetching \S+ (\d+)/(\d+) +(\d+)/s \d+:\d\d:\d\d ETA \S+ retries (\d+) failed (\d+)$")


@pytest.mark.looptime
async def test_the_progress_line_counts_the_retries_of_this_fetch_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fetch_clock: Callable[[list[float]], None]
) -> None:
    flaky = offline_once_per_path()
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    fetch_clock([100.0])  # no time passes: the rate shown is 0, not a division by zero
    async with mocked_tmdb(flaky) as tmdb:
        await tmdb.movies.details(99)  # one retry before the fetch
        ids_path = tmp_path / "ids.txt"
        ids_path.write_text("1\n2\n3\n", encoding="utf-8")
        await run_fetch(tmdb, tmdb.movies.details, ids_path=ids_path, out_path=tmp_path / "o.jsonl",
                        failed_path=tmp_path / "f.jsonl", kwargs={}, progress=True)  # fmt: skip

    frame = PROGRESS_FRAME.match(final_frame(terminal.getvalue()))
    assert frame is not None, final_frame(terminal.getvalue())
    assert frame.groups() == ("3", "3", "0", "3", "0")


def test_error_messages_of_unreadable_and_unwritable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("550\n", encoding="utf-8")
    (tmp_path / "a-directory").mkdir()
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes\n", encoding="utf-8")
    cases = [
        (fetch_argv(tmp_path / "nope.txt", tmp_path / "o.jsonl"),
         f"cannot read the ids file {tmp_path / 'nope.txt'}: No such file or directory"),
        (fetch_argv(ids, tmp_path / "a-directory"), f"cannot read {tmp_path / 'a-directory'}: Is a directory"),
        (fetch_argv(ids, ids / "o.jsonl"), f"cannot write {ids / 'o.jsonl'}: File exists (creating its lock file)"),
        (fetch_argv(ids, foreign), f"{foreign} holds a line that is not from tmdb-async fetch; use another --out"),
        (fetch_argv(ids, tmp_path / "o.jsonl", "--failed", str(foreign)),
         f"{foreign} holds a line that is not from tmdb-async fetch; use another --failed"),
    ]  # fmt: skip

    for argv, message in cases:
        assert run([*argv, "--no-progress"]) == 2
        assert capsys.readouterr().err == f"tmdb-async: error: {message}\n"


# Runs fetch's file handling in a fresh interpreter whose locale is plain C (ASCII), with
# neither PEP 538 locale coercion nor UTF-8 mode to rescue it.
C_LOCALE_FETCH = """
import asyncio, sys, types
from pathlib import Path
import httpx
from tmdb_async import TMDB
from tmdb_async._fetch import run_fetch

async def method(ident):
    return types.SimpleNamespace(to_dict=lambda: {"title": "Am\\u00e9lie"})

async def main():
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    async with TMDB(access_token="t", transport=transport) as tmdb:
        await run_fetch(tmdb, method, ids_path=Path(sys.argv[1]), out_path=Path(sys.argv[2]),
                        failed_path=Path(sys.argv[3]), kwargs={}, progress=False)

asyncio.run(main())
"""


@pytest.mark.slow
def test_fetch_reads_and_writes_utf8_whatever_the_locale(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("550  # Amélie, in a comment\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}

    done = subprocess.run(
        [sys.executable, "-c", C_LOCALE_FETCH, str(ids), str(out), str(tmp_path / "failed.jsonl")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == '{"id": 550, "result": {"title": "Amélie"}}\n'.encode()


# -- in-process paths: stdout, notices, shards, the lock, distinct files ---------------------


def ids_file(tmp_path: Path, ids: Sequence[int]) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"{ident}\n" for ident in ids), encoding="utf-8")
    return path


async def test_without_out_and_failed_lines_go_to_stdout_and_failures_are_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = Calls({2: api_error(NotFoundError, 404, 34)})
    notices: list[str] = []
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        summary = await run_fetch(
            tmdb,
            calls,
            ids_path=ids_file(tmp_path, [1, 2, 3]),
            out_path=None,
            failed_path=None,
            kwargs={"title": "Amélie"},
            progress=False,
            notice=notices.append,
        )

    out = capsys.readouterr().out
    assert sorted(out.splitlines()) == [
        '{"id": 1, "result": {"id": 1, "title": "Amélie"}}',  # not ASCII-escaped
        '{"id": 3, "result": {"id": 3, "title": "Amélie"}}',
    ]
    assert notices == [f"id 2 failed: NotFoundError: {api_error(NotFoundError, 404, 34)}"]
    assert (summary.out, summary.failed_path, summary.fetched, summary.failed) == ("stdout", "", 2, 1)
    assert "1 failed (reasons above)" in summary.line()
    assert sorted(os.listdir(tmp_path)) == ["ids.txt"]  # no file written, no lock taken


@pytest.mark.parametrize("wait_lock", [False, True])
async def test_a_shard_fetches_its_ids_only_and_the_shards_cover_every_id_once(tmp_path: Path, wait_lock: bool) -> None:
    ids = list(range(1, 21))
    asked: list[list[int]] = []
    for index in (1, 2):
        calls = Calls({})
        async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
            summary = await run_fetch(
                tmdb,
                calls,
                ids_path=ids_file(tmp_path, ids),
                out_path=tmp_path / f"out-{index}.jsonl",
                failed_path=tmp_path / f"failed-{index}.jsonl",
                kwargs={},
                progress=False,
                wait_lock=wait_lock,
                shard=(index, 2),
            )
        asked.append(sorted(calls.asked))
        assert summary.fetched == summary.total == len(calls.asked)
        assert sorted(entry["id"] for entry in lines(tmp_path / f"out-{index}.jsonl")) == sorted(calls.asked)

    assert asked[0] == [1, 2, 4, 5, 6, 7, 8, 10, 11, 16, 17, 19, 20]
    assert sorted(asked[0] + asked[1]) == ids


def test_the_shard_of_an_id_is_the_same_everywhere() -> None:
    # blake2b (8 bytes, big-endian) of the decimal id: these values must never change, or a
    # resumed sharded run would fetch ids another shard already has.
    assert [tmdb_async._fetch.shard_of(ident, 4) for ident in (1, 550, 1399, 10_000_000)] == [3, 3, 4, 4]


async def test_a_fetch_without_wait_lock_refuses_an_output_another_run_holds(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    calls = Calls({})
    with tmdb_async._fetch.output_lock(out, wait=False, notice=print):
        async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
            with pytest.raises(tmdb_async._fetch.LockedError):
                await asyncio.wait_for(
                    run_fetch(
                        tmdb,
                        calls,
                        ids_path=ids_file(tmp_path, [1]),
                        out_path=out,
                        failed_path=None,
                        kwargs={},
                        progress=False,
                    ),
                    5,
                )

    assert calls.asked == []


@pytest.mark.parametrize(
    ("same", "message"),
    [
        (("ids", "out"), "--ids and --out are the same file"),
        (("ids", "failed"), "--ids and --failed are the same file"),
        (("out", "failed"), "--out and --failed are the same file"),
    ],
)
async def test_the_ids_the_output_and_the_failures_must_be_three_files(
    tmp_path: Path, same: tuple[str, str], message: str
) -> None:
    ids = ids_file(tmp_path, [1])
    paths = {"ids": ids, "out": tmp_path / "out.jsonl", "failed": tmp_path / "failed.jsonl"}
    paths[same[1]] = paths[same[0]]  # the same path, even for a file that does not exist yet
    calls = Calls({})
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        with pytest.raises(FetchError) as caught:
            await run_fetch(
                tmdb,
                calls,
                ids_path=paths["ids"],
                out_path=paths["out"],
                failed_path=paths["failed"],
                kwargs={},
                progress=False,
            )

    assert str(caught.value) == (
        f"{message} ({paths[same[1]]}); give each its own file (by default the failures go to OUT.failed.jsonl)"
    )
    assert calls.asked == []


def test_a_failure_message_is_kept_to_1000_characters() -> None:
    entry = tmdb_async._fetch._failure(5, ValueError("x" * 2000))
    assert entry == {"id": 5, "error": "ValueError", "message": "x" * 1000, "permanent": True}


def test_without_rich_fetch_says_which_extra_brings_the_bar_and_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # import fails as if rich were not installed
    with tmdb_async._fetch._Display(True, 3) as display:
        display.update(tmdb_async._fetch.FetchSummary(total=3, already_done=0, skipped_failed=0, fetched=1), 0)

    assert capsys.readouterr().err == (
        "tmdb-async: the progress bar needs rich, which is not installed: pip install 'tmdb-async[cli]';"
        " fetching without it\n"
    )


TOO_LONG = "o" * 300  # a file name over the kernel's 255 bytes: looking at it is an OSError (ENAMETOOLONG)


def test_a_path_that_cannot_be_looked_at_is_not_taken_for_the_same_file(tmp_path: Path) -> None:
    ids = ids_file(tmp_path, [1])

    tmdb_async._fetch.check_distinct(ids, tmp_path / TOO_LONG, tmp_path / "failed.jsonl")  # no error


async def test_a_failed_file_that_cannot_be_looked_at_is_a_fetch_error_naming_why(tmp_path: Path) -> None:
    failed = tmp_path / TOO_LONG
    calls = Calls({})
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        with pytest.raises(FetchError) as caught:
            await run_fetch(tmdb, calls, ids_path=ids_file(tmp_path, [1]), out_path=tmp_path / "out.jsonl",
                            failed_path=failed, kwargs={}, progress=False)  # fmt: skip

    assert str(caught.value) == f"cannot read {failed}: File name too long"
    assert calls.asked == []


async def test_a_failed_file_whose_folder_cannot_be_made_is_a_fetch_error_naming_why(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    failed = tmp_path / "a-file" / "failed.jsonl"  # its folder would have to replace a file
    calls = Calls({})
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        with pytest.raises(FetchError) as caught:
            await run_fetch(tmdb, calls, ids_path=ids_file(tmp_path, [1]), out_path=tmp_path / "out.jsonl",
                            failed_path=failed, kwargs={}, progress=False)  # fmt: skip

    assert str(caught.value) == f"cannot write {failed}: File exists"
    assert calls.asked == []


async def test_with_the_output_on_stdout_failures_still_go_to_the_failed_file_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = Calls({2: api_error(NotFoundError, 404, 34)})
    notices: list[str] = []
    failed = tmp_path / "failed.jsonl"
    async with mocked_tmdb(lambda request: httpx.Response(500)) as tmdb:
        summary = await run_fetch(tmdb, calls, ids_path=ids_file(tmp_path, [1, 2]), out_path=None, failed_path=failed,
                                  kwargs={}, progress=False, notice=notices.append)  # fmt: skip

    assert capsys.readouterr().out == '{"id": 1, "result": {"id": 1}}\n'
    assert [entry["id"] for entry in lines(failed)] == [2]
    assert notices == []
    assert summary.failed_path == str(failed)
