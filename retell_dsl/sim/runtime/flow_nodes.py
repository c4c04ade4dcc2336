"""What each conversation-flow node type does: two dispatch tables keyed by the node's ``type``.

``ENTER[type]`` runs when the caller arrives at a node and returns the next transition, or
``None`` to wait for the user. ``REPLY[type]`` is how a node answers a user turn that took no
edge (types without an entry stay silent). Choices where Retell is silent:

- **function / mcp**: tool arguments are the model's (``purpose="tool_arguments"``) unless the
  tool's parameters are empty or every property has a ``const`` (then no model is asked). With
  ``wait_for_result`` the edges are chosen after the result; without it they are chosen first
  (the result's variables cannot steer them) and the result is recorded before the transition.
  The node speaks its instruction first when ``speak_during_execution`` is set (on the node, or
  on the tool when the node leaves it unset); without an instruction, the tool's execution
  message (a ``prompt`` one through the model, skipped with no model configured).
- **press_digit**: on arrival and after each user turn (the IVR speaking) that took no edge,
  the model (``purpose="tool_arguments"``) may call ``press_digit``; the key is pressed after
  ``delay_ms`` of conversation time. Deciding on a key always needs a model.
- **sms**: static text is sent as written (variables substituted); a prompt is written by the model.
- **agent_swap**: the destination's engine starts at once (its start node, or its Retell LLM's
  begin message rules with the agent speaking), with the whole history.
- **bridge_transfer / cancel_transfer** (the transfer agent's side of an agentic warm transfer,
  see :func:`~retell_dsl.sim.runtime.builtins.settle_transfer`): the node says its instruction
  first when ``speak_during_execution`` is set, records a tool call named like the node (type
  ``bridge_transfer`` / ``cancel_transfer``, arguments ``{}``) and ends the transfer agent's
  call: ``transfer_bridged`` / ``transfer_cancelled`` while a transfer is in progress; with
  none (a chat, a web call) a failed result saying so and ``agent_hangup``. Neither node has
  edges.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from retell_dsl.sim.models import ToolSchema
from retell_dsl.sim.runtime import builtins
from retell_dsl.sim.runtime.core import Stop
from retell_dsl.sim.runtime.flow import FlowInterpreter
from retell_dsl.sim.runtime.flow_edges import Go
from retell_dsl.sim.runtime.turns import agent_turn, execution_message, tool_schema

__all__ = ["ENTER", "REPLY", "enter", "on_user"]

Node = Mapping[str, Any]
Enter = Callable[[FlowInterpreter, Node], Awaitable[Go | None]]
Reply = Callable[[FlowInterpreter, Node], Awaitable[None]]


def _instruction(node: Node) -> tuple[str | None, str]:
    raw = node.get("instruction")
    if not isinstance(raw, Mapping) or not raw.get("text"):
        return None, ""
    return str(raw.get("type") or "prompt"), str(raw["text"])


def _single(node: Node, slot: str) -> Go | None:
    edge = node.get(slot)
    if isinstance(edge, Mapping):
        return Go(edge_id=edge.get("id"), destination=edge.get("destination_node_id"))
    return None


def _required(it: FlowInterpreter, node: Node, slot: str) -> Go:
    go = _single(node, slot)
    if go is None:
        raise Stop(f"{it.where(node).text} has no {slot}", node_id=str(node.get("id")))
    return go


async def _generate(it: FlowInterpreter, node: Node) -> None:
    model, temperature = it.model_of(node)
    reply = await it.core.ask(
        it.where(node), "reply", system=it.prompt(node), retell_model=model, temperature=temperature
    )
    builtins.say(it.core, it.where(node), reply.text or "")


async def _speak(it: FlowInterpreter, node: Node) -> None:
    kind, text = _instruction(node)
    if kind == "static_text":
        builtins.say(it.core, it.where(node), it.core.substitute(text))
    elif kind is not None:
        await _generate(it, node)


async def enter_conversation(it: FlowInterpreter, node: Node) -> Go | None:
    """Say the static text (or a reply generated from the prompt); a skip-response edge leaves at once."""
    await _speak(it, node)
    return _single(node, "skip_response_edge")


async def reply_subagent(it: FlowInterpreter, node: Node) -> None:
    """A multi-turn reply with the node's tools."""
    tools = [it.tool(t) for t in node.get("tool_ids") or ()]
    model, temperature = it.model_of(node)
    await agent_turn(
        it.core, it.where(node), system=it.prompt(node), tools=tools, retell_model=model, temperature=temperature
    )


async def enter_subagent(it: FlowInterpreter, node: Node) -> Go | None:
    """Reply (with tools) on arrival; a skip-response edge leaves at once."""
    await reply_subagent(it, node)
    return _single(node, "skip_response_edge")


def _constant_arguments(tool: Mapping[str, Any], substitute: Callable[[str], str]) -> dict[str, object] | None:
    params = tool.get("parameters")
    props = params.get("properties") if isinstance(params, Mapping) else None
    if not props:
        return {}
    if all(isinstance(p, Mapping) and "const" in p for p in props.values()):
        return {k: substitute(p["const"]) if isinstance(p["const"], str) else p["const"] for k, p in props.items()}
    return None


