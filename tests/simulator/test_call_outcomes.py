"""What the local engine reports when a call ends (latency, cost, tokens, transfers), re-analysis and live control.

Every call runs on the emulator's manual clock with a scripted caller and static-text flows, so
the timeline (speech durations, 600 ms turn gaps) and so every figure is exact.
"""

from __future__ import annotations

from typing import Any

import pytest
import retell

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.sim.models import NoModel, Rule, ScriptedModel
from retell_dsl.sim.outputs import DEFAULT_PRICES
from retell_dsl.simulator import LocalEngine
from tests.emulator.call_fakes import receiver
from tests.emulator.conftest import Api
from tests.simulator.agents import POINTS_FLOW, edge, points_handler, static
from tests.simulator.conftest import use

SCRIPT = {
    "type": "script",
    "steps": [{"say": "Yes please", "after": "points?"}, {"say": "Thanks", "after": "/\\d+ points/"}],
}
GOLD = {"name": "Ann", "tier": "gold"}


def _analysis(summary: str) -> dict[str, Any]:
    return {"call_summary": summary, "call_successful": True, "user_sentiment": "Positive"}


def _voice_agent(api: Api, flow: dict[str, Any] = POINTS_FLOW) -> Any:
    created = api.call("conversation_flow.create", **flow)
    return api.call(
        "agent.create",
        response_engine={"type": "conversation-flow", "conversation_flow_id": created.conversation_flow_id},
        voice_id="11labs-Adrian",
    )


def _stats(values: list[float]) -> dict[str, Any]:
    v = values[0]
    return {"min": v, "max": v, "num": len(values), "p50": v, "p90": v, "p95": v, "p99": v, "values": values}


def test_an_ended_call_has_latency_cost_and_no_token_usage_without_model_calls(api: Api) -> None:
    use(api, LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))
    call_id = api.call(
        "call.create_web_call", agent_id=_voice_agent(api).agent_id, retell_llm_dynamic_variables=GOLD
    ).call_id
    api.emu.run_call(call_id, caller=SCRIPT)
    got = api.call("call.retrieve", call_id)
    assert got.duration_ms == 10_000
    assert got.latency is not None
    # both user turns are answered after the 600 ms turn gap (static text: no model time)
    assert got.latency.model_dump(exclude_none=True) == {"e2e": _stats([600.0, 600.0])}
    assert got.call_cost is not None
    voice, llm = DEFAULT_PRICES.voice_engine_per_minute / 60, DEFAULT_PRICES.llm_per_minute("gpt-4.1") / 60
    assert got.call_cost.model_dump(exclude_none=True) == {
        "product_costs": [
            {"product": "voice_engine", "cost": round(voice * 10, 6), "unit_price": round(voice, 6)},
            {"product": "llm:gpt-4.1", "cost": round(llm * 10, 6), "unit_price": round(llm, 6)},
        ],
        "combined_cost": round(round(voice * 10, 6) + round(llm * 10, 6), 6),
        "total_duration_seconds": 10.0,
        "total_duration_unit_price": round(round(voice, 6) + round(llm, 6), 6),
    }
    assert got.llm_token_usage is None  # no model was called


def test_model_replies_give_llm_latency_and_token_usage(api: Api) -> None:
    model = ScriptedModel(Rule(purpose="reply").say("Sure thing."))
    use(api, LocalEngine(model))
    llm = api.call("llm.create", general_prompt="Be brief.", begin_message="Hello!", model="gpt-4.1-mini")
    agent = api.call(
        "agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian"
    )
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id).call_id
    api.emu.run_call(call_id, caller={"type": "script", "steps": [{"say": "Can you help?"}, {"hang_up": True}]})
    got = api.call("call.retrieve", call_id)
    assert got.transcript == "Agent: Hello!\nUser: Can you help?\nAgent: Sure thing."
    assert got.latency is not None and got.latency.e2e is not None and got.latency.llm is not None
    assert got.latency.llm.num == 1 and got.latency.e2e.num == 1
    # the reply's model time is part of the turn gap
    assert got.latency.e2e.values == [600 + got.latency.llm.values[0]]
    assert got.llm_token_usage is not None and got.llm_token_usage.num_requests == 1
    assert got.call_cost is not None
    assert [p.product for p in got.call_cost.product_costs or []] == ["voice_engine", "llm:gpt-4.1-mini"]


