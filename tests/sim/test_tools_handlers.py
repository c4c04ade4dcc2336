"""In-process Python handlers and ASGI apps answering custom functions."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Mapping
from typing import Any

import retell.lib

from retell_dsl.sim.tools import ErrorKind, ToolCall, ToolContext, ToolResult, ToolRunner
from tests.sim.tool_fixtures import TOOL_API_KEY

CALL_OBJECT = {"call_id": "call_9"}


def run(coro: Coroutine[Any, Any, ToolResult]) -> ToolResult:
    return asyncio.run(coro)


def tool(**fields: object) -> dict[str, object]:
    return {"type": "custom", "name": "lookup", "url": "https://tools.example.com/lookup", **fields}


def lookup_call(**args: object) -> ToolCall:
    return ToolCall.from_arguments(name="lookup", type="custom", arguments=dict(args))


def with_handler(handler: Any, **fields: object) -> ToolResult:
    runner = ToolRunner(handlers={"lookup": handler})
    return run(runner.run(tool(**fields), lookup_call(order="A1"), ToolContext(call_object=CALL_OBJECT)))


def test_a_sync_handler_gets_args_and_the_call_object() -> None:
    seen: list[tuple[Mapping[str, object], Mapping[str, object]]] = []

    def handler(args: Mapping[str, object], call: Mapping[str, object]) -> dict[str, object]:
        seen.append((args, call))
        return {"status": "shipped", "eta": {"day": "Fri"}}

    result = with_handler(handler, response_variables={"st": "status", "day": "eta.day"})
    assert seen == [({"order": "A1"}, CALL_OBJECT)]
    assert (result.source, result.successful) == ("handler", True)
    assert result.content == '{"status":"shipped","eta":{"day":"Fri"}}'
    assert dict(result.variables) == {"st": "shipped", "day": "Fri"}


def test_an_async_handler_is_awaited() -> None:
    async def handler(args: Mapping[str, object], call: Mapping[str, object]) -> str:
        await asyncio.sleep(0.01)
        return f"order {args['order']} for {call['call_id']}"

    assert with_handler(handler).content == "order A1 for call_9"


def test_an_async_callable_object_is_awaited() -> None:
    class Handler:
        async def __call__(self, args: Mapping[str, object], call: Mapping[str, object]) -> str:
            return "object"

    assert with_handler(Handler()).content == "object"


def test_a_raising_handler_is_a_failed_result_with_its_message() -> None:
    def handler(args: Mapping[str, object], call: Mapping[str, object]) -> str:
        raise LookupError("no order A1")

    result = with_handler(handler)
    assert not result.successful and result.error is not None
    assert result.error.kind is ErrorKind.HANDLER_ERROR
    assert "'lookup'" in result.content and "LookupError: no order A1" in result.content
    assert "Traceback" not in result.content and result.variables == {}


def test_a_hanging_sync_handler_is_abandoned_at_the_tool_timeout() -> None:
    release = threading.Event()

    def handler(args: Mapping[str, object], call: Mapping[str, object]) -> str:
        release.wait(20)
        return "too late"

    started = time.monotonic()
    result = with_handler(handler, timeout_ms=300)
    assert time.monotonic() - started < 2
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT
    assert "300 ms" in result.content
    # the abandoned thread finishing after its event loop closed must not raise in that thread
    errors: list[threading.ExceptHookArgs] = []
    hook = threading.excepthook
    threading.excepthook = errors.append
    try:
        release.set()
        deadline = time.monotonic() + 5
        while any(t.name == "retell-dsl-tool-handler" for t in threading.enumerate()):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        threading.excepthook = hook
    assert errors == []


def test_a_hanging_async_handler_is_cancelled_at_the_tool_timeout() -> None:
    cancelled = []

    async def handler(args: Mapping[str, object], call: Mapping[str, object]) -> str:
        try:
            await asyncio.sleep(20)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return "too late"

    started = time.monotonic()
    result = with_handler(handler, timeout_ms=300)
    assert time.monotonic() - started < 2
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT and cancelled == [True]


def test_a_handler_result_over_the_cap_is_truncated() -> None:
    result = with_handler(lambda args, call: "z" * 20_000)
    assert result.truncated and result.content == "z" * 15_000


class SignedApp:
    """A bare ASGI app that verifies the signature the way a user's FastAPI service would."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        valid = retell.lib.verify(body.decode(), TOOL_API_KEY, headers.get("x-retell-signature", ""))  # type: ignore[no-untyped-call]
        self.seen.append({"method": scope["method"], "path": scope["path"], "query": scope["query_string"],
                          "headers": headers, "body": body, "valid": valid})  # fmt: skip
        status = 200 if valid else 401
        start = {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
        await send(start)
        await send({"type": "http.response.body", "body": json.dumps({"valid": valid, "n": len(body)}).encode()})


def test_an_asgi_app_receives_the_same_signed_request_as_a_server() -> None:
    app = SignedApp()
    runner = ToolRunner(api_key=TOOL_API_KEY, asgi_apps={"lookup": app})
    wire = tool(query_params={"v": "2"}, headers={"X-Tenant": "acme"}, response_variables={"valid": "valid"})
    result = run(runner.run(wire, lookup_call(order="A1"), ToolContext(call_object=CALL_OBJECT)))
    assert (result.source, result.successful, dict(result.variables)) == ("asgi", True, {"valid": "true"})
    [seen] = app.seen
    assert seen["valid"] is True
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/lookup", b"v=2")
    assert seen["headers"]["x-tenant"] == "acme" and seen["headers"]["content-type"] == "application/json"
    assert json.loads(seen["body"]) == {"name": "lookup", "call": CALL_OBJECT, "args": {"order": "A1"}}


def test_an_asgi_app_rejecting_the_signature_is_an_http_failure() -> None:
    app = SignedApp()
    result = run(ToolRunner(api_key="wrong", asgi_apps={"lookup": app}).run(tool(), lookup_call()))
    assert result.error is not None and result.error.kind is ErrorKind.HTTP_STATUS and result.status_code == 401


def test_an_asgi_app_that_raises_is_a_failed_result() -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("database is down")

    result = run(ToolRunner(asgi_apps={"lookup": broken}).run(tool(), lookup_call()))
    assert result.error is not None and result.error.kind is ErrorKind.HANDLER_ERROR
    assert "RuntimeError: database is down" in result.content and result.source == "asgi"


def test_a_hanging_asgi_app_times_out() -> None:
    async def stuck(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(30)

    started = time.monotonic()
    result = run(ToolRunner(asgi_apps={"lookup": stuck}).run(tool(timeout_ms=300), lookup_call()))
    assert time.monotonic() - started < 2
    assert result.error is not None and result.error.kind is ErrorKind.TIMEOUT


def test_asgi_apps_only_answer_custom_functions() -> None:
    app = SignedApp()
    result = run(ToolRunner(asgi_apps={"lookup": app}).run({"type": "transfer_call", "name": "lookup"}, lookup_call()))
    assert result.error is not None and result.error.kind is ErrorKind.UNSUPPORTED_TOOL and app.seen == []
