"""The built-in effects flow nodes and Retell LLM tools share: end, transfer, SMS, digits, swap, extract.

Choices where Retell's docs are silent:

- A **transfer** needs a phone call: on a web call or a chat it fails at once with a
  :class:`TransferAttempted` ``successful=False`` (the flow then takes its failure edge; a Retell
  LLM gets a failed tool result and goes on). On a phone call it succeeds and the conversation
  ends with ``call_transfer``; an ``agentic_warm_transfer`` first asks the session's transfer
  agent, when it has one (:mod:`~retell_dsl.sim.runtime.transfer_agent`): a cancel is a failed
  transfer. A ``predefined`` destination has its variables substituted; an
  ``inferred`` one is written by the model (``purpose="tool_arguments"``).
- An **SMS** goes to ``sms_destination`` or the customer's number; with no number (web calls,
  chats) it fails. Nothing is sent anywhere: :class:`SmsSent` records it.
- **Agent swap** asks the session's resolver for the destination; an unknown agent (or no
  resolver) is a failed swap.
- **Bridge / cancel transfer** (the transfer agent's side of an agentic warm transfer, see
  :class:`~retell_dsl.sim.runtime.config.WarmTransfer`): with a transfer in progress, bridging
  connects the caller on hold to the transfer target and ends the transfer agent's call with
  ``transfer_bridged``; cancelling sends the caller back to the main agent and ends it with
  ``transfer_cancelled``. With no transfer in progress (a chat, a web call, a phone call that is
  not a transfer leg: how a transfer agent is tried out before it is used) there is nothing to
  bridge or cancel: the tool result is a failure saying so, and the call still ends, as both
  actions end the transfer agent's call by definition, with ``agent_hangup`` (the agent hung
  up; no transfer was bridged or cancelled). Retell documents neither case's reason for a
  session that is not a transfer leg; this is the engine's choice.
- **Extraction** asks the model (``purpose="extraction"``) to call one forced function whose
  parameters are the variables (string, number, boolean, enum); values become strings.

>>> extraction_schema([{"type": "enum", "name": "topic", "description": "Topic", "choices": ["a", "b"]}])
{'type': 'object', 'properties': {'topic': {'type': 'string', 'description': 'Topic', 'enum': ['a', 'b']}}}
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from retell_dsl.sim.events import AgentSwapped, Dtmf, Ended, SmsSent, TransferAttempted, Utterance
from retell_dsl.sim.models import ToolSchema
from retell_dsl.sim.runtime.core import AgentEngine, Core, Stop, Where
from retell_dsl.sim.runtime.transfer_agent import TransferRequest

__all__ = [
    "BUILTIN_TYPES",
    "TRANSFER_DECISIONS",
    "Finished",
    "HandedOver",
    "end",
    "extract",
    "extraction_schema",
    "hand_over",
    "press_digits",
    "say",
    "send_sms",
    "settle_transfer",
    "swap_target",
    "transfer",
]

EXTRACT_TOOL = "extract_dynamic_variables"
#: Tool types whose effect the engine simulates itself (everything else runs through the ToolRunner).
BUILTIN_TYPES = frozenset(
    {
        "end_call",
        "transfer_call",
        "press_digit",
        "send_sms",
        "extract_dynamic_variable",
        "agent_swap",
        "bridge_transfer",
        "cancel_transfer",
    }
)
#: The ``disconnection_reason`` of the transfer agent's call after each decision.
TRANSFER_DECISIONS = {"bridge_transfer": "transfer_bridged", "cancel_transfer": "transfer_cancelled"}
_TYPES = {"string": "string", "number": "number", "boolean": "boolean", "enum": "string"}


class Finished(Exception):
    """Raised after :class:`Ended` was appended, to unwind the interpreter."""


class HandedOver(Exception):
    """Raised after an agent swap handed the conversation to the destination's engine."""


async def hand_over(core: Core, target: AgentEngine) -> None:
    """Continue in ``target`` (its engine starts with the whole history), then unwind this engine."""
    if core.switch is None:
        raise Stop("an agent swap succeeded but the session cannot switch engines")
    await core.switch(target)
    raise HandedOver(target.agent.get("agent_id", ""))


def say(core: Core, where: Where, text: str) -> None:
    """The agent speaks ``text`` (nothing is appended for blank text)."""
    if text.strip():
        core.emit(Utterance(at_ms=core.now(), role="agent", content=text, node_id=where.node_id, state=where.state))


def end(core: Core, reason: str) -> NoReturn:
    """Append :class:`Ended` and unwind."""
    core.emit(Ended(at_ms=core.now(), reason=reason))
    raise Finished(reason)


