"""The pytest plugin (entry point pytest11): `tmdb_fake` and `tmdb` work in a project with nothing else.

Each test writes a small test project with pytester and runs pytest on it in a subprocess
(the way a user's pytest loads the installed plugin, through its entry point).
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

AUTO_MODE = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


def run(pytester: pytest.Pytester, ini: str, test: str, *args: str) -> pytest.RunResult:
    pytester.makeini(ini)
    pytester.makepyfile(test_user=test)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", *args, timeout=120)


def test_a_plain_async_test_gets_a_client_bound_to_a_running_fake(pytester: pytest.Pytester) -> None:
    test = """
async def test_details(tmdb, tmdb_fake):
    movie = await tmdb.movies.details(11)
    assert movie.title == "Star Wars"
    assert tmdb_fake.stats.requests == 1

async def test_scripted(tmdb, tmdb_fake):
    tmdb_fake.add_movie(949, title="Heat")
    page = await tmdb.search.movies(query="heat")
    assert [m.id for m in page.results] == [949]
"""
    result = run(pytester, AUTO_MODE, test)

    result.assert_outcomes(passed=2)


def test_each_test_gets_its_own_fake(pytester: pytest.Pytester) -> None:
    test = """
async def test_first(tmdb, tmdb_fake):
    tmdb_fake.add_movie(1, title="Only here")
    assert (await tmdb.movies.details(1)).title == "Only here"

async def test_second(tmdb, tmdb_fake):
    assert (await tmdb.movies.details(1)).title != "Only here"
    assert tmdb_fake.stats.requests == 1
"""
    result = run(pytester, AUTO_MODE, test)

    result.assert_outcomes(passed=2)


def test_the_marker_passes_options_to_the_fake(pytester: pytest.Pytester) -> None:
    test = """
import pytest
from tmdb_async import NotFoundError

@pytest.mark.tmdb_fake(missing_ids={550})
async def test_missing(tmdb):
    with pytest.raises(NotFoundError):
        await tmdb.movies.details(550)
"""
    result = run(pytester, AUTO_MODE, test, "--strict-markers")

    result.assert_outcomes(passed=1)


def test_the_marker_refuses_positional_options_in_one_line(pytester: pytest.Pytester) -> None:
    test = """
import pytest

@pytest.mark.tmdb_fake(0.1)
async def test_rate(tmdb):
    pass
"""
    result = run(pytester, AUTO_MODE, test)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.tmdb_fake takes keyword options only*"])


def test_in_strict_mode_a_marked_test_uses_the_fixtures(pytester: pytest.Pytester) -> None:
    test = """
import pytest

@pytest.mark.asyncio
async def test_details(tmdb):
    assert (await tmdb.movies.details(11)).title == "Star Wars"
"""
    result = run(pytester, "[pytest]\nasyncio_default_fixture_loop_scope = function\n", test)

    result.assert_outcomes(passed=1)


def test_without_the_plugin_the_fixtures_do_not_exist(pytester: pytest.Pytester) -> None:
    test = """
async def test_details(tmdb):
    pass
"""
    result = run(pytester, AUTO_MODE, test, "-p", "no:tmdb_async")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'tmdb' not found*"])


def test_without_pytest_asyncio_the_fixtures_say_what_to_install(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The plugin, loaded alone (no entry points), after a plugin that hides pytest-asyncio.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(
        hide_pytest_asyncio="import sys\nsys.modules['pytest_asyncio'] = None  # find_spec answers None\n",
        test_user="def test_client(tmdb):\n    pass\n\n\ndef test_fake(tmdb_fake):\n    pass\n",
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "hide_pytest_asyncio", "-p", "tmdb_async.testing.pytest_plugin", "-q",
        timeout=120,
    )  # fmt: skip

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*tmdb_fake and tmdb fixtures are async fixtures of pytest-asyncio*"] * 2)
