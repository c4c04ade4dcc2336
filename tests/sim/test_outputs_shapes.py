"""Whole call and chat objects from hand-made logs, validated strictly by the SDK's response models.

``strict_validate`` is shared by the other output and analysis tests: pydantic keeps unknown
keys on the SDK's models (``extra="allow"``) instead of rejecting them, so it also walks the
validated model and fails on any key the SDK does not declare.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel
from retell.types.chat_response import ChatResponse
from retell.types.phone_call_response import PhoneCallResponse
from retell.types.web_call_response import WebCallResponse

import retell_dsl
from retell_dsl.sim.events import (
    Dtmf,
    Ended,
    EngineFailed,
    Event,
    ModelUsed,
    NodeTransition,
    SmsSent,
    StateTransition,
    ToolInvoked,
    ToolReturned,
    TransferAttempted,
    Utterance,
    VariablesSet,
)
from retell_dsl.sim.outputs import call_fields, chat_fields

M = TypeVar("M", bound=BaseModel)
START = 1_700_000_000_000


def _extras(value: Any, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(value, BaseModel):
        found += [f"{path}.{key}" for key in value.model_extra or {}]
        for name in type(value).model_fields:
            found += _extras(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _extras(item, f"{path}[{i}]")
    return found


def strict_validate(model: type[M], data: dict[str, Any]) -> M:
    """Validate ``data`` strictly as ``model`` and fail on any key the SDK does not declare."""
    validated = model.model_validate(data, strict=True)
    extras = _extras(validated, model.__name__)
    assert not extras, f"keys the SDK does not know: {extras}"
    return validated


FLOW_CALL: list[Event] = [
    Utterance(at_ms=0, role="agent", content="Thanks for calling Bella. How can I help?", node_id="greet"),
    Utterance(at_ms=3000, role="user", content="A table for two, please.", duration_ms=1500),
    ModelUsed(at_ms=4500, purpose="prompt_condition", latency_ms=200, prompt_tokens=400, completion_tokens=5),
    NodeTransition(
        at_ms=4700, former_node_id="greet", former_node_name="Greet", new_node_id="book", new_node_name="Book"
    ),
    ToolInvoked(at_ms=4710, tool_call_id="t1", name="check_slots", type="custom", arguments='{"people": 2}'),
    ToolReturned(at_ms=5000, tool_call_id="t1", content='{"slot": "19:00"}', source="mock"),
    VariablesSet(at_ms=5000, values={"slot": "19:00"}, source="response_variables"),
    ModelUsed(at_ms=5000, purpose="reply", latency_ms=400, prompt_tokens=500, completion_tokens=20),
    Utterance(at_ms=5400, role="agent", content="We have 19:00. Press 1 to confirm.", node_id="book"),
    Dtmf(at_ms=8000, digit="1"),
    SmsSent(at_ms=8200, content="Booked: 19:00 for 2", to_number="+14155550100", by="user"),
    ToolInvoked(at_ms=8300, tool_call_id="t2", name="Transfer", type="transfer_call", arguments="{}"),
    TransferAttempted(at_ms=8300, destination="+14155550199"),
    ToolReturned(at_ms=8400, tool_call_id="t2", content="transferred"),
    Ended(at_ms=9000, reason="call_transfer"),
]

ERRORED_CALL: list[Event] = [
    Utterance(at_ms=0, role="agent", content="Hello!"),
    Utterance(at_ms=1200, role="user", content="Hi."),
    EngineFailed(at_ms=2000, message="no model is configured", reason="error_llm_websocket_open", node_id="n1"),
]

NEVER_CONNECTED: list[Event] = [Ended(at_ms=0, reason="dial_no_answer")]

CHAT: list[Event] = [
    StateTransition(at_ms=0, former_state=None, new_state="intro"),
    Utterance(at_ms=10, role="user", content="Can I get a refund?"),
    StateTransition(at_ms=20, former_state="intro", new_state="refunds"),
    ToolInvoked(at_ms=30, tool_call_id="c1", name="lookup_order", type="custom", arguments='{"id": "42"}'),
    ToolReturned(at_ms=40, tool_call_id="c1", content="not found", successful=False),
    Utterance(at_ms=50, role="agent", content="I could not find that order."),
    Ended(at_ms=60, reason="agent_hangup"),
]


def _web_call(fields: dict[str, Any]) -> dict[str, Any]:
    base = {"access_token": "tok", "agent_id": "agent_1", "agent_version": 0, "call_id": "call_1"}
    return {**base, "call_type": "web_call", **fields}


def _phone_call(fields: dict[str, Any]) -> dict[str, Any]:
    base = {"agent_id": "agent_1", "agent_version": 0, "call_id": "call_1", "direction": "outbound"}
    return {**base, "call_type": "phone_call", "from_number": "+14155550000", "to_number": "+14155550100", **fields}


def test_flow_call_fields_are_exact_and_valid() -> None:
    fields = call_fields(
        FLOW_CALL, start_timestamp=START, llm_model="gpt-4.1", call_type="phone_call", starting_variables={"n": 2}
    )
    assert fields["call_status"] == "ended"
    assert fields["disconnection_reason"] == "call_transfer"
    assert fields["transfer_destination"] == "+14155550199"
    assert (fields["start_timestamp"], fields["end_timestamp"], fields["duration_ms"]) == (START, START + 9000, 9000)
    assert fields["collected_dynamic_variables"] == {"n": "2", "slot": "19:00"}
    assert fields["transcript"] == (
        "Agent: Thanks for calling Bella. How can I help?\n"
        "User: A table for two, please.\n"
        "Agent: We have 19:00. Press 1 to confirm.\n"
    )
    assert [i["role"] for i in fields["transcript_with_tool_calls"]] == [
        "agent",
        "user",
        "node_transition",
        "tool_call_invocation",
        "tool_call_result",
        "agent",
        "dtmf",
        "sms",
        "tool_call_invocation",
        "tool_call_result",
    ]
    assert fields["llm_token_usage"] == {"average": 462.5, "num_requests": 2, "values": [405, 520]}
    assert fields["latency"]["e2e"]["values"] == [900]  # 5400 - (3000 + 1500)
    assert fields["latency"]["llm"]["values"] == [400]
    call = strict_validate(PhoneCallResponse, _phone_call(fields))
    assert call.call_cost is not None and call.call_cost.combined_cost == fields["call_cost"]["combined_cost"]


def test_errored_call_reports_the_failure_reason() -> None:
    fields = call_fields(ERRORED_CALL, start_timestamp=START, llm_model=None)
    assert (fields["call_status"], fields["disconnection_reason"], fields["duration_ms"]) == (
        "error",
        "error_llm_websocket_open",
        2000,
    )
    assert "llm_token_usage" not in fields
    strict_validate(WebCallResponse, _web_call(fields))


def test_never_connected_call_has_empty_transcripts_and_zero_cost() -> None:
    fields = call_fields(NEVER_CONNECTED, start_timestamp=START, llm_model="gpt-4.1")
    assert fields["call_status"] == "not_connected"
    assert (fields["transcript"], fields["transcript_object"], fields["transcript_with_tool_calls"]) == ("", [], [])
    assert fields["latency"] == {}
    assert fields["call_cost"]["combined_cost"] == 0
    strict_validate(WebCallResponse, _web_call(fields))


def test_ongoing_call_leaves_the_end_fields_out() -> None:
    fields = call_fields(FLOW_CALL[:3], start_timestamp=START, llm_model="gpt-4.1")
    assert fields["call_status"] == "ongoing"
    for absent in ("end_timestamp", "duration_ms", "disconnection_reason", "collected_dynamic_variables", "call_cost"):
        assert absent not in fields
    strict_validate(WebCallResponse, _web_call({**fields, "call_status": "ongoing"}))


def test_chat_fields_are_exact_and_valid() -> None:
    fields = chat_fields(CHAT, chat_id="chat_7", start_timestamp=START, llm_model="gpt-4.1")
    assert fields["chat_status"] == "ended"
    assert fields["transcript"] == "User: Can I get a refund?\nAgent: I could not find that order.\n"
    assert [m["role"] for m in fields["message_with_tool_calls"]] == [
        "state_transition",
        "user",
        "state_transition",
        "tool_call_invocation",
        "tool_call_result",
        "agent",
    ]
    assert fields["chat_cost"] == {
        "product_costs": [{"product": "llm:gpt-4.1", "cost": 0.2, "unit_price": 0.2}],
        "combined_cost": 0.2,
    }
    assert fields["end_timestamp"] == START + 60
    strict_validate(ChatResponse, {"agent_id": "agent_1", "chat_id": "chat_7", **fields})


def test_strict_validate_catches_unknown_keys() -> None:
    with pytest.raises(AssertionError, match=r"transcript_with_tool_calls\[0\]\.time_ms"):
        items = [{"role": "dtmf", "digit": "1", "time_ms": 3}]
        strict_validate(WebCallResponse, _web_call({"call_status": "ended", "transcript_with_tool_calls": items}))


SIM = Path(retell_dsl.__file__).parent / "sim"
MINE = sorted(
    [*(SIM / "outputs").rglob("*.py"), *SIM.glob("analysis*.py"), *SIM.glob("callers*.py"), *SIM.glob("callers/*.py")]
)
ALLOWED = ("retell_dsl.errors", "retell_dsl.wire", "retell_dsl.sim")


@pytest.mark.parametrize("path", MINE, ids=lambda p: str(p.relative_to(SIM)))
def test_layer_rule(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top == "retell_dsl":
                assert name.startswith(ALLOWED) and not name.startswith("retell_dsl.sim.__"), name
            else:
                assert top in sys.stdlib_module_names or top == "httpx", f"{path.name} imports {name}"
