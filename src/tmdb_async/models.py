"""The response and request models, generated from openapi/tmdb.yaml (re-exported from tmdb_async_api.models).

`UNSET` marks a field absent from TMDB's answer (for example an appended sub-resource that
was not asked for); `Unset` is its type, an enum, so `x is not UNSET` narrows in mypy and
pyright alike:

    if movie.credits is not UNSET:
        print(movie.credits.cast[0].name)

`InvalidValue` (a ValueError) is what `Model.from_dict` raises for a value of the wrong
type, naming its JSON path; the client turns it into ResponseValidationError.
"""

from tmdb_async_api import models as _models
from tmdb_async_api.checks import InvalidValue
from tmdb_async_api.models import *  # noqa: F403
from tmdb_async_api.types import UNSET, Unset

__all__ = ["UNSET", "InvalidValue", "Unset"]
__all__ += _models.__all__  # the form pyright reads
