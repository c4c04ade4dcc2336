"""The drive loop: a simulated caller holds a conversation with a :class:`~retell_dsl.sim.runtime.Session`.

:func:`converse` opens the session and, at every cue, asks the caller for its next action and
performs it: :class:`~retell_dsl.sim.callers.Say` → ``user_says``, ``Interrupt`` → ``interrupt``, ``Press`` → ``press``,
``Silence`` → ``silence``, ``HangUp`` → ``hang_up``; :class:`~retell_dsl.sim.callers.EndAsError`
stops the loop (the simulation gave up, e.g. Retell's stop rules). It is bounded by ``max_turns``
caller actions and ``timeout_s`` seconds; a caller that raises (a script step that waited too
long, a persona model that failed) stops it too. The session is left as it is when the loop
stops without an end: the owner decides how the conversation ends (:attr:`Conversation.stopped`
says why).

>>> import asyncio
>>> from retell_dsl.sim.callers import ScriptCaller
>>> from retell_dsl.sim.runtime import Session
>>> llm = {"begin_message": "Hi!", "general_prompt": ""}
>>> done = asyncio.run(converse(Session(agent={}, engine=llm), ScriptCaller(), max_turns=5, timeout_s=5))
>>> [getattr(e, "content", getattr(e, "reason", "")) for e in done.events], done.stopped
(['Hi!', 'user_hangup'], None)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from retell_dsl.errors import InvalidArgument, RetellDSLError
from retell_dsl.sim.callers import Caller, Cue, EndAsError, HangUp, Interrupt, Press, Say, Silence
from retell_dsl.sim.events import Event, Utterance
from retell_dsl.sim.models import ModelError
from retell_dsl.sim.runtime import Session

__all__ = ["Conversation", "converse"]


@dataclass(frozen=True, slots=True)
class Conversation:
    """What :func:`converse` produced: every event, and why the loop stopped before the end (or ``None``)."""

    events: Sequence[Event]
    stopped: str | None = None
    #: Retell's ``disconnection_reason`` for a stop caused by a failing model (``None`` otherwise).
    stop_reason: str | None = None


def _cue(new: Sequence[Event]) -> Cue:
    spoke = any(isinstance(e, Utterance) and e.role == "agent" and e.content.strip() for e in new)
    return "agent_finished" if spoke else "start"


async def _loop(session: Session, caller: Caller, max_turns: int) -> Conversation:
    new = await session.start()
    cue: Cue = _cue(new)
    for _ in range(max_turns):
        if session.ended is not None:
            return Conversation(session.events)
        try:
            action = await caller.next_action(session.events, cue)
        except ModelError as err:
            return Conversation(session.events, f"the simulated caller failed: {err}", err.disconnection_reason)
        except RetellDSLError as err:
            return Conversation(session.events, f"the simulated caller stopped: {err}")
        if isinstance(action, EndAsError):
            return Conversation(session.events, action.reason)
        if isinstance(action, Say):
            await session.user_says(action.text)
        elif isinstance(action, Interrupt):
            await session.interrupt(action.text)
        elif isinstance(action, Press):
            await session.press(action.digits)
        elif isinstance(action, Silence):
            await session.silence(action.ms)
        elif isinstance(action, HangUp):
            await session.hang_up()
        else:
            raise InvalidArgument(f"a caller answered {action!r}, which is not a caller action")
        cue = "agent_finished"
    if session.ended is not None:
        return Conversation(session.events)
    return Conversation(session.events, f"the conversation reached {max_turns} caller turns without ending")


async def converse(session: Session, caller: Caller, *, max_turns: int = 200, timeout_s: float = 600.0) -> Conversation:
    """Let ``caller`` talk with ``session`` until it ends, the caller gives up, or a bound is hit."""
    if max_turns < 1 or timeout_s <= 0:
        raise InvalidArgument(f"converse needs max_turns >= 1 and timeout_s > 0, got {max_turns!r}, {timeout_s!r}")
    try:
        async with asyncio.timeout(timeout_s):
            return await _loop(session, caller, max_turns)
    except TimeoutError:
        return Conversation(session.events, f"the conversation did not end within {timeout_s:g} s")
