"""Dynamic variables of a session: the values set so far, Retell's system variables, the defaults.

Lookup order (the choice where Retell's docs are silent): a value the session holds (given at
the start, or set by an extraction, a tool's ``response_variables`` or a transition's
parameters) wins; then a system variable; then ``default_dynamic_variables``. System variables
come from the injectable clock and the call facts: ``current_time`` (America/Los_Angeles, like
``Thursday, March 28, 2024 at 11:46 PM PDT``), ``current_time_<IANA zone>``, ``current_hour``
(0-23, Los Angeles), ``current_calendar`` (today and the next 13 days, one per line),
``session_type``, ``session_duration`` / ``session_duration_ms``, ``current_node`` /
``previous_node`` (flows: node names, else ids), ``current_agent_state`` / ``previous_agent_state``
(Retell LLMs),
``call_id``, ``call_type``, ``direction``, ``user_number``, ``agent_number`` (phone calls) and
``chat_id`` (chats). Unknown zones in ``current_time_<tz>`` stay unset (so the reference stays raw).

>>> import datetime as dt
>>> ms = int(dt.datetime(2024, 3, 29, 6, 46, tzinfo=dt.UTC).timestamp() * 1000)
>>> format_time(ms, "America/Los_Angeles"), format_time(ms, "Europe/Paris")
('Thursday, March 28, 2024 at 11:46 PM PDT', 'Friday, March 29, 2024 at 07:46 AM CET')
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_ZONE", "Scope", "calendar", "format_time", "local_hour"]

DEFAULT_ZONE = "America/Los_Angeles"
_TIME_PREFIX = "current_time_"


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def format_time(epoch_ms: int, zone: str = DEFAULT_ZONE) -> str:
    """``epoch_ms`` as Retell writes ``{{current_time}}``, in ``zone``.

    >>> format_time(0, "UTC")
    'Thursday, January 01, 1970 at 12:00 AM UTC'
    """
    tz = _zone(zone) or ZoneInfo("UTC")
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, tz)
    return moment.strftime("%A, %B %d, %Y at %I:%M %p %Z")


def local_hour(epoch_ms: int, zone: str = DEFAULT_ZONE) -> int:
    """The hour (0-23) in ``zone``.

    >>> local_hour(0, "UTC")
    0
    """
    tz = _zone(zone) or ZoneInfo("UTC")
    return dt.datetime.fromtimestamp(epoch_ms / 1000, tz).hour


def calendar(epoch_ms: int, zone: str = DEFAULT_ZONE, days: int = 14) -> str:
    """Today and the next ``days - 1`` days, one ``Weekday, Month DD, YYYY`` per line.

    >>> calendar(0, "UTC", days=2)
    'Thursday, January 01, 1970\\nFriday, January 02, 1970'
    """
    tz = _zone(zone) or ZoneInfo("UTC")
    return _days(dt.datetime.fromtimestamp(epoch_ms / 1000, tz).date(), days)


@functools.lru_cache(maxsize=64)
def _days(today: dt.date, days: int) -> str:  # the same text all day: computed once, not per prompt
    return "\n".join((today + dt.timedelta(days=i)).strftime("%A, %B %d, %Y") for i in range(days))


class Scope(Mapping[str, str]):
    """The variables a ``{{name}}`` sees: ``values`` first, then ``system()``, then ``defaults``.

    >>> scope = Scope({"name": "Ann"}, lambda: {"session_type": "chat"}, {"name": "there", "city": "Oslo"})
    >>> scope["name"], scope["session_type"], scope["city"], scope.get("nope")
    ('Ann', 'chat', 'Oslo', None)
    """

    def __init__(
        self,
        values: Mapping[str, str],
        system: Callable[[], Mapping[str, str]],
        defaults: Mapping[str, str],
        *,
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        self._values = values
        self._compute_system = system
        self._system_cache: Mapping[str, str] | None = None
        self._defaults = defaults
        self._now_ms = now_ms

    def _system(self) -> Mapping[str, str]:
        """The system variables, computed once per scope (a scope serves one substitution)."""
        if self._system_cache is None:
            self._system_cache = self._compute_system()
        return self._system_cache

    def __getitem__(self, name: str) -> str:
        value = self._values.get(name)
        if value is not None:
            return value
        system = self._system()
        if name in system:
            return system[name]
        if name.startswith(_TIME_PREFIX) and self._now_ms is not None:
            zone = _zone(name[len(_TIME_PREFIX) :])
            if zone is not None:
                return format_time(self._now_ms(), str(zone))
        value = self._defaults.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._values, *self._system(), *self._defaults]))

    def __len__(self) -> int:
        return sum(1 for _ in self)
