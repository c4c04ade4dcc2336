"""Which webhook a call event becomes: target, subscription and body (retell-runtime.md §6, retell-api.md §10).

The agent configuration a call runs with (``_agent_config``) names the ``webhook_url``
(else the account's, ``config.webhook_url``), the ``webhook_events`` it subscribes to
(default ``call_started``, ``call_ended``, ``call_analyzed``) and ``webhook_timeout_ms``
(default 10 000). :func:`emit` renders the body, ``{"event": ..., "call": {...}}`` as the
exact bytes to sign and send, and hands it to ``state.post_webhook`` (the emulator's
background delivery, which signs with ``x-retell-signature`` and retries); with no URL,
no subscription or no delivery configured it does nothing. Bodies follow Retell:
``call_started`` carries the call without transcripts, ``call_ended`` the call without
``call_analysis``, ``call_analyzed`` the whole call; the ``transfer_*`` events add
``transfer_destination``.

>>> call = {"call_id": "call_1", "call_status": "ended", "call_analysis": {"call_successful": True},
...         "_agent_config": {"webhook_url": "http://hooks.invalid/x"}}
>>> webhook_target(call, None)
('http://hooks.invalid/x', ('call_started', 'call_ended', 'call_analyzed'), 10000)
>>> webhook_body("call_ended", call)
b'{"event":"call_ended","call":{"call_id":"call_1","call_status":"ended"}}'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.calls import TRANSCRIPT_FIELDS
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "CALL_EVENTS",
    "DEFAULT_EVENTS",
    "DEFAULT_TIMEOUT_MS",
    "TRANSFER_EVENTS",
    "emit",
    "emit_end",
    "webhook_body",
    "webhook_target",
]

#: Every voice event a webhook can subscribe to.
CALL_EVENTS = (
    "call_started",
    "call_ended",
    "call_analyzed",
    "transcript_updated",
    "transfer_started",
    "transfer_bridged",
    "transfer_cancelled",
    "transfer_ended",
)
#: What an agent without ``webhook_events`` receives.
DEFAULT_EVENTS = ("call_started", "call_ended", "call_analyzed")
#: Sent, in this order, before ``call_ended`` when a call ends by ``call_transfer``.
TRANSFER_EVENTS = ("transfer_started", "transfer_bridged", "transfer_ended")
DEFAULT_TIMEOUT_MS = 10_000


def webhook_target(call: Mapping[str, Any], account_url: str | None) -> tuple[str | None, tuple[str, ...], int]:
    """``(url, subscribed events, timeout_ms)`` for a call: the agent's URL overrides the account's."""
    config = call.get("_agent_config") or {}
    url = config.get("webhook_url") or account_url or None
    events = config.get("webhook_events")
    subscribed = tuple(str(e) for e in events) if isinstance(events, list) else DEFAULT_EVENTS
    timeout = config.get("webhook_timeout_ms")
    timeout_ms = int(timeout) if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0 else None
    return (str(url) if url else None), subscribed, timeout_ms or DEFAULT_TIMEOUT_MS


def webhook_body(event: str, call: Mapping[str, Any]) -> bytes:
    """The exact bytes posted for ``event`` (compact JSON, UTF-8)."""
    public = strip_private(dict(call))
    if event == "call_started":
        public = {k: v for k, v in public.items() if k not in TRANSCRIPT_FIELDS and k != "call_analysis"}
    elif event != "call_analyzed":
        public.pop("call_analysis", None)
    body = {"event": event, "call": public}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def emit(state: State, event: str, call: Document) -> None:
    """Queue ``event`` for ``call`` when its webhook subscribes to it (never blocks, never raises on delivery)."""
    post = state.post_webhook
    if post is None:
        return
    url, subscribed, timeout_ms = webhook_target(call, state.config.webhook_url)
    if url is None or event not in subscribed:
        return
    post(str(call.get("call_id", "")), url, webhook_body(event, call), timeout_ms)


def emit_end(state: State, call: Document) -> None:
    """What a call that stopped sends: the transfer events (after a transfer), a final transcript, end, analysis."""
    if call.get("disconnection_reason") == "call_transfer":
        for event in TRANSFER_EVENTS:
            emit(state, event, call)
    if call.get("start_timestamp") is not None:
        emit(state, "transcript_updated", call)
    emit(state, "call_ended", call)
    emit(state, "call_analyzed", call)
