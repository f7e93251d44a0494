"""The client's defaults, in one place: cli.py, _client.py, _retry.py, _transport.py and _aiohttp.py read them here.

Each value says where it comes from; change a default here and the client, its retry
policy and the CLI's `--help` follow.
"""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.themoviedb.org"
DEFAULT_TIMEOUT = 10.0  # seconds, for the connect and for each read
DEFAULT_MAX_RETRIES = 3
DEFAULT_REQUESTS_PER_SECOND = 40.0  # TMDB's page: "around 40 requests per second"
DEFAULT_MAX_CONCURRENCY = 20  # TMDB's per-IP connection limit
DEFAULT_MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not slept through: the error is raised at once
DEFAULT_BACKOFF_BASE = 0.5  # seconds: retry n waits between half and all of min(cap, base * 2**n)
DEFAULT_BACKOFF_CAP = 8.0
DEFAULT_MAX_BODY_SIZE = 32 * 1024 * 1024  # TMDB's largest real answers are a few MiB
# Without attempt_timeout, one attempt may take the connect timeout plus this many times the
# read timeout in all (40 s with the default timeout of 10 s; none when reads are unbounded).
ATTEMPT_TIMEOUT_READS = 3
KEEPALIVE_SECONDS = 15.0  # how long the aiohttp pool keeps an idle connection
CLOSED_MESSAGE = "this TMDB client is closed; create a new one (or use it inside `async with`)"
