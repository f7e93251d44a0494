"""Reading an answer's body (_body.py): the max_body_size rule at its edges, every zlib encoding in any split.

In process and fast: each answer is an httpx.Response streaming the chunks a test chooses, read by
`read_body` directly, or by TMDB through a custom transport (the wiring: the limit it is given, the
error it raises, the body the model parses). The real-socket versions (a 500 MiB body, a 64 MiB bomb)
are in tests/reliability/test_hostile.py.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB, ResponseTooLargeError
from tmdb_async._body import read_body
from tmdb_async.testing import sample

REQUEST = httpx.Request("GET", "https://api.themoviedb.org/3/movie/550?api_key=k3y-SECRET&language=en")
SHOWN = "https://api.themoviedb.org/3/movie/550?api_key=REDACTED&language=en"
TEXT = b'{"id": 550, "title": "Fight Club", "overview": "' + b"an insomniac office worker " * 40 + b'"}'
NOISE = os.urandom(600)  # incompressible: its gzip is larger than itself


class Chunks(httpx.AsyncByteStream):
    """The chunks given, in order; counts how many were pulled."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk


def streamed(chunks: list[bytes], encoding: str | None = None, status: int = 200) -> httpx.Response:
    headers = {} if encoding is None else {"Content-Encoding": encoding}
    return httpx.Response(status, headers=headers, stream=Chunks(chunks), request=REQUEST)


def split(body: bytes, *offsets: int) -> list[bytes]:
    """`body` cut at `offsets` (a chunk per piece)."""
    edges = [0, *offsets, len(body)]
    return [body[start:end] for start, end in itertools.pairwise(edges)]


def deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


def too_large(limit: int, where: str, shown: str = f"GET {SHOWN}") -> str:
    """The text of ResponseTooLargeError: the limit, where it was passed, the request (redacted)."""
    return (
        f"TMDB's answer is larger than max_body_size={limit} bytes ({where}); the rest was not read (HTTP 200, {shown})"
    )


async def read(chunks: list[bytes], encoding: str | None = None, *, limit: int = 10_000) -> bytes:
    return await read_body(REQUEST, streamed(chunks, encoding), limit)


async def refused(chunks: list[bytes], encoding: str | None = None, *, limit: int) -> ResponseTooLargeError:
    with pytest.raises(ResponseTooLargeError) as caught:
        await read(chunks, encoding, limit=limit)
    return caught.value


# -- a body httpx decodes (identity, or an encoding not inflated here) -----------------------------------------------


async def test_a_plain_body_in_chunks_is_joined_whole() -> None:
    assert await read(split(TEXT, 1, 2, 500)) == TEXT


