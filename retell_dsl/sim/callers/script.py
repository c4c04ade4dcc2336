"""A scripted caller: steps in order, each optionally waiting for the agent to say something.

Steps are built with :func:`say`, :func:`interrupt`, :func:`press`, :func:`silence` and :func:`hang_up` (a plain
string is a ``say`` step). A step with ``after=`` waits until an agent utterance **since the
caller last acted** matches: a string (case-insensitive substring), a compiled regex
(``search``) or a predicate on the utterance's text. While it waits the caller stays silent for
``wait_ms`` (the agent may prompt again); a step that has waited more than ``within`` agent
turns raises :class:`ScriptStepTimedOut`, naming the step and what the agent last said. When
every step is done the caller hangs up (``user_hangup``): a script describes the whole call.
:meth:`ScriptCaller.unused_steps` lists the steps never reached; :meth:`~ScriptCaller.assert_complete`
fails on them (a scripted step nobody reached is a test smell).

>>> import asyncio, re
>>> from retell_dsl.sim.events import Utterance
>>> caller = ScriptCaller("I'd like a table.", say("May 1st", after=re.compile(r"\\bdate\\b")), press("1"))
>>> log = [Utterance(at_ms=0, role="agent", content="Hi! How can I help?")]
>>> asyncio.run(caller.next_action(log, "agent_finished"))
Say(text="I'd like a table.")
>>> log += [Utterance(at_ms=900, role="user", content="I'd like a table."),
...         Utterance(at_ms=2000, role="agent", content="For how many people?")]
>>> asyncio.run(caller.next_action(log, "agent_finished"))
Silence(ms=10000)
>>> log += [Utterance(at_ms=5000, role="agent", content="And which date?")]
>>> asyncio.run(caller.next_action(log, "agent_finished"))
Say(text='May 1st')
>>> [s.describe() for s in caller.unused_steps()]
["press '1'"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retell_dsl.errors import InvalidArgument, RetellDSLError
from retell_dsl.sim.callers.actions import (
    CallerAction,
    Cue,
    HangUp,
    Interrupt,
    Press,
    Say,
    Silence,
    agent_utterances_since,
)
from retell_dsl.sim.events import Event

__all__ = [
    "Condition",
    "ScriptCaller",
    "ScriptIncomplete",
    "ScriptStepTimedOut",
    "Step",
    "hang_up",
    "interrupt",
    "press",
    "say",
    "silence",
]

#: What a step waits for in the agent's words.
Condition = str | re.Pattern[str] | Callable[[str], bool]


class ScriptStepTimedOut(RetellDSLError, AssertionError):
    """A step waited more agent turns than its bound for the agent to say what it waits for."""


class ScriptIncomplete(RetellDSLError, AssertionError):
    """Scripted steps were never reached."""


def _describe_condition(condition: Condition) -> str:
    if isinstance(condition, str):
        return repr(condition)
    if isinstance(condition, re.Pattern):
        return f"/{condition.pattern}/"
    return getattr(condition, "__name__", "a predicate")


def _matches(condition: Condition, text: str) -> bool:
    if isinstance(condition, str):
        return condition.casefold() in text.casefold()
    if isinstance(condition, re.Pattern):
        return condition.search(text) is not None
    return bool(condition(text))


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One scripted action, optionally waiting (at most ``within`` agent turns) for ``after``."""

    action: Say | Interrupt | Press | Silence | HangUp
    after: Condition | None = None
    within: int = 3

    def __post_init__(self) -> None:
        if isinstance(self.within, bool) or not isinstance(self.within, int) or self.within < 1:
            raise InvalidArgument(f"within must be a whole number of agent turns >= 1, got {self.within!r}")
        after = self.after
        if after is not None and not isinstance(after, str | re.Pattern) and not callable(after):
            raise InvalidArgument(f"after takes a string, a compiled regex or a predicate, got {after!r}")

    def describe(self) -> str:
        """A short phrase naming the step, for messages.

        >>> say("Yes", after="date").describe()
        "say 'Yes' after the agent says 'date'"
        """
        action = self.action
        if isinstance(action, Say):
            text = f"say {action.text!r}"
        elif isinstance(action, Interrupt):
            text = f"interrupt with {action.text!r}"
        elif isinstance(action, Press):
            text = f"press {action.digits!r}"
        elif isinstance(action, Silence):
            text = f"stay silent {action.ms} ms"
        else:
            text = "hang up"
        return text if self.after is None else f"{text} after the agent says {_describe_condition(self.after)}"


