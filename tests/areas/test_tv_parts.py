"""The TV parts area: `tmdb.tv_seasons` (10 operations), `tmdb.tv_episodes` (10) and `tmdb.tv_episode_groups` (1).

Run against the merged spec (openapi/fragments/tv_parts.yaml):

    python openapi/fragments.py try openapi/fragments/tv_parts.yaml --out /tmp/tv_parts
    TMDB_SPEC_PATH=/tmp/tv_parts/tmdb.yaml PYTHONPATH=/tmp/tv_parts/gen:src pytest tests/areas/test_tv_parts.py

Every operation goes through the facade (what goes out on the wire, which model comes back, one value
hard-coded from TMDB's official example in tests/fixtures/official/); the official examples' lossless round
trip is tests/generated/test_fidelity.py's. Then what is particular to seasons and episodes: season 0
("Specials") is a real season, the ids of a season or episode differ from their numbers, appended
sub-resources come back typed, episodes carry crew and guest stars, an episode group id is a string, and
the nulls and "" of seasons that have not aired yet parse.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import tmdb_api.models as m
from tmdb_async import TMDB, NotFoundError
from tmdb_async.testing import FakeTMDB

from recording import Recorder
from support import official, spec

TOKEN = "tok"
SERIES_ID = 1399  # Game of Thrones: the series of TMDB's official season and episode examples
SEASON = 1
EPISODE = 1
SEASON_ID = 3624  # the id of Game of Thrones season 1 (official season changes example)
EPISODE_ID = 63056  # the id of "Winter Is Coming", S01E01 (official episode changes example)
GROUP_ID = "5acf93e60e0a26346d0000ce"  # "Netflix Collections" of Comedians in Cars (official example)
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"
TAGS = ("tv_seasons", "tv_episodes", "tv_episode_groups")

SEASON_PATH = f"/3/tv/{SERIES_ID}/season/{SEASON}"
EPISODE_PATH = f"{SEASON_PATH}/episode/{EPISODE}"

# ---------------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Params:
    """Keyword arguments of a facade call and the query string they must produce, exactly."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


