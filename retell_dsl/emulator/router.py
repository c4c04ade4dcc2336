"""Matching requests to routes: method + path template → handler (the table itself is ``routes.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retell_dsl.emulator.messages import EmuRequest, EmuResponse

if TYPE_CHECKING:
    from retell_dsl.emulator.state import State

__all__ = ["Handler", "Route", "Router"]

Handler = Callable[["State", EmuRequest, dict[str, str]], EmuResponse]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler

    @property
    def name(self) -> str:
        """``"GET /get-agent/{agent_id}"``: what fault rules and logs refer to."""
        return f"{self.method} {self.template}"


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts if p)
    return re.compile(f"^{regex}$")


class Router:
    """Routes in registration order; the first match wins."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._static: dict[tuple[str, str], Route] = {}

    @classmethod
    def from_table(cls, table: Iterable[tuple[str, str, Handler]]) -> Router:
        """A router of ``(method, template, handler)`` rows; a route given twice is an error."""
        router = cls()
        for method, template, handler in table:
            router.add(method, template)(handler)
        return router

    def add(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            route = Route(method.upper(), template, _compile(template), handler)
            if any(r.name == route.name for r in self.routes):
                raise ValueError(f"route {route.name} is registered twice")
            self.routes.append(route)
            if "{" not in template:
                self._static[(route.method, template)] = route
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        static = self._static.get((method, path))
        if static is not None:
            return static, {}
        for route in self.routes:
            if route.method != method:
                continue
            m = route.pattern.match(path)
            if m:
                return route, m.groupdict()
        return None
