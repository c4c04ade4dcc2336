"""Table-driven round trips: every node type and every tool type, through import_from_json."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from retell_dsl.importer import import_from_json
from tests.importer.roundtrip import exec_source, extras, recompiled

E = {"type": "prompt", "prompt": "Else"}


def _edge(eid: str, to: str, cond: dict[str, Any]) -> dict[str, Any]:
    return {"id": eid, "destination_node_id": to, "transition_condition": cond}


NODES: list[dict[str, Any]] = [
    {"id": "node-1", "type": "conversation", "name": "Greet", "instruction": {"type": "prompt", "text": "Hi\nthere"},
     "edges": [_edge("edge-1", "node-2", {"type": "prompt", "prompt": "Wants help"}),
               _edge("edge-2", "node-3", {"type": "equation", "operator": "||", "equations": [
                   {"left": "{{a}}", "operator": "==", "right": "1"}, {"left": "{{b}}", "operator": "exists"}]})],
     "else_edge": _edge("edge-3", "node-4", E), "interruption_sensitivity": 0.5,
     "knowledge_base_ids": ["knowledge_base_x"], "kb_config": {"top_k": 2}, "display_position": {"x": 1, "y": 2}},
    {"id": "node-2", "type": "subagent", "name": "Helper", "instruction": {"type": "prompt", "text": "Help."},
     "tools": [{"type": "end_call", "name": "end"}], "tool_ids": ["tool_001"],
     "always_edge": _edge("edge-4", "node-1", {"type": "prompt", "prompt": "Always"})},
    {"id": "node-3", "type": "function", "name": "Lookup", "tool_id": "tool_001", "tool_type": "local",
     "wait_for_result": True, "else_edge": _edge("edge-5", "node-5", E)},
    {"id": "node-4", "type": "code", "name": "Calc", "code": "return 1", "wait_for_result": False,
     "response_variables": {"x": "x"}, "else_edge": _edge("edge-6", "node-5", E)},
    {"id": "node-5", "type": "branch", "name": "Route", "else_edge": _edge("edge-7", "node-6", E),
     "edges": [_edge("edge-8", "node-7", {"type": "equation", "operator": "&&", "equations": [
         {"left": "{{x}}", "operator": ">=", "right": "3"}]})]},
    {"id": "node-6", "type": "transfer_call", "name": "Human", "transfer_destination":
        {"type": "predefined", "number": "+14155550100"}, "transfer_option": {"type": "cold_transfer"},
     "edge": _edge("edge-9", "node-8", {"type": "prompt", "prompt": "Transfer failed"}),
     "global_node_setting": {"condition": "Caller wants a human"}},
    {"id": "node-7", "type": "press_digit", "name": "IVR", "instruction": {"type": "prompt", "text": "Press 1"},
     "delay_ms": 500, "else_edge": _edge("edge-10", "node-8", E)},
    {"id": "node-8", "type": "extract_dynamic_variables", "name": "Extract", "variables": [
        {"type": "string", "name": "n", "description": "Name"},
        {"type": "enum", "name": "e", "description": "E", "choices": ["a", "b"]},
        {"type": "boolean", "name": "b", "description": "B"}, {"type": "number", "name": "k", "description": "K"}],
     "else_edge": _edge("edge-11", "node-9", E)},
    {"id": "node-9", "type": "sms", "name": "Text", "instruction": {"type": "static_text", "text": "See you"},
     "success_edge": _edge("edge-12", "node-10", {"type": "prompt", "prompt": "Sent successfully"}),
     "failed_edge": _edge("edge-13", "node-10", {"type": "prompt", "prompt": "Failed to send"})},
    {"id": "node-10", "type": "agent_swap", "name": "Swap", "agent_id": "agent_other",
     "post_call_analysis_setting": "both_agents",
     "edge": _edge("edge-14", "node-11", {"type": "prompt", "prompt": "Transfer failed"})},
    {"id": "node-11", "type": "mcp", "name": "Search", "mcp_id": "docs", "mcp_tool_name": "search",
     "wait_for_result": True, "else_edge": _edge("edge-15", "node-12", E)},
    {"id": "node-12", "type": "component", "name": "Intake", "component_id": "component_abc",
     "component_type": "shared", "else_edge": _edge("edge-16", "node-13", E)},
    {"id": "node-13", "type": "end", "name": "End", "instruction": {"type": "static_text", "text": "Bye"}},
    {"id": "node-14", "type": "end", "name": "End"},
    {"id": "node-15", "type": "bridge_transfer", "name": "Bridge"},
    {"id": "node-16", "type": "cancel_transfer", "name": "Cancel"},
]  # fmt: skip

TOOLS: list[dict[str, Any]] = [
    {"type": "end_call", "name": "end_call", "description": "End."},
    {"type": "transfer_call", "name": "warm", "transfer_destination": {"type": "inferred", "prompt": "Who"},
     "transfer_option": {"type": "warm_transfer", "on_hold_music": "ringtone",
                         "private_handoff_option": {"type": "prompt", "prompt": "Brief"}}},
    {"type": "transfer_call", "name": "agentic", "transfer_destination": {"type": "predefined", "number": "+1415"},
     "transfer_option": {"type": "agentic_warm_transfer", "agentic_transfer_config": {
         "transfer_agent": {"agent_id": "agent_t", "agent_version": 1}, "action_on_timeout": "bridge_transfer"}}},
    {"type": "agent_swap", "name": "swap", "agent_id": "agent_es", "post_call_analysis_setting": "both_agents"},
    {"type": "press_digit", "name": "press", "delay_ms": 100},
    {"type": "send_sms", "name": "sms", "sms_content": {"type": "inferred", "prompt": "Link"},
     "sms_destination": {"type": "customer_number"}},
    {"type": "custom", "name": "book", "url": "https://x.example", "method": "POST",
     "parameters": {"type": "object", "properties": {"d": {"type": "string"}}, "required": ["d"]}},
    {"type": "code", "name": "js", "code": "return 2", "timeout_ms": 1000},
    {"type": "extract_dynamic_variable", "name": "ex", "description": "Get",
     "variables": [{"type": "string", "name": "n", "description": "Name", "examples": ["Ada"]}]},
    {"type": "bridge_transfer", "name": "bridge"},
    {"type": "cancel_transfer", "name": "cancel"},
    {"type": "mcp", "name": "m", "description": "MCP", "mcp_id": "docs"},
    {"type": "integration_app", "name": "crm", "app_id": "app_1", "app_tool_template_name": "find",
     "provider": "hubspot", "output_selection": {"mode": "all"}},
]  # fmt: skip

FLOW = {
    "conversation_flow_id": "conversation_flow_1", "version": 3, "start_speaker": "agent",
    "start_node_id": "node-1", "global_prompt": "Be brief.\nAlways.", "nodes": NODES,
    "tools": [{"type": "custom", "name": "lookup", "url": "https://x.example/l", "tool_id": "tool_001"}],
    "mcps": [{"name": "docs", "url": "https://mcp.example"}],
    "model_config": {"type": "cascading", "primary": {"model": "gpt-4.1"}},
}  # fmt: skip
LLM = {
    "llm_id": "llm_1", "version": 0, "general_prompt": "You help.", "general_tools": TOOLS,
    "states": [{"name": "a", "state_prompt": "A", "edges": [{"destination_state_name": "b", "description": "go"}]},
               {"name": "b", "tools": [{"type": "end_call", "name": "bye"}]}],
    "starting_state": "a", "mcps": [{"name": "docs", "url": "https://mcp.example"}],
    "model_config": {"type": "cascading", "primary": {"model": "gpt-4.1"}},
}  # fmt: skip
AGENT = {
    "agent_name": "Desk", "voice_id": "11labs-Adrian", "language": ["en-US", "es-ES"], "volume": 1.0,
    "voicemail_option": {"action": {"type": "static_text", "text": "Call us back."}},
    "ivr_option": {"action": {"type": "hangup"}, "detection_prompt": "An IVR menu"},
    "user_dtmf_options": {"digit_limit": 4, "termination_key": "#"},
    "pronunciation_dictionary": [{"word": "Retell", "alphabet": "ipa", "phoneme": "ri"}],
    "post_call_analysis_data": [{"type": "string", "name": "reason", "description": "Why"},
                                {"type": "system-presets", "name": "call_summary"}],
    "pii_config": {"mode": "post_call", "categories": ["person_name"]},
    "handbook_config": {"speech_normalization": True},
    "data_storage_setting": "everything_except_pii", "fallback_voice_ids": ["openai-Alloy"],
}  # fmt: skip

#: ``extra=`` each fixture may keep: wire shapes the builders do not model. Anything else in
#: ``extra=`` means a typed builder degraded (a decompiler bug), and the round trip fails.
FLOW_EXTRAS = {
    "ConversationNode 'Greet'": ["display_position"],  # editor layout, not modelled
    "EndNode 'End (2)'": ["name"],  # a second node named "End": the DSL name differs, Retell's is kept
    "CustomTool 'lookup'": ["tool_id"],  # an id that is not the one derived from the name
}
LLM_EXTRAS = {"SendSMS 'sms'": ["sms_destination"]}  # {"type": "customer_number"} has no typed form


def _check(data: Any, allowed: dict[str, list[str]]) -> str:
    imported = import_from_json(data)
    again = recompiled(imported)
    for r in imported.resources:
        assert again[r.address] == r.payload, r.address
    found = {path.rsplit(" > ", 1)[-1]: keys for path, keys in extras(exec_source(imported.source)).items()}
    assert found == allowed, "a typed builder fell back to extra="
    return imported.source


def test_every_node_type_round_trips() -> None:
    _check(FLOW, FLOW_EXTRAS)


def test_every_tool_type_round_trips() -> None:
    _check(LLM, LLM_EXTRAS)


def test_agent_options_import_typed() -> None:
    llm = {"llm_id": "llm_1", "general_prompt": "Hi"}
    source = _check([{**AGENT, "response_engine": {"type": "retell-llm", "llm_id": "llm_1"}}, llm], {})
    for typed in ("Voicemail(", "Ivr(", "DtmfOptions(", "Pronunciation(", "SystemPreset(", "pii_categories="):
        assert typed in source, typed


def test_degraded_builders_are_caught() -> None:
    """The extra= check is not decorative: an option the importer cannot type is reported."""
    odd = {**AGENT, "user_dtmf_options": {"digit_limit": 4, "new_knob": 1}}
    llm = {"llm_id": "llm_1", "general_prompt": "Hi"}
    with pytest.raises(AssertionError, match="fell back to extra="):
        _check([{**odd, "response_engine": {"type": "retell-llm", "llm_id": "llm_1"}}, llm], {})


@pytest.mark.parametrize("key,engine", [("retellLlmData", LLM), ("conversationFlow", FLOW)])
def test_dashboard_export_round_trips(key: str, engine: dict[str, Any]) -> None:
    rid = "llm_1" if key == "retellLlmData" else "conversation_flow_1"
    kind = "retell-llm" if key == "retellLlmData" else "conversation-flow"
    id_key = "llm_id" if key == "retellLlmData" else "conversation_flow_id"
    allowed = LLM_EXTRAS if key == "retellLlmData" else FLOW_EXTRAS
    source = _check(
        {**AGENT, "agent_id": "agent_1", "response_engine": {"type": kind, id_key: rid}, key: engine}, allowed
    )
    assert "node-1" in source or "You help." in source


def test_generated_source_passes_ruff(tmp_path: Path) -> None:
    source = import_from_json([FLOW, LLM]).source
    path = tmp_path / "app.py"
    path.write_text(source, encoding="utf-8")
    config = Path(__file__).parents[2] / "pyproject.toml"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(config), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
