"""The CLI against a careless operator: overlapping files, two runs at once, poison answers, hostile input files,
secrets on the command line, and errors that must stay one line (a traceback only with --debug).
"""

from __future__ import annotations

import asyncio
import fcntl
import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cli_support import fetch_argv, one_line, run

from tmdb_async import cli
from tmdb_async.models import MovieDetails

BIN = Path(sys.executable).parent
SUBPROCESS_BOUND = 60.0
TOKEN = "tok-SECRET-CARELESS"


def ids_file(tmp_path: Path, ids: Sequence[int]) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"{ident}\n" for ident in ids), encoding="utf-8")
    return path


def listing(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()}


# -- data loss and duplicates -------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink", "hardlink"])
def test_failed_that_is_the_output_is_refused_and_nothing_is_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    ids = ids_file(tmp_path, [550, 551])
    out = tmp_path / "movies.jsonl"
    assert run(fetch_argv(ids, out)) == 0
    capsys.readouterr()
    failed = {"same": out, "dotted": tmp_path / "sub" / ".." / "movies.jsonl"}.get(spelling, tmp_path / "alias")
    if spelling == "symlink":
        failed.symlink_to(out)
    elif spelling == "hardlink":
        os.link(out, failed)
    (tmp_path / "sub").mkdir()
    before = listing(tmp_path)

    status = run(fetch_argv(ids, out, "--failed", str(failed)))

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("tmdb-async: error: --out and --failed are the same file")
    assert listing(tmp_path) == before
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_an_output_that_is_the_ids_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = ids_file(tmp_path, [550])
    status = run(fetch_argv(ids, ids))
    assert status == 2
    assert one_line(capsys.readouterr().err).startswith("tmdb-async: error: --ids and --out are the same file")
    assert ids.read_text(encoding="utf-8") == "550\n"


def hold_lock(out: Path, holder: str) -> io.TextIOWrapper:
    """What a running fetch holds: the flock of OUT.lock, with who it is in the file."""
    stream = out.with_name(out.name + ".lock").open("a+", encoding="utf-8")
    fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    stream.write(holder)
    stream.flush()
    return stream


def test_a_second_run_on_a_locked_output_names_the_holder_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, out = ids_file(tmp_path, [550, 551]), tmp_path / "movies.jsonl"
    with hold_lock(out, "pid 4242 on elsewhere, since 2026-01-01T00:00:00Z"):
        status = run(fetch_argv(ids, out))
    assert status == 3
    line = one_line(capsys.readouterr().err)
    assert "being written by another tmdb-async fetch (pid 4242 on elsewhere" in line
    assert "--wait-lock" in line
    assert not out.exists()


async def test_wait_lock_waits_for_the_holder_then_fetches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids, out = ids_file(tmp_path, [550, 551]), tmp_path / "movies.jsonl"
    lock = hold_lock(out, "pid 4242 on elsewhere")
    waiting = threading.Event()
    done: list[int] = []

    def in_thread() -> None:
        done.append(run(fetch_argv(ids, out, "--wait-lock")))

    worker = threading.Thread(target=in_thread)
    worker.start()
    try:
        for _ in range(400):  # the run says it waits, and has written nothing
            if "waiting for the other fetch" in capsys.readouterr().err:
                waiting.set()
                break
            await asyncio.sleep(0.01)
        assert waiting.is_set()
        assert not out.exists() or out.read_text(encoding="utf-8") == ""
    finally:
        lock.close()  # the holder ends
        await asyncio.wait_for(asyncio.to_thread(worker.join), 30)
    assert done == [0]
    assert sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()) == [550, 551]


def test_two_real_runs_on_one_output_write_each_id_once(tmp_path: Path) -> None:
    ids = ids_file(tmp_path, list(range(1000, 1300)))
    out = tmp_path / "movies.jsonl"
    argv = [str(BIN / "tmdb-async"), "--requests-per-second", "150", *fetch_argv(ids, out)]
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMDB_")}
    runs = [subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results = []
    for process in runs:
        _, stderr = process.communicate(timeout=SUBPROCESS_BOUND)
        results.append((process.returncode, stderr))
    assert sorted(code for code, _ in results) == [0, 3], results
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == list(range(1000, 1300))


def test_one_poison_answer_goes_to_the_failures_file_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, out = ids_file(tmp_path, [550, 551, 552]), tmp_path / "movies.jsonl"
    to_dict = MovieDetails.to_dict
    asked: list[int] = []

    def poisoned(self: MovieDetails) -> dict[str, Any]:
        asked.append(self.id)
        if self.id == 551:
            raise RecursionError("maximum recursion depth exceeded")
        return to_dict(self)

    monkeypatch.setattr(MovieDetails, "to_dict", poisoned)

    assert run(fetch_argv(ids, out)) == 1
    assert "1 failed" in capsys.readouterr().err
    assert sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()) == [550, 552]
    (failure,) = [json.loads(line) for line in (tmp_path / "movies.jsonl.failed.jsonl").read_text().splitlines()]
    assert failure == {
        "id": 551,
        "error": "RecursionError",
        "message": "maximum recursion depth exceeded",
        "permanent": True,
    }
    asked.clear()
    assert run(fetch_argv(ids, out)) == 0  # the rerun skips it instead of failing on it again
    assert asked == []
    assert "1 skipped as failed before" in capsys.readouterr().err


