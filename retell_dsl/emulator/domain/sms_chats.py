"""Outbound SMS chats (create-sms-chat, retell-api.md §1.9): a chat agent texts a phone number from an owned one.

The chat is an ordinary chat with ``chat_type: "sms_chat"``; it runs on the chat agent's
engine like any chat (the engine sees the chat's type, numbers and direction in
``AgentSnapshot.conversation``; Retell's ``session_type`` system variable is ``chat`` for SMS
too). ``from_number`` must be a number of the account; the agent is ``override_agent_id`` (at
``override_agent_version``), else one of the number's weighted ``outbound_sms_agents``. The
agent's opening message is generated at once by the engine (``ChatOpener.open_chat``) and stored
as the chat's first message(s).

**Not emulated** (there is no SMS network): nothing is delivered to ``to_number``; the
recipient's replies are given with create-chat-completion on the chat (an emulator leniency:
on Retell they arrive by SMS); SMS capability of numbers is not modelled (every owned number can
text); ``honor_internal_dnc`` is accepted, but the emulator keeps no do-not-call contacts, so no
chat is refused for it; inbound SMS to an owned number (``inbound_sms_agents``) is not simulated.
The chat's private keys ``_from_number``, ``_to_number``, ``_direction`` keep the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.calls import bound_agent, check_e164, check_metadata, fail_on
from retell_dsl.emulator.domain.chats import append_messages, chat_agent, create_chat
from retell_dsl.emulator.domain.conversation import chat_snapshot, record_turn
from retell_dsl.emulator.engine_port import ChatOpener, ChatTurn
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["create_sms_chat"]


def _agent(state: State, params: Mapping[str, Any]) -> Document:
    if params.get("override_agent_id"):
        return chat_agent(state, str(params["override_agent_id"]), params.get("override_agent_version"))
    if params.get("override_agent_version") is not None:
        raise bad_request("override_agent_version needs override_agent_id")
    return bound_agent(state, str(params["from_number"]), "outbound_sms_agents")


def create_sms_chat(state: State, engine: ChatOpener, params: Mapping[str, Any]) -> Document:
    """Store an ongoing ``sms_chat`` and its opening message; returns the chat document."""
    problems = check_e164(params["from_number"], "from_number") + check_e164(params["to_number"], "to_number")
    fail_on(problems + check_metadata(params.get("metadata")))
    if state.store.get("phone_number", str(params["from_number"])) is None:
        raise bad_request(
            f"from_number {params['from_number']} is not a phone number of this account; buy or import it first"
        )
    agent = _agent(state, params)
    fields = {
        "agent_id": agent["agent_id"],
        "agent_version": int(agent["version"]),
        "metadata": params.get("metadata"),
        "retell_llm_dynamic_variables": params.get("retell_llm_dynamic_variables"),
    }
    doc = create_chat(state, fields)
    doc.update(
        chat_type="sms_chat",
        _from_number=params["from_number"],
        _to_number=params["to_number"],
        _direction="outbound",
    )
    state.store.put("chat", doc["chat_id"], doc)
    variables = dict(doc.get("retell_llm_dynamic_variables") or {})
    snapshot = chat_snapshot(state, doc)
    with state.store.released():  # the chat is stored first: the opening turn may take a while
        turn = engine.open_chat(snapshot, variables)
    if not isinstance(turn, ChatTurn):
        raise TypeError(f"ChatOpener.open_chat must return a ChatTurn, got {type(turn).__name__}")
    append_messages(state, doc["chat_id"], [dict(m) for m in turn.messages])
    record_turn(state, doc["chat_id"], turn)
    return state.require("chat", doc["chat_id"])
