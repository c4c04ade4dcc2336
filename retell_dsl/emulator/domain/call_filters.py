"""The typed ``filter_criteria`` of ``POST /v3/list-calls`` and ``/v3/list-chats`` (retell-api.md §5.4).

A filter is a table of keys, each bound to a getter on the stored document; every key
present in the criteria must match (AND). Primitives:

* string ``{type:"string", op: eq|ne|sw|ew|co, value}``
* number ``{type:"number", op: eq|ne|gt|ge|lt|le, value}`` and range ``{type:"range", op:"bt", value:[lo, hi]}``
* boolean ``{type:"boolean", op:"eq", value}``, enum ``{type:"enum", op:"in", value:[...]}``
* present ``{type:"present", op: pr|np}`` (keyed filters only)

Keyed filters (``metadata``, ``dynamic_variables``, ``custom_analysis_data``,
``custom_attributes``) are lists of primitives with a ``key`` naming a top-level entry.
A value that is missing, or of the wrong type for the primitive, only matches ``ne``.

>>> match_primitive({"type": "string", "op": "sw", "value": "+1415"}, "+14155550100")
True
>>> match_primitive({"type": "range", "op": "bt", "value": [10, 20]}, 20)
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import MAX_LIMIT, State
from retell_dsl.emulator.store import Document

__all__ = ["CALL_FILTERS", "CHAT_FILTERS", "FilterSpec", "check_criteria", "match_primitive", "page_in_body"]

Getter = Callable[[Document], Any]
_MISSING = object()

_NUMBER_OPS: dict[str, Callable[[float, float], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_STRING_OPS: dict[str, Callable[[str, str], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "sw": str.startswith,
    "ew": str.endswith,
    "co": operator.contains,
}


def _path(*keys: str) -> Getter:
    """A getter for a nested key; ``_MISSING`` when any step is absent or null."""

    def get(doc: Document) -> Any:
        value: Any = doc
        for key in keys:
            if not isinstance(value, Mapping) or value.get(key) is None:
                return _MISSING
            value = value[key]
        return value

    return get


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):  # dynamic variables are always strings
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def match_primitive(flt: Mapping[str, Any], actual: Any) -> bool:
    """Whether ``actual`` (``_MISSING`` when absent) satisfies one typed filter primitive."""
    kind, op = flt.get("type"), flt.get("op")
    expected: Any = flt.get("value")
    if kind == "present":
        present = actual is not _MISSING
        return present if op == "pr" else not present
    if actual is _MISSING:
        return op == "ne"
    if kind == "string":
        if not isinstance(actual, str):
            return op == "ne"
        return _STRING_OPS[str(op)](actual, str(expected))
    if kind in ("number", "range"):
        number = _as_number(actual)
        if number is None:
            return op == "ne"
        if kind == "range":
            lo, hi = (float(v) for v in expected)
            return lo <= number <= hi
        return _NUMBER_OPS[str(op)](number, float(expected))
    if kind == "boolean":
        return _as_bool(actual) == bool(expected)
    if kind == "enum":
        return (actual if isinstance(actual, str) else str(actual)) in list(expected)
    return False


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """Which criteria keys a list endpoint understands and where each reads its value."""

    scalars: Mapping[str, Getter]
    keyed: Mapping[str, Getter]
    agent_version: Getter
    tool_calls: Getter | None = None

    def matches(self, doc: Document, criteria: Mapping[str, Any]) -> bool:
        """Every key of ``criteria`` holds for ``doc`` (keys the spec does not know never match)."""
        for key, flt in criteria.items():
            if key == "agent":
                if not any(self._agent_matches(doc, item) for item in flt):
                    return False
            elif key == "tool_calls" and self.tool_calls is not None:
                calls = self.tool_calls(doc)
                if not all(any(_tool_call_matches(tc, item) for tc in calls) for item in flt):
                    return False
            elif key in self.keyed:
                entries = self.keyed[key](doc)
                entries = entries if isinstance(entries, Mapping) else {}
                for item in flt:
                    if not match_primitive(item, entries.get(item.get("key"), _MISSING)):
                        return False
            elif key in self.scalars:
                if not match_primitive(flt, self.scalars[key](doc)):
                    return False
            else:
                return False
        return True

    def _agent_matches(self, doc: Document, item: Mapping[str, Any]) -> bool:
        if doc.get("agent_id") != item.get("agent_id"):
            return False
        versions = [int(v) for v in item.get("version") or []]
        return not versions or self.agent_version(doc) in versions


def _tool_call_matches(tool_call: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    if "name" in item and tool_call.get("name") != item["name"]:
        return False
    if "type" in item and tool_call.get("type") != item["type"]:
        return False
    if "success" in item and not match_primitive(item["success"], tool_call.get("success", _MISSING)):
        return False
    return not ("latency_ms" in item and not match_primitive(item["latency_ms"], tool_call.get("latency_ms", _MISSING)))


def check_criteria(criteria: Mapping[str, Any]) -> list[str]:
    """Problems the SDK types cannot express: range bounds and keyed filters without a ``key``."""
    problems: list[str] = []

    def check(where: str, flt: object, keyed: bool) -> None:
        if not isinstance(flt, Mapping):
            return
        if flt.get("type") == "range":
            bounds = list(flt.get("value") or [])
            if len(bounds) != 2:
                problems.append(f"filter_criteria.{where}.value must be [lower, upper], got {len(bounds)} numbers")
            elif bounds[0] > bounds[1]:
                problems.append(f"filter_criteria.{where}.value: lower bound {bounds[0]} exceeds upper {bounds[1]}")
        if keyed and not flt.get("key"):
            problems.append(f"filter_criteria.{where}.key is required")

    for key, flt in criteria.items():
        if isinstance(flt, list):
            for i, item in enumerate(flt):
                if key == "tool_calls" and isinstance(item, Mapping):
                    check(f"tool_calls[{i}].latency_ms", item.get("latency_ms"), False)
                elif key != "agent":
                    check(f"{key}[{i}]", item, True)
        else:
            check(key, flt, False)
    return problems


def _dynamic_variables(doc: Document) -> dict[str, Any]:
    return {**(doc.get("retell_llm_dynamic_variables") or {}), **(doc.get("collected_dynamic_variables") or {})}


def _tool_calls(doc: Document) -> list[dict[str, Any]]:
    return list(doc.get("_tool_calls") or [])


CALL_FILTERS = FilterSpec(
    scalars={
        "agent_tag": _path("agent_tag"),
        "batch_call_id": _path("_batch_call_id"),
        "call_id": _path("call_id"),
        "call_status": _path("call_status"),
        "call_successful": _path("call_analysis", "call_successful"),
        "call_type": _path("call_type"),
        "combined_cost": _path("call_cost", "combined_cost"),
        "data_storage_setting": _path("data_storage_setting"),
        "direction": _path("direction"),
        "disconnection_reason": _path("disconnection_reason"),
        "duration_ms": _path("duration_ms"),
        "e2e_latency_p50": _path("latency", "e2e", "p50"),
        "end_timestamp": _path("end_timestamp"),
        "from_number": _path("from_number"),
        "in_voicemail": _path("call_analysis", "in_voicemail"),
        "start_timestamp": _path("start_timestamp"),
        "to_number": _path("to_number"),
        "user_sentiment": _path("call_analysis", "user_sentiment"),
    },
    keyed={
        "metadata": _path("metadata"),
        "dynamic_variables": _dynamic_variables,
        "custom_analysis_data": _path("call_analysis", "custom_analysis_data"),
        "custom_attributes": _path("_custom_attributes"),
    },
    agent_version=lambda doc: doc.get("agent_version"),
    tool_calls=_tool_calls,
)

CHAT_FILTERS = FilterSpec(
    scalars={
        "agent_number": _path("_agent_number"),
        "agent_tag": _path("agent_tag"),
        "chat_id": _path("chat_id"),
        "chat_status": _path("chat_status"),
        "chat_successful": _path("chat_analysis", "chat_successful"),
        "chat_type": _path("chat_type"),
        "combined_cost": _path("chat_cost", "combined_cost"),
        "data_storage_setting": _path("_data_storage_setting"),
        "direction": _path("_direction"),
        "disconnection_reason": _path("_disconnection_reason"),
        "duration_ms": _path("_duration_ms"),
        "end_timestamp": _path("end_timestamp"),
        "start_timestamp": _path("start_timestamp"),
        "user_number": _path("_user_number"),
        "user_sentiment": _path("chat_analysis", "user_sentiment"),
    },
    keyed={
        "custom_analysis_data": _path("chat_analysis", "custom_analysis_data"),
        "custom_attributes": _path("custom_attributes"),
    },
    agent_version=lambda doc: doc.get("version"),
)


def page_in_body(
    state: State,
    kind: str,
    body: Mapping[str, Any],
    spec: FilterSpec,
    *,
    id_field: str,
    render: Callable[[Document], Document],
) -> dict[str, Any]:
    """List-calls style paging: filter, sort by ``start_timestamp`` (creation time when unset), cursor, skip.

    The cursor is the id of the last item returned; ``total`` (with ``include_total``)
    counts every match, ignoring ``limit``, ``skip`` and ``pagination_key``.
    """
    criteria = body.get("filter_criteria") or {}
    problems = check_criteria(criteria)
    limit = body.get("limit", 50)
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    skip = body.get("skip", 0)
    if skip < 0:
        problems.append(f"skip must be at least 0, got {skip}")
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    descending = body.get("sort_order", "descending") == "descending"

    def sort_key(seq: int, doc: Document) -> tuple[int, int]:
        ts = doc.get("start_timestamp")
        return (int(ts if ts is not None else doc.get("_created_at", 0)), seq)

    matching = [(sort_key(seq, doc), doc) for seq, doc in state.store.list_latest(kind) if spec.matches(doc, criteria)]
    matching.sort(key=lambda pair: pair[0], reverse=descending)
    ordered = matching
    key = body.get("pagination_key")
    if key:
        cursor_doc, cursor_seq = state.store.get(kind, key), state.store.seq_of(kind, key)
        if cursor_doc is None or cursor_seq is None:
            raise bad_request(f"Invalid pagination_key {key!r}: no such {kind} (was it deleted?)")
        cursor = sort_key(cursor_seq, cursor_doc)
        ordered = [p for p in matching if (p[0] < cursor if descending else p[0] > cursor)]
    ordered = ordered[skip:]
    page = ordered[:limit]
    out: dict[str, Any] = {"items": [render(doc) for _, doc in page], "has_more": len(ordered) > limit}
    if out["has_more"]:
        out["pagination_key"] = page[-1][1][id_field]
    if body.get("include_total"):
        out["total"] = len(matching)
    return out
