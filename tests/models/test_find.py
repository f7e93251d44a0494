"""The find results' models: every list typed, and an unknown media_type kept as a string."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from spec_models import parse
from support import official


def test_find_types_every_list() -> None:
    data = copy.deepcopy(official("find.by_id"))
    data["person_results"] = [official("trending.people")["results"][0]]
    data["tv_results"] = [official("trending.tv")["results"][0] | {"first_air_date": "", "poster_path": None}]
    # As in a real answer (find/366211?external_source=tvdb_id, quoted in jellyfin/TMDbLib#414).
    data["tv_episode_results"] = [
        {
            "id": 63056,
            "name": "Winter Is Coming",
            "overview": "Jon Arryn, the Hand of the King, is dead.",
            "media_type": "tv_episode",
            "vote_average": 7.9,
            "vote_count": 312,
            "air_date": "2011-04-17",
            "episode_number": 1,
            "episode_type": "standard",
            "production_code": "101",
            "runtime": None,
            "season_number": 1,
            "show_id": 1399,
            "still_path": None,
        }
    ]
    data["tv_season_results"] = [
        {
            "id": 3624,
            "name": "Season 1",
            "overview": "",
            "poster_path": None,
            "media_type": "tv_season",
            "vote_average": 8.3,
            "air_date": "",
            "season_number": 1,
            "show_id": 1399,
            "episode_count": 10,
        }
    ]
    found = parse("FindResults", data)
    assert isinstance(found.movie_results[0], m.MovieSummary)
    assert found.person_results[0].name == "Ana de Armas"
    assert found.tv_results[0].first_air_date == ""
    assert isinstance(found.tv_episode_results[0], m.FindTvEpisodeResult)
    assert (found.tv_episode_results[0].media_type, found.tv_episode_results[0].still_path) == ("tv_episode", None)
    assert isinstance(found.tv_season_results[0], m.FindTvSeasonResult)
    assert (found.tv_season_results[0].show_id, found.tv_season_results[0].air_date) == (1399, "")


def test_find_lists_keep_an_unknown_media_type_as_a_string() -> None:
    # Plain lists keep media_type an open string: only mixed lists tell items apart by it.
    data = copy.deepcopy(official("find.by_id"))
    data["movie_results"][0]["media_type"] = "film"
    assert parse("FindResults", data).movie_results[0].media_type == "film"
