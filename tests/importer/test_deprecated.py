"""Deprecated Retell fields import in one form: the current ``model_config``, never twice.

Regression: a dashboard export whose LLM used ``model`` imported as ``model="…"`` *and*
``extra={"model": …}``, so the compiled payload carried ``model`` and a new ``model_config``.
"""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.importer import import_from_json
from tests.importer.roundtrip import exec_source, extras, recompiled

AGENT = {"agent_id": "agent_1", "agent_name": "Desk", "voice_id": "11labs-Adrian"}
CASCADING = {"type": "cascading", "primary": {"model": "gpt-5"}}


def _export(llm: dict[str, Any]) -> dict[str, Any]:
    engine = {"type": "retell-llm", "llm_id": "llm_1"}
    return {**AGENT, "response_engine": engine, "retellLlmData": {"llm_id": "llm_1", "version": 2, **llm}}


def _round_trip(data: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    imported = import_from_json(data)
    again = recompiled(imported)
    for r in imported.resources:
        assert again[r.address] == r.payload, r.address
    return imported.source, {r.address: r.payload for r in imported.resources}


def test_dashboard_export_with_deprecated_model_adds_no_field() -> None:
    source, payloads = _round_trip(_export({"model": "gpt-5", "general_prompt": "Hi"}))
    assert 'model="gpt-5"' in source
    assert "extra=" not in source
    assert payloads["llm.Desk"] == {"general_prompt": "Hi", "model_config": CASCADING}


@pytest.mark.parametrize(
    ("deprecated", "model_config", "typed"),
    [
        ({"model": "gpt-5", "model_temperature": 0.2}, {**CASCADING, "temperature": 0.2}, "temperature=0.2"),
        ({"model": "gpt-5", "model_high_priority": True}, {"type": "cascading",
         "primary": {"model": "gpt-5", "tier": "fast"}}, 'model_tier="fast"'),
        ({"model": "gpt-5", "model_ultrafast": True, "model_high_priority": False}, {"type": "cascading",
         "primary": {"model": "gpt-5", "tier": "ultrafast"}}, 'model_tier="ultrafast"'),
        ({"model": "gpt-5", "model_high_priority": False}, CASCADING, 'model="gpt-5"'),
        ({"s2s_model": "gpt-realtime"}, {"type": "s2s", "primary": {"model": "gpt-realtime"}},
         's2s_model="gpt-realtime"'),
        ({"model_temperature": 0.5}, {"type": "cascading", "temperature": 0.5}, "temperature=0.5"),
    ],
)  # fmt: skip
def test_deprecated_llm_model_fields_become_model_config(
    deprecated: dict[str, Any], model_config: dict[str, Any], typed: str
) -> None:
    source, payloads = _round_trip(_export({"general_prompt": "Hi", **deprecated}))
    assert payloads["llm.Desk"] == {"general_prompt": "Hi", "model_config": model_config}
    assert typed in source and "extra=" not in source


def test_deprecated_fields_are_dropped_next_to_model_config() -> None:
    """Retell ignores them when ``model_config`` is set; so does the import."""
    cfg = {"type": "cascading", "primary": {"model": "gpt-4.1"}}
    source, payloads = _round_trip(_export({"model": "gpt-5", "model_temperature": 1.0, "model_config": cfg}))
    assert payloads["llm.Desk"] == {"model_config": cfg}
    assert "gpt-5" not in source


def test_flow_model_choice_becomes_model_config_on_the_flow_and_its_nodes() -> None:
    node = {"id": "n1", "type": "end", "name": "Bye", "model_choice": {"type": "cascading", "model": "gpt-4.1-mini"}}
    component = {"name": "intake", "start_node_id": "c1", "nodes": [{**node, "id": "c1", "name": "Done"}]}
    flow = {
        "conversation_flow_id": "cf_1", "start_speaker": "agent", "start_node_id": "n1", "nodes": [node],
        "model_choice": {"type": "cascading", "model": "gpt-5", "high_priority": True}, "model_temperature": 0.1,
        "components": [component],
    }  # fmt: skip
    source, payloads = _round_trip(flow)
    payload = payloads["conversation_flow.cf_1"]
    assert payload["model_config"] == {"type": "cascading", "primary": {"model": "gpt-5", "tier": "fast"},
                                       "temperature": 0.1}  # fmt: skip
    assert "model_choice" not in payload and "model_temperature" not in payload
    assert payload["nodes"][0]["model_config"] == {"primary": {"model": "gpt-4.1-mini"}}
    assert "model_choice" not in payload["nodes"][0]
    assert payload["components"][0]["nodes"][0]["model_config"] == {"primary": {"model": "gpt-4.1-mini"}}
    assert extras(exec_source(source)) == {}


def test_a_deprecated_value_without_a_current_form_is_kept_once_in_extra() -> None:
    """A tier with no model has no ``model_config`` form: it stays as it was, in extra= only."""
    source, payloads = _round_trip(_export({"general_prompt": "Hi", "model_high_priority": True}))
    assert payloads["llm.Desk"] == {"general_prompt": "Hi", "model_high_priority": True}
    found = extras(exec_source(source))
    assert list(found.values()) == [["model_high_priority"]]
