"""Retell's ``tool_mocks`` (playground completion and simulation test cases).

A mock is ``{tool_name, input_match_rule: {type: "any"} | {type: "partial_match", args}, output,
result?}``. ``partial_match`` is a subset match at the top level, as the SDK documents: every
listed field must be present in the call and *equal* to the listed value; fields the mock does not
list are ignored. Values are compared as JSON, so a nested object or list must be equal as a whole
(``{"a": {"b": 1}}`` does not match a call with ``{"a": {"b": 1, "c": 2}}``), and ``1``, ``1.0``
match while ``true`` and ``1`` do not. The first matching mock in list order wins. Tool types that
Retell always simulates (end call, press digit, extract variables, agent swap) and MCP tools
ignore mocks; a call that matches no mock runs the real tool.

>>> mocks = parse_mocks([{"tool_name": "book", "input_match_rule": {"type": "partial_match",
...                       "args": {"day": "Mon"}}, "output": '{"ok": true}'}])
>>> find_mock(mocks, "book", "custom", {"day": "Mon", "time": "9"}).output
'{"ok": true}'
>>> find_mock(mocks, "book", "custom", {"day": "Tue"}) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from retell_dsl.errors import InvalidArgument

__all__ = ["MOCK_IGNORING_TYPES", "ToolMock", "find_mock", "json_equal", "parse_mocks"]

MOCK_IGNORING_TYPES = frozenset({"end_call", "press_digit", "extract_dynamic_variable", "agent_swap", "mcp"})
"""Tool types whose calls never use a mock (Retell's testing docs)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolMock:
    """One parsed mock.

    >>> ToolMock(tool_name="t", output="{}").matches("t", {"anything": 1})
    True
    """

    tool_name: str
    output: str
    match: Literal["any", "partial_match"] = "any"
    args: Mapping[str, object] = field(default_factory=dict)
    result: bool | None = None

    @classmethod
    def from_wire(cls, wire: Mapping[str, object]) -> ToolMock:
        """Parse one wire mock; a malformed one raises :class:`~retell_dsl.errors.InvalidArgument`.

        >>> ToolMock.from_wire({"tool_name": "t", "input_match_rule": {"type": "all"}, "output": ""})
        Traceback (most recent call last):
        ...
        retell_dsl.InvalidArgument: tool mock for 't': input_match_rule.type must be ... got 'all'
        """
        name = wire.get("tool_name")
        if not isinstance(name, str) or not name:
            raise InvalidArgument(f"tool mock needs a non-empty string tool_name, got {name!r}")
        output = wire.get("output")
        if not isinstance(output, str):
            raise InvalidArgument(f"tool mock for {name!r}: output must be a string (JSON text), got {output!r}")
        rule = wire.get("input_match_rule")
        kind = rule.get("type") if isinstance(rule, Mapping) else None
        if kind not in ("any", "partial_match"):
            raise InvalidArgument(
                f'tool mock for {name!r}: input_match_rule.type must be "any" or "partial_match", got {kind!r}'
            )
        args: Mapping[str, object] = {}
        if kind == "partial_match":
            assert isinstance(rule, Mapping)
            raw_args = rule.get("args")
            if not isinstance(raw_args, Mapping):
                raise InvalidArgument(f"tool mock for {name!r}: partial_match needs an args object, got {raw_args!r}")
            args = dict(raw_args)
        result = wire.get("result")
        if result is not None and not isinstance(result, bool):
            raise InvalidArgument(f"tool mock for {name!r}: result must be a boolean, got {result!r}")
        return cls(tool_name=name, output=output, match=kind, args=args, result=result)

    def matches(self, tool_name: str, args: Mapping[str, object]) -> bool:
        """Whether a call of ``tool_name`` with ``args`` uses this mock."""
        if tool_name != self.tool_name:
            return False
        if self.match == "any":
            return True
        return all(key in args and json_equal(args[key], value) for key, value in self.args.items())


def json_equal(left: object, right: object) -> bool:
    """Equality of JSON values: booleans are not numbers, ``1 == 1.0``, containers compared deeply.

    >>> json_equal(True, 1), json_equal(1, 1.0), json_equal({"a": [1]}, {"a": [1.0]})
    (False, True, True)
    """
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right


def parse_mocks(wire: Iterable[Mapping[str, object] | ToolMock]) -> tuple[ToolMock, ...]:
    """Parse a wire ``tool_mocks`` list (already-parsed mocks pass through)."""
    return tuple(m if isinstance(m, ToolMock) else ToolMock.from_wire(m) for m in wire)


def find_mock(mocks: Iterable[ToolMock], tool_name: str, tool_type: str, args: Mapping[str, object]) -> ToolMock | None:
    """The first mock that applies to this call, or ``None`` (types in ``MOCK_IGNORING_TYPES`` never match).

    >>> find_mock([ToolMock(tool_name="end_call", output="{}")], "end_call", "end_call", {}) is None
    True
    """
    if tool_type in MOCK_IGNORING_TYPES:
        return None
    return next((m for m in mocks if m.matches(tool_name, args)), None)
