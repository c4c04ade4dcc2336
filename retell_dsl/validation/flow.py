"""Graph rules of conversation flows (RD101-RD110) and flow tool names (RD201/RD202)."""

from __future__ import annotations

from collections.abc import Sequence

from retell_dsl.builders.base import UNSET, Spec
from retell_dsl.builders.flow import (
    BranchNode,
    CodeNode,
    Component,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    FunctionNode,
    MCPNode,
    Node,
    RoutedNode,
    SMSNode,
    SubagentNode,
    TransferNode,
)
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.tools import McpTool, Tool
from retell_dsl.validation._collect import TOOL_NAME, Collector, near_hint
from retell_dsl.validation.equations import check_condition
from retell_dsl.validation.issues import path
from retell_dsl.wire.ids import node_id

__all__ = ["check_flow", "check_graph", "check_tool_names"]


def check_tool_names(c: Collector, tools: Sequence[Tool], where: str, *, reserved: Sequence[str] = ()) -> None:
    """RD201 duplicates (also against ``reserved`` names) and RD202 invalid names."""
    seen: set[str] = set(reserved)
    for i, tool in enumerate(tools):
        here = path(where, f"tool '{tool.name}'" if tool.name else f"tool[{i}]")
        if not TOOL_NAME.match(tool.name):
            c.add(
                "RD202",
                here,
                f"tool name {tool.name!r} is not allowed",
                at=tool,
                hint="use 1-64 characters from A-Z a-z 0-9 _ -, e.g. 'book_appointment'",
            )
        if tool.name in seen:
            c.add(
                "RD201",
                here,
                f"tool name {tool.name!r} is used more than once",
                at=tool,
                hint="the LLM calls tools by name: give each tool (and state edge) a unique name",
            )
        seen.add(tool.name)


def check_mcp_tools(c: Collector, tools: Sequence[Tool], where: str, mcp_names: set[str], *, hint: str) -> None:
    """RD110: an MCP tool names an MCP server its engine does not declare."""
    for tool in tools:
        if isinstance(tool, McpTool) and tool.mcp is not UNSET and tool.mcp not in mcp_names:
            c.add(
                "RD110",
                path(where, f"tool '{tool.name}'"),
                f"MCP server {tool.mcp!r} is not declared",
                at=tool,
                hint=hint,
            )


def check_flow(c: Collector, flow: ConversationFlow) -> None:
    """Every flow graph rule, for the flow and each of its components."""
    where = f"flow '{flow.name}'"
    tool_names = {t.name for t in flow.tools}
    mcp_names = {m.name for m in flow.mcps}
    components = {comp.name for comp in flow.components}
    check_graph(c, where, flow, tool_names, mcp_names, components)
    for comp in flow.components:
        ctools = tool_names | {t.name for t in comp.tools}
        cmcps = mcp_names | {m.name for m in comp.mcps}
        check_graph(c, path(where, f"component '{comp.name}'"), comp, ctools, cmcps, components)


def check_graph(  # noqa: PLR0917
    c: Collector,
    where: str,
    owner: ConversationFlow | Component | SharedComponent,
    tool_names: set[str],
    mcp_names: set[str],
    components: set[str],
) -> None:
    """The rules of one node graph (a flow's, or a local or shared component's): its own tools'
    names, its start node, its nodes and edges. ``tool_names``, ``mcp_names`` and ``components``
    are what its nodes may name (a local component also sees its flow's)."""
    check_tool_names(c, owner.tools, where)
    nodes, start = owner.nodes, owner.start_node
    if start is UNSET and nodes:
        first = nodes[0].name
        c.add(
            "RD106",
            where,
            f"the {'flow' if isinstance(owner, ConversationFlow) else 'component'} has no start node",
            at=owner,
            # a local Component has no start_at()
            hint=f"pass start_node={first!r}"
            if isinstance(owner, Component)
            else f"call .start_at({first!r}) or pass start_node=",
        )
    names: dict[str, Node] = {}
    ids: dict[str, str] = {}
    for node in nodes:
        here = path(where, f"node '{node.name}'")
        if node.name in names:
            c.add(
                "RD101",
                here,
                f"two nodes are named {node.name!r}",
                at=node,
                hint="edges find nodes by name: rename one of them",
            )
            continue
        nid = node.id if node.id is not UNSET else node_id(node.name)
        if nid in ids:
            c.add(
                "RD101",
                here,
                f"node names {ids[nid]!r} and {node.name!r} give the same id {nid!r}",
                at=node,
                hint="node ids are derived from names: make the names differ in letters or digits",
            )
        names[node.name] = node
        ids[nid] = node.name
    if start is not UNSET and start not in names:
        c.add(
            "RD106",
            where,
            f"start node {start!r} does not exist",
            at=owner,
            hint=near_hint(start, names, "name an existing node in start_at()"),
        )
    for node in names.values():
        _node_rules(c, path(where, f"node '{node.name}'"), node, names, tool_names, mcp_names, components)
    if start is UNSET or start not in names:
        return
    reachable = _reachable(start, names)
    for node in names.values():
        if node.name not in reachable:
            c.add(
                "RD103",
                path(where, f"node '{node.name}'"),
                "no edge leads to this node",
                at=node,
                hint="add an edge to it, make it global with .make_global(...), or remove it",
            )
    if names and not any(names[n].TERMINAL for n in reachable):
        c.add(
            "RD105",
            where,
            f"no end, transfer or agent-swap node can be reached from {start!r}",
            at=owner,
            hint="add an EndNode (or TransferNode) and an edge that leads to it",
        )


