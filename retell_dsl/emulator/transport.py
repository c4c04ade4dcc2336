"""Adapters that carry requests to the core: httpx ``MockTransport`` (sync and async) and ASGI."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from retell_dsl.emulator.core import Core
from retell_dsl.emulator.messages import EmuRequest, EmuResponse

__all__ = ["asgi_app", "async_transport", "sync_transport"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _to_emu(request: httpx.Request, body: bytes) -> EmuRequest:
    raw = request.url.raw_path.decode("ascii", "replace")
    path, _, query = raw.partition("?")
    return EmuRequest.build(request.method, path, query, dict(request.headers), body)


def _to_httpx(resp: EmuResponse, request: httpx.Request) -> httpx.Response:
    return httpx.Response(resp.status, headers=dict(resp.headers), content=resp.body, request=request)


def sync_transport(core: Core) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        outcome = core.handle(_to_emu(request, request.read()))
        if outcome.latency_s:
            time.sleep(outcome.latency_s)
        if outcome.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return _to_httpx(outcome.response, request)

    return httpx.MockTransport(handler)


def async_transport(core: Core) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        outcome = core.handle(_to_emu(request, body))
        if outcome.latency_s:
            await asyncio.sleep(outcome.latency_s)
        if outcome.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return _to_httpx(outcome.response, request)

    return httpx.MockTransport(handler)


def asgi_app(core: Core) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The core as an ASGI application (served by uvicorn). Dropped connections close without a response."""
    import anyio.to_thread

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw_path = scope.get("raw_path") or scope["path"].encode()
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        req = EmuRequest.build(
            scope["method"],
            raw_path.decode("latin-1"),
            scope["query_string"].decode("latin-1"),
            headers,
            b"".join(chunks),
        )
        outcome = await anyio.to_thread.run_sync(core.handle, req)
        if outcome.latency_s:
            await asyncio.sleep(outcome.latency_s)
        if outcome.drop:
            # Start a response and never finish it: the server closes the connection, so the client
            # sees a broken connection (not an HTTP error status), as with a real drop.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
            return
        resp = outcome.response
        await send(
            {
                "type": "http.response.start",
                "status": resp.status,
                "headers": [(k.encode(), v.encode()) for k, v in resp.headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": resp.body})

    return app
