"""Running `tmdb-async` in the tests: in-process, in a worker thread, and reading its one-line errors.

`main` returns the exit status (it turns argparse's SystemExit into one), so `run` is `main`; the
CLI test files share these instead of each defining its own copy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from tmdb_async.cli import main

BOUND = 20.0  # seconds a command run in a thread may take before the test fails instead of hanging


def run(argv: Sequence[str]) -> int:
    """`tmdb-async ARGV` in-process: its exit status."""
    return main(list(argv))


async def run_in_thread(argv: Sequence[str]) -> int:
    """run(argv) off the test's event loop, which keeps serving the test's FakeTMDB meanwhile."""
    return await asyncio.wait_for(asyncio.to_thread(run, argv), BOUND)


def one_line(stderr: str) -> str:
    """The single line of stderr of a failing command (asserting that there is exactly one, and no traceback)."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    return lines[0]


def fetch_argv(ids: Path, out: Path, *extra: str) -> list[str]:
    """`--fake fetch movies.details --ids IDS --out OUT --no-progress EXTRA...`."""
    return ["--fake", "fetch", "movies.details", "--ids", str(ids), "--out", str(out), "--no-progress", *extra]
