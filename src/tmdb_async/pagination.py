"""paginate(): the items of every page of a paged TMDB operation, as an async iterator.

    async for movie in tmdb.paginate(tmdb.movies.popular, region="US").max_pages(3):
        ...

The method's own arguments pass through a ParamSpec, so mypy and pyright check them
against the method (`bogus=1` or `page="2"` is an error in both). That is why the page
limit is a method of the iterator and not a keyword of paginate(): PEP 612 allows no
keyword between `*args: P.args` and `**kwargs: P.kwargs`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

__all__ = ["MAX_PAGE", "Page", "Pages", "paginate"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
P = ParamSpec("P")

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


class Pages(Generic[T]):
    """The items of page after page, fetched as the iteration needs them.

    Stops after the last page (`total_pages`), at TMDB's 500-page cap, at the first empty
    page, or after the pages set by max_pages(). `page=` among the method's arguments is
    the first page (default 1).
    """

    def __init__(
        self, method: Callable[..., Awaitable[Page[T]]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self._method = method
        self._args = args
        self._kwargs = dict(kwargs)
        first = self._kwargs.pop("page", None)
        self._first: int = 1 if first is None else first
        self._max_pages: int | None = None
        self._running: AsyncGenerator[T, None] | None = None

    def max_pages(self, count: int | None) -> Pages[T]:
        """Fetch at most `count` pages (None: all of them); a bad count raises ValueError at once."""
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ValueError(f"max_pages must be a whole number >= 1, or None for all pages, got {count!r}")
        limited = Pages(self._method, self._args, {**self._kwargs, "page": self._first})
        limited._max_pages = count
        return limited

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._running is None:
            self._running = _pages(self._method, self._args, self._kwargs, self._first, self._max_pages)
        return await self._running.__anext__()

    async def aclose(self) -> None:
        """Stop early: no further page is fetched (`async for` with a break does this by itself)."""
        if self._running is not None:
            await self._running.aclose()


def paginate(method: Callable[P, Awaitable[Page[T]]], /, *args: P.args, **kwargs: P.kwargs) -> Pages[T]:
    """Page after page of `method(*args, page=n, **kwargs)`, as an async iterator of the items.

    `.max_pages(n)` on the result limits the pages fetched. Nothing is fetched before the
    iteration starts.
    """
    return Pages(method, args, kwargs)


async def _pages(
    method: Callable[..., Awaitable[Page[T]]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    page: int,
    max_pages: int | None,
) -> AsyncGenerator[T, None]:
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
