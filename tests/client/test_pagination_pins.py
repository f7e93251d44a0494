"""paginate() behaviours no other test pinned: positional arguments and what max_pages accepts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tmdb_async.pagination import paginate


@dataclass
class Answer:
    page: int
    results: list[str]
    total_pages: int


@dataclass
class Similar:
    """A paged operation taking an id first, like `tmdb.movies.similar(movie_id, page=n)`: 3 pages of 2 items."""

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    async def __call__(self, *args: Any, **kwargs: Any) -> Answer:
        self.calls.append((args, kwargs))
        page = kwargs["page"]
        return Answer(page=page, results=[f"{args}-{page}-a", f"{args}-{page}-b"], total_pages=3)


async def test_positional_arguments_are_passed_to_every_page() -> None:
    similar = Similar()

    items = [item async for item in paginate(similar, 550, language="de")]

    assert similar.calls == [((550,), {"page": 1, "language": "de"}), ((550,), {"page": 2, "language": "de"}),
                             ((550,), {"page": 3, "language": "de"})]  # fmt: skip
    assert items[:2] == ["(550,)-1-a", "(550,)-1-b"]
    assert len(items) == 6


async def test_max_pages_1_fetches_exactly_the_first_page() -> None:
    similar = Similar()

    items = [item async for item in paginate(similar, 550).max_pages(1)]

    assert [kwargs["page"] for _, kwargs in similar.calls] == [1]
    assert items == ["(550,)-1-a", "(550,)-1-b"]


async def test_max_pages_counts_pages_from_the_first_page_given() -> None:
    similar = Similar()

    items = [item async for item in paginate(similar, 550, page=2).max_pages(1)]

    assert [kwargs["page"] for _, kwargs in similar.calls] == [2]
    assert items == ["(550,)-2-a", "(550,)-2-b"]


@pytest.mark.parametrize("max_pages", [True, False, 2.5, 1.0, "2"])
def test_max_pages_that_is_not_a_whole_number_raises_before_any_call(max_pages: Any) -> None:
    similar = Similar()

    with pytest.raises(
        ValueError, match=f"max_pages must be a whole number >= 1, or None for all pages, got {max_pages!r}"
    ):
        paginate(similar, 550).max_pages(max_pages)

    assert similar.calls == []


async def test_closing_pages_never_iterated_is_harmless_and_fetches_nothing() -> None:
    similar = Similar()
    pages = paginate(similar, 550)
    await pages.aclose()

    assert similar.calls == []
