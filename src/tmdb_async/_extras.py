"""Optional parts and the extras that install them: one clear line when one is missing.

`pip install tmdb-async` brings the client only. `tmdb-async[cli]` adds rich (the
progress bar of `tmdb-async fetch`), `tmdb-async[testing]` adds h11 (the HTTP server of
FakeTMDB; httpx depends on it too today, the extra says FakeTMDB needs it in its own right).
"""

from __future__ import annotations


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which extra installs it."""


def missing_extra(module: str, extra: str, feature: str) -> MissingExtraError:
    """The error for `feature` needing `module`, which `tmdb-async[extra]` installs."""
    return MissingExtraError(
        f"{feature} needs {module}, which is not installed: pip install 'tmdb-async[{extra}]'", name=module
    )
