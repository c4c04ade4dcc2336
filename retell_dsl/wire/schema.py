"""Check JSON payloads against the request types of the official ``retell-sdk``.

The SDK describes every request body as a ``TypedDict``. pydantic can validate
those, but it silently drops unknown keys and validates ``Iterable[...]`` fields
lazily, so it would accept payloads the API rejects. This module walks the type
annotations itself and reports *every* problem with a JSON-path-like location:
missing required keys, unknown keys (with a "did you mean" hint), wrong types,
values outside a ``Literal`` enum, and unknown discriminators of tagged unions.

Both the emulator (to answer 400 like the API) and the DSL compiler (to check
its own output) use it, so the two can never disagree about the schema.

**The policy: unknown is not invalid.** Retell stores and echoes keys it does not list and model
or voice-model names newer (or older) than the SDK, so every issue carries a ``kind``:

* ``"unknown_field"``: a key the SDK does not list (a newer or older API field);
* ``"unknown_value"``: a value outside the SDK's enum of an *open catalogue*, one Retell extends
  without an SDK release or still accepts after the SDK dropped it (:data:`OPEN_VALUE_FIELDS`:
  model names, ``voice_model``), or a *tool* ``type`` the SDK lists only in another place or
  version (:data:`OPEN_TAG_LISTS`, :data:`KNOWN_TOOL_TYPES`: a flow tool of type ``transfer_call``),
  or a flow *node* ``type`` the SDK does not list (Retell adds node types between SDK releases; a
  dashboard export can hold one) unless it is a near miss of a listed type (:data:`NODE_LISTS`);
* ``"invalid"``: everything Retell is known to reject: wrong types of known fields, missing
  required fields, values outside the other enums, a node type that is a typo of a known one
  (``"conversaton"``), unknown condition types.

``issue.tolerated`` is true for the first two. Lint reports tolerated issues as warnings with a
"did you mean", and the emulator (``check_payload(..., policy="lenient")``) stores and echoes them
and says so; ``policy="strict"`` (the default) reports every issue, lenient ones included.

>>> from retell.types import agent_publish_params
>>> check_payload({"version": 1}, agent_publish_params.AgentPublishParams)
[]
>>> [str(i) for i in check_payload({"versoin": 1}, agent_publish_params.AgentPublishParams)]
["versoin: unknown field (did you mean 'version'?)", 'version: missing required field']
>>> [(i.kind, i.tolerated) for i in check_payload({"version": "1", "x": 1}, agent_publish_params.AgentPublishParams)]
[('invalid', False), ('unknown_field', True)]
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import typing_extensions

from retell_dsl.wire.hints import closest, did_you_mean

__all__ = [
    "KNOWN_TOOL_TYPES",
    "MAX_HINTED_FIELDS",
    "MAX_LISTED_PROBLEMS",
    "MAX_PROBLEM_CHARS",
    "NODE_LISTS",
    "NODE_TYPO_CUTOFF",
    "OPEN_TAG_LISTS",
    "OPEN_VALUE_FIELDS",
    "SchemaIssue",
    "alias_of",
    "check_payload",
    "describe_value",
    "is_required",
    "summarize_problems",
]

#: A message lists at most this many problems, then says how many more there are.
MAX_LISTED_PROBLEMS = 20
#: One listed problem is cut to this many characters (a key can be megabytes long).
MAX_PROBLEM_CHARS = 200
#: "did you mean" hints are computed for this many unknown keys per object (the rest are never shown).
MAX_HINTED_FIELDS = MAX_LISTED_PROBLEMS
#: Keys whose enum is an open catalogue Retell extends (or still honours) beyond the SDK's list.
OPEN_VALUE_FIELDS = frozenset({"model", "s2s_model", "post_call_analysis_model", "voice_model"})
#: Lists whose items' ``type`` tag may be a tool type the SDK lists only elsewhere (another API
#: version or another place): a flow's ``tools`` of type ``transfer_call``, as older flows have.
OPEN_TAG_LISTS = frozenset({"tools", "general_tools"})
#: Lists of flow nodes: an item's ``type`` the SDK does not list is tolerated (a newer node type),
#: unless it is this close (difflib ratio) to a listed one, which makes it a typo Retell rejects.
NODE_LISTS = frozenset({"nodes"})
NODE_TYPO_CUTOFF = 0.8
#: Every tool type retell-sdk knows somewhere; a typo of one stays an error.
KNOWN_TOOL_TYPES = frozenset({
    "end_call", "transfer_call", "agent_swap", "check_availability_cal", "book_appointment_cal", "press_digit",
    "send_sms", "custom", "code", "extract_dynamic_variable", "bridge_transfer", "cancel_transfer", "mcp",
    "integration_app",
})  # fmt: skip

IssueKind = Literal["invalid", "unknown_field", "unknown_value"]


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One place where a payload does not match the schema."""

    path: str
    message: str
    kind: IssueKind = "invalid"

    @property
    def tolerated(self) -> bool:
        """Whether Retell accepts it (stores and echoes it): an unknown field or open-catalogue value."""
        return self.kind != "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def check_payload(
    value: object, schema: object, *, path: str = "", policy: Literal["strict", "lenient"] = "strict"
) -> list[SchemaIssue]:
    """Return every way ``value`` fails to match ``schema`` (an SDK type), in document order.

    An empty list means the payload is acceptable. ``policy="lenient"`` leaves out what Retell
    tolerates (``issue.tolerated``: see the module's policy), so only what Retell rejects remains.
    """
    issues: list[SchemaIssue] = []
    _node_for(schema).check(value, path, issues)
    return [i for i in issues if not i.tolerated] if policy == "lenient" else issues


