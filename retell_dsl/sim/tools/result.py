"""What a tool call asks for and what it returned: frozen values the interpreter turns into events.

>>> call = ToolCall.from_arguments(name="get_weather", type="custom", arguments='{"city": "Paris"}')
>>> call.args
{'city': 'Paris'}
>>> failed = ToolResult.failure(call, ErrorKind.TIMEOUT, "timed out", source="http", duration_ms=5)
>>> (failed.successful, failed.error.kind.value, failed.content)
(False, 'timeout', 'timed out')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = ["ErrorKind", "ToolCall", "ToolError", "ToolResult", "ToolSource", "mock_hint"]

ToolSource = Literal["mock", "handler", "asgi", "http", "javascript", "none"]
"""Which way a call was executed (see :class:`~retell_dsl.sim.tools.dispatch.ToolRunner`)."""


class ErrorKind(StrEnum):
    """Why a tool call failed (stable values, safe to assert on)."""

    TIMEOUT = "timeout"
    HTTP_STATUS = "http_status"
    TOO_LARGE = "too_large"
    CONNECTION = "connection_error"
    INVALID_URL = "invalid_url"
    INVALID_ARGUMENTS = "invalid_arguments"
    HANDLER_ERROR = "handler_error"
    JS_ERROR = "js_error"
    JS_UNSUPPORTED = "js_unsupported"
    CODE_TOO_LONG = "code_too_long"
    ENGINE_ERROR = "engine_error"
    UNSUPPORTED_TOOL = "unsupported_tool"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall:
    """One call of a tool: the wire ``tool_call_invocation`` plus the parsed arguments.

    ``arguments`` is the raw JSON string the model produced (what Retell stores); ``args`` is its
    parsed object, or ``{}`` with ``arguments_error`` set when it is not a JSON object.

    >>> ToolCall.from_arguments(name="t", type="custom", arguments="[1]").arguments_error
    'the arguments must be a JSON object, got a list'
    """

    name: str
    type: str
    tool_call_id: str = ""
    tool_id: str | None = None
    arguments: str = "{}"
    args: Mapping[str, object] = field(default_factory=dict)
    arguments_error: str | None = None

    @classmethod
    def from_arguments(
        cls,
        *,
        name: str,
        type: str,
        arguments: str | Mapping[str, object] = "{}",
        tool_call_id: str = "",
        tool_id: str | None = None,
    ) -> ToolCall:
        """Parse ``arguments`` (a JSON string, or an already-parsed mapping) into a call.

        >>> ToolCall.from_arguments(name="t", type="code", arguments={"n": 1}).arguments
        '{"n":1}'
        """
        error: str | None = None
        parsed: Mapping[str, object] = {}
        if isinstance(arguments, Mapping):
            parsed = dict(arguments)
            raw = json.dumps(parsed, separators=(",", ":"), ensure_ascii=False, default=str)
        else:
            raw = arguments
            try:
                value = json.loads(arguments) if arguments.strip() else {}
            except ValueError as exc:
                error = f"the arguments are not valid JSON ({exc})"
            else:
                if isinstance(value, dict):
                    parsed = value
                else:
                    error = f"the arguments must be a JSON object, got {_json_kind(value)}"
        return cls(
            name=name,
            type=type,
            tool_call_id=tool_call_id,
            tool_id=tool_id,
            arguments=raw,
            args=parsed,
            arguments_error=error,
        )


def _json_kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


@dataclass(frozen=True, slots=True)
class ToolError:
    """A failure's kind and a message naming the tool and what to do about it."""

    kind: ErrorKind
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolResult:
    """The outcome of one :class:`ToolCall`; ``content`` is the wire ``tool_call_result`` content.

    ``variables`` are the dynamic variables set from ``response_variables`` (empty on failure);
    ``truncated`` says the content was cut at the 15 000-character cap; ``logs`` holds
    ``console.log`` lines of JavaScript; ``mock_result`` is a mock's boolean ``result``.

    >>> r = ToolResult(call=ToolCall(name="t", type="custom"), content="ok", successful=True, source="mock")
    >>> (r.error, dict(r.variables), r.attempts)
    (None, {}, 1)
    """

    call: ToolCall
    content: str
    successful: bool
    source: ToolSource
    variables: Mapping[str, str] = field(default_factory=dict)
    duration_ms: int = 0
    error: ToolError | None = None
    truncated: bool = False
    logs: tuple[str, ...] = ()
    attempts: int = 1
    status_code: int | None = None
    mock_result: bool | None = None

    @classmethod
    def failure(
        cls,
        call: ToolCall,
        kind: ErrorKind,
        message: str,
        *,
        source: ToolSource,
        duration_ms: int = 0,
        attempts: int = 1,
        status_code: int | None = None,
        logs: tuple[str, ...] = (),
    ) -> ToolResult:
        """A failed result whose content is the error message (what the model is told)."""
        return cls(
            call=call,
            content=message,
            successful=False,
            source=source,
            duration_ms=duration_ms,
            error=ToolError(kind, message),
            attempts=attempts,
            status_code=status_code,
            logs=logs,
        )


def mock_hint(tool_name: str) -> str:
    """How to take a tool out of the way in a local run (appended to failure messages).

    >>> mock_hint("book")
    '... {"tool_name": "book", "input_match_rule": {"type": "any"}, "output": "..."} ...'
    """
    mock = json.dumps({"tool_name": tool_name, "input_match_rule": {"type": "any"}, "output": "..."})
    return (
        f"To run without it, add a tool mock such as {mock} "
        f"or give the engine a Python handler or an ASGI app for {tool_name!r}."
    )
