"""Live call control: update-live-call, stop-call and rerun-call-analysis on calls the engine holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import retell

from retell_dsl.emulator.calls_session import StoreCallSession
from retell_dsl.emulator.engine_port import LiveControl
from tests.emulator.call_fakes import ScriptEngine, script
from tests.emulator.conftest import Api
from tests.emulator.helpers import make_agent

CALLER = script({"say": "Hi."}, {"hang_up": True})


@pytest.fixture
def engine(api: Api) -> Iterator[ScriptEngine]:
    fake = ScriptEngine(gate=threading.Event())
    api.emu.use_engine(fake)
    yield fake
    assert fake.gate is not None
    fake.gate.set()
    api.emu.wait_idle(10)
    api.emu.use_engine(None)


def _held_call(api: Api, engine: ScriptEngine, **kwargs: object) -> str:
    """A call the engine holds open at its gate, after the agent's greeting."""
    call_id = str(api.call("call.create_web_call", agent_id=make_agent(api).agent_id, **kwargs).call_id)
    engine.greeted.clear()
    api.emu.join_web_call(call_id, caller=CALLER, wait=False)
    assert engine.greeted.wait(10)
    return call_id


def test_update_live_call_injects_context_and_overrides_fields(api: Api, engine: ScriptEngine) -> None:
    call_id = _held_call(api, engine, retell_llm_dynamic_variables={"name": "Ann", "tier": "basic"}, metadata={"a": 1})
    api.emu.clock.advance(2_500)  # type: ignore[attr-defined]
    result = api.call(
        "call.update_live",
        call_id,
        call_control={"additional_context": "The caller is a VIP.", "trigger_response": True},
        fields_to_override={
            "override_dynamic_variables": {"tier": "gold"},
            "metadata": {"b": 2},
            "data_storage_setting": "everything_except_pii",
        },
    )
    assert result.success is True
    got = api.call("call.retrieve", call_id)
    assert got.retell_llm_dynamic_variables == {"name": "Ann", "tier": "gold"}
    assert (got.metadata, got.data_storage_setting) == ({"b": 2}, "everything_except_pii")
    assert got.transcript_with_tool_calls is not None
    injected = got.transcript_with_tool_calls[-1]
    assert (injected.role, injected.content, injected.time_sec) == ("injected", "The caller is a VIP.", 2.5)
    assert got.transcript == "Agent: Hello Ann, this is Front desk."  # injected context is not spoken
    api.call("call.update_live", call_id, fields_to_override={"override_dynamic_variables": None})
    assert api.call("call.retrieve", call_id).retell_llm_dynamic_variables == {"name": "Ann", "tier": "basic"}


def test_a_refused_live_update_changes_nothing(api: Api, engine: ScriptEngine) -> None:
    call_id = _held_call(api, engine, metadata={"a": 1})
    api.call("call.update_live", call_id, fields_to_override={"data_storage_setting": "basic_attributes_only"})
    with pytest.raises(retell.BadRequestError, match="cannot be loosened"):
        api.call(
            "call.update_live",
            call_id,
            fields_to_override={"data_storage_setting": "everything", "metadata": {"b": 2}},
            call_control={"additional_context": "ignored"},
        )
    with pytest.raises(retell.BadRequestError, match="additional_context must be a non-empty string"):
        api.call("call.update_live", call_id, call_control={"additional_context": " "})
    got = api.call("call.retrieve", call_id)
    assert (got.metadata, got.data_storage_setting) == ({"a": 1}, "basic_attributes_only")
    assert [i.role for i in got.transcript_with_tool_calls or []] == ["agent"]
    ended = api.call("call.create_web_call", agent_id=make_agent(api).agent_id).call_id
    with pytest.raises(retell.BadRequestError, match="not ongoing"):
        api.call("call.update_live", ended, call_control={"additional_context": "x"})


def test_stop_call_ends_a_call_the_engine_is_holding(api: Api, engine: ScriptEngine) -> None:
    call_id = _held_call(api, engine)
    assert api.call("concurrency.retrieve").current_concurrency == 1
    api.call("call.stop", call_id)
    assert engine.gate is not None
    engine.gate.set()  # the engine talks on into an ended call: it is told so and stops
    api.emu.wait_idle(10)
    got = api.call("call.retrieve", call_id)
    assert (got.call_status, got.disconnection_reason) == ("ended", "manual_stopped")
    assert got.transcript == "Agent: Hello there, this is Front desk."
    with pytest.raises(retell.BadRequestError, match="not ongoing"):
        api.call("call.stop", call_id)


def test_rerun_call_analysis_needs_an_engine_that_analyses_calls(api: Api, engine: ScriptEngine) -> None:
    call_id = _held_call(api, engine)
    with pytest.raises(retell.BadRequestError, match="it is ongoing"):
        api.call("call.rerun_analysis", call_id)
    assert engine.gate is not None
    engine.gate.set()
    api.emu.wait_idle(10)
    with pytest.raises(retell.InternalServerError) as err:
        api.call("call.rerun_analysis", call_id)
    assert err.value.status_code == 501
    assert "the configured engine does not analyse calls (CallAnalyzer)" in str(err.value)
    api.emu.use_engine(None)
    with pytest.raises(retell.InternalServerError, match="no conversation engine is configured"):
        api.call("call.rerun_analysis", call_id)


def test_the_engine_takes_what_update_live_call_asked_once(api: Api, engine: ScriptEngine) -> None:
    call_id = _held_call(api, engine, retell_llm_dynamic_variables={"name": "Ann"})
    session = StoreCallSession(api.emu.state, call_id)
    assert not session.live_control()  # nothing asked yet
    api.call("call.update_live", call_id, call_control={"additional_context": "First."})
    api.call(
        "call.update_live",
        call_id,
        call_control={"additional_context": "Second.", "trigger_response": True},
        fields_to_override={"override_dynamic_variables": {"name": "Annie"}},
    )
    api.call("call.update_live", call_id, call_control={"trigger_response": False})  # only true has an effect
    assert session.live_control() == LiveControl(
        additional_context=("First.", "Second."), dynamic_variables={"name": "Annie"}, trigger_response=True
    )
    assert session.live_control() == LiveControl()  # taken: the queue is empty again
