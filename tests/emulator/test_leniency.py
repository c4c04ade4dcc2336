"""Unknown is not invalid: the emulator stores what Retell stores, says so, and refuses what Retell refuses.

Each shape here comes from real agent exports: fields and model names newer or older than the
installed retell-sdk. Retell keeps them; the emulator keeps and echoes them, naming them in the
``x-retell-emulator-warning`` header and a log line.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from retell_dsl.emulator.domain.tolerance import WARNING_HEADER
from tests.emulator.conftest import Api
from tests.emulator.helpers import raw_request

FLOW: dict[str, Any] = {
    "start_speaker": "agent",
    "model_choice": {"type": "cascading", "model": "gpt-4o"},
    "start_node_id": "hello",
    "tools": [{"type": "transfer_call", "name": "to_desk", "description": "Transfer to the desk"}],
    "nodes": [
        {
            "id": "hello", "type": "conversation", "start_speaker": "agent",
            "instruction": {"type": "prompt", "text": "Greet the caller."},
            "edges": [{"id": "e1", "destination_node_id": "bye", "condition": "Caller is done",
                       "transition_condition": {"type": "prompt", "prompt": "Caller is done"}}],
        },
        {"id": "bye", "type": "end", "instruction": {"type": "static_text", "text": "Bye."}},
    ],
}  # fmt: skip


def _post(api: Api, path: str, body: dict[str, Any]) -> Any:
    return raw_request(api, "POST", path, json=body)


def test_a_flow_with_older_and_newer_shapes_is_stored_echoed_and_flagged(api: Api) -> None:
    resp = _post(api, "/create-conversation-flow", FLOW)
    assert resp.status_code == 201, resp.text
    warning = resp.headers[WARNING_HEADER]
    assert "tools[0].type: unknown tool type 'transfer_call'" in warning
    assert "nodes[0].start_speaker: unknown field" in warning
    flow = resp.json()
    assert flow["tools"][0]["type"] == "transfer_call"
    assert flow["nodes"][0]["edges"][0]["condition"] == "Caller is done"
    again = raw_request(api, "GET", f"/get-conversation-flow/{flow['conversation_flow_id']}")
    assert again.json()["nodes"][0]["start_speaker"] == "agent"
    assert WARNING_HEADER not in again.headers


def test_agent_fields_and_values_the_sdk_does_not_know_are_kept(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    llm = _post(api, "/create-retell-llm", {"general_prompt": "Hi", "model": "gpt-4o"}).json()
    body = {
        "voice_id": "11labs-Adrian",
        "response_engine": {"type": "retell-llm", "llm_id": llm["llm_id"]},
        "voice_model": "eleven_turbo_v2_5",
        "post_call_analysis_model": "claude-4.5-sonnet",
        "channel": "voice",
        "normalize_for_speech": True,
        "opt_out_sensitive_data_storage": False,
        "guardrails": {"enabled": True},
        "analysis_summary_prompt": "Summarise.",
    }
    with caplog.at_level(logging.WARNING, logger="retell_dsl.emulator"):
        resp = _post(api, "/create-agent", body)
    assert resp.status_code == 201, resp.text
    agent = resp.json()
    assert {k: agent[k] for k in body if k != "response_engine"} == {
        k: v for k, v in body.items() if k != "response_engine"
    }
    assert "voice_model: unknown value 'eleven_turbo_v2_5'" in resp.headers[WARNING_HEADER]
    assert any("accepted what retell-sdk does not know" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"general_prompt": 42}, "general_prompt: expected a string or null, got number 42"),
        ({"start_speaker": "robot"}, "start_speaker: expected one of"),
        ({"model_config": {"type": "cascading", "primary": {"model": 5}}}, "model_config.primary.model"),
        ({"general_tools": [{"type": "end_call"}]}, "general_tools[0].name: missing required field"),
    ],
)
def test_what_retell_rejects_is_still_a_400(api: Api, body: dict[str, Any], message: str) -> None:
    resp = _post(api, "/create-retell-llm", body)
    assert resp.status_code == 400 and message in resp.json()["message"], resp.text


def test_a_list_filter_stays_strict(api: Api) -> None:
    resp = _post(api, "/v3/list-calls", {"filter_criteria": {"no_such_key": 1}})
    assert resp.status_code == 400 and "no_such_key: unknown field" in resp.json()["message"]


def test_a_special_edge_with_another_prompt_condition_is_kept(api: Api) -> None:
    """retell-sdk types special edges' conditions as any prompt condition: stored, with a warning."""
    flow: dict[str, Any] = {
        "start_speaker": "agent", "start_node_id": "a",
        "nodes": [
            {"id": "a", "type": "conversation", "instruction": {"type": "prompt", "text": "Hi"},
             "always_edge": {"id": "a.always", "destination_node_id": "b",
                             "transition_condition": {"type": "prompt", "prompt": "Whatever they say"}}},
            {"id": "b", "type": "end"},
        ],
    }  # fmt: skip
    resp = _post(api, "/create-conversation-flow", flow)
    assert resp.status_code == 201, resp.text
    assert "always_edge: prompt condition 'Whatever they say'" in resp.headers[WARNING_HEADER]
    first: dict[str, Any] = flow["nodes"][0]
    equation = {"type": "equation", "equations": [], "operator": "&&"}
    bad_first = {**first, "always_edge": {**first["always_edge"], "transition_condition": equation}}
    bad = {**flow, "nodes": [bad_first, flow["nodes"][1]]}
    assert _post(api, "/create-conversation-flow", bad).status_code == 400


def test_a_skip_response_edge_next_to_other_edges_is_kept(api: Api) -> None:
    """Dashboard exports carry nodes with both (Retell takes the special edge): stored, with a warning."""
    node = {
        "id": "a", "type": "conversation", "instruction": {"type": "prompt", "text": "Hi"},
        "edges": [{"id": "a.e", "destination_node_id": "b", "transition_condition": {"type": "prompt", "prompt": "x"}}],
        "skip_response_edge": {"id": "a.skip", "destination_node_id": "b",
                               "transition_condition": {"type": "prompt", "prompt": "Skip response"}},
    }  # fmt: skip
    flow = {"start_speaker": "agent", "start_node_id": "a", "nodes": [node, {"id": "b", "type": "end"}]}
    resp = _post(api, "/create-conversation-flow", flow)
    assert resp.status_code == 201, resp.text
    assert "skip_response_edge is not the node's only outgoing edge" in resp.headers[WARNING_HEADER]
