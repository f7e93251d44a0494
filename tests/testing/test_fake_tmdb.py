"""FakeTMDB over real sockets: every operation, deterministic data, TMDB's errors, credentials, ratings, paging, stats.

Every test talks to a FakeTMDB on 127.0.0.1 through the TMDB client, or through plain httpx where the
client would refuse to send the request (it checks bounds before sending). No looptime here: real sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import typing
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, Literal, get_type_hints

import httpx
import pytest

from tmdb_async import TMDB, AuthenticationError, NotFoundError
from tmdb_async.models import (
    UNSET,
    AccountRating,
    CastMember,
    Credits,
    CrewMember,
    Image,
    Images,
    MovieDetails,
    StatusResponse,
    TvSeriesDetails,
    Video,
    Videos,
)
from tmdb_async.testing import FakeTMDB
from tmdb_async_api.resources.movies import MOVIE_DETAILS_APPEND

from spec_models import operations
from support import BOUND, bounded, fake_and_client

NAMESPACES = ("authentication", "movies", "tv")
ALL_NAMESPACES = tuple(sorted({name.split(".")[0] for name in operations()}))
ID_OF_NAMESPACE = {"movies": 550, "tv": 1399}
AUTH = {"Authorization": "Bearer test"}


def raw_client(fake: FakeTMDB, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """Plain httpx, no retries, no checks: sends exactly what the test asks for."""
    return httpx.AsyncClient(base_url=fake.base_url, headers=AUTH if headers is None else headers, timeout=BOUND)


def public_methods(tmdb: TMDB, namespace: str) -> list[tuple[str, Callable[..., Awaitable[Any]]]]:
    resource = getattr(tmdb, namespace)
    # delete_rating after add_rating: it deletes the rating add_rating stored.
    names = sorted((name for name in dir(resource) if not name.startswith("_")), key=lambda n: n == "delete_rating")
    return [(name, getattr(resource, name)) for name in names]


# -- lifecycle -----------------------------------------------------------------------------


async def test_base_url_before_start_raises_runtime_error() -> None:
    fake = FakeTMDB()

    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.base_url


async def test_base_url_is_a_local_port_while_running_and_raises_again_after_close() -> None:
    fake = FakeTMDB()
    await bounded(fake.start())
    try:
        assert fake.base_url.startswith("http://127.0.0.1:")
        assert int(fake.base_url.rsplit(":", 1)[1]) > 0
    finally:
        await bounded(fake.close())

    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.base_url


# -- every operation -----------------------------------------------------------------------


# A realistic value for every parameter name a facade method can require.
ARGUMENTS: dict[str, Any] = {
    "movie_id": 550, "series_id": 1399, "season_number": 1, "episode_number": 1, "person_id": 287,
    "external_id": "tt0137523", "credit_id": "52fe4250c3a36847f80149f3", "review_id": "5b1c13b9c3a36848f2026384",
    "tv_episode_group_id": "5acf93e60e0a26346d0000ce", "query": "fight", "value": 8.5, "request_token": "token",
    "username": "user", "password": "secret", "access_token": "v4-token", "session_id": "session", "media_id": 550,
    "favorite": True, "watchlist": True, "name": "My list", "confirm": True, "description": "Movies I own",
}  # fmt: skip


def arguments_for(method: Callable[..., Any], guest_session_id: str) -> tuple[list[Any], dict[str, Any]]:
    """Positional ids and required keywords for any facade method, from its signature."""
    hints = get_type_hints(method)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(method).parameters.values():
        literal = typing.get_args(hints[param.name]) if typing.get_origin(hints[param.name]) is Literal else ()
        if param.name == "guest_session_id":
            value: Any = guest_session_id
        elif literal:
            value = literal[0]
        elif param.default is not inspect.Parameter.empty:
            continue
        else:
            value = ARGUMENTS.get(param.name, 1)
        if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            args.append(value)
        elif param.default is inspect.Parameter.empty or param.name == "guest_session_id":
            kwargs[param.name] = value
    return args, kwargs


def result_matches(result: Any, expected: Any) -> bool:
    if typing.get_origin(expected) is list:
        (item,) = typing.get_args(expected)
        return isinstance(result, list) and all(isinstance(entry, item) for entry in result)
    return isinstance(result, expected)


async def test_every_operation_of_the_spec_gets_a_2xx_answer_that_parses_into_its_model() -> None:
    async with fake_and_client() as (fake, tmdb):
        guest_session_id = (await bounded(tmdb.authentication.create_guest_session())).guest_session_id
        called: list[str] = []
        for namespace in ALL_NAMESPACES:
            for name, method in public_methods(tmdb, namespace):
                args, kwargs = arguments_for(method, guest_session_id)
                result = await bounded(method(*args, **kwargs))
                expected = get_type_hints(method)["return"]
                assert result_matches(result, expected), f"{namespace}.{name} gave {type(result).__name__}"
                called.append(f"{namespace}.{name}")

    assert sorted(called) == sorted(operations())  # each operation once
    # Every call plus the guest session made first; every answer a success.
    assert fake.stats.requests == len(called) + 1
    assert sum(count for status, count in fake.stats.by_status.items() if 200 <= status < 300) == len(called) + 1


# -- deterministic data --------------------------------------------------------------------


async def test_the_same_id_gives_the_same_data_twice() -> None:
    async with fake_and_client() as (_, tmdb):
        first = await bounded(tmdb.movies.details(550, append_to_response=["credits"]))
        second = await bounded(tmdb.movies.details(550, append_to_response=["credits"]))
        other = await bounded(tmdb.movies.details(551, append_to_response=["credits"]))

    assert first.to_dict() == second.to_dict()
    assert first.id == 550
    assert other.id == 551
    assert other.title != first.title or other.overview != first.overview


async def test_two_fakes_with_the_same_seed_serve_the_same_data_and_another_seed_serves_other_data() -> None:
    async with contextlib.AsyncExitStack() as stack:
        bodies: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for seed in (7, 7, 8):
            fake = await stack.enter_async_context(FakeTMDB(seed=seed))
            tmdb = await stack.enter_async_context(TMDB(base_url=fake.base_url, access_token="test"))
            movie = await bounded(tmdb.movies.details(550, append_to_response=["credits"]))
            series = await bounded(tmdb.tv.details(1400))
            bodies.append((movie.to_dict(), series.to_dict()))

    same_a, same_b, other = bodies
    assert same_a == same_b
    assert same_a[0]["title"] == same_b[0]["title"]
    assert other[0] != same_a[0]
    assert other[1] != same_a[1]
    assert other[0]["id"] == same_a[0]["id"] == 550
    assert other[1]["id"] == same_a[1]["id"] == 1400


async def test_movie_11_and_tv_1399_serve_the_spec_examples_whatever_the_seed() -> None:
    async with fake_and_client(seed=12345) as (_, tmdb):
        movie = await bounded(tmdb.movies.details(11))
        series = await bounded(tmdb.tv.details(1399))

    assert isinstance(movie, MovieDetails)
    assert movie.id == 11
    assert movie.title == "Star Wars"
    assert movie.imdb_id == "tt0076759"
    assert movie.budget == 11000000
    assert isinstance(series, TvSeriesDetails)
    assert series.id == 1399
    assert series.name == "Game of Thrones"
    assert series.first_air_date == "2011-04-17"


async def test_movie_11_with_appended_credits_is_still_the_star_wars_example() -> None:
    async with fake_and_client() as (_, tmdb):
        plain = await bounded(tmdb.movies.details(11))
        appended = await bounded(tmdb.movies.details(11, append_to_response=["credits"]))
        series = await bounded(tmdb.tv.details(1399, append_to_response=["credits"]))

    assert appended.id == 11
    assert appended.title == plain.title == "Star Wars"
    assert appended.imdb_id == "tt0076759"
    assert isinstance(appended.credits, Credits)
    assert appended.credits.cast
    assert series.name == "Game of Thrones"
    assert isinstance(series.credits, Credits)


async def test_details_with_appended_credits_images_videos_are_typed_and_not_empty() -> None:
    async with fake_and_client() as (_, tmdb):
        movie = await bounded(tmdb.movies.details(550, append_to_response=["credits", "images", "videos"]))

    assert movie.id == 550
    assert isinstance(movie.credits, Credits)
    assert len(movie.credits.cast) >= 24  # dozens of cast members
    assert all(isinstance(member, CastMember) for member in movie.credits.cast)
    assert len(movie.credits.crew) >= 24
    assert all(isinstance(member, CrewMember) for member in movie.credits.crew)
    assert isinstance(movie.images, Images)
    assert movie.images.posters
    assert all(isinstance(poster, Image) for poster in movie.images.posters)
    assert isinstance(movie.videos, Videos)
    assert movie.videos.results
    assert all(isinstance(video, Video) for video in movie.videos.results)
    # Only what was asked for is appended.
    assert movie.keywords is UNSET
    assert movie.recommendations is UNSET


async def test_details_with_five_appended_sub_resources_is_a_large_body() -> None:
    async with FakeTMDB() as fake, raw_client(fake) as http:
        response = await bounded(
            http.get("/3/movie/550", params={"append_to_response": "credits,images,videos,keywords,recommendations"})
        )

    print(f"/3/movie/550 with 5 appended sub-resources: {len(response.content)} bytes")
    assert response.status_code == 200
    assert len(response.content) > 50 * 1024
    data = response.json()
    assert data["id"] == 550
    assert {"credits", "images", "videos", "keywords", "recommendations"} <= set(data)
    assert MovieDetails.from_dict(data).id == 550


# -- TMDB's errors -------------------------------------------------------------------------


async def test_an_unknown_id_is_not_found_with_tmdb_code_34() -> None:
    async with fake_and_client() as (_, tmdb):
        with pytest.raises(NotFoundError) as caught:
            await bounded(tmdb.movies.details(999_999_999))

    assert caught.value.status_code == 404
    assert caught.value.tmdb_status_code == 34


async def test_ids_in_missing_ids_and_above_max_id_are_not_found_and_others_are_served() -> None:
    async with fake_and_client(missing_ids={551, 1400}, max_id=1000) as (_, tmdb):
        served = await bounded(tmdb.movies.details(550))
        for call in (
            tmdb.movies.details(551),
            tmdb.movies.credits(551),
            tmdb.tv.details(1400),
            tmdb.movies.details(1001),
        ):
            with pytest.raises(NotFoundError) as caught:
                await bounded(call)
            assert caught.value.tmdb_status_code == 34

    assert served.id == 550


@pytest.mark.parametrize("page", ["501", "0", "abc"])
async def test_a_page_outside_1_to_500_sent_raw_is_a_400_with_code_22(page: str) -> None:
    async with FakeTMDB() as fake, raw_client(fake) as http:
        response = await bounded(http.get("/3/movie/popular", params={"page": page}))

    assert response.status_code == 400
    assert response.json()["status_code"] == 22


async def test_a_page_of_unicode_digits_sent_raw_is_a_400_with_code_22() -> None:
    # "²".isdigit() is True but int("²") raises: the fake must still answer TMDB's 400, not drop the connection.
    async with FakeTMDB() as fake, raw_client(fake) as http:
        response = await bounded(http.get("/3/movie/popular", params={"page": "²"}))

    assert response.status_code == 400
    assert response.json()["status_code"] == 22


async def test_21_appended_names_sent_raw_are_a_400_with_code_27_and_20_are_served() -> None:
    names = sorted(MOVIE_DETAILS_APPEND)
    twenty_one = [names[i % len(names)] for i in range(21)]
    async with FakeTMDB() as fake, raw_client(fake) as http:
        too_many = await bounded(http.get("/3/movie/550", params={"append_to_response": ",".join(twenty_one)}))
        twenty = await bounded(http.get("/3/movie/550", params={"append_to_response": ",".join(twenty_one[:20])}))

    assert too_many.status_code == 400
    assert too_many.json()["status_code"] == 27
    assert twenty.status_code == 200
    assert twenty.json()["id"] == 550


# -- credentials ---------------------------------------------------------------------------


@pytest.mark.parametrize(("access_token", "api_key"), [("wrong", None), (None, "wrong")])
async def test_bad_credentials_are_an_authentication_error_with_code_7(
    access_token: str | None, api_key: str | None
) -> None:
    async with (
        FakeTMDB() as fake,
        TMDB(base_url=fake.base_url, access_token=access_token, api_key=api_key, max_retries=0) as tmdb,
    ):
        with pytest.raises(AuthenticationError) as caught:
            await bounded(tmdb.movies.details(550))

    assert caught.value.status_code == 401
    assert caught.value.tmdb_status_code == 7
    assert fake.stats.by_status == Counter({401: 1})


async def test_a_request_without_credentials_sent_raw_is_a_401_with_code_7() -> None:
    async with FakeTMDB() as fake, raw_client(fake, headers={}) as http:
        response = await bounded(http.get("/3/movie/550"))

    assert response.status_code == 401
    assert response.json()["status_code"] == 7


async def test_the_api_key_in_the_query_is_accepted() -> None:
    async with FakeTMDB() as fake, raw_client(fake, headers={}) as http:
        raw = await bounded(http.get("/3/movie/550", params={"api_key": "test"}))
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, api_key="test") as tmdb:
        movie = await bounded(tmdb.movies.details(550))

    assert raw.status_code == 200
    assert raw.json()["id"] == 550
    assert movie.id == 550


async def test_credentials_none_accepts_any_non_empty_credential_and_nothing_else() -> None:
    async with FakeTMDB(credentials=None) as fake, raw_client(fake, headers={}) as http:
        bearer = await bounded(http.get("/3/movie/550", headers={"Authorization": "Bearer anything-at-all"}))
        key = await bounded(http.get("/3/movie/550", params={"api_key": "whatever"}))
        not_bearer = await bounded(http.get("/3/movie/550", headers={"Authorization": "Basic dGVzdDp0ZXN0"}))
        empty_key = await bounded(http.get("/3/movie/550", params={"api_key": ""}))
        nothing = await bounded(http.get("/3/movie/550"))

    assert (bearer.status_code, key.status_code) == (200, 200)
    assert (not_bearer.status_code, empty_key.status_code, nothing.status_code) == (401, 401, 401)
    assert nothing.json()["status_code"] == 7


# -- ratings -------------------------------------------------------------------------------


async def test_a_rating_is_stored_updated_read_back_and_deleted() -> None:
    async with fake_and_client() as (fake, tmdb):
        session = (await bounded(tmdb.authentication.create_guest_session())).guest_session_id
        added = await bounded(tmdb.movies.add_rating(550, value=8.5, guest_session_id=session))
        rated = await bounded(tmdb.movies.account_states(550, guest_session_id=session))
        stored = dict(fake.ratings)
        updated = await bounded(tmdb.movies.add_rating(550, value=7.0, guest_session_id=session))
        rerated = await bounded(tmdb.movies.account_states(550, guest_session_id=session))
        deleted = await bounded(tmdb.movies.delete_rating(550, guest_session_id=session))
        unrated = await bounded(tmdb.movies.account_states(550, guest_session_id=session))
        with pytest.raises(NotFoundError) as deleted_again:
            await bounded(tmdb.movies.delete_rating(550, guest_session_id=session))

    assert isinstance(added, StatusResponse)
    assert added.status_code == 1
    assert isinstance(rated.rated, AccountRating)
    assert rated.rated.value == 8.5
    assert rated.id == 550
    assert stored == {(session, "movies", 550): 8.5}
    assert updated.status_code == 12
    assert isinstance(rerated.rated, AccountRating)
    assert rerated.rated.value == 7.0
    assert deleted.status_code == 13
    assert unrated.rated is False
    assert deleted_again.value.tmdb_status_code == 34
    assert fake.ratings == {}


async def test_ratings_are_kept_per_guest_session_and_per_kind() -> None:
    async with fake_and_client() as (fake, tmdb):
        first = (await bounded(tmdb.authentication.create_guest_session())).guest_session_id
        second = (await bounded(tmdb.authentication.create_guest_session())).guest_session_id
        await bounded(tmdb.movies.add_rating(550, value=9.0, guest_session_id=first))
        await bounded(tmdb.tv.add_rating(550, value=3.5, guest_session_id=first))
        other_session = await bounded(tmdb.movies.account_states(550, guest_session_id=second))
        movie = await bounded(tmdb.movies.account_states(550, guest_session_id=first))
        series = await bounded(tmdb.tv.account_states(550, guest_session_id=first))

    assert first != second
    assert other_session.rated is False
    assert isinstance(movie.rated, AccountRating)
    assert movie.rated.value == 9.0
    assert isinstance(series.rated, AccountRating)
    assert series.rated.value == 3.5
    assert fake.ratings == {(first, "movies", 550): 9.0, (first, "tv", 550): 3.5}


async def test_a_rating_with_an_unknown_guest_session_is_an_authentication_error() -> None:
    async with fake_and_client() as (fake, tmdb):
        with pytest.raises(AuthenticationError) as caught:
            await bounded(tmdb.movies.add_rating(550, value=8.0, guest_session_id="no-such-session"))

    assert caught.value.status_code == 401
    assert caught.value.tmdb_status_code == 3
    assert fake.ratings == {}


@pytest.mark.parametrize("value", [11, 0, 8.25, "8"])
async def test_a_rating_value_tmdb_rejects_sent_raw_is_a_400_with_code_18(value: object) -> None:
    async with FakeTMDB() as fake, raw_client(fake) as http:
        session = (await bounded(http.get("/3/authentication/guest_session/new"))).json()["guest_session_id"]
        response = await bounded(
            http.post("/3/movie/550/rating", params={"guest_session_id": session}, json={"value": value})
        )

    assert response.status_code == 400
    assert response.json()["status_code"] == 18
    assert fake.ratings == {}


# -- paging --------------------------------------------------------------------------------


async def test_pages_hold_20_results_agree_on_totals_and_the_last_page_is_shorter() -> None:
    async with fake_and_client() as (_, tmdb):
        first = await bounded(tmdb.movies.popular(page=1))
        second = await bounded(tmdb.movies.popular(page=2))
        last = await bounded(tmdb.movies.popular(page=first.total_pages))

    assert first.page == 1
    assert second.page == 2
    assert len(first.results) == 20
    assert len(second.results) == 20
    assert first.total_pages == second.total_pages == last.total_pages
    assert first.total_results == second.total_results == last.total_results
    assert 0 < len(last.results) < 20
    assert first.total_results == (first.total_pages - 1) * 20 + len(last.results)
    assert {movie.id for movie in first.results}.isdisjoint({movie.id for movie in second.results})


async def test_a_page_beyond_total_pages_has_empty_results() -> None:
    async with fake_and_client() as (_, tmdb):
        first = await bounded(tmdb.movies.popular())
        assert first.total_pages < 500  # seed 0: a page past the end is still a valid page number
        beyond = await bounded(tmdb.movies.popular(page=first.total_pages + 1))

    assert beyond.page == first.total_pages + 1
    assert beyond.results == []
    assert beyond.total_pages == first.total_pages


async def test_paginate_walks_consecutive_pages_of_the_fake() -> None:
    async with fake_and_client() as (fake, tmdb):
        movies = [movie async for movie in tmdb.paginate(tmdb.movies.popular).max_pages(3)]

    assert len(movies) == 60
    assert len({movie.id for movie in movies}) == 60
    assert fake.stats.by_path["/3/movie/popular"] == 3


# -- stats ---------------------------------------------------------------------------------


async def test_stats_count_requests_statuses_paths_faults_and_connections() -> None:
    async with FakeTMDB() as fake:
        fake.fail("/3/movie/551", "503", times=1)
        async with raw_client(fake) as http:
            statuses = [
                (await bounded(http.get("/3/movie/550"))).status_code,
                (await bounded(http.get("/3/movie/550"))).status_code,
                (await bounded(http.get("/3/movie/999999999"))).status_code,
                (await bounded(http.get("/3/movie/551"))).status_code,
                (await bounded(http.get("/3/movie/551"))).status_code,
                (await bounded(http.get("/3/movie/550", headers={"Authorization": ""}))).status_code,
            ]
            open_while_connected = fake.stats.connections
        for _ in range(200):  # the server sees the client's close shortly after
            if fake.stats.connections == 0:
                break
            await asyncio.sleep(0.01)
        stats = fake.stats

    assert statuses == [200, 200, 404, 503, 200, 401]
    assert stats.requests == 6
    assert stats.by_status == Counter({200: 3, 404: 1, 503: 1, 401: 1})
    assert stats.by_path == Counter({"/3/movie/550": 3, "/3/movie/999999999": 1, "/3/movie/551": 2})
    assert stats.faults == Counter({"503": 1})
    assert stats.faults_injected == 1
    assert stats.rate_limited == 0
    assert stats.max_in_flight == 1
    assert stats.in_flight == 0
    assert open_while_connected == 1  # one kept-alive connection for all six requests
    assert stats.max_connections == 1
    assert stats.connections == 0
