"""Scripting FakeTMDB from a test: add_movie / add_tv / add_person, respond(), and the handler registry.

Real sockets on 127.0.0.1, through the TMDB client; every await is bounded.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB, AuthenticationError, NotFoundError, ServerError
from tmdb_async._spec import load_spec
from tmdb_async.models import EpisodeDetails, MovieDetails
from tmdb_async.testing import FakeTMDB, sample
from tmdb_async.testing._handlers import HANDLERS, handles

from support import BOUND, bounded


@contextlib.asynccontextmanager
async def client(fake: FakeTMDB, **options: Any) -> AsyncIterator[TMDB]:
    async with fake, TMDB(base_url=fake.base_url, access_token="test", requests_per_second=None, **options) as tmdb:
        yield tmdb


# -- add_movie, add_tv, add_person ----------------------------------------------------------


async def test_an_added_movie_has_its_fields_in_details() -> None:
    fake = FakeTMDB()
    fake.add_movie(949, title="Heat", runtime=170, genres=[{"id": 80, "name": "Crime"}])

    async with client(fake) as tmdb:
        movie = await bounded(tmdb.movies.details(949))

    assert (movie.title, movie.runtime, [g.name for g in movie.genres]) == ("Heat", 170, ["Crime"])


async def test_once_movies_are_added_a_search_finds_only_the_added_ones_that_match() -> None:
    fake = FakeTMDB()
    fake.add_movie(949, title="Heat", genres=[{"id": 80, "name": "Crime"}])
    fake.add_movie(2, title="Heat Wave")
    fake.add_movie(3, title="Ronin")

    async with client(fake) as tmdb:
        found = await bounded(tmdb.search.movies(query="heat"))
        none = await bounded(tmdb.search.movies(query="alien"))
        series = await bounded(tmdb.search.tv(query="heat"))

    assert [(m.id, m.title) for m in found.results] == [(2, "Heat Wave"), (949, "Heat")]
    assert found.results[1].genre_ids == [80]
    assert (none.results, none.total_results) == ([], 0)
    assert series.results  # no series added: series are still generated


async def test_an_added_movie_shows_with_its_title_in_lists() -> None:
    fake = FakeTMDB()
    fake.add_movie(5, title="Heat")

    async with client(fake) as tmdb:
        popular = await bounded(tmdb.movies.popular())  # page 1 holds ids 1 to 20

    assert [m.title for m in popular.results if m.id == 5] == ["Heat"]


async def test_an_added_movie_exists_past_max_id_and_replaces_a_spec_example() -> None:
    fake = FakeTMDB(max_id=100, missing_ids={7})
    fake.add_movie(5_000, title="Far away")
    fake.add_movie(7, title="Found again")
    fake.add_movie(11, title="Not Star Wars")

    async with client(fake) as tmdb:
        titles = [(await bounded(tmdb.movies.details(i))).title for i in (5_000, 7, 11)]
        with pytest.raises(NotFoundError):
            await bounded(tmdb.movies.details(5_001))

    assert titles == ["Far away", "Found again", "Not Star Wars"]


async def test_added_series_and_people_are_found_by_name() -> None:
    fake = FakeTMDB()
    fake.add_tv(1396, name="Breaking Bad", number_of_seasons=5)
    fake.add_person(17419, name="Bryan Cranston")

    async with client(fake) as tmdb:
        series = (await bounded(tmdb.search.tv(query="breaking"))).results
        people = (await bounded(tmdb.search.people(query="cranston"))).results
        details = await bounded(tmdb.tv.details(1396))

    assert [(s.id, s.name) for s in series] == [(1396, "Breaking Bad")]
    assert [(p.id, p.name) for p in people] == [(17419, "Bryan Cranston")]
    assert (details.name, details.number_of_seasons) == ("Breaking Bad", 5)


async def test_adding_after_a_details_call_changes_the_next_answer() -> None:
    fake = FakeTMDB()
    async with client(fake) as tmdb:
        before = (await bounded(tmdb.movies.details(42))).title
        fake.add_movie(42, title="Changed")
        after = (await bounded(tmdb.movies.details(42))).title

    assert (before != "Changed", after) == (True, "Changed")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda fake: fake.add_movie(1, titel="Typo"), "MovieDetails has no field 'titel'; known: account_states, "),
        (lambda fake: fake.add_tv(0, name="Zero"), "a tv id is a positive integer, got 0"),
        (lambda fake: fake.add_person("17419", name="Text id"), "a person id is a positive integer, got '17419'"),
    ],
)
def test_a_bad_addition_is_a_value_error_that_says_what_is_wrong(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(FakeTMDB())


# -- respond ---------------------------------------------------------------------------------


async def test_respond_answers_a_method_with_the_given_json() -> None:
    fake = FakeTMDB()
    fake.respond("movies.details", json=fake.sample("movies.details", 550, title="Scripted", genres=[]))

    async with client(fake) as tmdb:
        movies = [await bounded(tmdb.movies.details(i)) for i in (550, 551)]

    assert [(m.id, m.title, m.genres) for m in movies] == [(550, "Scripted", [])] * 2


async def test_respond_with_an_error_status_gives_tmdbs_error_body() -> None:
    fake = FakeTMDB()
    fake.respond("/3/movie/550", status=404)

    async with client(fake) as tmdb:
        with pytest.raises(NotFoundError) as raised:
            await bounded(tmdb.movies.details(550))
        other = await bounded(tmdb.movies.details(551))

    assert raised.value.tmdb_status_code == 34
    assert other.id == 551


async def test_respond_times_answers_that_many_requests_then_as_before() -> None:
    fake = FakeTMDB()
    fake.respond("/3/movie/*/credits", status=503, times=2)

    async with client(fake, max_retries=0) as tmdb:
        outcomes = []
        for _ in range(3):
            try:
                await bounded(tmdb.movies.credits(550))
                outcomes.append("ok")
            except ServerError as exc:
                outcomes.append(str(exc.status_code))

    assert outcomes == ["503", "503", "ok"]


async def test_respond_sends_the_given_headers_and_status() -> None:
    fake = FakeTMDB()
    fake.respond("/3/made/up", json=[1, 2], status=202, headers={"X-Scripted": "yes"})

    async with fake, httpx.AsyncClient(base_url=fake.base_url, timeout=BOUND) as raw:
        answer = await raw.get("/3/made/up", headers={"Authorization": "Bearer test"})

    assert (answer.status_code, answer.json(), answer.headers["x-scripted"]) == (202, [1, 2], "yes")


async def test_credentials_are_checked_before_a_script_answers() -> None:
    fake = FakeTMDB()
    fake.respond("movies.details", json={"id": 1, "title": "Scripted"})

    async with fake, TMDB(base_url=fake.base_url, access_token="wrong", requests_per_second=None) as tmdb:
        with pytest.raises(AuthenticationError):
            await bounded(tmdb.movies.details(1))


@pytest.mark.parametrize(
    ("route", "options", "message"),
    [
        ("movies.detail", {}, "unknown route 'movies.detail': give a method like 'movies.details'"),
        ("movies.details", {"status": 99}, "status must be an HTTP status"),
        ("movies.details", {"times": 0}, "times must be a positive count or None"),
    ],
)
def test_a_bad_script_is_a_value_error_that_says_what_is_wrong(
    route: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FakeTMDB().respond(route, **options)


# -- the handler registry --------------------------------------------------------------------


def test_every_handler_answers_an_operation_of_the_spec() -> None:
    operation_ids = {op["operationId"] for item in load_spec()["paths"].values() for op in item.values()}

    assert set(HANDLERS) <= operation_ids


def test_every_rating_and_account_state_operation_has_a_handler() -> None:
    operation_ids = {op["operationId"] for item in load_spec()["paths"].values() for op in item.values()}
    stateful = {op for op in operation_ids if op.endswith(("_add_rating", "_delete_rating", "_account_states"))}

    assert len(stateful) >= 10
    assert stateful <= set(HANDLERS)


def test_registering_a_second_handler_for_an_operation_is_refused() -> None:
    with pytest.raises(ValueError, match="movies_add_rating already has a handler: add_rating"):
        handles("movies_add_rating")(lambda app, call: HANDLERS["movies_add_rating"](app, call))


# -- browsers ----------------------------------------------------------------------------------


async def test_a_browser_preflight_is_allowed_and_answers_carry_cors() -> None:
    async with FakeTMDB() as fake, httpx.AsyncClient(base_url=fake.base_url, timeout=BOUND) as raw:
        preflight = await raw.options(
            "/3/movie/550",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Headers": "authorization"},
        )
        answer = await raw.get("/3/movie/550", headers={"Authorization": "Bearer test"})

    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert (answer.status_code, answer.headers["access-control-allow-origin"]) == (200, "*")


def test_sample_is_a_complete_answer_with_the_fields_laid_over_it_and_counts_nothing() -> None:
    fake = FakeTMDB()
    body = fake.sample("movies.details", 550, title="Scripted")

    parsed = MovieDetails.from_dict(body)  # every required field is there: the model checks it
    assert (parsed.id, parsed.title) == (550, "Scripted")
    assert EpisodeDetails.from_dict(sample("tv_episodes.details", 1399, 1, 1)).id > 0  # three ids
    assert fake.stats.requests == 0


@pytest.mark.parametrize(
    ("method", "ids", "fields", "message"),
    [
        ("movies.nope", (), {}, "unknown method 'movies.nope'"),
        ("movies.details", (), {}, r"movies.details takes 1 id\(s\) \(movie_id\), got 0"),
        ("movies.details", (0,), {}, "movie_id=0 would answer 404"),
        ("configuration.countries", (), {"x": 1}, "answers a list: it takes no fields"),
    ],
)
def test_sample_refuses_what_it_cannot_answer_in_one_line(
    method: str, ids: tuple[int, ...], fields: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FakeTMDB().sample(method, *ids, **fields)
