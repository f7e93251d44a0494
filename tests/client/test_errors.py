"""The exception tree, and the mapping from an error answer (HTTP status, TMDB body) to an exception."""

from __future__ import annotations

import json

import pytest

import tmdb_async
from tmdb_async import _exceptions
from tmdb_async._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    TMDBError,
    api_error,
    error_class,
    parse_error_body,
)

URL = "https://api.themoviedb.org/3/movie/0"


def tmdb_body(code: int, message: str) -> bytes:
    return json.dumps({"success": False, "status_code": code, "status_message": message}).encode()


@pytest.mark.parametrize(
    ("status_code", "expected"),
    [
        (400, BadRequestError),
        (422, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (405, APIError),
        (406, APIError),
        (418, APIError),
    ],
)
def test_error_class_by_http_status(status_code: int, expected: type[APIError]) -> None:
    assert error_class(status_code, None) is expected


@pytest.mark.parametrize(
    ("status_code", "tmdb_code", "expected"),
    [
        pytest.param(200, 25, RateLimitError, id="code-25-with-200"),
        pytest.param(503, 25, RateLimitError, id="code-25-with-503"),
        pytest.param(429, 25, RateLimitError, id="code-25-with-429"),
        pytest.param(500, 34, NotFoundError, id="code-34-with-500"),
        pytest.param(400, 6, NotFoundError, id="code-6-with-400"),
        pytest.param(401, 37, NotFoundError, id="code-37-with-401"),
        pytest.param(403, 7, AuthenticationError, id="code-7-with-403"),
        pytest.param(404, 22, BadRequestError, id="code-22-with-404"),
        pytest.param(500, 1, ServerError, id="success-code-1-does-not-refine"),
        pytest.param(404, 13, NotFoundError, id="success-code-13-does-not-refine"),
        pytest.param(400, 12, BadRequestError, id="success-code-12-does-not-refine"),
        pytest.param(404, 999, NotFoundError, id="unknown-code-999-with-404"),
        pytest.param(502, 999, ServerError, id="unknown-code-999-with-502"),
        pytest.param(418, 999, APIError, id="unknown-code-999-with-418"),
    ],
)
def test_error_class_refined_by_tmdb_code(status_code: int, tmdb_code: int, expected: type[APIError]) -> None:
    assert error_class(status_code, tmdb_code) is expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(tmdb_body(34, "The resource you requested could not be found."),
                     (34, "The resource you requested could not be found."), id="tmdb-json"),
        pytest.param(b'{"status_code": 25}', (25, ""), id="tmdb-json-without-message"),
        pytest.param(b'{"status_code": 25, "status_message": 7}', (25, ""), id="tmdb-json-non-string-message"),
        pytest.param(b"", (None, "(empty body)"), id="empty"),
        pytest.param(b"  \n\t ", (None, "(empty body)"), id="whitespace-only"),
        pytest.param(b'{"error": "nope"}', (None, '{"error": "nope"}'), id="json-without-status-code"),
        pytest.param(b"[1, 2]", (None, "[1, 2]"), id="json-list"),
        pytest.param(b'{"status_code": true}', (None, '{"status_code": true}'), id="status-code-bool"),
        pytest.param(b'{"status_code": "34"}', (None, '{"status_code": "34"}'), id="status-code-string"),
        pytest.param(b"\xff\xfe garbage", (None, "\ufffd\ufffd garbage"), id="invalid-utf8"),
    ],
)  # fmt: skip
def test_parse_error_body(body: bytes, expected: tuple[int | None, str]) -> None:
    assert parse_error_body(body) == expected


def test_parse_error_body_html_page_gives_collapsed_snippet() -> None:
    html = b"<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>\t<h1>502</h1></body>\n</html>"

    assert parse_error_body(html) == (
        None,
        "<html> <head><title>502 Bad Gateway</title></head> <body> <h1>502</h1></body> </html>",
    )


def test_parse_error_body_html_snippet_reads_only_the_first_200_bytes() -> None:
    html = b"<html><body>" + b"x" * 188 + b"TAIL-NOT-SHOWN" + b"y" * 1000 + b"</body></html>"

    code, snippet = parse_error_body(html)

    assert (code, snippet) == (None, "<html><body>" + "x" * 188)


def test_api_error_tmdb_body_fields() -> None:
    body = tmdb_body(34, "The resource you requested could not be found.")

    error = api_error(404, body, method="GET", url=URL)

    assert type(error) is NotFoundError
    assert (error.status_code, error.tmdb_status_code, error.status_message) == (
        404,
        34,
        "The resource you requested could not be found.",
    )
    assert (error.method, error.url, error.body) == ("GET", URL, body)


def test_api_error_html_body_fields() -> None:
    body = b"<html><body>Bad   Gateway</body></html>"

    error = api_error(502, body, method="GET", url=URL)

    assert type(error) is ServerError
    assert (error.status_code, error.tmdb_status_code, error.status_message, error.body) == (
        502,
        None,
        "<html><body>Bad Gateway</body></html>",
        body,
    )