def _reachable(start: str, names: dict[str, Node]) -> set[str]:
    roots = [start, *(n.name for n in names.values() if n.global_node is not UNSET)]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in names:
            continue
        seen.add(name)
        todo.extend(dest for _, dest in names[name].targets())
    return seen


def _node_rules(  # noqa: PLR0917
    c: Collector,
    here: str,
    node: Node,
    names: dict[str, Node],
    tool_names: set[str],
    mcp_names: set[str],
    components: set[str],
) -> None:
    targets = node.targets()
    for label, dest in targets:
        if dest not in names:
            edge_at: Spec = node
            if isinstance(node, RoutedNode) and label.startswith("edge["):
                edge_at = node.edges[int(label[5:-1])]
            c.add(
                "RD102",
                path(here, label),
                f"edge points to unknown node {dest!r}",
                at=edge_at,
                hint=near_hint(dest, names, "edges name their destination node by its name"),
            )
    if isinstance(node, RoutedNode):
        for i, edge in enumerate(node.edges):
            check_condition(c, edge.when, path(here, f"edge[{i}]"), at=edge)
    if not targets and not node.TERMINAL:
        c.add(
            "RD104",
            here,
            f"{type(node).__name__} {node.name!r} has no outgoing edge: a call that gets here stays here",
            at=node,
            hint="add .to(...)/.otherwise(...)/.always(...) or end the call with an EndNode",
        )
    _special_edges(c, here, node)
    if isinstance(node, FunctionNode) and not node.tool.strip():
        c.add(
            "RD111",
            here,
            "function node has no tool: this node will fail when reached",
            at=node,
            hint="choose the tool it runs (FunctionNode(tool=...)), or remove the node",
        )
    elif isinstance(node, CodeNode) and not node.code.strip():
        c.add(
            "RD111",
            here,
            "code node has no code: this node will fail when reached",
            at=node,
            hint="write its JavaScript (CodeNode(code=...)), or remove the node",
        )
    elif isinstance(node, FunctionNode) and not node.shared and node.tool not in tool_names:
        c.add(
            "RD109",
            here,
            f"function node runs tool {node.tool!r}, which the flow does not define",
            at=node,
            hint=near_hint(node.tool, tool_names, "add it with ConversationFlow.tool(CustomTool(...))"),
        )
    if isinstance(node, SubagentNode):
        for name in node.tool_names:
            if name not in tool_names:
                c.add(
                    "RD109",
                    here,
                    f"subagent uses flow tool {name!r}, which the flow does not define",
                    at=node,
                    hint=near_hint(name, tool_names, "declare it on the flow"),
                )
        check_tool_names(c, node.tools, here, reserved=())
        check_mcp_tools(c, node.tools, here, mcp_names, hint="add it with .mcp(McpServer(...)) on the flow")
    if isinstance(node, MCPNode) and node.mcp not in mcp_names:
        c.add(
            "RD110",
            here,
            f"MCP server {node.mcp!r} is not declared on the flow",
            at=node,
            hint=near_hint(node.mcp, mcp_names, "add it with ConversationFlow.mcp(McpServer(...))"),
        )
    if (
        isinstance(node, ComponentNode)
        and isinstance(node.component, str)  # a SharedComponent spec is a stack resource
        and not node.shared
        and node.component not in components
    ):
        c.add(
            "RD110",
            here,
            f"component {node.component!r} is not defined on the flow",
            at=node,
            hint=near_hint(node.component, components, "add it with ConversationFlow.component(...)"),
        )


def _special_edges(c: Collector, here: str, node: Node) -> None:
    """RD107: always/skip-response must be alone; else needs company; required special edges."""
    if isinstance(node, ConversationNode):
        for label, dest in (("always", node.always_to), ("skip-response", node.skip_response_to)):
            if dest is UNSET:
                continue
            others = len(node.targets()) - 1
            if others:
                c.add(
                    "RD107",
                    path(here, f"{label} edge"),
                    f"the {label} edge must be the node's only edge, but it has {others} other(s)",
                    at=node,
                    hint=f"remove the other edges, or drop .{label.replace('-', '_')}(...) and use conditions",
                )
    plain_routed = isinstance(node, ConversationNode)  # the only nodes that have .always()
    lone_else = isinstance(node, RoutedNode) and node.else_to is not UNSET and not node.edges
    if plain_routed and lone_else and plain_routed:
        c.add(
            "RD107",
            path(here, "else edge"),
            "an else edge without any conditional edge",
            at=node,
            severity="warning",
            hint="use .always(...) for an unconditional transition",
        )
    if isinstance(node, BranchNode | ComponentNode) and node.else_to is UNSET:
        c.add(
            "RD107",
            here,
            f"a {node.TYPE} node needs an else edge",
            at=node,
            hint="add .otherwise('<node name>') for when no condition holds",
        )
    if isinstance(node, SMSNode):
        missing = [m for m, v in (("on_sent", node.sent_to), ("on_send_failed", node.send_failed_to)) if v is UNSET]
        if missing and len(missing) < 2:
            c.add(
                "RD107", here, f"SMS node has no {missing[0]} edge", at=node, hint=f"add .{missing[0]}('<node name>')"
            )
    if isinstance(node, TransferNode) and node.failed_to is UNSET:
        c.add(
            "RD107",
            here,
            "nothing handles a failed transfer",
            at=node,
            severity="warning",
            hint="add .on_transfer_failed('<node name>') to recover when nobody answers",
        )
