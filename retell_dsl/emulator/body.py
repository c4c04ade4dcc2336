"""Reading requests: JSON bodies checked against the SDK's request types, and query parameters."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.messages import EmuRequest
from retell_dsl.wire import check_payload

__all__ = ["json_body", "query_bool", "query_int", "query_str"]


def json_body(
    req: EmuRequest, schema: object, *, query_keys: Collection[str] = (), allow_empty: bool = True
) -> dict[str, Any]:
    """Parse a JSON object body and check it against ``schema`` (an SDK TypedDict).

    ``query_keys`` are fields the SDK type declares but sends in the query string;
    they are not accepted in the body. Every problem is reported in one 400.
    """
    content_type = (req.header("content-type") or "").split(";")[0].strip().lower()
    if not req.body.strip():
        if allow_empty:
            data: Any = {}
        else:
            raise bad_request("Invalid request format, please check API reference: the body is empty")
    else:
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            raise bad_request(f"Invalid request format: expected a JSON body, got content type {content_type!r}")
        try:
            data = json.loads(req.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request(f"Invalid request format: the body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise bad_request("Invalid request format: the body must be a JSON object")
    problems = [f"{key}: unknown field (it is a query parameter)" for key in data if key in query_keys]
    body_only = {k: v for k, v in data.items() if k not in query_keys}
    issues = check_payload(body_only, schema)
    problems.extend(str(i) for i in issues if i.path.split(".")[0].split("[")[0] not in query_keys)
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    return body_only


def query_str(req: EmuRequest, name: str) -> str | None:
    return req.query_one(name)


def query_int(req: EmuRequest, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    raw = req.query_one(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Query parameter {name} must be an integer, got {raw[:40]!r}") from None
    if minimum is not None and value < minimum:
        raise bad_request(f"Query parameter {name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise bad_request(f"Query parameter {name} must be at most {maximum}, got {value}")
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
