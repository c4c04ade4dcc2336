"""Reading requests: strict JSON bodies checked against the SDK's request types, and query parameters.

Every request body goes through one strict decoder, :func:`loads_strict`, which refuses what
a JavaScript ``JSON.parse`` would refuse or what could not be stored faithfully:

* ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON; Python's ``json`` accepts them);
* numbers outside JavaScript's safe integer range ±(2**53 - 1), including ``1e400``
  (which would decode to an infinite float) and 20-digit integers that SQLite cannot hold;
* strings and keys holding lone UTF-16 surrogates (``"\\ud800"``), which are not Unicode
  text and cannot be encoded as UTF-8;
* arrays and objects nested more than :data:`MAX_DEPTH` deep, checked *before* decoding,
  so no document, however deep, can exhaust Python's recursion limit.

Each refusal is a 400 with Retell's error body naming the problem and where it is.

The bodies of stored objects (:data:`LENIENT_SCHEMAS`: agents, Retell LLMs, conversation flows,
components, phone numbers; created or updated) are checked with the *lenient* policy of
:func:`retell_dsl.wire.check_payload`, as Retell does: keys the SDK does not list and values of
open catalogues (model names, voice models, tool types of other API versions) are stored and
echoed, not refused. Each request that had some gets the header ``x-retell-emulator-warning``
(and a log line) naming them: see ``retell_dsl.emulator.domain.tolerance``.
What Retell rejects (types of known fields, required fields, closed enums) is still a 400, and
every other body (calls, chats, filters, tests) stays strict.

>>> loads_strict(b'{"a": [1, 2.5, "x"]}')
{'a': [1, 2.5, 'x']}
>>> loads_strict(b'{"a": NaN}')
Traceback (most recent call last):
...
retell_dsl.emulator.errors.ApiError: Invalid request format, please check API reference: a: NaN is not valid JSON
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from itertools import accumulate
from typing import Any

from retell_dsl.emulator.domain.tolerance import tolerated
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.messages import EmuRequest
from retell_dsl.wire import check_payload

__all__ = [
    "LENIENT_SCHEMAS",
    "MAX_DEPTH",
    "MAX_JSON_BODY_BYTES",
    "MAX_MULTIPART_BODY_BYTES",
    "MAX_SAFE_INTEGER",
    "body_limit",
    "json_body",
    "loads_strict",
    "query_bool",
    "query_int",
    "query_str",
    "too_large",
]

#: SDK request types (by name) of the objects Retell stores and echoes whole: unknown keys and
#: open-catalogue values in them are tolerated (see ``retell_dsl.wire.schema``'s policy).
LENIENT_SCHEMAS = frozenset({
    "AgentCreateParams", "AgentUpdateParams", "ChatAgentCreateParams", "ChatAgentUpdateParams",
    "LlmCreateParams", "LlmUpdateParams", "ConversationFlowCreateParams", "ConversationFlowUpdateParams",
    "ConversationFlowComponentCreateParams", "ConversationFlowComponentUpdateParams",
    "PhoneNumberCreateParams", "PhoneNumberImportParams", "PhoneNumberUpdateParams",
})  # fmt: skip

#: Deepest nesting of arrays and objects accepted in a JSON body (``[]`` is depth 1). Real Retell
#: payloads (flows, tool parameter schemas, metadata) stay far below it.
MAX_DEPTH = 64
#: JavaScript's ``Number.MAX_SAFE_INTEGER``: every number in a body must lie within ± this.
MAX_SAFE_INTEGER = 2**53 - 1
#: Largest JSON (or other non-multipart) body accepted: 10 MiB, as common API gateways allow.
MAX_JSON_BODY_BYTES = 10 * 1024 * 1024
#: Largest multipart body accepted: one knowledge-base file at Retell's documented 50 MB limit
#: plus room for the form fields (retell-api.md §1.7).
MAX_MULTIPART_BODY_BYTES = 64 * 1024 * 1024

_INVALID = "Invalid request format, please check API reference"
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\ud800-\udfff]")
_INTEGER = re.compile(r"-?[0-9]+")
_MAX_INT_DIGITS = len(str(MAX_SAFE_INTEGER))


def body_limit(content_type: str | None) -> int:
    """The largest body accepted with this content type (multipart uploads may be larger)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    return MAX_MULTIPART_BODY_BYTES if media_type == "multipart/form-data" else MAX_JSON_BODY_BYTES


def too_large(limit: int, size: int | None = None) -> ApiError:
    """The 413 for a body over ``limit`` bytes (``size`` when known)."""
    got = f"the body has {size} bytes" if size is not None else "the body is larger than that"
    mib = limit // 1048576
    return ApiError(413, f"Request entity too large: at most {limit} bytes ({mib} MiB) are accepted; {got}")


class _Constant:
    """What ``NaN``/``Infinity`` decode to, so the walk can report where they are."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _LongInteger:
    """An integer literal too long to be converted (and certainly out of range)."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _parse_int(digits: str) -> int | _LongInteger:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS + 1 else _LongInteger(digits)


def _depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (an upper bound when ``text`` is not valid JSON)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    openers = brackets.count("[") + brackets.count("{")
    if openers <= MAX_DEPTH:
        return openers
    return max(accumulate(map(_DELTA.__getitem__, brackets)))


