"""Draw conversation flows and stacks as Mermaid or Graphviz DOT diagrams.

``flow_graph(flow)`` draws a conversation flow: one node per flow node, labelled with its name and
type and shaped by type (conversation rounded, branch a diamond, end a stadium / double circle,
transfers hexagons, function / code / MCP nodes subroutines, ...), the start node marked, global
nodes dashed with their condition, and every edge labelled with its condition (prompts shortened,
equations spelled out, special edges as Else / Always / Skip response / Transfer failed / Sent /
Failed to send). Local components are drawn as subgraphs. ``stack_graph(stack)`` draws the
resources of a stack grouped by kind, with an arrow for every reference.

Both are pure and deterministic: the same input always gives the same text, so diagrams can be
snapshot-tested and diffed in review. Every label is quoted and escaped, so any prompt text is safe.

>>> from retell_dsl import ConversationFlow, ConversationNode, EndNode
>>> flow = (
...     ConversationFlow(name="tiny", start_speaker="agent", model="gpt-4.1")
...     .node(ConversationNode(name="greet", prompt="Say hi.").to("bye", when="The caller is done").otherwise("bye"))
...     .node(EndNode(name="bye"))
...     .start_at("greet")
... )
>>> print(flow_graph(flow))
---
title: "tiny"
---
flowchart TD
    n___start__(("start"))
    n_greet("greet<br/>conversation")
    n_bye(["bye<br/>end"])
    n___start__ -->|"agent speaks first"| n_greet
    n_greet -->|"The caller is done"| n_bye
    n_greet -.->|"Else"| n_bye
    classDef start fill:#222,color:#fff,stroke:#222
    class n___start__ start
<BLANKLINE>
>>> print(flow_graph(flow, format="dot"))  # doctest: +ELLIPSIS
digraph "tiny" {
    ...
    "greet" [label="greet\\nconversation", shape=box, style="rounded"];
    "bye" [label="bye\\nend", shape=doublecircle];
    "__start__" -> "greet" [label="agent speaks first"];
    "greet" -> "bye" [label="The caller is done"];
    "greet" -> "bye" [label="Else", style=dashed];
}
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from retell_dsl.errors import InvalidArgument
from retell_dsl.graph._labels import condition_label, shorten
from retell_dsl.graph._render import START, Edge, EdgeStyle, Format, Graph, Node, dot_text, mermaid_text, render
from retell_dsl.wire.flow import (
    ALWAYS,
    ELSE,
    SENTINELS,
    SKIP_RESPONSE,
    SMS_FAILED,
    TRANSFER_FAILED,
    go_back_edges,
    node_edges,
)
from retell_dsl.wire.ids import component_id_of, local_components

if TYPE_CHECKING:
    from retell_dsl.builders.flow import ConversationFlow
    from retell_dsl.builders.stack import Stack
    from retell_dsl.compiler import CompiledStack

__all__ = ["Format", "condition_label", "dot_text", "flow_graph", "mermaid_text", "shorten", "stack_graph"]

_NODE_SHAPES = {
    "conversation": "rounded",
    "subagent": "rounded",
    "branch": "diamond",
    "end": "stadium",
    "transfer_call": "hexagon",
    "agent_swap": "hexagon",
    "bridge_transfer": "hexagon",
    "cancel_transfer": "hexagon",
    "function": "subroutine",
    "code": "subroutine",
    "mcp": "subroutine",
    "extract_dynamic_variables": "parallelogram",
    "press_digit": "trapezoid",
    "sms": "flag",
    "component": "component",
}
_KIND_SHAPES = {
    "knowledge_base": "cylinder",
    "llm": "subroutine",
    "component": "subroutine",
    "conversation_flow": "subroutine",
    "agent": "rounded",
    "chat_agent": "rounded",
    "phone_number": "hexagon",
    "batch_call": "parallelogram",
}
_KIND_TITLES = {
    "knowledge_base": "knowledge bases",
    "llm": "Retell LLMs",
    "component": "shared components",
    "conversation_flow": "conversation flows",
    "agent": "agents",
    "chat_agent": "chat agents",
    "phone_number": "phone numbers",
    "batch_call": "batch calls",
}
# single-edge slot (wire.flow.EDGE_SLOTS) → (label when it carries a fixed sentinel, style)
_SPECIAL: dict[str, tuple[str, EdgeStyle]] = {
    "else_edge": (ELSE, "dashed"),
    "always_edge": (ALWAYS, "bold"),
    "skip_response_edge": (SKIP_RESPONSE, "bold"),
    "edge": (TRANSFER_FAILED, "dashed"),
    "success_edge": ("Sent", "solid"),
    "failed_edge": (SMS_FAILED, "dashed"),
}


# ---------------------------------------------------------------------------------------------- flows


def _node_lines(node: Mapping[str, Any], tools: Mapping[str, str], width: int) -> tuple[str, ...]:
    kind = str(node.get("type", "node"))
    detail = ""
    if kind == "function":
        detail = tools.get(str(node.get("tool_id")), str(node.get("tool_id", "")))
    elif kind == "mcp":
        detail = str(node.get("mcp_tool_name", ""))
    elif kind == "component":
        detail = str(node.get("component_id", "")) + (" (shared)" if node.get("component_type") == "shared" else "")
    kind_text = kind.replace("_", " ") + (f": {detail}" if detail else "")
    lines = [shorten(str(node.get("name") or node.get("id", "")), width), shorten(kind_text, width)]
    setting = node.get("global_node_setting")
    if isinstance(setting, Mapping):
        lines.append("global: " + condition_label(setting.get("condition"), width=width))
        for back in go_back_edges(node):
            lines.append("go back: " + condition_label(back.edge.get("transition_condition"), width=width))
    return tuple(lines)


def _node_edges(src: str, node: Mapping[str, Any], prefix: str, width: int) -> Iterator[Edge]:
    for slot, _, edge in node_edges(node):
        if not edge.get("destination_node_id"):
            continue
        cond = edge.get("transition_condition")
        if slot == "edges":
            yield Edge(src, prefix + str(edge["destination_node_id"]), condition_label(cond, width=width))
            continue
        fixed, style = _SPECIAL[slot]
        sentinel = not isinstance(cond, Mapping) or cond.get("prompt") in SENTINELS
        label = fixed if sentinel else condition_label(cond, width=width)
        yield Edge(src, prefix + str(edge["destination_node_id"]), label, style)


def _add_nodes(
    nodes: Sequence[Mapping[str, Any]], prefix: str, tools: Mapping[str, str], width: int, marks: Mapping[str, str]
) -> tuple[list[Node], list[Edge]]:
    out: list[Node] = []
    edges: list[Edge] = []
    for node in nodes:
        key = prefix + str(node.get("id", ""))
        classes: tuple[str, ...] = ("global",) if isinstance(node.get("global_node_setting"), Mapping) else ()
        classes += (marks[key],) if key in marks else ()
        shape = _NODE_SHAPES.get(str(node.get("type")), "rect")
        out.append(Node(key, _node_lines(node, tools, width), shape, classes))
        edges += _node_edges(key, node, prefix, width)
    return out, edges


def _flow_payload(flow: object) -> tuple[Mapping[str, Any], str | None]:
    from retell_dsl.builders.flow import ConversationFlow

    if isinstance(flow, ConversationFlow):
        from retell_dsl.checked import compile

        return compile(flow), flow.name
    if isinstance(flow, Mapping):
        return flow, None
    raise InvalidArgument(f"flow_graph() expects a ConversationFlow or a compiled flow payload (dict), got {flow!r}")


def _flow_model(payload: Mapping[str, Any], title: str | None, width: int, marks: Mapping[str, str]) -> Graph:
    graph = Graph(title, "TD")
    tools = {str(t.get("tool_id")): str(t.get("name")) for t in payload.get("tools") or () if t.get("tool_id")}
    components = [c for c in payload.get("components") or () if isinstance(c, Mapping)]
    resolved = local_components(payload)  # local component_id → the component it names
    uses = [n for n in payload.get("nodes") or () if isinstance(n, Mapping)]

    def target(n: Mapping[str, Any]) -> Mapping[str, Any] | None:
        local = n.get("type") == "component" and n.get("component_type") != "shared"
        return resolved.get(str(n.get("component_id"))) if local else None

    # component nodes name their local component, not its id
    nodes = [{**n, "component_id": str(c.get("name", ""))} if (c := target(n)) is not None else n for n in uses]
    start = payload.get("start_node_id")
    if start:
        graph.nodes.append(Node(START, ("start",), "circle", ("start",)))
        speaker = payload.get("start_speaker")
        graph.edges.append(Edge(START, str(start), f"{speaker} speaks first" if speaker else ""))
    top, edges = _add_nodes(nodes, "", tools, width, marks)
    graph.nodes += top
    graph.edges += edges
    for component in components:
        key = component_id_of(component)
        ctools = {**tools, **{str(t.get("tool_id")): str(t.get("name")) for t in component.get("tools") or ()}}
        inner, inner_edges = _add_nodes(list(component.get("nodes") or ()), key + "/", ctools, width, marks)
        graph.groups.append((key, "component: " + shorten(str(component.get("name", key)), width), inner))
        graph.edges += inner_edges
        first = component.get("start_node_id") or (inner[0].key.split("/", 1)[1] if inner else None)
        if first:
            users = [n for n in uses if target(n) is component]
            graph.edges += [Edge(str(n.get("id")), f"{key}/{first}", "runs", "dashed") for n in users]
    return graph


def flow_graph(
    flow: ConversationFlow | Mapping[str, Any],
    format: Format = "mermaid",
    *,
    title: str | None = None,
    width: int = 40,
    marks: Mapping[str, Literal["covered", "missed"]] | None = None,
) -> str:
    """The diagram of a conversation flow (a spec, compiled first, or a compiled payload).

    ``title`` defaults to the spec's name (a payload has none); ``width`` is how many characters of
    a prompt condition an edge label shows. Edges without a ``destination_node_id`` (not connected
    yet) are left out. ``marks`` colours nodes by key (a node id; ``<component id>/<node id>``
    inside a local component) as ``covered`` (green) or ``missed`` (red), as the pytest plugin's
    coverage pictures do. See the module docstring for an example.

    >>> from retell_dsl import ConversationFlow, EndNode
    >>> flow = ConversationFlow(name="f", model="gpt-4.1").node(EndNode(name="bye")).start_at("bye")
    >>> [line.strip() for line in flow_graph(flow, marks={"bye": "missed"}).splitlines() if "missed" in line]
    ['classDef missed fill:#ffcdd2,stroke:#c62828', 'class n_bye missed']
    """
    payload, name = _flow_payload(flow)
    bad = {k: v for k, v in (marks or {}).items() if v not in ("covered", "missed")}
    if bad:
        raise InvalidArgument(f"flow_graph(marks=...) takes 'covered' or 'missed' per node, got {bad!r}")
    return render(_flow_model(payload, title if title is not None else name, width, marks or {}), format)


# ---------------------------------------------------------------------------------------------- stacks


def _references(value: object, field_name: str, out: dict[str, set[str]]) -> None:
    from retell_dsl.compiler.stack import ref_addresses

    for address in ref_addresses(value):
        out.setdefault(address, set()).add(field_name)


def stack_graph(stack: Stack | CompiledStack, format: Format = "mermaid") -> str:
    """The resources of a stack grouped by kind, an arrow from each resource to what it references.

    Arrows are labelled with the payload fields that hold the reference.

    >>> from retell_dsl import Agent, RetellLLM, Stack
    >>> llm = RetellLLM(name="support", model="gpt-4.1", general_prompt="Be kind.")
    >>> stack = Stack(name="demo").add(Agent(name="Support", voice="11labs-Adrian", engine=llm))
    >>> print(stack_graph(stack, format="dot"))  # doctest: +ELLIPSIS
    digraph "demo" {
        ...
        subgraph "cluster_agent" {
            label="agents";
            "agent.Support" [label="Support\\nagent", shape=box, style="rounded,filled", fillcolor="#e3f2fd"];
        }
        "agent.Support" -> "llm.support" [label="response_engine"];
    }
    <BLANKLINE>
    """
    from retell_dsl.builders.stack import KIND_ORDER
    from retell_dsl.checked import compile
    from retell_dsl.compiler import CompiledStack

    compiled = stack if isinstance(stack, CompiledStack) else compile(stack)
    graph = Graph(compiled.name, "LR")
    for kind in KIND_ORDER:
        members = [r for r in compiled.resources if r.kind == kind]
        if members:
            nodes = [Node(r.address, (r.name, kind.replace("_", " ")), _KIND_SHAPES[kind], (kind,)) for r in members]
            graph.groups.append((kind, _KIND_TITLES[kind], nodes))
    for r in compiled.resources:
        fields: dict[str, set[str]] = {}
        for key, value in r.payload.items():
            _references(value, key, fields)
        for dep in r.depends_on:
            graph.edges.append(Edge(r.address, dep, ", ".join(sorted(fields.get(dep, ())))))
    return render(graph, format)