async def _arguments(it: FlowInterpreter, node: Node, tool: Mapping[str, Any]) -> str:
    args = _constant_arguments(tool, it.core.substitute)
    if args is not None:
        return json.dumps(args)
    schema = tool_schema({**tool, "type": "custom"}, it.core.substitute)
    model, temperature = it.model_of(node)
    reply = await it.core.ask(
        it.where(node),
        "tool_arguments",
        system=it.prompt(node),
        tools=(schema,),
        tool_choice=schema.name,
        retell_model=model,
        temperature=temperature,
    )
    return reply.tool_calls[0].raw_arguments


async def enter_function(it: FlowInterpreter, node: Node) -> Go | None:
    """Call the node's tool, then choose an edge (before the result when not waiting for it)."""
    tool = it.tool(node.get("tool_id"))
    speak = node.get("speak_during_execution")
    if speak or (speak is None and tool.get("speak_during_execution")):
        if _instruction(node)[0] is not None:
            await _speak(it, node)
        else:
            await execution_message(it.core, it.where(node), tool, system=it.prompt(node))
    arguments = await _arguments(it, node, tool)
    go = None if node.get("wait_for_result", True) else await it.choose(node, user_turn=False)
    name = str(tool.get("name") or node.get("tool_id"))
    await it.core.run_tool(it.where(node), tool, name, it.core.next_id(), arguments)
    return go if not node.get("wait_for_result", True) else await it.choose(node, user_turn=False)


async def enter_code(it: FlowInterpreter, node: Node) -> Go | None:
    """Run the node's JavaScript, then choose an edge (before the result when not waiting for it)."""
    core = it.core
    go = None if node.get("wait_for_result", True) else await it.choose(node, user_turn=False)
    call_id = core.next_id()
    core.invoked(it.where(node), call_id, str(node.get("name") or node.get("id")), "code")
    result = await core.runner.run_code_node(node, core.tool_context())
    error = result.error.kind.value if result.error is not None else None
    core.returned(call_id, result.content, successful=result.successful, source=result.source, error=error)
    core.set_variables(result.variables, f"code:{node.get('name') or node.get('id')}")
    return go if not node.get("wait_for_result", True) else await it.choose(node, user_turn=False)


async def enter_mcp(it: FlowInterpreter, node: Node) -> Go | None:
    """Call the node's MCP tool (offline: a failed result unless a handler answers it), then choose an edge."""
    name = str(node.get("mcp_tool_name") or node.get("name") or "mcp")
    tool = {
        "type": "mcp",
        "name": name,
        "mcp_id": node.get("mcp_id"),
        "response_variables": node.get("response_variables"),
    }
    go = None if node.get("wait_for_result", True) else await it.choose(node, user_turn=False)
    await it.core.run_tool(it.where(node), tool, name, it.core.next_id(), "{}")
    return go if not node.get("wait_for_result", True) else await it.choose(node, user_turn=False)


async def enter_extract(it: FlowInterpreter, node: Node) -> Go | None:
    """Extract the node's variables with the model, then choose an edge."""
    await builtins.extract(it.core, it.where(node), node.get("variables") or [], system=it.prompt(node))
    return await it.choose(node, user_turn=False)


async def enter_branch(it: FlowInterpreter, node: Node) -> Go | None:
    """Never speaks: equations, then prompt conditions, then the (required) else edge."""
    go = await it.choose(node, user_turn=False)
    if go is None:
        raise Stop(
            f"{it.where(node).text}: no branch condition holds and there is no else_edge", node_id=str(node.get("id"))
        )
    return go


async def enter_transfer(it: FlowInterpreter, node: Node) -> Go | None:
    """Transfer (phone calls only); a failure takes the node's ``edge``."""
    core, where = it.core, it.where(node)
    call_id = core.next_id()
    core.invoked(where, call_id, str(node.get("name") or node.get("id")), "transfer_call")
    ok, what = await builtins.transfer(core, where, node.get("transfer_destination"), node.get("transfer_option"))
    core.returned(call_id, what, successful=ok)
    if ok:
        builtins.end(core, "call_transfer")
    return _required(it, node, "edge")


async def press_digit(it: FlowInterpreter, node: Node) -> None:
    """The model decides whether to press a key now."""
    core, where = it.core, it.where(node)
    tool = ToolSchema("press_digit", "Press a key on the phone keypad", tool_schema({"type": "press_digit"}).parameters)
    model, temperature = it.model_of(node)
    reply = await core.ask(
        where, "tool_arguments", system=it.prompt(node), tools=(tool,), retell_model=model, temperature=temperature
    )
    for call in reply.tool_calls:
        delay = node.get("delay_ms")
        core.skipped_ms += delay if isinstance(delay, int) and delay > 0 else 0
        core.invoked(where, call.id, str(node.get("name") or node.get("id")), "press_digit", call.raw_arguments)
        digits = str(call.arguments.get("digit") or "")
        builtins.press_digits(core, digits)
        core.returned(call.id, f"Pressed {digits}.", successful=bool(digits))


