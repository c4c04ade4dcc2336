"""Chat messages from a hand-made chat log: exact shapes, deterministic ids, SDK validation."""

from __future__ import annotations

from retell.types.chat_create_chat_completion_response import ChatCreateChatCompletionResponse
from retell.types.playground_completion_response import PlaygroundCompletionResponse

from retell_dsl.sim.events import Dtmf, ModelUsed, NodeTransition, SmsSent, Utterance
from retell_dsl.sim.outputs import chat_messages, chat_transcript, message_id, messages_since
from tests.sim.test_outputs_shapes import CHAT, START, strict_validate


def test_chat_messages_are_exact() -> None:
    assert chat_messages(CHAT, conversation_id="chat_7", start_timestamp=START) == [
        {
            "message_id": "msg_chat_7_0",
            "role": "state_transition",
            "new_state_name": "intro",
            "created_timestamp": START,
        },
        {
            "message_id": "msg_chat_7_1",
            "role": "user",
            "content": "Can I get a refund?",
            "created_timestamp": START + 10,
        },
        {
            "message_id": "msg_chat_7_2",
            "role": "state_transition",
            "former_state_name": "intro",
            "new_state_name": "refunds",
            "created_timestamp": START + 20,
        },
        {
            "message_id": "msg_chat_7_3",
            "role": "tool_call_invocation",
            "tool_call_id": "c1",
            "name": "lookup_order",
            "arguments": '{"id": "42"}',
            "type": "custom",
            "created_timestamp": START + 30,
        },
        {
            "message_id": "msg_chat_7_4",
            "role": "tool_call_result",
            "tool_call_id": "c1",
            "content": "not found",
            "successful": False,
            "created_timestamp": START + 40,
        },
        {
            "message_id": "msg_chat_7_5",
            "role": "agent",
            "content": "I could not find that order.",
            "created_timestamp": START + 50,
        },
    ]


def test_one_turn_keeps_the_ids_of_the_whole_conversation() -> None:
    whole = chat_messages(CHAT, conversation_id="c", start_timestamp=0)
    turn = messages_since(CHAT, 2, conversation_id="c", start_timestamp=0)
    assert turn == whole[2:]
    assert [m["message_id"] for m in turn] == [message_id("c", i) for i in range(2, 6)]
    strict_validate(ChatCreateChatCompletionResponse, {"messages": turn})


def test_node_transitions_and_sms_are_messages_but_dtmf_and_model_use_are_not() -> None:
    log = [
        NodeTransition(
            at_ms=0,
            former_node_id="a",
            former_node_name="A",
            new_node_id="b",
            new_node_name="B",
            transition_type="global",
        ),
        Dtmf(at_ms=1, digit="5"),
        ModelUsed(at_ms=2, purpose="reply"),
        SmsSent(at_ms=3, content="Your code is 1234"),
        Utterance(at_ms=4, role="transfer_target", content="not in a chat"),
    ]
    messages = chat_messages(log, conversation_id="p", start_timestamp=0)
    assert [m["role"] for m in messages] == ["node_transition", "sms"]
    assert messages[0]["transition_type"] == "global"
    sms = {"message_id": "msg_p_1", "role": "sms", "content": "Your code is 1234", "created_timestamp": 3}
    assert messages[1] == sms
    strict_validate(PlaygroundCompletionResponse, {"messages": messages})


def test_chat_transcript_skips_empty_utterances() -> None:
    log = [Utterance(at_ms=0, role="agent", content=""), Utterance(at_ms=1, role="user", content="hello")]
    assert chat_transcript(log) == "User: hello\n"