# -- hostile input files ------------------------------------------------------------------------------------------
def test_a_10_mb_line_of_digits_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_bytes(b"550\n" + b"9" * 10_000_000 + b"\n")
    status = run(fetch_argv(ids, tmp_path / "out.jsonl"))
    assert status == 2
    assert one_line(capsys.readouterr().err).startswith(f"tmdb-async: error: {ids}:2: the line is longer than")


def test_a_25_digit_id_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("9" * 25 + "\n", encoding="utf-8")
    assert run(fetch_argv(ids, tmp_path / "out.jsonl")) == 2
    assert "is not a TMDB id" in one_line(capsys.readouterr().err)


def test_a_read_only_output_with_a_partial_last_line_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, out = ids_file(tmp_path, [550, 551]), tmp_path / "movies.jsonl"
    out.write_text('{"id": 550, "result": {"id": 550}}\n{"id": 551, "res', encoding="utf-8")
    out.chmod(0o444)
    if os.geteuid() == 0:  # root ignores file modes: refuse the write as the kernel would for anyone else
        opened = Path.open

        def read_only(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if self == out and mode != "rb":
                raise PermissionError(13, "Permission denied", str(self))
            return opened(self, mode, *args, **kwargs)

        monkeypatch.setattr(Path, "open", read_only)

    status = run(fetch_argv(ids, out))

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"tmdb-async: error: cannot cut the partial last line off {out}: Permission denied")


def test_an_unexpected_error_is_one_line_and_debug_adds_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError(f"something broke near {TOKEN}")

    monkeypatch.setenv("TMDB_ACCESS_TOKEN", TOKEN)
    monkeypatch.setattr(cli, "_get", broken)

    assert run(["get", "movies.details", "550"]) == 70
    line = one_line(capsys.readouterr().err)
    assert (
        line == "tmdb-async: unexpected error: RuntimeError: something broke near REDACTED; --debug shows the traceback"
    )

    assert run(["--debug", "get", "movies.details", "550"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == "tmdb-async: unexpected error: RuntimeError: something broke near REDACTED"
    assert TOKEN not in err


# -- secrets on the command line ----------------------------------------------------------------------------------
def test_access_token_on_the_command_line_warns_without_showing_it(capsys: pytest.CaptureFixture[str]) -> None:
    # No --base-url and no network: the fake stands in, the warning is printed first.
    status = run(["--access-token", TOKEN, "--fake", "get", "movies.details", "550"])
    err = capsys.readouterr().err
    assert status == 0
    assert one_line(err).startswith("tmdb-async: warning: --access-token on the command line is readable")
    assert "TMDB_ACCESS_TOKEN" in err
    assert TOKEN not in err


@pytest.mark.parametrize("source", ["file", "stdin"])
async def test_the_token_is_read_from_a_file_or_stdin_without_its_newline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    from tmdb_async.testing import FakeTMDB

    token = tmp_path / "token"
    token.write_text(TOKEN + "\n", encoding="utf-8")
    if source == "stdin":
        monkeypatch.setattr(sys, "stdin", io.StringIO(TOKEN + "\n"))
    path = str(token) if source == "file" else "-"
    async with FakeTMDB(credentials=(TOKEN,)) as fake:
        argv = ["--base-url", fake.base_url, "--access-token-file", path, "get", "movies.details", "550"]
        status = await asyncio.wait_for(asyncio.to_thread(run, argv), 20)
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert json.loads(out)["id"] == 550


def test_a_missing_token_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--access-token-file", str(tmp_path / "nope"), "get", "movies.details", "550"])
    assert status == 2
    assert one_line(capsys.readouterr().err).startswith("tmdb-async: error: --access-token-file: cannot read")


def test_a_token_with_a_newline_in_the_environment_exits_2_without_showing_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", TOKEN + "\n")
    status = run(["get", "movies.details", "550"])
    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("tmdb-async: error: access_token starts or ends with whitespace")
    assert TOKEN not in line


def test_no_credentials_names_the_variables_and_the_file_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["get", "movies.details", "550"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "TMDB_ACCESS_TOKEN" in line
    assert "--access-token-file" in line


async def test_a_guest_session_id_in_the_path_never_shows_in_cli_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tmdb_async.testing import FakeTMDB

    guest = "guest-SECRET-CARELESS"
    caplog.set_level(logging.DEBUG)  # what --verbose sets up, seen through pytest's capture
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", TOKEN)
    async with FakeTMDB(credentials=(TOKEN,)) as fake:
        argv = ["--verbose", "--base-url", fake.base_url, "get", "guest_sessions.rated_movies", guest]
        status = await asyncio.wait_for(asyncio.to_thread(run, argv), 20)
    out, err = capsys.readouterr()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/guest_session/REDACTED/rated/movies" in logged  # the DEBUG line of the attempt
    assert guest not in out + err + logged, (status, err)
