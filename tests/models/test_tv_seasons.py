"""The seasons' models: every appended sub-resource typed, episodes with crew and guests, a season not aired yet."""

from __future__ import annotations

import copy
from typing import Any

import httpx

import tmdb_async_api.models as m
from tmdb_async import TMDB
from tmdb_async_api.resources.tv_seasons import SeasonDetailsAppend

from recording import Recorder
from spec_models import without_id
from support import official

SERIES_ID = 1399  # Game of Thrones: the series of TMDB's official season and episode examples
SEASON_ID = 3624  # the id of Game of Thrones season 1
SEASON_ARGS = (SERIES_ID, 1)


async def test_season_details_with_every_sub_resource_appended_parses_each_one_typed() -> None:
    appended: dict[SeasonDetailsAppend, Any] = {
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
    async with TMDB(access_token="tok", transport=httpx.MockTransport(recorder)) as tmdb:
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
    flatrate = season.watch_providers.results["AE"].flatrate
    assert isinstance(flatrate, list)
    assert flatrate[0].provider_name == "OSN+"
    assert season.to_dict() == body


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
