# ruff: noqa: RUF001, RUF002
"""Lint issues: a stable code, a severity, a path, the user's file:line, and a fix.

>>> from retell_dsl.builders.base import SourceLocation
>>> issue = Issue(code="RD102", severity="error", path="flow 'booking' › node 'greet' › edge[0]",
...               message="edge points to unknown node 'confrim'", hint="did you mean 'confirm'?",
...               source=SourceLocation("booking.py", 12))
>>> print(issue)
booking.py:12: error RD102 flow 'booking' › node 'greet' › edge[0]: edge points to unknown node 'confrim'
    fix: did you mean 'confirm'?
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, overload

from retell_dsl.builders.base import SourceLocation
from retell_dsl.errors import count

__all__ = ["CODES", "Issue", "Issues", "Severity", "path"]

Severity = Literal["error", "warning"]

CODES: dict[str, tuple[Severity, str]] = {
    "RD001": ("error", "payload does not match the Retell API schema"),
    "RD002": ("warning", "field or value retell-sdk does not know (Retell accepts it)"),
    "RD101": ("error", "duplicate name"),
    "RD102": ("error", "edge to an unknown node or state"),
    "RD103": ("warning", "unreachable node or state"),
    "RD104": ("warning", "dead end: a non-terminal node with no way out (the call stays there)"),
    "RD105": ("warning", "no path from the start to an end or a transfer (Retell runs it anyway)"),
    "RD106": ("error", "missing or unknown start node / starting state"),
    "RD107": ("error", "special edge misused"),
    "RD108": ("error", "malformed equation"),
    "RD109": ("error", "node names an undefined tool"),
    "RD110": ("error", "reference to an undefined component or MCP server"),
    "RD111": ("warning", "draft node: fails when the call reaches it"),
    "RD201": ("error", "duplicate tool name"),
    "RD202": ("error", "invalid tool name"),
    "RD301": ("error", "runtime variable used but never provided"),
    "RD401": ("error", "invalid E.164 phone number"),
    "RD402": ("error", "value out of range"),
    "RD403": ("error", "invalid chunk sizes"),
    "RD404": ("error", "agent weights do not sum to 1"),
    "RD405": ("error", "name too long"),
    "RD406": ("error", "value is not one of the allowed values"),
    "RD410": ("error", "unknown voice id (a near miss of a known voice, or no provider's form)"),
    "RD411": ("warning", "voice id lint cannot know (a custom voice, or one not in the catalogue)"),
    "RD412": ("error", "unknown language locale"),
    "RD501": ("warning", "prompt over the size budget"),
    "RD601": ("error", "two different resources share one address"),
    "RD602": ("warning", "reference cycle between resources"),
    # raised at construction (InvalidArgument / InvalidSpec with file:line), never collected by validate()
    "RD701": ("error", "argument of the wrong type (construction)"),
    "RD702": ("error", "required value is empty (construction)"),
    "RD703": ("error", "value is not one of the allowed values (construction)"),
    "RD704": ("error", "arguments that contradict or miss each other (construction)"),
    "RD705": ("error", "unknown, missing or positional keyword argument (construction)"),
}
"""Every issue code with its default severity and title. Codes are stable; new ones are added.

RD7xx are the codes of construction errors: a builder raises them at the user's call site (the
object cannot be built), with the user's file:line and, for a misspelt value or keyword, a
"did you mean". Everything ``validate()`` can check on a built value is an issue it collects instead.
"""


def path(*parts: str) -> str:
    """Join path parts with the display separator.

    >>> path("flow 'booking'", "node 'greet'", "edge[1]")
    "flow 'booking' › node 'greet' › edge[1]"
    """
    return " › ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One problem found by ``validate()``."""

    code: str
    severity: Severity
    path: str
    message: str
    hint: str = ""
    source: SourceLocation | None = None

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        head = f"{where}{self.severity} {self.code} {self.path}: {self.message}"
        return f"{head}\n    fix: {self.hint}" if self.hint else head


class Issues(Sequence[Issue]):
    """All issues of one validation, errors first, in a stable order."""

    __slots__ = ("_items",)

    def __init__(self, items: Sequence[Issue] = ()) -> None:
        unique = dict.fromkeys(items)
        self._items = tuple(sorted(unique, key=lambda i: (i.severity != "error", i.path, i.code, i.message)))

    @overload
    def __getitem__(self, index: int) -> Issue: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Issue]: ...
    def __getitem__(self, index: int | slice) -> Issue | Sequence[Issue]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._items)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Issues that block compile."""
        return tuple(i for i in self._items if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Issues that do not block compile."""
        return tuple(i for i in self._items if i.severity == "warning")

    @property
    def codes(self) -> tuple[str, ...]:
        """The code of each issue, in order."""
        return tuple(i.code for i in self._items)

    def __str__(self) -> str:
        if not self._items:
            return "no issues"
        summary = f"{count(len(self.errors), 'error')}, {count(len(self.warnings), 'warning')}"
        return "\n".join([*(str(i) for i in self._items), summary])

    def __repr__(self) -> str:
        return f"Issues({list(self._items)!r})"
