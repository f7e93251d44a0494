"""Hand-made mutants of RedisLimiter's Lua scripts: `python tests/mutation/redis_scripts.py [N ...]`.

mutmut mutates function bodies only: the three Lua scripts of src/tmdb_async/_redis.py are module-level
strings it leaves alone, yet they hold the shared limiter's rules. Each mutant below changes one rule
(a comparison, a term of the pacing arithmetic, a TTL, a key); the script runs the RedisLimiter tests
against it (patched in by a small pytest plugin before any limiter is made) and reports whether a test
failed (killed), hung past TIMEOUT (timeout: also caught) or passed (survived). Every one must be caught.
About a minute; needs redis-server on PATH. Not part of `make mutation` (its table is mutmut's).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds: a mutant that makes the tests hang is caught
TESTS = [
    "tests/limits/test_redis_state.py",
    "tests/limits/test_redis_limiter.py",
    "tests/limits/test_redis_outage.py",
    # measures a server's view of the pace: load makes it fail on the unmutated scripts too
    "--deselect=tests/limits/test_redis_limiter.py::test_tmdb_with_a_redis_limiter_meets_no_429_from_a_server_at_the_same_rate",
]
MUTANTS: list[tuple[str, str, str]] = [  # script, text, replaced by
    ("_ACQUIRE", "/ 1000000", "/ 1000"),
    ("_ACQUIRE", "if paused > now then", "if paused < now then"),
    ("_ACQUIRE", "string.format('%.6f', paused - now)", "string.format('%.6f', now - paused)"),
    ("_ACQUIRE", "redis.call('GET', KEYS[4]) or '0'}", "'0'}"),
    ("_ACQUIRE", "redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.6f', now))", ""),
    ("_ACQUIRE", ">= tonumber(ARGV[2])", "> tonumber(ARGV[2])"),
    ("_ACQUIRE", "math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)", "math.min(0, now)"),
    ("_ACQUIRE", "if start - now > interval then", "if start - now >= 2 * interval then"),
    ("_ACQUIRE", "string.format('%.6f', start - now - interval)", "string.format('%.6f', start - now)"),
    ("_ACQUIRE", "string.format('%.6f', start + interval), 'PX', keep)", "string.format('%.6f', start + interval))"),
    ("_ACQUIRE", "string.format('%.6f', start + interval)", "string.format('%.6f', now + interval)"),
    ("_ACQUIRE", "string.format('%.6f', start + tonumber(ARGV[3]))", "string.format('%.6f', now + tonumber(ARGV[3]))"),
    ("_ACQUIRE", "redis.call('PEXPIRE', KEYS[2], keep)", ""),
    ("_ACQUIRE", "return {0, string.format('%.6f', start - now)", "return {0, '0'"),
    ("_ACQUIRE", "string.format('%.6f', start)}", "string.format('%.6f', now)}"),
    ("_PAUSE", "if paused <= now then", "if paused > now then"),
    ("_PAUSE", "math.max(paused, now + tonumber(ARGV[1]))", "now + tonumber(ARGV[1])"),
    ("_PAUSE", "* 1000) + 1000)", "* 1000))"),
    ("_PAUSE", "redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))", ""),
    ("_PAUSE", "return {id, string.format('%.6f', untl - now)}", "return {id, ARGV[1]}"),
    ("_GIVE_BACK", "< 0.000002", "> 0.000002"),
    ("_GIVE_BACK", "redis.call('SET', KEYS[1], string.format('%.6f', start), 'KEEPTTL')", ""),
    ("_GIVE_BACK", ", 'KEEPTTL')", ")"),
    ("_GIVE_BACK", "redis.call('ZREM', KEYS[2], ARGV[3])", ""),
]
PLUGIN = textwrap.dedent("""
    import json, os

    def pytest_sessionstart(session):
        # Imported here, not at the top: pytest must import the package's own plugin first.
        import tmdb_async._redis as redis_module

        name, text, replaced_by = json.loads(os.environ["REDIS_SCRIPT_MUTANT"])
        script = getattr(redis_module, name)
        assert script.count(text) == 1, f"{name} no longer holds {text!r}: update tests/mutation/redis_scripts.py"
        setattr(redis_module, name, script.replace(text, replaced_by))
""")


def run(number: int, plugin_dir: str) -> str:
    env = {**os.environ, "REDIS_SCRIPT_MUTANT": json.dumps(MUTANTS[number]), "PYTHONPATH": plugin_dir}
    command = [sys.executable, "-m", "pytest", *TESTS, "-x", "-q", "-p", "no:cacheprovider", "-p", "redis_mutant"]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode == 0:
        return "survived"
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED ")]
    if done.returncode == 1 and failed:
        return "killed by " + failed[0].removeprefix("FAILED ").split(" - ")[0]
    output = done.stdout + done.stderr
    raise SystemExit(f"redis_scripts: mutant {number} did not run (exit {done.returncode}):\n{output}")


def main() -> None:
    numbers = [int(arg) for arg in sys.argv[1:]] or list(range(len(MUTANTS)))
    survived = []
    with tempfile.TemporaryDirectory() as plugin_dir:
        Path(plugin_dir, "redis_mutant.py").write_text(PLUGIN)
        for number in numbers:
            name, text, replaced_by = MUTANTS[number]
            verdict = run(number, plugin_dir)
            print(f"{number:2} {name} {text!r} -> {replaced_by!r}: {verdict}", flush=True)
            if verdict == "survived":
                survived.append(number)
    print(f"redis_scripts: {len(numbers) - len(survived)}/{len(numbers)} caught; survived: {survived}")
    sys.exit(1 if survived else 0)


if __name__ == "__main__":
    main()
