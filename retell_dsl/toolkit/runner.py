"""Run toolkit operations against a ``retell.Retell`` client and turn results into JSON.

:func:`invoke` checks the arguments against the operation's SDK request type
before anything is sent (so a bad payload fails with the field's name, live or
emulated), calls the SDK, and returns plain JSON values. :func:`error_message`
turns any error the toolkit can raise into one line for people and AI agents.

>>> from retell_dsl.emulator import Emulator
>>> client = Emulator().client()
>>> voices = invoke("list_voices", client)
>>> isinstance(voices, list) and "voice_id" in voices[0]
True
>>> invoke("get_agent", client, {"agnet_id": "x"})
Traceback (most recent call last):
...
retell_dsl.SchemaError: agent_id: missing required field; agnet_id: unknown field (did you mean 'agent_id'?)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retell_dsl.errors import RetellDSLError, SchemaError
from retell_dsl.toolkit.catalog import get_operation
from retell_dsl.toolkit.operation import Operation
from retell_dsl.wire.hints import did_you_mean
from retell_dsl.wire.schema import check_payload, describe_value, summarize_problems

if TYPE_CHECKING:
    from retell import Retell

__all__ = ["MAX_PAGE", "check_arguments", "error_message", "invoke", "invoke_all", "to_json"]

#: The largest page the Retell API serves.
MAX_PAGE = 1000


def check_arguments(op: Operation, arguments: Mapping[str, Any] | None) -> tuple[dict[str, str], dict[str, Any]]:
    """Split ``arguments`` into path values and the body, or raise :class:`SchemaError` naming each bad field."""
    args = dict(arguments or {})
    problems: list[str] = []
    path: dict[str, str] = {}
    for param in op.path:
        value = args.pop(param.name, None)
        if value is None:
            problems.append(f"{param.name}: missing required field")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"{param.name}: expected a non-empty string, got {describe_value(value)}")
        else:
            path[param.name] = value
    files: dict[str, list[str]] = {}
    for name in op.file_fields:
        if name not in args:
            continue
        value = args.pop(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{name}: expected an array of file paths, got {describe_value(value)}")
            continue
        missing = [v for v in value if not Path(v).is_file()]
        if missing:
            problems.append(f"{name}: no such file {missing[0]!r}")
        files[name] = value
    body = args
    if op.params is None:
        problems += [f"{key}: unknown field ({op.name} takes no arguments)" for key in body]
    else:
        filled = {key: 0 for key in op.optional if key not in body}  # stand-ins for fields we fill in
        for issue in check_payload({**body, **filled}, op.params):
            # an unknown field may be a misspelt path parameter, which the SDK type lacks
            if issue.message == "unknown field" and (close := did_you_mean(issue.path, [p.name for p in op.path])):
                problems.append(f"{issue.path}: unknown field ({close})")
                continue
            problems.append(str(issue))
    if problems:
        raise SchemaError(summarize_problems(problems))
    body.update({name: [Path(v) for v in paths] for name, paths in files.items()})
    return path, body


def invoke(op: Operation | str, client: Retell, arguments: Mapping[str, Any] | None = None) -> Any:
    """Run one operation and return its result as JSON (dict, list); deletes return ``{"deleted": true, ...}``."""
    if isinstance(op, str):
        op = get_operation(op)
    path, body = check_arguments(op, arguments)
    if op.call is not None:
        result = op.call(client, path, body)
    else:
        resource, method = op.sdk.split(".")
        fn = getattr(getattr(client, resource), method)
        positional = [path[p.name] for p in op.path[:1]]
        keywords = {p.name: path[p.name] for p in op.path[1:]}
        result = fn(*positional, **keywords, **body)
    if result is None and op.kind == "destructive":
        return {"deleted": True, **path}
    return to_json(result)


def invoke_all(
    op: Operation | str, client: Retell, arguments: Mapping[str, Any] | None = None, *, limit: int | None = 50
) -> dict[str, Any]:
    """Run a paginated list operation page after page until ``limit`` items (``None``: all of them).

    Returns ``{"items": [...], "has_more": bool, "pagination_key": str | None}`` like one big page.
    """
    if isinstance(op, str):
        op = get_operation(op)
    if not op.paginated:
        raise RetellDSLError(f"{op.name} is not a paginated list")
    args = dict(arguments or {})
    items: list[Any] = []
    while True:
        want = MAX_PAGE if limit is None else min(MAX_PAGE, limit - len(items))
        page = invoke(op, client, {**args, "limit": want})
        items.extend(page.get("items") or [])
        key = page.get("pagination_key")
        more = bool(page.get("has_more")) and bool(key)
        if not more or (limit is not None and len(items) >= limit):
            extra = {k: v for k, v in page.items() if k not in ("items", "has_more", "pagination_key")}
            return {"items": items, "has_more": more, "pagination_key": key if more else None, **extra}
        args["pagination_key"] = key


def to_json(value: object) -> Any:
    """Convert SDK models (and lists of them) into plain JSON values with the API's key names.

    Numbers come out as the API sent them: the SDK declares counts, sizes and timestamps as
    ``float`` and turns the integers it receives into floats (``2`` into ``2.0``); the Retell API
    writes JSON from JavaScript, where a whole number is always written without a fraction, so
    whole floats in a model are given back as the integers they were.

    >>> from retell.types.batch_call_response import BatchCallResponse
    >>> from retell._models import construct_type
    >>> batch = construct_type(type_=BatchCallResponse, value={"batch_call_id": "b", "total_task_count": 2})
    >>> batch.total_task_count, to_json(batch)["total_task_count"]
    (2.0, 2)
    >>> to_json([{"temperature": 0.25, "file_size": 15.0}])
    [{'temperature': 0.25, 'file_size': 15}]
    """
    return _whole_numbers(_plain(value))


def _plain(value: object) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _whole_numbers(value: Any) -> Any:
    """``value`` with every whole, finite float (``15.0``) as an int (``15``)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    return value


def error_message(exc: BaseException) -> str:
    """One line describing an error from the toolkit, the SDK or the API (never contains the API key)."""
    import retell

    if isinstance(exc, retell.APIStatusError):
        body = exc.body
        message = body.get("message") if isinstance(body, dict) else None
        text = str(message) if message else (str(body) if body else exc.response.reason_phrase)
        return f"Retell API error {exc.status_code}: {text}"
    if isinstance(exc, retell.APITimeoutError):
        return "Retell API error: the request timed out"
    if isinstance(exc, retell.APIConnectionError):
        return f"Retell API error: could not connect ({exc.__cause__ or exc})"
    if isinstance(exc, RetellDSLError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
