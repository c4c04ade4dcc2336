"""The emulator core: a synchronous function from request to response.

Order of work for each request: refuse an oversized body (413), authenticate (401; an
unauthenticated request never reaches the fault rules, so it cannot use up an injected
fault), route, apply injected faults, then run the handler inside one store transaction.
Every failure becomes a Retell-shaped body; an unexpected exception is logged and answered
with a generic 500 (never a traceback).
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
from dataclasses import dataclass

from retell_dsl.emulator.body import body_limit, too_large
from retell_dsl.emulator.domain.tolerance import WARNING_HEADER, tolerating, warning_header
from retell_dsl.emulator.errors import ApiError, not_implemented
from retell_dsl.emulator.faults import FaultDecision, Faults
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.router import Route, Router
from retell_dsl.emulator.state import State

__all__ = ["Core", "Outcome", "error_response"]

log = logging.getLogger("retell_dsl.emulator")

_FAULT_MESSAGES = {
    429: "Account rate limited, please throttle your requests.",
    500: "An unexpected server error occurred.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable.",
}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> EmuResponse:
    """Retell's error body, ``{"status": "error", "message": ...}``."""
    return json_response(status, {"status": "error", "message": message}, headers)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a transport must do: wait ``latency_s``, then answer ``response`` or drop the connection."""

    response: EmuResponse
    latency_s: float = 0.0
    drop: bool = False


class Core:
    def __init__(self, state: State, router: Router, api_key: str, faults: Faults) -> None:
        self.state = state
        self.router = router
        self.api_key = api_key
        self.faults = faults

    def handle(self, req: EmuRequest) -> Outcome:
        limit = body_limit(req.header("content-type"))
        if len(req.body) > limit:
            err = too_large(limit, len(req.body))
            return Outcome(error_response(err.status, err.message))
        if not self._authorized(req):
            return Outcome(error_response(401, "API key is missing or invalid."))
        match = self.router.match(req.method, req.path)
        route_name = match[0].name if match else f"{req.method} {req.path}"
        decision = self.faults.decide(route_name)
        if decision.drop:
            return Outcome(EmuResponse(0), decision.latency_s, drop=True)
        if decision.error_status is not None:
            return Outcome(self._fault_response(decision), decision.latency_s)
        response = self._answer(req, match)
        if decision.lose_response:
            return Outcome(response, decision.latency_s, drop=True)
        return Outcome(response, decision.latency_s)

    def _fault_response(self, decision: FaultDecision) -> EmuResponse:
        status = decision.error_status or 500
        headers = {"retry-after": f"{decision.retry_after_s:g}"} if status == 429 else {}
        return error_response(status, _FAULT_MESSAGES.get(status, "Injected fault."), headers)

    def _answer(self, req: EmuRequest, match: tuple[Route, dict[str, str]] | None) -> EmuResponse:
        if match is None:
            err = not_implemented(req.method, req.path)
            return error_response(err.status, err.message)
        route, params = match
        try:
            with tolerating() as seen, self.state.store.transaction():
                response = route.handler(self.state, req, params)
            if seen:
                response = dataclasses.replace(
                    response, headers={**response.headers, WARNING_HEADER: warning_header(seen)}
                )
            return response
        except ApiError as err:
            return error_response(err.status, err.message, err.headers)
        except Exception:
            log.exception("emulator bug while handling %s %s", req.method, req.path)
            return error_response(500, _FAULT_MESSAGES[500])

    def _authorized(self, req: EmuRequest) -> bool:
        """Exactly ``Bearer <key>`` (the scheme in any case, one space, no padding, one header)."""
        header = req.header("authorization")
        if header is None:
            return False
        scheme, space, token = header.partition(" ")
        if not space or scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(token.encode("utf-8", "replace"), self.api_key.encode("utf-8", "replace"))
