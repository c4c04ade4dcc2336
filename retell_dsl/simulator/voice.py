"""Voice calls on the local engine: the call's caller (script or persona JSON) talks with the agent.

The session is a voice one (``web_call`` or ``phone_call`` from the call object, its direction,
numbers, metadata and ``retell_llm_dynamic_variables``); :func:`~retell_dsl.sim.drive.converse`
drives it and :class:`~retell_dsl.simulator.calls.CallRecorder` records every turn on the
emulator's call as it happens, applying update-live-call between the caller's turns
(:class:`~retell_dsl.simulator.live.LiveCaller`); the call ends with its transfer destination,
``latency``, ``call_cost`` and ``llm_token_usage``. A caller that gives up (a script step waited too
long, a persona stop rule) hangs up (``user_hangup``); a persona whose model failed ends the call with
that failure's reason.

**Nobody on the line** (``caller`` is ``None``): a web call nobody joined ends
``error_user_not_joined`` with nothing said (as Retell's unjoined web calls do); a phone call
that was answered by someone who never speaks hears the agent open the call and ends with
``inactivity`` once the agent's ``end_call_after_silence_ms`` (Retell's default 600 000 ms)
passes in silence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession
from retell_dsl.sim.analysis import analyze_call, analyze_call_events
from retell_dsl.sim.callers import caller_from_json
from retell_dsl.sim.drive import converse
from retell_dsl.sim.events import Ended, EngineFailed
from retell_dsl.sim.models import Model
from retell_dsl.sim.outputs import collected_dynamic_variables
from retell_dsl.sim.runtime import CallFacts, ManualClock, Session
from retell_dsl.simulator.calls import CallRecorder, RecordingLog
from retell_dsl.simulator.chats import llm_model
from retell_dsl.simulator.live import LiveCaller
from retell_dsl.simulator.sessions import SessionFactory

__all__ = ["DEFAULT_SILENCE_MS", "reanalyze", "run_call"]

#: Retell's default ``end_call_after_silence_ms`` (10 minutes).
DEFAULT_SILENCE_MS = 600_000


def _facts(snapshot: AgentSnapshot, call: Mapping[str, Any]) -> CallFacts:
    version = call.get("agent_version")
    direction = call.get("direction")
    return CallFacts(
        session_type="voice",
        call_type=str(call.get("call_type") or "web_call"),
        call_id=str(call.get("call_id") or "call_local"),
        agent_id=str(call.get("agent_id") or snapshot.agent.get("agent_id") or ""),
        agent_version=version if isinstance(version, int) else None,
        direction="outbound" if direction == "outbound" else "inbound",
        from_number=call.get("from_number"),
        to_number=call.get("to_number"),
        metadata=dict(call.get("metadata") or {}),
    )


async def run_call(
    factory: SessionFactory,
    snapshot: AgentSnapshot,
    port: CallSession,
    *,
    persona_model: Model,
    analysis_model: Model,
    timeout_s: float,
    max_turns: int,
) -> tuple[str, ...]:
    """Hold the call, record it on ``port`` and end it; return notes a person needs (why it failed, no analysis)."""
    call = port.call
    variables = {str(k): str(v) for k, v in (call.get("retell_llm_dynamic_variables") or {}).items()}
    facts = _facts(snapshot, call)
    start = call.get("start_timestamp")
    clock = ManualClock(start_ms=start if isinstance(start, int) else 0)
    session: Session = factory.session(snapshot, variables=variables, facts=facts, clock=clock)
    recorder = CallRecorder(port)
    log = RecordingLog(recorder)
    session.core.log = log  # every turn is recorded on the call as it happens
    spec = port.caller
    if spec is None:
        if facts.call_type != "phone_call":
            port.end("error_user_not_joined")
            return ("nobody joined the web call",)
        await session.start()
        limit = snapshot.agent.get("end_call_after_silence_ms")
        await session.silence(limit if isinstance(limit, int) and limit > 0 else DEFAULT_SILENCE_MS)
    else:
        live = LiveCaller(caller_from_json(spec, persona_model), session, port, log)
        done = await converse(session, live, max_turns=max_turns, timeout_s=timeout_s)
        if session.ended is None:
            if done.stop_reason is not None:
                session.core.emit(Ended(at_ms=session.core.now(), reason=done.stop_reason))
            else:
                await session.hang_up()
    if log.failure is not None:
        raise log.failure
    events = session.events
    ended = session.ended or Ended(at_ms=events[-1].at_ms if events else 0, reason="user_hangup")
    result = await analyze_call_events(events, snapshot.agent, analysis_model)
    recorder.end(
        ended,
        collected_dynamic_variables=collected_dynamic_variables(events, variables),
        call_analysis=result.analysis,
        llm_model=llm_model(snapshot),
        call_type="phone_call" if facts.call_type == "phone_call" else "web_call",
    )
    notes = [e.message for e in events if isinstance(e, EngineFailed)]
    if result.error:
        notes.append(f"post-call analysis: {result.error}")
    return tuple(notes)


async def reanalyze(
    snapshot: AgentSnapshot, call: Mapping[str, Any], model: Model
) -> tuple[dict[str, Any] | None, str]:
    """The ``call_analysis`` of an ended call from its transcript (rerun-call-analysis), and a note when none."""
    text = str(call.get("transcript") or "")
    if text and not text.endswith("\n"):
        text += "\n"  # the engine's transcripts end each line, as the first analysis saw it
    result = await analyze_call(
        snapshot.agent.get("post_call_analysis_data"),
        text,
        model,
        post_call_analysis_model=snapshot.agent.get("post_call_analysis_model"),
        connected=call.get("call_status") == "ended",
        in_voicemail=call.get("disconnection_reason") == "voicemail_reached",
    )
    if result.analysis is not None:
        return result.analysis, ""
    if result.error:
        return None, f"post-call analysis: {result.error}"
    fields = ", ".join(result.needs_model) or "the analysis"
    return None, f"no call_analysis: {fields} need a model and none is configured"
