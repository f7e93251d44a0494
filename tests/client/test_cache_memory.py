"""The in-memory hishel storage of `TMDB(cache=":memory:")`: hishel's storage contract, and its byte bound."""

from __future__ import annotations

from collections.abc import AsyncIterator

from hishel import Entry, Headers, Request, Response

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
