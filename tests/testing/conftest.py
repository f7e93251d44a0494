"""FakeTMDB tests: a shell's TMDB_* variables must not reach the clients under test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def tmdb_environment_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMDB_ACCESS_TOKEN", "TMDB_API_KEY", "TMDB_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
