"""Per-call escape hatches: `extra_query=` and `extra_headers=` on every method.

Every generated method takes them (openapi/facade.py) and hands them to `_Caller.call`, which
checks them here and keeps them in a ContextVar for the duration of the call; the httpx
client's request hook (`apply`) adds them to the request the generated operation built.
A ContextVar rather than an argument: the generated operations (openapi-python-client's
`asyncio_detailed`) take no extra arguments, and this keeps their template untouched.

Credentials cannot be set or replaced here: `Authorization` in extra_headers and `api_key`
in extra_query are refused (ValueError), so a stray header never overrides the client's
token silently. Header values are never logged nor put in exceptions (the transport logs a
method and a path, and errors carry the URL with credential parameters redacted); a
`session_id` or `guest_session_id` given in extra_query is redacted like the method's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import cast

import httpx

_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
_CREDENTIAL_PARAMS = frozenset({"api_key"})
_SCALARS = (str, int, float)
_BREAKS = re.compile(r"[\r\n\x00]")  # would end the header and start another (header injection)


@dataclass(frozen=True)
class Extras:
    """The checked extra query parameters and headers of one call."""

    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]


# The extras of the call in progress in this task (None: none, the common case).
CALL_EXTRAS: ContextVar[Extras | None] = ContextVar("tmdb_async_call_extras", default=None)


def check_extras(extra_query: object, extra_headers: object) -> Extras | None:
    """The extras as sent, or ValueError saying which one is wrong and what to do."""
    if not extra_query and not extra_headers:
        return None
    query: list[tuple[str, str]] = []
    for name, value in _items("extra_query", extra_query):
        if name in _CREDENTIAL_PARAMS:
            raise ValueError(
                f"extra_query cannot set {name!r}: credentials are the client's (TMDB(api_key=...) or access_token=...)"
            )
        query.append((name, _query_value(name, value)))
    headers: list[tuple[str, str]] = []
    for name, value in _items("extra_headers", extra_headers):
        if name.lower() in _CREDENTIAL_HEADERS:
            raise ValueError(
                f"extra_headers cannot set {name!r}: credentials are the client's"
                " (TMDB(access_token=...) or api_key=...)"
            )
        if not isinstance(value, str):
            raise ValueError(f"extra_headers[{name!r}] must be a string, got {type(value).__name__}")
        if _BREAKS.search(name) or _BREAKS.search(value):
            raise ValueError(f"extra_headers[{name!r}]: a header name or value cannot hold a line break")
        headers.append((name, value))
    return Extras(tuple(query), tuple(headers))


def _items(label: str, mapping: object) -> list[tuple[str, object]]:
    """The (name, value) pairs of a mapping whose names are non-empty strings, or ValueError."""
    if mapping is None:
        return []
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{label} must be a mapping of names to values, got {type(mapping).__name__}")
    items: list[tuple[str, object]] = []
    for name, value in cast("Mapping[object, object]", mapping).items():  # pragma: no mutate (a no-op cast)
        if not isinstance(name, str) or not name:
            raise ValueError(f"{label} names must be non-empty strings, got {name!r}")
        items.append((name, value))
    return items


def _query_value(name: str, value: object) -> str:
    # Booleans as TMDB spells them (`include_adult=true`), as the generated operations send them.
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, _SCALARS):
        raise ValueError(f"extra_query[{name!r}] must be a string, number or bool, got {type(value).__name__}")
    return str(value)


async def apply(request: httpx.Request) -> None:
    """httpx request hook: add the current call's extras (a query parameter replaces one of the same name)."""
    extras = CALL_EXTRAS.get()
    if extras is None:
        return
    if extras.query:
        request.url = request.url.copy_merge_params(dict(extras.query))
    for name, value in extras.headers:
        request.headers[name] = value
