"""Callers: the other side of a conversation, driven by the interpreter one cue at a time.

``actions`` defines what a caller can do (:class:`Say`, :class:`Press`, :class:`Silence`,
:class:`HangUp`, :class:`EndAsError`), the :class:`Caller` protocol and the :class:`NoCaller`
marker for chats; ``script`` the :class:`ScriptCaller` (steps in order, waiting for the agent's
words); ``persona`` the :class:`PersonaCaller` (a model playing a test case's ``user_prompt``,
with Retell's stop rules).

>>> import asyncio
>>> caller = ScriptCaller(press("1"))
>>> asyncio.run(caller.next_action([], "ivr_finished")), asyncio.run(caller.next_action([], "agent_finished"))
(Press(digits='1'), HangUp(reason='user_hangup'))
"""

from __future__ import annotations

from retell_dsl.sim.callers.actions import (
    Caller,
    CallerAction,
    Cue,
    EndAsError,
    HangUp,
    Interrupt,
    NoCaller,
    Press,
    Say,
    Silence,
    agent_utterances_since,
)
from retell_dsl.sim.callers.from_json import caller_from_json
from retell_dsl.sim.callers.persona import END_TOOL, PRESS_TOOL, PersonaCaller, normalise
from retell_dsl.sim.callers.script import (
    Condition,
    ScriptCaller,
    ScriptIncomplete,
    ScriptStepTimedOut,
    Step,
    hang_up,
    interrupt,
    press,
    say,
    silence,
)

__all__ = [
    "END_TOOL",
    "PRESS_TOOL",
    "Caller",
    "CallerAction",
    "Condition",
    "Cue",
    "EndAsError",
    "HangUp",
    "Interrupt",
    "NoCaller",
    "PersonaCaller",
    "Press",
    "Say",
    "ScriptCaller",
    "ScriptIncomplete",
    "ScriptStepTimedOut",
    "Silence",
    "Step",
    "agent_utterances_since",
    "caller_from_json",
    "hang_up",
    "interrupt",
    "normalise",
    "press",
    "say",
    "silence",
]
