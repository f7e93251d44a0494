"""Fixtures shared by the client tests: a factory of mocked clients (tests/conftest.py clears TMDB_*)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB

ACCESS_TOKEN = "t0ken-SECRET"

# What httpx.MockTransport takes: a plain or an async handler.
MockHandler = (
    Callable[[httpx.Request], httpx.Response] | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


@pytest.fixture
async def mocked_tmdb_factory() -> AsyncIterator[Callable[..., TMDB]]:
    """`make(handler, **options)`: a TMDB whose network is `httpx.MockTransport(handler)`, closed after the test.

    The access token defaults to "t0ken-SECRET"; pass `access_token=None, api_key=...` for the other credential.
    """
    clients: list[TMDB] = []

    def make(handler: MockHandler, /, **options: Any) -> TMDB:
        options.setdefault("access_token", ACCESS_TOKEN)
        client = TMDB(transport=httpx.MockTransport(handler), **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
