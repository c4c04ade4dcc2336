"""``retell_judge`` through ``pytester``: opt-in, labelled verdicts in the summary and in JUnit, confirm-on-fail.

The judge model is a real local HTTP server speaking OpenAI chat completions (the sim tests' server).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

# httpx imports httpcore and its backend lazily and caches their exception classes: an in-process pytester
# run must not be the first to import them, or later tests in this process would see other classes.
import httpcore._backends.anyio  # noqa: F401
import pytest

import retell_dsl.conversations  # noqa: F401  (imported once, so in-process pytester runs do not import it again)
from tests.sim.openai_fixtures import FakeOpenAIServer, openai_server

__all__ = ["openai_server"]

UTTERANCES = """
def test_polite(retell_judge):
    retell_judge.check("Thank you for calling, have a lovely day!", "The agent is polite")

def test_rude(retell_judge):
    retell_judge.check("Whatever. Call someone else.", "The agent is polite")

def test_verdict_does_not_fail(retell_judge):
    verdict = retell_judge.verdict("We open at nine.", "The agent gives the opening time")
    assert verdict.passed and verdict.model == "served-judge"
"""

CONVERSATIONS = """
import pytest
from retell_dsl.conversations import ScriptedModel, Rule as R
from test_shop import stack, Rule

def converse(retell_deploy, retell_chat, retell_model, retell_tool_mocks):
    retell_model.add(
        Rule(node="greet", purpose="prompt_condition").transition("look up"),
        Rule(node="look up", purpose="tool_arguments", times=1).call("lookup_order", {"order": "A17"}),
    )
    retell_tool_mocks.add("lookup_order", {"status": "shipped"}, args={"order": "A17"})
    chat = retell_chat(retell_deploy(stack), "shop chat")
    chat.send("It's A17")
    return chat.end()

@pytest.mark.retell_repeat(n=2)
def test_judged_by_a_model(retell_deploy, retell_chat, retell_model, retell_tool_mocks, retell_judge):
    result = converse(retell_deploy, retell_chat, retell_model, retell_tool_mocks)
    retell_judge.check(result, "The agent tells the caller the order has shipped")

@pytest.mark.retell_repeat(n=2)
def test_judged_by_a_script(retell_deploy, retell_chat, retell_model, retell_tool_mocks, retell_judge):
    retell_judge.model = ScriptedModel(R(purpose="judge").call("record_verdict", {"pass": True, "explanation": "ok"}))
    result = converse(retell_deploy, retell_chat, retell_model, retell_tool_mocks)
    assert retell_judge.check(result, "The agent is brief").reason == "ok"
