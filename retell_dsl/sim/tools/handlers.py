"""Tools answered in-process: a Python handler, or an ASGI app reached with no port.

A handler is any callable ``handler(args, call)`` (``args`` the parsed arguments, ``call`` the call
object the engine passes), plain or ``async``. It is bounded by the tool's ``timeout_ms``: an
``async`` handler is cancelled at the deadline; a plain one runs in a daemon thread that is
abandoned at the deadline (Python cannot stop a thread; the daemon flag keeps it from holding the
process open at exit). An exception becomes a failed result carrying its type and message, never
a traceback. The return value becomes the content: a string as it is, bytes decoded as UTF-8,
anything else as JSON; ``response_variables`` are read from it; the 15 000-character cap applies.

An ASGI app (a FastAPI/Starlette service under test) gets exactly the request a network server
would (same body, headers and signature) through ``httpx.ASGITransport``; see :func:`asgi_client`.
``ASGITransport`` buffers the app's whole response before the cap applies.

>>> import asyncio
>>> call = ToolCall(name="add", type="custom", args={"a": 2, "b": 3})
>>> result = asyncio.run(call_handler(lambda args, c: {"sum": args["a"] + args["b"]}, call,
...                                   call_object={}, timeout_ms=1000, response_variables={"s": "sum"}))
>>> result.content, dict(result.variables), result.source
('{"sum":5}', {'s': '5'}, 'handler')
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from retell_dsl.sim.tools.custom import RESULT_CHAR_CAP
from retell_dsl.sim.tools.paths import extract_variables
from retell_dsl.sim.tools.result import ErrorKind, ToolCall, ToolResult

__all__ = ["ASGIApp", "Handler", "asgi_client", "call_handler", "result_text"]

Handler = Callable[[Mapping[str, object], Mapping[str, object]], object]
"""``handler(args, call) -> result`` (or an awaitable of it)."""

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
"""An ASGI 3 application ``app(scope, receive, send)``."""


def result_text(value: object) -> str:
    """A handler's return value as tool-result content.

    >>> result_text("ok"), result_text(b"ok"), result_text({"a": 1}), result_text(None)
    ('ok', 'ok', '{"a":1}', 'null')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


async def _in_daemon_thread(fn: Callable[[], object], timeout_s: float) -> object:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[object] = loop.create_future()

    def settle(outcome: object, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(outcome)

    def work() -> None:
        try:
            outcome, error = fn(), None
        except BaseException as exc:  # handed to the awaiting task, never lost in the thread
            outcome, error = None, exc
        # an abandoned handler may finish after the caller's event loop has closed: nobody waits then
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, outcome, error)

    threading.Thread(target=work, name="retell-dsl-tool-handler", daemon=True).start()
    return await asyncio.wait_for(future, timeout_s)


async def call_handler(
    handler: Handler,
    call: ToolCall,
    *,
    call_object: Mapping[str, object],
    timeout_ms: int,
    response_variables: Mapping[str, str] | None = None,
    result_chars: int = RESULT_CHAR_CAP,
) -> ToolResult:
    """Run ``handler`` for ``call`` within ``timeout_ms``; never raises for what the handler does."""
    started = time.monotonic()
    timeout_s = timeout_ms / 1000
    try:
        async with asyncio.timeout(timeout_s):
            if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
                getattr(handler, "__call__", None)  # noqa: B004 - async callable objects
            ):
                value = await handler(dict(call.args), call_object)  # type: ignore[misc]
            else:
                value = await _in_daemon_thread(lambda: handler(dict(call.args), call_object), timeout_s)
            if inspect.isawaitable(value):
                value = await value
    except TimeoutError:
        return ToolResult.failure(
            call,
            ErrorKind.TIMEOUT,
            f"Tool {call.name!r} (Python handler {_describe(handler)}) did not return within {timeout_ms} ms; "
            "make it faster or raise the tool's timeout_ms.",
            source="handler",
            duration_ms=_ms(started),
        )
    except Exception as exc:
        return ToolResult.failure(
            call,
            ErrorKind.HANDLER_ERROR,
            f"Tool {call.name!r} (Python handler {_describe(handler)}) raised {type(exc).__name__}: {exc}",
            source="handler",
            duration_ms=_ms(started),
        )
    text = result_text(value)
    truncated = len(text) > result_chars
    content = text[:result_chars]
    return ToolResult(
        call=call,
        content=content,
        successful=True,
        source="handler",
        variables={} if truncated else extract_variables(content, response_variables),
        duration_ms=_ms(started),
        truncated=truncated,
    )


def asgi_client(app: ASGIApp) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose requests go straight into ``app`` (no port, no network).

    App exceptions are re-raised by the transport and become failed results in
    :func:`~retell_dsl.sim.tools.custom.call_custom_function`.
    """
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app))


def _describe(handler: object) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__name__


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
