"""The MCP server through the official ``mcp`` client, in process, against the emulator."""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent
from retell import Retell

from retell_dsl.emulator import Emulator
from retell_dsl.mcp_server import build_server, call_tool
from retell_dsl.toolkit import OPERATIONS, get_operation
from tests.toolkit.error_cases import ERRORS
from tests.toolkit.scenario import ARGS, Seeded, seed

pytestmark = pytest.mark.anyio
NAMES = [op.name for op in OPERATIONS]

#: jsonschema ships no type hints
jsonschema: Any = importlib.import_module("jsonschema")


def _text(result: CallToolResult) -> str:
    """The one text block of a tool result."""
    (block,) = result.content
    assert isinstance(block, TextContent)
    return block.text


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def retell_client() -> Retell:
    return Emulator().client()


@pytest.fixture
def seeded(retell_client: Retell, tmp_path: Path) -> Seeded:
    return seed(retell_client, tmp_path)


@pytest.fixture(params=["auto", "legacy"])
async def mcp_client(request: pytest.FixtureRequest, retell_client: Retell) -> AsyncIterator[Client]:
    """A connected client: ``legacy`` goes through memory streams and the initialize handshake."""
    async with Client(build_server(lambda: retell_client), mode=request.param) as client:
        yield client


async def test_lists_exactly_the_38_tools(mcp_client: Client) -> None:
    tools = (await mcp_client.list_tools()).tools
    assert [t.name for t in tools] == NAMES
    for tool in tools:
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object"
        assert tool.description and tool.title
        notes = tool.annotations
        assert notes is not None
        assert notes.read_only_hint is tool.name.startswith(("list_", "get_"))
        expected = get_operation(tool.name).annotations()  # the table tests/toolkit/test_catalog.py checks
        assert notes.destructive_hint is expected["destructiveHint"]
        assert notes.idempotent_hint is expected["idempotentHint"]
        assert notes.open_world_hint is expected["openWorldHint"]
        if tool.name.startswith(("update_", "publish_", "delete_")):
            assert notes.destructive_hint is True


async def test_server_describes_itself(mcp_client: Client) -> None:
    assert mcp_client.server_info is None or mcp_client.server_info.name == "retell-dsl"


@pytest.mark.parametrize("name", NAMES)
async def test_each_tool_works(name: str, retell_client: Retell, seeded: Seeded) -> None:
    async with Client(build_server(lambda: retell_client)) as client:
        result = await client.call_tool(name, ARGS[name](seeded))
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    assert json.loads(_text(result)) == result.structured_content


@pytest.mark.parametrize("name", NAMES)
async def test_each_tool_reports_errors(name: str, retell_client: Retell, seeded: Seeded) -> None:
    case = ERRORS[name]
    async with Client(build_server(lambda: retell_client)) as client:
        result = await client.call_tool(name, case.arguments)
        assert result.is_error
        assert _text(result) == case.message
        again = await client.call_tool("list_voices", {})  # the server is still alive
        assert not again.is_error


async def test_list_results_are_wrapped_in_an_object(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("list_voices", {})
    assert isinstance(result.structured_content, dict)
    assert result.structured_content["items"][0]["voice_id"]


async def test_unknown_tool_and_missing_arguments(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("make_coffee", {})
    assert result.is_error and "unknown tool" in _text(result)
    result = await mcp_client.call_tool("get_agent", {})
    assert result.is_error and "agent_id: missing required field" in _text(result)


async def test_agent_workflow(mcp_client: Client) -> None:
    """What an AI agent would do: create an LLM and an agent, publish, bind a number, call."""

    async def call(name: str, **arguments: Any) -> dict[str, Any]:
        result = await mcp_client.call_tool(name, arguments)
        assert not result.is_error, result.content
        assert isinstance(result.structured_content, dict)
        return dict(result.structured_content)

    llm = await call("create_llm", general_prompt="You sell pizza.")
    agent = await call("create_agent", voice_id="11labs-Adrian",
                       response_engine={"type": "retell-llm", "llm_id": llm["llm_id"]})  # fmt: skip
    published = await call("publish_agent", agent_id=agent["agent_id"])
    assert published["draft_version"] == published["published_version"] + 1
    number = await call("create_phone_number", outbound_agents=[{"agent_id": agent["agent_id"], "weight": 1}])
    capacity = await call("get_concurrency")
    assert capacity["concurrency_limit"] > 0
    placed = await call("create_phone_call", from_number=number["phone_number"], to_number="+14155550123")
    found = await call("list_calls", filter_criteria={"agent": [{"agent_id": agent["agent_id"]}]})
    assert [c["call_id"] for c in found["items"]] == [placed["call_id"]]


def test_call_tool_never_raises() -> None:
    class Broken:
        def __getattr__(self, name: str) -> Any:
            raise RuntimeError("boom")

    result = call_tool(Broken(), "list_voices", {})  # type: ignore[arg-type]
    assert result.is_error and "RuntimeError: boom" in _text(result)
