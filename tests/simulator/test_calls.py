"""Voice calls held by the local engine (``Emulator.run_call`` with a caller as JSON), read back with the SDK."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.models import NoModel, Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from tests.emulator.conftest import Api
from tests.simulator.agents import POINTS_FLOW, points_handler
from tests.simulator.conftest import use

SCRIPT = {
    "type": "script",
    "steps": [{"say": "Yes please", "after": "points?"}, {"say": "Thanks", "after": "/\\d+ points/"}],
}
ANALYSIS = {
    "call_summary": "Ann heard her 250 points.",
    "call_successful": True,
    "user_sentiment": "Positive",
    "custom_analysis_data": {"tier": "gold"},
}


def _voice_agent(api: Api) -> Any:
    flow = api.call("conversation_flow.create", **POINTS_FLOW)
    return api.call(
        "agent.create",
        response_engine={"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id},
        voice_id="11labs-Adrian",
        post_call_analysis_data=[{"type": "string", "name": "tier", "description": "The customer's tier"}],
    )


def test_a_scripted_caller_holds_a_web_call_end_to_end(api: Api) -> None:
    model = ScriptedModel(Rule(purpose="analysis").call("record_analysis", ANALYSIS))
    use(api, LocalEngine(model, handlers={"lookup_points": points_handler}))
    voice_agent = _voice_agent(api)
    call_id = api.call("call.create_web_call", agent_id=voice_agent.agent_id,
                       retell_llm_dynamic_variables={"name": "Ann", "tier": "gold"}).call_id  # fmt: skip
    final = api.emu.run_call(call_id, caller=SCRIPT)
    assert final["call_status"] == "ended"
    got = api.call("call.retrieve", call_id)
    assert got.transcript == (
        "Agent: Hi Ann! Shall I check your points?\nUser: Yes please\nAgent: You have 250 points.\n"
        "User: Thanks\nAgent: Goodbye, Ann!"
    )
    assert got.disconnection_reason == "agent_hangup"
    assert got.collected_dynamic_variables == {"name": "Ann", "tier": "gold", "points": "250"}
    items = got.transcript_with_tool_calls or []
    roles = [i.role for i in items]
    assert roles == [
        "node_transition", "agent", "user", "node_transition", "tool_call_invocation", "tool_call_result",
        "node_transition", "agent", "user", "node_transition", "agent",
    ]  # fmt: skip
    moves = [(i.former_node_name, i.new_node_name) for i in items if i.role == "node_transition"]
    assert moves == [("begin", "Greet"), ("Greet", "Lookup"), ("Lookup", "Tell"), ("Tell", "Bye")]
    invocation = next(i for i in items if i.role == "tool_call_invocation")
    assert (invocation.name, invocation.arguments) == ("lookup_points", '{"customer": "Ann"}')
    spoken = list(got.transcript_object or [])
    assert [u.role for u in spoken] == ["agent", "user", "agent", "user", "agent"]
    starts = [u.words[0].start for u in spoken if u.words]
    assert starts == sorted(starts) and starts[0] == 0  # word timings on one timeline
    assert got.duration_ms is not None and got.duration_ms >= int(spoken[-1].words[-1].end * 1000)
    assert got.duration_ms > 5_000  # five utterances take time to say
    assert got.call_analysis is not None
    assert (got.call_analysis.call_summary, got.call_analysis.call_successful, got.call_analysis.user_sentiment) == (
        "Ann heard her 250 points.", True, "Positive",
    )  # fmt: skip
    assert got.call_analysis.custom_analysis_data == {"tier": "gold"}


def test_a_web_call_nobody_joins_ends_as_not_joined(api: Api) -> None:
    use(api, LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))
    call_id = api.call("call.create_web_call", agent_id=_voice_agent(api).agent_id).call_id
    api.emu.run_call(call_id)
    got = api.call("call.retrieve", call_id)
    assert (got.disconnection_reason, got.transcript or "") == ("error_user_not_joined", "")


def test_a_caller_who_gives_up_hangs_up_and_without_a_model_there_is_no_analysis() -> None:
    emu = Emulator(clock=ManualClock(), engine=LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))
    client = emu.client(_strict_response_validation=True)
    flow = client.conversation_flow.create(**POINTS_FLOW)
    engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    agent = client.agent.create(response_engine=engine, voice_id="11labs-Adrian")  # type: ignore[arg-type]
    call_id = client.call.create_web_call(agent_id=agent.agent_id, retell_llm_dynamic_variables={"name": "Ann"}).call_id
    caller = {"type": "script", "steps": [{"say": "Hello", "after": "never said", "within": 1}]}
    emu.run_call(call_id, caller=caller)
    got = client.call.retrieve(call_id)
    assert got.disconnection_reason == "user_hangup"
    # the caller stays silent while it waits, so the agent reminds it (fixed text: there is no model)
    assert got.transcript == "Agent: Hi Ann! Shall I check your points?\nAgent: Are you still there?"
    assert got.call_analysis is None or got.call_analysis.call_summary is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"type": "script", "steps": []}, "non-empty list of steps"),
        ({"type": "script", "steps": [{"say": "a", "press": "1"}]}, "exactly one of"),
        ({"type": "script", "steps": [{"say": "a", "after": "/(/"}]}, "not a valid regular expression"),
        ({"type": "persona"}, "needs 'user_prompt'"),
    ],
)
def test_bad_caller_json_is_refused_and_the_call_ends(spec: dict[str, Any], message: str) -> None:
    emu = Emulator(clock=ManualClock(), engine=LocalEngine(NoModel()))
    client = emu.client()
    llm = client.llm.create(general_prompt="x", begin_message="Hi.")
    agent = client.agent.create(response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian")
    call_id = client.call.create_web_call(agent_id=agent.agent_id).call_id
    with pytest.raises(InvalidArgument, match=message):
        emu.run_call(call_id, caller=spec)
    assert client.call.retrieve(call_id).call_status != "ongoing"


def test_a_call_that_needs_a_model_notes_what_to_configure() -> None:
    engine = LocalEngine(NoModel())
    emu = Emulator(clock=ManualClock(), engine=engine)
    client = emu.client(_strict_response_validation=True)
    greet = {"id": "greet", "type": "conversation", "instruction": {"type": "prompt", "text": "Greet the caller."}}
    flow = client.conversation_flow.create(start_speaker="agent", start_node_id="greet", nodes=[greet])  # type: ignore[list-item]
    engine_ref = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    agent = client.agent.create(response_engine=engine_ref, voice_id="11labs-Adrian")  # type: ignore[arg-type]
    call_id = client.call.create_web_call(agent_id=agent.agent_id).call_id
    emu.run_call(call_id, caller={"type": "script", "steps": [{"say": "Hello"}]})
    assert client.call.retrieve(call_id).disconnection_reason == "error_llm_websocket_open"
    (note, *_) = engine.call_notes[call_id]
    assert "greet" in note and "OPENAI_BASE_URL" in note
