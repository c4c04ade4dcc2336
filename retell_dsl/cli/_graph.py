"""``graph``: draw the stack's resources and its conversation flows as Mermaid or Graphviz DOT."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from retell_dsl.cli._stackcmd import AppArg, EnvOpt, errors_exit
from retell_dsl.cli.toolkit._common import abort

if TYPE_CHECKING:
    from retell_dsl.compiler import CompiledStack
    from retell_dsl.graph import Format

__all__ = ["GraphFormat", "graph", "register", "render_graphs"]


class GraphFormat(StrEnum):
    """The diagram languages ``graph`` writes."""

    mermaid = "mermaid"
    dot = "dot"
    json = "json"


def render_graphs(compiled: CompiledStack, fmt: Format, *, flow: str | None = None, stack_only: bool = False) -> str:
    """The text ``graph`` prints: one diagram as is; several Mermaid diagrams as Markdown blocks.

    ``flow`` picks one conversation flow by name or address; ``stack_only`` only the resource graph.
    Several DOT graphs are simply concatenated (``dot`` reads them all).

    >>> from retell_dsl import RetellLLM, Stack, compile
    >>> compiled = compile(Stack(name="demo").add(RetellLLM(name="support", general_prompt="Hi.")))
    >>> print(render_graphs(compiled, "mermaid"))  # doctest: +ELLIPSIS
    ---
    title: "demo"
    ---
    flowchart LR
    ...
    """
    from retell_dsl.errors import ConfigurationError
    from retell_dsl.graph import flow_graph, stack_graph

    flows = [r for r in compiled.resources if r.kind == "conversation_flow"]
    if flow is not None:
        chosen = [r for r in flows if flow in (r.name, r.address)]
        if not chosen:
            names = ", ".join(repr(r.name) for r in flows) or "none"
            raise ConfigurationError(f"stack {compiled.name!r} has no conversation flow {flow!r} (flows: {names})")
        flows = chosen
    parts: list[tuple[str, str]] = []
    if flow is None:
        parts.append((f"stack {compiled.name}", stack_graph(compiled, fmt)))
    if not stack_only:
        parts += [(f"conversation flow {r.name}", flow_graph(dict(r.payload), fmt, title=r.name)) for r in flows]
    if fmt == "json":
        import json

        return json.dumps({title: json.loads(text) for title, text in parts}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "dot" or len(parts) == 1:
        return "\n".join(text for _, text in parts)
    return "\n".join(f"## {title}\n\n```mermaid\n{text}```\n" for title, text in parts)


def graph(
    app: AppArg,
    env: EnvOpt = "default",
    fmt: Annotated[
        GraphFormat,
        typer.Option(
            "--format", "-f", help="mermaid (GitHub, mmdc), dot (Graphviz) or json (nodes and edges as data)."
        ),
    ] = GraphFormat.mermaid,
    flow: Annotated[
        str | None, typer.Option("--flow", help="Draw only this conversation flow (its name or address).")
    ] = None,
    stack_only: Annotated[bool, typer.Option("--stack-only", help="Draw only the stack's resource graph.")] = False,
) -> None:
    """Draw the stack's resources and each conversation flow (nodes by type, edges by condition).

    Offline: compiles the stack and talks to no API.

    One diagram prints as plain Mermaid or DOT. Several Mermaid diagrams print as Markdown, one
    mermaid block each (GitHub renders it); pick one with --flow or --stack-only to pipe it.

        retell-dsl graph app.py --stack-only | mmdc -i - -o stack.svg
        retell-dsl graph app.py --flow receptionist > flow.mmd
        retell-dsl graph app.py --format dot | dot -Tsvg -O
        retell-dsl graph app.py > GRAPHS.md
    """
    from retell_dsl.checked import compile
    from retell_dsl.deploy.app import load_stack

    if flow is not None and stack_only:
        abort("--flow and --stack-only exclude each other")
    with errors_exit():
        compiled = compile(load_stack(app, env))
        text = render_graphs(compiled, fmt.value, flow=flow, stack_only=stack_only)
    sys.stdout.write(text)


def register(app: typer.Typer) -> None:
    """Add ``graph`` to ``app``."""
    app.command("graph", rich_help_panel="Deploy")(graph)
