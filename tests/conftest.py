"""Root fixtures: every test starts with no TMDB_* variable of the developer's shell.

The opt-in live tests (tests/live) are the one exception: they read the real credentials.
TMDB_SPEC_PATH is kept too: it is how a maintainer points the suite at another spec.
"""

from __future__ import annotations

import os

import pytest

KEPT = frozenset({"TMDB_SPEC_PATH"})


@pytest.fixture(autouse=True)
def tmdb_environment_cleared(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No TMDB_* variable (credentials, TMDB_BASE_URL, ...) leaks from the shell into a test."""
    if request.node.get_closest_marker("live") is not None:
        return
    for name in list(os.environ):
        if name.startswith("TMDB_") and name not in KEPT:
            monkeypatch.delenv(name)
