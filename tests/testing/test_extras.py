"""Optional parts without their extra: one line naming the extra to install, never a bare ImportError.

A missing package is simulated in a subprocess by `sys.modules[name] = None` (which makes
`import name` raise ImportError), so this process keeps its own imports.
"""

from __future__ import annotations

import subprocess
import sys

SUBPROCESS_BOUND = 60.0


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=SUBPROCESS_BOUND, check=False
    )


def test_fake_tmdb_without_h11_names_the_testing_extra() -> None:
    done = python("import sys; sys.modules['h11'] = None\nfrom tmdb_async.testing import FakeTMDB")

    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "tmdb_async._extras.MissingExtraError: FakeTMDB needs h11, which is not installed: "
        "pip install 'tmdb-async[testing]'"
    )
    assert "During handling" not in done.stderr  # no chained ImportError


def test_the_command_with_fake_and_without_h11_is_one_line_and_exit_2() -> None:
    code = """
import sys
sys.modules['h11'] = None
from tmdb_async.cli import main
sys.exit(main(['--fake', 'get', 'movies.details', '11']))
"""

    done = python(code)

    assert (done.returncode, done.stderr) == (
        2,
        "tmdb-async: error: FakeTMDB needs h11, which is not installed: pip install 'tmdb-async[testing]'\n",
    )


def test_fetch_without_rich_runs_without_a_progress_bar_and_says_why() -> None:
    code = """
import sys
sys.modules['rich'] = sys.modules['rich.console'] = sys.modules['rich.progress'] = None
from tmdb_async._fetch import _Display
with _Display(True, 3) as display:
    print("fetched", display._progress)
"""
    done = python(code)

    assert (done.returncode, done.stdout) == (0, "fetched None\n")
    assert done.stderr == (
        "tmdb-async: the progress bar needs rich, which is not installed: pip install 'tmdb-async[cli]'; "
        "fetching without it\n"
    )


def test_import_tmdb_async_loads_neither_the_fake_nor_the_command() -> None:
    # Not `rich` itself: httpx imports it (through its own CLI) whenever click is installed too.
    loaded = "print(sorted(m for m in sys.modules if m.startswith(('tmdb_async.t', 'tmdb_async._f', 'tmdb_async.c'))))"
    done = python(f"import sys, tmdb_async\n{loaded}")

    assert done.stdout == "[]\n", done.stderr