def _join(path: str, key: str) -> str:
    shown = key if len(key) <= 40 and not _SURROGATE.search(key) else ascii(key)[:40] + "..."
    return f"{path}.{shown}" if path else shown


def _value_problems(value: Any) -> list[str]:
    """Every non-finite or unsafe number and every lone surrogate in a decoded value, with its path."""
    problems: list[str] = []
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        where = f"{path}: " if path else ""
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                if _SURROGATE.search(key):
                    problems.append(f"{_join(path, key)}: the key holds a lone UTF-16 surrogate (not valid Unicode)")
                stack.append((child, _join(path, key)))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in reversed(list(enumerate(item))))
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                problems.append(f"{where}the string holds a lone UTF-16 surrogate (not valid Unicode)")
        elif isinstance(item, _Constant):
            problems.append(f"{where}{item.name} is not valid JSON")
        elif isinstance(item, _LongInteger):
            shown = item.digits if len(item.digits) <= 30 else item.digits[:27] + "..."
            problems.append(f"{where}number {shown} is outside the safe range ±{MAX_SAFE_INTEGER}")
        elif (
            isinstance(item, int | float)
            and not isinstance(item, bool)
            and (not math.isfinite(item) or abs(item) > MAX_SAFE_INTEGER)
        ):
            problems.append(f"{where}number {item!r} is outside the safe range ±{MAX_SAFE_INTEGER}")
    return problems


def loads_strict(raw: bytes | str) -> Any:
    """Decode a JSON document the way a strict JavaScript API would, or raise a 400 :class:`ApiError`."""
    try:
        text = raw if isinstance(raw, str) else raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError as exc:
        raise bad_request(f"Invalid request format: the body is not valid JSON ({exc})") from None
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise bad_request(f"{_INVALID}: arrays and objects nest {depth} deep; at most {MAX_DEPTH} levels are accepted")
    try:
        value = json.loads(text, parse_constant=_Constant, parse_int=_parse_int)
    except ValueError as exc:
        raise bad_request(f"Invalid request format: the body is not valid JSON ({exc})") from None
    problems = _value_problems(value)
    if problems:
        raise bad_request(_INVALID, problems)
    return value


def json_body(
    req: EmuRequest, schema: object, *, query_keys: Collection[str] = (), allow_empty: bool = True
) -> dict[str, Any]:
    """Parse a JSON object body with :func:`loads_strict` and check it against ``schema`` (an SDK TypedDict).

    ``query_keys`` are fields the SDK type declares but sends in the query string;
    they are not accepted in the body. Every problem Retell rejects is reported in one 400; what it
    tolerates (unknown keys, open-catalogue values) is kept and reported through :func:`tolerated`.
    """
    content_type = (req.header("content-type") or "").split(";")[0].strip().lower()
    if not req.body.strip():
        if allow_empty:
            data: Any = {}
        else:
            raise bad_request(f"{_INVALID}: the body is empty")
    else:
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            raise bad_request(f"Invalid request format: expected a JSON body, got content type {content_type!r}")
        data = loads_strict(req.body)
    if not isinstance(data, dict):
        raise bad_request("Invalid request format: the body must be a JSON object")
    problems = [f"{key}: unknown field (it is a query parameter)" for key in data if key in query_keys]
    body_only = {k: v for k, v in data.items() if k not in query_keys}
    lenient = getattr(schema, "__name__", "") in LENIENT_SCHEMAS
    issues = [i for i in check_payload(body_only, schema) if i.path.split(".")[0].split("[")[0] not in query_keys]
    problems.extend(str(i) for i in issues if not (lenient and i.tolerated))
    issues = [i for i in issues if lenient and i.tolerated]
    if not problems:
        tolerated([str(i) for i in issues])
    if problems:
        raise bad_request(_INVALID, problems)
    return body_only


def query_str(req: EmuRequest, name: str) -> str | None:
    return req.query_one(name)


def query_int(req: EmuRequest, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """An integer query parameter; a 400 unless it is plain digits within bounds (always within ±2**53 - 1)."""
    raw = req.query_one(name)
    if raw is None or raw == "":
        return None
    if not _INTEGER.fullmatch(raw):
        raise bad_request(f"Query parameter {name} must be an integer, got {raw[:40]!r}")
    low = -MAX_SAFE_INTEGER if minimum is None else max(minimum, -MAX_SAFE_INTEGER)
    high = MAX_SAFE_INTEGER if maximum is None else min(maximum, MAX_SAFE_INTEGER)
    shown = raw if len(raw) <= 30 else raw[:27] + "..."
    if len(raw.lstrip("-")) > _MAX_INT_DIGITS + 1:
        raise bad_request(f"Query parameter {name} must be between {low} and {high}, got {shown}")
    value = int(raw)
    if value < low:
        raise bad_request(f"Query parameter {name} must be at least {low}, got {value}")
    if value > high:
        raise bad_request(f"Query parameter {name} must be at most {high}, got {value}")
    return value


def query_bool(req: EmuRequest, name: str) -> bool | None:
    raw = req.query_one(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad_request(f"Query parameter {name} must be true or false, got {raw[:40]!r}")
