"""The one HTTP/1.1 test server: real sockets on 127.0.0.1, scripted answers, everything it saw kept.

`async with ScriptedServer({"/3/movie/550": Answer(MOVIE)}) as server:` listens on a free port and
answers each request by the handler of its path (query, scheme and host left out); a path it has no
handler for gets `default` (TMDB's 404 unless a test says otherwise). A handler writes whatever it likes
on the connection and says whether the connection stays open: `Answer` (status, headers, a JSON or raw
body; a matching `If-None-Match` gets a 304, as TMDB's servers do; `close=True` ends the connection),
`in_turn` (a different answer per request), `delayed` (a stall), `drip`, `endless_zeros` (a flood),
`cut_short` (a body cut off mid-way), `echo_page` (an error page echoing the request), `gzip_bomb` (a
body). A path in `gates` is answered only once its event is set (a request held in flight);
`arrived(path)` is set once a request for it came in.

What it counts: `seen` (every request: method, target as sent, headers, raw head, body), `hits(path)`,
`connections` (accepted in all), `open_connections` and `peak_connections`, `in_progress` and
`peak_in_progress` (requests read and not yet answered). `tls=True` serves HTTPS with the test
certificate in tests/fixtures/tls. Closing it aborts every connection and ends every handler, bounded.

Hand-written rather than aiohttp's or werkzeug's test servers: those parse and normalise what they
receive and frame what they send, and the tests need the raw request head (a non-ASCII header byte for
byte, an absolute target when used as a proxy) and answers no framework writes (a Content-Length it
never honours, a body dripped a byte at a time, a connection cut mid-body).
"""

from __future__ import annotations

import asyncio
import http
import itertools
import json
import ssl
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

from support import FIXTURES

BOUND = 5.0  # seconds a gated request, or the shutdown, may take before the test fails instead of hanging
MIB = 1024 * 1024
KEEP_ALIVE_REQUESTS = 1000  # requests one connection may carry


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str  # as sent: path and query, or an absolute URL when the server serves as a proxy
    headers: dict[str, str]  # lower-cased names
    head: bytes  # the request line and headers, byte for byte
    body: bytes = b""

    @property
    def line(self) -> str:
        """The request line, e.g. `GET /3/movie/550 HTTP/1.1`."""
        return self.head.split(b"\r\n", 1)[0].decode("latin-1")

    @property
    def path(self) -> str:
        """The path alone: no query, and no scheme and host when the target is an absolute URL."""
        target = self.target
        if "://" in target:
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        return target.split("?", 1)[0]


Handler = Callable[[Seen, asyncio.StreamWriter], Awaitable[bool]]  # True: keep the connection open


def status_head(status: int, headers: dict[str, str]) -> bytes:
    """The status line and headers of an answer, up to the blank line."""
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Answer:
    """A whole answer: `body` as JSON, or as it is when it is bytes; `headers` replace the defaults.

    With `close`, it says `Connection: close` and closes the connection once written.
    """

    body: object
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    close: bool = False

    async def __call__(self, seen: Seen, writer: asyncio.StreamWriter) -> bool:
        payload = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        status = self.status
        etag = self.headers.get("ETag")
        if etag is not None and seen.headers.get("if-none-match") == etag:
            status, payload = 304, b""
        given = {name.lower() for name in self.headers}
        headers = {"Content-Type": "application/json;charset=utf-8"} if "content-type" not in given else {}
        headers |= {**self.headers, "Content-Length": str(len(payload))}
        if self.close:
            headers["Connection"] = "close"
        writer.write(status_head(status, headers) + payload)
        await writer.drain()
        return not self.close


NOT_FOUND = Answer(
    {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}, 404
)


def in_turn(*handlers: Handler) -> Handler:
    """The first request gets the first handler, the second the second, ...; the last answers every later one."""
    served = itertools.count()

    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> bool:
        return await handlers[min(next(served), len(handlers) - 1)](seen, writer)

    return handle


def delayed(handler: Handler, *, seconds: float = 0.0, turns: int = 0) -> Handler:
    """`handler`, after a stall of `seconds` and `turns` turns of the event loop (other requests arrive meanwhile)."""

    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> bool:
        for _ in range(turns):
            await asyncio.sleep(0)
        if seconds:
            await asyncio.sleep(seconds)
        return await handler(seen, writer)

    return handle


