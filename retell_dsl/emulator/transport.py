"""Adapters that carry requests to the core: httpx ``MockTransport`` (sync and async) and ASGI."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from retell_dsl.emulator.body import body_limit, too_large
from retell_dsl.emulator.core import Core, error_response
from retell_dsl.emulator.messages import EmuRequest, EmuResponse

__all__ = ["DRAIN_LIMIT_BYTES", "asgi_app", "async_transport", "sync_transport"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


#: How much of an oversized body the ASGI adapter reads (and throws away) before it answers 413, so that
#: a client still sending can read the answer; past this it stops reading and the connection closes.
DRAIN_LIMIT_BYTES = 256 * 1024 * 1024


def _too_large(limit: int, size: int | None = None) -> EmuResponse:
    err = too_large(limit, size)
    return error_response(err.status, err.message)


class _BoundedMockTransport(httpx.MockTransport):
    """A ``MockTransport`` that leaves reading the body to the handler (httpx's reads all of it first)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.handler(request)
        if not isinstance(response, httpx.Response):
            raise TypeError("Cannot use an async handler in a sync Client")
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self.handler(request)
        return response if isinstance(response, httpx.Response) else await response


def _sync_body(request: httpx.Request, limit: int) -> bytes | None:
    """The request body, read chunk by chunk; ``None`` as soon as it exceeds ``limit`` bytes."""
    if isinstance(request.stream, httpx.ByteStream) or not isinstance(request.stream, httpx.SyncByteStream):
        body = request.read()  # already in memory: the client built it
        return body if len(body) <= limit else None
    chunks: list[bytes] = []
    size = 0
    for chunk in request.stream:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _async_body(request: httpx.Request, limit: int) -> bytes | None:
    if isinstance(request.stream, httpx.ByteStream) or not isinstance(request.stream, httpx.AsyncByteStream):
        body = await request.aread()
        return body if len(body) <= limit else None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _to_emu(request: httpx.Request, body: bytes) -> EmuRequest:
    raw = request.url.raw_path.decode("ascii", "replace")
    path, _, query = raw.partition("?")
    return EmuRequest.build(request.method, path, query, request.headers.multi_items(), body)


def _to_httpx(resp: EmuResponse, request: httpx.Request) -> httpx.Response:
    return httpx.Response(resp.status, headers=dict(resp.headers), content=resp.body, request=request)


def sync_transport(core: Core) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        limit = body_limit(request.headers.get("content-type"))
        body = _sync_body(request, limit)
        if body is None:
            return _to_httpx(_too_large(limit), request)
        outcome = core.handle(_to_emu(request, body))
        if outcome.latency_s:
            time.sleep(outcome.latency_s)
        if outcome.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return _to_httpx(outcome.response, request)

    return _BoundedMockTransport(handler)


def async_transport(core: Core) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        limit = body_limit(request.headers.get("content-type"))
        body = await _async_body(request, limit)
        if body is None:
            return _to_httpx(_too_large(limit), request)
        outcome = core.handle(_to_emu(request, body))
        if outcome.latency_s:
            await asyncio.sleep(outcome.latency_s)
        if outcome.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return _to_httpx(outcome.response, request)

    return _BoundedMockTransport(handler)


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
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        limit = body_limit(next((v for k, v in headers if k.lower() == "content-type"), None))
        body = await _receive_body(receive, headers, limit)
        if body is None:
            await _send(send, _too_large(limit))
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        req = EmuRequest.build(
            scope["method"],
            raw_path.decode("latin-1"),
            scope["query_string"].decode("latin-1"),
            headers,
            body,
        )
        outcome = await anyio.to_thread.run_sync(core.handle, req)
        if outcome.latency_s:
            await asyncio.sleep(outcome.latency_s)
        if outcome.drop:
            # Start a response and never finish it: the server closes the connection, so the client
            # sees a broken connection (not an HTTP error status), as with a real drop.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
            return
        await _send(send, outcome.response)

    return app


async def _receive_body(receive: Receive, headers: list[tuple[str, str]], limit: int) -> bytes | None:
    """The body, or ``None`` when it is over ``limit``: then nothing more is kept, only drained (up to a bound)."""
    declared = next((v for k, v in headers if k.lower() == "content-length"), "")
    over = declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if not over:
            chunks.append(chunk)
            if size > limit:
                over = True
                chunks.clear()
        if not message.get("more_body") or (over and size > DRAIN_LIMIT_BYTES):
            break
    return None if over else b"".join(chunks)


async def _send(send: Send, resp: EmuResponse) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": resp.status,
            "headers": [(k.encode(), v.encode()) for k, v in resp.headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": resp.body})
