"""Every official TMDB v3 operation is in the spec, or excluded with a reason."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import yaml

from support import ROOT


def load_coverage() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_script", ROOT / "openapi" / "coverage.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


coverage = load_coverage()


def test_every_official_operation_is_covered_or_excluded_with_a_reason() -> None:
    missing, contradictions, _ = coverage.report()
    assert missing == []
    assert contradictions == []


def test_the_official_list_has_all_152_operations() -> None:
    assert len(coverage.official()) == 152


def test_the_official_list_matches_the_reference_copy() -> None:
    reference = ROOT / "tests" / "fixtures" / "reference" / "official-operations.txt"  # copied from shared/reference
    assert Path(coverage.OFFICIAL).read_text() == reference.read_text()


def test_a_missing_operation_is_reported() -> None:
    # The check itself must be able to fail: drop one path from a copy of the spec.
    data = yaml.safe_load((ROOT / "openapi" / "tmdb.yaml").read_text())
    data["paths"].pop("/3/movie/{movie_id}")
    ours = coverage.covered(data)
    missing = sorted(op for op in coverage.official() if op not in ours and op not in coverage.exclusions())
    assert "GET /3/movie/{movie_id}" in missing