def test_api_error_429_carries_retry_after() -> None:
    body = tmdb_body(25, "Your request count (41) is over the allowed limit of 40.")

    error = api_error(429, body, method="GET", url=URL, retry_after=3.0)

    assert type(error) is RateLimitError
    assert isinstance(error, RateLimitError)
    assert (error.status_code, error.tmdb_status_code, error.retry_after) == (429, 25, 3.0)
    assert (error.method, error.url, error.body) == ("GET", URL, body)


def test_api_error_429_without_retry_after_has_none() -> None:
    error = api_error(429, b"", method="GET", url=URL)

    assert isinstance(error, RateLimitError)
    assert error.retry_after is None


def test_api_error_code_25_on_503_is_rate_limit_with_retry_after() -> None:
    error = api_error(503, tmdb_body(25, "over the limit"), method="POST", url=URL, retry_after=1.5)

    assert isinstance(error, RateLimitError)
    assert (error.status_code, error.tmdb_status_code, error.retry_after, error.method) == (503, 25, 1.5, "POST")


def test_api_error_non_rate_limit_ignores_retry_after() -> None:
    error = api_error(500, tmdb_body(11, "Internal error"), method="GET", url=URL, retry_after=9.0)

    assert type(error) is ServerError
    assert not hasattr(error, "retry_after")


def test_api_error_unmapped_status_is_plain_api_error() -> None:
    error = api_error(418, b"teapot", method="DELETE", url=URL)

    assert type(error) is APIError
    assert (error.status_code, error.tmdb_status_code, error.status_message) == (418, None, "teapot")


def test_api_error_str_contains_status_code_message_method_and_url() -> None:
    error = api_error(404, tmdb_body(34, "Not found."), method="GET", url=URL)

    assert str(error) == f"HTTP 404, TMDB code 34: Not found. (GET {URL})"


def test_api_error_str_without_tmdb_code() -> None:
    error = api_error(502, b"<h1>Bad Gateway</h1>", method="POST", url=URL)

    assert str(error) == f"HTTP 502: <h1>Bad Gateway</h1> (POST {URL})"


def test_rate_limit_error_str_contains_everything() -> None:
    error = api_error(429, tmdb_body(25, "Slow down."), method="DELETE", url=URL, retry_after=2.0)

    assert str(error) == f"HTTP 429, TMDB code 25: Slow down. (DELETE {URL})"


def test_api_connection_error_fields_and_str() -> None:
    error = APIConnectionError("connection refused", method="GET", url=URL)

    assert (error.method, error.url, str(error)) == ("GET", URL, f"connection refused (GET {URL})")


def test_api_timeout_error_fields_and_str() -> None:
    error = APITimeoutError("timed out", method="POST", url=URL)

    assert (error.method, error.url, str(error)) == ("POST", URL, f"timed out (POST {URL})")


def test_response_validation_error_fields_and_str() -> None:
    error = ResponseValidationError("not JSON", status_code=200, method="GET", url=URL, body=b"<html>")

    assert (error.status_code, error.method, error.url, error.body) == (200, "GET", URL, b"<html>")
    assert str(error) == f"not JSON (HTTP 200, GET {URL})"


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (TMDBError, Exception),
        (ConfigurationError, TMDBError),
        (ConfigurationError, ValueError),
        (ClientClosedError, TMDBError),
        (ClientClosedError, RuntimeError),
        (APIError, TMDBError),
        (BadRequestError, APIError),
        (AuthenticationError, APIError),
        (PermissionDeniedError, APIError),
        (NotFoundError, APIError),
        (RateLimitError, APIError),
        (ServerError, APIError),
        (APIConnectionError, TMDBError),
        (APITimeoutError, APIConnectionError),
        (ResponseValidationError, TMDBError),
    ],
)
def test_exception_hierarchy(cls: type[Exception], parent: type[Exception]) -> None:
    assert issubclass(cls, parent)


@pytest.mark.parametrize(
    ("cls", "not_parent"),
    [
        (APITimeoutError, APIError),
        (APIConnectionError, APIError),
        (ResponseValidationError, APIError),
        (APIError, APIConnectionError),
        (RateLimitError, ServerError),
        (ServerError, RateLimitError),
        (APIError, ValueError),
        (TMDBError, ValueError),
    ],
)
def test_exception_hierarchy_branches_are_separate(cls: type[Exception], not_parent: type[Exception]) -> None:
    assert not issubclass(cls, not_parent)


def test_every_exported_name_is_importable() -> None:
    missing = [name for name in tmdb_async.__all__ if not hasattr(tmdb_async, name)]

    assert missing == []


def test_exported_names_are_unique() -> None:
    assert len(tmdb_async.__all__) == len(set(tmdb_async.__all__))


def test_every_exception_is_exported_from_the_package() -> None:
    not_exported = [
        name
        for name in _exceptions.__all__
        if name not in tmdb_async.__all__ or getattr(tmdb_async, name) is not getattr(_exceptions, name)
    ]

    assert not_exported == []


def test_every_exception_class_in_the_module_is_listed_in_its_all() -> None:
    classes = sorted(
        name
        for name, value in vars(_exceptions).items()
        if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == _exceptions.__name__
    )

    assert classes == sorted(_exceptions.__all__)
