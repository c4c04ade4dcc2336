"""The judge API (verdicts, confirm-on-fail, configuration) and the statistics of repeats and calibration."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest

from retell_dsl.conversations import (
    CallResult,
    Judge,
    JudgeFailed,
    PassRate,
    Rule,
    ScriptedModel,
    Verdict,
    events_of,
    judge_model,
    judge_transcript,
    wilson_interval,
)
from retell_dsl.conversations.statistics import agreement, classify, kappa_strength
from retell_dsl.errors import ConfigurationError, InvalidArgument
from retell_dsl.sim.models import InvalidModelReply, NoModel, ProviderUnavailable
from tests.sim.openai_fixtures import FakeOpenAIServer, openai_server

__all__ = ["openai_server"]

RESULT = CallResult(
    id="chat_7",
    kind="chat",
    agent_id="agent_1",
    status="ended",
    events=events_of(
        [
            {"role": "node_transition", "former_node_name": "begin", "new_node_name": "greet"},
            {"role": "agent", "content": "Hi! What is your order number?"},
            {"role": "user", "content": "A17"},
            {"role": "tool_call_invocation", "tool_call_id": "t", "name": "lookup", "arguments": '{"order": "A17"}'},
            {"role": "tool_call_result", "tool_call_id": "t", "content": "shipped"},
            {"role": "agent", "content": "It has shipped."},
        ]
    ),
)


def answers(*verdicts: bool) -> ScriptedModel:
    """A judge model giving these answers in order."""
    return ScriptedModel(
        *(
            Rule(purpose="judge", times=1).call("record_verdict", {"pass": v, "explanation": f"answer {i}"})
            for i, v in enumerate(verdicts, 1)
        )
    )


def test_a_verdict_is_immutable_and_carries_model_criterion_and_subject() -> None:
    verdict = Judge(answers(True), name="judge-m").verdict(RESULT, "The agent gives the order status")
    assert verdict == Verdict(
        passed=True, reason="answer 1", model="judge-m", criterion="The agent gives the order status",
        subject="chat chat_7", answers=((True, "answer 1"),),
    )  # fmt: skip
    assert bool(verdict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.passed = False  # type: ignore[misc]
    assert json.loads(json.dumps(verdict.to_json()))["subject"] == "chat chat_7"


def test_the_judge_reads_messages_and_tool_calls_not_transitions() -> None:
    model = answers(True)
    Judge(model).verdict(RESULT, "c")
    prompt = model.calls[0].messages[1].content or ""
    assert prompt.endswith(
        "Transcript:\nAgent: Hi! What is your order number?\nUser: A17\n"
        '[the agent called tool lookup({"order": "A17"}) -> shipped]\nAgent: It has shipped.'
    )
    assert "greet" not in prompt
    assert model.calls[0].temperature == 0 and model.calls[0].tool_choice == "record_verdict"
    assert judge_transcript(RESULT.messages[-1]) == "Agent: It has shipped."


@pytest.mark.parametrize(
    ("given", "confirm", "passed", "asked"),
    [
        ((True,), 1, True, 1),  # a pass is taken at once
        ((False, True), 1, True, 2),  # a failing answer not confirmed: passes
        ((False, False), 1, False, 2),  # confirmed: fails
        ((False, False, True), 2, True, 3),
        ((False,), 0, False, 1),  # confirm=0: the first answer stands
    ],
)
def test_confirm_on_fail(given: tuple[bool, ...], confirm: int, passed: bool, asked: int) -> None:
    model = answers(*given)
    verdict = Judge(model, confirm=confirm).verdict("Have a nice day!", "The agent is polite")
    assert (verdict.passed, len(verdict.answers), len(model.calls)) == (passed, asked, asked)
    assert verdict.reason == f"answer {asked}"
    assert verdict.subject == "an agent utterance"


def test_check_raises_a_labelled_assertion_with_the_transcript() -> None:
    judge = Judge(answers(False, False), name="m")
    with pytest.raises(JudgeFailed) as caught:
        judge.check(RESULT, "The agent apologises")
    text = str(caught.value)
    assert isinstance(caught.value, AssertionError)
    assert text.startswith("LLM-judged (model m): the criterion was not met, confirmed by all 2 answers\n")
    assert "  criterion: The agent apologises\n  reason: answer 2\n  judged: chat chat_7\ntranscript:\n" in text
    assert "tool lookup" in text and len(judge.verdicts) == 1


def test_every_verdict_reaches_on_verdict() -> None:
    seen: list[Verdict] = []
    judge = Judge(answers(True, True), on_verdict=seen.append)
    judge.verdict("a", "c1")
    judge.verdict("b", "c2")
    assert [v.criterion for v in seen] == ["c1", "c2"] == [v.criterion for v in judge.verdicts]


def test_the_sync_call_works_inside_a_running_event_loop() -> None:
    async def inside() -> Verdict:
        return Judge(answers(True)).verdict("Hello", "c")

    assert asyncio.run(inside()).passed


@pytest.mark.parametrize(
    ("subject", "criterion", "message"),
    [("hi", "", "a judge needs a criterion"), (42, "c", "a judge judges a CallResult, a Turn, an Event or a string")],
)
def test_bad_subjects_and_criteria(subject: object, criterion: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Judge(answers(True)).verdict(subject, criterion)  # type: ignore[arg-type]


def test_bad_judge_settings() -> None:
    with pytest.raises(InvalidArgument, match="re-asked: >= 0"):
        Judge(NoModel(), confirm=-1)
    with pytest.raises(InvalidArgument, match="timeout_s"):
        Judge(NoModel(), timeout_s=0)


def test_model_failures_surface_as_model_errors() -> None:
    with pytest.raises(Exception, match="needs a model to judge the conversation"):
        Judge(NoModel()).verdict("x", "c")
    wrong = ScriptedModel(Rule(purpose="judge").call("record_verdict", {"pass": "yes", "explanation": "?"}))
    with pytest.raises(InvalidModelReply, match="needs a boolean 'pass'"):
        Judge(wrong).verdict("x", "c")


def test_judge_model_configuration_says_what_to_set() -> None:
    with pytest.raises(ConfigurationError) as missing:
        judge_model(None, {}, setting="--retell-judge-model NAME")
    assert str(missing.value).startswith("no judge model is configured: set --retell-judge-model NAME (or ")
    with pytest.raises(ConfigurationError, match="the judge model 'm' needs OPENAI_BASE_URL"):
        judge_model("m", {})
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "RETELL_DSL_JUDGE_MODEL": "from-env"}
    assert judge_model(None, env).model == "from-env"
    assert judge_model("flag", env).model == "flag"


def test_a_real_chat_completions_server_judges(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_tool_calls(("record_verdict", '{"pass": true, "explanation": "It gave the status."}'))
    model = judge_model("served-judge", {"OPENAI_BASE_URL": openai_server.url})
    verdict = Judge(model, owns_model=True).verdict(RESULT, "The agent gives the order status")
    assert (verdict.passed, verdict.reason, verdict.model) == (True, "It gave the status.", "served-judge")
    body = openai_server.requests[0].body
    assert body["model"] == "served-judge"
    assert body["tool_choice"] == {"type": "function", "function": {"name": "record_verdict"}}


def test_a_hanging_server_is_bounded(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue_hang()
    model = judge_model("m", {"OPENAI_BASE_URL": openai_server.url})
    with pytest.raises(ProviderUnavailable, match=r"did not answer within 0\.5 s"):
        Judge(model, timeout_s=0.5, owns_model=True).verdict("x", "c")


# ------------------------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    ("passes", "runs", "low", "high"),
    [(0, 1, 0.0, 0.7935), (1, 1, 0.2065, 1.0), (4, 5, 0.3755, 0.9638), (50, 100, 0.4038, 0.5962), (0, 10, 0.0, 0.2775)],
)
def test_wilson_interval_matches_published_values(passes: int, runs: int, low: float, high: float) -> None:
    got = wilson_interval(passes, runs)
    assert got == pytest.approx((low, high), abs=5e-4)


def test_wilson_interval_is_inside_zero_one_and_contains_the_rate() -> None:
    for runs in range(1, 30):
        for passes in range(runs + 1):
            low, high = wilson_interval(passes, runs)
            assert 0.0 <= low <= passes / runs <= high <= 1.0


@pytest.mark.parametrize(("passes", "runs"), [(1, 0), (-1, 3), (4, 3)])
def test_impossible_counts_are_rejected(passes: int, runs: int) -> None:
    with pytest.raises(InvalidArgument):
        wilson_interval(passes, runs)
    with pytest.raises(InvalidArgument):
        classify(passes, runs)


def test_pass_rates_are_compared_as_counts_and_classified() -> None:
    assert PassRate(passes=4, runs=5, required=0.8).ok  # 0.8 * 5 = 4 exactly, no float slip
    assert not PassRate(passes=3, runs=5, required=0.8).ok
    assert PassRate(passes=0, runs=3, required=0.0).ok
    assert [PassRate(passes=p, runs=3).classification for p in (3, 2, 0)] == ["stable-pass", "flaky", "stable-fail"]
    with pytest.raises(InvalidArgument, match="between 0 and 1"):
        PassRate(passes=1, runs=1, required=1.5)


def test_agreement_kappa_and_its_words() -> None:
    table = agreement([True] * 8 + [False] * 8, [True] * 7 + [False] + [True] + [False] * 7)
    assert (table.pass_pass, table.pass_fail, table.fail_pass, table.fail_fail) == (7, 1, 1, 7)
    assert table.accuracy == 14 / 16 and table.kappa == pytest.approx(0.75)
    assert agreement([True, True], [True, True]).kappa is None  # one class only: chance explains everything
    assert agreement([True, False], [False, True]).kappa == pytest.approx(-1.0)
    assert agreement([], []).accuracy is None
    assert [kappa_strength(k) for k in (-0.1, 0.0, 0.3, 0.5, 0.7, 0.9)] == [
        "poor", "slight", "fair", "moderate", "substantial", "almost perfect",
    ]  # fmt: skip
    with pytest.raises(InvalidArgument):
        agreement([True], [])
