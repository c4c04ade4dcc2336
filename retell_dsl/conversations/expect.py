"""Assertions that read like the conversation: a cursor over its events and whole-run checks.

Every ``result.expect`` is a fresh cursor at the first event. ``next_*`` checks the very next
event (and moves past it); ``skip_until(...)`` moves to the next event matching. A failure
raises :class:`AssertionError` printing the transcript with ``>>>`` at the failing event, what
was expected and what happened, and where the conversation was; helpers hide themselves from
pytest tracebacks.

>>> from retell_dsl.conversations.result import CallResult, events_of
>>> result = CallResult(id="chat_1", kind="chat", agent_id=None, status="ended", end_reason="agent_hangup",
...     events=events_of([{"role": "node_transition", "new_node_name": "greet"}, {"role": "agent", "content": "Hi!"}]))
>>> result.expect.next_transition(to="greet").next_message(contains="hi").no_more_events()
Expect(at=2 of 2)
>>> result.expect.next_message(contains="bye")
Traceback (most recent call last):
...
AssertionError: expected the next event to be an agent message containing 'bye'
  actual: node ? -> greet
...
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from retell_dsl.errors import count

if TYPE_CHECKING:
    from retell_dsl.conversations.result import CallResult, Event

__all__ = ["Expect", "args_match"]


def args_match(actual: Mapping[str, Any], subset: Mapping[str, Any]) -> bool:
    """Whether every key of ``subset`` is in ``actual`` with an equal value (nested mappings: subsets too).

    >>> args_match({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 2}})
    True
    >>> args_match({"a": 1}, {"a": "1"})
    False
    """
    for key, want in subset.items():
        if key not in actual:
            return False
        got = actual[key]
        if isinstance(want, Mapping) and isinstance(got, Mapping):
            if not args_match(got, want):
                return False
        elif got != want or (type(got) is not type(want) and isinstance(want, bool | str)):
            return False
    return True


def _text_test(contains: str | None, matches: str | re.Pattern[str] | None) -> tuple[str, Callable[[str], bool]]:
    parts: list[str] = []
    tests: list[Callable[[str], bool]] = []
    if contains is not None:
        parts.append(f"containing {contains!r}")
        tests.append(lambda t: contains.lower() in t.lower())
    if matches is not None:
        pattern = re.compile(matches) if isinstance(matches, str) else matches
        parts.append(f"matching /{pattern.pattern}/")
        tests.append(lambda t: pattern.search(t) is not None)
    return " and ".join(parts), lambda t: all(test(t) for test in tests)


class Expect:
    """A cursor over a :class:`~retell_dsl.conversations.result.CallResult` (see the module docs)."""

    def __init__(self, result: CallResult, at: int = 0) -> None:
        self.result = result
        self.at = at

    def __repr__(self) -> str:
        return f"Expect(at={self.at} of {len(self.result.events)})"

    # -- failure ---------------------------------------------------------------------------
    def fail(self, expected: str, actual: str, at: int | None) -> AssertionError:
        """The error for a failed check (``at``: the event to mark)."""
        r = self.result
        event = r.events[at] if at is not None and at < len(r.events) else None
        where = f"node {event.node!r}" if event and event.node else "no node"
        where += f", state {event.state!r}" if event and event.state else ""
        head = f"expected {expected}\n  actual: {actual}\n  at: event {at} ({where}) of {r.kind} {r.id}"
        return AssertionError(f"{head}\ntranscript:\n{r.render(at)}")

    def _past_users(self) -> None:
        events = self.result.events
        while self.at < len(events) and events[self.at].kind == "message" and events[self.at].role == "user":
            self.at += 1

    def _next(self, expected: str) -> Event:
        __tracebackhide__ = True
        if self.at >= len(self.result.events):
            raise self.fail(f"the next event to be {expected}", "no more events", self.at)
        return self.result.events[self.at]

    def _step(self, expected: str, ok: Callable[[Event], bool], *, users: bool = False) -> Expect:
        __tracebackhide__ = True
        if not users:  # the user's own lines are what the test said: step over them
            self._past_users()
        event = self._next(expected)
        if not ok(event):
            raise self.fail(f"the next event to be {expected}", event.describe(), event.index)
        self.at = event.index + 1
        return self

    # -- the cursor ------------------------------------------------------------------------
    @staticmethod
    def _message(
        role: str, contains: str | None, matches: str | re.Pattern[str] | None
    ) -> tuple[str, Callable[[Event], bool]]:
        what, test = _text_test(contains, matches)
        label = f"an {role} message" if role == "agent" else f"a {role} message"
        return f"{label} {what}".rstrip(), lambda e: e.kind == "message" and e.role == role and test(e.text)

    @staticmethod
    def _tool(name: str, args: Mapping[str, Any] | None) -> tuple[str, Callable[[Event], bool]]:
        label = f"a call of tool {name!r}" + (f" with args ⊇ {json.dumps(dict(args), sort_keys=True)}" if args else "")
        return label, lambda e: e.kind == "tool_call" and e.name == name and args_match(e.args, args or {})

    @staticmethod
    def _transition(to: str) -> tuple[str, Callable[[Event], bool]]:
        return f"a transition to {to!r}", lambda e: e.kind in ("transition", "state_transition") and e.name == to

    def next_message(
        self, *, contains: str | None = None, matches: str | re.Pattern[str] | None = None, role: str = "agent"
    ) -> Expect:
        """The next event is a message of ``role`` (default the agent) containing / matching text."""
        __tracebackhide__ = True
        return self._step(*self._message(role, contains, matches), users=role == "user")

    def next_tool_call(self, name: str, *, args: Mapping[str, Any] | None = None) -> Expect:
        """The next event is a call of tool ``name`` whose arguments include ``args``."""
        __tracebackhide__ = True
        return self._step(*self._tool(name, args))

    def next_transition(self, *, to: str) -> Expect:
        """The next event is a transition to node (or state) ``to``."""
        __tracebackhide__ = True
        return self._step(*self._transition(to))

    def skip_until(
        self,
        *,
        message: str | None = None,
        tool: str | None = None,
        args: Mapping[str, Any] | None = None,
        transition: str | None = None,
    ) -> Expect:
        """Move to the next event that is a message containing ``message`` / a call of ``tool`` / a transition."""
        __tracebackhide__ = True
        if sum(x is not None for x in (message, tool, transition)) != 1:
            raise TypeError("skip_until takes exactly one of message=, tool=, transition=")
        if message is not None:
            expected, ok = self._message("agent", message, None)
        elif tool is not None:
            expected, ok = self._tool(tool, args)
        else:
            assert transition is not None
            expected, ok = self._transition(transition)
        for event in self.result.events[self.at :]:
            if ok(event):
                self.at = event.index + 1
                return self
        raise self.fail(f"a later event to be {expected}", "none is", len(self.result.events))

    def no_more_events(self) -> Expect:
        """Nothing happened after the events checked so far (the user's own lines aside)."""
        __tracebackhide__ = True
        self._past_users()
        if self.at < len(self.result.events):
            raise self.fail("no more events", self.result.events[self.at].describe(), self.at)
        return self

    # -- whole-run checks -------------------------------------------------------------------
    def _whole(self, ok: bool, expected: str, actual: str, at: int | None = None) -> Expect:
        __tracebackhide__ = True
        if not ok:
            raise self.fail(expected, actual, at)
        return self

    def visited(self, node: str) -> Expect:
        __tracebackhide__ = True
        path = self.result.path + self.result.state_path
        return self._whole(node in path, f"the conversation to visit {node!r}", f"path {path}")

    def never_visited(self, node: str) -> Expect:
        __tracebackhide__ = True
        hit = next((e.index for e in self.result.events if e.kind.endswith("transition") and e.name == node), None)
        return self._whole(hit is None, f"the conversation never to visit {node!r}", f"visited {node!r}", hit)

    def path(self, *nodes: str) -> Expect:
        """The node path equals ``nodes`` exactly."""
        __tracebackhide__ = True
        return self._whole(self.result.path == list(nodes), f"path {list(nodes)}", f"path {self.result.path}")

    def called(self, tool: str, *, times: int | None = None, args: Mapping[str, Any] | None = None) -> Expect:
        """``tool`` was called (``times`` exactly, if given; only calls whose args include ``args`` count)."""
        __tracebackhide__ = True
        hits = [e for e in self.result.tool_calls if e.name == tool and args_match(e.args, args or {})]
        want = count(times, "call") if times is not None else "at least one call"
        ok = len(hits) == times if times is not None else bool(hits)
        return self._whole(ok, f"{want} of tool {tool!r}", count(len(hits), "call"))

    def never_called(self, tool: str) -> Expect:
        __tracebackhide__ = True
        hit = next((e.index for e in self.result.tool_calls if e.name == tool), None)
        return self._whole(hit is None, f"no call of tool {tool!r}", f"tool {tool!r} was called", hit)

    def ended_by(self, reason: str) -> Expect:
        __tracebackhide__ = True
        r = self.result
        return self._whole(r.end_reason == reason, f"the {r.kind} to end by {reason!r}", f"end reason {r.end_reason!r}")

    def transferred_to(self, destination: str) -> Expect:
        """A transfer succeeded whose tool or node name, arguments or result mention ``destination``."""
        __tracebackhide__ = True
        tries = self.result.transfers
        seen = [e for e in tries if destination in e.name + json.dumps(dict(e.args)) + (e.result or "")]
        done = [e for e in seen if e.successful is not False]
        actual = count(len(tries), "transfer") + (
            f", {len(seen) - len(done)} to it failed" if len(seen) > len(done) else ""
        )
        return self._whole(bool(done), f"a transfer to {destination!r}", actual, seen[0].index if seen else None)

    def variable(self, name: str, equals: Any) -> Expect:
        __tracebackhide__ = True
        got = self.result.variables.get(name)
        return self._whole(got == equals, f"variable {name!r} == {equals!r}", f"{got!r}")

    def analysis(self, name: str, equals: Any) -> Expect:
        """A post-call/chat analysis field (``custom_analysis_data`` fields too) equals ``equals``."""
        __tracebackhide__ = True
        data = dict(self.result.analysis or {})
        data.update(data.get("custom_analysis_data") or {})
        return self._whole(data.get(name) == equals, f"analysis {name!r} == {equals!r}", f"{data.get(name)!r}")