NONE = Params()
LANGUAGE = Params({"language": "pt-BR"}, {"language": "pt-BR"})
SESSIONS = Params(
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
)
RATING = Params(
    {"value": 8.5, "session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
)
IMAGES = Params(
    {"include_image_language": "en,null", "language": "pt-BR"},
    {"include_image_language": "en,null", "language": "pt-BR"},
)
VIDEOS = Params(
    {"include_video_language": "en,fr", "language": "pt-BR"},
    {"include_video_language": "en,fr", "language": "pt-BR"},
)
SEASON_CHANGES = Params(
    {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": 2},
    {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": "2"},
)
EPISODE_CHANGES = Params(
    {"start_date": "2024-01-01", "end_date": "2024-01-14"},
    {"start_date": "2024-01-01", "end_date": "2024-01-14"},
)
SEASON_APPENDED = Params(
    {"append_to_response": ["credits", "watch/providers"], "include_image_language": "en,null", "language": "pt-BR"},
    {"append_to_response": "credits,watch/providers", "include_image_language": "en,null", "language": "pt-BR"},
)
EPISODE_APPENDED = Params(
    {"append_to_response": ["credits", "images"], "include_image_language": "en,null", "language": "pt-BR"},
    {"append_to_response": "credits,images", "include_image_language": "en,null", "language": "pt-BR"},
)


@dataclass(frozen=True)
class Case:
    """One facade call: its arguments, the request it must send, and what it must return."""

    facade: str  # "tv_seasons.details"
    method: str
    route: str  # as in the spec
    args: tuple[int | str, ...]  # the path ids, in route order
    params: Params
    model: str
    attribute: str  # "cast.0.name": digits index a list, other parts are attributes or map keys
    value: object
    body: dict[str, float] | None = None  # the JSON body sent (the rating POST)
    status: int = 200

    @property
    def namespace(self) -> str:
        return self.facade.split(".")[0]

    @property
    def name(self) -> str:
        return self.facade.split(".")[1]

    @property
    def path(self) -> str:
        """The route with the ids filled in."""
        ids = iter(self.args)
        return re.sub(r"\{\w+\}", lambda _: str(next(ids)), self.route)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.route)


S = "/3/tv/{series_id}/season/{season_number}"
E = S + "/episode/{episode_number}"
SEASON_ARGS = (SERIES_ID, SEASON)
EPISODE_ARGS = (SERIES_ID, SEASON, EPISODE)

CASES = [
    # Seasons
    Case("tv_seasons.details", "GET", S, SEASON_ARGS, SEASON_APPENDED, "SeasonDetails", "episodes.0.name",
         "Winter Is Coming"),
    Case("tv_seasons.account_states", "GET", f"{S}/account_states", SEASON_ARGS, SESSIONS, "SeasonAccountStates",
         "results.0.rated.value", 9.0),
    Case("tv_seasons.aggregate_credits", "GET", f"{S}/aggregate_credits", SEASON_ARGS, LANGUAGE, "AggregateCredits",
         "cast.0.roles.0.character", "Tyrion Lannister"),
    Case("tv_seasons.changes", "GET", "/3/tv/season/{season_id}/changes", (SEASON_ID,), SEASON_CHANGES, "Changes",
         "changes.0.items.0.value", {"episode_id": 63056, "episode_number": 1}),
    Case("tv_seasons.credits", "GET", f"{S}/credits", SEASON_ARGS, LANGUAGE, "Credits", "crew.0.name",
         "Frank Doelger"),
    Case("tv_seasons.external_ids", "GET", f"{S}/external_ids", SEASON_ARGS, NONE, "ExternalIds", "tvdb_id", 364731),
    Case("tv_seasons.images", "GET", f"{S}/images", SEASON_ARGS, IMAGES, "SeasonImages", "posters.0.file_path",
         "/wgfKiqzuMrFIkU1M68DDDY8kGC1.jpg"),
    Case("tv_seasons.translations", "GET", f"{S}/translations", SEASON_ARGS, NONE, "Translations",
         "translations.0.english_name", "Arabic"),
    Case("tv_seasons.videos", "GET", f"{S}/videos", SEASON_ARGS, VIDEOS, "Videos", "results.0.type_", "Recap"),
    Case("tv_seasons.watch_providers", "GET", f"{S}/watch/providers", SEASON_ARGS, LANGUAGE, "WatchProviders",
         "results.AD.flatrate.0.provider_name", "HBO Max"),
    # Episodes
    Case("tv_episodes.details", "GET", E, EPISODE_ARGS, EPISODE_APPENDED, "EpisodeDetails", "guest_stars.0.character",
         "Benjen Stark"),
    Case("tv_episodes.account_states", "GET", f"{E}/account_states", EPISODE_ARGS, SESSIONS, "AccountStates",
         "rated.value", 9.0),
    Case("tv_episodes.changes", "GET", "/3/tv/episode/{episode_id}/changes", (EPISODE_ID,), EPISODE_CHANGES,
         "Changes", "changes.0.key", "production_code"),
    Case("tv_episodes.credits", "GET", f"{E}/credits", EPISODE_ARGS, LANGUAGE, "EpisodeCredits",
         "guest_stars.0.name", "Joseph Mawle"),
    Case("tv_episodes.external_ids", "GET", f"{E}/external_ids", EPISODE_ARGS, NONE, "ExternalIds", "imdb_id",
         "tt1480055"),
    Case("tv_episodes.images", "GET", f"{E}/images", EPISODE_ARGS, IMAGES, "EpisodeImages", "stills.0.width", 1920),
    Case("tv_episodes.translations", "GET", f"{E}/translations", EPISODE_ARGS, NONE, "Translations",
         "translations.1.english_name", "Belarusian"),
    Case("tv_episodes.videos", "GET", f"{E}/videos", EPISODE_ARGS, VIDEOS, "Videos", "results.0.key", "e0Y8KpQpW8c"),
    Case("tv_episodes.add_rating", "POST", f"{E}/rating", EPISODE_ARGS, RATING, "StatusResponse", "status_message",
         "Success.", {"value": 8.5}, 201),
    Case("tv_episodes.delete_rating", "DELETE", f"{E}/rating", EPISODE_ARGS, SESSIONS, "StatusResponse",
         "status_code", 13),
    # Episode groups
    Case("tv_episode_groups.details", "GET", "/3/tv/episode_group/{tv_episode_group_id}", (GROUP_ID,), NONE,
         "EpisodeGroupDetails", "groups.0.name", "First Cup"),
]  # fmt: skip
IDS = [case.facade for case in CASES]


# ---------------------------------------------------------------------------------------------------- helpers


def mocked(recorder: Recorder) -> TMDB:
    return TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder))


