"""Tool execution for the conversation engine: what happens when an agent calls a tool.

Works on the wire JSON of tools (Retell LLM ``general_tools`` / state ``tools``, conversation-flow
``tools``, code nodes). :class:`ToolRunner` answers a :class:`ToolCall` with a :class:`ToolResult`
through a Retell tool mock, an in-process Python handler, an ASGI app, a real HTTP request signed
like Retell (:mod:`retell_dsl.sim.tools.custom`) or JavaScript in V8
(:mod:`retell_dsl.sim.tools.javascript`). Every wait is bounded and failures come back as results.

>>> import asyncio
>>> call = ToolCall(name="end", type="end_call")
>>> result = asyncio.run(ToolRunner().run({"type": "end_call", "name": "end"}, call))
>>> result.successful, result.error.kind.value
(False, 'unsupported_tool')
"""

from __future__ import annotations

from retell_dsl.sim.tools.custom import (
    DEFAULT_TIMEOUT_MS,
    RESULT_CHAR_CAP,
    HttpPolicy,
    build_request,
    call_custom_function,
    request_body,
)
from retell_dsl.sim.tools.dispatch import ToolContext, ToolRunner
from retell_dsl.sim.tools.handlers import ASGIApp, Handler, asgi_client, call_handler
from retell_dsl.sim.tools.javascript import CODE_CHAR_LIMIT, DEFAULT_CODE_TIMEOUT_MS, JsPolicy, run_code
from retell_dsl.sim.tools.mocks import MOCK_IGNORING_TYPES, ToolMock, find_mock, parse_mocks
from retell_dsl.sim.tools.paths import extract_variables, lookup
from retell_dsl.sim.tools.result import ErrorKind, ToolCall, ToolError, ToolResult, ToolSource

__all__ = [
    "CODE_CHAR_LIMIT",
    "DEFAULT_CODE_TIMEOUT_MS",
    "DEFAULT_TIMEOUT_MS",
    "MOCK_IGNORING_TYPES",
    "RESULT_CHAR_CAP",
    "ASGIApp",
    "ErrorKind",
    "Handler",
    "HttpPolicy",
    "JsPolicy",
    "ToolCall",
    "ToolContext",
    "ToolError",
    "ToolMock",
    "ToolResult",
    "ToolRunner",
    "ToolSource",
    "asgi_client",
    "build_request",
    "call_custom_function",
    "call_handler",
    "extract_variables",
    "find_mock",
    "lookup",
    "parse_mocks",
    "request_body",
    "run_code",
]
