"""A call's lifecycle, turn by turn (retell-api.md §5.3, §11, §12.15; retell-runtime.md §2).

``registered`` → (``ongoing`` → ``ended``) | ``not_connected`` | ``error``. The REST API
only creates calls; these operations move them along, for tests and for a conversation
engine. While a call is ongoing, each turn-level operation records one item
(an utterance, a tool call invocation or result, a node transition, a DTMF digit) at the
emulator clock's current time; the call object's ``transcript``, ``transcript_object``,
``transcript_with_tool_calls`` and the tool-call facts the ``tool_calls`` list filter sees
are all derived from what was recorded, and ``duration_ms`` from the clock. Nothing is
invented: an utterance recorded without ``words`` has ``words: []``.

Each step is also a webhook event (:mod:`~retell_dsl.emulator.domain.webhooks`):
``call_started`` on connecting, ``transcript_updated`` per utterance, and on the end (or
a call that never connected) the ``transfer_*`` events after a transfer, a final
``transcript_updated``, ``call_ended`` and ``call_analyzed``.

Each operation joins the caller's store transaction (or runs in its own) and returns the
updated call document (private keys included).

>>> from retell_dsl.emulator import Emulator
>>> emu = Emulator()
>>> with emu.store.transaction():
...     emu.store.put("call", "call_1", {"call_id": "call_1", "call_status": "registered"})
>>> start_call(emu.state, "call_1")["call_status"]
'ongoing'
>>> _ = append_utterance(emu.state, "call_1", "agent", "Hi")
>>> end_call(emu.state, "call_1")["transcript"]
'Agent: Hi'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from retell_dsl.emulator.domain.voices import ongoing_count
from retell_dsl.emulator.domain.webhooks import emit, emit_end
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "UTTERANCE_ROLES",
    "append_utterance",
    "end_call",
    "engine_events",
    "fail_call",
    "ongoing_count",
    "record_dtmf",
    "record_injected",
    "record_node_transition",
    "record_state_transition",
    "record_tool_call",
    "record_tool_result",
    "render_transcript",
    "start_call",
    "transferred_to",
]

#: Who can speak in a call transcript.
UTTERANCE_ROLES = ("agent", "user", "transfer_target")
_ROLE_LABELS = {"agent": "Agent", "user": "User", "transfer_target": "Transfer target"}
_TRANSITION_TYPES = ("normal", "global", "global_go_back", "interrupt_go_back")
_DTMF = frozenset("0123456789*#")


def render_transcript(transcript_object: Sequence[Mapping[str, Any]]) -> str:
    """Retell's plain transcript: one ``Agent: …`` / ``User: …`` line per utterance."""
    lines = []
    for utterance in transcript_object:
        label = _ROLE_LABELS.get(str(utterance.get("role")))
        if label is not None:
            lines.append(f"{label}: {utterance.get('content', '')}")
    return "\n".join(lines)


def _load(state: State, call_id: str, allowed: Sequence[str], action: str) -> Document:
    doc = state.require("call", call_id)
    if doc.get("call_status") not in allowed:
        wanted = " or ".join(allowed)
        raise bad_request(f"Cannot {action} call {call_id}: its status is {doc.get('call_status')!r}, not {wanted}")
    return doc


def start_call(state: State, call_id: str) -> Document:
    """Connect a ``registered`` call: it becomes ``ongoing`` with a ``start_timestamp``.

    When ``config.concurrency_limit`` calls are already ongoing the call is refused
    instead: ``not_connected`` with ``disconnection_reason="concurrency_limit_reached"``.
    """
    with state.store.transaction():
        doc = _load(state, call_id, ("registered",), "start")
        now = state.now()
        if ongoing_count(state) >= state.config.concurrency_limit:
            doc.update(call_status="not_connected", disconnection_reason="concurrency_limit_reached")
            doc.update(end_timestamp=now)
        else:
            doc.update(call_status="ongoing", start_timestamp=now)
        state.store.put("call", call_id, doc)
        if doc["call_status"] == "ongoing":
            emit(state, "call_started", doc)
        else:
            emit_end(state, doc)
        return doc


# --------------------------------------------------------------------------- derived fields


