"""Work on the spec in pieces: merge fragment files into openapi/tmdb.yaml.

A fragment (openapi/fragments/<area>.yaml) has the spec's own layout, holding only what
it adds: `tags:`, `paths:` and `components:` (`parameters`, `requestBodies`, `responses`,
`schemas`, `examples`), each indented as in tmdb.yaml. It may $ref anything of tmdb.yaml.

    python openapi/fragments.py try FRAGMENT... --out DIR   # merged spec -> validated, generated into DIR
    python openapi/fragments.py apply FRAGMENT...           # append the fragments' text to tmdb.yaml

`try` leaves tmdb.yaml alone: it writes DIR/tmdb.yaml and generates DIR/gen/tmdb_async_api, so
`PYTHONPATH=DIR/gen:src` runs the tests against the merged spec. `apply` copies each
section's text (comments included) to the end of the same section of tmdb.yaml.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "tmdb.yaml"
TOP = ("tags", "paths")
COMPONENTS = ("parameters", "requestBodies", "responses", "schemas", "examples")


def merged(base: dict[str, Any], fragments: list[dict[str, Any]]) -> dict[str, Any]:
    """The spec with the fragments added; any name defined twice is an error."""
    spec = copy.deepcopy(base)
    for fragment in fragments:
        unknown = set(fragment) - {*TOP, "components"} or set(fragment.get("components", {})) - set(COMPONENTS)
        if unknown:
            raise SystemExit(f"a fragment may hold only tags, paths and components {COMPONENTS}; found {unknown}")
        known_tags = {tag["name"] for tag in spec["tags"]}
        for tag in fragment.get("tags", []):
            if tag["name"] in known_tags:
                raise SystemExit(f"tag {tag['name']!r} is defined twice")
            spec["tags"].append(tag)
        for path, item in fragment.get("paths", {}).items():
            if path in spec["paths"]:
                raise SystemExit(f"path {path} is defined twice")
            spec["paths"][path] = item
        for section, entries in fragment.get("components", {}).items():
            target = spec["components"].setdefault(section, {})
            for name, value in entries.items():
                if name in target and target[name] != value:
                    raise SystemExit(f"components/{section}/{name} is defined twice, differently")
                target[name] = value
    return spec


def try_fragments(paths: list[Path], out: Path) -> None:
    base = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec = merged(base, [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths])
    validate(spec)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "tmdb.yaml"
    target.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    gen = out / "gen"
    subprocess.run(
        [sys.executable, str(ROOT / "openapi" / "generate.py"), "--spec", str(target), "--out", str(gen)], check=True
    )
    print(f"valid; generated into {gen}/tmdb_async_api; run tests with PYTHONPATH={gen}:{ROOT / 'src'}")


def _sections(lines: list[str], indent: int) -> dict[str, tuple[int, int]]:
    """For keys at `indent` spaces: name -> (first line after the key, end line)."""
    prefix = " " * indent
    starts = [
        (i, line.strip().rstrip(":"))
        for i, line in enumerate(lines)
        if line.startswith(prefix) and not line.startswith(prefix + " ") and line.strip().endswith(":")
        and not line.lstrip().startswith("#")
    ]  # fmt: skip
    found = {}
    for (start, name), (end, _) in zip(starts, [*starts[1:], (len(lines), "")], strict=True):
        found[name] = (start + 1, end)
    return found


def _block(lines: list[str], span: tuple[int, int]) -> list[str]:
    body = lines[span[0] : span[1]]
    while body and not body[-1].strip():
        body.pop()
    return body


def apply(paths: list[Path]) -> None:
    """Append each fragment's sections, as text, to the same sections of tmdb.yaml."""
    base = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    merged(base, [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths])  # fails on any clash
    spec_lines = SPEC.read_text(encoding="utf-8").splitlines()
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        top = _sections(lines, 0)
        additions: dict[tuple[int, str], list[str]] = {}
        for key in TOP:
            if key in top:
                additions[(0, key)] = _block(lines, top[key])
        if "components" in top:
            start, end = top["components"]
            inner = _sections(lines[:end], 2)
            for key in COMPONENTS:
                if key in inner and inner[key][0] > start:
                    additions[(2, key)] = _block(lines, inner[key])
        for (indent, key), block in additions.items():
            spec_top = _sections(spec_lines, 0)
            if indent == 0:
                span = spec_top[key]
            else:
                comp_start, comp_end = spec_top["components"]
                inner = {k: v for k, v in _sections(spec_lines[:comp_end], 2).items() if v[0] > comp_start}
                if key not in inner:
                    spec_lines[comp_end:comp_end] = ["", f"  {key}:"]
                    spec_top = _sections(spec_lines, 0)
                    comp_start, comp_end = spec_top["components"]
                    inner = {k: v for k, v in _sections(spec_lines[:comp_end], 2).items() if v[0] > comp_start}
                span = inner[key]
            end = span[1]
            # Blank lines and the next section's own comment stay after the insertion.
            while end > span[0] and (
                not spec_lines[end - 1].strip() or spec_lines[end - 1].startswith(" " * indent + "#")
            ):
                end -= 1
            spec_lines[end:end] = ["", f"{' ' * (indent + 2)}# ---- from {path.name}", *block]
    SPEC.write_text("\n".join(spec_lines) + "\n", encoding="utf-8")
    check = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    validate(check)
    print(f"applied {len(paths)} fragment(s) to {SPEC.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    trying = commands.add_parser("try")
    trying.add_argument("fragments", nargs="+", type=Path)
    trying.add_argument("--out", type=Path, required=True)
    applying = commands.add_parser("apply")
    applying.add_argument("fragments", nargs="+", type=Path)
    args = parser.parse_args()
    if args.command == "try":
        try_fragments(args.fragments, args.out)
    else:
        apply(args.fragments)


if __name__ == "__main__":
    main()
