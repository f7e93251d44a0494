"""What every facade method shares: the Caller protocols, raw responses and argument checks."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

import httpx

from tmdb_async_api.types import Response

T = TypeVar("T")
P = ParamSpec("P")

MAX_APPENDED = 20

ExtraQuery = Mapping[str, "str | int | float | bool"]
"""`extra_query=`: query parameters sent as they are with one call."""
ExtraHeaders = Mapping[str, str]
"""`extra_headers=`: headers sent as they are with one call."""


class Caller(Protocol):
    """Sends a generated operation and returns its parsed 2xx body, or raises.

    tmdb_async's client implements it: retries, throttling and errors live there.
    """

    async def call(
        self,
        endpoint: Callable[..., Awaitable[Response[T]]],
        /,
        *,
        extra_query: ExtraQuery | None = None,
        extra_headers: ExtraHeaders | None = None,
        **kwargs: Any,
    ) -> T: ...


@dataclass(frozen=True)
class RawResponse(Generic[T]):
    """A 2xx answer with its HTTP details: `await tmdb.with_raw_response.movies.details(550)`.

    `parsed` is what the plain method returns; `headers`, `status_code` and `content` (the
    body as received, decoded from gzip) are TMDB's answer as it came.
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: T

    def json(self) -> Any:
        """The body, parsed as JSON into dicts and lists."""
        return json.loads(self.content)


class RawCaller(Protocol):
    """Like Caller, but answers the RawResponse around the parsed body."""

    async def call(
        self,
        endpoint: Callable[..., Awaitable[Response[T]]],
        /,
        *,
        extra_query: ExtraQuery | None = None,
        extra_headers: ExtraHeaders | None = None,
        **kwargs: Any,
    ) -> RawResponse[T]: ...


class raw_method(Generic[P, T]):  # noqa: N801 - used like a decorator
    """A resource method re-bound to a RawCaller: same parameters, answers RawResponse[T].

    `details = raw_method(MoviesResource.details)` in MoviesRawResource: the method's own code
    runs (argument checks included), with `self._caller` answering the raw response.
    """

    def __init__(self, method: Callable[Concatenate[Any, P], Awaitable[T]]) -> None:
        self.method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> raw_method[P, T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> Callable[P, Awaitable[RawResponse[T]]]: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        return self.method.__get__(instance, owner)


def check_bounds(
    name: str,
    value: float | None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    multiple_of: float | None = None,
) -> None:
    """Raise ValueError, before any request, when `value` is outside what TMDB accepts."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    low = "" if minimum is None else f" from {minimum:g}"
    high = "" if maximum is None else f" to {maximum:g}"
    step = "" if multiple_of is None else f" in steps of {multiple_of:g}"
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be{low}{high}{step}, got {value!r}")
    if multiple_of is not None and (value / multiple_of) % 1 != 0:
        raise ValueError(f"{name} must be{low}{high}{step}, got {value!r}")


def check_id(name: str, value: int) -> None:
    """Raise ValueError, before any request, unless `value` is a real int (not a bool, not a float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number (int), got {value!r}")


def check_segment(name: str, value: str) -> None:
    """Raise ValueError, before any request, for a path value that would leave its route.

    `''`, `'.'` and `'..'` survive percent-quoting, and URL normalisation then drops or
    climbs the segment: `find.by_id('..')` would request `/3`.
    """
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if value in ("", ".", ".."):
        raise ValueError(f"{name} must be a non-empty value other than '.' and '..', got {value!r}")


def join_appended(value: Sequence[str] | str | None, known: frozenset[str], name: str) -> str | None:
    """`["credits", "videos"]` -> `"credits,videos"`, checking names and TMDB's limit of 20."""
    if value is None or isinstance(value, str):
        return value
    names = list(value)
    unknown = [item for item in names if item not in known]
    if unknown:
        raise ValueError(
            f"{name}: unknown sub-resource(s) {', '.join(map(repr, unknown))};"
            f" known: {', '.join(sorted(known))} (pass a string to send other names as they are)"
        )
    if len(names) > MAX_APPENDED:
        raise ValueError(f"{name}: TMDB appends at most {MAX_APPENDED} sub-resources, got {len(names)}")
    return ",".join(names) or None
