"""The tool runner: picks how each call is answered and never lets a failure escape.

Order, first that applies wins (``ToolResult.source`` reports which was used):

1. ``mock``: a Retell tool mock matching the name and arguments (not for the types that ignore
   mocks: end call, press digit, extract variables, agent swap, MCP);
2. ``handler``: an in-process Python handler registered under the tool's name;
3. ``asgi``: an ASGI app registered under the tool's name (custom functions only), sent the same
   signed request a network server would get;
4. the real thing: ``http`` for ``custom`` tools, ``javascript`` for ``code`` tools.

Any other tool type (transfers, end call, SMS, MCP…) is the conversation engine's to simulate and
comes back as a failed ``unsupported_tool`` result. Arguments that are not a JSON object fail
before anything runs.

>>> import asyncio
>>> runner = ToolRunner(mocks=[{"tool_name": "lookup", "input_match_rule": {"type": "any"},
...                              "output": '{"status": "shipped"}'}])
>>> tool = {"type": "custom", "name": "lookup", "url": "http://127.0.0.1:9/x",
...         "response_variables": {"order_status": "status"}}
>>> result = asyncio.run(runner.run(tool, ToolCall.from_arguments(name="lookup", type="custom")))
>>> result.source, result.content, dict(result.variables)
('mock', '{"status": "shipped"}', {'order_status': 'shipped'})
>>> runner.unused_mocks()
()
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import httpx

from retell_dsl.sim.tools.custom import DEFAULT_TIMEOUT_MS, HttpPolicy, call_custom_function
from retell_dsl.sim.tools.handlers import ASGIApp, Handler, asgi_client, call_handler
from retell_dsl.sim.tools.javascript import JsPolicy, run_code
from retell_dsl.sim.tools.mocks import MOCK_IGNORING_TYPES, ToolMock, parse_mocks
from retell_dsl.sim.tools.paths import extract_variables
from retell_dsl.sim.tools.result import ErrorKind, ToolCall, ToolResult

__all__ = ["ToolContext", "ToolRunner"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolContext:
    """What the conversation supplies to a call: the call object, dynamic variables, metadata.

    >>> ToolContext(dynamic_variables={"name": "Ann"}).dynamic_variables["name"]
    'Ann'
    """

    call_object: Mapping[str, object] = field(default_factory=dict)
    dynamic_variables: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, object] = field(default_factory=dict)


def _str_map(value: object) -> dict[str, str] | None:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else None


class ToolRunner:
    """Executes the tool calls of one conversation (or many: it holds no per-call state but mock usage).

    ``api_key`` signs custom-function requests (the account key the user's server verifies with);
    ``substitute`` replaces ``{{variables}}`` in URLs, header values and query values;
    ``http_client`` is used for network calls when given (else one client per call).
    """

    def __init__(
        self,
        *,
        api_key: str = "",
        mocks: Iterable[Mapping[str, object] | ToolMock] = (),
        handlers: Mapping[str, Handler] | None = None,
        asgi_apps: Mapping[str, ASGIApp] | None = None,
        substitute: Callable[[str], str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        http_policy: HttpPolicy | None = None,
        js_policy: JsPolicy | None = None,
    ) -> None:
        self._api_key = api_key
        self._mocks = parse_mocks(mocks)
        self._used: set[int] = set()
        self._handlers = dict(handlers or {})
        self._apps = dict(asgi_apps or {})
        self._substitute = substitute
        self._client = http_client
        self._http_policy = http_policy or HttpPolicy()
        self._js_policy = js_policy or JsPolicy()

    @property
    def mocks(self) -> tuple[ToolMock, ...]:
        """The parsed tool mocks, in match order."""
        return self._mocks

    def unused_mocks(self) -> tuple[ToolMock, ...]:
        """Mocks no call has used yet (a test that registers one usually expects it to be hit)."""
        return tuple(m for i, m in enumerate(self._mocks) if i not in self._used)

    async def run(self, tool: Mapping[str, object], call: ToolCall, context: ToolContext | None = None) -> ToolResult:
        """Answer ``call`` of the wire ``tool``; always returns a result, never raises for the tool's faults."""
        context = context or ToolContext()
        started = time.monotonic()
        try:
            return await self._run(tool, call, context)
        except Exception as exc:  # the runner's promise: a clear failed result, never a traceback
            return ToolResult.failure(
                call,
                ErrorKind.ENGINE_ERROR,
                f"Tool {call.name!r} could not be run by the local engine: {type(exc).__name__}: {exc}",
                source="none",
                duration_ms=int((time.monotonic() - started) * 1000),
            )

    async def run_code_node(self, node: Mapping[str, object], context: ToolContext | None = None) -> ToolResult:
        """Run a conversation-flow ``code`` node (its call has ``type`` ``"code_node"``; mocks do not apply)."""
        context = context or ToolContext()
        name = str(node.get("name") or node.get("id") or "code")
        call = ToolCall(name=name, type="code_node", tool_id=str(node.get("id") or "") or None)
        return await run_code(
            call,
            str(node.get("code") or ""),
            dv=context.dynamic_variables,
            metadata=context.metadata,
            timeout_ms=_int(node.get("timeout_ms")),
            response_variables=_str_map(node.get("response_variables")),
            policy=self._js_policy,
        )

    async def _run(self, tool: Mapping[str, object], call: ToolCall, context: ToolContext) -> ToolResult:
        kind = str(tool.get("type") or call.type)
        variables_map = _str_map(tool.get("response_variables"))
        if call.arguments_error is not None:
            return ToolResult.failure(
                call, ErrorKind.INVALID_ARGUMENTS, f"Tool {call.name!r} was called with bad arguments: "
                f"{call.arguments_error}.", source="none",
            )  # fmt: skip
        if kind not in MOCK_IGNORING_TYPES:
            for index, mock in enumerate(self._mocks):
                if mock.matches(call.name, call.args):
                    self._used.add(index)
                    return ToolResult(
                        call=call,
                        content=mock.output,
                        successful=True,
                        source="mock",
                        variables=extract_variables(mock.output, variables_map),
                        mock_result=mock.result,
                    )
        handler = self._handlers.get(call.name)
        if handler is not None:
            return await call_handler(
                handler,
                call,
                call_object=context.call_object,
                timeout_ms=_int(tool.get("timeout_ms")) or DEFAULT_TIMEOUT_MS,
                response_variables=variables_map,
                result_chars=self._http_policy.result_chars,
            )
        app = self._apps.get(call.name)
        if kind == "custom" and app is not None:
            async with asgi_client(app) as client:
                return await self._custom(tool, call, context, client, "asgi")
        if kind == "custom":
            if self._client is not None:
                return await self._custom(tool, call, context, self._client, "http")
            async with httpx.AsyncClient() as client:
                return await self._custom(tool, call, context, client, "http")
        if kind == "code":
            return await run_code(
                call,
                str(tool.get("code") or ""),
                dv=context.dynamic_variables,
                metadata=context.metadata,
                timeout_ms=_int(tool.get("timeout_ms")),
                response_variables=variables_map,
                policy=self._js_policy,
            )
        return ToolResult.failure(
            call,
            ErrorKind.UNSUPPORTED_TOOL,
            f"Tool {call.name!r} has type {kind!r}, which the local tool runner does not execute "
            "(the conversation engine simulates built-in tools; only custom and code tools run here).",
            source="none",
        )

    async def _custom(
        self,
        tool: Mapping[str, object],
        call: ToolCall,
        context: ToolContext,
        client: httpx.AsyncClient,
        source: str,
    ) -> ToolResult:
        return await call_custom_function(
            tool,
            call,
            client=client,
            api_key=self._api_key,
            call_object=context.call_object,
            substitute=self._substitute,
            policy=self._http_policy,
            source="asgi" if source == "asgi" else "http",
        )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
