"""What a session is given besides the engine: call facts, a clock, bounds, where to start.

>>> clock = ManualClock(start_ms=1_700_000_000_000)
>>> clock.advance(1500)
>>> clock.now_ms() - 1_700_000_000_000
1500
>>> CallFacts(session_type="chat").call_type
'chat'
>>> Limits().max_transitions
50
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from retell_dsl.errors import InvalidArgument

__all__ = ["CallFacts", "Clock", "Limits", "ManualClock", "StartAt", "SystemClock", "WarmTransfer"]

SessionType = Literal["voice", "chat"]
TransferAction = Literal["bridge_transfer", "cancel_transfer"]


class Clock(Protocol):
    """The engine's time source: milliseconds since the Unix epoch (UTC)."""

    def now_ms(self) -> int:
        """The current time."""
        ...


class SystemClock:
    """The wall clock.

    >>> SystemClock().now_ms() > 1_600_000_000_000
    True
    """

    def now_ms(self) -> int:
        """The current wall-clock time."""
        return int(time.time() * 1000)


class ManualClock:
    """A clock that moves only when told (tests, reproducible logs); ``silence(ms)`` advances it.

    >>> ManualClock(start_ms=5).now_ms()
    5
    """

    def __init__(self, start_ms: int = 1_711_694_760_000) -> None:
        self._now = start_ms

    def __repr__(self) -> str:
        return f"ManualClock(start_ms={self._now})"

    def now_ms(self) -> int:
        """The time set so far."""
        return self._now

    def advance(self, ms: int) -> None:
        """Move the clock ``ms`` milliseconds forward."""
        if ms < 0:
            raise InvalidArgument(f"a clock cannot go back; got {ms} ms")
        self._now += ms


@dataclass(frozen=True, slots=True, kw_only=True)
class WarmTransfer:
    """The session is the transfer agent's leg of an agentic warm transfer: a transfer is in progress.

    The "user" of such a session is the transfer target (the person the caller is being
    transferred to) while the original caller waits on hold. The transfer agent decides with a
    ``bridge_transfer`` / ``cancel_transfer`` node or tool; with no decision within
    ``timeout_ms`` of conversation time, ``action_on_timeout`` is taken (Retell's
    ``agentic_transfer_config`` defaults: 30 000 ms, ``cancel_transfer``).

    >>> WarmTransfer.from_config({"transfer_timeout_ms": 20000, "action_on_timeout": "bridge_transfer"})
    WarmTransfer(timeout_ms=20000, action_on_timeout='bridge_transfer', original_call_id=None)
    >>> WarmTransfer(timeout_ms=0)
    Traceback (most recent call last):
    ...
    retell_dsl.InvalidArgument: WarmTransfer.timeout_ms must be a positive number of milliseconds, got 0
    """

    timeout_ms: int = 30_000
    action_on_timeout: TransferAction = "cancel_transfer"
    original_call_id: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.timeout_ms, bool) or not isinstance(self.timeout_ms, int) or self.timeout_ms <= 0:
            raise InvalidArgument(
                f"WarmTransfer.timeout_ms must be a positive number of milliseconds, got {self.timeout_ms!r}"
            )
        if self.action_on_timeout not in ("bridge_transfer", "cancel_transfer"):
            raise InvalidArgument(
                "WarmTransfer.action_on_timeout must be 'bridge_transfer' or 'cancel_transfer', "
                f"got {self.action_on_timeout!r}"
            )

    @classmethod
    def from_config(cls, config: Mapping[str, object] | None, original_call_id: str | None = None) -> WarmTransfer:
        """From the wire ``agentic_transfer_config`` of the main agent's transfer option."""
        config = config or {}
        timeout = config.get("transfer_timeout_ms")
        action = config.get("action_on_timeout")
        return cls(
            timeout_ms=int(timeout) if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) else 30_000,
            action_on_timeout="bridge_transfer" if action == "bridge_transfer" else "cancel_transfer",
            original_call_id=original_call_id,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFacts:
    """Facts of the call or chat that system variables and built-in tools read.

    ``call_type`` is Retell's (``phone_call``, ``web_call``; ``chat`` for chats); transfers and
    SMS to the caller need a phone call. ``warm_transfer`` makes the session the transfer agent's
    leg of an agentic warm transfer (see :class:`WarmTransfer`). ``user_number`` is the caller's number: ``from_number``
    on an inbound call, ``to_number`` on an outbound one.

    >>> CallFacts(call_type="phone_call", direction="outbound", from_number="+1", to_number="+2").user_number
    '+2'
    """

    session_type: SessionType = "voice"
    call_type: str = ""
    call_id: str = "call_local"
    agent_id: str = ""
    agent_version: int | None = None
    direction: Literal["inbound", "outbound"] = "inbound"
    from_number: str | None = None
    to_number: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)
    #: set when this session is the transfer agent's leg of an agentic warm transfer
    warm_transfer: WarmTransfer | None = None

    def __post_init__(self) -> None:
        if self.session_type not in ("voice", "chat"):
            raise InvalidArgument(f"session_type must be 'voice' or 'chat', got {self.session_type!r}")
        if self.warm_transfer is not None and self.session_type != "voice":
            raise InvalidArgument(
                "a warm transfer's transfer agent talks on a call: warm_transfer needs a voice session"
            )
        if not self.call_type:
            object.__setattr__(self, "call_type", "chat" if self.session_type == "chat" else "web_call")

    @property
    def is_phone_call(self) -> bool:
        """Whether this is a phone call (transfers and digit presses need one)."""
        return self.session_type == "voice" and self.call_type == "phone_call"

    @property
    def user_number(self) -> str | None:
        """The customer's number, if the session has one."""
        return self.to_number if self.direction == "outbound" else self.from_number

    @property
    def agent_number(self) -> str | None:
        """The agent's number, if the session has one."""
        return self.from_number if self.direction == "outbound" else self.to_number


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Every bound of a session (no wait is unbounded).

    ``max_transitions``: node or state changes without a user turn in between before the engine
    calls it a loop; ``max_steps``: model calls of one agent turn (reply, tool call, reply…);
    ``model_timeout_s``: one model call; ``turn_timeout_s``: one whole API call
    (``start``/``user_says``/…), tools and models included.

    >>> Limits(max_steps=0)
    Traceback (most recent call last):
    ...
    retell_dsl.InvalidArgument: Limits.max_steps must be at least 1, got 0
    """

    max_transitions: int = 50
    max_steps: int = 10
    model_timeout_s: float = 60.0
    turn_timeout_s: float = 300.0

    def __post_init__(self) -> None:
        for name in ("max_transitions", "max_steps", "model_timeout_s", "turn_timeout_s"):
            value = getattr(self, name)
            if not value >= 1 if name.startswith("max") else not value > 0:
                bound = "at least 1" if name.startswith("max") else "positive"
                raise InvalidArgument(f"Limits.{name} must be {bound}, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class StartAt:
    """A resume point: a flow node (and the component it sits in) or a Retell LLM state.

    ``waiting``: the conversation stands at the node and the user speaks next (a resumed chat or
    playground turn), so the node is not run on start; by default a resumed node runs (speaks).
    A Retell LLM resumed at a state always waits for the user.

    >>> StartAt(node_id="book").state is None
    True
    """

    node_id: str | None = None
    component_id: str | None = None
    state: str | None = None
    waiting: bool = False
