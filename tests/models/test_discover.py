"""The discover pages' models: null paths, "" dates and odd media types."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


# ---------------------------------------------------------------------------------------- hostile data
def test_discover_movies_with_null_paths_and_an_empty_release_date() -> None:
    data = copy.deepcopy(official("discover.movies"))
    data["results"][0] |= {"poster_path": None, "backdrop_path": None, "overview": None, "release_date": ""}
    data["results"][1]["media_type"] = "collection"
    parsed = m.MoviePage.from_dict(data)
    first = parsed.results[0]
    assert (first.poster_path, first.backdrop_path, first.overview, first.release_date) == (None, None, None, "")
    assert parsed.results[1].media_type == "collection"
    assert parsed.to_dict() == data


def test_discover_tv_keeps_the_null_backdrop_of_the_official_example_and_empty_first_air_dates() -> None:
    data = copy.deepcopy(official("discover.tv"))
    nulls = [index for index, item in enumerate(data["results"]) if item["backdrop_path"] is None]
    assert nulls  # TMDB's own example has a series without a backdrop
    data["results"][0] |= {"first_air_date": "", "poster_path": None, "origin_country": []}
    parsed = m.TvSeriesPage.from_dict(data)
    assert all(parsed.results[index].backdrop_path is None for index in nulls)
    assert (parsed.results[0].first_air_date, parsed.results[0].poster_path) == ("", None)
    assert parsed.to_dict() == data
