"""The Retell toolkit as an MCP server: 38 tools for AI agents, over stdio or streamable HTTP.

Over HTTP the Host and Origin headers are always checked (DNS-rebinding protection), and a
server reachable beyond this machine (a host that is not loopback) only answers requests that
carry its bearer token (``Authorization: Bearer <token>``); see :func:`http_app`.

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

import hmac
import ipaddress
import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.transport_security import TransportSecuritySettings

from retell_dsl import __version__
from retell_dsl.errors import ConfigurationError
from retell_dsl.toolkit import OPERATIONS, Operation, error_message, invoke

if TYPE_CHECKING:
    from retell import Retell
    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "INSTRUCTIONS",
    "TOKEN_ENV",
    "build_server",
    "call_tool",
    "http_app",
    "http_token",
    "is_loopback",
    "serve",
    "tool_definitions",
]

#: The environment variable holding the bearer token of an HTTP server (else one is generated).
TOKEN_ENV = "RETELL_DSL_MCP_TOKEN"
MIN_TOKEN_LENGTH = 16
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

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


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (127.0.0.0/8, ::1, localhost).

    >>> is_loopback("127.0.0.2"), is_loopback("::1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def http_token(
    host: str, *, require: bool = False, environ: Mapping[str, str] | None = None
) -> tuple[str | None, bool]:
    """The bearer token an HTTP server on ``host`` requires, and whether it was generated here.

    ``$RETELL_DSL_MCP_TOKEN``, when set (at least 16 characters), is always required. Without it a
    non-loopback host (or ``require``) gets a new random token; a loopback host needs none.

    >>> http_token("127.0.0.1")
    (None, False)
    >>> http_token("10.0.0.5", environ={TOKEN_ENV: "s3cret-s3cret-s3cret"})
    ('s3cret-s3cret-s3cret', False)
    """
    environ = os.environ if environ is None else environ
    given = environ.get(TOKEN_ENV, "").strip()
    if given and len(given) < MIN_TOKEN_LENGTH:
        raise ConfigurationError(f"${TOKEN_ENV} is too short: use at least {MIN_TOKEN_LENGTH} random characters")
    if given:
        return given, False
    if not require and is_loopback(host):
        return None, False
    return secrets.token_urlsafe(32), True


def _allowed_hosts(host: str, extra: Sequence[str]) -> list[str]:
    """Host header values to accept: loopback names, the bound host (unless a wildcard), ``extra``."""
    names = list(_LOOPBACK_NAMES)
    bound = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if bound not in ("0.0.0.0", "[::]") and bound not in names:
        names.append(bound)
    names += [name for name in extra if name not in names]
    return [value for name in names for value in (name, f"{name}:*")]


class _RequireBearer:
    """ASGI middleware: HTTP requests without ``Authorization: Bearer <token>`` get 401."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization", b"")
        scheme, _, given = header.partition(b" ")
        if scope["type"] == "http" and scheme.lower() == b"bearer" and hmac.compare_digest(given, self.expected):
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})  # policy violation
            return
        from starlette.responses import PlainTextResponse

        response = PlainTextResponse(
            "401 Unauthorized: send Authorization: Bearer <token>",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="retell-dsl mcp"'},
        )
        await response(scope, receive, send)


def http_app(
    server: Server[Any], *, host: str = "127.0.0.1", token: str | None = None, allowed_hosts: Sequence[str] = ()
) -> ASGIApp:
    """The streamable-HTTP ASGI app of ``server`` (endpoint ``/mcp``) for a server bound to ``host``.

    Host/Origin checks are on for every host: requests must name a loopback address, ``host``
    itself or one of ``allowed_hosts`` (421 otherwise; a cross-site Origin gets 403). With a
    ``token``, requests without it get 401.
    """
    names = _allowed_hosts(host, allowed_hosts)
    origins = [f"{scheme}://{name}" for name in names for scheme in ("http", "https")]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=names, allowed_origins=origins
    )
    app: ASGIApp = server.streamable_http_app(host=host, transport_security=security)
    return _RequireBearer(app, token) if token else app


def serve(
    server: Server[Any],
    transport: Literal["stdio", "streamable-http"] = "stdio",
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve until the client disconnects (stdio) or the process is stopped (HTTP); see :func:`http_app`."""
    if transport == "stdio":
        from mcp.server.stdio import stdio_server

        async def run_stdio() -> None:
            async with stdio_server() as (read_stream, write_stream):
                await server.run(read_stream, write_stream, server.create_initialization_options())

        anyio.run(run_stdio)
        return
    import uvicorn

    app = http_app(server, host=host, token=token, allowed_hosts=allowed_hosts)
    shown = f"[{host}]" if ":" in host else host
    print(f"MCP endpoint: http://{shown}:{port}/mcp", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
