"""The guest sessions' models: rated TV series with "" dates; a rated item needs its rating."""

from __future__ import annotations

import copy

import pytest

import tmdb_async_api.models as m

from support import official


def test_rated_tv_series_with_empty_first_air_date_parses() -> None:
    data = official("guest_sessions.rated_tv")
    data["results"][0].update(first_air_date="", backdrop_path=None, origin_country=[])
    parsed = m.RatedTvSeriesPage.from_dict(copy.deepcopy(data))
    assert parsed.results[0].first_air_date == ""
    assert parsed.results[0].origin_country == []
    assert parsed.to_dict() == data


def test_a_rated_item_without_its_rating_is_not_a_rated_item() -> None:
    # `rating` is the point of these lists: it is required, and its absence is an error.
    data = official("guest_sessions.rated_movies")
    del data["results"][0]["rating"]
    with pytest.raises(ValueError, match=r"^\$\.results\[0\]\.rating: expected number, got nothing"):
        m.RatedMoviePage.from_dict(data)
