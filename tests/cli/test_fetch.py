"""`tmdb-async fetch`: many ids into JSON lines, each id once, resumable, failures sorted into permanent and transient.

Most tests run `tmdb_async.cli.main([...])` in-process with `--fake`. Tests that need a FakeTMDB of their own
(faults, credentials) start it here and call `main` in a worker thread with `--base-url`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import failed_path, fetch_argv, one_line, read_lines, run, run_in_thread, write_ids

from tmdb_async.testing import FakeTMDB

ABOVE_MAX_ID = 10_000_001  # the embedded fake's max_id is 10_000_000


# -- the output ----------------------------------------------------------------------------


def test_fetch_writes_each_id_once_skipping_blank_lines_comments_and_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n\n# a comment\n551  # trailing comment\n  550\n552\n\n551\n")
    out = tmp_path / "movies.jsonl"

    status = run(fetch_argv(ids, out))

    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.out == ""
    lines = read_lines(out)
    assert sorted(line["id"] for line in lines) == [550, 551, 552]
    for line in lines:
        assert set(line) == {"id", "result"}
        assert line["result"]["id"] == line["id"]
        assert isinstance(line["result"]["title"], str)
    assert failed_path(out).read_text(encoding="utf-8") == ""
    assert "Traceback" not in captured.err
    assert captured.err.startswith(f"fetched 3 of 3 ids into {out}")


def test_fetch_passes_method_options_to_every_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n551\n")
    out = tmp_path / "movies.jsonl"

    status = run(fetch_argv(ids, out, "--append", "credits,videos"))

    assert status == 0, capsys.readouterr().err
    lines = read_lines(out)
    assert len(lines) == 2
    for line in lines:
        assert line["result"]["credits"]["cast"]
        assert "videos" in line["result"]
        assert "images" not in line["result"]


def test_an_id_above_the_fakes_max_is_a_permanent_not_found_failure_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"550\n{ABOVE_MAX_ID}\n")
    out = tmp_path / "movies.jsonl"

    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    assert [line["id"] for line in read_lines(out)] == [550]
    (failure,) = read_lines(failed_path(out))
    assert failure["id"] == ABOVE_MAX_ID
    assert failure["error"] == "NotFoundError"
    assert failure["permanent"] is True
    assert failure["status_code"] == 404
    assert failure["tmdb_status_code"] == 34
    assert "1 failed" in err

    # A permanent failure is not asked for again.
    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 0
    assert err.startswith(f"fetched 0 of 2 ids into {out}; 1 were already there; 1 skipped as failed before")
    assert [line["id"] for line in read_lines(failed_path(out))] == [ABOVE_MAX_ID]


# -- resuming ------------------------------------------------------------------------------


def test_a_second_run_fetches_nothing_and_leaves_the_output_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n551\n552\n")
    out = tmp_path / "movies.jsonl"
    assert run(fetch_argv(ids, out)) == 0
    before = out.read_bytes()
    capsys.readouterr()

    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 0
    assert err.startswith(f"fetched 0 of 3 ids into {out}; 3 were already there;")
    assert out.read_bytes() == before


def test_a_partial_last_line_is_cut_off_and_that_id_fetched_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n551\n552\n")
    out = tmp_path / "movies.jsonl"
    assert run(fetch_argv(ids, out)) == 0
    complete = {line["id"]: line for line in read_lines(out)}
    kept = [json.dumps(complete[550]), json.dumps(complete[551])]
    # What a run killed while writing 552 leaves: two whole lines and the start of a third.
    out.write_text("\n".join(kept) + "\n" + '{"id": 552, "result": {"id": 552, "adu', encoding="utf-8")
    capsys.readouterr()

    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 0, err
    assert err.startswith(f"fetched 1 of 3 ids into {out}; 2 were already there;")
    lines = read_lines(out)
    assert [line["id"] for line in lines] == [550, 551, 552]
    assert lines[2] == complete[552]


async def test_transient_failures_are_kept_as_not_permanent_and_fetched_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "test")
    ids = write_ids(tmp_path / "ids.txt", "550\n551\n552\n")
    out = tmp_path / "movies.jsonl"

    def argv(base_url: str) -> list[str]:
        connection = ["--base-url", base_url, "--max-retries", "0"]
        return [*connection, *fetch_argv(ids, out)[1:]]  # fetch_argv without --fake

    async with FakeTMDB(fault_rate=1.0, fault_kinds=("503",)) as failing:
        status = await run_in_thread(argv(failing.base_url))
    first_err = capsys.readouterr().err

    assert status == 1
    assert "Traceback" not in first_err
    assert out.read_text(encoding="utf-8") == ""
    failures = read_lines(failed_path(out))
    assert sorted(failure["id"] for failure in failures) == [550, 551, 552]
    for failure in failures:
        assert failure["permanent"] is False
        assert failure["error"] == "ServerError"
        assert failure["status_code"] == 503
        assert failure["tmdb_status_code"] == 9
    assert failing.stats.requests == 3

    async with FakeTMDB() as healthy:
        status = await run_in_thread(argv(healthy.base_url))
    second_err = capsys.readouterr().err

    assert status == 0, second_err
    assert second_err.startswith(f"fetched 3 of 3 ids into {out}")
    assert sorted(line["id"] for line in read_lines(out)) == [550, 551, 552]
    assert failed_path(out).read_text(encoding="utf-8") == ""
    assert healthy.stats.by_path == {"/3/movie/550": 1, "/3/movie/551": 1, "/3/movie/552": 1}


# -- bad input -----------------------------------------------------------------------------


def test_a_malformed_ids_line_exits_2_naming_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n# fine\nabc\n551\n")
    out = tmp_path / "movies.jsonl"

    status = run(fetch_argv(ids, out))

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"tmdb-async: error: {ids}:3: 'abc' is not a TMDB id")
    assert not out.exists()


@pytest.mark.parametrize("bad", ["0", "-5", "5.5", "²"])
def test_an_ids_line_that_is_not_a_whole_number_from_1_exits_2(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"550\n{bad}\n")

    status = run(fetch_argv(ids, tmp_path / "movies.jsonl"))

    assert status == 2
    assert one_line(capsys.readouterr().err).startswith(f"tmdb-async: error: {ids}:2: ")


def test_a_missing_ids_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run(fetch_argv(tmp_path / "nope.txt", tmp_path / "movies.jsonl"))

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"tmdb-async: error: cannot read the ids file {tmp_path / 'nope.txt'}")


def test_an_unwritable_output_under_a_regular_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n")

    status = run(fetch_argv(ids, ids / "movies.jsonl"))

    assert status == 2
    assert one_line(capsys.readouterr().err).startswith(f"tmdb-async: error: cannot write {ids / 'movies.jsonl'}")


def test_an_output_that_tmdb_async_did_not_write_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n")
    out = tmp_path / "notes.txt"
    out.write_text("my notes\n", encoding="utf-8")

    status = run(fetch_argv(ids, out))

    assert status == 2
    assert "is not from tmdb-async fetch" in one_line(capsys.readouterr().err)
    assert out.read_text(encoding="utf-8") == "my notes\n"


def test_an_output_that_is_a_directory_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n")
    directory = tmp_path / "somewhere"
    directory.mkdir()

    status = run(fetch_argv(ids, directory))

    assert status == 2
    assert str(directory) in one_line(capsys.readouterr().err)


def test_a_failed_file_that_tmdb_async_did_not_write_exits_2_and_is_left_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"550\n{ABOVE_MAX_ID}\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\nmore notes\n", encoding="utf-8")

    status = run(fetch_argv(ids, tmp_path / "movies.jsonl", "--failed", str(notes)))

    assert status == 2
    assert str(notes) in one_line(capsys.readouterr().err)
    assert notes.read_text(encoding="utf-8") == "my notes\nmore notes\n"


def test_fetch_without_out_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n")

    status = run(["--fake", "fetch", "movies.details", "--ids", str(ids)])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert "--out" in line


def test_fetch_of_a_method_without_an_id_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = write_ids(tmp_path / "ids.txt", "550\n")

    status = run(["--fake", "fetch", "movies.popular", "--ids", str(ids), "--out", str(tmp_path / "out.jsonl")])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == "tmdb-async: error: movies.popular takes no id: fetch needs a method like movies.details"


def test_the_fetch_example_of_the_cli_docstring_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # cli.py documents: tmdb-async fetch movies.details --fake --ids ids.txt --out movies.jsonl
    ids = write_ids(tmp_path / "ids.txt", "550\n551\n")
    out = tmp_path / "movies.jsonl"

    status = run(["fetch", "movies.details", "--fake", "--ids", str(ids), "--out", str(out)])

    assert status == 0, capsys.readouterr().err
    assert sorted(line["id"] for line in read_lines(out)) == [550, 551]


async def test_bad_credentials_stop_the_fetch_with_exit_1_naming_authentication_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "wrong")
    ids = write_ids(tmp_path / "ids.txt", "".join(f"{550 + i}\n" for i in range(50)))
    out = tmp_path / "movies.jsonl"

    async with FakeTMDB(credentials=("test",)) as fake:
        connection = ["--base-url", fake.base_url]
        status = await run_in_thread([*connection, *fetch_argv(ids, out)[1:]])

    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("tmdb-async: AuthenticationError: HTTP 401, TMDB code 7:")
    assert out.read_text(encoding="utf-8") == ""
    assert failed_path(out).read_text(encoding="utf-8") == ""  # not a failure of the ids: nothing to skip later
    assert fake.stats.by_status == {401: fake.stats.requests}
    assert fake.stats.requests <= 20  # stopped: at most the requests already in flight, not all 50
