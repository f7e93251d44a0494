"""TMDB(cache=...): hishel with a real SQLite storage (in memory and in a file) and a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import hishel
import httpx
import pytest

from tmdb_async import TMDB, ConfigurationError, NotFoundError
from tmdb_async._cache import CacheTransport
from tmdb_async._throttle import Timing
from tmdb_async._transport import TransportStats

from scripted_server import Answer, ScriptedServer
from support import official

MOVIE = official("movies.details")
TOKEN = "t0ken-SECRET"
API_KEY = "k3y-SECRET"
FRESH = {"Cache-Control": "public, max-age=600"}


def storage_bytes(folder: Path) -> bytes:
    """Everything SQLite wrote in `folder` (the database, its WAL and shared-memory files)."""
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


async def details_twice(server: ScriptedServer, **options: object) -> TMDB:
    tmdb = TMDB(base_url=server.base_url, **({"access_token": TOKEN} | options))  # type: ignore[arg-type]
    async with tmdb:
        first = await asyncio.wait_for(tmdb.movies.details(550), 5)
        second = await asyncio.wait_for(tmdb.movies.details(550), 5)
    assert first == second
    assert first.title == MOVIE["title"]
    return tmdb


async def test_a_fresh_answer_is_served_from_memory_and_counted() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        tmdb = await details_twice(server, cache=":memory:")

    assert server.hits("/3/movie/550") == 1
    assert (tmdb.stats.cache_hits, tmdb.stats.requests, tmdb.stats.attempts) == (1, 1, 1)


async def test_the_cache_is_off_by_default() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        tmdb = await details_twice(server)

    assert server.hits("/3/movie/550") == 2
    assert tmdb.stats.cache_hits == 0


@pytest.mark.parametrize("cache_control", ["no-store", "no-cache", "max-age=0"])
async def test_an_answer_tmdb_says_not_to_reuse_is_asked_again(cache_control: str) -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers={"Cache-Control": cache_control})
        tmdb = await details_twice(server, cache=":memory:")

    assert server.hits("/3/movie/550") == 2
    assert tmdb.stats.cache_hits == 0


async def test_a_stale_answer_is_revalidated_with_its_etag_and_a_304_serves_the_stored_body() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers={"Cache-Control": "max-age=0", "ETag": '"v1"'})
        tmdb = await details_twice(server, cache=":memory:")

    assert [seen.headers.get("if-none-match") for seen in server.seen] == [None, '"v1"']
    assert (tmdb.stats.cache_revalidations, tmdb.stats.cache_hits, tmdb.stats.failures) == (1, 0, 0)


async def test_each_revalidation_is_counted() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers={"Cache-Control": "max-age=0", "ETag": '"v1"'})
        async with TMDB(base_url=server.base_url, access_token=TOKEN, cache=":memory:") as tmdb:
            for _ in range(3):
                await asyncio.wait_for(tmdb.movies.details(550), 5)

    assert (tmdb.stats.cache_revalidations, tmdb.stats.cache_hits) == (2, 0)


async def test_a_private_answer_is_cached_the_cache_being_this_clients_own() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers={"Cache-Control": "private, max-age=600"})
        tmdb = await details_twice(server, cache=":memory:")

    assert server.hits("/3/movie/550") == 1
    assert tmdb.stats.cache_hits == 1


async def test_a_cache_transport_can_be_closed_twice(tmp_path: Path) -> None:
    inner = httpx.MockTransport(lambda request: httpx.Response(200, json=MOVIE, headers=FRESH))
    transport = CacheTransport(inner, str(tmp_path / "c.db"), TransportStats())
    for _ in range(2):
        answer = await transport.handle_async_request(httpx.Request("GET", "http://127.0.0.1:9/3/movie/550"))
        await answer.aread()
    assert transport.stats.cache_hits == 1

    await transport.aclose()
    await transport.aclose()


async def test_an_sqlite_file_keeps_answers_across_clients_and_holds_no_credentials(tmp_path: Path) -> None:
    database = tmp_path / "tmdb-cache.db"
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        await details_twice(server, cache=database)
        later = await details_twice(server, cache=str(database), access_token=None, api_key=API_KEY)

    assert server.hits("/3/movie/550") == 1
    assert later.stats.cache_hits == 2
    assert database.is_file()
    stored = storage_bytes(tmp_path)
    assert MOVIE["title"].encode() in stored
    assert TOKEN.encode() not in stored
    assert API_KEY.encode() not in stored


async def test_a_file_cache_filled_with_an_api_key_holds_no_key(tmp_path: Path) -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        await details_twice(server, cache=tmp_path / "c.db", access_token=None, api_key=API_KEY)

    assert "api_key=" + API_KEY in server.seen[0].target  # it was sent
    assert API_KEY.encode() not in storage_bytes(tmp_path)


async def test_requests_with_a_session_id_bypass_the_cache(tmp_path: Path) -> None:
    async with ScriptedServer() as server:
        states = {"id": 550, "favorite": False, "rated": False, "watchlist": False}
        server.routes["/3/movie/550/account_states"] = Answer(states, headers=FRESH)
        async with TMDB(base_url=server.base_url, access_token=TOKEN, cache=tmp_path / "c.db") as tmdb:
            for _ in range(2):
                await asyncio.wait_for(tmdb.movies.account_states(550, session_id="s3ssion-SECRET"), 5)

    assert server.hits("/3/movie/550/account_states") == 2
    assert tmdb.stats.cache_hits == 0
    assert b"s3ssion-SECRET" not in storage_bytes(tmp_path)


async def test_errors_are_not_cached() -> None:
    async with ScriptedServer() as server:
        not_found = {"success": False, "status_code": 34, "status_message": "not found"}
        server.routes["/3/movie/404"] = Answer(not_found, status=404, headers=FRESH)
        async with TMDB(base_url=server.base_url, access_token=TOKEN, cache=":memory:", max_retries=0) as tmdb:
            for _ in range(2):
                with pytest.raises(NotFoundError):
                    await asyncio.wait_for(tmdb.movies.details(404), 5)

    assert server.hits("/3/movie/404") == 2


async def test_cache_hits_take_no_rate_limit_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(TMDB, "_timing", Timing(sleep=recorded_sleep))
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        async with TMDB(base_url=server.base_url, access_token=TOKEN, cache=":memory:", requests_per_second=1) as tmdb:
            for _ in range(6):
                await asyncio.wait_for(tmdb.movies.details(550), 5)

    # One request a second: a second request would have waited about a second.
    assert waits == []
    assert tmdb.stats.cache_hits == 5


async def test_cache_hits_take_no_concurrency_slot() -> None:
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        server.routes["/3/movie/13"] = Answer(MOVIE)
        server.gates["/3/movie/13"] = gate = asyncio.Event()
        async with TMDB(base_url=server.base_url, access_token=TOKEN, cache=":memory:", max_concurrency=1) as tmdb:
            await asyncio.wait_for(tmdb.movies.details(550), 5)
            held = asyncio.create_task(tmdb.movies.details(13))  # takes the only slot until the gate opens
            await asyncio.wait_for(server.arrived("/3/movie/13").wait(), 5)
            # Bounded below the server's own gate bound (5 s): a hit waiting for the slot fails here.
            cached = await asyncio.wait_for(tmdb.movies.details(550), 2)
            answered_while_held = not held.done()
            gate.set()
            await asyncio.wait_for(held, 5)

    assert answered_while_held
    assert cached.title == MOVIE["title"]
    assert server.hits("/3/movie/550") == 1


async def test_a_storage_the_user_gives_is_used_and_left_open(tmp_path: Path) -> None:
    storage = hishel.AsyncSqliteStorage(database_path=tmp_path / "mine.db")
    try:
        async with ScriptedServer() as server:
            server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
            await details_twice(server, cache=storage)
            await details_twice(server, cache=storage)
        assert server.hits("/3/movie/550") == 1
        assert await storage.get_entries("no such key") == []  # still open
    finally:
        await storage.close()


@pytest.mark.parametrize("cache", [True, 3, "", ["a.db"]])
def test_a_bad_cache_setting_is_a_configuration_error(cache: object) -> None:
    with pytest.raises(ConfigurationError, match=r'cache must be ":memory:", the path of an SQLite file, or a hishel'):
        TMDB(access_token=TOKEN, cache=cache)  # type: ignore[arg-type]


def test_a_folder_as_cache_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is not a file: give an SQLite file to create or use"):
        TMDB(access_token=TOKEN, cache=tmp_path)


async def test_a_cache_file_in_a_missing_folder_is_created_with_it(tmp_path: Path) -> None:
    database = tmp_path / "not" / "yet" / "tmdb.db"
    async with ScriptedServer() as server:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers=FRESH)
        tmdb = await details_twice(server, cache=database)

    assert database.is_file()
    assert tmdb.stats.cache_hits == 1


def test_a_cache_file_under_a_regular_file_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(ConfigurationError, match="cannot create its folder"):
        TMDB(access_token=TOKEN, cache=tmp_path / "plain" / "tmdb.db")


def test_without_hishel_the_error_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hishel.httpx", None)  # what `import hishel.httpx` does when it is missing
    with pytest.raises(ConfigurationError, match=r"caching needs hishel: pip install 'tmdb-async\[cache\]'"):
        TMDB(access_token=TOKEN, cache=":memory:")