def _last_key(path: str) -> str:
    """``a.b[2].model`` → ``model``; ``tools[3]`` → ``tools``."""
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def _hint(value: object, choices: Iterable[object], cutoff: float = 0.5) -> str:
    """`` (did you mean 'x'?)`` to append to a message, or ``""``."""
    phrase = did_you_mean(value, choices, cutoff=cutoff)
    return f" ({phrase})" if phrase else ""


def _newer_node_type(value: object, known: Iterable[object]) -> bool:
    """Whether ``value`` looks like a node type newer than the SDK rather than a typo of a known one."""
    return isinstance(value, str) and bool(value) and not closest(value, known, cutoff=NODE_TYPO_CUTOFF)


def summarize_problems(problems: Iterable[object], *, limit: int = MAX_LISTED_PROBLEMS) -> str:
    """Join problems into one message: the first ``limit`` (each cut to a readable length), then a count.

    >>> summarize_problems(["a: missing required field", "b: unknown field"])
    'a: missing required field; b: unknown field'
    >>> summarize_problems([f"k{i}: unknown field" for i in range(25)], limit=2)
    'k0: unknown field; k1: unknown field (and 23 more)'
    """
    shown: list[str] = []
    hidden = 0
    for problem in problems:
        if len(shown) < limit:
            text = str(problem)
            shown.append(text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 3] + "...")
        else:
            hidden += 1
    return "; ".join(shown) + (f" (and {hidden} more)" if hidden else "")


