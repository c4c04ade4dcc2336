"""Simulation tests on the local engine: a scripted persona and judge grade runs; no model → error runs."""

from __future__ import annotations

from typing import Any

from retell_dsl.sim.models import ModelRequest, NoModel, Rule, ScriptedModel
from retell_dsl.simulator import LocalEngine
from retell_dsl.simulator.judge import VERDICT_TOOL
from retell_dsl.simulator.testing import NO_MODEL_EXPLANATION
from tests.emulator.conftest import Api
from tests.emulator.helpers import call_kw
from tests.simulator.agents import POINTS_FLOW
from tests.simulator.conftest import use

MOCK = {"tool_name": "lookup_points", "input_match_rule": {"type": "any"}, "output": '{"points": 120}'}
METRICS = ["The agent tells the customer how many points they have", "The agent says goodbye"]


def _told_points(request: ModelRequest) -> bool:
    return "120 points" in (request.messages[-1].content or "")


def _models() -> tuple[ScriptedModel, ScriptedModel]:
    persona = ScriptedModel(
        Rule(purpose="persona", user="your points?").say("Yes please, check them."),
        Rule(purpose="persona", user="points.").say("Great, thanks!"),
    )
    judge = ScriptedModel(
        Rule(purpose="judge", when=_told_points).call(
            VERDICT_TOOL.name, {"pass": True, "explanation": "It read out 120 points and said goodbye."}
        ),
        Rule(purpose="judge").call(VERDICT_TOOL.name, {"pass": False, "explanation": "It never told the points."}),
    )
    return persona, judge


def _definitions(api: Api, response_engine: dict[str, Any]) -> list[str]:
    out = []
    for name, tier in (("gold member", "gold"), ("basic member", "basic")):
        created = call_kw(
            api,
            "tests.create_test_case_definition",
            name=name,
            response_engine=response_engine,
            user_prompt="You are Ann. You want to know your loyalty points.",
            metrics=METRICS,
            dynamic_variables={"name": "Ann", "tier": tier},
            tool_mocks=[MOCK],
            llm_model="gpt-4.1-mini",
        )
        out.append(created.test_case_definition_id)
    return out


def test_a_batch_is_graded_by_the_judge_with_explanations_and_counts(api: Api) -> None:
    persona, judge = _models()
    use(api, LocalEngine(NoModel(), persona_model=persona, judge_model=judge))
    flow = api.call("conversation_flow.create", **POINTS_FLOW)
    response_engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    ids = _definitions(api, response_engine)
    batch = api.call("tests.create_batch_test", response_engine=response_engine, test_case_definition_ids=ids)
    assert (batch.status, batch.pass_count, batch.fail_count, batch.error_count, batch.total_count) == (
        "complete", 1, 1, 0, 2,
    )  # fmt: skip
    runs = {r.test_case_definition_id: r for r in api.call("tests.list_test_runs", batch.test_case_batch_job_id).items}
    gold, basic = runs[ids[0]], runs[ids[1]]
    assert (gold.status, gold.result_explanation) == ("pass", "It read out 120 points and said goodbye.")
    assert (basic.status, basic.result_explanation) == ("fail", "It never told the points.")
    snapshot: list[dict[str, Any]] = list(gold.transcript_snapshot or [])  # Retell types it as plain objects
    said = [(m["role"], m["content"]) for m in snapshot if m["role"] in ("agent", "user")]
    assert said == [
        ("agent", "Hi Ann! Shall I check your points?"),
        ("user", "Yes please, check them."),
        ("agent", "You have 120 points."),
        ("user", "Great, thanks!"),
        ("agent", "Goodbye, Ann!"),
    ]
    assert any(m["role"] == "tool_call_result" and m["content"] == '{"points": 120}' for m in snapshot)
    assert gold.test_case_definition_snapshot.name == "gold member"
    judged = [c for c in judge.calls if c.context.purpose == "judge"]
    assert len(judged) == 2 and all(c.tool_choice == VERDICT_TOOL.name for c in judged)
    assert all(m in (judged[0].messages[-1].content or "") for m in METRICS)  # every metric in one call
    assert {c.retell_model for c in persona.calls} == {"gpt-4.1-mini"}  # the definition's llm_model


def test_without_a_model_every_run_errors_saying_what_to_configure(api: Api) -> None:
    use(api, LocalEngine(NoModel()))
    flow = api.call("conversation_flow.create", **POINTS_FLOW)
    response_engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
    ids = _definitions(api, response_engine)
    batch = api.call("tests.create_batch_test", response_engine=response_engine, test_case_definition_ids=ids)
    assert (batch.status, batch.pass_count, batch.fail_count, batch.error_count) == ("complete", 0, 0, 2)
    runs = api.call("tests.list_test_runs", batch.test_case_batch_job_id).items
    assert [r.status for r in runs] == ["error", "error"]
    assert all(r.result_explanation == NO_MODEL_EXPLANATION for r in runs)
    assert "OPENAI_BASE_URL" in NO_MODEL_EXPLANATION and "LocalEngine(model=" in NO_MODEL_EXPLANATION


def test_a_persona_that_repeats_itself_ends_the_run_as_an_error(api: Api) -> None:
    persona = ScriptedModel(Rule(purpose="persona").say("Hello?"))
    judge = ScriptedModel(Rule(purpose="judge").call(VERDICT_TOOL.name, {"pass": True, "explanation": "x"}))
    use(api, LocalEngine(NoModel(), persona_model=persona, judge_model=judge))
    llm = api.call("llm.create", general_prompt="Answer.", begin_message="Hi there.")
    response_engine = {"type": "retell-llm", "llm_id": llm.llm_id}
    ident = call_kw(api, "tests.create_test_case_definition", name="loop", response_engine=response_engine,
                    user_prompt="Say hello", metrics=["m"]).test_case_definition_id  # fmt: skip
    batch = api.call("tests.create_batch_test", response_engine=response_engine, test_case_definition_ids=[ident])
    run = api.call("tests.list_test_runs", batch.test_case_batch_job_id).items[0]
    # the agent needs a model after the greeting: the run errors (not graded), saying why
    assert (batch.error_count, run.status) == (1, "error")
    assert "needs a model" in (run.result_explanation or "")
    assert not [c for c in judge.calls if c.context.purpose == "judge"]