def _tool_calls(entries: Sequence[Mapping[str, Any]], latency_ms: Mapping[str, float]) -> list[dict[str, Any]]:
    """Invocations paired with their results, as the ``tool_calls`` list filter sees them."""
    results = {e.get("tool_call_id"): e for e in entries if e.get("role") == "tool_call_result"}
    out = []
    for entry in entries:
        if entry.get("role") != "tool_call_invocation":
            continue
        ident = str(entry.get("tool_call_id"))
        item: dict[str, Any] = {"name": entry.get("name"), "type": entry.get("type") or "custom"}
        result = results.get(ident)
        if result is not None:
            item["success"] = bool(result.get("successful", True))
        if ident in latency_ms:
            item["latency_ms"] = latency_ms[ident]
        elif result is not None and "_at_ms" in result and "_at_ms" in entry:
            item["latency_ms"] = result["_at_ms"] - entry["_at_ms"]
        out.append(item)
    return out


def _public(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One public item: private keys dropped; an utterance without ``words`` gets ``words: []``."""
    item = strip_private(dict(entry))
    if item.get("role") in UTTERANCE_ROLES:
        item.setdefault("words", [])
    return item


def _with_words(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The public items of ``transcript_with_tool_calls``.

    State transitions are left out: Retell's call transcript has no such item (they are
    kept for the emulator's ``/_emulator/calls/{call_id}/events``, see :func:`engine_events`).
    """
    return [_public(entry) for entry in entries if entry.get("role") != "state_transition"]


def _derive(doc: Document, latency_ms: Mapping[str, float] | None = None) -> None:
    events: list[Document] = doc.get("_events", [])
    with_tools = _with_words(events)
    utterances = [e for e in with_tools if e.get("role") in UTTERANCE_ROLES]
    doc.update(
        transcript=render_transcript(utterances),
        transcript_object=utterances,
        transcript_with_tool_calls=with_tools,
        _tool_calls=_tool_calls(events, latency_ms or {}),
    )


def _record(state: State, call_id: str, item: Document) -> Document:
    with state.store.transaction():
        doc = _load(state, call_id, ("ongoing",), "record a turn of")
        item["_at_ms"] = state.now() - int(doc.get("start_timestamp", state.now()))
        doc["_events"] = [*doc.get("_events", []), item]
        _derive(doc)
        state.store.put("call", call_id, doc)
        if item["role"] in UTTERANCE_ROLES:
            emit(state, "transcript_updated", doc)
        return doc


# --------------------------------------------------------------------------- turn-level operations


def _check_words(words: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    previous_end = 0.0
    for i, word in enumerate(words):
        text, start, end = word.get("word"), word.get("start"), word.get("end")
        if not isinstance(text, str) or not isinstance(start, int | float) or not isinstance(end, int | float):
            raise bad_request(f"words[{i}] must be {{word: str, start: seconds, end: seconds}}, got {dict(word)!r}")
        if not 0 <= start <= end or start < previous_end:
            raise bad_request(f"words[{i}] ({text!r}) must satisfy previous end <= start <= end, got {start}..{end}")
        previous_end = float(end)
        out.append({"word": text, "start": start, "end": end})
    return out


def append_utterance(
    state: State,
    call_id: str,
    role: str,
    content: str,
    *,
    words: Sequence[Mapping[str, Any]] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Document:
    """Record what ``role`` (``agent``, ``user``, ``transfer_target``) said; ``words`` carry audio timings if known."""
    if role not in UTTERANCE_ROLES:
        raise bad_request(f"role must be one of {', '.join(UTTERANCE_ROLES)}, got {role!r}")
    item: Document = {"role": role, "content": str(content), "words": _check_words(words or ())}
    if metadata:
        item["metadata"] = dict(metadata)
    return _record(state, call_id, item)


def record_tool_call(
    state: State,
    call_id: str,
    name: str,
    arguments: Mapping[str, Any] | str,
    *,
    tool_call_id: str | None = None,
    type: str = "custom",
    result: str | None = None,
    successful: bool | None = None,
) -> Document:
    """Record a tool call invocation (``arguments`` as given or encoded to a JSON string), and its result if known.

    ``tool_call_id`` defaults to ``tool_call_<n>`` (the n-th invocation of the call). A result
    recorded later with :func:`record_tool_result` gives the call its ``latency_ms``.
    """
    with state.store.transaction():
        doc = state.require("call", call_id)
        if tool_call_id is None:
            count = sum(1 for e in doc.get("_events", []) if e.get("role") == "tool_call_invocation")
            tool_call_id = f"tool_call_{count + 1}"
        elif any(e.get("tool_call_id") == tool_call_id for e in doc.get("_events", [])):
            raise bad_request(f"tool_call_id {tool_call_id!r} is already recorded on call {call_id}")
        encoded = arguments if isinstance(arguments, str) else json.dumps(dict(arguments), ensure_ascii=False)
        item: Document = {
            "role": "tool_call_invocation",
            "tool_call_id": tool_call_id,
            "name": name,
            "arguments": encoded,
            "type": type,
        }
        doc = _record(state, call_id, item)
        if result is not None:
            doc = record_tool_result(state, call_id, tool_call_id, result, successful=successful)
        return doc


def record_tool_result(
    state: State, call_id: str, tool_call_id: str, content: str, *, successful: bool | None = None
) -> Document:
    """Record the result of a recorded tool call invocation."""
    with state.store.transaction():
        events = state.require("call", call_id).get("_events", [])
        invoked = any(e.get("role") == "tool_call_invocation" and e.get("tool_call_id") == tool_call_id for e in events)
        if not invoked:
            raise bad_request(f"No tool call {tool_call_id!r} was recorded on call {call_id}")
        if any(e.get("role") == "tool_call_result" and e.get("tool_call_id") == tool_call_id for e in events):
            raise bad_request(f"Tool call {tool_call_id!r} of call {call_id} already has a result")
        item: Document = {"role": "tool_call_result", "tool_call_id": tool_call_id, "content": str(content)}
        if successful is not None:
            item["successful"] = bool(successful)
        return _record(state, call_id, item)


def record_node_transition(
    state: State,
    call_id: str,
    *,
    former_node_id: str,
    former_node_name: str,
    new_node_id: str,
    new_node_name: str,
    transition_type: str = "normal",
) -> Document:
    """Record that the flow moved from one node to another (ids and names, as Retell reports them)."""
    if transition_type not in _TRANSITION_TYPES:
        raise bad_request(f"transition_type must be one of {', '.join(_TRANSITION_TYPES)}, got {transition_type!r}")
    item: Document = {
        "role": "node_transition",
        "former_node_id": former_node_id,
        "former_node_name": former_node_name,
        "new_node_id": new_node_id,
        "new_node_name": new_node_name,
        "transition_type": transition_type,
    }
    return _record(state, call_id, item)


def record_state_transition(state: State, call_id: str, former: str | None, new: str) -> Document:
    """Record that a Retell LLM moved to state ``new`` (not in Retell's transcript; see :func:`engine_events`)."""
    if not isinstance(new, str) or not new:
        raise bad_request(f"new_state_name must be a non-empty string, got {new!r}")
    item: Document = {"role": "state_transition", "former_state_name": former, "new_state_name": new}
    return _record(state, call_id, item)


def engine_events(state: State, call_id: str) -> list[Document]:
    """A call's ``transcript_with_tool_calls`` with its state transitions in place: what the engine did, in order."""
    return [_public(entry) for entry in state.require("call", call_id).get("_events", [])]


def record_injected(state: State, call_id: str, content: str) -> Document:
    """Record context injected by update-live-call: an ``injected`` item at ``time_sec`` into the call."""
    if not isinstance(content, str) or not content.strip():
        raise bad_request("call_control.additional_context must be a non-empty string")
    with state.store.transaction():
        doc = _load(state, call_id, ("ongoing",), "inject context into")
        seconds = (state.now() - int(doc.get("start_timestamp", state.now()))) / 1000
        return _record(state, call_id, {"role": "injected", "content": content, "time_sec": seconds})


def record_dtmf(state: State, call_id: str, digit: str) -> Document:
    """Record one DTMF key press (``0``-``9``, ``*``, ``#``)."""
    if len(digit) != 1 or digit not in _DTMF:
        raise bad_request(f"digit must be one of 0-9, * or #, got {digit!r}")
    return _record(state, call_id, {"role": "dtmf", "digit": digit})


# --------------------------------------------------------------------------- ending


def _given_items(items: Sequence[Mapping[str, Any]]) -> list[Document]:
    return [dict(item) for item in items]


def end_call(
    state: State,
    call_id: str,
    *,
    disconnection_reason: str = "agent_hangup",
    transcript_object: Sequence[Mapping[str, Any]] = (),
    transcript_with_tool_calls: Sequence[Mapping[str, Any]] | None = None,
    collected_dynamic_variables: Mapping[str, str] | None = None,
    call_analysis: Mapping[str, Any] | None = None,
    call_cost: Mapping[str, Any] | None = None,
    tool_call_latency_ms: Mapping[str, float] | None = None,
    transfer_destination: str | None = None,
    latency: Mapping[str, Any] | None = None,
    llm_token_usage: Mapping[str, Any] | None = None,
) -> Document:
    """End an ``ongoing`` call: ``ended`` with timestamps, ``duration_ms`` from the clock, and transcripts.

    The transcripts are derived from the turns recorded so far. A whole transcript may be
    given at the end instead (``transcript_object``, and ``transcript_with_tool_calls``
    which defaults to it), for a call with no recorded turns; giving both is refused.
    ``tool_call_latency_ms`` (by ``tool_call_id``) sets latencies the clock did not measure.
    A call that ends by ``call_transfer`` carries ``transfer_destination``: the one given, else
    the number of the last recorded ``transfer_call`` invocation (see :func:`transferred_to`).
    ``call_analysis``, ``call_cost``, ``latency`` and ``llm_token_usage`` (Retell's shapes) are
    stored as given; each is left out when ``None``.
    """
    with state.store.transaction():
        doc = _load(state, call_id, ("ongoing",), "end")
        given = transcript_with_tool_calls if transcript_with_tool_calls is not None else transcript_object
        if given and doc.get("_events"):
            raise bad_request(f"Call {call_id} has recorded turns; end it without a transcript (it is derived)")
        if given:
            doc["_events"] = _given_items(given)
            if transcript_with_tool_calls is not None and transcript_object:
                spoken = [dict(u) for u in transcript_object]
                with_tools = [e for e in doc["_events"] if e.get("role") in UTTERANCE_ROLES]
                if [(u.get("role"), u.get("content")) for u in spoken] != [
                    (u.get("role"), u.get("content")) for u in with_tools
                ]:
                    raise bad_request("transcript_object must be the utterances of transcript_with_tool_calls")
        now = state.now()
        _derive(doc, tool_call_latency_ms)
        doc.update(
            call_status="ended",
            end_timestamp=now,
            duration_ms=now - int(doc.get("start_timestamp", now)),
            disconnection_reason=disconnection_reason,
        )
        if collected_dynamic_variables is not None:
            doc["collected_dynamic_variables"] = dict(collected_dynamic_variables)
        if call_analysis is not None:
            doc["call_analysis"] = dict(call_analysis)
        for key, value in (("call_cost", call_cost), ("latency", latency), ("llm_token_usage", llm_token_usage)):
            if value is not None:
                doc[key] = dict(value)
        if disconnection_reason == "call_transfer":
            destination = transfer_destination or transferred_to(doc.get("_events", []))
            if destination:
                doc["transfer_destination"] = destination
        state.store.put("call", call_id, doc)
        emit_end(state, doc)
        return doc


def transferred_to(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The destination of the last ``transfer_call`` invocation (its ``number`` / ``transfer_destination`` argument).

    >>> transferred_to([{"role": "tool_call_invocation", "type": "transfer_call", "arguments": '{"number": "+1415"}'}])
    '+1415'
    """
    for event in reversed(events):
        if event.get("role") != "tool_call_invocation" or event.get("type") != "transfer_call":
            continue
        try:
            arguments = json.loads(str(event.get("arguments") or "{}"))
        except ValueError:
            continue
        if isinstance(arguments, dict):
            for key in ("number", "transfer_destination", "destination"):
                value = arguments.get(key)
                if isinstance(value, str) and value:
                    return value
                if isinstance(value, dict) and isinstance(value.get("number"), str):
                    return str(value["number"])
    return None


def fail_call(
    state: State,
    call_id: str,
    *,
    status: Literal["not_connected", "error"] = "not_connected",
    disconnection_reason: str | None = None,
) -> Document:
    """A call that did not connect (``dial_no_answer`` by default) or broke (``error_unknown``)."""
    with state.store.transaction():
        doc = _load(state, call_id, ("registered", "ongoing"), "fail")
        now = state.now()
        reason = disconnection_reason or ("dial_no_answer" if status == "not_connected" else "error_unknown")
        doc.update(call_status=status, disconnection_reason=reason, end_timestamp=now)
        if "start_timestamp" in doc:
            doc["duration_ms"] = now - int(doc["start_timestamp"])
        state.store.put("call", call_id, doc)
        emit_end(state, doc)
        return doc
