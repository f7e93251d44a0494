"""A tiny HTTP/1.1 server on 127.0.0.1 for the escape-hatch and cache tests: real sockets, scripted answers.

Each path answers what `answers[path]` says (status, headers, body), and every request is kept
(method, target, headers) so a test can see exactly what reached the server. A request with
`If-None-Match` equal to the answer's ETag gets a 304, as TMDB's servers do. A path in `gates`
is answered only once its event is set (a request held in flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

BOUND = 5.0  # seconds any request may take before the test fails instead of hanging
REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 429: "Too Many Requests", 503: "Service Unavailable"}


@dataclass
class Answer:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # lower-cased names

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


class ScriptedServer:
    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.gates: dict[str, asyncio.Event] = {}  # a path answers only once its gate is set
        self._arrivals: dict[str, asyncio.Event] = {}
        self.seen: list[Seen] = []
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arrived(self, path: str) -> asyncio.Event:
        """Set once a request for `path` has reached the server."""
        return self._arrivals.setdefault(path, asyncio.Event())

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.seen if seen.path == path)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while await self._answer_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError):
            pass  # the client went away, or a gate stayed shut past BOUND: the connection just closes
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        request_line = await reader.readline()
        if not request_line:
            return False
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if length := int(headers.get("content-length", "0")):
            await reader.readexactly(length)
        method, target = request_line.decode("latin-1").split(" ")[:2]
        seen = Seen(method, target, headers)
        self.seen.append(seen)
        self.arrived(seen.path).set()
        if (gate := self.gates.get(seen.path)) is not None:
            await asyncio.wait_for(gate.wait(), BOUND)
        answer = self.answers.get(seen.path, Answer({"status_code": 34, "status_message": "not found"}, 404))
        status, payload = answer.status, json.dumps(answer.body).encode()
        etag = answer.headers.get("ETag")
        if etag is not None and headers.get("if-none-match") == etag:
            status, payload = 304, b""
        head = [f"HTTP/1.1 {status} {REASONS[status]}", "Content-Type: application/json;charset=utf-8"]
        head += [f"{name}: {value}" for name, value in answer.headers.items()]
        head.append(f"Content-Length: {len(payload)}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        await writer.drain()
        return True


@contextlib.asynccontextmanager
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    """A ScriptedServer listening on a free port of 127.0.0.1, its connections closed after the test."""
    scripted = ScriptedServer()
    server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
    scripted.port = server.sockets[0].getsockname()[1]
    try:
        yield scripted
    finally:
        server.close()
        for writer in list(scripted._writers):
            writer.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.wait_closed(), BOUND)
