"""The lists' models: ids as strings or integers, mixed and unknown media types among items, status envelopes."""

from __future__ import annotations

import copy

import pytest

import tmdb_async_api.models as m

from spec_models import unmodelled_fields
from support import official


@pytest.mark.parametrize("list_id", ["1", 1])
def test_list_details_id_is_a_string_or_an_integer(list_id: int | str) -> None:
    data = official("lists.details") | {"id": list_id}
    parsed = m.ListDetails.from_dict(copy.deepcopy(data))
    assert parsed.id == list_id
    assert type(parsed.id) is type(list_id)
    assert parsed.to_dict() == data


@pytest.mark.parametrize("list_id", ["509ec17b19c2950a0600050d", 1])
def test_item_status_id_is_a_string_or_an_integer(list_id: int | str) -> None:
    parsed = m.ListItemStatus.from_dict({"id": list_id, "item_present": False})
    assert (parsed.id, parsed.item_present) == (list_id, False)


def test_list_items_mix_movies_tv_series_and_unknown_media_types() -> None:
    data = official("lists.details")
    series = copy.deepcopy(official("account.favorite_tv")["results"][0]) | {"media_type": "tv"}
    collection = {"id": 10, "media_type": "collection", "name": "Star Wars Collection", "poster_path": None}
    data["items"] = [data["items"][0], series, collection]
    data.update(description=None, poster_path=None, page=1, total_pages=3, total_results=59)
    parsed = m.ListDetails.from_dict(copy.deepcopy(data))

    movie, tv, other = parsed.items
    assert isinstance(movie, m.MovieMediaItem)
    assert movie.title == "Spider-Man: No Way Home"
    assert isinstance(tv, m.TvSeriesMediaItem)
    assert tv.name == "Breaking Bad"
    assert isinstance(other, m.OtherMediaItem)
    assert other.media_type == "collection"
    assert other.additional_properties == {"name": "Star Wars Collection", "poster_path": None}
    assert (parsed.description, parsed.poster_path, parsed.total_pages) == (None, None, 3)
    assert parsed.to_dict() == data
    assert unmodelled_fields(parsed) == ["$.items[2].name", "$.items[2].poster_path"]


def test_list_items_with_empty_release_date_and_integer_scores_parse() -> None:
    data = official("lists.details")
    data["items"][0].update(release_date="", vote_average=0, popularity=0, backdrop_path=None)
    parsed = m.ListDetails.from_dict(copy.deepcopy(data))
    item = parsed.items[0]
    assert isinstance(item, m.MovieMediaItem)
    assert (item.release_date, item.vote_average, item.backdrop_path) == ("", 0, None)
    assert parsed.to_dict() == data


def test_a_status_envelope_with_a_new_code_and_success_flag_parses() -> None:
    data = {
        "success": True,
        "status_code": 21,
        "status_message": "The item/record you are trying to edit cannot be found.",
    }
    parsed = m.StatusResponse.from_dict(data)
    assert parsed.status_code == 21
    created = m.ListCreatedResponse.from_dict(official("lists.create") | {"iso_639_1": "en"})
    assert created.list_id == 5861
    assert created.additional_properties == {"iso_639_1": "en"}
