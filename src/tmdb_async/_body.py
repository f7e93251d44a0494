"""Reading an answer's body: whole, decoded, and never more than `max_body_size` bytes.

The transport (_transport.py) reads every answer here, inside its retry loop, so that a
truncated or corrupt body fails where it can be retried (an httpx.DecodingError or
TransportError), not later in the caller's parser. The rule:
- `max_body_size` bytes are counted twice: on the wire (what the server sends) and once
  decoded; past either, ResponseTooLargeError (the rest is not read). An answer of exactly
  `max_body_size` bytes passes; one more byte does not.
- gzip (x-gzip) and deflate are inflated here with zlib, never more than the limit in one
  step: httpx's decoder inflates a whole network chunk at once (64 KiB of a gzip bomb is
  64 MiB in memory before any check). "deflate" is zlib-wrapped by the standard, raw by
  some servers: its first two bytes tell which, wherever the network splits them. A
  stream that ends before its end marker is a truncated body, a DecodingError; no body at
  all (a 304 that names its encoding) is an empty one, as for httpx.
- no Content-Encoding: the chunks are taken as they come (`aiter_raw`: httpx's identity
  decoder and chunker would pass them on unchanged, at a cost on every call).
- other encodings (br, zstd, identity) are left to httpx's decoders, the decoded size
  checked after each chunk.
- an answer whose body is already read (httpx.MockTransport's, a cache's) is taken as it is.
"""

from __future__ import annotations

import zlib

import httpx

from ._exceptions import ResponseTooLargeError
from ._redact import redact_url

# Content-Encoding -> zlib's window bits: inflated here, in bounded steps.
_ZLIB_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


async def read_body(request: httpx.Request, response: httpx.Response, limit: int) -> bytes:
    """The decoded body, counted on the wire and decoded; past `limit` bytes, ResponseTooLargeError."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    # An answer read already (httpx.MockTransport's) is decoded already: only aiter_bytes has it.
    read = response.is_stream_consumed
    if encoding in _ZLIB_WBITS and not read:
        return await _inflate(request, response, _ZLIB_WBITS[encoding], limit)
    # No encoding: the chunks as they come (aiter_raw), past httpx's identity decoder and its
    # chunker, which would hand them up unchanged.
    plain = not encoding and not read
    parts: list[bytes] = []
    size = 0
    async for piece in response.aiter_raw() if plain else response.aiter_bytes():
        size += len(piece)
        if response.num_bytes_downloaded > limit or size > limit:
            raise _too_large(request, response, limit, wire=response.num_bytes_downloaded > limit)
        parts.append(piece)
    return b"".join(parts)


async def _inflate(request: httpx.Request, response: httpx.Response, wbits: int, limit: int) -> bytes:
    # "deflate": None until its first two bytes have come (a network chunk may hold one).
    inflater = None if wbits == zlib.MAX_WBITS else zlib.decompressobj(wbits)
    head = b""
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            if response.num_bytes_downloaded > limit:
                raise _too_large(request, response, limit, wire=True)
            if inflater is None:
                head += chunk
                if len(head) < 2:  # pragma: no mutate (waiting for a 3rd byte decides alike; 2 bytes are truncated)
                    continue
                inflater = zlib.decompressobj(zlib.MAX_WBITS if _zlib_wrapped(head) else -zlib.MAX_WBITS)
                chunk = head
            # One byte past the limit at most. A piece that long is past the limit and raises;
            # a shorter one means zlib took the whole chunk and holds no output back (no
            # unconsumed_tail to feed again, nothing for a flush()).
            piece = inflater.decompress(chunk, limit - size + 1)
            size += len(piece)
            if size > limit:
                raise _too_large(request, response, limit, wire=False)  # pragma: no mutate (wire=None reads as False)
            parts.append(piece)
        if response.num_bytes_downloaded == 0:  # no body at all (a 304, a 204): nothing to inflate
            return b""
        if inflater is None or not inflater.eof:
            raise zlib.error("the stream ends before its end marker (truncated)")
    except zlib.error as exc:
        raise httpx.DecodingError(f"the {response.headers['Content-Encoding']} body is corrupt: {exc}") from None
    return b"".join(parts)


def _zlib_wrapped(head: bytes) -> bool:
    """Whether a "deflate" body is zlib-wrapped (RFC 9110) rather than raw, as some servers send it.

    zlib checks its two-byte header as soon as it has both: a raw stream fails there.
    """
    try:
        zlib.decompressobj(zlib.MAX_WBITS).decompress(head[:2])  # pragma: no mutate (a 3rd byte decides alike)
    except zlib.error:
        return False
    return True


def _too_large(request: httpx.Request, response: httpx.Response, limit: int, *, wire: bool) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"TMDB's answer is larger than max_body_size={limit} bytes"
        f" ({'on the wire' if wire else 'decompressed'}); the rest was not read",
        status_code=response.status_code,
        method=request.method,
        url=redact_url(request.url),
        body=b"",
    )
