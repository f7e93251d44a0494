"""The `tmdb-async` command: `methods`, `get`, and its errors (one line on stderr, exit 1 or 2, no traceback).

Most tests call `tmdb_async.cli.main([...])` in-process with `--fake` (an embedded FakeTMDB). Tests that
need to look at the server run their own FakeTMDB and call `main` in a worker thread (main runs its own
event loop), passing `--base-url`. Two tests run the real command in a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from cli_support import one_line, run, run_in_thread

from tmdb_async.testing import FakeTMDB
from tmdb_async.testing._replies import Reply

from spec_models import operations

# Every `namespace.method` of the spec: the command knows all of them.
ALL_METHODS = tuple(sorted(operations()))
BOUND = 20.0
SUBPROCESS_BOUND = 60.0
BIN = Path(sys.executable).parent


def clean_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if not name.startswith("TMDB_")}


# -- methods -------------------------------------------------------------------------------


def test_methods_lists_every_operation_of_the_spec_sorted(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["methods"])

    out, err = capsys.readouterr()
    assert status == 0
    assert out.splitlines() == list(ALL_METHODS)
    assert len(set(out.splitlines())) == len(operations())  # each once
    assert err == ""


def test_methods_with_an_argument_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["methods", "movies"])

    assert status == 2
    assert one_line(capsys.readouterr().err) == "tmdb-async: error: `methods` takes no arguments, got movies"


# -- get -----------------------------------------------------------------------------------


def test_get_details_with_append_prints_json_with_credits_and_videos(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.details", "550", "--append", "credits,videos"])

    out, err = capsys.readouterr()
    assert status == 0
    assert err == ""
    data = json.loads(out)
    assert data["id"] == 550
    assert isinstance(data["title"], str)
    assert data["credits"]["cast"]
    assert data["credits"]["crew"]
    assert data["videos"]["results"]
    assert "images" not in data


def test_get_a_list_method_without_an_id(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "tv.popular"])

    out, _ = capsys.readouterr()
    assert status == 0
    data = json.loads(out)
    assert data["page"] == 1
    assert len(data["results"]) == 20


async def test_get_converts_options_by_type_and_sends_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "test")
    targets: list[str] = []
    async with FakeTMDB() as fake:
        handle: Callable[[str, str, dict[str, str], bytes], Reply] = fake.app.handle

        def recording(method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
            targets.append(target)
            return handle(method, target, headers, body)

        monkeypatch.setattr(fake.app, "handle", recording)
        argv = ["--base-url", fake.base_url, "get", "movies.popular", "--page", "2"]
        status = await run_in_thread([*argv, "--language", "pt-BR"])

    out, err = capsys.readouterr()
    assert status == 0, err
    data = json.loads(out)
    assert data["page"] == 2
    assert isinstance(data["total_pages"], int)
    assert len(data["results"]) == 20
    assert len(targets) == 1
    assert urlsplit(targets[0]).path == "/3/movie/popular"
    assert dict(parse_qsl(urlsplit(targets[0]).query)) == {"page": "2", "language": "pt-BR"}


def test_get_method_help_prints_the_methods_options(capsys: pytest.CaptureFixture[str]) -> None:
    # No credentials and no --fake: printing help needs neither.
    status = run(["get", "movies.details", "--help"])

    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.startswith("usage: tmdb-async get movies.details")
    for option in ("movie_id", "--append-to-response", "--append", "--language"):
        assert option in out
    assert "Movie details." in out


def test_get_method_help_with_fake_prints_the_methods_options(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "tv.details", "--help"])

    out, _ = capsys.readouterr()
    assert status == 0
    assert out.startswith("usage: tmdb-async get tv.details")
    for option in ("series_id", "--append-to-response", "--append", "--language"):
        assert option in out


# -- get: errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--fake", "get", "movies.details", "999999999"],
        ["get", "movies.details", "999999999", "--fake"],  # connection options after the method
    ],
    ids=["fake-first", "fake-last"],
)
def test_get_an_unknown_id_exits_1_with_one_line_naming_not_found_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(argv)

    out, err = capsys.readouterr()
    assert status == 1, err
    assert out == ""
    line = one_line(err)
    assert line.startswith("tmdb-async: NotFoundError: HTTP 404, TMDB code 34:")
    assert "/3/movie/999999999" in line


@pytest.mark.parametrize("method", ["movies.nope", "films.details", "details"])
def test_get_an_unknown_method_exits_2_pointing_to_the_methods_command(
    method: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(["--fake", "get", method, "550"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == f"tmdb-async: error: unknown method {method!r}; `tmdb-async methods` lists all 152 of them"


def test_get_without_the_positional_id_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.details"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("tmdb-async: error:")
    assert "movie_id" in line


def test_get_with_an_id_that_is_not_a_number_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.details", "abc"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == "tmdb-async: error: movies.details: argument movie_id: invalid int value: 'abc'"


def test_get_with_page_501_exits_2_with_the_bounds_message(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.popular", "--page", "501"])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert one_line(err) == "tmdb-async: error: movies.popular: page must be from 1 to 500, got 501"


def test_get_with_an_option_the_method_lacks_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.details", "550", "--colour", "red"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == "tmdb-async: error: movies.details does not take --colour red (see `--help` after the method)"


def test_get_without_credentials_or_fake_exits_2_naming_both_variables(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["get", "movies.details", "550"])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    line = one_line(err)
    assert line.startswith("tmdb-async: error: no TMDB credentials")
    assert "TMDB_ACCESS_TOKEN" in line
    assert "TMDB_API_KEY" in line


async def test_get_with_a_wrong_access_token_exits_1_naming_authentication_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("wrong\n", encoding="utf-8")
    async with FakeTMDB() as fake:
        status = await run_in_thread(
            ["--base-url", fake.base_url, "--access-token-file", str(token), "get", "movies.details", "550"]
        )

    assert status == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("tmdb-async: AuthenticationError: HTTP 401, TMDB code 7:")
    assert "wrong" not in line


def test_get_converts_a_float_option_and_posts_a_rating(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "get", "movies.add_rating", "550", "--value", "8.5", "--session-id", "a-user-session"])

    out, err = capsys.readouterr()
    assert status == 0, err
    assert json.loads(out) == {"success": True, "status_code": 1, "status_message": "Success."}


def test_get_with_a_rating_value_off_the_half_steps_exits_2_with_the_bounds_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = run(["--fake", "get", "movies.add_rating", "550", "--value", "8.25", "--session-id", "s"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == "tmdb-async: error: movies.add_rating: value must be from 0.5 to 10 in steps of 0.5, got 8.25"


def test_a_bad_client_setting_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = run(["--fake", "--max-concurrency", "0", "get", "movies.details", "550"])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == "tmdb-async: error: max_concurrency must be a whole number >= 1, got 0"


def test_no_command_is_a_one_line_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = run([])

    assert status == 2
    line = one_line(capsys.readouterr().err)
    assert line == (
        "tmdb-async: error: a command is required: get, fetch, methods or fake (`tmdb-async --help` explains them)"
    )


# -- the real command ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_installed_command_prints_a_movie_and_exits_0() -> None:
    completed = subprocess.run(
        [str(BIN / "tmdb-async"), "--fake", "get", "movies.details", "550", "--append", "credits,videos"],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_BOUND,
        env=clean_environment(),
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    data = json.loads(completed.stdout)
    assert data["id"] == 550
    assert {"credits", "videos"} <= set(data)


@pytest.mark.slow
def test_python_m_tmdb_async_exits_1_on_an_unknown_id_with_one_line_and_no_traceback() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tmdb_async", "--fake", "get", "movies.details", "999999999"],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_BOUND,
        env=clean_environment(),
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert one_line(completed.stderr).startswith("tmdb-async: NotFoundError: HTTP 404, TMDB code 34:")


# -- `tmdb-async fake` ---------------------------------------------------------------------------


def serve_fake(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "tmdb-async"), "fake", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_fake_serves_tmdb_on_a_port_until_interrupted() -> None:
    server = serve_fake("--seed", "3")
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        assert first.startswith("tmdb-async: FakeTMDB serving on http://127.0.0.1:"), first
        base_url = first.split(" on ", 1)[1].split(" ", 1)[0]
        movie = httpx.get(f"{base_url}/3/movie/11?api_key=anything", timeout=BOUND)
        refused = httpx.get(f"{base_url}/3/movie/11", timeout=BOUND)
        server.send_signal(signal.SIGINT)
        _, rest = server.communicate(timeout=SUBPROCESS_BOUND)
    finally:
        server.kill()
        server.wait(timeout=SUBPROCESS_BOUND)

    assert (movie.status_code, movie.json()["title"], refused.status_code) == (200, "Star Wars", 401)
    assert server.returncode == 0
    assert rest == "tmdb-async: FakeTMDB stopped after 2 requests\n"


def test_fake_on_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN / "tmdb-async"), "fake", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_BOUND,
        )

    assert done.returncode == 2
    assert one_line(done.stderr).startswith(f"tmdb-async: error: fake: cannot listen on 127.0.0.1:{port}: ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fake", "--port", "70000"], "tmdb-async: error: fake: --port must be 0-65535, got 70000"),
        (["fake", "--fault-rate", "2"], "tmdb-async: error: fake: fault_rate must be between 0 and 1, got 2.0"),
        (["fake", "--prot", "1"], "tmdb-async: error: tmdb-async fake: unrecognized arguments: --prot 1"),
        (
            ["fake", "--rate-limit", "0"],
            "tmdb-async: error: fake: --rate-limit must be a positive number of requests a second, got 0.0",
        ),
    ],
)
def test_fake_with_bad_options_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(argv)

    assert (status, one_line(capsys.readouterr().err)) == (2, message)
