"""The trending lists' models: mixed results told apart by media_type, nulls in people."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from spec_models import parse
from support import official


def test_trending_all_tells_movies_series_people_and_unknown_kinds_apart() -> None:
    data = copy.deepcopy(official("trending.all"))
    data["results"][1] = official("trending.people")["results"][0]
    data["results"][2] = {"id": 10, "media_type": "collection", "name": "Star Wars Collection", "poster_path": None}
    page = parse("MediaPage", data, unmodelled=("$.results[2].name", "$.results[2].poster_path"))
    kinds = [type(item).__name__ for item in page.results[:4]]
    assert kinds == ["MovieMediaItem", "PersonMediaItem", "OtherMediaItem", "TvSeriesMediaItem"]
    person = page.results[1]
    assert isinstance(person, m.PersonMediaItem)
    assert isinstance(person.known_for, list)
    assert all(type(item).__name__.endswith("MediaItem") for item in person.known_for)


def test_trending_people_with_nulls_parse() -> None:
    data = copy.deepcopy(official("trending.people"))
    data["results"][0] |= {"profile_path": None, "known_for_department": None, "gender": None}
    data["results"][0]["known_for"][0] |= {"release_date": "", "poster_path": None}
    page = parse("PersonPage", data)
    assert (page.results[0].profile_path, page.results[0].known_for[0].release_date) == (None, "")
