"""The response and request models, generated from openapi/tmdb.yaml (re-exported from tmdb_api.models).

`UNSET` marks a field absent from TMDB's answer (for example an appended sub-resource that
was not asked for); `Unset` is its type.
"""

from tmdb_api.models import *  # noqa: F403
from tmdb_api.models import __all__ as _model_names
from tmdb_api.types import UNSET, Unset

__all__ = [*_model_names, "UNSET", "Unset"]
