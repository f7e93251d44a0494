"""The episodes' models: every appended sub-resource typed, guest stars beside cast and crew, new episode types."""

from __future__ import annotations

import copy
from typing import Any

import httpx

import tmdb_async_api.models as m
from tmdb_async import TMDB
from tmdb_async_api.resources.tv_episodes import EpisodeDetailsAppend

from recording import Recorder
from spec_models import without_id
from support import official

SERIES_ID = 1399  # Game of Thrones: the series of TMDB's official episode examples
EPISODE_ARGS = (SERIES_ID, 1, 1)


async def test_episode_details_with_every_sub_resource_appended_parses_each_one_typed() -> None:
    appended: dict[EpisodeDetailsAppend, Any] = {
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
    async with TMDB(access_token="tok", transport=httpx.MockTransport(recorder)) as tmdb:
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


def test_episode_credits_have_guest_stars_beside_cast_and_crew() -> None:
    credits = m.EpisodeCredits.from_dict(official("tv_episodes.credits"))

    assert (len(credits.cast), len(credits.crew), len(credits.guest_stars)) == (18, 5, 21)
    assert isinstance(credits.guest_stars[0], m.CastMember)
    assert (credits.guest_stars[0].character, credits.guest_stars[0].order) == ("Benjen Stark", 62)
    assert credits.crew[0].job == "Director"


def test_an_episode_with_a_new_episode_type_and_an_unknown_field_parses() -> None:
    data = official("tv_episodes.details") | {"episode_type": "mid_season_finale", "brand_new": [1]}
    data["crew"] = [{**data["crew"][0], "department": "Holography", "job": "Hologram Wrangler"}]

    episode = m.EpisodeDetails.from_dict(copy.deepcopy(data))

    assert episode.episode_type == "mid_season_finale"
    assert (episode.crew[0].department, episode.crew[0].job) == ("Holography", "Hologram Wrangler")
    assert episode.additional_properties == {"brand_new": [1]}
    assert episode.to_dict() == data