async def test_a_plain_body_is_read_as_it_comes_past_httpxs_decoders(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[httpx.Response] = []
    aiter_bytes = httpx.Response.aiter_bytes

    def counted(response: httpx.Response, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        decoded.append(response)
        return aiter_bytes(response, chunk_size)

    monkeypatch.setattr(httpx.Response, "aiter_bytes", counted)
    assert await read(split(TEXT, 1, 500)) == TEXT
    assert decoded == []  # aiter_raw: httpx's identity decoder and chunker would hand on the same chunks
    assert await read([gzip.compress(TEXT)], "gzip, identity") == TEXT
    assert len(decoded) == 1


async def test_a_plain_body_of_exactly_max_body_size_is_read() -> None:
    assert await read(split(TEXT, 100), limit=len(TEXT)) == TEXT


async def test_a_plain_body_one_byte_past_max_body_size_is_refused_on_the_wire_before_the_rest_is_pulled() -> None:
    response = streamed([TEXT[:100], TEXT[100:], b"never pulled"])
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(REQUEST, response, len(TEXT) - 1)
    assert str(caught.value) == too_large(len(TEXT) - 1, "on the wire")
    assert isinstance(response.stream, Chunks)
    assert response.stream.pulled == 2


async def test_the_error_names_the_status_the_method_and_the_redacted_url_and_keeps_no_body() -> None:
    response = httpx.Response(
        503, stream=Chunks([b"x" * 11]), request=httpx.Request("POST", "https://h/3/movie/550/rating?session_id=s3cr3t")
    )
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(response.request, response, 10)
    error = caught.value
    assert (error.status_code, error.method, error.url, error.body) == (
        503,
        "POST",
        "https://h/3/movie/550/rating?session_id=REDACTED",
        b"",
    )


async def test_an_encoding_httpx_decodes_is_counted_decoded_too() -> None:
    # "gzip, identity" is not one of the encodings inflated here: httpx's decoders take it.
    body = gzip.compress(TEXT)
    assert await read(split(body, 7), "gzip, identity", limit=len(TEXT)) == TEXT
    error = await refused(split(body, 7), "gzip, identity", limit=len(TEXT) - 1)
    assert str(error) == too_large(len(TEXT) - 1, "decompressed")


async def test_an_encoding_httpx_decodes_is_counted_decoded_over_all_its_pieces() -> None:
    body = gzip.compress(TEXT)
    pieces = [body[at : at + 1] for at in range(len(body))]  # each decodes to a small piece
    assert await read(pieces, "gzip, identity", limit=len(TEXT)) == TEXT
    error = await refused(pieces, "gzip, identity", limit=len(TEXT) - 1)
    assert str(error) == too_large(len(TEXT) - 1, "decompressed")


async def test_an_encoding_httpx_decodes_at_exactly_the_limit_on_the_wire_is_refused_decompressed() -> None:
    body = gzip.compress(TEXT)
    error = await refused([body], "gzip, identity", limit=len(body))
    assert str(error) == too_large(len(body), "decompressed")


async def test_an_encoding_httpx_decodes_is_counted_on_the_wire_when_the_wire_is_larger() -> None:
    body = gzip.compress(NOISE)  # larger than NOISE
    error = await refused([body], "gzip, identity", limit=len(NOISE))
    assert str(error) == too_large(len(NOISE), "on the wire")


async def test_an_answer_read_already_is_taken_decoded_and_counted_decoded() -> None:
    # A body given as `content=` (httpx.MockTransport's, a cache's) is read and decoded by httpx at once.
    response = httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(TEXT), request=REQUEST)
    assert await read_body(REQUEST, response, len(TEXT)) == TEXT
    response = httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(TEXT), request=REQUEST)
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(REQUEST, response, len(TEXT) - 1)
    assert str(caught.value) == too_large(len(TEXT) - 1, "decompressed")


async def test_a_plain_answer_read_already_is_taken_as_it_is_and_counted() -> None:
    response = httpx.Response(200, content=TEXT, request=REQUEST)
    assert await read_body(REQUEST, response, len(TEXT)) == TEXT
    response = httpx.Response(200, content=TEXT, request=REQUEST)
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(REQUEST, response, len(TEXT) - 1)
    assert str(caught.value) == too_large(len(TEXT) - 1, "decompressed")


@pytest.mark.parametrize("encoding", [None, "gzip"])
async def test_the_limit_counts_the_bytes_that_come_not_the_length_the_server_claims(encoding: str | None) -> None:
    body = TEXT if encoding is None else gzip.compress(NOISE)
    decoded = TEXT if encoding is None else NOISE
    headers = {"Content-Length": "10"} if encoding is None else {"Content-Length": "10", "Content-Encoding": encoding}
    response = httpx.Response(200, headers=headers, stream=Chunks(split(body, 5)), request=REQUEST)
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(REQUEST, response, len(body) - 1)
    assert str(caught.value) == too_large(len(body) - 1, "on the wire")
    # A claim past the limit is not believed either: what comes within it is read.
    headers["Content-Length"] = str(10 * len(body))
    response = httpx.Response(200, headers=headers, stream=Chunks(split(body, 5)), request=REQUEST)
    assert await read_body(REQUEST, response, len(body)) == decoded


