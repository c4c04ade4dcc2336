"""Phone, batch and inbound call fixtures end to end through ``pytester``: results, failures, bad input, live opt-in."""

from __future__ import annotations

import pytest

DESK = """
from retell_dsl import Agent, ConversationFlow, ConversationNode, EndNode, PhoneNumber, Stack, TransferNode
from pytest_retell import Rule

flow = (
    ConversationFlow(name="desk", start_speaker="agent", model="gpt-4.1")
    .defaults(name="there")
    .start_at("greet")
    .node(
        ConversationNode(name="greet", static_text="Hi {{name}}! Billing, or are you done?")
        .to("billing", when="The caller wants billing")
        .otherwise("bye")
    )
    .node(TransferNode(name="billing", destination="+14155550100").on_transfer_failed("bye"))
    .node(EndNode(name="bye", static_text="Goodbye!"))
)
agent = Agent(name="desk", voice="11labs-Adrian", engine=flow)
stack = Stack(name="desk").add(PhoneNumber(name="line", area_code=415).inbound_to(agent).outbound_from(agent))

BILLING = Rule(node="greet", purpose="prompt_condition", user="billing").transition("billing")
DONE = Rule(node="greet", purpose="prompt_condition", user="done").say("")
WANTS_BILLING = {"type": "script", "steps": [{"say": "Billing please", "after": "done?"}]}
IS_DONE = {"type": "script", "steps": [{"say": "I'm done", "after": "done?"}]}
"""


