"""Retell tool mocks and the runner's order: mock, then handler, then ASGI app, then the real tool."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any

import pytest

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.tools import ErrorKind, ToolCall, ToolMock, ToolResult, ToolRunner, find_mock, parse_mocks
from tests.sim.tool_fixtures import TOOL_API_KEY, ToolReply, ToolServer


def run(coro: Coroutine[Any, Any, ToolResult]) -> ToolResult:
    return asyncio.run(coro)


def mock(name: str, output: str = '{"ok": true}', **rule: object) -> dict[str, object]:
    match_rule: dict[str, object] = {"type": "partial_match", "args": rule} if rule else {"type": "any"}
    return {"tool_name": name, "input_match_rule": match_rule, "output": output}


def call(name: str, type: str = "custom", **args: object) -> ToolCall:
    return ToolCall.from_arguments(name=name, type=type, arguments=dict(args))


@pytest.mark.parametrize(
    ("listed", "actual", "matches"),
    [
        ({"day": "Mon"}, {"day": "Mon", "time": "9"}, True),  # extra fields ignored
        ({"day": "Mon", "time": "9"}, {"day": "Mon"}, False),  # a listed field is missing
        ({"day": "Mon"}, {"day": "mon"}, False),  # case matters
        ({"n": 1}, {"n": 1.0}, True),  # JSON numbers
        ({"n": 1}, {"n": True}, False),  # booleans are not numbers
        ({"n": True}, {"n": 1}, False),
        ({"who": {"id": 1}}, {"who": {"id": 1}}, True),
        ({"who": {"id": 1}}, {"who": {"id": 1, "name": "x"}}, False),  # nested objects compare whole
        ({"tags": ["a", "b"]}, {"tags": ["a", "b"]}, True),
        ({"tags": ["a"]}, {"tags": ["a", "b"]}, False),
        ({"v": None}, {"v": None}, True),
        ({"v": None}, {}, False),
        ({}, {"anything": 1}, True),  # an empty partial match matches every call
    ],
)
def test_partial_match_is_a_top_level_subset_with_json_equality(
    listed: Mapping[str, object], actual: Mapping[str, object], matches: bool
) -> None:
    wire = {"tool_name": "t", "input_match_rule": {"type": "partial_match", "args": listed}, "output": "{}"}
    assert ToolMock.from_wire(wire).matches("t", actual) is matches


def test_any_matches_every_call_of_that_name_only() -> None:
    mocks = parse_mocks([mock("book")])
    assert find_mock(mocks, "book", "custom", {"x": 1}) is mocks[0]
    assert find_mock(mocks, "other", "custom", {}) is None


def test_the_first_matching_mock_wins() -> None:
    runner = ToolRunner(mocks=[mock("book", '"monday"', day="Mon"), mock("book", '"fallback"')])
    assert run(runner.run({"type": "custom", "name": "book"}, call("book", day="Mon"))).content == '"monday"'
    assert run(runner.run({"type": "custom", "name": "book"}, call("book", day="Tue"))).content == '"fallback"'
    assert runner.unused_mocks() == ()


def test_a_mock_result_sets_response_variables_and_carries_result() -> None:
    wire = {**mock("transfer", '{"to": "+15550001111"}'), "result": False}
    runner = ToolRunner(mocks=[wire])
    tool = {"type": "custom", "name": "transfer", "url": "http://127.0.0.1:9", "response_variables": {"to": "to"}}
    result = run(runner.run(tool, call("transfer")))
    assert (result.source, result.successful, result.mock_result) == ("mock", True, False)
    assert dict(result.variables) == {"to": "+15550001111"}


@pytest.mark.parametrize("tool_type", ["end_call", "press_digit", "extract_dynamic_variable", "agent_swap", "mcp"])
def test_built_in_and_mcp_tools_ignore_mocks(tool_type: str) -> None:
    runner = ToolRunner(mocks=[mock("it")])
    result = run(runner.run({"type": tool_type, "name": "it"}, call("it", tool_type)))
    assert result.source == "none" and result.error is not None
    assert result.error.kind is ErrorKind.UNSUPPORTED_TOOL
    assert runner.unused_mocks() == runner.mocks


def test_mockable_built_ins_use_mocks() -> None:
    runner = ToolRunner(mocks=[mock("send_it")])
    for tool_type in ("send_sms", "transfer_call", "code"):
        assert run(runner.run({"type": tool_type, "name": "send_it"}, call("send_it", tool_type))).source == "mock"


def test_no_matching_mock_falls_through_to_the_real_tool(tool_server: ToolServer) -> None:
    url = tool_server.route("/book", ToolReply(body=b'"real"'))
    runner = ToolRunner(api_key=TOOL_API_KEY, mocks=[mock("book", '"mocked"', day="Mon")])
    result = run(runner.run({"type": "custom", "name": "book", "url": url}, call("book", day="Tue")))
    assert (result.source, result.content) == ("http", '"real"')
    assert len(tool_server.requests) == 1 and tool_server.requests[0].signature_valid
    assert runner.unused_mocks() == runner.mocks


def test_dispatch_order_is_mock_then_handler_then_asgi_then_http(tool_server: ToolServer) -> None:
    url = tool_server.route("/t", ToolReply(body=b'"http"'))

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"asgi"})

    tool = {"type": "custom", "name": "t", "url": url}
    everything = ToolRunner(
        api_key=TOOL_API_KEY, mocks=[mock("t", '"mock"')], handlers={"t": lambda a, c: "handler"}, asgi_apps={"t": app}
    )
    assert run(everything.run(tool, call("t"))).source == "mock"
    no_mock = ToolRunner(api_key=TOOL_API_KEY, handlers={"t": lambda a, c: "handler"}, asgi_apps={"t": app})
    assert run(no_mock.run(tool, call("t"))).content == "handler"
    only_app = ToolRunner(api_key=TOOL_API_KEY, asgi_apps={"t": app})
    result = run(only_app.run(tool, call("t")))
    assert (result.source, result.content) == ("asgi", "asgi")
    assert tool_server.requests == []
    result = run(ToolRunner(api_key=TOOL_API_KEY).run(tool, call("t")))
    assert (result.source, result.content) == ("http", '"http"')


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        ({"input_match_rule": {"type": "any"}, "output": ""}, "tool_name"),
        ({"tool_name": "t", "input_match_rule": {"type": "any"}, "output": {"a": 1}}, "output must be a string"),
        ({"tool_name": "t", "output": ""}, "input_match_rule.type"),
        ({"tool_name": "t", "input_match_rule": {"type": "partial_match"}, "output": ""}, "needs an args object"),
        ({"tool_name": "t", "input_match_rule": {"type": "any"}, "output": "", "result": "yes"}, "boolean"),
    ],
)
def test_malformed_mocks_are_refused_when_the_runner_is_built(wire: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        ToolRunner(mocks=[wire])