def facade_method(tmdb: TMDB, facade: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    namespace, name = facade.split(".")
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, namespace), name)
    return method


def resolve(obj: Any, dotted: str) -> Any:
    """Follow `results.AD.flatrate.0.provider_name`: digits index a list, then attribute, else key."""
    for part in dotted.split("."):
        if part.isdigit():
            obj = obj[int(part)]
        elif hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = obj[part]
    return obj


def area_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Facade method -> (HTTP method, route, operation) for every operation of the area's tags."""
    found = {}
    for route, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "delete", "put", "patch"} and op["tags"][0] in TAGS:
                tag = op["tags"][0]
                found[f"{tag}.{op['operationId'].removeprefix(tag + '_')}"] = (method.upper(), route, op)
    return found


def parameter(name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec()["components"]["parameters"][name]
    return found


def without_id(body: dict[str, Any]) -> dict[str, Any]:
    """A stand-alone body as append_to_response nests it: without its `id`."""
    return {key: value for key, value in body.items() if key != "id"}


# ---------------------------------------------------------------------------------------------------- the spec


def test_the_table_covers_every_operation_of_the_area() -> None:
    operations = area_operations()
    assert len(CASES) == 21
    assert sorted(IDS) == sorted(operations)
    assert {case.facade: (case.method, case.route) for case in CASES} == {
        facade: (method, route) for facade, (method, route, _) in operations.items()
    }


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
    for facade, (_, route, op) in area_operations().items():
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
def test_appendable_names_are_exactly_the_details_sub_resources(param: str, details: str, expected: list[str]) -> None:
    appendable = parameter(param)["x-appendable"]
    properties = spec()["components"]["schemas"][details]["properties"]
    sub_resources = [name for name, schema in properties.items() if "$ref" in schema]
    assert sorted(appendable) == sorted(sub_resources) == expected


def test_each_appended_sub_resource_is_the_stand_alone_endpoint_body() -> None:
    operations = area_operations()
    for tag, details in (("tv_seasons", "SeasonDetails"), ("tv_episodes", "EpisodeDetails")):
        properties = spec()["components"]["schemas"][details]["properties"]
        for name, schema in properties.items():
            if "$ref" in schema:
                op = operations[f"{tag}.{name.replace('/', '_')}"][2]
                body = op["responses"]["200"]["content"]["application/json"]["schema"]
                assert schema == body, f"{details}.{name}"


# ---------------------------------------------------------------------------------------------------- the facade


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_method_sends_exact_request_and_returns_the_parsed_official_example(case: Case) -> None:
    recorder = Recorder(official(case.facade), status=case.status)
    async with mocked(recorder) as tmdb:
        result = await facade_method(tmdb, case.facade)(*case.args, **case.params.kwargs)

    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == case.method
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == case.path
    assert dict(request.url.params) == case.params.query
    assert len(request.url.params.multi_items()) == len(case.params.query)  # nothing repeated
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    if case.body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == case.body
    assert type(result).__name__ == case.model
    assert resolve(result, case.attribute) == case.value


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_method_sends_no_query_parameter_for_arguments_left_none(case: Case) -> None:
    recorder = Recorder(official(case.facade), status=case.status)
    optional = {name: None for name in case.params.kwargs if name != "value"}
    required = {"value": 8.5} if "value" in case.params.kwargs else {}
    async with mocked(recorder) as tmdb:
        await facade_method(tmdb, case.facade)(*case.args, **required, **optional)

    assert [(request.method, request.url.path) for request in recorder.requests] == [(case.method, case.path)]
    assert str(recorder.requests[0].url) == f"https://api.themoviedb.org{case.path}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_signature_takes_path_ids_positionally_and_the_rest_as_none_keywords(case: Case) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, case.facade)
    parameters = inspect.signature(method).parameters
    hints = typing.get_type_hints(method)

    assert hints["return"].__name__ == case.model
    positional = [name for name, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == case.path_params
    assert [hints[name] for name in positional] == [type(arg) for arg in case.args]
    others = {name: p for name, p in parameters.items() if name not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in others.values())
    required = {name for name, p in others.items() if p.default is inspect.Parameter.empty}
    assert required == ({"value"} if case.name == "add_rating" else set())
    assert set(others) == set(case.params.kwargs)
    assert f"`{case.method} {case.route}`" in (inspect.getdoc(method) or "")


@pytest.mark.parametrize("namespace", TAGS)
async def test_namespace_public_methods_are_exactly_its_operations(namespace: str) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        resource = getattr(tmdb, namespace)
    public = {name for name in dir(resource) if not name.startswith("_")}

    assert public == {case.name for case in CASES if case.namespace == namespace}


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


async def test_season_details_with_every_sub_resource_appended_parses_each_one_typed() -> None:
    appended = {
        "account_states": without_id(official("tv_seasons.account_states")),
        "aggregate_credits": without_id(official("tv_seasons.aggregate_credits")),
        "credits": without_id(official("tv_seasons.credits")),
        "external_ids": without_id(official("tv_seasons.external_ids")),
        "images": without_id(official("tv_seasons.images")),
        "translations": without_id(official("tv_seasons.translations")),
        "videos": without_id(official("tv_seasons.videos")),
        "watch/providers": without_id(official("tv_seasons.watch_providers")),
    }
    body = official("tv_seasons.details") | appended
    recorder = Recorder(body, status=200)
    async with mocked(recorder) as tmdb:
        season = await tmdb.tv_seasons.details(*SEASON_ARGS, append_to_response=list(appended))

    assert recorder.requests[0].url.params["append_to_response"] == (
        "account_states,aggregate_credits,credits,external_ids,images,translations,videos,watch/providers"
    )
    assert isinstance(season.account_states, m.SeasonAccountStates)
    assert season.account_states.results[1].rated is False
    assert isinstance(season.aggregate_credits, m.AggregateCredits)
    assert season.aggregate_credits.crew[0].jobs[0].job == "Production Design"
    assert isinstance(season.credits, m.Credits)
    assert season.credits.cast[0].character == "Tyrion Lannister"
    assert isinstance(season.external_ids, m.ExternalIds)
    assert season.external_ids.wikidata_id == "Q1658029"
    assert isinstance(season.images, m.SeasonImages)
    assert season.images.posters[0].vote_count == 18
    assert isinstance(season.translations, m.Translations)
    assert isinstance(season.videos, m.Videos)
    assert isinstance(season.watch_providers, m.WatchProviders)
    assert season.watch_providers.results["AE"].flatrate[0].provider_name == "OSN+"
    assert season.to_dict() == body


async def test_episode_details_with_every_sub_resource_appended_parses_each_one_typed() -> None:
    appended = {
        # AccountStates is shared with movies and series, and requires its id.
        "account_states": official("tv_episodes.account_states"),
        "credits": without_id(official("tv_episodes.credits")),
        "external_ids": without_id(official("tv_episodes.external_ids")),
        "images": without_id(official("tv_episodes.images")),
        "translations": without_id(official("tv_episodes.translations")),
        "videos": without_id(official("tv_episodes.videos")),
    }
    body = official("tv_episodes.details") | appended
    recorder = Recorder(body, status=200)
    async with mocked(recorder) as tmdb:
        episode = await tmdb.tv_episodes.details(*EPISODE_ARGS, append_to_response=list(appended))

    assert isinstance(episode.account_states, m.AccountStates)
    assert isinstance(episode.credits, m.EpisodeCredits)
    assert episode.credits.guest_stars[0].character == "Benjen Stark"
    assert isinstance(episode.external_ids, m.ExternalIds)
    assert episode.external_ids.tvrage_id == 1065008299
    assert isinstance(episode.images, m.EpisodeImages)
    assert episode.images.stills[0].iso_639_1 is None
    assert isinstance(episode.translations, m.Translations)
    assert isinstance(episode.videos, m.Videos)
    assert episode.to_dict() == body


async def test_an_unknown_episode_raises_not_found() -> None:
    error = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
    recorder = Recorder(error, status=404)
    async with mocked(recorder) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await tmdb.tv_episodes.details(SERIES_ID, SEASON, 99)

    assert (caught.value.status_code, caught.value.tmdb_status_code) == (404, 34)
    assert len(recorder.requests) == 1  # a 404 is not retried


async def test_an_episode_group_id_is_a_string_sent_percent_encoded() -> None:
    recorder = Recorder(official("tv_episode_groups.details"), status=200)
    async with mocked(recorder) as tmdb:
        await tmdb.tv_episode_groups.details("a/b c")

    assert recorder.requests[0].url.raw_path == b"/3/tv/episode_group/a%2Fb%20c"


# ---------------------------------------------------------------------------------------------------- the models


def test_season_episodes_carry_their_crew_and_guest_stars() -> None:
    season = m.SeasonDetails.from_dict(official("tv_seasons.details"))
    first = season.episodes[0]

    assert isinstance(first, m.SeasonEpisode)
    assert (first.episode_number, first.episode_type, first.show_id) == (1, "standard", SERIES_ID)
    assert isinstance(first.crew[0], m.CrewMember)
    assert (first.crew[0].name, first.crew[0].job) == ("Tim Van Patten", "Director")
    assert isinstance(first.guest_stars[0], m.CastMember)
    assert (first.guest_stars[0].name, first.guest_stars[0].character) == ("Joseph Mawle", "Benjen Stark")
    assert [episode.episode_number for episode in season.episodes] == list(range(1, 11))


def test_a_season_keeps_tmdb_internal_string_id_apart_from_its_id() -> None:
    season = m.SeasonDetails.from_dict(official("tv_seasons.details"))

    assert (season.id, season.field_id) == (SEASON_ID, "5256c89f19c2956ff6046d47")
    assert season.to_dict()["_id"] == "5256c89f19c2956ff6046d47"


def test_season_account_states_say_false_or_the_rating_of_each_episode() -> None:
    states = m.SeasonAccountStates.from_dict(official("tv_seasons.account_states"))

    rated = {item.episode_number: item.rated for item in states.results}
    assert isinstance(rated[1], m.AccountRating)
    assert rated[1].value == 9
    assert [rated[n] for n in range(2, 11)] == [False] * 9


def test_episode_credits_have_guest_stars_beside_cast_and_crew() -> None:
    credits = m.EpisodeCredits.from_dict(official("tv_episodes.credits"))

    assert (len(credits.cast), len(credits.crew), len(credits.guest_stars)) == (18, 5, 21)
    assert isinstance(credits.guest_stars[0], m.CastMember)
    assert (credits.guest_stars[0].character, credits.guest_stars[0].order) == ("Benjen Stark", 62)
    assert credits.crew[0].job == "Director"


def test_an_episode_group_lists_its_groups_and_their_episodes_in_order() -> None:
    group = m.EpisodeGroupDetails.from_dict(official("tv_episode_groups.details"))

    assert (group.id, group.name, group.type_, group.group_count) == (GROUP_ID, "Netflix Collections", 4, 6)
    assert [g.order for g in group.groups] == [1, 2, 3, 4, 5, 6]
    assert (group.groups[0].name, group.groups[0].locked) == ("First Cup", True)
    first = group.groups[0].episodes[0]
    assert isinstance(first, m.GroupedEpisode)
    assert (first.order, first.season_number, first.episode_number, first.runtime) == (0, 6, 3, None)
    assert group.network is not None
    assert group.network.origin_country == ""


def test_a_season_not_aired_yet_with_nulls_and_empty_dates_parses() -> None:
    data = copy.deepcopy(official("tv_seasons.details"))
    data |= {"air_date": None, "overview": None, "poster_path": None}
    episode = data["episodes"][0]
    episode |= {"air_date": "", "runtime": None, "still_path": None, "overview": None, "production_code": None}
    episode["guest_stars"][0] |= {"profile_path": None, "character": None, "gender": None}
    episode["crew"][0] |= {"known_for_department": None}

    season = m.SeasonDetails.from_dict(copy.deepcopy(data))

    assert (season.air_date, season.overview, season.poster_path) == (None, None, None)
    first = season.episodes[0]
    assert (first.air_date, first.runtime, first.still_path, first.production_code) == ("", None, None, None)
    assert first.guest_stars[0].character is None
    assert season.to_dict() == data


def test_an_episode_with_a_new_episode_type_and_an_unknown_field_parses() -> None:
    data = official("tv_episodes.details") | {"episode_type": "mid_season_finale", "brand_new": [1]}
    data["crew"] = [{**data["crew"][0], "department": "Holography", "job": "Hologram Wrangler"}]

    episode = m.EpisodeDetails.from_dict(copy.deepcopy(data))

    assert episode.episode_type == "mid_season_finale"
    assert (episode.crew[0].department, episode.crew[0].job) == ("Holography", "Hologram Wrangler")
    assert episode.additional_properties == {"brand_new": [1]}
    assert episode.to_dict() == data


def test_an_episode_group_without_a_network_parses() -> None:
    data = official("tv_episode_groups.details") | {"network": None, "description": None}

    group = m.EpisodeGroupDetails.from_dict(copy.deepcopy(data))

    assert (group.network, group.description) == (None, None)
    assert group.to_dict() == data


# ---------------------------------------------------------------------------------------------------- FakeTMDB


async def test_fake_tmdb_serves_a_season_and_an_episode_with_appended_credits() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test") as tmdb:
        season = await tmdb.tv_seasons.details(*SEASON_ARGS, append_to_response=["credits"])
        episode = await tmdb.tv_episodes.details(*EPISODE_ARGS, append_to_response=["credits", "images"])

    assert isinstance(season.credits, m.Credits)
    assert season.episodes
    assert isinstance(episode.credits, m.EpisodeCredits)
    assert isinstance(episode.images, m.EpisodeImages)


async def test_fake_tmdb_serves_season_0_and_its_episodes() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        season = await tmdb.tv_seasons.details(SERIES_ID, 0)
        episode = await tmdb.tv_episodes.details(SERIES_ID, 0, 1)

    assert isinstance(season, m.SeasonDetails)
    assert isinstance(episode, m.EpisodeDetails)


async def test_fake_tmdb_answers_404_to_a_negative_season_sent_raw() -> None:
    # The facade refuses season -1 before sending; a raw request shows what the fake itself answers.
    async with FakeTMDB() as fake, httpx.AsyncClient(base_url=fake.base_url) as raw:
        response = await raw.get(f"/3/tv/{SERIES_ID}/season/-1", headers={"Authorization": "Bearer test"})

    assert (response.status_code, response.json()["status_code"]) == (404, 34)


async def test_fake_tmdb_serves_an_episode_group_by_its_string_id() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        group = await tmdb.tv_episode_groups.details(GROUP_ID)

    assert isinstance(group, m.EpisodeGroupDetails)
    assert group.groups


async def test_fake_tmdb_keeps_an_episode_rating_apart_from_its_series_rating() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        guest = (await tmdb.authentication.create_guest_session()).guest_session_id
        await tmdb.tv.add_rating(SERIES_ID, value=6.0, guest_session_id=guest)
        await tmdb.tv_episodes.add_rating(*EPISODE_ARGS, value=9.5, guest_session_id=guest)
        series = await tmdb.tv.account_states(SERIES_ID, guest_session_id=guest)
        episode = await tmdb.tv_episodes.account_states(*EPISODE_ARGS, guest_session_id=guest)
        await tmdb.tv_episodes.delete_rating(*EPISODE_ARGS, guest_session_id=guest)
        after = await tmdb.tv_episodes.account_states(*EPISODE_ARGS, guest_session_id=guest)

    assert isinstance(series.rated, m.AccountRating)
    assert isinstance(episode.rated, m.AccountRating)
    assert (series.rated.value, episode.rated.value, after.rated) == (6.0, 9.5, False)


async def test_fake_tmdb_serves_season_account_states_with_the_rated_episode() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        guest = (await tmdb.authentication.create_guest_session()).guest_session_id
        await tmdb.tv_episodes.add_rating(*EPISODE_ARGS, value=9.5, guest_session_id=guest)
        states = await tmdb.tv_seasons.account_states(*SEASON_ARGS, guest_session_id=guest)

    rated = {item.episode_number: item.rated for item in states.results}
    assert isinstance(rated[EPISODE], m.AccountRating)
    assert rated[EPISODE].value == 9.5
