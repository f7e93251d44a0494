"""`make api-coverage`: which of TMDB's official v3 operations openapi/tmdb.yaml covers.

API coverage, not code coverage.

The official list (openapi/official-operations.txt, copied from TMDB's own OpenAPI file)
is compared with the spec's paths; an operation the spec leaves out must be listed, with
its reason, in openapi/coverage-exclusions.txt. Exit status 1 when one is neither.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT / "openapi" / "official-operations.txt"
EXCLUSIONS = ROOT / "openapi" / "coverage-exclusions.txt"
SPEC = ROOT / "openapi" / "tmdb.yaml"


def official() -> dict[str, str]:
    """`METHOD /path` -> TMDB's operationId."""
    found = {}
    for line in OFFICIAL.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            method, path, op_id = line.split()[:3]
            found[f"{method} {path}"] = op_id
    return found


def exclusions() -> dict[str, str]:
    """`METHOD /path` -> the reason it is left out."""
    found = {}
    for number, line in enumerate(EXCLUSIONS.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            parts = line.split(maxsplit=2)
            if len(parts) < 3 or not parts[2].strip():
                raise SystemExit(f"{EXCLUSIONS.name}:{number}: `METHOD PATH reason` expected; the reason is required")
            found[f"{parts[0]} {parts[1]}"] = parts[2].strip()
    return found


def covered(spec: dict | None = None) -> dict[str, str]:
    """`METHOD /path` -> our operationId."""
    spec = spec or yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {
        f"{method.upper()} {path}": op["operationId"]
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def report() -> tuple[list[str], list[str], list[str]]:
    """(missing, excluded but covered, ours but not official)."""
    ours, theirs, left_out = covered(), official(), exclusions()
    missing = sorted(op for op in theirs if op not in ours and op not in left_out)
    contradictions = sorted(op for op in left_out if op in ours)
    extra = sorted(op for op in ours if op not in theirs)
    return missing, contradictions, extra


def main() -> None:
    ours, theirs, left_out = covered(), official(), exclusions()
    missing, contradictions, extra = report()
    done = sum(1 for op in theirs if op in ours)
    print(f"{done} of {len(theirs)} official operations covered, {len(left_out)} excluded with a reason")
    for op in sorted(left_out):
        print(f"  excluded  {op}: {left_out[op]}")
    for op in missing:
        print(f"  MISSING   {op} ({theirs[op]})")
    for op in contradictions:
        print(f"  EXCLUDED BUT COVERED {op}: drop it from {EXCLUSIONS.name}")
    for op in extra:
        print(f"  not in TMDB's list   {op} ({ours[op]})")
    sys.exit(1 if missing or contradictions else 0)


if __name__ == "__main__":
    main()
