"""``response_variables`` paths and the tool-call model."""

from __future__ import annotations

import pytest

from retell_dsl.sim.tools import ToolCall, extract_variables, lookup

DOC = {"user": {"name": "Ann", "age": 30, "vip": False, "nick": None}, "items": [{"id": "a"}, {"id": "b"}], "n": 1.5}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("user.name", "Ann"),
        ("$.user.name", "Ann"),
        ("$user.age", 30),
        ("items[1].id", "b"),
        ("items.0.id", "a"),
        ("items[2].id", None),
        ("user.missing", None),
        ("user.name.first", None),
        ("", None),
        ("$", None),
        ("items[x]", None),
    ],
)
def test_lookup(path: str, value: object) -> None:
    assert lookup(DOC, path) == value


def test_extract_variables_stringifies_and_skips_what_does_not_resolve() -> None:
    text = '{"user": {"name": "Ann", "age": 30, "vip": false, "nick": null}, "items": [{"id": "a"}], "n": 1.5}'
    mapping = {"a": "user.age", "v": "user.vip", "nick": "user.nick", "i": "items", "n": "n", "gone": "x.y"}
    assert extract_variables(text, mapping) == {"a": "30", "v": "false", "i": '[{"id":"a"}]', "n": "1.5"}
    assert extract_variables("[1, 2]", {"first": "0"}) == {"first": "1"}
    assert extract_variables('"just a string"', {"x": "x"}) == {}
    assert extract_variables("", {"x": "x"}) == {}
    assert extract_variables('{"x": 1}', None) == {}


@pytest.mark.parametrize(
    ("arguments", "args", "error"),
    [
        ('{"a": 1}', {"a": 1}, None),
        ("", {}, None),
        ("{oops", {}, "not valid JSON"),
        ("null", {}, "got null"),
        ('"s"', {}, "got a string"),
    ],
)
def test_tool_call_parses_its_arguments(arguments: str, args: dict[str, object], error: str | None) -> None:
    call = ToolCall.from_arguments(name="t", type="custom", arguments=arguments, tool_call_id="x", tool_id="tid")
    assert (call.args, call.arguments, call.tool_call_id, call.tool_id) == (args, arguments, "x", "tid")
    assert (call.arguments_error is None) if error is None else (error in (call.arguments_error or ""))
