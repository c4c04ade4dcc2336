"""The persona caller with scripted models: the flipped request, its actions and Retell's stop rules."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers import Caller, CallerAction, Cue, EndAsError, HangUp, PersonaCaller, Press, Say, normalise
from retell_dsl.sim.events import Dtmf, Event, Utterance
from retell_dsl.sim.models import (
    InvalidModelReply,
    ModelNotConfigured,
    ModelReply,
    ModelRequest,
    NoModel,
    ProviderUnavailable,
    Rule,
    ScriptedModel,
)

PROMPT = "You are Ann. You want a table for two on May 1st. Hang up once it is booked."


def _persona(*rules: Rule, **options: Any) -> tuple[PersonaCaller, ScriptedModel]:
    model = ScriptedModel(*rules)
    return PersonaCaller(model=model, user_prompt=PROMPT, **options), model


def _next(caller: Caller, log: list[Event], cue: Cue = "agent_finished") -> CallerAction:
    return asyncio.run(caller.next_action(log, cue))


def test_the_request_flips_the_roles() -> None:
    caller, model = _persona(Rule(purpose="persona", user="which date").say("May 1st, please."), llm_model="gpt-4.1")
    log: list[Event] = [
        Utterance(at_ms=0, role="agent", content="Hi! How can I help?"),
        Utterance(at_ms=1000, role="user", content="A table for two."),
        Dtmf(at_ms=1500, digit="2"),
        Utterance(at_ms=2000, role="agent", content="Sure, which date?"),
    ]
    assert _next(caller, log) == Say("May 1st, please.")
    (request,) = model.calls
    assert request.context.purpose == "persona"
    assert (request.tool_choice, request.retell_model) == ("auto", "gpt-4.1")
    assert request.tool_names == ("end_conversation", "press_digits")
    assert request.messages[0].role == "system" and PROMPT in (request.messages[0].content or "")
    assert [(m.role, m.content) for m in request.messages[1:]] == [
        ("user", "Hi! How can I help?"),
        ("assistant", "A table for two."),
        ("assistant", "(pressed 2)"),
        ("user", "Sure, which date?"),
    ]
    model.assert_complete()


def test_the_persona_can_speak_first() -> None:
    caller, model = _persona(Rule(purpose="persona").say("Hello? Is this Bella?"))
    assert _next(caller, [], "start") == Say("Hello? Is this Bella?")
    assert model.calls[0].messages[-1].content == "(the call is connected; you speak first)"


def test_ending_the_conversation_says_goodbye_then_hangs_up() -> None:
    caller, model = _persona(Rule(purpose="persona").say("Thanks, bye!").call("end_conversation"))
    log: list[Event] = [Utterance(at_ms=0, role="agent", content="You're booked.")]
    assert _next(caller, log) == Say("Thanks, bye!")
    assert _next(caller, [*log, Utterance(at_ms=900, role="agent", content="Goodbye!")]) == HangUp()
    assert len(model.calls) == 1


def test_ending_without_words_hangs_up_at_once() -> None:
    caller, _ = _persona(Rule(purpose="persona").call("end_conversation"))
    assert _next(caller, [Utterance(at_ms=0, role="agent", content="Bye.")]) == HangUp()


def test_the_persona_presses_digits() -> None:
    caller, _ = _persona(Rule(purpose="persona").call("press_digits", {"digits": "1#"}))
    assert _next(caller, [Utterance(at_ms=0, role="agent", content="Press 1 then hash.")], "ivr_finished") == Press(
        "1#"
    )


def test_bad_digits_are_an_unusable_reply() -> None:
    caller, _ = _persona(Rule(purpose="persona").call("press_digits", {"digits": "one"}))
    with pytest.raises(InvalidModelReply, match="keypad digits"):
        _next(caller, [Utterance(at_ms=0, role="agent", content="Press one.")])


def _chatter(n: int) -> list[Event]:
    return [
        Utterance(at_ms=i * 100, role="agent" if i % 2 == 0 else "user", content=f"utterance {i}") for i in range(n)
    ]


def test_the_400_utterance_rule() -> None:
    caller, model = _persona(Rule(purpose="persona").say("more"))
    assert _next(caller, _chatter(399)) == Say("more")
    assert _next(caller, _chatter(400)) == EndAsError("the conversation reached 400 utterances")
    assert _next(caller, _chatter(401)) == EndAsError("the conversation reached 400 utterances")
    assert len(model.calls) == 1


def test_the_ten_minute_rule() -> None:
    caller, model = _persona(Rule(purpose="persona").say("more"))
    log: list[Event] = [Utterance(at_ms=600_000, role="agent", content="Still there?")]
    assert _next(caller, log) == EndAsError("the conversation timed out after 600 s")
    assert model.calls == []


def test_a_silent_agent_ends_the_run() -> None:
    caller, _ = _persona(Rule(purpose="persona").say("Hello?"), silent_turns=2)
    log: list[Event] = [Utterance(at_ms=0, role="agent", content="Hi.")]
    assert _next(caller, log) == Say("Hello?")
    log.append(Utterance(at_ms=1000, role="user", content="Hello?"))
    assert _next(caller, log) == Say("Hello?")  # one silent turn
    assert _next(caller, log) == EndAsError("the agent stayed silent for 2 turns")


def test_silence_is_counted_in_a_row_only() -> None:
    caller, _ = _persona(Rule(purpose="persona").say("Go on."), silent_turns=2)
    log: list[Event] = [Utterance(at_ms=0, role="agent", content="Hi.")]
    _next(caller, log)
    _next(caller, log)  # silent 1
    log.append(Utterance(at_ms=10, role="agent", content="Sorry, go on."))
    assert _next(caller, log) == Say("Go on.")  # the agent spoke: the count restarts
    assert _next(caller, log) == Say("Go on.")  # silent 1
    assert _next(caller, log) == EndAsError("the agent stayed silent for 2 turns")


def test_a_repeating_user_ends_the_run() -> None:
    caller, _ = _persona(Rule(purpose="persona").say("I want a TABLE!"))
    log: list[Event] = [
        Utterance(at_ms=0, role="agent", content="Hi."),
        Utterance(at_ms=1, role="user", content="i want a table"),
        Utterance(at_ms=2, role="agent", content="Sorry?"),
        Utterance(at_ms=3, role="user", content="I want a table."),
        Utterance(at_ms=4, role="agent", content="Sorry?"),
    ]
    assert _next(caller, log) == EndAsError("the simulated user repeated itself 3 times: 'I want a TABLE!'")
    fresh, _ = _persona(Rule(purpose="persona").say("I want a TABLE!"))
    assert _next(fresh, log[:3]) == Say("I want a TABLE!")  # said once before: twice in a row is fine


def test_normalise() -> None:
    assert normalise("I want a TABLE!") == normalise(" i  want a table. ") == "i want a table"


def test_model_failures_propagate() -> None:
    caller = PersonaCaller(model=NoModel(), user_prompt=PROMPT)
    with pytest.raises(ModelNotConfigured, match="to play the simulated caller"):
        _next(caller, [Utterance(at_ms=0, role="agent", content="Hi.")])


class _Slow:
    async def complete(self, request: ModelRequest) -> ModelReply:
        await asyncio.sleep(5)
        return ModelReply(text="late")


def test_the_model_call_is_bounded() -> None:
    caller = PersonaCaller(model=_Slow(), user_prompt=PROMPT, timeout_s=0.05)
    with pytest.raises(ProviderUnavailable, match=r"did not answer within 0\.05 s"):
        _next(caller, [Utterance(at_ms=0, role="agent", content="Hi.")])


def test_a_short_persona_conversation_end_to_end() -> None:
    """A tiny agent loop driven by the persona until it hangs up."""
    caller, model = _persona(
        Rule(purpose="persona", user="help").say("A table for two."),
        Rule(purpose="persona", user="date").say("May 1st."),
        Rule(purpose="persona", user="booked").say("Great, thanks!").call("end_conversation"),
    )
    agent_lines = iter(["Hi, how can I help?", "Which date?", "You're booked for May 1st.", "Bye!"])
    log: list[Event] = []
    clock = 0
    while True:
        log.append(Utterance(at_ms=clock, role="agent", content=next(agent_lines)))
        clock += 1000
        action = _next(caller, log)
        if isinstance(action, HangUp):
            break
        assert isinstance(action, Say)
        log.append(Utterance(at_ms=clock, role="user", content=action.text))
        clock += 1000
    assert [e.content for e in log if isinstance(e, Utterance) and e.role == "user"] == [
        "A table for two.",
        "May 1st.",
        "Great, thanks!",
    ]
    model.assert_complete()
    assert len(caller.replies) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user_prompt": "  "}, "needs a user_prompt"),
        ({"repeat_limit": 1}, "repeat_limit must be at least 2"),
        ({"max_utterances": 0}, "max_utterances must be"),
        ({"silent_turns": True}, "silent_turns must be"),
        ({"timeout_s": 0}, "timeout_s must be positive"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        PersonaCaller(model=ScriptedModel(), **{"user_prompt": PROMPT, **options})