def say(text: str, *, after: Condition | None = None, within: int = 3) -> Step:
    """A step saying ``text``."""
    return Step(action=Say(text), after=after, within=within)


def interrupt(text: str, *, after: Condition | None = None, within: int = 3) -> Step:
    """A step saying ``text`` over the agent (see :class:`~retell_dsl.sim.callers.Interrupt`)."""
    return Step(action=Interrupt(text), after=after, within=within)


def press(digits: str, *, after: Condition | None = None, within: int = 3) -> Step:
    """A step pressing DTMF ``digits``."""
    return Step(action=Press(digits), after=after, within=within)


def silence(ms: int, *, after: Condition | None = None, within: int = 3) -> Step:
    """A step staying silent for ``ms`` milliseconds."""
    return Step(action=Silence(ms), after=after, within=within)


def hang_up(*, after: Condition | None = None, within: int = 3) -> Step:
    """A step hanging up."""
    return Step(action=HangUp(), after=after, within=within)


class ScriptCaller:
    """A :class:`~retell_dsl.sim.callers.Caller` playing :class:`Step` s in order.

    >>> ScriptCaller("hi", hang_up())
    ScriptCaller(2 steps, 0 done)
    """

    def __init__(self, *steps: Step | str, wait_ms: int = 10_000) -> None:
        self.steps: tuple[Step, ...] = tuple(say(s) if isinstance(s, str) else s for s in steps)
        for step in self.steps:
            if not isinstance(step, Step):
                raise InvalidArgument(
                    f"ScriptCaller takes steps (say, press, silence, hang_up) or strings, got {step!r}"
                )
        self.wait_ms = Silence(wait_ms).ms
        self.done = 0
        self._mark = 0
        self._waited = 0

    def __repr__(self) -> str:
        return f"ScriptCaller({len(self.steps)} steps, {self.done} done)"

    @property
    def exhausted(self) -> bool:
        """Whether every step has been played."""
        return self.done >= len(self.steps)

    async def next_action(self, events: Sequence[Event], cue: Cue) -> CallerAction:
        """The current step's action once its condition holds; silence while it waits; hang up at the end."""
        __tracebackhide__ = True
        if self.exhausted:
            return HangUp()
        step = self.steps[self.done]
        if step.after is not None:
            spoken = agent_utterances_since(events, self._mark)
            if not any(_matches(step.after, u.content) for u in spoken):
                self._waited += 1
                if self._waited > step.within:
                    last = spoken[-1].content if spoken else None
                    heard = f"the agent last said {last!r}" if last else "the agent said nothing since"
                    raise ScriptStepTimedOut(
                        f"script step {self.done + 1} ({step.describe()}) waited {step.within} agent "
                        f"turn(s) and the agent never said it; {heard}"
                    )
                return Silence(self.wait_ms)
        self.done += 1
        self._mark = len(events)
        self._waited = 0
        return step.action

    def unused_steps(self) -> list[Step]:
        """The steps not played yet."""
        return list(self.steps[self.done :])

    def assert_complete(self) -> None:
        """Fail listing every step never played."""
        __tracebackhide__ = True
        unused = self.unused_steps()
        if unused:
            body = "\n".join(f"  {self.done + i + 1}. {s.describe()}" for i, s in enumerate(unused))
            raise ScriptIncomplete(f"{len(unused)} scripted step(s) never reached:\n{body}")