@pytest.fixture
def desk(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project with a voice agent on a number that both calls out and answers (``desk.py``)."""
    for name in ("RETELL_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY", "RETELL_ALLOW_PHONE_CALLS"):
        monkeypatch.delenv(name, raising=False)
    pytester.makepyfile(desk=DESK)
    return pytester


def test_phone_batch_and_inbound_calls_hold_whole_conversations(desk: pytest.Pytester) -> None:
    desk.makepyfile(
        test_calls="""
        from desk import BILLING, DONE, IS_DONE, WANTS_BILLING, stack

        def test_an_outbound_call_is_transferred(retell_deploy, retell_phone_call, retell_model):
            retell_model.add(BILLING)
            result = retell_phone_call(retell_deploy(stack), to="+14155550123", caller=WANTS_BILLING,
                                       dynamic_variables={"name": "Ann"})
            (
                result.expect.next_transition(to="greet").next_message(contains="Hi Ann!")
                .next_message(role="user", contains="Billing please").next_transition(to="billing")
                .next_tool_call("billing").no_more_events()
            )
            result.expect.ended_by("call_transfer").transferred_to("+14155550100")
            assert result.kind == "call" and result.id.startswith("call_")
            assert result.transfers[0].result == "Transferred to +14155550100."

        def test_nobody_answers_an_unlisted_number(retell_deploy, retell_phone_call):
            result = retell_phone_call(retell_deploy(stack), to="+14155550124", caller=None)
            assert (result.status, result.end_reason, result.events) == ("not_connected", "dial_no_answer", ())

        def test_a_batch_gives_one_result_per_task(retell_deploy, retell_batch_call, retell_model):
            retell_model.add(DONE)
            tasks = [{"to_number": "+14155550131", "dynamic_variables": {"name": "Ada"}},
                     {"to_number": "+14155550132", "dynamic_variables": {"name": "Grace"}},
                     {"to_number": "+14155550133"}]
            batch = retell_batch_call(retell_deploy(stack), tasks, callers={"+14155550131": IS_DONE,
                                                                             "+14155550132": IS_DONE})
            assert [r.messages[0].text if r.messages else None for r in batch] == [
                "Hi Ada! Billing, or are you done?", "Hi Grace! Billing, or are you done?", None]
            assert batch.to("+14155550133").end_reason == "dial_no_answer"
            assert [r.path for r in batch[:2]] == [["greet", "bye"], ["greet", "bye"]]

        def test_an_inbound_caller_reaches_the_numbers_agent(retell_deploy, retell_inbound_call, retell_model):
            retell_model.add(DONE)
            result = retell_inbound_call(retell_deploy(stack), caller=IS_DONE)
            result.expect.path("greet", "bye").ended_by("agent_hangup")
            assert result.messages[-1].text == "Goodbye!"

        def test_a_chat_and_a_call_in_one_test(retell_deploy, retell_chat, retell_phone_call, retell_model):
            retell_model.add(DONE)
            deployed = retell_deploy(stack)
            call = retell_phone_call(deployed, "desk", to="+14155550125", caller=IS_DONE)
            chat = retell_chat(deployed, "desk")
            assert chat.send("I'm done").ended and call.path == ["greet", "bye"]
        """
    )
    result = desk.runpytest("-v", "test_calls.py", "-rA", "--retell-verbose-transcripts")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(
        [
            "test_calls.py::test_an_outbound_call_is_transferred PASSED*",
            "test_calls.py::test_nobody_answers_an_unlisted_number PASSED*",
            "test_calls.py::test_a_batch_gives_one_result_per_task PASSED*",
            "test_calls.py::test_an_inbound_caller_reaches_the_numbers_agent PASSED*",
            "test_calls.py::test_a_chat_and_a_call_in_one_test PASSED*",
        ]
    )
    # a call's transcript goes to the report like a chat's
    result.stdout.fnmatch_lines(
        ["*Captured retell transcript call_* call*", "*agent: Hi Ann! Billing, or are you done?*"]
    )


def test_a_failing_call_expectation_prints_the_transcript_and_bad_input_fails_clearly(desk: pytest.Pytester) -> None:
    desk.makepyfile(
        test_bad="""
        from desk import BILLING, WANTS_BILLING, stack

        def test_wrong_path(retell_deploy, retell_phone_call, retell_model):
            retell_model.add(BILLING)
            result = retell_phone_call(retell_deploy(stack), to="+14155550123", caller=WANTS_BILLING)
            result.expect.skip_until(transition="billing").next_transition(to="bye")

        def test_bad_caller(retell_deploy, retell_phone_call):
            retell_phone_call(retell_deploy(stack), to="+14155550123", caller={"type": "robot"})

        def test_two_numbers_need_a_choice(retell_deploy, retell_phone_call):
            import dataclasses
            from retell_dsl import PhoneNumber, Stack
            from desk import agent
            other = dataclasses.replace(agent, name="desk two")
            two = Stack(name="two").add(PhoneNumber(name="a", area_code=415).outbound_from(other),
                                        PhoneNumber(name="b", area_code=212).outbound_from(other))
            retell_phone_call(retell_deploy(two), to="+14155550123", caller=None)

        def test_bad_task(retell_deploy, retell_batch_call):
            retell_batch_call(retell_deploy(stack), [{"to": "+14155550123"}])
        """
    )
    result = desk.runpytest("test_bad.py")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected the next event to be a transition to 'bye'",
            "E         actual: tool billing({}) -> Transferred to +14155550100.",
            "E         at: event 4 (node 'billing') of call call_*",
            "E       transcript:",
            "E            0 node begin -> greet  [[]node: greet[]]",
            "E            1 agent: Hi there! Billing, or are you done?  [[]node: greet[]]",
            "E            2 user: Billing please  [[]node: greet[]]",
            "E            3 node greet -> billing  [[]node: billing[]]",
            "E       >>>  4 tool billing({}) -> Transferred to +14155550100.  [[]node: billing[]]",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*retell_phone_call: the caller answering +14155550123 was refused: Invalid caller: "
            "*caller.type must be one of script, persona, got 'robot'*",
        ]
    )
    result.stdout.fnmatch_lines(["*retell_phone_call: stack 'two' has 2 phone numbers * pass from_number=*"])
    result.stdout.fnmatch_lines(["*retell_batch_call: a batch task needs 'to_number'; unknown keys [[]'to'[]]*"])
    text = result.stdout.str()
    assert "INTERNALERROR" not in text and "calls.py" not in text  # the plugin's frames stay hidden


LIVE = """
class Deployed:  # what retell_deploy returns, without deploying anything to the live API
    name = "desk"
    ids = {"phone_number.line": "+14155550100", "agent.desk": "agent_1"}

def test_live_call_needs_the_opt_in(retell_phone_call):
    retell_phone_call(Deployed(), to="+14155550123", caller=None)

def test_live_calls_take_no_simulated_caller(retell_phone_call):
    retell_phone_call(Deployed(), to="+14155550123", caller={"type": "script", "steps": []})

def test_live_inbound_calls_are_not_supported(retell_inbound_call):
    retell_inbound_call(Deployed(), caller={"type": "script", "steps": []})
"""


def test_live_phone_calls_need_an_explicit_opt_in(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.plugin.live_standin import KEY, standin

    monkeypatch.delenv("RETELL_ALLOW_PHONE_CALLS", raising=False)
    with standin() as served:  # the live session checks its key against the stand-in; nothing dials
        monkeypatch.setenv("RETELL_BASE_URL", served.base_url)
        monkeypatch.setenv("RETELL_API_KEY", KEY)
        pytester.makepyfile(test_live=LIVE)
        refused = pytester.runpytest("--retell-target", "live", "test_live.py::test_live_call_needs_the_opt_in")
        refused.assert_outcomes(failed=1)
        refused.stdout.fnmatch_lines(
            [
                "*retell_phone_call: a phone call on live Retell rings a real phone number: opt in with "
                "--retell-allow-phone-calls (ini retell_allow_phone_calls = true) or RETELL_ALLOW_PHONE_CALLS=1*"
            ]
        )
        opted = pytester.runpytest(
            "--retell-target", "live", "--retell-allow-phone-calls", "-k", "simulated or inbound"
        )
        opted.assert_outcomes(failed=2)
        opted.stdout.fnmatch_lines(
            [
                "*retell_phone_call: a phone call on live Retell is answered by whoever picks up the number, "
                "not a simulated caller: pass caller=None*",
            ]
        )
        opted.stdout.fnmatch_lines(["*retell_inbound_call: an inbound call on live Retell needs a person*"])
        assert "key_not_a_real_one" not in refused.stdout.str() + opted.stdout.str()


def test_junit_reports_carry_the_transcripts_of_calls_and_playground_sessions(desk: pytest.Pytester) -> None:
    desk.makepyfile(
        test_reported="""
        from desk import BILLING, DONE, IS_DONE, WANTS_BILLING, stack

        def test_calls(retell_deploy, retell_phone_call, retell_web_call, retell_model):
            retell_model.add(BILLING, DONE)
            deployed = retell_deploy(stack)
            retell_phone_call(deployed, to="+14155550123", caller=WANTS_BILLING, dynamic_variables={"name": "Ann"})
            retell_web_call(deployed, "desk", caller=IS_DONE, dynamic_variables={"name": "Bo"})

        def test_playground(retell_deploy, retell_playground, retell_model):
            retell_model.add(DONE)
            session = retell_playground(retell_deploy(stack), "desk", dynamic_variables={"name": "Cy"})
            session.send("I'm done")
        """
    )
    import xml.etree.ElementTree as ET

    xml = desk.path / "report.xml"
    result = desk.runpytest("test_reported.py", f"--junitxml={xml}", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    cases = {c.get("name"): c for c in ET.parse(xml).getroot().iter("testcase")}
    calls = {p.get("name") or "": p.get("value") or "" for p in cases["test_calls"].iter("property")}
    transcripts = [v for k, v in calls.items() if k.startswith("retell_transcript[call_")]
    assert len(transcripts) == 2, calls
    assert any("Hi Ann!" in t and "tool billing" in t for t in transcripts), transcripts
    assert any("Hi Bo!" in t and "user: I'm done" in t for t in transcripts), transcripts
    played = {p.get("name") or "": p.get("value") or "" for p in cases["test_playground"].iter("property")}
    (session,) = [v for k, v in played.items() if k.startswith("retell_transcript[")]
    assert "Hi Cy!" in session and "user: I'm done" in session