"""


def _answer(server: FakeOpenAIServer, passed: bool, why: str) -> None:
    server.enqueue_tool_calls(("record_verdict", json.dumps({"pass": passed, "explanation": why})))


@pytest.fixture
def served(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, openai_server: FakeOpenAIServer
) -> FakeOpenAIServer:
    """The judge server, in the environment of the inner pytest runs."""
    for name in ("RETELL_API_KEY", "OPENAI_API_KEY", "RETELL_DSL_JUDGE_MODEL", "RETELL_DSL_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    return openai_server


def test_verdicts_are_listed_labelled_and_a_failure_is_confirmed(
    pytester: pytest.Pytester, served: FakeOpenAIServer
) -> None:
    _answer(served, True, "Warm and courteous.")
    _answer(served, False, "Dismissive.")
    _answer(served, False, "Still dismissive.")  # the re-ask confirms the failure
    _answer(served, True, "States 9 am.")
    pytester.makepyfile(test_said=UTTERANCES)
    result = pytester.runpytest("--retell-judge-model", "served-judge", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       *JudgeFailed: LLM-judged (model served-judge): the criterion was not met, confirmed by all 2 *",
            "E         criterion: The agent is polite",
            "E         reason: Still dismissive.",
            "E         judged: an agent utterance",
            "E       transcript:",
            "E       Agent: Whatever. Call someone else.",
            "*= retell judge verdicts (LLM-judged) =*",
            "test_said.py::test_polite: LLM-judged PASS (model served-judge): The agent is polite -- Warm and *.",
            "test_said.py::test_rude: LLM-judged FAIL (model served-judge, 2 answers): The agent is polite -- "
            "Still dismissive.",
            "test_said.py::test_verdict_does_not_fail: LLM-judged PASS (model served-judge): "
            "The agent gives the opening time -- States 9 am.",
            "3 LLM-judged verdict(s): 2 passed, 1 failed",
        ]
    )
    assert "judging.py" not in result.stdout.str()  # the plugin's frames are hidden
    assert [r.body["model"] for r in served.requests] == ["served-judge"] * 4


def test_without_a_judge_model_a_judging_test_says_what_to_set(
    pytester: pytest.Pytester, served: FakeOpenAIServer
) -> None:
    pytester.makepyfile(test_said=UTTERANCES)
    result = pytester.runpytest("-k", "polite")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(
        [
            "*retell_judge: no judge model is configured: set --retell-judge-model NAME (or retell_judge_model = NAME "
            "in the ini file) (or RETELL_DSL_JUDGE_MODEL=NAME in the environment), and OPENAI_BASE_URL*",
        ]
    )
    assert "retell judge verdicts" not in result.stdout.str() and "INTERNALERROR" not in result.stdout.str()
    assert served.requests == []  # nothing judged implicitly


def test_the_ini_file_configures_the_judge_and_confirm(pytester: pytest.Pytester, served: FakeOpenAIServer) -> None:
    _answer(served, False, "Dismissive.")
    pytester.makeini("[pytest]\nretell_judge_model = ini-judge\nretell_judge_confirm = 0\n")
    pytester.makepyfile(test_said=UTTERANCES)
    result = pytester.runpytest("-k", "rude")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["test_said.py::test_rude: LLM-judged FAIL (model ini-judge): *-- Dismissive."])
    assert len(served.requests) == 1  # confirm = 0: no re-ask
    bad = pytester.runpytest("--retell-judge-confirm", "-1")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_an_unreachable_judge_fails_the_test_in_one_message(
    pytester: pytest.Pytester, served: FakeOpenAIServer
) -> None:
    served.enqueue(status=401, body={"error": {"message": "bad key"}})
    pytester.makepyfile(test_said=UTTERANCES)
    result = pytester.runpytest("--retell-judge-model", "m", "-k", "polite")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["*retell_judge: the judge model m failed: *HTTP 401 from *: bad key*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_judged_conversations_repeat_and_report_each_runs_verdict(
    shop: pytest.Pytester, served: FakeOpenAIServer
) -> None:
    _answer(served, True, "It says the order has shipped.")
    _answer(served, True, "Shipped, it says.")
    shop.makepyfile(test_judged=CONVERSATIONS)
    xml = shop.path / "report.xml"
    result = shop.runpytest(
        "test_judged.py", "--retell-judge-model", "served-judge", f"--junitxml={xml}", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= retell judge verdicts (LLM-judged) =*",
            "test_judged.py::test_judged_by_a_model: run 1/2: LLM-judged PASS (model served-judge): *-- It says the "
            "order has shipped.",
            "test_judged.py::test_judged_by_a_model: run 2/2: LLM-judged PASS (model served-judge): *-- Shipped, *.",
            "test_judged.py::test_judged_by_a_script: LLM-judged PASS (model ScriptedModel): The agent is brief -- ok",
            # a model judge is not deterministic: both runs happen, each with fresh scripted rules and mocks
            "test_judged.py::test_judged_by_a_model: 2/2 passed (100%, *), required >= 100%: stable-pass",
            # a scripted judge over a scripted conversation is: it runs once
            "test_judged.py::test_judged_by_a_script: 1/1 passed*(deterministic conversation *: ran once, not 2 times)",
        ]
    )
    prompt = served.requests[0].body["messages"][1]["content"]
    assert "User: It's A17" in prompt and "[the agent called tool lookup_order" in prompt
    cases = {c.get("name"): c for c in ET.parse(xml).getroot().iter("testcase")}
    props = [(p.get("name"), p.get("value") or "") for p in cases["test_judged_by_a_model"].iter("property")]
    verdicts = [v for k, v in props if k == "retell_judge_verdict"]
    assert [v.split(":")[0] for v in verdicts] == ["run 1/2", "run 2/2"]
    assert ("retell_pass_rate", "2/2") in props
