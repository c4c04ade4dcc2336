"""White-box control of a call's lifecycle (retell-api.md §5.3, §11, §12.15).

``registered`` → (``ongoing`` → ``ended``) | ``not_connected`` | ``error``. The REST API
only creates calls; these functions move them along, for tests now and for the
simulation engine later. Each runs in its own store transaction (or joins the caller's)
and returns the updated call document (private keys included).

>>> from retell_dsl.emulator import Emulator
>>> emu = Emulator()
>>> with emu.store.transaction():
...     emu.store.put("call", "call_1", {"call_id": "call_1", "call_status": "registered"})
>>> start_call(emu.state, "call_1")["call_status"]
'ongoing'
>>> end_call(emu.state, "call_1", transcript_object=[{"role": "agent", "content": "Hi", "words": []}])["transcript"]
'Agent: Hi'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["end_call", "fail_call", "ongoing_count", "render_transcript", "start_call"]

_ROLE_LABELS = {"agent": "Agent", "user": "User", "transfer_target": "Transfer target"}


def ongoing_count(state: State) -> int:
    """How many calls are ``ongoing`` (what ``GET /get-concurrency`` reports)."""
    return sum(1 for _, doc in state.store.list_latest("call") if doc.get("call_status") == "ongoing")


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
        return doc


def _tool_calls(entries: Sequence[Mapping[str, Any]], latency_ms: Mapping[str, float]) -> list[dict[str, Any]]:
    """Invocations paired with their results, as the ``tool_calls`` list filter sees them."""
    results = {e.get("tool_call_id"): e for e in entries if e.get("role") == "tool_call_result"}
    out = []
    for entry in entries:
        if entry.get("role") != "tool_call_invocation":
            continue
        ident = entry.get("tool_call_id")
        item: dict[str, Any] = {"name": entry.get("name"), "type": entry.get("type") or "custom"}
        result = results.get(ident)
        if result is not None:
            item["success"] = bool(result.get("successful", True))
        if ident in latency_ms:
            item["latency_ms"] = latency_ms[str(ident)]
        out.append(item)
    return out


_SECONDS_PER_WORD = 0.35


def with_word_timings(entries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Utterances as Retell stores them: each gets ``words`` with start/end seconds if it has none.

    >>> with_word_timings([{"role": "agent", "content": "Hi there"}])[0]["words"]
    [{'word': 'Hi', 'start': 0.0, 'end': 0.35}, {'word': 'there', 'start': 0.35, 'end': 0.7}]
    """
    clock = 0.0
    out = []
    for entry in entries:
        item = dict(entry)
        if item.get("role") in ("agent", "user", "transfer_target") and "words" not in item:
            words = []
            for word in str(item.get("content", "")).split():
                words.append({"word": word, "start": round(clock, 3), "end": round(clock + _SECONDS_PER_WORD, 3)})
                clock += _SECONDS_PER_WORD
            item["words"] = words
        elif item.get("words"):
            clock = max(clock, float(item["words"][-1].get("end", clock)))
        out.append(item)
    return out


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
) -> Document:
    """End an ``ongoing`` call: ``ended`` with timestamps, duration and transcript fields.

    ``transcript_with_tool_calls`` defaults to ``transcript_object``;
    ``tool_call_latency_ms`` (by ``tool_call_id``) feeds the ``tool_calls`` list filter.
    """
    with state.store.transaction():
        doc = _load(state, call_id, ("ongoing",), "end")
        now = state.now()
        utterances = with_word_timings(transcript_object)
        with_tools = with_word_timings(
            transcript_with_tool_calls if transcript_with_tool_calls is not None else transcript_object
        )
        doc.update(
            call_status="ended",
            end_timestamp=now,
            duration_ms=now - int(doc.get("start_timestamp", now)),
            disconnection_reason=disconnection_reason,
            transcript=render_transcript(transcript_object),
            transcript_object=utterances,
            transcript_with_tool_calls=with_tools,
            _tool_calls=_tool_calls(with_tools, tool_call_latency_ms or {}),
        )
        if collected_dynamic_variables is not None:
            doc["collected_dynamic_variables"] = dict(collected_dynamic_variables)
        if call_analysis is not None:
            doc["call_analysis"] = dict(call_analysis)
        if call_cost is not None:
            doc["call_cost"] = dict(call_cost)
        state.store.put("call", call_id, doc)
        return doc


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
        return doc
