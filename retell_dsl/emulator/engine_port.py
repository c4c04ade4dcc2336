"""The conversation-engine slot: what the emulator needs from an engine, declared on the emulator side.

The emulator stores agents, LLMs and flows and keeps every record; it does not hold
conversations itself. An engine that implements :class:`ConversationEngine` (the
``sim`` layer, or a test double) is handed to ``Emulator(engine=...)``; the emulator
calls it with **wire JSON** (the stored agent, LLM or flow documents as the API returns
them, messages, dynamic variables, tool mocks) and renders what it returns. Neither side
imports the other's internals: the engine only needs this module's types.

Optional capabilities, checked with ``isinstance``: :class:`ChatAnalyzer` (end-chat and
rerun-chat-analysis), :class:`CallAnalyzer` (rerun-call-analysis) and :class:`ChatOpener`
(create-sms-chat, where the agent writes first); an engine without one makes that endpoint
answer 501 naming the capability. A running call reaches the engine through
:class:`CallSession`, which also hands over what update-live-call asked (:class:`LiveControl`).

Without an engine, the conversational endpoints answer 501 with a message saying that no
conversation engine is configured and how to configure one (:func:`no_engine`).

>>> no_engine("POST", "/create-chat-completion", "generating the agent's reply").status
501
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from retell_dsl.emulator.errors import ApiError

__all__ = [
    "AgentSnapshot",
    "CallAnalyzer",
    "CallSession",
    "ChatAnalyzer",
    "ChatOpener",
    "ChatTurn",
    "ConversationEngine",
    "LiveControl",
    "SimulationResult",
    "WireMessage",
    "no_engine",
]

#: One message of Retell's message union (``role`` ``agent``/``user``/``tool_call_invocation``/…), as JSON.
WireMessage = dict[str, Any]


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    """Everything an engine needs to run one agent, as Retell's JSON.

    ``agent`` is the agent version's public document (call overrides applied); ``engine``
    the Retell LLM or conversation flow version it uses (``None`` for a custom LLM), with
    ``engine_type`` ``"retell-llm"`` / ``"conversation-flow"`` / ``"custom-llm"``;
    ``components`` the shared flow components it embeds, by id; ``knowledge_base_texts``
    the ``(source_id, text)`` pairs of each knowledge base the agent or engine names;
    ``conversation_id`` the chat this snapshot runs (``None`` outside chats), so an engine can
    keep a live conversation per chat between completions; ``conversation`` the chat's own facts
    as JSON (``chat_type`` ``"api_chat"`` / ``"sms_chat"``, and for an SMS chat ``from_number``,
    ``to_number``, ``direction``), empty outside chats.
    """

    agent: Mapping[str, Any]
    engine_type: str
    engine: Mapping[str, Any] | None
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    knowledge_base_texts: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    conversation_id: str | None = None
    conversation: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LiveControl:
    """What update-live-call asked of a running call since the engine last looked (:meth:`CallSession.live_control`).

    ``additional_context``: the texts injected, in order (the emulator already recorded each as
    an ``injected`` item of the call; the engine only has to let the agent see them);
    ``dynamic_variables``: the call's variables after an ``override_dynamic_variables``
    (``None`` when they were not overridden); ``trigger_response``: the agent should speak next.
    """

    additional_context: Sequence[str] = ()
    dynamic_variables: Mapping[str, str] | None = None
    trigger_response: bool = False

    def __bool__(self) -> bool:
        return bool(self.additional_context) or self.dynamic_variables is not None or self.trigger_response


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """What one chat completion produced: the new messages, and whether the agent ended the chat.

    ``chat_analysis`` (Retell's shape) when the chat ended and the engine could analyse it;
    ``chat_cost`` (Retell's shape) the chat's whole cost so far, when the engine prices it.
    """

    messages: Sequence[WireMessage]
    ended: bool = False
    collected_dynamic_variables: Mapping[str, str] | None = None
    chat_analysis: Mapping[str, Any] | None = None
    chat_cost: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One simulated test conversation, judged: ``status`` is ``pass``, ``fail`` or ``error``."""

    status: str
    result_explanation: str = ""
    transcript: Sequence[WireMessage] = ()


class CallSession(Protocol):
    """The emulator's side of a running voice call: what an engine records, turn by turn."""

    @property
    def call(self) -> Mapping[str, Any]:
        """The call object so far (``call_id``, ``retell_llm_dynamic_variables``, ``metadata``…)."""
        ...

    @property
    def caller(self) -> Mapping[str, Any] | None:
        """The simulated person on the other end, as JSON; ``None`` when nobody joined.

        ``{"type": "script", "steps": [...]}`` with steps ``{"say": text, "after": pattern?}``,
        ``{"press": digits}``, ``{"silence_ms": n}``, ``{"hang_up": true}`` (``after``: wait until an
        agent utterance contains this text, or matches it as ``/regex/``); or ``{"type": "persona",
        "user_prompt": text, "llm_model": name?}`` (an LLM playing the caller).
        """
        ...

    def say(self, role: str, content: str, *, words: Sequence[Mapping[str, Any]] | None = None) -> None:
        """An utterance of ``agent``, ``user`` or ``transfer_target``."""
        ...

    def tool_call(
        self, name: str, arguments: Mapping[str, Any] | str, *, type: str = "custom", tool_call_id: str | None = None
    ) -> str:
        """A tool call invocation; returns its ``tool_call_id``."""
        ...

    def tool_result(self, tool_call_id: str, content: str, *, successful: bool | None = None) -> None:
        """The result of an invocation."""
        ...

    def transition(self, former: tuple[str, str], new: tuple[str, str], transition_type: str = "normal") -> None:
        """A flow node transition, each node as ``(id, name)``."""
        ...

    def state_transition(self, former: str | None, new: str) -> None:
        """A Retell LLM state change (``former`` is ``None`` for the starting state).

        Retell's call object has no such item: the emulator keeps it beside the transcript,
        for ``GET /_emulator/calls/{call_id}/events`` (what the engine did, in order).
        """
        ...

    def dtmf(self, digit: str) -> None:
        """A key press."""
        ...

    def advance(self, ms: int) -> None:
        """Let ``ms`` milliseconds of call time pass (needs an emulator with a manual clock)."""
        ...

    def live_control(self) -> LiveControl:
        """Take what update-live-call asked since the last look (empty when nothing); check between turns."""
        ...

    def end(
        self,
        disconnection_reason: str,
        *,
        collected_dynamic_variables: Mapping[str, str] | None = None,
        call_analysis: Mapping[str, Any] | None = None,
        transfer_destination: str | None = None,
        latency: Mapping[str, Any] | None = None,
        call_cost: Mapping[str, Any] | None = None,
        llm_token_usage: Mapping[str, Any] | None = None,
    ) -> None:
        """Hang up; the call object's transcripts are derived from what was recorded.

        The other fields are Retell's call fields as JSON, each left out of the call when ``None``:
        ``transfer_destination`` where a ``call_transfer`` went (without it, the number of the last
        ``transfer_call`` invocation), ``latency`` (``{"e2e": {min, max, num, p50, p90, p95, p99,
        values}, "llm": …}``), ``call_cost`` (``product_costs``, ``combined_cost``, …) and
        ``llm_token_usage``.
        """
        ...


@runtime_checkable
class ConversationEngine(Protocol):
    """What the emulator asks of a conversation engine. Every argument and result is wire JSON."""

    def chat_completion(
        self, agent: AgentSnapshot, messages: Sequence[WireMessage], dynamic_variables: Mapping[str, str]
    ) -> ChatTurn:
        """The agent's next turn in a chat: ``messages`` is the whole history, the last one the user's."""
        ...

    def playground_completion(
        self,
        agent: AgentSnapshot,
        messages: Sequence[WireMessage],
        *,
        dynamic_variables: Mapping[str, str],
        current_node_id: str | None,
        component_id: str | None,
        current_state: str | None,
        tool_mocks: Sequence[Mapping[str, Any]],
    ) -> Mapping[str, Any]:
        """One stateless playground turn: a ``PlaygroundCompletionResponse`` body (``messages``, ``call_ended``…)."""
        ...

    def run_test_case(self, agent: AgentSnapshot, definition: Mapping[str, Any]) -> SimulationResult:
        """Hold one simulated conversation for a test-case definition and judge it against its metrics.

        Runs inside the create-batch-test request, so it must finish in bounded time.
        """
        ...

    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        """Hold a voice call, recording every turn on ``session`` (and ending it)."""
        ...


@runtime_checkable
class ChatAnalyzer(Protocol):
    """Optional engine capability: the ``chat_analysis`` of a chat (end-chat, rerun-chat-analysis)."""

    def analyze_chat(self, agent: AgentSnapshot, messages: Sequence[WireMessage]) -> Mapping[str, Any] | None:
        """The analysis of a chat's messages, or ``None`` when it cannot be made (no model)."""
        ...


@runtime_checkable
class CallAnalyzer(Protocol):
    """Optional engine capability: the ``call_analysis`` of an ended call (rerun-call-analysis)."""

    def analyze_call(self, agent: AgentSnapshot, call: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The analysis of ``call`` (the public call object: transcripts, variables…), ``None`` without a model."""
        ...


@runtime_checkable
class ChatOpener(Protocol):
    """Optional engine capability: the agent opens a chat (an outbound SMS chat's first message)."""

    def open_chat(self, agent: AgentSnapshot, dynamic_variables: Mapping[str, str]) -> ChatTurn:
        """The agent's opening turn of a chat nobody has written in yet (its messages may be empty)."""
        ...


def no_engine(method: str, path: str, what: str) -> ApiError:
    """The 501 a conversational endpoint answers when the emulator has no engine."""
    return ApiError(
        501,
        f"The Retell emulator cannot answer {method} {path} ({what}): no conversation engine is configured. "
        "Pass one when creating the emulator, Emulator(engine=...), with an object implementing "
        "retell_dsl.emulator.engine_port.ConversationEngine.",
    )
