"""`make mutation`: mutation testing of the core, one module at a time, summary in tests/MUTATION.md.

    make mutation                      every module of MODULES below (about an hour on two cores)
    make mutation MODULES=_retry       one module (or several: MODULES="_retry _exceptions")

For each module this runs mutmut 3 (configured under [tool.mutmut] in pyproject.toml) in a
fresh `mutants/` folder, mutating that module alone and running only its test selection,
then writes its row (mutants, caught, score, date) and its surviving mutants to
tests/MUTATION.md. Rows of modules not run this time are kept as they were.

Why one module at a time: mutmut mutates every file of its source paths and runs, for each
mutant, the tests that reached the mutated function. Run on the whole package, a mutant of
_retry would be judged by the CLI tests too, and the score would not say whether the tests
*of the retry policy* pin it. mutmut has no command-line switch for which file to mutate or
which tests to run, so this script sets `only_mutate` and the test selection on mutmut's
configuration object before calling its `run` command, in a subprocess per module.

Caught = killed by a failing test, or a timeout (the mutant made a test hang: the tests
noticed). A mutant that no selected test reaches counts as not caught.

MODULES is the one place to add a module (the limiter, the cache, ...): its source file
under src/tmdb_async and the globs of the tests that exercise it (tests/client for the
client's modules, tests/cli for fetch, tests/limits for the shared limiter); a module whose
globs match nothing is an error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "tests" / "MUTATION.md"
MUTANTS = ROOT / "mutants"

CLIENT = "tests/client"


def _client(*names: str) -> list[str]:
    return [f"{CLIENT}/{name}" for name in names]


# module -> globs (from the repository root) of the tests that exercise it.
MODULES: dict[str, list[str]] = {
    "_retry": _client("test_retry*.py", "test_transport*.py", "test_pause_budget.py", "test_status_codes.py"),
    "_throttle": _client("test_throttle*.py", "test_transport*.py", "test_pause_budget.py"),
    "_exceptions": _client("test_errors*.py", "test_status_codes*.py", "test_transport*.py", "test_aiohttp_pins.py"),
    # test_hostile: real sockets, the deadline of an attempt against a dripping server (no load figures);
    # test_limiter_protocol: what the transport asks of a limiter (the lease it hands back).
    "_transport": [
        *_client("test_*.py"),
        "tests/limits/test_limiter_protocol.py",
        "tests/reliability/test_hostile.py",
    ],
    # test_hostile: the body caps and gzip bombs on real sockets, beside test_body's own chunks.
    "_body": [*_client("test_body.py", "test_transport*.py"), "tests/reliability/test_hostile.py"],
    "_redact": [*_client("test_redact.py", "test_transport*.py", "test_client.py"), "tests/cli/test_careless.py"],
    "pagination": _client("test_pagination*.py"),
    "_images": _client("test_images*.py"),
    # Every CLI test: test_careless runs fetch against overlapping files and concurrent runs (the lock).
    "_fetch": ["tests/cli/test_*.py", "tests/limits/test_distributed.py"],
    # Not tests/reliability: its figures depend on the machine's load, and a mutation run is load.
    "_aiohttp": _client("test_aiohttp*.py", "test_real_server*.py", "test_network.py", "test_hot_path.py"),
    "_network": _client("test_network.py", "test_aiohttp*.py", "test_transport*.py"),
    "_cache": _client("test_cache.py"),
    "_cache_memory": _client("test_cache_memory.py", "test_cache.py"),
    "_call_extras": _client("test_escape_hatches.py"),
    # Starts redis-server (tests/redis_server.py): it must be on PATH. test_distributed.py's
    # processes import the unmutated package: only its in-process tests judge the mutants.
    "_redis": [
        "tests/limits/test_redis*.py",
        "tests/limits/test_limiter_protocol.py",
        "tests/limits/test_distributed.py",
    ],
}

# Tests left out of every selection: they measure a server's view of the pace (no 429 at exactly
# the server's rate), which a mutation run's load breaks on the unmutated code too. The shared
# pace stays pinned by test_two_limiters_on_one_key_pace_their_starts_together.
DESELECT = [
    "tests/limits/test_redis_limiter.py::test_tmdb_with_a_redis_limiter_meets_no_429_from_a_server_at_the_same_rate",
    "tests/limits/test_distributed.py::test_four_processes_share_the_budget_no_429_every_id_once",
]

HEADER = """# Mutation testing of the core