TRANSFER_FLOW: dict[str, Any] = {
    "start_speaker": "agent",
    "start_node_id": "greet",
    "nodes": [
        {
            "id": "greet",
            "name": "Greet",
            "type": "conversation",
            "instruction": static("Front desk. Connecting you now."),
            "always_edge": edge("greet.always", "xfer", "Always"),
        },
        {
            "id": "xfer",
            "name": "Transfer",
            "type": "transfer_call",
            "transfer_destination": {"type": "predefined", "number": "+14155550199"},
            "transfer_option": {"type": "cold_transfer"},
            "edge": edge("xfer.failed", "sorry", "Transfer failed"),
        },
        {"id": "sorry", "name": "Sorry", "type": "end", "instruction": static("Sorry, nobody answers.")},
    ],
}


def test_a_transfer_ends_the_phone_call_with_its_destination(api: Api) -> None:
    use(api, LocalEngine(NoModel()))
    agent = _voice_agent(api, TRANSFER_FLOW)
    number = api.call("phone_number.create", area_code=415, outbound_agents=[{"agent_id": agent.agent_id, "weight": 1}])
    api.emu.add_phone_user("+12125550123", {"type": "script", "steps": [{"say": "Billing, please."}]})
    call_id = api.call("call.create_phone_call", from_number=number.phone_number, to_number="+12125550123").call_id
    api.emu.wait_idle(20)
    got = api.call("call.retrieve", call_id)
    assert (got.call_status, got.disconnection_reason) == ("ended", "call_transfer")
    assert got.transfer_destination == "+14155550199"
    assert got.transcript == "Agent: Front desk. Connecting you now.\nUser: Billing, please."
    assert got.call_cost is not None
    assert [p.product for p in got.call_cost.product_costs or []] == ["voice_engine", "llm:default", "telephony"]


def test_rerun_call_analysis_runs_the_analysis_again_through_the_engine(api: Api) -> None:
    model = ScriptedModel(
        Rule(purpose="analysis", times=1).call("record_analysis", _analysis("First look.")),
        Rule(purpose="analysis").call("record_analysis", _analysis("Second look.")),
    )
    use(api, LocalEngine(model, handlers={"lookup_points": points_handler}))
    call_id = api.call(
        "call.create_web_call", agent_id=_voice_agent(api).agent_id, retell_llm_dynamic_variables=GOLD
    ).call_id
    api.emu.run_call(call_id, caller=SCRIPT)
    first = api.call("call.retrieve", call_id)
    assert first.call_analysis is not None and first.call_analysis.call_summary == "First look."
    rerun = api.call("call.rerun_analysis", call_id)
    assert rerun.call_analysis is not None and rerun.call_analysis.call_summary == "Second look."
    again = api.call("call.retrieve", call_id)
    assert again.call_analysis == rerun.call_analysis
    assert (again.transcript, again.duration_ms) == (first.transcript, first.duration_ms)  # nothing else moves
    model.assert_complete()


def test_rerun_call_analysis_without_a_model_keeps_the_call_and_notes_why(api: Api) -> None:
    engine = use(api, LocalEngine(NoModel(), handlers={"lookup_points": points_handler}))
    call_id = api.call(
        "call.create_web_call", agent_id=_voice_agent(api).agent_id, retell_llm_dynamic_variables=GOLD
    ).call_id
    api.emu.run_call(call_id, caller=SCRIPT)
    before = api.call("call.retrieve", call_id)
    rerun = api.call("call.rerun_analysis", call_id)
    assert rerun.call_analysis == before.call_analysis
    assert "post-call analysis needs a model for call_summary" in engine.call_notes[call_id][0]
    with pytest.raises(retell.UnprocessableEntityError, match="call call_missing not found"):
        api.call("call.rerun_analysis", "call_missing")