# -- gzip, x-gzip and deflate: inflated here, in bounded steps -------------------------------------------------------

ENCODED: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the standard says
    "deflate (raw)": lambda data: deflate(data, -zlib.MAX_WBITS),  # as some servers send it
}


def header(kind: str) -> str:
    return kind.split()[0]


@pytest.mark.parametrize("kind", list(ENCODED))
@pytest.mark.parametrize("cuts", [(), (1,), (2,), (1, 2, 3), (10, 11), (-1,)], ids=repr)
async def test_every_zlib_encoding_is_decoded_wherever_the_network_splits_it(kind: str, cuts: tuple[int, ...]) -> None:
    body = ENCODED[kind](TEXT)
    assert await read(split(body, *(cut % len(body) for cut in cuts)), header(kind)) == TEXT


@pytest.mark.parametrize("kind", list(ENCODED))
async def test_every_zlib_encoding_is_decoded_a_byte_at_a_time(kind: str) -> None:
    body = ENCODED[kind](TEXT)
    assert await read([body[at : at + 1] for at in range(len(body))], header(kind)) == TEXT


@pytest.mark.parametrize("encoding", ["GZIP", "gzip ", " Gzip"])
async def test_the_encoding_is_matched_in_any_case_and_spacing(encoding: str) -> None:
    # Inflated here, not by httpx: a truncated stream is this module's DecodingError (httpx's would pass it).
    assert await read([gzip.compress(TEXT)], encoding) == TEXT
    with pytest.raises(httpx.DecodingError) as caught:
        await read([gzip.compress(TEXT)[:-8]], encoding)
    assert str(caught.value) == (f"the {encoding} body is corrupt: the stream ends before its end marker (truncated)")


