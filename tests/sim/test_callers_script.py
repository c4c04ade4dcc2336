"""The scripted caller: steps in order, waiting for the agent's words, bounded waits, clear errors."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers import (
    Caller,
    CallerAction,
    Cue,
    HangUp,
    NoCaller,
    Press,
    Say,
    ScriptCaller,
    ScriptIncomplete,
    ScriptStepTimedOut,
    Silence,
    Step,
    hang_up,
    press,
    say,
    silence,
)
from retell_dsl.sim.events import Event, Utterance


def _next(caller: Caller, log: list[Event], cue: Cue = "agent_finished") -> CallerAction:
    return asyncio.run(caller.next_action(log, cue))


def _agent(log: list[Event], text: str) -> list[Event]:
    log.append(Utterance(at_ms=len(log) * 1000, role="agent", content=text))
    return log


def test_steps_play_in_order_then_the_caller_hangs_up() -> None:
    caller = ScriptCaller("Hello", press("12#"), silence(2500), say("Bye"), hang_up())
    log: list[Event] = []
    actions = [_next(caller, _agent(log, f"agent {i}")) for i in range(6)]
    assert actions == [Say("Hello"), Press("12#"), Silence(2500), Say("Bye"), HangUp(), HangUp()]
    assert caller.exhausted and caller.unused_steps() == []
    caller.assert_complete()


def test_an_exhausted_script_hangs_up() -> None:
    caller = ScriptCaller("Only this")
    assert _next(caller, [], "start") == Say("Only this")
    assert _next(caller, _agent([], "Anything else?")) == HangUp(reason="user_hangup")


@pytest.mark.parametrize(
    "condition",
    ["the DATE", re.compile(r"\bdate\b"), lambda text: "date" in text],
    ids=["substring", "regex", "predicate"],
)
def test_a_step_waits_for_the_agent(condition: str | re.Pattern[str] | Callable[[str], bool]) -> None:
    caller = ScriptCaller(say("May 1st", after=condition), wait_ms=4000)
    log = _agent([], "How many people?")
    assert _next(caller, log) == Silence(4000)
    assert _next(caller, _agent(log, "What is the date you want?")) == Say("May 1st")


def test_only_what_the_agent_said_since_the_last_action_counts() -> None:
    caller = ScriptCaller("A table", say("Two", after="how many"))
    log = _agent([], "Hi, how many of you, and what do you need?")
    assert _next(caller, log) == Say("A table")
    log.append(Utterance(at_ms=9000, role="user", content="A table"))
    assert _next(caller, _agent(log, "Sure, which day?")) == Silence(10_000)
    assert _next(caller, _agent(log, "And how many people?")) == Say("Two")


def test_a_step_that_waits_too_long_fails_naming_the_step() -> None:
    caller = ScriptCaller("Hi", say("May 1st", after="date", within=2))
    log = _agent([], "Hello")
    _next(caller, log)
    assert _next(caller, _agent(log, "How many?")) == Silence(10_000)
    assert _next(caller, _agent(log, "Any allergies?")) == Silence(10_000)
    with pytest.raises(ScriptStepTimedOut) as err:
        _next(caller, _agent(log, "Anything else?"))
    assert str(err.value) == (
        "script step 2 (say 'May 1st' after the agent says 'date') waited 2 agent turn(s) and the agent "
        "never said it; the agent last said 'Anything else?'"
    )
    assert isinstance(err.value, AssertionError)


def test_a_wait_on_a_silent_agent_says_so() -> None:
    caller = ScriptCaller(press("1", after=re.compile("press"), within=1))
    assert _next(caller, [], "ivr_finished") == Silence(10_000)
    with pytest.raises(ScriptStepTimedOut, match=r"step 1 \(press '1' after the agent says /press/\).*said nothing"):
        _next(caller, [], "ivr_finished")


def test_unused_steps_are_reported() -> None:
    caller = ScriptCaller("Hi", press("3"), hang_up(after="goodbye"))
    _next(caller, [], "start")
    assert [s.describe() for s in caller.unused_steps()] == ["press '3'", "hang up after the agent says 'goodbye'"]
    with pytest.raises(ScriptIncomplete) as err:
        caller.assert_complete()
    assert str(err.value) == (
        "2 scripted step(s) never reached:\n  2. press '3'\n  3. hang up after the agent says 'goodbye'"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Say(""), "Say needs some text"),
        (lambda: Press("12a"), "keypad digits"),
        (lambda: Press(""), "keypad digits"),
        (lambda: Silence(-1), "milliseconds >= 0"),
        (lambda: Step(action=Say("x"), within=0), "within must be"),
        (lambda: Step(action=Say("x"), after=5), "after takes"),  # type: ignore[arg-type]
        (lambda: ScriptCaller(5), "ScriptCaller takes steps"),  # type: ignore[arg-type]
        (lambda: ScriptCaller(wait_ms=-5), "milliseconds >= 0"),
    ],
)
def test_bad_arguments_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        build()


def test_callers_satisfy_the_protocol_and_chats_have_none() -> None:
    assert isinstance(ScriptCaller(), Caller) and isinstance(NoCaller(), Caller)
    with pytest.raises(InvalidArgument, match="a chat has no simulated caller"):
        _next(NoCaller(), [])
