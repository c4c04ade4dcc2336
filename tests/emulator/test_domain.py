"""Domain operations called directly over a store: no requests, no handlers, no HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retell_dsl.emulator.clock import ManualClock
from retell_dsl.emulator.domain import agents, batch_calls, calls, dialing, engines, knowledge_bases, versions
from retell_dsl.emulator.domain.versions import LLM
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.state import EmulatorConfig, State
from retell_dsl.emulator.store import Store


@pytest.fixture
def state() -> Iterator[State]:
    store = Store(":memory:")
    state = State(store, ManualClock(), EmulatorConfig(kb_processing_ms=2_000))
    with store.transaction():
        yield state
    store.close()


def _agent(state: State) -> tuple[str, str]:
    llm = engines.create_engine(state, LLM, {"general_prompt": "p"})
    agent = agents.create_agent(
        state,
        "voice",
        {"voice_id": "11labs-Adrian", "response_engine": {"type": "retell-llm", "llm_id": llm["llm_id"]}},
    )
    return agent["agent_id"], llm["llm_id"]


def test_publish_then_branch_gives_the_engine_a_new_draft(state: State) -> None:
    agent_id, llm_id = _agent(state)
    v0 = versions.resolve_agent_version(state, agent_id, 0, "voice")
    versions.publish_agent_version(state, v0, {"version_title": "first"})
    published = state.store.get("llm", llm_id, 0)
    assert published is not None and published["_published"] is True
    with pytest.raises(ApiError, match="is published and cannot be changed"):
        engines.update_engine(state, LLM, llm_id, 0, {"general_prompt": "q"})
    draft = versions.new_agent_draft(state, v0)
    assert (draft["version"], draft["base_version"], draft["_published"]) == (1, 0, False)
    assert "version_title" not in draft
    latest_llm = state.store.get("llm", llm_id)
    assert latest_llm is not None and (latest_llm["version"], latest_llm["_published"]) == (1, False)
    assert versions.resolve_agent_version(state, agent_id, "latest_published", None)["version"] == 0
    versions.delete_agent_version(state, agent_id, 1)
    with pytest.raises(ApiError, match="only version"):
        versions.delete_agent_version(state, agent_id, 0)


def test_engines_in_use_are_not_deleted_without_force(state: State) -> None:
    agent_id, llm_id = _agent(state)
    assert engines.agents_using(state, LLM, llm_id) == [agent_id]
    with pytest.raises(ApiError, match="force_delete=true"):
        engines.delete_engine(state, LLM, llm_id, force=False)
    engines.delete_engine(state, LLM, llm_id, force=True)
    assert state.store.get("llm", llm_id) is None


def test_a_future_batch_spawns_its_calls_when_the_clock_passes_the_trigger(state: State) -> None:
    agent_id, _ = _agent(state)
    number = "+14155550100"
    state.store.put("phone_number", number, {"phone_number": number, "outbound_agents": [
        {"agent_id": agent_id, "weight": 1}]})  # fmt: skip
    clock = state.clock
    assert isinstance(clock, ManualClock)
    batch = batch_calls.create_batch_call(
        state,
        {"from_number": number, "tasks": [{"to_number": "+12125550100"}], "trigger_timestamp": state.now() + 60_000},
    )
    assert state.store.list_latest("call") == []
    clock.advance(59_999)
    batch_calls.materialize_due(state)
    assert state.store.list_latest("call") == []
    clock.advance(1)
    batch_calls.materialize_due(state)
    (_, call), = state.store.list_latest("call")  # fmt: skip
    assert (call["_batch_call_id"], call["agent_id"], call["call_status"]) == (
        batch["batch_call_id"], agent_id, "registered",
    )  # fmt: skip


def test_knowledge_bases_process_on_the_emulator_clock(state: State) -> None:
    clock = state.clock
    assert isinstance(clock, ManualClock)
    sources = knowledge_bases.NewSources(texts=[{"title": "Hours", "text": "9 to 5"}])
    doc = knowledge_bases.create_knowledge_base(
        state, "Help", auto_refresh=False, chunk_sizes={"max_chunk_size": 2000, "min_chunk_size": 400}, sources=sources
    )
    assert knowledge_bases.render_knowledge_base(doc, state.now())["status"] == "in_progress"
    clock.advance(2_000)
    view = knowledge_bases.render_knowledge_base(doc, state.now())
    assert (view["status"], [s["title"] for s in view["knowledge_base_sources"]]) == ("complete", ["Hours"])
    doc, started = knowledge_bases.add_sources(state, doc["knowledge_base_id"], knowledge_bases.NewSources(
        urls=["https://example.com/faq"]))  # fmt: skip
    assert knowledge_bases.render_knowledge_base(doc, state.now())["status"] == "refreshing_in_progress"
    clock.advance(2_000)
    assert knowledge_bases.render_knowledge_base(doc, state.now())["status"] == "complete"
    assert [text for _, text in knowledge_bases.source_texts(doc)] == ["9 to 5"]
    assert len(started) == 1


def test_calls_apply_overrides_without_any_request(state: State) -> None:
    agent_id, _ = _agent(state)
    doc = dialing.create_web_call(
        state, {"agent_id": agent_id, "agent_override": {"agent": {"agent_name": "Override"}}}
    )
    assert (doc["agent_name"], doc["_agent_config"]["agent_name"]) == ("Override", "Override")
    assert dialing.web_call_bundle(doc)["call_id"] == doc["call_id"]
    calls.update_call(state, doc["call_id"], {"data_storage_setting": "basic_attributes_only"})
    with pytest.raises(ApiError, match="cannot be loosened"):
        calls.update_call(state, doc["call_id"], {"data_storage_setting": "everything"})
