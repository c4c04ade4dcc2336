"""Time without the user: reminders after silence, inactivity, and the call's maximum duration.

Read from the agent, with Retell's defaults (voice sessions only; a chat has none of them):

- ``reminder_trigger_ms`` (default 10 000) and ``reminder_max_count`` (default 1; 0 disables):
  when the user has been silent that long after the agent spoke, the agent speaks a reminder,
  then again after each further ``reminder_trigger_ms``, up to the count. With a model
  configured the reminder is written by it (``purpose="reply"``, no tools, the place's prompt
  plus an instruction to check on the user); with none it is the fixed text :data:`REMINDER`.
- ``end_call_after_silence_ms``: once the user has been silent that long the call ends with
  ``inactivity``. Choice where Retell is silent: the silence is counted from when the user was
  last heard (or the agent last spoke other than a reminder), so reminders do not postpone the
  end; when the end and a reminder fall at the same moment the call ends.
- ``max_call_duration_ms`` (default 3 600 000): when the engine clock reaches it the call ends
  with ``max_duration_reached`` (checked before and after every turn, and inside a silence).

Consecutive ``silence(ms)`` calls add up; a user turn or key press starts the count again.

>>> plan = SilencePlan.of({"reminder_trigger_ms": 5000, "end_call_after_silence_ms": 12000}, voice=True)
>>> plan.moments(quiet_before=0, quiet_after=12000, reminders_done=0)
[(5000, 'remind'), (12000, 'end')]
>>> SilencePlan.of({}, voice=False).moments(quiet_before=0, quiet_after=60000, reminders_done=0)
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from retell_dsl.sim.models import Message, NoModel
from retell_dsl.sim.runtime import builtins
from retell_dsl.sim.runtime.core import Core, Where

__all__ = ["DEFAULT_MAX_CALL_DURATION_MS", "REMINDER", "SilencePlan", "max_duration_ms", "remind"]

DEFAULT_REMINDER_TRIGGER_MS = 10_000
DEFAULT_REMINDER_MAX_COUNT = 1
DEFAULT_MAX_CALL_DURATION_MS = 3_600_000
#: What the agent says to remind the user when no model is configured.
REMINDER = "Are you still there?"
_ASK = (
    "The user has not said anything for {seconds} seconds. In one short, friendly sentence, check "
    "whether they are still there, in the language of the conversation."
)

Moment = Literal["remind", "end"]


def _number(agent: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = agent.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


@dataclass(frozen=True, slots=True)
class SilencePlan:
    """When reminders and the inactivity end fall, in ms of continuous user silence."""

    trigger_ms: int | None
    max_reminders: int
    end_after_ms: int | None

    @classmethod
    def of(cls, agent: Mapping[str, Any], *, voice: bool) -> SilencePlan:
        """The agent's plan (``voice=False``: a chat, no reminders; inactivity still as the agent sets it)."""
        trigger = _number(agent, "reminder_trigger_ms", DEFAULT_REMINDER_TRIGGER_MS)
        count = _number(agent, "reminder_max_count", DEFAULT_REMINDER_MAX_COUNT) or 0
        return cls(
            trigger_ms=trigger if voice and trigger and trigger > 0 else None,
            max_reminders=max(0, count) if voice else 0,
            end_after_ms=_number(agent, "end_call_after_silence_ms", None),
        )

    def moments(self, *, quiet_before: int, quiet_after: int, reminders_done: int) -> list[tuple[int, Moment]]:
        """The moments in ``(quiet_before, quiet_after]`` (silence so far), in order; nothing after the end."""
        out: list[tuple[int, Moment]] = []
        end = self.end_after_ms
        if self.trigger_ms:
            for k in range(reminders_done + 1, self.max_reminders + 1):
                at = k * self.trigger_ms
                if at > quiet_after or (end is not None and at >= end):
                    break
                if at > quiet_before:
                    out.append((at, "remind"))
        if end is not None and quiet_before < end <= quiet_after:
            out.append((end, "end"))
        return out


def max_duration_ms(agent: Mapping[str, Any], *, voice: bool) -> int | None:
    """The agent's ``max_call_duration_ms`` (Retell's default of one hour), ``None`` for a chat."""
    return _number(agent, "max_call_duration_ms", DEFAULT_MAX_CALL_DURATION_MS) if voice else None


async def remind(core: Core, where: Where, system: str, quiet_ms: int) -> None:
    """The agent speaks one reminder: written by the model when one is configured, else :data:`REMINDER`."""
    if isinstance(core.model, NoModel):
        builtins.say(core, where, REMINDER)
        return
    ask = Message.system(_ASK.format(seconds=quiet_ms // 1000))
    reply = await core.ask(where, "reply", system=system, extra=(ask,))
    builtins.say(core, where, reply.text or "")
