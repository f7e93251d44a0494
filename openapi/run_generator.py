"""Run openapi-python-client with two naming rules of ours (used by openapi/generate.py).

1. TMDB names one appended sub-resource `watch/providers`. The generator drops the `/` and
   would call the attribute `watchproviders`; treating `/` as a word delimiter gives
   `watch_providers`, as a Python user would spell it. No other name in the spec has a `/`.
2. The generator appends `_` to every name in `dir(builtins)`, so `MovieDetails.credits`
   would be `credits_`. The names that the `site` module adds for the interactive prompt
   (`credits`, `copyright`, `license`, `help`, `exit`, `quit`) are never used by generated
   code, so they need no escape; real builtins such as `type` keep theirs (`type_`).

tests/generated/test_hostile_data.py pins both results.
"""

import openapi_python_client.strings as strings

strings.DELIMITERS += "/"
strings.RESERVED_WORDS.difference_update({"credits", "copyright", "license", "help", "exit", "quit"})

from openapi_python_client.cli import app  # noqa: E402  (the patches must come first)

app(prog_name="openapi-python-client")