@pytest.mark.parametrize("kind", list(ENCODED))
async def test_a_stream_cut_before_its_end_is_a_truncated_body(kind: str) -> None:
    body = ENCODED[kind](TEXT)
    with pytest.raises(httpx.DecodingError) as caught:
        await read(split(body[: len(body) // 2], 5), header(kind))
    assert str(caught.value) == (
        f"the {header(kind)} body is corrupt: the stream ends before its end marker (truncated)"
    )


async def test_a_deflate_body_of_one_byte_too_short_to_say_its_kind_is_a_truncated_body() -> None:
    with pytest.raises(httpx.DecodingError) as caught:
        await read([b"x"], "deflate")
    assert str(caught.value) == "the deflate body is corrupt: the stream ends before its end marker (truncated)"


@pytest.mark.parametrize("kind", list(ENCODED))
async def test_no_body_at_all_is_an_empty_body_whatever_its_encoding_says(kind: str) -> None:
    # A 304 revalidation (TMDB(cache=...)) may name the encoding its stored answer had.
    response = httpx.Response(304, headers={"Content-Encoding": header(kind)}, stream=Chunks([]), request=REQUEST)
    assert await read_body(REQUEST, response, 10) == b""


async def test_a_corrupt_stream_is_a_decoding_error_naming_zlib_s_reason() -> None:
    with pytest.raises(httpx.DecodingError) as caught:
        await read([b"\x1f\x8b\x08\x00garbage that is not deflate"], "gzip")
    assert str(caught.value).startswith("the gzip body is corrupt: Error -3 while decompressing data")


@pytest.mark.parametrize("kind", list(ENCODED))
async def test_decompressed_exactly_max_body_size_is_read_and_one_byte_less_is_refused(kind: str) -> None:
    body = ENCODED[kind](TEXT)
    assert await read(split(body, 3), header(kind), limit=len(TEXT)) == TEXT
    error = await refused(split(body, 3), header(kind), limit=len(TEXT) - 1)
    assert str(error) == too_large(len(TEXT) - 1, "decompressed")


@pytest.mark.parametrize("kind", list(ENCODED))
async def test_on_the_wire_exactly_max_body_size_is_read_and_one_byte_less_is_refused(kind: str) -> None:
    body = ENCODED[kind](NOISE)  # larger than NOISE: the wire reaches the limit first
    assert len(body) > len(NOISE)
    assert await read(split(body, 100), header(kind), limit=len(body)) == NOISE
    error = await refused(split(body, 100), header(kind), limit=len(body) - 1)
    assert str(error) == too_large(len(body) - 1, "on the wire")


async def test_a_gzip_bomb_is_inflated_in_steps_of_the_limit_and_the_rest_is_not_pulled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 16 MiB of zeros in 16 KiB: no step may inflate more than one byte past the limit (httpx's
    # decoder would inflate the whole chunk at once), and the chunks after it are never pulled.
    bomb = gzip.compress(bytes(16 * 1024 * 1024))
    steps: list[tuple[int, int]] = []  # (max_length asked, bytes given)
    decompressobj = zlib.decompressobj

    class Recording:
        def __init__(self, wbits: int) -> None:
            self.inner = decompressobj(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            piece = self.inner.decompress(data, max_length)
            steps.append((max_length, len(piece)))
            return piece

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Recording)
    response = streamed([bomb[:1000], bomb[1000:], b"never pulled"], "gzip")
    limit = 2_000_000  # past in the second chunk (the first inflates to about 1 MB)
    with pytest.raises(ResponseTooLargeError) as caught:
        await read_body(REQUEST, response, limit)
    assert str(caught.value) == too_large(limit, "decompressed")
    assert isinstance(response.stream, Chunks)
    assert response.stream.pulled == 2
    given = 0
    for max_length, length in steps:
        assert 0 < max_length == limit - given + 1  # never 0: zlib's "no limit"
        given += length
    assert given == limit + 1


# -- through TMDB: the limit it is given, the error it raises ------------------------------------------------------


class ChunkTransport(httpx.AsyncBaseTransport):
    """Answers every request with `chunks` as a streamed body (what a real network layer does)."""

    def __init__(self, chunks: list[bytes], headers: dict[str, str]) -> None:
        self.chunks = chunks
        self.headers = headers
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(200, headers=self.headers, stream=Chunks(self.chunks), request=request)


MOVIE = json.dumps(sample("movies.details", 550, title="Fight Club")).encode()


async def test_tmdb_parses_a_gzip_movie_arriving_in_chunks_within_its_max_body_size() -> None:
    body = gzip.compress(MOVIE)
    network = ChunkTransport(split(body, 1, 9, 100), {"Content-Encoding": "gzip", "Content-Length": str(len(body))})
    async with TMDB(api_key="k3y-SECRET", transport=network, max_body_size=len(MOVIE)) as tmdb:
        movie = await tmdb.movies.details(550)
        assert movie.title == "Fight Club"
        raw = await tmdb.with_raw_response.movies.details(550)
        # Decoded here: httpx must not decode it again, nor trust the wire's length.
        assert "Content-Encoding" not in raw.headers
        assert raw.content == MOVIE


async def test_tmdb_refuses_a_body_past_its_max_body_size_without_retrying_and_shows_no_key() -> None:
    body = gzip.compress(MOVIE)
    network = ChunkTransport([body], {"Content-Encoding": "gzip"})
    async with TMDB(api_key="k3y-SECRET", transport=network, max_body_size=len(MOVIE) - 1) as tmdb:
        with pytest.raises(ResponseTooLargeError):
            await tmdb.movies.details(551)
        with pytest.raises(ResponseTooLargeError) as caught:
            await tmdb.movies.details(550)
        assert (tmdb.stats.requests, tmdb.stats.attempts, tmdb.stats.failures) == (2, 2, 2)
    shown = "GET https://api.themoviedb.org/3/movie/550?api_key=REDACTED"
    assert str(caught.value) == too_large(len(MOVIE) - 1, "decompressed", shown)
    assert network.requests == 2