def test_update_live_call_overrides_variables_and_triggers_a_response(api: Api) -> None:
    inner = api.emu.client()
    calls: list[str] = []

    def lookup(arguments: Any, call: Any) -> dict[str, Any]:
        # the CRM answers while the call is live: the operator renames the caller and nudges the agent
        inner.call.update_live(
            calls[0],
            call_control={"additional_context": "VIP caller.", "trigger_response": True},
            fields_to_override={"override_dynamic_variables": {"name": "Annie"}},
        )
        return points_handler(arguments, call)

    use(api, LocalEngine(NoModel(), handlers={"lookup_points": lookup}))
    calls.append(
        api.call("call.create_web_call", agent_id=_voice_agent(api).agent_id, retell_llm_dynamic_variables=GOLD).call_id
    )
    api.emu.run_call(calls[0], caller=SCRIPT)
    got = api.call("call.retrieve", calls[0])
    # trigger_response: the agent speaks again at its node before the caller's next turn; then the new name is used
    assert got.transcript == (
        "Agent: Hi Ann! Shall I check your points?\nUser: Yes please\nAgent: You have 250 points.\n"
        "Agent: You have 250 points.\nUser: Thanks\nAgent: Goodbye, Annie!"
    )
    assert got.retell_llm_dynamic_variables == {"name": "Annie", "tier": "gold"}
    items = got.transcript_with_tool_calls or []
    injected = [i for i in items if i.role == "injected"]
    assert [i.content for i in injected] == ["VIP caller."]
    # the update came while the lookup ran: it is recorded between the invocation and its result
    roles = [i.role for i in items]
    assert roles.index("tool_call_invocation") < roles.index("injected") < roles.index("tool_call_result")


def test_a_rerun_analysis_is_posted_again_as_a_signed_call_analyzed_webhook() -> None:
    model = ScriptedModel(
        Rule(purpose="analysis", times=1).call("record_analysis", _analysis("First look.")),
        Rule(purpose="analysis").call("record_analysis", _analysis("Second look.")),
    )
    emu = Emulator(clock=ManualClock(), engine=LocalEngine(model, handlers={"lookup_points": points_handler}))
    client = emu.client(_strict_response_validation=True)
    flow = client.conversation_flow.create(**POINTS_FLOW)
    engine: Any = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    with receiver(emu.api_key) as hooks:
        agent = client.agent.create(response_engine=engine, voice_id="11labs-Adrian", webhook_url=hooks.url)
        call_id = client.call.create_web_call(agent_id=agent.agent_id, retell_llm_dynamic_variables=GOLD).call_id
        emu.join_web_call(call_id, caller=SCRIPT)
        emu.wait_idle(20)
        client.call.rerun_analysis(call_id)
        emu.wait_idle(20)
        assert hooks.events(call_id) == ["call_started", "call_ended", "call_analyzed", "call_analyzed"]
        assert all(hit.verified for hit in hooks.hits)
        summaries = [h.body["call"]["call_analysis"]["call_summary"] for h in hooks.hits if h.event == "call_analyzed"]
        assert summaries == ["First look.", "Second look."]
        ended = next(h.body["call"] for h in hooks.hits if h.event == "call_ended")
        assert ended["latency"]["e2e"]["values"] == [600, 600] and ended["call_cost"]["total_duration_seconds"] == 10
    emu.close()


def test_a_model_written_opening_bills_at_least_ten_seconds(api: Api) -> None:
    use(api, LocalEngine(ScriptedModel(Rule(purpose="reply").say("Hi!"))))
    llm = api.call("llm.create", general_prompt="Greet the caller.", model="gpt-4.1")
    agent = api.call(
        "agent.create", response_engine={"type": "retell-llm", "llm_id": llm.llm_id}, voice_id="11labs-Adrian"
    )
    call_id = api.call("call.create_web_call", agent_id=agent.agent_id).call_id
    api.emu.run_call(call_id, caller={"type": "script", "steps": [{"hang_up": True}]})
    got = api.call("call.retrieve", call_id)
    assert got.transcript == "Agent: Hi!"
    assert got.duration_ms is not None and got.duration_ms < 10_000
    assert (
        got.call_cost is not None
        and got.call_cost.total_duration_seconds == DEFAULT_PRICES.dynamic_opening_minimum_seconds
    )
