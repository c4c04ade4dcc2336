"""Whole-conversation facts: status, ``disconnection_reason``, timestamps, collected variables.

* ``disconnection_reason`` is the :class:`~retell_dsl.sim.events.Ended` event's reason; a log
  that stopped at an :class:`~retell_dsl.sim.events.EngineFailed` without an ``Ended`` reports the
  failure's reason; a log still going reports ``None``.
* ``call_status``: ``ongoing`` until the end, ``not_connected`` when the reason is one of
  :data:`NOT_CONNECTED_REASONS` (the call never reached anyone), ``error`` when the reason is an
  ``error_…`` one (the engine or a model failed), ``ended`` otherwise. A chat's ``chat_status`` is
  ``ongoing``, ``error`` (same rule) or ``ended``.
* ``start_timestamp`` is given (ms since the epoch, from the engine's clock); ``end_timestamp``
  is it plus the end's ``at_ms``; ``duration_ms`` their difference.
* ``collected_dynamic_variables``: the starting variables with every ``VariablesSet`` folded in,
  in order (later values win; values are strings, as Retell's are).

>>> from retell_dsl.sim.events import Ended, Utterance, VariablesSet
>>> log = [Utterance(at_ms=0, role="agent", content="Hi"),
...        VariablesSet(at_ms=10, values={"city": "Paris"}), Ended(at_ms=4000, reason="agent_hangup")]
>>> disconnection_reason(log), call_status(log), timestamps(log, start_timestamp=1_700_000_000_000)
('agent_hangup', 'ended', {'start_timestamp': 1700000000000, 'end_timestamp': 1700000004000, 'duration_ms': 4000})
>>> collected_dynamic_variables(log, {"name": "Ann"})
{'name': 'Ann', 'city': 'Paris'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from retell_dsl.sim.events import Ended, EngineFailed, Event, TransferAttempted, Utterance, VariablesSet

__all__ = [
    "NOT_CONNECTED_REASONS",
    "call_status",
    "chat_status",
    "collected_dynamic_variables",
    "disconnection_reason",
    "end_ms",
    "is_connected",
    "timestamps",
    "transfer_destination",
]

#: Reasons a call ends without ever reaching anyone (Retell's dial failures and joins that never happened).
NOT_CONNECTED_REASONS = frozenset(
    {
        "dial_busy",
        "dial_failed",
        "dial_no_answer",
        "invalid_destination",
        "telephony_provider_permission_denied",
        "telephony_provider_unavailable",
        "sip_routing_error",
        "marked_as_spam",
        "network_blocked",
        "user_declined",
        "concurrency_limit_reached",
        "no_concurrency_fallback",
        "no_valid_payment",
        "credit_exhausted",
        "budget_reached",
        "scam_detected",
        "error_user_not_joined",
        "registered_call_timeout",
    }
)


def _ended(events: Sequence[Event]) -> Ended | None:
    return next((e for e in reversed(events) if isinstance(e, Ended)), None)


def _failed(events: Sequence[Event]) -> EngineFailed | None:
    return next((e for e in reversed(events) if isinstance(e, EngineFailed)), None)


def disconnection_reason(events: Iterable[Event]) -> str | None:
    """Why the conversation ended (``None`` while it goes on).

    >>> from retell_dsl.sim.events import EngineFailed
    >>> disconnection_reason([EngineFailed(at_ms=5, message="no model", reason="error_llm_websocket_open")])
    'error_llm_websocket_open'
    """
    log = tuple(events)
    ended = _ended(log)
    if ended is not None:
        return ended.reason
    failed = _failed(log)
    return failed.reason if failed is not None else None


def end_ms(events: Iterable[Event]) -> int | None:
    """When the conversation ended, in ms since its start (``None`` while it goes on)."""
    log = tuple(events)
    ended = _ended(log) or _failed(log)
    return ended.at_ms if ended is not None else None


def call_status(events: Iterable[Event]) -> Literal["ongoing", "ended", "not_connected", "error"]:
    """The call's ``call_status`` after these events.

    >>> from retell_dsl.sim.events import Ended
    >>> call_status([]), call_status([Ended(at_ms=0, reason="dial_no_answer")])
    ('ongoing', 'not_connected')
    """
    reason = disconnection_reason(events)
    if reason is None:
        return "ongoing"
    if reason in NOT_CONNECTED_REASONS:
        return "not_connected"
    return "error" if reason.startswith("error_") else "ended"


def chat_status(events: Iterable[Event]) -> Literal["ongoing", "ended", "error"]:
    """The chat's ``chat_status`` after these events.

    >>> from retell_dsl.sim.events import EngineFailed
    >>> chat_status([EngineFailed(at_ms=0, message="boom")])
    'error'
    """
    reason = disconnection_reason(events)
    if reason is None:
        return "ongoing"
    return "error" if reason.startswith("error_") else "ended"


def is_connected(events: Iterable[Event]) -> bool:
    """Whether anyone spoke and the call did not end as never connected (analysis needs both).

    >>> from retell_dsl.sim.events import Ended, Utterance
    >>> is_connected([Ended(at_ms=0, reason="dial_busy")])
    False
    >>> is_connected([Utterance(at_ms=0, role="user", content="Hi")])
    True
    """
    log = tuple(events)
    if disconnection_reason(log) in NOT_CONNECTED_REASONS:
        return False
    return any(isinstance(e, Utterance) and e.content.strip() for e in log)


def timestamps(events: Iterable[Event], *, start_timestamp: int) -> dict[str, int]:
    """``start_timestamp``, and once ended ``end_timestamp`` and ``duration_ms``.

    >>> timestamps([], start_timestamp=5)
    {'start_timestamp': 5}
    """
    out = {"start_timestamp": start_timestamp}
    end = end_ms(events)
    if end is not None:
        out["end_timestamp"] = start_timestamp + end
        out["duration_ms"] = end
    return out


def collected_dynamic_variables(events: Iterable[Event], starting: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The final dynamic variables: ``starting`` with every ``VariablesSet`` applied in order.

    >>> from retell_dsl.sim.events import VariablesSet
    >>> collected_dynamic_variables([VariablesSet(at_ms=0, values={"n": "1"}),
    ...                              VariablesSet(at_ms=1, values={"n": "2"})])
    {'n': '2'}
    """
    variables = {str(k): str(v) for k, v in (starting or {}).items()}
    for event in events:
        if isinstance(event, VariablesSet):
            variables.update({str(k): str(v) for k, v in event.values.items()})
    return variables


def transfer_destination(events: Iterable[Event]) -> str | None:
    """Where a successful transfer went, when the call ended by ``call_transfer`` (else ``None``).

    >>> from retell_dsl.sim.events import Ended, TransferAttempted
    >>> transfer_destination([TransferAttempted(at_ms=0, destination="+14155550100"),
    ...                       Ended(at_ms=1, reason="call_transfer")])
    '+14155550100'
    """
    log = tuple(events)
    if disconnection_reason(log) != "call_transfer":
        return None
    done = [e for e in log if isinstance(e, TransferAttempted) and e.successful]
    return done[-1].destination if done else None
