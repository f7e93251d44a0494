"""Run openapi-python-client with our naming rules (openapi/naming.py); used by generate.py.

It also gives the templates one global, `media_types`: model class name -> the Python
literal of its `const` media_type. A model inside a union is a copy whose properties the
generator has not filled in, so checks.jinja looks the discriminator up here to dispatch a
oneOf on media_type.
"""

from typing import Any

import naming  # noqa: F401  (importing it applies the rules)
import openapi_python_client
from openapi_python_client.cli import app

_init = openapi_python_client.Project.__init__


def _init_with_media_types(self: Any, *args: Any, **kwargs: Any) -> None:
    _init(self, *args, **kwargs)
    media_types: dict[str, str] = {}
    for model in self.openapi.models:
        for prop in model.required_properties + model.optional_properties:
            if prop.name == "media_type" and prop.template == "const_property.py.jinja":
                media_types[str(model.class_info.name)] = prop.value.python_code.as_unembedded_code()
    self.env.globals["media_types"] = media_types


openapi_python_client.Project.__init__ = _init_with_media_types  # type: ignore[method-assign]

app(prog_name="openapi-python-client")
