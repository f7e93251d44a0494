"""Build the wheel, install it into fresh virtual environments outside the repository, use it as a user would.

    python scripts/check_wheel.py            # this Python, and every CPython 3.10-3.13 it finds
    CHECK_WHEEL_PYTHONS="/usr/bin/python3.12" python scripts/check_wheel.py

For each interpreter: `pip install <wheel>` (no extras) must give `import tmdb_async,
tmdb_async_api`, a working `tmdb-async --fake get movies.details 11`, and no rich (an extra);
then `pip install '<wheel>[cli,testing]'` must give the pytest plugin, checked by running a
user's one-line test file with pytest. Everything runs in a temporary folder, never in the
repository, so nothing is imported from the source tree. The classifiers in pyproject.toml
claim the versions this check runs on; it prints which ran and fails if one fails.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
STEP_SECONDS = 600
PYTEST_INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
USER_TEST = """
async def test_details(tmdb, tmdb_fake):
    movie = await tmdb.movies.details(11)
    assert movie.title == "Star Wars"
    assert tmdb_fake.stats.requests == 1
"""


def interpreters() -> list[str]:
    """This Python first, then one per other version (CHECK_WHEEL_PYTHONS, else PATH and pyenv)."""
    given = os.environ.get("CHECK_WHEEL_PYTHONS")
    if given is not None:
        return [os.path.abspath(python) for python in given.split()]
    found = {f"{sys.version_info[0]}.{sys.version_info[1]}": sys.executable}
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for version in VERSIONS:
        candidates = [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
        candidates += sorted(glob.glob(str(pyenv / f"{version}.*" / "bin" / "python")), reverse=True)
        existing = next((c for c in candidates if Path(c).is_file()), None)
        if existing is not None:
            found.setdefault(version, existing)
    return list(found.values())


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=STEP_SECONDS, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"check_wheel: `{' '.join(argv)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def build(work: Path) -> Path:
    out = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)], work)
    (wheel,) = out.glob("tmdb_async-*.whl")
    return wheel


def check(python: str, wheel: Path, work: Path) -> str:
    version = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], work).strip()
    venv = work / f"venv-{version}"
    run([python, "-m", "venv", str(venv)], work)
    bin_dir = venv / "bin"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "TMDB_", "VIRTUAL_ENV"))}
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, str(wheel)], work, env)
    answer = json.loads(run([str(bin_dir / "tmdb-async"), "--fake", "get", "movies.details", "11"], work, env))
    if answer.get("title") != "Star Wars":
        raise SystemExit(f"check_wheel: {version}: `tmdb-async --fake get movies.details 11` gave {answer!r:.200}")
    probe = "import tmdb_async, tmdb_async_api, importlib.util as u; print(tmdb_async.__version__, u.find_spec('rich'))"
    imported = run([str(bin_dir / "python"), "-c", probe], work, env).split()
    if imported[1] != "None":
        raise SystemExit(f"check_wheel: {version}: rich was installed without the [cli] extra")
    run([*pip, f"{wheel}[cli,testing]"], work, env)
    project = work / f"user-project-{version}"
    project.mkdir()
    (project / "pytest.ini").write_text(PYTEST_INI)
    (project / "test_user.py").write_text(USER_TEST)
    run([str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    return f"{version} ({imported[0]})"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="tmdb-async-wheel-") as tmp:
        work = Path(tmp)
        wheel = build(work)
        passed = [check(python, wheel, work) for python in interpreters()]
    print(f"check_wheel: {wheel.name} installed and used on Python {', '.join(passed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
