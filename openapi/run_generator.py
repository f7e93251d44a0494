"""Run openapi-python-client with our naming rules (openapi/naming.py); used by generate.py.

It gives the templates in openapi/templates three things 0.29.1 has no option for:

- `upstream/<name>`: the generator's own template <name>. Its loader looks in our folder
  first and in its package second, so an override named like the template it changes
  cannot `{% include %}` or `{% import %}` the original; under this prefix it can. Upstream's
  templates define no blocks, so `{% extends %}` has nothing to override: an override
  includes upstream's output and patches it (client.py.jinja, errors.py.jinja), or imports
  upstream's macros and writes only what differs (endpoint_module.py.jinja).
- the `patched(old, new, count=1)` filter: `text.replace(old, new)` that stops generation
  unless `old` occurs exactly `count` times, so an upgrade that moves upstream's text fails
  loudly instead of silently leaving the change out (tests/generated/test_template_forks.py
  also pins the hash of every upstream template we override).
- `media_types`: model class name -> the Python literal of its `const` media_type. A model
  inside a union is a copy whose properties the generator has not filled in, so
  checks.jinja looks the discriminator up here to dispatch a oneOf on media_type.
"""

import sys
from typing import Any

import naming  # noqa: F401  (importing it applies the rules)
import openapi_python_client
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, pass_context
from jinja2.runtime import Context
from openapi_python_client.cli import app

UPSTREAM_PREFIX = "upstream"


class UpstreamMoved(Exception):
    """An override's `patched` no longer matches the upstream template's output."""


@pass_context
def patched(context: Context, text: str, old: str, new: str, count: int = 1) -> str:
    """`text` with `old` replaced by `new`; `old` must occur exactly `count` times."""
    found = text.count(old)
    if found != count:
        raise UpstreamMoved(
            f"openapi/templates/{context.name} expects {count} of {old!r} in upstream's output, found {found}:"
            " re-check it against the upgraded openapi-python-client template"
        )
    return text.replace(old, new)


_init = openapi_python_client.Project.__init__


def _init_with_extras(self: Any, *args: Any, **kwargs: Any) -> None:
    _init(self, *args, **kwargs)
    upstream = PrefixLoader({UPSTREAM_PREFIX: PackageLoader("openapi_python_client")})
    self.env.loader = ChoiceLoader([upstream, self.env.loader])
    self.env.filters["patched"] = patched
    media_types: dict[str, str] = {}
    for model in self.openapi.models:
        for prop in model.required_properties + model.optional_properties:
            if prop.name == "media_type" and prop.template == "const_property.py.jinja":
                media_types[str(model.class_info.name)] = prop.value.python_code.as_unembedded_code()
    self.env.globals["media_types"] = media_types


openapi_python_client.Project.__init__ = _init_with_extras  # type: ignore[method-assign]

if __name__ == "__main__":
    try:
        app(prog_name="openapi-python-client")
    except UpstreamMoved as exc:
        sys.exit(str(exc))