def describe_value(value: object) -> str:
    """A short, human description of a JSON value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return type(value).__name__


# --------------------------------------------------------------------------- nodes


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Node:
    label = "value"

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        raise NotImplementedError


class _Any(_Node):
    label = "any value"

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        return


class _Scalar(_Node):
    def __init__(self, kind: type) -> None:
        self.kind = kind
        self.label = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}.get(kind, "null")

    def accepts(self, value: object) -> bool:
        if self.kind is type(None):
            return value is None
        if self.kind is bool:
            return isinstance(value, bool)
        if self.kind is int:
            if isinstance(value, bool):
                return False
            return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if self.kind is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, self.kind)

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if not self.accepts(value):
            issues.append(SchemaIssue(path, f"expected {self.label}, got {describe_value(value)}"))


class _Literal(_Node):
    def __init__(self, values: tuple[object, ...]) -> None:
        self.values = values
        self.label = "one of " + ", ".join(repr(v) for v in values)

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if isinstance(value, bool) and not any(isinstance(v, bool) for v in self.values):
            ok = False
        else:
            ok = any(value == v and type(value) is type(v) for v in self.values)
        if not ok:
            open_value = isinstance(value, str) and _last_key(path) in OPEN_VALUE_FIELDS
            if open_value:
                hint = _hint(value, self.values)
                message = f"unknown value {value!r}: not one of the {len(self.values)} retell-sdk lists{hint}"
                issues.append(SchemaIssue(path, message, "unknown_value"))
            else:
                issues.append(SchemaIssue(path, f"expected {self.label}; got {describe_value(value)}"))


class _List(_Node):
    label = "an array"

    def __init__(self) -> None:
        self.item: _Node = _Any()

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if not isinstance(value, list | tuple):
            issues.append(SchemaIssue(path, f"expected an array, got {describe_value(value)}"))
            return
        for i, item in enumerate(value):
            self.item.check(item, f"{path}[{i}]", issues)


class _Dict(_Node):
    label = "an object"

    def __init__(self) -> None:
        self.value: _Node = _Any()

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if not isinstance(value, Mapping):
            issues.append(SchemaIssue(path, f"expected an object, got {describe_value(value)}"))
            return
        for k, v in value.items():
            if not isinstance(k, str):
                issues.append(SchemaIssue(path, f"object keys must be strings, got {describe_value(k)}"))
                continue
            self.value.check(v, _join(path, k), issues)


class _Struct(_Node):
    """A TypedDict: known keys, some required; anything else is an unknown field."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.label = "an object"
        self.fields: dict[str, _Node] = {}
        self.required: tuple[str, ...] = ()

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if not isinstance(value, Mapping):
            issues.append(SchemaIssue(path, f"expected an object, got {describe_value(value)}"))
            return
        unknown = 0
        for key, item in value.items():
            node = self.fields.get(key) if isinstance(key, str) else None
            if node is None:
                unknown += 1
                extra = _hint(str(key), self.fields, cutoff=0.6) if unknown <= MAX_HINTED_FIELDS else ""
                issues.append(SchemaIssue(_join(path, str(key)), f"unknown field{extra}", "unknown_field"))
                continue
            node.check(item, _join(path, key), issues)
        for key in self.required:
            if key not in value:
                issues.append(SchemaIssue(_join(path, key), "missing required field"))


class _Union(_Node):
    def __init__(self) -> None:
        self.options: list[_Node] = []
        self.nullable = False
        self.tag: str | None = None
        #: tag value → the options with it (several when the SDK has overlapping shapes, such as
        #: a special edge's ``{"type": "prompt", "prompt": str}`` next to ``prompt: "Always"``)
        self.by_tag: dict[object, list[_Node]] = {}

    def finish(self) -> None:
        parts = [o.label for o in self.options]
        if self.nullable:
            parts.append("null")
        self.label = " or ".join(dict.fromkeys(parts))
        structs = [o for o in self.options if isinstance(o, _Struct)]
        if len(structs) < 2 or len(structs) != len(self.options):
            return
        for candidate in ("type", "role", "mode"):
            table: dict[object, list[_Node]] = {}
            for s in structs:
                lit = s.fields.get(candidate)
                if candidate not in s.required or not isinstance(lit, _Literal):
                    break
                for v in lit.values:
                    table.setdefault(v, []).append(s)
            else:
                self.tag, self.by_tag = candidate, table
                return

    def check(self, value: object, path: str, issues: list[SchemaIssue]) -> None:
        if value is None and self.nullable:
            return
        if self.tag is not None and isinstance(value, Mapping):
            tag_value = value.get(self.tag)
            chosen = self.by_tag.get(tag_value) if isinstance(tag_value, str | int) else None
            if chosen is None:
                allowed = ", ".join(repr(v) for v in self.by_tag)
                got = "missing" if self.tag not in value else describe_value(tag_value)
                where = _join(path, self.tag)
                if self.tag == "type" and tag_value in KNOWN_TOOL_TYPES and _last_key(path) in OPEN_TAG_LISTS:
                    message = (
                        f"unknown tool type {tag_value!r}: retell-sdk lists {allowed}{_hint(tag_value, self.by_tag)}"
                    )
                    issues.append(SchemaIssue(where, message, "unknown_value"))
                elif self.tag == "type" and _last_key(path) in NODE_LISTS and _newer_node_type(tag_value, self.by_tag):
                    message = (
                        f"node type {tag_value!r} is not in retell-sdk (it lists {allowed}): Retell may know it "
                        "(a newer node type); retell-dsl cannot check its fields"
                    )
                    issues.append(SchemaIssue(where, message, "unknown_value"))
                else:
                    issues.append(SchemaIssue(where, f"expected one of {allowed}; got {got}"))
                return
            _best_of(chosen, value, path, issues)
            return
        best: list[SchemaIssue] | None = None
        for option in self.options:
            found: list[SchemaIssue] = []
            option.check(value, path, found)
            if not found:
                return
            if all(i.tolerated for i in found):  # a known shape with fields Retell tolerates
                issues.extend(found)
                return
            if best is None or len(found) < len(best):
                best = found
        shape_mismatch = best is None or (len(best) == 1 and best[0].path == path)
        if shape_mismatch:
            issues.append(SchemaIssue(path, f"expected {self.label}, got {describe_value(value)}"))
        else:
            issues.extend(best or ())


