"""Compile conversation flows: nodes (ids derived from names), edges with sentinel prompts, tools.

The id rules and the sentinels are wire facts (:mod:`retell_dsl.wire.ids`, :mod:`retell_dsl.wire.flow`).
"""

from __future__ import annotations

from collections.abc import Mapping

from retell_dsl.builders.base import UNSET, Unset
from retell_dsl.builders.conditions import Equation, PromptCondition, as_condition
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
    EndNode,
    ExtractNode,
    FunctionNode,
    GlobalNode,
    MCPNode,
    Node,
    PressDigitNode,
    RawNode,
    RoutedNode,
    SMSNode,
    SubagentNode,
    TransferNode,
)
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.prompt import Prompt
from retell_dsl.builders.tools import CustomTool, IntegrationAppTool
from retell_dsl.compiler._emit import kb_config, merge_extra, model_config, put, put_all, ref_or_id
from retell_dsl.compiler.llm import mcp_server, put_engine_knowledge
from retell_dsl.compiler.tools import (
    AGENT_SWAP_SETTINGS,
    compile_data_field,
    compile_flow_tool,
    compile_tool,
    destination,
    sms_destination,
    transfer_option,
)
from retell_dsl.compiler.values import JSON, text
from retell_dsl.wire.flow import ALWAYS, ELSE, SKIP_RESPONSE, SMS_FAILED, SMS_SENT, TRANSFER_FAILED
from retell_dsl.wire.ids import edge_id, local_component_id, node_id, tool_id

__all__ = ["compile_component", "compile_flow", "compile_node", "condition", "flow_tool_ids", "node_ids"]


def condition(value: PromptCondition | Equation) -> JSON:
    """A ``transition_condition``."""
    if isinstance(value, PromptCondition):
        return {"type": "prompt", "prompt": text(value.prompt)}
    equations = []
    for c in value.comparisons:
        eq: JSON = {"left": c.left, "operator": c.operator}
        if c.right is not None:
            eq["right"] = c.right
        equations.append(eq)
    return {"type": "equation", "operator": value.operator, "equations": equations}


def _edge(edge_id: str, to: str | Unset, cond: JSON, ids: Mapping[str, str]) -> JSON:
    out: JSON = {"id": edge_id, "transition_condition": cond}
    if to is not UNSET:
        out["destination_node_id"] = ids.get(to) or node_id(to)
    return out


def _edge_id(node: Node, nid: str, suffix: str) -> str:
    return node.edge_ids.get(suffix) or edge_id(nid, suffix)


def _special(node: Node, nid: str, suffix: str, to: str | Unset, *, sentinel: str, ids: Mapping[str, str]) -> JSON:
    return _edge(_edge_id(node, nid, suffix), to, {"type": "prompt", "prompt": sentinel}, ids)


def node_ids(nodes: tuple[Node, ...]) -> dict[str, str]:
    """Node name → node id (an explicit ``id`` or the id derived from the name)."""
    return {n.name: n.id if n.id is not UNSET else node_id(n.name) for n in nodes}


def flow_tool_ids(tools: tuple[CustomTool | IntegrationAppTool, ...]) -> dict[str, str]:
    """Flow-tool name → ``tool_id`` (an explicit ``extra={"tool_id": ...}`` or derived from the name)."""
    return {t.name: str(t.extra.get("tool_id") or tool_id(t.name)) for t in tools}


def _instruction(prompt: str | Prompt | Unset, static_text: str | Prompt | Unset) -> JSON | None:
    if prompt is not UNSET:
        return {"type": "prompt", "text": text(prompt)}
    if static_text is not UNSET:
        return {"type": "static_text", "text": text(static_text)}
    return None


def _global(g: GlobalNode) -> JSON:
    cond = as_condition(g.condition)
    out: JSON = {"condition": text(cond.prompt) if isinstance(cond, PromptCondition) else condition(cond)}
    if g.go_back:
        out["go_back_conditions"] = [
            {"id": f"go-back-{i}", "transition_condition": condition(as_condition(c))} for i, c in enumerate(g.go_back)
        ]
    put(out, "cool_down", g.cool_down)
    return out


