"""The clinic receptionist's remaining edges: a caller who only says goodbye, declines a slot, retries a full
day, or asks for a human where no edge leads to the front desk (its global entry).

With ``test_clinic.py`` this covers every node and every edge of the flow (run
``pytest tests/examples --retell-cov`` to see the table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from examples.clinic_receptionist import stack
from pytest_retell import Rule, ScriptedModel, ToolMocks
from tests.examples.test_clinic import AGENT, CHECK_MAY_FIRST, GREETING, MAY_FIRST, WANTS_TO_BOOK

GOODBYE = Rule(node="goodbye", purpose="reply").say("Thanks for calling, goodbye!")


def test_a_caller_with_nothing_to_ask_is_sent_off_politely(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel
) -> None:
    retell_model.add(GREETING, Rule(node="greet", purpose="prompt_condition", user="bye").say("none applies"), GOODBYE)
    chat = retell_chat(retell_deploy(stack), AGENT)
    assert chat.send("Nothing, bye").ended
    result = chat.end()
    assert result.path == ["greet", "goodbye"]
    result.expect.ended_by("agent_hangup").never_called("check_availability")


def test_a_caller_who_declines_the_slot_is_asked_for_another_date(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    retell_model.add(
        GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST,
        Rule(node="offer slot", purpose="reply").say("I have 9:00 on May 1st. Does that work?"),
        Rule(node="offer slot", purpose="prompt_condition", user="another").say("none applies"),
    )  # fmt: skip
    retell_tool_mocks.add("check_availability", {"slots": ["9:00"]}, args={"date": "2024-05-01"})
    chat = retell_chat(retell_deploy(stack), AGENT)
    chat.send("I'd like to book May 1st")
    chat.send("No, another day please")
    result = chat.result()
    offered = result.path.index("offer slot")
    assert result.path[offered : offered + 2] == ["offer slot", "collect date"]  # the else edge, back to the date
    result.expect.never_visited("send confirmation")


def test_a_full_day_then_another_date_checks_again(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    second = {"date": "2024-05-02"}
    retell_model.add(  # the rules for "May 2nd" first: the first rule that matches answers
        Rule(node="collect date", purpose="extraction", user="2nd").call(
            "extract_dynamic_variables", {"preferred_date": "2024-05-02"}
        ),
        Rule(node="check slots", purpose="tool_arguments", user="2nd").call("check_availability", second),
        Rule(node="no slots", purpose="prompt_condition").say("none applies"),  # the front desk's global condition
        Rule(node="offer slot", purpose="reply").say("I have 10:00 on May 2nd. Does that work?"),
        GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST,
    )  # fmt: skip
    retell_tool_mocks.add("check_availability", {"slots": []}, args={"date": "2024-05-01"})
    retell_tool_mocks.add("check_availability", {"slots": ["10:00"]}, args={"date": "2024-05-02"})
    chat = retell_chat(retell_deploy(stack), AGENT)
    assert chat.send("Can I book May 1st?").text.endswith("Which other day works?")
    assert "10:00 on May 2nd" in chat.send("May 2nd then").text
    result = chat.end()
    assert result.path[-5:] == ["no slots", "collect date", "check slots", "route slots", "offer slot"]
    result.expect.called("check_availability", times=2)


def test_a_caller_who_asks_for_a_human_anywhere_reaches_the_front_desk(
    retell_deploy: Callable[..., Any], retell_chat: Callable[..., Any], retell_model: ScriptedModel,
    retell_tool_mocks: ToolMocks,
) -> None:  # fmt: skip
    """The front desk is a global node: from "no slots", which has no edge to it, the caller still gets there."""
    retell_model.add(
        Rule(node="no slots", purpose="prompt_condition", user="human").transition("front desk"),
        Rule(node="goodbye", purpose="reply").say("Sorry, nobody is free. Please call back later, goodbye!"),
        GREETING, WANTS_TO_BOOK, MAY_FIRST, CHECK_MAY_FIRST,
    )  # fmt: skip
    retell_tool_mocks.add("check_availability", {"slots": []}, args={"date": "2024-05-01"})
    chat = retell_chat(retell_deploy(stack), AGENT)
    assert chat.send("Can I book May 1st?").text.endswith("Which other day works?")
    chat.send("Then let me talk to a human, please")
    result = chat.end()
    assert result.path[-3:] == ["no slots", "front desk", "goodbye"]
    result.expect.skip_until(transition="front desk").next_tool_call("front desk").next_transition(to="goodbye")
