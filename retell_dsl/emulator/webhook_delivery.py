"""Webhook delivery: signed HTTP POSTs with Retell's timeout and three retries (retell-runtime.md §6).

:func:`deliver` posts one body to one URL with ``content-type: application/json`` and
``x-retell-signature`` (:func:`retell_dsl.wire.signature.sign` with the API key, stamped
with the real time as Retell does, so ``retell.lib.verify`` accepts it). A delivery that
gets no 2xx within ``timeout_ms`` is retried up to :data:`RETRIES` times, then given up;
nothing raises. The emulator runs deliveries on a background pool, one lane per call, so
a call's events arrive in order and a slow receiver never blocks the API.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx

from retell_dsl.wire.signature import SIGNATURE_HEADER, sign

__all__ = ["RETRIES", "Delivery", "deliver"]

#: How many times a delivery without a 2xx is retried.
RETRIES = 3
_BACKOFF_S = 0.05


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one webhook: ``statuses`` per attempt (``None``: timeout or connection error)."""

    event: str
    call_id: str
    url: str
    statuses: tuple[int | None, ...]
    delivered: bool
    error: str | None = None

    @property
    def attempts(self) -> int:
        return len(self.statuses)


def _event_of(body: bytes) -> str:
    try:
        return str(json.loads(body).get("event", ""))
    except (ValueError, AttributeError):
        return ""


def deliver(call_id: str, url: str, body: bytes, timeout_ms: int, api_key: str) -> Delivery:
    """POST ``body`` to ``url`` until a 2xx answers, at most ``1 + RETRIES`` times; never raises."""
    statuses: list[int | None] = []
    error: str | None = None
    timeout = httpx.Timeout(max(timeout_ms, 1) / 1000)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as http:
        for attempt in range(1 + RETRIES):
            if attempt:
                time.sleep(_BACKOFF_S * attempt)
            headers = {"content-type": "application/json", SIGNATURE_HEADER: sign(body, api_key)}
            try:
                status = http.post(url, content=body, headers=headers).status_code
            except (httpx.HTTPError, ValueError) as exc:  # timeouts, refused connections, bad URLs
                statuses.append(None)
                error = f"{type(exc).__name__}: {exc}"
                continue
            statuses.append(status)
            if 200 <= status < 300:
                return Delivery(_event_of(body), call_id, url, tuple(statuses), True)
            error = f"HTTP {status}"
    return Delivery(_event_of(body), call_id, url, tuple(statuses), False, error)
