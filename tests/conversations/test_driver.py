"""The conversation driver against the in-process emulator: chats, playground turns, web calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from retell_dsl.conversations import NotSupported, ScriptedModel, chat, playground, web_call
from retell_dsl.target import resolve_target
from tests.conversations.stacks import RULES, Shop, deploy_shop


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    return deploy_shop(tmp_path)


def test_a_chat_the_agent_ends_gives_one_normalised_result(shop: Shop) -> None:
    model = shop.switch.current = ScriptedModel(*RULES)
    shop.mocks.add("lookup_order", {"status": "shipped"}, args={"order": "A17"})
    conversation = chat(shop.client, shop.ids["chat_agent.shop chat"], dynamic_variables={"name": "Ann"})
    turn = conversation.send("It's A17")
    assert turn.ended
    assert turn.text == "Hi Ann! What is your order number?\nYour order has shipped. Bye!"
    result = conversation.end()
    assert (result.kind, result.id, result.status, result.end_reason) == (
        "chat", conversation.chat_id, "ended", "agent_hangup",
    )  # fmt: skip
    assert result.path == ["greet", "look up", "bye"]
    (call,) = result.tool_calls
    assert (call.name, dict(call.args), call.result, call.successful, call.node) == (
        "lookup_order", {"order": "A17"}, '{"status":"shipped"}', True, "look up",
    )  # fmt: skip
    assert [(e.role, e.text) for e in result.messages] == [
        ("agent", "Hi Ann! What is your order number?"),
        ("user", "It's A17"),
        ("agent", "Your order has shipped. Bye!"),
    ]
    assert result.variables == {"name": "Ann"} and result.cost == pytest.approx(0.4)
    assert result.transcript.startswith("Agent: Hi Ann!")
    model.assert_complete()


def test_a_chat_the_test_ends_is_ended_by_the_user(shop: Shop) -> None:
    conversation = chat(shop.client, shop.ids["chat_agent.shop chat"])
    assert conversation.result().status == "ongoing"
    result = conversation.end()
    assert (result.status, result.end_reason, result.events) == ("ended", "user_hangup", ())
    assert conversation.end().end_reason == "user_hangup"  # ending twice is harmless


def test_a_playground_session_resumes_at_a_node_with_tool_mocks(shop: Shop) -> None:
    shop.switch.current = ScriptedModel(*RULES)
    session = playground(
        shop.client, shop.ids["chat_agent.shop chat"], start_at_node="greet",
        history=[{"role": "agent", "content": "Hi there! What is your order number?"}],
        tool_mocks=[{"tool_name": "lookup_order", "input_match_rule": {"type": "any"}, "output": '{"status": "lost"}'}],
    )  # fmt: skip
    turn = session.send("It's A17")
    assert turn.ended and session.ended and session.node == "bye"
    result = session.result()
    assert (result.kind, result.end_reason, result.path) == ("playground", "agent_hangup", ["look up", "bye"])
    result.expect.next_message(role="user", contains="A17").next_transition(to="look up").next_tool_call(
        "lookup_order", args={"order": "A17"}
    )
    assert result.tool_calls[0].result == '{"status": "lost"}'
    with pytest.raises(Exception, match="has ended"):
        session.send("hello?")


def test_a_web_call_on_the_emulator_is_held_to_its_end(shop: Shop) -> None:
    shop.switch.current = ScriptedModel(*RULES)
    shop.mocks.add("lookup_order", {"status": "shipped"})
    caller = {"type": "script", "steps": [{"say": "It's A17", "after": "order number?"}]}
    result = web_call(shop.target, shop.ids["agent.shop line"], caller=caller, dynamic_variables={"name": "Bo"})
    assert (result.kind, result.status, result.end_reason) == ("call", "ended", "agent_hangup")
    assert result.path == ["greet", "look up", "bye"]
    result.expect.next_transition(to="greet").next_message(contains="Hi Bo").next_transition(to="look up")
    assert result.transcript.startswith("Agent: Hi Bo! What is your order number?\nUser: It's A17")
    assert result.id.startswith("call_")


def test_a_web_call_on_live_retell_says_it_needs_an_audio_client() -> None:
    live = resolve_target("live", environ={"RETELL_API_KEY": "key_not_used"})
    with pytest.raises(NotSupported, match="needs a headless audio client"):
        web_call(live, "agent_1", caller={"type": "script", "steps": []})
    with pytest.raises(NotSupported, match="not supported yet"):
        web_call(live.client(), "agent_1", caller={"type": "script", "steps": []})
