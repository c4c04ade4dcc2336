"""Clocks and deterministic ids, injectable so snapshots and tests are stable."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Protocol

__all__ = ["Clock", "IdFactory", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Something that tells the time in integer milliseconds since the epoch."""

    def now_ms(self) -> int: ...


class SystemClock:
    """The real time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class ManualClock:
    """A clock that only moves when told to.

    >>> c = ManualClock(1_700_000_000_000)
    >>> c.advance(1500); c.now_ms()
    1700000001500
    """

    def __init__(self, start_ms: int = 1_735_689_600_000) -> None:  # 2025-01-01T00:00:00Z
        self._now = start_ms
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._now

    def advance(self, ms: int) -> None:
        with self._lock:
            self._now += ms


# Hex lengths of Retell's real id formats (retell-api.md §2.1).
_ID_SHAPES: dict[str, tuple[str, int]] = {
    "agent": ("agent_", 26),
    "llm": ("llm_", 28),
    "conversation_flow": ("conversation_flow_", 12),
    "component": ("conversation_flow_component_", 12),
    "knowledge_base": ("knowledge_base_", 16),
    "source": ("source_", 16),
    "call": ("call_", 27),
    "chat": ("chat_", 27),
    "batch_call": ("batch_call_", 21),
    "test_case_definition": ("test_case_definition_", 16),
    "batch_test": ("test_case_batch_job_", 16),
    "test_run": ("test_case_job_", 16),
    "access_token": ("eyJ", 40),
    "org": ("org_", 16),
}


class IdFactory:
    """Makes ids in Retell's formats from a seed and a counter: same seed, same ids.

    >>> f = IdFactory("seed")
    >>> a = f.new("agent", 1); a.startswith("agent_") and len(a) == len("agent_") + 26
    True
    >>> a == IdFactory("seed").new("agent", 1)
    True
    """

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def new(self, kind: str, counter: int) -> str:
        prefix, length = _ID_SHAPES[kind]
        digest = hashlib.sha256(f"{self.seed}:{kind}:{counter}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha256(digest.encode()).hexdigest()
        return prefix + digest[:length]
