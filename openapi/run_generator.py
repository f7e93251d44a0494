"""Run openapi-python-client with our naming rules (openapi/naming.py); used by generate.py."""

import naming  # noqa: F401  (importing it applies the rules)
from openapi_python_client.cli import app

app(prog_name="openapi-python-client")
