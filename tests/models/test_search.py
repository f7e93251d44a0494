"""The search results' models: mixed results told apart by media_type, unknown kinds kept, nulls and "" dates."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


def test_mixed_search_tells_movies_series_people_and_unknown_kinds_apart() -> None:
    data = copy.deepcopy(official("search.multi"))
    person = official("search.people")["results"][0] | {"media_type": "person"}
    collection = {"id": 10, "media_type": "collection", "name": "Star Wars Collection", "poster_path": None}
    data["results"] += [person, collection]
    parsed = m.MediaPage.from_dict(copy.deepcopy(data))
    kinds = [type(item).__name__ for item in parsed.results]
    assert kinds[:3] == ["MovieMediaItem", "MovieMediaItem", "TvSeriesMediaItem"]
    assert kinds[-2:] == ["PersonMediaItem", "OtherMediaItem"]
    other = parsed.results[-1]
    assert isinstance(other, m.OtherMediaItem)
    assert other.media_type == "collection"
    assert other.additional_properties == {"name": "Star Wars Collection", "poster_path": None}
    assert parsed.to_dict() == data


def test_search_results_with_null_paths_and_empty_dates_parse() -> None:
    movies = m.MoviePage.from_dict(official("search.movies"))
    unreleased = movies.results[3]
    assert (unreleased.title, unreleased.release_date, unreleased.poster_path) == (
        "Fight Club (Russian version)",
        "",
        None,
    )
    series = copy.deepcopy(official("search.tv"))
    series["results"][0] |= {"first_air_date": "", "poster_path": None, "overview": None, "origin_country": []}
    parsed = m.TvSeriesPage.from_dict(copy.deepcopy(series))
    assert (parsed.results[0].first_air_date, parsed.results[0].overview) == ("", None)
    assert parsed.to_dict() == series


def test_a_person_known_for_an_unknown_kind_parses() -> None:
    data = copy.deepcopy(official("search.people"))
    data["results"][0]["known_for"].append({"id": 1, "media_type": "podcast", "name": "Tom Talks"})
    data["results"][0] |= {"profile_path": None, "gender": None, "known_for_department": None}
    parsed = m.PersonPage.from_dict(copy.deepcopy(data))
    known_for = parsed.results[0].known_for
    assert isinstance(known_for, list)
    assert isinstance(known_for[0], m.MovieMediaItem)
    assert isinstance(known_for[-1], m.OtherMediaItem)
    assert parsed.results[0].profile_path is None
    assert parsed.to_dict() == data


def test_search_collections_and_companies_with_nulls_parse() -> None:
    collections = copy.deepcopy(official("search.collections"))
    collections["results"][0] |= {"poster_path": None, "backdrop_path": None, "overview": None}
    parsed = m.CollectionPage.from_dict(copy.deepcopy(collections))
    assert isinstance(parsed.results[0], m.CollectionSearchResult)
    assert (parsed.results[0].poster_path, parsed.results[0].original_name) == (None, "The Avengers Collection")
    assert parsed.to_dict() == collections
    companies = copy.deepcopy(official("search.companies"))
    companies["results"][0]["origin_country"] = None
    page = m.CompanyPage.from_dict(copy.deepcopy(companies))
    assert page.results[2].logo_path is None
    assert page.results[2].origin_country == ""
    assert page.results[0].origin_country is None
    assert page.to_dict() == companies
