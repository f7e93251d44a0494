"""The command's conventions (issue 11, "The CLI"): help with or without a method, one-line usage errors, help
and choices read from the spec, readable bool errors, a fetch line of one id for a method of several refused, `--out -`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import one_line, run


@pytest.mark.parametrize("command", ["get", "fetch"])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_subcommand_help_without_a_method_prints_help_and_exits_0(
    capsys: pytest.CaptureFixture[str], command: str, flag: str
) -> None:
    status = run([command, flag])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert out.startswith(f"usage: tmdb-async {command} NAMESPACE.METHOD")
    assert "tmdb-async methods" in out or "--help" in out


@pytest.mark.parametrize("command", ["get", "fetch"])
def test_a_subcommand_without_a_method_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], command: str) -> None:
    assert run([command]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: `{command}` needs a method, e.g. movies.details (`tmdb-async methods` lists them all)"
    )


def test_method_help_shows_each_parameters_description_from_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["get", "trending.all", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "`day` (the last 24 hours) or `week`. (one of: day, week)" in out
    assert "--page VALUE Page number, 1 to 500 (TMDB answers page 501 with code 22). (int)" in out


def test_a_literal_value_out_of_its_choices_is_refused_before_sending(capsys: pytest.CaptureFixture[str]) -> None:
    # No credentials and no --fake: the value is refused before a client is even made.
    assert run(["get", "trending.all", "month"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "tmdb-async: error: trending.all: argument time_window: invalid choice: 'month' (choose from 'day', 'week')"
    )


def test_a_literal_option_is_checked_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["get", "find.by_id", "tt0137523", "--external-source", "imdb"]) == 2
    assert "invalid choice: 'imdb' (choose from 'imdb_id'," in one_line(capsys.readouterr().err)


def test_a_bad_boolean_reads_like_a_person_wrote_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["get", "discover.movies", "--include-adult", "maybe"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "tmdb-async: error: discover.movies: argument --include-adult: expected true or false (or yes/no, 1/0),"
        " got 'maybe'"
    )


def test_fetch_of_a_method_with_several_path_ids_refuses_a_line_of_one_id_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("1399\n", encoding="utf-8")
    status = run(["--fake", "fetch", "tv_episodes.details", "--ids", str(ids), "--out", str(tmp_path / "o.jsonl")])
    assert status == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: {ids}:1: '1399' is not SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER (e.g. 1399/1/1):"
        " it has 1 part, not 3"
    )
    assert not (tmp_path / "o.jsonl").exists()


def test_fetch_out_dash_writes_the_lines_to_stdout_and_failures_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("550\n551\n10000001\n", encoding="utf-8")  # the fake's ids end at 10,000,000
    status = run(["--fake", "fetch", "movies.details", "--ids", str(ids), "--out", "-", "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 1
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == [550, 551]
    lines = err.splitlines()
    assert lines[0].startswith("tmdb-async: id 10000001 failed: NotFoundError: HTTP 404")
    assert lines[1].startswith("fetched 2 of 3 ids into stdout; 1 failed (reasons above)")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ids.txt"]  # no file, no lock beside it
