"""paginate(): the items of every page of a paged TMDB operation, as an async iterator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

__all__ = ["MAX_PAGE", "Page", "paginate"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

MAX_PAGE = 500
"""TMDB serves pages 1 to 500; page 501 is an error (code 22) whatever total_pages says."""


class Page(Protocol[T_co]):
    """What a paged answer has: MoviePage, TvSeriesPage, ReviewPage, ..."""

    @property
    def page(self) -> int: ...

    @property
    def results(self) -> Sequence[T_co]: ...

    @property
    def total_pages(self) -> int: ...


def paginate(
    method: Callable[..., Awaitable[Page[T]]],
    *args: Any,
    max_pages: int | None = None,
    **kwargs: Any,
) -> AsyncIterator[T]:
    """Yield the items of page after page of `method(*args, page=n, **kwargs)`.

    Stops after the last page (`total_pages`), at TMDB's 500-page cap, after `max_pages`
    pages, or at the first empty page. `page=` in kwargs is the first page (default 1).
    A bad `max_pages` raises ValueError here, before anything is fetched.
    """
    if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
        raise ValueError(f"max_pages must be a whole number >= 1, or None for all pages, got {max_pages!r}")
    first = kwargs.pop("page", None)
    return _pages(method, args, kwargs, 1 if first is None else first, max_pages)


async def _pages(
    method: Callable[..., Awaitable[Page[T]]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    page: int,
    max_pages: int | None,
) -> AsyncIterator[T]:
    fetched = 0
    while True:
        answer = await method(*args, page=page, **kwargs)
        fetched += 1
        for item in answer.results:
            yield item
        last = min(answer.total_pages, MAX_PAGE)
        if page >= last or not answer.results or (max_pages is not None and fetched >= max_pages):
            return
        page += 1
