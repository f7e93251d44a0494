"""A lean fake TMDB for benchmarks: raw asyncio.Protocol HTTP/1.1 on 127.0.0.1, pre-serialized bodies.

Run it in its own process (run.py does, with subprocess) so that its CPU never counts as client CPU:

    python bench/server.py [--port 0] [--max-seconds 1200]

It runs on uvloop when that is installed, else on asyncio. It prints `listening <port> <loop>` once
ready, and stops on SIGTERM, when its standard input closes (the benchmark died) or after
--max-seconds, whichever comes first.

Routes (GET only):
- /3/movie/{id}: movies.details of the official example (tests/fixtures/official), with every
  movie id replaced by {id} (~1.5 KiB). With a non-empty `append_to_response` the answer also
  holds credits, images, videos, keywords and recommendations (~150 KiB, see build_bodies).
  The same path serves tmdb_async, httpx, aiohttp, tmdbsimple and themoviedb: extra query
  parameters (language, region, include_image_language, ...) are ignored.
  Any credential is accepted (an `api_key` query parameter or an Authorization header);
  none at all answers 401 like TMDB.
- /__stats: requests served, connections opened and this process's CPU seconds (JSON); it does
  not count itself as a request.

It honours `Connection: close` (tmdbsimple sends it on every request), as TMDB does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "official"
HOST = "127.0.0.1"
APPENDED = ("credits", "images", "videos", "keywords", "recommendations")
LARGE_TARGET_BYTES = 150 * 1024
SENTINEL = -987654321  # stands for the requested id in the templates; never a real value
MAX_HEAD_BYTES = 64 * 1024

_MOVIE_PATH = re.compile(rb"/3/movie/([0-9]{1,10})")
_APPEND = re.compile(rb"(?:^|&)append_to_response=([^&]*)")


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"movies.{name}.json").read_text("utf-8"))


def _encode(data: Any) -> bytes:
    """Compact JSON, as TMDB sends it."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def small_document() -> dict[str, Any]:
    """movies.details, its id replaced by SENTINEL."""
    details: dict[str, Any] = _fixture("details")
    details["id"] = SENTINEL
    return details


def large_document(target_bytes: int = LARGE_TARGET_BYTES) -> dict[str, Any]:
    """movies.details with the five appended sub-resources, padded to about `target_bytes`.

    The official `recommendations` example is empty, so the `similar` example (the same
    MoviePage shape) stands in for it. The padding repeats cast and crew entries, as a big
    production has hundreds of them.
    """
    document = small_document()
    for name in APPENDED:
        document[name] = _fixture("similar" if name == "recommendations" else name)
    for name in ("credits", "images", "videos", "keywords"):
        document[name]["id"] = SENTINEL
    credits = document["credits"]
    cast, crew = list(credits["cast"]), list(credits["crew"])
    index = 0
    while len(_encode(document)) < target_bytes:
        credits["cast"].append(dict(cast[index % len(cast)], order=len(credits["cast"])))
        credits["crew"].append(dict(crew[index % len(crew)]))
        index += 1
    return document


@dataclass(frozen=True)
class Template:
    """A pre-serialized body, split where the requested id goes."""

    parts: tuple[bytes, ...]

    @classmethod
    def of(cls, document: dict[str, Any]) -> Template:
        return cls(tuple(_encode(document).split(str(SENTINEL).encode())))

    def render(self, movie_id: bytes) -> bytes:
        return movie_id.join(self.parts)

    def pieces(self, movie_id: bytes) -> list[bytes]:
        """The rendered body as buffers for one vectored write (no copy of the large parts)."""
        pieces = [movie_id] * (2 * len(self.parts) - 1)
        pieces[::2] = self.parts
        return pieces

    def size(self, movie_id: bytes) -> int:
        return sum(map(len, self.parts)) + len(movie_id) * (len(self.parts) - 1)

    def document(self, movie_id: int) -> Any:
        """The parsed body for `movie_id` (what a client should end up with)."""
        return json.loads(self.render(str(movie_id).encode()))


def build_templates() -> tuple[Template, Template]:
    """(small, large) bodies, built once."""
    return Template.of(small_document()), Template.of(large_document())


def _cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


