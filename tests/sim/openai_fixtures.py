"""Shared fixtures of the sim tests; each fixture's name says whose it is (``openai_server``…)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

OPENAI_HANG_BOUND_S = 10.0  # a "hang" answer is released at teardown, or after this long at most


@dataclass
class OpenAIAnswer:
    """What the server does for one request."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False


@dataclass
class OpenAIReceived:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeOpenAIServer:
    """A real HTTP server on 127.0.0.1 speaking OpenAI chat completions, answering from a queue."""

    def __init__(self) -> None:
        self.answers: list[OpenAIAnswer] = []
        self.requests: list[OpenAIReceived] = []
        self.release = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give the provider (``…/v1``)."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    # ------------------------------------------------------------------ scripting
    def enqueue(self, status: int = 200, body: object = None, headers: dict[str, str] | None = None, **kw: Any) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers.append(OpenAIAnswer(status=status, body=raw, headers=dict(headers or {}), **kw))

    def enqueue_text(self, text: str, *, model: str = "served-model", **kw: Any) -> None:
        self.enqueue(body=openai_completion({"role": "assistant", "content": text}, model=model), **kw)

    def enqueue_tool_calls(self, *calls: tuple[str, str], content: str | None = None) -> None:
        """Answer tool calls given as ``(name, raw arguments string)``."""
        items = [
            {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": args}}
            for i, (name, args) in enumerate(calls)
        ]
        message = {"role": "assistant", "content": content, "tool_calls": items}
        self.enqueue(body=openai_completion(message, finish_reason="tool_calls"))

    def enqueue_hang(self) -> None:
        self.answers.append(OpenAIAnswer(hang=True))

    # ------------------------------------------------------------------ serving
    def _next(self) -> OpenAIAnswer:
        with self._lock:
            if self.answers:
                return self.answers.pop(0)
        return OpenAIAnswer(status=599, body=b'{"error": {"message": "the test server has no answer queued"}}')

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"<unparsed>": raw.decode(errors="replace")}
                with server._lock:
                    server.requests.append(
                        OpenAIReceived(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    answer = server._next()
                    if answer.hang:
                        server.release.wait(OPENAI_HANG_BOUND_S)
                        return
                    if answer.delay:
                        time.sleep(answer.delay)
                    self.send_response(answer.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(answer.body)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

        return Handler

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def openai_completion(
    message: dict[str, Any], *, finish_reason: str = "stop", model: str = "served-model"
) -> dict[str, Any]:
    """A chat-completions response body around ``message``."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A started :class:`FakeOpenAIServer`, shut down (hung handlers released) at teardown."""
    server = FakeOpenAIServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
