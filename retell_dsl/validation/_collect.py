"""The issue collector shared by every rule module."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from retell_dsl.builders.base import Spec
from retell_dsl.validation.issues import CODES, Issue, Severity
from retell_dsl.wire.names import TOOL_NAME

__all__ = ["TOOL_NAME", "Collector", "did_you_mean"]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A 'did you mean ...?' phrase, or ''."""
    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f"did you mean {match[0]!r}? " if match else ""


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
