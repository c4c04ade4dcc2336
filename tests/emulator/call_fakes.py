"""Test doubles for voice calls: a deterministic call engine that follows the caller JSON, and a webhook receiver.

:class:`ScriptEngine` holds a call the way a conversation engine would, only scripted:
the agent greets (naming the ``name`` dynamic variable), then for each caller step the
user speaks and the agent echoes, digits are pressed, silence passes; "transfer me"
makes the agent transfer to :data:`TRANSFER_NUMBER`. ``gate`` (when set) keeps every
call open until released, for concurrency and live-control tests. :class:`Receiver` is a
threaded ``http.server`` on 127.0.0.1 (ephemeral port) that records every POST and
verifies its signature with ``retell.lib.verify``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from retell.lib import verify

from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession, ChatTurn, SimulationResult

__all__ = ["TRANSFER_NUMBER", "Receiver", "ScriptEngine", "receiver", "script"]

TRANSFER_NUMBER = "+14155550100"


def script(*steps: Mapping[str, Any]) -> dict[str, Any]:
    """A scripted caller JSON."""
    return {"type": "script", "steps": [dict(s) for s in steps]}


@dataclass
class ScriptEngine:
    """Holds calls from the caller JSON; records what it saw."""

    gate: threading.Event | None = None
    observe: Callable[[], None] | None = None
    seen: list[tuple[str, Any]] = field(default_factory=list)
    #: Set once the agent of a call has greeted (a held call is then waiting at the gate).
    greeted: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def chat_completion(
        self, agent: AgentSnapshot, messages: Sequence[dict[str, Any]], dynamic_variables: Mapping[str, str]
    ) -> ChatTurn:
        raise AssertionError("call tests do not chat")

    def playground_completion(self, agent: AgentSnapshot, messages: Sequence[dict[str, Any]], **_: Any) -> Any:
        raise AssertionError("call tests do not use the playground")

    def run_test_case(self, agent: AgentSnapshot, definition: Mapping[str, Any]) -> SimulationResult:
        raise AssertionError("call tests do not run test cases")

    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        call = dict(session.call)
        with self.lock:
            self.seen.append((str(call["call_id"]), session.caller))
        if self.observe is not None:
            self.observe()
        variables = call.get("retell_llm_dynamic_variables") or {}
        session.say("agent", f"Hello {variables.get('name', 'there')}, this is {agent.agent.get('agent_name')}.")
        self.greeted.set()
        if self.gate is not None:
            assert self.gate.wait(20), "the test never released the gate"
        caller = session.caller or {"type": "script", "steps": []}
        for step in caller.get("steps", []):
            if "say" in step:
                session.say("user", step["say"])
                if "transfer me" in step["say"]:
                    session.tool_call("transfer_call", {"number": TRANSFER_NUMBER}, type="transfer_call")
                    session.end("call_transfer")
                    return
                session.advance(500)
                session.say("agent", f"You said: {step['say']}")
            elif "press" in step:
                for digit in step["press"]:
                    session.dtmf(digit)
            elif "silence_ms" in step:
                session.advance(step["silence_ms"])
            elif step.get("hang_up"):
                session.end("user_hangup", call_analysis={"call_successful": True, "call_summary": "ok"})
                return
        session.end("agent_hangup", call_analysis={"call_successful": False, "call_summary": "no hang-up"})


@dataclass
class Hit:
    """One POST the receiver got."""

    event: str
    call_id: str
    body: dict[str, Any]
    verified: bool


class Receiver:
    """Records webhook POSTs; ``mode`` is ``ok`` (204), ``fail`` (500) or ``hang`` (no answer for ``hang_s``)."""

    def __init__(self, api_key: str, mode: str = "ok", hang_s: float = 1.5) -> None:
        self.api_key = api_key
        self.mode = mode
        self.hang_s = hang_s
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                signature = self.headers.get("x-retell-signature", "")
                body = json.loads(raw)
                hit = Hit(
                    body["event"],
                    body["call"]["call_id"],
                    body,
                    bool(verify(raw.decode(), outer.api_key, signature)),  # type: ignore[no-untyped-call]
                )
                with outer.lock:
                    outer.hits.append(hit)
                if outer.mode == "hang":
                    time.sleep(outer.hang_s)
                status = 500 if outer.mode == "fail" else 204
                try:
                    self.send_response(status)
                    self.end_headers()
                except OSError:
                    pass  # the emulator gave up waiting and closed the connection

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def events(self, call_id: str | None = None) -> list[str]:
        with self.lock:
            return [h.event for h in self.hits if call_id is None or h.call_id == call_id]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiver(api_key: str, mode: str = "ok", hang_s: float = 1.5) -> Iterator[Receiver]:
    """A running :class:`Receiver`, stopped afterwards."""
    server = Receiver(api_key, mode, hang_s)
    try:
        yield server
    finally:
        server.stop()
