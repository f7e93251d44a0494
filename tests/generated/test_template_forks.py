"""Every upstream openapi-python-client file our generator overrides, pinned by hash, so an upgrade re-checks each fork.

openapi/templates overrides some of the generator's templates (most include or import upstream's and change a few
lines, see openapi/run_generator.py), openapi/naming.py changes two rules of its strings.py and
openapi/run_generator.py wraps its Project.__init__. An upgrade that
changes one of those upstream files must be read against our override before the hash here moves.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest

from support import ROOT, load_script

# The generator is a dev dependency (Python 3.11+); the fast matrix on 3.10 installs only the test extra.
pytest.importorskip("openapi_python_client")  # a 3.11+ dev tool: the 3.10 matrix leg has only the test extra
jinja2 = pytest.importorskip("jinja2")  # the generator brings it
DictLoader, Environment = jinja2.DictLoader, jinja2.Environment

TEMPLATES = ROOT / "openapi" / "templates"
UPSTREAM = files("openapi_python_client")

# Our file (relative to the repository) -> the upstream files (relative to the openapi_python_client package) it is
# written against -> their sha256 in openapi-python-client 0.29.1.
FORKS: dict[str, dict[str, str]] = {
    "openapi/templates/client.py.jinja": {
        "templates/client.py.jinja": "4eac65762f21014a7fbf59e730f1be6d28c9c85ddc1c40b458b6ff5f67a64c9e",
    },
    "openapi/templates/endpoint_module.py.jinja": {
        "templates/endpoint_module.py.jinja": "c1b2628053eb4875ba59566baa5ae907666f9cbfafa308d93f970a4404b7cd52",
        "templates/endpoint_macros.py.jinja": "58edb8b4913db6ed4863c633fb39365364494398c8156c77151c6676f1b28fee",
        "templates/helpers.jinja": "4e6ada7b7a8806e739faa7b1f330c1db2b924180a3003df0a4e048edcb549f02",
    },
    "openapi/templates/errors.py.jinja": {
        "templates/errors.py.jinja": "b6ba7ea79aa7d7f24b47119985d1ed20268d3da0ab70309ee138088a106b6af9",
    },
    "openapi/templates/model.py.jinja": {
        "templates/model.py.jinja": "fd1c79680d51c06cfbb89809ad123750ba9add98b688036c04cabbf1f8ba40a0",
    },
    "openapi/templates/models_init.py.jinja": {
        "templates/models_init.py.jinja": "4f64a3d6e1b15a561be5573c1b7702eb928c0e4fa6b67107d20e57a74c44d51a",
    },
    "openapi/templates/types.py.jinja": {
        "templates/types.py.jinja": "93df9d75883a4eafac77dd21bc6907f3ef612e3f7841e08656618dcf6c4ce494",
    },
    "openapi/templates/property_templates/list_property.py.jinja": {
        "templates/property_templates/list_property.py.jinja": (
            "4390b5f673fdb10d1ae7f47fd2720a88dce53a4c64a6137549559566f9107a2c"
        ),
    },
    "openapi/naming.py": {
        "strings.py": "d4ea3863b6e00f0f98f2ff014a96c7892315fa459cb355d7869fb9a464b517e5",
    },
    "openapi/run_generator.py": {
        "__init__.py": "00546863473964eb7bdde5f5a178cd70f622fdced704623a26f4a12c7fbff31e",
    },
}
# Templates of ours that override nothing upstream (macros the overrides import).
OWN_TEMPLATES = {"checks.jinja"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stale_forks(forks: dict[str, dict[str, str]], upstream_bytes: dict[str, bytes]) -> list[str]:
    """One message per upstream file whose hash is not the one its override was checked against."""
    return [
        f"upstream {name} changed: re-check {ours} against it, then update its hash in {Path(__file__).name}"
        for ours, upstream in forks.items()
        for name, expected in upstream.items()
        if sha256(upstream_bytes[name]) != expected
    ]


def unlisted_overrides(template_names: set[str], forks: dict[str, dict[str, str]], own: set[str]) -> list[str]:
    """One message per file of openapi/templates that neither FORKS nor OWN_TEMPLATES accounts for."""
    listed = {ours.removeprefix("openapi/templates/") for ours in forks}
    return [
        f"openapi/templates/{name} has no row in FORKS of {Path(__file__).name}: add the upstream template it"
        " overrides and that template's sha256 (or list it in OWN_TEMPLATES if it overrides nothing)"
        for name in sorted(template_names - listed - own)
    ]


def upstream_files() -> dict[str, bytes]:
    return {name: UPSTREAM.joinpath(name).read_bytes() for upstream in FORKS.values() for name in upstream}


def our_templates() -> set[str]:
    return {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file()}


def test_every_upstream_file_we_override_is_the_one_the_override_was_checked_against() -> None:
    stale = stale_forks(FORKS, upstream_files())
    assert not stale, "\n".join(stale)


def test_every_template_in_openapi_templates_has_a_row() -> None:
    missing = unlisted_overrides(our_templates(), FORKS, OWN_TEMPLATES)
    assert not missing, "\n".join(missing)


def test_every_row_names_a_file_that_exists() -> None:
    assert [ours for ours in FORKS if not (ROOT / ours).is_file()] == []
    assert sorted(name for name in OWN_TEMPLATES if not (TEMPLATES / name).is_file()) == []


def test_own_templates_override_nothing_upstream() -> None:
    assert sorted(name for name in OWN_TEMPLATES if UPSTREAM.joinpath("templates", name).is_file()) == []


def test_a_changed_upstream_template_is_named_with_the_override_to_recheck() -> None:
    upstream = {"templates/client.py.jinja": b"changed by an upgrade"}
    forks = {"openapi/templates/client.py.jinja": {"templates/client.py.jinja": sha256(b"as it was")}}
    assert stale_forks(forks, upstream) == [
        "upstream templates/client.py.jinja changed: re-check openapi/templates/client.py.jinja against it,"
        " then update its hash in test_template_forks.py"
    ]


def test_an_override_without_a_row_is_named() -> None:
    messages = unlisted_overrides(
        {"client.py.jinja", "str_enum.py.jinja"}, {"openapi/templates/client.py.jinja": {}}, set()
    )
    assert len(messages) == 1
    assert messages[0].startswith("openapi/templates/str_enum.py.jinja has no row in FORKS")


# -- the `patched` filter the overrides use (openapi/run_generator.py) ----------------------------------------------
@functools.cache
def run_generator() -> ModuleType:
    sys.path.insert(0, str(ROOT / "openapi"))  # it imports its sibling naming.py
    try:
        return load_script("openapi/run_generator.py", "tmdb_run_generator")
    finally:
        sys.path.remove(str(ROOT / "openapi"))


def render(template: str, **values: object) -> str:
    """`template`, rendered as openapi/templates/client.py.jinja with the generator's `patched` filter."""
    environment = Environment(loader=DictLoader({"client.py.jinja": template}))
    environment.filters["patched"] = run_generator().patched
    rendered: str = environment.get_template("client.py.jinja").render(**values)
    return rendered


def test_patched_replaces_the_expected_number_of_occurrences() -> None:
    rendered = render("{{ text | patched('-> Self:', '-> \"Client\":', 2) }}", text="-> Self: a -> Self:")
    assert rendered == '-> "Client": a -> "Client":'


@pytest.mark.parametrize(("text", "count"), [("nothing to replace", 1), ("Self Self", 1), ("Self", 2)])
def test_patched_stops_generation_naming_the_override_when_upstream_moved(text: str, count: int) -> None:
    expected = (
        f"openapi/templates/client.py.jinja expects {count} of 'Self' in upstream's output, found {text.count('Self')}:"
        " re-check it against the upgraded openapi-python-client template"
    )
    with pytest.raises(run_generator().UpstreamMoved, match=re.escape(expected)):
        render("{{ text | patched('Self', 'Client', count) }}", text=text, count=count)
