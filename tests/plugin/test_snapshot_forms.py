"""The text a snapshot stores: transcripts and payloads, normalised so reruns match, with no secret in them."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_retell import PayloadSnapshotExtension, TranscriptSnapshotExtension
from pytest_retell.snapshots import normalise, render_payload, render_transcript
from retell_dsl import ChatAgent, ConversationFlow, ConversationNode, CustomTool, FunctionNode, Stack
from retell_dsl.conversations import CallResult, events_of

MESSAGES: list[dict[str, Any]] = [
    {"role": "node_transition", "former_node_name": "begin", "new_node_name": "greet"},
    {"role": "agent", "content": "Hi! Your call {call} started at 2026-05-01T09:30:00.123Z."},
    {"role": "user", "content": "Book me for 2026-05-03, please; my number is +14155550123."},
    {"role": "state_transition", "former_state_name": "a", "new_state_name": "booking"},
    {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "book", "arguments": '{"at": 1777628400000}'},
    {"role": "tool_call_result", "tool_call_id": "t1", "content": '{"booking_id": "B-7", "ok": false}',
     "successful": False},
]  # fmt: skip


def result(chat_id: str, agent_id: str, **extra: Any) -> CallResult:
    messages = [dict(m, content=m["content"].replace("{call}", chat_id)) if "content" in m else m for m in MESSAGES]
    return CallResult(
        id=chat_id, kind="chat", agent_id=agent_id, status="ended", end_reason="user_hangup",
        events=events_of(messages), **extra,
    )  # fmt: skip


FIRST = result("chat_0a1b2c3d4e5f6a7b8c9d0e1f2a3", "agent_9f8e7d6c5b4a39281706f5e4d3")
EXPECTED = """\
chat <chat 1> · agent <agent 1> · ended · user_hangup
→ node greet
agent: Hi! Your call <chat 1> started at <timestamp>.
user: Book me for 2026-05-03, please; my number is +14155550123.
→ state booking
tool book({"at": "<timestamp>"}) → {"booking_id": "B-7", "ok": false} [failed]  [state: booking]
"""


def test_a_transcript_is_one_event_a_line_with_ids_and_times_normalised() -> None:
    assert render_transcript(FIRST) == EXPECTED


def test_a_rerun_with_other_ids_renders_the_same_text() -> None:
    again = result("chat_ffffffffff1111111111222222", "agent_12345678901234567890abcdef")
    assert again.id != FIRST.id and render_transcript(again) == render_transcript(FIRST)


def test_latency_and_cost_stay_out_and_variables_and_analysis_are_listed() -> None:
    text = render_transcript(
        result(
            "chat_0a1b2c3d4e5f6a7b8c9d0e1f2a3",
            "agent_9f8e7d6c5b4a39281706f5e4d3",
            latency={"e2e": {"p50": 812.5}},
            cost=0.0123,
            variables={"order": "A17", "call_ref": "call_0123456789abcdef0123456789a"},
            analysis={"chat_successful": True, "chat_summary": None, "custom_analysis_data": {"tier": "gold"}},
        )
    )
    assert text.endswith(
        'variables:\n  call_ref: "<call 1>"\n  order: "A17"\n'
        'analysis:\n  chat_successful: true\n  custom_analysis_data: {"tier": "gold"}\n'
    )
    assert "812" not in text and "0.0123" not in text


def test_options_drop_parts_and_replace_values_of_your_own() -> None:
    extension = TranscriptSnapshotExtension.with_options(states=False, replace={r"\+\d{11}": "<phone>"})
    text = extension().serialize(FIRST)
    assert "my number is <phone>." in text and "[state:" not in text
    with pytest.raises(ValueError, match="not a valid regular expression"):
        TranscriptSnapshotExtension.with_options(replace={"(": "x"})


def test_a_conversation_is_read_through_its_result() -> None:
    class Chat:
        def result(self) -> CallResult:
            return FIRST

    assert TranscriptSnapshotExtension().serialize(Chat()) == EXPECTED
    with pytest.raises(TypeError, match=r"takes a CallResult .* got dict"):
        TranscriptSnapshotExtension().serialize({"id": "chat_1"})


def test_a_tool_named_like_an_id_prefix_is_not_an_id() -> None:
    assert normalise({"tool": "call_supervisor", "id": "call_abcdef1234"}) == {
        "tool": "call_supervisor",
        "id": "<call 1>",
    }


# ----------------------------------------------------------------------------------------- payloads

TOKEN = "tok-3b1f9e0a77c4d2e8"
lookup = CustomTool(
    name="lookup_order",
    description="Look up an order.",
    url="https://shop.example/orders",
    headers={"Authorization": "$env:SHOP_TOKEN", "X-Api-Key": "literal-key-123", "Accept": "application/json"},
    parameters={"type": "object", "properties": {"order": {"type": "string"}}, "required": ["order"]},
)
flow = (
    ConversationFlow(name="shop", start_speaker="agent", model="gpt-4.1")
    .tool(lookup)
    .start_at("greet")
    .node(ConversationNode(name="greet", static_text="Hi!").to("look up", when="The caller gives an order number"))
    .node(FunctionNode(name="look up", tool="lookup_order"))
)
STACK = Stack(name="shop").add(ChatAgent(name="shop chat", engine=flow))


def test_a_stack_is_compiled_to_sorted_json_with_no_secret_in_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_TOKEN", TOKEN)
    text = PayloadSnapshotExtension().serialize(STACK)
    tool = next(r for r in __import__("json").loads(text)["resources"] if r["kind"] == "conversation_flow")
    headers = tool["payload"]["tools"][0]["headers"]
    assert headers == {"Accept": "application/json", "Authorization": "$env:SHOP_TOKEN", "X-Api-Key": "<redacted>"}
    assert TOKEN not in text and "literal-key-123" not in text
    assert text == render_payload(STACK)  # the same bytes each time


def test_a_secret_from_the_environment_is_redacted_wherever_it_appears(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETELL_API_KEY", "key_0123456789abcdef")
    assert normalise({"note": "sent with key_0123456789abcdef"}) == {"note": "sent with <redacted>"}
    assert normalise("$env:SIP_PASSWORD@hmac-sha256:0123abcd") == "$env:SIP_PASSWORD"


def test_server_ids_and_remote_timestamps_of_an_sdk_object_are_normalised() -> None:
    class Agent:
        def model_dump(self, **options: Any) -> dict[str, Any]:
            assert options == {"mode": "json", "exclude_none": True}
            return {
                "agent_id": "agent_0123456789abcdef0123456789",
                "response_engine": {"type": "retell-llm", "llm_id": "llm_0123456789abcdef0123456789ab"},
                "last_modification_timestamp": 1764650000000,
                "version": 3,
            }

    assert render_payload(Agent()) == (
        '{\n  "agent_id": "<agent 1>",\n  "last_modification_timestamp": "<timestamp>",\n'
        '  "response_engine": {\n    "llm_id": "<llm 1>",\n    "type": "retell-llm"\n  },\n  "version": 3\n}\n'
    )


def test_what_is_not_a_payload_is_refused() -> None:
    with pytest.raises(TypeError, match="got int"):
        render_payload(3)
    with pytest.raises(TypeError, match="not JSON"):
        render_payload("{nope")


def test_only_secret_values_are_redacted_not_fields_that_merely_mention_one() -> None:
    data = {"auth_password": "hunter22", "client_secret": "s", "api_key_name": "main", "pass_count": 3, "max_tokens": 9}
    assert normalise(data) == {
        "auth_password": "<redacted>",
        "client_secret": "<redacted>",
        "api_key_name": "main",
        "pass_count": 3,
        "max_tokens": 9,
    }
