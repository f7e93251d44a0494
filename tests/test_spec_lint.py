"""openapi/lint.py: the spec rules openapi-spec-validator does not check (schema keys are keywords, descriptions)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from support import SPEC_PATH, load_script

lint = load_script("openapi/lint.py", "spec_lint")

MINIMAL = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /3/thing:
    get:
      operationId: things_get
      summary: A thing
      description: The thing.
      parameters:
        - {name: q, in: query, schema: {type: string, description: 'Words, any.'}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        parts:
          type: array
          items:
            allOf:
              - {type: object, properties: {name: {type: string, description: 'A name, quoted.'}}}
"""


def problems_of(text: str) -> list[str]:
    return list(lint.problems(yaml.safe_load(text)))


def test_the_shipped_spec_has_no_problems() -> None:
    assert list(lint.problems(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))) == []


def test_a_clean_minimal_spec_has_no_problems() -> None:
    assert problems_of(MINIMAL) == []


def test_an_unquoted_comma_in_a_nested_flow_mapping_description_is_caught_with_its_path() -> None:
    broken = MINIMAL.replace("'A name, quoted.'", "A name, unquoted.")
    [problem] = problems_of(broken)
    assert problem.startswith("components.schemas.Thing.properties.parts.items.allOf[0].properties.name: ")
    assert "'unquoted.' is not a JSON Schema keyword" in problem


def test_an_unquoted_comma_in_a_parameter_schema_is_caught() -> None:
    broken = MINIMAL.replace("'Words, any.'", "Words, any.")
    [problem] = problems_of(broken)
    assert problem.startswith("GET /3/thing.parameters[0].schema: 'any.' is not a JSON Schema keyword")


def test_an_operation_without_a_description_is_named() -> None:
    broken = MINIMAL.replace("      description: The thing.\n", "")
    assert problems_of(broken) == ["GET /3/thing: no description (say what comes back, beyond the summary)"]


def test_x_extensions_and_openapi_schema_fields_are_allowed() -> None:
    text = MINIMAL.replace("      type: object\n", "      type: object\n      x-note: fine\n      example: {}\n")
    assert problems_of(text) == []


def test_the_command_exits_1_and_prints_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text(textwrap.dedent(MINIMAL.replace("'A name, quoted.'", "A name, unquoted.")), encoding="utf-8")
    assert lint.main([str(spec)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith("broken.yaml: components.schemas.Thing")
    assert lint.main([str(SPEC_PATH)]) == 0
