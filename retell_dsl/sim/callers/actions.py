"""The other side of a conversation: what a caller can do, and the interface the interpreter drives.

The interpreter calls :meth:`Caller.next_action` with the conversation so far (the event log)
and a :data:`Cue` — ``"start"`` (the call connected and the user speaks first),
``"agent_finished"`` (the agent just finished speaking) or ``"ivr_finished"`` (the caller is an
IVR-side script and the agent's press-digit node is listening) — and performs the answer:

* :class:`Say` — the user says ``text`` (an ``Utterance`` by ``user``);
* :class:`Interrupt` — the user says ``text`` over the agent, right after a node transition
  (a flow goes back to the node the user was answering: ``interrupt_go_back``);
* :class:`Press` — the user presses DTMF ``digits`` (one ``Dtmf`` event each);
* :class:`Silence` — the user says nothing for ``ms`` milliseconds;
* :class:`HangUp` — the user hangs up (``disconnection_reason`` ``user_hangup``);
* :class:`EndAsError` — the simulation gives up (a simulation test run ends as ``error`` with
  ``reason``; Retell's stop rules, see :class:`~retell_dsl.sim.callers.PersonaCaller`).

Chats have no simulated caller (the API client is the user): :class:`NoCaller` marks that.

>>> Press("12#"), Silence(1500), HangUp()
(Press(digits='12#'), Silence(ms=1500), HangUp(reason='user_hangup'))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.events import Event, Utterance

__all__ = [
    "Caller",
    "CallerAction",
    "Cue",
    "EndAsError",
    "HangUp",
    "Interrupt",
    "NoCaller",
    "Press",
    "Say",
    "Silence",
    "agent_utterances_since",
]

Cue = Literal["start", "agent_finished", "ivr_finished"]
_DIGITS = re.compile(r"[0-9*#]+")


@dataclass(frozen=True, slots=True)
class Say:
    """The user says ``text``."""

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise InvalidArgument(f"Say needs some text, got {self.text!r}")


@dataclass(frozen=True, slots=True)
class Interrupt:
    """The user says ``text`` over the agent (a barge-in within about a second of a transition)."""

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not self.text.strip():
            raise InvalidArgument(f"Interrupt needs some text, got {self.text!r}")


@dataclass(frozen=True, slots=True)
class Press:
    """The user presses DTMF ``digits`` (``0`` to ``9``, ``*``, ``#``)."""

    digits: str

    def __post_init__(self) -> None:
        if not isinstance(self.digits, str) or not _DIGITS.fullmatch(self.digits):
            raise InvalidArgument(f"Press takes keypad digits (0-9, * and #), got {self.digits!r}")


@dataclass(frozen=True, slots=True)
class Silence:
    """The user stays silent for ``ms`` milliseconds."""

    ms: int

    def __post_init__(self) -> None:
        if isinstance(self.ms, bool) or not isinstance(self.ms, int) or self.ms < 0:
            raise InvalidArgument(f"Silence takes a whole number of milliseconds >= 0, got {self.ms!r}")


@dataclass(frozen=True, slots=True)
class HangUp:
    """The user hangs up."""

    reason: str = "user_hangup"


@dataclass(frozen=True, slots=True)
class EndAsError:
    """The simulation stops: the run is an ``error`` (not graded), for ``reason``."""

    reason: str


CallerAction = Say | Interrupt | Press | Silence | HangUp | EndAsError


@runtime_checkable
class Caller(Protocol):
    """Anything that answers the agent; the interpreter awaits :meth:`next_action` at every cue."""

    async def next_action(self, events: Sequence[Event], cue: Cue) -> CallerAction:
        """The caller's next action, given the conversation so far."""
        ...


class NoCaller:
    """The marker for chats: the API client is the user, so nothing simulates one.

    >>> import asyncio
    >>> asyncio.run(NoCaller().next_action([], "agent_finished"))
    Traceback (most recent call last):
    ...
    retell_dsl.InvalidArgument: a chat has no simulated caller: the API client sends the user's messages...
    """

    def __repr__(self) -> str:
        return "NoCaller()"

    async def next_action(self, events: Sequence[Event], cue: Cue) -> CallerAction:
        """Refuse: a conversation driven by its API client must not ask a caller what to do."""
        raise InvalidArgument(
            "a chat has no simulated caller: the API client sends the user's messages "
            "(use ScriptCaller or PersonaCaller for calls and simulation tests)"
        )


def agent_utterances_since(events: Sequence[Event], start: int) -> list[Utterance]:
    """The agent's non-empty utterances from position ``start`` of the log on.

    >>> from retell_dsl.sim.events import Utterance
    >>> log = [Utterance(at_ms=0, role="agent", content="Hi"), Utterance(at_ms=1, role="user", content="Yo")]
    >>> [u.content for u in agent_utterances_since(log, 0)], agent_utterances_since(log, 1)
    (['Hi'], [])
    """
    return [e for e in events[start:] if isinstance(e, Utterance) and e.role == "agent" and e.content.strip()]
