"""A small HTTP/1.1 server (asyncio + h11, which httpx already brings) that serves a FakeApp.

It keeps connections alive, counts what is in flight, and acts out the faults the app
asks for: a connection reset, a connection closed without an answer, a truncated body,
a slow answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from .._extras import missing_extra

try:
    import h11
except ImportError:
    raise missing_extra("h11", "testing", "FakeTMDB") from None

from ._app import FakeApp
from ._replies import Reply, tmdb_error

MAX_BODY = 1 << 20


class FakeServer:
    """Serves `app` on host:port (port 0: a free one) until `close()`."""

    def __init__(self, app: FakeApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_connection, self.host, self.port, backlog=512)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.sleep(0)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        stats = self.app.stats
        stats.connections += 1
        stats.max_connections = max(stats.max_connections, stats.connections)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, h11.RemoteProtocolError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # close() cancels connections still open; ending quietly keeps asyncio's
            # start_server callback from reporting the cancellation as an error.
            pass
        finally:
            stats.connections -= 1
            self._writers.discard(writer)
            self._tasks.discard(task)
            if not writer.is_closing():
                writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_BODY)
        while True:
            request, body = await _read_request(conn, reader)
            if request is None:
                return
            stats = self.app.stats
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                headers = {k.decode().lower(): v.decode("latin-1") for k, v in request.headers}
                try:
                    reply = self.app.handle(request.method.decode(), request.target.decode("latin-1"), headers, body)
                except Exception as exc:  # a bug of the fake must not look like a network fault
                    reply = tmdb_error(500, 11, f"FakeTMDB failed: {type(exc).__name__}: {exc}")
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                if reply.fault is not None:
                    await _act_out(reply, writer)
                    return
                await _write_reply(conn, writer, reply)
            finally:
                stats.in_flight -= 1
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()


async def _read_request(conn: h11.Connection, reader: asyncio.StreamReader) -> tuple[h11.Request | None, bytes]:
    request: h11.Request | None = None
    chunks: list[bytes] = []
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            conn.receive_data(data)
            if not data and request is None:
                return None, b""
            continue
        if isinstance(event, h11.Request):
            request = event
        elif isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            return request, b"".join(chunks)
        elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None, b""


async def _write_reply(conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply) -> None:
    # TMDB lets any web page call it (CORS); so does the fake, for `tmdb-async fake` and browsers.
    headers = [*reply.headers, ("Access-Control-Allow-Origin", "*"), ("Content-Length", str(len(reply.body)))]
    out = conn.send(h11.Response(status_code=reply.status, headers=headers))
    out += conn.send(h11.Data(data=reply.body)) or b""
    out += conn.send(h11.EndOfMessage()) or b""
    writer.write(out or b"")
    await writer.drain()


async def _act_out(reply: Reply, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if reply.fault == "reset" and sock is not None:
        # SO_LINGER 0: close() sends a TCP RST instead of a FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        return
    if reply.fault == "truncate":
        head = [f"HTTP/1.1 {reply.status} OK", f"Content-Length: {len(reply.body)}"]
        head += [f"{k}: {v}" for k, v in reply.headers]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body[: len(reply.body) // 2])
        with contextlib.suppress(ConnectionError):
            await writer.drain()
    writer.close()  # "close": no answer at all; "truncate": half a body, then the end