_TALK_FIELDS = (
    "skippable",
    "interruption_sensitivity",
    "responsiveness",
    "voice_speed",
    "stt_mode",
    "boosted_keywords",
    "allow_dtmf_interruption",
    "reminder_trigger_ms",
    "reminder_max_count",
)
_ACT_FIELDS = ("speak_during_execution", "enable_typing_sound")


def compile_node(node: Node, ids: Mapping[str, str] | None = None, tools: Mapping[str, str] | None = None) -> JSON:
    """One node, with its id derived from its name and its edges' ids derived from the node id.

    ``ids`` maps node names to ids (see :func:`node_ids`) and ``tools`` flow-tool names to tool ids,
    for destinations and function nodes; without them, ids are derived from names.
    """
    ids = ids or {}
    tools = tools or {}
    nid = node.id if node.id is not UNSET else node_id(node.name)
    kind = node.node_type if isinstance(node, RawNode) else node.TYPE
    out: JSON = {"id": nid, "type": kind, "name": node.name} if node.named else {"id": nid, "type": kind}
    if isinstance(node, RoutedNode):
        if node.edges:
            out["edges"] = [
                merge_extra(_edge(_edge_id(node, nid, f"edge-{i}"), e.to, condition(e.condition), ids), e.extra)
                for i, e in enumerate(node.edges)
            ]
        if node.else_to is not UNSET or isinstance(node, BranchNode | ComponentNode):
            out["else_edge"] = _special(node, nid, "else", node.else_to, sentinel=ELSE, ids=ids)
    if isinstance(node, ConversationNode):
        instruction = _instruction(node.prompt, node.static_text)
        if instruction is not None:
            out["instruction"] = instruction
        if node.always_to is not UNSET:
            out["always_edge"] = _special(node, nid, "always", node.always_to, sentinel=ALWAYS, ids=ids)
        if node.skip_response_to is not UNSET:
            out["skip_response_edge"] = _special(
                node, nid, "skip-response", node.skip_response_to, sentinel=SKIP_RESPONSE, ids=ids
            )
        put_all(out, node, _TALK_FIELDS)
        if node.knowledge_bases:
            out["knowledge_base_ids"] = [ref_or_id(kb) for kb in node.knowledge_bases]
        kb = kb_config(node.kb_top_k, node.kb_filter_score)
        if kb is not None:
            out["kb_config"] = kb
        if isinstance(node, SubagentNode):
            if node.tools:
                out["tools"] = [compile_tool(t) for t in node.tools]
            if node.tool_names:
                out["tool_ids"] = [tools.get(n) or tool_id(n) for n in node.tool_names]
    elif isinstance(node, EndNode | BridgeTransferNode | CancelTransferNode):
        instruction = _instruction(node.prompt, node.static_text)
        if instruction is not None:
            out["instruction"] = instruction
        put(out, "speak_during_execution", node.speak_during_execution)
        if isinstance(node, EndNode):
            put(out, "custom_sip_headers", node.custom_sip_headers)
    elif isinstance(node, FunctionNode | CodeNode | MCPNode):
        instruction = _instruction(node.prompt, node.static_text)
        if instruction is not None:
            out["instruction"] = instruction
        put_all(out, node, _ACT_FIELDS)
        out["wait_for_result"] = node.wait_for_result
        if isinstance(node, FunctionNode):
            # tool "": a draft without a tool, stored by Retell as tool_id ""
            out["tool_id"] = node.tool if node.shared or not node.tool else tools.get(node.tool) or tool_id(node.tool)
            out["tool_type"] = "shared" if node.shared else "local"
        elif isinstance(node, CodeNode):
            put_all(out, node, ("code", "response_variables", "timeout_ms"))
        else:
            out["mcp_id"] = node.mcp
            out["mcp_tool_name"] = node.tool
            put(out, "response_variables", node.response_variables)
    elif isinstance(node, TransferNode):
        out["transfer_destination"] = destination(node.destination, node.extension)
        out["transfer_option"] = transfer_option(node.option)
        out["edge"] = _special(node, nid, "transfer-failed", node.failed_to, sentinel=TRANSFER_FAILED, ids=ids)
        instruction = _instruction(node.prompt, node.static_text)
        if instruction is not None:
            out["instruction"] = instruction
        put_all(out, node, ("speak_during_execution", "custom_sip_headers", "ignore_e164_validation"))
    elif isinstance(node, PressDigitNode):
        out["instruction"] = {"type": "prompt", "text": text(node.prompt)}
        put(out, "delay_ms", node.delay_ms)
    elif isinstance(node, ExtractNode):
        out["variables"] = [compile_data_field(v) for v in node.variables]
        put(out, "enable_typing_sound", node.enable_typing_sound)
    elif isinstance(node, SMSNode):
        if node.static_text is not UNSET:
            out["instruction"] = {"type": "static_text", "text": text(node.static_text)}
        elif node.prompt is not UNSET:
            out["instruction"] = {"type": "prompt", "text": text(node.prompt)}
        else:
            out["instruction"] = {"type": "template", "template": node.template}
        out["success_edge"] = _special(node, nid, "sent", node.sent_to, sentinel=SMS_SENT, ids=ids)
        out["failed_edge"] = _special(node, nid, "send-failed", node.send_failed_to, sentinel=SMS_FAILED, ids=ids)
        if node.to_number is not UNSET:
            out["sms_destination"] = sms_destination(node.to_number, node.ignore_e164_validation)
        if node.sender is not UNSET:
            out["sms_sender"] = {"type": node.sender}
    elif isinstance(node, AgentSwapNode):
        out["agent_id"] = ref_or_id(node.agent)
        out["edge"] = _special(node, nid, "swap-failed", node.failed_to, sentinel=TRANSFER_FAILED, ids=ids)
        instruction = _instruction(node.prompt, node.static_text)
        if instruction is not None:
            out["instruction"] = instruction
        put_all(out, node, (*AGENT_SWAP_SETTINGS, "speak_during_execution"))
    elif isinstance(node, ComponentNode):
        if isinstance(node.component, SharedComponent):
            out["component_id"] = ref_or_id(node.component)
            out["component_type"] = "shared"
        else:
            out["component_id"] = node.component if node.shared else local_component_id(node.component)
            out["component_type"] = "shared" if node.shared else "local"
    if node.model is not UNSET:
        out["model_config"] = {"primary": {"model": node.model}}
    if node.global_node is not UNSET:
        out["global_node_setting"] = _global(node.global_node)
    return merge_extra(out, node.extra)