def _best_of(options: list[_Node], value: object, path: str, issues: list[SchemaIssue]) -> None:
    """Check ``value`` against the first option it fits, else report the closest one's issues."""
    best: list[SchemaIssue] | None = None
    for option in options:
        found: list[SchemaIssue] = []
        option.check(value, path, found)
        if all(i.tolerated for i in found):
            issues.extend(found)
            return
        if best is None or len(found) < len(best):
            best = found
    issues.extend(best or ())


# --------------------------------------------------------------------------- building

_building: dict[object, _Node] = {}
_REQUIRED_MARKERS = (
    typing_extensions.Required,
    typing.Required,
    typing_extensions.NotRequired,
    typing.NotRequired,
)


@functools.cache
def _node_for(tp: object) -> _Node:
    return _build(tp)


def _build(tp: object) -> _Node:
    if tp in _building:  # a recursive type refers to itself
        return _building[tp]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return _Any()
    if origin in (typing.Annotated, typing_extensions.Annotated):
        return _build(args[0])
    if origin in _REQUIRED_MARKERS:
        return _build(args[0])
    if tp in (str, int, float, bool, type(None), None):
        return _Scalar(type(None) if tp is None else typing.cast(type, tp))
    if origin in (Literal, typing_extensions.Literal):
        return _Literal(args)
    if origin in (Union, types.UnionType):
        node = _Union()
        for arg in args:
            if arg is type(None):
                node.nullable = True
            else:
                node.options.append(_build(arg))
        if len(node.options) == 1 and not node.nullable:
            return node.options[0]
        node.finish()
        return node
    if origin in (list, tuple, Iterable, Sequence) or (
        origin is not None and getattr(origin, "__name__", "") in ("SequenceNotStr", "Sequence", "Iterable")
    ):
        lst = _List()
        _building[tp] = lst
        try:
            lst.item = _build(args[0]) if args else _Any()
        finally:
            del _building[tp]
        return lst
    if origin in (dict, Mapping) or tp is dict:
        dct = _Dict()
        _building[tp] = dct
        try:
            dct.value = _build(args[1]) if len(args) == 2 else _Any()
        finally:
            del _building[tp]
        return dct
    if isinstance(tp, type) and typing_extensions.is_typeddict(tp):
        return _build_struct(tp)
    # Files and other client-side types never appear in JSON bodies.
    return _Any()


def _build_struct(tp: type) -> _Struct:
    struct = _Struct(tp.__name__)
    _building[tp] = struct
    try:
        hints = typing_extensions.get_type_hints(tp, include_extras=True)
        total = bool(getattr(tp, "__total__", True))
        required: list[str] = []
        for attr, hint in hints.items():
            wire = alias_of(hint) or attr
            struct.fields[wire] = _build(hint)
            if is_required(hint, total=total):
                required.append(wire)
        struct.required = tuple(required)
    finally:
        del _building[tp]
    return struct


def is_required(hint: object, *, total: bool) -> bool:
    """Whether a TypedDict field is required (``Required[...]``/``NotRequired[...]``, else totality).

    ``__required_keys__`` cannot be trusted: with postponed annotations it misses ``Required``.
    """
    while True:
        origin = typing.get_origin(hint)
        if origin in _REQUIRED_MARKERS[:2]:
            return True
        if origin in _REQUIRED_MARKERS[2:]:
            return False
        if origin in (typing.Annotated, typing_extensions.Annotated):
            hint = typing.get_args(hint)[0]
            continue
        return total


def alias_of(hint: object) -> str | None:
    """The wire name given by a Stainless ``PropertyInfo(alias=...)`` annotation, if any."""
    while True:
        origin = typing.get_origin(hint)
        if origin in (typing.Annotated, typing_extensions.Annotated):
            for meta in getattr(hint, "__metadata__", ()):
                alias = getattr(meta, "alias", None)
                if isinstance(alias, str):
                    return alias
            hint = typing.get_args(hint)[0]
        elif origin in _REQUIRED_MARKERS:
            hint = typing.get_args(hint)[0]
        else:
            return None
