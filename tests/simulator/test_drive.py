"""The drive loop and callers from JSON (sim layer), and the voice-call paths no SDK test reaches."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from retell_dsl.emulator.engine_port import AgentSnapshot, LiveControl
from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers import Cue, EndAsError, PersonaCaller, ScriptCaller, Silence, caller_from_json, say
from retell_dsl.sim.drive import converse
from retell_dsl.sim.events import Event
from retell_dsl.sim.models import NoModel, Rule, ScriptedModel
from retell_dsl.sim.runtime import ManualClock, Session
from retell_dsl.simulator import LocalEngine

LLM = {"general_prompt": "Answer.", "begin_message": "Hi!"}


def _session(**kwargs: Any) -> Session:
    return Session(agent=kwargs.pop("agent", {}), engine=kwargs.pop("engine", LLM), clock=ManualClock(), **kwargs)


class _Quits:
    async def next_action(self, events: Sequence[Event], cue: Cue) -> EndAsError:
        return EndAsError("the simulated user gave up")


class _Waits:
    async def next_action(self, events: Sequence[Event], cue: Cue) -> Silence:
        await asyncio.sleep(5)
        return Silence(1)


def test_a_caller_that_gives_up_stops_the_loop_without_ending_the_session() -> None:
    done = asyncio.run(converse(_session(), _Quits(), max_turns=5, timeout_s=5))
    assert done.stopped == "the simulated user gave up" and done.stop_reason is None


def test_the_loop_is_bounded_in_turns_and_in_time() -> None:
    silent = ScriptCaller(*[say("x", after="never", within=99)], wait_ms=1)
    done = asyncio.run(converse(_session(), silent, max_turns=3, timeout_s=5))
    assert done.stopped == "the conversation reached 3 caller turns without ending"
    slow = asyncio.run(converse(_session(), _Waits(), max_turns=3, timeout_s=0.2))
    assert slow.stopped == "the conversation did not end within 0.2 s"
    with pytest.raises(InvalidArgument):
        asyncio.run(converse(_session(), _Quits(), max_turns=0))


def test_a_script_step_that_waits_too_long_and_a_failing_persona_stop_the_loop() -> None:
    timed_out = asyncio.run(converse(_session(), ScriptCaller(say("y", after="nope", within=1)), timeout_s=5))
    assert timed_out.stopped is not None and "waited 1 agent turn(s)" in timed_out.stopped
    persona = PersonaCaller(model=NoModel(), user_prompt="You want help.")
    failed = asyncio.run(converse(_session(), persona, timeout_s=5))
    assert failed.stopped is not None and "none is configured" in failed.stopped
    assert failed.stop_reason is not None


def test_caller_json_maps_to_script_and_persona_callers() -> None:
    script = caller_from_json(
        {"type": "script", "steps": [{"say": "a"}, {"press": 12}, {"silence_ms": 5}, {"hang_up": True}]}
    )
    assert isinstance(script, ScriptCaller)
    assert [s.describe() for s in script.steps] == ["say 'a'", "press '12'", "stay silent 5 ms", "hang up"]
    persona = caller_from_json({"type": "persona", "user_prompt": "Be Ann.", "llm_model": "gpt-4.1"}, NoModel())
    assert isinstance(persona, PersonaCaller) and persona.llm_model == "gpt-4.1"
    for bad in ({"type": "script", "steps": [{"hang_up": False}]}, {"type": "script", "steps": ["hi"]}, "x"):
        with pytest.raises(InvalidArgument):
            caller_from_json(bad)  # type: ignore[arg-type]


class FakeCall:
    """A CallSession double recording what the engine reports."""

    def __init__(self, call: Mapping[str, Any], caller: Mapping[str, Any] | None) -> None:
        self.call = dict(call)
        self.caller = caller
        self.log: list[tuple[Any, ...]] = []

    def say(self, role: str, content: str, *, words: Sequence[Mapping[str, Any]] | None = None) -> None:
        self.log.append(("say", role, content))

    def tool_call(self, name: str, arguments: Any, *, type: str = "custom", tool_call_id: str | None = None) -> str:
        self.log.append(("tool_call", name))
        return tool_call_id or "t"

    def tool_result(self, tool_call_id: str, content: str, *, successful: bool | None = None) -> None:
        self.log.append(("tool_result", content))

    def transition(self, former: tuple[str, str], new: tuple[str, str], transition_type: str = "normal") -> None:
        self.log.append(("transition", new[0]))

    def state_transition(self, former: str | None, new: str) -> None:
        self.log.append(("state", new))

    def dtmf(self, digit: str) -> None:
        self.log.append(("dtmf", digit))

    def advance(self, ms: int) -> None:
        self.log.append(("advance", ms))

    def live_control(self) -> LiveControl:
        return LiveControl()

    def end(self, disconnection_reason: str, **outcome: Any) -> None:
        self.log.append(("end", disconnection_reason, outcome.get("call_analysis")))


SNAPSHOT = AgentSnapshot(
    agent={"agent_id": "a1", "end_call_after_silence_ms": 30_000}, engine_type="retell-llm", engine=LLM
)


def test_a_phone_call_nobody_speaks_on_ends_with_inactivity() -> None:
    call = FakeCall({"call_id": "c1", "call_type": "phone_call", "start_timestamp": 0}, None)
    LocalEngine(NoModel()).run_call(SNAPSHOT, call)
    assert call.log[0] == ("say", "agent", "Hi!")
    assert call.log[-1][:2] == ("end", "inactivity")
    assert sum(entry[1] for entry in call.log if entry[0] == "advance") >= 30_000


def test_a_persona_caller_holds_a_call_and_presses_keys() -> None:
    persona = ScriptedModel(
        Rule(purpose="persona", user="Hi!").call("press_digits", {"digits": "1"}),
        Rule(purpose="persona").call("end_conversation"),
    )
    agent_model = ScriptedModel(Rule(purpose="reply").say("You pressed one."))
    call = FakeCall({"call_id": "c2", "call_type": "web_call"}, {"type": "persona", "user_prompt": "Press 1."})
    LocalEngine(agent_model, persona_model=persona).run_call(SNAPSHOT, call)
    said = [e for e in call.log if e[0] in ("say", "dtmf", "end")]
    assert said == [
        ("say", "agent", "Hi!"),
        ("dtmf", "1"),
        ("say", "agent", "You pressed one."),
        ("end", "user_hangup", None),
    ]
