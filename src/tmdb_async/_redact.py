"""Redaction: the secrets a URL carries, and the texts shown with them replaced by REDACTED.

Every text the client shows (an exception's message and URL, a log line, an error page's
body that echoes the URL, the CLI's traceback) goes through here:
- `redact_url`: the URL with the values of `api_key`, `session_id` and `guest_session_id`
  in the query, and a guest session id in a path (/guest_session/{id}/rated/...), as REDACTED;
- `url_secrets`: those values of a URL, as sent and decoded (to scrub them from free text);
- `scrub` / `scrub_bytes`: a text or a body with each secret of a list as REDACTED, the
  longest first (so a secret holding a shorter one is replaced whole). Secrets shorter than
  3 characters are left alone: replacing "1" or "ab" everywhere would garble every message
  and hide nothing a reader could use.

The transport (_transport.py) decides what to redact and when; this module only knows how.
"""

from __future__ import annotations

import re
import urllib.parse

import httpx

_SECRET_PARAMS = re.compile(r"(?<=[?&])(api_key|session_id|guest_session_id)=([^&#]*)")
# A guest session id that is part of a path: /3/guest_session/{guest_session_id}/rated/...
_SECRET_PATH = re.compile(r"(?<=/guest_session/)([^/?#]+)(?=/rated)")
REDACTED = "REDACTED"


def redact_url(url: httpx.URL | str) -> str:
    """The URL with the values of credential parameters, and a guest session id in the path, as `REDACTED`."""
    text = _SECRET_PARAMS.sub(r"\1=REDACTED", str(url))
    return _SECRET_PATH.sub(REDACTED, text) if "/guest_session/" in text else text


def has_secret(url: httpx.URL) -> bool:
    """Whether the URL as httpx logs it would show a session id (the API key is added later, to a copy)."""
    return b"session_id=" in url.query or "/guest_session/" in url.path


def url_secrets(url: httpx.URL | str) -> list[str]:
    """The secret values a URL carries (query credentials, a guest session id in the path), as sent and decoded."""
    text = str(url)
    found = [value for _, value in _SECRET_PARAMS.findall(text)] + _SECRET_PATH.findall(text)
    return [form for value in found if value for form in {value, urllib.parse.unquote_plus(value)}]


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every secret in `secrets` replaced by REDACTED (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3 and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def scrub_bytes(body: bytes, secrets: list[str]) -> bytes:
    """`body` with every secret in `secrets` (as UTF-8) replaced by REDACTED (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        raw = secret.encode("utf-8", "surrogateescape")
        if len(raw) >= 3 and raw in body:
            body = body.replace(raw, REDACTED.encode())
    return body
