"""The default network layer (aiohttp under httpx): errors mapped for the retry policy."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket

import httpx
import pytest

from tmdb_async import TMDB, APIConnectionError, APITimeoutError
from tmdb_async._aiohttp import AiohttpTransport
from tmdb_async._throttle import Timing
from tmdb_async.testing import FakeTMDB

from scripted_server import Answer, ScriptedServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_aiohttps_hidden_retry_of_kept_alive_connections_is_off() -> None:
    transport = AiohttpTransport(max_connections=2)
    session = transport._get_session()
    try:
        # If an aiohttp upgrade renames the switch, this fails and the comment in _aiohttp.py is due.
        assert session._retry_connection is False
    finally:
        await transport.aclose()


async def test_a_refused_connection_is_a_connect_error_so_even_a_rating_is_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=no_wait))
    port = free_port()
    async with TMDB(base_url=f"http://127.0.0.1:{port}", access_token="t", max_retries=2) as tmdb:
        with pytest.raises(APIConnectionError, match="ConnectError"):
            await tmdb.movies.add_rating(550, value=8.5, guest_session_id="g")
        assert tmdb.stats.attempts == 3


async def test_a_connection_closed_without_an_answer_is_not_retried_for_a_write() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=3) as tmdb:
        guest = (await tmdb.authentication.create_guest_session()).guest_session_id
        fake.fail("/3/movie/550/rating", "close")
        with pytest.raises(APIConnectionError, match="RemoteProtocolError"):
            await tmdb.movies.add_rating(550, value=8.5, guest_session_id=guest)
        assert fake.stats.by_path["/3/movie/550/rating"] == 1


@pytest.mark.parametrize(("kind", "error"), [("close", "RemoteProtocolError"), ("reset", "ReadError"),
                                             ("truncate", "RemoteProtocolError")])  # fmt: skip
async def test_a_broken_answer_to_a_get_is_retried_and_named(kind: str, error: str) -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        fake.fail("/3/movie/550", kind)
        with pytest.raises(APIConnectionError, match=error):
            await tmdb.movies.details(550)
        movie = await tmdb.movies.details(550)  # the client is still usable
    assert movie.id == 550


async def test_no_answer_in_time_is_a_timeout() -> None:
    async with (
        FakeTMDB(slow_seconds=1.0) as fake,
        TMDB(base_url=fake.base_url, access_token="test", max_retries=0, timeout=0.2) as tmdb,
    ):
        fake.fail("/3/movie/550", "slow")
        with pytest.raises(APITimeoutError):
            await tmdb.movies.details(550)


async def test_a_gzip_answer_is_decoded_and_a_json_body_is_sent() -> None:
    body = gzip.compress(json.dumps({"success": True, "status_code": 1, "status_message": "Success."}).encode())
    rated = Answer(body, 201, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, close=True)
    async with (
        ScriptedServer({"/3/movie/550/rating": rated}) as server,
        TMDB(base_url=server.base_url, access_token="t") as tmdb,
    ):
        status = await tmdb.movies.add_rating(550, value=8.5, guest_session_id="g")
    assert status.status_message == "Success."
    assert json.loads(server.seen[0].body) == {"value": 8.5}


async def test_a_custom_httpx_transport_replaces_the_default() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"id": 7, "name": "Seven"}))
    async with TMDB(access_token="t", transport=transport) as tmdb:
        keyword = await tmdb.keywords.details(7)
    assert keyword.name == "Seven"
