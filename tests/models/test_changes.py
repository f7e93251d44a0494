"""The changed-id lists' models: the null `adult` TMDB sends."""

from __future__ import annotations

import pytest

import tmdb_async_api.models as m

from support import official


@pytest.mark.parametrize(("method", "index"), [("changes.movies", 11), ("changes.people", 11), ("changes.tv", 47)])
def test_changed_ids_keep_the_null_adult_tmdb_sends(method: str, index: int) -> None:
    data = official(method)
    assert data["results"][index]["adult"] is None
    parsed = m.ChangedIdPage.from_dict(data)
    assert parsed.results[index].adult is None
    with pytest.raises(ValueError, match=r"^\$\.adult: expected boolean or null, got nothing"):
        m.ChangedId.from_dict({"id": 550})  # TMDB always sends adult (tests/required_rule.py)
