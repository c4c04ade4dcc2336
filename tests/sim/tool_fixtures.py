"""Fixtures for the engine's tests. Tool fixtures are prefixed ``tool_`` (model/KB fixtures live beside them).

``tool_server`` is a real HTTP server on 127.0.0.1 (ephemeral port, a daemon thread, stopped at
teardown) standing in for a user's tool server: it checks every request's ``x-retell-signature``
with ``retell.lib.verify`` from the installed retell-sdk and records what it received. Routes
answer with scripted :class:`ToolReply` values (a status and body, a hang, or a huge stream).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import retell.lib

TOOL_API_KEY = "key_tool_server_test"
HANG_LIMIT_S = 30.0  # a hanging reply gives up after this, or at teardown, whichever is first


@dataclass(frozen=True)
class ToolReply:
    """One scripted answer: ``status`` and ``body``, or ``hang``, or ``stream_bytes`` of filler."""

    status: int = 200
    body: bytes = b'"ok"'
    content_type: str = "application/json"
    hang: bool = False
    stream_bytes: int = 0


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    signature_valid: bool


@dataclass
class ToolServer:
    base_url: str = ""
    api_key: str = TOOL_API_KEY
    requests: list[RecordedRequest] = field(default_factory=list)
    routes: dict[str, list[ToolReply]] = field(default_factory=dict)
    streamed: dict[str, int] = field(default_factory=dict)
    stream_done: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: ToolReply) -> str:
        """Answer ``path`` with ``replies`` in turn (the last one repeats); returns the full URL."""
        self.routes[path] = list(replies) or [ToolReply()]
        return self.url(path)

    def next_reply(self, path: str) -> ToolReply:
        with self.lock:
            replies = self.routes.get(path)
            if not replies:
                return ToolReply(status=404, body=b'{"error": "no route"}')
            return replies.pop(0) if len(replies) > 1 else replies[0]


def _handler_class(server: ToolServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            signature = self.headers.get("x-retell-signature") or ""
            valid = bool(retell.lib.verify(body.decode(), server.api_key, signature))  # type: ignore[no-untyped-call]
            parts = urlsplit(self.path)
            with server.lock:
                server.requests.append(
                    RecordedRequest(
                        method=self.command,
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                        signature_valid=valid,
                    )
                )
            reply = server.next_reply(parts.path)
            if reply.hang:
                server.stopping.wait(HANG_LIMIT_S)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            if not reply.stream_bytes:
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self.end_headers()
            chunk = b'{"filler": "' + b"x" * 65_000 + b'"}\n'
            sent = 0
            try:
                while sent < reply.stream_bytes and not server.stopping.is_set():
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            finally:
                server.streamed[parts.path] = sent
                server.stream_done.set()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


@pytest.fixture
def tool_server() -> Iterator[ToolServer]:
    state = ToolServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(state))
    httpd.daemon_threads = True
    httpd.timeout = 1
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def wait_for(condition: threading.Event, timeout_s: float = 10.0) -> bool:
    """Bounded wait used by tests that look at what the server did after the client left."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition.wait(0.05):
            return True
    return False
