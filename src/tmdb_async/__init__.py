"""tmdb-async: a typed, async client for The Movie Database (TMDB) API v3."""

from ._version import __version__

__all__ = ["__version__"]
