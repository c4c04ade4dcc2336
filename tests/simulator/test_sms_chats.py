"""Outbound SMS chats (create-sms-chat) on the local engine, through the official SDK (strict validation)."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from retell_dsl.sim.models import NoModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.call_fakes import ScriptEngine
from tests.emulator.conftest import Api
from tests.simulator.agents import agent, bare, flow_chat_agent, points_handler, user
from tests.simulator.conftest import use
from tests.simulator.test_chats import GOODBYE, GREETING, TOOL_TURN

ANN = {"name": "Ann", "tier": "gold"}
RECIPIENT = "+12125550100"


def _sms_number(api: Api, agent_id: str | None) -> str:
    number = api.call("phone_number.create", area_code=415).phone_number
    if agent_id is not None:
        api.call("phone_number.update", number, outbound_sms_agents=[{"agent_id": agent_id, "weight": 1}])
    return str(number)


def _engine(api: Api) -> LocalEngine:
    return use(api, LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))


def test_an_sms_chat_opens_with_the_agents_message_and_takes_replies(api: Api) -> None:
    _engine(api)
    chat_agent = flow_chat_agent(api)
    number = _sms_number(api, chat_agent.agent_id)
    chat = api.call(
        "chat.create_sms_chat",
        from_number=number,
        to_number=RECIPIENT,
        retell_llm_dynamic_variables=ANN,
        metadata={"crm": 7},
    )
    assert (chat.chat_type, chat.chat_status, chat.agent_id, chat.metadata) == (
        "sms_chat",
        "ongoing",
        chat_agent.agent_id,
        {"crm": 7},
    )
    assert bare(chat.message_with_tool_calls) == GREETING  # the agent texts first
    assert chat.transcript == "Agent: Hi Ann! Shall I check your points?"
    reply = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Yes please")
    assert bare(reply.messages) == TOOL_TURN
    last = api.call("chat.create_chat_completion", chat_id=chat.chat_id, content="Thanks")
    assert bare(last.messages) == GOODBYE
    got = api.call("chat.retrieve", chat.chat_id)
    assert got.chat_status == "ended" and got.chat_type == "sms_chat"
    assert bare(got.message_with_tool_calls) == [*GREETING, user("Yes please"), *TOOL_TURN, user("Thanks"), *GOODBYE]
    assert got.chat_cost is not None and got.chat_cost.combined_cost == pytest.approx(0.6)  # 3 agent messages
    listed = api.call("chat.list", filter_criteria={"chat_type": {"op": "in", "type": "enum", "value": ["sms_chat"]}})
    assert [c.chat_id for c in listed.items] == [chat.chat_id]


def test_override_agent_id_needs_no_binding_and_sees_the_sms_facts(api: Api) -> None:
    _engine(api)
    flow = api.call(
        "conversation_flow.create",
        start_speaker="agent",
        start_node_id="hi",
        nodes=[
            {"id": "hi", "type": "conversation", "instruction": {"type": "static_text", "text": "{{session_type}}"}}
        ],
    )
    engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    texter = api.call("chat_agent.create", response_engine=engine)
    number = _sms_number(api, None)
    chat = api.call("chat.create_sms_chat", from_number=number, to_number=RECIPIENT, override_agent_id=texter.agent_id)
    # Retell's session_type system variable is "chat" for SMS chats too
    assert [m for m in bare(chat.message_with_tool_calls) if m["role"] == "agent"] == [agent("chat")]


def _refused(api: Api, match: str, **kwargs: Any) -> None:
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match=match):
        api.call("chat.create_sms_chat", **{"to_number": RECIPIENT, **kwargs})
    assert api.emu.dump() == before


def test_bad_sms_chats_are_refused_and_change_nothing(api: Api) -> None:
    _engine(api)
    chat_agent = flow_chat_agent(api)
    voice_llm = api.call("llm.create", general_prompt="p")
    voice = api.call("agent.create", response_engine={"type": "retell-llm", "llm_id": voice_llm.llm_id},
                     voice_id="11labs-Adrian")  # fmt: skip
    unbound = _sms_number(api, None)
    _refused(api, "is not a phone number of this account", from_number="+14155550999")
    _refused(api, "has no outbound sms agent; bind one with update-phone-number", from_number=unbound)
    _refused(api, "is a voice agent", from_number=unbound, override_agent_id=voice.agent_id)
    _refused(api, "is not an E.164 number", from_number="0800", override_agent_id=chat_agent.agent_id)
    _refused(api, "override_agent_version needs override_agent_id", from_number=unbound, override_agent_version=1)


def test_an_engine_that_cannot_open_chats_answers_501(api: Api) -> None:
    api.emu.use_engine(ScriptEngine())
    number = _sms_number(api, flow_chat_agent(api).agent_id)
    before = api.emu.dump()
    with pytest.raises(retell.InternalServerError, match=r"does not open chats \(ChatOpener\)"):
        api.call("chat.create_sms_chat", from_number=number, to_number=RECIPIENT)
    assert api.emu.dump() == before
    api.emu.use_engine(None)
