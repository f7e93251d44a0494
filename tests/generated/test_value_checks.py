"""from_dict checks every value against its documented type and names the JSON path of a bad one.

The one coercion: an integral float (720.0) for an integer field. A JSON integer for a number
field is a number, kept as sent. Nothing else is converted.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB, ResponseValidationError
from tmdb_async import models as m
from tmdb_async.models import UNSET, InvalidValue, Unset

from support import official


def movie(**fields: Any) -> dict[str, Any]:
    """TMDB's example of a movie (Star Wars), with `fields` replaced."""
    data: dict[str, Any] = official("movies.details") | fields
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (movie(belongs_to_collection=42), "$.belongs_to_collection: expected object or null, got int 42"),
        (movie(title=None), "$.title: expected string, got null"),
        (movie(budget="1"), "$.budget: expected integer, got str '1'"),
        (movie(budget=True), "$.budget: expected integer, got boolean true"),
        (movie(budget=1.5), "$.budget: expected integer, got float 1.5"),
        (movie(vote_average="8.2"), "$.vote_average: expected number, got str '8.2'"),
        (movie(video=0), "$.video: expected boolean, got int 0"),
        (movie(runtime="121"), "$.runtime: expected integer or null, got str '121'"),
        (movie(genres={"id": 1}), "$.genres: expected array of objects, got object"),
        (
            movie(genres=[{"id": 1, "name": "A"}, {"id": "2", "name": "B"}]),
            "$.genres[1].id: expected integer, got str '2'",
        ),
        (movie(origin_country=["US", 1]), "$.origin_country[1]: expected string, got int 1"),
        (
            movie(credits={"cast": [official("movies.credits")["cast"][0] | {"order": "1"}]}),
            "$.credits.cast[0].order: expected integer, got str '1'",
        ),
        (
            {key: value for key, value in movie().items() if key != "id"},
            "$.id: expected integer, got nothing (the field is missing)",
        ),
        (42, "$: expected object, got int 42"),
    ],
)
def test_a_value_of_the_wrong_type_raises_naming_its_path(data: Any, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        m.MovieDetails.from_dict(data)
    assert str(caught.value) == message


def test_invalid_value_is_a_value_error_with_its_parts() -> None:
    with pytest.raises(ValueError, match="budget") as caught:
        m.MovieDetails.from_dict(movie(budget="1"))
    error = caught.value
    assert isinstance(error, InvalidValue)
    assert (error.path, error.expected, error.got) == ("$.budget", "integer", "str '1'")


def test_an_integral_float_is_taken_for_an_integer_field() -> None:
    parsed = m.MovieDetails.from_dict(movie(runtime=720.0, budget=1e6, genres=[{"id": 28.0, "name": "Action"}]))
    assert (parsed.runtime, type(parsed.runtime)) == (720, int)
    assert (parsed.budget, type(parsed.budget)) == (1000000, int)
    assert isinstance(parsed.genres, list)
    assert (parsed.genres[0].id, type(parsed.genres[0].id)) == (28, int)


def test_an_integer_for_a_number_field_is_kept_as_sent() -> None:
    data = movie(vote_average=7, popularity=0)
    parsed = m.MovieDetails.from_dict(data)
    assert (parsed.vote_average, type(parsed.vote_average)) == (7, int)
    assert parsed.to_dict() == data


def test_unknown_fields_stay_in_additional_properties_and_to_dict_is_lossless() -> None:
    data = official("movies.details") | {"brand_new": {"nested": [1, 2]}}
    parsed = m.MovieDetails.from_dict(copy.deepcopy(data))
    assert parsed.additional_properties == {"brand_new": {"nested": [1, 2]}}
    assert parsed.to_dict() == data


def test_from_dict_does_not_change_its_input() -> None:
    data = official("movies.details") | {"brand_new": 1}
    kept = copy.deepcopy(data)
    m.MovieDetails.from_dict(data)
    assert data == kept


def test_unset_is_a_falsy_enum_member_that_narrows() -> None:
    assert isinstance(UNSET, Unset)
    assert not UNSET
    assert repr(UNSET) == "UNSET"
    assert list(Unset) == [UNSET]
    parsed = m.MovieDetails.from_dict(movie())
    assert parsed.credits is UNSET
    with pytest.raises(AttributeError):
        _ = parsed.credits.cast  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]


def test_a_list_item_without_media_type_becomes_other_media_item_keeping_its_fields() -> None:
    data = official("search.multi")
    item = data["results"][0]
    del item["media_type"]
    page = m.MediaPage.from_dict(copy.deepcopy(data))
    other = page.results[0]
    assert isinstance(other, m.OtherMediaItem)
    assert other.media_type is UNSET
    assert other.to_dict() == item


def test_an_unknown_media_type_becomes_other_media_item() -> None:
    data = official("search.multi")
    data["results"][0]["media_type"] = "collection"
    page = m.MediaPage.from_dict(copy.deepcopy(data))
    assert isinstance(page.results[0], m.OtherMediaItem)
    assert page.results[0].media_type == "collection"
    assert page.to_dict() == data


def test_a_known_media_type_with_a_bad_value_raises_rather_than_degrading() -> None:
    data = official("search.multi")
    data["results"][1]["media_type"] = "movie"
    data["results"][1]["title"] = 5
    with pytest.raises(InvalidValue, match=r"^\$\.results\[1\]\.title: expected string, got int 5$"):
        m.MediaPage.from_dict(data)


def test_nested_media_without_media_type_takes_the_parents() -> None:
    data = official("credits.details")
    del data["media"]["media_type"]
    credit = m.CreditDetails.from_dict(copy.deepcopy(data))
    assert data["media_type"] == "tv"
    assert isinstance(credit.media, m.CreditTvSeries)
    assert credit.media.media_type is UNSET
    assert credit.to_dict() == data


def test_nested_media_without_a_known_media_type_degrades() -> None:
    data = official("credits.details")
    del data["media"]["media_type"]
    data["media_type"] = "collection"  # a kind this client does not know
    credit = m.CreditDetails.from_dict(copy.deepcopy(data))
    assert isinstance(credit.media, m.OtherMediaItem)
    assert credit.to_dict() == data


async def test_the_client_raises_response_validation_error_naming_the_path() -> None:
    body = official("movies.details") | {"belongs_to_collection": 42}

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    async with TMDB(access_token="t0ken-SECRET", transport=httpx.MockTransport(serve)) as tmdb:
        with pytest.raises(ResponseValidationError) as caught:
            await tmdb.movies.details(11)
    message = str(caught.value)
    assert "$.belongs_to_collection: expected object or null, got int 42" in message
    assert "t0ken-SECRET" not in message


def test_reading_through_unset_says_why() -> None:
    parsed = m.MovieDetails.from_dict(movie())
    with pytest.raises(AttributeError, match=r"cannot read 'cast' of UNSET: .*append_to_response"):
        _ = parsed.credits.cast  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue]


def test_a_page_number_sent_as_a_string_raises() -> None:
    data = official("movies.popular") | {"page": "1"}
    with pytest.raises(InvalidValue, match=r"^\$\.page: expected integer, got str '1'$"):
        m.MoviePage.from_dict(data)
