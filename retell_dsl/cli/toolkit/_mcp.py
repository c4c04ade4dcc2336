"""``retell-dsl mcp``: serve the 38 toolkit operations as MCP tools."""

from __future__ import annotations

from typing import Annotated

import typer

from retell_dsl.cli.toolkit._common import TargetOpt, abort

__all__ = ["mcp"]


def mcp(
    transport: Annotated[
        str, typer.Option("--transport", help="stdio (for desktop clients) or streamable-http.")
    ] = "stdio",
    host: Annotated[str, typer.Option("--host", help="Address for streamable-http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port for streamable-http.")] = 8765,
    target: TargetOpt = "auto",
) -> None:
    """Serve the Retell toolkit (38 tools) to AI agents over MCP.

    Example (Claude Desktop, Cursor, ...): {"command": "retell-dsl", "args": ["mcp"]}

    Over HTTP: retell-dsl mcp --transport streamable-http --port 8765  (endpoint /mcp)
    """
    if transport not in ("stdio", "streamable-http"):
        abort(f"--transport: expected stdio or streamable-http, got {transport!r}")
    from retell_dsl.cli.toolkit._common import make_client
    from retell_dsl.errors import RetellDSLError
    from retell_dsl.mcp_server import build_server, serve

    try:
        client = make_client(target)  # resolve now, so a bad target fails before serving
    except RetellDSLError as exc:
        abort(str(exc))
    serve(build_server(lambda: client), "stdio" if transport == "stdio" else "streamable-http", host=host, port=port)
