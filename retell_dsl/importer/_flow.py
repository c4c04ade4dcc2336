"""Decompile conversation flows: every node type, edges by node name, ids kept, components, tools.

>>> flow = decompile_flow({"start_speaker": "agent", "start_node_id": "n1", "nodes": [
...     {"id": "n1", "type": "end", "name": "Bye", "instruction": {"type": "static_text", "text": "Bye!"}}]},
...     name="f", refs={})
>>> flow.nodes
(EndNode(name='Bye', id='n1', static_text='Bye!'),)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from retell_dsl.builders.base import UNSET, FrozenMap
from retell_dsl.builders.flow import (
    AgentSwapNode,
    BranchNode,
    BridgeTransferNode,
    CancelTransferNode,
    CodeNode,
    Component,
    ComponentNode,
    ConversationFlow,
    ConversationNode,
    Edge,
    EndNode,
    ExtractNode,
    FunctionNode,
    GlobalNode,
    MCPNode,
    Node,
    PressDigitNode,
    RawNode,
    SMSNode,
    SubagentNode,
    TransferNode,
)
from retell_dsl.builders.stack import Resource
from retell_dsl.builders.tools import CustomTool, IntegrationAppTool
from retell_dsl.compiler.flow import compile_flow, compile_node, flow_tool_ids
from retell_dsl.errors import InvalidArgument, InvalidSpec
from retell_dsl.importer._notes import note
from retell_dsl.importer._patch import JSON, copy_same_named, verified
from retell_dsl.importer._resources import engine_kwargs, kb_refs, resolve
from retell_dsl.importer._tools import (
    decompile_condition,
    decompile_destination,
    decompile_field,
    decompile_option,
    decompile_sms_target,
    decompile_tool,
)
from retell_dsl.wire.flow import SENTINELS
from retell_dsl.wire.ids import local_components, node_id, tool_id
from retell_dsl.wire.upgrades import DEPRECATED_ENGINE_FIELDS

__all__ = ["decompile_flow"]

NODE_TYPES: dict[str, type[Node]] = {
    cls.TYPE: cls
    for cls in (AgentSwapNode, BranchNode, BridgeTransferNode, CancelTransferNode, CodeNode, ComponentNode,
                ConversationNode, EndNode, ExtractNode, FunctionNode, MCPNode, PressDigitNode, SMSNode,
                SubagentNode, TransferNode)
}  # fmt: skip
#: special edge key → (builder field, id suffix)
SPECIAL = {
    "else_edge": ("else_to", "else"),
    "always_edge": ("always_to", "always"),
    "skip_response_edge": ("skip_response_to", "skip-response"),
    "success_edge": ("sent_to", "sent"),
    "failed_edge": ("send_failed_to", "send-failed"),
}


class _Ctx:
    """Id ↔ name maps of one node list (a flow or a component)."""

    def __init__(
        self,
        nodes: list[Mapping[str, Any]],
        tools: Mapping[str, str],
        refs: Mapping[str, Resource],
        components: Mapping[str, str],
    ) -> None:
        self.refs = refs  # remote id → imported spec
        self.components = dict(components)  # local component id → component name
        self.names: dict[str, str] = {}  # node id → unique DSL name
        self.unnamed: set[str] = set()  # ids of nodes without a wire name (their DSL name is the id)
        self.where = ""  # "flow 'f'" (or a component), for notes
        seen: set[str] = set()
        for n in nodes:
            if not isinstance(n.get("name"), str) or not n.get("name"):
                self.unnamed.add(str(n.get("id")))
            base = str(n.get("name") or n.get("id"))
            name, i = base, 2
            while name in seen:
                name, i = f"{base} ({i})", i + 1
            seen.add(name)
            self.names[str(n.get("id"))] = name
        self.tools = dict(tools)  # tool id → tool name


def _instruction(data: Mapping[str, Any], kw: JSON, handled: set[str]) -> None:
    ins = data.get("instruction")
    if isinstance(ins, Mapping) and set(ins) == {"type", "text"} and ins["type"] in ("prompt", "static_text"):
        kw[ins["type"]] = ins["text"]
        handled.add("instruction")


def _global(data: Any) -> GlobalNode | None:
    if not isinstance(data, Mapping) or set(data) - {"condition", "go_back_conditions", "cool_down"}:
        return None
    cond = data.get("condition")
    condition = cond if isinstance(cond, str) else decompile_condition(cond) if isinstance(cond, Mapping) else None
    go_back = [decompile_condition(g.get("transition_condition") or {}) for g in data.get("go_back_conditions") or []]
    if condition is None or None in go_back:
        return None
    return GlobalNode(condition=condition, go_back=tuple(go_back), cool_down=data.get("cool_down", UNSET))  # type: ignore[arg-type]


def _edges(
    data: Mapping[str, Any], ctx: _Ctx, nid: str, *, kw: JSON, handled: set[str], edge_ids: dict[str, str]
) -> None:
    raw = data.get("edges")
    if not isinstance(raw, list) or not all(isinstance(e, Mapping) for e in raw):
        return
    edges = []
    for i, e in enumerate(raw):
        cond = decompile_condition(e.get("transition_condition") or {})
        dest = ctx.names.get(str(e.get("destination_node_id")))
        if cond is None or dest is None or not isinstance(e.get("id"), str):
            return  # an edge the builders cannot hold: the node's edges stay whole in extra=
        # per edge: keys the builder does not type stay in this edge's extra= only
        extra = {k: v for k, v in e.items() if k not in ("id", "transition_condition", "destination_node_id")}
        if extra:
            from retell_dsl.importer._notes import note

            keys = ", ".join(sorted(extra))
            note(f"{ctx.where} > node {ctx.names[nid]!r} > edges[{i}]: {keys} kept in the edge's extra=")
        edges.append(Edge(to=dest, when=cond, extra=FrozenMap(extra)))
        if e.get("id") != f"{nid}.edge-{i}":
            edge_ids[f"edge-{i}"] = str(e.get("id"))
    if edges:
        kw["edges"] = tuple(edges)
        handled.add("edges")


def _special(data: Mapping[str, Any], key: str, field: str, *, suffix: str, ctx: _Ctx, nid: str, kw: JSON,
             handled: set[str], edge_ids: dict[str, str]) -> None:  # fmt: skip
    e = data.get(key)
    if not isinstance(e, Mapping) or set(e) - {"id", "transition_condition", "destination_node_id"}:
        return
    cond = e.get("transition_condition") or {}
    if cond.get("type") != "prompt" or cond.get("prompt") not in SENTINELS:
        return
    if "destination_node_id" in e:
        dest = ctx.names.get(str(e["destination_node_id"]))
        if dest is None:
            return
        kw[field] = dest
    if e.get("id") != f"{nid}.{suffix}":
        edge_ids[suffix] = str(e.get("id"))
    handled.add(key)


def decompile_node(data: Mapping[str, Any], ctx: _Ctx) -> Node | None:
    """One wire node as its DSL node: a :class:`RawNode` for a type the DSL does not model (None: no type)."""
    kind = data.get("type")
    cls: type[Node] | None = NODE_TYPES.get(str(kind))
    kw: JSON = {}
    if cls is None:
        if not isinstance(kind, str) or not kind:
            return None
        cls = RawNode  # typed edges; every other field stays in its extra= (verified() patches them in)
        kw["node_type"] = kind
        note(f"{ctx.where} > node {ctx.names[str(data.get('id'))]!r}: node type {kind!r} is not modelled by "
             "retell-dsl; kept as a RawNode (its fields in extra=)")  # fmt: skip
    nid = str(data.get("id"))
    name = ctx.names[nid]
    handled = {"type", "id", "name"}
    edge_ids: dict[str, str] = {}
    _edges(data, ctx, nid, kw=kw, handled=handled, edge_ids=edge_ids)
    slots = {f.name for f in dataclasses.fields(cls)}
    for key, (field, suffix) in SPECIAL.items():
        if field in slots:  # a special edge the node type does not have stays in extra= (as Retell stored it)
            _special(data, key, field, suffix=suffix, ctx=ctx, nid=nid, kw=kw, handled=handled, edge_ids=edge_ids)
    if cls in (TransferNode, AgentSwapNode):
        suffix = "transfer-failed" if cls is TransferNode else "swap-failed"
        _special(data, "edge", "failed_to", suffix=suffix, ctx=ctx, nid=nid, kw=kw, handled=handled, edge_ids=edge_ids)
    if cls is SMSNode:
        ins = data.get("instruction") or {}
        kind = {"static_text": "static_text", "prompt": "prompt", "template": "template"}.get(str(ins.get("type")))
        value_key = "template" if kind == "template" else "text"
        if kind and set(ins) == {"type", value_key}:
            kw[kind] = ins[value_key]
            handled.add("instruction")
        else:
            kw["static_text"] = ""
        decompile_sms_target(data, kw, handled)
    elif cls is PressDigitNode:
        ins = data.get("instruction") or {}
        kw["prompt"] = ins.get("text", "")
        handled.add("instruction")
    elif cls is not RawNode:
        _instruction(data, kw, handled)
    if cls is ConversationNode or cls is SubagentNode:
        if "prompt" not in kw and "static_text" not in kw:
            kw["prompt"] = ""
        if isinstance(data.get("knowledge_base_ids"), list):
            kw["knowledge_bases"] = kb_refs(data["knowledge_base_ids"], ctx.refs)
            handled.add("knowledge_base_ids")
        kb = data.get("kb_config")
        if isinstance(kb, Mapping) and kb and not set(kb) - {"top_k", "filter_score"}:
            kw["kb_top_k"], kw["kb_filter_score"] = kb.get("top_k", UNSET), kb.get("filter_score", UNSET)
            handled.add("kb_config")
    if cls is SubagentNode:
        tools = [decompile_tool(t) for t in data.get("tools") or []]
        if tools and not any(isinstance(t, dict) for t in tools):
            kw["tools"] = tuple(tools)
            handled.add("tools")
        tids = data.get("tool_ids")
        if isinstance(tids, list) and all(t in ctx.tools for t in tids):
            kw["tool_names"] = tuple(ctx.tools[t] for t in tids)
            handled.add("tool_ids")
    elif cls is FunctionNode:
        tid = str(data.get("tool_id", ""))
        shared = data.get("tool_type") == "shared"
        kw["tool"] = tid if shared or tid not in ctx.tools else ctx.tools[tid]
        kw["shared"] = shared
        handled |= {"tool_id", "tool_type"}
    elif cls is MCPNode:
        kw["mcp"], kw["tool"] = str(data.get("mcp_id", "")), str(data.get("mcp_tool_name", ""))
        handled |= {"mcp_id", "mcp_tool_name"}
    elif cls is TransferNode:
        dest = decompile_destination(data.get("transfer_destination") or {})
        option = decompile_option(data.get("transfer_option") or {})
        kw["destination"], kw["extension"] = dest if dest else ("+10000000000", UNSET)
        if option is not None:
            kw["option"] = option
        handled |= {k for k, ok in (("transfer_destination", dest), ("transfer_option", option)) if ok}
    elif cls is AgentSwapNode:
        kw["agent"] = str(data.get("agent_id", ""))
        handled.add("agent_id")
    elif cls is ExtractNode:
        fields = [decompile_field(v) for v in data.get("variables") or []]
        if all(f is not None for f in fields):
            kw["variables"] = tuple(fields)
            handled.add("variables")
    elif cls is ComponentNode:
        cid = str(data.get("component_id", ""))
        local = data.get("component_type") == "local"
        names = ctx.components
        kw["component"], kw["shared"] = (names[cid], False) if local and cid in names else (cid, not local)
        handled |= {"component_id", "component_type"}
    cfg = data.get("model_config")
    if isinstance(cfg, Mapping) and set(cfg) == {"primary"} and set(cfg["primary"]) == {"model"}:
        kw["model"] = cfg["primary"]["model"]
        handled.add("model_config")
    if (g := _global(data.get("global_node_setting"))) is not None:
        kw["global_node"] = g
        handled.add("global_node_setting")
    copy_same_named(cls, data, handled, kw, deep=frozenset({"response_variables", "custom_sip_headers"}))
    if nid in ctx.unnamed:
        kw["named"] = False
    node = cls(name=name, id=nid if nid != node_id(name) else UNSET, edge_ids=edge_ids, **kw)
    ids = {v: k for k, v in ctx.names.items()}
    tool_map = {v: k for k, v in ctx.tools.items()}
    return verified(node, lambda n: compile_node(n, ids, tool_map), data, resolve=lambda p: resolve(p, ctx.refs))[0]


def _tools(items: list[Any]) -> tuple[list[CustomTool | IntegrationAppTool], bool]:
    out = []
    for t in items:
        spec = decompile_tool(t)
        if not isinstance(spec, CustomTool | IntegrationAppTool):
            return [], False
        if spec.extra.get("tool_id") == tool_id(spec.name):
            spec = dataclasses.replace(spec, extra=FrozenMap({k: v for k, v in spec.extra.items() if k != "tool_id"}))
        out.append(spec)
    return out, True


def _nodes(items: list[Any], tools: Mapping[str, str], refs: Mapping[str, Resource], *, components: Mapping[str, str],
           kw: JSON, handled: set[str], start: Any, where: str = "flow") -> None:  # fmt: skip
    ctx = _Ctx(items, tools, refs, components)
    ctx.where = where
    nodes = []
    for i, n in enumerate(items):
        try:
            node = decompile_node(n, ctx) if isinstance(n, Mapping) else None
        except (InvalidArgument, InvalidSpec) as exc:  # a value the builders refuse (not a decompiler bug)
            note(f"{where} > nodes[{i}]: {exc}; the flow's nodes stay whole in extra=")
            return
        if node is None:
            note(f"{where} > nodes[{i}]: {n.get('type') if isinstance(n, Mapping) else n!r} is not a node type; "
                 "the flow's nodes stay whole in extra=")  # fmt: skip
            return
        nodes.append(node)
    kw["nodes"] = tuple(nodes)
    handled.add("nodes")
    if isinstance(start, str) and start in ctx.names:
        kw["start_node"] = ctx.names[start]
        handled.add("start_node_id")


def _component(data: Mapping[str, Any], flow_tools: Mapping[str, str], refs: Mapping[str, Resource]) -> Component:
    kw: JSON = {}
    handled = {"name"}
    tools, ok = _tools(data.get("tools") or [])
    if tools and ok:
        kw["tools"] = tuple(tools)
        handled.add("tools")
    names = {v: k for k, v in {**flow_tools, **flow_tool_ids(tuple(tools))}.items()}
    _nodes(data.get("nodes") or [], names, refs, components={}, kw=kw, handled=handled, start=data.get("start_node_id"),
           where=f"component {data.get('name')!r}")  # fmt: skip
    copy_same_named(Component, data, handled, kw)
    comp = Component(name=str(data.get("name", "component")), **kw)
    extra = {k: v for k, v in data.items() if k not in handled and k not in kw}
    return dataclasses.replace(comp, extra=FrozenMap(extra)) if extra else comp


def decompile_flow(data: Mapping[str, Any], *, name: str, refs: Mapping[str, Resource]) -> ConversationFlow:
    """A conversation flow (create-payload shape) as a :class:`ConversationFlow`."""
    # deprecated model fields left after ``modernize`` have no typed form: they stay in extra= only
    handled: set[str] = set(DEPRECATED_ENGINE_FIELDS)
    kw = engine_kwargs(data, refs, handled)
    tools, ok = _tools(data.get("tools") or [])
    if tools and ok:
        kw["tools"] = tuple(tools)
        handled.add("tools")
    tool_ids = flow_tool_ids(tuple(tools))
    comps = [_component(c, tool_ids, refs) for c in data.get("components") or []]
    if comps:
        kw["components"] = tuple(comps)
        handled.add("components")
    local = {cid: str(c.get("name", "component")) for cid, c in local_components(data).items()}
    _nodes(data.get("nodes") or [], {v: k for k, v in tool_ids.items()}, refs, components=local, kw=kw,
           handled=handled, start=data.get("start_node_id"), where=f"flow {name!r}")  # fmt: skip
    copy_same_named(ConversationFlow, data, handled, kw)
    spec = ConversationFlow(name=name, **{k: v for k, v in kw.items() if v is not UNSET})
    return verified(spec, compile_flow, data, resolve=lambda p: resolve(p, refs))[0]
