"""A simulated user: a model playing a Retell test case's ``user_prompt``, with Retell's stop rules.

Roles are flipped for the persona model (``purpose="persona"``): the agent's utterances are its
``user`` messages and the simulated user's own words its ``assistant`` messages; the
``user_prompt`` is in the system prompt. Two functions are offered: ``end_conversation``
(the persona ends the call, e.g. once its goal is met: :class:`HangUp`, after saying any text
that came with the call) and ``press_digits`` (``{"digits": "1"}``: :class:`Press`).

Retell ends a simulation run as ``error`` (not graded) when it passes 400 utterances, times
out (10 minutes), the simulated user starts repeating itself, or the agent goes silent. Here,
checked at every cue before the model is asked (except the repetition, checked on its answer):

* **utterances**: the log already holds ``max_utterances`` (400) utterances, both sides;
* **time**: the last event is ``max_duration_ms`` (600 000) or more into the conversation;
* **agent silent**: ``silent_turns`` (3) cues in a row with no agent utterance since the
  persona last acted;
* **repetition**: the answer, normalised (case-folded, punctuation dropped, spaces collapsed),
  equals the simulated user's last ``repeat_limit - 1`` utterances, i.e. it would be the same
  thing ``repeat_limit`` (3) times in a row.

Each ends with :class:`EndAsError` and the reason. The model call is bounded by ``timeout_s``;
a model failure raises its :class:`~retell_dsl.sim.models.ModelError` (the interpreter ends the
conversation with its ``disconnection_reason``). ``replies`` keeps every reply (for usage).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers.actions import CallerAction, Cue, EndAsError, HangUp, Press, Say, agent_utterances_since
from retell_dsl.sim.events import Dtmf, Event, Utterance
from retell_dsl.sim.models import (
    InvalidModelReply,
    Message,
    Model,
    ModelContext,
    ModelReply,
    ModelRequest,
    ProviderUnavailable,
    ToolSchema,
    validate_reply,
)

__all__ = ["END_TOOL", "PRESS_TOOL", "PersonaCaller", "normalise"]

END_TOOL = ToolSchema(
    "end_conversation",
    "End the conversation (hang up): call it when your goal is reached, when the agent ends the "
    "conversation, or when continuing makes no sense.",
)
PRESS_TOOL = ToolSchema(
    "press_digits",
    "Press keys on the phone keypad, when the agent asks you to.",
    {
        "type": "object",
        "properties": {"digits": {"type": "string", "description": "The keys to press: 0-9, * and #."}},
        "required": ["digits"],
    },
)

_SYSTEM = (
    "You are role-playing the USER (the caller) in a conversation with an AI agent, to test the agent. "
    "Stay in character; speak as a person on the phone would, one short turn at a time; never act as the "
    "agent. The agent's words are given to you as the other side's messages.\n\n"
    "Your persona and goal:\n{user_prompt}\n\n"
    "Call end_conversation when your goal is reached or the conversation is over; call press_digits "
    "when you are asked to press keys."
)
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form compared for repetition.

    >>> normalise("  Hello,   THERE! ")
    'hello there'
    """
    return _SPACES.sub(" ", _PUNCTUATION.sub("", text.casefold())).strip()


