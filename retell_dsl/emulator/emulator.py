"""The :class:`Emulator` facade: state, transports and SDK clients in one object."""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from retell_dsl.emulator.calls_session import advance_clock, hold_call
from retell_dsl.emulator.clock import Clock, SystemClock
from retell_dsl.emulator.core import Core
from retell_dsl.emulator.domain import batch_calls, dialing, lifecycle, phone_users
from retell_dsl.emulator.engine_port import ConversationEngine
from retell_dsl.emulator.faults import Faults
from retell_dsl.emulator.messages import EmuRequest, EmuResponse
from retell_dsl.emulator.routes import build_router
from retell_dsl.emulator.state import EmulatorConfig, State
from retell_dsl.emulator.store import Document, Store
from retell_dsl.emulator.transport import asgi_app, async_transport, sync_transport
from retell_dsl.emulator.webhook_delivery import Delivery, deliver
from retell_dsl.emulator.workers import WorkerPool

if TYPE_CHECKING:
    import httpx
    from retell import AsyncRetell, Retell

__all__ = ["DEFAULT_BASE_URL", "Emulator"]

#: The base URL in-process clients use; nothing listens there, the transport answers.
DEFAULT_BASE_URL = "http://retell-emulator.invalid"


def generate_api_key() -> str:
    """A fresh key in Retell's format (``key_`` + 28 hex characters)."""
    return "key_" + secrets.token_hex(14)


