"""`tmdb-async fetch` of methods with several path ids: lines like `1399/1/1`, keyed on the whole id.

tv_episodes.details (series_id, season_number, episode_number) and tv_seasons.details (series_id,
season_number) against FakeTMDB, which answers a season or an episode with the numbers it was asked
by: a result whose numbers disagree with its key was fetched with the wrong arguments. Most tests run
`main([...])` in-process with `--fake`; the transient-failure test starts FakeTMDBs of its own and
calls `main` in a worker thread with `--base-url`. Bad lines: each is refused before anything is sent
or created, in one line naming the file, the line number and what was expected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cli_support
import httpx
import pytest
from cli_support import failed_path, one_line, read_lines, run, run_in_thread, write_ids

from tmdb_async import TMDB
from tmdb_async._fetch import FetchError, IdShape, output_lock, read_ids, run_fetch, shard_of
from tmdb_async.testing import FakeTMDB

EPISODES = IdShape(("series_id", "season_number", "episode_number"), (1, 0, 0))
EPISODE_FORM = "SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER (e.g. 1399/1/1)"
MISSING_SERIES = 10_000_001  # the embedded fake's max_id is 10_000_000


def fetch_argv(ids: Path, out: Path | str, *extra: str, method: str = "tv_episodes.details") -> list[str]:
    return cli_support.fetch_argv(ids, out, *extra, method=method)


def episode_numbers(line: dict[str, Any]) -> str:
    """The key an output line's result says it is: series/season/episode (FakeTMDB's show_id is the series)."""
    result = line["result"]
    return f"{result['show_id']}/{result['season_number']}/{result['episode_number']}"


# -- the output ----------------------------------------------------------------------------


def test_fetch_of_episodes_writes_each_whole_id_once_with_the_answer_to_that_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(
        tmp_path / "ids.txt",
        "1399/1/1 # the pilot\n\n# a comment line\n  1399/1/2  \n1399/01/001\n1399/0/0\n4607/2/10\n1399/1/2\n",
    )
    out = tmp_path / "episodes.jsonl"

    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 0, err
    assert err.startswith(f"fetched 4 of 4 ids into {out}")
    lines = read_lines(out)
    assert sorted(line["id"] for line in lines) == ["1399/0/0", "1399/1/1", "1399/1/2", "4607/2/10"]
    for line in lines:
        assert set(line) == {"id", "result"}
        assert episode_numbers(line) == line["id"]
    assert failed_path(out).read_text(encoding="utf-8") == ""


def test_fetch_of_seasons_takes_two_ids_a_line_and_passes_the_method_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "1399/1\n1399/2\n")
    out = tmp_path / "seasons.jsonl"

    status = run(fetch_argv(ids, out, "--append", "credits", method="tv_seasons.details"))

    assert status == 0, capsys.readouterr().err
    lines = read_lines(out)
    assert sorted(line["id"] for line in lines) == ["1399/1", "1399/2"]
    for line in lines:
        assert f"1399/{line['result']['season_number']}" == line["id"]
        assert {episode["season_number"] for episode in line["result"]["episodes"]} == {line["result"]["season_number"]}
        assert line["result"]["credits"]["cast"]


async def test_the_method_is_called_with_each_part_as_an_integer_in_order(tmp_path: Path) -> None:
    asked: list[tuple[Any, ...]] = []

    async def method(*args: Any, **kwargs: Any) -> Any:
        asked.append(args)
        return _Answer(list(args))

    ids = write_ids(tmp_path / "ids.txt", "1399/1/1\n4607/0/12\n")
    async with TMDB(access_token="t", transport=httpx.MockTransport(lambda r: httpx.Response(500))) as tmdb:
        summary = await run_fetch(
            tmdb,
            method,
            ids_path=ids,
            out_path=tmp_path / "out.jsonl",
            failed_path=tmp_path / "failed.jsonl",
            kwargs={},
            progress=False,
            shape=EPISODES,
        )

    assert summary.fetched == 2
    assert sorted(asked) == [(1399, 1, 1), (4607, 0, 12)]
    assert all(type(part) is int for args in asked for part in args)
    assert sorted(line["id"] for line in read_lines(tmp_path / "out.jsonl")) == ["1399/1/1", "4607/0/12"]


class _Answer:
    def __init__(self, args: list[int]) -> None:
        self.args = args

    def to_dict(self) -> dict[str, Any]:
        return {"args": self.args}


def test_out_dash_writes_the_lines_to_stdout_and_names_a_failed_whole_id_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"1399/1/1\n{MISSING_SERIES}/1/1\n")

    status = run(fetch_argv(ids, "-"))

    out, err = capsys.readouterr()
    assert status == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["1399/1/1"]
    assert err.splitlines()[0].startswith(f"tmdb-async: id {MISSING_SERIES}/1/1 failed: NotFoundError: HTTP 404")


# -- bad lines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1399", "it has 1 part, not 3"),
        ("1399/1", "it has 2 parts, not 3"),
        ("1399/1/1/1", "it has 4 parts, not 3"),
        ("1399//1", "it has an empty part ('//', or a '/' at an end)"),
        ("1399/1/1/", "it has an empty part ('//', or a '/' at an end)"),
        ("/1399/1/1", "it has an empty part ('//', or a '/' at an end)"),
        ("1399/../1", "season_number '..' is not a whole number >= 0"),
        ("1399/./1", "season_number '.' is not a whole number >= 0"),
        ("1399 /1/1", "series_id '1399 ' is not a whole number >= 1"),
        ("1399/1 /1", "season_number '1 ' is not a whole number >= 0"),
        ("1399/\t1/1", "season_number '\\t1' is not a whole number >= 0"),
        ("1399/-1/1", "season_number '-1' is not a whole number >= 0"),
        ("1399/1/1.5", "episode_number '1.5' is not a whole number >= 0"),
        ("1399/\u0663/1", "season_number '\u0663' is not a whole number >= 0"),
        ("0/1/1", "series_id '0' is not a whole number >= 1"),
        ("1399/1/12345678901234567890", "episode_number '12345678901234567890' is not a whole number >= 0"),
        ("1399,1,1", "it has 1 part, not 3"),
    ],
)
def test_a_bad_line_is_refused_naming_its_number_and_what_was_expected(tmp_path: Path, line: str, reason: str) -> None:
    path = write_ids(tmp_path / "ids.txt", f"1399/1/1\n\n{line}  # the third line\n1399/1/2\n")

    with pytest.raises(FetchError) as caught:
        read_ids(path, EPISODES)

    assert str(caught.value) == f"{path}:3: {line!r} is not {EPISODE_FORM}: {reason}"


@pytest.mark.parametrize("line", ["1399//1", "1399/1/1/", "1399/../1", "1399 / 1 / 1", "1399/1"])
def test_a_bad_line_exits_2_in_one_line_before_anything_is_sent_or_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"1399/1/1\n{line}\n")
    out = tmp_path / "episodes.jsonl"

    status = run(fetch_argv(ids, out))

    assert status == 2
    assert one_line(capsys.readouterr().err).startswith(f"tmdb-async: error: {ids}:2: {line!r} is not {EPISODE_FORM}")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ids.txt"]  # no output, no failures, no lock


def test_the_minimum_of_each_part_is_the_specs_series_from_1_season_and_episode_from_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "1399/0/0\n0/1/1\n")

    status = run(fetch_argv(ids, tmp_path / "episodes.jsonl"))

    assert status == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: {ids}:2: '0/1/1' is not {EPISODE_FORM}: series_id '0' is not a whole number >= 1"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1399/1/1 # comment\n", ["1399/1/1"]),
        ("1399/1/1#comment\n", ["1399/1/1"]),
        ("\t1399/1/1 \n", ["1399/1/1"]),
        ("01399/000/01\n", ["1399/0/1"]),
        ("1399/1/2\n1399/1/1\n1399/01/2\n", ["1399/1/2", "1399/1/1"]),
        ("1234567890123456789/0/0\n", ["1234567890123456789/0/0"]),
    ],
)
def test_lines_that_are_accepted_and_their_keys(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert read_ids(write_ids(tmp_path / "ids.txt", text), EPISODES) == expected


# -- resuming ------------------------------------------------------------------------------


def test_a_rerun_after_a_partial_run_fetches_only_the_missing_ids_and_each_ends_up_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "episodes.jsonl"
    first = write_ids(tmp_path / "first.txt", "1399/1/1\n1399/1/2\n")
    assert run(fetch_argv(first, out)) == 0
    written = out.read_bytes()
    with out.open("ab") as stream:  # a run killed mid-line: half of the line of 1399/1/3
        stream.write(b'{"id": "1399/1/3", "result": {"air_da')
    ids = write_ids(tmp_path / "ids.txt", "1399/1/1\n1399/1/2\n1399/1/3\n1399/2/1\n")
    capsys.readouterr()

    status = run(fetch_argv(ids, out))

    err = capsys.readouterr().err
    assert status == 0, err
    assert err.startswith(f"fetched 2 of 4 ids into {out}; 2 were already there")
    assert out.read_bytes().startswith(written)
    lines = read_lines(out)
    assert sorted(line["id"] for line in lines) == ["1399/1/1", "1399/1/2", "1399/1/3", "1399/2/1"]
    assert all(episode_numbers(line) == line["id"] for line in lines)


def test_a_permanent_failure_is_keyed_on_the_whole_id_and_skipped_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", f"1399/1/1\n{MISSING_SERIES}/1/1\n")
    out = tmp_path / "episodes.jsonl"
    assert run(fetch_argv(ids, out)) == 1
    (failure,) = read_lines(failed_path(out))
    assert (failure["id"], failure["error"], failure["permanent"]) == (f"{MISSING_SERIES}/1/1", "NotFoundError", True)
    failures = failed_path(out).read_bytes()
    capsys.readouterr()

    status = run(fetch_argv(ids, out))

    assert status == 0
    assert capsys.readouterr().err.startswith(
        f"fetched 0 of 2 ids into {out}; 1 were already there; 1 skipped as failed before"
    )
    assert failed_path(out).read_bytes() == failures


async def test_transient_failures_are_fetched_again_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "test")
    ids = write_ids(tmp_path / "ids.txt", "1399/1/1\n1399/1/2\n")
    out = tmp_path / "episodes.jsonl"

    def argv(base_url: str) -> list[str]:
        return ["--base-url", base_url, "--max-retries", "0", *fetch_argv(ids, out)[1:]]

    async with FakeTMDB() as failing:
        failing.fail("/3/tv/1399/season/1/episode/2", "503", times=1)
        assert await run_in_thread(argv(failing.base_url)) == 1
    (failure,) = read_lines(failed_path(out))
    assert (failure["id"], failure["permanent"], failure["status_code"]) == ("1399/1/2", False, 503)

    async with FakeTMDB() as healthy:
        status = await run_in_thread(argv(healthy.base_url))

    assert status == 0, capsys.readouterr().err
    assert healthy.stats.by_path == {"/3/tv/1399/season/1/episode/2": 1}
    assert sorted(line["id"] for line in read_lines(out)) == ["1399/1/1", "1399/1/2"]
    assert failed_path(out).read_text(encoding="utf-8") == ""


def test_an_output_of_single_ids_is_refused_for_a_method_of_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    movies = write_ids(tmp_path / "movies.txt", "550\n")
    assert run(["--fake", "fetch", "movies.details", "--ids", str(movies), "--out", str(out), "--no-progress"]) == 0
    before = out.read_bytes()
    capsys.readouterr()

    status = run(fetch_argv(write_ids(tmp_path / "ids.txt", "1399/1/1\n"), out))

    assert status == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: {out} holds a line that is not from tmdb-async fetch of"
        " SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER ids; use another --out"
    )
    assert out.read_bytes() == before


def test_an_output_of_episodes_is_refused_for_a_method_of_one_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert run(fetch_argv(write_ids(tmp_path / "ids.txt", "1399/1/1\n"), out)) == 0
    capsys.readouterr()
    movies = write_ids(tmp_path / "movies.txt", "550\n")

    status = run(["--fake", "fetch", "movies.details", "--ids", str(movies), "--out", str(out), "--no-progress"])

    assert status == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: {out} holds a line that is not from tmdb-async fetch; use another --out"
    )


def test_an_output_line_of_the_right_count_but_not_written_by_fetch_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "1399/01/1", "result": {}}\n', encoding="utf-8")  # fetch writes 1399/1/1

    status = run(fetch_argv(write_ids(tmp_path / "ids.txt", "1399/1/1\n"), out))

    assert status == 2
    assert "holds a line that is not from tmdb-async fetch of" in one_line(capsys.readouterr().err)


# -- shards, the lock, three files ---------------------------------------------------------


def test_two_shards_cover_every_line_exactly_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = [f"{series}/{season}/{episode}" for series in (1399, 4607) for season in (0, 1) for episode in (1, 2, 3)]
    ids = write_ids(tmp_path / "ids.txt", "".join(f"{key}\n" for key in keys))
    fetched: list[list[str]] = []
    for index in (1, 2):
        out = tmp_path / f"shard-{index}.jsonl"
        assert run(fetch_argv(ids, out, "--shard", f"{index}/2")) == 0, capsys.readouterr().err
        fetched.append(sorted(line["id"] for line in read_lines(out)))

    assert fetched[0] == sorted(key for key in keys if shard_of(key, 2) == 1)
    assert 0 < len(fetched[0]) < len(keys)
    assert sorted(fetched[0] + fetched[1]) == sorted(keys)


def test_the_shard_of_a_whole_id_is_the_same_everywhere() -> None:
    # blake2b (8 bytes, big-endian) of the key as written: these must never change, or a resumed
    # sharded run would fetch ids another shard already has. A single id's shard is unchanged.
    assert [shard_of(key, 4) for key in ("1399/1/1", "1399/2/1", "4607/1/1", "4607/2")] == [1, 2, 2, 4]
    assert shard_of(550, 4) == shard_of("550", 4) == 3


def test_a_second_fetch_of_episodes_into_a_held_output_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "episodes.jsonl"
    ids = write_ids(tmp_path / "ids.txt", "1399/1/1\n")

    with output_lock(out, wait=False, notice=print):
        status = run(fetch_argv(ids, out))

    assert status == 3
    assert "is being written by another tmdb-async fetch" in one_line(capsys.readouterr().err)
    assert not out.exists()


def test_the_output_and_the_failures_must_be_different_files_for_episodes_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "episodes.jsonl"
    ids = write_ids(tmp_path / "ids.txt", "1399/1/1\n")

    status = run(fetch_argv(ids, out, "--failed", str(out)))

    assert status == 2
    assert one_line(capsys.readouterr().err).startswith("tmdb-async: error: --out and --failed are the same file")
    assert not out.exists()


# -- help ----------------------------------------------------------------------------------


def test_fetch_help_of_a_method_of_several_ids_shows_the_form_of_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["fetch", "tv_episodes.details", "--help"])

    help_text = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "--ids IDS a file of ids, one per line: SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER (e.g. 1399/1/1)" in help_text


def test_fetch_help_without_a_method_says_how_several_ids_are_written(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["fetch", "--help"])

    assert status == 0
    assert "1399/1/1 for tv_episodes.details (SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER)" in capsys.readouterr().out


# -- one text id ---------------------------------------------------------------------------


def test_a_method_of_one_text_id_takes_each_line_as_it_is_and_refuses_dot_dot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path / "ids.txt", "5488c29bc3a3686f4a00004a\n59cc634fc3a3682aa30065a3  # a comment\n")
    out = tmp_path / "reviews.jsonl"
    assert run(fetch_argv(ids, out, method="reviews.details")) == 0, capsys.readouterr().err
    assert sorted(line["id"] for line in read_lines(out)) == ["5488c29bc3a3686f4a00004a", "59cc634fc3a3682aa30065a3"]
    assert run(fetch_argv(ids, out, method="reviews.details")) == 0  # a rerun reads its text keys back
    assert len(read_lines(out)) == 2
    capsys.readouterr()

    status = run(fetch_argv(write_ids(tmp_path / "bad.txt", "..\n"), out, method="reviews.details"))

    assert status == 2
    assert one_line(capsys.readouterr().err) == (
        f"tmdb-async: error: {tmp_path / 'bad.txt'}:1: '..' is not REVIEW_ID (e.g. abc123):"
        " review_id '..' is not an id (no spaces, no '.' or '..')"
    )


REVIEW = IdShape(("review_id",), (None,))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (".", "review_id '.' is not an id (no spaces, no '.' or '..')"),
        ("..", "review_id '..' is not an id (no spaces, no '.' or '..')"),
        ("ab cd", "review_id 'ab cd' is not an id (no spaces, no '.' or '..')"),
        ("ab\x07cd", "review_id 'ab\\x07cd' is not an id (no spaces, no '.' or '..')"),
        ("a" * 50 + " b", f"review_id {'a' * 40!r} is not an id (no spaces, no '.' or '..')"),
    ],
)
def test_a_text_id_with_a_space_a_control_character_or_only_dots_is_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match="is not an id") as caught:
        REVIEW.parse(text)

    assert str(caught.value) == reason


def test_one_text_id_is_taken_whole_even_with_a_slash_and_passed_whole() -> None:
    # Only a method of several ids splits a line at '/': one text id is the whole line.
    assert REVIEW.parse("5488c29b/c3a3") == "5488c29b/c3a3"
    assert REVIEW.arguments("5488c29b/c3a3") == ("5488c29b/c3a3",)


def test_one_integer_id_whose_minimum_is_0_takes_0() -> None:
    seasons = IdShape(("season_number",), (0,))

    assert seasons.parse("0") == 0
    assert seasons.arguments(0) == (0,)
    with pytest.raises(ValueError, match=r"^a whole number >= 0 on each line$"):
        seasons.parse("-1")


def test_a_long_bad_part_is_shown_cut_to_40_characters() -> None:
    with pytest.raises(ValueError, match="is not a whole number") as caught:
        EPISODES.parse("1399/" + "9x" * 30 + "/1")

    assert str(caught.value) == f"season_number {'9x' * 20!r} is not a whole number >= 0"
