"""The account's models: an account without a TMDB avatar or a name, rated items with "" dates and nulls, list types."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from support import official


def test_account_without_a_tmdb_avatar_or_a_display_name_parses() -> None:
    # A real answer for an account with no uploaded avatar and no display name.
    data = {
        "avatar": {"gravatar": {"hash": ""}, "tmdb": {"avatar_path": None}},
        "id": 22048510,
        "iso_639_1": "en",
        "iso_3166_1": "GB",
        "name": "",
        "include_adult": False,
        "username": "sandyPunandi",
    }
    parsed = m.AccountDetails.from_dict(copy.deepcopy(data))
    assert isinstance(parsed.avatar, m.AccountAvatar)
    assert isinstance(parsed.avatar.tmdb, m.TmdbAvatar)
    assert parsed.avatar.tmdb.avatar_path is None
    assert parsed.name == ""
    assert parsed.to_dict() == data


def test_an_avatar_with_gravatar_only_parses() -> None:
    data = official("account.details")
    data["avatar"] = {"gravatar": {"hash": "c9e9fc152ee756a900db85757c29815d"}}
    parsed = m.AccountDetails.from_dict(copy.deepcopy(data))
    assert isinstance(parsed.avatar, m.AccountAvatar)
    assert parsed.avatar.tmdb is UNSET
    assert parsed.to_dict() == data


def test_rated_movies_with_empty_dates_and_null_paths_parse() -> None:
    data = official("account.rated_movies")
    item = data["results"][0]
    item.update(release_date="", poster_path=None, backdrop_path=None, overview=None, rating=0.5)
    parsed = m.RatedMoviePage.from_dict(copy.deepcopy(data))
    movie = parsed.results[0]
    assert (movie.release_date, movie.poster_path, movie.backdrop_path, movie.overview) == ("", None, None, None)
    assert movie.rating == 0.5
    assert parsed.to_dict() == data


def test_rated_episodes_with_null_air_date_runtime_and_still_parse() -> None:
    data = official("account.rated_tv_episodes")
    data["results"][0].update(air_date=None, runtime=None, still_path=None, production_code="", episode_type="finale")
    data["results"][1]["air_date"] = ""
    parsed = m.RatedEpisodePage.from_dict(copy.deepcopy(data))
    first, second = parsed.results[0], parsed.results[1]
    assert (first.air_date, first.runtime, first.still_path) == (None, None, None)
    assert first.episode_type == "finale"
    assert second.air_date == ""
    assert parsed.to_dict() == data


def test_account_lists_with_a_new_list_type_and_null_poster_parse() -> None:
    data = official("account.lists")
    data["results"][0].update(list_type="mixed", description=None)
    parsed = m.ListPage.from_dict(copy.deepcopy(data))
    assert parsed.results[0].list_type == "mixed"
    assert parsed.results[0].poster_path is None
    assert parsed.to_dict() == data
