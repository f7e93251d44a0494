"""Several real `tmdb-async fetch --shard I/N --redis-url URL` processes sharing one budget (issue 12).

A real redis-server (the `redis_server` fixture; skipped without one) and a FakeTMDB that answers 429 past
20 requests per second, in this test's event loop, on 127.0.0.1. Each scenario is bounded in time; the
assertions are about what happened (429s met, ids fetched, exits, messages), never about speed: the
rates are measured by bench/distributed.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tmdb_async._fetch import shard_of
from tmdb_async.testing import FakeTMDB

from redis_server import RedisServer
from support import timeout

pytestmark = pytest.mark.slow  # four real processes, a redis-server, seconds each

CLI = Path(sys.executable).parent / "tmdb-async"
RATE = 20
# The fake counts fixed one-second windows; a start the OS delays (four clients, the fake and
# Redis on two cores) can land in the next window beside its successor. One request of slack
# absorbs that jitter; a limiter that did not share the budget would overrun it fourfold.
SERVER_RATE = RATE + 1
SHARDS = 4
BOUND = 90.0


@dataclass
class Shard:
    index: int
    process: asyncio.subprocess.Process
    out: Path

    async def finish(self) -> tuple[int, str]:
        async with timeout(BOUND):
            _, stderr = await self.process.communicate()
        assert self.process.returncode is not None
        return self.process.returncode, stderr.decode()

    def ids(self) -> list[int]:
        if not self.out.exists():
            return []
        return [json.loads(line)["id"] for line in self.out.read_text().splitlines()]


def ids_file(tmp_path: Path, count: int) -> tuple[Path, list[int]]:
    ids = list(range(1_000, 1_000 + count))
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"{ident}\n" for ident in ids))
    return path, ids


async def start_shard(index: int, fake: FakeTMDB, redis_url: str, ids: Path, tmp_path: Path) -> Shard:
    out = tmp_path / f"shard{index}.jsonl"
    args = ["--base-url", fake.base_url, "--redis-url", redis_url, "--requests-per-second", str(RATE)]
    args += ["--max-concurrency", "4", "--timeout", "2", "fetch", "movies.details", "--ids", str(ids)]
    args += ["--out", str(out), "--shard", f"{index}/{SHARDS}", "--no-progress"]
    env = {**os.environ, "TMDB_ACCESS_TOKEN": "test"}
    # Niced: FakeTMDB stands for TMDB's own machines; starved of CPU by four clients on a small
    # machine it would read requests late and count a burst that nobody sent.
    process = await asyncio.create_subprocess_exec(
        "nice", "-n", "10", str(CLI), *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env
    )
    return Shard(index, process, out)


async def wait_for_requests(fake: FakeTMDB, count: int) -> None:
    async with timeout(BOUND):
        for _ in range(int(BOUND / 0.02)):  # polled: FakeTMDB has no event for "n requests served"
            if fake.stats.requests >= count:
                return
            await asyncio.sleep(0.02)


def test_shards_split_the_ids_stably_and_completely() -> None:
    ids = range(1, 2_001)

    shards = Counter(shard_of(ident, SHARDS) for ident in ids)

    assert set(shards) == {1, 2, 3, 4}
    assert all(400 <= count <= 600 for count in shards.values())
    assert [shard_of(ident, 4) for ident in (1, 2, 3, 550)] == [shard_of(ident, 4) for ident in (1, 2, 3, 550)]
    assert shard_of(550, 1) == 1


async def test_four_processes_share_the_budget_no_429_every_id_once(redis_server: RedisServer, tmp_path: Path) -> None:
    ids_path, ids = ids_file(tmp_path, 100)
    async with FakeTMDB(credentials=None, requests_per_second=SERVER_RATE) as fake:
        shards = [await start_shard(index, fake, redis_server.url, ids_path, tmp_path) for index in range(1, 5)]
        outcomes = [await shard.finish() for shard in shards]

    assert [code for code, _ in outcomes] == [0] * SHARDS, outcomes
    fetched = [ident for shard in shards for ident in shard.ids()]
    assert Counter(fetched) == Counter(ids)  # every id once, in exactly one shard
    assert all(shard_of(ident, SHARDS) == shard.index for shard in shards for ident in shard.ids())
    assert fake.stats.rate_limited == 0  # unshared, the four would start up to 80 per second
    assert fake.stats.requests == len(ids)


async def test_a_process_killed_mid_run_leaves_the_others_to_finish_and_resumes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    ids_path, ids = ids_file(tmp_path, 100)
    async with FakeTMDB(credentials=None, requests_per_second=SERVER_RATE) as fake:
        shards = [await start_shard(index, fake, redis_server.url, ids_path, tmp_path) for index in range(1, 5)]
        await wait_for_requests(fake, 30)
        shards[0].process.send_signal(signal.SIGKILL)
        outcomes = [await shard.finish() for shard in shards]
        rerun = await start_shard(1, fake, redis_server.url, ids_path, tmp_path)  # resumes its shard
        rerun_code, rerun_stderr = await rerun.finish()

    assert outcomes[0][0] == -signal.SIGKILL
    assert [code for code, _ in outcomes[1:]] == [0] * (SHARDS - 1)
    assert rerun_code == 0, rerun_stderr
    fetched = [ident for shard in shards for ident in shard.ids()]
    assert Counter(fetched) == Counter(ids)


async def test_redis_stopped_mid_run_every_process_falls_back_warns_once_and_completes(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    ids_path, ids = ids_file(tmp_path, 120)
    async with FakeTMDB(credentials=None, requests_per_second=SERVER_RATE) as fake:
        shards = [await start_shard(index, fake, redis_server.url, ids_path, tmp_path) for index in range(1, 5)]
        await wait_for_requests(fake, 20)
        redis_server.stop()
        await wait_for_requests(fake, 50)
        redis_server.start()
        outcomes = [await shard.finish() for shard in shards]

    assert [code for code, _ in outcomes] == [0] * SHARDS, outcomes
    for _, stderr in outcomes:
        assert stderr.count("is unreachable") == 1, stderr
        assert "goes on alone at 4 req/s" in stderr  # a fifth of the 20 req/s budget
        assert "Traceback" not in stderr
    fetched = [ident for shard in shards for ident in shard.ids()]
    assert Counter(fetched) == Counter(ids)


@pytest.mark.parametrize("shard", ["0/4", "5/4", "a/b", "1/0", "2"])
def test_a_bad_shard_is_a_one_line_usage_error(shard: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tmdb_async.cli import main

    ids_path, _ = ids_file(tmp_path, 3)
    argv = ["--fake", "fetch", "movies.details", "--ids", str(ids_path), "--out", str(tmp_path / "o"), "--shard", shard]

    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "--shard I/N" in error
