"""What real TMDB answers carry since 2022 (issue 10) is modelled: no additional_properties left."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async import models as m
from tmdb_async.models import UNSET

from support import official


@pytest.mark.parametrize(
    ("model", "data"),
    [
        ("MovieDetails", official("movies.details")),
        ("TvSeriesDetails", official("tv.details")),
        ("MovieSummary", official("movies.popular")["results"][0]),
        ("TvSeriesSummary", official("tv.popular")["results"][0]),
        ("MovieMediaItem", official("trending.movies")["results"][0]),
        ("CollectionPart", official("collections.details")["parts"][0]),
        ("ChangedId", {"id": 1, "adult": False}),
        ("PersonMovieCastCredit", official("people.movie_credits")["cast"][0]),
        ("PersonTvCastCredit", official("people.tv_credits")["cast"][0]),
    ],
)
def test_softcore_is_a_boolean_field(model: str, data: dict[str, Any]) -> None:
    parsed = getattr(m, model).from_dict(data | {"softcore": False})
    assert parsed.softcore is False
    assert "softcore" not in parsed.additional_properties


@pytest.mark.parametrize("model", ["PersonTvCastCredit", "PersonTvCrewCredit"])
def test_first_credit_air_date_is_modelled_on_tv_credits(model: str) -> None:
    credits = official("people.tv_credits")
    data = (credits["cast"] if "Cast" in model else credits["crew"])[0] | {"first_credit_air_date": "2011-04-17"}
    parsed = getattr(m, model).from_dict(data)
    assert parsed.first_credit_air_date == "2011-04-17"
    assert parsed.additional_properties == {}


def test_combined_tv_credits_carry_first_credit_air_date() -> None:
    data = official("people.combined_credits")
    tv = next(item for item in data["cast"] if item["media_type"] == "tv")
    tv["first_credit_air_date"] = ""
    parsed = m.PersonCombinedCredits.from_dict(copy.deepcopy(data))
    credit = next(item for item in parsed.cast if isinstance(item, m.CombinedTvCastCredit))
    assert credit.first_credit_air_date == ""


def test_credit_media_seasons_and_episodes_carry_their_media_type() -> None:
    data = official("credits.details")
    media = data["media"]
    media["seasons"] = [dict(season, media_type="tv_season") for season in media.get("seasons", [])] or [
        {"id": 3624, "season_number": 1, "name": "Season 1", "media_type": "tv_season", "show_id": 1399}
    ]
    episode = official("tv_seasons.details")["episodes"][0]
    media["episodes"] = [
        {key: episode[key] for key in m.Episode.from_dict(episode).to_dict()} | {"media_type": "tv_episode"}
    ]
    credit = m.CreditDetails.from_dict(copy.deepcopy(data))
    assert isinstance(credit.media, m.CreditTvSeries)
    assert isinstance(credit.media.seasons, list)
    assert isinstance(credit.media.episodes, list)
    assert credit.media.seasons[0].media_type == "tv_season"
    assert credit.media.episodes[0].media_type == "tv_episode"
    assert credit.to_dict() == data


def test_a_tagged_image_of_a_season_has_its_variant() -> None:
    data = official("people.tagged_images")
    season = {
        "id": 3624,
        "media_type": "tv_season",
        "name": "Season 1",
        "overview": "",
        "poster_path": "/a.jpg",
        "vote_average": 8.3,
        "air_date": "2011-04-17",
        "season_number": 1,
        "show_id": 1399,
        "episode_count": 10,
    }
    data["results"][0] |= {"media_type": "tv_season", "media": season}
    page = m.TaggedImagePage.from_dict(copy.deepcopy(data))
    media = page.results[0].media
    assert isinstance(media, m.TvSeasonMediaItem)
    assert (media.show_id, media.episode_count, media.additional_properties) == (1399, 10, {})


def test_validate_key_takes_a_bare_success() -> None:
    status = m.AuthenticationStatus.from_dict({"success": True})
    assert (status.success, status.status_code, status.status_message) == (True, UNSET, UNSET)


@pytest.mark.parametrize(
    ("call", "path", "append", "model", "parts"),
    [
        ("collections", "/3/collection/10", "images,translations", "CollectionDetails", ("images", "translations")),
        ("companies", "/3/company/1", "alternative_names,images", "CompanyDetails", ("alternative_names", "images")),
        ("networks", "/3/network/49", "alternative_names,images", "NetworkDetails", ("alternative_names", "images")),
    ],
)
async def test_details_take_append_to_response_and_type_the_parts(
    call: str, path: str, append: str, model: str, parts: tuple[str, str]
) -> None:
    body = official(f"{call}.details") | {part: official(f"{call}.{part}") for part in parts}
    seen: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    async with TMDB(access_token="t0ken", transport=httpx.MockTransport(serve)) as tmdb:
        details = await getattr(tmdb, call).details(int(path.rsplit("/", 1)[1]), append_to_response=append)
    assert seen[0].url.path == path
    assert seen[0].url.params["append_to_response"] == append
    assert type(details).__name__ == model
    assert details.additional_properties == {}
    assert all(getattr(details, part) is not UNSET for part in parts)
    assert details.to_dict() == body


@pytest.mark.parametrize(
    ("namespace", "args"),
    [("movies", (11,)), ("tv", (1399,)), ("tv_seasons", (1399, 1)), ("tv_episodes", (1399, 1, 1))],
)
async def test_details_take_include_image_language(namespace: str, args: tuple[int, ...]) -> None:
    bodies = {
        "movies": official("movies.details"),
        "tv": official("tv.details"),
        "tv_seasons": official("tv_seasons.details"),
        "tv_episodes": official("tv_episodes.details"),
    }
    seen: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=bodies[namespace])

    async with TMDB(access_token="t0ken", transport=httpx.MockTransport(serve)) as tmdb:
        await getattr(tmdb, namespace).details(*args, append_to_response="images", include_image_language="en,null")
    assert seen[0].url.params["include_image_language"] == "en,null"
