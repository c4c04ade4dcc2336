"""A local receiver for an agent's webhooks: records every delivery and checks its signature.

:class:`WebhookReceiver` serves ``POST`` on 127.0.0.1 (a port of its own) in a background thread.
Put its :attr:`~WebhookReceiver.url` on an agent's ``webhook_url``; every delivery is recorded
as a :class:`Delivery` (event, call id, parsed body) with its ``x-retell-signature`` checked by
``retell.lib.verify`` against the API key (answered 204 when it verifies, 401 when it is missing
or wrong, as a real receiver would). :meth:`~WebhookReceiver.wait_for` waits, bounded, for an
event. The key is never shown (not in reprs, not in messages).

>>> import httpx
>>> from retell.lib import webhook_auth
>>> with WebhookReceiver("key_demo") as hooks:
...     body = '{"event": "call_ended", "call": {"call_id": "call_1"}}'
...     sign = webhook_auth.symmetric["sign"]
...     _ = httpx.post(hooks.url, content=body, headers={"x-retell-signature": sign(body, "key_demo")})
...     _ = httpx.post(hooks.url, content=body)
...     hooks.wait_for("call_ended", call_id="call_1").signature, [d.signature for d in hooks.bad()]
('valid', ['missing'])
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["MAX_BODY_BYTES", "Delivery", "WebhookReceiver"]

#: Larger bodies are refused (413) unread.
MAX_BODY_BYTES = 16 * 1024 * 1024
Signature = Literal["valid", "invalid", "missing"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook received: its ``event``, the call (or chat) id, the parsed body and whether it was signed right."""

    event: str
    call_id: str | None
    body: Mapping[str, Any] = field(repr=False)
    signature: Signature
    path: str = "/"

    @property
    def verified(self) -> bool:
        return self.signature == "valid"

    def describe(self) -> str:
        """One line, e.g. ``call_ended (call_123): signature invalid``.

        >>> Delivery("call_ended", "call_1", {}, "missing").describe()
        'call_ended (call_1): signature missing'
        """
        return f"{self.event or '(no event)'} ({self.call_id or 'no call id'}): signature {self.signature}"


def _parse(raw: bytes) -> tuple[str, str | None, Mapping[str, Any]]:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "", None, {}
    if not isinstance(body, dict):
        return "", None, {}
    subject = body.get("call") if isinstance(body.get("call"), dict) else body.get("chat")
    ident = None
    if isinstance(subject, dict):
        ident = subject.get("call_id") or subject.get("chat_id")
    return str(body.get("event") or ""), (str(ident) if ident else None), body


class WebhookReceiver:
    """Webhooks on a local HTTP server, checked with the API key (see the module docs).

    ``record=False`` answers without keeping anything until :meth:`start_recording` (a receiver
    shared by several tests records one test at a time).
    """

    def __init__(self, api_key: str, *, host: str = "127.0.0.1", port: int = 0, record: bool = True) -> None:
        self._key = api_key
        self._host, self._port = host, port
        self._received: list[Delivery] = []
        self._recording = record
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not started"
        return f"WebhookReceiver({where}, {len(self._received)} deliveries)"

    # -- serving ---------------------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        """Listen (idempotent); the URL is known from now on."""
        if self._server is None:
            from retell.lib import verify  # the SDK's own check, so the test agrees with a real receiver

            receiver = self

            class Handler(BaseHTTPRequestHandler):
                def do_POST(self) -> None:
                    size = int(self.headers.get("content-length") or 0)
                    if size > MAX_BODY_BYTES:
                        self.send_response(413)
                        self.end_headers()
                        return
                    raw = self.rfile.read(size)
                    header = self.headers.get("x-retell-signature")
                    if header is None:
                        signature: Signature = "missing"
                    else:
                        try:
                            ok = bool(verify(raw.decode("utf-8"), receiver._key, header))  # type: ignore[no-untyped-call]
                        except (UnicodeDecodeError, ValueError):
                            ok = False
                        signature = "valid" if ok else "invalid"
                    receiver._record(Delivery(*_parse(raw), signature, self.path))
                    self.send_response(204 if signature == "valid" else 401)
                    self.end_headers()

                def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest captures stderr anyway
                    return

            self._server = ThreadingHTTPServer((self._host, self._port), Handler)
            self._server.daemon_threads = True
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="retell-webhooks", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (waits at most 5 s for the server thread)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(5)
            self._server = self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Where to send webhooks (``http://127.0.0.1:<port>/``)."""
        if self._server is None:
            raise RuntimeError("the webhook receiver is not started: call start() or use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    # -- recording -------------------------------------------------------------------------
    def _record(self, delivery: Delivery) -> None:
        with self._changed:
            if self._recording:
                self._received.append(delivery)
            self._changed.notify_all()

    def start_recording(self) -> None:
        """Forget what was recorded and record from now on."""
        with self._changed:
            self._received.clear()
            self._recording = True

    def stop_recording(self) -> list[Delivery]:
        """Stop recording; what was recorded since :meth:`start_recording`."""
        with self._changed:
            self._recording = False
            return list(self._received)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery recorded, in arrival order (a copy)."""
        with self._changed:
            return list(self._received)

    def events(self, call_id: str | None = None) -> list[str]:
        """The events received (for ``call_id`` only, if given), in arrival order."""
        return [d.event for d in self.deliveries if call_id is None or d.call_id == call_id]

    def bad(self) -> list[Delivery]:
        """The deliveries whose signature was missing or did not verify."""
        return [d for d in self.deliveries if not d.verified]

    def wait_for(self, event: str, *, call_id: str | None = None, timeout: float = 10.0) -> Delivery:
        """The first delivery of ``event`` (for ``call_id``, if given), waiting at most ``timeout`` seconds.

        Raises :class:`AssertionError` listing what did arrive when none came in time.
        """
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for d in self._received:
                    if d.event == event and (call_id is None or d.call_id == call_id):
                        return d
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            got = [d.describe() for d in self._received]
        whose = f" for {call_id}" if call_id else ""
        raise AssertionError(
            f"no {event!r} webhook{whose} within {timeout}s; received {len(got)}: " + ("; ".join(got) or "nothing")
        )
