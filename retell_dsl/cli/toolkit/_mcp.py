"""``retell-dsl mcp``: serve the 38 toolkit operations as MCP tools."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from retell_dsl.cli.toolkit._common import TargetOpt, abort

__all__ = ["mcp", "network_warning"]


def network_warning(host: str, port: int) -> str:
    """The warning printed when the HTTP server is reachable from other machines."""
    return (
        f"WARNING: retell-dsl mcp is listening on {host}:{port}, beyond this machine. Whoever holds the bearer\n"
        "WARNING: token can run all 38 tools against your Retell account: create and start calls, overwrite\n"
        "WARNING: and delete agents, LLMs, flows, numbers and knowledge bases (deletes act immediately).\n"
        "WARNING: Plain HTTP carries the token unencrypted: put a TLS proxy in front or bind 127.0.0.1."
    )


def mcp(  # noqa: PLR0917 (one parameter per CLI option)
    transport: Annotated[
        str, typer.Option("--transport", help="stdio (for desktop clients) or streamable-http.")
    ] = "stdio",
    host: Annotated[str, typer.Option("--host", help="Address for streamable-http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port for streamable-http.")] = 8765,
    require_token: Annotated[
        bool,
        typer.Option(
            "--require-token",
            help="Require the bearer token on a loopback host too (always required on other hosts).",
        ),
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another Host header value clients use to reach the server (repeatable; DNS-rebinding check).",
        ),
    ] = None,
    target: TargetOpt = "auto",
) -> None:
    """Serve the Retell toolkit (38 tools) to AI agents over MCP.

    Example (Claude Desktop, Cursor, ...): {"command": "retell-dsl", "args": ["mcp"]}

    Over HTTP: retell-dsl mcp --transport streamable-http --port 8765  (endpoint /mcp)

    On a host other than loopback (e.g. --host 0.0.0.0) every request needs
    "Authorization: Bearer <token>": the token comes from $RETELL_DSL_MCP_TOKEN, or is
    generated and printed once on stderr. Host and Origin headers are always checked.
    """
    if transport not in ("stdio", "streamable-http"):
        abort(f"--transport: expected stdio or streamable-http, got {transport!r}")
    from retell_dsl.cli.toolkit._common import make_client
    from retell_dsl.errors import RetellDSLError
    from retell_dsl.mcp_server import TOKEN_ENV, build_server, http_token, is_loopback, serve

    token: str | None = None
    try:
        client = make_client(target)  # resolve now, so a bad target fails before serving
        if transport == "streamable-http":
            token, generated = http_token(host, require=require_token)
    except RetellDSLError as exc:
        abort(str(exc))
    if transport == "stdio":
        serve(build_server(lambda: client), "stdio")
        return
    if not is_loopback(host):
        print(network_warning(host, port), file=sys.stderr)
    if token is not None:
        if generated:
            print(f"MCP bearer token (shown once; set ${TOKEN_ENV} to choose your own): {token}", file=sys.stderr)
        else:
            print(f"MCP bearer token: from ${TOKEN_ENV}", file=sys.stderr)
    sys.stderr.flush()
    serve(
        build_server(lambda: client),
        "streamable-http",
        host=host,
        port=port,
        token=token,
        allowed_hosts=allow_host or (),
    )
