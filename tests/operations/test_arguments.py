"""What the facade does with arguments beyond the contract: bounds and names refused before sending, ids, routes.

tests/operations/test_contract.py checks every operation the same way; here are the particular cases: values out of
the range TMDB accepts and sub-resources appended at the wrong level raise ValueError with nothing sent, season 0
is a real season, string ids are percent-encoded, and the parameter schemas these checks rest on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

import tmdb_async_api.models as m
from tmdb_async import TMDB

from recording import Recorder
from support import official, spec

TOKEN = "tok"
ACCOUNT_ID = 548
LIST_ID = 1
TOM_HANKS = 31
SERIES_ID = 1399
SEASON = 1
EPISODE = 1
SEASON_ARGS = (SERIES_ID, SEASON)
EPISODE_ARGS = (SERIES_ID, SEASON, EPISODE)
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"
TV_PARTS = ("tv_seasons", "tv_episodes", "tv_episode_groups")
FAVORITE_BODY = {"media_type": "movie", "media_id": 550, "favorite": True}


def mocked(recorder: Recorder) -> TMDB:
    return TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder))


def facade_method(tmdb: TMDB, facade: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    namespace, name = facade.split(".")
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, namespace), name)
    return method


def operations_of(*tags: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Facade method -> (HTTP method, route, operation) for every operation of these tags."""
    found = {}
    for route, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "delete", "put", "patch"} and op["tags"][0] in tags:
                tag = op["tags"][0]
                found[f"{tag}.{op['operationId'].removeprefix(tag + '_')}"] = (method.upper(), route, op)
    return found


def parameter(name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec()["components"]["parameters"][name]
    return found


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("account.details", (0,), {"session_id": SESSION_ID}),
        ("account.rated_movies", (ACCOUNT_ID,), {"session_id": SESSION_ID, "page": 501}),
        ("account.add_favorite", (ACCOUNT_ID,), {**FAVORITE_BODY, "media_id": 0, "session_id": SESSION_ID}),
        ("lists.details", (0,), {}),
        ("lists.item_status", (LIST_ID,), {"movie_id": 0}),
        ("lists.add_movie", (LIST_ID,), {"media_id": -18, "session_id": SESSION_ID}),
        ("guest_sessions.rated_tv", (GUEST_SESSION_ID,), {"page": 0}),
    ],
)
async def test_out_of_range_account_list_and_guest_arguments_raise_before_any_request(
    name: str, args: tuple[int | str, ...], kwargs: dict[str, Any]
) -> None:
    recorder = Recorder({}, status=200)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="must be"):
            await facade_method(tmdb, name)(*args, **kwargs)
    assert recorder.requests == []


