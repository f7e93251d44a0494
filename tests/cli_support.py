"""Running `tmdb-async` in the tests: in-process, in a worker thread, and reading its one-line errors.

`main` returns the exit status (it turns argparse's SystemExit into one), so `run` is `main`; the
CLI test files share these instead of each defining its own copy.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


def fetch_argv(ids: Path, out: Path | str, *extra: str, method: str = "movies.details") -> list[str]:
    """`--fake fetch METHOD --ids IDS --out OUT --no-progress EXTRA...`."""
    return ["--fake", "fetch", method, "--ids", str(ids), "--out", str(out), "--no-progress", *extra]


def write_ids(path: Path, text: str) -> Path:
    """An ids file holding `text`, as a user would write it."""
    path.write_text(text, encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of an output (or failures) file, which ends with a whole line."""
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def failed_path(out: Path) -> Path:
    """Where fetch files the failures of `--out OUT` by default."""
    return out.with_name(out.name + ".failed.jsonl")
