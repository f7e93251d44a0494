"""tmdb-async: a typed, async client for The Movie Database (TMDB) API v3.

    async with TMDB() as tmdb:
        movie = await tmdb.movies.details(550, append_to_response=["credits"])

The models (MovieDetails, MoviePage, ...) live in `tmdb_async.models`.
"""

from tmdb_async_api.resources._base import ExtraHeaders, ExtraQuery, RawResponse

from ._client import TMDB
from ._exceptions import (
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
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    TMDBError,
)
from ._version import __version__
from .pagination import paginate

__all__ = [
    "TMDB",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ExtraHeaders",
    "ExtraQuery",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "TMDBError",
    "__version__",
    "paginate",
]