async def enter_press_digit(it: FlowInterpreter, node: Node) -> Go | None:
    """Decide on a key press, then wait for the IVR (edges are checked after each of its turns)."""
    await press_digit(it, node)
    return None


async def enter_sms(it: FlowInterpreter, node: Node) -> Go | None:
    """Send the text; ``success_edge`` or ``failed_edge``."""
    core, where = it.core, it.where(node)
    kind, text = _instruction(node)
    if kind == "static_text":
        content = core.substitute(text)
    else:
        model, temperature = it.model_of(node)
        reply = await core.ask(where, "reply", system=it.prompt(node), retell_model=model, temperature=temperature)
        content = reply.text or ""
    call_id = core.next_id()
    core.invoked(where, call_id, str(node.get("name") or node.get("id")), "send_sms", json.dumps({"content": content}))
    ok = builtins.send_sms(core, content, node.get("sms_destination"))
    core.returned(call_id, "SMS sent." if ok else "SMS failed: the session has no phone number to text.", successful=ok)
    return _required(it, node, "success_edge" if ok else "failed_edge")


async def enter_agent_swap(it: FlowInterpreter, node: Node) -> Go | None:
    """Continue in the destination agent; the node's ``edge`` when the swap fails."""
    core, where = it.core, it.where(node)
    agent_id = str(node.get("agent_id") or "")
    call_id = core.next_id()
    core.invoked(
        where, call_id, str(node.get("name") or node.get("id")), "agent_swap", json.dumps({"agent_id": agent_id})
    )
    target = builtins.swap_target(core, agent_id, node.get("agent_version"))
    if target is None:
        core.returned(call_id, f"Agent swap failed: agent {agent_id!r} is not available.", successful=False)
        return _required(it, node, "edge")
    core.returned(call_id, "Swapped.")
    await builtins.hand_over(core, target)
    return None


async def enter_component(it: FlowInterpreter, node: Node) -> Go | None:
    """Enter the component's start node."""
    return it.enter_component(node)


async def enter_end(it: FlowInterpreter, node: Node) -> Go | None:
    """Speak the instruction, then hang up, or hand control back to the component node's edges."""
    await _speak(it, node)
    if len(it.frames) == 1:
        builtins.end(it.core, "agent_hangup")
    parent = it.leave_component()
    go = await it.choose(parent, user_turn=False)
    if go is None:
        raise Stop(
            f"component node {parent.get('name') or parent.get('id')!r} has no edge to follow after its "
            "component ended (it needs an else_edge)",
            node_id=str(parent.get("id")),
        )
    return go


async def enter_settle_transfer(it: FlowInterpreter, node: Node) -> Go | None:
    """Bridge or cancel the warm transfer (the transfer agent's decision); the call ends either way."""
    core, where, kind = it.core, it.where(node), str(node.get("type"))
    if node.get("speak_during_execution"):
        await _speak(it, node)
    call_id = core.next_id()
    core.invoked(where, call_id, str(node.get("name") or node.get("id")), kind)
    builtins.settle_transfer(core, call_id, kind)


async def _unsupported(it: FlowInterpreter, node: Node) -> Go | None:
    known = ", ".join(repr(k) for k in ENTER)
    raise Stop(
        f"{it.where(node).text}: node type {node.get('type')!r} is not a conversation-flow node type (known: {known})",
        node_id=str(node.get("id")),
    )


ENTER: dict[str, Enter] = {
    "conversation": enter_conversation,
    "subagent": enter_subagent,
    "function": enter_function,
    "code": enter_code,
    "mcp": enter_mcp,
    "extract_dynamic_variables": enter_extract,
    "branch": enter_branch,
    "transfer_call": enter_transfer,
    "press_digit": enter_press_digit,
    "sms": enter_sms,
    "agent_swap": enter_agent_swap,
    "component": enter_component,
    "end": enter_end,
    "bridge_transfer": enter_settle_transfer,
    "cancel_transfer": enter_settle_transfer,
}

REPLY: dict[str, Reply] = {
    "conversation": _generate,
    "subagent": reply_subagent,
    "press_digit": press_digit,
}


async def enter(it: FlowInterpreter, node: Node) -> Go | None:
    """Run the arrival handler of ``node``'s type (in a flex-mode frame: one single-prompt turn)."""
    if it.frame.flex:
        from retell_dsl.sim.runtime.flow_flex import respond

        return await respond(it)
    handler = ENTER.get(str(node.get("type")), _unsupported)
    return await handler(it, node)


async def on_user(it: FlowInterpreter, node: Node) -> Go | None:
    """A user turn at ``node``: an edge to take, or the node's reply (and ``None``); flex: the agent's turn."""
    if it.frame.flex:
        from retell_dsl.sim.runtime.flow_flex import respond

        return await respond(it)
    go = await it.choose(node, user_turn=True)
    if go is not None:
        return go
    reply = REPLY.get(str(node.get("type")))
    if reply is not None:
        await reply(it, node)
    return None
