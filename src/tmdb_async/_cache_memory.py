"""`TMDB(cache=":memory:")`: a hishel storage kept in a dict, bounded in bytes (least recently used out).

Why not hishel's own: hishel 2.0 ships SQLite and Redis storages only. An in-memory SQLite
database through hishel's AsyncSqliteStorage works, but every call into it hops to a worker
thread (anysqlite), about 24 hops per cache hit: measured 1.0 ms of CPU per hit, twice what a
whole request to a local server costs without a cache. This storage does what the SQLite one
promises (hishel's AsyncBaseStorage contract, restated on each method) with no thread and no
serialisation; the caching rules themselves stay hishel's.

Imported only when `cache=":memory:"` is used (it needs hishel, the `cache` extra).
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from hishel import AsyncBaseStorage, Entry, Headers, Request, Response

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # about 400 large details answers, or 40,000 small ones


@dataclass
class _Stored:
    key: str
    request: Request
    status_code: int
    headers: Headers
    ttl_deadline: float | None
    tti: float | None
    body: bytes = b""  # set when the stream has been read to the end, before the entry is stored
    expires_at: float | None = None


def _copy(headers: Headers) -> Headers:
    """A copy hishel may change without changing what is stored (Headers copies its lists)."""
    return Headers({name: headers.get_list(name) or [] for name in headers})


class MemoryStorage(AsyncBaseStorage):
    """Entries in this process's memory, dropped least recently used first beyond `max_bytes` of bodies."""

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__(max_stream_size=max_bytes)
        self.max_bytes = max_bytes
        self.size = 0  # bytes of the stored bodies
        self._entries: OrderedDict[uuid.UUID, _Stored] = OrderedDict()  # least recently used first
        self._by_key: dict[str, list[uuid.UUID]] = {}

    async def create_entry(
        self, request: Request, response: Response, key: str, *, ttl: float | None = None, tti: float | None = None
    ) -> Entry:
        """The entry, whose stream stores the body once it has been read to the end (not before)."""
        entry_id = uuid.uuid4()
        ttl_deadline, tti = self._limits(ttl, tti, time.time())
        stored = _Stored(key, request, response.status_code, _copy(response.headers), ttl_deadline, tti)
        stream = self._saving(response.stream, entry_id, stored)
        return Entry(id=entry_id, request=request, response=Response(response.status_code, response.headers, stream))

    async def _saving(
        self, body: Iterator[bytes] | AsyncIterator[bytes] | None, entry_id: uuid.UUID, stored: _Stored
    ) -> AsyncIterator[bytes]:
        chunks: list[bytes] = []
        size = 0
        keep = True
        async for chunk in _chunks(body):
            if keep:
                size += len(chunk)
                keep = size <= self.max_bytes
                if keep:
                    chunks.append(chunk)
                else:
                    chunks.clear()
            yield chunk
        if keep:  # read to the end and small enough: from now on it may be served
            stored.body = b"".join(chunks)
            stored.expires_at = self._expires_at(stored.ttl_deadline, stored.tti, time.time())
            self._put(entry_id, stored)

    def _put(self, entry_id: uuid.UUID, stored: _Stored) -> None:
        self._entries[entry_id] = stored
        self._by_key.setdefault(stored.key, []).append(entry_id)
        self.size += len(stored.body)
        while self.size > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, entry_id: uuid.UUID) -> None:
        stored = self._entries.pop(entry_id, None)
        if stored is None:
            return
        self.size -= len(stored.body)
        ids = self._by_key[stored.key]  # every stored entry is listed under its key (_put)
        ids.remove(entry_id)
        if not ids:
            del self._by_key[stored.key]

    async def get_entries(self, key: str) -> list[Entry]:
        """The complete, unexpired entries of `key`; returning one restarts its TTI and makes it recently used."""
        now = time.time()
        found: list[Entry] = []
        for entry_id in list(self._by_key.get(key, [])):
            stored = self._entries[entry_id]
            if stored.expires_at is not None and stored.expires_at <= now:
                self._drop(entry_id)
                continue
            stored.expires_at = self._expires_at(stored.ttl_deadline, stored.tti, now)
            self._entries.move_to_end(entry_id)
            response = Response(stored.status_code, _copy(stored.headers), _once(stored.body))
            found.append(Entry(id=entry_id, request=stored.request, response=response))
        return found

    async def update_headers(self, id: uuid.UUID, headers: Headers) -> None:
        """Replace the stored response headers (nothing if the entry is gone)."""
        stored = self._entries.get(id)
        if stored is not None:
            stored.headers = _copy(headers)

    async def remove_entry(self, id: uuid.UUID) -> None:
        """Forget the entry (nothing if it is gone)."""
        self._drop(id)

    async def close(self) -> None:
        self._entries.clear()
        self._by_key.clear()
        self.size = 0


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def _chunks(body: Iterator[bytes] | AsyncIterator[bytes] | None) -> AsyncIterator[bytes]:
    if body is None:
        return
    if isinstance(body, AsyncIterator):
        async for chunk in body:
            yield chunk
    else:
        for chunk in body:
            yield chunk
