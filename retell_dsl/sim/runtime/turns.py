"""One agent turn with tools: ask the model, speak, run the tools it calls, ask again, within bounds.

Used by Retell LLM states and subagent nodes. Each wire tool is offered as a function (its
``description`` with variables substituted; ``parameters`` as given); built-in tool types take
effect here (:mod:`~retell_dsl.sim.runtime.builtins`), ``custom`` / ``code`` / ``mcp`` run
through the :class:`~retell_dsl.sim.tools.ToolRunner`. A transition function ends the turn and
is handed back to the caller. A tool whose ``speak_during_execution`` is set says its
execution message before running (:func:`execution_message`): a ``static_text`` one as written;
a ``prompt`` one is written by the model (``purpose="reply"``, no tools offered), and skipped
when no model is configured: the engine never invents the words. After ``Limits.max_steps`` model calls without a
reply that calls no tool, the conversation ends with an error (a loop guard).

>>> tool_schema({"type": "press_digit", "name": "press"}).parameters["required"]
['digit']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.sim.models import Message, NoModel, ToolCall, ToolSchema
from retell_dsl.sim.runtime import builtins
from retell_dsl.sim.runtime.core import Core, Stop, Where

__all__ = ["agent_turn", "execution_message", "run_tool_call", "tool_schema"]

_NO_PARAMETERS: dict[str, Any] = {"type": "object", "properties": {}}
_DIGIT = {
    "type": "object",
    "properties": {"digit": {"type": "string", "description": "The key(s) to press"}},
    "required": ["digit"],
}
_SMS = {
    "type": "object",
    "properties": {"content": {"type": "string", "description": "The text to send"}},
    "required": ["content"],
}


def tool_schema(tool: Mapping[str, Any], substitute: Any = None) -> ToolSchema:
    """The function a wire tool is offered as."""
    kind = tool.get("type")
    description = str(tool.get("description") or "")
    if substitute is not None:
        description = substitute(description)
    if kind == "press_digit":
        parameters: Mapping[str, Any] = _DIGIT
    elif kind == "send_sms" and (tool.get("sms_content") or {}).get("type") == "inferred":
        parameters = _SMS
    elif kind in ("custom", "code", "mcp") or (kind not in builtins.BUILTIN_TYPES and tool.get("parameters")):
        parameters = tool.get("parameters") or _NO_PARAMETERS
    else:
        parameters = _NO_PARAMETERS
    return ToolSchema(str(tool.get("name") or kind or "tool"), description, dict(parameters))


async def execution_message(core: Core, where: Where, tool: Mapping[str, Any], *, system: str = "") -> None:
    """Say ``tool``'s execution message while it runs: static text as written, a prompt through the model.

    With no model configured a ``prompt`` message is skipped (nothing is said, nothing invented).
    """
    message = str(tool.get("execution_message_description") or "")
    if not message.strip():
        return
    if tool.get("execution_message_type", "static_text") != "prompt":
        builtins.say(core, where, core.substitute(message))
        return
    if isinstance(core.model, NoModel):
        return
    name = str(tool.get("name") or tool.get("type") or "a tool")
    ask = (
        f"You are now running the tool {name!r}; it takes a moment. Say one short sentence to the user "
        f"while it runs, following this instruction: {core.substitute(message)}"
    )
    reply = await core.ask(where, "reply", system=system, extra=(Message.system(ask),))
    builtins.say(core, where, reply.text or "")


async def run_tool_call(core: Core, where: Where, tool: Mapping[str, Any], call: ToolCall, *, system: str = "") -> None:
    """Take the effect of one tool call (may end the conversation or hand it over)."""
    kind = str(tool.get("type") or "custom")
    name = call.name
    if tool.get("speak_during_execution"):
        await execution_message(core, where, tool, system=system)
    if kind in ("custom", "code", "mcp") or kind not in builtins.BUILTIN_TYPES:
        await core.run_tool(where, tool, name, call.id, call.raw_arguments)
        return
    core.invoked(where, call.id, name, kind, call.raw_arguments)
    if kind == "end_call":
        core.returned(call.id, "Call ended.")
        builtins.end(core, "agent_hangup")
    elif kind == "transfer_call":
        inferred = call.arguments.get("number")
        ok, what = await builtins.transfer(
            core,
            where,
            tool.get("transfer_destination"),
            tool.get("transfer_option"),
            inferred_number=str(inferred) if inferred else None,
        )
        core.returned(call.id, what, successful=ok)
        if ok:
            builtins.end(core, "call_transfer")
    elif kind == "press_digit":
        digits = str(call.arguments.get("digit") or "")
        builtins.press_digits(core, digits)
        core.returned(call.id, f"Pressed {digits}." if digits else "No digit pressed.", successful=bool(digits))
    elif kind == "send_sms":
        content_wire = tool.get("sms_content") or {}
        text = str(call.arguments.get("content") or content_wire.get("content") or "")
        ok = builtins.send_sms(core, core.substitute(text), tool.get("sms_destination"))
        core.returned(
            call.id, "SMS sent." if ok else "SMS failed: the session has no phone number to text.", successful=ok
        )
    elif kind == "extract_dynamic_variable":
        values = await builtins.extract(
            core,
            where,
            tool.get("variables") or [],
            system=system,
            description=str(tool.get("description") or "Extract variables"),
        )
        core.returned(call.id, json.dumps(values))
    elif kind in builtins.TRANSFER_DECISIONS:
        builtins.settle_transfer(core, call.id, kind)
    elif kind == "agent_swap":
        target = builtins.swap_target(core, str(tool.get("agent_id") or ""), tool.get("agent_version"))
        if target is None:
            core.returned(
                call.id, f"Agent swap failed: agent {tool.get('agent_id')!r} is not available.", successful=False
            )
            return
        core.returned(call.id, "Swapped.")
        await builtins.hand_over(core, target)


async def agent_turn(
    core: Core,
    where: Where,
    *,
    system: str,
    tools: Sequence[Mapping[str, Any]],
    transitions: Sequence[ToolSchema] = (),
    retell_model: str | None = None,
    temperature: float | None = None,
) -> tuple[ToolSchema, ToolCall] | None:
    """Ask, speak and run tools until the model answers without a tool call (``None``) or takes a transition."""
    by_name = {str(t.get("name") or t.get("type")): t for t in tools}
    schemas = [tool_schema(t, core.substitute) for t in tools] + list(transitions)
    moves = {t.name: t for t in transitions}
    for _ in range(core.limits.max_steps):
        reply = await core.ask(
            where, "reply", system=system, tools=schemas, retell_model=retell_model, temperature=temperature
        )
        builtins.say(core, where, reply.text or "")
        if not reply.tool_calls:
            return None
        for call in reply.tool_calls:
            if call.name in moves:
                return moves[call.name], call
            await run_tool_call(core, where, by_name[call.name], call, system=system)
    raise Stop(
        f"{where.text}: the model made {core.limits.max_steps} calls in one turn without a final reply "
        "(raise Limits.max_steps, or make the tools' results let it answer)",
        node_id=where.node_id,
        state=where.state,
    )