class Emulator:
    """An in-process Retell API: hand its clients to code that expects the real service.

    ``engine`` (a :class:`~retell_dsl.emulator.engine_port.ConversationEngine`) answers the
    conversational endpoints; without one they answer 501 saying so. Calls can also be
    driven turn by turn from tests: ``start_call``, ``append_utterance``,
    ``record_tool_call``, ``record_node_transition``, ``record_dtmf``, ``advance``, ``end_call``.

    With an engine, calls also connect on their own, held on a bounded pool of
    ``call_workers`` background threads: web calls when a simulated caller joins
    (``join_web_call``), outbound phone and batch calls when the number dialled is a listed
    phone user (``add_phone_user``), inbound calls from ``place_inbound_call``. Call events
    are posted as signed webhooks to the agent's ``webhook_url`` (else ``webhook_url``)
    in the background. ``wait_idle`` waits, bounded, for all of it.

    >>> emu = Emulator()
    >>> client = emu.client()
    >>> [v.voice_id for v in client.voice.list()][:2]
    ['11labs-Adrian', '11labs-Anthony']
    >>> llm = client.llm.create(general_prompt="You are helpful.")
    >>> client.llm.retrieve(llm.llm_id).general_prompt
    'You are helpful.'
    """

    def __init__(
        self,
        db: str | Path = ":memory:",
        *,
        api_key: str | None = None,
        clock: Clock | None = None,
        seed: str = "retell-dsl",
        concurrency_limit: int = 20,
        kb_processing_ms: int = 0,
        fault_seed: int | str = 0,
        engine: ConversationEngine | None = None,
        webhook_url: str | None = None,
        call_workers: int = 8,
    ) -> None:
        self.api_key = api_key or generate_api_key()
        self.clock: Clock = clock or SystemClock()
        self.config = EmulatorConfig(
            concurrency_limit=concurrency_limit, kb_processing_ms=kb_processing_ms, seed=seed, webhook_url=webhook_url
        )
        self.store = Store(db)
        self.state = State(self.store, self.clock, self.config, engine)
        self._calls = WorkerPool(call_workers, "retell-emulator-calls")
        self._webhooks = WorkerPool(4, "retell-emulator-webhooks")
        self._held: dict[str, threading.Event] = {}
        self._held_lock = threading.Lock()
        #: What became of each webhook posted (the latest 10 000), in completion order.
        self.webhook_deliveries: deque[Delivery] = deque(maxlen=10_000)
        self.state.hold_call = self._hold_in_background
        self.state.post_webhook = self._post_webhook
        self.faults = Faults(fault_seed)
        self.router = build_router()
        self.core = Core(self.state, self.router, self.api_key, self.faults)

    # ------------------------------------------------------------------ requests

    def handle(self, request: EmuRequest) -> EmuResponse:
        """Answer one request directly (no transport, no injected latency or drops)."""
        return self.core.handle(request).response

    def transport(self) -> httpx.MockTransport:
        """An httpx transport for synchronous clients."""
        return sync_transport(self.core)

    def async_transport(self) -> httpx.MockTransport:
        """An httpx transport for asynchronous clients."""
        return async_transport(self.core)

    def asgi(self) -> Callable[..., Any]:
        """The emulator as an ASGI application (what ``retell-dsl emulator`` serves)."""
        return asgi_app(self.core)

    def client(self, **kwargs: Any) -> Retell:
        """A real ``retell.Retell`` client bound to this emulator (``max_retries=0`` unless given)."""
        import httpx
        from retell import Retell

        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("base_url", DEFAULT_BASE_URL)
        return Retell(api_key=self.api_key, http_client=httpx.Client(transport=self.transport()), **kwargs)

    def async_client(self, **kwargs: Any) -> AsyncRetell:
        """A real ``retell.AsyncRetell`` client bound to this emulator."""
        import httpx
        from retell import AsyncRetell

        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("base_url", DEFAULT_BASE_URL)
        http_client = httpx.AsyncClient(transport=self.async_transport())
        return AsyncRetell(api_key=self.api_key, http_client=http_client, **kwargs)

    # ------------------------------------------------------------------ white-box

    def dump(self) -> dict[str, dict[str, list[Document]]]:
        """Everything stored, as ``{kind: {id: [version documents…]}}`` (private keys included)."""
        return self.store.dump()

    def reset(self) -> None:
        """Forget every object, counter, fault rule and webhook delivery record."""
        self.store.reset()
        self.faults.clear()
        self.webhook_deliveries.clear()

    def assign_tag(self, agent_id: str, tag: str, version: int) -> None:
        """Assign an environment tag (e.g. ``"prod"``) to one agent version, as the dashboard does."""
        with self.store.transaction():
            for doc in self.store.versions("agent", agent_id):
                tags = set(doc.get("_tags", []))
                tags.discard(tag)
                if doc["version"] == version:
                    tags.add(tag)
                doc["_tags"] = sorted(tags)
                self.store.put("agent", agent_id, doc, doc["version"])

    @property
    def engine(self) -> ConversationEngine | None:
        """The conversation engine behind chat completions, playground turns, batch tests and calls."""
        return self.state.engine

    def use_engine(self, engine: ConversationEngine | None) -> None:
        """Plug in (or remove, with None) the conversation engine."""
        self.state.engine = engine

    # ------------------------------------------------------------------ call lifecycle

    def start_call(self, call_id: str) -> Document:
        """Connect a registered call (``ongoing``), or refuse it when the concurrency limit is reached."""
        return lifecycle.start_call(self.state, call_id)

    def append_utterance(
        self, call_id: str, role: str, content: str, *, words: Sequence[Mapping[str, Any]] | None = None
    ) -> Document:
        """Record what ``agent``/``user``/``transfer_target`` said in an ongoing call (``words``: timings, if known)."""
        return lifecycle.append_utterance(self.state, call_id, role, content, words=words)

    def record_tool_call(
        self,
        call_id: str,
        name: str,
        arguments: Mapping[str, Any] | str,
        *,
        tool_call_id: str | None = None,
        type: str = "custom",
        result: str | None = None,
        successful: bool | None = None,
    ) -> Document:
        """Record a tool call invocation, and its result when given (see ``record_tool_result``)."""
        return lifecycle.record_tool_call(
            self.state,
            call_id,
            name,
            arguments,
            tool_call_id=tool_call_id,
            type=type,
            result=result,
            successful=successful,
        )

    def record_tool_result(
        self, call_id: str, tool_call_id: str, content: str, *, successful: bool | None = None
    ) -> Document:
        """Record the result of an invocation; the time between them is the tool call's latency."""
        return lifecycle.record_tool_result(self.state, call_id, tool_call_id, content, successful=successful)

    def record_node_transition(
        self, call_id: str, former: tuple[str, str], new: tuple[str, str], transition_type: str = "normal"
    ) -> Document:
        """Record a flow node transition, each node as ``(id, name)``."""
        return lifecycle.record_node_transition(
            self.state,
            call_id,
            former_node_id=former[0],
            former_node_name=former[1],
            new_node_id=new[0],
            new_node_name=new[1],
            transition_type=transition_type,
        )

    def record_state_transition(self, call_id: str, former: str | None, new: str) -> Document:
        """Record a Retell LLM state change (kept beside the transcript: see :meth:`call_events`)."""
        return lifecycle.record_state_transition(self.state, call_id, former, new)

    def call_events(self, call_id: str) -> list[Document]:
        """What the engine did on a call, in order: ``transcript_with_tool_calls`` plus its state transitions.

        Retell's call object does not report a Retell LLM's states; the emulator keeps them
        (also over HTTP: ``GET /_emulator/calls/{call_id}/events``, not part of Retell's API).
        """
        with self.state.store.transaction():
            return lifecycle.engine_events(self.state, call_id)

    def record_dtmf(self, call_id: str, digit: str) -> None:
        """Record a key press."""
        lifecycle.record_dtmf(self.state, call_id, digit)

    def advance(self, ms: int) -> None:
        """Move the emulator clock forward (it must be a ``ManualClock``)."""
        advance_clock(self.state, ms)

    def end_call(self, call_id: str, **outcome: Any) -> Document:
        """End an ongoing call; transcripts come from the recorded turns (see ``domain.lifecycle.end_call``)."""
        return lifecycle.end_call(self.state, call_id, **outcome)

    def fail_call(
        self,
        call_id: str,
        *,
        status: Literal["not_connected", "error"] = "not_connected",
        disconnection_reason: str | None = None,
    ) -> Document:
        """Mark a registered call ``not_connected`` or ``error`` (see ``domain.lifecycle.fail_call``)."""
        return lifecycle.fail_call(self.state, call_id, status=status, disconnection_reason=disconnection_reason)

    def run_call(
        self,
        call_id: str,
        *,
        caller: Mapping[str, Any] | None = None,
        disconnection_reason: str = "agent_hangup",
    ) -> Document:
        """Start a registered call and let the configured engine hold it here; end it if the engine did not.

        ``caller`` is the simulated person on the other end as JSON (``engine_port.CallSession.caller``).
        Raises ``RuntimeError`` when no engine is configured. Returns the final call document.
        """
        if self.state.engine is None:
            raise RuntimeError("no conversation engine is configured; create the emulator with Emulator(engine=...)")
        started = lifecycle.start_call(self.state, call_id)
        if started["call_status"] != "ongoing":
            return started
        return hold_call(self.state, call_id, caller, disconnection_reason=disconnection_reason)

    # ------------------------------------------------------------------ simulated callers

    def join_web_call(
        self, call_id: str, *, caller: Mapping[str, Any] | None = None, wait: bool = True, timeout_s: float = 30.0
    ) -> Document:
        """A simulated ``caller`` joins a registered web call; the engine holds it in the background.

        An extension of the emulator (Retell's callers join over WebRTC). With ``wait`` the
        final call is returned once the engine is done (``TimeoutError`` after ``timeout_s``);
        a call refused for concurrency comes back ``not_connected``.
        """
        self._require_engine()
        with self.store.transaction():
            batch_calls.materialize_due(self.state)
            doc = dialing.join_web_call(self.state, call_id, caller)
        return self._finish(doc, wait, timeout_s)

    def place_inbound_call(
        self, from_number: str, to_number: str, *, wait: bool = True, timeout_s: float = 30.0
    ) -> Document:
        """A listed phone user calls ``to_number`` (a number of the account); its inbound agent answers."""
        self._require_engine()
        with self.store.transaction():
            doc = dialing.place_inbound_call(self.state, from_number, to_number)
        return self._finish(doc, wait, timeout_s)

    @property
    def phone_users(self) -> dict[str, dict[str, Any]]:
        """The directory of simulated phone users: number → caller JSON (a copy)."""
        with self.store.transaction():
            return {doc["phone_number"]: dict(doc["caller"]) for doc in phone_users.list_phone_users(self.state)}

    def add_phone_user(self, number: str, caller: Mapping[str, Any]) -> None:
        """List ``number`` as answered by ``caller`` (a script or persona; see ``engine_port.CallSession.caller``)."""
        with self.store.transaction():
            phone_users.put_phone_user(self.state, number, caller)

    def remove_phone_user(self, number: str) -> None:
        """Unlist ``number``: calls to it are no longer answered."""
        with self.store.transaction():
            phone_users.delete_phone_user(self.state, number)

    def wait_idle(self, timeout_s: float = 30.0, *, webhooks: bool = True) -> None:
        """Wait until no call is held in the background (and, with ``webhooks``, no delivery is pending).

        Batch calls waiting for their ``call_time_window`` are not work in progress. Raises
        ``TimeoutError`` saying what is still running when ``timeout_s`` passes first.
        """
        import time

        deadline = time.monotonic() + timeout_s
        if not self._calls.wait_idle(timeout_s):
            raise TimeoutError(f"{self._calls.pending} background calls still running after {timeout_s}s")
        if webhooks and not self._webhooks.wait_idle(max(0.0, deadline - time.monotonic())):
            raise TimeoutError(f"{self._webhooks.pending} webhook deliveries still pending after {timeout_s}s")

    def _require_engine(self) -> None:
        if self.state.engine is None:
            raise RuntimeError("no conversation engine is configured; create the emulator with Emulator(engine=...)")

    def _finish(self, doc: Document, wait: bool, timeout_s: float) -> Document:
        call_id = str(doc["call_id"])
        if not wait or doc.get("call_status") != "ongoing":
            return doc
        with self._held_lock:
            done = self._held.get(call_id)
        if done is not None and not done.wait(timeout_s):
            raise TimeoutError(f"call {call_id} was still ongoing after {timeout_s}s")
        with self.store.transaction():
            return self.state.require("call", call_id)

    def _hold_in_background(self, call_id: str, caller: Mapping[str, Any] | None) -> None:
        done = threading.Event()
        with self._held_lock:
            self._held[call_id] = done

        def job() -> None:
            try:
                hold_call(self.state, call_id, caller)
            finally:
                with self._held_lock:
                    self._held.pop(call_id, None)
                done.set()
                batch_calls.place_batch_calls(self.state)

        self._calls.submit(job)

    def _post_webhook(self, call_id: str, url: str, body: bytes, timeout_ms: int) -> None:
        def job() -> None:
            self.webhook_deliveries.append(deliver(call_id, url, body, timeout_ms, self.api_key))

        self._webhooks.submit(job, lane=call_id)

    def use_clock(self, clock: Clock) -> None:
        """Swap the clock (e.g. a served emulator shared by tests that each bring a ManualClock)."""
        self.clock = clock
        self.state.clock = clock

    def close(self) -> None:
        """Stop the background threads (after their queued work) and close the store."""
        self._calls.close()
        self._webhooks.close()
        self.store.close()
