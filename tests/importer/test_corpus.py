"""Real-world export shapes (synthetic fixtures in ``corpus/``): import, compile, apply to the emulator, plan clean.

One fixture per class of failure seen on public agent exports (issue 15): older API shapes
(deprecated model fields, model names and voice models the SDK does not list, flow tools of type
``transfer_call``), fields Retell stores that the SDK does not know, drafts (a function node
without a tool, an empty code node, nodes without names, dead ends), explicit empty lists, one
unknown key on one edge (of a flow node, of an LLM state), a node type newer than the SDK. Each
goes all the way through :func:`tools.import_corpus.run_pipeline`;
its compiled payload equals the export (server fields and the documented upgrades aside), and
what stayed in ``extra=`` is listed per fixture, so a typed builder that degrades shows up here.
Fixtures that break Retell's real rules stop at lint with their clear error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from retell_dsl import InvalidArgument, ValidationFailed, compile, validate
from retell_dsl.importer import import_from_json
from retell_dsl.importer._sources import SERVER_FIELDS
from retell_dsl.wire.upgrades import DEPRECATED_ENGINE_FIELDS
from tests.importer.roundtrip import exec_source, extras, recompiled
from tools.import_corpus import main, run_pipeline

CORPUS = Path(__file__).parent / "corpus"
FLOW = "Stack 'imported' > Agent 'Bakery desk' > ConversationFlow 'Bakery desk'"
#: What each valid fixture keeps in extra= (everything else is typed), by spec path.
EXTRAS: dict[str, dict[str, list[str]]] = {
    "dashboard_flow_older_shapes.json": {
        "Stack 'imported' > Agent 'Bakery desk'": [
            "analysis_successful_prompt", "analysis_summary_prompt", "analysis_user_sentiment_prompt", "channel",
            "guardrails", "normalize_for_speech", "opt_out_sensitive_data_storage",
        ],
        f"{FLOW} > ConversationNode 'Greet'": ["start_speaker"],
        f"{FLOW} > ConversationNode 'Greet' > Edge": ["condition"],  # one key on one edge: that edge only
        f"{FLOW} > FunctionNode 'Order'": ["always_edge"],  # not a function-node field in the SDK
        f"{FLOW} > TransferNode 'Human'": ["transfer_option"],  # enable_bridge_audio_cue
        f"{FLOW} > CustomTool 'place_order'": ["response_format", "tool_id"],
    },
    "api_flow_nameless_drafts.json": {},
    # a node type the SDK does not list: that node is a RawNode (typed edges and global setting), not the list
    "flow_newer_node_type.json": {
        "Stack 'imported' > ConversationFlow 'conversation_flow_corpus6' > RawNode 'Hold'": ["max_hold_ms", "music"],
    },
    # a key the SDK does not list on one state edge: that edge only, the state's other edges stay typed
    "llm_state_edge_newer_key.json": {
        "Stack 'imported' > RetellLLM 'llm_corpus7' > State 'intake' > StateEdge": ["speak_during_transition"],
    },
    "llm_states_empty_lists.json": {
        "Stack 'imported' > Agent 'Support line' > RetellLLM 'Support line' > EndCall 'end_call'": [
            "speak_after_execution"
        ],
        "Stack 'imported' > Agent 'Support line' > RetellLLM 'Support line' > TransferCall 'to_desk'": [
            "speak_after_execution", "transfer_option"
        ],
    },
}  # fmt: skip
INVALID = {
    "invalid_states_without_starting_state.json": "RD106",
    "invalid_analysis_field_without_description.json": "RD001",
}


def _load(name: str) -> Any:
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


def _objects(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """``(kind, raw export object)`` for each object of a fixture, nested engines included."""
    out: list[tuple[str, dict[str, Any]]] = []
    for item in data if isinstance(data, list) else [data]:
        for key, kind in (("conversationFlow", "conversation_flow"), ("retellLlmData", "llm")):
            if key in item:
                out.append((kind, item[key]))
        kind = "agent" if "voice_id" in item else "llm" if "llm_id" in item else "conversation_flow"
        out.append((kind, {k: v for k, v in item.items() if k not in ("conversationFlow", "retellLlmData")}))
    return out


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.json")) == sorted([*EXTRAS, *INVALID])


@pytest.mark.parametrize("name", sorted(EXTRAS))
def test_fixture_goes_all_the_way(name: str, tmp_path: Path) -> None:
    outcome = run_pipeline(_load(name), name=name, workdir=tmp_path)
    assert outcome.ok, outcome.line()


@pytest.mark.parametrize("name", sorted(EXTRAS))
def test_compiled_payload_equals_the_export(name: str) -> None:
    data = _load(name)
    imported = import_from_json(data)
    again = recompiled(imported)
    assert extras(exec_source(imported.source)) == EXTRAS[name]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for kind, raw in _objects(data):
        by_kind.setdefault(kind, []).append(raw)
    for r in imported.resources:
        assert again[r.address] == r.payload, r.address
        [raw] = by_kind[r.kind]
        upgraded = set(DEPRECATED_ENGINE_FIELDS) | {"model_config"}
        expected = {k: v for k, v in raw.items() if k not in SERVER_FIELDS[r.kind] and k not in upgraded}
        got = {k: v for k, v in again[r.address].items() if k not in upgraded}
        if r.kind == "agent":  # the engine reference is the imported engine's id (the export's, version aside)
            expected["response_engine"] = {k: v for k, v in expected["response_engine"].items() if k != "version"}
        assert got == expected, r.address


def test_upgrades_are_reported_and_written_as_comments() -> None:
    imported = import_from_json(_load("dashboard_flow_older_shapes.json"))
    assert any("model_temperature, model_choice: became model_config" in n for n in imported.notes)
    assert any("opt_out_sensitive_data_storage: kept as written; Retell now expects data_storage_setting" in n
               for n in imported.notes)  # fmt: skip
    assert any("edges[1]: condition kept in the edge's extra=" in n for n in imported.notes)
    for n in imported.notes:
        assert f"#   - {' '.join(n.split())}" in imported.source


def test_one_unknown_key_on_one_edge_keeps_the_other_edges_typed() -> None:
    stack = exec_source(import_from_json(_load("dashboard_flow_older_shapes.json")).source)
    issues = validate(stack)
    [flow] = [r for r in compile(stack).resources if r.kind == "conversation_flow"]
    greet = next(n for n in flow.payload["nodes"] if n["id"] == "start")
    assert [e["id"] for e in greet["edges"]] == ["start.e0", "start.e1"]
    assert greet["edges"][1]["condition"] == "Caller wants a person"
    assert "RD104" not in [i.code for i in issues if "Greet" in i.path]  # its edges are visible to lint


def test_drafts_and_dead_ends_are_warnings() -> None:
    stack = exec_source(import_from_json(_load("api_flow_nameless_drafts.json")).source)
    issues = validate(stack)
    assert not issues.errors
    assert sorted(i.code for i in issues.warnings if i.code in ("RD104", "RD111")) == ["RD104", "RD111", "RD111"]
    [flow] = compile(stack).resources
    assert [("name" in n) for n in flow.payload["nodes"]] == [False, False, True, False, False]


@pytest.mark.parametrize(("name", "code"), sorted(INVALID.items()))
def test_what_retell_rejects_stops_at_lint(name: str, code: str) -> None:
    stack = exec_source(import_from_json(_load(name)).source)
    with pytest.raises(ValidationFailed):
        compile(stack)
    assert [i.code for i in validate(stack).errors] == [code]
    outcome = run_pipeline(_load(name), name=name)
    assert (outcome.reached, outcome.failed) == ("import", "compile")


def test_the_script_prints_how_far_each_file_got(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS)]) == 1  # the invalid fixtures stop at compile
    out = capsys.readouterr().out
    assert "dashboard_flow_older_shapes.json: ok      plan clean" in out
    assert "invalid_states_without_starting_state.json: FAILED  at compile (reached: import)" in out
    assert out.rstrip().endswith("7 files: 7 import, 5 compile, 5 apply, 5 plan clean")


def test_an_agent_whose_flow_is_not_in_the_file_keeps_the_flow_as_an_outside_reference(tmp_path: Path) -> None:
    from retell_dsl.emulator import Emulator

    emu = Emulator()
    cfg = {"type": "cascading", "primary": {"model": "gpt-4.1"}}
    body = {"start_speaker": "agent", "start_node_id": "a", "model_config": cfg,
            "nodes": [{"id": "a", "type": "end", "name": "Bye"}]}  # fmt: skip
    flow: Any = emu.client().post("/create-conversation-flow", cast_to=object, body=body)
    export = {"agent_id": "agent_outside", "agent_name": "Outside", "voice_id": "11labs-Adrian", "version": 2,
              "response_engine": {"type": "conversation-flow", "conversation_flow_id": flow["conversation_flow_id"],
                                  "version": 0}}  # fmt: skip
    imported = import_from_json(export)
    assert 'ExistingEngine(kind="conversation-flow", id=' in imported.source
    assert any("is not in the import; kept as an outside reference" in n for n in imported.notes)
    [agent] = recompiled(imported).values()
    assert agent["response_engine"] == {
        "type": "conversation-flow",
        "conversation_flow_id": flow["conversation_flow_id"],
    }
    outcome = run_pipeline(export, name="outside", workdir=tmp_path, emulator=emu)
    assert outcome.ok, outcome.line()


def test_a_newer_node_type_is_a_warning_and_its_edges_stay_visible() -> None:
    imported = import_from_json(_load("flow_newer_node_type.json"))
    assert "RawNode(" in imported.source and 'node_type="hold_music"' in imported.source
    stack = exec_source(imported.source)
    issues = validate(stack)
    assert not issues.errors
    [warning] = [i for i in issues.warnings if i.path.endswith("nodes[1].type")]
    assert "node type 'hold_music' is not in retell-sdk" in warning.message
    [flow] = compile(stack).resources
    hold = flow.payload["nodes"][1]
    assert hold["edges"][0]["destination_node_id"] == "bye" and hold["global_node_setting"]["condition"]


def test_a_typo_of_a_known_node_type_stays_an_error() -> None:
    data = _load("flow_newer_node_type.json")
    data["nodes"][1]["type"] = "conversaton"
    stack = exec_source(import_from_json(data).source)
    [error] = validate(stack).errors
    assert error.code == "RD001" and "got string 'conversaton'" in error.message


def test_an_unknown_key_on_a_state_edge_keeps_the_other_edges_typed() -> None:
    imported = import_from_json(_load("llm_state_edge_newer_key.json"))
    assert [n for n in imported.notes if "extra=" in n] == [
        "Retell LLM 'llm_corpus7' > state 'intake' > edges[0]: speak_during_transition kept in the edge's extra="
    ]
    stack = exec_source(imported.source)
    assert not validate(stack).errors


def test_an_agent_with_its_flow_written_inside_response_engine_is_set_straight(tmp_path: Path) -> None:
    """A public template nests the flow (and the agent's voice, language, ...) inside ``response_engine``."""
    flow = {
        "start_node_id": "hello",
        "start_speaker": "agent",
        "nodes": [
            {"id": "hello", "type": "conversation", "instruction": {"type": "static_text", "text": "Hello!"},
             "edges": [{"id": "e1", "destination_node_id": "bye",
                        "transition_condition": {"type": "prompt", "prompt": "The caller is done"}}]},
            {"id": "bye", "type": "end", "instruction": {"type": "static_text", "text": "Bye."}},
        ],
    }  # fmt: skip
    data = {
        "agent_name": "Nested desk",
        "response_engine": {
            "type": "conversation-flow", "conversation_flow_id": "", "version": 0,
            "voice_id": "11labs-Adrian", "language": "en-US", "conversationFlow": flow,
        },
    }  # fmt: skip
    imported = import_from_json(data)
    assert any("its engine JSON was inside response_engine" in n and "voice_id" in n for n in imported.notes)
    (agent,) = [r for r in imported.resources if r.kind == "agent"]
    assert (agent.payload["voice_id"], agent.payload["language"]) == ("11labs-Adrian", "en-US")
    outcome = run_pipeline(data, name="nested.json", workdir=tmp_path)
    assert outcome.ok, outcome.line()


def test_a_non_object_flow_inside_response_engine_is_a_clear_error_not_a_crash() -> None:
    data = {
        "agent_name": "Broken desk",
        "voice_id": "11labs-Adrian",
        "response_engine": {"type": "conversation-flow", "conversationFlow": "not an object"},
    }
    with pytest.raises(InvalidArgument, match="agent 'Broken desk' has no response engine"):
        import_from_json(data)
