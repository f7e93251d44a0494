"""`python -m tmdb_async`: the same as the `tmdb-async` command."""

import sys

from .cli import main

sys.exit(main())
