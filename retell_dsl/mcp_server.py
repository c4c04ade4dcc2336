"""The Retell toolkit as an MCP server: 38 tools for AI agents, over stdio or streamable HTTP.

Built on the low-level ``mcp.server.Server`` of the official ``mcp`` SDK so the
tools publish exactly the JSON Schemas derived from the ``retell-sdk`` request
types. A tool never crashes the server: bad arguments and API errors come back
as tool errors (``isError``) carrying a one-line message.

>>> from retell_dsl.emulator import Emulator
>>> server = build_server(Emulator().client)
>>> len(tool_definitions())
38
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server import Server, ServerRequestContext

from retell_dsl import __version__
from retell_dsl.toolkit import OPERATIONS, Operation, error_message, invoke

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["INSTRUCTIONS", "build_server", "call_tool", "serve", "tool_definitions"]

INSTRUCTIONS = (
    "Tools to run Retell AI voice agents: read and change agents, Retell LLMs, conversation flows, phone"
    " numbers and knowledge bases; start phone, web and batch calls; read call transcripts and analysis."
    " Tools whose name starts with list_/get_ only read. Create an LLM or flow, then an agent that uses it,"
    " then publish_agent and bind it to a phone number. Ids come from list_* tools."
)


def tool_definitions() -> list[types.Tool]:
    """The MCP tool of every toolkit operation, in catalog order."""
    return [_tool(op) for op in OPERATIONS]


def _tool(op: Operation) -> types.Tool:
    notes = op.annotations()
    return types.Tool(
        name=op.name,
        title=op.title,
        description=op.description,
        input_schema=op.input_schema(),
        annotations=types.ToolAnnotations(
            title=notes["title"],
            read_only_hint=notes["readOnlyHint"],
            destructive_hint=notes["destructiveHint"],
            idempotent_hint=notes["idempotentHint"],
            open_world_hint=notes["openWorldHint"],
        ),
    )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def call_tool(client: Retell, name: str, arguments: dict[str, Any] | None) -> types.CallToolResult:
    """Run one tool synchronously; every failure becomes a tool error with a one-line message."""
    op = next((o for o in OPERATIONS if o.name == name), None)
    if op is None:
        return _error(f"unknown tool {name!r}")
    try:
        result = invoke(op, client, arguments)
    except Exception as exc:  # boundary: a tool call must never take the server down
        return _error(error_message(exc))
    structured = result if isinstance(result, dict) else {"items": result}
    text = json.dumps(structured, ensure_ascii=False, indent=2)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=structured)


def build_server(client_factory: Callable[[], Retell], *, name: str = "retell-dsl") -> Server[Any]:
    """An MCP server whose tools run against the client ``client_factory`` returns (made once, on first use)."""
    tools = tool_definitions()
    clients: list[Retell] = []

    def client() -> Retell:
        if not clients:
            clients.append(client_factory())
        return clients[0]

    async def on_list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def on_call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        arguments = dict(params.arguments or {})
        return await anyio.to_thread.run_sync(lambda: call_tool(client(), params.name, arguments))

    return Server(
        name,
        version=__version__,
        title="Retell toolkit",
        instructions=INSTRUCTIONS,
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


def serve(
    server: Server[Any],
    transport: Literal["stdio", "streamable-http"] = "stdio",
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
) -> None:
    """Serve until the client disconnects (stdio) or the process is stopped (HTTP)."""
    if transport == "stdio":
        from mcp.server.stdio import stdio_server

        async def run_stdio() -> None:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, server.create_initialization_options())

        anyio.run(run_stdio)
        return
    import uvicorn

    print(f"MCP endpoint: http://{host}:{port}/mcp", file=sys.stderr)
    uvicorn.run(server.streamable_http_app(host=host), host=host, port=port, log_level="warning")
