"""The in-memory hishel storage of `TMDB(cache=":memory:")`: hishel's storage contract, and its byte bound."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hishel import Entry, Headers, Request, Response

from tmdb_async import _cache_memory
from tmdb_async._cache_memory import MemoryStorage

KEY = "key-of-movie-550"


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def answer(*parts: bytes) -> Response:
    return Response(200, Headers({"Cache-Control": "max-age=600", "ETag": '"v1"'}), chunks(*parts))


async def store(storage: MemoryStorage, key: str, *parts: bytes, ttl: float | None = None) -> Entry:
    """create_entry, then read its stream to the end, as hishel's transport does."""
    entry = await storage.create_entry(Request("GET", f"https://api.example/{key}"), answer(*parts), key, ttl=ttl)
    assert entry.response.stream is not None
    assert b"".join([chunk async for chunk in entry.response.stream]) == b"".join(parts)  # type: ignore[union-attr]
    return entry


async def body(entry: Entry) -> bytes:
    return b"".join([chunk async for chunk in entry.response.stream])  # type: ignore[union-attr]


async def test_an_entry_read_to_the_end_is_served_with_its_body_and_headers() -> None:
    storage = MemoryStorage()
    stored = await store(storage, KEY, b'{"id": ', b"550}")

    [entry] = await storage.get_entries(KEY)
    assert entry.id == stored.id
    assert await body(entry) == b'{"id": 550}'
    assert entry.response.headers["etag"] == '"v1"'
    assert await storage.get_entries("another key") == []


async def test_an_entry_whose_stream_was_not_read_to_the_end_is_never_served() -> None:
    storage = MemoryStorage()
    entry = await storage.create_entry(Request("GET", "https://api.example/x"), answer(b"a", b"b"), KEY)
    stream = entry.response.stream
    assert stream is not None
    assert await stream.__anext__() == b"a"  # type: ignore[union-attr]

    assert await storage.get_entries(KEY) == []


async def test_a_body_larger_than_the_bound_is_passed_on_whole_but_not_kept() -> None:
    storage = MemoryStorage(max_bytes=10)
    await store(storage, KEY, b"0123456", b"789abc")

    assert await storage.get_entries(KEY) == []
    assert storage.size == 0


async def test_beyond_the_bound_the_least_recently_used_entry_goes_first() -> None:
    storage = MemoryStorage(max_bytes=10)
    await store(storage, "a", b"aaaa")
    await store(storage, "b", b"bbbb")
    await storage.get_entries("a")  # a is now more recently used than b
    await store(storage, "c", b"cccc")

    assert [len(await storage.get_entries(key)) for key in ("a", "b", "c")] == [1, 0, 1]
    assert storage.size == 8


async def test_served_headers_are_copies_and_update_headers_replaces_them() -> None:
    storage = MemoryStorage()
    stored = await store(storage, KEY, b"{}")
    [served] = await storage.get_entries(KEY)
    served.response.headers["etag"] = '"changed by a caller"'

    [again] = await storage.get_entries(KEY)
    assert again.response.headers["etag"] == '"v1"'

    await storage.update_headers(stored.id, Headers({"ETag": '"v2"'}))
    [updated] = await storage.get_entries(KEY)
    assert updated.response.headers["etag"] == '"v2"'


async def test_a_removed_or_expired_entry_is_gone() -> None:
    storage = MemoryStorage()
    removed = await store(storage, KEY, b"{}")
    await storage.remove_entry(removed.id)
    await storage.remove_entry(removed.id)  # twice is harmless
    await store(storage, "expired", b"{}", ttl=0)

    assert await storage.get_entries(KEY) == []
    assert await storage.get_entries("expired") == []
    assert storage.size == 0


class Clock:
    """time.time() of _cache_memory, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(_cache_memory, "time", clock)
    return clock


def test_the_bound_is_hishels_max_stream_size_too() -> None:
    assert MemoryStorage(max_bytes=10).max_stream_size == 10


async def test_the_entry_created_carries_the_request() -> None:
    storage = MemoryStorage()
    entry = await store(storage, KEY, b"{}")
    assert entry.request.url == f"https://api.example/{KEY}"
    [served] = await storage.get_entries(KEY)
    assert served.request.url == f"https://api.example/{KEY}"


async def test_entries_that_fill_the_bound_exactly_are_all_kept() -> None:
    storage = MemoryStorage(max_bytes=8)
    await store(storage, "a", b"aaaa")
    await store(storage, "b", b"bb", b"bb")
    await store(storage, "c", b"cccccccc")  # exactly the bound alone: kept, the others go

    assert [len(await storage.get_entries(key)) for key in ("a", "b", "c")] == [0, 0, 1]
    assert storage.size == 8


async def test_a_body_over_the_bound_in_small_chunks_is_not_kept_and_evicts_nothing() -> None:
    storage = MemoryStorage(max_bytes=10)
    await store(storage, "a", b"aaaa")
    await store(storage, "big", b"123456", b"789012")  # each chunk fits, the body does not

    assert await storage.get_entries("big") == []
    assert len(await storage.get_entries("a")) == 1
    assert storage.size == 4


async def test_two_entries_of_one_key_are_dropped_one_at_a_time() -> None:
    storage = MemoryStorage()
    first = await store(storage, KEY, b"one")
    await store(storage, KEY, b"two")
    await storage.remove_entry(first.id)

    assert [await body(entry) for entry in await storage.get_entries(KEY)] == [b"two"]
    [second] = await storage.get_entries(KEY)
    await storage.remove_entry(second.id)
    assert storage._by_key == {}  # no empty list left behind per key


async def test_ttl_counts_from_creation_and_is_kept_when_an_entry_is_served(clock: Clock) -> None:
    storage = MemoryStorage()
    await store(storage, KEY, b"{}", ttl=10)
    clock.now += 5
    assert len(await storage.get_entries(KEY)) == 1  # served: its TTL deadline stays
    clock.now += 5  # exactly the deadline
    assert await storage.get_entries(KEY) == []


async def test_tti_restarts_each_time_an_entry_is_served(clock: Clock) -> None:
    storage = MemoryStorage()
    entry = await storage.create_entry(Request("GET", "https://api.example/x"), answer(b"{}"), KEY, tti=10)
    clock.now += 3  # the TTI counts from when the body has been read
    assert await body(entry) == b"{}"
    clock.now += 8
    assert len(await storage.get_entries(KEY)) == 1
    clock.now += 8
    assert len(await storage.get_entries(KEY)) == 1
    clock.now += 10
    assert await storage.get_entries(KEY) == []


async def test_an_expired_entry_does_not_hide_a_fresh_one_of_the_same_key(clock: Clock) -> None:
    storage = MemoryStorage()
    await store(storage, KEY, b"old", ttl=1)
    await store(storage, KEY, b"new", ttl=100)
    clock.now += 5

    assert [await body(entry) for entry in await storage.get_entries(KEY)] == [b"new"]
    assert storage.size == 3


async def test_close_forgets_everything_and_the_storage_still_works() -> None:
    storage = MemoryStorage()
    await store(storage, KEY, b"{}")
    await storage.close()
    assert storage.size == 0
    await store(storage, KEY, b"abc")
    assert storage.size == 3


async def test_an_entry_never_served_goes_stale_its_tti_after_it_was_stored(clock: Clock) -> None:
    storage = MemoryStorage()
    entry = await storage.create_entry(Request("GET", "https://api.example/x"), answer(b"{}"), "idle", tti=10)
    clock.now += 3
    assert await body(entry) == b"{}"
    clock.now += 10  # 10 s after the body was read

    assert await storage.get_entries("idle") == []
