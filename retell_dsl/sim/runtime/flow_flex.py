"""Flex mode (``flex_mode`` on a flow or a component): the node list runs as one single-prompt agent.

Retell's documentation (build/conversation-flow/flex-mode): at runtime the flow, or one
component, "compiles into one structured prompt made of Tasks and available Tools"; the agent
"stays on the flex node and behaves like a single prompt agent until it reaches End Call"
(a component: until its work is done; the rest of the flow stays rigid). Every node works like
a global node (the agent switches between tasks and resumes without repeating completed steps);
tools always wait for their result and the agent always speaks after them (no
``wait_for_result`` / speak-after settings), ``speak_during_execution`` works as usual;
node-level knowledge bases are ignored (the flow's apply); edge conditions reach the model as
text (Retell advises prompt edges only: the model reads equations, nothing evaluates them);
static text is an instruction the model may not follow word for word.

How this engine compiles it (Retell does not publish its prompt; these are its choices):

- The system prompt is the flow's global prompt, then a ``## Tasks`` section: one task per
  node in list order, the start node first, each with its instruction (static text as
  ``Say: "…"``), what to call, and its outgoing conditions as ``- when <condition>: go on with
  task "<name>"`` lines (equations written out with variables substituted; ``always``, ``else``
  and failure edges in words); a global node's condition says when the task may be taken up.
  Then the flow's knowledge-base chunks.
- The tools: a function node's tool, a subagent node's tools, and for each built-in node a
  function named like the node (``code``, ``extract_dynamic_variable``, ``transfer_call``,
  ``send_sms``, ``press_digit``, ``agent_swap``, ``mcp``, ``bridge_transfer``,
  ``cancel_transfer``), run by the usual tool rules (:mod:`~retell_dsl.sim.runtime.turns`). End
  nodes give one ``end_call`` in the main flow; in a component they give ``finish_component``,
  which leaves the component and follows the component node's edges as an end node would.
- There is no node transition inside the flex node: events keep the node the frame was
  entered at (its start node) as the place, and model requests name it. The flow-level model
  and temperature apply. A component node inside a flex flow is not supported yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retell_dsl.sim.models import ToolSchema
from retell_dsl.sim.runtime.core import Stop, model_settings
from retell_dsl.sim.runtime.flow import FlowInterpreter
from retell_dsl.sim.runtime.flow_edges import Go, prompt_of
from retell_dsl.sim.runtime.turns import agent_turn

__all__ = ["FINISH", "respond", "system_prompt", "tools"]

Node = Mapping[str, Any]
FINISH = ToolSchema(
    "finish_component",
    "This component's tasks are done: hand the conversation back to the main flow.",
    {"type": "object", "properties": {}},
)
_JOIN = {"&&": " and ", "||": " or "}
_BUILTIN_NODE_TOOLS = {
    "extract_dynamic_variables": "extract_dynamic_variable",
    "transfer_call": "transfer_call",
    "sms": "send_sms",
    "press_digit": "press_digit",
    "agent_swap": "agent_swap",
    "bridge_transfer": "bridge_transfer",
    "cancel_transfer": "cancel_transfer",
}


def _name(node: Node) -> str:
    return str(node.get("name") or node.get("id") or "")


def _slug(node: Node) -> str:
    """A function name for a node (Retell's tool-name alphabet, 64 characters at most)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", _name(node)).strip("_")[:64] or "node"


def _condition(it: FlowInterpreter, condition: object) -> str | None:
    prompt = prompt_of(condition)
    if prompt is not None:
        return it.core.substitute(prompt)
    if not isinstance(condition, Mapping) or condition.get("type") not in ("equation", "equation_prompt"):
        return None
    parts = [
        " ".join(str(p) for p in (e.get("left"), e.get("operator"), e.get("right")) if p is not None)
        for e in condition.get("equations") or ()
        if isinstance(e, Mapping)
    ]
    return it.core.substitute(_JOIN.get(str(condition.get("operator")), " and ").join(parts)) or None


def _next(it: FlowInterpreter, node: Node) -> list[str]:
    lines = []

    def target(edge: Mapping[str, Any]) -> str:
        dest = it.frame.nodes.get(str(edge.get("destination_node_id")))
        return f'go on with task "{_name(dest) if dest else edge.get("destination_node_id")}"'

    for edge in node.get("edges") or ():
        if isinstance(edge, Mapping) and (text := _condition(it, edge.get("transition_condition"))):
            lines.append(f"- when {text}: {target(edge)}")
    for slot, words in (
        ("always_edge", "after the user answers"),
        ("skip_response_edge", "right after speaking"),
        ("success_edge", "when it succeeds"),
        ("failed_edge", "when it fails"),
        ("edge", "when it fails"),
        ("else_edge", "otherwise"),
    ):
        edge = node.get(slot)
        if isinstance(edge, Mapping):
            lines.append(f"- {words}: {target(edge)}")
    return lines


def _task(it: FlowInterpreter, node: Node, names: Mapping[str, str]) -> str:
    kind = str(node.get("type"))
    lines = [f'### Task "{_name(node)}" ({kind})']
    setting = node.get("global_node_setting")
    if isinstance(setting, Mapping) and (when := _condition(it, setting.get("condition"))):
        lines.append(f"Take this task up at any time when: {when}")
    raw = node.get("instruction")
    executing = kind not in ("conversation", "subagent", "end", "branch", "sms") and node.get("speak_during_execution")
    if isinstance(raw, Mapping) and raw.get("text") and not executing:  # else: said while its tool runs
        text, static = it.core.substitute(str(raw["text"])), raw.get("type") == "static_text"
        if kind == "sms":
            lines.append(f'The text message: "{text}"' if static else f"Write the text message: {text}")
        else:
            lines.append(f'Say: "{text}"' if static else text)
    call = names.get(str(node.get("id")))
    if call is not None:
        lines.append(f"Then call `{call}`." if kind == "end" else f"Call `{call}`.")
    if kind == "subagent" and node.get("tool_ids"):
        lines.append("Tools for this task: " + ", ".join(f"`{it.tool(t).get('name')}`" for t in node["tool_ids"]))
    if kind == "branch":
        lines.append("Decide at once, saying nothing:")
    lines += _next(it, node)
    return "\n".join(lines)


def _node_tool(it: FlowInterpreter, node: Node) -> Mapping[str, Any] | None:
    kind, name = str(node.get("type")), _slug(node)
    raw = node.get("instruction")
    spoken: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    speak: dict[str, Any] = {}
    if node.get("speak_during_execution") and spoken.get("text"):
        speak = {
            "speak_during_execution": True,
            "execution_message_description": str(spoken["text"]),
            "execution_message_type": "static_text" if spoken.get("type") == "static_text" else "prompt",
        }
    if kind == "function":
        flow_tool = dict(it.tool(node.get("tool_id")))
        if node.get("speak_during_execution") is not None:
            flow_tool["speak_during_execution"] = bool(node["speak_during_execution"])
        return {**flow_tool, **speak}
    if kind == "code":
        keys = ("code", "response_variables", "timeout_ms")
        return {
            "type": "code",
            "name": name,
            "description": f"Run task {_name(node)!r}.",
            **{k: node.get(k) for k in keys},
        }
    if kind == "mcp":
        return {"type": "mcp", "name": str(node.get("mcp_tool_name") or name), "mcp_id": node.get("mcp_id")}
    if kind not in _BUILTIN_NODE_TOOLS:
        return None
    tool: dict[str, Any] = {"type": _BUILTIN_NODE_TOOLS[kind], "name": name, "description": f"Task {_name(node)!r}."}
    if kind == "sms":
        content = str(spoken.get("text") or "")
        static = spoken.get("type") == "static_text"
        tool["sms_content"] = {"type": "predefined", "content": content} if static else {"type": "inferred"}
        tool["description"] += "" if static else f" Write the text: {content}"
        tool["sms_destination"] = node.get("sms_destination")
        return tool
    for key in ("variables", "transfer_destination", "transfer_option", "agent_id", "agent_version"):
        if key in node:
            tool[key] = node[key]
    return {**tool, **speak}


def tools(it: FlowInterpreter) -> tuple[list[Mapping[str, Any]], list[ToolSchema], dict[str, str]]:
    """The flex node's tools, its exits (``finish_component`` in a component) and each node's function name."""
    out: dict[str, Mapping[str, Any]] = {}
    names: dict[str, str] = {}
    exits: list[ToolSchema] = []
    for node in it.frame.nodes.values():
        kind, nid = str(node.get("type")), str(node.get("id"))
        if kind == "component":
            raise Stop(
                f"{it.where(node).text}: a component node inside a flex-mode flow is not supported by the local "
                "engine yet (turn flex_mode off, or set it on the component instead)",
                node_id=nid,
            )
        if kind == "end" and it.frame.parent is not None:
            exits, names[nid] = [FINISH], FINISH.name
            continue
        if kind == "end":
            found: list[Mapping[str, Any] | None] = [
                {"type": "end_call", "name": "end_call", "description": "End the call."}
            ]
        elif kind == "subagent":
            found = [it.tool(t) for t in node.get("tool_ids") or ()]
        else:
            found = [_node_tool(it, node)]
        for tool in found:
            if tool is None:
                continue
            name, n = str(tool.get("name") or tool.get("type")), 1
            while name in out and out[name] != {**tool, "name": name}:  # a different tool of the same name
                n += 1
                name = f"{str(tool.get('name') or tool.get('type'))[:60]}_{n}"
            out[name] = {**tool, "name": name}
            if kind != "subagent":
                names[nid] = name
    return list(out.values()), exits, names


def system_prompt(it: FlowInterpreter) -> str:
    """The compiled prompt: the global prompt, every task, the flow's knowledge."""
    _, _, names = tools(it)
    frame = it.frame
    nodes = list(frame.nodes.values())
    start = frame.nodes.get(str(frame.start_node_id))
    if start is not None:
        nodes = [start, *(n for n in nodes if n is not start)]
    intro = (
        "## Tasks\nHandle the conversation through these tasks. Begin with the first; take up any task "
        "whenever the conversation needs it, and never repeat steps already done."
    )
    parts = [it.core.substitute(str(it.flow.get("global_prompt") or "")), intro]
    parts += [_task(it, n, names) for n in nodes]
    parts.append(it.core.retrieve(list(it.flow.get("knowledge_base_ids") or ()), it.flow.get("kb_config")))
    return "\n\n".join(p for p in parts if p)


async def respond(it: FlowInterpreter) -> Go | None:
    """One single-prompt agent turn; in a component, ``finish_component`` returns the parent's next edge."""
    listed, exits, _ = tools(it)
    model, temperature = model_settings(it.flow)
    taken = await agent_turn(
        it.core,
        it.where(),
        system=system_prompt(it),
        tools=listed,
        transitions=exits,
        retell_model=model,
        temperature=temperature,
    )
    if taken is None:
        return None
    parent = it.leave_component()
    go = await it.choose(parent, user_turn=False)
    if go is None:
        raise Stop(
            f"component node {_name(parent)!r} has no edge to follow after its flex-mode component finished "
            "(it needs an else_edge)",
            node_id=str(parent.get("id")),
        )
    return go