async def transfer(
    core: Core,
    where: Where,
    destination: Mapping[str, Any] | None,
    option: Mapping[str, Any] | None,
    *,
    inferred_number: str | None = None,
) -> tuple[bool, str]:
    """Attempt a transfer; returns ``(successful, what happened)`` (a success ends the call)."""
    kind = str((option or {}).get("type") or "cold_transfer")
    dest = destination or {}
    if dest.get("type") == "inferred" and not inferred_number:
        schema = {
            "type": "object",
            "properties": {"number": {"type": "string", "description": "Phone number or SIP URI"}},
            "required": ["number"],
        }
        tool = ToolSchema("transfer_destination", str(dest.get("prompt") or "Where to transfer the call"), schema)
        reply = await core.ask(where, "tool_arguments", tools=(tool,), tool_choice=tool.name)
        inferred_number = str(reply.tool_calls[0].arguments.get("number") or "")
    number = inferred_number or core.substitute(str(dest.get("number") or ""))
    if not number:
        raise Stop(f"{where.text}: the transfer has no destination number", node_id=where.node_id, state=where.state)
    if not core.facts.is_phone_call:
        why = f"transfers need a phone call; this session is a {core.facts.call_type.replace('_', ' ')}"
        core.emit(TransferAttempted(at_ms=core.now(), destination=number, option=kind, successful=False, reason=why))
        return False, f"Transfer failed: {why}."
    if kind == "agentic_warm_transfer" and core.transfer_agent is not None:
        refused = await _ask_transfer_agent(core, number, (option or {}).get("agentic_transfer_config"))
        if refused is not None:
            core.emit(
                TransferAttempted(at_ms=core.now(), destination=number, option=kind, successful=False, reason=refused)
            )
            return False, f"Transfer failed: {refused}."
    core.emit(TransferAttempted(at_ms=core.now(), destination=number, option=kind))
    return True, f"Transferred to {number}."


async def _ask_transfer_agent(core: Core, number: str, config: object) -> str | None:
    """The transfer agent's decision: ``None`` when it bridged, else why the transfer failed."""
    assert core.transfer_agent is not None
    request = TransferRequest(
        destination=number,
        config=config if isinstance(config, Mapping) else {},
        facts=core.facts,
        model=core.model,
        clock=core.clock,
        limits=core.limits,
    )
    try:
        decision: object = await core.transfer_agent(request)
    except Exception as exc:  # a failing transfer agent is a failed transfer, never a traceback
        return f"the transfer agent failed: {exc}"
    if decision == "bridge_transfer":
        return None
    if decision == "cancel_transfer":
        return "the transfer agent cancelled the transfer"
    return f"the transfer agent answered {decision!r}, not bridge_transfer or cancel_transfer"


def settle_transfer(core: Core, call_id: str, kind: str) -> NoReturn:
    """Bridge or cancel the warm transfer in progress (``kind`` is the node or tool type), then end the call.

    The caller has appended the :class:`~retell_dsl.sim.events.ToolInvoked`; this appends its
    result and :class:`Ended` (see the module docstring for a session with no transfer).
    """
    bridge = kind == "bridge_transfer"
    if core.facts.warm_transfer is None:
        what = "bridge" if bridge else "cancel"
        kind_of = core.facts.call_type.replace("_", " ")
        core.returned(
            call_id,
            f"No transfer is in progress (this session is a {kind_of}, not a warm transfer's transfer agent "
            f"leg): there is no transfer to {what}. The call ends.",
            successful=False,
        )
        end(core, "agent_hangup")
    if bridge:
        core.returned(call_id, "Transfer bridged: the caller is connected to the transfer target.")
    else:
        core.returned(call_id, "Transfer cancelled: the caller goes back to the main agent.")
    end(core, TRANSFER_DECISIONS[kind])


def send_sms(core: Core, content: str, destination: Mapping[str, Any] | None) -> bool:
    """Record an SMS to ``destination`` (default: the customer's number); false when there is no number."""
    number = core.substitute(str((destination or {}).get("number") or "")) or core.facts.user_number
    ok = bool(number) and core.facts.session_type == "voice"
    core.emit(SmsSent(at_ms=core.now(), content=content, to_number=number or None, successful=ok))
    return ok


def press_digits(core: Core, digits: str) -> None:
    """The agent presses each key of ``digits``."""
    for digit in digits:
        core.emit(Dtmf(at_ms=core.now(), digit=digit, by="agent"))


def swap_target(core: Core, agent_id: str, version: object) -> AgentEngine | None:
    """The destination engine of an agent swap, with :class:`AgentSwapped` appended either way."""
    number = version if isinstance(version, int) and not isinstance(version, bool) else None
    target: AgentEngine | None = None
    if core.resolver is not None and agent_id:
        try:
            found = core.resolver(agent_id, number)
        except Exception:  # a resolver fault is a failed swap, never a traceback
            found = None
        target = found if isinstance(found, AgentEngine) else None
    core.emit(AgentSwapped(at_ms=core.now(), agent_id=agent_id, agent_version=number, successful=target is not None))
    return target


def extraction_schema(variables: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of the forced extraction function."""
    properties: dict[str, Any] = {}
    for var in variables:
        prop: dict[str, Any] = {"type": _TYPES.get(str(var.get("type")), "string")}
        if var.get("description"):
            prop["description"] = str(var["description"])
        if var.get("type") == "enum" and isinstance(var.get("choices"), list):
            prop["enum"] = list(var["choices"])
        properties[str(var.get("name"))] = prop
    return {"type": "object", "properties": properties}


async def extract(
    core: Core,
    where: Where,
    variables: Sequence[Mapping[str, Any]],
    *,
    system: str = "",
    description: str = "Extract these values from the conversation",
) -> dict[str, str]:
    """Ask the model for the variables, store them, and return what was set."""
    if not variables:
        return {}
    tool = ToolSchema(EXTRACT_TOOL, description, extraction_schema(variables))
    reply = await core.ask(where, "extraction", system=system, tools=(tool,), tool_choice=tool.name)
    args = reply.tool_calls[0].arguments
    names = {str(v.get("name")) for v in variables}
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in args.items() if k in names and v is not None}
    core.set_variables(values, "extraction")
    return values
