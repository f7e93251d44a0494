"""Every official TMDB v3 operation is in the spec, or excluded with a reason."""

from __future__ import annotations

import json

import yaml

from support import FIXTURES, ROOT, load_script

coverage = load_script("openapi/coverage.py", "coverage_script")


def test_every_official_operation_is_covered_or_excluded_with_a_reason() -> None:
    missing, contradictions, _ = coverage.report()
    assert missing == []
    assert contradictions == []


def official_file_operations() -> dict[str, str]:
    """`METHOD /path` -> operationId, read from TMDB's official OpenAPI file (tests/fixtures/reference/)."""
    document = json.loads((FIXTURES / "reference" / "tmdb-openapi-official.json").read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {path}": op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_the_official_list_is_every_operation_of_tmdbs_official_file() -> None:
    assert coverage.official() == official_file_operations()


def test_a_missing_operation_is_reported() -> None:
    # The check itself must be able to fail: drop one path from a copy of the spec.
    data = yaml.safe_load((ROOT / "openapi" / "tmdb.yaml").read_text())
    data["paths"].pop("/3/movie/{movie_id}")
    ours = coverage.covered(data)
    missing = sorted(op for op in coverage.official() if op not in ours and op not in coverage.exclusions())
    assert "GET /3/movie/{movie_id}" in missing
