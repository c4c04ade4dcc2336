"""The issue collector shared by every rule module."""

from __future__ import annotations

from collections.abc import Iterable

from retell_dsl.builders.base import Spec
from retell_dsl.validation.issues import CODES, Issue, Severity
from retell_dsl.wire.hints import did_you_mean
from retell_dsl.wire.names import TOOL_NAME

__all__ = ["TOOL_NAME", "Collector", "near_hint"]


def near_hint(name: object, candidates: Iterable[str], advice: str) -> str:
    """``"did you mean 'x'? <advice>"`` (case-sensitive, :func:`~retell_dsl.wire.hints.did_you_mean`), or ``advice``."""
    phrase = did_you_mean(name, candidates)
    return f"{phrase} {advice}" if phrase else advice


class Collector:
    """Accumulates issues; never raises."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(
        self,
        code: str,
        where: str,
        message: str,
        *,
        at: Spec | None = None,
        hint: str = "",
        severity: Severity | None = None,
    ) -> None:
        """Record one issue; ``at`` is the spec value whose file:line is reported."""
        self.issues.append(
            Issue(
                code=code,
                severity=severity or CODES[code][0],
                path=where,
                message=message,
                hint=hint.strip(),
                source=at.source if at is not None else None,
            )
        )
