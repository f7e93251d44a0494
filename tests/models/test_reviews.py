"""The reviews' models: a review's details are a review with its media; nulls and unknown media types."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official, spec


def test_review_details_with_null_author_fields_and_an_unknown_media_type() -> None:
    data = copy.deepcopy(official("reviews.details"))
    data["author_details"] |= {"rating": None, "avatar_path": None}
    data["media_type"] = "collection"
    parsed = m.ReviewDetails.from_dict(data)
    assert isinstance(parsed.author_details, m.ReviewAuthor)
    assert (parsed.author_details.rating, parsed.author_details.avatar_path) == (None, None)
    assert (parsed.media_type, parsed.media_id, parsed.iso_639_1) == ("collection", 100088, "en")
    assert parsed.to_dict() == data


def test_review_details_is_a_review_with_its_media() -> None:
    # ReviewDetails extends Review; Review itself (the items of review pages) is unchanged.
    schema = spec()["components"]["schemas"]["ReviewDetails"]
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/Review"}
    assert "media_id" not in spec()["components"]["schemas"]["Review"]["properties"]