def _positive(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgument(f"{name} must be a whole number >= 1, got {value!r}")
    return value


class PersonaCaller:
    """A :class:`~retell_dsl.sim.callers.Caller` whose words a model writes from ``user_prompt``.

    >>> PersonaCaller(model=None, user_prompt="You want a table for two.")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    retell_dsl.InvalidArgument: PersonaCaller needs a Model (an object with async complete()), got None
    """

    def __init__(
        self,
        *,
        model: Model,
        user_prompt: str,
        llm_model: str | None = None,
        max_utterances: int = 400,
        max_duration_ms: int = 600_000,
        repeat_limit: int = 3,
        silent_turns: int = 3,
        timeout_s: float = 120.0,
    ) -> None:
        if not callable(getattr(model, "complete", None)):
            raise InvalidArgument(f"PersonaCaller needs a Model (an object with async complete()), got {model!r}")
        if not isinstance(user_prompt, str) or not user_prompt.strip():
            raise InvalidArgument("PersonaCaller needs a user_prompt: the persona and goal of the simulated user")
        if repeat_limit < 2:
            raise InvalidArgument(f"repeat_limit must be at least 2, got {repeat_limit!r}")
        if timeout_s <= 0:
            raise InvalidArgument(f"timeout_s must be positive, got {timeout_s!r}")
        self.model = model
        self.user_prompt = user_prompt
        self.llm_model = llm_model
        self.max_utterances = _positive("max_utterances", max_utterances)
        self.max_duration_ms = _positive("max_duration_ms", max_duration_ms)
        self.repeat_limit = repeat_limit
        self.silent_turns = _positive("silent_turns", silent_turns)
        self.timeout_s = timeout_s
        self.replies: list[ModelReply] = []
        self._mark = 0
        self._silent = 0
        self._hang_up_next = False

    def __repr__(self) -> str:
        return f"PersonaCaller(user_prompt={self.user_prompt[:40]!r}, {len(self.replies)} replies)"

    def messages(self, events: Sequence[Event]) -> tuple[Message, ...]:
        """The persona model's messages for the conversation so far (roles flipped)."""
        out = [Message.system(_SYSTEM.format(user_prompt=self.user_prompt.strip()))]
        for event in events:
            if isinstance(event, Utterance) and event.content.strip():
                if event.role == "agent":
                    out.append(Message.user(event.content))
                elif event.role == "transfer_target":
                    out.append(Message.user(f"[the person you were transferred to] {event.content}"))
                else:
                    out.append(Message.assistant(event.content))
            elif isinstance(event, Dtmf) and event.by == "user":
                out.append(Message.assistant(f"(pressed {event.digit})"))
        if out[-1].role != "user":
            note = "(the call is connected; you speak first)" if len(out) == 1 else "(the agent says nothing)"
            out.append(Message.user(note))
        return tuple(out)

    def _stop(self, events: Sequence[Event], cue: Cue) -> EndAsError | None:
        utterances = sum(1 for e in events if isinstance(e, Utterance) and e.content.strip())
        if utterances >= self.max_utterances:
            return EndAsError(f"the conversation reached {self.max_utterances} utterances")
        if events and events[-1].at_ms >= self.max_duration_ms:
            return EndAsError(f"the conversation timed out after {self.max_duration_ms // 1000} s")
        if cue != "start":
            self._silent = 0 if agent_utterances_since(events, self._mark) else self._silent + 1
            if self._silent >= self.silent_turns:
                return EndAsError(f"the agent stayed silent for {self.silent_turns} turns")
        return None

    def _repeats(self, events: Sequence[Event], text: str) -> bool:
        said = [normalise(e.content) for e in events if isinstance(e, Utterance) and e.role == "user"]
        previous = said[-(self.repeat_limit - 1) :]
        return len(previous) == self.repeat_limit - 1 and all(p == normalise(text) for p in previous)

    async def _ask(self, events: Sequence[Event]) -> ModelReply:
        request = ModelRequest(
            messages=self.messages(events),
            tools=(END_TOOL, PRESS_TOOL),
            retell_model=self.llm_model,
            context=ModelContext(purpose="persona"),
        )
        try:
            reply = await asyncio.wait_for(self.model.complete(request), self.timeout_s)
        except TimeoutError:
            raise ProviderUnavailable(
                f"the persona model did not answer within {self.timeout_s:g} s", where="the simulated user"
            ) from None
        self.replies.append(reply)
        return validate_reply(request, reply)

    async def next_action(self, events: Sequence[Event], cue: Cue) -> CallerAction:
        """Check the stop rules, then ask the persona model what the user does next."""
        if self._hang_up_next:
            return HangUp()
        stop = self._stop(events, cue)
        if stop is not None:
            return stop
        reply = await self._ask(events)
        self._mark = len(events)
        text = (reply.text or "").strip()
        for call in reply.tool_calls:
            if call.name == PRESS_TOOL.name:
                digits = call.arguments.get("digits")
                try:
                    return Press(str(digits))
                except InvalidArgument as err:
                    raise InvalidModelReply(str(err), where="the simulated user") from None
            if call.name == END_TOOL.name:
                if not text:
                    return HangUp()
                self._hang_up_next = True
        if not text:  # validate_reply lets no reply through without text or a tool call
            raise InvalidModelReply("the persona model answered no words and no action", where="the simulated user")
        if self._repeats(events, text):
            return EndAsError(f"the simulated user repeated itself {self.repeat_limit} times: {text!r}")
        return Say(text)
