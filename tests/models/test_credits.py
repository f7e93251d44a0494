"""The credits' models: a credit's media is a TV series with its seasons, a movie, or an unknown kind kept as is."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from spec_models import parse
from support import official


def test_credit_details_media_is_the_tv_series_with_its_seasons() -> None:
    credit = parse("CreditDetails", official("credits.details"))
    assert isinstance(credit.media, m.CreditTvSeries)
    assert credit.media.episodes == []
    seasons = credit.media.seasons
    assert isinstance(seasons, list)
    assert isinstance(seasons[0], m.CreditSeason)
    assert (seasons[0].show_id, seasons[0].vote_average) == (100088, UNSET)
    assert isinstance(credit.person, m.PersonSummary)
    assert credit.person.media_type == "person"


def test_a_movie_credit_and_an_unknown_media_type_parse() -> None:
    data = copy.deepcopy(official("credits.details"))
    movie = official("movies.popular")["results"][0] | {"media_type": "movie", "character": "Cassie Lang"}
    data |= {"media_type": "movie", "credit_type": "crew", "department": "Time Travel", "media": movie}
    data["person"] |= {"profile_path": None, "known_for_department": None, "gender": None}
    credit = parse("CreditDetails", data)
    assert isinstance(credit.media, m.CreditMovie)
    assert credit.media.character == "Cassie Lang"
    assert (credit.person.profile_path, credit.person.known_for_department) == (None, None)
    data["media"] = {"id": 10, "media_type": "collection", "name": "Star Wars Collection"}
    other = parse("CreditDetails", data, unmodelled=("$.media.name",)).media
    assert isinstance(other, m.OtherMediaItem)
    assert other.additional_properties == {"name": "Star Wars Collection"}
