"""The deploy layer's door to Retell: raw JSON requests through the official SDK client, with retries.

Idempotent requests (GET, PATCH, DELETE) are retried on 429, 5xx and dropped connections with
exponential backoff that honours ``retry-after``/``retry-after-ms``. A create (POST) is retried
only on 429, when nothing was created; after a 5xx or a dropped connection the object may or may
not exist, so :class:`AmbiguousCreate` is raised and the caller looks for it before trying again.

Test hook (for crash tests, never set in real use): ``RETELL_DSL_TEST_KILL_BEFORE=N`` makes the
process SIGKILL itself just before sending its Nth request (counted over the whole process, every
attempt counts), ``RETELL_DSL_TEST_KILL_AFTER=N`` just after the Nth request got its answer — the
request was made, but the caller never recorded the outcome.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from retell_dsl.errors import RetellDSLError

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["KILL_AFTER_ENV", "KILL_BEFORE_ENV", "AmbiguousCreate", "ApiRefused", "Gateway"]

KILL_BEFORE_ENV = "RETELL_DSL_TEST_KILL_BEFORE"
KILL_AFTER_ENV = "RETELL_DSL_TEST_KILL_AFTER"
_calls_lock = threading.Lock()
_calls: dict[int, int] = {}  # pid → requests so far (a forked child starts from zero)


def _next_call() -> int:
    """Number this process's requests: the crash hook's "Nth remote call"."""
    with _calls_lock:
        pid = os.getpid()
        _calls[pid] = _calls.get(pid, 0) + 1
        return _calls[pid]


def _kill_point(variable: str, call: int) -> None:
    """The crash-test hook (see the module docstring): SIGKILL this process at the chosen call."""
    raw = os.environ.get(variable)
    if raw and raw.isdigit() and int(raw) == call:
        os.kill(os.getpid(), signal.SIGKILL)


class ApiRefused(RetellDSLError):
    """Retell answered a 4xx: the message names the resource and, where Retell says it, the field."""

    def __init__(self, what: str, status: int, message: str) -> None:
        self.what = what
        self.status = status
        self.api_message = message
        super().__init__(f"{what}: Retell refused the request ({status}): {message}")


class AmbiguousCreate(RetellDSLError):
    """A create failed in a way that does not tell whether the object was created."""


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        return str(body["message"])
    return str(exc)


def _retry_after(exc: Any) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is not None:
            try:
                return max(0.0, float(raw) * scale)
            except ValueError:
                return None
    return None


class Gateway:
    """Counts requests, retries what is safe to retry, and turns API errors into :class:`ApiRefused`."""

    def __init__(
        self,
        client: Retell,
        *,
        attempts: int = 8,
        base_delay_s: float = 0.05,
        max_delay_s: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client.with_options(max_retries=0)
        self.attempts = attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.sleep = sleep
        self._lock = threading.Lock()
        self.requests = 0
        self._rng = random.Random(0)

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _backoff(self, attempt: int, hint: float | None) -> None:
        if hint is not None and hint <= 60:
            delay = hint
        else:
            with self._lock:
                jitter = self._rng.uniform(0.5, 1.0)
            delay = min(self.max_delay_s, self.base_delay_s * 2**attempt) * jitter
        self.sleep(delay)

    def request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        missing_ok: bool = False,
        is_create: bool = False,
        send: Callable[[], Any] | None = None,
    ) -> Any:
        """Send one request; returns parsed JSON (``None`` for empty bodies or a tolerated 404/422).

        ``is_create`` marks a request that makes a new object, so it is never blindly retried;
        ``send`` replaces the generic request (for multipart uploads through the typed SDK method).
        """
        import retell

        creates = is_create
        for attempt in range(self.attempts):
            self._count()
            call = _next_call()
            _kill_point(KILL_BEFORE_ENV, call)
            try:
                try:
                    return self._send(method, path, body, query, send)
                finally:
                    _kill_point(KILL_AFTER_ENV, call)
            except retell.APIStatusError as exc:
                status = exc.status_code
                if status in (404, 422) and missing_ok:
                    return None
                retryable = status == 429 or status >= 500
                if not retryable:
                    raise ApiRefused(what, status, _message(exc)) from None
                if creates and status != 429:
                    raise AmbiguousCreate(f"{what}: create failed with {status}; it may have happened") from exc
                if attempt == self.attempts - 1:
                    raise ApiRefused(what, status, _message(exc)) from None
                self._backoff(attempt, _retry_after(exc))
            except retell.APIConnectionError as exc:
                if creates:
                    raise AmbiguousCreate(f"{what}: the connection failed during the create") from exc
                if attempt == self.attempts - 1:
                    raise ApiRefused(what, 0, f"connection failed: {exc}") from None
                self._backoff(attempt, None)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        send: Callable[[], Any] | None,
    ) -> Any:
        import httpx

        if send is not None:
            return send()
        options: Any = {"params": dict(query)} if query else {}
        if method == "GET":
            return self.client.get(path, cast_to=object, options=options)
        if method == "DELETE":
            self.client.delete(path, cast_to=httpx.Response, options=options)
            return None
        caller = self.client.post if method == "POST" else self.client.patch
        return caller(path, cast_to=object, body=dict(body or {}), options=options)
