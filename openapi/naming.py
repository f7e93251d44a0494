"""The generator's naming rules, with two of ours; shared by run_generator.py and facade.py.

1. TMDB names one appended sub-resource `watch/providers`. The generator drops the `/` and
   would call the attribute `watchproviders`; treating `/` as a word delimiter gives
   `watch_providers`, as a Python user would spell it. No other name in the spec has a `/`.
2. The generator appends `_` to every name in `dir(builtins)`, so `MovieDetails.credits`
   would be `credits_`. The names that the `site` module adds for the interactive prompt
   (`credits`, `copyright`, `license`, `help`, `exit`, `quit`) are never used by generated
   code, so they need no escape; real builtins such as `type` keep theirs (`type_`).

tests/models/test_hostile_data.py pins both results.

Why a patch of `openapi_python_client.strings` and not an option: 0.29.1 has no hook for
either rule. Its config offers `field_prefix` (only for names that start with a digit or are
empty) and `class_overrides` (model class names only); `PythonIdentifier`, `snake_case` and
the reserved-word check read these two module globals directly, from the parser as from the
templates. tests/generated/test_template_forks.py pins the hash of strings.py, so an upgrade
that changes them makes us re-check this module.
"""

import openapi_python_client.strings as strings

SITE_BUILTINS = {"credits", "copyright", "license", "help", "exit", "quit"}
FIELD_PREFIX = "field_"  # the generator's default (config.yml does not change it)

if "/" not in strings.DELIMITERS:
    strings.DELIMITERS += "/"
strings.RESERVED_WORDS.difference_update(SITE_BUILTINS)


def python_name(name: str) -> str:
    """The Python identifier the generator gives a parameter or property named `name`."""
    return str(strings.PythonIdentifier(name, FIELD_PREFIX))