@dataclass
class Stats:
    requests: int = 0
    connections: int = 0
    started: tuple[float, float] = field(default_factory=_cpu)

    def as_json(self) -> bytes:
        now = _cpu()
        user, system = now[0] - self.started[0], now[1] - self.started[1]
        return _encode(
            {
                "requests": self.requests,
                "connections": self.connections,
                "cpu_seconds": user + system,
                "user_seconds": user,
                "system_seconds": system,
            }
        )


_JSON_HEAD = b"HTTP/1.1 %d %s\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: %d\r\n%s\r\n"
_UNAUTHORIZED = _encode(
    {"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.", "success": False}
)
_NOT_FOUND = _encode(
    {"status_code": 34, "status_message": "The resource you requested could not be found.", "success": False}
)


def _response(status: int, reason: bytes, body: bytes, close: bool) -> bytes:
    return _JSON_HEAD % (status, reason, len(body), b"Connection: close\r\n" if close else b"") + body


class BenchProtocol(asyncio.Protocol):
    """One connection: parse request heads, answer each with one write, keep the connection alive."""

    def __init__(self, small: Template, large: Template, stats: Stats) -> None:
        self.small = small
        self.large = large
        self.stats = stats
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass, but behaves as one
        self.stats.connections += 1

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while self.transport is not None:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD_BYTES:
                    self._finish()
                return
            head = bytes(buffer[:end])
            del buffer[: end + 4]
            self._answer(head)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def _answer(self, head: bytes) -> None:
        request_line, _, headers = head.partition(b"\r\n")
        parts = request_line.split(b" ")
        headers = headers.lower()
        close = b"connection: close" in headers or (len(parts) == 3 and parts[2] == b"HTTP/1.0")
        if len(parts) != 3 or parts[0] != b"GET":
            self._send(_response(405, b"Method Not Allowed", b"{}", True), True)
            return
        path, _, query = parts[1].partition(b"?")
        if path == b"/__stats":
            self._send(_response(200, b"OK", self.stats.as_json(), close), close)
            return
        self.stats.requests += 1
        if b"api_key=" not in query and b"authorization:" not in headers:
            self._send(_response(401, b"Unauthorized", _UNAUTHORIZED, close), close)
            return
        match = _MOVIE_PATH.fullmatch(path)
        if match is None:
            self._send(_response(404, b"Not Found", _NOT_FOUND, close), close)
            return
        append = _APPEND.search(query)
        template = self.large if append is not None and append.group(1) else self.small
        movie_id = match.group(1)
        head = _JSON_HEAD % (200, b"OK", template.size(movie_id), b"Connection: close\r\n" if close else b"")
        self._send([head, *template.pieces(movie_id)], close)

    def _send(self, buffers: bytes | list[bytes], close: bool) -> None:
        assert self.transport is not None
        if isinstance(buffers, bytes):
            self.transport.write(buffers)
        else:
            self.transport.writelines(buffers)
        if close:
            self._finish()

    def _finish(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Stop the server when the parent process goes away (its end of our stdin closes)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    loop.call_soon_threadsafe(stop.set)


async def serve(port: int, max_seconds: float, loop_name: str) -> None:
    small, large = build_templates()
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: BenchProtocol(small, large, stats), HOST, port, backlog=1024)
    stop = asyncio.Event()
    threading.Thread(target=_watch_stdin, args=(loop, stop), daemon=True).start()
    bound_port = server.sockets[0].getsockname()[1]
    print(f"listening {bound_port} {loop_name}", flush=True)
    async with server:
        try:
            await asyncio.wait_for(stop.wait(), timeout=max_seconds)
        except asyncio.TimeoutError:
            print(f"server: stopping after {max_seconds:.0f} s", file=sys.stderr)


def run_server(port: int, max_seconds: float) -> None:
    """On uvloop when installed (bench/requirements.txt): a fraction of asyncio's CPU per request."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(port, max_seconds, "asyncio"))
    else:
        uvloop.run(serve(port, max_seconds, "uvloop"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--max-seconds", type=float, default=1200.0, help="stop after this long, whatever happens")
    args = parser.parse_args()
    run_server(args.port, args.max_seconds)


if __name__ == "__main__":
    main()
