"""The clinic receptionist's regression suite, written with pytest-retell as the clinic's team would.

The stack has a voice agent only; ``retell_chat`` chats with its conversation flow. Each test
scripts the agent's LLM turns with ``retell_model`` and answers ``check_availability`` with
``retell_tool_mocks``: both must be used up, or the test fails at teardown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from examples.clinic_receptionist import stack
from pytest_retell import CallerScript, RetellExamples, Rule, ScriptedModel, ToolMocks, callers

AGENT = "Bright Smiles receptionist"
GREETING = Rule(node="greet", purpose="reply").say("Hi there, how can I help?")
WANTS_TO_BOOK = Rule(node="greet", purpose="prompt_condition", user="book").transition("collect date")
MAY_FIRST = Rule(node="collect date", purpose="extraction").call(
    "extract_dynamic_variables", {"preferred_date": "2024-05-01"}
)
CHECK_MAY_FIRST = Rule(node="check slots", purpose="tool_arguments").call("check_availability", {"date": "2024-05-01"})


def test_a_caller_books_the_first_open_slot(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    retell_model.add(
        GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST,
        Rule(node="offer slot", purpose="reply").say("I have 9:00 on May 1st. Does that work?"),
        Rule(node="offer slot", purpose="prompt_condition", user="yes").transition("send confirmation"),
        Rule(node="goodbye", purpose="reply").say("Thanks for calling, goodbye!"),
    )  # fmt: skip
    retell_tool_mocks.add("check_availability", {"slots": ["9:00", "11:30"]}, args={"date": "2024-05-01"})
    chat = retell_chat(retell_deploy(stack), AGENT, dynamic_variables={"patient_name": "Ann"})
    assert "9:00 on May 1st" in chat.send("I'd like to book a cleaning on May 1st").text
    chat.send("yes, that works")
    result = chat.end()
    (
        result.expect.next_transition(to="greet")
        .next_message(contains="how can I help")
        .next_transition(to="collect date")
        .skip_until(tool="check_availability", args={"date": "2024-05-01"})
        .next_transition(to="route slots")
        .next_transition(to="offer slot")
        .next_message(matches=r"9:00 .* Does that work\?")
        .skip_until(transition="goodbye")
        .next_message(contains="goodbye")
        .no_more_events()
    )
    result.expect.called("check_availability", times=1).never_visited("no slots").never_visited("front desk")
    result.expect.variable("first_open_slot", "9:00").variable("preferred_date", "2024-05-01")
    result.expect.ended_by("agent_hangup")


def test_a_full_day_sends_the_caller_back_to_pick_another_date(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    retell_model.add(GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST)
    retell_tool_mocks.add("check_availability", {"slots": []})
    chat = retell_chat(retell_deploy(stack), AGENT)
    turn = chat.send("Can I book May 1st?")
    assert turn.text.endswith("Sorry, that day is full. Which other day works?")
    result = chat.result()
    assert result.path == ["greet", "collect date", "check slots", "route slots", "no slots"]
    result.expect.never_visited("offer slot").variable("first_open_slot", None)
    assert result.status == "ongoing"


def test_a_transfer_that_fails_falls_back_to_goodbye(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(
        GREETING,
        Rule(node="greet", purpose="prompt_condition", user="person").transition("front desk"),
        Rule(node="goodbye", purpose="reply").say("Sorry, nobody is free. Please call back later, goodbye!"),
    )
    chat = retell_chat(retell_deploy(stack), AGENT)
    chat.send("Can I talk to a person about my bill?")
    result = chat.end()
    result.expect.skip_until(transition="front desk").next_tool_call("front desk").next_transition(to="goodbye")
    (transfer,) = result.transfers
    assert transfer.successful is False and "Transfer failed" in (transfer.result or "")
    result.expect.never_called("check_availability").ended_by("agent_hangup")


def test_the_availability_service_failing_offers_no_slot(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    def unavailable(args: Any, call: Any) -> Any:
        raise ConnectionError("calendar service is down")

    retell_model.add(GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST)
    retell_tool_mocks.add("check_availability", call=unavailable)
    chat = retell_chat(retell_deploy(stack), AGENT)
    chat.send("I want to book May 1st")
    result = chat.result()
    (check,) = result.tool_calls
    assert check.successful is False
    result.expect.skip_until(tool="check_availability").next_transition(to="route slots").next_transition(to="no slots")
    result.expect.variable("first_open_slot", None).never_visited("offer slot")


def test_a_caller_who_gives_no_date_is_greeted_again(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    # "collect date" branches on a variable: with no preferred_date extracted, the flow goes back to greet
    retell_model.add(
        GREETING,
        WANTS_TO_BOOK,
        Rule(node="collect date", purpose="extraction").call("extract_dynamic_variables", {}),
    )
    chat = retell_chat(retell_deploy(stack), AGENT, dynamic_variables={"patient_name": "Ann"})
    turn = chat.send("I'd like to book, but I don't know when yet")
    assert turn.text.endswith("Hi there, how can I help?") and "One moment" not in turn.text
    result = chat.result()
    assert result.path == ["greet", "collect date", "greet"]
    result.expect.never_visited("check slots").never_called("check_availability").variable("preferred_date", None)


def test_a_caller_on_the_phone_reaches_the_front_desk(
    retell_deploy: Callable[..., Any], retell_inbound_call: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    # on a phone call the warm transfer happens (in a chat it cannot: see the fallback test above)
    retell_model.add(
        GREETING,
        Rule(node="greet", purpose="prompt_condition", user="person").transition("front desk"),
        Rule(purpose="analysis").call(
            "record_analysis", {"call_summary": "Asked for the front desk.", "custom_analysis_data": {}}
        ),
    )
    caller = {"type": "script", "steps": [{"say": "Can I talk to a person, please?", "after": "help"}]}
    result = retell_inbound_call(retell_deploy(stack), caller=caller)
    result.expect.skip_until(transition="front desk").next_tool_call("front desk").no_more_events()
    result.expect.ended_by("call_transfer").transferred_to("+14155550100").never_visited("goodbye")
    result.expect.analysis("call_summary", "Asked for the front desk.")


def test_the_booking_conversation_matches_its_snapshot(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks, retell_transcript_snapshot: Any,
) -> None:  # fmt: skip
    """A regression snapshot: any change to what the agent says or does in a booking shows as a diff."""
    retell_model.add(
        GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST,
        Rule(node="offer slot", purpose="reply").say("I have 11:30 on May 1st. Does that work?"),
        Rule(node="offer slot", purpose="prompt_condition", user="yes").transition("send confirmation"),
        Rule(node="goodbye", purpose="reply").say("Thanks for calling, goodbye!"),
    )  # fmt: skip
    retell_tool_mocks.add("check_availability", {"slots": ["11:30"]}, args={"date": "2024-05-01"})
    chat = retell_chat(retell_deploy(stack), AGENT, dynamic_variables={"patient_name": "Ann"})
    chat.send("I'd like to book a checkup on May 1st")
    chat.send("yes please")
    assert chat.end() == retell_transcript_snapshot


@settings(max_examples=8, deadline=None)
@given(
    caller=callers(
        turns=["I'd like to book {what}, but I don't know when yet", "{greeting}"],
        slots={"what": ["a cleaning", "a checkup", "an appointment"], "greeting": ["thanks", "ok"]},
        paraphrase=False,
    ),
    name=st.sampled_from(["Ann", "José", "Li Wei"]),
)
def test_however_a_caller_asks_to_book_without_a_date_the_flow_greets_again(
    retell_examples: RetellExamples, caller: CallerScript, name: str
) -> None:
    """A property over generated callers: no date extracted never reaches the availability check."""
    deployed = retell_examples.deploy(stack)
    model = ScriptedModel(
        GREETING,
        WANTS_TO_BOOK,
        Rule(node="collect date", purpose="extraction").call("extract_dynamic_variables", {}),
    )
    with retell_examples.chat(deployed, AGENT, model=model, dynamic_variables={"patient_name": name}) as chat:
        result = caller.play(chat)
    assert result.path[:3] == ["greet", "collect date", "greet"]
    result.expect.never_called("check_availability").never_visited("check slots").variable("preferred_date", None)