async def endless_zeros(seen: Seen, writer: asyncio.StreamWriter) -> bool:
    """Announces 500 MiB and sends zeros until the client goes away (at most 200 MiB, then closes mid-body)."""
    writer.write(status_head(200, {"Content-Length": str(500 * MIB)}))
    chunk = b"0" * MIB
    for _ in range(200):
        writer.write(chunk)
        await writer.drain()
    return False


def cut_short(announced: int, sent: bytes) -> Handler:
    """Announces a body of `announced` bytes, sends only `sent`, and closes the connection mid-body."""

    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> bool:
        writer.write(status_head(200, {"Content-Length": str(announced), "Connection": "close"}) + sent)
        await writer.drain()
        return False

    return handle


async def drip(seen: Seen, writer: asyncio.StreamWriter) -> bool:
    """One byte every 0.05 s of a 600-byte body: each read is quick, the whole answer takes 30 s."""
    writer.write(status_head(200, {"Content-Length": "600"}))
    for _ in range(600):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.05)
    return False


async def echo_page(seen: Seen, writer: asyncio.StreamWriter) -> bool:
    """A 502 HTML page that shows the whole request head, as some proxies' error pages do."""
    page = b"<html><body>502 Bad Gateway for " + seen.head + b"</body></html>"
    return await Answer(page, 502, {"Content-Type": "text/html"})(seen, writer)


def gzip_bomb(megabytes: int) -> bytes:
    """`megabytes` MiB of zero bytes, gzip-compressed (about 1 KiB per MiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    zeros = b"\0" * MIB
    return b"".join([*(compressor.compress(zeros) for _ in range(megabytes)), compressor.flush()])


class ScriptedServer:
    """`async with ScriptedServer(routes) as server`: see the module docstring."""

    def __init__(
        self, routes: Mapping[str, Handler] | None = None, *, default: Handler = NOT_FOUND, tls: bool = False
    ) -> None:
        self.routes: dict[str, Handler] = dict(routes or {})
        self.default = default
        self.tls = tls
        self.gates: dict[str, asyncio.Event] = {}  # a path answers only once its gate is set
        self.seen: list[Seen] = []
        self.connections = 0
        self.peak_connections = 0
        self.in_progress = 0
        self.peak_in_progress = 0
        self._arrivals: dict[str, asyncio.Event] = {}
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> ScriptedServer:
        context = None
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(FIXTURES / "tls" / "server.pem", FIXTURES / "tls" / "server.key")
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=context)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None = None, exc: BaseException | None = None, tb: TracebackType | None = None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # a handler still writing fails at its next drain and ends
        for task in list(self._tasks):
            task.cancel()  # a handler stalled or waiting at a gate ends too
        await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), BOUND)
        await asyncio.wait_for(self._server.wait_closed(), BOUND)

    @property
    def port(self) -> int:
        assert self._server is not None, "use `async with ScriptedServer() as server`"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def open_connections(self) -> int:
        return len(self._tasks)

    def hits(self, path: str) -> int:
        """How many requests for `path` (query left out) came in."""
        return sum(1 for seen in self.seen if seen.path == path)

    def arrived(self, path: str) -> asyncio.Event:
        """Set once a request for `path` has reached the server."""
        return self._arrivals.setdefault(path, asyncio.Event())

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.connections += 1
        self.peak_connections = max(self.peak_connections, self.open_connections)
        try:
            for _ in range(KEEP_ALIVE_REQUESTS):
                if not await self._answer_one(reader, writer):
                    break
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError):
            pass  # the client went away or sent no request (a refused certificate), or a gate stayed shut
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        method, target = request_line.split(" ")[:2]
        seen = Seen(method, target, headers, head, body)
        self.seen.append(seen)
        self.arrived(seen.path).set()
        self.in_progress += 1
        self.peak_in_progress = max(self.peak_in_progress, self.in_progress)
        try:
            if (gate := self.gates.get(seen.path)) is not None:
                await asyncio.wait_for(gate.wait(), BOUND)
            return await self.routes.get(seen.path, self.default)(seen, writer)
        finally:
            self.in_progress -= 1