Written by `make mutation` (tests/mutation/run.py says how): each module is mutated alone
by mutmut and judged by its own tests. Caught = killed or timed out. Target: >= 90% for
every module. Survivors are listed below the table with their change (mutmut's diff).

| module | mutants | caught | score | date |
|---|---|---|---|---|
"""

ROW = re.compile(r"^\| (\S+) \| (\d+) \| (\d+) \| (\d+)% \| (\S+) \|$")


def test_paths(module: str) -> list[str]:
    """The test files of `module`, as paths relative to the repository root."""
    paths = sorted({str(path.relative_to(ROOT)) for glob in MODULES[module] for path in ROOT.glob(glob)})
    if not paths:
        raise SystemExit(f"mutation: no test file matches {MODULES[module]} for {module}; fix MODULES in {__file__}")
    return paths


@dataclass
class Result:
    mutants: int
    caught: int
    survivors: list[str]  # each as shown in the report: name, status, diff

    @property
    def score(self) -> int:
        """Percent caught, rounded down (so 89.9% is not reported as meeting a 90% target)."""
        return 100 * self.caught // self.mutants if self.mutants else 100


def run_module(module: str) -> Result:
    """Mutate one module in a fresh mutants/ folder; its counts and its survivors."""
    shutil.rmtree(MUTANTS, ignore_errors=True)
    log = ROOT / f"mutants-{module}.log"
    print(f"mutation: {module} with {len(test_paths(module))} test files (mutmut output in {log.name})", flush=True)
    with log.open("w") as out:
        code = subprocess.call(
            [sys.executable, __file__, "--worker", module], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    meta = MUTANTS / "src" / "tmdb_async" / f"{module}.py.meta"
    if code != 0 or not meta.exists():
        raise SystemExit(f"mutation: mutmut failed on {module} (exit {code}); see {log}")
    from mutmut.stats import status_by_exit_code

    exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    statuses = {name: status_by_exit_code[code] for name, code in exit_codes.items()}
    counts = Counter(statuses.values())
    caught = counts["killed"] + counts["timeout"]
    survivors = sorted(name for name, status in statuses.items() if status not in ("killed", "timeout"))
    return Result(len(statuses), caught, [_shown(name, statuses[name]) for name in survivors])


def _shown(name: str, status: str) -> str:
    """A survivor for the report: its name, status and diff (`mutmut show`)."""
    mutmut = Path(sys.executable).parent / "mutmut"
    shown = subprocess.run([mutmut, "show", name], cwd=ROOT, capture_output=True, text=True, check=False)
    diff = "\n".join(line for line in shown.stdout.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    return f"- `{name}` ({status})\n\n  ```diff\n" + "".join(f"  {line}\n" for line in diff.splitlines()) + "  ```\n"


def worker(module: str) -> None:
    """In the subprocess: mutmut's `run` with this module and its tests selected."""
    from mutmut.configuration import config

    cfg = config()  # [tool.mutmut] of pyproject.toml
    cfg.only_mutate = [f"src/tmdb_async/{module}.py"]
    cfg.pytest_add_cli_args_test_selection = test_paths(module) + [f"--deselect={node}" for node in DESELECT]
    from mutmut.__main__ import cli

    cli(["run", "--max-children", str(os.cpu_count() or 2)])


def write_report(results: dict[str, Result]) -> None:
    """Rewrite tests/MUTATION.md: the rows and survivors of `results`, the other modules' as they were."""
    rows: dict[str, str] = {}
    survivors: dict[str, str] = {}
    if REPORT.exists():
        text = REPORT.read_text(encoding="utf-8")
        for line in text.splitlines():
            match = ROW.match(line)
            if match:
                rows[match[1]] = line
        for block in re.split(r"\n(?=### )", text):
            if block.startswith("### "):
                survivors[block.split()[1]] = block.rstrip() + "\n"
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    for module, result in results.items():
        rows[module] = f"| {module} | {result.mutants} | {result.caught} | {result.score}% | {today} |"
        survivors[module] = f"### {module}\n\n" + "".join(result.survivors) if result.survivors else ""
    order = [module for module in MODULES if module in rows] + sorted(set(rows) - set(MODULES))
    body = HEADER + "".join(rows[module] + "\n" for module in order)
    listed = [survivors[module] for module in order if survivors.get(module)]
    if listed:
        body += "\n## Surviving mutants\n\n" + "\n".join(listed)
    REPORT.write_text(body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: all of {', '.join(MODULES)})")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    unknown = [module for module in args.modules if module not in MODULES]
    if unknown:
        raise SystemExit(f"mutation: unknown module {', '.join(unknown)}; known: {', '.join(MODULES)}")
    results = {}
    for module in args.modules or list(MODULES):
        results[module] = run_module(module)
        result = results[module]
        print(f"mutation: {module}: {result.caught}/{result.mutants} caught ({result.score}%)", flush=True)
        write_report(results)
    print(f"mutation: table written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