def compile_component(c: Component | SharedComponent, flow_tools: Mapping[str, str] | None = None) -> JSON:
    """A local component of a flow, or the ``create-conversation-flow-component`` body of a shared one."""
    flow_tools = flow_tools or {}
    ids = node_ids(c.nodes)
    tools = {**flow_tools, **flow_tool_ids(c.tools)}
    out: JSON = {"name": c.name, "nodes": [compile_node(n, ids, tools) for n in c.nodes]}
    if c.start_node is not UNSET:
        out["start_node_id"] = ids.get(c.start_node) or node_id(c.start_node)
    if c.tools:
        out["tools"] = [compile_flow_tool(t) for t in c.tools]
    if c.mcps:
        out["mcps"] = [mcp_server(m) for m in c.mcps]
    put(out, "flex_mode", c.flex_mode)
    return merge_extra(out, c.extra)


def compile_flow(flow: ConversationFlow) -> JSON:
    """The ``create-conversation-flow`` body (``ConversationFlowCreateParams``)."""
    ids = node_ids(flow.nodes)
    tools = flow_tool_ids(flow.tools)
    out: JSON = {"start_speaker": flow.start_speaker, "nodes": [compile_node(n, ids, tools) for n in flow.nodes]}
    if flow.start_node is not UNSET:
        out["start_node_id"] = ids.get(flow.start_node) or node_id(flow.start_node)
    put(out, "global_prompt", flow.global_prompt)
    cfg = model_config(
        model=flow.model,
        s2s_model=flow.s2s_model,
        temperature=flow.temperature,
        tier=flow.model_tier,
        backup=flow.backup_model,
    )
    if cfg is not None:
        out["model_config"] = cfg
    if flow.tools:
        out["tools"] = [compile_flow_tool(t) for t in flow.tools]
    if flow.components:
        out["components"] = [compile_component(c, tools) for c in flow.components]
    put_engine_knowledge(out, flow)
    put_all(out, flow, ("begin_after_user_silence_ms", "tool_call_strict_mode", "flex_mode"))
    return merge_extra(out, flow.extra)
