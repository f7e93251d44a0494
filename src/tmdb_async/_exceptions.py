"""The exceptions tmdb_async raises, and the mapping from a TMDB answer to one of them.

    TMDBError
    ├── ConfigurationError (also ValueError)   bad arguments to TMDB(), missing credentials
    ├── ClientClosedError (also RuntimeError)  a call on a closed client
    ├── APIError                               TMDB (or a proxy in front of it) answered an error
    │   ├── BadRequestError        400, 422
    │   ├── AuthenticationError    401
    │   ├── PermissionDeniedError  403
    │   ├── NotFoundError          404
    │   ├── RateLimitError         429, or TMDB code 25 whatever the status (has retry_after)
    │   └── ServerError            5xx
    ├── APIConnectionError                     no answer: connection refused, reset, closed
    │   └── APITimeoutError                    no answer in time
    └── ResponseValidationError                a 2xx answer that is not the documented JSON
        └── ResponseTooLargeError              a body past the client's max_body_size

No message, argument or chained cause of these exceptions holds a credential: URLs are
redacted (`api_key=REDACTED`, `/guest_session/REDACTED/`), the client's own secrets are
scrubbed from any text taken from an answer, and the network layer's exception (whose
text names the full URL) is replaced by a scrubbed copy of it.

TMDB's own `status_code` refines the class where it says more than the HTTP status: each
TMDB code has a documented HTTP status (TMDB-FACTS), and that status picks the class.
"""

from __future__ import annotations

import json
from typing import Any, cast

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "TMDBError",
]


class TMDBError(Exception):
    """Base of every exception tmdb_async raises."""


class ConfigurationError(TMDBError, ValueError):
    """TMDB() was given arguments it cannot work with (or no credentials at all)."""


class ClientClosedError(TMDBError, RuntimeError):
    """A call was made on a client after `aclose()` (or after its `async with` block)."""


class APIError(TMDBError):
    """TMDB, or a proxy in front of it, answered with an error status.

    Attributes:
        status_code: the HTTP status.
        tmdb_status_code: TMDB's own code from the error body (34: not found, 25: rate
            limit, ...), or None when the body was not TMDB's JSON (an HTML proxy page).
        status_message: TMDB's message, or the start of the body when it was not JSON.
        method, url: the request, with credentials removed from the URL.
        body: the raw body of the answer.
    """

    def __init__(
        self,
        status_code: int,
        *,
        tmdb_status_code: int | None,
        status_message: str,
        method: str,
        url: str,
        body: bytes = b"",
    ) -> None:
        self.status_code = status_code
        self.tmdb_status_code = tmdb_status_code
        self.status_message = status_message
        self.method = method
        self.url = url
        self.body = body
        code = "" if tmdb_status_code is None else f", TMDB code {tmdb_status_code}"
        super().__init__(f"HTTP {status_code}{code}: {status_message} ({method} {url})")


class BadRequestError(APIError):
    """400 or 422: TMDB rejected the parameters (an invalid page, a bad date, ...)."""


class AuthenticationError(APIError):
    """401: the API key or access token is missing, invalid or suspended, or a session is invalid."""


class PermissionDeniedError(APIError):
    """403: the credentials are valid but may not do this."""


class NotFoundError(APIError):
    """404: no such movie, series, session, ..."""


class RateLimitError(APIError):
    """429 or TMDB code 25: over the rate limit, after the client's retries (or a wait over the cap).

    Attributes:
        retry_after: seconds TMDB asked to wait (Retry-After), or None when it did not say.
    """

    def __init__(self, status_code: int, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(status_code, **kwargs)


class ServerError(APIError):
    """5xx: TMDB or a proxy in front of it failed, after the client's retries."""


class APIConnectionError(TMDBError):
    """No answer from TMDB (refused, reset, closed without a response), after the client's retries."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{message} ({method} {url})")


class APITimeoutError(APIConnectionError):
    """No answer from TMDB in time, after the client's retries."""


class ResponseValidationError(TMDBError):
    """A 2xx answer whose body is not JSON, or not the documented shape.

    Attributes:
        status_code, method, url: as on APIError.
        body: the raw body, kept for inspection.
    """

    def __init__(self, message: str, *, status_code: int, method: str, url: str, body: bytes) -> None:
        self.status_code = status_code
        self.method = method
        self.url = url
        self.body = body
        super().__init__(f"{message} (HTTP {status_code}, {method} {url})")


class ResponseTooLargeError(ResponseValidationError):
    """An answer whose body (compressed, or once decompressed) is larger than `max_body_size`.

    Nothing past the limit was read; the connection is dropped and the client stays usable.
    `body` is empty. Not retried: the same request would get the same body.
    """


# TMDB code -> the HTTP status TMDB documents for it (TMDB-FACTS "Error envelope and codes").
TMDB_CODE_STATUS: dict[int, int] = {
    1: 200, 2: 501, 3: 401, 4: 405, 5: 422, 6: 404, 7: 401, 8: 403, 9: 503, 10: 401,
    11: 500, 12: 201, 13: 200, 14: 401, 15: 500, 16: 401, 17: 401, 18: 400, 19: 406, 20: 422,
    21: 200, 22: 400, 23: 400, 24: 504, 25: 429, 26: 400, 27: 400, 28: 400, 29: 400, 30: 401,
    31: 401, 32: 401, 33: 401, 34: 404, 35: 401, 36: 401, 37: 404, 38: 401, 39: 401, 40: 200,
    41: 422, 42: 405, 43: 502, 44: 500, 45: 403, 46: 503, 47: 400,
}  # fmt: skip

_STATUS_CLASS: dict[int, type[APIError]] = {
    400: BadRequestError,
    422: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_class(status_code: int, tmdb_status_code: int | None) -> type[APIError]:
    """The exception class for an error answer: TMDB's code first, where it names an error."""
    documented = TMDB_CODE_STATUS.get(tmdb_status_code) if tmdb_status_code is not None else None
    status = documented if documented is not None and documented >= 400 else status_code
    if status in _STATUS_CLASS:
        return _STATUS_CLASS[status]
    return ServerError if status >= 500 else APIError


def parse_error_body(body: bytes) -> tuple[int | None, str]:
    """TMDB's (code, message) from an error body; (None, a snippet) when it is not TMDB's JSON."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deep to parse
        data = None
    if isinstance(data, dict):
        fields = cast("dict[str, object]", data)  # a JSON object: its keys are strings
        code = fields.get("status_code")
        message = fields.get("status_message")
        if isinstance(code, int) and not isinstance(code, bool):
            return code, message if isinstance(message, str) else ""
    snippet = " ".join(body[:200].decode("utf-8", "replace").split())
    return None, snippet or "(empty body)"


def api_error(status_code: int, body: bytes, *, method: str, url: str, retry_after: float | None = None) -> APIError:
    """The exception for an error answer (call with a URL that has no credentials in it)."""
    tmdb_code, message = parse_error_body(body)
    cls = error_class(status_code, tmdb_code)
    fields: dict[str, Any] = {
        "tmdb_status_code": tmdb_code,
        "status_message": message,
        "method": method,
        "url": url,
        "body": body,
    }
    if cls is RateLimitError:
        return RateLimitError(status_code, retry_after=retry_after, **fields)
    return cls(status_code, **fields)
