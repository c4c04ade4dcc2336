"""Fault injection: added latency, error responses (429 with retry-after, 500) and dropped connections.

Rules match route names (``"POST /create-agent"``) with shell-style globs. Decisions
come from a seeded random source, so a run with the same seed fails the same way.

>>> f = Faults(seed=1)
>>> f.add("GET /get-agent/*", latency_ms=50)
>>> f.decide("GET /get-agent/{agent_id}").latency_s
0.05
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

__all__ = ["FaultDecision", "FaultRule", "Faults"]


@dataclass(frozen=True, slots=True)
class FaultRule:
    route: str = "*"
    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (429, 500)
    drop_rate: float = 0.0
    retry_after_s: float = 0.0
    #: Apply to this many matching requests only (``None``: forever).
    times: int | None = None
    #: Handle the request, then drop the connection: the change happened but the client never hears.
    lose_response_rate: float = 0.0


@dataclass(frozen=True, slots=True)
class FaultDecision:
    latency_s: float = 0.0
    error_status: int | None = None
    retry_after_s: float = 0.0
    drop: bool = False
    lose_response: bool = False


class Faults:
    """A mutable set of fault rules shared by an emulator's transports."""

    def __init__(self, seed: int | str = 0) -> None:
        self._rules: list[FaultRule] = []
        self._uses: list[int] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def add(
        self,
        route: str = "*",
        *,
        latency_ms: float = 0.0,
        error_rate: float = 0.0,
        error_statuses: tuple[int, ...] = (429, 500),
        drop_rate: float = 0.0,
        retry_after_s: float = 0.0,
        times: int | None = None,
        lose_response_rate: float = 0.0,
    ) -> None:
        """Add a rule; every matching rule applies (latencies add up, the first failure wins).

        ``times`` limits the rule to the next N matching requests, for deterministic tests.
        """
        rates = (("error_rate", error_rate), ("drop_rate", drop_rate), ("lose_response_rate", lose_response_rate))
        for name, rate in rates:
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate}")
        with self._lock:
            self._rules.append(
                FaultRule(
                    route,
                    latency_ms,
                    error_rate,
                    tuple(error_statuses),
                    drop_rate,
                    retry_after_s,
                    times,
                    lose_response_rate,
                )
            )
            self._uses.append(0)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._uses.clear()

    def decide(self, route_name: str) -> FaultDecision:
        with self._lock:
            latency = 0.0
            for i, rule in enumerate(self._rules):
                if not fnmatch.fnmatchcase(route_name, rule.route):
                    continue
                if rule.times is not None:
                    if self._uses[i] >= rule.times:
                        continue
                    self._uses[i] += 1
                latency += rule.latency_ms / 1000
                if rule.drop_rate and self._rng.random() < rule.drop_rate:
                    return FaultDecision(latency_s=latency, drop=True)
                if rule.error_rate and self._rng.random() < rule.error_rate:
                    status = self._rng.choice(rule.error_statuses)
                    return FaultDecision(latency, status, rule.retry_after_s)
                if rule.lose_response_rate and self._rng.random() < rule.lose_response_rate:
                    return FaultDecision(latency_s=latency, lose_response=True)
            return FaultDecision(latency_s=latency)
