"""The schema checker against the SDK's request TypedDicts."""

from __future__ import annotations

import pytest
from retell.types import (
    agent_create_params,
    agent_publish_params,
    conversation_flow_create_params,
    llm_create_params,
)

from retell_dsl.wire import check_payload


def messages(value: object, schema: object) -> list[str]:
    return [str(i) for i in check_payload(value, schema)]


def test_valid_llm_with_states_and_tools_passes() -> None:
    llm = {
        "model": "gpt-4.1",
        "start_speaker": "agent",
        "general_tools": [
            {"type": "end_call", "name": "end_call"},
            {
                "type": "transfer_call",
                "name": "to_desk",
                "transfer_destination": {"type": "predefined", "number": "+14155550100"},
                "transfer_option": {"type": "cold_transfer"},
            },
        ],
        "starting_state": "intake",
        "states": [{"name": "intake", "edges": [{"destination_state_name": "b", "description": "d"}]}],
        "model_config": {"type": "cascading", "primary": {"model": "gpt-4.1"}, "backup": None},
    }
    assert messages(llm, llm_create_params.LlmCreateParams) == []


def test_missing_and_unknown_fields_are_both_reported_with_hint() -> None:
    assert messages({"versoin": 1}, agent_publish_params.AgentPublishParams) == [
        "versoin: unknown field (did you mean 'version'?)",
        "version: missing required field",
    ]


def test_tagged_union_reports_unknown_discriminator_and_nested_errors() -> None:
    body = {
        "general_tools": [
            {"type": "transfer_cal", "name": "x"},
            {"type": "custom", "name": 1, "url": "u", "method": "GETX", "foo": 1},
        ]
    }
    got = messages(body, llm_create_params.LlmCreateParams)
    assert got[0].startswith("general_tools[0].type: expected one of 'end_call', 'transfer_call'")
    assert got[0].endswith("got string 'transfer_cal'")
    assert got[1:] == [
        "general_tools[1].name: expected a string, got number 1",
        "general_tools[1].method: expected one of 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'; got string 'GETX'",
        "general_tools[1].foo: unknown field",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "voice_speed: expected a number, got boolean true"),
        ("1", "voice_speed: expected a number, got string '1'"),
    ],
)
def test_booleans_and_strings_are_not_numbers(value: object, expected: str) -> None:
    body = {"response_engine": {"type": "custom-llm", "llm_websocket_url": "wss://x"}, "voice_id": "v"}
    assert messages({**body, "voice_speed": value}, agent_create_params.AgentCreateParams) == [expected]


def test_integral_float_is_an_integer_but_fraction_is_not() -> None:
    schema = agent_publish_params.AgentPublishParams
    assert messages({"version": 2.0}, schema) == []
    assert messages({"version": 2.5}, schema) == ["version: expected an integer, got number 2.5"]


def test_alias_fields_use_their_wire_name() -> None:
    node = {
        "id": "f",
        "type": "function",
        "tool_id": "t",
        "tool_type": "local",
        "wait_for_result": True,
    }
    tool = {
        "type": "custom",
        "name": "t",
        "url": "https://x",
        "tool_id": "t",
        "parameters": {"type": "object", "properties": {}, "additionalProperties": False},
    }
    flow = {"start_speaker": "agent", "nodes": [node], "tools": [tool]}
    assert messages(flow, conversation_flow_create_params.ConversationFlowCreateParams) == []
