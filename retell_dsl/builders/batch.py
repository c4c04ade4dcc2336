"""Batch calls (outbound campaigns): a from-number, tasks, a schedule and a calling window.

>>> campaign = (
...     BatchCall(name="reminders", from_number="+14155550100")
...     .call("+14155550111", patient_name="Ada", appointment="Tuesday 10am")
...     .within(CallWindow(windows=((9 * 60, 17 * 60),), days=("Monday", "Tuesday"), timezone="America/New_York"))
... )
>>> campaign.tasks[0].variables["patient_name"], campaign.window.windows
('Ada', ((540, 1020),))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, require_mapping, require_str, require_tuple_of
from retell_dsl.builders.phone import PhoneNumber
from retell_dsl.errors import InvalidArgument

if TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent

__all__ = ["BatchCall", "CallTask", "CallWindow"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CallTask(Spec):
    """One call of a campaign: the number, its dynamic variables and metadata, an optional agent.

    >>> CallTask(to_number="+14155550111", variables={"name": "Ada"}).variables["name"]
    'Ada'
    """

    to_number: str
    variables: Mapping[str, str] = field(default_factory=FrozenMap)
    metadata: Mapping[str, Any] | Unset = UNSET
    agent: Agent | str | Unset = UNSET
    agent_version: int | str | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.to_number, "CallTask to_number")
        require_mapping(self.extra, f"CallTask {self.to_number!r} extra=")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CallWindow(Spec):
    """When calls may be placed: ``(start, end)`` minutes from local midnight, days and timezone.

    >>> CallWindow(windows=((540, 720),)).days
    UNSET
    """

    windows: tuple[tuple[int, int], ...]
    days: tuple[str, ...] | Unset = UNSET
    timezone: str | Unset = UNSET

    def _check(self) -> None:
        for w in self.windows:
            if not (isinstance(w, tuple) and len(w) == 2):
                raise InvalidArgument(f"CallWindow windows must be (start_minute, end_minute) pairs, got {w!r}")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BatchCall(Spec):
    """An outbound campaign. ``from_number`` is a :class:`PhoneNumber` spec or an E.164 string."""

    name: str
    from_number: PhoneNumber | str
    tasks: tuple[CallTask, ...] = ()
    trigger_timestamp: int | Unset = UNSET
    window: CallWindow | Unset = UNSET
    reserved_concurrency: int | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "BatchCall name")
        if not isinstance(self.from_number, PhoneNumber | str):
            raise InvalidArgument(f"BatchCall from_number must be a PhoneNumber or a string, got {self.from_number!r}")
        require_tuple_of(self.tasks, CallTask, f"BatchCall {self.name!r} tasks")
        require_mapping(self.extra, f"BatchCall {self.name!r} extra=")

    def call(self, to_number: str, /, **variables: str) -> Self:
        """Add a task calling ``to_number`` with these dynamic variables."""
        return self._replace(tasks=(*self.tasks, CallTask(to_number=to_number, variables=variables)))

    def task(self, *tasks: CallTask) -> Self:
        """Add fully specified tasks."""
        return self._replace(tasks=(*self.tasks, *tasks))

    def within(self, window: CallWindow) -> Self:
        """Restrict calls to a time window."""
        return self._replace(window=window)

    def at(self, timestamp_ms: int) -> Self:
        """Start at this time (ms since epoch) instead of now."""
        return self._replace(trigger_timestamp=timestamp_ms)
