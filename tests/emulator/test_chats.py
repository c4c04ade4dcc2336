"""Chats through the official SDK: create, get, update, list, end, delete; conversation endpoints are 501."""

from __future__ import annotations

import pytest
import retell

from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent, make_chat_agent


def test_chat_lifecycle(api: Api) -> None:
    agent = make_chat_agent(api)
    start = api.emu.clock.now_ms()
    chat = api.call(
        "chat.create", agent_id=agent.agent_id, metadata={"a": 1}, retell_llm_dynamic_variables={"name": "Ann"}
    )
    assert chat.chat_id.startswith("chat_")
    assert (chat.chat_status, chat.chat_type, chat.agent_id, chat.version) == ("ongoing", "api_chat", agent.agent_id, 0)
    assert (chat.start_timestamp, chat.transcript, chat.message_with_tool_calls) == (start, "", [])
    assert api.call("chat.retrieve", chat.chat_id).to_dict() == chat.to_dict()
    updated = api.call(
        "chat.update", chat.chat_id, metadata={"b": 2}, override_dynamic_variables={"city": "Oslo"},
        custom_attributes={"tier": "gold"},
    )  # fmt: skip
    assert updated.metadata == {"a": 1, "b": 2}
    assert updated.retell_llm_dynamic_variables == {"name": "Ann", "city": "Oslo"}
    assert updated.custom_attributes == {"tier": "gold"}
    api.emu.clock.advance(9_000)  # type: ignore[attr-defined]
    api.call("chat.end", chat.chat_id)
    ended = api.call("chat.retrieve", chat.chat_id)
    assert (ended.chat_status, ended.end_timestamp) == ("ended", start + 9_000)
    with pytest.raises(retell.BadRequestError, match="already ended"):
        api.call("chat.end", chat.chat_id)
    api.call("chat.delete", chat.chat_id)
    with pytest.raises(retell.UnprocessableEntityError, match="Cannot find requested asset"):
        api.call("chat.retrieve", chat.chat_id)


def test_chats_need_a_chat_agent(api: Api) -> None:
    voice = make_agent(api)
    with pytest.raises(retell.BadRequestError, match="is a voice agent; chats need a chat agent"):
        api.call("chat.create", agent_id=voice.agent_id)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("chat.create", agent_id="agent_missing")
    assert "chat" not in api.emu.dump()


def test_update_refuses_to_loosen_storage(api: Api) -> None:
    agent = make_chat_agent(api)
    chat = api.call("chat.create", agent_id=agent.agent_id)
    api.call("chat.update", chat.chat_id, data_storage_setting="basic_attributes_only")
    before = api.emu.dump()
    with pytest.raises(retell.BadRequestError, match="cannot be loosened"):
        api.call("chat.update", chat.chat_id, data_storage_setting="everything", metadata={"x": 1})
    assert api.emu.dump() == before


def test_list_chats_filters_and_pages_in_the_body(api: Api) -> None:
    agent = make_chat_agent(api)
    other = make_chat_agent(api)
    ids = []
    for i in range(4):
        ids.append(api.call("chat.create", agent_id=agent.agent_id, metadata={"i": i}).chat_id)
        api.emu.clock.advance(1_000)  # type: ignore[attr-defined]
    lone = api.call("chat.create", agent_id=other.agent_id).chat_id
    api.call("chat.end", ids[0])
    ongoing = {"chat_status": {"type": "enum", "op": "in", "value": ["ongoing"]}}
    first = api.call("chat.list", filter_criteria=ongoing, limit=2, include_total=True)
    assert [c.chat_id for c in first.items] == [lone, ids[3]]
    assert (first.has_more, first.total) == (True, 4)
    rest = api.call("chat.list", filter_criteria=ongoing, pagination_key=first.pagination_key, skip=1)
    assert [c.chat_id for c in rest.items] == [ids[1]]
    by_agent = api.call("chat.list", filter_criteria={"agent": [{"agent_id": other.agent_id}]})
    assert [c.chat_id for c in by_agent.items] == [lone]
    for chat_id in ids[2:]:
        api.call("chat.update", chat_id, custom_attributes={"score": 3})
    by_attribute = api.call(
        "chat.list", filter_criteria={"custom_attributes": [{"key": "score", "type": "number", "op": "ge", "value": 2}]}
    )
    assert {c.chat_id for c in by_attribute.items} == {ids[2], ids[3]}
    with pytest.raises(retell.BadRequestError, match=r"filter_criteria\.metadata: unknown field"):
        api.call("chat.list", filter_criteria={"metadata": [{"key": "i", "type": "present", "op": "pr"}]})


def test_conversation_endpoints_need_the_engine(api: Api) -> None:
    agent = make_chat_agent(api)
    chat = api.call("chat.create", agent_id=agent.agent_id)
    with pytest.raises(retell.UnprocessableEntityError):
        api.call("chat.create_chat_completion", chat_id="chat_missing", content="hi")
    cases = [
        ("chat.create_chat_completion", (), {"chat_id": chat.chat_id, "content": "hi"}, "POST /create-chat-completion"),
        ("chat.rerun_analysis", (chat.chat_id,), {}, f"PUT /rerun-chat-analysis/{chat.chat_id}"),
        (
            "chat.create_sms_chat",
            (),
            {"from_number": "+14155550100", "to_number": "+12125550100"},
            "POST /create-sms-chat",
        ),
    ]
    for name, args, kwargs, route in cases:
        with pytest.raises(retell.InternalServerError) as err:
            api.call(name, *args, **kwargs)
        assert err.value.status_code == 501
        assert route in str(err.value) and "no conversation engine is configured" in str(err.value)
