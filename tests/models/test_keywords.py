"""The keywords' models: a keyword's movie page keeps its id and odd movies."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


def test_keyword_movies_page_keeps_the_keyword_id_and_odd_movies() -> None:
    data = copy.deepcopy(official("keywords.movies"))
    data["results"][0] |= {"release_date": "", "overview": None, "poster_path": None, "backdrop_path": None}
    parsed = m.KeywordMoviePage.from_dict(copy.deepcopy(data))
    assert parsed.id == 1701
    assert (parsed.total_pages, parsed.results[0].release_date) == (11, "")
    assert parsed.to_dict() == data