async def test_out_of_range_search_and_keyword_arguments_raise_before_anything_is_sent() -> None:
    recorder = Recorder(official("search.movies"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.search.movies(query="x", page=501)
        with pytest.raises(ValueError, match="year"):
            await tmdb.search.movies(query="x", year=999)
        with pytest.raises(ValueError, match="first_air_date_year"):
            await tmdb.search.tv(query="x", first_air_date_year=10000)
        with pytest.raises(ValueError, match="keyword_id"):
            await tmdb.keywords.details(0)
    assert recorder.requests == []


async def test_out_of_range_people_and_trending_arguments_fail_before_any_request() -> None:
    recorder = Recorder({})
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.people.popular(page=501)
        with pytest.raises(ValueError, match="page"):
            await tmdb.trending.all("day", page=0)
        with pytest.raises(ValueError, match="person_id"):
            await tmdb.people.details(0)
        with pytest.raises(ValueError, match="known: changes, combined_credits"):
            await tmdb.people.details(TOM_HANKS, append_to_response=["credits"])  # type: ignore[list-item]
    assert recorder.requests == []


async def test_discover_rejects_page_501_before_sending() -> None:
    recorder = Recorder(official("discover.tv"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.discover.tv(page=501)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("facade", "args", "message"),
    [
        ("tv_seasons.details", (SERIES_ID, -1), "season_number must be from 0, got -1"),
        ("tv_seasons.credits", (0, SEASON), "series_id must be from 1, got 0"),
        ("tv_episodes.details", (SERIES_ID, SEASON, -1), "episode_number must be from 0, got -1"),
        ("tv_episodes.delete_rating", (SERIES_ID, -2, EPISODE), "season_number must be from 0, got -2"),
        ("tv_seasons.changes", (0,), "season_id must be from 1, got 0"),
        ("tv_episodes.changes", (0,), "episode_id must be from 1, got 0"),
    ],
)
async def test_out_of_range_numbers_and_ids_raise_before_anything_is_sent(
    facade: str, args: tuple[int, ...], message: str
) -> None:
    recorder = Recorder({}, status=200)
    async with mocked(recorder) as tmdb:
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            await facade_method(tmdb, facade)(*args)

    assert recorder.requests == []


@pytest.mark.parametrize("value", [0, 10.5, 7.25])
async def test_an_episode_rating_outside_half_steps_of_0_5_to_10_raises_before_sending(value: float) -> None:
    recorder = Recorder(official("tv_episodes.add_rating"), status=201)
    async with mocked(recorder) as tmdb:
        with pytest.raises(ValueError, match=re.escape("value must be from 0.5 to 10 in steps of 0.5")):
            await tmdb.tv_episodes.add_rating(*EPISODE_ARGS, value=value, guest_session_id=GUEST_SESSION_ID)

    assert recorder.requests == []


@pytest.mark.parametrize(
    ("facade", "args", "name", "known"),
    [
        # keywords is a series sub-resource, aggregate_credits a season one: neither appends to an episode.
        ("tv_seasons.details", SEASON_ARGS, "keywords", "account_states, aggregate_credits, credits"),
        ("tv_episodes.details", EPISODE_ARGS, "aggregate_credits", "account_states, credits, external_ids"),
    ],
)
async def test_appending_a_sub_resource_of_another_level_raises_before_sending(
    facade: str, args: tuple[int, ...], name: str, known: str
) -> None:
    recorder = Recorder({}, status=200)
    async with mocked(recorder) as tmdb:
        with pytest.raises(ValueError, match=f"unknown sub-resource\\(s\\) '{name}'; known: {known}"):
            await facade_method(tmdb, facade)(*args, append_to_response=[name])

    assert recorder.requests == []


async def test_season_zero_the_specials_is_requested_as_season_0() -> None:
    # One body for both calls: the season's, with what an episode requires besides.
    episode = official("tv_episodes.details")
    body = episode | official("tv_seasons.details") | {"name": "Specials", "season_number": 0}
    recorder = Recorder(body, status=200)
    async with mocked(recorder) as tmdb:
        season = await tmdb.tv_seasons.details(SERIES_ID, 0)
        await tmdb.tv_episodes.details(SERIES_ID, 0, 1)

    assert [r.url.path for r in recorder.requests] == [
        f"/3/tv/{SERIES_ID}/season/0",
        f"/3/tv/{SERIES_ID}/season/0/episode/1",
    ]
    assert (season.name, season.season_number) == ("Specials", 0)


async def test_an_episode_group_id_is_a_string_sent_percent_encoded() -> None:
    recorder = Recorder(official("tv_episode_groups.details"), status=200)
    async with mocked(recorder) as tmdb:
        await tmdb.tv_episode_groups.details("a/b c")

    assert recorder.requests[0].url.raw_path == b"/3/tv/episode_group/a%2Fb%20c"


async def test_changed_id_lists_are_not_the_per_item_changes() -> None:
    # /3/movie/changes (changes.movies) and /3/movie/{movie_id}/changes (movies.changes) are different operations.
    recorder = Recorder(official("changes.movies"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        page = await tmdb.changes.movies()
    assert [request.url.path for request in recorder.requests] == ["/3/movie/changes"]
    assert isinstance(page, m.ChangedIdPage)
    routes = {op["operationId"]: route for route, item in spec()["paths"].items() for op in item.values()}
    assert routes["changes_movies"] == "/3/movie/changes"
    assert routes["movies_changes"] == "/3/movie/{movie_id}/changes"


def test_season_and_episode_numbers_start_at_zero_and_ids_at_one() -> None:
    # Season 0 is "Specials"; the ids of a season or an episode are TMDB ids, like a series id.
    bounds = {
        name: (parameter(name)["in"], parameter(name)["schema"]["type"], parameter(name)["schema"].get("minimum"))
        for name in ("series_id", "season_number", "episode_number", "season_id", "episode_id", "tv_episode_group_id")
    }
    assert bounds == {
        "series_id": ("path", "integer", 1),
        "season_number": ("path", "integer", 0),
        "episode_number": ("path", "integer", 0),
        "season_id": ("path", "integer", 1),
        "episode_id": ("path", "integer", 1),
        "tv_episode_group_id": ("path", "string", None),
    }


def test_every_series_route_takes_the_shared_series_id_parameter() -> None:
    for facade, (_, route, op) in operations_of(*TV_PARTS).items():
        refs = [p.get("$ref", "") for p in op["parameters"]]
        assert all("$ref" in p for p in op["parameters"]), facade
        assert ("#/components/parameters/series_id" in refs) == ("{series_id}" in route), facade


@pytest.mark.parametrize(
    ("param", "details", "expected"),
    [
        ("tv_season_append_to_response", "SeasonDetails",
         ["account_states", "aggregate_credits", "credits", "external_ids", "images", "translations", "videos",
          "watch/providers"]),
        ("tv_episode_append_to_response", "EpisodeDetails",
         ["account_states", "credits", "external_ids", "images", "translations", "videos"]),
    ],
)  # fmt: skip
def test_season_and_episode_appendable_names_are_the_details_sub_resources(
    param: str, details: str, expected: list[str]
) -> None:
    appendable = parameter(param)["x-appendable"]
    properties = spec()["components"]["schemas"][details]["properties"]
    sub_resources = [name for name, schema in properties.items() if "$ref" in schema]
    assert sorted(appendable) == sorted(sub_resources) == expected


def test_each_appended_sub_resource_is_the_stand_alone_endpoint_body() -> None:
    operations = operations_of(*TV_PARTS)
    for tag, details in (("tv_seasons", "SeasonDetails"), ("tv_episodes", "EpisodeDetails")):
        properties = spec()["components"]["schemas"][details]["properties"]
        for name, schema in properties.items():
            if "$ref" in schema:
                op = operations[f"{tag}.{name.replace('/', '_')}"][2]
                body = op["responses"]["200"]["content"]["application/json"]["schema"]
                assert schema == body, f"{details}.{name}"


def test_appendable_names_are_exactly_the_person_details_sub_resources() -> None:
    appendable = spec()["components"]["parameters"]["people_append_to_response"]["x-appendable"]
    properties = spec()["components"]["schemas"]["PersonDetails"]["properties"]
    sub_resources = [name for name, schema in properties.items() if "$ref" in schema]
    assert sorted(appendable) == sorted(sub_resources)
    assert sorted(appendable) == [
        "changes",
        "combined_credits",
        "external_ids",
        "images",
        "movie_credits",
        "tagged_images",
        "translations",
        "tv_credits",
    ]


def test_trending_window_and_find_source_are_closed_sets() -> None:
    parameters = spec()["components"]["parameters"]
    assert parameters["trending_time_window"]["schema"]["enum"] == ["day", "week"]
    _, _, find = operations_of("find")["find.by_id"]
    source = next(p for p in find["parameters"] if p.get("name") == "external_source")
    assert source["required"] is True
    assert source["schema"]["enum"] == [
        "imdb_id",
        "facebook_id",
        "instagram_id",
        "tvdb_id",
        "tiktok_id",
        "twitter_id",
        "wikidata_id",
        "youtube_id",
    ]
