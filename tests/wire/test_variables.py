"""The {{variable}} pattern and Retell's substitution rules (retell-runtime.md §5), table-driven."""

from __future__ import annotations

import pytest

from retell_dsl.builders.prompt import runtime_variables
from retell_dsl.wire.variables import (
    has_reference,
    is_reference,
    is_variable_name,
    reference,
    substitute,
    variable_names,
)

V = dict[str, str | None]

SUBSTITUTIONS: list[tuple[str, V, V, str]] = [
    # (text, variables, defaults, expected)
    ("Hi {{name}}", {"name": "Ana"}, {}, "Hi Ana"),
    ("Hi {{ name }}!", {"name": "Ana"}, {}, "Hi Ana!"),  # surrounding spaces trimmed
    ("Hi {{  name\t}}", {"name": "Ana"}, {}, "Hi Ana"),
    ("Hi {{name}}", {}, {}, "Hi {{name}}"),  # missing: raw with braces
    ("Hi {{ name }}", {}, {}, "Hi {{ name }}"),  # raw exactly as written
    ("Hi {{name}}", {"name": None}, {}, "Hi {{name}}"),  # null: raw
    ("Hi {{name}}.", {"name": ""}, {}, "Hi ."),  # "" replaces with nothing
    ("Hi {{name}}.", {"name": ""}, {"name": "you"}, "Hi ."),  # "" skips the default
    ("Hi {{name}}", {}, {"name": "you"}, "Hi you"),  # defaults fill gaps
    ("Hi {{name}}", {"name": None}, {"name": "you"}, "Hi you"),
    ("Hi {{name}}", {"name": "Ana"}, {"name": "you"}, "Hi Ana"),  # a value wins over the default
    ("{{name}}", {}, {"name": None}, "{{name}}"),  # a null default is no default
    ("{{a}}{{b}}{{a}}", {"a": "1", "b": "2"}, {}, "121"),
    ("{{current_time_{{tz}}}}", {"tz": "UTC", "current_time_UTC": "noon"}, {}, "noon"),  # inside out
    ("{{current_time_{{tz}}}}", {"tz": "UTC"}, {}, "{{current_time_UTC}}"),  # outer missing: raw, inner done
    ("{{current_time_{{tz}}}}", {}, {}, "{{current_time_{{tz}}}}"),
    ("{{a_{{b_{{c}}}}}}", {"c": "1", "b_1": "2", "a_2": "3"}, {}, "3"),  # three levels
    ("{{x}}", {"x": "{{y}}", "y": "no"}, {}, "{{y}}"),  # values are not substituted again
    ("{{x", {"x": "1"}, {}, "{{x"),  # unclosed
    ("x}}", {"x": "1"}, {}, "x}}"),  # unopened
    ("{{x}} {{", {"x": "1"}, {}, "1 {{"),
    ("{{}}", {"": "empty"}, {}, "empty"),  # an empty name is looked up like any other
    ("{{{x}}}", {"x": "1"}, {}, "{{{x}}}"),  # the name would be "{x": missing
    ("no variables", {"x": "1"}, {}, "no variables"),
    ("", {}, {}, ""),
    ("{{ user.first-name }}", {"user.first-name": "Bo"}, {}, "Bo"),
    ("{{current_time_America/New_York}}", {"current_time_America/New_York": "9am"}, {}, "9am"),
]


@pytest.mark.parametrize(("text", "variables", "defaults", "expected"), SUBSTITUTIONS)
def test_substitute(text: str, variables: V, defaults: V, expected: str) -> None:
    assert substitute(text, variables, defaults=defaults) == expected


def test_substitute_without_defaults() -> None:
    assert substitute("{{a}}/{{b}}", {"a": "1"}) == "1/{{b}}"


NAMES: list[tuple[str, tuple[str, ...]]] = [
    ("Hi {{name}}, it is {{ current_time }}; bye {{name}}", ("name", "current_time")),
    ("{{a.b}} {{c-d}} {{_e}}", ("a.b", "c-d", "_e")),
    ("{{2fa}} {{a b}} {{}} {name}", ()),
    ("{{current_time_{{tz}}}}", ("tz",)),
    ("", ()),
]


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_variable_names(text: str, expected: tuple[str, ...]) -> None:
    assert variable_names(text) == expected


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_the_builders_find_the_same_variables(text: str, expected: tuple[str, ...]) -> None:
    # builders.prompt keeps its own copy of the pattern until it imports this one
    assert runtime_variables(text) == variable_names(text) == expected


@pytest.mark.parametrize(
    ("text", "has", "whole"),
    [
        ("{{city}}", True, True),
        (" {{ city }} ", True, False),
        ("{{ city }}", True, True),
        ("in {{city}}", True, False),
        ("{{a}}{{b}}", True, False),
        ("{{a b}}", False, False),
        ("city", False, False),
        ("{city}", False, False),
    ],
)
def test_reference_checks(text: str, has: bool, whole: bool) -> None:
    assert (has_reference(text), is_reference(text)) == (has, whole)


@pytest.mark.parametrize(
    ("name", "valid"),
    [("x", True), ("_x", True), ("a.b-c_1", True), ("1x", False), ("", False), ("a b", False), ("a/b", False)],
)
def test_variable_name(name: str, valid: bool) -> None:
    assert is_variable_name(name) is valid
    assert is_reference(reference(name)) is valid
