"""Run openapi-python-client with one naming rule of ours (used by openapi/generate.py).

TMDB names one appended sub-resource `watch/providers`. The generator drops the `/` and
would call the attribute `watchproviders`; treating `/` as a word delimiter gives
`watch_providers`, as a Python user would spell it. Nothing else in the spec has a `/`
in a name, so no other identifier changes. tests/test_generated_models.py pins the result.
"""

import openapi_python_client.strings as strings

strings.DELIMITERS += "/"

from openapi_python_client.cli import app  # noqa: E402  (the patch must come first)

app(prog_name="openapi-python-client")
