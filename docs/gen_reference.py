"""Write the API reference pages at build time (mkdocs-gen-files): one per namespace, plus the core.

The namespaces are read from `tmdb_async_api.resources.Namespaces` (what `TMDB` exposes), so a new
tag in the spec gets its page from `make generate` alone; nothing here is typed per namespace.
"""

from __future__ import annotations

import functools

import mkdocs_gen_files

from tmdb_async_api.resources import Namespaces

CORE = {
    "client.md": ("The client: TMDB", ["tmdb_async.TMDB"]),
    "errors.md": ("Exceptions", ["tmdb_async._exceptions"]),
    "pagination.md": ("Pagination", ["tmdb_async.pagination"]),
    "testing.md": (
        "FakeTMDB and the pytest plugin",
        ["tmdb_async.testing.FakeTMDB", "tmdb_async.testing.pytest_plugin"],
    ),
}


def namespaces() -> list[tuple[str, str]]:
    """(attribute, dotted path of its class) for every namespace of TMDB, in alphabetical order."""
    found = []
    for name, attribute in sorted(vars(Namespaces).items()):
        if isinstance(attribute, functools.cached_property):
            returned = attribute.func.__annotations__["return"]
            found.append((name, f"{Namespaces.__module__}.{name}.{returned}"))
    return found


summary = ["* Core", *(f"    * [{title}]({page})" for page, (title, _) in CORE.items()), "* Namespaces"]
for page, (title, objects) in CORE.items():
    with mkdocs_gen_files.open(f"reference/{page}", "w") as out:
        out.write(f"# {title}\n\n" + "\n\n".join(f"::: {target}" for target in objects) + "\n")
for name, target in namespaces():
    with mkdocs_gen_files.open(f"reference/{name}.md", "w") as out:
        out.write(f"# `tmdb.{name}`\n\n::: {target}\n    options:\n      show_root_heading: false\n")
    summary.append(f"    * [tmdb.{name}]({name}.md)")
with mkdocs_gen_files.open("reference/SUMMARY.md", "w") as out:
    out.write("\n".join(summary) + "\n")
